/*
 * cc_request_body_read and cc_request_detach (cc_http.h): a worker copies the
 * body in pieces while the request lives; once the loop thread has detached
 * the request (the client went, and h2o is about to free the body) every read
 * fails without touching the body. The race is run with a reader thread
 * copying without pause while the main thread detaches and at once frees the
 * body, as h2o does: under the sanitizer build a copy after the free would
 * abort the test.
 */
#include "cc_test_main.h"
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cc_http.h"

#define BODY_SIZE (1024 * 1024)

typedef struct fake {
    h2o_req_t req;
    cc_request_t r;
    char *body;
} fake_t;

static fake_t *fake_new(void)
{
    fake_t *f = calloc(1, sizeof(*f));
    f->body = malloc(BODY_SIZE);
    for (size_t i = 0; i < BODY_SIZE; i++)
        f->body[i] = (char)(i * 7);
    f->req.entity = h2o_iovec_init(f->body, BODY_SIZE);
    f->r.req = &f->req;
    cc_request_init(&f->r);
    return f;
}

START_TEST(reads_in_pieces)
{
    fake_t *f = fake_new();
    char buf[1000];
    ck_assert_int_eq(cc_request_body_read(&f->r, 0, buf, sizeof(buf)), 1000);
    ck_assert(memcmp(buf, f->body, 1000) == 0);
    ck_assert_int_eq(cc_request_body_read(&f->r, BODY_SIZE - 10, buf, sizeof(buf)), 10); /* the end */
    ck_assert(memcmp(buf, f->body + BODY_SIZE - 10, 10) == 0);
    ck_assert_int_eq(cc_request_body_read(&f->r, BODY_SIZE, buf, sizeof(buf)), 0);
    ck_assert_int_eq(cc_request_body_read(&f->r, BODY_SIZE + 5, buf, sizeof(buf)), 0);
    cc_request_detach(&f->r);
    ck_assert_ptr_null(f->r.req);
    ck_assert(atomic_load(&f->r.client_gone));
    ck_assert_int_eq(cc_request_body_read(&f->r, 0, buf, sizeof(buf)), -1);
    pthread_mutex_destroy(&f->r.body_lock);
    free(f->body);
    free(f);
}
END_TEST

typedef struct reader {
    cc_request_t *r;
    long reads, failures;
    atomic_bool started;
} reader_t;

/* Copies 64 KiB pieces round and round until a read fails; then checks every further one fails too. */
static void *read_until_gone(void *arg)
{
    reader_t *rd = arg;
    char *buf = malloc(64 * 1024);
    for (size_t offset = 0;; offset = (offset + 64 * 1024) % BODY_SIZE) {
        ssize_t n = cc_request_body_read(rd->r, offset, buf, 64 * 1024);
        atomic_store(&rd->started, true);
        if (n < 0)
            break;
        rd->reads++;
    }
    for (int i = 0; i < 100; i++)
        rd->failures += cc_request_body_read(rd->r, 0, buf, 64 * 1024) == -1;
    free(buf);
    return NULL;
}

START_TEST(detach_races_reads)
{
    for (int round = 0; round < 20; round++) {
        fake_t *f = fake_new();
        reader_t rd = {.r = &f->r};
        pthread_t t;
        pthread_create(&t, NULL, read_until_gone, &rd);
        while (!atomic_load(&rd.started))
            ;
        cc_request_detach(&f->r); /* the dispose path ... */
        free(f->body);            /* ... then h2o frees the body at once */
        f->body = NULL;
        pthread_join(t, NULL);
        ck_assert_int_eq(rd.failures, 100);
        pthread_mutex_destroy(&f->r.body_lock);
        free(f);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("request_body");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, reads_in_pieces);
    tcase_add_test(tc, detach_races_reads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
