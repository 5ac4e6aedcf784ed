/*
 * A finding's move through its state machine (see finding_move.h): who may act
 * (ARCHITECTURE.md "Security": 404 for what is not the caller's, 403 for a
 * role or a team that does not allow it), the rule (finding_states.h), and
 * the guarded UPDATE with its history row, so two racing reviewers cannot
 * both apply (DOMAIN.md "Findings").
 */
#include "finding_move.h"

#include <stdlib.h>
#include <string.h>

#include "cc_roles.h"

static const cc_sql_t sql_team_member = {
    "findings_move_team_member",
    "SELECT cc_audit_team_member(f.audit_id, $3::uuid) FROM findings f WHERE f.tenant_id = $1 AND f.id = $2"};

/* The move and its history row in one statement: no row comes back when the finding is no longer in $3. */
static const cc_sql_t sql_move = {
    "findings_move",
    "WITH moved AS ("
    " UPDATE findings SET status = $4, version = version + 1, updated_at = now(),"
    "  verification = coalesce($6::text, verification),"
    "  closed_at = CASE WHEN $4::text = 'closed' THEN now() END"
    " WHERE tenant_id = $1 AND id = $2 AND status = $3 AND grade = $5"
    " RETURNING tenant_id, id) "
    "INSERT INTO finding_history (tenant_id, finding_id, action, from_status, to_status, reason, detail,"
    " actor_id, actor_role) "
    "SELECT m.tenant_id, m.id, $7, $3, $4, $8, $9::jsonb, $10::uuid, $11 FROM moved m RETURNING id"};

static const cc_sql_t sql_status = {"findings_move_status",
                                    "SELECT status FROM findings WHERE tenant_id = $1 AND id = $2"};

/* What each action is called once done: the history row's action, and the event's. */
static const struct {
    const char *history, *event;
} done[FINDING_NACTIONS] = {
    [FINDING_ACTION_RESPOND] = {"responded", "finding.responded"},
    [FINDING_ACTION_ACCEPT] = {"accepted", "finding.accepted"},
    [FINDING_ACTION_REJECT] = {"rejected", "finding.rejected"},
    [FINDING_ACTION_VERIFY] = {"verified", "finding.verified"},
    [FINDING_ACTION_CLOSE] = {"closed", "finding.closed"},
    [FINDING_ACTION_CLOSE_DEFERRED] = {"closed", "finding.closed"},
};

cc_step_t finding_move_refuse(cc_write_t *w, const char *current_status, const char *detail)
{
    return finding_fail_with(w, 409, "illegal_transition", detail, "current_status", current_status);
}

/* An auditor acts only on the audits whose team has them as lead or auditor (not as technical expert). */
static cc_step_t check_caller(cc_write_t *w, bool clients_may)
{
    cc_role_t role = cc_role_parse(w->actor.role);
    if (role == CC_ROLE_ADMIN || role == CC_ROLE_SCHEME_MANAGER || (role == CC_ROLE_CLIENT && clients_may))
        return CC_GO_ON; /* a client user got this far only with its own organisation's finding */
    if (role != CC_ROLE_AUDITOR)
        return cc_write_fail(w, 403, "forbidden", "your role may not do this to a finding");
    const char *params[] = {w->actor.tenant_id, w->ids[0], w->actor.user_id};
    PGresult *res = cc_db_exec(w->db, &sql_team_member, 3, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "finding team member");
    bool member = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (!member)
        return cc_write_fail(w, 403, "not_on_team",
                             "only the audit's lead auditor and auditors act on its findings");
    return CC_GO_ON;
}

cc_step_t finding_move_begin(cc_write_t *w, finding_action_t action, bool clients_may, finding_move_t *m)
{
    cc_step_t step = CC_GO_ON;
    memset(m, 0, sizeof(*m));
    m->action = action;
    if ((m->finding = finding_load(w, true, &step)) == NULL)
        return step;
    if ((step = check_caller(w, clients_may)) != CC_GO_ON)
        return step;
    const char *status = cc_json_str(m->finding, "status");
    if (finding_grade_from_name(cc_json_str(m->finding, "grade"), &m->grade) != 0 ||
        finding_status_from_name(status, &m->from) != 0)
        return cc_write_fail(w, 500, "internal_error", "the finding has an unknown grade or status");
    const char *reason = NULL;
    if (finding_transition(m->grade, m->from, action, &m->to, &reason) != 0)
        return finding_move_refuse(w, status, reason);
    return CC_GO_ON;
}

/* After a guarded update that changed nothing: the finding has moved meanwhile (or gone). */
static cc_step_t refuse_stale(cc_write_t *w)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_status, 2, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "finding status");
    cc_step_t step = PQntuples(res) == 1
                         ? finding_move_refuse(w, PQgetvalue(res, 0, 0), "the finding has changed meanwhile")
                         : cc_write_fail(w, 404, "not_found", "no such finding");
    PQclear(res);
    return step;
}

cc_step_t finding_move_apply(cc_write_t *w, finding_move_t *m)
{
    char *detail = m->detail != NULL ? json_dumps(m->detail, JSON_COMPACT) : NULL;
    const char *params[] = {w->actor.tenant_id,
                            w->ids[0],
                            finding_status_name(m->from),
                            finding_status_name(m->to),
                            finding_grade_name(m->grade),
                            m->verification,
                            done[m->action].history,
                            m->reason,
                            detail,
                            w->actor.user_id,
                            w->actor.role};
    PGresult *res = cc_db_exec(w->db, &sql_move, 11, params);
    free(detail);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "finding move");
    int moved = PQntuples(res);
    PQclear(res);
    if (moved != 1)
        return refuse_stale(w);
    cc_step_t step = CC_GO_ON;
    json_t *finding = finding_load(w, false, &step);
    if (finding == NULL)
        return step;
    json_t *event = m->detail != NULL ? json_deep_copy(m->detail) : json_object();
    json_object_set_new(event, "from_status", json_string(finding_status_name(m->from)));
    json_object_set_new(event, "to_status", json_string(finding_status_name(m->to)));
    if (m->reason != NULL)
        json_object_set_new(event, "reason", json_string(m->reason));
    cc_write_event_action(w, done[m->action].event);
    cc_write_result(w, finding, event);
    return CC_GO_ON;
}

void finding_move_clear(finding_move_t *m)
{
    json_decref(m->finding);
    json_decref(m->detail);
    m->finding = m->detail = NULL;
}
