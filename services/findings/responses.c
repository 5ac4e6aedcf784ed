/*
 * POST /v1/findings/{id}/responses: the client's response round to a
 * nonconformity (DOMAIN.md "Findings": correction, root cause, corrective
 * action, who, by when), by a client user of the finding's organisation or by
 * CB staff on its behalf (on_behalf). Open or rejected -> response_submitted;
 * each round is a new row (the previous round + 1), never overwritten.
 * target_date falls between the audit's first day and the finding's
 * closure_due: nothing done before the audit began corrects what it found,
 * and the plan may not run past the closure deadline.
 */
#include <stdlib.h>
#include <string.h>

#include "cc_roles.h"
#include "finding_move.h"

static const cc_field_t respond_fields[] = {
    {"correction", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 10000, NULL},
    {"root_cause", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 10000, NULL},
    {"corrective_action", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 10000, NULL},
    {"responsible", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 200, NULL},
    {"target_date", CC_FIELD_DATE, CC_FIELD_REQUIRED, 0, 0, NULL},
};

/* The next round: the finding is locked, so no other round is being added meanwhile. */
static const cc_sql_t sql_round_insert = {
    "findings_round_insert",
    "INSERT INTO finding_responses (tenant_id, finding_id, round, correction, root_cause, corrective_action,"
    " responsible, target_date, submitted_by, on_behalf) "
    "SELECT $1::uuid, $2::uuid, coalesce(max(r.round), 0) + 1, $3::text, $4::text, $5::text, $6::text,"
    " $7::date, $8::uuid, $9::boolean "
    "FROM finding_responses r WHERE r.tenant_id = $1::uuid AND r.finding_id = $2::uuid RETURNING round"};

static const cc_sql_t sql_audit_start = {
    "findings_audit_start",
    "SELECT a.start_date::text FROM findings f JOIN audits a ON a.tenant_id = f.tenant_id"
    " AND a.id = f.audit_id WHERE f.tenant_id = $1 AND f.id = $2"};

/* target_date against the audit's first day and the finding's closure_due (YYYY-MM-DD compare as text). */
static cc_step_t check_target_date(cc_write_t *w, const json_t *finding)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_audit_start, 2, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "audit start");
    const char *target = cc_json_str(w->body, "target_date");
    const char *closure = cc_json_str(finding, "closure_due");
    bool early = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) && strcmp(target, PQgetvalue(res, 0, 0)) < 0;
    PQclear(res);
    if (early)
        return cc_write_fail_field(w, 400, "before_audit", "target_date",
                                   "target_date may not be before the audit's first day");
    if (closure != NULL && strcmp(target, closure) > 0)
        return cc_write_fail_field(w, 400, "after_closure_due", "target_date",
                                   "target_date may not pass the finding's closure_due");
    return CC_GO_ON;
}

static cc_step_t insert_round(cc_write_t *w, bool on_behalf, long long *round)
{
    const char *params[] = {w->actor.tenant_id,
                            w->ids[0],
                            cc_json_str(w->body, "correction"),
                            cc_json_str(w->body, "root_cause"),
                            cc_json_str(w->body, "corrective_action"),
                            cc_json_str(w->body, "responsible"),
                            cc_json_str(w->body, "target_date"),
                            w->actor.user_id,
                            on_behalf ? "true" : "false"};
    PGresult *res = cc_db_exec(w->db, &sql_round_insert, 9, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "response round insert");
    *round = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return CC_GO_ON;
}

static cc_step_t respond_run(cc_write_t *w)
{
    finding_move_t m;
    long long round = 0;
    bool on_behalf = cc_role_parse(w->actor.role) != CC_ROLE_CLIENT;
    cc_step_t step = finding_move_begin(w, FINDING_ACTION_RESPOND, true, &m);
    if (step == CC_GO_ON)
        step = check_target_date(w, m.finding);
    if (step == CC_GO_ON)
        step = insert_round(w, on_behalf, &round);
    if (step == CC_GO_ON) {
        m.detail = json_pack("{s:I,s:b}", "round", (json_int_t)round, "on_behalf", on_behalf);
        step = finding_move_apply(w, &m);
    }
    finding_move_clear(&m);
    return step;
}

static const cc_write_spec_t respond_spec = {
    .fields = respond_fields,
    .nfields = CC_NFIELDS(respond_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .path_ids = {"id"},
    .run = respond_run,
    .event_action = "finding.responded",
};

CC_WRITE_HANDLER(findings_respond_handle, respond_spec);
