/*
 * A standard named by its catalogue code ("ISO27001:2022") is accepted wherever a
 * request names one, as its reference ("ISO/IEC 27001:2022") is, and the answers are
 * those the reference gets: GET /v1/standards shows both; POST /v1/audit-time
 * (standard and integrated_standards); POST /v1/programmes (stored by reference, the
 * 2013 cut-off still applies); auditors' competences (POST, PATCH, the ?standard=
 * filter), which then cover a programme's audit. Needs CC_TEST_GATEWAY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_http.h"
#include "cc_test_scheduling.h"

#define SECTOR "IAF 33"

/* POSTs body to path as c and returns the JSON answer, status expected. */
static json_t *post_json(const cc_test_caller_t *c, const char *path, const char *body, int status)
{
    cc_test_response_t *resp = cc_test_call(c, "POST", path, NULL, body);
    cc_test_assert_json(resp, status);
    json_t *v = json_incref(resp->json);
    cc_test_response_free(resp);
    return v;
}

START_TEST(standards_show_code_and_reference)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    cc_test_response_t *resp = cc_test_call(&f.sm, "GET", "/v1/standards", NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *s;
    size_t i;
    json_array_foreach(json_object_get(resp->json, "items"), i, s)
    {
        ck_assert_ptr_nonnull(cc_test_json_string(s, "code"));
        ck_assert_ptr_nonnull(cc_test_json_string(s, "reference"));
    }
    ck_assert_uint_eq(i, 5);
    cc_test_response_free(resp);
    cc_test_cb_free(&f);
}
END_TEST

START_TEST(audit_time_by_code)
{
    static const char *const pairs[][2] = {
        {"{\"standard\":\"ISO27001:2022\",\"personnel\":100,\"sites\":5}",
         "{\"standard\":\"ISO/IEC 27001:2022\",\"personnel\":100,\"sites\":5}"},
        {"{\"standard\":\"ISO14001:2015\",\"personnel\":40,\"complexity\":\"high\"}",
         "{\"standard\":\"ISO 14001:2015\",\"personnel\":40,\"complexity\":\"high\"}"},
        {"{\"standard\":\"ISO27001:2022\",\"personnel\":60,\"integrated_standards\":[\"ISO9001:2015\"],"
         "\"integration_reduction_percent\":10}",
         "{\"standard\":\"ISO/IEC 27001:2022\",\"personnel\":60,\"integrated_standards\":[\"ISO 9001:2015\"],"
         "\"integration_reduction_percent\":10}"},
    };
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        json_t *by_code = post_json(&f.sm, "/v1/audit-time", pairs[i][0], 200);
        json_t *by_reference = post_json(&f.sm, "/v1/audit-time", pairs[i][1], 200);
        char *a = json_dumps(by_code, JSON_SORT_KEYS), *b = json_dumps(by_reference, JSON_SORT_KEYS);
        ck_assert_msg(json_equal(by_code, by_reference), "pair %zu differs:\n%s\n%s", i, a, b);
        free(a);
        free(b);
        json_decref(by_code);
        json_decref(by_reference);
    }
    /* a code is exact: anything else stays unknown */
    cc_test_response_t *resp = cc_test_call(&f.sm, "POST", "/v1/audit-time", NULL,
                                            "{\"standard\":\"ISO27001:2099\",\"personnel\":10}");
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "standard");
    cc_test_response_free(resp);
    cc_test_cb_free(&f);
}
END_TEST

/* A programme named by code is stored and answered by reference, and an auditor whose competence names the
 * code covers its audit. */
