/*
 * Audit time: the pure calculation behind POST /v1/audit-time (DOMAIN.md "Audit time").
 *
 * No I/O, no allocation in audit_time_compute(): the caller fills an
 * audit_time_input_t (borrowed strings and arrays), gets an audit_time_result_t
 * with every number, and may then write the JSON explanation listing every rule
 * applied with its source (audit_time_json.h: rendering is kept apart).
 *
 * Decisions where DOMAIN.md is silent (each is also stated in the explanation):
 * - Beyond 10700 persons every table continues its last step: each further band of
 *   the last band's width (8501-10700: 2200 persons) adds the last band's increment
 *   (ISMS +1, QMS +1, EMS/OH&S high +2, medium +2, low +1, EMS limited +1).
 * - Half-day rounding is to the nearest half day with ties up (2.25 -> 2.5, 2.75 -> 3.0).
 * - Stage 1 = 30 % of the rounded initial time (tenant setting), rounded to the half
 *   day, at least 0.5; stage 2 is the rest (at least 0.5).
 * - Surveillance and recertification are fractions (1/3, 2/3) of the rounded initial
 *   time, rounded to the half day, at least 0.5. A tenant's own fractions apply only
 *   when every standard in the request is ISMS (DOMAIN.md: [P] for ISMS, MD 5 otherwise).
 * - On-site minimum = 80 % of an audit's days rounded up to the half day.
 * - The ⌈√n⌉ reduction (27006-1 C.3.4) is an ISMS rule: it changes the personnel used
 *   for the ISMS table only; QMS/EMS/OH&S tables use the full personnel.
 * - Integrated audit (MD 11): the tables of every standard are summed, adjusted, then
 *   the integration reduction applies to the sum.
 * - Caps: the sum of the reductions among `adjustments` <= 30 % (increases are not
 *   netted against it); integration reduction <= 20 %; the total reduction at one
 *   site, 1 - (1 + net adjustment) * (1 - integration) * (1 - site reduction), <= 50 %.
 */
#ifndef AUDIT_TIME_H
#define AUDIT_TIME_H

#include <stdbool.h>
#include <stddef.h>

/* Standards, as clients name them. */
#define AUDIT_TIME_ISO27001_2022 "ISO/IEC 27001:2022"
#define AUDIT_TIME_ISO27001_2013 "ISO/IEC 27001:2013"
#define AUDIT_TIME_ISO9001_2015 "ISO 9001:2015"
#define AUDIT_TIME_ISO14001_2015 "ISO 14001:2015"
#define AUDIT_TIME_ISO45001_2018 "ISO 45001:2018"

/* Limits (DOMAIN.md caps, and sanity bounds on the input). */
#define AUDIT_TIME_ADJUSTMENT_CAP_PERCENT 30.0  /* sum of reductions, IAF MD 5 */
#define AUDIT_TIME_INTEGRATION_CAP_PERCENT 20.0 /* integrated audit, IAF MD 11 */
#define AUDIT_TIME_SITE_CAP_PERCENT 50.0        /* total at one sampled site, IAF MD 1 */
#define AUDIT_TIME_MAX_INCREASE_PERCENT 100.0   /* one adjustment may add at most 100 % */
#define AUDIT_TIME_MAX_PERSONNEL 10000000L
#define AUDIT_TIME_MAX_SITES 100000L
#define AUDIT_TIME_MAX_STANDARDS 4 /* one per family: ISMS, QMS, EMS, OH&S */
#define AUDIT_TIME_HOURS_PER_DAY 8

