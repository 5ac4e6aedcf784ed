/*
 * POST /v1/findings/{id}/review {decision: accept|reject, reason}: the
 * auditor's decision on the latest response round (DOMAIN.md "Findings": the
 * auditor accepts it or rejects it giving reasons). The decision, reason,
 * reviewer and time are written once onto the round (`decision IS NULL`
 * guards it), and the finding moves response_submitted -> accepted | rejected.
 */
#include <stdlib.h>

#include "cc_problem.h"
#include "finding_move.h"

static const char *const decisions[] = {"accept", "reject", NULL};

static const cc_field_t review_fields[] = {
    {"decision", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, decisions},
    {"reason", CC_FIELD_STRING, 0, 1, 4000, NULL},
};

static const cc_sql_t sql_round_decide = {
    "findings_round_decide",
    "UPDATE finding_responses r SET decision = $3, decision_reason = $4, decided_by = $5, decided_at = now() "
    "WHERE r.tenant_id = $1 AND r.finding_id = $2 AND r.decision IS NULL AND r.round = "
    "(SELECT max(x.round) FROM finding_responses x WHERE x.tenant_id = $1 AND x.finding_id = $2) "
    "RETURNING r.round"};

static bool is_reject(const json_t *body)
{
    const char *decision = cc_json_str(body, "decision");
    return decision != NULL && decision[0] == 'r';
}

static cc_step_t check_reason(cc_request_t *r, const json_t *body, json_t *problem)
{
    (void)r;
    if (is_reject(body) && cc_json_str(body, "reason") == NULL)
        cc_problem_add_error(problem, "reason", "required", "a rejection gives its reason");
    return CC_GO_ON;
}

/* Writes the decision onto the latest round, once: a round already decided is a stale review. */
static cc_step_t decide_round(cc_write_t *w, finding_move_t *m)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0], is_reject(w->body) ? "rejected" : "accepted",
                            cc_json_str(w->body, "reason"), w->actor.user_id};
    PGresult *res = cc_db_exec(w->db, &sql_round_decide, 5, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "response round decision");
    if (PQntuples(res) != 1) {
        PQclear(res);
        return finding_move_refuse(w, finding_status_name(m->from), "the latest response is already decided");
    }
    m->detail = json_pack("{s:I}", "round", (json_int_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10));
    PQclear(res);
    return CC_GO_ON;
}

static cc_step_t review_run(cc_write_t *w)
{
    finding_move_t m;
    cc_step_t step =
        finding_move_begin(w, is_reject(w->body) ? FINDING_ACTION_REJECT : FINDING_ACTION_ACCEPT, false, &m);
    if (step == CC_GO_ON)
        step = decide_round(w, &m);
    if (step == CC_GO_ON) {
        m.reason = cc_json_str(w->body, "reason");
        step = finding_move_apply(w, &m);
    }
    finding_move_clear(&m);
    return step;
}

static const cc_write_spec_t review_spec = {
    .fields = review_fields,
    .nfields = CC_NFIELDS(review_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .path_ids = {"id"},
    .check = check_reason,
    .run = review_run,
    .event_action = "finding.reviewed", /* named by the decision: finding.accepted | finding.rejected */
};

CC_WRITE_HANDLER(findings_review_handle, review_spec);
