/*
 * A tenant's programme settings: defaults when absent, overrides by name,
 * and a fallback to the defaults for anything invalid.
 */
#include "cc_test_main.h"
#include <check.h>

#include "scheduling/programme_settings.c"

START_TEST(absent_means_defaults)
{
    programme_settings_t s, d;
    programme_settings_default(&d);
    ck_assert_int_eq(programme_settings_from_json(NULL, &s), 0);
    ck_assert_mem_eq(&s, &d, sizeof(s));
    ck_assert_int_eq(programme_settings_from_json("null", &s), 0);
    ck_assert_mem_eq(&s, &d, sizeof(s));
    ck_assert_int_eq(programme_settings_from_json("{}", &s), 0);
    ck_assert_mem_eq(&s, &d, sizeof(s));
}
END_TEST

START_TEST(overrides_by_name)
{
    programme_settings_t s;
    ck_assert_int_eq(
        programme_settings_from_json("{\"stage1_validity_months\": 3, \"window_closing_days\": 45, "
                                     "\"unknown_member\": \"ignored\"}",
                                     &s),
        0);
    ck_assert_int_eq(s.stage1_validity_months, 3);
    ck_assert_int_eq(s.window_closing_days, 45);
    ck_assert_int_eq(s.surveillance1_start_months, 9); /* untouched */
    ck_assert_int_eq(s.recertification_lead_days, 30);
}
END_TEST

START_TEST(invalid_falls_back_to_defaults)
{
    programme_settings_t s, d;
    programme_settings_default(&d);
    const char *bad[] = {
        "{\"stage1_validity_months\": \"six\"}",  /* not an integer */
        "{\"window_closing_days\": 2.5}",         /* not an integer */
        "{\"window_closing_days\": -1}",          /* out of range */
        "{\"surveillance1_start_months\": 12}",   /* surveillance 1 must open before 12 months */
        "{\"surveillance2_start_months\": 5}",    /* before surveillance 1 opens */
        "{\"recertification_window_months\": 0}", /* an empty recertification window */
        "[1, 2]",                                 /* not an object: defaults, not an error */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = programme_settings_from_json(bad[i], &s);
        ck_assert_msg(rc == (i + 1 < sizeof(bad) / sizeof(bad[0]) ? -1 : 0), "%s: rc %d", bad[i], rc);
        ck_assert_mem_eq(&s, &d, sizeof(s));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("programme_settings");
    TCase *tc = tcase_create("settings");
    tcase_add_test(tc, absent_means_defaults);
    tcase_add_test(tc, overrides_by_name);
    tcase_add_test(tc, invalid_falls_back_to_defaults);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
