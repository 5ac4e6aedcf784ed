/*
 * Registry-sync fixtures (cc_test_registry.h): northcert's settings written with owner SQL, the API key
 * sealed with cc_aead_seal under CC_MASTER_KEY exactly as the service stores it, and the comparison of the
 * double's records with our sync state.
 */
#include "cc_test_registry.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_crypto.h"
#include "cc_test_caller.h"
#include "cc_test_db.h"
#include "cc_test_http.h"
#include "cc_test_lifecycle.h"

void cc_test_registry_begin(cc_test_registry_t *r)
{
    memset(r, 0, sizeof(*r));
    char suffix[17];
    cc_test_random_suffix(suffix);
    snprintf(r->key, sizeof(r->key), "test-key-%s", suffix);
    r->fake = cc_fake_registry_start(r->key);
    r->db = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(r->db, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, false)", 0,
                   NULL);
}

/* The key sealed under the deployment's master key, as hex. */
static char *sealed_key_hex(const char *key)
{
    const char *master_hex = cc_test_env("CC_MASTER_KEY");
    uint8_t master[CC_AEAD_KEY_LEN];
    ck_assert_int_eq(cc_hex_decode(master_hex, master, sizeof(master)), 0);
    uint8_t *sealed = NULL;
    size_t len = 0;
    ck_assert_int_eq(cc_aead_seal(master, key, strlen(key), &sealed, &len), 0);
    char *hex = malloc(len * 2 + 1);
    cc_hex_encode(sealed, len, hex);
    free(sealed);
    return hex;
}

void cc_test_registry_enable(cc_test_registry_t *r, bool enabled)
{
    char *hex = sealed_key_hex(r->key);
    const char *params[] = {enabled ? "true" : "false", cc_fake_registry_url(r->fake), hex};
    cc_test_db_run(
        r->db,
        "INSERT INTO registry_settings (enabled, base_url, api_key_sealed, accreditation_body_name, "
        "  accreditation_body_acronym, single_interval_s, bulk_interval_s) "
        "VALUES ($1::boolean, $2, decode($3, 'hex'), 'United Kingdom Accreditation Service', 'UKAS', 0, 0) "
        "ON CONFLICT (tenant_id) DO UPDATE SET enabled = EXCLUDED.enabled, base_url = EXCLUDED.base_url, "
        "  api_key_sealed = EXCLUDED.api_key_sealed, "
        "  accreditation_body_name = EXCLUDED.accreditation_body_name, "
        "  accreditation_body_acronym = EXCLUDED.accreditation_body_acronym, single_interval_s = 0, "
        "  bulk_interval_s = 0, paused_reason = NULL, paused_detail = NULL, paused_at = NULL, "
        "  retry_after = NULL, version = registry_settings.version + 1, updated_at = now()",
        3, params);
    free(hex);
}

void cc_test_registry_end(cc_test_registry_t *r)
{
    if (r->db != NULL) {
        cc_test_db_run(r->db, "UPDATE registry_settings SET enabled = false, version = version + 1", 0, NULL);
        PQfinish(r->db);
    }
    cc_fake_registry_stop(r->fake);
    memset(r, 0, sizeof(*r));
}

char *cc_test_registry_sql(cc_test_registry_t *r, const char *sql, int nparams, const char *const *params)
{
    return cc_test_db_value(r->db, sql, nparams, params);
}

void cc_test_registry_consent(cc_test_registry_t *r, const char *client_id, bool given)
{
    const char *params[] = {client_id, given ? "true" : "false"};
    cc_test_db_run(
        r->db,
        "UPDATE clients SET registry_consent_given = $2::boolean, "
        "  registry_consent_date = CASE WHEN $2::boolean THEN current_date END, version = version + 1 "
        "WHERE id = $1::uuid",
        2, params);
}

/* "{a,b,c}" of the n ids. */
static char *id_array(const char *const *ids, int n)
{
    size_t cap = (size_t)n * 38 + 3, at = 0;
    char *s = malloc(cap);
    s[at++] = '{';
    for (int i = 0; i < n; i++) {
        at += (size_t)snprintf(s + at, cap - at, "%s%s", i > 0 ? "," : "", ids[i]);
    }
    snprintf(s + at, cap - at, "}");
    return s;
}

