/*
 * The registry client (registry-sync/registry_client.c) against the IAF
 * CertSearch double (tests/fakes/iafcertsearch.py) through the outbound guard:
 * a single upload keeps its company_certifications_id, a bulk of 100, get,
 * list in pages, delete (and 404), and each fault the double injects classified
 * as the worker needs it: 401 with a wrong key (the key in no detail), 429 with
 * its Retry-After, 500, a hang past the timeout and a dropped connection
 * (TRANSIENT), per-record refusals naming the right record_index, and a base
 * URL on loopback refused by the guard. Needs CC_OUTBOUND_ALLOW (deploy/test:
 * 127.0.0.2/32) and CC_TEST_FAKE_HOST.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_fake_registry.h"
#include "registry-sync/registry_client.c"
#include "registry-sync/registry_errors.c"

#define KEY "test-registry-key-0123456789"

static cc_fake_registry_t *fake;
static registry_conn_t conn;

static void setup(void)
{
    const char *env = getenv("CC_OUTBOUND_ALLOW");
    cc_proxies_t allow;
    ck_assert_int_eq(cc_proxies_parse(&allow, env != NULL ? env : "127.0.0.2/32"), 0);
    ck_assert_int_eq(cc_outbound_init(&allow), 0);
    fake = cc_fake_registry_start(KEY);
    conn = (registry_conn_t){.base_url = cc_fake_registry_url(fake), .api_key = KEY, .timeout_ms = 5000};
}

static void teardown(void)
{
    cc_fake_registry_stop(fake);
    cc_outbound_cleanup();
}

static json_t *record(int n, const char *status)
{
    char identity[32], number[32];
    snprintf(identity, sizeof(identity), "cert-%d", n);
    snprintf(number, sizeof(number), "NC-%d", n);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, "
                     "s:[{s:s, s:[{s:s}]}], s:[{s:s, s:s, s:s, s:s, s:s, s:s}]}",
                     "certificate_number", number, "certificate_identity_number", identity,
                     "certification_status", status, "certificate_accreditation_status", "Accredited",
                     "certification_type", "Management System", "certification_scope", "ISMS",
                     "certification_original_issue_date", "20250115", "certification_issue_date", "20260115",
                     "certification_expiry_date", "20280114", "certified_entity_name", "Acme GmbH",
                     "certified_entity_unique_id", "client-1", "certified_entity_street_address", "1 Road",
                     "certified_entity_street_city", "Berlin", "certified_entity_country", "DE",
                     "accreditation_body_name", "Deutsche Akkreditierungsstelle",
                     "accreditation_body_acronym_name", "DAkkS", "confidential_certified_entity", 0,
                     "schemes", "scheme_name", "ISO/IEC 27001", "standard_list", "standards_name",
                     "ISO/IEC 27001:2022", "sites", "street", "1 Road", "city", "Berlin", "state", "BE",
                     "country", "DE", "postcode", "10115", "scope_description", "ISMS");
}

static json_t *records(int count)
{
    json_t *list = json_array();
    for (int i = 0; i < count; i++)
        json_array_append_new(list, record(i, "active"));
    return list;
}

/* The double's company_certifications_id for cert-n (borrowed from held, which the caller frees). */
static const char *held_id(const json_t *held, int n)
{
    char identity[32];
    snprintf(identity, sizeof(identity), "cert-%d", n);
    const json_t *r = json_object_get(held, identity);
    ck_assert_ptr_nonnull(r);
    return json_string_value(json_object_get(r, "company_certifications_id"));
}

START_TEST(upload_one_keeps_its_id)
{
    registry_reply_t reply;
    json_t *rec = record(1, "active");
    registry_upload_one(&conn, rec, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_OK);
    ck_assert_int_eq(reply.http_status, 200);
    ck_assert_ptr_nonnull(reply.company_certifications_id);
    json_t *held = cc_fake_registry_records(fake);
    ck_assert_str_eq(reply.company_certifications_id, held_id(held, 1));
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(held, "cert-1"), "certification_status")),
        "active");
    json_decref(held);
    registry_reply_free(&reply);

    /* the same identity again (suspended): the record is replaced, the id kept */
    json_object_set_new(rec, "certification_status", json_string("suspended"));
    registry_upload_one(&conn, rec, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_OK);
    held = cc_fake_registry_records(fake);
    ck_assert_str_eq(reply.company_certifications_id, held_id(held, 1));
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(held, "cert-1"), "certification_status")),
        "suspended");
    json_decref(held);
    registry_reply_free(&reply);

    /* an invalid record: REJECTED, its errors under record 0, the field named */
    json_object_del(rec, "certified_entity_street_city");
    registry_upload_one(&conn, rec, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_REJECTED);
    ck_assert_int_eq(reply.http_status, 400);
    ck_assert_uint_eq(json_array_size(reply.record_errors), 1);
    const json_t *entry = json_array_get(reply.record_errors, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(entry, "record_index")), 0);
    const json_t *err = json_array_get(json_object_get(entry, "errors"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(err, "field")), "certified_entity_street_city");
    registry_reply_free(&reply);
    json_decref(rec);
}
END_TEST