/* Error codes returned by audit_time_compute(); 0 is success. */
typedef enum {
    AUDIT_TIME_OK = 0,
    AUDIT_TIME_ERR_INVALID = -1,                /* a malformed or out-of-range field */
    AUDIT_TIME_ERR_UNKNOWN_STANDARD = -2,       /* `standard` or `integrated_standards[i]` */
    AUDIT_TIME_ERR_PERSONNEL = -3,              /* personnel < 1 or too large */
    AUDIT_TIME_ERR_COMPLEXITY_REQUIRED = -4,    /* EMS/OH&S without `complexity` */
    AUDIT_TIME_ERR_UNKNOWN_COMPLEXITY = -5,     /* not high|medium|low|limited, or limited for OH&S */
    AUDIT_TIME_ERR_JUSTIFICATION_REQUIRED = -6, /* a group or adjustment without its justification */
    AUDIT_TIME_ERR_ADJUSTMENT_CAP = -7,         /* reductions beyond 30 % */
    AUDIT_TIME_ERR_INTEGRATION_CAP = -8,        /* integrated-audit reduction beyond 20 % */
    AUDIT_TIME_ERR_SITE_CAP = -9,               /* more than 50 % in total at one site */
} audit_time_err_t;

/* Filled on failure: the code, the request field at fault (e.g. "adjustments",
 * "identical_activity_groups[1].justification") and a sentence for `detail`. */
typedef struct {
    int code;
    char field[96];
    char message[256];
} audit_time_error_t;

/* Which audit a 27001:2022 transition accompanies (IAF MD 26). */
typedef enum {
    AUDIT_TIME_TRANSITION_WITH_RECERTIFICATION = 0, /* +0.5 day */
    AUDIT_TIME_TRANSITION_WITH_SURVEILLANCE = 1,    /* +1.0 day */
    AUDIT_TIME_TRANSITION_SEPARATE = 2,             /* +1.0 day, a special audit of its own */
} audit_time_transition_with_t;

/* Persons doing identical low-risk work, counted as ⌈√headcount⌉ (27006-1:2024 C.3.4). */
typedef struct {
    long headcount;            /* 1..personnel; the groups together <= personnel */
    const char *justification; /* required, not blank */
} audit_time_group_t;

/* An adjustment factor: negative percent reduces, positive increases. */
typedef struct {
    double percent;     /* non-zero, >= -100, <= AUDIT_TIME_MAX_INCREASE_PERCENT */
    const char *reason; /* required, not blank */
} audit_time_adjustment_t;

/* A reduction specific to one sampled site (e.g. processes run only centrally). */
typedef struct {
    const char *name; /* for messages and the explanation; may be NULL */
    double percent;   /* 0..100; with the general reductions at most 50 % in total */
} audit_time_site_reduction_t;

/* One request; every pointer is borrowed for the duration of the call. */
typedef struct {
    const char *standard;   /* one of the AUDIT_TIME_ISO* strings */
    long personnel;         /* persons doing work under the organisation's control */
    const char *complexity; /* "high"|"medium"|"low"|"limited" (EMS only); required for EMS/OH&S,
                               ignored for ISMS/QMS; NULL when absent */
    const char *const *integrated_standards; /* further standards audited together (IAF MD 11) */
    size_t n_integrated_standards;
    double integration_reduction_percent; /* 0..20, only with integrated_standards */
    const audit_time_group_t *groups;     /* identical_activity_groups */
    size_t n_groups;
    const audit_time_adjustment_t *adjustments;
    size_t n_adjustments;
    long sites;                /* all sites including the central function; 0 means 1 */
    bool sampling_not_allowed; /* IAF MD 1: every site at initial and recertification */
    const audit_time_site_reduction_t *site_reductions;
    size_t n_site_reductions;
    bool transition; /* ISO/IEC 27001:2022 transition audit */
    audit_time_transition_with_t transition_with;
} audit_time_input_t;

/* Per-tenant [P] settings; 0 in a field means the default. */
typedef struct {
    double surveillance_fraction;    /* (0, 1], default 1/3; used only for ISMS-only requests */
    double recertification_fraction; /* (0, 1], default 2/3; used only for ISMS-only requests */
    double stage1_fraction;          /* (0, 0.5], default 0.30 */
} audit_time_settings_t;

