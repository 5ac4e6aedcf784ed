/*
 * Body validation: required, unknown and ill-typed fields, lengths in
 * characters, formats (e-mail, UUID, calendar dates), enumerations, null.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_json.h"
#include "cc_problem.h"

static const char *const colours[] = {"red", "green", NULL};
static const cc_field_t fields[] = {
    {"name", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 5, NULL},
    {"email", CC_FIELD_EMAIL, 0, 3, 254, NULL},
    {"id", CC_FIELD_UUID, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"day", CC_FIELD_DATE, 0, 0, 0, NULL},
    {"colour", CC_FIELD_ENUM, 0, 0, 0, colours},
    {"count", CC_FIELD_INT, 0, 1, 10, NULL},
    {"on", CC_FIELD_BOOL, 0, 0, 0, NULL},
};
#define N (sizeof(fields) / sizeof(fields[0]))

/* Validates text; returns the first error's "field:code", or "" when valid. */
static const char *first_error(const char *text, size_t *count)
{
    static char out[128];
    json_t *body = json_loads(text, 0, NULL);
    json_t *problem = cc_problem_new(400, "validation_failed", NULL);
    *count = cc_json_validate(body, fields, N, problem);
    json_t *e = json_array_get(json_object_get(problem, "errors"), 0);
    out[0] = '\0';
    if (e != NULL)
        snprintf(out, sizeof(out), "%s:%s", json_string_value(json_object_get(e, "field")),
                 json_string_value(json_object_get(e, "code")));
    json_decref(problem);
    json_decref(body);
    return out;
}

START_TEST(valid_body)
{
    size_t n;
    ck_assert_str_eq(
        first_error("{\"name\":\"Ann\",\"email\":\"a@b.example\",\"id\":null,\"day\":\"2024-02-29\","
                    "\"colour\":\"red\",\"count\":10,\"on\":true}",
                    &n),
        "");
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(each_failure_names_its_field)
{
    size_t n;
    ck_assert_str_eq(first_error("{}", &n), "name:required");
    ck_assert_str_eq(first_error("{\"name\":\"Ann\",\"extra\":1}", &n), "extra:unknown_field");
    ck_assert_str_eq(first_error("{\"name\":5}", &n), "name:wrong_type");
    ck_assert_str_eq(first_error("{\"name\":\"\"}", &n), "name:empty");
    ck_assert_str_eq(first_error("{\"name\":\"  \\t \"}", &n), "name:empty");
    ck_assert_str_eq(first_error("{\"name\":\"abcdef\"}", &n), "name:too_long");
    ck_assert_str_eq(first_error("{\"name\":null}", &n), "name:null");
    ck_assert_str_eq(first_error("{\"name\":\"A\",\"email\":\"no-at-sign\"}", &n), "email:invalid_email");
    ck_assert_str_eq(first_error("{\"name\":\"A\",\"id\":\"123\"}", &n), "id:invalid_uuid");
    ck_assert_str_eq(first_error("{\"name\":\"A\",\"day\":\"2023-02-29\"}", &n), "day:invalid_date");
    ck_assert_str_eq(first_error("{\"name\":\"A\",\"colour\":\"blue\"}", &n), "colour:invalid_value");
    ck_assert_str_eq(first_error("{\"name\":\"A\",\"count\":11}", &n), "count:out_of_range");
    ck_assert_str_eq(first_error("{\"name\":\"A\",\"count\":1.5}", &n), "count:wrong_type");
    ck_assert_str_eq(first_error("{\"name\":\"A\",\"on\":\"yes\"}", &n), "on:wrong_type");
    ck_assert_str_eq(first_error("[1]", &n), ":wrong_type");
}
END_TEST

START_TEST(nested_objects_name_their_path)
{
    static const cc_field_t item[] = {{"percent", CC_FIELD_NUMBER, CC_FIELD_REQUIRED, -100, 100, NULL},
                                      {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 10, NULL}};
    json_t *body = json_loads("{\"percent\":-150.5,\"x\":1}", 0, NULL);
    json_t *problem = cc_problem_new(400, "validation_failed", NULL);
    ck_assert_uint_eq(cc_json_validate_at(body, "adjustments[2]", item, 2, problem), 3);
    json_t *errors = json_object_get(problem, "errors");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 0), "field")),
                     "adjustments[2].percent");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 0), "code")), "out_of_range");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 1), "field")),
                     "adjustments[2].x");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 2), "field")),
                     "adjustments[2].reason");
    json_decref(problem);
    json_decref(body);
    body = json_loads("{\"percent\":12.5,\"reason\":\"ok\"}", 0, NULL);
    problem = cc_problem_new(400, "validation_failed", NULL);
    ck_assert_uint_eq(cc_json_validate_at(body, "adjustments[0]", item, 2, problem), 0);
    json_decref(problem);
    json_decref(body);
}
END_TEST

START_TEST(all_errors_are_reported_at_once)
{
    size_t n;
    first_error("{\"x\":1,\"y\":2,\"count\":0}", &n);
    ck_assert_uint_eq(n, 4); /* x, y, count, missing name */
}
END_TEST

START_TEST(lengths_count_characters_not_bytes)
{
    size_t n;
    ck_assert_str_eq(first_error("{\"name\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}", &n), "");
    ck_assert_uint_eq(cc_utf8_length("\xc3\xa9x", 3), 2);
}
END_TEST

