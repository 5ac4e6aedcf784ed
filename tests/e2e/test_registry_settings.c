/*
 * End-to-end tests of GET/PUT /v1/registry/settings through the gateway: admin only, every field validated
 * with a problem naming it, the outbound guard on base_url (loopback, link-local, private), enabling needs a
 * key and both accreditation-body fields, the API key never answered (nor stored or logged in clear),
 * If-Match, saving clears a pause, the event, and southcert never sees northcert's settings. The tests leave
 * northcert's sync disabled whatever happens.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_fake_registry.h"
#include "cc_test_main.h"
#include "cc_test_registry_api.h"
#include "cc_test_scheduling.h"

#define SECRET "sk-registry-never-shown-7c1f0e"

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

static cc_test_response_t *put(const cc_test_caller_t *c, const char *extra, const char *body)
{
    return cc_test_call(c, "PUT", "/v1/registry/settings", extra, body);
}

static cc_test_response_t *get(const cc_test_caller_t *c)
{
    return cc_test_call(c, "GET", "/v1/registry/settings", NULL, NULL);
}

/* Fails unless a PUT of body answers 400 naming field with code. */
static void assert_refused(const char *body, const char *field, const char *code)
{
    cc_test_response_t *resp = put(&cb.admin, NULL, body);
    cc_test_assert_problem(resp, 400, "validation_failed");
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(resp->json, "errors"), i, e)
    {
        if (strcmp(cc_test_json_string(e, "field"), field) == 0 &&
            (code == NULL || strcmp(cc_test_json_string(e, "code"), code) == 0))
            found = true;
    }
    ck_assert_msg(found, "%s: no error naming %s (%s): %s", body, field, code ? code : "any", resp->body);
    ck_assert_ptr_null(strstr(resp->body, SECRET));
    cc_test_response_free(resp);
}

START_TEST(test_shape_and_etag)
{
    cc_test_response_t *resp = get(&cb.admin);
    cc_test_assert_json(resp, 200);
    static const char *const keys[] = {"enabled",
                                       "base_url",
                                       "api_key_set",
                                       "accreditation_body_name",
                                       "accreditation_body_acronym",
                                       "accredited",
                                       "single_interval_s",
                                       "bulk_interval_s",
                                       "paused",
                                       "paused_reason",
                                       "paused_at",
                                       "version",
                                       "updated_at"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        ck_assert_msg(json_object_get(resp->json, keys[i]) != NULL, "no %s: %s", keys[i], resp->body);
    ck_assert_ptr_null(json_object_get(resp->json, "api_key"));
    cc_test_assert_etag(resp, (int)cc_test_version_of(resp));
    cc_test_response_free(resp);
}
END_TEST

START_TEST(test_only_admins)
{
    const cc_test_caller_t *others[] = {&cb.sm, &cb.client1};
    for (size_t i = 0; i < 2; i++) {
        cc_test_response_t *resp = get(others[i]);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        resp = put(others[i], NULL, "{\"enabled\":false}");
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
    }
}
END_TEST

START_TEST(test_each_field_validated)
{
    assert_refused("{\"enabled\":\"yes\"}", "enabled", "wrong_type");
    assert_refused("{\"base_url\":5}", "base_url", "wrong_type");
    assert_refused("{\"base_url\":\"ftp://registry.example/v1\"}", "base_url", "outbound_refused");
    assert_refused("{\"api_key\":\"\"}", "api_key", NULL);
    assert_refused("{\"api_key\":\"   \"}", "api_key", "empty");
    assert_refused("{\"accreditation_body_name\":\"\"}", "accreditation_body_name", NULL);
    assert_refused("{\"accreditation_body_acronym\":7}", "accreditation_body_acronym", "wrong_type");
    assert_refused("{\"accredited\":1}", "accredited", "wrong_type");
    assert_refused("{\"single_interval_s\":-1}", "single_interval_s", NULL);
    assert_refused("{\"single_interval_s\":86401}", "single_interval_s", NULL);
    assert_refused("{\"bulk_interval_s\":\"600\"}", "bulk_interval_s", "wrong_type");
    assert_refused("{\"bulk_interval_s\":1.5}", "bulk_interval_s", NULL);
    assert_refused("{\"api_key_sealed\":\"x\"}", "api_key_sealed", NULL);
    /* several faults: each named in one answer */
    cc_test_response_t *resp = put(&cb.admin, NULL, "{\"enabled\":3,\"single_interval_s\":-5}");
    cc_test_assert_problem(resp, 400, "validation_failed");
    ck_assert_uint_ge(json_array_size(json_object_get(resp->json, "errors")), 2);
    cc_test_response_free(resp);
}
END_TEST

START_TEST(test_outbound_guard)
{
    static const char *const refused[] = {"http://127.0.0.1/api/client/v1", "https://127.0.0.1:8443/api",
                                          "https://169.254.169.254/", "https://10.0.0.1/",
                                          "https://localhost/api/client/v1"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        char *body = cc_test_asprintf("{\"base_url\":\"%s\"}", refused[i]);
        assert_refused(body, "base_url", "outbound_refused");
        free(body);
    }
    /* nothing was stored */
    cc_test_response_t *resp = get(&cb.admin);
    cc_test_assert_json(resp, 200);
    ck_assert_ptr_null(strstr(cc_test_json_string(resp->json, "base_url"), "127.0.0.1"));
    cc_test_response_free(resp);
    /* An https name that does not resolve now (.invalid never does) is not refused: the guard judges its
     * addresses on every call (the sandbox registry on an offline machine is such a name). */
    static const char pending_url[] = "https://api.registry-test.invalid/api/client/v1";
    resp = put(&cb.admin, NULL, "{\"base_url\":\"https://api.registry-test.invalid/api/client/v1\"}");
    cc_test_assert_json(resp, 200);
    ck_assert_str_eq(cc_test_json_string(resp->json, "base_url"), pending_url);
    cc_test_response_free(resp);
    resp = put(&cb.admin, NULL, "{\"base_url\":\"https://api.iafcertsearch.org/api/client/v1\"}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
}
END_TEST

START_TEST(test_enable_needs_key_and_body)
{
    cc_test_response_t *resp = put(&cb.admin, NULL,
                                   "{\"enabled\":false,\"api_key\":null,\"accreditation_body_name\":null,"
                                   "\"accreditation_body_acronym\":null}");
    cc_test_assert_json(resp, 200);
    ck_assert(json_is_false(json_object_get(resp->json, "api_key_set")));
    cc_test_response_free(resp);
    assert_refused("{\"enabled\":true}", "api_key", "required");
    assert_refused("{\"enabled\":true}", "accreditation_body_name", "required");
    assert_refused("{\"enabled\":true}", "accreditation_body_acronym", "required");
    /* the key given alongside: the body fields are still missing, the key is not */
    resp = put(&cb.admin, NULL,
               "{\"enabled\":true,\"api_key\":\"" SECRET "\",\"accreditation_body_name\":\"UKAS\"}");
    cc_test_assert_problem(resp, 400, "validation_failed");
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "errors")), 1);
    cc_test_assert_first_error_field(resp, "accreditation_body_acronym");
    ck_assert_ptr_null(strstr(resp->body, SECRET));
    cc_test_response_free(resp);
}
END_TEST

