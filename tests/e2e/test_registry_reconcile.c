/*
 * End-to-end tests of POST /v1/registry/reconcile against the registry double (tests/fakes/): the drift
 * found (missing, stale with the fields that differ, unknown: not ours, or ours without consent) and
 * repaired (missing and stale queued, unknown deleted from the double), the registry's ids learned, a
 * record in sync left alone; 409 registry_disabled, the registry's 401 pausing the tenant (503
 * registry_unauthorized) and a 500 answering 503 registry_unavailable; a client who consented (and whose
 * record a worker uploaded) between the comparison and the deletion keeps its record and is queued.
 * Northcert's sync is enabled with owner SQL while paused, so that no worker sends anything during the test
 * (reconcile alone changes the double), and disabled at the end.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_certificates.h"
#include "cc_test_fake_registry.h"
#include "cc_test_main.h"
#include "cc_test_registry_api.h"
#include "registry-sync/registry_map.c"

#define KEY "sk-reconcile-test-51d2"

static cc_test_cb_t cb;
static cc_fake_registry_t *fake;

static void setup(void)
{
    cc_test_cb_login(&cb);
    fake = cc_fake_registry_start(KEY);
    json_t *body =
        json_pack("{s:b, s:s, s:s, s:s, s:s, s:i, s:i}", "enabled", 0, "base_url", cc_fake_registry_url(fake),
                  "api_key", KEY, "accreditation_body_name", "United Kingdom Accreditation Service",
                  "accreditation_body_acronym", "UKAS", "single_interval_s", 0, "bulk_interval_s", 0);
    cc_test_response_t *resp = cc_test_call_json(&cb.admin, "PUT", "/v1/registry/settings", NULL, body);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    json_decref(body);
    /* enabled, but paused: the workers leave the tenant alone, reconcile does not ask */
    cc_test_regapi_sql("northcert",
                       "UPDATE registry_settings SET enabled = true, paused_reason = 'reconcile_test', "
                       "paused_at = now()",
                       0, NULL);
}

static void teardown(void)
{
    cc_test_regapi_disable(&cb.admin);
    cc_fake_registry_stop(fake);
    cc_test_cb_free(&cb);
}

static json_t *reconcile_ok(void)
{
    cc_test_response_t *resp = cc_test_call(&cb.admin, "POST", "/v1/registry/reconcile", NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *report = json_incref(resp->json);
    cc_test_response_free(resp);
    return report;
}

/* A new certificate of a new client, its client's consent recorded or not; returns the certificate. */
static json_t *certificate(bool consent)
{
    json_t *c = cc_test_issue_certificate(&cb, NULL);
    if (consent) {
        const char *p[] = {cc_test_json_string(c, "client_id")};
        cc_test_regapi_sql(
            "northcert",
            "UPDATE clients SET registry_consent_given = true, registry_consent_date = current_date "
            "WHERE id = $1::uuid",
            1, p);
    }
    return c;
}

/* The record the service would send for c (cc_registry_source mapped by registry_map). */
static json_t *record_of(const json_t *c)
{
    const char *p[] = {cc_test_json_string(c, "certification_id")};
    char *text = cc_test_regapi_value("northcert", "SELECT cc_registry_source($1::uuid)::text", 1, p);
    json_t *source = json_loads(text, 0, NULL);
    registry_map_problem_t problem;
    json_t *record = registry_map(source, &problem);
    ck_assert_msg(record != NULL, "unmappable: %s %s", problem.field, problem.message);
    json_decref(source);
    free(text);
    return record;
}

/* Uploads record to the double directly (as if sent earlier, or by someone else); returns its id there. */
static char *seed(const json_t *record)
{
    char *body = json_dumps(record, JSON_COMPACT);
    cc_test_response_t *resp = cc_fake_registry_call(fake, "POST", "/cb/upload-cert", body, KEY);
    ck_assert_ptr_nonnull(resp);
    ck_assert_msg(resp->status == 200, "seed: %d %s", resp->status, resp->body);
    char *id = strdup(cc_test_json_string(resp->json, "company_certifications_id"));
    cc_test_response_free(resp);
    free(body);
    return id;
}

static const json_t *find(const json_t *items, const char *key, const char *value)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        const char *v = cc_test_json_string(item, key);
        if (v != NULL && strcmp(v, value) == 0)
            return item;
    }
    return NULL;
}

static bool has_field(const json_t *stale, const char *field)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(stale, "fields"), i, f)
    {
        if (strcmp(json_string_value(f), field) == 0)
            return true;
    }
    return false;
}

