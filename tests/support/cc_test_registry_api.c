/*
 * Helpers of the registry API's e2e tests (cc_test_registry_api.h).
 */
#include "cc_test_registry_api.h"

#include <check.h>
#include <stdlib.h>

#include "cc_test_db.h"

static PGconn *begin(const char *tenant)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    const char *p[] = {tenant};
    cc_test_db_run(db, "BEGIN", 0, NULL);
    cc_test_db_run(db, "SELECT set_config('app.tenant_id', cc_tenant_id($1)::text, true)", 1, p);
    return db;
}

void cc_test_regapi_sql(const char *tenant, const char *sql, int nparams, const char *const *params)
{
    PGconn *db = begin(tenant);
    cc_test_db_run(db, sql, nparams, params);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    PQfinish(db);
}

char *cc_test_regapi_value(const char *tenant, const char *sql, int nparams, const char *const *params)
{
    PGconn *db = begin(tenant);
    char *value = cc_test_db_value(db, sql, nparams, params);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    PQfinish(db);
    return value;
}

void cc_test_regapi_enable(const cc_test_caller_t *admin, const char *base_url, const char *key)
{
    json_t *body =
        json_pack("{s:b, s:s, s:s, s:s, s:s, s:i, s:i}", "enabled", 1, "base_url", base_url, "api_key", key,
                  "accreditation_body_name", "United Kingdom Accreditation Service",
                  "accreditation_body_acronym", "UKAS", "single_interval_s", 0, "bulk_interval_s", 0);
    cc_test_response_t *resp = cc_test_call_json(admin, "PUT", "/v1/registry/settings", NULL, body);
    json_decref(body);
    cc_test_assert_json(resp, 200);
    ck_assert(json_is_true(json_object_get(resp->json, "enabled")));
    cc_test_response_free(resp);
}

void cc_test_regapi_disable(const cc_test_caller_t *admin)
{
    cc_test_response_t *resp =
        cc_test_call(admin, "PUT", "/v1/registry/settings", NULL, "{\"enabled\":false}");
    cc_test_response_free(resp);
}

json_t *cc_test_regapi_status(const cc_test_caller_t *admin)
{
    cc_test_response_t *resp = cc_test_call(admin, "GET", "/v1/registry/status", NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *status = json_incref(resp->json);
    cc_test_response_free(resp);
    return status;
}
