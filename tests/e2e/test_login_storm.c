/*
 * A flood of logins fills only the password-hashing queue: while 200 wrong
 * logins (unknown addresses, each from its own client address, so each costs
 * an argon2) are in flight against identity, GET /v1/me, POST /v1/clients and
 * POST /v1/auth/refresh (a transaction on identity's worker pool) keep
 * answering 2xx. Each storm login answers 401, or 429/503 with Retry-After
 * when its queue is full; never anything else. Once one queue served both, and
 * every write waited behind the argon2 backlog. Asserts statuses, never times.
 * Needs CC_TEST_GATEWAY_URL and CC_TEST_IDENTITY_URL (the storm goes straight
 * to identity so that it can name a distinct X-Forwarded-For per login and
 * leave the gateway address's login throttle untouched for other tests).
 */
#include "cc_test_main.h"
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"

#define STORM 200

typedef struct storm_login {
    const char *base;
    int index;
    atomic_int *finished;
    int status;
    bool has_retry_after;
    char *error;
} storm_login_t;

static void *send_storm_login(void *arg)
{
    storm_login_t *l = arg;
    char suffix[17], xff[64], body[256];
    cc_test_random_suffix(suffix);
    snprintf(xff, sizeof(xff), "X-Forwarded-For: 10.77.%d.%d", l->index / 250, 1 + l->index % 250);
    snprintf(
        body, sizeof(body),
        "{\"tenant\":\"northcert\",\"email\":\"storm-%s@northcert.example\",\"password\":\"wrong-password\"}",
        suffix);
    const char *headers[] = {xff, NULL};
    cc_test_request_t req = {"POST", l->base, "/v1/auth/login", headers, body, 0, 300, NULL, NULL};
    cc_test_response_t *resp = cc_test_http_send(&req, &l->error);
    l->status = resp != NULL ? resp->status : -1;
    l->has_retry_after = resp != NULL && cc_test_response_header(resp, "retry-after") != NULL;
    cc_test_response_free(resp);
    atomic_fetch_add(l->finished, 1);
    return NULL;
}

static json_t *client_body(void)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *legal = cc_test_asprintf("Storm %s Ltd", suffix);
    json_t *body =
        json_pack("{s:s, s:{s:s, s:s, s:n, s:n, s:s}, s:i}", "legal_name", legal, "address", "street",
                  "1 Storm Road", "city", "Leeds", "state", "post_code", "country", "GB", "personnel", 10);
    free(legal);
    return body;
}

/* One round of the requests that must not suffer: each must answer 2xx. */
static void check_round(cc_test_caller_t *sm, int round)
{
    cc_test_response_t *me = cc_test_call(sm, "GET", "/v1/me", NULL, NULL);
    ck_assert_msg(me->status == 200, "round %d: GET /v1/me answered %d: %s", round, me->status, me->body);
    cc_test_response_free(me);

    json_t *body = client_body();
    cc_test_response_t *created = cc_test_call_json(sm, "POST", "/v1/clients", NULL, body);
    json_decref(body);
    ck_assert_msg(created->status == 201, "round %d: POST /v1/clients answered %d: %s", round,
                  created->status, created->body);
    cc_test_response_free(created);

    char *refresh = cc_test_asprintf("{\"refresh_token\":\"%s\"}", sm->tokens.refresh);
    cc_test_response_t *pair = cc_test_call(NULL, "POST", "/v1/auth/refresh", NULL, refresh);
    free(refresh);
    ck_assert_msg(pair->status == 200, "round %d: POST /v1/auth/refresh answered %d: %s", round, pair->status,
                  pair->body);
    const char *access = cc_test_json_string(pair->json, "access_token");
    const char *next = cc_test_json_string(pair->json, "refresh_token");
    ck_assert_ptr_nonnull(access);
    ck_assert_ptr_nonnull(next);
    free(sm->tokens.access);
    free(sm->tokens.refresh);
    free(sm->auth);
    sm->tokens.access = cc_strdup(access);
    sm->tokens.refresh = cc_strdup(next);
    sm->auth = cc_test_bearer(sm->tokens.access);
    cc_test_response_free(pair);
}

START_TEST(writes_and_reads_answer_during_a_login_storm)
{
    const char *identity = cc_test_env("CC_TEST_IDENTITY_URL");
    cc_test_caller_t sm;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");

    atomic_int finished = 0;
    storm_login_t logins[STORM];
    pthread_t threads[STORM];
    for (int i = 0; i < STORM; i++) {
        logins[i] = (storm_login_t){identity, i, &finished, 0, false, NULL};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, send_storm_login, &logins[i]), 0);
    }
    /* At least one round while the storm is surely on, then more until it is over. */
    int rounds = 0;
    do
        check_round(&sm, ++rounds);
    while (atomic_load(&finished) < STORM);

    int unauthorized = 0, refused = 0;
    for (int i = 0; i < STORM; i++) {
        pthread_join(threads[i], NULL);
        storm_login_t *l = &logins[i];
        ck_assert_msg(l->status != -1, "storm login %d failed: %s", i, l->error);
        if (l->status == 401) {
            unauthorized++;
        } else {
            ck_assert_msg(l->status == 503 || l->status == 429, "storm login %d answered %d", i, l->status);
            ck_assert_msg(l->has_retry_after, "storm login %d answered %d without Retry-After", i, l->status);
            refused++;
        }
        free(l->error);
    }
    ck_assert_int_gt(unauthorized, 0); /* the hashing pool did work through its queue */
    ck_assert_int_eq(unauthorized + refused, STORM);
    cc_test_caller_free(&sm);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("login_storm");
    TCase *tc = tcase_create("storm");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, writes_and_reads_answer_during_a_login_storm);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
