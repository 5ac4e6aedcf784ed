/*
 * Unit tests of services/scheduling/programme_rules.c: civil-date arithmetic,
 * certificate validity and recertification, audit windows (29 February, 31 December,
 * 1 January, leap and century years, on-time, late and unrestorable recertification),
 * warnings, finding deadlines and the cycle predicates. Mostly table-driven, with
 * exhaustive sweeps over every day of a range for the invariants.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduling/programme_rules.c"

#define D(y, m, d) civil_date_make((y), (m), (d))
#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *fmt(civil_date_t d, char *buf)
{
    if (civil_date_format(d, buf) != 0)
        snprintf(buf, CIVIL_DATE_BUFSIZE, "invalid");
    return buf;
}

/*
 * Assertions for the sweeps: Check's own ck_assert_* report every passing check to the
 * runner, which costs a system call each; these only speak on failure.
 */
#define ck_assert_date_eq(actual, expected)                                                                  \
    do {                                                                                                     \
        civil_date_t a_ = (actual), e_ = (expected);                                                         \
        char ba_[CIVIL_DATE_BUFSIZE], be_[CIVIL_DATE_BUFSIZE];                                               \
        if (civil_date_compare(a_, e_) != 0)                                                                 \
            ck_abort_msg("%s:%d: %s: got %s, expected %s", __FILE__, __LINE__, #actual, fmt(a_, ba_),        \
                         fmt(e_, be_));                                                                      \
    } while (0)

