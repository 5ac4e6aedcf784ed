/*
 * Programme date rules: the pure calendar arithmetic behind a three-year
 * certification programme (DOMAIN.md "The certification cycle", "Findings").
 *
 * No I/O and no time_t: dates are civil dates (year, month, day) with no time zone,
 * converted to a day count with Howard Hinnant's days_from_civil algorithm. Every
 * function is pure; only programme_warnings_compute() allocates (its list, released
 * with programme_warnings_free()).
 *
 * Conventions chosen where DOMAIN.md is silent:
 * - Month arithmetic clamps to the end of the month: 31 Jan + 1 month = 28/29 Feb,
 *   29 Feb 2024 + 12 months = 28 Feb 2025, + 48 months = 29 Feb 2028. Each addition is
 *   computed from the original date (never step by step).
 * - A cycle that starts on S expires on the day before its third anniversary, as CBs
 *   print it ("valid until"): decided 2025-03-10, expires 2028-03-09; the certificate is
 *   valid through the whole expiry day. The anniversary of 29 February in a common
 *   year is 1 March, so a cycle starting 2024-02-29 expires 2027-02-28 (a full three
 *   years, 1096 days) rather than 2027-02-27.
 * - A recertification decided on or before the expiry day keeps the cycle without a
 *   gap: the next cycle starts the day after the old expiry and runs three years, so
 *   the new expiry is "old expiry + 3 years" read as whole cycles (2028-03-09 ->
 *   2031-03-09; 2025-02-28 -> 2028-02-29, where naive clamping would lose a day).
 *   Restoration (decided after expiry, on or before expiry + 6 months, end-of-month
 *   clamped) uses the same expiry; later is not restorable.
 * - Surveillance 1 window: [anchor + 9 months (setting), anchor + 12 months]; the end
 *   is the [N] limit, inclusive. Surveillance 2's natural window is [anchor + 21,
 *   anchor + 24 months] (settings). The recertification window is
 *   [expiry - 6 months, expiry - 30 days] (settings).
 * - The calendar-year rule: the anchor's year is covered by the certifying audit and
 *   decision (a surveillance in the year of a 31 December decision is impossible), and
 *   the recertification year is the year of the recertification audit (its start
 *   date once scheduled; before that, conservatively, the year its window ends).
 *   Every year strictly between must hold a surveillance. The windows are clipped to
 *   those years: with two or more required years, surveillance k is clipped to the
 *   k-th (an early recertification decision can leave three or four years before the
 *   next recertification year: the cycle then gets a third or fourth surveillance,
 *   window k + 1 = window 2 + 12 * (k - 1) months); with one, surveillance 2 is
 *   clipped to it (surveillance 1 when 2 cannot reach it). Every surveillance window
 *   also ends before the recertification window opens; a later surveillance whose
 *   natural window misses its year inside those bounds takes the whole part of the
 *   year after the previous window and before the recertification window.
 *   Early-in-the-year anchors therefore get short windows: a decision on 2025-03-10 puts surveillance 1 in
 *   [2026-01-01, 2026-03-10], since a recertification audit in January or February
 *   2028 would leave 2027 needing its own surveillance.
 * - For the next cycle, the anchor is the recertification (or restoration) decision
 *   date: "no more than 12 months after the certification decision" read literally.
 * - An undated audit counts for a calendar year only when its whole window lies in it;
 *   a dated audit counts for the years of its start and end dates.
 */
#ifndef PROGRAMME_RULES_H
#define PROGRAMME_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- civil dates ---- */

/* A date in the proleptic Gregorian calendar, no time zone. Valid years: 1..9999. */
typedef struct {
    int year;
    int month; /* 1..12 */
    int day;   /* 1..days in month */
} civil_date_t;

/* Bytes needed by civil_date_format(): "YYYY-MM-DD" and the NUL. */
#define CIVIL_DATE_BUFSIZE 11

/* True when year is a Gregorian leap year (divisible by 4, except centuries not divisible by 400). */
bool civil_date_is_leap_year(int year);

