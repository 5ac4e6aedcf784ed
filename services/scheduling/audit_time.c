/*
 * Audit time: the tables of DOMAIN.md "Audit time" as data, the ⌈√n⌉ effective
 * personnel, adjustment / integration / site caps, half-day rounding, the stage
 * split, surveillance and recertification, the 27001:2022 transition and IAF MD 1
 * multi-site sample sizes. Pure: no I/O, no allocation; the JSON explanation is
 * audit_time_json.c. See audit_time.h for the decisions taken where DOMAIN.md is
 * silent.
 */
#include "audit_time.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Tolerance for comparisons of percentages and rounding of computed days. */
#define EPS 1e-9

/* ------------------------------------------------------------------ tables */

typedef struct {
    long min_persons;
    long max_persons;
    double days[3]; /* high / medium / low, or the single column in days[0] */
} band_t;

/* ISO/IEC 27006 table: initial (stage 1 + stage 2) auditor-days. */
static const band_t isms_bands[] = {
    {1, 10, {5}},       {11, 15, {6}},       {16, 25, {7}},       {26, 45, {8.5}},      {46, 65, {10}},
    {66, 85, {11}},     {86, 125, {12}},     {126, 175, {13}},    {176, 275, {14}},     {276, 425, {15}},
    {426, 625, {16.5}}, {626, 875, {17.5}},  {876, 1175, {18.5}}, {1176, 1550, {19.5}}, {1551, 2025, {21}},
    {2026, 2675, {22}}, {2676, 3450, {23}},  {3451, 4350, {24}},  {4351, 5450, {25}},   {5451, 6800, {26}},
    {6801, 8500, {27}}, {8501, 10700, {28}},
};

/* IAF MD 5 table QMS 1. */
static const band_t qms_bands[] = {
    {1, 5, {1.5}},      {6, 10, {2}},       {11, 15, {2.5}},     {16, 25, {3}},      {26, 45, {4}},
    {46, 65, {5}},      {66, 85, {6}},      {86, 125, {7}},      {126, 175, {8}},    {176, 275, {9}},
    {276, 425, {10}},   {426, 625, {11}},   {626, 875, {12}},    {876, 1175, {13}},  {1176, 1550, {14}},
    {1551, 2025, {15}}, {2026, 2675, {16}}, {2676, 3450, {17}},  {3451, 4350, {18}}, {4351, 5450, {19}},
    {5451, 6800, {20}}, {6801, 8500, {21}}, {8501, 10700, {22}},
};

/* IAF MD 5 EMS / OH&S: high / medium / low complexity. */
static const band_t ems_ohs_bands[] = {
    {1, 5, {3, 2.5, 2.5}},      {6, 10, {3.5, 3, 3}},        {11, 15, {4.5, 3.5, 3}},
    {16, 25, {5.5, 4.5, 3.5}},  {26, 45, {7, 5.5, 4}},       {46, 65, {8, 6, 4.5}},
    {66, 85, {9, 7, 5}},        {86, 125, {11, 8, 5.5}},     {126, 175, {12, 9, 6}},
    {176, 275, {13, 10, 7}},    {276, 425, {15, 11, 8}},     {426, 625, {16, 12, 9}},
    {626, 875, {17, 13, 10}},   {876, 1175, {19, 15, 11}},   {1176, 1550, {20, 16, 12}},
    {1551, 2025, {21, 17, 12}}, {2026, 2675, {23, 18, 13}},  {2676, 3450, {25, 19, 14}},
    {3451, 4350, {27, 20, 15}}, {4351, 5450, {28, 21, 16}},  {5451, 6800, {30, 23, 17}},
    {6801, 8500, {32, 25, 19}}, {8501, 10700, {34, 27, 20}},
};

