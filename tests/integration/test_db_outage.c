/*
 * Reads queued on the event loop are answered when the database goes away:
 * the owner locks the users table (ACCESS EXCLUSIVE), so GET /v1/me requests
 * sent to identity fill its read connections and then wait in the pool's
 * queue (seen in /metrics as cc_db_pool_waiting); PostgreSQL is then stopped
 * (CC_TEST_PG_STOP). Every request must get an answer, 200 or a problem+json
 * 503 with Retry-After, while the database is still down: once the waiting
 * ones were never failed and hung until a reconnect (the gateway's 502 after
 * 30 s). The cluster is started again (CC_TEST_PG_START) and the test waits
 * for identity to be ready. Needs CC_TEST_IDENTITY_URL, DATABASE_URL and both
 * commands.
 */
#include "cc_test_main.h"
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_test_db.h"
#include "cc_test_http.h"

#define READERS 80      /* more than every loop thread's connections can hold in flight (2 x 8 each) */
#define POLL_ROUNDS 300 /* x 100 ms */

typedef struct reader {
    const char *base;
    const char *auth;
    atomic_int *sent;
    int status;
    bool problem, retry_after;
    char *error;
} reader_t;

static void on_sent(void *arg)
{
    atomic_fetch_add((atomic_int *)arg, 1);
}

static void *read_me(void *arg)
{
    reader_t *rd = arg;
    const char *headers[] = {rd->auth, NULL};
    /* The timeout only keeps a hung service from hanging the run: the database stays down meanwhile. */
    cc_test_request_t req = {"GET", rd->base, "/v1/me", headers, NULL, 0, 60, on_sent, rd->sent};
    cc_test_response_t *resp = cc_test_http_send(&req, &rd->error);
    rd->status = resp != NULL ? resp->status : -1;
    if (resp != NULL) {
        const char *type = cc_test_response_header(resp, "content-type");
        rd->problem = type != NULL && strcmp(type, "application/problem+json") == 0 &&
                      strcmp(cc_test_json_string(resp->json, "code"), "service_unavailable") == 0;
        rd->retry_after = cc_test_response_header(resp, "retry-after") != NULL;
    }
    cc_test_response_free(resp);
    return NULL;
}

/* The value of the sample line `name N` in identity's /metrics, or -1. */
static int metric(const char *base, const char *name)
{
    cc_test_request_t req = {"GET", base, "/metrics", NULL, NULL, 0, 10, NULL, NULL};
    cc_test_response_t *resp = cc_test_http_send(&req, NULL);
    int value = -1;
    char line[128];
    snprintf(line, sizeof(line), "\n%s ", name);
    const char *at = resp != NULL ? strstr(resp->body, line) : NULL;
    if (at != NULL)
        value = atoi(at + strlen(line));
    cc_test_response_free(resp);
    return value;
}

static int status_of(const char *base, const char *path)
{
    cc_test_request_t req = {"GET", base, path, NULL, NULL, 0, 10, NULL, NULL};
    cc_test_response_t *resp = cc_test_http_send(&req, NULL);
    int status = resp != NULL ? resp->status : -1;
    cc_test_response_free(resp);
    return status;
}

START_TEST(queued_reads_fail_at_once_when_the_database_stops)
{
    const char *base = cc_test_env("CC_TEST_IDENTITY_URL");
    const char *stop = cc_test_env("CC_TEST_PG_STOP");
    const char *start = cc_test_env("CC_TEST_PG_START");
    cc_test_tokens_t tokens;
    cc_test_login(base, "northcert", "auditor1@northcert.example", CC_TEST_DEMO_PASSWORD, &tokens);
    char *auth = cc_test_bearer(tokens.access);

    PGconn *locker = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(locker, "BEGIN", 0, NULL);
    cc_test_db_run(locker, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE", 0, NULL);

    atomic_int sent = 0;
    reader_t readers[READERS];
    pthread_t threads[READERS];
    for (int i = 0; i < READERS; i++) {
        readers[i] = (reader_t){.base = base, .auth = auth, .sent = &sent};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, read_me, &readers[i]), 0);
    }
    int waiting = 0;
    for (int i = 0; i < POLL_ROUNDS && waiting < 1; i++) {
        usleep(100 * 1000);
        if (atomic_load(&sent) == READERS)
            waiting = metric(base, "cc_db_pool_waiting");
    }

    /* Stop the cluster under the waiting reads (the locker's session ends with it). */
    int stopped = system(stop);
    for (int i = 0; i < READERS; i++)
        pthread_join(threads[i], NULL);
    int started = system(start);
    PQfinish(locker);
    int ready = -1;
    for (int i = 0; i < POLL_ROUNDS && ready != 200; i++) {
        ready = status_of(base, "/readyz");
        if (ready != 200)
            usleep(100 * 1000);
    }

    ck_assert_msg(stopped == 0, "the stop command failed: %s", stop);
    ck_assert_msg(started == 0, "the start command failed: %s", start);
    ck_assert_msg(waiting >= 1, "no read ever waited in the pool's queue (cc_db_pool_waiting %d)", waiting);
    int unavailable = 0;
    for (int i = 0; i < READERS; i++) {
        reader_t *rd = &readers[i];
        ck_assert_msg(rd->status != -1, "reader %d got no answer while the database was down: %s", i,
                      rd->error);
        if (rd->status != 200) {
            ck_assert_msg(rd->status == 503, "reader %d answered %d", i, rd->status);
            ck_assert_msg(rd->problem, "reader %d: the 503 is not a service_unavailable problem", i);
            ck_assert_msg(rd->retry_after, "reader %d: the 503 has no Retry-After", i);
            unavailable++;
        }
        free(rd->error);
    }
    ck_assert_int_gt(unavailable, 0);
    ck_assert_int_eq(ready, 200);
    free(auth);
    cc_test_tokens_free(&tokens);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("db_outage");
    TCase *tc = tcase_create("outage");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, queued_reads_fail_at_once_when_the_database_stops);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