/* Days in month (1..12) of year; 0 for a month out of range. */
int civil_date_days_in_month(int year, int month);

/* True when d names a real day with a year in 1..9999. */
bool civil_date_is_valid(civil_date_t d);

/* Builds a date from its parts; does not validate (see civil_date_is_valid()). */
civil_date_t civil_date_make(int year, int month, int day);

/*
 * Days since 1970-01-01 (negative before it); Hinnant's days_from_civil. d must have a
 * month in 1..12; any year, and days out of range, are arithmetic (2025-01-32 is 1 Feb).
 */
int64_t civil_date_to_days(civil_date_t d);

/* The date days after 1970-01-01; Hinnant's civil_from_days. Inverse of civil_date_to_days(). */
civil_date_t civil_date_from_days(int64_t days);

/*
 * Parses exactly "YYYY-MM-DD" (four, two, two ASCII digits, nothing before or after)
 * into *out. Returns 0, or -1 (and leaves *out alone) for NULL, any other shape, or a
 * date that does not exist (2025-02-29, 2025-13-01, 0000-01-01).
 */
int civil_date_parse(const char *s, civil_date_t *out);

/* As civil_date_parse() for the len bytes at s (not NUL-terminated, e.g. a JSON string). */
int civil_date_parse_n(const char *s, size_t len, civil_date_t *out);

/*
 * Writes d as "YYYY-MM-DD" and a NUL into buf (CIVIL_DATE_BUFSIZE bytes). Returns 0, or
 * -1 for an invalid date (then buf holds the empty string).
 */
int civil_date_format(civil_date_t d, char buf[CIVIL_DATE_BUFSIZE]);

/* d plus n days (n may be negative). */
civil_date_t civil_date_add_days(civil_date_t d, int64_t n);

/*
 * d plus n months (n may be negative), the day clamped to the end of the target month:
 * 2025-01-31 + 1 = 2025-02-28, 2024-02-29 + 12 = 2025-02-28, + 48 = 2028-02-29.
 */
civil_date_t civil_date_add_months(civil_date_t d, int n);

/* d plus n years (n may be negative): civil_date_add_months(d, 12 * n), so 29 Feb clamps to 28 Feb. */
civil_date_t civil_date_add_years(civil_date_t d, int n);

/* Negative, 0 or positive as a is before, the same day as, or after b. */
int civil_date_compare(civil_date_t a, civil_date_t b);

/* Days from a to b (b - a): positive when b is later. */
int64_t civil_date_days_between(civil_date_t a, civil_date_t b);

/* The earlier / later of a and b. */
civil_date_t civil_date_min(civil_date_t a, civil_date_t b);
civil_date_t civil_date_max(civil_date_t a, civil_date_t b);

/* ---- normative numbers [N] ---- */

#define PROGRAMME_CYCLE_YEARS 3               /* a certificate lasts three years */
#define PROGRAMME_SURVEILLANCE1_MAX_MONTHS 12 /* surveillance 1 <= decision + 12 months */
#define PROGRAMME_RESTORE_MONTHS 6            /* restoration within 6 months after expiry */
#define PROGRAMME_MAJOR_NC_CUTOFF_MONTHS 6    /* Stage 2 major NC verified closed within 6 months */
#define PROGRAMME_MAX_PRE_ASSESSMENTS 1       /* more than one: impartiality risk */
#define PROGRAMME_MAX_SURVEILLANCES 4         /* windows a cycle may need (an early recertification) */
#define PROGRAMME_ISO27001_2013 "ISO/IEC 27001:2013"
/* The last day an initial or recertification audit on ISO/IEC 27001:2013 may take place. */
#define PROGRAMME_ISO27001_2013_LAST_YEAR 2024
#define PROGRAMME_ISO27001_2013_LAST_MONTH 4
#define PROGRAMME_ISO27001_2013_LAST_DAY 30

/* ---- tenant settings [P] ---- */