START_TEST(bulk_get_list_delete)
{
    registry_reply_t reply;
    json_t *list = records(REGISTRY_BULK_MAX);
    registry_upload_bulk(&conn, list, &reply);
    json_decref(list);
    ck_assert_int_eq(reply.outcome, REGISTRY_OK);
    ck_assert_ptr_null(reply.record_errors);
    registry_reply_free(&reply);
    json_t *held = cc_fake_registry_records(fake);
    ck_assert_uint_eq(json_object_size(held), REGISTRY_BULK_MAX);

    /* get one */
    registry_get(&conn, held_id(held, 42), &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_OK);
    ck_assert_str_eq(json_string_value(json_object_get(reply.data, "certificate_identity_number")),
                     "cert-42");
    registry_reply_free(&reply);
    registry_get(&conn, "no-such-id/../x", &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_NOT_FOUND);
    ck_assert_ptr_null(reply.data);
    registry_reply_free(&reply);

    /* list every page: 30, 30, 30, 10, then nothing */
    int seen = 0;
    for (int offset = 0;; offset += 30) {
        registry_list(&conn, 30, offset, &reply);
        ck_assert_int_eq(reply.outcome, REGISTRY_OK);
        ck_assert_int_eq(json_integer_value(json_object_get(reply.meta, "total_rows")), REGISTRY_BULK_MAX);
        ck_assert_int_eq(json_integer_value(json_object_get(reply.meta, "offset")), offset);
        size_t n = json_array_size(reply.data);
        ck_assert_uint_eq(n, offset < 90 ? 30 : offset == 90 ? 10 : 0);
        seen += (int)n;
        registry_reply_free(&reply);
        if (n == 0)
            break;
    }
    ck_assert_int_eq(seen, REGISTRY_BULK_MAX);

    /* delete, then 404 */
    char id[128];
    snprintf(id, sizeof(id), "%s", held_id(held, 7));
    json_decref(held);
    registry_delete(&conn, id, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_OK);
    registry_reply_free(&reply);
    registry_delete(&conn, id, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_NOT_FOUND);
    ck_assert_int_eq(reply.http_status, 404);
    registry_reply_free(&reply);
    held = cc_fake_registry_records(fake);
    ck_assert_uint_eq(json_object_size(held), REGISTRY_BULK_MAX - 1);
    ck_assert_ptr_null(json_object_get(held, "cert-7"));
    json_decref(held);
}
END_TEST

START_TEST(per_record_refusals_name_the_record)
{
    registry_reply_t reply;
    const char *shapes[] = {"list", "object"};
    for (int s = 0; s < 2; s++) {
        char plan[128];
        snprintf(plan, sizeof(plan),
                 "{\"mode\": \"reject\", \"numbers\": [\"NC-37\"], \"record_errors\": \"%s\"}", shapes[s]);
        cc_fake_registry_faults(fake, plan);
        json_t *list = records(50);
        registry_upload_bulk(&conn, list, &reply);
        json_decref(list);
        ck_assert_int_eq(reply.outcome, REGISTRY_REJECTED);
        ck_assert_int_eq(reply.http_status, 422);
        ck_assert_uint_eq(json_array_size(reply.record_errors), 1);
        const json_t *entry = json_array_get(reply.record_errors, 0);
        ck_assert_int_eq(json_integer_value(json_object_get(entry, "record_index")), 37);
        const json_t *err = json_array_get(json_object_get(entry, "errors"), 0);
        ck_assert_str_eq(json_string_value(json_object_get(err, "code")), "rejected");
        ck_assert_str_eq(json_string_value(json_object_get(err, "field")), "certificate_number");
        registry_reply_free(&reply);
        /* the others were accepted */
        json_t *held = cc_fake_registry_records(fake);
        ck_assert_uint_eq(json_object_size(held), 49);
        ck_assert_ptr_null(json_object_get(held, "cert-37"));
        json_decref(held);
        cc_fake_registry_reset(fake);
    }
}
END_TEST

