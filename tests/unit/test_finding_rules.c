/*
 * Unit tests of libccrules' finding rules (shared/rules/finding_rules.c): grades and
 * where each may be raised, the plan and closure deadlines (clamped to the expiry at
 * recertification, to the restoration limit after it), the 6-month rule for a Stage 2
 * major NC at month ends, and what blocks a grant decision.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_rules.h"
#include "finding_rules.h"

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
    finding_settings_t s;
    finding_settings_default(&s);

    for (size_t i = 0; i < NELEMS(cases); i++) {
        programme_finding_deadlines_t d;

        ck_assert_int_eq(finding_deadlines(cases[i].last_day, cases[i].recert, cases[i].expiry, &s, &d), 0);
        ck_assert_date_eq(d.plan_due, cases[i].plan);
        ck_assert_date_eq(d.closure_due, cases[i].closure);
        ck_assert_msg(d.plan_clamped == cases[i].plan_clamped, "case %zu plan_clamped", i);
        ck_assert_msg(d.closure_clamped == cases[i].closure_clamped, "case %zu closure_clamped", i);
    }
}
END_TEST

START_TEST(test_finding_deadlines_settings_and_invalid)
{
    finding_settings_t s;
    programme_finding_deadlines_t d;

    finding_settings_default(&s);
    ck_assert_int_eq(s.plan_days, 30);
    ck_assert_int_eq(s.closure_days, 90);
    ck_assert_int_eq(s.minor_cluster, 3);
    ck_assert_int_eq(s.evidence_max_bytes, 20 * 1024 * 1024);
    ck_assert_int_eq(finding_settings_validate(&s), 0);
    s.plan_days = 14;
    s.closure_days = 60;
    ck_assert_int_eq(finding_deadlines(D(2025, 1, 31), false, D(0, 0, 0), &s, &d), 0);
    ck_assert_date_eq(d.plan_due, D(2025, 2, 14));
    ck_assert_date_eq(d.closure_due, D(2025, 4, 1));
    ck_assert_int_eq(finding_deadlines(D(2025, 2, 29), false, D(0, 0, 0), &s, &d), -1);
    ck_assert_int_eq(finding_deadlines(D(2025, 2, 1), true, D(0, 0, 0), &s, &d), -1);
    ck_assert_int_eq(finding_deadlines(D(2025, 2, 1), false, D(0, 0, 0), NULL, &d), -1);
    ck_assert_int_eq(finding_deadlines(D(2025, 2, 1), false, D(0, 0, 0), &s, NULL), -1);
    s.closure_days = 3651; /* outside FINDING_SETTINGS */
    ck_assert_int_eq(finding_settings_validate(&s), -1);
    ck_assert_int_eq(finding_deadlines(D(2025, 2, 1), false, D(0, 0, 0), &s, &d), -1);
    ck_assert_int_eq(finding_settings_validate(NULL), -1);
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

START_TEST(test_grades)
{
    static const char *const names[] = {"major", "minor", "observation", "ofi", "area_of_concern"};
    finding_grade_t g = FINDING_OFI;

    for (size_t i = 0; i < NELEMS(names); i++) {
        ck_assert_int_eq(finding_grade_from_name(names[i], &g), 0);
        ck_assert_int_eq(g, (finding_grade_t)i);
        ck_assert_str_eq(finding_grade_name(g), names[i]);
    }
    g = FINDING_OFI;
    ck_assert_int_eq(finding_grade_from_name("Major", &g), -1);
    ck_assert_int_eq(finding_grade_from_name("", &g), -1);
    ck_assert_int_eq(finding_grade_from_name(NULL, &g), -1);
    ck_assert_int_eq(g, FINDING_OFI);
    ck_assert_ptr_null(finding_grade_name((finding_grade_t)5));
    ck_assert_ptr_null(finding_grade_name((finding_grade_t)-1));
    ck_assert(finding_is_nonconformity(FINDING_MAJOR));
    ck_assert(finding_is_nonconformity(FINDING_MINOR));
    ck_assert(!finding_is_nonconformity(FINDING_OBSERVATION));
    ck_assert(!finding_is_nonconformity(FINDING_OFI));
    ck_assert(!finding_is_nonconformity(FINDING_AREA_OF_CONCERN));
}
END_TEST

