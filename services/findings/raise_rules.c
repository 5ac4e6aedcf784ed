/*
 * Raising and regrading a finding decided from the facts (see raise_rules.h):
 * DOMAIN.md "Findings" (grades by audit type, deadlines [P], the 6-month rule).
 */
#include "raise_rules.h"

#include "finding_states.h"

#include <string.h>

static bool audit_open(const char *status)
{
    return status != NULL && (strcmp(status, "in_progress") == 0 || strcmp(status, "completed") == 0);
}

/* The derived values of a finding of grade on the audit (the grade already allowed). */
static raise_refusal_t derive(const raise_facts_t *facts, finding_grade_t grade, raise_outcome_t *out)
{
    memset(out, 0, sizeof(*out));
    /* one table says where a finding starts (finding_states.h): open for an NC, recorded otherwise */
    out->status = finding_status_name(finding_initial_status(grade));
    if (!finding_is_nonconformity(grade))
        return RAISE_OK;
    programme_finding_deadlines_t d;
    if (finding_deadlines(facts->last_day, facts->type == PROGRAMME_AUDIT_RECERTIFICATION, facts->expiry,
                          &facts->settings, &d) != 0)
        return RAISE_INVALID;
    out->has_deadlines = true;
    out->plan_due = d.plan_due;
    out->closure_due = d.closure_due;
    if (grade == FINDING_MAJOR && facts->type == PROGRAMME_AUDIT_STAGE2) {
        out->has_blocking = true;
        out->decision_blocking_after = programme_major_nc_cutoff(facts->last_day);
    }
    return RAISE_OK;
}

raise_refusal_t raise_decide(const raise_facts_t *facts, finding_grade_t grade, raise_outcome_t *out)
{
    if (!audit_open(facts->status))
        return RAISE_AUDIT_NOT_OPEN;
    if (facts->decided)
        return RAISE_AUDIT_CLOSED;
    if (!finding_is_grade_allowed(facts->type, grade))
        return RAISE_GRADE_NOT_ALLOWED;
    return derive(facts, grade, out);
}

raise_refusal_t raise_regrade(const raise_facts_t *facts, finding_grade_t from, finding_grade_t to,
                              raise_outcome_t *out)
{
    if (!finding_is_nonconformity(from) || !finding_is_nonconformity(to) ||
        !finding_is_grade_allowed(facts->type, to))
        return RAISE_GRADE_NOT_ALLOWED;
    return derive(facts, to, out);
}
