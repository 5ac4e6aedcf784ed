/*
 * Idempotency-Key on POST /v1/users: a retry with the same key replays the
 * first response (same user, marked Idempotent-Replayed) and creates nothing;
 * the key with a different body answers 422 idempotency_key_reused; eight
 * parallel requests with one key create one user and all answer it; a
 * malformed key answers 400 naming the header. Needs CC_TEST_GATEWAY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_http.h"

#define PARALLEL 8

static const char *gateway(void)
{
    return cc_test_env("CC_TEST_GATEWAY_URL");
}

typedef struct post {
    const char *auth;
    const char *key_header;
    const char *body;
    int status;
    char id[64];
    bool replayed;
} post_t;

static void *send_post(void *arg)
{
    post_t *p = arg;
    const char *headers[] = {p->auth, p->key_header, NULL};
    cc_test_request_t req = {"POST", gateway(), "/v1/users", headers, p->body, 0, 0, NULL, NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    p->status = resp != NULL ? resp->status : -1;
    if (resp != NULL && resp->json != NULL && cc_test_json_string(resp->json, "id") != NULL)
        snprintf(p->id, sizeof(p->id), "%s", cc_test_json_string(resp->json, "id"));
    const char *replayed = resp != NULL ? cc_test_response_header(resp, "idempotent-replayed") : NULL;
    p->replayed = replayed != NULL && strcmp(replayed, "true") == 0;
    cc_test_response_free(resp);
    free(error);
    return NULL;
}

static char *user_body(const char *email, const char *name)
{
    char *body = NULL;
    if (asprintf(&body,
                 "{\"email\":\"%s\",\"name\":\"%s\",\"role\":\"auditor\",\"password\":\"idem-password-123\"}",
                 email, name) < 0)
        abort();
    return body;
}

/* Number of users with this e-mail the admin can list (at most one page of 500). */
static int count_users(const char *auth, const char *email)
{
    const char *headers[] = {auth, NULL};
    cc_test_response_t *resp = cc_test_http("GET", gateway(), "/v1/users?limit=500", headers, NULL);
    ck_assert_int_eq(resp->status, 200);
    int n = 0;
    json_t *items = json_object_get(resp->json, "items"), *item;
    size_t i;
    json_array_foreach(items, i, item) if (strcmp(cc_test_json_string(item, "email"), email) == 0) n++;
    cc_test_response_free(resp);
    return n;
}

START_TEST(retry_replays_and_creates_once)
{
    cc_test_tokens_t admin;
    cc_test_login(gateway(), "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *auth = cc_test_bearer(admin.access);
    char suffix[17], key[64];
    cc_test_random_suffix(suffix);
    snprintf(key, sizeof(key), "Idempotency-Key: create-%s", suffix);
    char *email = cc_test_unique_email("idem", "northcert");
    char *body = user_body(email, "Idem One");

    post_t first = {auth, key, body, 0, "", false}, again = first;
    send_post(&first);
    ck_assert_int_eq(first.status, 201);
    ck_assert(!first.replayed);
    send_post(&again);
    ck_assert_int_eq(again.status, 201);
    ck_assert(again.replayed);
    ck_assert_str_eq(again.id, first.id);
    ck_assert_int_eq(count_users(auth, email), 1);

    /* The same key with another request is refused, and changes nothing. */
    char *other = user_body(email, "Someone Else");
    const char *headers[] = {auth, key, NULL};
    cc_test_response_t *resp = cc_test_http("POST", gateway(), "/v1/users", headers, other);
    cc_test_assert_problem(resp, 422, "idempotency_key_reused");
    cc_test_response_free(resp);
    ck_assert_int_eq(count_users(auth, email), 1);

    free(other);
    free(body);
    free(email);
    free(auth);
    cc_test_tokens_free(&admin);
}
END_TEST

START_TEST(parallel_duplicates_create_one_user)
{
    cc_test_tokens_t admin;
    cc_test_login(gateway(), "southcert", "admin@southcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *auth = cc_test_bearer(admin.access);
    char suffix[17], key[64];
    cc_test_random_suffix(suffix);
    snprintf(key, sizeof(key), "Idempotency-Key: parallel-%s", suffix);
    char *email = cc_test_unique_email("idem-par", "southcert");
    char *body = user_body(email, "Idem Parallel");

    post_t posts[PARALLEL];
    pthread_t threads[PARALLEL];
    for (int i = 0; i < PARALLEL; i++) {
        posts[i] = (post_t){auth, key, body, 0, "", false};
        pthread_create(&threads[i], NULL, send_post, &posts[i]);
    }
    int replayed = 0;
    for (int i = 0; i < PARALLEL; i++) {
        pthread_join(threads[i], NULL);
        ck_assert_msg(posts[i].status == 201, "request %d answered %d", i, posts[i].status);
        ck_assert_str_eq(posts[i].id, posts[0].id);
        replayed += posts[i].replayed;
    }
    ck_assert_int_eq(replayed, PARALLEL - 1);
    ck_assert_int_eq(count_users(auth, email), 1);

    free(body);
    free(email);
    free(auth);
    cc_test_tokens_free(&admin);
}
END_TEST

START_TEST(malformed_key_is_refused)
{
    cc_test_tokens_t admin;
    cc_test_login(gateway(), "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *auth = cc_test_bearer(admin.access);
    char key[400];
    snprintf(key, sizeof(key), "Idempotency-Key: %0300d", 7);
    char *email = cc_test_unique_email("idem-bad", "northcert");
    char *body = user_body(email, "Idem Bad");
    const char *headers[] = {auth, key, NULL};
    cc_test_response_t *resp = cc_test_http("POST", gateway(), "/v1/users", headers, body);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "Idempotency-Key");
    cc_test_response_free(resp);
    ck_assert_int_eq(count_users(auth, email), 0);
    free(body);
    free(email);
    free(auth);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idempotency");
    TCase *tc = tcase_create("idempotency");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, retry_replays_and_creates_once);
    tcase_add_test(tc, parallel_duplicates_create_one_user);
    tcase_add_test(tc, malformed_key_is_refused);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
