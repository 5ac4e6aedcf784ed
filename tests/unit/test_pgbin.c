/*
 * cc_pgbin: PostgreSQL binary values (as the server sends them, big-endian) read into the API's text, the
 * same text the server's own output gives through cc_api_ts and ::text.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "cc_pgbin.h"

START_TEST(uuids)
{
    const char v[16] = {(char)0x1e, (char)0xe4, 0x2c,       0x01,       0x6e,       0x0f, 0x4b, 0x74,
                        (char)0xbc, 0x3b,       (char)0x98, (char)0xc8, (char)0xef, 0x16, 0x39, (char)0x9d};
    char out[CC_PGBIN_UUID_BUFSIZE];
    ck_assert_int_eq(cc_pgbin_uuid(v, 16, out), 0);
    ck_assert_str_eq(out, "1ee42c01-6e0f-4b74-bc3b-98c8ef16399d");
    ck_assert_int_eq(cc_pgbin_uuid(v, 15, out), -1);
    ck_assert_str_eq(out, "");
}
END_TEST

/* days since 2000-01-01, big-endian */
static void be4(int32_t x, char v[4])
{
    uint32_t u = (uint32_t)x;
    for (int i = 0; i < 4; i++)
        v[i] = (char)(u >> (24 - 8 * i));
}

static void be8(int64_t x, char v[8])
{
    uint64_t u = (uint64_t)x;
    for (int i = 0; i < 8; i++)
        v[i] = (char)(u >> (56 - 8 * i));
}

START_TEST(dates)
{
    static const struct {
        int32_t days;
        const char *text;
    } cases[] = {{0, "2000-01-01"},    {59, "2000-02-29"},      {-1, "1999-12-31"},
                 {9837, "2026-12-07"}, {-730119, "0001-01-01"}, {2921939, "9999-12-31"}};
    char v[4], out[CC_PGBIN_DATE_BUFSIZE];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        be4(cases[i].days, v);
        ck_assert_int_eq(cc_pgbin_date(v, 4, out), 0);
        ck_assert_str_eq(out, cases[i].text);
    }
    be4(INT32_MAX, v); /* infinity */
    ck_assert_int_eq(cc_pgbin_date(v, 4, out), -1);
    ck_assert_int_eq(cc_pgbin_date(v, 3, out), -1);
}
END_TEST

START_TEST(timestamps_as_cc_api_ts)
{
    static const struct {
        int64_t us;
        const char *text;
    } cases[] = {
        {0, "2000-01-01T00:00:00.000Z"},
        {1, "2000-01-01T00:00:00.000Z"}, /* truncated, as to_char's MS */
        {999999, "2000-01-01T00:00:00.999Z"},
        {-1, "1999-12-31T23:59:59.999Z"}, /* before the epoch: the time of day is positive */
        {849951000123456LL, "2026-12-07T09:30:00.123Z"},
        {86399999999LL, "2000-01-01T23:59:59.999Z"},
    };
    char v[8], out[CC_PGBIN_TS_BUFSIZE];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        be8(cases[i].us, v);
        ck_assert_int_eq(cc_pgbin_timestamptz(v, 8, out), 0);
        ck_assert_str_eq(out, cases[i].text);
    }
    be8(INT64_MAX, v); /* infinity */
    ck_assert_int_eq(cc_pgbin_timestamptz(v, 8, out), -1);
    ck_assert_int_eq(cc_pgbin_timestamptz(v, 4, out), -1);
}
END_TEST

START_TEST(ints_and_bools)
{
    char v[4];
    be4(7, v);
    ck_assert_int_eq(cc_pgbin_int4(v), 7);
    be4(-2, v);
    ck_assert_int_eq(cc_pgbin_int4(v), -2);
    ck_assert(cc_pgbin_bool("\001"));
    ck_assert(!cc_pgbin_bool("\000"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pgbin");
    TCase *tc = tcase_create("values");
    tcase_add_test(tc, uuids);
    tcase_add_test(tc, dates);
    tcase_add_test(tc, timestamps_as_cc_api_ts);
    tcase_add_test(tc, ints_and_bools);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
