/*
 * Audit team rules: role ranks, who qualifies for a role, and what a team
 * leaves uncovered of its programme's standards and sector codes.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "scheduling/team_rules.c"

#define ISMS "ISO/IEC 27001:2022"
#define QMS "ISO 9001:2015"

static json_t *j(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    ck_assert_msg(v != NULL, "bad test JSON: %s", e.text);
    return v;
}

START_TEST(ranks)
{
    ck_assert_int_eq(team_role_rank("lead"), 3);
    ck_assert_int_eq(team_role_rank("auditor"), 2);
    ck_assert_int_eq(team_role_rank("technical_expert"), 1);
    ck_assert_int_eq(team_role_rank("observer"), 0);
    ck_assert_int_eq(team_role_rank(NULL), 0);
}
END_TEST

START_TEST(role_competence)
{
    json_t *standards = j("[\"" ISMS "\"]");
    json_t *lead = j("[{\"standard\":\"" ISMS "\",\"sector_codes\":[],\"role\":\"lead\"}]");
    json_t *auditor = j("[{\"standard\":\"" ISMS "\",\"sector_codes\":[\"33\"],\"role\":\"auditor\"}]");
    json_t *other = j("[{\"standard\":\"" QMS "\",\"sector_codes\":[],\"role\":\"lead\"}]");
    json_t *expert =
        j("[{\"standard\":\"" ISMS "\",\"sector_codes\":[\"33\"],\"role\":\"technical_expert\"}]");

    /* a higher competence qualifies for a lower role, never the reverse */
    ck_assert(team_role_competent(lead, "lead", standards));
    ck_assert(team_role_competent(lead, "auditor", standards));
    ck_assert(team_role_competent(lead, "technical_expert", standards));
    ck_assert(!team_role_competent(auditor, "lead", standards));
    ck_assert(team_role_competent(auditor, "auditor", standards));
    ck_assert(!team_role_competent(expert, "auditor", standards));
    ck_assert(team_role_competent(expert, "technical_expert", standards));
    /* a competence for another standard counts for nothing */
    ck_assert(!team_role_competent(other, "auditor", standards));
    ck_assert(!team_role_competent(lead, "nonsense", standards)); /* no such role */

    json_decref(standards);
    json_decref(lead);
    json_decref(auditor);
    json_decref(other);
    json_decref(expert);
}
END_TEST

START_TEST(covered_team_has_no_gaps)
{
    json_t *standards = j("[\"" ISMS "\", \"" QMS "\"]"), *sectors = j("[\"33\", \"35\"]");
    json_t *a = j("[{\"standard\":\"" ISMS "\",\"sector_codes\":[\"33\"],\"role\":\"lead\"}]");
    json_t *b = j("[{\"standard\":\"" QMS "\",\"sector_codes\":[],\"role\":\"auditor\"}]");
    json_t *c = j("[{\"standard\":\"" QMS "\",\"sector_codes\":[\"35\"],\"role\":\"technical_expert\"}]");
    team_member_t team[] = {{"lead", a}, {"auditor", b}, {"technical_expert", c}};
    json_t *gaps = team_coverage_gaps(standards, sectors, team, 3);
    ck_assert_uint_eq(json_array_size(gaps), 0);
    json_decref(gaps);
    json_decref(standards);
    json_decref(sectors);
    json_decref(a);
    json_decref(b);
    json_decref(c);
}
END_TEST

START_TEST(gaps_are_named_in_programme_order)
{
    json_t *standards = j("[\"" ISMS "\", \"" QMS "\"]"), *sectors = j("[\"33\", \"35\"]");
    /* the expert holds an auditor competence for QMS, but on this team only advises: QMS stays uncovered */
    json_t *a = j("[{\"standard\":\"" ISMS "\",\"sector_codes\":[\"35\"],\"role\":\"lead\"}]");
    json_t *c = j("[{\"standard\":\"" QMS "\",\"sector_codes\":[],\"role\":\"auditor\"}]");
    team_member_t team[] = {{"lead", a}, {"technical_expert", c}};
    json_t *gaps = team_coverage_gaps(standards, sectors, team, 2);
    char *text = json_dumps(gaps, JSON_COMPACT);
    ck_assert_str_eq(text, "[{\"standard\":\"" QMS "\"},{\"sector_code\":\"33\"}]");
    free(text);
    json_decref(gaps);

    /* an empty team leaves everything uncovered */
    gaps = team_coverage_gaps(standards, sectors, NULL, 0);
    ck_assert_uint_eq(json_array_size(gaps), 4);
    json_decref(gaps);
    json_decref(standards);
    json_decref(sectors);
    json_decref(a);
    json_decref(c);
}
END_TEST

START_TEST(sector_needs_a_programme_standard)
{
    /* a sector competence held for a standard outside the programme does not count */
    json_t *standards = j("[\"" ISMS "\"]"), *sectors = j("[\"33\"]");
    json_t *a = j("[{\"standard\":\"" ISMS "\",\"sector_codes\":[],\"role\":\"lead\"},"
                  " {\"standard\":\"" QMS "\",\"sector_codes\":[\"33\"],\"role\":\"lead\"}]");
    team_member_t team[] = {{"lead", a}};
    json_t *gaps = team_coverage_gaps(standards, sectors, team, 1);
    char *text = json_dumps(gaps, JSON_COMPACT);
    ck_assert_str_eq(text, "[{\"sector_code\":\"33\"}]");
    free(text);
    json_decref(gaps);
    json_decref(standards);
    json_decref(sectors);
    json_decref(a);
}
END_TEST

static Suite *team_rules_suite(void)
{
    Suite *s = suite_create("team_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, ranks);
    tcase_add_test(tc, role_competence);
    tcase_add_test(tc, covered_team_has_no_gaps);
    tcase_add_test(tc, gaps_are_named_in_programme_order);
    tcase_add_test(tc, sector_needs_a_programme_standard);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(team_rules_suite());
}
