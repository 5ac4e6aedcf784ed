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

#define MAX_TEAM 32

static const char *const roles[] = {"lead", "auditor", "technical_expert", NULL};

static const cc_field_t member_fields[] = {
    {"auditor_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"role", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, roles},
};

/* The candidate must exist (400), be active staff (422), competent for the role (422). */
static cc_step_t check_candidate(cc_write_t *w, const PGresult *locked)
{
    const char *role = cc_json_str(w->body, "role");
    const char *key[] = {w->actor.tenant_id, cc_json_str(w->body, "auditor_id")};
    PGresult *res = cc_db_exec(w->db, &sql_team_candidate, 2, key);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "team candidate");
    cc_step_t step = CC_GO_ON;
    if (PQntuples(res) != 1) {
        step = cc_write_fail_field(w, 400, "unknown_auditor", "auditor_id", "no such auditor");
    } else if (PQgetvalue(res, 0, 0)[0] != 't' || strcmp(PQgetvalue(res, 0, 1), "client") == 0 ||
               PQgetvalue(res, 0, 2)[0] == 't') {
        step = cc_write_fail_field(w, 422, "auditor_inactive", "auditor_id",
                                   "the auditor is inactive, disabled, or no longer CB staff");
    } else {
        json_t *competences = json_loads(PQgetvalue(res, 0, 3), 0, NULL);
        json_t *standards = json_loads(audit_locked_value(locked, AUDIT_LOCK_STANDARDS), 0, NULL);
        if (!team_role_competent(competences, role, standards)) {
            char detail[200];
            snprintf(detail, sizeof(detail),
                     "the auditor holds no %s competence for the programme's standards", role);
            step = cc_write_fail_field(w, 422, "competence_not_covered", "role", detail);
        }
        json_decref(competences);
        json_decref(standards);
    }
    PQclear(res);
    return step;
}

/* At most MAX_TEAM members (what the API promises to list). */
static cc_step_t check_team_size(cc_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_team_size, 2, key);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "team size");
    int size = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (size < MAX_TEAM)
        return CC_GO_ON;
    return cc_write_fail_field(w, 422, "team_full", "auditor_id", "an audit team has at most 32 members");
}

static cc_step_t check_conflict(cc_write_t *w, const PGresult *locked)
{
    const char *params[] = {w->actor.tenant_id, cc_json_str(w->body, "auditor_id"),
                            audit_locked_value(locked, AUDIT_LOCK_CLIENT),
                            audit_locked_value(locked, AUDIT_LOCK_START)};
    PGresult *res = cc_db_exec(w->db, &sql_live_conflict, 4, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "conflict check");
    cc_step_t step = CC_GO_ON;
    if (PQntuples(res) == 1) {
        char detail[700];
        snprintf(detail, sizeof(detail), "the auditor has a conflict with this client until %s: %s",
                 PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 0));
        step = cc_write_fail_field(w, 422, "impartiality_conflict", "auditor_id", detail);
    }
    PQclear(res);
    return step;
}

static cc_step_t refuse_if_not_editable(cc_write_t *w, const PGresult *locked)
{
    if (audit_is_editable(audit_locked_value(locked, AUDIT_LOCK_STATUS)))
        return CC_GO_ON;
    return cc_write_fail(w, 409, "audit_not_editable", "only a planned or scheduled audit's team can change");
}

static cc_step_t add_change(cc_write_t *w, const PGresult *locked)
{
    cc_step_t step;
    if ((step = refuse_if_not_editable(w, locked)) != CC_GO_ON || (step = check_team_size(w)) != CC_GO_ON ||
        (step = check_candidate(w, locked)) != CC_GO_ON || (step = check_conflict(w, locked)) != CC_GO_ON)
        return step;
    const char *params[] = {w->actor.tenant_id, w->ids[0], cc_json_str(w->body, "auditor_id"),
                            cc_json_str(w->body, "role")};
    PGresult *res = cc_db_exec(w->db, &sql_team_insert, 4, params);
    if (!cc_db_is_ok(res)) {
        const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        if (strcmp(cc_db_sqlstate(res), "23505") != 0 || constraint == NULL)
            return audit_statement_failed(w, res, "team insert");
        bool lead = strcmp(constraint, "audit_team_one_lead") == 0;
        PQclear(res);
        return lead ? cc_write_fail(w, 409, "lead_already_assigned", "the audit already has a lead auditor")
                    : cc_write_fail(w, 409, "already_on_team", "the auditor is already on this team");
    }
    PQclear(res);
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    return audit_exec(w, &sql_audit_touch, 2, key, "audit touch");
}

static cc_step_t remove_change(cc_write_t *w, const PGresult *locked)
{
    cc_step_t step = refuse_if_not_editable(w, locked);
    if (step != CC_GO_ON)
        return step;
    const char *params[] = {w->actor.tenant_id, w->ids[0], w->ids[1]};
    PGresult *res = cc_db_exec(w->db, &sql_team_delete, 3, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "team delete");
    int removed = PQntuples(res);
    PQclear(res);
    if (removed == 0)
        return cc_write_fail(w, 404, "not_found", "the auditor is not on this audit's team");
    return audit_exec(w, &sql_audit_touch, 2, params, "audit touch");
}

static cc_step_t add_member(cc_write_t *w)
{
    return audit_write_apply(w, add_change, NULL);
}

static cc_step_t remove_member(cc_write_t *w)
{
    return audit_write_apply(w, remove_change, json_pack("{s:s}", "auditor_id", w->ids[1]));
}

static const cc_write_spec_t add_spec = {
    AUDIT_WRITE_SPEC,   .fields = member_fields, .nfields = CC_NFIELDS(member_fields),
    .path_ids = {"id"}, .run = add_member,       .event_action = "audit.team_member_added",
};

static const cc_write_spec_t remove_spec = {
    AUDIT_WRITE_SPEC,
    .path_ids = {"id", "auditor_id"},
    .run = remove_member,
    .event_action = "audit.team_member_removed",
};

CC_WRITE_HANDLER(audit_team_add_handle, add_spec);
CC_WRITE_HANDLER(audit_team_remove_handle, remove_spec);
