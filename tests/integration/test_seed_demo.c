/*
 * `certcycle seed-demo` gives each demo CB a lived-in demo (services/cli/seed.h, README.md "Try it: the
 * seeded demo"), and running it again changes nothing: it runs the CLI once more (deploy/test seeded the
 * stack before the tests), then checks with owner SQL and through the gateway, in northcert and southcert:
 * a programme mid-cycle (Stage 1 and 2 completed, granted, surveillance 1 scheduled ahead with its team)
 * and one awaiting its decision; findings in every state with response rounds; the evidence PDF, downloaded
 * whole; certificates active, suspended and withdrawn, each answering the public lookup (and the active one
 * the verify page and the QR code); registry settings disabled without a key; one webhook whose secret
 * opens under CC_MASTER_KEY. Needs CC_BIN_DIR, DATABASE_URL, CC_MASTER_KEY, CC_TEST_GATEWAY_URL.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cc_crypto.h"
#include "cc_test_caller.h"
#include "cc_test_db.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

/* The demo organisations of one CB (services/cli/seed.c), by story. */
typedef struct demo_cb {
    const char *slug, *acronym;
    const char *certified, *deciding, *suspended, *withdrawn;
} demo_cb_t;

static const demo_cb_t cbs[] = {
    {"northcert", "UKAS", "Harbour Freight Analytics Ltd", "Kestrel Biotech Ltd",
     "Moorland Water Services Ltd", "Thistle Print & Mail Ltd"},
    {"southcert", "DAkkS", "Alpenglanz Cloud GmbH", "Isar Mobility AG", "Bodensee Versicherungsdienst GmbH",
     "Lechfeld Logistik GmbH"},
};

/* Everything the seed writes for the demo organisations of the session's tenant, counted. */
#define SEEDED_COUNTS                                                                                        \
    "WITH o AS (SELECT id FROM clients WHERE legal_name = ANY ($1::text[])) "                                \
    "SELECT concat_ws(',', (SELECT count(*) FROM o), "                                                       \
    "  (SELECT count(*) FROM programmes WHERE client_id IN (SELECT id FROM o)), "                            \
    "  (SELECT count(*) FROM audits WHERE client_id IN (SELECT id FROM o)), "                                \
    "  (SELECT count(*) FROM audit_team t JOIN audits a ON a.tenant_id = t.tenant_id AND a.id = t.audit_id " \
    "     WHERE a.client_id IN (SELECT id FROM o)), "                                                        \
    "  (SELECT count(*) FROM certification_decisions d JOIN programmes p ON p.tenant_id = d.tenant_id "      \
    "     AND p.id = d.programme_id WHERE p.client_id IN (SELECT id FROM o)), "                              \
    "  (SELECT count(*) FROM findings WHERE client_id IN (SELECT id FROM o)), "                              \
    "  (SELECT count(*) FROM finding_responses r JOIN findings f ON f.tenant_id = r.tenant_id "              \
    "     AND f.id = r.finding_id WHERE f.client_id IN (SELECT id FROM o)), "                                \
    "  (SELECT count(*) FROM evidence_files e JOIN findings f ON f.tenant_id = e.tenant_id "                 \
    "     AND f.id = e.finding_id WHERE f.client_id IN (SELECT id FROM o)), "                                \
    "  (SELECT count(*) FROM certificates WHERE client_id IN (SELECT id FROM o)), "                          \
    "  (SELECT count(*) FROM certificate_outbox x JOIN certifications c ON c.tenant_id = x.tenant_id "       \
    "     AND c.id = x.certification_id WHERE c.client_id IN (SELECT id FROM o)), "                          \
    "  (SELECT count(*) FROM registry_settings), (SELECT count(*) FROM webhooks))"

static PGconn *owner(const demo_cb_t *cb)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    const char *params[] = {cb->slug};
    cc_test_db_run(db, "SELECT set_config('app.tenant_id', cc_tenant_id($1)::text, false)", 1, params);
    return db;
}

static char *names_of(const demo_cb_t *cb)
{
    return cc_test_asprintf("{\"%s\",\"%s\",\"%s\",\"%s\"}", cb->certified, cb->deciding, cb->suspended,
                            cb->withdrawn);
}

static char *seeded_counts(const demo_cb_t *cb)
{
    PGconn *db = owner(cb);
    char *names = names_of(cb);
    const char *params[] = {names};
    char *counts = cc_test_db_value(db, SEEDED_COUNTS, 1, params);
    free(names);
    PQfinish(db);
    return counts;
}