/* Fails when the service's log (CC_TEST_STATE_DIR/log/registry-sync.log) holds text. */
static void assert_not_logged(const char *text)
{
    char *path = cc_test_asprintf("%s/log/registry-sync.log", cc_test_env("CC_TEST_STATE_DIR"));
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    char line[8192];
    while (fgets(line, sizeof(line), f) != NULL)
        ck_assert_msg(strstr(line, text) == NULL, "the log holds the key: %s", line);
    fclose(f);
    free(path);
}

START_TEST(test_key_never_shown)
{
    cc_fake_registry_t *fake = cc_fake_registry_start(SECRET);
    cc_test_regapi_enable(&cb.admin, cc_fake_registry_url(fake), SECRET);
    cc_test_response_t *resp = get(&cb.admin);
    cc_test_assert_json(resp, 200);
    ck_assert(json_is_true(json_object_get(resp->json, "api_key_set")));
    ck_assert(json_is_true(json_object_get(resp->json, "enabled")));
    ck_assert_str_eq(cc_test_json_string(resp->json, "base_url"), cc_fake_registry_url(fake));
    ck_assert_str_eq(cc_test_json_string(resp->json, "accreditation_body_acronym"), "UKAS");
    ck_assert_ptr_null(strstr(resp->body, SECRET));
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.admin, "GET", "/v1/registry/status", NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_ptr_null(strstr(resp->body, SECRET));
    cc_test_response_free(resp);
    /* stored sealed, and not in the event log */
    const char *p[] = {SECRET};
    char *clear = cc_test_regapi_value(
        "northcert",
        "SELECT count(*) FROM registry_settings WHERE position(convert_to($1, 'UTF8') IN api_key_sealed) > 0",
        1, p);
    ck_assert_str_eq(clear, "0");
    free(clear);
    char *logged = cc_test_regapi_value(
        "northcert", "SELECT count(*) FROM event_log WHERE action = 'registry.settings_updated'", 0, NULL);
    ck_assert_int_gt(atoi(logged), 0);
    free(logged);
    logged = cc_test_regapi_value(
        "northcert", "SELECT count(*) FROM event_log WHERE event_log::text LIKE '%' || $1 || '%'", 1, p);
    ck_assert_str_eq(logged, "0");
    free(logged);
    /* keeping the key: omitted; removing it: null (and sync cannot stay enabled without one) */
    resp = put(&cb.admin, NULL, "{\"enabled\":false,\"accredited\":false}");
    cc_test_assert_json(resp, 200);
    ck_assert(json_is_true(json_object_get(resp->json, "api_key_set")));
    ck_assert(json_is_false(json_object_get(resp->json, "accredited")));
    cc_test_response_free(resp);
    assert_refused("{\"enabled\":true,\"api_key\":null}", "api_key", "required");
    resp = put(&cb.admin, NULL, "{\"api_key\":null,\"accredited\":true}");
    cc_test_assert_json(resp, 200);
    ck_assert(json_is_false(json_object_get(resp->json, "api_key_set")));
    cc_test_response_free(resp);
    cc_fake_registry_stop(fake);
    assert_not_logged(SECRET);
}
END_TEST

