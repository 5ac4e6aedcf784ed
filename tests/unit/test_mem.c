/*
 * cc_mem: the aborting allocators, and cc_mem_init() routing jansson through them
 * (every binary and test main calls it at start, cc_test_run() included).
 */
#include "cc_test_main.h"
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"

/* cc_test_run() has called cc_mem_init() before this runs. */
START_TEST(jansson_allocates_through_cc_mem)
{
    json_malloc_t m = NULL;
    json_free_t f = NULL;

    json_get_alloc_funcs(&m, &f);
    ck_assert_ptr_eq((void *)m, (void *)cc_malloc);
    ck_assert_ptr_eq((void *)f, (void *)free);

    json_t *v = json_pack("{s:s, s:[i,i]}", "a", "text", "b", 1, 2);
    ck_assert_ptr_nonnull(v);
    char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    ck_assert_str_eq(text, "{\"a\":\"text\",\"b\":[1,2]}");
    free(text);
    json_decref(v);
}
END_TEST

START_TEST(init_is_idempotent)
{
    json_malloc_t m = NULL;
    json_free_t f = NULL;

    cc_mem_init();
    cc_mem_init();
    json_get_alloc_funcs(&m, &f);
    ck_assert_ptr_eq((void *)m, (void *)cc_malloc);
    ck_assert_ptr_eq((void *)f, (void *)free);
}
END_TEST

START_TEST(zero_sizes_and_copies)
{
    void *p = cc_malloc(0);
    ck_assert_ptr_nonnull(p);
    free(p);
    p = cc_calloc(0, 8);
    ck_assert_ptr_nonnull(p);
    free(p);
    char *s = cc_strndup("abcdef", 3);
    ck_assert_str_eq(s, "abc");
    free(s);
    s = cc_strdup("");
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

static Suite *mem_suite(void)
{
    Suite *s = suite_create("mem");
    TCase *tc = tcase_create("mem");
    tcase_add_test(tc, jansson_allocates_through_cc_mem);
    tcase_add_test(tc, init_is_idempotent);
    tcase_add_test(tc, zero_sizes_and_copies);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(mem_suite());
}
