/*
 * Finding rules (DOMAIN.md "Findings"): the grades and where each may be raised, the
 * corrective-action deadlines [P], the 6-month rule for a Stage 2 major
 * nonconformity [N], and what blocks a grant decision. Part of libccrules: pure, no
 * I/O, no allocation, so the findings service and scheduling share one copy.
 */
#ifndef FINDING_RULES_H
#define FINDING_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "civil_date.h"
#include "cycle_rules.h"

#define PROGRAMME_MAJOR_NC_CUTOFF_MONTHS 6 /* Stage 2 major NC verified closed within 6 months */

/* ---- grades ---- */

typedef enum {
    FINDING_MAJOR = 0,      /* major nonconformity */
    FINDING_MINOR,          /* minor nonconformity */
    FINDING_OBSERVATION,    /* needs no response, never blocks */
    FINDING_OFI,            /* opportunity for improvement: likewise */
    FINDING_AREA_OF_CONCERN /* Stage 1's output: not a graded nonconformity */
} finding_grade_t;

/*
 * Reads the API name of a grade ("major", "minor", "observation", "ofi",
 * "area_of_concern") into *out. Returns 0, or -1 (and leaves *out alone) for NULL or
 * any other name.
 */
int finding_grade_from_name(const char *name, finding_grade_t *out);

/* The API name of grade; NULL for a value outside the enum. */
const char *finding_grade_name(finding_grade_t grade);

/* True for a graded nonconformity (major or minor): it needs a response and has deadlines. */
bool finding_is_nonconformity(finding_grade_t grade);

/*
 * True when an audit of type may raise grade: Stage 1 raises areas of concern only; a
 * pre-assessment raises no graded nonconformity (observations, OFIs and areas of
 * concern only); every other audit raises majors, minors, observations and OFIs.
 */
bool finding_is_grade_allowed(programme_audit_type_t type, finding_grade_t grade);

/* ---- the tenant's findings policy [P] ---- */

/* The findings settings: name, minimum, maximum, default (the settings API's `findings` group). */
#define FINDING_SETTINGS(X)                                                                                  \
    X(plan_days, 0, 3650, 30)                                                                                \
    X(closure_days, 0, 3650, 90)                                                                             \
    X(minor_cluster, 2, 1000, 3)                                                                             \
    X(evidence_max_bytes, 1, 25165824, 20971520)

typedef struct {
    int plan_days;          /* corrective-action plan due the audit's last day + this (30) */
    int closure_days;       /* closure due the audit's last day + this (90) */
    int minor_cluster;      /* this many minors on one requirement of one audit are flagged (3) */
    int evidence_max_bytes; /* the largest evidence file (20 MiB; at most the 24 MiB body cap) */
} finding_settings_t;

/* Fills *s with the defaults of FINDING_SETTINGS. */
void finding_settings_default(finding_settings_t *s);

/* Returns 0 when every member of *s is within its FINDING_SETTINGS range, -1 otherwise (or s NULL). */
int finding_settings_validate(const finding_settings_t *s);

/* ---- deadlines ---- */

typedef struct {
    civil_date_t plan_due;    /* corrective-action plan */
    civil_date_t closure_due; /* closure */
    bool plan_clamped;        /* moved earlier to respect the certificate's expiry */
    bool closure_clamped;
} programme_finding_deadlines_t;

/*
 * Finding deadlines from the audit's last day: plan + s->plan_days, closure +
 * s->closure_days. At recertification no deadline passes cert_expiry (each is
 * clamped to it); when the audit itself ends after cert_expiry (restoration work) the
 * bound is programme_restore_limit(cert_expiry) instead. cert_expiry is ignored unless
 * at_recertification. Returns 0, or -1 for invalid dates or settings.
 */
int finding_deadlines(civil_date_t audit_last_day, bool at_recertification, civil_date_t cert_expiry,
                      const finding_settings_t *s, programme_finding_deadlines_t *out);

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

/* ---- the grant decision ---- */

/* One finding as the grant decision sees it. */
typedef struct {
    finding_grade_t grade;
    bool closed;        /* verified closed (majors), or closed after verification */
    bool plan_accepted; /* the auditor accepted the corrective-action plan */
} finding_state_t;

typedef enum {
    FINDING_GRANT_ALLOWED = 0,
    FINDING_GRANT_MAJOR_OPEN,        /* a major NC is not closed */
    FINDING_GRANT_MINOR_WITHOUT_PLAN /* an open minor NC has no accepted plan */
} finding_grant_t;

/*
 * Whether a grant decision may be recorded over the n findings at findings: refused
 * while any major NC is open, or any open minor lacks an accepted plan (a major wins
 * when both apply). Observations, OFIs and areas of concern never block. When index
 * is not NULL it receives the first blocking finding's index (or -1).
 */
finding_grant_t finding_grant_check(const finding_state_t *findings, size_t n, int *index);

#endif
