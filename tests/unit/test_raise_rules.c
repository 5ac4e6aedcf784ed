/*
 * Unit tests of what raising and regrading a finding decide from the facts
 * (services/findings/raise_rules.c): the audit's state before the grade, the
 * grades by audit type, the first status, the deadlines (the tenant's days, the
 * cap at recertification) and the Stage 2 major's 6-month date; a regrade only
 * between major and minor.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "cc_test_rules.h"
#include "findings/raise_rules.c"

static raise_facts_t facts(programme_audit_type_t type, const char *status, civil_date_t last_day)
{
    raise_facts_t f = {type, status, false, last_day, D(2029, 3, 1), {0}};
    finding_settings_default(&f.settings);
    return f;
}

START_TEST(test_audit_state_first)
{
    raise_outcome_t out;
    static const char *const closed[] = {"planned", "scheduled", "cancelled", NULL};
    for (int i = 0; closed[i] != NULL; i++) {
        raise_facts_t f = facts(PROGRAMME_AUDIT_STAGE1, closed[i], D(2026, 2, 4));
        /* not open wins over a grade the type refuses */
        ck_assert_int_eq(raise_decide(&f, FINDING_MAJOR, &out), RAISE_AUDIT_NOT_OPEN);
    }
    raise_facts_t f = facts(PROGRAMME_AUDIT_SURVEILLANCE, NULL, D(2026, 2, 4));
    ck_assert_int_eq(raise_decide(&f, FINDING_MINOR, &out), RAISE_AUDIT_NOT_OPEN);
    f = facts(PROGRAMME_AUDIT_STAGE1, "completed", D(2026, 2, 4));
    f.decided = true;
    ck_assert_int_eq(raise_decide(&f, FINDING_MAJOR, &out), RAISE_AUDIT_CLOSED);
    f.status = "in_progress";
    ck_assert_int_eq(raise_decide(&f, FINDING_AREA_OF_CONCERN, &out), RAISE_AUDIT_CLOSED);
}
END_TEST

START_TEST(test_grades_by_type)
{
    /* rows: audit types; columns: major, minor, observation, ofi, area_of_concern */
    static const struct {
        programme_audit_type_t type;
        bool allowed[5];
    } rows[] = {
        {PROGRAMME_AUDIT_PRE_ASSESSMENT, {false, false, true, true, true}},
        {PROGRAMME_AUDIT_STAGE1, {false, false, false, false, true}},
        {PROGRAMME_AUDIT_STAGE2, {true, true, true, true, false}},
        {PROGRAMME_AUDIT_SURVEILLANCE, {true, true, true, true, false}},
        {PROGRAMME_AUDIT_RECERTIFICATION, {true, true, true, true, false}},
        {PROGRAMME_AUDIT_SPECIAL, {true, true, true, true, false}},
    };
    for (size_t i = 0; i < NELEMS(rows); i++) {
        for (int g = FINDING_MAJOR; g <= FINDING_AREA_OF_CONCERN; g++) {
            raise_facts_t f = facts(rows[i].type, "in_progress", D(2026, 2, 4));
            raise_outcome_t out;
            raise_refusal_t got = raise_decide(&f, (finding_grade_t)g, &out);
            ck_assert_msg(got == (rows[i].allowed[g] ? RAISE_OK : RAISE_GRADE_NOT_ALLOWED),
                          "type %d grade %d: %d", (int)rows[i].type, g, (int)got);
            if (got != RAISE_OK)
                continue;
            bool nc = g == FINDING_MAJOR || g == FINDING_MINOR;
            ck_assert_str_eq(out.status, nc ? "open" : "recorded");
            ck_assert(out.has_deadlines == nc);
            ck_assert(out.has_blocking == (g == FINDING_MAJOR && rows[i].type == PROGRAMME_AUDIT_STAGE2));
        }
    }
}
END_TEST

