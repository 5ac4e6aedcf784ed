/*
 * The IAF CertSearch double (tests/fakes/iafcertsearch.py) from a test: start
 * it on CC_TEST_FAKE_HOST (127.0.0.2, inside deploy/test's CC_OUTBOUND_ALLOW)
 * at a free port, steer its faults, and read back what it holds and what it
 * was sent, to compare the registry's state with ours. Every helper fails the
 * current test when the double does not answer as expected.
 */
#ifndef CC_TEST_FAKE_REGISTRY_H
#define CC_TEST_FAKE_REGISTRY_H

#include "cc_test_http.h"

#include <jansson.h>

typedef struct cc_fake_registry cc_fake_registry_t;

/* Starts a double that accepts api_key (x-http-authorization) and waits until it answers. */
cc_fake_registry_t *cc_fake_registry_start(const char *api_key);

/* As cc_fake_registry_start, with a fault plan in force from the start (--faults; NULL: none). */
cc_fake_registry_t *cc_fake_registry_start_with(const char *api_key, const char *faults_json);

/* Stops it (SIGTERM, then SIGKILL) and frees f. NULL is a no-op. */
void cc_fake_registry_stop(cc_fake_registry_t *f);

/* Its base URL, as a tenant's registry base_url: "http://127.0.0.2:<port>/api/client/v1". */
const char *cc_fake_registry_url(const cc_fake_registry_t *f);

/*
 * Replaces its fault plan (tests/fakes/README.md), e.g. {"mode": "429", "retry_after": 2, "count": 3}
 * or {"mode": "500", "fraction": 0.2}; {"mode": "none"} clears it. Modes: none, 500, 429, 401, 403,
 * hang (answers nothing for hang_ms), drop (closes the connection mid-answer), reject (answers 422 naming
 * the records whose certificate_number is in "numbers"). "count": how many calls it applies to (default:
 * all); "fraction": the share of calls it applies to, at random.
 */
void cc_fake_registry_faults(cc_fake_registry_t *f, const char *plan_json);

/* The records it holds, keyed by certificate_identity_number, each with its company_certifications_id
 * (a new reference). */
json_t *cc_fake_registry_records(cc_fake_registry_t *f);

/* The calls it received, oldest first: [{"method", "path", "status", "records", "fault"}] (new reference). */
json_t *cc_fake_registry_calls(cc_fake_registry_t *f);

/* Forgets its records, calls and fault plan. */
void cc_fake_registry_reset(cc_fake_registry_t *f);

/*
 * One call to its registry API, e.g. ("POST", "/cb/upload-cert", record, key) to seed a record the
 * service does not know of: path is relative to cc_fake_registry_url; api_key NULL sends no
 * x-http-authorization header. Kept out of the OpenAPI response log. Returns the response (free with
 * cc_test_response_free) or NULL on a transport failure (a hang or drop fault).
 */
cc_test_response_t *cc_fake_registry_call(cc_fake_registry_t *f, const char *method, const char *path,
                                          const char *body, const char *api_key);

#endif
