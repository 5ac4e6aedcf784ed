/*
 * PATCH /v1/findings/{id} and POST /v1/findings/{id}/regrade (DOMAIN.md "Findings").
 *
 * PATCH {statement, evidence, requirement_id | client_requirement, site_id}: by the raising team (the audit's
 * lead or auditors; admins and scheme managers for any) while nothing has been answered on the finding: a
 * nonconformity while `open`, an observation, OFI or area of concern while `recorded` (it takes no answer).
 * Otherwise 409 finding_not_editable with `current_status`. If-Match is optional, as on every PATCH of the
 * API (412 when it names another version). A requirement_id replaces a client_requirement and the reverse;
 * site_id null clears the site. Checked as when raised; the event is finding.updated.
 *
 * POST regrade {grade, reason}: by the audit's lead auditor (or an admin or scheme manager) while the finding
 * is `open`, between major and minor only (an open finding is a nonconformity; it would need another status
 * to become an observation): any other grade, or one the audit type does not take, is 422
 * grade_not_allowed; the grade it already has 409 same_grade. The deadlines stay as raised; the Stage 2
 * major's decision_blocking_after is set or cleared. A history row `regraded` and the event
 * finding.regraded; the UPDATE is guarded on the status and grade read (409 illegal_transition).
 */
#include <stdio.h>
#include <string.h>

#include "cc_problem.h"
#include "findings.h"

static const cc_field_t patch_fields[] = {
    {"statement", CC_FIELD_STRING, 0, 1, 10000, NULL},
    {"evidence", CC_FIELD_STRING, 0, 1, 10000, NULL},
    {"requirement_id", CC_FIELD_STRING, 0, 1, 64, NULL},
    {"client_requirement", CC_FIELD_STRING, 0, 1, 500, NULL},
    {"site_id", CC_FIELD_UUID, CC_FIELD_NULLABLE, 0, 0, NULL},
};

static const char *const nc_grades[] = {"major", "minor", "observation", "ofi", "area_of_concern", NULL};

static const cc_field_t regrade_fields[] = {
    {"grade", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, nc_grades},
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
};

/* $3 statement, $4 evidence, $5 requirement_id, $6 client_requirement (each NULL: unchanged; one of $5 and $6
 * clears the other), $7 whether site_id was given, $8 the site (NULL: none). */
static const cc_sql_t sql_finding_patch = {
    "findings_finding_patch",
    "UPDATE findings SET statement = coalesce($3, statement), evidence = coalesce($4, evidence), "
    "  requirement_id = CASE WHEN $5::text IS NOT NULL THEN $5::text WHEN $6::text IS NOT NULL THEN NULL "
    "                        ELSE requirement_id END, "
    "  client_requirement = CASE WHEN $6::text IS NOT NULL THEN $6::text WHEN $5::text IS NOT NULL THEN NULL "
    "                            ELSE client_requirement END, "
    "  site_id = CASE WHEN $7::boolean THEN $8::uuid ELSE site_id END, "
    "  version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 AND status IN ('open', 'recorded') RETURNING id"};

/* The guarded regrade: $3 the new grade, $4 its decision_blocking_after, $5 the grade read. */
static const cc_sql_t sql_finding_regrade = {
    "findings_finding_regrade",
    "UPDATE findings SET grade = $3, decision_blocking_after = $4::date, version = version + 1, "
    "  updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 AND status = 'open' AND grade = $5 RETURNING id"};

static cc_step_t check_patch(cc_request_t *r, const json_t *body, json_t *problem)
{
    (void)r;
    if (json_object_get(body, "requirement_id") != NULL &&
        json_object_get(body, "client_requirement") != NULL) {
        const char *message = "give requirement_id or client_requirement, not both";
        cc_problem_add_error(problem, "requirement_id", "conflict", message);
        cc_problem_add_error(problem, "client_requirement", "conflict", message);
    }
    return CC_GO_ON;
}

/* The finding locked, its audit's facts as q asks, and the caller's place on the team: *finding (a new
 * reference) on CC_GO_ON. */
static cc_step_t load_for_write(cc_write_t *w, const finding_facts_query_t *q, json_t **finding,
                                finding_facts_t *facts)
{
    cc_step_t step;
    json_t *f = finding_load(w, true, &step);
    if (f == NULL)
        return step;
    step = finding_audit_facts(w, cc_json_str(f, "audit_id"), q, facts);
    if (step == CC_GO_ON && !facts->found) /* a finding's audit is never deleted */
        step = cc_write_fail(w, 500, "internal_error", "the finding's audit could not be read");
    if (step == CC_GO_ON)
        step = finding_check_team(w, facts, q);
    if (step == CC_GO_ON)
        step = cc_write_check_version(w, json_integer_value(json_object_get(f, "version")), "finding");
    if (step != CC_GO_ON) {
        json_decref(f);
        return step;
    }
    *finding = f;
    return CC_GO_ON;
}

/* The finding re-read as the write's result, with the event's detail (stolen). */
static cc_step_t answer(cc_write_t *w, json_t *detail)
{
    cc_step_t step;
    json_t *finding = finding_load(w, false, &step);
    if (finding == NULL) {
        json_decref(detail);
        return step;
    }
    cc_write_result(w, finding, detail);
    return CC_GO_ON;
}