/* One table lookup (one per standard in the request). */
typedef struct {
    const char *standard;    /* canonical, static */
    const char *table;       /* "ISMS", "QMS", "EMS", "OH&S" */
    const char *source;      /* e.g. "ISO/IEC 27006 table", "IAF MD 5 table QMS 1" */
    const char *column;      /* "high"|"medium"|"low"|"limited", NULL for single-column tables */
    long personnel;          /* persons looked up (effective personnel for ISMS) */
    long band_min, band_max; /* the band used; beyond 10700 the extrapolated band */
    double days;
    bool extrapolated;
    double extrapolation_step_days; /* days added per further band when extrapolated */
    long extrapolation_band_width;
} audit_time_lookup_t;

/* Sample sizes for one audit: sites other than the central function. */
typedef struct {
    long sample; /* sites other than the central function to visit */
    long random; /* of which chosen at random: ⌈25 %⌉, 0 when sampling is not allowed */
    long visits; /* sample + the central function */
} audit_time_sample_t;

/* Every number of the calculation. Days are exact multiples of 0.5 unless noted. */
typedef struct {
    const char *standard; /* canonical, static */
    long personnel;
    long effective_personnel; /* after the ⌈√n⌉ groups; == personnel without groups */
    audit_time_lookup_t lookups[AUDIT_TIME_MAX_STANDARDS];
    size_t n_lookups;
    bool extrapolated;             /* any lookup extrapolated beyond 10700 */
    double table_days;             /* sum of the lookups */
    double reductions_percent;     /* sum of the negative adjustments, as a positive number */
    double increases_percent;      /* sum of the positive adjustments */
    double net_adjustment_percent; /* increases - reductions */
    double adjusted_days;          /* table_days * (1 + net), unrounded */
    double integration_reduction_percent;
    double unrounded_days; /* adjusted_days * (1 - integration), unrounded */
    double initial_days;   /* rounded to the half day: stage 1 + stage 2 */
    double stage1_fraction;
    double stage1_days;
    double stage2_days;
    bool fractions_from_settings; /* the tenant's fractions were used (ISMS-only request) */
    double surveillance_fraction;
    double recertification_fraction;
    double surveillance_days; /* one surveillance audit, without any transition */
    double recertification_days;
    double onsite_min_initial_days; /* ⌈80 %⌉ on the half-day grid */
    double onsite_min_surveillance_days;
    double onsite_min_recertification_days;
    bool transition;
    audit_time_transition_with_t transition_with;
    double transition_days;       /* 0.5 or 1.0; 0 without a transition */
    double transition_audit_days; /* the accompanied audit's days + transition_days */
    long sites;                   /* including the central function */
    long other_sites;             /* x */
    bool sampling_allowed;
    audit_time_sample_t initial_sample;
    audit_time_sample_t surveillance_sample;
    audit_time_sample_t recertification_sample;
    double max_site_reduction_percent; /* highest total reduction at one site, 0 without site reductions */
} audit_time_result_t;

/*
 * Validates in and computes every figure into *out. settings may be NULL (defaults).
 * Returns AUDIT_TIME_OK (0) or a negative audit_time_err_t; on failure *err (if not
 * NULL) names the field and *out is unspecified. Allocates nothing.
 */
int audit_time_compute(const audit_time_input_t *in, const audit_time_settings_t *settings,
                       audit_time_result_t *out, audit_time_error_t *err);

/* The stable problem `code` for an error ("adjustment_cap_exceeded", ...); static. */
const char *audit_time_error_code(int err);

/* The HTTP status for an error: 422 for the caps, 400 for malformed input, 500 otherwise. */
int audit_time_error_status(int err);

/* Half-day rounding used throughout: nearest half day, ties up (2.25 -> 2.5). */
double audit_time_round_half_day(double days);

/* How many persons a group of identical low-risk work counts as: ⌈√headcount⌉, exactly (0 for headcount <=
 * 0). */
long audit_time_counted_as(long headcount);

/*
 * The total reduction, in percent, at a site with its own reduction site_percent under
 * r's adjustments and integration: 1 - (1 + net) * (1 - integration) * (1 - site).
 */
double audit_time_site_total_reduction(const audit_time_result_t *r, double site_percent);

#endif