/* IAF MD 5 EMS, limited complexity. */
static const band_t ems_limited_bands[] = {
    {1, 5, {2.5}},      {6, 10, {3}},        {11, 45, {3}},      {46, 85, {3.5}},     {86, 125, {4}},
    {126, 175, {4.5}},  {176, 275, {5}},     {276, 425, {5.5}},  {426, 625, {6}},     {626, 875, {6.5}},
    {876, 1175, {7}},   {1176, 1550, {7.5}}, {1551, 2025, {8}},  {2026, 2675, {8.5}}, {2676, 3450, {9}},
    {3451, 4350, {10}}, {4351, 5450, {11}},  {5451, 6800, {12}}, {6801, 8500, {13}},  {8501, 10700, {14}},
};

#define NBANDS(a) (sizeof(a) / sizeof((a)[0]))

typedef enum { FAMILY_ISMS, FAMILY_QMS, FAMILY_EMS, FAMILY_OHS } family_t;

typedef struct {
    const char *code;           /* the reference, as the answer names it ("ISO/IEC 27001:2022") */
    const char *catalogue_code; /* GET /v1/standards' `code` ("ISO27001:2022"), accepted as well */
    family_t family;
} standard_t;

static const standard_t standards[] = {
    {AUDIT_TIME_ISO27001_2022, "ISO27001:2022", FAMILY_ISMS},
    {AUDIT_TIME_ISO27001_2013, "ISO27001:2013", FAMILY_ISMS},
    {AUDIT_TIME_ISO9001_2015, "ISO9001:2015", FAMILY_QMS},
    {AUDIT_TIME_ISO14001_2015, "ISO14001:2015", FAMILY_EMS},
    {AUDIT_TIME_ISO45001_2018, "ISO45001:2018", FAMILY_OHS},
};

typedef enum {
    COMPLEXITY_NONE = -1,
    COMPLEXITY_HIGH = 0,
    COMPLEXITY_MEDIUM,
    COMPLEXITY_LOW,
    COMPLEXITY_LIMITED
} complexity_t;

static const char *const complexity_names[] = {"high", "medium", "low", "limited"};

static const standard_t *find_standard(const char *code)
{
    if (code == NULL)
        return NULL;
    for (size_t i = 0; i < NBANDS(standards); i++)
        if (strcmp(standards[i].code, code) == 0 || strcmp(standards[i].catalogue_code, code) == 0)
            return &standards[i];
    return NULL;
}

/* ------------------------------------------------------------------ arithmetic */

/* Smallest k >= 0 with q²k² >= p²x, i.e. ⌈(p/q)·√x⌉, exactly in integers. */
static long ceil_scaled_sqrt(long x, long p, long q)
{
    if (x <= 0)
        return 0;
    long long k = (long long)ceil((double)p * sqrt((double)x) / (double)q);
    long long px = (long long)p * p * x;
    while (k > 0 && (long long)q * q * (k - 1) * (k - 1) >= px)
        k--;
    while ((long long)q * q * k * k < px)
        k++;
    return (long)k;
}

/* Days (a multiple of 0.5 up to EPS) to half days. */
static long to_half_days(double days)
{
    return (long)floor(days * 2.0 + 0.5);
}

long audit_time_counted_as(long headcount)
{
    return ceil_scaled_sqrt(headcount, 1, 1);
}

double audit_time_round_half_day(double days)
{
    return floor(days * 2.0 + 0.5 + EPS) / 2.0;
}

/* ⌈80 %⌉ of half_days on the half-day grid, as days. */
static double onsite_min(double days)
{
    long h = to_half_days(days);
    return (double)((4 * h + 4) / 5) / 2.0;
}