#define quick_assert(cond)                                                                                   \
    do {                                                                                                     \
        if (!(cond))                                                                                         \
            ck_abort_msg("%s:%d: assertion '%s' failed", __FILE__, __LINE__, #cond);                         \
    } while (0)

#define quick_assert_int_eq(a, b)                                                                            \
    do {                                                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                                                  \
        if (a_ != b_)                                                                                        \
            ck_abort_msg("%s:%d: %s == %s failed: %lld != %lld", __FILE__, __LINE__, #a, #b, a_, b_);        \
    } while (0)

static programme_settings_t defaults(void)
{
    programme_settings_t s;

    programme_settings_default(&s);
    return s;
}

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

/* ---- validity and recertification ---- */

START_TEST(test_cycle_expiry)
{
    static const struct {
        civil_date_t start, expiry;
    } cases[] = {
        {{2025, 3, 10}, {2028, 3, 9}},  {{2024, 2, 29}, {2027, 2, 28}}, {{2025, 2, 28}, {2028, 2, 27}},
        {{2025, 3, 1}, {2028, 2, 29}},  {{2025, 1, 1}, {2027, 12, 31}}, {{2025, 12, 31}, {2028, 12, 30}},
        {{2097, 3, 1}, {2100, 2, 28}},  {{1997, 3, 1}, {2000, 2, 29}},  {{2096, 2, 29}, {2099, 2, 28}},
        {{2000, 2, 29}, {2003, 2, 28}}, {{2024, 1, 1}, {2026, 12, 31}}, {{2024, 12, 31}, {2027, 12, 30}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_date_eq(programme_cycle_expiry(cases[i].start), cases[i].expiry);
}
END_TEST

/* Every start from 1996 to 2104: the cycle is exactly three years (1095 or 1096 days). */
START_TEST(test_cycle_expiry_every_day)
{
    for (int64_t n = civil_date_to_days(D(1996, 1, 1)); n <= civil_date_to_days(D(2104, 12, 31)); n++) {
        civil_date_t s = civil_date_from_days(n);
        civil_date_t e = programme_cycle_expiry(s);
        civil_date_t next = civil_date_add_days(e, 1);
        int64_t len = civil_date_days_between(s, e) + 1;

        quick_assert(civil_date_is_valid(e));
        quick_assert_int_eq(next.year, s.year + 3);
        if (s.month == 2 && s.day == 29) {
            quick_assert(next.month == 3 && next.day == 1);
        } else {
            quick_assert(next.month == s.month && next.day == s.day);
        }
        /* three calendar years, shifted: 1095 or 1096 days */
        quick_assert(len == 1095 || len == 1096);
        /* continuation: the next cycle starts the day after, and is three years too */
        ck_assert_date_eq(programme_continued_expiry(e), programme_cycle_expiry(next));
    }
}
END_TEST

START_TEST(test_continued_expiry)
{
    static const struct {
        civil_date_t old_expiry, new_expiry;
    } cases[] = {
        {{2028, 3, 9}, {2031, 3, 9}},   {{2027, 2, 28}, {2030, 2, 28}},   {{2025, 2, 28}, {2028, 2, 29}},
        {{2028, 2, 29}, {2031, 2, 28}}, {{2027, 12, 31}, {2030, 12, 31}}, {{2028, 12, 30}, {2031, 12, 30}},
        {{2099, 2, 28}, {2102, 2, 28}}, {{2097, 2, 28}, {2100, 2, 28}},   {{1997, 2, 28}, {2000, 2, 29}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_date_eq(programme_continued_expiry(cases[i].old_expiry), cases[i].new_expiry);
}
END_TEST

START_TEST(test_recert_decide)
{
    static const struct {
        civil_date_t old_expiry, decision;
        programme_recert_outcome_t outcome;
        civil_date_t effective, expiry, limit;
    } cases[] = {
        /* on time: before expiry, and on the expiry day itself */
        {{2028, 3, 9}, {2028, 1, 20}, PROGRAMME_RECERT_ON_TIME, {2028, 1, 20}, {2031, 3, 9}, {2028, 9, 9}},
        {{2028, 3, 9}, {2028, 3, 9}, PROGRAMME_RECERT_ON_TIME, {2028, 3, 9}, {2031, 3, 9}, {2028, 9, 9}},
        {{2027, 9, 9}, {2026, 9, 9}, PROGRAMME_RECERT_ON_TIME, {2026, 9, 9}, {2030, 9, 9}, {2028, 3, 9}},
        {{2025, 2, 28}, {2025, 1, 10}, PROGRAMME_RECERT_ON_TIME, {2025, 1, 10}, {2028, 2, 29}, {2025, 8, 28}},
        {{2027, 2, 28}, {2027, 1, 15}, PROGRAMME_RECERT_ON_TIME, {2027, 1, 15}, {2030, 2, 28}, {2027, 8, 28}},
        {{2027, 12, 31},
         {2027, 12, 31},
         PROGRAMME_RECERT_ON_TIME,
         {2027, 12, 31},
         {2030, 12, 31},
         {2028, 6, 30}},
        /* late within 6 months: restoration */
        {{2028, 3, 9}, {2028, 3, 10}, PROGRAMME_RECERT_RESTORED, {2028, 3, 10}, {2031, 3, 9}, {2028, 9, 9}},
        {{2028, 3, 9}, {2028, 7, 1}, PROGRAMME_RECERT_RESTORED, {2028, 7, 1}, {2031, 3, 9}, {2028, 9, 9}},
        {{2028, 3, 9}, {2028, 9, 9}, PROGRAMME_RECERT_RESTORED, {2028, 9, 9}, {2031, 3, 9}, {2028, 9, 9}},
        {{2027, 8, 31},
         {2028, 2, 29},
         PROGRAMME_RECERT_RESTORED,
         {2028, 2, 29},
         {2030, 8, 31},
         {2028, 2, 29}},
        {{2027, 12, 31},
         {2028, 1, 1},
         PROGRAMME_RECERT_RESTORED,
         {2028, 1, 1},
         {2030, 12, 31},
         {2028, 6, 30}},
        /* later than 6 months: a new initial certification */
        {{2028, 3, 9}, {2028, 9, 10}, PROGRAMME_RECERT_NOT_RESTORABLE, {0, 0, 0}, {0, 0, 0}, {2028, 9, 9}},
        {{2028, 3, 9}, {2029, 5, 1}, PROGRAMME_RECERT_NOT_RESTORABLE, {0, 0, 0}, {0, 0, 0}, {2028, 9, 9}},
        {{2027, 8, 31}, {2028, 3, 1}, PROGRAMME_RECERT_NOT_RESTORABLE, {0, 0, 0}, {0, 0, 0}, {2028, 2, 29}},
        {{2028, 8, 31}, {2029, 3, 1}, PROGRAMME_RECERT_NOT_RESTORABLE, {0, 0, 0}, {0, 0, 0}, {2029, 2, 28}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++) {
        programme_recert_t r;

        ck_assert_int_eq(programme_recert_decide(cases[i].old_expiry, cases[i].decision, &r), 0);
        ck_assert_msg(r.outcome == cases[i].outcome, "case %zu: outcome %d", i, (int)r.outcome);
        ck_assert_date_eq(r.effective, cases[i].effective);
        ck_assert_date_eq(r.expiry, cases[i].expiry);
        ck_assert_date_eq(r.restore_limit, cases[i].limit);
    }
}
END_TEST

START_TEST(test_recert_decide_invalid)
{
    programme_recert_t r;

    ck_assert_int_eq(programme_recert_decide(D(2025, 2, 29), D(2025, 1, 1), &r), -1);
    ck_assert_int_eq(programme_recert_decide(D(2025, 3, 1), D(2025, 13, 1), &r), -1);
    ck_assert_int_eq(programme_recert_decide(D(2025, 3, 1), D(2025, 1, 1), NULL), -1);
}
END_TEST

/* ---- windows ---- */

typedef struct {
    civil_date_t s1_start, s1_end, s2_start, s2_end, r_start, r_end;
    int nyears, y0, y1;
} expected_windows_t;

static void check_windows(const programme_windows_t *w, const expected_windows_t *e)
{
    ck_assert_int_eq(w->nsurveillances, 2);
    ck_assert_date_eq(w->surveillance[0].start, e->s1_start);
    ck_assert_date_eq(w->surveillance[0].end, e->s1_end);
    ck_assert_date_eq(w->surveillance[1].start, e->s2_start);
    ck_assert_date_eq(w->surveillance[1].end, e->s2_end);
    ck_assert_date_eq(w->recertification.start, e->r_start);
    ck_assert_date_eq(w->recertification.end, e->r_end);
    ck_assert_int_eq(w->nrequired_years, e->nyears);
    if (e->nyears > 0)
        ck_assert_int_eq(w->required_years[0], e->y0);
    if (e->nyears > 1)
        ck_assert_int_eq(w->required_years[1], e->y1);
}

START_TEST(test_windows_initial)
{
    static const struct {
        civil_date_t decision, expiry;
        expected_windows_t w;
    } cases[] = {
        /* mid-March: surveillance 1 clipped into 2026, 2 into 2027 (recertification may be in 2028) */
        {{2025, 3, 10},
         {2028, 3, 9},
         {{2026, 1, 1},
          {2026, 3, 10},
          {2027, 1, 1},
          {2027, 3, 10},
          {2027, 9, 9},
          {2028, 2, 8},
          2,
          2026,
          2027}},
        /* 29 February 2024 */
        {{2024, 2, 29},
         {2027, 2, 28},
         {{2025, 1, 1},
          {2025, 2, 28},
          {2026, 1, 1},
          {2026, 2, 28},
          {2026, 8, 28},
          {2027, 1, 29},
          2,
          2025,
          2026}},
        /* 28 February 2025 */
        {{2025, 2, 28},
         {2028, 2, 27},
         {{2026, 1, 1},
          {2026, 2, 28},
          {2027, 1, 1},
          {2027, 2, 28},
          {2027, 8, 27},
          {2028, 1, 28},
          2,
          2026,
          2027}},
        /* 31 December: no clipping needed */
        {{2025, 12, 31},
         {2028, 12, 30},
         {{2026, 9, 30},
          {2026, 12, 31},
          {2027, 9, 30},
          {2027, 12, 31},
          {2028, 6, 30},
          {2028, 11, 30},
          2,
          2026,
          2027}},
        {{2024, 12, 31},
         {2027, 12, 30},
         {{2025, 9, 30},
          {2025, 12, 31},
          {2026, 9, 30},
          {2026, 12, 31},
          {2027, 6, 30},
          {2027, 11, 30},
          2,
          2025,
          2026}},
        /* 1 January: the recertification falls in 2027, only 2026 needs a surveillance (surveillance 2) */
        {{2025, 1, 1},
         {2027, 12, 31},
         {{2025, 10, 1},
          {2026, 1, 1},
          {2026, 10, 1},
          {2026, 12, 31},
          {2027, 6, 30},
          {2027, 12, 1},
          1,
          2026,
          0}},
        {{2024, 1, 1},
         {2026, 12, 31},
         {{2024, 10, 1},
          {2025, 1, 1},
          {2025, 10, 1},
          {2025, 12, 31},
          {2026, 6, 30},
          {2026, 12, 1},
          1,
          2025,
          0}},
        /* the boundary: recertification window ending 31 Dec vs 1 Jan */
        {{2025, 1, 31},
         {2028, 1, 30},
         {{2025, 10, 31},
          {2026, 1, 31},
          {2026, 10, 31},
          {2026, 12, 31},
          {2027, 7, 30},
          {2027, 12, 31},
          1,
          2026,
          0}},
        {{2025, 2, 1},
         {2028, 1, 31},
         {{2026, 1, 1},
          {2026, 2, 1},
          {2027, 1, 1},
          {2027, 2, 1},
          {2027, 7, 31},
          {2028, 1, 1},
          2,
          2026,
          2027}},
        /* mid-year: natural windows */
        {{2025, 6, 15},
         {2028, 6, 14},
         {{2026, 3, 15},
          {2026, 6, 15},
          {2027, 3, 15},
          {2027, 6, 15},
          {2027, 12, 14},
          {2028, 5, 15},
          2,
          2026,
          2027}},
        /* century rule: 2100 is not a leap year, 2000 is */
        {{2097, 3, 1},
         {2100, 2, 28},
         {{2098, 1, 1},
          {2098, 3, 1},
          {2099, 1, 1},
          {2099, 3, 1},
          {2099, 8, 28},
          {2100, 1, 29},
          2,
          2098,
          2099}},
        {{2000, 2, 29},
         {2003, 2, 28},
         {{2001, 1, 1},
          {2001, 2, 28},
          {2002, 1, 1},
          {2002, 2, 28},
          {2002, 8, 28},
          {2003, 1, 29},
          2,
          2001,
          2002}},
        {{1997, 3, 1},
         {2000, 2, 29},
         {{1998, 1, 1},
          {1998, 3, 1},
          {1999, 1, 1},
          {1999, 3, 1},
          {1999, 8, 29},
          {2000, 1, 30},
          2,
          1998,
          1999}},
    };
    programme_settings_t s = defaults();

    for (size_t i = 0; i < NELEMS(cases); i++) {
        programme_windows_t w;

        ck_assert_msg(programme_windows_initial(cases[i].decision, &s, &w) == 0, "case %zu", i);
        ck_assert(!w.provisional);
        ck_assert_date_eq(w.anchor, cases[i].decision);
        ck_assert_date_eq(w.expiry, cases[i].expiry);
        check_windows(&w, &cases[i].w);
    }
}
END_TEST

START_TEST(test_windows_provisional)
{
    programme_settings_t s = defaults();
    programme_windows_t w;

    /* planned Stage 2 end 2025-02-08 + 30 days = 2025-03-10 */
    ck_assert_int_eq(programme_windows_provisional(D(2025, 2, 8), &s, &w), 0);
    ck_assert(w.provisional);
    ck_assert_date_eq(w.anchor, D(2025, 3, 10));
    ck_assert_date_eq(w.expiry, D(2028, 3, 9));
    ck_assert_date_eq(w.surveillance[0].end, D(2026, 3, 10));
    /* 2024-01-30 + 30 = 2024-02-29 */
    ck_assert_int_eq(programme_windows_provisional(D(2024, 1, 30), &s, &w), 0);
    ck_assert_date_eq(w.anchor, D(2024, 2, 29));
    ck_assert_date_eq(w.expiry, D(2027, 2, 28));
    /* 2024-12-02 + 30 = 2025-01-01 */
    ck_assert_int_eq(programme_windows_provisional(D(2024, 12, 2), &s, &w), 0);
    ck_assert_date_eq(w.anchor, D(2025, 1, 1));
    ck_assert_int_eq(w.nrequired_years, 1);
    /* a different lag */
    s.provisional_decision_lag_days = 0;
    ck_assert_int_eq(programme_windows_provisional(D(2025, 12, 31), &s, &w), 0);
    ck_assert_date_eq(w.anchor, D(2025, 12, 31));
    ck_assert(w.provisional);
    ck_assert_int_eq(programme_windows_provisional(D(2025, 2, 29), &s, &w), -1);
}
END_TEST

START_TEST(test_windows_next_cycle)
{
    static const struct {
        civil_date_t old_expiry, decision;
        expected_windows_t w;
    } cases[] = {
        /* on time, decided 2028-01-20: the 12-month rule from the decision and 2029, 2030 required */
        {{2028, 3, 9},
         {2028, 1, 20},
         {{2029, 1, 1},
          {2029, 1, 20},
          {2030, 1, 1},
          {2030, 1, 20},
          {2030, 9, 9},
          {2031, 2, 7},
          2,
          2029,
          2030}},
        /* on time on the expiry day */
        {{2028, 3, 9},
         {2028, 3, 9},
         {{2029, 1, 1}, {2029, 3, 9}, {2030, 1, 1}, {2030, 3, 9}, {2030, 9, 9}, {2031, 2, 7}, 2, 2029, 2030}},
        /* on time after a 29 February cycle */
        {{2027, 2, 28},
         {2027, 1, 15},
         {{2028, 1, 1},
          {2028, 1, 15},
          {2029, 1, 1},
          {2029, 1, 15},
          {2029, 8, 28},
          {2030, 1, 29},
          2,
          2028,
          2029}},
        /* restoration 2028-07-01 */
        {{2028, 3, 9},
         {2028, 7, 1},
         {{2029, 4, 1}, {2029, 7, 1}, {2030, 4, 1}, {2030, 7, 1}, {2030, 9, 9}, {2031, 2, 7}, 2, 2029, 2030}},
        /* restoration on the last day, 2028-09-09 */
        {{2028, 3, 9},
         {2028, 9, 9},
         {{2029, 6, 9}, {2029, 9, 9}, {2030, 6, 9}, {2030, 9, 8}, {2030, 9, 9}, {2031, 2, 7}, 2, 2029, 2030}},
        /* restoration where surveillance 2 cannot reach the one required year: surveillance 1 covers it */
        {{2028, 11, 30},
         {2029, 5, 1},
         {{2030, 2, 1}, {2030, 5, 1}, {2031, 2, 1}, {2031, 5, 1}, {2031, 5, 30}, {2031, 10, 31}, 1, 2030, 0}},
    };
    programme_settings_t s = defaults();

    for (size_t i = 0; i < NELEMS(cases); i++) {
        programme_recert_t r;
        programme_windows_t w;

        ck_assert_int_eq(programme_recert_decide(cases[i].old_expiry, cases[i].decision, &r), 0);
        ck_assert_msg(programme_windows_next_cycle(&r, &s, &w) == 0, "case %zu", i);
        ck_assert_date_eq(w.anchor, cases[i].decision);
        ck_assert_date_eq(w.expiry, r.expiry);
        check_windows(&w, &cases[i].w);
    }
}
END_TEST

/* Recertified six months early: three years before the next recertification year need a surveillance. */
START_TEST(test_windows_early_recert_third_surveillance)
{
    programme_settings_t s = defaults();
    programme_recert_t r;
    programme_windows_t w;

    ck_assert_int_eq(programme_recert_decide(D(2028, 3, 9), D(2027, 9, 9), &r), 0);
    ck_assert_int_eq(r.outcome, PROGRAMME_RECERT_ON_TIME);
    ck_assert_date_eq(r.expiry, D(2031, 3, 9));
    ck_assert_int_eq(programme_windows_next_cycle(&r, &s, &w), 0);
    ck_assert_int_eq(w.nsurveillances, 3);
    ck_assert_int_eq(w.nrequired_years, 3);
    ck_assert_int_eq(w.required_years[0], 2028);
    ck_assert_int_eq(w.required_years[2], 2030);
    ck_assert_date_eq(w.surveillance[0].start, D(2028, 6, 9));
    ck_assert_date_eq(w.surveillance[0].end, D(2028, 9, 9));
    ck_assert_date_eq(w.surveillance[1].start, D(2029, 6, 9));
    ck_assert_date_eq(w.surveillance[1].end, D(2029, 9, 9));
    ck_assert_date_eq(w.surveillance[2].start, D(2030, 6, 9));
    ck_assert_date_eq(w.surveillance[2].end, D(2030, 9, 8)); /* ends before the recertification window */
    ck_assert_date_eq(w.recertification.start, D(2030, 9, 9));

    /* decided two years early: four surveillances; three years early: too many */
    ck_assert_int_eq(programme_recert_decide(D(2028, 3, 9), D(2026, 3, 9), &r), 0);
    ck_assert_int_eq(programme_windows_next_cycle(&r, &s, &w), 0);
    ck_assert_int_eq(w.nsurveillances, 4);
    ck_assert_int_eq(programme_recert_decide(D(2028, 3, 9), D(2025, 3, 9), &r), 0);
    ck_assert_int_eq(programme_windows_next_cycle(&r, &s, &w), -1);
}
END_TEST

START_TEST(test_windows_next_cycle_not_restorable)
{
    programme_settings_t s = defaults();
    programme_recert_t r;
    programme_windows_t w;

    ck_assert_int_eq(programme_recert_decide(D(2028, 3, 9), D(2028, 9, 10), &r), 0);
    ck_assert_int_eq(r.outcome, PROGRAMME_RECERT_NOT_RESTORABLE);
    ck_assert_int_eq(programme_windows_next_cycle(&r, &s, &w), -1);
    ck_assert_int_eq(programme_windows_next_cycle(NULL, &s, &w), -1);
    /* a new initial certification instead */
    ck_assert_int_eq(programme_windows_initial(D(2028, 11, 15), &s, &w), 0);
    ck_assert_date_eq(w.expiry, D(2031, 11, 14));
}
END_TEST

START_TEST(test_windows_invalid)
{
    programme_settings_t s = defaults(), bad = defaults();
    programme_windows_t w;

    bad.surveillance1_start_months = 12;
    ck_assert_int_eq(programme_windows_initial(D(2025, 3, 10), &bad, &w), -1);
    ck_assert_int_eq(programme_windows_initial(D(2025, 3, 10), NULL, &w), -1);
    ck_assert_int_eq(programme_windows_initial(D(2025, 2, 29), &s, &w), -1);
    ck_assert_int_eq(programme_windows_compute(D(2025, 3, 10), D(2025, 3, 9), &s, &w), -1);
    ck_assert_int_eq(programme_windows_compute(D(2025, 3, 10), D(2028, 3, 9), &s, NULL), -1);
}
END_TEST

/* The invariants a window plan must keep. */
static void check_invariants(const programme_windows_t *w, const programme_settings_t *s)
{
    civil_date_t a = w->anchor;
    int recert_year = w->recertification.end.year, n = 0;

    quick_assert(w->nsurveillances >= 2 && w->nsurveillances <= PROGRAMME_MAX_SURVEILLANCES);
    /* surveillance 1: within [anchor + 9 months, anchor + 12 months] */
    quick_assert(civil_date_compare(w->surveillance[0].start, civil_date_add_months(a, 9)) >= 0);
    quick_assert(civil_date_compare(w->surveillance[0].end, civil_date_add_months(a, 12)) <= 0);
    for (int k = 0; k < w->nsurveillances; k++) {
        quick_assert(civil_date_compare(w->surveillance[k].start, w->surveillance[k].end) <= 0);
        quick_assert(civil_date_compare(w->surveillance[k].end, w->recertification.start) < 0);
        if (k > 0)
            quick_assert(civil_date_compare(w->surveillance[k - 1].end, w->surveillance[k].start) < 0);
    }
    quick_assert(civil_date_compare(w->recertification.start, w->recertification.end) <= 0);
    ck_assert_date_eq(w->recertification.end, civil_date_add_days(w->expiry, -s->recertification_lead_days));
    ck_assert_date_eq(w->recertification.start, civil_date_add_months(w->expiry, -6));
    /* every year strictly between the decision year and the recertification year holds a whole window */
    for (int y = a.year + 1; y < recert_year; y++, n++) {
        bool covered = false;

        quick_assert_int_eq(w->required_years[n], y);
        for (int k = 0; k < w->nsurveillances; k++)
            covered |= w->surveillance[k].start.year == y && w->surveillance[k].end.year == y;
        if (!covered)
            ck_abort_msg("year %d not covered (anchor %d-%d-%d)", y, a.year, a.month, a.day);
    }
    quick_assert_int_eq(w->nrequired_years, n);
}

/* Warnings over undated planned audits built from w: no year warning. */
static void check_plan_has_no_year_warning(const programme_windows_t *w, const programme_settings_t *s)
{
    programme_audit_t audits[PROGRAMME_MAX_SURVEILLANCES + 1];
    programme_t p = {0};
    programme_warnings_t out;
    size_t n = 0;

    memset(audits, 0, sizeof(audits));
    for (int k = 0; k < w->nsurveillances; k++, n++) {
        audits[n].type = PROGRAMME_AUDIT_SURVEILLANCE;
        audits[n].has_window = true;
        audits[n].window = w->surveillance[k];
    }
    audits[n].type = PROGRAMME_AUDIT_RECERTIFICATION;
    audits[n].has_window = true;
    audits[n].window = w->recertification;
    n++;
    p.has_anchor = true;
    p.anchor = w->anchor;
    p.expiry = w->expiry;
    p.audits = audits;
    p.naudits = n;
    programme_warnings_init(&out);
    quick_assert_int_eq(programme_warnings_compute(&p, w->anchor, s, &out), 0);
    for (size_t i = 0; i < out.count; i++)
        quick_assert(out.items[i].code != PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE);
    programme_warnings_free(&out);
}

/* Every decision day 2020-2031 and 2095-2105 (and every provisional anchor): the windows keep the invariants.
 */
START_TEST(test_windows_every_decision_day)
{
    static const int ranges[][2] = {{2020, 2031}, {2095, 2105}};
    programme_settings_t s = defaults();

    for (size_t r = 0; r < NELEMS(ranges); r++) {
        for (int64_t n = civil_date_to_days(D(ranges[r][0], 1, 1));
             n <= civil_date_to_days(D(ranges[r][1], 12, 31)); n++) {
            civil_date_t d = civil_date_from_days(n);
            programme_windows_t w;

            quick_assert_int_eq(programme_windows_initial(d, &s, &w), 0);
            quick_assert_int_eq(w.nsurveillances, 2);
            check_invariants(&w, &s);
            check_plan_has_no_year_warning(&w, &s);
            quick_assert_int_eq(programme_windows_provisional(d, &s, &w), 0);
            check_invariants(&w, &s);
        }
    }
}
END_TEST

/* Every old expiry 2024-2030 with a recertification decided 1..180 days before, on, and 1..184 days after. */
START_TEST(test_windows_every_recertification)
{
    programme_settings_t s = defaults();

    for (int64_t n = civil_date_to_days(D(2024, 1, 1)); n <= civil_date_to_days(D(2030, 12, 31)); n++) {
        civil_date_t e = civil_date_from_days(n);
        static const int offsets[] = {-180, -90, -30, -1, 0, 1, 30, 90, 181, 184};

        for (size_t i = 0; i < NELEMS(offsets); i++) {
            civil_date_t d = civil_date_add_days(e, offsets[i]);
            programme_recert_t r;
            programme_windows_t w;

            quick_assert_int_eq(programme_recert_decide(e, d, &r), 0);
            if (r.outcome == PROGRAMME_RECERT_NOT_RESTORABLE) {
                quick_assert(civil_date_compare(d, civil_date_add_months(e, 6)) > 0);
                continue;
            }
            quick_assert_int_eq(r.outcome,
                                offsets[i] <= 0 ? PROGRAMME_RECERT_ON_TIME : PROGRAMME_RECERT_RESTORED);
            quick_assert_int_eq(programme_windows_next_cycle(&r, &s, &w), 0);
            check_invariants(&w, &s);
            check_plan_has_no_year_warning(&w, &s);
        }
    }
}
END_TEST

START_TEST(test_settings)
{
    programme_settings_t s = defaults();

    ck_assert_int_eq(s.surveillance1_start_months, 9);
    ck_assert_int_eq(s.surveillance2_start_months, 21);
    ck_assert_int_eq(s.surveillance2_end_months, 24);
    ck_assert_int_eq(s.recertification_window_months, 6);
    ck_assert_int_eq(s.recertification_lead_days, 30);
    ck_assert_int_eq(s.provisional_decision_lag_days, 30);
    ck_assert_int_eq(s.window_closing_days, 30);
    ck_assert_int_eq(s.stage1_validity_months, 6);
    ck_assert_int_eq(s.finding_plan_days, 30);
    ck_assert_int_eq(s.finding_closure_days, 90);
    ck_assert_int_eq(programme_settings_validate(&s), 0);
    ck_assert_int_eq(programme_settings_validate(NULL), -1);

#define BAD(field, value)                                                                                    \
    do {                                                                                                     \
        programme_settings_t b_ = defaults();                                                                \
        b_.field = (value);                                                                                  \
        ck_assert_msg(programme_settings_validate(&b_) == -1, #field " = " #value);                          \
    } while (0)
    BAD(surveillance1_start_months, -1);
    BAD(surveillance1_start_months, 12);
    BAD(surveillance2_start_months, 9);
    BAD(surveillance2_end_months, 20);
    BAD(surveillance2_end_months, 37);
    BAD(recertification_window_months, 0);
    BAD(recertification_lead_days, -1);
    BAD(recertification_lead_days, 168);
    BAD(provisional_decision_lag_days, -1);
    BAD(window_closing_days, 3651);
    BAD(stage1_validity_months, -1);
    BAD(finding_plan_days, -1);
    BAD(finding_closure_days, 100000);
#undef BAD
}
END_TEST

/* ---- warnings ---- */

/* A programme decided 2025-03-10 with its planned surveillance and recertification audits. */
typedef struct {
    programme_audit_t audits[8];
    programme_t p;
} fixture_t;

static void fixture_init(fixture_t *f)
{
    programme_settings_t s = defaults();
    programme_windows_t w;

    memset(f, 0, sizeof(*f));
    ck_assert_int_eq(programme_windows_initial(D(2025, 3, 10), &s, &w), 0);
    f->audits[0].type = PROGRAMME_AUDIT_SURVEILLANCE;
    f->audits[0].has_window = true;
    f->audits[0].window = w.surveillance[0]; /* 2026-01-01 .. 2026-03-10 */
    f->audits[1].type = PROGRAMME_AUDIT_SURVEILLANCE;
    f->audits[1].has_window = true;
    f->audits[1].window = w.surveillance[1]; /* 2027-01-01 .. 2027-03-10 */
    f->audits[2].type = PROGRAMME_AUDIT_RECERTIFICATION;
    f->audits[2].has_window = true;
    f->audits[2].window = w.recertification; /* 2027-09-09 .. 2028-02-08 */
    f->p.has_anchor = true;
    f->p.anchor = w.anchor;
    f->p.expiry = w.expiry;
    f->p.audits = f->audits;
    f->p.naudits = 3;
}

static void set_dates(programme_audit_t *a, programme_audit_status_t status, civil_date_t start,
                      civil_date_t end)
{
    a->status = status;
    a->has_dates = true;
    a->start_date = start;
    a->end_date = end;
}

/* Computes the warnings for f on today; returns how many have code (and the first in *first). */
static size_t count_warnings(const fixture_t *f, civil_date_t today, programme_warning_code_t code,
                             programme_warning_t *first)
{
    programme_settings_t s = defaults();
    programme_warnings_t out;
    size_t n = 0;

    programme_warnings_init(&out);
    ck_assert_int_eq(programme_warnings_compute(&f->p, today, &s, &out), 0);
    for (size_t i = 0; i < out.count; i++) {
        ck_assert_ptr_nonnull(programme_warning_code_name(out.items[i].code));
        if (out.items[i].code != code)
            continue;
        if (n++ == 0 && first != NULL)
            *first = out.items[i];
    }
    programme_warnings_free(&out);
    ck_assert_ptr_null(out.items);
    return n;
}

START_TEST(test_warn_none_for_fresh_plan)
{
    fixture_t f;
    programme_settings_t s = defaults();
    programme_warnings_t out = {0};

    fixture_init(&f);
    ck_assert_int_eq(programme_warnings_compute(&f.p, D(2025, 3, 10), &s, &out), 0);
    ck_assert_int_eq(out.count, 0);
    programme_warnings_free(&out);
}
END_TEST

START_TEST(test_warn_window_closing)
{
    fixture_t f;
    programme_warning_t w;

    fixture_init(&f);
    /* positive: 18 days before the end, on the 30th day before, and on the last day */
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 20), PROGRAMME_WARN_WINDOW_CLOSING, &w), 1);
    ck_assert_int_eq(w.audit, 0);
    ck_assert_date_eq(w.date, D(2026, 3, 10));
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 8), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 1);
    ck_assert_int_eq(count_warnings(&f, D(2026, 3, 10), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 1);
    /* negative: 31 days before */
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 7), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 0);
    /* scheduled inside the window: no warning; outside it: still closing */
    set_dates(&f.audits[0], PROGRAMME_STATUS_SCHEDULED, D(2026, 3, 2), D(2026, 3, 3));
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 20), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 0);
    set_dates(&f.audits[0], PROGRAMME_STATUS_SCHEDULED, D(2026, 3, 10), D(2026, 3, 11));
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 20), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 1);
    /* completed, cancelled, in progress: no warning */
    set_dates(&f.audits[0], PROGRAMME_STATUS_COMPLETED, D(2026, 2, 2), D(2026, 2, 3));
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 20), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 0);
    f.audits[0].status = PROGRAMME_STATUS_CANCELLED;
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 20), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 0);
    set_dates(&f.audits[0], PROGRAMME_STATUS_IN_PROGRESS, D(2026, 2, 19), D(2026, 2, 20));
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 20), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 0);
}
END_TEST

