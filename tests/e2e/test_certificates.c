/*
 * End-to-end tests of the certificate reads through the gateway (GET /v1/certificates and
 * GET /v1/certificates/{id}; issue 9 "Certificates"): one certificate in full with its revisions, history
 * and ETag; the list's filters (client_id, status, standard by code or reference, expiring_before,
 * attention: a suspension past its due date, an active certificate whose surveillance window was missed),
 * its pages; every bad filter a 400 naming it; who sees what (staff read, a client user only its own
 * organisation's, another tenant's is 404). The certificates are made with owner SQL in a fresh client.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"
#include "cc_test_lifecycle.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    cc_test_cb_t cb;
    cc_test_caller_t dm, auditor, own_client;
    char *client, *a, *b, *c, *d; /* A 27001 valid, B 9001, C suspended past due, D missed surveillance */
} fixture_t;

static fixture_t f;

static const char *programme_id(json_t *programme)
{
    return cc_test_json_string(programme, "id");
}

static void setup(void)
{
    cc_test_cb_login(&f.cb);
    cc_test_caller_login(&f.dm, "northcert", "decision_maker");
    cc_test_caller_login(&f.auditor, "northcert", "auditor1");
    f.client = cc_test_lc_client(&f.cb.sm);
    char *email = cc_test_unique_email("certclient", "northcert");
    free(cc_test_create_user(cc_test_env("CC_TEST_GATEWAY_URL"), f.cb.admin.tokens.access, email, "client",
                             f.client, CC_TEST_AUDITOR_PASSWORD));
    cc_test_caller_login_as(&f.own_client, "northcert", email, CC_TEST_AUDITOR_PASSWORD);
    free(email);
    json_t *p1 = cc_test_new_programme(&f.cb.sm, f.client, "[]"),
           *p2 = cc_test_new_programme(&f.cb.sm, f.client, "[]");
    f.a = cc_test_lc_certificate("northcert", f.client, programme_id(p1), "ISO27001:2022", "2026-01-10",
                                 "2029-01-09");
    f.b = cc_test_lc_certificate("northcert", f.client, programme_id(p1), "ISO9001:2015", "2025-05-02",
                                 "2028-05-01");
    f.c = cc_test_lc_certificate("northcert", f.client, programme_id(p1), "ISO14001:2015", "2026-02-01",
                                 "2029-01-31");
    f.d = cc_test_lc_certificate("northcert", f.client, programme_id(p2), "ISO45001:2018", "2024-01-02",
                                 "2027-01-01");
    /* C: suspended, due yesterday; D's programme: its first surveillance window ended yesterday, unheld. */
    const char *c_params[] = {f.c};
    free(cc_test_lc_sql("northcert",
                        "UPDATE certificates SET status = 'suspended', suspended_since = current_date - 40, "
                        "suspended_until = current_date - 1, suspension_trigger = 'client_request' "
                        "WHERE id = $1::uuid RETURNING id::text",
                        1, c_params));
    const char *p_params[] = {programme_id(p2)};
    char *moved =
        cc_test_lc_sql("northcert",
                       "UPDATE audits SET window_start = current_date - 90, window_end = current_date - 1 "
                       "WHERE id = (SELECT id FROM audits WHERE programme_id = $1::uuid AND type = "
                       "'surveillance' ORDER BY window_start LIMIT 1) RETURNING id::text",
                       1, p_params);
    ck_assert_ptr_nonnull(moved);
    free(moved);
    json_decref(p1);
    json_decref(p2);
}

static void teardown(void)
{
    cc_test_cb_free(&f.cb);
    cc_test_caller_free(&f.dm);
    cc_test_caller_free(&f.auditor);
    cc_test_caller_free(&f.own_client);
    free(f.client), free(f.a), free(f.b), free(f.c), free(f.d);
}

/* The ids of a list's items, in order, as "id,id,..." for comparison; the caller frees. */
static char *ids_of(const json_t *items)
{
    size_t i, len = 0;
    json_t *it;
    char *out = cc_strdup("");
    json_array_foreach(items, i, it)
    {
        char *next = cc_test_asprintf("%s%s%s", out, len > 0 ? "," : "", cc_test_json_string(it, "id"));
        free(out);
        out = next;
        len++;
    }
    return out;
}

/* The listed ids of the query (after client_id=<fresh client>), every page walked with size 1. */
static char *listed(const cc_test_caller_t *c, const char *query)
{
    char *path = cc_test_asprintf("/v1/certificates?client_id=%s%s", f.client, query);
    json_t *items = cc_test_list_all(c, path, 1);
    char *ids = ids_of(items);
    json_decref(items);
    free(path);
    return ids;
}

/* The given ids sorted ascending (lists page by id), joined as ids_of does; NULL ends; the caller frees. */
static char *expect(const char *first, ...)
{
    const char *v[8];
    int n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s != NULL && n < 8; s = va_arg(ap, const char *))
        v[n++] = s;
    va_end(ap);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            const char *t = v[j];
            v[j] = v[j - 1], v[j - 1] = t;
        }
    char *out = cc_strdup("");
    for (int i = 0; i < n; i++) {
        char *next = cc_test_asprintf("%s%s%s", out, i > 0 ? "," : "", v[i]);
        free(out);
        out = next;
    }
    return out;
}

static void assert_listed(const cc_test_caller_t *c, const char *query, char *want)
{
    char *got = listed(c, query);
    ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", query, got, want);
    free(got);
    free(want);
}

