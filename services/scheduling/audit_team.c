/*
 * An audit's team: POST /v1/audits/{id}/team {auditor_id, role} and
 * DELETE /v1/audits/{id}/team/{auditor_id}, while the audit is planned or
 * scheduled. A member must be an active auditor whose user is still CB
 * staff, competent for the role on the programme's standards, and free of
 * an impartiality conflict with the client on the audit's days; at most one
 * lead. Adding a member books their days (auditor_bookings), which the
 * database refuses when they are already booked or unavailable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_writes.h"
#include "team_rules.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_TEAM 32

static const char *const roles[] = {"lead", "auditor", "technical_expert", NULL};

static const cc_field_t member_fields[] = {
    {"auditor_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"role", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, roles},
};

/* The candidate must exist (400), be active staff (422), competent for the role (422). Returns 0 to go on,
 * -1 when answered, CC_JOB_RETRY to run again. */
static int check_candidate(cc_job_t *job, cc_dbconn_t *db, const audit_write_t *w, const PGresult *locked)
{
    const char *auditor_id = json_string_value(json_object_get(w->body, "auditor_id"));
    const char *role = json_string_value(json_object_get(w->body, "role"));
    const char *key[] = {w->actor.tenant_id, auditor_id};
    PGresult *res = cc_db_exec(db, &sql_team_candidate, 2, key);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, "team candidate") == CC_JOB_RETRY ? CC_JOB_RETRY : -1;
    int rc = 0;
    if (PQntuples(res) != 1) {
        audit_fail_field(job, 400, "unknown_auditor", "auditor_id", "no such auditor");
        rc = -1;
    } else if (PQgetvalue(res, 0, 0)[0] != 't' || strcmp(PQgetvalue(res, 0, 1), "client") == 0 ||
               PQgetvalue(res, 0, 2)[0] == 't') {
        audit_fail_field(job, 422, "auditor_inactive", "auditor_id",
                         "the auditor is inactive, disabled, or no longer CB staff");
        rc = -1;
    } else {
        json_t *competences = json_loads(PQgetvalue(res, 0, 3), 0, NULL);
        json_t *standards = json_loads(audit_locked_value(locked, AUDIT_LOCK_STANDARDS), 0, NULL);
        if (!team_role_competent(competences, role, standards)) {
            char detail[200];
            snprintf(detail, sizeof(detail),
                     "the auditor holds no %s competence for the programme's standards", role);
            audit_fail_field(job, 422, "competence_not_covered", "role", detail);
            rc = -1;
        }
        json_decref(competences);
        json_decref(standards);
    }
    PQclear(res);
    return rc;
}

/* At most MAX_TEAM members (what the API promises to list). */
static int check_team_size(cc_job_t *job, cc_dbconn_t *db, const audit_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->audit_id};
    PGresult *res = cc_db_exec(db, &sql_team_size, 2, key);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, "team size") == CC_JOB_RETRY ? CC_JOB_RETRY : -1;
    int size = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (size < MAX_TEAM)
        return 0;
    audit_fail_field(job, 422, "team_full", "auditor_id", "an audit team has at most 32 members");
    return -1;
}

static int check_conflict(cc_job_t *job, cc_dbconn_t *db, const audit_write_t *w, const PGresult *locked)
{
    const char *params[] = {w->actor.tenant_id, json_string_value(json_object_get(w->body, "auditor_id")),
                            audit_locked_value(locked, AUDIT_LOCK_CLIENT),
                            audit_locked_value(locked, AUDIT_LOCK_START)};
    PGresult *res = cc_db_exec(db, &sql_live_conflict, 4, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, "conflict check") == CC_JOB_RETRY ? CC_JOB_RETRY : -1;
    int rc = 0;
    if (PQntuples(res) == 1) {
        char detail[700];
        snprintf(detail, sizeof(detail), "the auditor has a conflict with this client until %s: %s",
                 PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 0));
        audit_fail_field(job, 422, "impartiality_conflict", "auditor_id", detail);
        rc = -1;
    }
    PQclear(res);
    return rc;
}

static int add_change(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w, const PGresult *locked)
{
    if (!audit_is_editable(audit_locked_value(locked, AUDIT_LOCK_STATUS))) {
        cc_job_fail(job, 409, "audit_not_editable", "only a planned or scheduled audit's team can change");
        return CC_JOB_DONE;
    }
    int rc;
    if ((rc = check_team_size(job, db, w)) != 0 || (rc = check_candidate(job, db, w, locked)) != 0 ||
        (rc = check_conflict(job, db, w, locked)) != 0)
        return rc == CC_JOB_RETRY ? CC_JOB_RETRY : CC_JOB_DONE;
    const char *params[] = {w->actor.tenant_id, w->audit_id,
                            json_string_value(json_object_get(w->body, "auditor_id")),
                            json_string_value(json_object_get(w->body, "role"))};
    PGresult *res = cc_db_exec(db, &sql_team_insert, 4, params);
    if (!cc_db_is_ok(res)) {
        const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        if (strcmp(cc_db_sqlstate(res), "23505") == 0 && constraint != NULL) {
            bool lead = strcmp(constraint, "audit_team_one_lead") == 0;
            cc_job_fail(job, 409, lead ? "lead_already_assigned" : "already_on_team",
                        lead ? "the audit already has a lead auditor"
                             : "the auditor is already on this team");
            PQclear(res);
            return CC_JOB_DONE;
        }
        return audit_statement_failed(job, res, "team insert");
    }
    PQclear(res);
    const char *key[] = {w->actor.tenant_id, w->audit_id};
    return audit_exec(job, db, &sql_audit_touch, 2, key, "audit touch");
}

static int remove_change(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w, const PGresult *locked)
{
    if (!audit_is_editable(audit_locked_value(locked, AUDIT_LOCK_STATUS))) {
        cc_job_fail(job, 409, "audit_not_editable", "only a planned or scheduled audit's team can change");
        return CC_JOB_DONE;
    }
    const char *params[] = {w->actor.tenant_id, w->audit_id, w->auditor_id};
    PGresult *res = cc_db_exec(db, &sql_team_delete, 3, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, "team delete");
    int removed = PQntuples(res);
    PQclear(res);
    if (removed == 0) {
        cc_job_fail(job, 404, "not_found", "the auditor is not on this audit's team");
        return CC_JOB_DONE;
    }
    return audit_exec(job, db, &sql_audit_touch, 2, params, "audit touch");
}

void audit_team_add_handle(cc_request_t *r)
{
    json_t *body = cc_read_json_or_respond(r, member_fields, NFIELDS(member_fields));
    if (body != NULL)
        audit_write_submit(r, body, add_change, "audit.team_member_added", NULL);
}

void audit_team_remove_handle(cc_request_t *r)
{
    const char *auditor_id = cc_path_uuid_or_respond(r, "auditor_id");
    if (auditor_id == NULL)
        return;
    json_t *body = json_pack("{s:s}", "auditor_id", auditor_id); /* the event's details */
    audit_write_submit(r, body, remove_change, "audit.team_member_removed", auditor_id);
}