static bool is_blank(const char *s)
{
    if (s == NULL)
        return true;
    for (; *s != '\0'; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static int refuse(audit_time_error_t *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int refuse(audit_time_error_t *err, int code, const char *field, const char *fmt, ...)
{
    if (err != NULL) {
        err->code = code;
        snprintf(err->field, sizeof(err->field), "%s", field);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ------------------------------------------------------------------ lookups */

static void table_for(family_t family, complexity_t complexity, const band_t **bands, size_t *n, int *column)
{
    switch (family) {
    case FAMILY_ISMS:
        *bands = isms_bands, *n = NBANDS(isms_bands), *column = 0;
        break;
    case FAMILY_QMS:
        *bands = qms_bands, *n = NBANDS(qms_bands), *column = 0;
        break;
    case FAMILY_EMS:
    case FAMILY_OHS:
        if (complexity == COMPLEXITY_LIMITED) {
            *bands = ems_limited_bands, *n = NBANDS(ems_limited_bands), *column = 0;
        } else {
            *bands = ems_ohs_bands, *n = NBANDS(ems_ohs_bands), *column = (int)complexity;
        }
        break;
    }
}

static void lookup(const standard_t *std, complexity_t complexity, long persons, audit_time_lookup_t *l)
{
    const band_t *bands = NULL;
    size_t n = 0;
    int col = 0;
    table_for(std->family, complexity, &bands, &n, &col);

    memset(l, 0, sizeof(*l));
    l->standard = std->code;
    l->personnel = persons;
    switch (std->family) {
    case FAMILY_ISMS:
        l->table = "ISMS", l->source = "ISO/IEC 27006 table";
        break;
    case FAMILY_QMS:
        l->table = "QMS", l->source = "IAF MD 5 table QMS 1";
        break;
    case FAMILY_EMS:
        l->table = "EMS", l->source = "IAF MD 5 table EMS";
        l->column = complexity_names[complexity];
        break;
    case FAMILY_OHS:
        l->table = "OH&S", l->source = "IAF MD 5 table OH&S";
        l->column = complexity_names[complexity];
        break;
    }

    for (size_t i = 0; i < n; i++) {
        if (persons >= bands[i].min_persons && persons <= bands[i].max_persons) {
            l->band_min = bands[i].min_persons;
            l->band_max = bands[i].max_persons;
            l->days = bands[i].days[col];
            return;
        }
    }
    /* Beyond the last band: continue the last step, one increment per band width. */
    const band_t *last = &bands[n - 1], *prev = &bands[n - 2];
    long width = last->max_persons - last->min_persons + 1;
    double step = last->days[col] - prev->days[col];
    long k = (persons - last->max_persons + width - 1) / width;
    l->band_min = last->max_persons + (k - 1) * width + 1;
    l->band_max = last->max_persons + k * width;
    l->days = last->days[col] + step * (double)k;
    l->extrapolated = true;
    l->extrapolation_step_days = step;
    l->extrapolation_band_width = width;
}

/* ------------------------------------------------------------------ compute */

static int parse_complexity(const char *s, complexity_t *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, complexity_names[i]) == 0) {
            *out = (complexity_t)i;
            return 0;
        }
    }
    return -1;
}

/* What the checks learn on the way, for the computation. */
typedef struct {
    const standard_t *stds[AUDIT_TIME_MAX_STANDARDS]; /* the main standard first */
    size_t n_stds;
    bool has_isms, all_isms;
    complexity_t complexity;
    long effective; /* personnel after the ⌈√n⌉ groups */
    double reductions, increases, integration;
    long sites;
    double max_site;
    double sf, rf, s1f; /* surveillance, recertification and Stage 1 fractions */
    bool custom_fractions;
} calc_t;

/* The main standard and any integrated with it, one per family. */
static int check_standards(const audit_time_input_t *in, calc_t *c, audit_time_error_t *err)
{
    char field[96];
    if (in->standard == NULL || in->standard[0] == '\0')
        return refuse(err, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard", "standard is required");
    if ((c->stds[c->n_stds++] = find_standard(in->standard)) == NULL)
        return refuse(err, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard",
                      "unknown standard \"%.100s\"; expected one of: " AUDIT_TIME_ISO27001_2022
                      ", " AUDIT_TIME_ISO27001_2013 ", " AUDIT_TIME_ISO9001_2015 ", " AUDIT_TIME_ISO14001_2015
                      ", " AUDIT_TIME_ISO45001_2018 " (or their catalogue codes, e.g. ISO27001:2022)",
                      in->standard);
    if (in->n_integrated_standards > 0 && in->integrated_standards == NULL)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "integrated_standards", "integrated_standards is missing");
    for (size_t i = 0; i < in->n_integrated_standards; i++) {
        snprintf(field, sizeof(field), "integrated_standards[%zu]", i);
        const standard_t *s = find_standard(in->integrated_standards[i]);
        if (s == NULL)
            return refuse(err, AUDIT_TIME_ERR_UNKNOWN_STANDARD, field, "unknown standard \"%.100s\"",
                          in->integrated_standards[i] ? in->integrated_standards[i] : "");
        for (size_t j = 0; j < c->n_stds; j++)
            if (c->stds[j]->family == s->family)
                return refuse(err, AUDIT_TIME_ERR_INVALID, field,
                              "%s is already covered by %s in this request", s->code, c->stds[j]->code);
        c->stds[c->n_stds++] = s; /* at most one per family, so within AUDIT_TIME_MAX_STANDARDS */
    }
    c->all_isms = true;
    for (size_t i = 0; i < c->n_stds; i++) {
        c->has_isms |= c->stds[i]->family == FAMILY_ISMS;
        c->all_isms &= c->stds[i]->family == FAMILY_ISMS;
    }
    return AUDIT_TIME_OK;
}

/* Personnel, and the complexity: required for EMS and OH&S; "limited" exists for EMS only. */
static int check_personnel_and_complexity(const audit_time_input_t *in, calc_t *c, audit_time_error_t *err)
{
    if (in->personnel < 1)
        return refuse(err, AUDIT_TIME_ERR_PERSONNEL, "personnel", "personnel must be at least 1");
    if (in->personnel > AUDIT_TIME_MAX_PERSONNEL)
        return refuse(err, AUDIT_TIME_ERR_PERSONNEL, "personnel", "personnel must be at most %ld",
                      AUDIT_TIME_MAX_PERSONNEL);
    bool needs_complexity = false, has_ohs = false;
    for (size_t i = 0; i < c->n_stds; i++) {
        needs_complexity |= c->stds[i]->family == FAMILY_EMS || c->stds[i]->family == FAMILY_OHS;
        has_ohs |= c->stds[i]->family == FAMILY_OHS;
    }
    c->complexity = COMPLEXITY_NONE;
    if (in->complexity != NULL && in->complexity[0] != '\0') {
        if (parse_complexity(in->complexity, &c->complexity) != 0)
            return refuse(err, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity",
                          "unknown complexity \"%.60s\"; expected high, medium, low or limited (EMS only)",
                          in->complexity);
        if (c->complexity == COMPLEXITY_LIMITED && has_ohs)
            return refuse(err, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity",
                          "complexity \"limited\" exists for " AUDIT_TIME_ISO14001_2015
                          " only, not for " AUDIT_TIME_ISO45001_2018);
    }
    if (needs_complexity && c->complexity == COMPLEXITY_NONE)
        return refuse(err, AUDIT_TIME_ERR_COMPLEXITY_REQUIRED, "complexity",
                      "complexity (high, medium, low or limited) is required for " AUDIT_TIME_ISO14001_2015
                      " and " AUDIT_TIME_ISO45001_2018);
    return AUDIT_TIME_OK;
}

/* Identical low-risk activity groups: ⌈√n⌉ each (ISMS only). */
static int check_groups(const audit_time_input_t *in, calc_t *c, audit_time_error_t *err)
{
    char field[96];
    long grouped = 0;
    c->effective = in->personnel;
    if (in->n_groups > 0) {
        if (in->groups == NULL)
            return refuse(err, AUDIT_TIME_ERR_INVALID, "identical_activity_groups",
                          "identical_activity_groups is missing");
        if (!c->has_isms)
            return refuse(err, AUDIT_TIME_ERR_INVALID, "identical_activity_groups",
                          "identical activity groups (27006-1:2024 C.3.4) apply to ISO/IEC 27001 only");
    }
    for (size_t i = 0; i < in->n_groups; i++) {
        const audit_time_group_t *g = &in->groups[i];
        snprintf(field, sizeof(field), "identical_activity_groups[%zu].headcount", i);
        if (g->headcount < 1)
            return refuse(err, AUDIT_TIME_ERR_INVALID, field, "headcount must be at least 1");
        if (g->headcount > in->personnel)
            return refuse(err, AUDIT_TIME_ERR_INVALID, field, "headcount %ld exceeds personnel %ld",
                          g->headcount, in->personnel);
        grouped += g->headcount;
        if (grouped > in->personnel)
            return refuse(err, AUDIT_TIME_ERR_INVALID, "identical_activity_groups",
                          "the groups' headcounts together (%ld) exceed personnel %ld", grouped,
                          in->personnel);
        if (is_blank(g->justification)) {
            snprintf(field, sizeof(field), "identical_activity_groups[%zu].justification", i);
            return refuse(
                err, AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED, field,
                "counting a group as the square root of its headcount needs a recorded justification "
                "(27006-1:2024 C.3.4)");
        }
        c->effective -= g->headcount - audit_time_counted_as(g->headcount);
    }
    return AUDIT_TIME_OK;
}

/* Adjustments: the reductions together at most 30 %. */
static int check_adjustments(const audit_time_input_t *in, calc_t *c, audit_time_error_t *err)
{
    char field[96];
    if (in->n_adjustments > 0 && in->adjustments == NULL)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "adjustments", "adjustments is missing");
    for (size_t i = 0; i < in->n_adjustments; i++) {
        const audit_time_adjustment_t *a = &in->adjustments[i];
        snprintf(field, sizeof(field), "adjustments[%zu].percent", i);
        if (!isfinite(a->percent) || a->percent == 0)
            return refuse(err, AUDIT_TIME_ERR_INVALID, field, "percent must be a non-zero number");
        if (a->percent > AUDIT_TIME_MAX_INCREASE_PERCENT + EPS)
            return refuse(err, AUDIT_TIME_ERR_INVALID, field, "an increase may be at most %g %%",
                          AUDIT_TIME_MAX_INCREASE_PERCENT);
        if (is_blank(a->reason)) {
            snprintf(field, sizeof(field), "adjustments[%zu].reason", i);
            return refuse(err, AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED, field, "an adjustment needs a reason");
        }
        if (a->percent < 0)
            c->reductions -= a->percent;
        else
            c->increases += a->percent;
    }
    if (c->reductions > AUDIT_TIME_ADJUSTMENT_CAP_PERCENT + EPS)
        return refuse(err, AUDIT_TIME_ERR_ADJUSTMENT_CAP, "adjustments",
                      "adjustments reduce audit time by %g %% in total; reductions are capped at %g %%",
                      c->reductions, AUDIT_TIME_ADJUSTMENT_CAP_PERCENT);
    return AUDIT_TIME_OK;
}

/* Integrated audit (IAF MD 11): at most 20 %. */
static int check_integration(const audit_time_input_t *in, calc_t *c, audit_time_error_t *err)
{
    c->integration = in->integration_reduction_percent;
    if (!isfinite(c->integration) || c->integration < 0)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "integration_reduction_percent",
                      "the integrated-audit reduction must be a percentage of at least 0");
    if (c->integration > 0 && in->n_integrated_standards == 0)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "integration_reduction_percent",
                      "an integrated-audit reduction needs at least one integrated standard");
    if (c->integration > AUDIT_TIME_INTEGRATION_CAP_PERCENT + EPS)
        return refuse(err, AUDIT_TIME_ERR_INTEGRATION_CAP, "integration_reduction_percent",
                      "the integrated-audit reduction (IAF MD 11) is %g %%; it is capped at %g %%",
                      c->integration, AUDIT_TIME_INTEGRATION_CAP_PERCENT);
    return AUDIT_TIME_OK;
}