bool cc_test_registry_wait(cc_test_registry_t *r, const char *const *certifications, int n, int seconds)
{
    char *ids = id_array(certifications, n);
    const char *params[] = {ids};
    bool settled = false;
    for (int i = 0; i < seconds * 10 && !settled; i++) {
        char *left = cc_test_db_value(r->db,
                                      "SELECT count(*) FROM registry_certifications WHERE certification_id = "
                                      "ANY ($1::uuid[]) AND (wanted > done OR claimed IS NOT NULL)",
                                      1, params);
        settled = strcmp(left, "0") == 0;
        free(left);
        if (!settled)
            usleep(100 * 1000);
    }
    free(ids);
    return settled;
}

void cc_test_registry_settle(cc_test_registry_t *r, const char *const *certifications, int n)
{
    ck_assert_msg(cc_test_registry_wait(r, certifications, n, 60),
                  "the registry sync did not settle in 60 s");
}

json_t *cc_test_registry_ours(cc_test_registry_t *r, const char *certification)
{
    const char *params[] = {certification};
    char *text = cc_test_db_value(
        r->db,
        "SELECT json_build_object('outcome', outcome, 'reason', reason, 'in_registry', in_registry, "
        "  'attempts', attempts, 'pending', wanted > done, 'company_certifications_id', "
        "  company_certifications_id, 'sent_status', sent_status)::text "
        "FROM registry_certifications WHERE certification_id = $1::uuid",
        1, params);
    ck_assert_msg(text != NULL, "no sync state for certification %s", certification);
    json_t *ours = json_loads(text, 0, NULL);
    free(text);
    return ours;
}

char *cc_test_registry_status(cc_test_registry_t *r, const char *certification)
{
    const char *params[] = {certification};
    return cc_test_db_value(r->db,
                            "SELECT CASE status WHEN 'draft' THEN 'hidden' ELSE status END || ' ' || number "
                            "FROM certificates WHERE certification_id = $1::uuid AND status <> 'superseded'",
                            1, params);
}

void cc_test_registry_assert_equal(cc_test_registry_t *r, const char *const *certifications, int n)
{
    json_t *records = cc_fake_registry_records(r->fake);
    for (int i = 0; i < n; i++) {
        const char *params[] = {certifications[i]};
        char *consent = cc_test_db_value(r->db,
                                         "SELECT cl.registry_consent_given::text FROM certifications f "
                                         "JOIN clients cl ON cl.id = f.client_id WHERE f.id = $1::uuid",
                                         1, params);
        json_t *rec = json_object_get(records, certifications[i]);
        if (strcmp(consent, "true") != 0) {
            ck_assert_msg(rec == NULL, "certification %s is in the registry without consent",
                          certifications[i]);
        } else {
            ck_assert_msg(rec != NULL, "certification %s is missing from the registry", certifications[i]);
            char *want = cc_test_registry_status(r, certifications[i]);
            char *got =
                cc_test_asprintf("%s %s", json_string_value(json_object_get(rec, "certification_status")),
                                 json_string_value(json_object_get(rec, "certificate_number")));
            ck_assert_msg(strcmp(want, got) == 0, "certification %s: the registry holds %s, ours is %s",
                          certifications[i], got, want);
            free(want);
            free(got);
        }
        free(consent);
    }
    json_decref(records);
}

void cc_test_registry_make_consented(cc_test_registry_t *r, const cc_test_cb_t *cb, int n,
                                     char **certificates, char **certifications)
{
    char *client = cc_test_lc_client(&cb->sm);
    json_t *p = cc_test_new_programme(&cb->sm, client, "[]");
    cc_test_registry_consent(r, client, true);
    for (int i = 0; i < n; i++) {
        char *cert = cc_test_lc_certificate("northcert", client, cc_test_json_string(p, "id"),
                                            "ISO27001:2022", "2026-01-10", "2029-01-09");
        const char *params[] = {cert};
        certifications[i] = cc_test_registry_sql(
            r, "SELECT certification_id::text FROM certificates WHERE id = $1::uuid", 1, params);
        if (certificates != NULL)
            certificates[i] = cert;
        else
            free(cert);
    }
    json_decref(p);
    free(client);
}

void cc_test_registry_wait_in_flight(cc_test_registry_t *r)
{
    char *n = NULL;
    for (int i = 0; i < 600; i++) {
        free(n);
        n = cc_test_registry_sql(r, "SELECT count(*) FROM registry_certifications WHERE claimed IS NOT NULL",
                                 0, NULL);
        if (strcmp(n, "0") != 0)
            break;
        usleep(10 * 1000);
    }
    ck_assert_msg(strcmp(n, "0") != 0, "no batch went in flight");
    free(n);
}
