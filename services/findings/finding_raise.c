/*
 * POST /v1/findings {audit_id, grade, requirement_id | client_requirement, site_id, statement, evidence}:
 * a finding raised on an audit (DOMAIN.md "Findings"). In order: an unknown audit is 400 naming audit_id;
 * an auditor must be on the audit's team as lead or auditor (403 not_on_team; admins and scheme managers
 * act for any team); the audit must be in_progress or completed (409 audit_not_open, its status as
 * `audit_status`) and not yet included in a certification decision (409 audit_closed); the grade must
 * fit the audit type (422 grade_not_allowed); the requirement must be a clause or control of the
 * programme's standards and the site one of its sites (400). The first status, the deadlines and the
 * 6-month date are raise_rules.c's; the history row `raised` and the event `finding.raised` go with it.
 */
#include <string.h>

#include "cc_problem.h"
#include "findings.h"

static const char *const grades[] = {"major", "minor", "observation", "ofi", "area_of_concern", NULL};

static const cc_field_t raise_fields[] = {
    {"audit_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"grade", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, grades},
    {"requirement_id", CC_FIELD_STRING, 0, 1, 64, NULL},
    {"client_requirement", CC_FIELD_STRING, 0, 1, 500, NULL},
    {"site_id", CC_FIELD_UUID, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"statement", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 10000, NULL},
    {"evidence", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 10000, NULL},
};

/* The new finding as GET /v1/findings/{id} shows it, and its id, from the rows the INSERTs return, so it is
 * not read again (a statement fewer per raise). Its rounds are none and its history the `raised` row, written
 * as cc_finding_json writes history entries (0014_findings.sql: keep the two alike). $16 is the caller's
 * role, for the history row written with it. */
static const cc_sql_t sql_finding_insert = {
    "findings_finding_insert",
    "WITH f AS ("
    "  INSERT INTO findings (tenant_id, audit_id, programme_id, client_id, grade, status, requirement_id, "
    "                        client_requirement, site_id, statement, evidence, plan_due, closure_due, "
    "                        decision_blocking_after, raised_by) "
    "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *), "
    "h AS ("
    "  INSERT INTO finding_history (tenant_id, finding_id, action, to_status, to_grade, actor_id, "
    "actor_role) "
    "  SELECT $1, f.id, 'raised', f.status, f.grade, $15, $16 FROM f RETURNING *) "
    "SELECT (cc_finding_json(f::findings, current_date, false) || jsonb_build_object("
    "          'responses', '[]'::jsonb, "
    "          'history', (SELECT jsonb_agg(jsonb_build_object("
    "                        'action', h.action, 'from_status', h.from_status, 'to_status', h.to_status, "
    "                        'from_grade', h.from_grade, 'to_grade', h.to_grade, 'reason', h.reason, "
    "                        'detail', h.detail, 'actor_id', h.actor_id, 'actor_role', h.actor_role, "
    "                        'at', cc_api_ts(h.occurred_at))) FROM h)))::text, f.id "
    "FROM f"};

/* Exactly one of requirement_id and client_requirement (a 400 naming both when neither or both). */
static cc_step_t check_requirement(const json_t *body, json_t *problem)
{
    bool req = json_object_get(body, "requirement_id") != NULL,
         own = json_object_get(body, "client_requirement") != NULL;
    if (req == own) {
        const char *code = req ? "conflict" : "required";
        const char *message =
            req ? "give requirement_id or client_requirement, not both"
                : "give requirement_id (a catalogue clause or control) or client_requirement";
        cc_problem_add_error(problem, "requirement_id", code, message);
        cc_problem_add_error(problem, "client_requirement", code, message);
    }
    return CC_GO_ON;
}

static cc_step_t check_body(cc_request_t *r, const json_t *body, json_t *problem)
{
    (void)r;
    return check_requirement(body, problem);
}

/* The refusal of raise_decide as a problem. */
static cc_step_t refuse(cc_write_t *w, raise_refusal_t why, const finding_facts_t *facts)
{
    switch (why) {
    case RAISE_AUDIT_NOT_OPEN:
        return finding_fail_with(w, 409, "audit_not_open",
                                 "findings are raised on an audit that is in progress or completed",
                                 "audit_status", facts->status);
    case RAISE_AUDIT_CLOSED:
        return cc_write_fail(
            w, 409, "audit_closed",
            "a certification decision has included this audit: no finding may be raised on it");
    case RAISE_GRADE_NOT_ALLOWED:
        return cc_write_fail_field(
            w, 422, "grade_not_allowed", "grade",
            "is not raised on this type of audit (Stage 1: areas of concern only; pre-assessment: "
            "no major or minor; other audits: no area of concern)");
    default:
        return cc_write_fail(w, 500, "internal_error", "the finding's deadlines could not be computed");
    }
}

/* Inserts the finding and its history row; *finding is the answer (NULL after a failure). */
static cc_step_t insert(cc_write_t *w, const finding_facts_t *facts, const raise_outcome_t *out,
                        json_t **finding)
{
    *finding = NULL;
    char plan[CIVIL_DATE_BUFSIZE], closure[CIVIL_DATE_BUFSIZE], blocking[CIVIL_DATE_BUFSIZE];
    const char *plan_p, *closure_p, *blocking_p;
    finding_format_date(out->has_deadlines, out->plan_due, plan, &plan_p);
    finding_format_date(out->has_deadlines, out->closure_due, closure, &closure_p);
    finding_format_date(out->has_blocking, out->decision_blocking_after, blocking, &blocking_p);
    const json_t *b = w->body;
    const char *params[] = {w->actor.tenant_id,
                            cc_json_str(b, "audit_id"),
                            facts->programme_id,
                            facts->client_id,
                            cc_json_str(b, "grade"),
                            out->status,
                            cc_json_str(b, "requirement_id"),
                            cc_json_str(b, "client_requirement"),
                            cc_json_str(b, "site_id"),
                            cc_json_str(b, "statement"),
                            cc_json_str(b, "evidence"),
                            plan_p,
                            closure_p,
                            blocking_p,
                            w->actor.user_id,
                            w->actor.role};
    PGresult *res = cc_db_exec(w->db, &sql_finding_insert, 16, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "finding insert");
    if (PQntuples(res) == 1) {
        snprintf(w->ids[0], sizeof(w->ids[0]), "%s", PQgetvalue(res, 0, 1));
        *finding = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    }
    PQclear(res);
    if (*finding == NULL)
        return cc_write_fail(w, 500, "internal_error", "the new finding could not be read");
    return CC_GO_ON;
}

static cc_step_t raise(cc_write_t *w)
{
    const finding_facts_query_t q = {false, cc_json_str(w->body, "requirement_id"),
                                     cc_json_str(w->body, "site_id")};
    finding_facts_t facts;
    cc_step_t step = finding_audit_facts(w, cc_json_str(w->body, "audit_id"), &q, &facts);
    if (step != CC_GO_ON)
        return step;
    if (!facts.found)
        return cc_write_fail_field(w, 400, "unknown_audit", "audit_id",
                                   "is not an audit of this certification body");
    if ((step = finding_check_team(w, &facts, &q)) != CC_GO_ON)
        return step;
    finding_grade_t grade;
    finding_grade_from_name(cc_json_str(w->body, "grade"), &grade); /* the field table allowed it */
    raise_outcome_t out;
    raise_refusal_t why = raise_decide(&facts.raise, grade, &out);
    if (why != RAISE_OK)
        return refuse(w, why, &facts);
    json_t *finding;
    if ((step = finding_check_refs(w, &facts, &q)) != CC_GO_ON ||
        (step = insert(w, &facts, &out, &finding)) != CC_GO_ON)
        return step;
    cc_write_result(w, finding,
                    json_pack("{s:s, s:s}", "audit_id", cc_json_str(w->body, "audit_id"), "grade",
                              cc_json_str(w->body, "grade")));
    return CC_GO_ON;
}

static const cc_write_spec_t raise_spec = {
    .fields = raise_fields,
    .nfields = CC_NFIELDS(raise_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .check = check_body,
    .run = raise,
    .status = 201,
    .event_action = "finding.raised",
    .event_entity = "finding",
    .location = "/v1/findings/",
};

CC_WRITE_HANDLER(findings_create_handle, raise_spec);