/* The total reduction at one site of the general factor and that site's own percent. */
static double site_total(double net_adjustment_percent, double integration_percent, double site_percent)
{
    double factor = (1.0 + net_adjustment_percent / 100.0) * (1.0 - integration_percent / 100.0);
    return (1.0 - factor * (1.0 - site_percent / 100.0)) * 100.0;
}

double audit_time_site_total_reduction(const audit_time_result_t *r, double site_percent)
{
    return site_total(r->net_adjustment_percent, r->integration_reduction_percent, site_percent);
}

/* Sites, and the site reductions: with the general ones at most 50 % at one site. */
static int check_sites(const audit_time_input_t *in, calc_t *c, audit_time_error_t *err)
{
    char field[96];
    c->sites = in->sites == 0 ? 1 : in->sites;
    if (c->sites < 1 || c->sites > AUDIT_TIME_MAX_SITES)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "sites", "sites must be between 1 and %ld",
                      AUDIT_TIME_MAX_SITES);
    if (in->n_site_reductions > 0 && in->site_reductions == NULL)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "sites", "site reductions are missing");
    if (in->n_site_reductions > (size_t)c->sites)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "sites", "%zu site reductions for %ld sites",
                      in->n_site_reductions, c->sites);
    for (size_t i = 0; i < in->n_site_reductions; i++) {
        const audit_time_site_reduction_t *s = &in->site_reductions[i];
        snprintf(field, sizeof(field), "site_reductions[%zu]", i);
        if (!isfinite(s->percent) || s->percent < 0 || s->percent > 100)
            return refuse(err, AUDIT_TIME_ERR_INVALID, field,
                          "a site reduction must be between 0 and 100 %%");
        double total = site_total(c->increases - c->reductions, c->integration, s->percent);
        if (total > AUDIT_TIME_SITE_CAP_PERCENT + EPS)
            return refuse(err, AUDIT_TIME_ERR_SITE_CAP, field,
                          "site %.60s would be reduced by %.4g %% in total; at most %g %% at one site",
                          s->name ? s->name : "", total, AUDIT_TIME_SITE_CAP_PERCENT);
        if (total > c->max_site)
            c->max_site = total;
    }
    return AUDIT_TIME_OK;
}