START_TEST(test_warn_window_missed)
{
    fixture_t f;
    programme_warning_t w;

    fixture_init(&f);
    /* positive: the day after the end */
    ck_assert_int_eq(count_warnings(&f, D(2026, 3, 11), PROGRAMME_WARN_WINDOW_MISSED, &w), 1);
    ck_assert_int_eq(w.audit, 0);
    ck_assert_date_eq(w.date, D(2026, 3, 10));
    ck_assert_int_eq(count_warnings(&f, D(2026, 3, 11), PROGRAMME_WARN_WINDOW_CLOSING, NULL), 0);
    /* negative: on the last day */
    ck_assert_int_eq(count_warnings(&f, D(2026, 3, 10), PROGRAMME_WARN_WINDOW_MISSED, NULL), 0);
    /* scheduled but not done: still missed */
    set_dates(&f.audits[0], PROGRAMME_STATUS_SCHEDULED, D(2026, 3, 9), D(2026, 3, 10));
    ck_assert_int_eq(count_warnings(&f, D(2026, 3, 20), PROGRAMME_WARN_WINDOW_MISSED, NULL), 1);
    /* in progress, started inside the window: not missed; started after it: missed */
    set_dates(&f.audits[0], PROGRAMME_STATUS_IN_PROGRESS, D(2026, 3, 10), D(2026, 3, 11));
    ck_assert_int_eq(count_warnings(&f, D(2026, 3, 11), PROGRAMME_WARN_WINDOW_MISSED, NULL), 0);
    set_dates(&f.audits[0], PROGRAMME_STATUS_IN_PROGRESS, D(2026, 3, 11), D(2026, 3, 12));
    ck_assert_int_eq(count_warnings(&f, D(2026, 3, 12), PROGRAMME_WARN_WINDOW_MISSED, NULL), 1);
    /* completed or cancelled: not missed */
    set_dates(&f.audits[0], PROGRAMME_STATUS_COMPLETED, D(2026, 3, 9), D(2026, 3, 10));
    ck_assert_int_eq(count_warnings(&f, D(2026, 6, 1), PROGRAMME_WARN_WINDOW_MISSED, NULL), 0);
    f.audits[0].status = PROGRAMME_STATUS_CANCELLED;
    ck_assert_int_eq(count_warnings(&f, D(2026, 6, 1), PROGRAMME_WARN_WINDOW_MISSED, NULL), 0);
    /* long after: both surveillances and the recertification missed */
    fixture_init(&f);
    ck_assert_int_eq(count_warnings(&f, D(2028, 3, 1), PROGRAMME_WARN_WINDOW_MISSED, NULL), 3);
}
END_TEST

