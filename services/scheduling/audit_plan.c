/*
 * PATCH /v1/audits/{id}: plan an audit's days, how it is conducted and its
 * audit time. While planned or scheduled only. Remote and hybrid audits
 * record their ICT arrangements (IAF MD 4); fewer days than the calculation
 * gave need a justification (the override is stored and shown). New dates
 * move the team's bookings with them, refused by the database when a member
 * is booked or unavailable on one of the new days.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_writes.h"
#include "cc_problem.h"
#include "programme_rules.h"

static const char *const modes[] = {"on_site", "remote", "hybrid", NULL};

static const cc_field_t plan_fields[] = {
    {"start_date", CC_FIELD_DATE, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"end_date", CC_FIELD_DATE, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"mode", CC_FIELD_ENUM, 0, 0, 0, modes},
    {"ict_arrangements", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 2000, NULL},
    {"planned_days", CC_FIELD_NUMBER, 0, 0.5, 999, NULL},
    {"days_justification", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 2000, NULL},
};

/* The body's value for key when it names it (NULL for JSON null), else the stored one. */
static const char *merged(const json_t *body, const char *key, const PGresult *locked, int column)
{
    json_t *v = json_object_get(body, key);
    return v != NULL ? json_string_value(v) : audit_locked_value(locked, column);
}

bool audit_is_editable(const char *status)
{
    return strcmp(status, "planned") == 0 || strcmp(status, "scheduled") == 0;
}

cc_step_t audit_check_standards_open(cc_write_t *w, const PGresult *locked, const char *start)
{
    civil_date_t day;
    if (start == NULL || civil_date_parse(start, &day) != 0)
        return CC_GO_ON;
    programme_audit_type_t type = programme_audit_type_from_name(audit_locked_value(locked, AUDIT_LOCK_TYPE));
    json_t *standards = json_loads(audit_locked_value(locked, AUDIT_LOCK_STANDARDS), 0, NULL);
    size_t i;
    json_t *s;
    cc_step_t step = CC_GO_ON;
    json_array_foreach(standards, i, s)
    {
        if (step == CC_GO_ON && programme_is_iso27001_2013_refused(json_string_value(s), type, day))
            step = cc_write_fail_field(
                w, 422, "standard_closed", "start_date",
                "no initial or recertification audit on ISO/IEC 27001:2013 after 2024-04-30");
    }
    json_decref(standards);
    return step;
}

/* The plan's rules on the merged dates, mode and days; CC_GO_ON when they hold. */
static cc_step_t check_plan(cc_write_t *w, const char *status, const char *start, const char *end,
                            const char *mode, const char *ict, const char *justification, const char *planned,
                            double calculated)
{
    if ((start == NULL) != (end == NULL))
        return cc_write_fail_field(w, 400, "required_together", start == NULL ? "start_date" : "end_date",
                                   "start_date and end_date are set (or cleared) together");
    if (start != NULL && strcmp(end, start) < 0) /* YYYY-MM-DD compares as text */
        return cc_write_fail_field(w, 400, "before_start", "end_date", "must be on or after start_date");
    if (start == NULL && strcmp(status, "scheduled") == 0)
        return cc_write_fail_field(w, 422, "dates_required", "start_date",
                                   "a scheduled audit keeps its dates; cancel it to release them");
    if (strcmp(mode, "on_site") != 0 && ict == NULL)
        return cc_write_fail_field(w, 422, "ict_arrangements_required", "ict_arrangements",
                                   "a remote or hybrid audit records its ICT arrangements (IAF MD 4)");
    if (atof(planned) < calculated && justification == NULL) {
        char detail[160];
        snprintf(detail, sizeof(detail),
                 "planned_days %s is below the calculated %.1f: an override needs a justification", planned,
                 calculated);
        return cc_write_fail_field(w, 422, "override_justification_required", "days_justification", detail);
    }
    return CC_GO_ON;
}

static cc_step_t plan_change(cc_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (!audit_is_editable(status))
        return cc_write_fail(w, 409, "audit_not_editable",
                             "only a planned or scheduled audit can be changed");
    const char *start = merged(w->body, "start_date", locked, AUDIT_LOCK_START);
    const char *end = merged(w->body, "end_date", locked, AUDIT_LOCK_END);
    const char *mode = merged(w->body, "mode", locked, AUDIT_LOCK_MODE);
    const char *ict = merged(w->body, "ict_arrangements", locked, AUDIT_LOCK_ICT);
    const char *justification = merged(w->body, "days_justification", locked, AUDIT_LOCK_JUSTIFICATION);
    char planned[32];
    json_t *days = json_object_get(w->body, "planned_days");
    if (days != NULL)
        snprintf(planned, sizeof(planned), "%.1f", json_number_value(days));
    else
        snprintf(planned, sizeof(planned), "%s", audit_locked_value(locked, AUDIT_LOCK_PLANNED_DAYS));
    double calculated = atof(audit_locked_value(locked, AUDIT_LOCK_CALCULATED_DAYS));
    cc_step_t step;
    if ((step = check_plan(w, status, start, end, mode, ict, justification, planned, calculated)) !=
            CC_GO_ON ||
        (step = audit_check_standards_open(w, locked, start)) != CC_GO_ON)
        return step;
    /* it passed at scheduling: new dates must still pass */
    if (strcmp(status, "scheduled") == 0 && (step = audit_check_stage1_done(w, locked, start)) != CC_GO_ON)
        return step;
    const char *params[] = {w->actor.tenant_id, w->ids[0], start, end, mode, ict, planned, justification};
    return audit_exec(w, &sql_audit_update_plan, 8, params, "audit plan update");
}

static cc_step_t check_days(cc_request_t *r, const json_t *body, json_t *problem)
{
    json_t *days = json_object_get(body, "planned_days");
    /* The table holds the bounds (0.5..999); the half-day step is checked here. */
    if (days != NULL && fmod(json_number_value(days) * 2, 1.0) != 0)
        cc_problem_add_error(problem, "planned_days", "half_days", "must be a whole number of half days");
    return CC_GO_ON;
}

static cc_step_t plan_run(cc_write_t *w)
{
    return audit_write_apply(w, plan_change, NULL);
}

static const cc_write_spec_t plan_spec = {
    .flags = AUDIT_WRITE_FLAGS | CC_WRITE_PATCH,
    .fields = plan_fields,
    .nfields = CC_NFIELDS(plan_fields),
    .path_ids = {"id"},
    .check = check_days,
    .run = plan_run,
    .event_action = "audit.planned",
};

CC_WRITE_HANDLER(audits_patch_handle, plan_spec);
