/*
 * Audit time (services/scheduling/audit_time.c): every band of every table in
 * DOMAIN.md "Audit time" at both ends, extrapolation beyond 10700 persons, the ⌈√n⌉
 * groups, the 30 / 20 / 50 % caps, half-day rounding, the stage split, surveillance
 * and recertification, the 27001:2022 transition, IAF MD 1 sampling and the JSON
 * explanation. The expected tables are transcribed here from DOMAIN.md, not taken
 * from the module.
 */
#include "cc_test_main.h"
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scheduling/audit_time.c"
#include "scheduling/audit_time_json.c"

/* The writer's text read back with jansson, so the tests inspect values, not formatting. */
static json_t *parsed(char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    ck_assert_msg(v != NULL, "the writer wrote invalid JSON (%s): %s", e.text, text);
    free(text);
    return v;
}

static json_t *to_json(const audit_time_input_t *in, const audit_time_result_t *r)
{
    return parsed(audit_time_to_json_text(in, r, NULL));
}

static json_t *explain(const audit_time_input_t *in, const audit_time_result_t *r)
{
    cc_jsonw_t w;
    cc_jsonw_init(&w);
    audit_time_write_rules(&w, in, r);
    return parsed(cc_jsonw_finish(&w, NULL));
}

typedef struct {
    long lo, hi;
    double days;
} expect_t;

/* DOMAIN.md: ISMS (ISO/IEC 27006 table). */
static const expect_t isms_expected[] = {
    {1, 10, 5},       {11, 15, 6},       {16, 25, 7},       {26, 45, 8.5},      {46, 65, 10},
    {66, 85, 11},     {86, 125, 12},     {126, 175, 13},    {176, 275, 14},     {276, 425, 15},
    {426, 625, 16.5}, {626, 875, 17.5},  {876, 1175, 18.5}, {1176, 1550, 19.5}, {1551, 2025, 21},
    {2026, 2675, 22}, {2676, 3450, 23},  {3451, 4350, 24},  {4351, 5450, 25},   {5451, 6800, 26},
    {6801, 8500, 27}, {8501, 10700, 28},
};

/* DOMAIN.md: QMS (IAF MD 5 table QMS 1). */
static const expect_t qms_expected[] = {
    {1, 5, 1.5},      {6, 10, 2},       {11, 15, 2.5},     {16, 25, 3},      {26, 45, 4},
    {46, 65, 5},      {66, 85, 6},      {86, 125, 7},      {126, 175, 8},    {176, 275, 9},
    {276, 425, 10},   {426, 625, 11},   {626, 875, 12},    {876, 1175, 13},  {1176, 1550, 14},
    {1551, 2025, 15}, {2026, 2675, 16}, {2676, 3450, 17},  {3451, 4350, 18}, {4351, 5450, 19},
    {5451, 6800, 20}, {6801, 8500, 21}, {8501, 10700, 22},
};

/* DOMAIN.md: EMS / OH&S high / medium / low. */
typedef struct {
    long lo, hi;
    double high, medium, low;
} expect3_t;

static const expect3_t ems_ohs_expected[] = {
    {1, 5, 3, 2.5, 2.5},      {6, 10, 3.5, 3, 3},       {11, 15, 4.5, 3.5, 3},     {16, 25, 5.5, 4.5, 3.5},
    {26, 45, 7, 5.5, 4},      {46, 65, 8, 6, 4.5},      {66, 85, 9, 7, 5},         {86, 125, 11, 8, 5.5},
    {126, 175, 12, 9, 6},     {176, 275, 13, 10, 7},    {276, 425, 15, 11, 8},     {426, 625, 16, 12, 9},
    {626, 875, 17, 13, 10},   {876, 1175, 19, 15, 11},  {1176, 1550, 20, 16, 12},  {1551, 2025, 21, 17, 12},
    {2026, 2675, 23, 18, 13}, {2676, 3450, 25, 19, 14}, {3451, 4350, 27, 20, 15},  {4351, 5450, 28, 21, 16},
    {5451, 6800, 30, 23, 17}, {6801, 8500, 32, 25, 19}, {8501, 10700, 34, 27, 20},
};

/* DOMAIN.md: EMS limited. */
static const expect_t ems_limited_expected[] = {
    {1, 5, 2.5},      {6, 10, 3},        {11, 45, 3},      {46, 85, 3.5},     {86, 125, 4},
    {126, 175, 4.5},  {176, 275, 5},     {276, 425, 5.5},  {426, 625, 6},     {626, 875, 6.5},
    {876, 1175, 7},   {1176, 1550, 7.5}, {1551, 2025, 8},  {2026, 2675, 8.5}, {2676, 3450, 9},
    {3451, 4350, 10}, {4351, 5450, 11},  {5451, 6800, 12}, {6801, 8500, 13},  {8501, 10700, 14},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static audit_time_input_t input_for(const char *standard, long personnel, const char *complexity)
{
    audit_time_input_t in;
    memset(&in, 0, sizeof(in));
    in.standard = standard;
    in.personnel = personnel;
    in.complexity = complexity;
    return in;
}

static audit_time_result_t compute_ok(const audit_time_input_t *in, const audit_time_settings_t *settings)
{
    audit_time_result_t r;
    audit_time_error_t e;
    int rc = audit_time_compute(in, settings, &r, &e);
    ck_assert_msg(rc == 0, "unexpected error %d on %s: %s", rc, e.field, e.message);
    return r;
}

static void expect_error(const audit_time_input_t *in, const audit_time_settings_t *settings, int code,
                         const char *field)
{
    audit_time_result_t r;
    audit_time_error_t e;
    int rc = audit_time_compute(in, settings, &r, &e);
    ck_assert_msg(rc == code, "expected %d, got %d (%s: %s)", code, rc, e.field, e.message);
    ck_assert_int_eq(e.code, code);
    ck_assert_str_eq(e.field, field);
    ck_assert(strlen(e.message) > 0);
}

static void check_band(const char *standard, const char *complexity, long persons, double days, long lo,
                       long hi)
{
    audit_time_input_t in = input_for(standard, persons, complexity);
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_msg(r.initial_days == days, "%s %s %ld persons: got %g days, want %g", standard,
                  complexity ? complexity : "", persons, r.initial_days, days);
    ck_assert_uint_eq(r.n_lookups, 1);
    ck_assert_msg(r.lookups[0].days == days, "%s %ld: lookup %g", standard, persons, r.lookups[0].days);
    ck_assert_int_eq(r.lookups[0].band_min, lo);
    ck_assert_int_eq(r.lookups[0].band_max, hi);
    ck_assert(!r.extrapolated);
    ck_assert_double_eq(r.stage1_days + r.stage2_days, r.initial_days);
}

static void check_single_table(const char *standard, const char *complexity, const expect_t *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            ck_assert_int_eq(t[i].lo, t[i - 1].hi + 1); /* the transcription is contiguous */
        check_band(standard, complexity, t[i].lo, t[i].days, t[i].lo, t[i].hi);
        check_band(standard, complexity, t[i].hi, t[i].days, t[i].lo, t[i].hi);
    }
    ck_assert_int_eq(t[0].lo, 1);
    ck_assert_int_eq(t[n - 1].hi, 10700);
}

