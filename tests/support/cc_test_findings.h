/*
 * Findings fixtures for e2e tests through the gateway: northcert's callers and
 * an audit team (a lead, a team auditor, a technical expert, and an auditor on
 * no team) logged in; programmes whose audits are conducted by that team; and
 * findings raised on them. Every helper fails the current test when an answer
 * is not the expected one. One team's auditors are booked on every audit it
 * conducts: give each audit of one team days of its own.
 */
#ifndef CC_TEST_FINDINGS_H
#define CC_TEST_FINDINGS_H

#include <jansson.h>
#include <stdbool.h>

#include "cc_test_caller.h"
#include "cc_test_scheduling.h"

/* A clause and a control of ISO/IEC 27001:2022 (the fixtures' programmes' standard). */
#define CC_TEST_CLAUSE "ISO27001:2022/6.1.2"
#define CC_TEST_CONTROL "ISO27001:2022/A.5.1"

typedef struct cc_test_team {
    cc_test_cb_t cb;     /* admin, sm, client1 (of cb.org), southcert's admin */
    cc_test_caller_t dm; /* northcert's decision maker */
    cc_test_auditor_t lead_a, auditor_a, expert_a, outsider_a;
    cc_test_caller_t lead, auditor, expert, outsider; /* each logged in as its auditor's user */
} cc_test_team_t;

/* Logs the callers in and creates the four auditors (each with ISMS competence). */
void cc_test_team_setup(cc_test_team_t *t);
void cc_test_team_free(cc_test_team_t *t);

/* POST /v1/programmes as sm for client1's organisation: ISO/IEC 27001:2022, with a pre-assessment when asked,
 * and site_ids (JSON array text, NULL: none). Returns the 201 body (the caller decrefs). */
json_t *cc_test_findings_programme(const cc_test_team_t *t, bool pre_assessment, const char *site_ids);

/* Staffs the audit with the team (lead, auditor, technical expert), sets its days, schedules and starts it,
 * and completes it when `complete` (a Stage 1 with its conclusions). */
void cc_test_team_conduct(const cc_test_team_t *t, const char *audit, const char *start, const char *end,
                          bool complete);

/*
 * A new programme (as cc_test_findings_programme, with a pre-assessment when type is "pre_assessment") whose
 * audit of `type` the team conducts on [start, end], completed when `complete` ("stage2": its Stage 1 is
 * conducted and completed first, a month earlier). *audit receives the audit's id (borrowed from the
 * returned programme, which the caller decrefs).
 */
json_t *cc_test_team_audit(const cc_test_team_t *t, const char *type, const char *start, const char *end,
                           bool complete, const char **audit);

/*
 * A new programme whose Stage 1 and Stage 2 the team conducts and completes on the given days, granted by the
 * decision maker on `granted` (NULL: not decided). The caller decrefs the programme.
 */
json_t *cc_test_team_certified(const cc_test_team_t *t, const char *s1, const char *s1_end, const char *s2,
                               const char *s2_end, const char *granted);

/* The id of a site of client1's organisation (one is created when it has none); the caller frees. */
char *cc_test_team_site(const cc_test_team_t *t);

/* POST /v1/findings as c: grade on audit against requirement (a catalogue id), statement and evidence fixed.
 */
cc_test_response_t *cc_test_raise(const cc_test_caller_t *c, const char *audit, const char *grade,
                                  const char *requirement);

/* As cc_test_raise by c on CC_TEST_CLAUSE; 201 expected. Returns the finding (caller decrefs). */
json_t *cc_test_must_raise_by(const cc_test_caller_t *c, const char *audit, const char *grade);

/* As cc_test_must_raise_by by the team's lead. */
json_t *cc_test_must_raise(const cc_test_team_t *t, const char *audit, const char *grade);

/* GET /v1/findings/{id} as c; 200 expected. Returns the finding (caller decrefs). */
json_t *cc_test_get_finding(const cc_test_caller_t *c, const char *id);

/* A request to /v1/findings/{id}{tail} as c with an optional extra header line and body. */
cc_test_response_t *cc_test_finding_call(const cc_test_caller_t *c, const char *method, const char *id,
                                         const char *tail, const char *extra, const char *body);

/*
 * A request as cc_test_finding_call (no extra header) answered with the problem status/code whose first error
 * names field (NULL: no field asserted).
 */
void cc_test_finding_refused(const cc_test_caller_t *c, const char *method, const char *id, const char *tail,
                             const char *body, int status, const char *code, const char *field);

/*
 * POST /v1/findings/{id}/{action} as c with body (NULL: none): 200 expected, the finding in `status` with its
 * ETag. Returns the finding (caller decrefs).
 */
json_t *cc_test_finding_must(const cc_test_caller_t *c, const char *id, const char *action, const char *body,
                             const char *status);

/* The body of a response round whose target_date is `target` and correction `correction` (caller frees). */
char *cc_test_response_body(const char *target, const char *correction);

/*
 * A response round to the finding as c (a client user of its organisation, or CB staff on its behalf), with
 * the finding's plan_due as its target_date: 200 expected, response_submitted. Returns the finding (caller
 * decrefs).
 */
json_t *cc_test_respond(const cc_test_caller_t *c, const char *id);

#endif