/* Runs `certcycle seed-demo`; returns its exit status. */
static int seed_demo(void)
{
    const char *bin = cc_test_env("CC_BIN_DIR");
    (void)cc_test_env("DATABASE_URL");
    ck_assert_msg(strchr(bin, '\'') == NULL, "CC_BIN_DIR contains a quote");
    char *cmd = cc_test_asprintf("'%s/certcycle' seed-demo >/dev/null </dev/null", bin);
    int status = system(cmd);
    free(cmd);
    ck_assert_msg(status != -1 && WIFEXITED(status), "certcycle seed-demo did not exit normally");
    return WEXITSTATUS(status);
}

START_TEST(test_seed_again_changes_nothing)
{
    char *before[2], *after[2];
    for (int i = 0; i < 2; i++)
        before[i] = seeded_counts(&cbs[i]);
    ck_assert_int_eq(seed_demo(), 0);
    for (int i = 0; i < 2; i++) {
        after[i] = seeded_counts(&cbs[i]);
        ck_assert_msg(strcmp(before[i], after[i]) == 0, "%s: seeding again changed %s into %s", cbs[i].slug,
                      before[i], after[i]);
        ck_assert_msg(strncmp(after[i], "4,4,", 4) == 0,
                      "%s: not four organisations with a programme each: %s", cbs[i].slug, after[i]);
        free(before[i]);
        free(after[i]);
    }
}
END_TEST

/* One value of a statement over (the organisation's name) in the session's tenant; caller frees. */
static char *about(PGconn *db, const char *sql, const char *org)
{
    const char *params[] = {org};
    char *v = cc_test_db_value(db, sql, 1, params);
    ck_assert_msg(v != NULL, "no answer for %s: %s", org, sql);
    return v;
}

static void assert_about(PGconn *db, const char *sql, const char *org, const char *want)
{
    char *got = about(db, sql, org);
    ck_assert_msg(strcmp(got, want) == 0, "%s: %s gave %s, expected %s", org, sql, got, want);
    free(got);
}

START_TEST(test_programmes_mid_cycle)
{
    const demo_cb_t *cb = &cbs[_i];
    PGconn *db = owner(cb);
    /* granted in the past; Stage 1 and 2 completed before it; surveillance 1 scheduled ahead, staffed */
    assert_about(
        db,
        "SELECT concat_ws(',', p.decision_date < current_date, "
        "  (SELECT string_agg(a.type || ':' || a.status || ':' || (a.end_date < p.decision_date) || ':' "
        "     || jsonb_array_length(a.team), ' ' ORDER BY a.position) FROM audits a "
        "   WHERE a.tenant_id = p.tenant_id AND a.programme_id = p.id AND a.type IN ('stage1', 'stage2')), "
        "  (SELECT a.status || ':' || (a.start_date > current_date) || ':' "
        "     || (a.start_date BETWEEN a.window_start AND a.window_end) || ':' || jsonb_array_length(a.team) "
        "   FROM audits a WHERE a.tenant_id = p.tenant_id AND a.programme_id = p.id "
        "     AND a.type = 'surveillance' AND a.sequence = 1)) "
        "FROM programmes p JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id "
        "WHERE c.legal_name = $1",
        cb->certified, "t,stage1:completed:true:1 stage2:completed:true:2,scheduled:true:true:2");
    /* the other: Stage 2 completed in the past, no decision */
    assert_about(
        db,
        "SELECT concat_ws(',', p.decision_date IS NULL, "
        "  (SELECT a.status || ':' || (a.end_date < current_date) "
        "  FROM audits a WHERE a.tenant_id = p.tenant_id AND a.programme_id = p.id AND a.type = 'stage2')) "
        "FROM programmes p JOIN clients c ON c.tenant_id = p.tenant_id AND c.id = p.client_id "
        "WHERE c.legal_name = $1",
        cb->deciding, "t,completed:true");
    /* clients with and without registry consent */
    const char *consent = "SELECT registry_consent_given::text FROM clients WHERE legal_name = $1";
    assert_about(db, consent, cb->certified, "true");
    assert_about(db, consent, cb->deciding, "false");
    assert_about(db, consent, cb->suspended, "true");
    assert_about(db, consent, cb->withdrawn, "false");
    PQfinish(db);
}
END_TEST

/* GET path as c: 200 with a JSON list; its items (borrowed from *resp, which the caller frees). */
static json_t *list(const cc_test_caller_t *c, const char *path, cc_test_response_t **resp)
{
    *resp = cc_test_call(c, "GET", path, NULL, NULL);
    cc_test_assert_json(*resp, 200);
    json_t *items = json_object_get((*resp)->json, "items");
    ck_assert_msg(json_is_array(items), "%s: no items", path);
    return items;
}

static char *org_id(PGconn *db, const char *org)
{
    return about(db, "SELECT id FROM clients WHERE legal_name = $1", org);
}