START_TEST(test_warn_year_without_surveillance)
{
    fixture_t f;
    programme_warning_t w;

    fixture_init(&f);
    /* negative: the plan as computed */
    ck_assert_int_eq(count_warnings(&f, D(2025, 6, 1), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, NULL), 0);
    /* positive: surveillance 1 done in December 2025 and 2 in December 2026 leave 2027 empty */
    set_dates(&f.audits[0], PROGRAMME_STATUS_COMPLETED, D(2025, 12, 15), D(2025, 12, 16));
    set_dates(&f.audits[1], PROGRAMME_STATUS_SCHEDULED, D(2026, 12, 15), D(2026, 12, 16));
    ck_assert_int_eq(count_warnings(&f, D(2026, 1, 5), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, &w), 1);
    ck_assert_int_eq(w.year, 2027);
    ck_assert_int_eq(w.audit, -1);
    /* ... unless the recertification audit is scheduled in 2027: then 2027 is the recertification year */
    set_dates(&f.audits[2], PROGRAMME_STATUS_SCHEDULED, D(2027, 10, 4), D(2027, 10, 6));
    ck_assert_int_eq(count_warnings(&f, D(2026, 1, 5), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, NULL), 0);
    /* a recertification scheduled in 2028 needs 2027 again */
    set_dates(&f.audits[2], PROGRAMME_STATUS_SCHEDULED, D(2028, 1, 10), D(2028, 1, 12));
    ck_assert_int_eq(count_warnings(&f, D(2026, 1, 5), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, NULL), 1);

    /* an undated window straddling two years does not count for either */
    fixture_init(&f);
    f.audits[1].window = (programme_window_t){D(2026, 12, 10), D(2027, 3, 10)};
    ck_assert_int_eq(count_warnings(&f, D(2025, 6, 1), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, &w), 1);
    ck_assert_int_eq(w.year, 2027);
    /* a cancelled surveillance does not count */
    fixture_init(&f);
    f.audits[0].status = PROGRAMME_STATUS_CANCELLED;
    ck_assert_int_eq(count_warnings(&f, D(2025, 6, 1), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, &w), 1);
    ck_assert_int_eq(w.year, 2026);
    /* a dated audit spanning New Year counts for both years */
    set_dates(&f.audits[1], PROGRAMME_STATUS_SCHEDULED, D(2026, 12, 31), D(2027, 1, 1));
    ck_assert_int_eq(count_warnings(&f, D(2025, 6, 1), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, NULL), 0);
    /* no surveillance at all: both years; no recertification audit: the expiry decides */
    fixture_init(&f);
    f.p.naudits = 0;
    ck_assert_int_eq(count_warnings(&f, D(2025, 6, 1), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, NULL), 2);
    /* no anchor yet: no year warnings */
    f.p.has_anchor = false;
    ck_assert_int_eq(count_warnings(&f, D(2025, 6, 1), PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, NULL), 0);
}
END_TEST