/* Transition to ISO/IEC 27001:2022 (IAF MD 26): the request names the 2022 edition. */
static int check_transition(const audit_time_input_t *in, const calc_t *c, audit_time_error_t *err)
{
    if (!in->transition)
        return AUDIT_TIME_OK;
    bool has_2022 = false;
    for (size_t i = 0; i < c->n_stds; i++)
        has_2022 |= strcmp(c->stds[i]->code, AUDIT_TIME_ISO27001_2022) == 0;
    if (!has_2022)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "transition",
                      "a transition audit is to " AUDIT_TIME_ISO27001_2022 "; name it as the standard");
    if (in->transition_with != AUDIT_TIME_TRANSITION_WITH_RECERTIFICATION &&
        in->transition_with != AUDIT_TIME_TRANSITION_WITH_SURVEILLANCE &&
        in->transition_with != AUDIT_TIME_TRANSITION_SEPARATE)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "transition", "unknown audit for the transition");
    return AUDIT_TIME_OK;
}

/* One fraction setting: 0 keeps the default; else it must lie in (0, max]. */
static int read_fraction(double value, double max, const char *field, double *out, bool *used,
                         audit_time_error_t *err)
{
    if (value == 0)
        return AUDIT_TIME_OK;
    if (!(value > 0 && value <= max))
        return refuse(err, AUDIT_TIME_ERR_INVALID, field, "%s must be in (0, %g]", field + 9, max);
    *out = value;
    if (used != NULL)
        *used = true;
    return AUDIT_TIME_OK;
}