START_TEST(test_findings_in_every_state)
{
    static const char *const states[] = {
        "open", "response_submitted", "rejected", "accepted", "verified", "closed", "recorded"};
    const demo_cb_t *cb = &cbs[_i];
    PGconn *db = owner(cb);
    char *certified = org_id(db, cb->certified), *deciding = org_id(db, cb->deciding);
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, cb->slug, "admin");
    for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
        int n = 0;
        const char *orgs[] = {certified, deciding};
        for (int o = 0; o < 2; o++) {
            cc_test_response_t *resp;
            char *path = cc_test_asprintf("/v1/findings?client_id=%s&status=%s", orgs[o], states[k]);
            n += (int)json_array_size(list(&admin, path, &resp));
            cc_test_response_free(resp);
            free(path);
        }
        ck_assert_msg(n >= 1, "%s: no finding %s", cb->slug, states[k]);
    }
    /* response rounds with root cause and corrective action, a rejected one among them */
    assert_about(
        db,
        "SELECT concat_ws(',', count(*) > 3, bool_and(btrim(r.root_cause) <> '' AND "
        "  btrim(r.corrective_action) <> ''), count(*) FILTER (WHERE r.decision = 'rejected') >= 1) "
        "FROM finding_responses r JOIN findings f ON f.tenant_id = r.tenant_id AND f.id = r.finding_id "
        "JOIN clients c ON c.tenant_id = f.tenant_id AND c.id = f.client_id WHERE c.legal_name = $1",
        cb->deciding, "t,t,t");
    cc_test_caller_free(&admin);
    free(certified);
    free(deciding);
    PQfinish(db);
}
END_TEST

START_TEST(test_evidence_downloads)
{
    const demo_cb_t *cb = &cbs[_i];
    PGconn *db = owner(cb);
    char *org = org_id(db, cb->certified);
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, cb->slug, "admin");
    cc_test_response_t *resp, *files;
    char *path = cc_test_asprintf("/v1/findings?client_id=%s&grade=major&status=closed", org);
    json_t *items = list(&admin, path, &resp);
    ck_assert_int_eq(json_array_size(items), 1);
    char *evidence =
        cc_test_asprintf("/v1/findings/%s/evidence", cc_test_json_string(json_array_get(items, 0), "id"));
    json_t *file = json_array_get(list(&admin, evidence, &files), 0);
    ck_assert_ptr_nonnull(file);
    ck_assert_str_eq(cc_test_json_string(file, "content_type"), "application/pdf");
    ck_assert_msg(json_is_string(json_object_get(file, "response_id")), "the file is not linked to a round");
    char *download = cc_test_asprintf("/v1/evidence/%s", cc_test_json_string(file, "id"));
    cc_test_response_t *got = cc_test_call(&admin, "GET", download, NULL, NULL);
    ck_assert_int_eq(got->status, 200);
    ck_assert_str_eq(cc_test_response_header(got, "content-type"), "application/pdf");
    ck_assert_int_eq((json_int_t)got->body_len, json_integer_value(json_object_get(file, "size")));
    ck_assert_msg(got->body_len > 8 && memcmp(got->body, "%PDF-", 5) == 0, "not a PDF");
    ck_assert_msg(strstr(got->body, "%%EOF") != NULL, "the PDF has no end");
    uint8_t digest[CC_SHA256_LEN];
    char hex[2 * CC_SHA256_LEN + 1];
    cc_sha256(got->body, got->body_len, digest);
    cc_hex_encode(digest, CC_SHA256_LEN, hex);
    ck_assert_str_eq(hex, cc_test_json_string(file, "sha256"));
    cc_test_response_free(got);
    cc_test_response_free(files);
    cc_test_response_free(resp);
    free(download);
    free(evidence);
    free(path);
    free(org);
    cc_test_caller_free(&admin);
    PQfinish(db);
}
END_TEST