START_TEST(programmes_and_competences_by_code)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *body = cc_test_asprintf("{\"client_id\":\"%s\",\"standards\":[\"ISO27001:2022\"],"
                                  "\"scope\":\"by code %s\",\"sector_codes\":[\"" SECTOR "\"]}",
                                  f.org, suffix);
    json_t *programme = post_json(&f.sm, "/v1/programmes", body, 201);
    free(body);
    json_t *standards = json_object_get(programme, "standards");
    ck_assert_uint_eq(json_array_size(standards), 1);
    ck_assert_str_eq(json_string_value(json_array_get(standards, 0)), CC_TEST_ISMS);
    json_t *reference = cc_test_new_programme(&f.sm, f.org, "[\"" SECTOR "\"]");
    ck_assert(json_equal(json_object_get(programme, "audit_time"), json_object_get(reference, "audit_time")));
    ck_assert_uint_eq(json_array_size(json_object_get(programme, "audits")),
                      json_array_size(json_object_get(reference, "audits")));

    cc_test_auditor_t lead =
        cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE("ISO27001:2022", "[\"" SECTOR "\"]", "lead"));
    char *path = cc_test_asprintf("/v1/auditors/%s", lead.id);
    cc_test_response_t *resp = cc_test_call(&f.sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *competence = json_array_get(json_object_get(resp->json, "competences"), 0);
    ck_assert_str_eq(cc_test_json_string(competence, "standard"), CC_TEST_ISMS);
    cc_test_response_free(resp);
    cc_test_must_add(&f.sm, cc_test_audit_of(programme, "stage1"), lead.id, "lead");

    /* PATCH with a code: stored by reference too */
    resp = cc_test_call(&f.sm, "PATCH", path, "If-Match: \"1\"",
                        "{\"competences\":" CC_TEST_COMPETENCE("ISO9001:2015", "[]", "auditor") "}");
    cc_test_assert_json(resp, 200);
    competence = json_array_get(json_object_get(resp->json, "competences"), 0);
    ck_assert_str_eq(cc_test_json_string(competence, "standard"), "ISO 9001:2015");
    cc_test_response_free(resp);

    /* the list filter takes the code as well */
    json_t *by_code = cc_test_list_all(&f.sm, "/v1/auditors?standard=ISO9001%3A2015", 100);
    json_t *by_reference = cc_test_list_all(&f.sm, "/v1/auditors?standard=ISO%209001%3A2015", 100);
    ck_assert(json_equal(by_code, by_reference));
    bool found = false;
    json_t *a;
    size_t i;
    json_array_foreach(by_code, i, a) found |= strcmp(cc_test_json_string(a, "id"), lead.id) == 0;
    ck_assert(found);
    json_decref(by_code);
    json_decref(by_reference);

    /* an unknown code is refused as an unknown reference is */
    body = cc_test_asprintf("{\"user_id\":\"%s\",\"competences\":%s}", lead.user_id,
                            CC_TEST_COMPETENCE("ISO27001:2099", "[]", "lead"));
    resp = cc_test_call(&f.sm, "POST", "/v1/auditors", NULL, body);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "competences[0].standard");
    cc_test_response_free(resp);
    free(body);

    free(path);
    cc_test_auditor_free(&lead);
    json_decref(reference);
    json_decref(programme);
    cc_test_cb_free(&f);
}
END_TEST

/* The 2013 cut-off holds whichever name the request uses. */
START_TEST(programme_2013_closed_by_code)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    const char *names[] = {"ISO27001:2013", "ISO/IEC 27001:2013"};
    for (size_t i = 0; i < 2; i++) {
        char *body = cc_test_asprintf("{\"client_id\":\"%s\",\"standards\":[\"%s\"],\"scope\":\"closed\","
                                      "\"sector_codes\":[]}",
                                      f.org, names[i]);
        cc_test_response_t *resp = cc_test_call(&f.sm, "POST", "/v1/programmes", NULL, body);
        cc_test_assert_problem(resp, 422, "standard_closed");
        cc_test_assert_first_error_field(resp, "standards[0]");
        cc_test_response_free(resp);
        free(body);
    }
    cc_test_cb_free(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("standard_codes");
    TCase *tc = tcase_create("standard_codes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, standards_show_code_and_reference);
    tcase_add_test(tc, audit_time_by_code);
    tcase_add_test(tc, programmes_and_competences_by_code);
    tcase_add_test(tc, programme_2013_closed_by_code);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