static void check_three_columns(const char *standard)
{
    for (size_t i = 0; i < COUNT(ems_ohs_expected); i++) {
        const expect3_t *b = &ems_ohs_expected[i];
        if (i > 0)
            ck_assert_int_eq(b->lo, ems_ohs_expected[i - 1].hi + 1);
        long ends[2] = {b->lo, b->hi};
        for (int j = 0; j < 2; j++) {
            check_band(standard, "high", ends[j], b->high, b->lo, b->hi);
            check_band(standard, "medium", ends[j], b->medium, b->lo, b->hi);
            check_band(standard, "low", ends[j], b->low, b->lo, b->hi);
        }
    }
}

/* ------------------------------------------------------------------ tables */

START_TEST(isms_2022_every_band)
{
    check_single_table(AUDIT_TIME_ISO27001_2022, NULL, isms_expected, COUNT(isms_expected));
}
END_TEST

START_TEST(isms_2013_every_band)
{
    check_single_table(AUDIT_TIME_ISO27001_2013, NULL, isms_expected, COUNT(isms_expected));
}
END_TEST

START_TEST(qms_every_band)
{
    check_single_table(AUDIT_TIME_ISO9001_2015, NULL, qms_expected, COUNT(qms_expected));
}
END_TEST

START_TEST(ems_every_band_high_medium_low)
{
    check_three_columns(AUDIT_TIME_ISO14001_2015);
}
END_TEST

START_TEST(ohs_every_band_high_medium_low)
{
    check_three_columns(AUDIT_TIME_ISO45001_2018);
}
END_TEST

START_TEST(ems_limited_every_band)
{
    check_single_table(AUDIT_TIME_ISO14001_2015, "limited", ems_limited_expected,
                       COUNT(ems_limited_expected));
}
END_TEST

START_TEST(complexity_is_ignored_for_isms_and_qms)
{
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, "high");
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 12);
    in = input_for(AUDIT_TIME_ISO9001_2015, 100, "low");
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 7);
}
END_TEST

/* ------------------------------------------------------------------ extrapolation */

static void check_extrapolated(const char *standard, const char *complexity, long persons, double days,
                               long lo, long hi)
{
    audit_time_input_t in = input_for(standard, persons, complexity);
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_msg(r.initial_days == days, "%s %s %ld: got %g want %g", standard, complexity ? complexity : "",
                  persons, r.initial_days, days);
    ck_assert(r.extrapolated);
    ck_assert(r.lookups[0].extrapolated);
    ck_assert_int_eq(r.lookups[0].band_min, lo);
    ck_assert_int_eq(r.lookups[0].band_max, hi);
    ck_assert_int_eq(r.lookups[0].extrapolation_band_width, 2200);
}

START_TEST(extrapolation_beyond_10700)
{
    /* ISMS: 27 -> 28 over the last band: +1 day per further 2200 persons. */
    check_extrapolated(AUDIT_TIME_ISO27001_2022, NULL, 10701, 29, 10701, 12900);
    check_extrapolated(AUDIT_TIME_ISO27001_2022, NULL, 12900, 29, 10701, 12900);
    check_extrapolated(AUDIT_TIME_ISO27001_2022, NULL, 12901, 30, 12901, 15100);
    check_extrapolated(AUDIT_TIME_ISO27001_2022, NULL, 15101, 31, 15101, 17300);
    check_extrapolated(AUDIT_TIME_ISO27001_2022, NULL, 32700, 38, 30501, 32700);
    /* QMS 21 -> 22: +1. */
    check_extrapolated(AUDIT_TIME_ISO9001_2015, NULL, 10701, 23, 10701, 12900);
    check_extrapolated(AUDIT_TIME_ISO9001_2015, NULL, 13000, 24, 12901, 15100);
    /* EMS / OH&S: high 32 -> 34 (+2), medium 25 -> 27 (+2), low 19 -> 20 (+1). */
    check_extrapolated(AUDIT_TIME_ISO14001_2015, "high", 10701, 36, 10701, 12900);
    check_extrapolated(AUDIT_TIME_ISO14001_2015, "medium", 10701, 29, 10701, 12900);
    check_extrapolated(AUDIT_TIME_ISO14001_2015, "low", 10701, 21, 10701, 12900);
    check_extrapolated(AUDIT_TIME_ISO45001_2018, "high", 12901, 38, 12901, 15100);
    check_extrapolated(AUDIT_TIME_ISO45001_2018, "medium", 12901, 31, 12901, 15100);
    check_extrapolated(AUDIT_TIME_ISO45001_2018, "low", 12901, 22, 12901, 15100);
    /* EMS limited 13 -> 14: +1. */
    check_extrapolated(AUDIT_TIME_ISO14001_2015, "limited", 10701, 15, 10701, 12900);
    check_extrapolated(AUDIT_TIME_ISO14001_2015, "limited", 15100, 16, 12901, 15100);

    /* The explanation says so. */
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 20000, NULL);
    audit_time_result_t r = compute_ok(&in, NULL);
    json_t *rules = explain(&in, &r);
    json_t *lookup_rule = json_array_get(rules, 0);
    ck_assert_str_eq(json_string_value(json_object_get(lookup_rule, "rule")), "table_lookup");
    json_t *res = json_object_get(lookup_rule, "result");
    ck_assert(json_is_true(json_object_get(res, "extrapolated")));
    ck_assert(json_is_string(json_object_get(res, "extrapolation")));
    json_decref(rules);
    json_t *body = to_json(&in, &r);
    ck_assert(json_is_true(json_object_get(body, "extrapolated")));
    json_decref(body);

    /* The last table band is not extrapolated. */
    in = input_for(AUDIT_TIME_ISO27001_2022, 10700, NULL);
    r = compute_ok(&in, NULL);
    ck_assert(!r.extrapolated);
    rules = explain(&in, &r);
    ck_assert(
        json_is_false(json_object_get(json_object_get(json_array_get(rules, 0), "result"), "extrapolated")));
    json_decref(rules);
}
END_TEST

/* ------------------------------------------------------------------ ⌈√n⌉ groups */