static cc_step_t patch(cc_write_t *w)
{
    const json_t *b = w->body;
    const finding_facts_query_t q = {false, cc_json_str(b, "requirement_id"), cc_json_str(b, "site_id")};
    json_t *finding;
    finding_facts_t facts;
    cc_step_t step = load_for_write(w, &q, &finding, &facts);
    if (step != CC_GO_ON)
        return step;
    const char *status = cc_json_str(finding, "status");
    if (strcmp(status, "open") != 0 && strcmp(status, "recorded") != 0)
        step = finding_fail_with(w, 409, "finding_not_editable",
                                 "a finding is edited only until it is answered (open, or recorded)",
                                 "current_status", status);
    json_decref(finding);
    if (step != CC_GO_ON || (step = finding_check_refs(w, &facts, &q)) != CC_GO_ON)
        return step;
    json_t *site = json_object_get(b, "site_id");
    const char *params[] = {w->actor.tenant_id,
                            w->ids[0],
                            cc_json_str(b, "statement"),
                            cc_json_str(b, "evidence"),
                            cc_json_str(b, "requirement_id"),
                            cc_json_str(b, "client_requirement"),
                            site != NULL ? "true" : "false",
                            json_string_value(site)};
    PGresult *res = cc_db_exec(w->db, &sql_finding_patch, 8, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "finding patch");
    PQclear(res); /* the row is locked and was editable: it was updated */
    json_t *fields = json_array();
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)b, key, value) json_array_append_new(fields, json_string(key));
    return answer(w, json_pack("{s:o}", "fields", fields));
}

/* Refuses a regrade the finding's state or the grades do not allow; CC_GO_ON with *out otherwise. */
static cc_step_t check_regrade(cc_write_t *w, const json_t *finding, const finding_facts_t *facts,
                               raise_outcome_t *out)
{
    const char *status = cc_json_str(finding, "status"), *from = cc_json_str(finding, "grade"),
               *to = cc_json_str(w->body, "grade");
    if (strcmp(status, "open") != 0)
        return finding_fail_with(w, 409, "illegal_transition", "a finding is regraded only while it is open",
                                 "current_status", status);
    if (strcmp(from, to) == 0)
        return cc_write_fail_field(w, 409, "same_grade", "grade", "is already the finding's grade");
    finding_grade_t g_from, g_to;
    finding_grade_from_name(from, &g_from);
    finding_grade_from_name(to, &g_to);
    raise_refusal_t why = raise_regrade(&facts->raise, g_from, g_to, out);
    if (why == RAISE_GRADE_NOT_ALLOWED)
        return cc_write_fail_field(w, 422, "grade_not_allowed", "grade",
                                   "an open finding is regraded between major and minor only, as the audit "
                                   "type allows");
    if (why != RAISE_OK)
        return cc_write_fail(w, 500, "internal_error", "the finding's dates could not be computed");
    return CC_GO_ON;
}

/* The guarded UPDATE; 409 illegal_transition (with the status now) when the finding changed meanwhile. */
static cc_step_t apply_regrade(cc_write_t *w, const char *from, const raise_outcome_t *out)
{
    char blocking[CIVIL_DATE_BUFSIZE];
    const char *blocking_p;
    finding_format_date(out->has_blocking, out->decision_blocking_after, blocking, &blocking_p);
    const char *params[] = {w->actor.tenant_id, w->ids[0], cc_json_str(w->body, "grade"), blocking_p, from};
    PGresult *res = cc_db_exec(w->db, &sql_finding_regrade, 5, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "finding regrade");
    bool applied = PQntuples(res) == 1;
    PQclear(res);
    if (applied)
        return CC_GO_ON;
    cc_step_t step;
    json_t *now = finding_load(w, false, &step);
    if (now == NULL)
        return step;
    step = finding_fail_with(w, 409, "illegal_transition", "the finding changed while it was being regraded",
                             "current_status", cc_json_str(now, "status"));
    json_decref(now);
    return step;
}

static cc_step_t regrade(cc_write_t *w)
{
    const finding_facts_query_t q = {true, NULL, NULL};
    json_t *finding;
    finding_facts_t facts;
    cc_step_t step = load_for_write(w, &q, &finding, &facts);
    if (step != CC_GO_ON)
        return step;
    raise_outcome_t out;
    char from[24];
    snprintf(from, sizeof(from), "%s", cc_json_str(finding, "grade"));
    step = check_regrade(w, finding, &facts, &out);
    json_decref(finding);
    const char *to = cc_json_str(w->body, "grade"), *reason = cc_json_str(w->body, "reason");
    const finding_change_t change = {"open", "open", from, to, reason};
    if (step != CC_GO_ON || (step = apply_regrade(w, from, &out)) != CC_GO_ON ||
        (step = finding_history_add(w, w->ids[0], "regraded", &change)) != CC_GO_ON)
        return step;
    return answer(w, json_pack("{s:s, s:s, s:s}", "from_grade", from, "to_grade", to, "reason", reason));
}

static const cc_write_spec_t patch_spec = {
    .fields = patch_fields,
    .nfields = CC_NFIELDS(patch_fields),
    .flags = CC_WRITE_IF_MATCH | CC_WRITE_PATCH,
    .path_ids = {"id"},
    .check = check_patch,
    .run = patch,
    .event_action = "finding.updated",
};

static const cc_write_spec_t regrade_spec = {
    .fields = regrade_fields,
    .nfields = CC_NFIELDS(regrade_fields),
    .flags = CC_WRITE_IF_MATCH | CC_WRITE_IDEMPOTENT | CC_WRITE_EVENT_ON_PATH,
    .path_ids = {"id"},
    .run = regrade,
    .event_action = "finding.regraded",
    .event_entity = "finding",
};

CC_WRITE_HANDLER(findings_patch_handle, patch_spec);
CC_WRITE_HANDLER(findings_regrade_handle, regrade_spec);
