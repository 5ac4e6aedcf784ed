/*
 * Unit tests of shared/cc_settings.c: defaults, effective values (stored,
 * invalid, absent), patch checks naming the field, the rules between
 * settings, and RFC 7396 merge semantics (its appendix A cases that apply).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_problem.h"
#include "cc_settings.h"
#include "cc_test_main.h"
#include "cycle_rules.h"

static json_t *parse(const char *text)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    ck_assert_ptr_nonnull(j);
    return j;
}

static json_t *get(const json_t *doc, const char *group, const char *name)
{
    return json_object_get(json_object_get(doc, group), name);
}

/* Checks patch text; returns the number of errors and the first error's field in field (may be ""). */
static size_t check(const char *text, char field[128])
{
    json_t *patch = parse(text);
    json_t *problem = cc_problem_new(400, "validation_failed", "x");
    size_t n = cc_settings_check_patch(patch, problem);
    const char *f =
        json_string_value(json_object_get(json_array_get(json_object_get(problem, "errors"), 0), "field"));
    strcpy(field, f != NULL ? f : "");
    json_decref(problem);
    json_decref(patch);
    return n;
}

START_TEST(test_defaults)
{
    json_t *d = cc_settings_defaults();
    ck_assert_int_eq(json_integer_value(get(d, "impartiality", "conflict_years")), 2);
    ck_assert(json_real_value(get(d, "audit_time", "stage1_fraction")) == 0.30);
    ck_assert_int_eq(json_integer_value(get(d, "programme", "surveillance2_end_months")), 24);
    ck_assert_int_eq(json_integer_value(get(d, "findings", "plan_days")), 30);
    ck_assert_int_eq(json_integer_value(get(d, "findings", "closure_days")), 90);
    ck_assert_int_eq(json_integer_value(get(d, "findings", "minor_cluster")), 3);
    ck_assert_int_eq(json_integer_value(get(d, "findings", "evidence_max_bytes")), 20 * 1024 * 1024);
    size_t n;
    cc_settings_table(&n);
    ck_assert_uint_eq(json_object_size(json_object_get(d, "programme")) +
                          json_object_size(json_object_get(d, "audit_time")) +
                          json_object_size(json_object_get(d, "impartiality")) +
                          json_object_size(json_object_get(d, "findings")) +
                          json_object_size(json_object_get(d, "certificates")),
                      n);
    ck_assert_str_eq(json_string_value(get(d, "certificates", "number_pattern")), "{SLUG}-{STD}-{SEQ:6}");
    ck_assert_int_eq(json_integer_value(get(d, "certificates", "suspension_months")), 6);
    json_decref(d);
}
END_TEST

START_TEST(test_effective)
{
    json_t *stored =
        parse("{\"impartiality\":{\"conflict_years\":5},\"audit_time\":{\"stage1_fraction\":0.9},"
              "\"programme\":{\"window_closing_days\":\"x\"},\"other\":1}");
    json_t *e = cc_settings_effective(stored);
    ck_assert_int_eq(json_integer_value(get(e, "impartiality", "conflict_years")), 5);
    ck_assert(json_real_value(get(e, "audit_time", "stage1_fraction")) == 0.30); /* out of range: default */
    ck_assert_int_eq(json_integer_value(get(e, "programme", "window_closing_days")), 30);
    ck_assert_ptr_null(json_object_get(e, "other"));
    json_decref(e);
    json_decref(stored);
    e = cc_settings_effective(NULL);
    ck_assert_int_eq(json_integer_value(get(e, "findings", "plan_days")), 30);
    json_decref(e);
}
END_TEST

START_TEST(test_check_patch)
{
    char field[128];
    ck_assert_uint_eq(check("{\"impartiality\":{\"conflict_years\":3},\"programme\":null}", field), 0);
    ck_assert_uint_eq(
        check("{\"audit_time\":{\"stage1_fraction\":0.5,\"surveillance_fraction\":null}}", field), 0);
    ck_assert_uint_eq(check("{\"impartiality\":{\"conflict_years\":3.5}}", field), 1);
    ck_assert_str_eq(field, "impartiality.conflict_years");
    ck_assert_uint_eq(check("{\"audit_time\":{\"recertification_fraction\":0}}", field), 1);
    ck_assert_str_eq(field, "audit_time.recertification_fraction");
    ck_assert_uint_eq(check("{\"audit_time\":{\"recertification_fraction\":1.01}}", field), 1);
    ck_assert_uint_eq(check("{\"programme\":{\"surveillance1_start_months\":12}}", field), 1);
    ck_assert_str_eq(field, "programme.surveillance1_start_months");
    ck_assert_uint_eq(check("{\"programme\":{\"bogus\":1}}", field), 1);
    ck_assert_str_eq(field, "programme.bogus");
    ck_assert_uint_eq(check("{\"bogus\":{}}", field), 1);
    ck_assert_str_eq(field, "bogus");
    ck_assert_uint_eq(check("{\"programme\":[]}", field), 1);
    ck_assert_str_eq(field, "programme");
    ck_assert_uint_eq(check("{\"impartiality\":{\"conflict_years\":true,\"x\":1}}", field), 2);
}
END_TEST

