/*
 * The central-function rule holds under concurrency: eight parallel
 * non-central sites for an organisation without any site create exactly one
 * (a first site needs no central function); the seven others answer 422
 * central_required. (Counting in the statement that took the lock once let
 * every waiter count zero sites.) Needs CC_TEST_GATEWAY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_http.h"

#define PARALLEL 8

typedef struct post {
    const char *base, *auth, *path, *body;
    int status;
    char code[64];
} post_t;

static void *send_post(void *arg)
{
    post_t *p = arg;
    const char *headers[] = {p->auth, NULL};
    cc_test_request_t req = {"POST", p->base, p->path, headers, p->body, 0, 0, NULL, NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    p->status = resp != NULL ? resp->status : -1;
    if (resp != NULL && resp->json != NULL && cc_test_json_string(resp->json, "code") != NULL)
        snprintf(p->code, sizeof(p->code), "%s", cc_test_json_string(resp->json, "code"));
    cc_test_response_free(resp);
    free(error);
    return NULL;
}

START_TEST(parallel_sites_keep_the_central_rule)
{
    const char *base = cc_test_env("CC_TEST_GATEWAY_URL");
    cc_test_tokens_t sm;
    cc_test_login(base, "northcert", "scheme_manager@northcert.example", CC_TEST_DEMO_PASSWORD, &sm);
    char *auth = cc_test_bearer(sm.access);
    char suffix[17], body[512];
    cc_test_random_suffix(suffix);
    snprintf(body, sizeof(body),
             "{\"legal_name\":\"Race Org %s\",\"address\":{\"street\":\"1 "
             "Road\",\"city\":\"Town\",\"country\":\"GB\"},"
             "\"personnel\":40}",
             suffix);
    const char *headers[] = {auth, NULL};
    cc_test_response_t *resp = cc_test_http("POST", base, "/v1/clients", headers, body);
    cc_test_assert_json(resp, 201);
    char path[128];
    snprintf(path, sizeof(path), "/v1/clients/%s/sites", cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);

    const char *site =
        "{\"name\":\"Branch\",\"address\":{\"street\":\"2 Road\",\"city\":\"Town\",\"country\":\"GB\"},"
        "\"personnel\":10}";
    post_t posts[PARALLEL];
    pthread_t threads[PARALLEL];
    for (int i = 0; i < PARALLEL; i++) {
        posts[i] = (post_t){base, auth, path, site, 0, ""};
        pthread_create(&threads[i], NULL, send_post, &posts[i]);
    }
    int created = 0, refused = 0;
    for (int i = 0; i < PARALLEL; i++) {
        pthread_join(threads[i], NULL);
        if (posts[i].status == 201)
            created++;
        else if (posts[i].status == 422 && strcmp(posts[i].code, "central_required") == 0)
            refused++;
        else
            ck_abort_msg("request %d answered %d %s", i, posts[i].status, posts[i].code);
    }
    ck_assert_int_eq(created, 1);
    ck_assert_int_eq(refused, PARALLEL - 1);

    resp = cc_test_http("GET", base, path, headers, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 1);
    cc_test_response_free(resp);
    free(auth);
    cc_test_tokens_free(&sm);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sites_race");
    TCase *tc = tcase_create("race");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parallel_sites_keep_the_central_rule);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
