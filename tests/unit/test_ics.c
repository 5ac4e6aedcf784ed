/*
 * iCalendar content lines: TEXT escaping, folding at 75 octets (never inside
 * a UTF-8 character), CRLF endings.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scheduling/ics.c"

/* Every line of s ends CRLF and is at most 75 octets; returns the unfolded text. */
static char *unfold_checked(const char *s)
{
    char *out = calloc(1, strlen(s) + 1);
    size_t n = 0;
    const char *line = s;
    while (*line != '\0') {
        const char *crlf = strstr(line, "\r\n");
        ck_assert_msg(crlf != NULL, "a line does not end CRLF: %s", line);
        ck_assert_msg(crlf - line <= 75, "a line of %td octets", crlf - line);
        const char *from = line == s || line[0] != ' ' ? line : line + 1;
        ck_assert_msg((unsigned char)*from >> 6 != 2 || from == line, "a fold split a UTF-8 character");
        memcpy(out + n, from, (size_t)(crlf - from));
        n += (size_t)(crlf - from);
        line = crlf + 2;
    }
    return out;
}

START_TEST(short_line)
{
    ics_t ics = {0};
    ics_line(&ics, "VERSION", "2.0");
    ck_assert_str_eq(ics.data, "VERSION:2.0\r\n");
    free(ics.data);
}
END_TEST

START_TEST(text_is_escaped)
{
    ics_t ics = {0};
    ics_text(&ics, "SUMMARY", "a,b;c\\d\r\ne");
    ck_assert_str_eq(ics.data, "SUMMARY:a\\,b\\;c\\\\d\\ne\r\n");
    free(ics.data);
}
END_TEST

START_TEST(long_lines_fold)
{
    char value[301];
    memset(value, 'x', 300);
    value[300] = '\0';
    ics_t ics = {0};
    ics_line(&ics, "DESCRIPTION", value);
    char *unfolded = unfold_checked(ics.data);
    ck_assert_str_eq(unfolded + strlen("DESCRIPTION:"), value);
    ck_assert_ptr_nonnull(strstr(ics.data, "\r\n x"));
    free(unfolded);
    free(ics.data);
}
END_TEST

START_TEST(folds_keep_utf8_whole)
{
    /* two-octet characters at every offset: no fold may fall between their octets */
    for (int pad = 0; pad < 3; pad++) {
        char value[400] = "";
        memset(value, 'a', (size_t)pad);
        for (int i = 0; i < 100; i++)
            strcat(value, "\xc3\xbc"); /* ü */
        ics_t ics = {0};
        ics_text(&ics, "SUMMARY", value);
        char *unfolded = unfold_checked(ics.data);
        ck_assert_str_eq(unfolded + strlen("SUMMARY:"), value);
        for (const char *p = ics.data; (p = strstr(p, "\r\n ")) != NULL; p += 3)
            ck_assert_msg(((unsigned char)p[3] & 0xC0) != 0x80, "continuation starts mid-character");
        free(unfolded);
        free(ics.data);
    }
}
END_TEST

static Suite *ics_suite(void)
{
    Suite *s = suite_create("ics");
    TCase *tc = tcase_create("lines");
    tcase_add_test(tc, short_line);
    tcase_add_test(tc, text_is_escaped);
    tcase_add_test(tc, long_lines_fold);
    tcase_add_test(tc, folds_keep_utf8_whole);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(ics_suite());
}