static char *sync_value(const json_t *c, const char *column_sql)
{
    const char *p[] = {cc_test_json_string(c, "certification_id")};
    char *sql = cc_test_asprintf("SELECT %s FROM registry_certifications WHERE certification_id = $1::uuid",
                                 column_sql);
    char *v = cc_test_regapi_value("northcert", sql, 1, p);
    free(sql);
    return v;
}

START_TEST(test_drift_found_and_repaired)
{
    json_t *missing = certificate(true), *stale = certificate(true), *in_sync = certificate(true),
           *no_consent = certificate(false);
    const char *missing_id = cc_test_json_string(missing, "certification_id");
    const char *stale_id = cc_test_json_string(stale, "certification_id");
    const char *in_sync_id = cc_test_json_string(in_sync, "certification_id");
    const char *no_consent_id = cc_test_json_string(no_consent, "certification_id");
    /* in the double: the stale one with an older name and scope, the one in sync exactly, one we never
     * issued, and one whose client has not consented */
    json_t *old = record_of(stale);
    json_object_set_new(old, "certified_entity_name", json_string("Old Name Ltd"));
    json_object_set_new(old, "certification_scope", json_string("An older scope"));
    char *stale_company = seed(old);
    json_t *exact = record_of(in_sync);
    char *in_sync_company = seed(exact);
    json_t *stranger = record_of(in_sync);
    json_object_set_new(stranger, "certificate_identity_number",
                        json_string("0d7c6b5a-4e3f-4a1b-9c8d-7e6f5a4b3c2d"));
    json_object_set_new(stranger, "certificate_number", json_string("FOREIGN-0001"));
    char *stranger_company = seed(stranger);
    /* a record of the no-consent certification, as if sent before consent was withdrawn */
    cc_test_regapi_sql(
        "northcert",
        "UPDATE clients SET registry_consent_given = true, registry_consent_date = current_date "
        "WHERE id = $1::uuid",
        1, (const char *[]){cc_test_json_string(no_consent, "client_id")});
    json_t *withdrawn = record_of(no_consent);
    cc_test_regapi_sql("northcert", "UPDATE clients SET registry_consent_given = false WHERE id = $1::uuid",
                       1, (const char *[]){cc_test_json_string(no_consent, "client_id")});
    char *withdrawn_company = seed(withdrawn);

    json_t *report = reconcile_ok();
    ck_assert_int_eq(json_integer_value(json_object_get(report, "registry_records")), 4);
    ck_assert_int_ge(json_integer_value(json_object_get(report, "ours")), 3);
    const json_t *m = find(json_object_get(report, "missing"), "certification_id", missing_id);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(cc_test_json_string(m, "number"), cc_test_json_string(missing, "number"));
    const json_t *s = find(json_object_get(report, "stale"), "certification_id", stale_id);
    ck_assert_ptr_nonnull(s);
    ck_assert(has_field(s, "certified_entity_name"));
    ck_assert(has_field(s, "certification_scope"));
    ck_assert(!has_field(s, "certificate_number"));
    ck_assert_ptr_null(find(json_object_get(report, "stale"), "certification_id", in_sync_id));
    ck_assert_ptr_null(find(json_object_get(report, "missing"), "certification_id", in_sync_id));
    ck_assert_ptr_null(find(json_object_get(report, "missing"), "certification_id", no_consent_id));
    const json_t *u = find(json_object_get(report, "unknown"), "company_certifications_id", stranger_company);
    ck_assert_ptr_nonnull(u);
    ck_assert_str_eq(cc_test_json_string(u, "certificate_number"), "FOREIGN-0001");
    u = find(json_object_get(report, "unknown"), "certificate_identity_number", no_consent_id);
    ck_assert_ptr_nonnull(u);
    ck_assert_str_eq(cc_test_json_string(u, "company_certifications_id"), withdrawn_company);
    ck_assert_int_eq(json_array_size(json_object_get(report, "unknown")), 2);
    const json_t *repaired = json_object_get(report, "repaired");
    ck_assert_int_eq(json_integer_value(json_object_get(repaired, "deleted")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(repaired, "queued")),
                     (json_int_t)(json_array_size(json_object_get(report, "missing")) +
                                  json_array_size(json_object_get(report, "stale"))));
    ck_assert_int_ge(json_integer_value(json_object_get(report, "learned_ids")), 2);

    /* repaired: the missing and stale ones pending, the registry's ids learned, the unknown ones gone */
    char *v = sync_value(missing, "wanted > done");
    ck_assert_str_eq(v, "t");
    free(v);
    v = sync_value(stale, "(wanted > done)::text || ' ' || company_certifications_id");
    char *want = cc_test_asprintf("true %s", stale_company);
    ck_assert_str_eq(v, want);
    free(v);
    free(want);
    v = sync_value(in_sync, "company_certifications_id");
    ck_assert_str_eq(v, in_sync_company);
    free(v);
    v = sync_value(no_consent, "outcome || ' ' || in_registry::text");
    ck_assert_str_eq(v, "deleted false");
    free(v);
    json_t *held = cc_fake_registry_records(fake);
    ck_assert_uint_eq(json_object_size(held), 2);
    ck_assert_ptr_nonnull(json_object_get(held, stale_id));
    ck_assert_ptr_nonnull(json_object_get(held, in_sync_id));
    json_decref(held);
    /* the status counts the deletion for consent */
    json_t *status = cc_test_regapi_status(&cb.admin);
    ck_assert_int_ge(json_integer_value(json_object_get(status, "deleted_for_consent")), 1);
    json_decref(status);

    json_decref(report);
    json_decref(old);
    json_decref(exact);
    json_decref(stranger);
    json_decref(withdrawn);
    free(stale_company);
    free(in_sync_company);
    free(stranger_company);
    free(withdrawn_company);
    json_decref(missing);
    json_decref(stale);
    json_decref(in_sync);
    json_decref(no_consent);
}
END_TEST

