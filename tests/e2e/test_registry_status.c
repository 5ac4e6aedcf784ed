/*
 * End-to-end tests of GET /v1/registry/status and POST /v1/registry/resync through the gateway: admin
 * only, every field, the counts (a new certification of a client without consent joins the backlog and
 * skipped_for_consent), the monthly duty's flag and warning as today's UTC date dictates (the rule itself
 * is unit-tested in test_registry_month), the paused warning, and a resync: 409 registry_disabled while
 * disabled, else 202 with every certification of the tenant queued. Northcert's sync is left disabled.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_test_certificates.h"
#include "cc_test_fake_registry.h"
#include "cc_test_main.h"
#include "cc_test_registry_api.h"

#define KEY "sk-status-test-3e9a"

static cc_test_cb_t cb;

static void setup(void)
{
    cc_test_cb_login(&cb);
}

static void teardown(void)
{
    cc_test_regapi_disable(&cb.admin);
    cc_test_cb_free(&cb);
}

static json_int_t count_of(const json_t *status, const char *key)
{
    const json_t *v = json_object_get(status, key);
    ck_assert_msg(json_is_integer(v), "%s is not a count", key);
    return json_integer_value(v);
}

static bool has_warning(const json_t *status, const char *code)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(status, "warnings"), i, w)
    {
        if (strcmp(cc_test_json_string(w, "code"), code) == 0)
            return true;
    }
    return false;
}

/* Independently of the service: the month (UTC) ends within 7 days, and the last complete sync (an API
 * timestamp or NULL) is not in it. */
static bool month_due(const char *last_complete)
{
    time_t now = time(NULL);
    struct tm t;
    gmtime_r(&now, &t);
    struct tm next = {.tm_year = t.tm_year + (t.tm_mon == 11), .tm_mon = (t.tm_mon + 1) % 12, .tm_mday = 1};
    if (timegm(&next) - now > 7 * 86400)
        return false;
    char month[16];
    strftime(month, sizeof(month), "%Y-%m", &t);
    return last_complete == NULL || strncmp(last_complete, month, 7) != 0;
}

START_TEST(test_only_admins)
{
    static const char *const calls[][2] = {{"GET", "/v1/registry/status"},
                                           {"POST", "/v1/registry/resync"},
                                           {"POST", "/v1/registry/reconcile"},
                                           {"GET", "/v1/registry/dead-letters"}};
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        cc_test_response_t *resp = cc_test_call(&cb.sm, calls[i][0], calls[i][1], NULL, NULL);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        resp = cc_test_call(&cb.client1, calls[i][0], calls[i][1], NULL, NULL);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
    }
}
END_TEST

START_TEST(test_every_field_and_the_month)
{
    json_t *status = cc_test_regapi_status(&cb.admin);
    static const char *const counts[] = {"backlog",      "in_flight",           "synced",
                                         "dead_letters", "skipped_for_consent", "deleted_for_consent"};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        ck_assert_int_ge(count_of(status, counts[i]), 0);
    static const char *const booleans[] = {"enabled", "paused", "resync_in_progress", "monthly_sync_due"};
    for (size_t i = 0; i < sizeof(booleans) / sizeof(booleans[0]); i++)
        ck_assert_msg(json_is_boolean(json_object_get(status, booleans[i])), "%s is not a boolean",
                      booleans[i]);
    static const char *const nullable[] = {"paused_reason", "paused_detail",   "paused_at",
                                           "retry_after",   "last_success_at", "last_complete_sync_at"};
    for (size_t i = 0; i < sizeof(nullable) / sizeof(nullable[0]); i++)
        ck_assert_msg(json_object_get(status, nullable[i]) != NULL, "no %s", nullable[i]);
    ck_assert(json_is_array(json_object_get(status, "warnings")));
    bool due = month_due(cc_test_json_string(status, "last_complete_sync_at"));
    ck_assert_int_eq(json_is_true(json_object_get(status, "monthly_sync_due")), due);
    ck_assert_int_eq(has_warning(status, "monthly_sync_due"), due);
    json_decref(status);
}
END_TEST

