/*
 * Helpers of the registry API's e2e tests (tests/e2e/test_registry_*.c): owner
 * SQL in one tenant's transaction (the tables force row-level security), and
 * a tenant's registry sync pointed at a double and switched off again.
 */
#ifndef CC_TEST_REGISTRY_API_H
#define CC_TEST_REGISTRY_API_H

#include <jansson.h>

#include "cc_test_caller.h"

/* Runs sql as the owner (DATABASE_URL) in a transaction of tenant (a slug) and commits. Fails the test on an
 * error. */
void cc_test_regapi_sql(const char *tenant, const char *sql, int nparams, const char *const *params);

/* As cc_test_regapi_sql, returning a caller-freed copy of the first row's first column (NULL: none). */
char *cc_test_regapi_value(const char *tenant, const char *sql, int nparams, const char *const *params);

/* PUT /v1/registry/settings as admin, enabled, at base_url with key, both intervals 0 (asserts 200). */
void cc_test_regapi_enable(const cc_test_caller_t *admin, const char *base_url, const char *key);

/* PUT /v1/registry/settings {"enabled": false} as admin (unchecked: a teardown). */
void cc_test_regapi_disable(const cc_test_caller_t *admin);

/* GET /v1/registry/status as admin (asserts 200); a new reference. */
json_t *cc_test_regapi_status(const cc_test_caller_t *admin);

#endif