START_TEST(test_deadlines_and_cutoff)
{
    raise_outcome_t out;
    raise_facts_t f = facts(PROGRAMME_AUDIT_STAGE2, "completed", D(2026, 2, 4));
    ck_assert_int_eq(raise_decide(&f, FINDING_MAJOR, &out), RAISE_OK);
    ck_assert_date_eq(out.plan_due, D(2026, 3, 6));
    ck_assert_date_eq(out.closure_due, D(2026, 5, 5));
    ck_assert_date_eq(out.decision_blocking_after, D(2026, 8, 4));
    /* month end and leap day: 31 August + 6 months is the end of February */
    f.last_day = D(2027, 8, 31);
    ck_assert_int_eq(raise_decide(&f, FINDING_MAJOR, &out), RAISE_OK);
    ck_assert_date_eq(out.decision_blocking_after, D(2028, 2, 29));
    /* the tenant's days */
    f.settings.plan_days = 10;
    f.settings.closure_days = 20;
    ck_assert_int_eq(raise_decide(&f, FINDING_MINOR, &out), RAISE_OK);
    ck_assert_date_eq(out.plan_due, D(2027, 9, 10));
    ck_assert_date_eq(out.closure_due, D(2027, 9, 20));
    ck_assert(!out.has_blocking);
    /* at recertification no deadline passes the expiry; elsewhere the expiry is ignored */
    f = facts(PROGRAMME_AUDIT_RECERTIFICATION, "in_progress", D(2028, 12, 20));
    f.expiry = D(2029, 1, 10);
    ck_assert_int_eq(raise_decide(&f, FINDING_MINOR, &out), RAISE_OK);
    ck_assert_date_eq(out.plan_due, D(2029, 1, 10));
    ck_assert_date_eq(out.closure_due, D(2029, 1, 10));
    f.type = PROGRAMME_AUDIT_SURVEILLANCE;
    ck_assert_int_eq(raise_decide(&f, FINDING_MINOR, &out), RAISE_OK);
    ck_assert_date_eq(out.closure_due, D(2029, 3, 20));
    /* unusable facts */
    f.settings.plan_days = -1;
    ck_assert_int_eq(raise_decide(&f, FINDING_MINOR, &out), RAISE_INVALID);
    ck_assert_int_eq(raise_decide(&f, FINDING_OFI, &out), RAISE_OK); /* no deadline to compute */
}
END_TEST

START_TEST(test_regrade)
{
    raise_outcome_t out;
    raise_facts_t f = facts(PROGRAMME_AUDIT_STAGE2, "completed", D(2026, 2, 4));
    ck_assert_int_eq(raise_regrade(&f, FINDING_MINOR, FINDING_MAJOR, &out), RAISE_OK);
    ck_assert(out.has_blocking);
    ck_assert_date_eq(out.decision_blocking_after, D(2026, 8, 4));
    ck_assert_int_eq(raise_regrade(&f, FINDING_MAJOR, FINDING_MINOR, &out), RAISE_OK);
    ck_assert(!out.has_blocking);
    ck_assert_int_eq(raise_regrade(&f, FINDING_MINOR, FINDING_OBSERVATION, &out), RAISE_GRADE_NOT_ALLOWED);
    ck_assert_int_eq(raise_regrade(&f, FINDING_OBSERVATION, FINDING_MINOR, &out), RAISE_GRADE_NOT_ALLOWED);
    ck_assert_int_eq(raise_regrade(&f, FINDING_MAJOR, FINDING_OFI, &out), RAISE_GRADE_NOT_ALLOWED);
    /* a surveillance major blocks no decision; the audit's state does not matter to a regrade */
    f = facts(PROGRAMME_AUDIT_SURVEILLANCE, "planned", D(2026, 2, 4));
    f.decided = true;
    ck_assert_int_eq(raise_regrade(&f, FINDING_MINOR, FINDING_MAJOR, &out), RAISE_OK);
    ck_assert(!out.has_blocking);
    f.type = PROGRAMME_AUDIT_PRE_ASSESSMENT;
    ck_assert_int_eq(raise_regrade(&f, FINDING_MINOR, FINDING_MAJOR, &out), RAISE_GRADE_NOT_ALLOWED);
}
END_TEST

static Suite *raise_rules_suite(void)
{
    Suite *s = suite_create("raise_rules");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_audit_state_first);
    tcase_add_test(tc, test_grades_by_type);
    tcase_add_test(tc, test_deadlines_and_cutoff);
    tcase_add_test(tc, test_regrade);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(raise_rules_suite());
}
