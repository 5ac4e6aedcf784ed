/*
 * Unit tests of the registry listing's pager (services/registry-sync/registry_pages.c; DOMAIN.md "IAF
 * CertSearch", list): offsets advance by the records a page held, so a registry capping its pages below
 * the limit asked for skips nothing; a missing meta.total_rows never ends the listing early (only an empty
 * page does); go_on is asked before every page and stops the listing; a failed page is returned as is.
 * registry_list is replaced here by a registry of N records answering pages of at most `cap`.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "registry-sync/registry_pages.c"

static struct {
    int records, cap, calls, fail_at;
    bool with_total;
} reg;

void registry_list(const registry_conn_t *conn, int limit, int offset, registry_reply_t *reply)
{
    (void)conn;
    memset(reply, 0, sizeof(*reply));
    if (reg.calls++ == reg.fail_at) {
        reply->outcome = REGISTRY_TRANSIENT;
        snprintf(reply->detail, sizeof(reply->detail), "HTTP 500");
        return;
    }
    int n = limit < reg.cap ? limit : reg.cap;
    reply->data = json_array();
    for (int i = offset; i < offset + n && i < reg.records; i++)
        json_array_append_new(reply->data, json_pack("{s:i}", "n", i));
    reply->meta = reg.with_total ? json_pack("{s:i}", "total_rows", reg.records) : json_object();
}

void registry_reply_free(registry_reply_t *reply)
{
    json_decref(reply->data);
    json_decref(reply->meta);
    reply->data = reply->meta = NULL;
}

static void collect(json_t *record, void *ctx)
{
    json_array_append(ctx, record);
}

static int budget;
static bool go_on(void *ctx)
{
    (void)ctx;
    return budget-- > 0;
}

/* Reads the registry; every record must arrive once, in order. */
static registry_pages_result_t read_all(json_t **seen, registry_pages_go_on_fn fn)
{
    registry_conn_t conn = {"http://x", "k", 0, NULL};
    registry_reply_t reply;
    *seen = json_array();
    reg.calls = 0;
    registry_pages_result_t r = registry_pages_read(&conn, fn, collect, *seen, &reply);
    if (r == REGISTRY_PAGES_FAILED)
        ck_assert_str_eq(reply.detail, "HTTP 500");
    registry_reply_free(&reply);
    return r;
}

static void assert_all(const json_t *seen)
{
    ck_assert_int_eq(json_array_size(seen), reg.records);
    for (int i = 0; i < reg.records; i++)
        ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(seen, i), "n")), i);
}

START_TEST(test_more)
{
    int offset = 0;
    ck_assert(registry_pages_more(&offset, 30, 250)); /* a capped page: go on from 30, not from 100 */
    ck_assert_int_eq(offset, 30);
    ck_assert(!registry_pages_more(&offset, 220, 250)); /* the total reached */
    ck_assert_int_eq(offset, 250);
    offset = 0;
    ck_assert(registry_pages_more(&offset, 100, -1)); /* no total: go on */
    ck_assert(registry_pages_more(&offset, 3, -1));   /* a short page is not the end */
    ck_assert(!registry_pages_more(&offset, 0, -1));  /* an empty page is */
    ck_assert_int_eq(offset, 103);
    offset = 0;
    ck_assert(!registry_pages_more(&offset, 0, 40)); /* empty although the total says more: stop */
}
END_TEST

START_TEST(test_capped_pages_with_and_without_total)
{
    json_t *seen;
    reg.records = 7, reg.cap = 2, reg.fail_at = -1;
    for (int with_total = 0; with_total < 2; with_total++) {
        reg.with_total = with_total;
        ck_assert_int_eq(read_all(&seen, NULL), REGISTRY_PAGES_DONE);
        assert_all(seen);
        ck_assert_int_eq(reg.calls, with_total ? 4 : 5); /* without a total, an empty page ends it */
        json_decref(seen);
    }
    reg.records = 0, reg.with_total = false; /* an empty registry: one call */
    ck_assert_int_eq(read_all(&seen, NULL), REGISTRY_PAGES_DONE);
    ck_assert_int_eq(reg.calls, 1);
    json_decref(seen);
    reg.records = 250, reg.cap = 1000, reg.with_total = true; /* uncapped: pages of 100 */
    ck_assert_int_eq(read_all(&seen, NULL), REGISTRY_PAGES_DONE);
    assert_all(seen);
    ck_assert_int_eq(reg.calls, 3);
    json_decref(seen);
}
END_TEST

START_TEST(test_go_on_and_failure)
{
    json_t *seen;
    reg.records = 7, reg.cap = 2, reg.with_total = true, reg.fail_at = -1;
    budget = 2; /* two pages may start, the third may not */
    ck_assert_int_eq(read_all(&seen, go_on), REGISTRY_PAGES_STOPPED);
    ck_assert_int_eq(reg.calls, 2);
    ck_assert_int_eq(json_array_size(seen), 4);
    json_decref(seen);
    reg.fail_at = 1;
    ck_assert_int_eq(read_all(&seen, NULL), REGISTRY_PAGES_FAILED);
    ck_assert_int_eq(reg.calls, 2);
    json_decref(seen);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry_pages");
    TCase *tc = tcase_create("pages");
    tcase_add_test(tc, test_more);
    tcase_add_test(tc, test_capped_pages_with_and_without_total);
    tcase_add_test(tc, test_go_on_and_failure);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
