/*
 * Cycle rules: the three-year certification cycle every service shares (DOMAIN.md
 * "The certification cycle"): the normative numbers, the tenant's programme settings,
 * certificate expiry, recertification and restoration, the planned audit windows, and
 * the ISO/IEC 27001:2013 transition cut-offs. Part of libccrules: pure, no I/O, no
 * allocation; dates are civil_date_t (civil_date.h).
 *
 * Conventions chosen where DOMAIN.md is silent:
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
 */
#ifndef CYCLE_RULES_H
#define CYCLE_RULES_H

#include <stdbool.h>

#include "civil_date.h"

/* ---- normative numbers [N] ---- */

#define PROGRAMME_CYCLE_YEARS 3               /* a certificate lasts three years */
#define PROGRAMME_SURVEILLANCE1_MAX_MONTHS 12 /* surveillance 1 <= decision + 12 months */
#define PROGRAMME_RESTORE_MONTHS 6            /* restoration within 6 months after expiry */
#define PROGRAMME_MAX_SURVEILLANCES 4         /* windows a cycle may need (an early recertification) */
#define PROGRAMME_ISO27001_2013 "ISO/IEC 27001:2013"
#define PROGRAMME_ISO27001_2013_CODE "ISO27001:2013" /* its code in the catalogue (GET /v1/standards) */
/* The last day an initial or recertification audit on ISO/IEC 27001:2013 may take place. */
#define PROGRAMME_ISO27001_2013_LAST_YEAR 2024
#define PROGRAMME_ISO27001_2013_LAST_MONTH 4
#define PROGRAMME_ISO27001_2013_LAST_DAY 30
/* Every ISO/IEC 27001:2013 certificate expired or was withdrawn by this day (IAF MD 26). */
#define PROGRAMME_ISO27001_2013_CERT_LAST_YEAR 2025
#define PROGRAMME_ISO27001_2013_CERT_LAST_MONTH 10
#define PROGRAMME_ISO27001_2013_CERT_LAST_DAY 31

/* ---- tenant settings [P] ---- */

/*
 * The programme settings, one X(member, min, max, default) each: the one source of
 * their names, ranges and defaults. programme_settings_t has one int member per line
 * (in this order); programme_settings_default, programme_settings_faults, scheduling's
 * reading of tenants.settings.programme and identity's settings API (cc_settings.c)
 * all expand this list. surveillance1_start_months stays below
 * PROGRAMME_SURVEILLANCE1_MAX_MONTHS; months are at most 36, days at most 3650.
 */
#define PROGRAMME_SETTINGS(X)                                                                                \
    X(surveillance1_start_months, 0, 11, 9)                                                                  \
    X(surveillance2_start_months, 1, 36, 21)                                                                 \
    X(surveillance2_end_months, 1, 36, 24)                                                                   \
    X(recertification_window_months, 1, 36, 6)                                                               \
    X(recertification_lead_days, 0, 3650, 30)                                                                \
    X(provisional_decision_lag_days, 0, 3650, 30)                                                            \
    X(window_closing_days, 0, 3650, 30)                                                                      \
    X(stage1_validity_months, 0, 36, 6)

typedef struct {
    int surveillance1_start_months;    /* surveillance 1 window opens anchor + this (9) */
    int surveillance2_start_months;    /* surveillance 2 natural window opens anchor + this (21) */
    int surveillance2_end_months;      /* ... and closes anchor + this (24) */
    int recertification_window_months; /* recertification window opens expiry - this (6) */
    int recertification_lead_days;     /* ... and closes expiry - this, so the decision fits (30) */
    int provisional_decision_lag_days; /* no decision yet: anchor = planned Stage 2 end + this (30) */
    int window_closing_days;           /* warn when a window closes within this many days (30) */
    int stage1_validity_months;        /* Stage 1 older than this needs a justification (6) */
} programme_settings_t;

/* Fills *s with DOMAIN.md's defaults (the numbers in parentheses above). */
void programme_settings_default(programme_settings_t *s);

/* One way a set of programme settings is unusable. */
typedef struct {
    const char *setting; /* the member at fault, e.g. "surveillance2_start_months" (static) */
    const char *message; /* why, e.g. "must be greater than surveillance1_start_months" (static) */
} programme_settings_fault_t;

#define PROGRAMME_SETTINGS_MAX_FAULTS 16 /* more than programme_settings_faults can find */

/*
 * Checks *s against every rule: each member within its PROGRAMME_SETTINGS range, then
 * the rules between settings: surveillance 2 opening after surveillance 1 opens and
 * closing no earlier than it opens, and a non-empty recertification window (the lead
 * below 28 days per month of the window). Writes the first max faults to out (out may
 * be NULL when max is 0) and returns how many there are: 0 when *s is usable.
 */
size_t programme_settings_faults(const programme_settings_t *s, programme_settings_fault_t *out, size_t max);

/* Returns 0 when *s is usable (programme_settings_faults finds nothing), -1 otherwise (or s NULL). */
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

/*
 * The last day of the recertification window of a cycle that expires on expiry:
 * expiry - recertification_lead_days, so the decision fits before expiry.
 */
civil_date_t programme_recertification_end(civil_date_t expiry, const programme_settings_t *s);

/* ---- audit types ---- */

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

/* ---- the ISO/IEC 27001:2013 transition ---- */

/*
 * True when standard names the 2013 edition of ISO/IEC 27001 by reference
 * ("ISO/IEC 27001:2013") or catalogue code ("ISO27001:2013"), ASCII case-insensitive,
 * optionally followed by an amendment after '/' or a space.
 */
bool programme_is_iso27001_2013(const char *standard);

/*
 * True when an audit is refused by the ISO/IEC 27001:2013 transition: standard is the
 * 2013 edition (programme_is_iso27001_2013()), type is Stage 1, Stage 2 or recertification, and
 * audit_date is after 2024-04-30. Surveillance, pre-assessment and special audits are
 * not refused by this rule.
 */
bool programme_is_iso27001_2013_refused(const char *standard, programme_audit_type_t type,
                                        civil_date_t audit_date);

/*
 * The expiry a certificate on standard may carry: expiry itself, or for the ISO/IEC
 * 27001:2013 edition no later than 2025-10-31 (every 2013 certificate expired or was
 * withdrawn by then).
 */
civil_date_t programme_certificate_expiry_cap(const char *standard, civil_date_t expiry);

#endif
