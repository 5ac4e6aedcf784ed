/*
 * The login lockout does not tell which e-mail addresses have accounts: six
 * wrong tries at a real address and at an unknown one of the same tenant get
 * the same answers, status by status, body by body (less request_id and
 * instance) and header by header (less X-Request-Id and Date; Retry-After
 * counts down from each lock's own start, so it is compared as a number).
 * (Only existing accounts once locked.) Needs CC_TEST_GATEWAY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_test_http.h"

#define TRIES 6

static cc_test_response_t *login(const char *base, const char *email, const char *password)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "tenant", "northcert", "email", email, "password", password);
    cc_test_response_t *resp = cc_test_http_json("POST", base, "/v1/auth/login", NULL, body);
    json_decref(body);
    return resp;
}

static bool header_ignored(const char *name)
{
    return strcasecmp(name, "x-request-id") == 0 || strcasecmp(name, "date") == 0;
}

/* Fails unless a and b carry the same headers in the same order with the same values (see above). */
static void assert_same_headers(int try, const cc_test_response_t *a, const cc_test_response_t *b)
{
    ck_assert_msg(a->nheaders == b->nheaders, "try %d: %zu headers for the real address, %zu for the unknown",
                  try, a->nheaders, b->nheaders);
    for (size_t i = 0; i < a->nheaders; i++) {
        ck_assert_msg(strcasecmp(a->header_names[i], b->header_names[i]) == 0,
                      "try %d: header %zu is %s / %s", try, i, a->header_names[i], b->header_names[i]);
        if (header_ignored(a->header_names[i]))
            continue;
        if (strcasecmp(a->header_names[i], "retry-after") == 0) {
            long x = strtol(a->header_values[i], NULL, 10), y = strtol(b->header_values[i], NULL, 10);
            ck_assert_msg(x > 0 && x <= 900 && y > 0 && y <= 900 && labs(x - y) <= 2,
                          "try %d: Retry-After %s / %s", try, a->header_values[i], b->header_values[i]);
            continue;
        }
        ck_assert_msg(strcmp(a->header_values[i], b->header_values[i]) == 0, "try %d: %s is %s / %s", try,
                      a->header_names[i], a->header_values[i], b->header_values[i]);
    }
}

static json_t *body_core(const cc_test_response_t *resp)
{
    ck_assert_msg(resp->json != NULL, "not JSON: %s", resp->body);
    json_t *core = json_deep_copy(resp->json);
    json_object_del(core, "request_id");
    json_object_del(core, "instance");
    return core;
}

START_TEST(known_and_unknown_addresses_lock_alike)
{
    const char *base = cc_test_env("CC_TEST_GATEWAY_URL");
    cc_test_tokens_t admin;
    cc_test_login(base, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *real = cc_test_unique_email("known", "northcert");
    char *id = cc_test_create_user(base, admin.access, real, "auditor", NULL, "known-password-123");
    char *unknown = cc_test_unique_email("unknown", "northcert");

    for (int try = 1; try <= TRIES; try++) {
        cc_test_response_t *a = login(base, real, "not-the-password");
        cc_test_response_t *b = login(base, unknown, "not-the-password");
        if (try < TRIES)
            cc_test_assert_problem(a, 401, "invalid_credentials");
        else
            cc_test_assert_problem(a, 429, "account_locked");
        ck_assert_msg(a->status == b->status, "try %d: %d for the real address, %d for the unknown", try,
                      a->status, b->status);
        json_t *x = body_core(a), *y = body_core(b);
        ck_assert_msg(json_equal(x, y), "try %d: bodies differ:\n%s\n%s", try, a->body, b->body);
        json_decref(x);
        json_decref(y);
        assert_same_headers(try, a, b);
        cc_test_response_free(a);
        cc_test_response_free(b);
    }

    /* Locked means locked: the right password of the real address is refused too. */
    cc_test_response_t *right = login(base, real, "known-password-123");
    cc_test_assert_problem(right, 429, "account_locked");
    cc_test_response_free(right);

    free(unknown);
    free(id);
    free(real);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("login_lockout");
    TCase *tc = tcase_create("lockout");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, known_and_unknown_addresses_lock_alike);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