START_TEST(identical_groups_counted_as_ceil_sqrt)
{
    audit_time_group_t g[2] = {{50, "call-centre agents on one script"}, {0, NULL}};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    in.groups = g, in.n_groups = 1;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_int_eq(r.effective_personnel, 58); /* 50 + ⌈√50⌉ = 50 + 8 */
    ck_assert_double_eq(r.initial_days, 10);     /* 46-65 */

    g[0].headcount = 100; /* everyone: ⌈√100⌉ = 10 */
    r = compute_ok(&in, NULL);
    ck_assert_int_eq(r.effective_personnel, 10);
    ck_assert_double_eq(r.initial_days, 5);

    /* perfect squares and just beyond */
    g[0].headcount = 16;
    ck_assert_int_eq(compute_ok(&in, NULL).effective_personnel, 84 + 4);
    g[0].headcount = 17;
    ck_assert_int_eq(compute_ok(&in, NULL).effective_personnel, 83 + 5);
    g[0].headcount = 1;
    ck_assert_int_eq(compute_ok(&in, NULL).effective_personnel, 100);

    /* two groups */
    in.personnel = 200;
    g[0] = (audit_time_group_t){64, "warehouse pickers"};
    g[1] = (audit_time_group_t){65, "drivers"};
    in.n_groups = 2;
    r = compute_ok(&in, NULL);
    ck_assert_int_eq(r.effective_personnel, 200 - 129 + 8 + 9);
    ck_assert_double_eq(r.initial_days, 12); /* 88 persons: 86-125 */
}
END_TEST

START_TEST(identical_groups_need_a_justification)
{
    audit_time_group_t g[2] = {{10, "ok"}, {20, NULL}};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    in.groups = g, in.n_groups = 2;
    expect_error(&in, NULL, AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED,
                 "identical_activity_groups[1].justification");
    g[1].justification = "";
    expect_error(&in, NULL, AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED,
                 "identical_activity_groups[1].justification");
    g[1].justification = "  \t ";
    expect_error(&in, NULL, AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED,
                 "identical_activity_groups[1].justification");
    ck_assert_str_eq(audit_time_error_code(AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED), "justification_required");
}
END_TEST

START_TEST(identical_groups_bounded_by_personnel)
{
    audit_time_group_t g[2] = {{101, "x"}, {1, "y"}};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    in.groups = g, in.n_groups = 1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "identical_activity_groups[0].headcount");
    g[0].headcount = 0;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "identical_activity_groups[0].headcount");
    g[0].headcount = -3;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "identical_activity_groups[0].headcount");
    g[0].headcount = 100, in.n_groups = 2; /* 100 + 1 > 100 */
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "identical_activity_groups");
    g[0].headcount = 99; /* exactly the personnel: allowed */
    ck_assert_int_eq(compute_ok(&in, NULL).effective_personnel, 10 + 1);
}
END_TEST

START_TEST(identical_groups_apply_to_isms_only)
{
    audit_time_group_t g = {50, "identical"};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO9001_2015, 100, NULL);
    in.groups = &g, in.n_groups = 1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "identical_activity_groups");

    /* integrated ISMS + QMS: the ISMS table uses 58, the QMS table 100 */
    const char *integrated[] = {AUDIT_TIME_ISO9001_2015};
    in.standard = AUDIT_TIME_ISO27001_2022;
    in.integrated_standards = integrated, in.n_integrated_standards = 1;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_int_eq(r.lookups[0].personnel, 58);
    ck_assert_double_eq(r.lookups[0].days, 10);
    ck_assert_int_eq(r.lookups[1].personnel, 100);
    ck_assert_double_eq(r.lookups[1].days, 7);
    ck_assert_double_eq(r.initial_days, 17);
}
END_TEST

/* ------------------------------------------------------------------ caps */

START_TEST(adjustment_cap_at_and_beyond_30)
{
    audit_time_adjustment_t a[3] = {{-30, "mature ISMS"}, {0, NULL}, {0, NULL}};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL); /* 12 days */
    in.adjustments = a, in.n_adjustments = 1;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.reductions_percent, 30);
    ck_assert_double_eq(r.initial_days, 8.5); /* 8.4 */

    a[0].percent = -30.5;
    expect_error(&in, NULL, AUDIT_TIME_ERR_ADJUSTMENT_CAP, "adjustments");

    /* the sum of several reductions */
    a[0] = (audit_time_adjustment_t){-20, "low risk"};
    a[1] = (audit_time_adjustment_t){-10, "automation"};
    in.n_adjustments = 2;
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 8.5);
    a[1].percent = -10.1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_ADJUSTMENT_CAP, "adjustments");
    a[0].percent = -19.9, a[1].percent = -10.1; /* 30.000000000000004 in doubles: at the cap */
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 8.5);

    /* increases are allowed and are not netted against the reductions' cap */
    a[0] = (audit_time_adjustment_t){-30, "low risk"};
    a[1] = (audit_time_adjustment_t){+10, "complex logistics"};
    r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.net_adjustment_percent, -20);
    ck_assert_double_eq(r.initial_days, 9.5); /* 9.6 */
    a[0].percent = -31;
    expect_error(&in, NULL, AUDIT_TIME_ERR_ADJUSTMENT_CAP, "adjustments");

    a[0] = (audit_time_adjustment_t){+10, "many shifts"};
    in.n_adjustments = 1;
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 13); /* 13.2 */

    ck_assert_str_eq(audit_time_error_code(AUDIT_TIME_ERR_ADJUSTMENT_CAP), "adjustment_cap_exceeded");
    ck_assert_int_eq(audit_time_error_status(AUDIT_TIME_ERR_ADJUSTMENT_CAP), 422);
}
END_TEST

START_TEST(adjustments_validated)
{
    audit_time_adjustment_t a = {-10, NULL};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    in.adjustments = &a, in.n_adjustments = 1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED, "adjustments[0].reason");
    a.reason = " ";
    expect_error(&in, NULL, AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED, "adjustments[0].reason");
    a = (audit_time_adjustment_t){0, "nothing"};
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "adjustments[0].percent");
    a.percent = NAN;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "adjustments[0].percent");
    a.percent = 100.5;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "adjustments[0].percent");
    a.percent = 100;
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 24);
}
END_TEST

