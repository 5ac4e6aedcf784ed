/*
 * The scheduling service's reference endpoints through the gateway: the
 * standards catalogue (every standard, all 93 Annex A controls of ISO/IEC
 * 27001:2022 with their themes, 404 for an unknown standard, a token needed)
 * and audit time (a 27006 table value with its stage split and sampling,
 * caps answered 422 naming the field, nested bad input 400 naming the field,
 * clients refused). Both catalogue lists page by their keys (code, id) like
 * every list. Needs CC_TEST_GATEWAY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_caller.h"
#include "cc_test_http.h"

static const char *gateway(void)
{
    return cc_test_env("CC_TEST_GATEWAY_URL");
}

/* A request as role@northcert; returns the response (caller frees). */
static cc_test_response_t *as(const char *who, const char *method, const char *path, const char *body)
{
    char email[96];
    snprintf(email, sizeof(email), "%s@northcert.example", who);
    cc_test_tokens_t tokens;
    cc_test_login(gateway(), "northcert", email, CC_TEST_DEMO_PASSWORD, &tokens);
    char *auth = cc_test_bearer(tokens.access);
    const char *headers[] = {auth, NULL};
    cc_test_response_t *resp = cc_test_http(method, gateway(), path, headers, body);
    free(auth);
    cc_test_tokens_free(&tokens);
    return resp;
}

/*
 * Walks the list at path as auditor1, `limit` items a page, until next_cursor is
 * null: every page at most limit items, a page with a cursor never empty. Returns every item (decref).
 */
static json_t *walk(const char *path, int limit)
{
    cc_test_tokens_t tokens;
    cc_test_login(gateway(), "northcert", "auditor1@northcert.example", CC_TEST_DEMO_PASSWORD, &tokens);
    char *auth = cc_test_bearer(tokens.access);
    const char *headers[] = {auth, NULL};
    json_t *all = json_array();
    char *cursor = NULL;
    for (int pages = 0;; pages++) {
        ck_assert_msg(pages < 1000, "pagination of %s does not end", path);
        char *enc = cursor != NULL ? cc_test_url_encode(cursor) : NULL;
        char *page_path = cc_test_asprintf("%s%slimit=%d%s%s", path, strchr(path, '?') != NULL ? "&" : "?",
                                           limit, enc != NULL ? "&cursor=" : "", enc != NULL ? enc : "");
        cc_test_response_t *resp = cc_test_http("GET", gateway(), page_path, headers, NULL);
        cc_test_assert_json(resp, 200);
        json_t *items = json_object_get(resp->json, "items"),
               *next = json_object_get(resp->json, "next_cursor");
        ck_assert_msg(json_array_size(items) <= (size_t)limit, "%s: %s", page_path, resp->body);
        ck_assert_msg(json_is_null(next) || (json_is_string(next) && json_array_size(items) > 0), "%s: %s",
                      page_path, resp->body);
        json_array_extend(all, items);
        free(cursor);
        cursor = json_is_string(next) ? strdup(json_string_value(next)) : NULL;
        cc_test_response_free(resp);
        free(page_path);
        free(enc);
        if (cursor == NULL)
            break;
    }
    free(auth);
    cc_test_tokens_free(&tokens);
    return all;
}

/* Fails unless a and b list the same items in the same order. */
static void assert_same_items(const json_t *a, const json_t *b, const char *what)
{
    ck_assert_msg(json_array_size(a) == json_array_size(b), "%s: %zu items walked, %zu in one page", what,
                  json_array_size(a), json_array_size(b));
    for (size_t i = 0; i < json_array_size(a); i++)
        ck_assert_msg(json_equal(json_array_get(a, i), json_array_get(b, i)), "%s: item %zu differs", what,
                      i);
}

static double number(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    ck_assert_msg(json_is_number(v), "%s is not a number", key);
    return json_number_value(v);
}