/* A Stage 1 completed 2025-01-10 and a Stage 2 not done. */
static void stage_fixture(fixture_t *f)
{
    memset(f, 0, sizeof(*f));
    f->audits[0].type = PROGRAMME_AUDIT_STAGE1;
    set_dates(&f->audits[0], PROGRAMME_STATUS_COMPLETED, D(2025, 1, 9), D(2025, 1, 10));
    f->audits[0].has_conclusions = true;
    f->audits[0].conclusions_date = D(2025, 1, 10);
    f->audits[1].type = PROGRAMME_AUDIT_STAGE2;
    f->p.audits = f->audits;
    f->p.naudits = 2;
}

START_TEST(test_warn_stage1_stale)
{
    fixture_t f;
    programme_warning_t w;

    stage_fixture(&f);
    /* positive: more than 6 months after Stage 1's last day */
    ck_assert_int_eq(count_warnings(&f, D(2025, 7, 11), PROGRAMME_WARN_STAGE1_STALE, &w), 1);
    ck_assert_int_eq(w.audit, 0);
    ck_assert_date_eq(w.date, D(2025, 7, 10));
    /* negative: exactly 6 months */
    ck_assert_int_eq(count_warnings(&f, D(2025, 7, 10), PROGRAMME_WARN_STAGE1_STALE, NULL), 0);
    /* Stage 2 scheduled beyond the threshold: warned ahead of time */
    set_dates(&f.audits[1], PROGRAMME_STATUS_SCHEDULED, D(2025, 8, 1), D(2025, 8, 3));
    ck_assert_int_eq(count_warnings(&f, D(2025, 3, 1), PROGRAMME_WARN_STAGE1_STALE, NULL), 1);
    /* Stage 2 scheduled within the threshold */
    set_dates(&f.audits[1], PROGRAMME_STATUS_SCHEDULED, D(2025, 6, 1), D(2025, 6, 3));
    ck_assert_int_eq(count_warnings(&f, D(2025, 5, 1), PROGRAMME_WARN_STAGE1_STALE, NULL), 0);
    /* Stage 2 done: no warning */
    set_dates(&f.audits[1], PROGRAMME_STATUS_COMPLETED, D(2025, 9, 1), D(2025, 9, 3));
    ck_assert_int_eq(count_warnings(&f, D(2025, 10, 1), PROGRAMME_WARN_STAGE1_STALE, NULL), 0);
    /* justification recorded: no warning */
    stage_fixture(&f);
    f.p.stage1_validity_justified = true;
    ck_assert_int_eq(count_warnings(&f, D(2025, 12, 1), PROGRAMME_WARN_STAGE1_STALE, NULL), 0);
    /* no conclusions recorded: not a concluded Stage 1 */
    stage_fixture(&f);
    f.audits[0].has_conclusions = false;
    ck_assert_int_eq(count_warnings(&f, D(2025, 12, 1), PROGRAMME_WARN_STAGE1_STALE, NULL), 0);
    /* a tenant threshold of 3 months */
    {
        programme_settings_t s = defaults();
        programme_warnings_t out = {0};

        stage_fixture(&f);
        s.stage1_validity_months = 3;
        ck_assert_int_eq(programme_warnings_compute(&f.p, D(2025, 4, 11), &s, &out), 0);
        ck_assert_int_eq(out.count, 1);
        ck_assert_int_eq(out.items[0].code, PROGRAMME_WARN_STAGE1_STALE);
        programme_warnings_free(&out);
    }
    /* Stage 1 ending 31 August: 6 months clamps to 28 February */
    stage_fixture(&f);
    set_dates(&f.audits[0], PROGRAMME_STATUS_COMPLETED, D(2025, 8, 30), D(2025, 8, 31));
    ck_assert_int_eq(count_warnings(&f, D(2026, 2, 28), PROGRAMME_WARN_STAGE1_STALE, NULL), 0);
    ck_assert_int_eq(count_warnings(&f, D(2026, 3, 1), PROGRAMME_WARN_STAGE1_STALE, NULL), 1);
}
END_TEST

