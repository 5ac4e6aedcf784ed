/*
 * An audit's life: POST /v1/audits/{id}/schedule | start | complete | cancel.
 *
 *   planned --schedule--> scheduled --start--> in_progress --complete--> completed
 *   planned | scheduled | in_progress --cancel {reason}--> cancelled
 *
 * Scheduling needs dates, a team covering the programme's standards and
 * sector codes with no live impartiality conflict, an open edition of the
 * standard, and for a Stage 2 a completed Stage 1 with its conclusions.
 * Starting checks the team again (members may have changed since) and needs
 * a lead auditor. Completing a Stage 1 records its
 * conclusions {ready_for_stage2, areas_of_concern}. Start and complete may
 * also be done by the audit's own lead auditor. Cancelling frees the team's
 * booked days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_writes.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_roles.h"
#include "team_rules.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static const cc_field_t complete_fields[] = {
    {"ready_for_stage2", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"areas_of_concern", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"summary", CC_FIELD_STRING, 0, 1, 4000, NULL},
};
static const cc_field_t cancel_fields[] = {
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 500, NULL},
};

static int refuse_transition(cc_job_t *job, const char *status, const char *verb)
{
    char detail[120];
    snprintf(detail, sizeof(detail), "a %s audit cannot be %s", status, verb);
    cc_job_fail(job, 409, "invalid_transition", detail);
    return CC_JOB_DONE;
}

static int set_status(cc_job_t *job, cc_dbconn_t *db, const audit_write_t *w, const char *status,
                      const char *outcome, const char *cancel_reason)
{
    const char *params[] = {w->actor.tenant_id, w->audit_id, status, outcome, cancel_reason};
    return audit_exec(job, db, &sql_audit_update_status, 5, params, "audit status update");
}

/* What the checks return: go on, or stop (answered; CC_JOB_RETRY when the transaction should run again). */
#define CHECK_OK 0
#define CHECK_STOP (-1)

static int stop_after(cc_job_t *job, PGresult *res, const char *context)
{
    return audit_statement_failed(job, res, context) == CC_JOB_RETRY ? CC_JOB_RETRY : CHECK_STOP;
}

/* A check's result as a job's: CHECK_STOP was answered, CC_JOB_RETRY runs again. */
static int job_rc(int check)
{
    return check == CC_JOB_RETRY ? CC_JOB_RETRY : CC_JOB_DONE;
}

/* What check_team checks besides an auditor caller leading the audit. */
#define TEAM_CONFLICTS 0x1 /* no member with a live conflict with the client on the first day */
#define TEAM_LEAD 0x2      /* a lead auditor */
#define TEAM_COVERAGE 0x4  /* the programme's standards and sector codes covered */

/* Checks the team (see TEAM_*); an auditor caller must always be the audit's lead. */
static int check_team(cc_job_t *job, cc_dbconn_t *db, const audit_write_t *w, const PGresult *locked,
                      unsigned checks)
{
    const char *params[] = {w->actor.tenant_id, w->audit_id, audit_locked_value(locked, AUDIT_LOCK_CLIENT),
                            audit_locked_value(locked, AUDIT_LOCK_START)};
    PGresult *res = cc_db_exec(db, &sql_team_members, 4, params);
    if (!cc_db_is_ok(res))
        return stop_after(job, res, "team read");
    int n = PQntuples(res);
    team_member_t *members = cc_calloc((size_t)n + 1, sizeof(*members));
    json_t **competences = cc_calloc((size_t)n + 1, sizeof(*competences));
    bool has_lead = false, caller_leads = false;
    const char *conflicted = NULL;
    for (int i = 0; i < n; i++) {
        members[i].role = PQgetvalue(res, i, 1);
        competences[i] = json_loads(PQgetvalue(res, i, 2), 0, NULL);
        members[i].competences = competences[i];
        bool lead = strcmp(members[i].role, "lead") == 0;
        has_lead |= lead;
        caller_leads |= lead && strcmp(PQgetvalue(res, i, 3), w->actor.user_id) == 0;
        if (conflicted == NULL && !PQgetisnull(res, i, 4))
            conflicted = PQgetvalue(res, i, 0);
    }
    int rc = CHECK_OK;
    if (cc_role_parse(w->actor.role) == CC_ROLE_AUDITOR && !caller_leads) {
        cc_job_fail(job, 403, "forbidden", "only the audit's lead auditor (or a scheme manager) may do this");
        rc = CHECK_STOP;
    } else if ((checks & TEAM_CONFLICTS) && conflicted != NULL) {
        char detail[120];
        snprintf(detail, sizeof(detail), "team member %s has a live conflict with this client", conflicted);
        audit_fail_field(job, 422, "impartiality_conflict", "team", detail);
        rc = CHECK_STOP;
    } else if ((checks & TEAM_LEAD) && !has_lead) {
        audit_fail_field(job, 422, "lead_auditor_required", "team", "the team has no lead auditor");
        rc = CHECK_STOP;
    } else if (checks & TEAM_COVERAGE) {
        json_t *standards = json_loads(audit_locked_value(locked, AUDIT_LOCK_STANDARDS), 0, NULL);
        json_t *sectors = json_loads(audit_locked_value(locked, AUDIT_LOCK_SECTORS), 0, NULL);
        json_t *gaps = team_coverage_gaps(standards, sectors, members, (size_t)n);
        if (json_array_size(gaps) != 0) {
            json_t *problem = cc_problem_new(422, "competence_not_covered",
                                             "the team does not cover the programme's standards and sectors");
            size_t i;
            json_t *gap;
            json_array_foreach(gaps, i, gap)
            {
                const char *standard = cc_json_str(gap, "standard");
                char message[200];
                snprintf(message, sizeof(message), "no %s competent for %s",
                         standard != NULL ? "lead or auditor on the team is" : "team member is",
                         standard != NULL ? standard : cc_json_str(gap, "sector_code"));
                cc_problem_add_error(problem, "team", "competence_not_covered", message);
            }
            cc_job_answer(job, 422, problem);
            rc = CHECK_STOP;
        }
        json_decref(gaps);
        json_decref(standards);
        json_decref(sectors);
    }
    for (int i = 0; i < n; i++)
        json_decref(competences[i]);
    free(members);
    free(competences);
    PQclear(res);
    return rc;
}

