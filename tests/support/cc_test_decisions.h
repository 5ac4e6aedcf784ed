/*
 * Decision helpers for e2e tests of POST /v1/decisions (test_decisions.c,
 * test_decision_cycles.c): request bodies, refusals, programmes conducted by
 * a fresh lead and granted on chosen days, and the checks of a decided cycle.
 */
#ifndef CC_TEST_DECISIONS_H
#define CC_TEST_DECISIONS_H

#include <jansson.h>

#include "cc_test_certificates.h"
#include "cc_test_scheduling.h"

typedef struct cc_test_deciding {
    cc_test_cb_t cb;
    cc_test_caller_t dm; /* northcert's decision maker */
    cc_test_auditor_t lead;
} cc_test_deciding_t;

void cc_test_deciding_setup(cc_test_deciding_t *f);
void cc_test_deciding_free(cc_test_deciding_t *f);

/*
 * A decision body (caller frees): audits is a JSON array text, effective NULL leaves it out, soa NULL leaves
 * soa_version out, extra (NULL or members starting with a comma) is appended.
 */
char *cc_test_decision_body(const char *programme, const char *type, const char *outcome, const char *audits,
                            const char *decided_on, const char *effective, const char *soa,
                            const char *extra);

/* POSTs body as c and expects the problem status/code whose first error names field (NULL: unchecked). */
void cc_test_decision_refused(const cc_test_caller_t *c, const char *body, int status, const char *code,
                              const char *field);

/* POSTs body as c and expects 201; returns the answer (caller decrefs). */
json_t *cc_test_decision_granted(const cc_test_caller_t *c, const char *body);

/* GET /v1/programmes/{id} as sm (caller decrefs). */
json_t *cc_test_get_programme(const cc_test_deciding_t *f, const char *id);

/* ["<stage1>","<stage2>"] of a programme (caller frees). */
char *cc_test_stages_of(const json_t *programme);

/* A programme whose Stage 1 and Stage 2 f's lead conducted on the given days, granted (initial) on
 * `granted` effective the same day (NULL: not decided). */
json_t *cc_test_decided_programme(const cc_test_deciding_t *f, const char *s1, const char *s1_end,
                                  const char *s2, const char *s2_end, const char *granted);

/* Checks a decided cycle: its dates, and windows that follow DOMAIN.md from the anchor to the expiry. */
void cc_test_assert_decided(const json_t *programme, const char *anchor, const char *expiry, int cycle);

#endif