START_TEST(test_pages)
{
    /* more than one page of the registry's list: 130 records we do not know, all deleted */
    json_t *c = certificate(true);
    json_t *base = record_of(c);
    for (int i = 0; i < 130; i++) {
        char identity[64], number[32];
        snprintf(identity, sizeof(identity), "9a8b7c6d-0000-4000-8000-%012d", i);
        snprintf(number, sizeof(number), "PAGED-%04d", i);
        json_object_set_new(base, "certificate_identity_number", json_string(identity));
        json_object_set_new(base, "certificate_number", json_string(number));
        free(seed(base));
    }
    json_t *report = reconcile_ok();
    ck_assert_int_eq(json_integer_value(json_object_get(report, "registry_records")), 130);
    ck_assert_int_eq(json_array_size(json_object_get(report, "unknown")), 130);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(report, "repaired"), "deleted")),
                     130);
    json_t *held = cc_fake_registry_records(fake);
    ck_assert_uint_eq(json_object_size(held), 0);
    json_decref(held);
    /* every list call asked for at most 100 */
    json_t *calls = cc_fake_registry_calls(fake);
    size_t i, lists = 0;
    json_t *call;
    json_array_foreach(calls, i, call)
    {
        const char *path = cc_test_json_string(call, "path");
        if (strcmp(cc_test_json_string(call, "method"), "GET") == 0 && strstr(path, "/cb/cert?") != NULL) {
            ck_assert_ptr_nonnull(strstr(path, "limit=100"));
            lists++;
        }
    }
    ck_assert_uint_ge(lists, 2);
    json_decref(calls);
    json_decref(report);
    json_decref(base);
    json_decref(c);
}
END_TEST

/* A registry that caps its pages below the limit asked for and gives no total: every record is still read
 * (the listing ends on an empty page, not on a short one). */
START_TEST(test_capped_pages)
{
    json_t *c = certificate(true);
    json_t *base = record_of(c);
    for (int i = 0; i < 30; i++) {
        char identity[64], number[32];
        snprintf(identity, sizeof(identity), "7c6d5e4f-0000-4000-8000-%012d", i);
        snprintf(number, sizeof(number), "CAPPED-%04d", i);
        json_object_set_new(base, "certificate_identity_number", json_string(identity));
        json_object_set_new(base, "certificate_number", json_string(number));
        free(seed(base));
    }
    cc_fake_registry_faults(fake, "{\"mode\": \"none\", \"page_cap\": 7, \"omit_total\": true}");
    json_t *report = reconcile_ok();
    ck_assert_int_eq(json_integer_value(json_object_get(report, "registry_records")), 30);
    ck_assert_int_eq(json_array_size(json_object_get(report, "unknown")), 30);
    json_t *held = cc_fake_registry_records(fake);
    ck_assert_uint_eq(json_object_size(held), 0);
    json_decref(held);
    json_decref(report);
    json_decref(base);
    json_decref(c);
}
END_TEST

/* A 503 naming code (the registry failed or refused the key), never showing the key. */
static void assert_registry_failed(const char *code)
{
    cc_test_response_t *resp = cc_test_call(&cb.admin, "POST", "/v1/registry/reconcile", NULL, NULL);
    cc_test_assert_problem(resp, 503, code);
    ck_assert_ptr_null(strstr(resp->body, KEY));
    cc_test_response_free(resp);
}

