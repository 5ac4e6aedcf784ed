/*
 * Problem bodies (RFC 9457) and the SQLSTATE -> HTTP mapping.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_db.h"
#include "cc_problem.h"

START_TEST(problem_has_the_required_members)
{
    json_t *p = cc_problem_new(404, "not_found", "no such user");
    ck_assert_str_eq(json_string_value(json_object_get(p, "type")),
                     "https://certcycle.dev/problems/not_found");
    ck_assert_str_eq(json_string_value(json_object_get(p, "title")), "Not Found");
    ck_assert_int_eq(json_integer_value(json_object_get(p, "status")), 404);
    ck_assert_str_eq(json_string_value(json_object_get(p, "code")), "not_found");
    ck_assert_str_eq(json_string_value(json_object_get(p, "detail")), "no such user");
    ck_assert_int_eq(cc_problem_status(p), 404);
    ck_assert_uint_eq(cc_problem_error_count(p), 0);
    json_decref(p);
}
END_TEST

START_TEST(detail_defaults_to_the_title)
{
    json_t *p = cc_problem_new(503, "service_unavailable", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(p, "detail")), "Service Unavailable");
    json_decref(p);
}
END_TEST

START_TEST(errors_name_fields)
{
    json_t *p = cc_problem_new(400, "validation_failed", NULL);
    cc_problem_add_error(p, "email", "required", "is required");
    cc_problem_add_error(p, "role", "invalid_value", "must be one of: admin");
    ck_assert_uint_eq(cc_problem_error_count(p), 2);
    json_t *second = json_array_get(json_object_get(p, "errors"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(second, "field")), "role");
    ck_assert_str_eq(json_string_value(json_object_get(second, "code")), "invalid_value");
    json_decref(p);
}
END_TEST

START_TEST(reason_phrases)
{
    ck_assert_str_eq(cc_http_reason(413), "Content Too Large");
    ck_assert_str_eq(cc_http_reason(429), "Too Many Requests");
    ck_assert_str_eq(cc_http_reason(599), "Error");
}
END_TEST

START_TEST(sqlstate_mapping)
{
    ck_assert_int_eq(cc_db_status_for_sqlstate("23505"), 409);
    ck_assert_int_eq(cc_db_status_for_sqlstate("23503"), 409);
    ck_assert_int_eq(cc_db_status_for_sqlstate("23P01"), 409);
    ck_assert_int_eq(cc_db_status_for_sqlstate("22P02"), 400);
    ck_assert_int_eq(cc_db_status_for_sqlstate("23514"), 400);
    ck_assert_int_eq(cc_db_status_for_sqlstate("40001"), 503);
    ck_assert_int_eq(cc_db_status_for_sqlstate(""), 503);
    ck_assert(cc_db_is_retryable("40001"));
    ck_assert(cc_db_is_retryable("40P01"));
    ck_assert(!cc_db_is_retryable("23505"));
    json_t *p = cc_db_problem(NULL, "unit test");
    ck_assert_int_eq(cc_problem_status(p), 503);
    ck_assert_str_eq(json_string_value(json_object_get(p, "code")), "service_unavailable");
    json_decref(p);
}
END_TEST

/* Connection loss and shutdown are temporary: 503 (cc_respond_problem adds Retry-After). */
START_TEST(connection_loss_is_unavailable)
{
    const char *states[] = {"08000", "08003", "08006", "08P01", "57P01", "57P02", "57P03", "53300"};
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        const cc_db_answer_t *a = cc_db_answer_for_sqlstate(states[i]);
        ck_assert_msg(a->status == 503, "%s answers %d", states[i], a->status);
        ck_assert_str_eq(a->code, "service_unavailable");
        ck_assert(!a->retry);
    }
}
END_TEST

/* An RLS refusal, a RAISE, a bug in the SQL: 500 internal_error, and nothing of the database's message. */
START_TEST(unknown_states_are_internal_errors)
{
    const char *states[] = {"42501", "P0001", "42703", "42P01", "42883", "XX000", "22012", "57P04", "0800"};
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        json_t *p = cc_db_problem_for_sqlstate(states[i]);
        ck_assert_msg(cc_problem_status(p) == 500, "%s answers %d", states[i], cc_problem_status(p));
        ck_assert_str_eq(json_string_value(json_object_get(p, "code")), "internal_error");
        ck_assert_str_eq(json_string_value(json_object_get(p, "detail")), "an unexpected error occurred");
        json_decref(p);
    }
    ck_assert(!cc_db_take_retry());
}
END_TEST

/* A serialization failure or deadlock marks the thread's job for a retry, once. */
START_TEST(serialization_failures_mark_a_retry)
{
    ck_assert(!cc_db_take_retry());
    const char *states[] = {"40001", "40P01"};
    for (size_t i = 0; i < 2; i++) {
        json_t *p = cc_db_problem_for_sqlstate(states[i]);
        ck_assert_int_eq(cc_problem_status(p), 503);
        ck_assert(cc_db_answer_for_sqlstate(states[i])->retry);
        json_decref(p);
        ck_assert(cc_db_take_retry());
        ck_assert(!cc_db_take_retry());
    }
    json_t *p = cc_db_problem_for_sqlstate("23505");
    json_decref(p);
    ck_assert(!cc_db_take_retry());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("problem");
    TCase *tc = tcase_create("problem");
    tcase_add_test(tc, problem_has_the_required_members);
    tcase_add_test(tc, detail_defaults_to_the_title);
    tcase_add_test(tc, errors_name_fields);
    tcase_add_test(tc, reason_phrases);
    tcase_add_test(tc, sqlstate_mapping);
    tcase_add_test(tc, connection_loss_is_unavailable);
    tcase_add_test(tc, unknown_states_are_internal_errors);
    tcase_add_test(tc, serialization_failures_mark_a_retry);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