START_TEST(integration_cap_at_and_beyond_20)
{
    const char *integrated[] = {AUDIT_TIME_ISO9001_2015};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    in.integrated_standards = integrated, in.n_integrated_standards = 1;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.table_days, 19); /* 12 + 7 */
    ck_assert_double_eq(r.initial_days, 19);

    in.integration_reduction_percent = 20;
    r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.initial_days, 15); /* 15.2 */

    in.integration_reduction_percent = 20.5;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INTEGRATION_CAP, "integration_reduction_percent");
    ck_assert_str_eq(audit_time_error_code(AUDIT_TIME_ERR_INTEGRATION_CAP), "integration_cap_exceeded");
    ck_assert_int_eq(audit_time_error_status(AUDIT_TIME_ERR_INTEGRATION_CAP), 422);

    in.integration_reduction_percent = -1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "integration_reduction_percent");

    /* both caps at once: 19 * 0.7 * 0.8 = 10.64 */
    audit_time_adjustment_t a = {-30, "mature"};
    in.adjustments = &a, in.n_adjustments = 1;
    in.integration_reduction_percent = 20;
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 10.5);

    /* a reduction without an integrated standard */
    audit_time_input_t single = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    single.integration_reduction_percent = 10;
    expect_error(&single, NULL, AUDIT_TIME_ERR_INVALID, "integration_reduction_percent");
}
END_TEST

START_TEST(integrated_standards_validated)
{
    const char *integrated[] = {AUDIT_TIME_ISO14001_2015, "ISO 22301:2019"};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, "medium");
    in.integrated_standards = integrated, in.n_integrated_standards = 2;
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "integrated_standards[1]");

    integrated[1] = AUDIT_TIME_ISO27001_2013; /* a second ISMS */
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "integrated_standards[1]");
    integrated[1] = AUDIT_TIME_ISO14001_2015; /* a duplicate */
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "integrated_standards[1]");

    /* four standards, one complexity for EMS and OH&S */
    const char *all[] = {AUDIT_TIME_ISO9001_2015, AUDIT_TIME_ISO14001_2015, AUDIT_TIME_ISO45001_2018};
    in.integrated_standards = all, in.n_integrated_standards = 3;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_uint_eq(r.n_lookups, 4);
    ck_assert_double_eq(r.table_days, 12 + 7 + 8 + 8);
    in.complexity = NULL;
    expect_error(&in, NULL, AUDIT_TIME_ERR_COMPLEXITY_REQUIRED, "complexity");
    in.complexity = "limited"; /* OH&S has no limited column */
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity");
}
END_TEST

START_TEST(site_cap_at_and_beyond_50)
{
    audit_time_site_reduction_t s[2] = {{"Lyon", 50}, {"Gent", 10}};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    in.sites = 5;
    in.site_reductions = s, in.n_site_reductions = 2;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.max_site_reduction_percent, 50);
    s[0].percent = 50.5;
    expect_error(&in, NULL, AUDIT_TIME_ERR_SITE_CAP, "site_reductions[0]");
    ck_assert_str_eq(audit_time_error_code(AUDIT_TIME_ERR_SITE_CAP), "site_cap_exceeded");
    ck_assert_int_eq(audit_time_error_status(AUDIT_TIME_ERR_SITE_CAP), 422);

    /* in total: a general 20 % reduction leaves 37.5 % for the site (1 - 0.8 * 0.625 = 0.5) */
    audit_time_adjustment_t a = {-20, "low risk"};
    in.adjustments = &a, in.n_adjustments = 1;
    s[0].percent = 37.5;
    r = compute_ok(&in, NULL);
    ck_assert(fabs(r.max_site_reduction_percent - 50) < 1e-9);
    s[0].percent = 37.6;
    expect_error(&in, NULL, AUDIT_TIME_ERR_SITE_CAP, "site_reductions[0]");

    /* with the integration reduction too: 1 - 0.7 * 0.8 = 44 % before any site reduction */
    const char *integrated[] = {AUDIT_TIME_ISO9001_2015};
    in.integrated_standards = integrated, in.n_integrated_standards = 1;
    in.integration_reduction_percent = 20;
    a.percent = -30;
    s[0].percent = 10, s[1].percent = 0; /* 1 - 0.56 * 0.9 = 49.6 % */
    compute_ok(&in, NULL);
    s[1].percent = 11; /* 1 - 0.56 * 0.89 = 50.16 % */
    expect_error(&in, NULL, AUDIT_TIME_ERR_SITE_CAP, "site_reductions[1]");

    /* malformed */
    s[1].percent = -1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "site_reductions[1]");
    in.sites = 1; /* two reductions, one site */
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "sites");
}
END_TEST

/* ------------------------------------------------------------------ rounding */

START_TEST(half_day_rounding_ties_up)
{
    ck_assert_double_eq(audit_time_round_half_day(2.25), 2.5);
    ck_assert_double_eq(audit_time_round_half_day(2.75), 3.0);
    ck_assert_double_eq(audit_time_round_half_day(2.24), 2.0);
    ck_assert_double_eq(audit_time_round_half_day(2.26), 2.5);
    ck_assert_double_eq(audit_time_round_half_day(2.74), 2.5);
    ck_assert_double_eq(audit_time_round_half_day(2.5), 2.5);
    ck_assert_double_eq(audit_time_round_half_day(3.0), 3.0);
    ck_assert_double_eq(audit_time_round_half_day(0.25), 0.5);
    ck_assert_double_eq(audit_time_round_half_day(0.2), 0.0);

    /* through the calculation: 5 * 0.85 = 4.25 -> 4.5; 5 * 0.95 = 4.75 -> 5.0; 5 * 0.75 = 3.75 -> 4.0 */
    audit_time_adjustment_t a = {-15, "r"};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 10, NULL);
    in.adjustments = &a, in.n_adjustments = 1;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert(fabs(r.unrounded_days - 4.25) < 1e-9);
    ck_assert_double_eq(r.initial_days, 4.5);
    a.percent = -5;
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 5.0);
    a.percent = -25;
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 4.0);
    a.percent = -27; /* 3.65 -> 3.5 */
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 3.5);
}
END_TEST