START_TEST(test_warn_pre_assessments)
{
    fixture_t f;
    programme_warning_t w;

    memset(&f, 0, sizeof(f));
    f.audits[0].type = PROGRAMME_AUDIT_PRE_ASSESSMENT;
    f.audits[1].type = PROGRAMME_AUDIT_PRE_ASSESSMENT;
    f.p.audits = f.audits;
    /* negative: none, one */
    f.p.naudits = 0;
    ck_assert_int_eq(count_warnings(&f, D(2025, 1, 1), PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS, NULL), 0);
    f.p.naudits = 1;
    ck_assert_int_eq(count_warnings(&f, D(2025, 1, 1), PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS, NULL), 0);
    /* positive: two here; one here and one elsewhere */
    f.p.naudits = 2;
    ck_assert_int_eq(count_warnings(&f, D(2025, 1, 1), PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS, &w), 1);
    ck_assert_int_eq(w.year, 2);
    f.p.naudits = 1;
    f.p.other_pre_assessments = 1;
    ck_assert_int_eq(count_warnings(&f, D(2025, 1, 1), PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS, NULL), 1);
    /* negative: the second one cancelled */
    f.p.naudits = 2;
    f.p.other_pre_assessments = 0;
    f.audits[1].status = PROGRAMME_STATUS_CANCELLED;
    ck_assert_int_eq(count_warnings(&f, D(2025, 1, 1), PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS, NULL), 0);
}
END_TEST

