/*
 * The growing text buffer: appends and printf keep one NUL-terminated text,
 * across growth past the first 4096 bytes.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"

START_TEST(empty_append_gives_empty_text)
{
    cc_buf_t b = {0};
    cc_buf_append(&b, "", 0);
    ck_assert_ptr_nonnull(b.data);
    ck_assert_str_eq(b.data, "");
    ck_assert_uint_eq(b.len, 0);
    free(b.data);
}
END_TEST

START_TEST(appends_and_printf_grow_one_text)
{
    cc_buf_t b = {0};
    for (int i = 0; i < 1000; i++) {
        if (i % 2 == 0)
            cc_buf_append(&b, "abcde", 5);
        else
            cc_buf_printf(&b, "%05d", i);
    }
    ck_assert_uint_eq(b.len, 5000);
    ck_assert_uint_eq(strlen(b.data), 5000);
    ck_assert_uint_ge(b.cap, 5001);
    ck_assert_int_eq(strncmp(b.data, "abcde00001abcde00003", 20), 0);
    ck_assert_str_eq(b.data + 4990, "abcde00999");
    free(b.data);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("buffer");
    tcase_add_test(tc, empty_append_gives_empty_text);
    tcase_add_test(tc, appends_and_printf_grow_one_text);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
