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

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

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

int audit_check_standards_open(cc_job_t *job, const PGresult *locked, const char *start)
{
    civil_date_t day;
    if (start == NULL || civil_date_parse(start, &day) != 0)
        return 0;
    programme_audit_type_t type = programme_audit_type_from_name(audit_locked_value(locked, AUDIT_LOCK_TYPE));
    json_t *standards = json_loads(audit_locked_value(locked, AUDIT_LOCK_STANDARDS), 0, NULL);
    size_t i;
    json_t *s;
    int rc = 0;
    json_array_foreach(standards, i,
                       s) if (rc == 0 && programme_is_iso27001_2013_refused(json_string_value(s), type, day))
    {
        audit_fail_field(job, 422, "standard_closed", "start_date",
                         "no initial or recertification audit on ISO/IEC 27001:2013 after 2024-04-30");
        rc = -1;
    }
    json_decref(standards);
    return rc;
}

static int plan_change(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (!audit_is_editable(status)) {
        cc_job_fail(job, 409, "audit_not_editable", "only a planned or scheduled audit can be changed");
        return CC_JOB_DONE;
    }
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

    if ((start == NULL) != (end == NULL)) {
        audit_fail_field(job, 400, "required_together", start == NULL ? "start_date" : "end_date",
                         "start_date and end_date are set (or cleared) together");
        return CC_JOB_DONE;
    }
    if (start != NULL && strcmp(end, start) < 0) { /* YYYY-MM-DD compares as text */
        audit_fail_field(job, 400, "before_start", "end_date", "must be on or after start_date");
        return CC_JOB_DONE;
    }
    if (start == NULL && strcmp(status, "scheduled") == 0) {
        audit_fail_field(job, 422, "dates_required", "start_date",
                         "a scheduled audit keeps its dates; cancel it to release them");
        return CC_JOB_DONE;
    }
    if (strcmp(mode, "on_site") != 0 && ict == NULL) {
        audit_fail_field(job, 422, "ict_arrangements_required", "ict_arrangements",
                         "a remote or hybrid audit records its ICT arrangements (IAF MD 4)");
        return CC_JOB_DONE;
    }
    if (atof(planned) < calculated && justification == NULL) {
        char detail[160];
        snprintf(detail, sizeof(detail),
                 "planned_days %s is below the calculated %.1f: an override needs a justification", planned,
                 calculated);
        audit_fail_field(job, 422, "override_justification_required", "days_justification", detail);
        return CC_JOB_DONE;
    }
    if (audit_check_standards_open(job, locked, start) != 0)
        return CC_JOB_DONE;
    if (strcmp(status, "scheduled") == 0) { /* it passed at scheduling: new dates must still pass */
        int rc = audit_check_stage1_done(job, db, w->actor.tenant_id, locked, start);
        if (rc != 0)
            return rc == CC_JOB_RETRY ? CC_JOB_RETRY : CC_JOB_DONE;
    }
    const char *params[] = {w->actor.tenant_id, w->audit_id, start, end, mode, ict, planned, justification};
    return audit_exec(job, db, &sql_audit_update_plan, 8, params, "audit plan update");
}

void audits_patch_handle(cc_request_t *r)
{
    json_t *body = cc_read_json_or_respond(r, plan_fields, NFIELDS(plan_fields));
    if (body == NULL)
        return;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    json_t *days = json_object_get(body, "planned_days");
    if (json_object_size(body) == 0)
        cc_problem_add_error(problem, "", "empty", "the body names no field to change");
    /* The table holds the bounds (0.5..999); the half-day step is checked here. */
    if (days != NULL && fmod(json_number_value(days) * 2, 1.0) != 0)
        cc_problem_add_error(problem, "planned_days", "half_days", "must be a whole number of half days");
    if (cc_problem_error_count(problem) != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return;
    }
    json_decref(problem);
    audit_write_submit(r, body, plan_change, "audit.planned", NULL);
}
