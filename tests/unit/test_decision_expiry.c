/*
 * Unit tests of the expiry arithmetic certification decisions use
 * (cycle_rules.h, as services/certificates/decision_issue.c and
 * decision_rules.c apply it): an initial certificate's expiry (three years
 * less a day, 29 February, capped for ISO/IEC 27001:2013), a recertification
 * on or before expiry continued from the old expiry (late in the cycle, on the
 * expiry day), after expiry a restoration within 6 months (end-of-month
 * clamped, across leap days) that keeps the prior cycle's basis, and later
 * nothing.
 */
#include "cc_test_main.h"
#include <check.h>

#include "cc_test_rules.h"
#include "cycle_rules.h"

START_TEST(test_initial_expiry)
{
    ck_assert_date_eq(programme_cycle_expiry(D(2026, 3, 2)), D(2029, 3, 1));
    ck_assert_date_eq(programme_cycle_expiry(D(2024, 2, 29)), D(2027, 2, 28)); /* a leap-day decision */
    ck_assert_date_eq(programme_cycle_expiry(D(2025, 3, 1)), D(2028, 2, 29));  /* into a leap February */
    ck_assert_date_eq(programme_cycle_expiry(D(2023, 1, 10)), D(2026, 1, 9));
    /* ISO/IEC 27001:2013 certificates end by 2025-10-31; others keep their three years */
    ck_assert_date_eq(
        programme_certificate_expiry_cap("ISO27001:2013", programme_cycle_expiry(D(2024, 4, 1))),
        D(2025, 10, 31));
    ck_assert_date_eq(
        programme_certificate_expiry_cap("ISO27001:2022", programme_cycle_expiry(D(2024, 4, 1))),
        D(2027, 3, 31));
}
END_TEST

START_TEST(test_recertification_continues)
{
    programme_recert_t r;
    /* late in the cycle, a month before expiry: the new cycle starts the day after the old expiry */
    ck_assert_int_eq(programme_recert_decide(D(2026, 12, 3), D(2026, 11, 2), &r), 0);
    ck_assert_int_eq(r.outcome, PROGRAMME_RECERT_ON_TIME);
    ck_assert_date_eq(r.expiry, D(2029, 12, 3));
    ck_assert_date_eq(r.effective, D(2026, 11, 2));
    /* on the expiry day itself */
    ck_assert_int_eq(programme_recert_decide(D(2026, 12, 3), D(2026, 12, 3), &r), 0);
    ck_assert_int_eq(r.outcome, PROGRAMME_RECERT_ON_TIME);
    /* an old expiry of 28 February before a leap year keeps a whole cycle (29 February) */
    ck_assert_date_eq(programme_continued_expiry(D(2025, 2, 28)), D(2028, 2, 29));
    ck_assert_date_eq(programme_continued_expiry(D(2027, 2, 28)), D(2030, 2, 28));
    ck_assert_date_eq(programme_continued_expiry(D(2028, 2, 29)), D(2031, 2, 28));
}
END_TEST

START_TEST(test_restoration)
{
    programme_recert_t r;
    /* expired 2026-01-09, restored 2026-04-01: the prior cycle's basis */
    ck_assert_int_eq(programme_recert_decide(D(2026, 1, 9), D(2026, 4, 1), &r), 0);
    ck_assert_int_eq(r.outcome, PROGRAMME_RECERT_RESTORED);
    ck_assert_date_eq(r.expiry, D(2029, 1, 9));
    ck_assert_date_eq(r.restore_limit, D(2026, 7, 9));
    /* the limit is inclusive; a day later a new initial certification is needed */
    ck_assert_int_eq(programme_recert_decide(D(2026, 1, 9), D(2026, 7, 9), &r), 0);
    ck_assert_int_eq(r.outcome, PROGRAMME_RECERT_RESTORED);
    ck_assert_int_eq(programme_recert_decide(D(2026, 1, 9), D(2026, 7, 10), &r), 0);
    ck_assert_int_eq(r.outcome, PROGRAMME_RECERT_NOT_RESTORABLE);
    /* end-of-month clamping: expired 31 August, restorable through the last day of February */
    ck_assert_date_eq(programme_restore_limit(D(2027, 8, 31)), D(2028, 2, 29));
    ck_assert_date_eq(programme_restore_limit(D(2026, 8, 31)), D(2027, 2, 28));
    /* expired 2025-05-31, decided 2026-02-02: not restorable */
    ck_assert_int_eq(programme_recert_decide(D(2025, 5, 31), D(2026, 2, 2), &r), 0);
    ck_assert_int_eq(r.outcome, PROGRAMME_RECERT_NOT_RESTORABLE);
}
END_TEST

static Suite *decision_expiry_suite(void)
{
    Suite *s = suite_create("decision_expiry");
    TCase *tc = tcase_create("decision_expiry");
    tcase_add_test(tc, test_initial_expiry);
    tcase_add_test(tc, test_recertification_continues);
    tcase_add_test(tc, test_restoration);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(decision_expiry_suite());
}
