/*
 * Certificate life-cycle fixtures for e2e tests: see cc_test_lifecycle.h.
 */
#include "cc_test_lifecycle.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_test_db.h"
#include "cc_test_http.h"

char *cc_test_lc_client(const cc_test_caller_t *sm)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *legal = cc_test_asprintf("Lifecycle %s Ltd", suffix);
    json_t *body =
        json_pack("{s:s, s:{s:s, s:s, s:n, s:n, s:s}, s:i}", "legal_name", legal, "address", "street",
                  "1 Cert Street", "city", "Leeds", "state", "post_code", "country", "GB", "personnel", 40);
    cc_test_response_t *resp = cc_test_call_json(sm, "POST", "/v1/clients", NULL, body);
    cc_test_assert_json(resp, 201);
    char *id = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    json_decref(body);
    free(legal);
    char *path = cc_test_asprintf("/v1/clients/%s/sites", id);
    for (int central = 1; central >= 0; central--) {
        json_t *site =
            json_pack("{s:s, s:{s:s, s:s, s:n, s:n, s:s}, s:i, s:s, s:b}", "name",
                      central ? "Head office" : "Branch office", "address", "street", "5 Site Lane", "city",
                      central ? "Leeds" : "York", "state", "post_code", "country", "GB", "personnel", 10,
                      "activities", central ? "Management" : "Support desk", "central", central);
        cc_test_response_t *made = cc_test_call_json(sm, "POST", path, NULL, site);
        cc_test_assert_json(made, 201);
        cc_test_response_free(made);
        json_decref(site);
    }
    free(path);
    return id;
}

char *cc_test_lc_sql(const char *slug, const char *sql, int nparams, const char *const *params)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    const char *tenant[] = {slug};
    cc_test_db_run(
        db, "SELECT set_config('app.tenant_id', (SELECT id::text FROM tenants WHERE slug = $1), false)", 1,
        tenant);
    char *value = cc_test_db_value(db, sql, nparams, params);
    PQfinish(db);
    return value;
}

/* The certificate and its `issued` record in one transaction: the service's expiry job must never see (and
 * expire) a backdated certificate before it is recorded as issued. */
char *cc_test_lc_certificate(const char *slug, const char *client, const char *programme,
                             const char *standard, const char *effective, const char *expiry)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    const char *tenant[] = {slug};
    cc_test_db_run(db, "BEGIN", 0, NULL);
    cc_test_db_run(db,
                   "SELECT set_config('app.tenant_id', (SELECT id::text FROM tenants WHERE slug = $1), true)",
                   1, tenant);
    const char *params[] = {client, programme, standard, suffix, effective, expiry};
    char *id = cc_test_db_value(
        db,
        "WITH seq AS (SELECT cc_certificate_next_sequence() AS n), "
        "cert AS (INSERT INTO certifications (client_id, standard, sequence, base_number, "
        "original_issue_date) "
        "  SELECT $1::uuid, $3, n, 'LC-' || upper($4) || '-' || n, $5::date FROM seq RETURNING *), "
        "made AS (INSERT INTO certificates (certification_id, revision, number, client_id, programme_id, "
        "  standard, scope, sites, original_issue_date, issue_date, effective_date, expiry_date, status) "
        "  SELECT id, 0, base_number, client_id, $2::uuid, standard, 'Lifecycle test scope', "
        "   cc_certificate_sites(client_id, NULL, 'Lifecycle test scope'), original_issue_date, "
        "   original_issue_date, original_issue_date, $6::date, 'active' FROM cert RETURNING id) "
        "SELECT id::text FROM made",
        6, params);
    ck_assert_ptr_nonnull(id);
    const char *record[] = {id};
    cc_test_db_run(db, "SELECT cc_certificate_record($1::uuid, 'issued', NULL, NULL, NULL, NULL, NULL)", 1,
                   record);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    PQfinish(db);
    return id;
}

json_t *cc_test_lc_get(const cc_test_caller_t *c, const char *id)
{
    char *path = cc_test_asprintf("/v1/certificates/%s", id);
    cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_assert_etag(resp, (int)cc_test_version_of(resp));
    json_t *cert = json_incref(resp->json);
    cc_test_response_free(resp);
    free(path);
    return cert;
}

cc_test_response_t *cc_test_lc_act(const cc_test_caller_t *c, const char *id, const char *action, int version,
                                   const char *body)
{
    char *path = cc_test_asprintf("/v1/certificates/%s/%s", id, action);
    char *if_match = version >= 0 ? cc_test_asprintf("If-Match: \"%d\"", version) : NULL;
    cc_test_response_t *resp = cc_test_call(c, "POST", path, if_match, body);
    free(if_match);
    free(path);
    return resp;
}