/* certificates.number_pattern: a string the pattern rules accept (certificate_number.h). */
START_TEST(test_number_pattern_setting)
{
    char field[128];
    ck_assert_uint_eq(
        check("{\"certificates\":{\"number_pattern\":\"C-{YEAR}-{SEQ:5}\",\"suspension_months\":3}}", field),
        0);
    ck_assert_uint_eq(check("{\"certificates\":{\"number_pattern\":\"{SLUG}-{STD}\"}}", field), 1);
    ck_assert_str_eq(field, "certificates.number_pattern");
    ck_assert_uint_eq(check("{\"certificates\":{\"number_pattern\":\"A B {SEQ}\"}}", field), 1);
    ck_assert_uint_eq(check("{\"certificates\":{\"number_pattern\":7}}", field), 1);
    ck_assert_uint_eq(check("{\"certificates\":{\"suspension_months\":13}}", field), 1);
    ck_assert_str_eq(field, "certificates.suspension_months");
    json_t *stored = parse("{\"certificates\":{\"number_pattern\":\"{FOO}\"}}");
    json_t *e = cc_settings_effective(stored);
    ck_assert_str_eq(json_string_value(get(e, "certificates", "number_pattern")), "{SLUG}-{STD}-{SEQ:6}");
    json_decref(e);
    json_decref(stored);
    stored = parse("{\"certificates\":{\"number_pattern\":\"NC{SEQ:8}\"}}");
    e = cc_settings_effective(stored);
    ck_assert_str_eq(json_string_value(get(e, "certificates", "number_pattern")), "NC{SEQ:8}");
    json_decref(e);
    json_decref(stored);
}
END_TEST

START_TEST(test_check_document)
{
    json_t *problem = cc_problem_new(400, "validation_failed", "x");
    json_t *e = cc_settings_effective(NULL);
    ck_assert_uint_eq(cc_settings_check_document(e, problem), 0);
    json_decref(e);
    json_t *stored =
        parse("{\"programme\":{\"surveillance1_start_months\":10,\"surveillance2_start_months\":10,"
              "\"surveillance2_end_months\":9,\"recertification_window_months\":1,"
              "\"recertification_lead_days\":28}}");
    e = cc_settings_effective(stored);
    ck_assert_uint_eq(cc_settings_check_document(e, problem), 3);
    json_decref(e);
    json_decref(stored);
    json_decref(problem);
}
END_TEST

/* The document's rules are libccrules' own: the same faults, on the same members, as scheduling applies. */
START_TEST(test_document_rules_are_the_rules)
{
    json_t *stored =
        parse("{\"programme\":{\"surveillance1_start_months\":10,\"surveillance2_start_months\":10,"
              "\"recertification_window_months\":1,\"recertification_lead_days\":28}}");
    json_t *e = cc_settings_effective(stored), *problem = cc_problem_new(400, "validation_failed", "x");
    programme_settings_t p;
    programme_settings_default(&p);
    p.surveillance1_start_months = 10;
    p.surveillance2_start_months = 10;
    p.recertification_window_months = 1;
    p.recertification_lead_days = 28;
    programme_settings_fault_t f[PROGRAMME_SETTINGS_MAX_FAULTS];
    size_t n = programme_settings_faults(&p, f, PROGRAMME_SETTINGS_MAX_FAULTS);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(cc_settings_check_document(e, problem), n);
    json_t *errors = json_object_get(problem, "errors");
    for (size_t i = 0; i < n; i++) {
        char field[128];
        snprintf(field, sizeof(field), "programme.%s", f[i].setting);
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, i), "field")), field);
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, i), "message")),
                         f[i].message);
    }
    json_decref(e);
    json_decref(stored);
    json_decref(problem);
}
END_TEST

/* Every programme setting the API offers is one of libccrules' list, with its default. */
START_TEST(test_programme_table_is_the_rules)
{
    size_t n;
    const cc_setting_t *table = cc_settings_table(&n);
    size_t programme = 0;
    for (size_t i = 0; i < n; i++)
        programme += strcmp(table[i].group, "programme") == 0;
#define COUNT(name, lo, hi, def) +1
    ck_assert_uint_eq(programme, 0 PROGRAMME_SETTINGS(COUNT));
#undef COUNT
    programme_settings_t d;
    programme_settings_default(&d);
    json_t *defaults = cc_settings_defaults();
#define SAME_DEFAULT(name, lo, hi, def)                                                                      \
    ck_assert_int_eq(json_integer_value(get(defaults, "programme", #name)), d.name);
    PROGRAMME_SETTINGS(SAME_DEFAULT)
#undef SAME_DEFAULT
    json_decref(defaults);
}
END_TEST

/* RFC 7396 appendix A: target, patch, result. */
static void assert_merge(const char *target, const char *patch, const char *want)
{
    json_t *t = parse(target), *p = parse(patch), *w = parse(want);
    json_t *got = cc_settings_merge(t, p);
    ck_assert_msg(json_equal(got, w), "merge(%s, %s) != %s", target, patch, want);
    json_decref(got);
    json_decref(t);
    json_decref(p);
    json_decref(w);
}

START_TEST(test_merge)
{
    assert_merge("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    assert_merge("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
    assert_merge("{\"a\":\"b\"}", "{\"a\":null}", "{}");
    assert_merge("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
    assert_merge("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    assert_merge("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}");
    assert_merge("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
    assert_merge("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
    assert_merge("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
    assert_merge("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("settings_doc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_effective);
    tcase_add_test(tc, test_check_patch);
    tcase_add_test(tc, test_check_document);
    tcase_add_test(tc, test_number_pattern_setting);
    tcase_add_test(tc, test_document_rules_are_the_rules);
    tcase_add_test(tc, test_programme_table_is_the_rules);
    tcase_add_test(tc, test_merge);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
