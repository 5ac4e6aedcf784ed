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

static const cc_field_t complete_fields[] = {
    {"ready_for_stage2", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"areas_of_concern", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"summary", CC_FIELD_STRING, 0, 1, 4000, NULL},
};
static const cc_field_t cancel_fields[] = {
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 500, NULL},
};

static cc_step_t refuse_transition(cc_write_t *w, const char *status, const char *verb)
{
    char detail[120];
    snprintf(detail, sizeof(detail), "a %s audit cannot be %s", status, verb);
    return cc_write_fail(w, 409, "invalid_transition", detail);
}

static cc_step_t set_status(cc_write_t *w, const char *status, const char *outcome, const char *cancel_reason)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0], status, outcome, cancel_reason};
    return audit_exec(w, &sql_audit_update_status, 5, params, "audit status update");
}

/* What check_team checks besides an auditor caller leading the audit. */
#define TEAM_CONFLICTS 0x1 /* no member with a live conflict with the client on the first day */
#define TEAM_LEAD 0x2      /* a lead auditor */
#define TEAM_COVERAGE 0x4  /* the programme's standards and sector codes covered */

/* Answers 422 competence_not_covered with one error per gap, when there is one. */
static cc_step_t check_coverage(cc_write_t *w, const PGresult *locked, const team_member_t *members, size_t n)
{
    json_t *standards = json_loads(audit_locked_value(locked, AUDIT_LOCK_STANDARDS), 0, NULL);
    json_t *sectors = json_loads(audit_locked_value(locked, AUDIT_LOCK_SECTORS), 0, NULL);
    json_t *gaps = team_coverage_gaps(standards, sectors, members, n);
    json_decref(standards);
    json_decref(sectors);
    if (json_array_size(gaps) == 0) {
        json_decref(gaps);
        return CC_GO_ON;
    }
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
    json_decref(gaps);
    cc_job_answer(w->job, 422, problem);
    return CC_ANSWERED;
}

/* Checks the team (see TEAM_*); an auditor caller must always be the audit's lead. */
static cc_step_t check_team(cc_write_t *w, const PGresult *locked, unsigned checks)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0], audit_locked_value(locked, AUDIT_LOCK_CLIENT),
                            audit_locked_value(locked, AUDIT_LOCK_START)};
    PGresult *res = cc_db_exec(w->db, &sql_team_members, 4, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "team read");
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
    cc_step_t step = CC_GO_ON;
    if (cc_role_parse(w->actor.role) == CC_ROLE_AUDITOR && !caller_leads) {
        step = cc_write_fail(w, 403, "forbidden",
                             "only the audit's lead auditor (or a scheme manager) may do this");
    } else if ((checks & TEAM_CONFLICTS) && conflicted != NULL) {
        char detail[120];
        snprintf(detail, sizeof(detail), "team member %s has a live conflict with this client", conflicted);
        step = cc_write_fail_field(w, 422, "impartiality_conflict", "team", detail);
    } else if ((checks & TEAM_LEAD) && !has_lead) {
        step = cc_write_fail_field(w, 422, "lead_auditor_required", "team", "the team has no lead auditor");
    } else if (checks & TEAM_COVERAGE) {
        step = check_coverage(w, locked, members, (size_t)n);
    }
    for (int i = 0; i < n; i++)
        json_decref(competences[i]);
    free(members);
    free(competences);
    PQclear(res);
    return step;
}

static cc_step_t schedule_change(cc_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (strcmp(status, "planned") != 0)
        return refuse_transition(w, status, "scheduled");
    const char *start = audit_locked_value(locked, AUDIT_LOCK_START);
    if (start == NULL)
        return cc_write_fail_field(w, 422, "dates_required", "start_date",
                                   "set the audit's dates before scheduling it");
    cc_step_t step;
    if ((step = audit_check_standards_open(w, locked, start)) != CC_GO_ON ||
        (step = audit_check_stage1_done(w, locked, start)) != CC_GO_ON ||
        (step = check_team(w, locked, TEAM_CONFLICTS | TEAM_COVERAGE)) != CC_GO_ON)
        return step;
    return set_status(w, "scheduled", NULL, NULL);
}

