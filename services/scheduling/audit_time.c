/*
 * Audit time: the tables of DOMAIN.md "Audit time" as data, the ⌈√n⌉ effective
 * personnel, adjustment / integration / site caps, half-day rounding, the stage
 * split, surveillance and recertification, the 27001:2022 transition and IAF MD 1
 * multi-site sample sizes. Pure: no I/O; only the JSON explanation allocates.
 * See audit_time.h for the decisions taken where DOMAIN.md is silent.
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
    const char *code;
    family_t family;
} standard_t;

static const standard_t standards[] = {
    {AUDIT_TIME_ISO27001_2022, FAMILY_ISMS}, {AUDIT_TIME_ISO27001_2013, FAMILY_ISMS},
    {AUDIT_TIME_ISO9001_2015, FAMILY_QMS},   {AUDIT_TIME_ISO14001_2015, FAMILY_EMS},
    {AUDIT_TIME_ISO45001_2018, FAMILY_OHS},
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
        if (strcmp(standards[i].code, code) == 0)
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

int audit_time_compute(const audit_time_input_t *in, const audit_time_settings_t *settings,
                       audit_time_result_t *out, audit_time_error_t *err)
{
    char field[96];
    memset(out, 0, sizeof(*out));
    if (err != NULL)
        memset(err, 0, sizeof(*err));

    /* Standards: the main one and any integrated with it, one per family. */
    const standard_t *stds[AUDIT_TIME_MAX_STANDARDS];
    size_t n_stds = 0;
    if (in->standard == NULL || in->standard[0] == '\0')
        return refuse(err, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard", "standard is required");
    if ((stds[n_stds++] = find_standard(in->standard)) == NULL)
        return refuse(err, AUDIT_TIME_ERR_UNKNOWN_STANDARD, "standard",
                      "unknown standard \"%.100s\"; expected one of: " AUDIT_TIME_ISO27001_2022
                      ", " AUDIT_TIME_ISO27001_2013 ", " AUDIT_TIME_ISO9001_2015 ", " AUDIT_TIME_ISO14001_2015
                      ", " AUDIT_TIME_ISO45001_2018,
                      in->standard);
    if (in->n_integrated_standards > 0 && in->integrated_standards == NULL)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "integrated_standards", "integrated_standards is missing");
    for (size_t i = 0; i < in->n_integrated_standards; i++) {
        snprintf(field, sizeof(field), "integrated_standards[%zu]", i);
        const standard_t *s = find_standard(in->integrated_standards[i]);
        if (s == NULL)
            return refuse(err, AUDIT_TIME_ERR_UNKNOWN_STANDARD, field, "unknown standard \"%.100s\"",
                          in->integrated_standards[i] ? in->integrated_standards[i] : "");
        for (size_t j = 0; j < n_stds; j++)
            if (stds[j]->family == s->family)
                return refuse(err, AUDIT_TIME_ERR_INVALID, field,
                              "%s is already covered by %s in this request", s->code, stds[j]->code);
        stds[n_stds++] = s; /* at most one per family, so within AUDIT_TIME_MAX_STANDARDS */
    }

    /* Personnel. */
    if (in->personnel < 1)
        return refuse(err, AUDIT_TIME_ERR_PERSONNEL, "personnel", "personnel must be at least 1");
    if (in->personnel > AUDIT_TIME_MAX_PERSONNEL)
        return refuse(err, AUDIT_TIME_ERR_PERSONNEL, "personnel", "personnel must be at most %ld",
                      AUDIT_TIME_MAX_PERSONNEL);

    /* Complexity: required for EMS and OH&S; "limited" exists for EMS only. */
    bool needs_complexity = false, has_ohs = false, has_isms = false, all_isms = true;
    for (size_t i = 0; i < n_stds; i++) {
        needs_complexity |= stds[i]->family == FAMILY_EMS || stds[i]->family == FAMILY_OHS;
        has_ohs |= stds[i]->family == FAMILY_OHS;
        has_isms |= stds[i]->family == FAMILY_ISMS;
        all_isms &= stds[i]->family == FAMILY_ISMS;
    }
    complexity_t complexity = COMPLEXITY_NONE;
    if (in->complexity != NULL && in->complexity[0] != '\0') {
        if (parse_complexity(in->complexity, &complexity) != 0)
            return refuse(err, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity",
                          "unknown complexity \"%.60s\"; expected high, medium, low or limited (EMS only)",
                          in->complexity);
        if (complexity == COMPLEXITY_LIMITED && has_ohs)
            return refuse(err, AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY, "complexity",
                          "complexity \"limited\" exists for " AUDIT_TIME_ISO14001_2015
                          " only, not for " AUDIT_TIME_ISO45001_2018);
    }
    if (needs_complexity && complexity == COMPLEXITY_NONE)
        return refuse(err, AUDIT_TIME_ERR_COMPLEXITY_REQUIRED, "complexity",
                      "complexity (high, medium, low or limited) is required for " AUDIT_TIME_ISO14001_2015
                      " and " AUDIT_TIME_ISO45001_2018);

    /* Identical low-risk activity groups: ⌈√n⌉ each (ISMS only). */
    long effective = in->personnel, grouped = 0;
    if (in->n_groups > 0) {
        if (in->groups == NULL)
            return refuse(err, AUDIT_TIME_ERR_INVALID, "identical_activity_groups",
                          "identical_activity_groups is missing");
        if (!has_isms)
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
        effective -= g->headcount - ceil_scaled_sqrt(g->headcount, 1, 1);
    }

    /* Adjustments: the reductions together at most 30 %. */
    double reductions = 0, increases = 0;
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
            reductions -= a->percent;
        else
            increases += a->percent;
    }
    if (reductions > AUDIT_TIME_ADJUSTMENT_CAP_PERCENT + EPS)
        return refuse(err, AUDIT_TIME_ERR_ADJUSTMENT_CAP, "adjustments",
                      "adjustments reduce audit time by %g %% in total; reductions are capped at %g %%",
                      reductions, AUDIT_TIME_ADJUSTMENT_CAP_PERCENT);

    /* Integrated audit (IAF MD 11): at most 20 %. */
    double integration = in->integration_reduction_percent;
    if (!isfinite(integration) || integration < 0)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "integration_reduction_percent",
                      "the integrated-audit reduction must be a percentage of at least 0");
    if (integration > 0 && in->n_integrated_standards == 0)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "integration_reduction_percent",
                      "an integrated-audit reduction needs at least one integrated standard");
    if (integration > AUDIT_TIME_INTEGRATION_CAP_PERCENT + EPS)
        return refuse(err, AUDIT_TIME_ERR_INTEGRATION_CAP, "integration_reduction_percent",
                      "the integrated-audit reduction (IAF MD 11) is %g %%; it is capped at %g %%",
                      integration, AUDIT_TIME_INTEGRATION_CAP_PERCENT);

    /* Sites. */
    long sites = in->sites == 0 ? 1 : in->sites;
    if (sites < 1 || sites > AUDIT_TIME_MAX_SITES)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "sites", "sites must be between 1 and %ld",
                      AUDIT_TIME_MAX_SITES);
    if (in->n_site_reductions > 0 && in->site_reductions == NULL)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "sites", "site reductions are missing");
    if (in->n_site_reductions > (size_t)sites)
        return refuse(err, AUDIT_TIME_ERR_INVALID, "sites", "%zu site reductions for %ld sites",
                      in->n_site_reductions, sites);
    double factor = (1.0 + (increases - reductions) / 100.0) * (1.0 - integration / 100.0);
    double max_site = 0;
    for (size_t i = 0; i < in->n_site_reductions; i++) {
        const audit_time_site_reduction_t *s = &in->site_reductions[i];
        snprintf(field, sizeof(field), "site_reductions[%zu]", i);
        if (!isfinite(s->percent) || s->percent < 0 || s->percent > 100)
            return refuse(err, AUDIT_TIME_ERR_INVALID, field,
                          "a site reduction must be between 0 and 100 %%");
        double total = (1.0 - factor * (1.0 - s->percent / 100.0)) * 100.0;
        if (total > AUDIT_TIME_SITE_CAP_PERCENT + EPS)
            return refuse(err, AUDIT_TIME_ERR_SITE_CAP, field,
                          "site %.60s would be reduced by %.4g %% in total; at most %g %% at one site",
                          s->name ? s->name : "", total, AUDIT_TIME_SITE_CAP_PERCENT);
        if (total > max_site)
            max_site = total;
    }

    /* Transition to ISO/IEC 27001:2022 (IAF MD 26). */
    if (in->transition) {
        bool has_2022 = false;
        for (size_t i = 0; i < n_stds; i++)
            has_2022 |= strcmp(stds[i]->code, AUDIT_TIME_ISO27001_2022) == 0;
        if (!has_2022)
            return refuse(err, AUDIT_TIME_ERR_INVALID, "transition",
                          "a transition audit is to " AUDIT_TIME_ISO27001_2022 "; name it as the standard");
        if (in->transition_with != AUDIT_TIME_TRANSITION_WITH_RECERTIFICATION &&
            in->transition_with != AUDIT_TIME_TRANSITION_WITH_SURVEILLANCE &&
            in->transition_with != AUDIT_TIME_TRANSITION_SEPARATE)
            return refuse(err, AUDIT_TIME_ERR_INVALID, "transition", "unknown audit for the transition");
    }

    /* Settings. */
    double sf = 1.0 / 3.0, rf = 2.0 / 3.0, s1f = 0.30;
    bool custom_fractions = false;
    if (settings != NULL) {
        if (settings->surveillance_fraction != 0) {
            if (!(settings->surveillance_fraction > 0 && settings->surveillance_fraction <= 1))
                return refuse(err, AUDIT_TIME_ERR_INVALID, "settings.surveillance_fraction",
                              "surveillance_fraction must be in (0, 1]");
            if (all_isms)
                sf = settings->surveillance_fraction, custom_fractions = true;
        }
        if (settings->recertification_fraction != 0) {
            if (!(settings->recertification_fraction > 0 && settings->recertification_fraction <= 1))
                return refuse(err, AUDIT_TIME_ERR_INVALID, "settings.recertification_fraction",
                              "recertification_fraction must be in (0, 1]");
            if (all_isms)
                rf = settings->recertification_fraction, custom_fractions = true;
        }
        if (settings->stage1_fraction != 0) {
            if (!(settings->stage1_fraction > 0 && settings->stage1_fraction <= 0.5))
                return refuse(err, AUDIT_TIME_ERR_INVALID, "settings.stage1_fraction",
                              "stage1_fraction must be in (0, 0.5]");
            s1f = settings->stage1_fraction;
        }
    }

    /* Everything is valid: compute. */
    out->standard = stds[0]->code;
    out->personnel = in->personnel;
    out->effective_personnel = effective;
    for (size_t i = 0; i < n_stds; i++) {
        audit_time_lookup_t *l = &out->lookups[out->n_lookups++];
        lookup(stds[i], complexity, stds[i]->family == FAMILY_ISMS ? effective : in->personnel, l);
        out->table_days += l->days;
        out->extrapolated |= l->extrapolated;
    }
    out->reductions_percent = reductions;
    out->increases_percent = increases;
    out->net_adjustment_percent = increases - reductions;
    out->adjusted_days = out->table_days * (1.0 + out->net_adjustment_percent / 100.0);
    out->integration_reduction_percent = integration;
    out->unrounded_days = out->adjusted_days * (1.0 - integration / 100.0);
    out->initial_days = audit_time_round_half_day(out->unrounded_days);
    if (out->initial_days < 1.0) /* cannot happen with the tables and caps; keeps both stages >= 0.5 */
        out->initial_days = 1.0;

    out->stage1_fraction = s1f;
    out->stage1_days = audit_time_round_half_day(out->initial_days * s1f);
    if (out->stage1_days < 0.5)
        out->stage1_days = 0.5;
    if (out->stage1_days > out->initial_days - 0.5)
        out->stage1_days = out->initial_days - 0.5;
    out->stage2_days = out->initial_days - out->stage1_days;

    out->fractions_from_settings = custom_fractions;
    out->surveillance_fraction = sf;
    out->recertification_fraction = rf;
    out->surveillance_days = audit_time_round_half_day(out->initial_days * sf);
    if (out->surveillance_days < 0.5)
        out->surveillance_days = 0.5;
    out->recertification_days = audit_time_round_half_day(out->initial_days * rf);
    if (out->recertification_days < 0.5)
        out->recertification_days = 0.5;
    out->onsite_min_initial_days = onsite_min(out->initial_days);
    out->onsite_min_surveillance_days = onsite_min(out->surveillance_days);
    out->onsite_min_recertification_days = onsite_min(out->recertification_days);

    out->transition = in->transition;
    if (in->transition) {
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
    long x = sites - 1;
    out->sites = sites;
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
    out->max_site_reduction_percent = max_site;
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

/* ------------------------------------------------------------------ explanation */

/* Unrounded figures in the explanation are shown to 4 decimals (46.800000000000004 -> 46.8). */
static double r4(double v)
{
    return round(v * 1e4) / 1e4;
}

/* "min-max" into buf (at least 48 bytes), without printf: this is the hot path of POST /v1/audit-time. */
static const char *band_text(char *buf, long min, long max)
{
    char digits[24], *p;
    size_t n = 0;
    p = cc_jsonw_digits(digits + sizeof(digits), (unsigned long long)min);
    memcpy(buf, p, (size_t)(digits + sizeof(digits) - p));
    n = (size_t)(digits + sizeof(digits) - p);
    buf[n++] = '-';
    p = cc_jsonw_digits(digits + sizeof(digits), (unsigned long long)max);
    memcpy(buf + n, p, (size_t)(digits + sizeof(digits) - p));
    n += (size_t)(digits + sizeof(digits) - p);
    buf[n] = '\0';
    return buf;
}

/* A rule is {rule, source, input: {...}, result: {...}}: begin opens input, result switches, end closes. */
static void rule_begin(cc_jsonw_t *w, const char *rule, const char *source)
{
    cc_jsonw_object(w);
    cc_jsonw_kstring(w, "rule", rule);
    cc_jsonw_kstring(w, "source", source);
    cc_jsonw_kobject(w, "input");
}

static void rule_result(cc_jsonw_t *w)
{
    cc_jsonw_end(w);
    cc_jsonw_kobject(w, "result");
}

static void rule_end(cc_jsonw_t *w)
{
    cc_jsonw_end(w);
    cc_jsonw_end(w);
}

static void write_sample(cc_jsonw_t *w, const char *key, const audit_time_sample_t *s)
{
    cc_jsonw_kobject(w, key);
    cc_jsonw_kint(w, "sample", s->sample);
    cc_jsonw_kint(w, "random", s->random);
    cc_jsonw_kint(w, "visits", s->visits);
    cc_jsonw_end(w);
}

static const char *transition_audit_name(audit_time_transition_with_t w)
{
    switch (w) {
    case AUDIT_TIME_TRANSITION_WITH_RECERTIFICATION:
        return "recertification";
    case AUDIT_TIME_TRANSITION_WITH_SURVEILLANCE:
        return "surveillance";
    default:
        return "separate";
    }
}

void audit_time_write_rules(cc_jsonw_t *w, const audit_time_input_t *in, const audit_time_result_t *r)
{
    char text[256];
    cc_jsonw_array(w);

    if (in->n_groups > 0) {
        rule_begin(w, "identical_activity_groups_counted_as_ceil_sqrt_n", "27006-1:2024 C.3.4");
        cc_jsonw_kint(w, "personnel", r->personnel);
        cc_jsonw_karray(w, "identical_activity_groups");
        for (size_t i = 0; i < in->n_groups; i++) {
            cc_jsonw_object(w);
            cc_jsonw_kint(w, "headcount", in->groups[i].headcount);
            cc_jsonw_kstring(w, "justification", in->groups[i].justification);
            cc_jsonw_kint(w, "counted_as", ceil_scaled_sqrt(in->groups[i].headcount, 1, 1));
            cc_jsonw_end(w);
        }
        cc_jsonw_end(w);
        rule_result(w);
        cc_jsonw_kint(w, "effective_personnel", r->effective_personnel);
        cc_jsonw_kstring(w, "note", "the maximum reduction; used for the ISMS table only");
        rule_end(w);
    }

    for (size_t i = 0; i < r->n_lookups; i++) {
        const audit_time_lookup_t *l = &r->lookups[i];
        rule_begin(w, "table_lookup", l->source);
        cc_jsonw_kstring(w, "standard", l->standard);
        cc_jsonw_kint(w, "personnel", l->personnel);
        if (l->column != NULL)
            cc_jsonw_kstring(w, "complexity", l->column);
        rule_result(w);
        cc_jsonw_kstring(w, "band", band_text(text, l->band_min, l->band_max));
        cc_jsonw_kreal(w, "days", l->days);
        cc_jsonw_kbool(w, "extrapolated", l->extrapolated);
        if (l->extrapolated) {
            snprintf(text, sizeof(text),
                     "beyond the table's last band (8501-10700) the progression continues: every further %ld "
                     "persons add the last band's increment of %g day(s)",
                     l->extrapolation_band_width, l->extrapolation_step_days);
            cc_jsonw_kstring(w, "extrapolation", text);
        }
        rule_end(w);
    }

    if (r->n_lookups > 1) {
        rule_begin(w, "integrated_audit_sum_of_standards", "IAF MD 11");
        cc_jsonw_karray(w, "days");
        for (size_t i = 0; i < r->n_lookups; i++)
            cc_jsonw_real(w, r->lookups[i].days);
        cc_jsonw_end(w);
        rule_result(w);
        cc_jsonw_kreal(w, "days", r->table_days);
        rule_end(w);
    }

    if (in->n_adjustments > 0) {
        rule_begin(w, "adjustment_factors_reductions_capped_at_30_percent", "IAF MD 5");
        cc_jsonw_kreal(w, "days", r->table_days);
        cc_jsonw_karray(w, "adjustments");
        for (size_t i = 0; i < in->n_adjustments; i++) {
            cc_jsonw_object(w);
            cc_jsonw_kreal(w, "percent", in->adjustments[i].percent);
            cc_jsonw_kstring(w, "reason", in->adjustments[i].reason);
            cc_jsonw_end(w);
        }
        cc_jsonw_end(w);
        cc_jsonw_kreal(w, "cap_percent", AUDIT_TIME_ADJUSTMENT_CAP_PERCENT);
        rule_result(w);
        cc_jsonw_kreal(w, "reductions_percent", r4(r->reductions_percent));
        cc_jsonw_kreal(w, "increases_percent", r4(r->increases_percent));
        cc_jsonw_kreal(w, "net_percent", r4(r->net_adjustment_percent));
        cc_jsonw_kreal(w, "days", r4(r->adjusted_days));
        rule_end(w);
    }

    if (r->n_lookups > 1) {
        rule_begin(w, "integrated_audit_reduction_capped_at_20_percent", "IAF MD 11");
        cc_jsonw_kreal(w, "days", r4(r->adjusted_days));
        cc_jsonw_kreal(w, "percent", r->integration_reduction_percent);
        cc_jsonw_kreal(w, "cap_percent", AUDIT_TIME_INTEGRATION_CAP_PERCENT);
        rule_result(w);
        cc_jsonw_kreal(w, "days", r4(r->unrounded_days));
        rule_end(w);
    }

    rule_begin(w, "nearest_half_day_ties_up", "IAF MD 5");
    cc_jsonw_kreal(w, "days", r4(r->unrounded_days));
    rule_result(w);
    cc_jsonw_kreal(w, "days", r->initial_days);
    cc_jsonw_kreal(w, "hours", r->initial_days * AUDIT_TIME_HOURS_PER_DAY);
    rule_end(w);

    snprintf(text, sizeof(text),
             "stage 1 = %g %% of the initial time rounded to the half day, at least 0.5; stage 2 the rest",
             r->stage1_fraction * 100.0);
    rule_begin(w, "stage_split", "ISO/IEC 17021-1 9.3; certcycle policy");
    cc_jsonw_kreal(w, "initial_days", r->initial_days);
    cc_jsonw_kreal(w, "stage1_fraction", r->stage1_fraction);
    cc_jsonw_kstring(w, "policy", text);
    rule_result(w);
    cc_jsonw_kreal(w, "stage1_days", r->stage1_days);
    cc_jsonw_kreal(w, "stage2_days", r->stage2_days);
    rule_end(w);

    const char *fraction_source = r->fractions_from_settings ? "tenant setting (ISMS)" : "IAF MD 5";
    rule_begin(w, "surveillance_fraction_of_initial", fraction_source);
    cc_jsonw_kreal(w, "initial_days", r->initial_days);
    cc_jsonw_kreal(w, "fraction", r4(r->surveillance_fraction));
    rule_result(w);
    cc_jsonw_kreal(w, "days", r->surveillance_days);
    rule_end(w);
    rule_begin(w, "recertification_fraction_of_initial", fraction_source);
    cc_jsonw_kreal(w, "initial_days", r->initial_days);
    cc_jsonw_kreal(w, "fraction", r4(r->recertification_fraction));
    rule_result(w);
    cc_jsonw_kreal(w, "days", r->recertification_days);
    rule_end(w);

    rule_begin(w, "onsite_at_least_80_percent", "IAF MD 5");
    cc_jsonw_kreal(w, "initial_days", r->initial_days);
    cc_jsonw_kreal(w, "surveillance_days", r->surveillance_days);
    cc_jsonw_kreal(w, "recertification_days", r->recertification_days);
    cc_jsonw_kint(w, "hours_per_day", AUDIT_TIME_HOURS_PER_DAY);
    rule_result(w);
    cc_jsonw_kreal(w, "initial_min_onsite_days", r->onsite_min_initial_days);
    cc_jsonw_kreal(w, "surveillance_min_onsite_days", r->onsite_min_surveillance_days);
    cc_jsonw_kreal(w, "recertification_min_onsite_days", r->onsite_min_recertification_days);
    rule_end(w);

    if (r->transition) {
        rule_begin(w, "iso27001_2022_transition", "IAF MD 26");
        cc_jsonw_kstring(w, "with", transition_audit_name(r->transition_with));
        rule_result(w);
        cc_jsonw_kreal(w, "added_days", r->transition_days);
        cc_jsonw_kreal(w, "audit_days", r->transition_audit_days);
        rule_end(w);
    }

    rule_begin(w, r->sampling_allowed ? "multi_site_sampling" : "multi_site_no_sampling", "IAF MD 1");
    cc_jsonw_kint(w, "sites", r->sites);
    cc_jsonw_kint(w, "other_sites", r->other_sites);
    cc_jsonw_kbool(w, "sampling_allowed", r->sampling_allowed);
    rule_result(w);
    write_sample(w, "initial", &r->initial_sample);
    write_sample(w, "surveillance", &r->surveillance_sample);
    write_sample(w, "recertification", &r->recertification_sample);
    cc_jsonw_kstring(w, "formula",
                     r->sampling_allowed
                         ? "initial ceil(sqrt(x)), surveillance ceil(0.6 sqrt(x)), recertification "
                           "ceil(0.8 sqrt(x)); random ceil(25 %) of the sample; central function always"
                         : "all sites at initial and recertification, ceil(30 %) per surveillance year; "
                           "central function always");
    rule_end(w);

    for (size_t i = 0; i < in->n_site_reductions; i++) {
        const audit_time_site_reduction_t *sr = &in->site_reductions[i];
        double factor =
            (1.0 + r->net_adjustment_percent / 100.0) * (1.0 - r->integration_reduction_percent / 100.0);
        rule_begin(w, "site_reduction_at_most_50_percent_in_total", "IAF MD 1");
        cc_jsonw_kstring(w, "site", sr->name ? sr->name : "");
        cc_jsonw_kreal(w, "percent", sr->percent);
        cc_jsonw_kreal(w, "cap_percent", AUDIT_TIME_SITE_CAP_PERCENT);
        rule_result(w);
        cc_jsonw_kreal(w, "total_reduction_percent",
                       r4((1.0 - factor * (1.0 - sr->percent / 100.0)) * 100.0));
        rule_end(w);
    }
    cc_jsonw_end(w);
}

char *audit_time_to_json_text(const audit_time_input_t *in, const audit_time_result_t *r, size_t *len)
{
    cc_jsonw_t w;
    cc_jsonw_init(&w);
    cc_jsonw_object(&w);
    cc_jsonw_kstring(&w, "standard", r->standard);
    cc_jsonw_karray(&w, "standards");
    for (size_t i = 0; i < r->n_lookups; i++)
        cc_jsonw_string(&w, r->lookups[i].standard);
    cc_jsonw_end(&w);
    cc_jsonw_kint(&w, "personnel", r->personnel);
    cc_jsonw_kint(&w, "effective_personnel", r->effective_personnel);
    cc_jsonw_kbool(&w, "extrapolated", r->extrapolated);

    cc_jsonw_kobject(&w, "initial");
    cc_jsonw_kreal(&w, "days", r->initial_days);
    cc_jsonw_kreal(&w, "hours", r->initial_days * AUDIT_TIME_HOURS_PER_DAY);
    cc_jsonw_kreal(&w, "stage1_days", r->stage1_days);
    cc_jsonw_kreal(&w, "stage2_days", r->stage2_days);
    cc_jsonw_kreal(&w, "onsite_min_days", r->onsite_min_initial_days);
    cc_jsonw_end(&w);
    cc_jsonw_kobject(&w, "surveillance");
    cc_jsonw_kreal(&w, "days", r->surveillance_days);
    cc_jsonw_kreal(&w, "fraction", r4(r->surveillance_fraction));
    cc_jsonw_kreal(&w, "onsite_min_days", r->onsite_min_surveillance_days);
    cc_jsonw_end(&w);
    cc_jsonw_kobject(&w, "recertification");
    cc_jsonw_kreal(&w, "days", r->recertification_days);
    cc_jsonw_kreal(&w, "fraction", r4(r->recertification_fraction));
    cc_jsonw_kreal(&w, "onsite_min_days", r->onsite_min_recertification_days);
    cc_jsonw_end(&w);

    cc_jsonw_key(&w, "transition");
    if (r->transition) {
        cc_jsonw_object(&w);
        cc_jsonw_kstring(&w, "with", transition_audit_name(r->transition_with));
        cc_jsonw_kreal(&w, "days", r->transition_days);
        cc_jsonw_kreal(&w, "audit_days", r->transition_audit_days);
        cc_jsonw_end(&w);
    } else {
        cc_jsonw_null(&w);
    }

    cc_jsonw_kobject(&w, "multi_site");
    cc_jsonw_kint(&w, "sites", r->sites);
    cc_jsonw_kint(&w, "other_sites", r->other_sites);
    cc_jsonw_kbool(&w, "sampling_allowed", r->sampling_allowed);
    write_sample(&w, "initial", &r->initial_sample);
    write_sample(&w, "surveillance", &r->surveillance_sample);
    write_sample(&w, "recertification", &r->recertification_sample);
    cc_jsonw_end(&w);

    cc_jsonw_key(&w, "rules");
    audit_time_write_rules(&w, in, r);
    cc_jsonw_end(&w);
    return cc_jsonw_finish(&w, len);
}
