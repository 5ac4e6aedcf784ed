/*
 * Route matching: literal and parameter segments, first match wins, 404 vs
 * 405 with the Allow list, trailing slashes and empty segments.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_router.h"

static void h(struct cc_request *r)
{
}

static const cc_route_t routes[] = {
    {"GET", "/v1/users/me", h, 0},       {"GET", "/v1/users/{id}", h, 0}, {"PATCH", "/v1/users/{id}", h, 0},
    {"GET", "/v1/users", h, 0},          {"POST", "/v1/users", h, 0},     {"GET", "/v1/a/{x}/b/{y}", h, 0},
    {"DELETE", "/v1/a/{x}/b/{y}", h, 0},
};
#define N (sizeof(routes) / sizeof(routes[0]))

static cc_route_result_t match(const char *method, const char *path, size_t *index, cc_path_params_t *params,
                               char *allow)
{
    return cc_router_match(routes, N, method, strlen(method), path, strlen(path), index, params, allow);
}

START_TEST(literal_before_parameter)
{
    size_t i;
    cc_path_params_t p;
    char allow[CC_ALLOW_CAP];
    ck_assert_int_eq(match("GET", "/v1/users/me", &i, &p, allow), CC_ROUTE_FOUND);
    ck_assert_uint_eq(i, 0);
    ck_assert_uint_eq(p.count, 0);
}
END_TEST

START_TEST(parameters_are_captured)
{
    size_t i, len;
    cc_path_params_t p;
    char allow[CC_ALLOW_CAP];
    ck_assert_int_eq(match("PATCH", "/v1/users/abc-123", &i, &p, allow), CC_ROUTE_FOUND);
    ck_assert_uint_eq(i, 2);
    const char *v = cc_path_param(&p, "id", &len);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(len, 7);
    ck_assert_int_eq(memcmp(v, "abc-123", 7), 0);
    ck_assert_ptr_null(cc_path_param(&p, "other", &len));

    ck_assert_int_eq(match("DELETE", "/v1/a/1/b/22", &i, &p, allow), CC_ROUTE_FOUND);
    ck_assert_uint_eq(i, 6);
    ck_assert_uint_eq(p.count, 2);
    v = cc_path_param(&p, "y", &len);
    ck_assert_uint_eq(len, 2);
    ck_assert_int_eq(memcmp(v, "22", 2), 0);
}
END_TEST

START_TEST(method_not_allowed_lists_allowed_methods)
{
    size_t i;
    cc_path_params_t p;
    char allow[CC_ALLOW_CAP];
    ck_assert_int_eq(match("DELETE", "/v1/users", &i, &p, allow), CC_ROUTE_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(allow, "GET, POST");
    ck_assert_int_eq(match("PUT", "/v1/users/42", &i, &p, allow), CC_ROUTE_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(allow, "GET, PATCH");
}
END_TEST

START_TEST(unknown_paths_are_not_found)
{
    size_t i;
    cc_path_params_t p;
    char allow[CC_ALLOW_CAP];
    ck_assert_int_eq(match("GET", "/v1/users/", &i, &p, allow), CC_ROUTE_NOT_FOUND); /* empty segment */
    ck_assert_int_eq(match("GET", "/v1/users/1/2", &i, &p, allow), CC_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("GET", "/v1/user", &i, &p, allow), CC_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("GET", "/v1/usersx", &i, &p, allow), CC_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("GET", "", &i, &p, allow), CC_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("GET", "/v1/a/1/b", &i, &p, allow), CC_ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(method_comparison_is_exact)
{
    size_t i;
    cc_path_params_t p;
    char allow[CC_ALLOW_CAP];
    ck_assert_int_eq(match("get", "/v1/users", &i, &p, allow), CC_ROUTE_METHOD_NOT_ALLOWED);
    ck_assert_int_eq(match("GETX", "/v1/users", &i, &p, allow), CC_ROUTE_METHOD_NOT_ALLOWED);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("match");
    tcase_add_test(tc, literal_before_parameter);
    tcase_add_test(tc, parameters_are_captured);
    tcase_add_test(tc, method_not_allowed_lists_allowed_methods);
    tcase_add_test(tc, unknown_paths_are_not_found);
    tcase_add_test(tc, method_comparison_is_exact);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