START_TEST(test_warnings_many_and_invalid)
{
    programme_audit_t audits[40];
    programme_t p = {0};
    programme_settings_t s = defaults(), bad = defaults();
    programme_warnings_t out = {0};

    /* forty missed windows: the list grows */
    memset(audits, 0, sizeof(audits));
    for (size_t i = 0; i < NELEMS(audits); i++) {
        audits[i].type = PROGRAMME_AUDIT_SPECIAL;
        audits[i].has_window = true;
        audits[i].window = (programme_window_t){D(2025, 1, 1), D(2025, 1, 31)};
    }
    p.audits = audits;
    p.naudits = NELEMS(audits);
    ck_assert_int_eq(programme_warnings_compute(&p, D(2025, 2, 1), &s, &out), 0);
    ck_assert_int_eq(out.count, NELEMS(audits));
    for (size_t i = 0; i < out.count; i++)
        ck_assert_int_eq(out.items[i].audit, (int)i);
    programme_warnings_free(&out);

    /* invalid input */
    bad.window_closing_days = -1;
    ck_assert_int_eq(programme_warnings_compute(&p, D(2025, 2, 1), &bad, &out), -1);
    ck_assert_int_eq(programme_warnings_compute(&p, D(2025, 2, 29), &s, &out), -1);
    ck_assert_int_eq(programme_warnings_compute(NULL, D(2025, 2, 1), &s, &out), -1);
    audits[3].window = (programme_window_t){D(2025, 2, 1), D(2025, 1, 31)};
    ck_assert_int_eq(programme_warnings_compute(&p, D(2025, 2, 1), &s, &out), -1);
    audits[3].window = (programme_window_t){D(2025, 1, 1), D(2025, 1, 31)};
    audits[3].has_dates = true;
    audits[3].start_date = D(2025, 2, 30);
    audits[3].end_date = D(2025, 3, 1);
    ck_assert_int_eq(programme_warnings_compute(&p, D(2025, 2, 1), &s, &out), -1);
    audits[3].has_dates = false;
    p.has_anchor = true;
    p.anchor = D(2025, 3, 10);
    p.expiry = D(2025, 3, 9);
    ck_assert_int_eq(programme_warnings_compute(&p, D(2025, 2, 1), &s, &out), -1);
    ck_assert_int_eq(out.count, 0);
    programme_warnings_free(&out);

    ck_assert_str_eq(programme_warning_code_name(PROGRAMME_WARN_WINDOW_CLOSING), "window_closing");
    ck_assert_str_eq(programme_warning_code_name(PROGRAMME_WARN_WINDOW_MISSED), "window_missed");
    ck_assert_str_eq(programme_warning_code_name(PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE),
                     "year_without_surveillance");
    ck_assert_str_eq(programme_warning_code_name(PROGRAMME_WARN_STAGE1_STALE), "stage1_stale");
    ck_assert_str_eq(programme_warning_code_name(PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS),
                     "multiple_pre_assessments");
    ck_assert_ptr_null(programme_warning_code_name((programme_warning_code_t)99));
}
END_TEST

/* ---- predicates ---- */

START_TEST(test_stage2_allowed)
{
    programme_audit_t s1;

    memset(&s1, 0, sizeof(s1));
    s1.type = PROGRAMME_AUDIT_STAGE1;
    s1.status = PROGRAMME_STATUS_COMPLETED;
    /* no conclusions recorded */
    ck_assert(!programme_is_stage2_allowed(&s1, D(2025, 3, 1)));
    s1.has_conclusions = true;
    s1.conclusions_date = D(2025, 2, 14);
    ck_assert(programme_is_stage2_allowed(&s1, D(2025, 3, 1)));
    ck_assert(programme_is_stage2_allowed(&s1, D(2025, 2, 14)));  /* the same day */
    ck_assert(!programme_is_stage2_allowed(&s1, D(2025, 2, 13))); /* before the conclusions */
    ck_assert(!programme_is_stage2_allowed(&s1, D(2025, 2, 30)));
    ck_assert(!programme_is_stage2_allowed(NULL, D(2025, 3, 1)));
    s1.status = PROGRAMME_STATUS_CANCELLED;
    ck_assert(!programme_is_stage2_allowed(&s1, D(2025, 3, 1)));
    s1.status = PROGRAMME_STATUS_COMPLETED;
    s1.type = PROGRAMME_AUDIT_PRE_ASSESSMENT;
    ck_assert(!programme_is_stage2_allowed(&s1, D(2025, 3, 1)));
}
END_TEST

START_TEST(test_finding_deadlines)
{
    static const struct {
        civil_date_t last_day;
        bool recert;
        civil_date_t expiry, plan, closure;
        bool plan_clamped, closure_clamped;
    } cases[] = {
        /* surveillance: no clamp, expiry ignored */
        {{2026, 3, 5}, false, {0, 0, 0}, {2026, 4, 4}, {2026, 6, 3}, false, false},
        {{2028, 2, 20}, false, {2028, 3, 9}, {2028, 3, 21}, {2028, 5, 20}, false, false},
        {{2024, 2, 29}, false, {0, 0, 0}, {2024, 3, 30}, {2024, 5, 29}, false, false},
        {{2025, 12, 31}, false, {0, 0, 0}, {2026, 1, 30}, {2026, 3, 31}, false, false},
        /* recertification: closure clamped to the expiry; both clamped */
        {{2028, 1, 15}, true, {2028, 3, 9}, {2028, 2, 14}, {2028, 3, 9}, false, true},
        {{2028, 2, 20}, true, {2028, 3, 9}, {2028, 3, 9}, {2028, 3, 9}, true, true},
        {{2027, 10, 1}, true, {2028, 3, 9}, {2027, 10, 31}, {2027, 12, 30}, false, false},
        /* the day the closure exactly meets the expiry */
        {{2027, 12, 10}, true, {2028, 3, 9}, {2028, 1, 9}, {2028, 3, 9}, false, false},
        /* restoration work after expiry: bounded by the restoration limit */
        {{2028, 5, 1}, true, {2028, 3, 9}, {2028, 5, 31}, {2028, 7, 30}, false, false},
        {{2028, 8, 1}, true, {2028, 3, 9}, {2028, 8, 31}, {2028, 9, 9}, false, true},
    };
    programme_settings_t s = defaults();

    for (size_t i = 0; i < NELEMS(cases); i++) {
        programme_finding_deadlines_t d;

        ck_assert_int_eq(
            programme_finding_deadlines(cases[i].last_day, cases[i].recert, cases[i].expiry, &s, &d), 0);
        ck_assert_date_eq(d.plan_due, cases[i].plan);
        ck_assert_date_eq(d.closure_due, cases[i].closure);
        ck_assert_msg(d.plan_clamped == cases[i].plan_clamped, "case %zu plan_clamped", i);
        ck_assert_msg(d.closure_clamped == cases[i].closure_clamped, "case %zu closure_clamped", i);
    }
}
END_TEST