typedef struct {
    int surveillance1_start_months;    /* surveillance 1 window opens anchor + this (9) */
    int surveillance2_start_months;    /* surveillance 2 natural window opens anchor + this (21) */
    int surveillance2_end_months;      /* ... and closes anchor + this (24) */
    int recertification_window_months; /* recertification window opens expiry - this (6) */
    int recertification_lead_days;     /* ... and closes expiry - this, so the decision fits (30) */
    int provisional_decision_lag_days; /* no decision yet: anchor = planned Stage 2 end + this (30) */
    int window_closing_days;           /* warn when a window closes within this many days (30) */
    int stage1_validity_months;        /* Stage 1 older than this needs a justification (6) */
    int finding_plan_days;             /* corrective-action plan due last day + this (30) */
    int finding_closure_days;          /* closure due last day + this (90) */
} programme_settings_t;

/* Fills *s with DOMAIN.md's defaults (the numbers in parentheses above). */
void programme_settings_default(programme_settings_t *s);

/*
 * Returns 0 when *s is usable, -1 otherwise: every number in range (months 0..36,
 * days 0..3650), surveillance 1 opening before 12 months, surveillance 2 opening after
 * surveillance 1 opens and closing no earlier than it opens, and a non-empty
 * recertification window.
 */
int programme_settings_validate(const programme_settings_t *s);

/* ---- certificate validity and recertification ---- */

/*
 * The expiry of a cycle that starts on start: the day before its third anniversary
 * (the anniversary of 29 February in a common year being 1 March).
 * 2025-03-10 -> 2028-03-09; 2024-02-29 -> 2027-02-28; 2025-01-01 -> 2027-12-31.
 */
civil_date_t programme_cycle_expiry(civil_date_t start);

/* The expiry after a gap-free continuation: programme_cycle_expiry(old_expiry + 1 day). */
civil_date_t programme_continued_expiry(civil_date_t old_expiry);

/* The last day a certificate that expired on expiry may be restored: expiry + 6 months, clamped. */
civil_date_t programme_restore_limit(civil_date_t expiry);

typedef enum {
    PROGRAMME_RECERT_ON_TIME = 0,       /* decided on or before the expiry day */
    PROGRAMME_RECERT_RESTORED = 1,      /* decided after expiry, within 6 months */
    PROGRAMME_RECERT_NOT_RESTORABLE = 2 /* later: a new initial certification is needed */
} programme_recert_outcome_t;

typedef struct {
    programme_recert_outcome_t outcome;
    civil_date_t effective;     /* the decision date; zero when not restorable */
    civil_date_t expiry;        /* programme_continued_expiry(old expiry); zero when not restorable */
    civil_date_t restore_limit; /* programme_restore_limit(old expiry), always set */
} programme_recert_t;

/*
 * Classifies a recertification decision against the expiring certificate and computes
 * the new effective and expiry dates. Returns 0, or -1 for an invalid date.
 */
int programme_recert_decide(civil_date_t old_expiry, civil_date_t decision, programme_recert_t *out);

/* ---- planned audit windows ---- */

/* A closed interval of days: start <= end, both inclusive. */
typedef struct {
    civil_date_t start;
    civil_date_t end;
} programme_window_t;

typedef struct {
    bool provisional;    /* anchor is an estimate: no decision yet */
    civil_date_t anchor; /* the decision date (or the provisional estimate) */
    civil_date_t expiry; /* the cycle's expiry */
    /* Surveillance k + 1 in surveillance[k]; at least two, more when more years need one. */
    programme_window_t surveillance[PROGRAMME_MAX_SURVEILLANCES];
    int nsurveillances;
    programme_window_t recertification;
    /* Calendar years that need a surveillance, ascending; required_years[k] is covered by surveillance[k]
     * (by surveillance[1], or surveillance[0] when that cannot reach it, when there is only one). */
    int required_years[PROGRAMME_MAX_SURVEILLANCES];
    int nrequired_years;
} programme_windows_t;

