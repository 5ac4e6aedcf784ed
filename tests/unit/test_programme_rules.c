/*
 * Unit tests of services/scheduling/programme_rules.c: the live warnings of a
 * programme (window closing or missed, a calendar year without a surveillance, a
 * stale Stage 1, several pre-assessments), the Stage 2 predicate, and every window
 * plan of libccrules over a sweep of decision days leaving no year without a
 * surveillance. Civil dates, the cycle and the finding rules are tested with
 * libccrules (test_civil_date.c, test_cycle_rules.c, test_finding_rules.c).
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_rules.h"
#include "scheduling/programme_rules.c"

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

/* Every decision day 2020-2031, and every recertification 2024-2030: the planned windows leave no year
 * warning. */
START_TEST(test_windows_plans_have_no_year_warning)
{
    static const int offsets[] = {-180, -30, 0, 1, 90, 184};
    programme_settings_t s = defaults();

    for (int64_t n = civil_date_to_days(D(2020, 1, 1)); n <= civil_date_to_days(D(2031, 12, 31)); n++) {
        civil_date_t d = civil_date_from_days(n);
        programme_windows_t w;

        quick_assert_int_eq(programme_windows_initial(d, &s, &w), 0);
        check_plan_has_no_year_warning(&w, &s);
    }
    for (int64_t n = civil_date_to_days(D(2024, 1, 1)); n <= civil_date_to_days(D(2030, 12, 31)); n++) {
        civil_date_t e = civil_date_from_days(n);

        for (size_t i = 0; i < NELEMS(offsets); i++) {
            programme_recert_t r;
            programme_windows_t w;

            quick_assert_int_eq(programme_recert_decide(e, civil_date_add_days(e, offsets[i]), &r), 0);
            if (r.outcome == PROGRAMME_RECERT_NOT_RESTORABLE)
                continue;
            quick_assert_int_eq(programme_windows_next_cycle(&r, &s, &w), 0);
            check_plan_has_no_year_warning(&w, &s);
        }
    }
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

static Suite *programme_rules_suite(void)
{
    Suite *s = suite_create("programme_rules");
    TCase *warnings = tcase_create("warnings");
    TCase *predicates = tcase_create("predicates");

    tcase_set_timeout(warnings, 300);
    tcase_add_test(warnings, test_windows_plans_have_no_year_warning);
    tcase_add_test(warnings, test_warn_none_for_fresh_plan);
    tcase_add_test(warnings, test_warn_window_closing);
    tcase_add_test(warnings, test_warn_window_missed);
    tcase_add_test(warnings, test_warn_year_without_surveillance);
    tcase_add_test(warnings, test_warn_stage1_stale);
    tcase_add_test(warnings, test_warn_pre_assessments);
    tcase_add_test(warnings, test_warnings_many_and_invalid);
    suite_add_tcase(s, warnings);
    tcase_add_test(predicates, test_stage2_allowed);
    suite_add_tcase(s, predicates);
    return s;
}

int main(void)
{
    return cc_test_run(programme_rules_suite());
}