START_TEST(test_grade_allowed)
{
    /* rows: audit types; columns: major, minor, observation, ofi, area of concern */
    static const struct {
        programme_audit_type_t type;
        bool allowed[5];
    } cases[] = {
        {PROGRAMME_AUDIT_PRE_ASSESSMENT, {false, false, true, true, true}},
        {PROGRAMME_AUDIT_STAGE1, {false, false, false, false, true}},
        {PROGRAMME_AUDIT_STAGE2, {true, true, true, true, false}},
        {PROGRAMME_AUDIT_SURVEILLANCE, {true, true, true, true, false}},
        {PROGRAMME_AUDIT_RECERTIFICATION, {true, true, true, true, false}},
        {PROGRAMME_AUDIT_SPECIAL, {true, true, true, true, false}},
    };

    for (size_t i = 0; i < NELEMS(cases); i++)
        for (int g = 0; g < 5; g++)
            ck_assert_msg(finding_is_grade_allowed(cases[i].type, (finding_grade_t)g) == cases[i].allowed[g],
                          "type %d grade %d", cases[i].type, g);
    ck_assert(!finding_is_grade_allowed(PROGRAMME_AUDIT_STAGE2, (finding_grade_t)7));
}
END_TEST

START_TEST(test_grant_check)
{
    const finding_state_t clean[] = {
        {FINDING_MAJOR, true, true},  {FINDING_MINOR, false, true},
        {FINDING_MINOR, true, false}, {FINDING_OBSERVATION, false, false},
        {FINDING_OFI, false, false},  {FINDING_AREA_OF_CONCERN, false, false},
    };
    const finding_state_t minor_without_plan[] = {
        {FINDING_OBSERVATION, false, false},
        {FINDING_MINOR, false, false},
        {FINDING_MINOR, false, false},
    };
    const finding_state_t major_after_minor[] = {
        {FINDING_MINOR, false, false},
        {FINDING_MAJOR, true, true},
        {FINDING_MAJOR, false, true}, /* an accepted plan does not close a major */
    };
    int index = 99;

    ck_assert_int_eq(finding_grant_check(clean, NELEMS(clean), &index), FINDING_GRANT_ALLOWED);
    ck_assert_int_eq(index, -1);
    ck_assert_int_eq(finding_grant_check(NULL, 0, &index), FINDING_GRANT_ALLOWED);
    ck_assert_int_eq(finding_grant_check(minor_without_plan, NELEMS(minor_without_plan), &index),
                     FINDING_GRANT_MINOR_WITHOUT_PLAN);
    ck_assert_int_eq(index, 1);
    ck_assert_int_eq(finding_grant_check(major_after_minor, NELEMS(major_after_minor), &index),
                     FINDING_GRANT_MAJOR_OPEN);
    ck_assert_int_eq(index, 2);
    ck_assert_int_eq(finding_grant_check(major_after_minor, NELEMS(major_after_minor), NULL),
                     FINDING_GRANT_MAJOR_OPEN);
}
END_TEST

static Suite *finding_rules_suite(void)
{
    Suite *s = suite_create("finding_rules");
    TCase *deadlines = tcase_create("deadlines");
    TCase *grades = tcase_create("grades");

    tcase_add_test(deadlines, test_finding_deadlines);
    tcase_add_test(deadlines, test_finding_deadlines_settings_and_invalid);
    tcase_add_test(deadlines, test_major_nc_cutoff);
    suite_add_tcase(s, deadlines);
    tcase_add_test(grades, test_grades);
    tcase_add_test(grades, test_grade_allowed);
    tcase_add_test(grades, test_grant_check);
    suite_add_tcase(s, grades);
    return s;
}

int main(void)
{
    return cc_test_run(finding_rules_suite());
}