START_TEST(onsite_minimum_80_percent_rounded_up)
{
    struct {
        long persons;
        double initial, onsite;
    } cases[] = {
        {10, 5, 4.0},      /* 4.0 exactly */
        {30, 8.5, 7.0},    /* 6.8 */
        {100, 12, 10.0},   /* 9.6 */
        {500, 16.5, 13.5}, /* 13.2 */
        {700, 17.5, 14.0}, /* 14.0 exactly */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, cases[i].persons, NULL);
        audit_time_result_t r = compute_ok(&in, NULL);
        ck_assert_double_eq(r.initial_days, cases[i].initial);
        ck_assert_double_eq(r.onsite_min_initial_days, cases[i].onsite);
        ck_assert(r.onsite_min_initial_days >= 0.8 * r.initial_days);
        ck_assert(r.onsite_min_surveillance_days >= 0.8 * r.surveillance_days);
        ck_assert(r.onsite_min_recertification_days >= 0.8 * r.recertification_days);
        ck_assert(r.onsite_min_surveillance_days - 0.5 < 0.8 * r.surveillance_days);
    }
    /* QMS 1-5: 1.5 days -> 1.2 -> 1.5; surveillance 0.5 -> 0.4 -> 0.5; recert 1.0 -> 0.8 -> 1.0 */
    audit_time_input_t in = input_for(AUDIT_TIME_ISO9001_2015, 3, NULL);
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.onsite_min_initial_days, 1.5);
    ck_assert_double_eq(r.surveillance_days, 0.5);
    ck_assert_double_eq(r.onsite_min_surveillance_days, 0.5);
    ck_assert_double_eq(r.recertification_days, 1.0);
    ck_assert_double_eq(r.onsite_min_recertification_days, 1.0);
}
END_TEST

START_TEST(stage_split)
{
    struct {
        const char *standard;
        long persons;
        double initial, stage1, stage2;
    } cases[] = {
        {AUDIT_TIME_ISO27001_2022, 10, 5, 1.5, 3.5},      /* 1.5 */
        {AUDIT_TIME_ISO27001_2022, 30, 8.5, 2.5, 6.0},    /* 2.55 */
        {AUDIT_TIME_ISO27001_2022, 100, 12, 3.5, 8.5},    /* 3.6 */
        {AUDIT_TIME_ISO27001_2022, 10700, 28, 8.5, 19.5}, /* 8.4 */
        {AUDIT_TIME_ISO9001_2015, 5, 1.5, 0.5, 1.0},      /* 0.45 */
        {AUDIT_TIME_ISO9001_2015, 15, 2.5, 1.0, 1.5},     /* 0.75: a tie, up */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        audit_time_input_t in = input_for(cases[i].standard, cases[i].persons, NULL);
        audit_time_result_t r = compute_ok(&in, NULL);
        ck_assert_double_eq(r.initial_days, cases[i].initial);
        ck_assert_double_eq(r.stage1_days, cases[i].stage1);
        ck_assert_double_eq(r.stage2_days, cases[i].stage2);
        ck_assert_double_eq(r.stage1_fraction, 0.30);
    }
    /* the smallest initial time: QMS 1.5 * 0.7 = 1.05 -> 1.0: 0.5 + 0.5 */
    audit_time_adjustment_t a = {-30, "r"};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO9001_2015, 1, NULL);
    in.adjustments = &a, in.n_adjustments = 1;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.initial_days, 1.0);
    ck_assert_double_eq(r.stage1_days, 0.5);
    ck_assert_double_eq(r.stage2_days, 0.5);

    /* a tenant's stage 1 fraction; stage 2 keeps at least half a day */
    audit_time_settings_t st = {0, 0, 0.5};
    r = compute_ok(&in, &st);
    ck_assert_double_eq(r.stage1_days, 0.5);
    ck_assert_double_eq(r.stage2_days, 0.5);
    in.n_adjustments = 0; /* 1.5 * 0.5 = 0.75 -> 1.0 */
    r = compute_ok(&in, &st);
    ck_assert_double_eq(r.stage1_days, 1.0);
    ck_assert_double_eq(r.stage2_days, 0.5);
    st.stage1_fraction = 0.6;
    expect_error(&in, &st, AUDIT_TIME_ERR_INVALID, "settings.stage1_fraction");
    st.stage1_fraction = -0.1;
    expect_error(&in, &st, AUDIT_TIME_ERR_INVALID, "settings.stage1_fraction");
}
END_TEST

START_TEST(surveillance_and_recertification_fractions)
{
    struct {
        const char *standard;
        long persons;
        double initial, surv, recert;
    } cases[] = {
        {AUDIT_TIME_ISO27001_2022, 10, 5, 1.5, 3.5},    /* 1.667, 3.333 */
        {AUDIT_TIME_ISO27001_2022, 30, 8.5, 3.0, 5.5},  /* 2.833, 5.667 */
        {AUDIT_TIME_ISO27001_2022, 100, 12, 4.0, 8.0},  /* exact */
        {AUDIT_TIME_ISO27001_2022, 500, 16.5, 5.5, 11}, /* exact */
        {AUDIT_TIME_ISO9001_2015, 20, 3, 1.0, 2.0},
        {AUDIT_TIME_ISO9001_2015, 12, 2.5, 1.0, 1.5}, /* 0.833, 1.667 */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        audit_time_input_t in = input_for(cases[i].standard, cases[i].persons, NULL);
        audit_time_result_t r = compute_ok(&in, NULL);
        ck_assert_double_eq(r.initial_days, cases[i].initial);
        ck_assert_double_eq(r.surveillance_days, cases[i].surv);
        ck_assert_double_eq(r.recertification_days, cases[i].recert);
        ck_assert(!r.fractions_from_settings);
    }

    /* ISMS: the tenant's fractions apply */
    audit_time_settings_t st = {0.25, 0.5, 0};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    audit_time_result_t r = compute_ok(&in, &st);
    ck_assert(r.fractions_from_settings);
    ck_assert_double_eq(r.surveillance_days, 3.0);
    ck_assert_double_eq(r.recertification_days, 6.0);
    st = (audit_time_settings_t){0.3, 0, 0}; /* 3.6 -> 3.5; recert keeps its default */
    r = compute_ok(&in, &st);
    ck_assert_double_eq(r.surveillance_days, 3.5);
    ck_assert_double_eq(r.recertification_days, 8.0);

    /* MD 5 standards keep 1/3 and 2/3 */
    st = (audit_time_settings_t){0.25, 0.5, 0};
    in = input_for(AUDIT_TIME_ISO9001_2015, 100, NULL);
    r = compute_ok(&in, &st);
    ck_assert(!r.fractions_from_settings);
    ck_assert_double_eq(r.surveillance_days, 2.5);    /* 7 / 3 = 2.33 */
    ck_assert_double_eq(r.recertification_days, 4.5); /* 4.67 */

    st.surveillance_fraction = 1.5;
    expect_error(&in, &st, AUDIT_TIME_ERR_INVALID, "settings.surveillance_fraction");
    st.surveillance_fraction = 0.3, st.recertification_fraction = -1;
    expect_error(&in, &st, AUDIT_TIME_ERR_INVALID, "settings.recertification_fraction");
}
END_TEST

/* ------------------------------------------------------------------ transition */