START_TEST(test_counts_follow_new_certificates)
{
    json_t *before = cc_test_regapi_status(&cb.admin);
    ck_assert(json_is_false(json_object_get(before, "enabled")));
    json_t *certificate = cc_test_issue_certificate(&cb, NULL); /* a new client, without consent */
    json_t *after = cc_test_regapi_status(&cb.admin);
    ck_assert_int_eq(count_of(after, "skipped_for_consent"), count_of(before, "skipped_for_consent") + 1);
    /* disabled: nothing is sent, the certification waits in the backlog */
    ck_assert_int_eq(count_of(after, "backlog"), count_of(before, "backlog") + 1);
    /* its registry state exists and is pending */
    const char *p[] = {cc_test_json_string(certificate, "certification_id")};
    char *pending = cc_test_regapi_value(
        "northcert", "SELECT wanted > done FROM registry_certifications WHERE certification_id = $1::uuid", 1,
        p);
    ck_assert_str_eq(pending, "t");
    free(pending);
    json_decref(before);
    json_decref(after);
    json_decref(certificate);
}
END_TEST

START_TEST(test_paused_warning)
{
    cc_test_response_t *resp =
        cc_test_call(&cb.admin, "PUT", "/v1/registry/settings", NULL, "{\"enabled\":false}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    cc_test_regapi_sql("northcert",
                       "UPDATE registry_settings SET paused_reason = 'outbound_refused', "
                       "paused_detail = 'refused_address', paused_at = now(), "
                       "retry_after = now() + interval '1 hour'",
                       0, NULL);
    json_t *status = cc_test_regapi_status(&cb.admin);
    ck_assert(json_is_true(json_object_get(status, "paused")));
    ck_assert_str_eq(cc_test_json_string(status, "paused_reason"), "outbound_refused");
    ck_assert_ptr_nonnull(cc_test_json_string(status, "retry_after"));
    ck_assert(has_warning(status, "paused"));
    json_decref(status);
    resp = cc_test_call(&cb.admin, "PUT", "/v1/registry/settings", NULL, "{}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    cc_test_regapi_sql("northcert", "UPDATE registry_settings SET retry_after = NULL", 0, NULL);
    status = cc_test_regapi_status(&cb.admin);
    ck_assert(json_is_false(json_object_get(status, "paused")));
    ck_assert(!has_warning(status, "paused"));
    ck_assert(json_is_null(json_object_get(status, "retry_after")));
    json_decref(status);
}
END_TEST

START_TEST(test_resync)
{
    cc_test_regapi_disable(&cb.admin);
    cc_test_response_t *resp = cc_test_call(&cb.admin, "POST", "/v1/registry/resync", NULL, NULL);
    cc_test_assert_problem(resp, 409, "registry_disabled");
    cc_test_response_free(resp);

    cc_fake_registry_t *fake = cc_fake_registry_start(KEY);
    cc_test_regapi_enable(&cb.admin, cc_fake_registry_url(fake), KEY);
    char *certifications = cc_test_regapi_value("northcert", "SELECT count(*) FROM certifications", 0, NULL);
    resp = cc_test_call(&cb.admin, "POST", "/v1/registry/resync", NULL, NULL);
    cc_test_assert_json(resp, 202);
    ck_assert_int_eq(json_integer_value(json_object_get(resp->json, "queued")), atoll(certifications));
    ck_assert_ptr_nonnull(cc_test_json_string(resp->json, "resync_requested_at"));
    cc_test_response_free(resp);
    /* every certification has a registry state and was touched by the resync */
    char *untouched = cc_test_regapi_value(
        "northcert",
        "SELECT count(*) FROM certifications f WHERE NOT EXISTS (SELECT 1 FROM registry_certifications r "
        "WHERE r.certification_id = f.id AND r.wanted >= 2)",
        0, NULL);
    ck_assert_str_eq(untouched, "0");
    free(untouched);
    /* southcert's sync is not northcert's: disabled, refused */
    resp = cc_test_call(&cb.other_admin, "POST", "/v1/registry/resync", NULL, NULL);
    cc_test_assert_problem(resp, 409, "registry_disabled");
    cc_test_response_free(resp);
    cc_test_regapi_disable(&cb.admin);
    cc_fake_registry_stop(fake);
    free(certifications);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("registry_status");
    TCase *tc = tcase_create("status");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_only_admins);
    tcase_add_test(tc, test_every_field_and_the_month);
    tcase_add_test(tc, test_counts_follow_new_certificates);
    tcase_add_test(tc, test_paused_warning);
    tcase_add_test(tc, test_resync);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
