/*
 * Unit tests of libccrules' civil dates (shared/rules/civil_date.c): leap and century
 * years, the day count both ways over every day of a range, parsing and formatting,
 * month arithmetic clamped to the end of the month, and "today" from a UNIX time.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_test_rules.h"
#include "civil_date.h"

/* ---- civil dates ---- */

START_TEST(test_leap_years)
{
    static const struct {
        int year;
        bool leap;
    } cases[] = {{2024, true},  {2025, false}, {2023, false}, {2028, true},  {2000, true}, {2100, false},
                 {1900, false}, {2400, true},  {1600, true},  {2200, false}, {4, true},    {1, false}};

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_msg(civil_date_is_leap_year(cases[i].year) == cases[i].leap, "year %d", cases[i].year);
}
END_TEST

START_TEST(test_days_in_month)
{
    static const int common[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    static const struct {
        int year, month, days;
    } cases[] = {{2024, 2, 29}, {2025, 2, 28}, {2000, 2, 29}, {2100, 2, 28}, {1900, 2, 28},
                 {2400, 2, 29}, {2025, 0, 0},  {2025, 13, 0}, {2025, -1, 0}};

    for (int m = 1; m <= 12; m++)
        ck_assert_int_eq(civil_date_days_in_month(2025, m), common[m - 1]);
    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_int_eq(civil_date_days_in_month(cases[i].year, cases[i].month), cases[i].days);
}
END_TEST

START_TEST(test_is_valid)
{
    static const struct {
        civil_date_t d;
        bool valid;
    } cases[] = {
        {{2024, 2, 29}, true},  {{2025, 2, 29}, false}, {{2100, 2, 29}, false}, {{2000, 2, 29}, true},
        {{2025, 13, 1}, false}, {{2025, 0, 1}, false},  {{2025, 1, 0}, false},  {{2025, 1, 32}, false},
        {{2025, 4, 31}, false}, {{2025, 4, 30}, true},  {{0, 1, 1}, false},     {{1, 1, 1}, true},
        {{9999, 12, 31}, true}, {{10000, 1, 1}, false}, {{-1, 1, 1}, false},    {{2025, 12, 31}, true},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_msg(civil_date_is_valid(cases[i].d) == cases[i].valid, "case %zu", i);
}
END_TEST

START_TEST(test_days_known_values)
{
    static const struct {
        civil_date_t d;
        int64_t days;
    } cases[] = {
        {{1970, 1, 1}, 0},       {{1969, 12, 31}, -1},   {{1970, 1, 2}, 1},      {{2000, 3, 1}, 11017},
        {{2000, 2, 29}, 11016},  {{2024, 2, 29}, 19782}, {{1, 1, 1}, -719162},   {{9999, 12, 31}, 2932896},
        {{1600, 3, 1}, -135080}, {{2100, 3, 1}, 47541},  {{2100, 2, 28}, 47540}, {{2025, 3, 10}, 20157},
    };

    for (size_t i = 0; i < NELEMS(cases); i++) {
        ck_assert_msg(civil_date_to_days(cases[i].d) == cases[i].days, "to_days case %zu: %lld", i,
                      (long long)civil_date_to_days(cases[i].d));
        ck_assert_date_eq(civil_date_from_days(cases[i].days), cases[i].d);
    }
}
END_TEST

/* Every day from 0001-01-01 to 9999-12-31: the day count is consecutive and round-trips. */
START_TEST(test_days_every_day)
{
    civil_date_t d = D(1, 1, 1);
    int64_t n = civil_date_to_days(d);

    for (;;) {
        civil_date_t next;

        quick_assert(civil_date_is_valid(d));
        ck_assert_date_eq(civil_date_from_days(n), d);
        if (d.year == 9999 && d.month == 12 && d.day == 31)
            break;
        next = d;
        if (++next.day > civil_date_days_in_month(next.year, next.month)) {
            next.day = 1;
            if (++next.month > 12) {
                next.month = 1;
                next.year++;
            }
        }
        quick_assert(civil_date_to_days(next) == n + 1);
        ck_assert_date_eq(civil_date_add_days(d, 1), next);
        quick_assert(civil_date_compare(d, next) < 0);
        d = next;
        n++;
    }
    quick_assert(n == 2932896);
}
END_TEST

START_TEST(test_parse_valid)
{
    static const struct {
        const char *s;
        civil_date_t d;
    } cases[] = {
        {"2025-03-10", {2025, 3, 10}},  {"2024-02-29", {2024, 2, 29}}, {"2000-02-29", {2000, 2, 29}},
        {"2025-12-31", {2025, 12, 31}}, {"2025-01-01", {2025, 1, 1}},  {"0001-01-01", {1, 1, 1}},
        {"9999-12-31", {9999, 12, 31}}, {"2100-02-28", {2100, 2, 28}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++) {
        civil_date_t d = {0, 0, 0};
        char buf[CIVIL_DATE_BUFSIZE];

        ck_assert_msg(civil_date_parse(cases[i].s, &d) == 0, "%s", cases[i].s);
        ck_assert_date_eq(d, cases[i].d);
        ck_assert_int_eq(civil_date_format(d, buf), 0);
        ck_assert_str_eq(buf, cases[i].s);
    }
}
END_TEST

START_TEST(test_parse_invalid)
{
    static const char *cases[] = {
        "2025-02-29",
        "2025-13-01",
        "2025-00-10",
        "2025-01-00",
        "2025-01-32",
        "2025-04-31",
        "2100-02-29",
        "1900-02-29",
        "0000-01-01",
        "garbage",
        "",
        "2025-1-01",
        "2025-01-1",
        "25-01-01",
        "2025/01/01",
        "2025-01-01 ",
        " 2025-01-01",
        "2025-01-01T00:00:00Z",
        "+025-01-01",
        "-025-01-01",
        "2025-0a-01",
        "20250101",
        "2025--01-01",
        "2025-01-01\n",
        "2025-01-0x",
        "２025-01-01",
        "abcd-ef-gh",
    };

    for (size_t i = 0; i < NELEMS(cases); i++) {
        civil_date_t d = {7, 7, 7};

        ck_assert_msg(civil_date_parse(cases[i], &d) == -1, "accepted \"%s\"", cases[i]);
        ck_assert_msg(d.year == 7 && d.month == 7 && d.day == 7, "wrote on failure: %s", cases[i]);
    }
    {
        civil_date_t d;
        ck_assert_int_eq(civil_date_parse(NULL, &d), -1);
        ck_assert_int_eq(civil_date_parse("2025-01-01", NULL), -1);
    }
}
END_TEST

START_TEST(test_parse_n)
{
    civil_date_t d = {0, 0, 0};
    const char buf[] = {'2', '0', '2', '4', '-', '0', '2', '-', '2', '9', 'x', 'y'}; /* no NUL */

    ck_assert_int_eq(civil_date_parse_n(buf, 10, &d), 0);
    ck_assert_date_eq(d, D(2024, 2, 29));
    ck_assert_int_eq(civil_date_parse_n(buf, 9, &d), -1);
    ck_assert_int_eq(civil_date_parse_n(buf, 11, &d), -1);
    ck_assert_int_eq(civil_date_parse_n(buf, 0, &d), -1);
    ck_assert_int_eq(civil_date_parse_n(NULL, 10, &d), -1);
    ck_assert_int_eq(civil_date_parse_n("2025-02-29", 10, &d), -1);
}
END_TEST

START_TEST(test_format)
{
    char buf[CIVIL_DATE_BUFSIZE];
    static const civil_date_t bad[] = {{2025, 2, 29}, {2025, 13, 1}, {0, 1, 1}, {10000, 1, 1}, {2025, 1, 0}};

    ck_assert_int_eq(civil_date_format(D(7, 3, 5), buf), 0);
    ck_assert_str_eq(buf, "0007-03-05");
    for (size_t i = 0; i < NELEMS(bad); i++) {
        memset(buf, 'x', sizeof(buf));
        ck_assert_int_eq(civil_date_format(bad[i], buf), -1);
        ck_assert_str_eq(buf, "");
    }
}
END_TEST

/* Format then parse every day of 1999-2101 (leap years, 2000 and 2100). */
START_TEST(test_format_parse_round_trip)
{
    for (int64_t n = civil_date_to_days(D(1999, 1, 1)); n <= civil_date_to_days(D(2101, 12, 31)); n++) {
        civil_date_t d = civil_date_from_days(n), back;
        char buf[CIVIL_DATE_BUFSIZE];

        quick_assert_int_eq(civil_date_format(d, buf), 0);
        quick_assert_int_eq(strlen(buf), 10);
        quick_assert_int_eq(civil_date_parse(buf, &back), 0);
        ck_assert_date_eq(back, d);
    }
}
END_TEST

START_TEST(test_add_days)
{
    static const struct {
        civil_date_t d;
        int64_t n;
        civil_date_t want;
    } cases[] = {
        {{2024, 2, 28}, 1, {2024, 2, 29}},  {{2025, 2, 28}, 1, {2025, 3, 1}},
        {{2100, 2, 28}, 1, {2100, 3, 1}},   {{2000, 2, 28}, 1, {2000, 2, 29}},
        {{2025, 12, 31}, 1, {2026, 1, 1}},  {{2025, 1, 1}, -1, {2024, 12, 31}},
        {{2025, 3, 1}, -1, {2025, 2, 28}},  {{2024, 3, 1}, -1, {2024, 2, 29}},
        {{2024, 1, 1}, 366, {2025, 1, 1}},  {{2025, 1, 1}, 365, {2026, 1, 1}},
        {{2028, 3, 9}, -30, {2028, 2, 8}},  {{2027, 2, 28}, -30, {2027, 1, 29}},
        {{2025, 3, 10}, 0, {2025, 3, 10}},  {{2024, 2, 29}, 30, {2024, 3, 30}},
        {{2024, 2, 29}, 90, {2024, 5, 29}}, {{1970, 1, 1}, -719162, {1, 1, 1}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_date_eq(civil_date_add_days(cases[i].d, cases[i].n), cases[i].want);
}
END_TEST

START_TEST(test_add_months_clamping)
{
    static const struct {
        civil_date_t d;
        int n;
        civil_date_t want;
    } cases[] = {
        {{2025, 1, 31}, 1, {2025, 2, 28}},   {{2024, 1, 31}, 1, {2024, 2, 29}},
        {{2024, 2, 29}, 12, {2025, 2, 28}},  {{2024, 2, 29}, 48, {2028, 2, 29}},
        {{2024, 2, 29}, 24, {2026, 2, 28}},  {{2024, 2, 29}, 1, {2024, 3, 29}},
        {{2025, 3, 31}, -1, {2025, 2, 28}},  {{2024, 3, 31}, -1, {2024, 2, 29}},
        {{2025, 1, 15}, -1, {2024, 12, 15}}, {{2025, 12, 31}, 2, {2026, 2, 28}},
        {{2025, 5, 31}, 1, {2025, 6, 30}},   {{2025, 8, 31}, 6, {2026, 2, 28}},
        {{2027, 8, 31}, 6, {2028, 2, 29}},   {{2025, 1, 1}, -13, {2023, 12, 1}},
        {{2025, 3, 10}, 0, {2025, 3, 10}},   {{2100, 1, 31}, 1, {2100, 2, 28}},
        {{2000, 1, 31}, 1, {2000, 2, 29}},   {{2025, 12, 15}, 1, {2026, 1, 15}},
        {{2025, 1, 15}, -12, {2024, 1, 15}}, {{2025, 3, 31}, -25, {2023, 2, 28}},
        {{2025, 10, 31}, 4, {2026, 2, 28}},  {{2025, 12, 31}, 12, {2026, 12, 31}},
        {{2025, 3, 10}, 9, {2025, 12, 10}},  {{2025, 3, 10}, 10, {2026, 1, 10}},
        {{2028, 3, 9}, -6, {2027, 9, 9}},    {{2028, 8, 31}, -6, {2028, 2, 29}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_date_eq(civil_date_add_months(cases[i].d, cases[i].n), cases[i].want);
}
END_TEST

/* Each addition is from the original date, never chained: 31 Jan + 2 months is 31 Mar, not 28 Mar. */
START_TEST(test_add_months_not_chained)
{
    civil_date_t d = D(2025, 1, 31);

    ck_assert_date_eq(civil_date_add_months(d, 2), D(2025, 3, 31));
    ck_assert_date_eq(civil_date_add_months(civil_date_add_months(d, 1), 1), D(2025, 3, 28));
    /* every day of 2020-2030 plus n months stays valid, and the day only ever shrinks to the month end */
    for (int64_t n = civil_date_to_days(D(2020, 1, 1)); n <= civil_date_to_days(D(2030, 12, 31)); n++) {
        civil_date_t s = civil_date_from_days(n);

        for (int m = -50; m <= 50; m++) {
            civil_date_t r = civil_date_add_months(s, m);

            quick_assert(civil_date_is_valid(r));
            quick_assert_int_eq(r.year * 12 + r.month, s.year * 12 + s.month + m);
            quick_assert(r.day == s.day ||
                         (r.day < s.day && r.day == civil_date_days_in_month(r.year, r.month)));
        }
    }
}
END_TEST

START_TEST(test_add_years)
{
    static const struct {
        civil_date_t d;
        int n;
        civil_date_t want;
    } cases[] = {
        {{2024, 2, 29}, 1, {2025, 2, 28}},  {{2024, 2, 29}, 4, {2028, 2, 29}},
        {{2096, 2, 29}, 4, {2100, 2, 28}},  {{1996, 2, 29}, 4, {2000, 2, 29}},
        {{2025, 3, 10}, -1, {2024, 3, 10}}, {{2025, 3, 10}, 3, {2028, 3, 10}},
        {{2028, 2, 29}, -1, {2027, 2, 28}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_date_eq(civil_date_add_years(cases[i].d, cases[i].n), cases[i].want);
}
END_TEST

START_TEST(test_compare_min_max_between)
{
    ck_assert_int_lt(civil_date_compare(D(2024, 12, 31), D(2025, 1, 1)), 0);
    ck_assert_int_gt(civil_date_compare(D(2025, 2, 1), D(2025, 1, 31)), 0);
    ck_assert_int_lt(civil_date_compare(D(2025, 1, 1), D(2025, 1, 2)), 0);
    ck_assert_int_eq(civil_date_compare(D(2024, 2, 29), D(2024, 2, 29)), 0);
    ck_assert_date_eq(civil_date_min(D(2025, 1, 1), D(2024, 12, 31)), D(2024, 12, 31));
    ck_assert_date_eq(civil_date_max(D(2025, 1, 1), D(2024, 12, 31)), D(2025, 1, 1));
    ck_assert(civil_date_days_between(D(2024, 1, 1), D(2025, 1, 1)) == 366);
    ck_assert(civil_date_days_between(D(2025, 1, 1), D(2026, 1, 1)) == 365);
    ck_assert(civil_date_days_between(D(2100, 1, 1), D(2101, 1, 1)) == 365);
    ck_assert(civil_date_days_between(D(2000, 1, 1), D(2001, 1, 1)) == 366);
    ck_assert(civil_date_days_between(D(2025, 3, 10), D(2025, 3, 1)) == -9);
}
END_TEST

START_TEST(test_from_unix)
{
    static const struct {
        int64_t seconds;
        civil_date_t date;
    } cases[] = {
        {0, {1970, 1, 1}},           {86399, {1970, 1, 1}},      {86400, {1970, 1, 2}},
        {-1, {1969, 12, 31}},        {-86400, {1969, 12, 31}},   {-86401, {1969, 12, 30}},
        {951782400, {2000, 2, 29}},  /* 2000-02-29T00:00:00Z */
        {1709251199, {2024, 2, 29}}, /* 2024-02-29T23:59:59Z */
        {1709251200, {2024, 3, 1}},  {4102444800, {2100, 1, 1}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_date_eq(civil_date_from_unix(cases[i].seconds), cases[i].date);
}
END_TEST

/* Today agrees with the C library's own UTC calendar, whatever TZ says. */
START_TEST(test_today_utc)
{
    setenv("TZ", "Pacific/Kiritimati", 1);
    tzset();
    for (int attempt = 0; attempt < 3; attempt++) {
        time_t before = time(NULL);
        civil_date_t today = civil_date_today_utc();
        time_t after = time(NULL);
        struct tm tm;

        if (before / 86400 != after / 86400)
            continue; /* midnight UTC passed between the reads: try again */
        gmtime_r(&before, &tm);
        ck_assert_date_eq(today, D(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
        return;
    }
    ck_abort_msg("the clock kept crossing midnight");
}
END_TEST

static Suite *civil_date_suite(void)
{
    Suite *s = suite_create("civil_date");
    TCase *dates = tcase_create("dates");
    TCase *today = tcase_create("today");

    tcase_set_timeout(dates, 120);
    tcase_add_test(dates, test_leap_years);
    tcase_add_test(dates, test_days_in_month);
    tcase_add_test(dates, test_is_valid);
    tcase_add_test(dates, test_days_known_values);
    tcase_add_test(dates, test_days_every_day);
    tcase_add_test(dates, test_parse_valid);
    tcase_add_test(dates, test_parse_invalid);
    tcase_add_test(dates, test_parse_n);
    tcase_add_test(dates, test_format);
    tcase_add_test(dates, test_format_parse_round_trip);
    tcase_add_test(dates, test_add_days);
    tcase_add_test(dates, test_add_months_clamping);
    tcase_add_test(dates, test_add_months_not_chained);
    tcase_add_test(dates, test_add_years);
    tcase_add_test(dates, test_compare_min_max_between);
    suite_add_tcase(s, dates);
    tcase_add_test(today, test_from_unix);
    tcase_add_test(today, test_today_utc);
    suite_add_tcase(s, today);
    return s;
}

int main(void)
{
    return cc_test_run(civil_date_suite());
}
