/*
 * Unit tests of the certificate number pattern (shared/rules/certificate_number.c):
 * the placeholders, zero padding and wider sequences, the standard's number from a
 * code or a reference, the checks a pattern must pass (a {SEQ}, known placeholders,
 * the character set, separators first or last, the 60-character limit), and a
 * formatter that never writes past its buffer.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "certificate_number.h"

static const char *fmt(const char *pattern, const char *slug, const char *standard, long seq, int year)
{
    static char out[CERTIFICATE_NUMBER_MAX + 1];
    ck_assert_int_eq(certificate_number_format(pattern, slug, standard, seq, year, out, sizeof(out)),
                     CERTIFICATE_NUMBER_OK);
    return out;
}

START_TEST(test_default_pattern)
{
    ck_assert_str_eq(fmt(CERTIFICATE_NUMBER_DEFAULT_PATTERN, "northcert", "ISO27001:2022", 1, 2026),
                     "NORTHCERT-27001-000001");
    ck_assert_str_eq(fmt(CERTIFICATE_NUMBER_DEFAULT_PATTERN, "south-cert2", "ISO/IEC 27001:2022", 42, 2026),
                     "SOUTH-CERT2-27001-000042");
    ck_assert_str_eq(fmt(CERTIFICATE_NUMBER_DEFAULT_PATTERN, "acme", "ISO/IEC 17021-1:2015", 7, 2026),
                     "ACME-17021-1-000007");
    ck_assert_str_eq(fmt(CERTIFICATE_NUMBER_DEFAULT_PATTERN, "acme", "ISO9001:2015", 1234567, 2026),
                     "ACME-9001-1234567"); /* a sequence wider than its padding keeps every digit */
}
END_TEST

START_TEST(test_placeholders)
{
    ck_assert_str_eq(fmt("C-{YEAR}-{SEQ}", "x", "ISO9001:2015", 5, 2027), "C-2027-5");
    ck_assert_str_eq(fmt("{SEQ:10}", "x", "ISO9001:2015", 5, 2027), "0000000005");
    ck_assert_str_eq(fmt("{STD}.{SEQ:3}_{SLUG}", "ab", "ISO14001:2015", 12, 2027), "14001.012_AB");
    ck_assert_str_eq(fmt("NC{SEQ:1}", "x", "ISO9001:2015", 99, 2027), "NC99");
}
END_TEST

START_TEST(test_checks)
{
    ck_assert_int_eq(certificate_number_check(CERTIFICATE_NUMBER_DEFAULT_PATTERN), CERTIFICATE_NUMBER_OK);
    ck_assert_int_eq(certificate_number_check("{SLUG}-{STD}"), CERTIFICATE_NUMBER_NO_SEQUENCE);
    ck_assert_int_eq(certificate_number_check(""), CERTIFICATE_NUMBER_NO_SEQUENCE);
    ck_assert_int_eq(certificate_number_check("{SEQ:0}"), CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER);
    ck_assert_int_eq(certificate_number_check("{SEQ:11}"), CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER);
    ck_assert_int_eq(certificate_number_check("{SEQ:x}"), CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER);
    ck_assert_int_eq(certificate_number_check("{seq}"), CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER);
    ck_assert_int_eq(certificate_number_check("{SEQ"), CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER);
    ck_assert_int_eq(certificate_number_check("A B{SEQ}"), CERTIFICATE_NUMBER_INVALID_CHARACTER);
    ck_assert_int_eq(certificate_number_check("A/{SEQ}"), CERTIFICATE_NUMBER_INVALID_CHARACTER);
    ck_assert_int_eq(certificate_number_check("-{SEQ}"), CERTIFICATE_NUMBER_INVALID_CHARACTER);
    ck_assert_int_eq(certificate_number_check("{SEQ}."), CERTIFICATE_NUMBER_INVALID_CHARACTER);
    ck_assert_int_eq(certificate_number_check("ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ-{SEQ:10}"),
                     CERTIFICATE_NUMBER_TOO_LONG);
    ck_assert_int_eq(certificate_number_check("{SLUG}{SLUG}{SLUG}{SLUG}{SLUG}-{SEQ}"),
                     CERTIFICATE_NUMBER_TOO_LONG);
    ck_assert_str_ne(certificate_number_message(CERTIFICATE_NUMBER_NO_SEQUENCE), "");
}
END_TEST

/* A slug too long for the limit, or a bad sequence, fails and leaves an empty string; the buffer holds. */
START_TEST(test_format_limits)
{
    char out[CERTIFICATE_NUMBER_MAX + 1];
    const char *slug = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij12";
    ck_assert_int_eq(
        certificate_number_format("{SLUG}-{SEQ:6}", slug, "ISO9001:2015", 1, 2026, out, sizeof(out)),
        CERTIFICATE_NUMBER_TOO_LONG);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(certificate_number_format("{SEQ}", "x", "ISO9001:2015", 0, 2026, out, sizeof(out)),
                     CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER);
    char small[8];
    ck_assert_int_eq(
        certificate_number_format("{SEQ:6}-X", "x", "ISO9001:2015", 1, 2026, small, sizeof(small)),
        CERTIFICATE_NUMBER_TOO_LONG);
    ck_assert_str_eq(small, "");
    ck_assert_int_eq(certificate_number_format("{SEQ:6}", "x", "ISO9001:2015", 1, 2026, small, sizeof(small)),
                     CERTIFICATE_NUMBER_OK);
    ck_assert_str_eq(small, "000001");
}
END_TEST

static Suite *certificate_number_suite(void)
{
    Suite *s = suite_create("certificate_number");
    TCase *tc = tcase_create("certificate_number");
    tcase_add_test(tc, test_default_pattern);
    tcase_add_test(tc, test_placeholders);
    tcase_add_test(tc, test_checks);
    tcase_add_test(tc, test_format_limits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(certificate_number_suite());
}