/* The tenant's fractions; surveillance and recertification ones apply to ISMS-only requests. */
static int read_settings(const audit_time_settings_t *settings, calc_t *c, audit_time_error_t *err)
{
    double sf = 1.0 / 3.0, rf = 2.0 / 3.0;
    bool custom = false;
    int rc;
    c->sf = 1.0 / 3.0, c->rf = 2.0 / 3.0, c->s1f = 0.30;
    if (settings == NULL)
        return AUDIT_TIME_OK;
    if ((rc = read_fraction(settings->surveillance_fraction, 1, "settings.surveillance_fraction", &sf,
                            &custom, err)) != AUDIT_TIME_OK ||
        (rc = read_fraction(settings->recertification_fraction, 1, "settings.recertification_fraction", &rf,
                            &custom, err)) != AUDIT_TIME_OK ||
        (rc = read_fraction(settings->stage1_fraction, 0.5, "settings.stage1_fraction", &c->s1f, NULL,
                            err)) != AUDIT_TIME_OK)
        return rc;
    if (c->all_isms)
        c->sf = sf, c->rf = rf, c->custom_fractions = custom;
    return AUDIT_TIME_OK;
}

/* Rounded to the half day, at least 0.5. */
static double at_least_half_day(double days)
{
    double d = audit_time_round_half_day(days);
    return d < 0.5 ? 0.5 : d;
}