START_TEST(transition_with_recertification_or_otherwise)
{
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    in.transition = true;
    in.transition_with = AUDIT_TIME_TRANSITION_WITH_RECERTIFICATION;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.transition_days, 0.5);
    ck_assert_double_eq(r.recertification_days, 8);
    ck_assert_double_eq(r.transition_audit_days, 8.5);
    ck_assert_double_eq(r.initial_days, 12); /* untouched */

    in.transition_with = AUDIT_TIME_TRANSITION_WITH_SURVEILLANCE;
    r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.transition_days, 1.0);
    ck_assert_double_eq(r.transition_audit_days, 5.0);
    ck_assert_double_eq(r.surveillance_days, 4.0);

    in.transition_with = AUDIT_TIME_TRANSITION_SEPARATE;
    r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.transition_days, 1.0);
    ck_assert_double_eq(r.transition_audit_days, 1.0);

    in.transition_with = (audit_time_transition_with_t)7;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "transition");

    /* no transition, no days */
    in.transition = false;
    r = compute_ok(&in, NULL);
    ck_assert_double_eq(r.transition_days, 0);

    /* only towards 27001:2022 */
    in = input_for(AUDIT_TIME_ISO27001_2013, 100, NULL);
    in.transition = true;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "transition");
    in.standard = AUDIT_TIME_ISO9001_2015;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "transition");
    const char *integrated[] = {AUDIT_TIME_ISO27001_2022};
    in.integrated_standards = integrated, in.n_integrated_standards = 1;
    ck_assert_double_eq(compute_ok(&in, NULL).transition_days, 0.5);
}
END_TEST

/* ------------------------------------------------------------------ sampling */

START_TEST(multi_site_sampling)
{
    struct {
        long x, initial, surveillance, recert, r_initial, r_surveillance, r_recert;
    } cases[] = {
        {0, 0, 0, 0, 0, 0, 0},  {1, 1, 1, 1, 1, 1, 1},    {2, 2, 1, 2, 1, 1, 1},  {4, 2, 2, 2, 1, 1, 1},
        {5, 3, 2, 2, 1, 1, 1},  {9, 3, 2, 3, 1, 1, 1},    {10, 4, 2, 3, 1, 1, 1}, {17, 5, 3, 4, 2, 1, 1},
        {25, 5, 3, 4, 2, 1, 1}, {100, 10, 6, 8, 3, 2, 2},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
        in.sites = cases[i].x + 1;
        audit_time_result_t r = compute_ok(&in, NULL);
        ck_assert(r.sampling_allowed);
        ck_assert_int_eq(r.other_sites, cases[i].x);
        ck_assert_msg(r.initial_sample.sample == cases[i].initial, "x=%ld initial %ld", cases[i].x,
                      r.initial_sample.sample);
        ck_assert_msg(r.surveillance_sample.sample == cases[i].surveillance, "x=%ld surveillance %ld",
                      cases[i].x, r.surveillance_sample.sample);
        ck_assert_msg(r.recertification_sample.sample == cases[i].recert, "x=%ld recert %ld", cases[i].x,
                      r.recertification_sample.sample);
        ck_assert_int_eq(r.initial_sample.random, cases[i].r_initial);
        ck_assert_int_eq(r.surveillance_sample.random, cases[i].r_surveillance);
        ck_assert_int_eq(r.recertification_sample.random, cases[i].r_recert);
        ck_assert_int_eq(r.initial_sample.visits, cases[i].initial + 1); /* the central function */
        ck_assert_int_eq(r.surveillance_sample.visits, cases[i].surveillance + 1);
        ck_assert_int_eq(r.recertification_sample.visits, cases[i].recert + 1);
    }
    /* sites 0 means a single site */
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_int_eq(r.sites, 1);
    ck_assert_int_eq(r.other_sites, 0);
    ck_assert_int_eq(r.initial_sample.visits, 1);
    in.sites = -1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "sites");
    in.sites = AUDIT_TIME_MAX_SITES + 1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "sites");
}
END_TEST

START_TEST(multi_site_without_sampling)
{
    struct {
        long x, surveillance;
    } cases[] = {{0, 0}, {1, 1}, {2, 1}, {4, 2}, {5, 2}, {10, 3}, {17, 6}, {100, 30}};
    for (size_t i = 0; i < COUNT(cases); i++) {
        audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 100, NULL);
        in.sites = cases[i].x + 1;
        in.sampling_not_allowed = true;
        audit_time_result_t r = compute_ok(&in, NULL);
        ck_assert(!r.sampling_allowed);
        ck_assert_int_eq(r.initial_sample.sample, cases[i].x);
        ck_assert_int_eq(r.recertification_sample.sample, cases[i].x);
        ck_assert_msg(r.surveillance_sample.sample == cases[i].surveillance, "x=%ld: %ld", cases[i].x,
                      r.surveillance_sample.sample);
        ck_assert_int_eq(r.initial_sample.random, 0);
        ck_assert_int_eq(r.initial_sample.visits, cases[i].x + 1);
    }
}
END_TEST

/* ------------------------------------------------------------------ validation */

START_TEST(input_validation)
{
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 0, NULL);
    expect_error(&in, NULL, AUDIT_TIME_ERR_PERSONNEL, "personnel");
    in.personnel = -5;
    expect_error(&in, NULL, AUDIT_TIME_ERR_PERSONNEL, "personnel");
    in.personnel = AUDIT_TIME_MAX_PERSONNEL + 1;
    expect_error(&in, NULL, AUDIT_TIME_ERR_PERSONNEL, "personnel");
    in.personnel = AUDIT_TIME_MAX_PERSONNEL;
    compute_ok(&in, NULL);
    in.personnel = 1;
    ck_assert_double_eq(compute_ok(&in, NULL).initial_days, 5);

    in.standard = NULL;
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard");
    in.standard = "ISO 27001";
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard");
    in.standard = "iso/iec 27001:2022";
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard");

    in = input_for(AUDIT_TIME_ISO14001_2015, 10, NULL);
    expect_error(&in, NULL, AUDIT_TIME_ERR_COMPLEXITY_REQUIRED, "complexity");
    in.complexity = "";
    expect_error(&in, NULL, AUDIT_TIME_ERR_COMPLEXITY_REQUIRED, "complexity");
    in = input_for(AUDIT_TIME_ISO45001_2018, 10, NULL);
    expect_error(&in, NULL, AUDIT_TIME_ERR_COMPLEXITY_REQUIRED, "complexity");
    in.complexity = "limited";
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity");
    in.complexity = "extreme";
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity");
    in.complexity = "High";
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity");
    in = input_for(AUDIT_TIME_ISO9001_2015, 10, "bogus");
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity");

    /* a NULL error pointer is allowed */
    audit_time_result_t r;
    ck_assert_int_eq(audit_time_compute(&in, NULL, &r, NULL), AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY);

    /* codes and statuses */
    int codes[] = {AUDIT_TIME_ERR_INVALID,
                   AUDIT_TIME_ERR_UNKNOWN_STANDARD,
                   AUDIT_TIME_ERR_PERSONNEL,
                   AUDIT_TIME_ERR_COMPLEXITY_REQUIRED,
                   AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY,
                   AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED,
                   AUDIT_TIME_ERR_ADJUSTMENT_CAP,
                   AUDIT_TIME_ERR_INTEGRATION_CAP,
                   AUDIT_TIME_ERR_SITE_CAP};
    for (size_t i = 0; i < COUNT(codes); i++) {
        ck_assert_int_eq(audit_time_error_status(codes[i]), i < 6 ? 400 : 422);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(audit_time_error_code(codes[i]), audit_time_error_code(codes[j]));
    }
    ck_assert_str_eq(audit_time_error_code(-99), "internal_error");
    ck_assert_int_eq(audit_time_error_status(-99), 500);
    ck_assert_int_eq(audit_time_error_status(AUDIT_TIME_OK), 200);
}
END_TEST