/* Validates text against table; returns the first error as "field:code:message", or "" when valid. */
static const char *first_error_of(const cc_field_t *table, size_t n, const char *text)
{
    static char out[192];
    json_t *body = json_loads(text, 0, NULL);
    json_t *problem = cc_problem_new(400, "validation_failed", NULL);
    cc_json_validate(body, table, n, problem);
    json_t *e = json_array_get(json_object_get(problem, "errors"), 0);
    out[0] = '\0';
    if (e != NULL)
        snprintf(out, sizeof(out), "%s:%s:%s", json_string_value(json_object_get(e, "field")),
                 json_string_value(json_object_get(e, "code")),
                 json_string_value(json_object_get(e, "message")));
    json_decref(problem);
    json_decref(body);
    return out;
}

/* A real's bounds can be fractions (planned days: 0.5 to 999); int and length bounds are unchanged. */
START_TEST(bounds_can_be_fractions)
{
    static const cc_field_t table[] = {
        {"days", CC_FIELD_NUMBER, 0, 0.5, 999, NULL}, {"share", CC_FIELD_NUMBER, 0, -0.25, 0.75, NULL},
        {"count", CC_FIELD_INT, 0, 1, 10, NULL},      {"floor", CC_FIELD_INT, 0, 2, 0, NULL},
        {"big", CC_FIELD_INT, 0, 1, 10000000, NULL},  {"name", CC_FIELD_STRING, 0, 2, 3, NULL},
    };
    const size_t n = sizeof(table) / sizeof(table[0]);

    ck_assert_str_eq(first_error_of(table, n, "{\"days\":0.5}"), "");
    ck_assert_str_eq(first_error_of(table, n, "{\"days\":999}"), "");
    ck_assert_str_eq(first_error_of(table, n, "{\"days\":1}"), "");
    ck_assert_str_eq(first_error_of(table, n, "{\"days\":0.49}"),
                     "days:out_of_range:must be between 0.5 and 999");
    ck_assert_str_eq(first_error_of(table, n, "{\"days\":0}"),
                     "days:out_of_range:must be between 0.5 and 999");
    ck_assert_str_eq(first_error_of(table, n, "{\"days\":999.5}"),
                     "days:out_of_range:must be between 0.5 and 999");
    ck_assert_str_eq(first_error_of(table, n, "{\"share\":-0.25}"), "");
    ck_assert_str_eq(first_error_of(table, n, "{\"share\":0.76}"),
                     "share:out_of_range:must be between -0.25 and 0.75");
    ck_assert_str_eq(first_error_of(table, n, "{\"count\":0}"),
                     "count:out_of_range:must be between 1 and 10");
    ck_assert_str_eq(first_error_of(table, n, "{\"count\":10}"), "");
    ck_assert_str_eq(first_error_of(table, n, "{\"count\":2.5}"), "count:wrong_type:must be an integer");
    ck_assert_str_eq(first_error_of(table, n, "{\"floor\":1}"), "floor:out_of_range:must be at least 2");
    ck_assert_str_eq(first_error_of(table, n, "{\"floor\":9007199254740991}"), "");
    ck_assert_str_eq(first_error_of(table, n, "{\"big\":10000001}"),
                     "big:out_of_range:must be between 1 and 10000000");
    ck_assert_str_eq(first_error_of(table, n, "{\"name\":\"a\"}"),
                     "name:too_short:must be at least 2 characters");
    ck_assert_str_eq(first_error_of(table, n, "{\"name\":\"abcd\"}"),
                     "name:too_long:must be at most 3 characters");
    ck_assert_str_eq(first_error_of(table, n, "{\"name\":\"abc\"}"), "");
}
END_TEST

START_TEST(dates)
{
    ck_assert(cc_is_date("2024-02-29", 10));
    ck_assert(cc_is_date("2000-02-29", 10));
    ck_assert(!cc_is_date("1900-02-29", 10));
    ck_assert(!cc_is_date("2023-02-29", 10));
    ck_assert(cc_is_date("2025-12-31", 10));
    ck_assert(!cc_is_date("2025-13-01", 10));
    ck_assert(!cc_is_date("2025-04-31", 10));
    ck_assert(!cc_is_date("2025-1-01", 9));
    ck_assert(!cc_is_date("2025/01/01", 10));
    ck_assert(!cc_is_date("1899-12-31", 10)); /* a request's dates start in 1900 */
    ck_assert(cc_is_date("1900-01-01", 10));
    ck_assert(cc_is_date("9999-12-31", 10));
    ck_assert(!cc_is_date("2025-01-01x", 11));
    ck_assert(!cc_is_date("2025-01-0a", 10));
}
END_TEST

START_TEST(emails)
{
    ck_assert(cc_is_email("a@b.example", 11));
    ck_assert(!cc_is_email("@b.example", 10));
    ck_assert(!cc_is_email("a@b", 3));
    ck_assert(!cc_is_email("a@@b.example", 12));
    ck_assert(!cc_is_email("a b@c.example", 13));
    ck_assert(!cc_is_email("a@b.example.", 12));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("validate");
    tcase_add_test(tc, valid_body);
    tcase_add_test(tc, each_failure_names_its_field);
    tcase_add_test(tc, all_errors_are_reported_at_once);
    tcase_add_test(tc, nested_objects_name_their_path);
    tcase_add_test(tc, lengths_count_characters_not_bytes);
    tcase_add_test(tc, bounds_can_be_fractions);
    tcase_add_test(tc, dates);
    tcase_add_test(tc, emails);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