START_TEST(standards_are_listed)
{
    cc_test_response_t *resp = as("client1", "GET", "/v1/standards", NULL);
    cc_test_assert_json(resp, 200);
    json_t *items = json_object_get(resp->json, "items"), *s;
    size_t i;
    bool found_2022 = false, found_2013 = false;
    json_array_foreach(items, i, s)
    {
        const char *code = cc_test_json_string(s, "code");
        if (strcmp(code, "ISO27001:2022") == 0) {
            found_2022 = true;
            ck_assert_str_eq(cc_test_json_string(s, "reference"), "ISO/IEC 27001:2022");
            ck_assert_int_eq(json_integer_value(json_object_get(s, "controls")), 93);
        }
        if (strcmp(code, "ISO27001:2013") == 0) {
            found_2013 = true;
            ck_assert_str_eq(cc_test_json_string(s, "status"), "withdrawn");
            ck_assert_str_eq(cc_test_json_string(s, "closed_to_new_audits_after"), "2024-04-30");
        }
    }
    ck_assert(found_2022 && found_2013);
    ck_assert_uint_eq(json_array_size(items), 5);
    cc_test_response_free(resp);

    resp = cc_test_http("GET", gateway(), "/v1/standards", NULL, NULL);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
}
END_TEST

START_TEST(annex_a_controls_by_theme)
{
    cc_test_response_t *resp =
        as("auditor1", "GET", "/v1/standards/ISO27001:2022/requirements?kind=control&limit=100", NULL);
    cc_test_assert_json(resp, 200);
    json_t *items = json_object_get(resp->json, "items"), *c;
    ck_assert_uint_eq(json_array_size(items), 93);
    int organizational = 0, people = 0, physical = 0, technological = 0;
    size_t i;
    json_array_foreach(items, i, c)
    {
        const char *theme = cc_test_json_string(c, "theme");
        organizational += strcmp(theme, "organizational") == 0;
        people += strcmp(theme, "people") == 0;
        physical += strcmp(theme, "physical") == 0;
        technological += strcmp(theme, "technological") == 0;
    }
    ck_assert_int_eq(organizational, 37);
    ck_assert_int_eq(people, 8);
    ck_assert_int_eq(physical, 14);
    ck_assert_int_eq(technological, 34);
    json_t *first = json_array_get(items, 0);
    ck_assert_str_eq(cc_test_json_string(first, "id"), "ISO27001:2022/A.5.1");
    ck_assert_str_eq(cc_test_json_string(first, "title"), "Policies for information security");
    cc_test_response_free(resp);

    resp = as("auditor1", "GET", "/v1/standards/ISO27001:2013/requirements?kind=clause", NULL);
    cc_test_assert_json(resp, 200);
    json_array_foreach(json_object_get(resp->json, "items"), i, c)
        ck_assert_str_ne(cc_test_json_string(c, "number"), "6.3"); /* new in 2022 */
    cc_test_response_free(resp);

    resp = as("auditor1", "GET", "/v1/standards/ISO99999:2020/requirements", NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = as("auditor1", "GET", "/v1/standards/ISO27001:2022/requirements?kind=annex", NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "kind");
    cc_test_response_free(resp);
}
END_TEST

/* Pages of the catalogue, walked a few items at a time, hold what one large page does, in the same order. */
START_TEST(catalogue_lists_page)
{
    const char *paths[][2] = {
        {"/v1/standards", "/v1/standards?limit=500"},
        {"/v1/standards/ISO27001:2022/requirements?kind=control",
         "/v1/standards/ISO27001:2022/requirements?kind=control&limit=500"},
        {"/v1/standards/ISO27001:2013/requirements?kind=clause",
         "/v1/standards/ISO27001:2013/requirements?kind=clause&limit=500"},
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_test_response_t *resp = as("auditor1", "GET", paths[i][1], NULL);
        cc_test_assert_json(resp, 200);
        ck_assert_msg(json_is_null(json_object_get(resp->json, "next_cursor")), "%s: %s", paths[i][1],
                      resp->body);
        json_t *one = json_object_get(resp->json, "items");
        ck_assert_uint_gt(json_array_size(one), 2);
        json_t *walked = walk(paths[i][0], 2);
        assert_same_items(walked, one, paths[i][0]);
        json_decref(walked);
        cc_test_response_free(resp);
    }
    /* The default page is 50: 93 controls take two. */
    cc_test_response_t *resp =
        as("auditor1", "GET", "/v1/standards/ISO27001:2022/requirements?kind=control", NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 50);
    ck_assert_msg(json_is_string(json_object_get(resp->json, "next_cursor")), "%s", resp->body);
    ck_assert_str_eq(cc_test_json_string(resp->json, "standard"), "ISO27001:2022");
    cc_test_response_free(resp);
    const char *bad[][2] = {{"/v1/standards?cursor=%25%25", "cursor"},
                            {"/v1/standards/ISO27001:2022/requirements?cursor=IA", "cursor"},
                            {"/v1/standards?limit=0", "limit"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        resp = as("auditor1", "GET", bad[i][0], NULL);
        cc_test_assert_problem(resp, 400, "validation_failed");
        cc_test_assert_first_error_field(resp, bad[i][1]);
        cc_test_response_free(resp);
    }
}
END_TEST

START_TEST(audit_time_from_the_27006_table)
{
    /* 100 persons: the 86-125 band, 12 auditor-days; 5 sites = 4 besides the central function. */
    cc_test_response_t *resp = as("scheme_manager", "POST", "/v1/audit-time",
                                  "{\"standard\":\"ISO/IEC 27001:2022\",\"personnel\":100,\"sites\":5}");
    cc_test_assert_json(resp, 200);
    json_t *initial = json_object_get(resp->json, "initial");
    ck_assert(number(initial, "days") == 12.0);
    ck_assert(number(initial, "stage1_days") + number(initial, "stage2_days") == 12.0);
    ck_assert(number(initial, "onsite_min_days") >= 0.8 * 12.0);
    ck_assert(number(json_object_get(resp->json, "surveillance"), "days") == 4.0);
    ck_assert(number(json_object_get(resp->json, "recertification"), "days") == 8.0);
    ck_assert(json_array_size(json_object_get(resp->json, "rules")) > 0);
    cc_test_response_free(resp);
}
END_TEST

START_TEST(audit_time_caps_and_bad_input)
{
    cc_test_response_t *resp = as("auditor1", "POST", "/v1/audit-time",
                                  "{\"standard\":\"ISO/IEC 27001:2022\",\"personnel\":100,"
                                  "\"adjustments\":[{\"percent\":-20,\"reason\":\"mature "
                                  "ISMS\"},{\"percent\":-15,\"reason\":\"low risk\"}]}");
    cc_test_assert_problem(resp, 422, "adjustment_cap_exceeded");
    cc_test_assert_first_error_field(resp, "adjustments");
    cc_test_response_free(resp);

    resp = as("auditor1", "POST", "/v1/audit-time",
              "{\"standard\":\"ISO/IEC 27001:2022\",\"personnel\":100,\"adjustments\":[{\"percent\":\"ten\","
              "\"reason\":\"x\"}]}");
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "adjustments[0].percent");
    cc_test_response_free(resp);

    resp = as("auditor1", "POST", "/v1/audit-time", "{\"standard\":\"ISO/IEC 27001:2022\"}");
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "personnel");
    cc_test_response_free(resp);

    resp = as("client1", "POST", "/v1/audit-time", "{\"standard\":\"ISO/IEC 27001:2022\",\"personnel\":10}");
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scheduling_reference");
    TCase *tc = tcase_create("reference");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, standards_are_listed);
    tcase_add_test(tc, annex_a_controls_by_theme);
    tcase_add_test(tc, catalogue_lists_page);
    tcase_add_test(tc, audit_time_from_the_27006_table);
    tcase_add_test(tc, audit_time_caps_and_bad_input);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
