/*
 * Certificate life-cycle fixtures for e2e tests: a fresh client organisation with two sites, certificates
 * made with owner SQL (DATABASE_URL: the certifications and certificates rows, recorded with
 * cc_certificate_record as the service would), and owner SQL in a tenant. Every helper fails the current
 * test when something is not as expected.
 */
#ifndef CC_TEST_LIFECYCLE_H
#define CC_TEST_LIFECYCLE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "cc_test_caller.h"

/* POST /v1/clients as sm (a random legal name) with two sites, central first; the caller-freed client id. */
char *cc_test_lc_client(const cc_test_caller_t *sm);

/*
 * Owner SQL in the tenant `slug`: connects with DATABASE_URL, sets app.tenant_id for the session, runs sql
 * with its text parameters and returns the first column of the first row (caller-freed; NULL without a
 * row or for SQL NULL).
 */
char *cc_test_lc_sql(const char *slug, const char *sql, int nparams, const char *const *params);

/*
 * An active certificate (revision 0) of client on programme for standard (a catalogue code), printing all
 * the client's sites, effective `effective` and expiring `expiry`, made with owner SQL in tenant slug and
 * recorded as issued (history row, outbox seq 1) in the same transaction. Returns the caller-freed
 * certificate id.
 */
char *cc_test_lc_certificate(const char *slug, const char *client, const char *programme,
                             const char *standard, const char *effective, const char *expiry);

/* GET /v1/certificates/{id} as c, 200 expected; the body (caller decrefs). */
json_t *cc_test_lc_get(const cc_test_caller_t *c, const char *id);

/* POST /v1/certificates/{id}/{action} as c with If-Match: "<version>" (version < 0: none) and body. */
cc_test_response_t *cc_test_lc_act(const cc_test_caller_t *c, const char *id, const char *action, int version,
                                   const char *body);

#endif
