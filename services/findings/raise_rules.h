/*
 * What raising or regrading a finding decides from the facts (DOMAIN.md
 * "Findings"): whether the audit takes findings now, whether the grade fits
 * the audit type, the finding's first status, its deadlines and, for a Stage 2
 * major, the day after which it blocks the decision. Pure (libccrules only):
 * the handlers read the facts in SQL and write what this returns.
 */
#ifndef FINDINGS_RAISE_RULES_H
#define FINDINGS_RAISE_RULES_H

#include <stdbool.h>

#include "civil_date.h"
#include "cycle_rules.h"
#include "finding_rules.h"

/* The audit a finding is raised on, as read in the raising transaction. */
typedef struct {
    programme_audit_type_t type;
    const char *status;    /* the audit's status ("in_progress", ...) */
    bool decided;          /* a certification decision has included it (cc_audit_decided) */
    civil_date_t last_day; /* its end date, else its start date, else today */
    civil_date_t expiry;   /* the programme's expiry (the cap at recertification) */
    finding_settings_t settings;
} raise_facts_t;

typedef enum {
    RAISE_OK = 0,
    RAISE_AUDIT_NOT_OPEN,    /* 409 audit_not_open: the audit is not in_progress or completed */
    RAISE_AUDIT_CLOSED,      /* 409 audit_closed: a decision has included the audit */
    RAISE_GRADE_NOT_ALLOWED, /* 422 grade_not_allowed: not for this audit type */
    RAISE_INVALID            /* the facts are unusable (bad dates or settings): a 500 */
} raise_refusal_t;

/* A finding's derived values. has_* false: the column is NULL. */
typedef struct {
    const char *status; /* "open" for a nonconformity, "recorded" otherwise (static storage) */
    bool has_deadlines;
    civil_date_t plan_due, closure_due;
    bool has_blocking;
    civil_date_t decision_blocking_after;
} raise_outcome_t;

/*
 * Whether grade may be raised on the audit now and, when it may (RAISE_OK), *out: status `open` and the plan
 * and closure deadlines for a major or minor (capped at the expiry at a recertification audit), `recorded`
 * and no deadlines otherwise, and decision_blocking_after for a major on a Stage 2 (its last day + 6
 * months). The audit's state is checked before the grade: not open, then closed, then the grade.
 */
raise_refusal_t raise_decide(const raise_facts_t *facts, finding_grade_t grade, raise_outcome_t *out);

/*
 * For a regrade of an open finding: RAISE_GRADE_NOT_ALLOWED unless both grades are nonconformities (major,
 * minor) and to is allowed on the audit type; otherwise RAISE_OK with *out recomputed for the new grade (the
 * deadlines as raised are kept by the caller: a regrade moves no deadline). Same-grade is the caller's check.
 */
raise_refusal_t raise_regrade(const raise_facts_t *facts, finding_grade_t from, finding_grade_t to,
                              raise_outcome_t *out);

#endif