START_TEST(test_if_match)
{
    cc_test_response_t *resp = get(&cb.admin);
    cc_test_assert_json(resp, 200);
    json_int_t version = cc_test_version_of(resp);
    cc_test_response_free(resp);
    char *stale = cc_test_asprintf("If-Match: \"%lld\"", (long long)version + 7);
    resp = put(&cb.admin, stale, "{\"single_interval_s\":120}");
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);
    free(stale);
    char *current = cc_test_asprintf("If-Match: \"%lld\"", (long long)version);
    resp = put(&cb.admin, current, "{\"single_interval_s\":120,\"bulk_interval_s\":900}");
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), version + 1);
    cc_test_assert_etag(resp, (int)version + 1);
    ck_assert_int_eq(json_integer_value(json_object_get(resp->json, "single_interval_s")), 120);
    ck_assert_int_eq(json_integer_value(json_object_get(resp->json, "bulk_interval_s")), 900);
    cc_test_response_free(resp);
    free(current);
}
END_TEST

START_TEST(test_saving_clears_a_pause)
{
    cc_test_response_t *resp = put(&cb.admin, NULL, "{\"enabled\":false}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    cc_test_regapi_sql(
        "northcert",
        "UPDATE registry_settings SET paused_reason = 'unauthorized', paused_detail = 'HTTP 401', "
        "paused_at = now()",
        0, NULL);
    resp = get(&cb.admin);
    ck_assert(json_is_true(json_object_get(resp->json, "paused")));
    ck_assert_str_eq(cc_test_json_string(resp->json, "paused_reason"), "unauthorized");
    ck_assert_ptr_nonnull(cc_test_json_string(resp->json, "paused_at"));
    cc_test_response_free(resp);
    json_t *status = cc_test_regapi_status(&cb.admin);
    ck_assert(json_is_true(json_object_get(status, "paused")));
    ck_assert_str_eq(cc_test_json_string(status, "paused_detail"), "HTTP 401");
    json_decref(status);
    resp = put(&cb.admin, NULL, "{}");
    cc_test_assert_json(resp, 200);
    ck_assert(json_is_false(json_object_get(resp->json, "paused")));
    ck_assert(json_is_null(json_object_get(resp->json, "paused_reason")));
    cc_test_response_free(resp);
}
END_TEST

START_TEST(test_tenants_isolated)
{
    char suffix[17], *body;
    cc_test_random_suffix(suffix);
    body = cc_test_asprintf("{\"accreditation_body_name\":\"Northern AB %s\"}", suffix);
    cc_test_response_t *resp = put(&cb.admin, NULL, body);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = get(&cb.other_admin);
    cc_test_assert_json(resp, 200);
    ck_assert_ptr_null(strstr(resp->body, suffix));
    cc_test_response_free(resp);
    /* southcert's save leaves northcert's alone */
    resp = put(&cb.other_admin, NULL, "{\"bulk_interval_s\":1200}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = get(&cb.admin);
    ck_assert_ptr_nonnull(strstr(resp->body, suffix));
    cc_test_response_free(resp);
    free(body);
}
END_TEST

START_TEST(test_accreditation_change_requeues)
{
    cc_test_response_t *resp =
        put(&cb.admin, NULL, "{\"accredited\":true,\"accreditation_body_acronym\":\"UKAS\"}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    const char *sum_sql = "SELECT coalesce(sum(wanted), 0) FROM registry_certifications";
    char *count = cc_test_regapi_value("northcert", "SELECT count(*) FROM certifications", 0, NULL);
    char *before = cc_test_regapi_value("northcert", sum_sql, 0, NULL);
    /* the same values: nothing to send again */
    resp = put(&cb.admin, NULL, "{\"accredited\":true,\"accreditation_body_acronym\":\"UKAS\"}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    char *same = cc_test_regapi_value("northcert", sum_sql, 0, NULL);
    ck_assert_str_eq(same, before);
    /* unaccredited: every record changes, every certification is pending again */
    resp = put(&cb.admin, NULL, "{\"accredited\":false}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    char *after = cc_test_regapi_value("northcert", sum_sql, 0, NULL);
    ck_assert_int_eq(atoll(after), atoll(before) + atoll(count));
    resp = put(&cb.admin, NULL, "{\"accredited\":true}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    free(count);
    free(before);
    free(same);
    free(after);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("registry_settings");
    TCase *tc = tcase_create("settings");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_shape_and_etag);
    tcase_add_test(tc, test_only_admins);
    tcase_add_test(tc, test_each_field_validated);
    tcase_add_test(tc, test_outbound_guard);
    tcase_add_test(tc, test_enable_needs_key_and_body);
    tcase_add_test(tc, test_key_never_shown);
    tcase_add_test(tc, test_if_match);
    tcase_add_test(tc, test_saving_clears_a_pause);
    tcase_add_test(tc, test_tenants_isolated);
    tcase_add_test(tc, test_accreditation_change_requeues);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