/* The table lookups, adjustments, integration, rounding and the stage split. */
static void compute_initial(const audit_time_input_t *in, const calc_t *c, audit_time_result_t *out)
{
    out->standard = c->stds[0]->code;
    out->personnel = in->personnel;
    out->effective_personnel = c->effective;
    for (size_t i = 0; i < c->n_stds; i++) {
        audit_time_lookup_t *l = &out->lookups[out->n_lookups++];
        lookup(c->stds[i], c->complexity, c->stds[i]->family == FAMILY_ISMS ? c->effective : in->personnel,
               l);
        out->table_days += l->days;
        out->extrapolated |= l->extrapolated;
    }
    out->reductions_percent = c->reductions;
    out->increases_percent = c->increases;
    out->net_adjustment_percent = c->increases - c->reductions;
    out->adjusted_days = out->table_days * (1.0 + out->net_adjustment_percent / 100.0);
    out->integration_reduction_percent = c->integration;
    out->unrounded_days = out->adjusted_days * (1.0 - c->integration / 100.0);
    out->initial_days = audit_time_round_half_day(out->unrounded_days);
    if (out->initial_days < 1.0) /* cannot happen with the tables and caps; keeps both stages >= 0.5 */
        out->initial_days = 1.0;

    out->stage1_fraction = c->s1f;
    out->stage1_days = at_least_half_day(out->initial_days * c->s1f);
    if (out->stage1_days > out->initial_days - 0.5)
        out->stage1_days = out->initial_days - 0.5;
    out->stage2_days = out->initial_days - out->stage1_days;
}

/* Surveillance and recertification, the on-site minima and the transition. */
static void compute_cycle(const audit_time_input_t *in, const calc_t *c, audit_time_result_t *out)
{
    out->fractions_from_settings = c->custom_fractions;
    out->surveillance_fraction = c->sf;
    out->recertification_fraction = c->rf;
    out->surveillance_days = at_least_half_day(out->initial_days * c->sf);
    out->recertification_days = at_least_half_day(out->initial_days * c->rf);
    out->onsite_min_initial_days = onsite_min(out->initial_days);
    out->onsite_min_surveillance_days = onsite_min(out->surveillance_days);
    out->onsite_min_recertification_days = onsite_min(out->recertification_days);

    out->transition = in->transition;
    if (!in->transition)
        return;
    out->transition_with = in->transition_with;
    switch (in->transition_with) {
    case AUDIT_TIME_TRANSITION_WITH_RECERTIFICATION:
        out->transition_days = 0.5;
        out->transition_audit_days = out->recertification_days + 0.5;
        break;
    case AUDIT_TIME_TRANSITION_WITH_SURVEILLANCE:
        out->transition_days = 1.0;
        out->transition_audit_days = out->surveillance_days + 1.0;
        break;
    case AUDIT_TIME_TRANSITION_SEPARATE:
        out->transition_days = 1.0;
        out->transition_audit_days = 1.0;
        break;
    }
}