/* The public answer for the current certificate of org: its status and validity. */
static void assert_public(PGconn *db, const demo_cb_t *cb, const char *org, const char *status, bool valid)
{
    char *number = about(db,
                         "SELECT c.number FROM certificates c JOIN clients o ON o.tenant_id = c.tenant_id "
                         "AND o.id = c.client_id WHERE o.legal_name = $1 AND c.status <> 'superseded'",
                         org);
    char *path = cc_test_asprintf("/public/v1/cbs/%s/certificates/%s", cb->slug, number);
    cc_test_response_t *resp = cc_test_http("GET", cc_test_env("CC_TEST_GATEWAY_URL"), path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_str_eq(cc_test_json_string(resp->json, "status"), status);
    ck_assert_str_eq(cc_test_json_string(json_object_get(resp->json, "holder"), "name"), org);
    ck_assert_int_eq(json_is_true(json_object_get(resp->json, "valid")), valid);
    cc_test_response_free(resp);
    if (valid) { /* the verify page and the QR code of the active one */
        char *page = cc_test_asprintf("/verify/%s/%s", cb->slug, number);
        char *qr = cc_test_asprintf("%s/qr.svg", path);
        resp = cc_test_http("GET", cc_test_env("CC_TEST_GATEWAY_URL"), page, NULL, NULL);
        ck_assert_int_eq(resp->status, 200);
        ck_assert_msg(strstr(resp->body, number) != NULL, "the verify page does not show %s", number);
        cc_test_response_free(resp);
        resp = cc_test_http("GET", cc_test_env("CC_TEST_GATEWAY_URL"), qr, NULL, NULL);
        ck_assert_int_eq(resp->status, 200);
        ck_assert_str_eq(cc_test_response_header(resp, "content-type"), "image/svg+xml");
        cc_test_response_free(resp);
        free(page);
        free(qr);
    }
    free(path);
    free(number);
}

START_TEST(test_certificates_and_public_lookup)
{
    const demo_cb_t *cb = &cbs[_i];
    PGconn *db = owner(cb);
    assert_public(db, cb, cb->certified, "active", true);
    assert_public(db, cb, cb->suspended, "suspended", false);
    assert_public(db, cb, cb->withdrawn, "withdrawn", false);
    /* recorded as the service records: history and a numbered outbox row per change */
    assert_about(
        db,
        "SELECT string_agg(h.action || ':' || x.seq, ' ' ORDER BY h.occurred_at) "
        "FROM certificate_history h JOIN certificates c ON c.tenant_id = h.tenant_id "
        "AND c.id = h.certificate_id JOIN clients o ON o.tenant_id = c.tenant_id AND o.id = c.client_id "
        "JOIN certificate_outbox x ON x.tenant_id = h.tenant_id AND x.certification_id = h.certification_id "
        "AND x.event_type = 'certificate.' || h.action WHERE o.legal_name = $1",
        cb->withdrawn, "issued:1 suspended:2 withdrawn:3");
    PQfinish(db);
}
END_TEST

START_TEST(test_registry_and_webhook)
{
    const demo_cb_t *cb = &cbs[_i];
    PGconn *db = owner(cb);
    /* disabled without a key, while nobody has saved the settings since (a later save is the admin's) */
    PGresult *res =
        cc_test_db_exec(db,
                        "SELECT version, enabled::text, (api_key_sealed IS NULL)::text, "
                        "accreditation_body_acronym, accreditation_body_name FROM registry_settings",
                        0, NULL);
    ck_assert_int_eq(PQntuples(res), 1);
    if (strcmp(PQgetvalue(res, 0, 0), "1") == 0) {
        ck_assert_str_eq(PQgetvalue(res, 0, 1), "false");
        ck_assert_str_eq(PQgetvalue(res, 0, 2), "true");
        ck_assert_str_eq(PQgetvalue(res, 0, 3), cb->acronym);
        ck_assert_msg(PQgetvalue(res, 0, 4)[0] != '\0', "no accreditation body name");
    }
    PQclear(res);
    char *url = cc_test_asprintf("https://hooks.%s.example/certcycle", cb->slug);
    const char *params[] = {url};
    res = cc_test_db_exec(db,
                          "SELECT array_to_string(events, ','), encode(secret_sealed, 'hex') FROM webhooks "
                          "WHERE url = $1",
                          1, params);
    ck_assert_int_eq(PQntuples(res), 1);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "certificate.issued,certificate.suspended,certificate.restored,"
                                            "certificate.withdrawn,certificate.expired,certificate.revised");
    /* its secret is sealed under the master key, as POST /v1/webhooks seals it */
    uint8_t key[CC_AEAD_KEY_LEN], *plain = NULL;
    size_t sealed_len = strlen(PQgetvalue(res, 0, 1)) / 2, plain_len = 0;
    uint8_t *sealed = malloc(sealed_len);
    ck_assert_int_eq(cc_hex_decode(cc_test_env("CC_MASTER_KEY"), key, sizeof(key)), 0);
    ck_assert_int_eq(cc_hex_decode(PQgetvalue(res, 0, 1), sealed, sealed_len), 0);
    ck_assert_int_eq(cc_aead_open(key, sealed, sealed_len, &plain, &plain_len), 0);
    ck_assert_msg(plain_len == 49 && memcmp(plain, "whsec_", 6) == 0, "not a webhook secret");
    free(plain);
    free(sealed);
    PQclear(res);
    free(url);
    PQfinish(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seed_demo");
    TCase *tc = tcase_create("seed_demo");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_seed_again_changes_nothing);
    tcase_add_loop_test(tc, test_programmes_mid_cycle, 0, 2);
    tcase_add_loop_test(tc, test_findings_in_every_state, 0, 2);
    tcase_add_loop_test(tc, test_evidence_downloads, 0, 2);
    tcase_add_loop_test(tc, test_certificates_and_public_lookup, 0, 2);
    tcase_add_loop_test(tc, test_registry_and_webhook, 0, 2);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
