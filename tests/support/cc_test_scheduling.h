/*
 * Scheduling fixtures for e2e tests through the gateway: fresh auditors,
 * programmes, and audits planned, staffed and moved through their states.
 * Every helper fails the current test when an answer is not the expected one.
 */
#ifndef CC_TEST_SCHEDULING_H
#define CC_TEST_SCHEDULING_H

#include <jansson.h>

#include "cc_test_caller.h"

#define CC_TEST_ISMS "ISO/IEC 27001:2022"
#define CC_TEST_AUDITOR_PASSWORD "Scheduling-test-password-42"

/* A competence list of one entry (string literals). */
#define CC_TEST_COMPETENCE(standard, sectors, role)                                                          \
    "[{\"standard\":\"" standard "\",\"sector_codes\":" sectors ",\"role\":\"" role "\"}]"

/* The northcert callers scheduling tests act as, and southcert's admin (another tenant). */
typedef struct cc_test_cb {
    cc_test_caller_t admin, sm, client1, other_admin;
    char *org; /* client1's organisation */
} cc_test_cb_t;

/* Logs every caller in and reads client1's organisation. */
void cc_test_cb_login(cc_test_cb_t *cb);
void cc_test_cb_free(cc_test_cb_t *cb);

typedef struct cc_test_auditor {
    char *id, *user_id, *email; /* the auditor record, its user, the user's e-mail */
} cc_test_auditor_t;

/* A fresh auditor user (password CC_TEST_AUDITOR_PASSWORD), created by admin, with its auditor record
 * created by sm holding `competences` (JSON). */
cc_test_auditor_t cc_test_new_auditor(const cc_test_caller_t *admin, const cc_test_caller_t *sm,
                                      const char *competences);
void cc_test_auditor_free(cc_test_auditor_t *a);

/* POST /v1/programmes as sm: an ISMS programme for client with sector codes (JSON); the 201 body. */
json_t *cc_test_new_programme(const cc_test_caller_t *sm, const char *client, const char *sectors);

/* The id of a programme's first audit of `type` (borrowed from programme). */
const char *cc_test_audit_of(const json_t *programme, const char *type);

/* A request to /v1/audits/{audit}{tail}. */
cc_test_response_t *cc_test_audit_call(const cc_test_caller_t *c, const char *method, const char *audit,
                                       const char *tail, const char *body);

/* PATCHes the audit's days; 200 expected. */
void cc_test_set_dates(const cc_test_caller_t *sm, const char *audit, const char *start, const char *end);

/* POST /v1/audits/{audit}/team {auditor_id, role}. */
cc_test_response_t *cc_test_add_member(const cc_test_caller_t *c, const char *audit, const char *auditor,
                                       const char *role);

/* As cc_test_add_member, 200 expected. */
void cc_test_must_add(const cc_test_caller_t *sm, const char *audit, const char *auditor, const char *role);

/* POSTs a transition; 200 with `expected` as the new status, or the problem `expected` with `status`. */
void cc_test_transition(const cc_test_caller_t *c, const char *audit, const char *action, const char *body,
                        int status, const char *expected);

/* Conducts an audit from planned to completed on [start, end] led by `lead` (Stage 1 conclusions given). */
void cc_test_conduct(const cc_test_caller_t *sm, const char *audit, const char *lead, const char *start,
                     const char *end);

#endif