START_TEST(test_get_one)
{
    json_t *a = cc_test_lc_get(&f.dm, f.a);
    ck_assert_str_eq(cc_test_json_string(a, "id"), f.a);
    ck_assert_str_eq(cc_test_json_string(a, "status"), "active");
    ck_assert_str_eq(cc_test_json_string(a, "standard"), "ISO/IEC 27001:2022");
    ck_assert_str_eq(cc_test_json_string(a, "standard_code"), "ISO27001:2022");
    ck_assert_str_eq(cc_test_json_string(a, "expiry_date"), "2029-01-09");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "revision")), 0);
    ck_assert_int_eq(json_array_size(json_object_get(a, "sites")), 2);
    ck_assert_int_eq(json_array_size(json_object_get(a, "revisions")), 1);
    json_t *history = json_object_get(a, "history");
    ck_assert_int_eq(json_array_size(history), 1);
    ck_assert_str_eq(cc_test_json_string(json_array_get(history, 0), "action"), "issued");
    json_decref(a);
    /* staff read, and the organisation's own client user */
    json_decref(cc_test_lc_get(&f.auditor, f.a));
    json_decref(cc_test_lc_get(&f.own_client, f.a));
}
END_TEST

START_TEST(test_who_sees)
{
    char *path = cc_test_asprintf("/v1/certificates/%s", f.a);
    cc_test_response_t *resp = cc_test_call(&f.cb.client1, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found"); /* another organisation's */
    cc_test_response_free(resp);
    resp = cc_test_call(&f.cb.other_admin, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found"); /* another tenant's */
    cc_test_response_free(resp);
    free(path);
    resp = cc_test_call(&f.dm, "GET", "/v1/certificates/00000000-0000-4000-8000-000000000000", NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.dm, "GET", "/v1/certificates/not-a-uuid", NULL, NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_response_free(resp);
    /* lists: another organisation's client user and another tenant see none of them */
    char *none = cc_strdup("");
    assert_listed(&f.cb.client1, "", cc_strdup(none));
    assert_listed(&f.cb.other_admin, "", none);
    /* the own client user sees its four, unfiltered too */
    json_t *all = cc_test_list_all(&f.own_client, "/v1/certificates", 2);
    ck_assert_int_eq(json_array_size(all), 4);
    json_decref(all);
    assert_listed(&f.own_client, "", expect(f.a, f.b, f.c, f.d, NULL));
}
END_TEST

START_TEST(test_filters)
{
    assert_listed(&f.dm, "", expect(f.a, f.b, f.c, f.d, NULL));
    assert_listed(&f.dm, "&status=suspended", expect(f.c, NULL));
    assert_listed(&f.dm, "&status=active", expect(f.a, f.b, f.d, NULL));
    assert_listed(&f.dm, "&status=superseded", cc_strdup(""));
    assert_listed(&f.dm, "&standard=ISO9001:2015", expect(f.b, NULL));
    assert_listed(&f.dm, "&standard=ISO%209001%3A2015", expect(f.b, NULL));
    assert_listed(&f.dm, "&standard=iso%2Fiec%2027001%3A2022", expect(f.a, NULL));
    assert_listed(&f.dm, "&standard=ISO9999:2020", cc_strdup(""));
    assert_listed(&f.dm, "&expiring_before=2028-05-02", expect(f.b, f.d, NULL));
    assert_listed(&f.dm, "&expiring_before=2027-01-01", cc_strdup(""));
    assert_listed(&f.dm, "&attention=true", expect(f.c, f.d, NULL));
    assert_listed(&f.dm, "&attention=false", expect(f.a, f.b, NULL));
    assert_listed(&f.dm, "&attention=true&status=active", expect(f.d, NULL));
    /* each item is the certificate without its revisions and history */
    char *path = cc_test_asprintf("/v1/certificates?client_id=%s&status=suspended", f.client);
    cc_test_response_t *resp = cc_test_call(&f.dm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *item = json_array_get(json_object_get(resp->json, "items"), 0);
    ck_assert_str_eq(cc_test_json_string(item, "suspension_trigger"), "client_request");
    ck_assert_ptr_null(json_object_get(item, "history"));
    ck_assert_ptr_null(json_object_get(item, "revisions"));
    cc_test_response_free(resp);
    free(path);
}
END_TEST

START_TEST(test_bad_filters)
{
    static const struct {
        const char *query, *field;
    } bad[] = {
        {"client_id=nope", "client_id"},
        {"status=valid", "status"},
        {"standard=", "standard"},
        {"expiring_before=2027-02-30", "expiring_before"},
        {"expiring_before=soon", "expiring_before"},
        {"attention=yes", "attention"},
        {"limit=0", "limit"},
        {"cursor=%%%", "cursor"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *path = cc_test_asprintf("/v1/certificates?%s", bad[i].query);
        cc_test_response_t *resp = cc_test_call(&f.dm, "GET", path, NULL, NULL);
        cc_test_assert_problem(resp, 400, "validation_failed");
        cc_test_assert_first_error_field(resp, bad[i].field);
        cc_test_response_free(resp);
        free(path);
    }
}
END_TEST

static Suite *certificates_suite(void)
{
    Suite *s = suite_create("certificates");
    TCase *tc = tcase_create("reads");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_get_one);
    tcase_add_test(tc, test_who_sees);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_bad_filters);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(certificates_suite());
}
