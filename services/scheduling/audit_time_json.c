/*
 * The JSON of an audit-time calculation: the response body of POST /v1/audit-time
 * (the figures and every rule applied with its source), written straight to text
 * with cc_jsonw. Rendering only: every number comes from audit_time_compute().
 */
#include "audit_time_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* The ⌈√n⌉ groups, when the request has any. */
static void write_groups(cc_jsonw_t *w, const audit_time_input_t *in, const audit_time_result_t *r)
{
    if (in->n_groups > 0) {
        rule_begin(w, "identical_activity_groups_counted_as_ceil_sqrt_n", "27006-1:2024 C.3.4");
        cc_jsonw_kint(w, "personnel", r->personnel);
        cc_jsonw_karray(w, "identical_activity_groups");
        for (size_t i = 0; i < in->n_groups; i++) {
            cc_jsonw_object(w);
            cc_jsonw_kint(w, "headcount", in->groups[i].headcount);
            cc_jsonw_kstring(w, "justification", in->groups[i].justification);
            cc_jsonw_kint(w, "counted_as", audit_time_counted_as(in->groups[i].headcount));
            cc_jsonw_end(w);
        }
        cc_jsonw_end(w);
        rule_result(w);
        cc_jsonw_kint(w, "effective_personnel", r->effective_personnel);
        cc_jsonw_kstring(w, "note", "the maximum reduction; used for the ISMS table only");
        rule_end(w);
    }
}

/* One table lookup per standard, and their sum for an integrated audit. */
static void write_lookups(cc_jsonw_t *w, const audit_time_input_t *in, const audit_time_result_t *r)
{
    char text[256];
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
}

/* The adjustment factors, and the integrated-audit reduction. */
static void write_adjustments(cc_jsonw_t *w, const audit_time_input_t *in, const audit_time_result_t *r)
{
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
}

/* Rounding, the stage split, surveillance and recertification, the on-site minima. */
static void write_days(cc_jsonw_t *w, const audit_time_input_t *in, const audit_time_result_t *r)
{
    char text[256];
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
}

/* The transition, multi-site sampling and each site reduction. */
static void write_sites(cc_jsonw_t *w, const audit_time_input_t *in, const audit_time_result_t *r)
{
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
        rule_begin(w, "site_reduction_at_most_50_percent_in_total", "IAF MD 1");
        cc_jsonw_kstring(w, "site", sr->name ? sr->name : "");
        cc_jsonw_kreal(w, "percent", sr->percent);
        cc_jsonw_kreal(w, "cap_percent", AUDIT_TIME_SITE_CAP_PERCENT);
        rule_result(w);
        cc_jsonw_kreal(w, "total_reduction_percent", r4(audit_time_site_total_reduction(r, sr->percent)));
        rule_end(w);
    }
}

void audit_time_write_rules(cc_jsonw_t *w, const audit_time_input_t *in, const audit_time_result_t *r)
{
    cc_jsonw_array(w);
    write_groups(w, in, r);
    write_lookups(w, in, r);
    write_adjustments(w, in, r);
    write_days(w, in, r);
    write_sites(w, in, r);
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