/* ------------------------------------------------------------------ JSON */

/* A standard named by its catalogue code computes as by its reference, and the answer names the reference. */
START_TEST(standards_by_code)
{
    static const char *const pairs[][2] = {
        {"ISO27001:2022", AUDIT_TIME_ISO27001_2022}, {"ISO27001:2013", AUDIT_TIME_ISO27001_2013},
        {"ISO9001:2015", AUDIT_TIME_ISO9001_2015},   {"ISO14001:2015", AUDIT_TIME_ISO14001_2015},
        {"ISO45001:2018", AUDIT_TIME_ISO45001_2018},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        audit_time_input_t by_code = input_for(pairs[i][0], 700, "medium");
        audit_time_input_t by_reference = input_for(pairs[i][1], 700, "medium");
        audit_time_result_t a = compute_ok(&by_code, NULL), b = compute_ok(&by_reference, NULL);
        ck_assert_str_eq(a.standard, pairs[i][1]);
        ck_assert_str_eq(a.lookups[0].standard, pairs[i][1]);
        ck_assert(a.initial_days == b.initial_days && a.stage1_days == b.stage1_days);
    }
    /* integrated standards too, and the same standard twice (code and reference) is refused */
    const char *integrated[] = {"ISO9001:2015"};
    audit_time_input_t in = input_for("ISO27001:2022", 50, NULL);
    in.integrated_standards = integrated;
    in.n_integrated_standards = 1;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_str_eq(r.lookups[1].standard, AUDIT_TIME_ISO9001_2015);
    const char *same[] = {AUDIT_TIME_ISO27001_2022};
    in.integrated_standards = same;
    expect_error(&in, NULL, AUDIT_TIME_ERR_INVALID, "integrated_standards[0]");
    /* codes are exact: no case folding, no near misses */
    in = input_for("iso27001:2022", 50, NULL);
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard");
    in = input_for("ISO27001", 50, NULL);
    expect_error(&in, NULL, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard");
}
END_TEST

/* The two figures the explanation takes from the calculation rather than computing itself. */
START_TEST(explanation_helpers)
{
    static const long counted[][2] = {{0, 0}, {1, 1},    {2, 2},    {4, 2},
                                      {5, 3}, {100, 10}, {101, 11}, {10000, 100}};
    for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++)
        ck_assert_int_eq(audit_time_counted_as(counted[i][0]), counted[i][1]);
    audit_time_result_t r;
    memset(&r, 0, sizeof(r));
    r.net_adjustment_percent = -20;
    r.integration_reduction_percent = 10;
    /* 1 - 0.8 * 0.9 * (1 - 0.25) = 0.46 */
    ck_assert(fabs(audit_time_site_total_reduction(&r, 25) - 46.0) < 1e-9);
    ck_assert(fabs(audit_time_site_total_reduction(&r, 0) - 28.0) < 1e-9);
}
END_TEST

static json_t *find_rule(json_t *rules, const char *name)
{
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "rule")), name) == 0)
            return r;
    }
    return NULL;
}