/*
 * Computes the windows of a cycle from its anchor (the certification decision) and
 * expiry, as described at the top of this file. out->provisional is false. Returns 0,
 * or -1 for invalid dates or settings, anchor after expiry, or settings that cannot
 * put a surveillance in every required year (more than PROGRAMME_MAX_SURVEILLANCES
 * years, or an empty clip).
 */
int programme_windows_compute(civil_date_t anchor, civil_date_t expiry, const programme_settings_t *s,
                              programme_windows_t *out);

/* Windows of an initial cycle: anchor = decision, expiry = programme_cycle_expiry(decision). 0 or -1. */
int programme_windows_initial(civil_date_t decision, const programme_settings_t *s, programme_windows_t *out);

/*
 * Provisional windows before a decision: anchor = planned Stage 2 end +
 * provisional_decision_lag_days, expiry from that anchor; out->provisional is true.
 * 0 or -1.
 */
int programme_windows_provisional(civil_date_t stage2_end, const programme_settings_t *s,
                                  programme_windows_t *out);

/*
 * Windows of the next cycle after a recertification or restoration decision (r from
 * programme_recert_decide()): anchor = r->effective, expiry = r->expiry. Returns -1
 * when r is PROGRAMME_RECERT_NOT_RESTORABLE (a new initial cycle is needed instead).
 */
int programme_windows_next_cycle(const programme_recert_t *r, const programme_settings_t *s,
                                 programme_windows_t *out);

/* ---- programmes and warnings ---- */

typedef enum {
    PROGRAMME_AUDIT_PRE_ASSESSMENT = 0,
    PROGRAMME_AUDIT_STAGE1,
    PROGRAMME_AUDIT_STAGE2,
    PROGRAMME_AUDIT_SURVEILLANCE,
    PROGRAMME_AUDIT_RECERTIFICATION,
    PROGRAMME_AUDIT_SPECIAL /* scope extension, short notice, transfer review */
} programme_audit_type_t;

/* The type named as the API and the database name it ("stage1", ...); anything else is special. */
programme_audit_type_t programme_audit_type_from_name(const char *name);

typedef enum {
    PROGRAMME_STATUS_PLANNED = 0, /* window only */
    PROGRAMME_STATUS_SCHEDULED,   /* dates set */
    PROGRAMME_STATUS_IN_PROGRESS,
    PROGRAMME_STATUS_COMPLETED,
    PROGRAMME_STATUS_CANCELLED
} programme_audit_status_t;

/* One planned audit as the warnings see it. */
typedef struct {
    programme_audit_type_t type;
    programme_audit_status_t status;
    bool has_window;
    programme_window_t window;
    bool has_dates; /* scheduled or actual first and last day */
    civil_date_t start_date;
    civil_date_t end_date;
    bool has_conclusions; /* Stage 1: conclusions recorded (on conclusions_date) */
    civil_date_t conclusions_date;
} programme_audit_t;

/* A programme (one cycle) as the warnings see it; every pointer is borrowed. */
typedef struct {
    bool has_anchor; /* a decision (or a provisional anchor) exists */
    civil_date_t anchor;
    civil_date_t expiry;
    const programme_audit_t *audits;
    size_t naudits;
    int other_pre_assessments;      /* the client's pre-assessments in its other programmes */
    bool stage1_validity_justified; /* a justification that an old Stage 1 is still valid is recorded */
} programme_t;

typedef enum {
    PROGRAMME_WARN_WINDOW_CLOSING = 0,        /* audit, date = window end */
    PROGRAMME_WARN_WINDOW_MISSED,             /* audit, date = window end */
    PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, /* year */
    PROGRAMME_WARN_STAGE1_STALE,              /* audit (the Stage 1), date = when it went stale */
    PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS   /* year = the client's count of pre-assessments */
} programme_warning_code_t;

typedef struct {
    programme_warning_code_t code;
    int audit;         /* index into programme_t.audits, or -1 */
    int year;          /* see the code; 0 when unused */
    civil_date_t date; /* see the code; zero when unused */
} programme_warning_t;

