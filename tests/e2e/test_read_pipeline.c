/*
 * Reads are pipelined on the services' database connections (several
 * queries of different tenants in flight on one connection, cc_dbasync.c).
 * Many concurrent readers of two tenants and a client user must each get
 * exactly what a lone request gets: every answer 200, never a row of
 * another tenant or another organisation.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 24
#define REQUESTS 25

typedef struct reader {
    const cc_test_caller_t *caller;
    const char *expected; /* the sorted ids of a lone request, joined */
    int mismatches, failures;
} reader_t;

/* The ids of a GET /v1/clients?limit=100 answer, joined by ',' (caller frees); NULL unless 200. */
static char *client_ids(const cc_test_caller_t *c)
{
    cc_test_response_t *resp = cc_test_call(c, "GET", "/v1/clients?limit=100", NULL, NULL);
    char *ids = NULL;
    if (resp->status == 200 && resp->json != NULL) {
        size_t i, len = 1;
        json_t *item, *items = json_object_get(resp->json, "items");
        json_array_foreach(items, i, item) len += 37;
        ids = cc_calloc(1, len);
        json_array_foreach(items, i, item)
        {
            strcat(ids, cc_test_json_string(item, "id"));
            strcat(ids, ",");
        }
    }
    cc_test_response_free(resp);
    return ids;
}

static void *read_many(void *arg)
{
    reader_t *r = arg;
    for (int i = 0; i < REQUESTS; i++) {
        char *ids = client_ids(r->caller);
        if (ids == NULL)
            r->failures++;
        else if (strcmp(ids, r->expected) != 0)
            r->mismatches++;
        free(ids);
    }
    return NULL;
}

START_TEST(test_concurrent_reads_stay_in_their_tenant)
{
    cc_test_caller_t callers[3];
    cc_test_caller_login(&callers[0], "northcert", "scheme_manager");
    cc_test_caller_login(&callers[1], "southcert", "scheme_manager");
    cc_test_caller_login(&callers[2], "northcert", "client1");
    char *expected[3];
    for (int k = 0; k < 3; k++) {
        expected[k] = client_ids(&callers[k]);
        ck_assert_ptr_nonnull(expected[k]);
    }
    ck_assert_str_ne(expected[0], expected[1]);
    ck_assert_msg(strlen(expected[2]) == 37, "a client user sees exactly its organisation: %s", expected[2]);

    reader_t readers[THREADS];
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        readers[i] = (reader_t){&callers[i % 3], expected[i % 3], 0, 0};
        pthread_create(&threads[i], NULL, read_many, &readers[i]);
    }
    int mismatches = 0, failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        mismatches += readers[i].mismatches;
        failures += readers[i].failures;
    }
    ck_assert_msg(mismatches == 0 && failures == 0, "%d answers differed from a lone request's, %d failed",
                  mismatches, failures);
    for (int k = 0; k < 3; k++) {
        free(expected[k]);
        cc_test_caller_free(&callers[k]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("read_pipeline");
    TCase *tc = tcase_create("read_pipeline");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_concurrent_reads_stay_in_their_tenant);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
