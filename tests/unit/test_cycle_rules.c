/*
 * Unit tests of libccrules' cycle rules (shared/rules/cycle_rules.c): certificate
 * validity, recertification and restoration, the audit windows (29 February,
 * 31 December, 1 January, leap and century years, on-time, late and unrestorable
 * recertification) with exhaustive sweeps over every day of a range for the
 * invariants, the programme settings, and the ISO/IEC 27001:2013 transition.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_rules.h"
#include "cycle_rules.h"

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

/* programme_settings_faults names each member at fault, and validate agrees with it. */
START_TEST(test_settings_faults)
{
    programme_settings_t s = defaults();
    programme_settings_fault_t f[PROGRAMME_SETTINGS_MAX_FAULTS];
    ck_assert_uint_eq(programme_settings_faults(&s, f, PROGRAMME_SETTINGS_MAX_FAULTS), 0);
    ck_assert_int_eq(programme_settings_validate(&s), 0);

    s.surveillance2_start_months = s.surveillance1_start_months; /* surveillance 2 must open later */
    ck_assert_uint_eq(programme_settings_faults(&s, f, PROGRAMME_SETTINGS_MAX_FAULTS), 1);
    ck_assert_str_eq(f[0].setting, "surveillance2_start_months");
    ck_assert_str_eq(f[0].message, "must be greater than surveillance1_start_months");
    ck_assert_int_eq(programme_settings_validate(&s), -1);

    s = defaults();
    s.surveillance2_end_months = s.surveillance2_start_months - 1;
    ck_assert_uint_eq(programme_settings_faults(&s, f, PROGRAMME_SETTINGS_MAX_FAULTS), 1);
    ck_assert_str_eq(f[0].setting, "surveillance2_end_months");

    s = defaults();
    s.recertification_window_months = 1;
    s.recertification_lead_days = 27; /* 28 days per month: one day left */
    ck_assert_uint_eq(programme_settings_faults(&s, f, PROGRAMME_SETTINGS_MAX_FAULTS), 0);
    s.recertification_lead_days = 28;
    ck_assert_uint_eq(programme_settings_faults(&s, f, PROGRAMME_SETTINGS_MAX_FAULTS), 1);
    ck_assert_str_eq(f[0].setting, "recertification_lead_days");

    s = defaults();
    s.window_closing_days = 3651; /* the ranges of PROGRAMME_SETTINGS */
    s.surveillance1_start_months = 12;
    ck_assert_uint_eq(programme_settings_faults(&s, f, PROGRAMME_SETTINGS_MAX_FAULTS), 2);
    ck_assert_str_eq(f[0].setting, "surveillance1_start_months");
    ck_assert_str_eq(f[0].message, "must be from 0 to 11");
    ck_assert_str_eq(f[1].setting, "window_closing_days");
    ck_assert_uint_eq(programme_settings_faults(&s, NULL, 0), 2); /* counts without room */
    ck_assert_uint_eq(programme_settings_faults(&s, f, 1), 2);    /* writes only what fits */
    ck_assert_int_eq(programme_settings_validate(NULL), -1);
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
#undef BAD
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
        {"ISO27001:2013", PROGRAMME_AUDIT_STAGE1, {2024, 5, 1}, true},
        {"ISO27001:2013", PROGRAMME_AUDIT_STAGE1, {2024, 4, 30}, false},
        {"ISO27001:2022", PROGRAMME_AUDIT_STAGE2, {2025, 1, 1}, false},
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

START_TEST(test_iso27001_2013_edition)
{
    ck_assert(programme_is_iso27001_2013("ISO/IEC 27001:2013"));
    ck_assert(programme_is_iso27001_2013("iso/iec 27001:2013/Amd 1:2015"));
    ck_assert(programme_is_iso27001_2013("ISO27001:2013")); /* the catalogue code */
    ck_assert(programme_is_iso27001_2013("iso27001:2013"));
    ck_assert(!programme_is_iso27001_2013("ISO27001:2022"));
    ck_assert(!programme_is_iso27001_2013("ISO27001:20131"));
    ck_assert(!programme_is_iso27001_2013("ISO/IEC 27001:2022"));
    ck_assert(!programme_is_iso27001_2013("ISO/IEC 27001:20131"));
    ck_assert(!programme_is_iso27001_2013(NULL));
}
END_TEST

/* Every 2013-edition certificate expired or was withdrawn by 31 October 2025. */
START_TEST(test_certificate_expiry_cap)
{
    static const struct {
        const char *standard;
        civil_date_t expiry, capped;
    } cases[] = {
        {"ISO/IEC 27001:2013", {2025, 10, 30}, {2025, 10, 30}},
        {"ISO/IEC 27001:2013", {2025, 10, 31}, {2025, 10, 31}},
        {"ISO/IEC 27001:2013", {2025, 11, 1}, {2025, 10, 31}},
        {"ISO/IEC 27001:2013", {2027, 3, 9}, {2025, 10, 31}},
        {"ISO27001:2013", {2027, 3, 9}, {2025, 10, 31}},
        {"ISO/IEC 27001:2022", {2027, 3, 9}, {2027, 3, 9}},
        {"ISO 9001:2015", {2028, 1, 1}, {2028, 1, 1}},
        {NULL, {2028, 1, 1}, {2028, 1, 1}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        ck_assert_date_eq(programme_certificate_expiry_cap(cases[i].standard, cases[i].expiry),
                          cases[i].capped);
}
END_TEST

START_TEST(test_recertification_end)
{
    programme_settings_t s = defaults();

    ck_assert_date_eq(programme_recertification_end(D(2028, 3, 9), &s), D(2028, 2, 8));
    s.recertification_lead_days = 0;
    ck_assert_date_eq(programme_recertification_end(D(2028, 3, 9), &s), D(2028, 3, 9));
}
END_TEST

START_TEST(test_audit_type_from_name)
{
    ck_assert_int_eq(programme_audit_type_from_name("pre_assessment"), PROGRAMME_AUDIT_PRE_ASSESSMENT);
    ck_assert_int_eq(programme_audit_type_from_name("stage1"), PROGRAMME_AUDIT_STAGE1);
    ck_assert_int_eq(programme_audit_type_from_name("stage2"), PROGRAMME_AUDIT_STAGE2);
    ck_assert_int_eq(programme_audit_type_from_name("surveillance"), PROGRAMME_AUDIT_SURVEILLANCE);
    ck_assert_int_eq(programme_audit_type_from_name("recertification"), PROGRAMME_AUDIT_RECERTIFICATION);
    ck_assert_int_eq(programme_audit_type_from_name("scope_extension"), PROGRAMME_AUDIT_SPECIAL);
    ck_assert_int_eq(programme_audit_type_from_name(NULL), PROGRAMME_AUDIT_SPECIAL);
}
END_TEST

static Suite *cycle_rules_suite(void)
{
    Suite *s = suite_create("cycle_rules");
    TCase *cycle = tcase_create("cycle");
    TCase *windows = tcase_create("windows");
    TCase *transition = tcase_create("transition");

    tcase_set_timeout(cycle, 120);
    tcase_add_test(cycle, test_cycle_expiry);
    tcase_add_test(cycle, test_cycle_expiry_every_day);
    tcase_add_test(cycle, test_continued_expiry);
    tcase_add_test(cycle, test_recert_decide);
    tcase_add_test(cycle, test_recert_decide_invalid);
    tcase_add_test(cycle, test_settings);
    tcase_add_test(cycle, test_settings_faults);
    tcase_add_test(cycle, test_recertification_end);
    tcase_add_test(cycle, test_audit_type_from_name);
    suite_add_tcase(s, cycle);
    tcase_set_timeout(windows, 300);
    tcase_add_test(windows, test_windows_initial);
    tcase_add_test(windows, test_windows_provisional);
    tcase_add_test(windows, test_windows_next_cycle);
    tcase_add_test(windows, test_windows_early_recert_third_surveillance);
    tcase_add_test(windows, test_windows_next_cycle_not_restorable);
    tcase_add_test(windows, test_windows_invalid);
    tcase_add_test(windows, test_windows_every_decision_day);
    tcase_add_test(windows, test_windows_every_recertification);
    suite_add_tcase(s, windows);
    tcase_add_test(transition, test_iso27001_2013);
    tcase_add_test(transition, test_iso27001_2013_edition);
    tcase_add_test(transition, test_certificate_expiry_cap);
    suite_add_tcase(s, transition);
    return s;
}

int main(void)
{
    return cc_test_run(cycle_rules_suite());
}