START_TEST(test_finding_deadlines_settings_and_invalid)
{
    programme_settings_t s = defaults();
    programme_finding_deadlines_t d;

    s.finding_plan_days = 14;
    s.finding_closure_days = 60;
    ck_assert_int_eq(programme_finding_deadlines(D(2025, 1, 31), false, D(0, 0, 0), &s, &d), 0);
    ck_assert_date_eq(d.plan_due, D(2025, 2, 14));
    ck_assert_date_eq(d.closure_due, D(2025, 4, 1));
    ck_assert_int_eq(programme_finding_deadlines(D(2025, 2, 29), false, D(0, 0, 0), &s, &d), -1);
    ck_assert_int_eq(programme_finding_deadlines(D(2025, 2, 1), true, D(0, 0, 0), &s, &d), -1);
    ck_assert_int_eq(programme_finding_deadlines(D(2025, 2, 1), false, D(0, 0, 0), NULL, &d), -1);
    ck_assert_int_eq(programme_finding_deadlines(D(2025, 2, 1), false, D(0, 0, 0), &s, NULL), -1);
}
END_TEST

START_TEST(test_major_nc_cutoff)
{
    static const struct {
        civil_date_t stage2_last, cutoff;
    } cutoffs[] = {
        {{2025, 2, 10}, {2025, 8, 10}},  {{2024, 8, 31}, {2025, 2, 28}}, {{2023, 8, 31}, {2024, 2, 29}},
        {{2025, 12, 31}, {2026, 6, 30}}, {{2024, 2, 29}, {2024, 8, 29}}, {{2099, 8, 31}, {2100, 2, 28}},
    };
    civil_date_t c = {0, 0, 0};

    for (size_t i = 0; i < NELEMS(cutoffs); i++)
        ck_assert_date_eq(programme_major_nc_cutoff(cutoffs[i].stage2_last), cutoffs[i].cutoff);

    /* verified closed on the cut-off day: not blocking; a day later: blocking */
    ck_assert(!programme_is_major_nc_blocking(D(2025, 2, 10), true, D(2025, 8, 10), D(2025, 9, 1), &c));
    ck_assert_date_eq(c, D(2025, 8, 10));
    ck_assert(programme_is_major_nc_blocking(D(2025, 2, 10), true, D(2025, 8, 11), D(2025, 9, 1), &c));
    /* not verified: blocking only once the cut-off has passed */
    ck_assert(!programme_is_major_nc_blocking(D(2025, 2, 10), false, D(0, 0, 0), D(2025, 8, 10), NULL));
    ck_assert(programme_is_major_nc_blocking(D(2025, 2, 10), false, D(0, 0, 0), D(2025, 8, 11), NULL));
    /* month-end: Stage 2 ending 31 August 2024 */
    ck_assert(!programme_is_major_nc_blocking(D(2024, 8, 31), true, D(2025, 2, 28), D(2025, 3, 5), &c));
    ck_assert(programme_is_major_nc_blocking(D(2024, 8, 31), true, D(2025, 3, 1), D(2025, 3, 5), &c));
    ck_assert_date_eq(c, D(2025, 2, 28));
}
END_TEST

START_TEST(test_iso27001_2013)
{
    static const struct {
        const char *standard;
        programme_audit_type_t type;
        civil_date_t date;
        bool refused;
    } cases[] = {
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_STAGE1, {2024, 4, 30}, false},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_STAGE1, {2024, 5, 1}, true},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_STAGE2, {2024, 5, 1}, true},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_STAGE2, {2024, 4, 29}, false},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_RECERTIFICATION, {2024, 5, 1}, true},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_RECERTIFICATION, {2024, 4, 30}, false},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_RECERTIFICATION, {2025, 10, 1}, true},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_SURVEILLANCE, {2025, 1, 1}, false},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_PRE_ASSESSMENT, {2025, 1, 1}, false},
        {"ISO/IEC 27001:2013", PROGRAMME_AUDIT_SPECIAL, {2025, 1, 1}, false},
        {"iso/iec 27001:2013", PROGRAMME_AUDIT_STAGE1, {2024, 5, 1}, true},
        {"ISO/IEC 27001:2013/Cor 1:2014", PROGRAMME_AUDIT_STAGE2, {2024, 5, 1}, true},
        {"ISO/IEC 27001:2013 (amended)", PROGRAMME_AUDIT_STAGE2, {2024, 5, 1}, true},
        {"ISO/IEC 27001:20130", PROGRAMME_AUDIT_STAGE2, {2024, 5, 1}, false},
        {"ISO/IEC 27001:2022", PROGRAMME_AUDIT_STAGE2, {2025, 1, 1}, false},
        {"ISO/IEC 27001", PROGRAMME_AUDIT_STAGE2, {2025, 1, 1}, false},
        {"ISO 9001:2015", PROGRAMME_AUDIT_STAGE2, {2025, 1, 1}, false},
        {"", PROGRAMME_AUDIT_STAGE2, {2025, 1, 1}, false},
        {NULL, PROGRAMME_AUDIT_STAGE2, {2025, 1, 1}, false},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_msg(programme_is_iso27001_2013_refused(cases[i].standard, cases[i].type, cases[i].date) ==
                          cases[i].refused,
                      "case %zu", i);
}
END_TEST

static Suite *programme_rules_suite(void)
{
    Suite *s = suite_create("programme_rules");
    TCase *dates = tcase_create("civil_date");
    TCase *cycle = tcase_create("cycle");
    TCase *windows = tcase_create("windows");
    TCase *warnings = tcase_create("warnings");
    TCase *predicates = tcase_create("predicates");

    tcase_set_timeout(dates, 120);
    tcase_set_timeout(cycle, 120);
    tcase_set_timeout(windows, 300);
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

    tcase_add_test(cycle, test_cycle_expiry);
    tcase_add_test(cycle, test_cycle_expiry_every_day);
    tcase_add_test(cycle, test_continued_expiry);
    tcase_add_test(cycle, test_recert_decide);
    tcase_add_test(cycle, test_recert_decide_invalid);
    tcase_add_test(cycle, test_settings);
    suite_add_tcase(s, cycle);

    tcase_add_test(windows, test_windows_initial);
    tcase_add_test(windows, test_windows_provisional);
    tcase_add_test(windows, test_windows_next_cycle);
    tcase_add_test(windows, test_windows_early_recert_third_surveillance);
    tcase_add_test(windows, test_windows_next_cycle_not_restorable);
    tcase_add_test(windows, test_windows_invalid);
    tcase_add_test(windows, test_windows_every_decision_day);
    tcase_add_test(windows, test_windows_every_recertification);
    suite_add_tcase(s, windows);

    tcase_add_test(warnings, test_warn_none_for_fresh_plan);
    tcase_add_test(warnings, test_warn_window_closing);
    tcase_add_test(warnings, test_warn_window_missed);
    tcase_add_test(warnings, test_warn_year_without_surveillance);
    tcase_add_test(warnings, test_warn_stage1_stale);
    tcase_add_test(warnings, test_warn_pre_assessments);
    tcase_add_test(warnings, test_warnings_many_and_invalid);
    suite_add_tcase(s, warnings);

    tcase_add_test(predicates, test_stage2_allowed);
    tcase_add_test(predicates, test_finding_deadlines);
    tcase_add_test(predicates, test_finding_deadlines_settings_and_invalid);
    tcase_add_test(predicates, test_major_nc_cutoff);
    tcase_add_test(predicates, test_iso27001_2013);
    suite_add_tcase(s, predicates);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(programme_rules_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
