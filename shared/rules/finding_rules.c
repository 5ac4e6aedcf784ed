/*
 * Finding rules: see finding_rules.h. Pure: no I/O, no clock, no allocation.
 */
#include "finding_rules.h"

#include <string.h>

static const char *const grade_names[] = {"major", "minor", "observation", "ofi", "area_of_concern"};
#define NGRADES (sizeof(grade_names) / sizeof(grade_names[0]))

int finding_grade_from_name(const char *name, finding_grade_t *out)
{
    if (name == NULL || out == NULL)
        return -1;
    for (size_t i = 0; i < NGRADES; i++) {
        if (strcmp(name, grade_names[i]) == 0) {
            *out = (finding_grade_t)i;
            return 0;
        }
    }
    return -1;
}

const char *finding_grade_name(finding_grade_t grade)
{
    if ((int)grade < 0 || (size_t)grade >= NGRADES)
        return NULL;
    return grade_names[grade];
}

bool finding_is_nonconformity(finding_grade_t grade)
{
    return grade == FINDING_MAJOR || grade == FINDING_MINOR;
}

bool finding_is_grade_allowed(programme_audit_type_t type, finding_grade_t grade)
{
    if (finding_grade_name(grade) == NULL)
        return false;
    if (type == PROGRAMME_AUDIT_STAGE1)
        return grade == FINDING_AREA_OF_CONCERN;
    if (type == PROGRAMME_AUDIT_PRE_ASSESSMENT)
        return !finding_is_nonconformity(grade);
    return grade != FINDING_AREA_OF_CONCERN;
}

void finding_settings_default(finding_settings_t *s)
{
#define FINDING_DEFAULT(name, lo, hi, def) s->name = (def);
    FINDING_SETTINGS(FINDING_DEFAULT)
#undef FINDING_DEFAULT
}

int finding_settings_validate(const finding_settings_t *s)
{
    if (s == NULL)
        return -1;
#define FINDING_CHECK(name, lo, hi, def)                                                                     \
    if (s->name < (lo) || s->name > (hi))                                                                    \
        return -1;
    FINDING_SETTINGS(FINDING_CHECK)
#undef FINDING_CHECK
    return 0;
}

int finding_deadlines(civil_date_t audit_last_day, bool at_recertification, civil_date_t cert_expiry,
                      const finding_settings_t *s, programme_finding_deadlines_t *out)
{
    civil_date_t bound;

    if (out == NULL || finding_settings_validate(s) != 0 || !civil_date_is_valid(audit_last_day) ||
        (at_recertification && !civil_date_is_valid(cert_expiry)))
        return -1;
    memset(out, 0, sizeof(*out));
    out->plan_due = civil_date_add_days(audit_last_day, s->plan_days);
    out->closure_due = civil_date_add_days(audit_last_day, s->closure_days);
    if (!at_recertification)
        return 0;
    bound = civil_date_compare(audit_last_day, cert_expiry) <= 0 ? cert_expiry
                                                                 : programme_restore_limit(cert_expiry);
    if (civil_date_compare(out->plan_due, bound) > 0) {
        out->plan_due = bound;
        out->plan_clamped = true;
    }
    if (civil_date_compare(out->closure_due, bound) > 0) {
        out->closure_due = bound;
        out->closure_clamped = true;
    }
    return 0;
}

civil_date_t programme_major_nc_cutoff(civil_date_t stage2_last_day)
{
    return civil_date_add_months(stage2_last_day, PROGRAMME_MAJOR_NC_CUTOFF_MONTHS);
}

bool programme_is_major_nc_blocking(civil_date_t stage2_last_day, bool verified_closed,
                                    civil_date_t verified_on, civil_date_t as_of, civil_date_t *cutoff)
{
    civil_date_t c = programme_major_nc_cutoff(stage2_last_day);

    if (cutoff != NULL)
        *cutoff = c;
    if (verified_closed)
        return civil_date_compare(verified_on, c) > 0;
    return civil_date_compare(as_of, c) > 0;
}

finding_grant_t finding_grant_check(const finding_state_t *findings, size_t n, int *index)
{
    finding_grant_t result = FINDING_GRANT_ALLOWED;
    int first = -1;

    for (size_t i = 0; i < n && result != FINDING_GRANT_MAJOR_OPEN; i++) {
        const finding_state_t *f = &findings[i];

        if (f->closed)
            continue;
        if (f->grade == FINDING_MAJOR) {
            result = FINDING_GRANT_MAJOR_OPEN;
            first = (int)i;
        } else if (f->grade == FINDING_MINOR && !f->plan_accepted && result == FINDING_GRANT_ALLOWED) {
            result = FINDING_GRANT_MINOR_WITHOUT_PLAN;
            first = (int)i;
        }
    }
    if (index != NULL)
        *index = first;
    return result;
}
