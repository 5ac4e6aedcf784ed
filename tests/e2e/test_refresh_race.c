/*
 * A logout racing a refresh of the same token, fifty rounds, each on a fresh
 * family: neither answers 503 (the two once took their locks in opposite
 * orders and could deadlock), and afterwards no token of the family refreshes
 * (neither the raced token nor a successor the refresh may have issued
 * before the logout revoked the family). Needs CC_TEST_GATEWAY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_http.h"

#define ROUNDS 50

typedef struct call {
    const char *base, *path;
    char body[1024];
    pthread_barrier_t *start;
    int status;
    char *refresh_token; /* the successor a 200 refresh issued; owned */
} call_t;

static void *send_call(void *arg)
{
    call_t *c = arg;
    cc_test_request_t req = {"POST", c->base, c->path, NULL, c->body, 0, 0, NULL, NULL};
    char *error = NULL;
    pthread_barrier_wait(c->start);
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    c->status = resp != NULL ? resp->status : -1;
    const char *successor =
        resp != NULL && resp->json != NULL ? cc_test_json_string(resp->json, "refresh_token") : NULL;
    if (c->status == 200 && successor != NULL)
        c->refresh_token = strdup(successor);
    cc_test_response_free(resp);
    free(error);
    return NULL;
}

/* Fails unless refreshing token is refused with 401. */
static void assert_dead(const char *base, const char *token, int round)
{
    json_t *body = json_pack("{s:s}", "refresh_token", token);
    cc_test_response_t *resp = cc_test_http_json("POST", base, "/v1/auth/refresh", NULL, body);
    ck_assert_msg(resp->status == 401, "round %d: a token of the logged-out family refreshed: %d %s", round,
                  resp->status, resp->body);
    cc_test_response_free(resp);
    json_decref(body);
}

START_TEST(logout_racing_refresh_neither_deadlocks_nor_leaves_a_token)
{
    const char *base = cc_test_env("CC_TEST_GATEWAY_URL");
    cc_test_tokens_t admin;
    cc_test_login(base, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *email = cc_test_unique_email("refreshrace", "northcert");
    char *id = cc_test_create_user(base, admin.access, email, "auditor", NULL, "refresh-race-password");
    int refreshed = 0;
    for (int round = 1; round <= ROUNDS; round++) {
        cc_test_tokens_t user;
        cc_test_login(base, "northcert", email, "refresh-race-password", &user);
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 2);
        call_t refresh = {base, "/v1/auth/refresh", "", &start, 0, NULL};
        call_t logout = {base, "/v1/auth/logout", "", &start, 0, NULL};
        snprintf(refresh.body, sizeof(refresh.body), "{\"refresh_token\":\"%s\"}", user.refresh);
        snprintf(logout.body, sizeof(logout.body), "{\"refresh_token\":\"%s\"}", user.refresh);
        pthread_t a, b;
        pthread_create(&a, NULL, send_call, &refresh);
        pthread_create(&b, NULL, send_call, &logout);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        pthread_barrier_destroy(&start);

        ck_assert_msg(logout.status == 204, "round %d: logout answered %d", round, logout.status);
        ck_assert_msg(refresh.status == 200 || refresh.status == 401, "round %d: refresh answered %d", round,
                      refresh.status);
        if (refresh.status == 200) {
            refreshed++;
            ck_assert_ptr_nonnull(refresh.refresh_token);
            assert_dead(base, refresh.refresh_token, round);
        }
        assert_dead(base, user.refresh, round);
        free(refresh.refresh_token);
        cc_test_tokens_free(&user);
    }
    fprintf(stderr, "refresh won the race %d times of %d\n", refreshed, ROUNDS);
    free(id);
    free(email);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("refresh_race");
    TCase *tc = tcase_create("race");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, logout_racing_refresh_neither_deadlocks_nor_leaves_a_token);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