/* A growable list of warnings; zero-initialise it or call programme_warnings_init(). */
typedef struct {
    programme_warning_t *items;
    size_t count;
    size_t capacity;
} programme_warnings_t;

/* Makes w empty. */
void programme_warnings_init(programme_warnings_t *w);

/* Releases w's storage and makes it empty. */
void programme_warnings_free(programme_warnings_t *w);

/* The stable API name of a code ("window_closing", ...); NULL for an unknown code. */
const char *programme_warning_code_name(programme_warning_code_t code);

/*
 * Appends to out the live warnings for p on today, in this order:
 * - window_closing: an audit neither in progress, completed nor cancelled, not dated
 *   inside its window, whose window ends today or within window_closing_days;
 * - window_missed: today is after the window end and the audit is neither completed
 *   nor cancelled (an audit in progress that started inside its window is not missed);
 * - year_without_surveillance: each required calendar year (see the top of this file)
 *   with no non-cancelled surveillance in it (only when p->has_anchor);
 * - stage1_stale: a Stage 1 with conclusions whose last day (or conclusions date) plus
 *   stage1_validity_months is before Stage 2's first day (or today, while Stage 2 is
 *   undated), Stage 2 not completed and no justification recorded;
 * - multiple_pre_assessments: more than one non-cancelled pre-assessment for the client.
 * Allocation failure aborts. Returns 0, or -1 for invalid settings or dates.
 */
int programme_warnings_compute(const programme_t *p, civil_date_t today, const programme_settings_t *s,
                               programme_warnings_t *out);

/* ---- predicates ---- */

/*
 * True when a Stage 2 may start on stage2_start: stage1 is a Stage 1, not cancelled,
 * with conclusions recorded on or before stage2_start.
 */
bool programme_is_stage2_allowed(const programme_audit_t *stage1, civil_date_t stage2_start);

typedef struct {
    civil_date_t plan_due;    /* corrective-action plan */
    civil_date_t closure_due; /* closure */
    bool plan_clamped;        /* moved earlier to respect the certificate's expiry */
    bool closure_clamped;
} programme_finding_deadlines_t;

/*
 * Finding deadlines from the audit's last day: plan + finding_plan_days, closure +
 * finding_closure_days. At recertification no deadline passes cert_expiry (each is
 * clamped to it); when the audit itself ends after cert_expiry (restoration work) the
 * bound is programme_restore_limit(cert_expiry) instead. cert_expiry is ignored unless
 * at_recertification. Returns 0, or -1 for invalid dates or settings.
 */
int programme_finding_deadlines(civil_date_t audit_last_day, bool at_recertification,
                                civil_date_t cert_expiry, const programme_settings_t *s,
                                programme_finding_deadlines_t *out);

/* The last day a Stage 2 major NC may be verified closed: Stage 2's last day + 6 months, clamped. */
civil_date_t programme_major_nc_cutoff(civil_date_t stage2_last_day);

/*
 * The hard rule at initial certification: true when a major NC from Stage 2 blocks the
 * decision (a new Stage 2 is needed): verified closed after the cut-off, or not verified
 * closed and as_of (today or the decision date) is after the cut-off. Writes the cut-off
 * to *cutoff when cutoff is not NULL.
 */
bool programme_is_major_nc_blocking(civil_date_t stage2_last_day, bool verified_closed,
                                    civil_date_t verified_on, civil_date_t as_of, civil_date_t *cutoff);

/*
 * True when an audit is refused by the ISO/IEC 27001:2013 transition: standard is the
 * 2013 edition ("ISO/IEC 27001:2013", ASCII case-insensitive, optionally followed by an
 * amendment after '/' or a space), type is Stage 1, Stage 2 or recertification, and
 * audit_date is after 2024-04-30. Surveillance, pre-assessment and special audits are
 * not refused by this rule.
 */
bool programme_is_iso27001_2013_refused(const char *standard, programme_audit_type_t type,
                                        civil_date_t audit_date);

#endif
