/*
 * Registry-sync fixtures for e2e and integration tests: northcert's registry sync pointed at a test's own
 * IAF CertSearch double (cc_test_fake_registry.h) with owner SQL (the API key sealed under CC_MASTER_KEY as
 * the service seals it, both pacing intervals 0), client consent, waiting until certifications are
 * settled, and comparing the double's records with ours. Every helper fails the current test when
 * something is not as expected.
 */
#ifndef CC_TEST_REGISTRY_H
#define CC_TEST_REGISTRY_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "cc_test_fake_registry.h"
#include "cc_test_scheduling.h"

typedef struct cc_test_registry {
    cc_fake_registry_t *fake;
    PGconn *db; /* owner (DATABASE_URL), app.tenant_id = northcert for the session */
    char key[40];
} cc_test_registry_t;

/* Starts a double with a random key and connects; northcert's sync stays as it is (disabled). */
void cc_test_registry_begin(cc_test_registry_t *r);

/* Points northcert's sync at the double, enabled or not: key, accreditation body, intervals 0, no pause,
 * no Retry-After. */
void cc_test_registry_enable(cc_test_registry_t *r, bool enabled);

/* Disables northcert's sync, stops the double, closes the connection. */
void cc_test_registry_end(cc_test_registry_t *r);

/* Owner SQL in northcert: the first column of the first row (caller frees; NULL for none or NULL). */
char *cc_test_registry_sql(cc_test_registry_t *r, const char *sql, int nparams, const char *const *params);

/* Records (or withdraws) client's consent to publication, as an admin would. */
void cc_test_registry_consent(cc_test_registry_t *r, const char *client_id, bool given);

/* Waits (at most seconds) until none of the n certifications is pending or in flight. Returns true when
 * they all settled. */
bool cc_test_registry_wait(cc_test_registry_t *r, const char *const *certifications, int n, int seconds);

/* As cc_test_registry_wait, failing the test when time runs out. */
void cc_test_registry_settle(cc_test_registry_t *r, const char *const *certifications, int n);

/* Our sync state of a certification: {"outcome", "reason", "in_registry", "attempts", "pending",
 * "company_certifications_id", "sent_status"} (caller decrefs). */
json_t *cc_test_registry_ours(cc_test_registry_t *r, const char *certification);

/* The certification's current status mapped as the registry's (draft -> hidden; caller frees). */
char *cc_test_registry_status(cc_test_registry_t *r, const char *certification);

/*
 * The double's state equals ours for the n certifications: a consented one's record is there with its
 * current number and status, a not-consented one's is absent.
 */
void cc_test_registry_assert_equal(cc_test_registry_t *r, const char *const *certifications, int n);

/* n active certificates of one fresh consenting client of northcert (its programme made by cb's scheme
 * manager), written by owner SQL while sync is off: certificates[i] (may be NULL) and certifications[i]
 * get their ids (the caller frees each). */
void cc_test_registry_make_consented(cc_test_registry_t *r, const cc_test_cb_t *cb, int n,
                                     char **certificates, char **certifications);

/* Waits (at most 6 s) until one of northcert's certifications is claimed (a lease held): a batch is in
 * flight. Fails the test otherwise. */
void cc_test_registry_wait_in_flight(cc_test_registry_t *r);

#endif
