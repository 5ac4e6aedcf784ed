/*
 * Programme rules: the live warnings of one programme and the Stage 2 predicate,
 * scheduling's own use of the shared cycle rules (DOMAIN.md "The certification
 * cycle"). Pure: no I/O and no clock; only programme_warnings_compute() allocates (its
 * list, released with programme_warnings_free()).
 *
 * Civil dates, the cycle (expiry, recertification, windows, the 27001:2013 transition)
 * and the finding deadlines live in libccrules (shared/rules/), included here so
 * scheduling's handlers reach them through this header.
 *
 * Conventions chosen where DOMAIN.md is silent (the others are in cycle_rules.h):
 * - An undated audit counts for a calendar year only when its whole window lies in it;
 *   a dated audit counts for the years of its start and end dates.
 */
#ifndef PROGRAMME_RULES_H
#define PROGRAMME_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "civil_date.h"
#include "cycle_rules.h"
#include "finding_rules.h"

#define PROGRAMME_MAX_PRE_ASSESSMENTS 1 /* more than one: impartiality risk */

/* ---- programmes and warnings ---- */

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
 * - year_without_surveillance: each required calendar year (see cycle_rules.h)
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

#endif
