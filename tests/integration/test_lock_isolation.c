/*
 * Integration test that a request stuck on a database lock does not hold up
 * /healthz on the same service: the owner locks a northcert user row, a
 * thread sends PATCH /v1/users/{id} direct to identity (CC_TEST_IDENTITY_URL),
 * and once PostgreSQL shows that request waiting on the lock the main thread
 * asks /healthz. Completion order is recorded with an atomic counter; only
 * then is the lock released. /healthz must finish first and the PATCH then
 * succeed. The test asserts an order, never a duration (the timeouts below
 * only keep a broken service from hanging the run). Identity should run with
 * CC_THREADS=1 here, so both requests share one event loop.
 */
#include "cc_mem.h"
#include "cc_test_db.h"
#include "cc_test_http.h"

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PASSWORD "Lock-test-password-42"
#define NEW_NAME "Patched While Locked"

/* Where the stuck request is, shared between the threads. */
typedef struct patch_job {
    const char *base;
    const char *path;
    const char *auth;
    atomic_int sent;       /* 1 once the request has been written */
    atomic_int *completed; /* completion counter shared with the main thread */
    int order;             /* this request's place in the completion order */
    cc_test_response_t *resp;
    char *error;
} patch_job_t;

static void on_patch_sent(void *arg)
{
    patch_job_t *job = arg;
    atomic_store(&job->sent, 1);
}

static void *run_patch(void *arg)
{
    patch_job_t *job = arg;
    const char *headers[] = {job->auth, NULL};
    cc_test_request_t req = {.method = "PATCH",
                             .base_url = job->base,
                             .path = job->path,
                             .headers = headers,
                             .body = "{\"name\":\"" NEW_NAME "\"}",
                             .timeout_seconds = 300,
                             .on_sent = on_patch_sent,
                             .on_sent_arg = job};
    job->resp = cc_test_http_send(&req, &job->error);
    job->order = atomic_fetch_add(job->completed, 1) + 1;
    atomic_store(&job->sent, 1); /* also on a transport failure before sending */
    return NULL;
}

static void pause_briefly(void)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

START_TEST(test_locked_request_does_not_block_healthz)
{
    const char *identity = cc_test_env("CC_TEST_IDENTITY_URL");
    cc_test_tokens_t admin;
    cc_test_login(identity, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *email = cc_test_unique_email("locked", "northcert");
    char *id = cc_test_create_user(identity, admin.access, email, "auditor", NULL, PASSWORD);
    char *auth = cc_test_bearer(admin.access);
    char path[128];
    snprintf(path, sizeof(path), "/v1/users/%s", id);

    /* The owner takes the row lock inside a tenant-scoped transaction (RLS is forced). */
    PGconn *locker = cc_test_db_connect("DATABASE_URL");
    PGconn *watcher = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(locker, "BEGIN", 0, NULL);
    cc_test_db_run(locker, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0,
                   NULL);
    const char *idp[] = {id};
    PGresult *res = cc_test_db_exec(
        locker, "SELECT id FROM users WHERE tenant_id = cc_current_tenant() AND id = $1::uuid FOR UPDATE", 1,
        idp);
    ck_assert_int_eq(PQntuples(res), 1);
    PQclear(res);

    atomic_int completed = 0;
    patch_job_t job = {.base = identity, .path = path, .auth = auth, .completed = &completed};
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, run_patch, &job), 0);

    /* Wait until the PATCH is written, then until PostgreSQL shows a backend blocked by our lock. */
    while (!atomic_load(&job.sent))
        pause_briefly();
    bool blocked = cc_test_db_wait_blocked(watcher, locker, 1) >= 1;

    /* Ask /healthz while the PATCH waits; record when it completes. */
    cc_test_response_t *health = NULL;
    char *health_error = NULL;
    int health_order = 0;
    if (blocked) {
        cc_test_request_t req = {
            .method = "GET", .base_url = identity, .path = "/healthz", .timeout_seconds = 60};
        health = cc_test_http_send(&req, &health_error);
        health_order = atomic_fetch_add(&completed, 1) + 1;
    }

    /* Release the lock whatever happened, so the PATCH can finish. */
    cc_test_db_run(locker, "COMMIT", 0, NULL);
    pthread_join(thread, NULL);
    PQfinish(watcher);
    PQfinish(locker);

    ck_assert_msg(blocked, "the PATCH never waited on the row lock (it completed %s: %s)",
                  job.order ? "first" : "not at all", job.resp != NULL ? job.resp->body : job.error);
    ck_assert_msg(health != NULL, "/healthz failed while a request was stuck on a lock: %s", health_error);
    ck_assert_msg(health->status == 200, "/healthz answered %d: %s", health->status, health->body);
    ck_assert_msg(health_order == 1 && job.order == 2,
                  "/healthz completed %d, the locked PATCH %d: /healthz waited for the lock", health_order,
                  job.order);
    ck_assert_msg(job.resp != NULL, "the PATCH failed: %s", job.error);
    cc_test_assert_json(job.resp, 200);
    ck_assert_str_eq(cc_test_json_string(job.resp->json, "name"), NEW_NAME);
    ck_assert_int_eq(json_integer_value(json_object_get(job.resp->json, "version")), 2);

    cc_test_response_free(health);
    free(health_error);
    cc_test_response_free(job.resp);
    free(job.error);
    free(auth);
    free(id);
    free(email);
    cc_test_tokens_free(&admin);
}
END_TEST

static Suite *lock_suite(void)
{
    Suite *s = suite_create("lock_isolation");
    TCase *tc = tcase_create("healthz");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_locked_request_does_not_block_healthz);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(lock_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