static int schedule_change(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (strcmp(status, "planned") != 0)
        return refuse_transition(job, status, "scheduled");
    const char *start = audit_locked_value(locked, AUDIT_LOCK_START);
    if (start == NULL) {
        audit_fail_field(job, 422, "dates_required", "start_date",
                         "set the audit's dates before scheduling it");
        return CC_JOB_DONE;
    }
    int rc;
    if (audit_check_standards_open(job, locked, start) != 0)
        return CC_JOB_DONE;
    if ((rc = audit_check_stage1_done(job, db, w->actor.tenant_id, locked, start)) != CHECK_OK ||
        (rc = check_team(job, db, w, locked, TEAM_CONFLICTS | TEAM_COVERAGE)) != CHECK_OK)
        return job_rc(rc);
    return set_status(job, db, w, "scheduled", NULL, NULL);
}

static int start_change(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (strcmp(status, "scheduled") != 0)
        return refuse_transition(job, status, "started");
    int rc = check_team(job, db, w, locked, TEAM_CONFLICTS | TEAM_LEAD | TEAM_COVERAGE);
    return rc != CHECK_OK ? job_rc(rc) : set_status(job, db, w, "in_progress", NULL, NULL);
}

static int complete_change(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (strcmp(status, "in_progress") != 0)
        return refuse_transition(job, status, "completed");
    bool stage1 = strcmp(audit_locked_value(locked, AUDIT_LOCK_TYPE), "stage1") == 0;
    json_t *ready = json_object_get(w->body, "ready_for_stage2");
    json_t *concerns = json_object_get(w->body, "areas_of_concern");
    if (stage1 && (ready == NULL || concerns == NULL)) {
        audit_fail_field(
            job, 400, "required", ready == NULL ? "ready_for_stage2" : "areas_of_concern",
            "a Stage 1 is completed with its conclusions: ready_for_stage2 and areas_of_concern");
        return CC_JOB_DONE;
    }
    if (!stage1 && (ready != NULL || concerns != NULL)) {
        audit_fail_field(job, 400, "stage1_only", ready != NULL ? "ready_for_stage2" : "areas_of_concern",
                         "only a Stage 1 records readiness and areas of concern");
        return CC_JOB_DONE;
    }
    char today[CIVIL_DATE_BUFSIZE];
    civil_date_format(civil_date_today_utc(), today);
    json_t *outcome = json_deep_copy(w->body);
    json_object_set_new(outcome, "completed_on", json_string(today));
    char *text = json_dumps(outcome, JSON_COMPACT);
    json_decref(outcome);
    int rc = check_team(job, db, w, locked, 0); /* only: an auditor caller must lead it */
    rc = rc != CHECK_OK ? job_rc(rc) : set_status(job, db, w, "completed", text, NULL);
    free(text);
    return rc;
}

static int cancel_change(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (strcmp(status, "completed") == 0 || strcmp(status, "cancelled") == 0)
        return refuse_transition(job, status, "cancelled");
    return set_status(job, db, w, "cancelled", NULL, cc_json_str(w->body, "reason"));
}

void audit_schedule_handle(cc_request_t *r)
{
    audit_write_submit(r, NULL, schedule_change, "audit.scheduled", NULL);
}

void audit_start_handle(cc_request_t *r)
{
    audit_write_submit(r, NULL, start_change, "audit.started", NULL);
}

void audit_complete_handle(cc_request_t *r)
{
    json_t *body = cc_read_json_or_respond(r, complete_fields, NFIELDS(complete_fields));
    if (body == NULL)
        return;
    json_t *concerns = json_object_get(body, "areas_of_concern"), *concern;
    size_t i;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (json_array_size(concerns) > 100)
        cc_problem_add_error(problem, "areas_of_concern", "too_many", "at most 100 areas of concern");
    json_array_foreach(concerns, i, concern)
    {
        size_t len = json_string_length(concern);
        if (!json_is_string(concern) || len == 0 || cc_utf8_length(json_string_value(concern), len) > 2000) {
            char field[48];
            snprintf(field, sizeof(field), "areas_of_concern[%zu]", i);
            cc_problem_add_error(problem, field, "invalid_value", "must be a string of 1 to 2000 characters");
        }
    }
    if (cc_problem_error_count(problem) != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return;
    }
    json_decref(problem);
    audit_write_submit(r, body, complete_change, "audit.completed", NULL);
}

void audit_cancel_handle(cc_request_t *r)
{
    json_t *body = cc_read_json_or_respond(r, cancel_fields, NFIELDS(cancel_fields));
    if (body != NULL)
        audit_write_submit(r, body, cancel_change, "audit.cancelled", NULL);
}