static cc_step_t start_change(cc_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (strcmp(status, "scheduled") != 0)
        return refuse_transition(w, status, "started");
    cc_step_t step = check_team(w, locked, TEAM_CONFLICTS | TEAM_LEAD | TEAM_COVERAGE);
    return step != CC_GO_ON ? step : set_status(w, "in_progress", NULL, NULL);
}

static cc_step_t complete_change(cc_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (strcmp(status, "in_progress") != 0)
        return refuse_transition(w, status, "completed");
    bool stage1 = strcmp(audit_locked_value(locked, AUDIT_LOCK_TYPE), "stage1") == 0;
    json_t *ready = json_object_get(w->body, "ready_for_stage2");
    json_t *concerns = json_object_get(w->body, "areas_of_concern");
    if (stage1 && (ready == NULL || concerns == NULL))
        return cc_write_fail_field(
            w, 400, "required", ready == NULL ? "ready_for_stage2" : "areas_of_concern",
            "a Stage 1 is completed with its conclusions: ready_for_stage2 and areas_of_concern");
    if (!stage1 && (ready != NULL || concerns != NULL))
        return cc_write_fail_field(w, 400, "stage1_only",
                                   ready != NULL ? "ready_for_stage2" : "areas_of_concern",
                                   "only a Stage 1 records readiness and areas of concern");
    char today[CIVIL_DATE_BUFSIZE];
    civil_date_format(civil_date_today_utc(), today);
    json_t *outcome = json_deep_copy(w->body);
    json_object_set_new(outcome, "completed_on", json_string(today));
    char *text = json_dumps(outcome, JSON_COMPACT);
    json_decref(outcome);
    cc_step_t step = check_team(w, locked, 0); /* only: an auditor caller must lead it */
    if (step == CC_GO_ON)
        step = set_status(w, "completed", text, NULL);
    free(text);
    return step;
}

static cc_step_t cancel_change(cc_write_t *w, const PGresult *locked)
{
    const char *status = audit_locked_value(locked, AUDIT_LOCK_STATUS);
    if (strcmp(status, "completed") == 0 || strcmp(status, "cancelled") == 0)
        return refuse_transition(w, status, "cancelled");
    return set_status(w, "cancelled", NULL, cc_json_str(w->body, "reason"));
}

static cc_step_t check_concerns(cc_request_t *r, const json_t *body, json_t *problem)
{
    json_t *concerns = json_object_get(body, "areas_of_concern"), *concern;
    size_t i;
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
    return CC_GO_ON;
}

static cc_step_t schedule_run(cc_write_t *w)
{
    return audit_write_apply(w, schedule_change, NULL);
}

static cc_step_t start_run(cc_write_t *w)
{
    return audit_write_apply(w, start_change, NULL);
}

static cc_step_t complete_run(cc_write_t *w)
{
    return audit_write_apply(w, complete_change, NULL);
}

static cc_step_t cancel_run(cc_write_t *w)
{
    return audit_write_apply(w, cancel_change, NULL);
}

static const cc_write_spec_t schedule_spec = {AUDIT_WRITE_SPEC, .path_ids = {"id"}, .run = schedule_run,
                                              .event_action = "audit.scheduled"};
static const cc_write_spec_t start_spec = {AUDIT_WRITE_SPEC, .path_ids = {"id"}, .run = start_run,
                                           .event_action = "audit.started"};
static const cc_write_spec_t complete_spec = {AUDIT_WRITE_SPEC,
                                              .fields = complete_fields,
                                              .nfields = CC_NFIELDS(complete_fields),
                                              .path_ids = {"id"},
                                              .check = check_concerns,
                                              .run = complete_run,
                                              .event_action = "audit.completed"};
static const cc_write_spec_t cancel_spec = {
    AUDIT_WRITE_SPEC,   .fields = cancel_fields, .nfields = CC_NFIELDS(cancel_fields),
    .path_ids = {"id"}, .run = cancel_run,       .event_action = "audit.cancelled"};

CC_WRITE_HANDLER(audit_schedule_handle, schedule_spec);
CC_WRITE_HANDLER(audit_start_handle, start_spec);
CC_WRITE_HANDLER(audit_complete_handle, complete_spec);
CC_WRITE_HANDLER(audit_cancel_handle, cancel_spec);