START_TEST(test_refusals)
{
    /* southcert's sync is not enabled */
    cc_test_response_t *resp = cc_test_call(&cb.other_admin, "POST", "/v1/registry/reconcile", NULL, NULL);
    cc_test_assert_problem(resp, 409, "registry_disabled");
    cc_test_response_free(resp);
    /* the registry fails: 503, nothing paused */
    cc_fake_registry_faults(fake, "{\"mode\": \"500\"}");
    assert_registry_failed("registry_unavailable");
    json_t *status = cc_test_regapi_status(&cb.admin);
    ck_assert_str_eq(cc_test_json_string(status, "paused_reason"), "reconcile_test");
    json_decref(status);
    /* the registry refuses the key: 503, the tenant paused as unauthorized */
    cc_fake_registry_faults(fake, "{\"mode\": \"401\"}");
    assert_registry_failed("registry_unauthorized");
    status = cc_test_regapi_status(&cb.admin);
    ck_assert_str_eq(cc_test_json_string(status, "paused_reason"), "unauthorized");
    json_decref(status);
    cc_fake_registry_faults(fake, "{\"mode\": \"none\"}");
    /* disabled: 409 */
    cc_test_regapi_disable(&cb.admin);
    resp = cc_test_call(&cb.admin, "POST", "/v1/registry/reconcile", NULL, NULL);
    cc_test_assert_problem(resp, 409, "registry_disabled");
    cc_test_response_free(resp);
}
END_TEST

/* Between the comparison and the deletion (here: in the transaction that learns another record's id, by a
 * trigger), the client without consent consents and a worker uploads its record (done = wanted, sent).
 * Reconcile re-checks consent before deleting: the record stays in the registry and ours is queued again,
 * never left deleted with nothing pending. */
START_TEST(test_consent_since_comparison)
{
    json_t *in_sync = certificate(true), *late = certificate(false);
    json_t *exact = record_of(in_sync);
    char *in_sync_company = seed(exact);
    json_decref(exact);
    cc_test_regapi_sql(
        "northcert",
        "UPDATE clients SET registry_consent_given = true, registry_consent_date = current_date "
        "WHERE id = $1::uuid",
        1, (const char *[]){cc_test_json_string(late, "client_id")});
    json_t *late_record = record_of(late);
    cc_test_regapi_sql("northcert", "UPDATE clients SET registry_consent_given = false WHERE id = $1::uuid",
                       1, (const char *[]){cc_test_json_string(late, "client_id")});
    char *late_company = seed(late_record);
    char *fn = cc_test_asprintf(
        "CREATE FUNCTION test_reconcile_race() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        "SET search_path = pg_catalog, public AS $f$ BEGIN "
        "UPDATE clients SET registry_consent_given = true, registry_consent_date = current_date "
        "WHERE id = '%s'; "
        "UPDATE registry_certifications SET done = wanted, outcome = 'sent', reason = NULL, in_registry = "
        "true "
        "WHERE certification_id = '%s'; RETURN NULL; END $f$",
        cc_test_json_string(late, "client_id"), cc_test_json_string(late, "certification_id"));
    cc_test_regapi_sql("northcert", fn, 0, NULL);
    char *trigger =
        cc_test_asprintf("CREATE TRIGGER test_reconcile_race AFTER UPDATE OF company_certifications_id ON "
                         "registry_certifications FOR EACH ROW WHEN (NEW.certification_id = '%s') "
                         "EXECUTE FUNCTION test_reconcile_race()",
                         cc_test_json_string(in_sync, "certification_id"));
    cc_test_regapi_sql("northcert", trigger, 0, NULL);

    json_t *report = reconcile_ok();
    cc_test_regapi_sql("northcert", "DROP TRIGGER test_reconcile_race ON registry_certifications", 0, NULL);
    cc_test_regapi_sql("northcert", "DROP FUNCTION test_reconcile_race()", 0, NULL);
    /* judged unknown by the comparison, but not deleted */
    ck_assert_ptr_nonnull(
        find(json_object_get(report, "unknown"), "company_certifications_id", late_company));
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(report, "repaired"), "deleted")), 0);
    json_t *held = cc_fake_registry_records(fake);
    ck_assert_msg(json_object_get(held, cc_test_json_string(late, "certification_id")) != NULL,
                  "the consented client's record was deleted from the registry");
    json_decref(held);
    char *v = sync_value(late, "(wanted > done)::text || ' ' || coalesce(outcome, '-')");
    ck_assert_str_eq(v, "true sent"); /* queued again: the worker sends its current state */
    free(v);

    json_decref(report);
    json_decref(late_record);
    free(fn), free(trigger), free(in_sync_company), free(late_company);
    json_decref(in_sync);
    json_decref(late);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("registry_reconcile");
    TCase *tc = tcase_create("reconcile");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_drift_found_and_repaired);
    tcase_add_test(tc, test_pages);
    tcase_add_test(tc, test_capped_pages);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_consent_since_comparison);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