START_TEST(a_wrong_key_is_unauthorized)
{
    registry_reply_t reply;
    registry_conn_t wrong = conn;
    wrong.api_key = "wrong-key-abcdef";
    json_t *rec = record(1, "active");
    registry_upload_one(&wrong, rec, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_UNAUTHORIZED);
    ck_assert_int_eq(reply.http_status, 401);
    ck_assert_ptr_null(strstr(reply.detail, "wrong-key"));
    registry_reply_free(&reply);
    cc_fake_registry_faults(fake, "{\"mode\": \"403\", \"count\": 1}");
    registry_list(&conn, 10, 0, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_UNAUTHORIZED);
    ck_assert_int_eq(reply.http_status, 403);
    ck_assert_ptr_null(strstr(reply.detail, KEY));
    registry_reply_free(&reply);
    json_decref(rec);
}
END_TEST

START_TEST(faults_are_classified)
{
    registry_reply_t reply;
    json_t *rec = record(1, "active");
    cc_fake_registry_faults(fake, "{\"mode\": \"429\", \"retry_after\": 7, \"count\": 1}");
    registry_upload_one(&conn, rec, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_THROTTLED);
    ck_assert_int_eq(reply.retry_after_s, 7);
    registry_reply_free(&reply);

    cc_fake_registry_faults(fake, "{\"mode\": \"500\", \"count\": 1}");
    registry_upload_one(&conn, rec, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_TRANSIENT);
    ck_assert_int_eq(reply.http_status, 500);
    registry_reply_free(&reply);

    cc_fake_registry_faults(fake, "{\"mode\": \"hang\", \"hang_ms\": 4000, \"count\": 1}");
    registry_conn_t quick = conn;
    quick.timeout_ms = 1000;
    registry_upload_one(&quick, rec, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_TRANSIENT);
    ck_assert_int_eq(reply.http_status, 0);
    ck_assert_msg(strncmp(reply.detail, "timeout", 7) == 0, "%s", reply.detail);
    registry_reply_free(&reply);

    cc_fake_registry_faults(fake, "{\"mode\": \"drop\", \"count\": 1}");
    json_t *list = records(3);
    registry_upload_bulk(&conn, list, &reply);
    json_decref(list);
    ck_assert_int_eq(reply.outcome, REGISTRY_TRANSIENT);
    ck_assert_int_eq(reply.http_status, 0);
    ck_assert_msg(strncmp(reply.detail, "dropped", 7) == 0, "%s", reply.detail);
    registry_reply_free(&reply);

    /* the plan is used up: the next call goes through */
    registry_upload_one(&conn, rec, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_OK);
    registry_reply_free(&reply);
    json_decref(rec);
}
END_TEST

START_TEST(the_guard_refuses_loopback)
{
    registry_reply_t reply;
    /* the double's port on 127.0.0.1: loopback, outside CC_OUTBOUND_ALLOW */
    const char *url = cc_fake_registry_url(fake);
    const char *port = strrchr(url, ':');
    ck_assert_ptr_nonnull(port);
    char base[256];
    snprintf(base, sizeof(base), "http://127.0.0.1%s", port);
    registry_conn_t loop = conn;
    loop.base_url = base;
    registry_list(&loop, 10, 0, &reply);
    ck_assert_int_eq(reply.outcome, REGISTRY_REFUSED);
    ck_assert_int_eq(reply.http_status, 0);
    ck_assert_ptr_nonnull(strstr(reply.detail, "refused_address"));
    registry_reply_free(&reply);
    json_t *calls = cc_fake_registry_calls(fake);
    ck_assert_uint_eq(json_array_size(calls), 0);
    json_decref(calls);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry_client");
    TCase *tc = tcase_create("against_the_double");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, upload_one_keeps_its_id);
    tcase_add_test(tc, bulk_get_list_delete);
    tcase_add_test(tc, per_record_refusals_name_the_record);
    tcase_add_test(tc, a_wrong_key_is_unauthorized);
    tcase_add_test(tc, faults_are_classified);
    tcase_add_test(tc, the_guard_refuses_loopback);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