START_TEST(explanation_shape)
{
    const char *integrated[] = {AUDIT_TIME_ISO9001_2015};
    audit_time_group_t g = {400, "identical order pickers"};
    audit_time_adjustment_t a[2] = {{-20, "low-risk activities"}, {10, "complex processes"}};
    audit_time_site_reduction_t s = {"Gent", 20};
    audit_time_input_t in = input_for(AUDIT_TIME_ISO27001_2022, 12000, NULL);
    in.integrated_standards = integrated, in.n_integrated_standards = 1;
    in.integration_reduction_percent = 15;
    in.groups = &g, in.n_groups = 1;
    in.adjustments = a, in.n_adjustments = 2;
    in.sites = 11;
    in.site_reductions = &s, in.n_site_reductions = 1;
    in.transition = true;
    in.transition_with = AUDIT_TIME_TRANSITION_WITH_SURVEILLANCE;
    audit_time_result_t r = compute_ok(&in, NULL);
    ck_assert_int_eq(r.effective_personnel, 12000 - 400 + 20);
    ck_assert(r.lookups[0].extrapolated); /* ISMS 11620: 29 */
    ck_assert(r.lookups[1].extrapolated); /* QMS 12000: 23 */
    ck_assert_double_eq(r.table_days, 29 + 23);

    json_t *rules = explain(&in, &r);
    ck_assert(json_is_array(rules));
    ck_assert_uint_ge(json_array_size(rules), 12);
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        ck_assert(json_is_object(rule));
        ck_assert_uint_eq(json_object_size(rule), 4);
        ck_assert(json_is_string(json_object_get(rule, "rule")));
        ck_assert(json_is_string(json_object_get(rule, "source")));
        ck_assert(strlen(json_string_value(json_object_get(rule, "source"))) > 0);
        ck_assert(json_is_object(json_object_get(rule, "input")));
        ck_assert(json_is_object(json_object_get(rule, "result")));
    }
    struct {
        const char *rule, *source;
    } want[] = {
        {"identical_activity_groups_counted_as_ceil_sqrt_n", "27006-1:2024 C.3.4"},
        {"integrated_audit_sum_of_standards", "IAF MD 11"},
        {"adjustment_factors_reductions_capped_at_30_percent", "IAF MD 5"},
        {"integrated_audit_reduction_capped_at_20_percent", "IAF MD 11"},
        {"nearest_half_day_ties_up", "IAF MD 5"},
        {"stage_split", "ISO/IEC 17021-1 9.3; certcycle policy"},
        {"surveillance_fraction_of_initial", "IAF MD 5"},
        {"recertification_fraction_of_initial", "IAF MD 5"},
        {"onsite_at_least_80_percent", "IAF MD 5"},
        {"iso27001_2022_transition", "IAF MD 26"},
        {"multi_site_sampling", "IAF MD 1"},
        {"site_reduction_at_most_50_percent_in_total", "IAF MD 1"},
    };
    for (size_t k = 0; k < COUNT(want); k++) {
        json_t *found = find_rule(rules, want[k].rule);
        ck_assert_msg(found != NULL, "no rule %s", want[k].rule);
        ck_assert_str_eq(json_string_value(json_object_get(found, "source")), want[k].source);
    }
    /* the two table lookups come after the groups, with their sources */
    json_t *isms = json_array_get(rules, 1), *qms = json_array_get(rules, 2);
    ck_assert_str_eq(json_string_value(json_object_get(isms, "source")), "ISO/IEC 27006 table");
    ck_assert_str_eq(json_string_value(json_object_get(qms, "source")), "IAF MD 5 table QMS 1");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(isms, "input"), "personnel")), 11620);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(qms, "input"), "personnel")), 12000);
    ck_assert(json_is_true(json_object_get(json_object_get(isms, "result"), "extrapolated")));
    json_t *groups =
        json_object_get(json_object_get(json_array_get(rules, 0), "input"), "identical_activity_groups");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(groups, 0), "counted_as")), 20);
    json_t *rounding = find_rule(rules, "nearest_half_day_ties_up");
    ck_assert(json_real_value(json_object_get(json_object_get(rounding, "result"), "days")) ==
              r.initial_days);
    ck_assert(json_real_value(json_object_get(json_object_get(rounding, "result"), "hours")) ==
              r.initial_days * 8);
    json_decref(rules);

    json_t *body = to_json(&in, &r);
    ck_assert_str_eq(json_string_value(json_object_get(body, "standard")), AUDIT_TIME_ISO27001_2022);
    ck_assert_uint_eq(json_array_size(json_object_get(body, "standards")), 2);
    json_t *initial = json_object_get(body, "initial");
    ck_assert(json_real_value(json_object_get(initial, "days")) == r.initial_days);
    ck_assert(json_real_value(json_object_get(initial, "stage1_days")) +
                  json_real_value(json_object_get(initial, "stage2_days")) ==
              r.initial_days);
    ck_assert(json_is_real(json_object_get(initial, "onsite_min_days")));
    ck_assert(json_is_real(json_object_get(json_object_get(body, "surveillance"), "days")));
    ck_assert(json_is_real(json_object_get(json_object_get(body, "recertification"), "days")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(body, "transition"), "with")),
                     "surveillance");
    json_t *ms = json_object_get(body, "multi_site");
    ck_assert_int_eq(json_integer_value(json_object_get(ms, "other_sites")), 10);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ms, "initial"), "sample")), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ms, "initial"), "random")), 1);
    ck_assert(json_is_array(json_object_get(body, "rules")));
    char *dump = json_dumps(body, JSON_COMPACT);
    ck_assert_ptr_nonnull(dump);
    free(dump);
    json_decref(body);

    /* a minimal request: no optional rules, transition null */
    audit_time_input_t plain = input_for(AUDIT_TIME_ISO9001_2015, 50, NULL);
    r = compute_ok(&plain, NULL);
    rules = explain(&plain, &r);
    ck_assert_ptr_null(find_rule(rules, "identical_activity_groups_counted_as_ceil_sqrt_n"));
    ck_assert_ptr_null(find_rule(rules, "iso27001_2022_transition"));
    ck_assert_ptr_null(find_rule(rules, "integrated_audit_reduction_capped_at_20_percent"));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, 0), "source")),
                     "IAF MD 5 table QMS 1");
    json_decref(rules);
    body = to_json(&plain, &r);
    ck_assert(json_is_null(json_object_get(body, "transition")));
    json_decref(body);

    /* EMS / OH&S carry their complexity; no-sampling is named */
    plain = input_for(AUDIT_TIME_ISO45001_2018, 50, "low");
    plain.sites = 3, plain.sampling_not_allowed = true;
    r = compute_ok(&plain, NULL);
    rules = explain(&plain, &r);
    json_t *first = json_array_get(rules, 0);
    ck_assert_str_eq(json_string_value(json_object_get(first, "source")), "IAF MD 5 table OH&S");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(first, "input"), "complexity")),
                     "low");
    ck_assert_ptr_nonnull(find_rule(rules, "multi_site_no_sampling"));
    json_decref(rules);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit_time");
    TCase *tables = tcase_create("tables");
    tcase_add_test(tables, isms_2022_every_band);
    tcase_add_test(tables, isms_2013_every_band);
    tcase_add_test(tables, qms_every_band);
    tcase_add_test(tables, ems_every_band_high_medium_low);
    tcase_add_test(tables, ohs_every_band_high_medium_low);
    tcase_add_test(tables, ems_limited_every_band);
    tcase_add_test(tables, complexity_is_ignored_for_isms_and_qms);
    tcase_add_test(tables, extrapolation_beyond_10700);
    suite_add_tcase(s, tables);

    TCase *reductions = tcase_create("reductions");
    tcase_add_test(reductions, identical_groups_counted_as_ceil_sqrt);
    tcase_add_test(reductions, identical_groups_need_a_justification);
    tcase_add_test(reductions, identical_groups_bounded_by_personnel);
    tcase_add_test(reductions, identical_groups_apply_to_isms_only);
    tcase_add_test(reductions, adjustment_cap_at_and_beyond_30);
    tcase_add_test(reductions, adjustments_validated);
    tcase_add_test(reductions, integration_cap_at_and_beyond_20);
    tcase_add_test(reductions, integrated_standards_validated);
    tcase_add_test(reductions, site_cap_at_and_beyond_50);
    suite_add_tcase(s, reductions);

    TCase *figures = tcase_create("figures");
    tcase_add_test(figures, half_day_rounding_ties_up);
    tcase_add_test(figures, onsite_minimum_80_percent_rounded_up);
    tcase_add_test(figures, stage_split);
    tcase_add_test(figures, surveillance_and_recertification_fractions);
    tcase_add_test(figures, transition_with_recertification_or_otherwise);
    tcase_add_test(figures, multi_site_sampling);
    tcase_add_test(figures, multi_site_without_sampling);
    tcase_add_test(figures, input_validation);
    tcase_add_test(figures, explanation_shape);
    tcase_add_test(figures, standards_by_code);
    tcase_add_test(figures, explanation_helpers);
    suite_add_tcase(s, figures);
    return cc_test_run(s);
}