/* Multi-site sampling (IAF MD 1). */
static void compute_samples(const audit_time_input_t *in, const calc_t *c, audit_time_result_t *out)
{
    long x = c->sites - 1;
    out->sites = c->sites;
    out->other_sites = x;
    out->sampling_allowed = !in->sampling_not_allowed;
    if (out->sampling_allowed) {
        out->initial_sample.sample = ceil_scaled_sqrt(x, 1, 1);
        out->surveillance_sample.sample = ceil_scaled_sqrt(x, 3, 5);
        out->recertification_sample.sample = ceil_scaled_sqrt(x, 4, 5);
        out->initial_sample.random = (out->initial_sample.sample + 3) / 4;
        out->surveillance_sample.random = (out->surveillance_sample.sample + 3) / 4;
        out->recertification_sample.random = (out->recertification_sample.sample + 3) / 4;
    } else {
        out->initial_sample.sample = x;
        out->surveillance_sample.sample = (3 * x + 9) / 10;
        out->recertification_sample.sample = x;
    }
    out->initial_sample.visits = out->initial_sample.sample + 1;
    out->surveillance_sample.visits = out->surveillance_sample.sample + 1;
    out->recertification_sample.visits = out->recertification_sample.sample + 1;
    out->max_site_reduction_percent = c->max_site;
}

int audit_time_compute(const audit_time_input_t *in, const audit_time_settings_t *settings,
                       audit_time_result_t *out, audit_time_error_t *err)
{
    calc_t c;
    int rc;
    memset(&c, 0, sizeof(c));
    memset(out, 0, sizeof(*out));
    if (err != NULL)
        memset(err, 0, sizeof(*err));
    if ((rc = check_standards(in, &c, err)) != AUDIT_TIME_OK ||
        (rc = check_personnel_and_complexity(in, &c, err)) != AUDIT_TIME_OK ||
        (rc = check_groups(in, &c, err)) != AUDIT_TIME_OK ||
        (rc = check_adjustments(in, &c, err)) != AUDIT_TIME_OK ||
        (rc = check_integration(in, &c, err)) != AUDIT_TIME_OK ||
        (rc = check_sites(in, &c, err)) != AUDIT_TIME_OK ||
        (rc = check_transition(in, &c, err)) != AUDIT_TIME_OK ||
        (rc = read_settings(settings, &c, err)) != AUDIT_TIME_OK)
        return rc;
    compute_initial(in, &c, out);
    compute_cycle(in, &c, out);
    compute_samples(in, &c, out);
    return AUDIT_TIME_OK;
}

/* ------------------------------------------------------------------ errors */

const char *audit_time_error_code(int e)
{
    switch (e) {
    case AUDIT_TIME_OK:
        return "ok";
    case AUDIT_TIME_ERR_INVALID:
        return "invalid_value";
    case AUDIT_TIME_ERR_UNKNOWN_STANDARD:
        return "unknown_standard";
    case AUDIT_TIME_ERR_PERSONNEL:
        return "invalid_personnel";
    case AUDIT_TIME_ERR_COMPLEXITY_REQUIRED:
        return "complexity_required";
    case AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY:
        return "unknown_complexity";
    case AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED:
        return "justification_required";
    case AUDIT_TIME_ERR_ADJUSTMENT_CAP:
        return "adjustment_cap_exceeded";
    case AUDIT_TIME_ERR_INTEGRATION_CAP:
        return "integration_cap_exceeded";
    case AUDIT_TIME_ERR_SITE_CAP:
        return "site_cap_exceeded";
    default:
        return "internal_error";
    }
}

int audit_time_error_status(int e)
{
    switch (e) {
    case AUDIT_TIME_OK:
        return 200;
    case AUDIT_TIME_ERR_ADJUSTMENT_CAP:
    case AUDIT_TIME_ERR_INTEGRATION_CAP:
    case AUDIT_TIME_ERR_SITE_CAP:
        return 422;
    case AUDIT_TIME_ERR_INVALID:
    case AUDIT_TIME_ERR_UNKNOWN_STANDARD:
    case AUDIT_TIME_ERR_PERSONNEL:
    case AUDIT_TIME_ERR_COMPLEXITY_REQUIRED:
    case AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY:
    case AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED:
        return 400;
    default:
        return 500;
    }
}
