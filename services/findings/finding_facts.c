/*
 * What raising, editing and regrading a finding read about its audit in the
 * write's transaction (raise_rules.h's facts, the caller's place on the team,
 * whether a requirement and a site belong to the programme), the tenant's
 * findings policy, and the refusals these writes share.
 */
#include <stdlib.h>
#include <string.h>

#include "cc_problem.h"
#include "cc_roles.h"
#include "cc_workers.h"
#include "findings.h"

/* The audit and its programme, locked FOR KEY SHARE so a certification decision or an audit transition (which
 * lock them FOR UPDATE) cannot commit in between: the facts are then read by a new statement, which sees
 * whatever such a write committed while this one waited. */
static const cc_sql_t sql_audit_share = {
    "findings_audit_share",
    "SELECT 1 FROM audits a JOIN programmes p ON p.tenant_id = a.tenant_id AND p.id = a.programme_id "
    "WHERE a.tenant_id = $1 AND a.id = $2 FOR KEY SHARE OF a, p"};

/* $3: the user whose place on the team is asked (NULL: none asked), $4 lead only; $5 a requirement id, $6 a
 * site id (NULL: none to check). The audit's last day is its end date, else its start date, else today. */
static const cc_sql_t sql_audit_facts = {
    "findings_audit_facts",
    "SELECT a.type, a.status, cc_audit_decided(a.id), coalesce(a.end_date, a.start_date, "
    "current_date)::text, "
    "       p.expiry_date::text, (t.settings -> 'findings')::text, a.programme_id, p.client_id, "
    "       $3::uuid IS NULL OR cc_audit_team_member(a.id, $3::uuid, $4::boolean), "
    "       $5::text IS NULL OR EXISTS (SELECT 1 FROM requirements r JOIN standards s ON s.code = "
    "r.standard_code "
    "                                    WHERE r.id = $5::text AND s.reference = ANY (p.standards)), "
    "       $6::uuid IS NULL OR $6::uuid = ANY (p.site_ids) "
    "FROM audits a JOIN programmes p ON p.tenant_id = a.tenant_id AND p.id = a.programme_id "
    "JOIN tenants t ON t.id = a.tenant_id "
    "WHERE a.tenant_id = $1 AND a.id = $2"};

static const cc_sql_t sql_history_insert = {"findings_history_insert",
                                            "INSERT INTO finding_history (tenant_id, finding_id, action, "
                                            "from_status, to_status, from_grade, to_grade, "
                                            "                             reason, actor_id, actor_role) "
                                            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"};

/* The members of finding_settings_t by name, with their ranges (libccrules' FINDING_SETTINGS). */
static const struct {
    const char *name;
    size_t offset;
    int min, max;
} members[] = {
#define MEMBER(name, lo, hi, def) {#name, offsetof(finding_settings_t, name), lo, hi},
    FINDING_SETTINGS(MEMBER)
#undef MEMBER
};

void finding_settings_from_json(const char *json_text, finding_settings_t *out)
{
    finding_settings_default(out);
    json_t *obj = json_text != NULL ? json_loads(json_text, 0, NULL) : NULL;
    for (size_t i = 0; json_is_object(obj) && i < sizeof(members) / sizeof(members[0]); i++) {
        json_t *v = json_object_get(obj, members[i].name);
        /* as cc_settings_effective: a setting absent or stored out of range takes its default */
        if (json_is_integer(v) && json_integer_value(v) >= members[i].min &&
            json_integer_value(v) <= members[i].max)
            *(int *)((char *)out + members[i].offset) = (int)json_integer_value(v);
    }
    json_decref(obj);
}

bool finding_caller_is_auditor(const cc_write_t *w)
{
    return cc_role_parse(w->actor.role) == CC_ROLE_AUDITOR;
}

cc_step_t finding_audit_facts(cc_write_t *w, const char *audit, const finding_facts_query_t *q,
                              finding_facts_t *out)
{
    memset(out, 0, sizeof(*out));
    const char *key[] = {w->actor.tenant_id, audit};
    PGresult *res = cc_db_exec(w->db, &sql_audit_share, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "audit lock");
    bool found = PQntuples(res) == 1;
    PQclear(res);
    if (!found)
        return CC_GO_ON;
    const char *user = finding_caller_is_auditor(w) ? w->actor.user_id : NULL;
    const char *params[] = {w->actor.tenant_id, audit,     user, q->lead_only ? "true" : "false",
                            q->requirement_id,  q->site_id};
    res = cc_db_exec(w->db, &sql_audit_facts, 6, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "audit facts");
    if (PQntuples(res) != 1) { /* locked a moment ago: audits are never deleted */
        PQclear(res);
        return cc_write_fail(w, 500, "internal_error", "the audit could not be read");
    }
    out->found = true;
    out->raise.type = programme_audit_type_from_name(PQgetvalue(res, 0, 0));
    snprintf(out->status, sizeof(out->status), "%s", PQgetvalue(res, 0, 1));
    out->raise.status = out->status;
    out->raise.decided = PQgetvalue(res, 0, 2)[0] == 't';
    int bad = civil_date_parse(PQgetvalue(res, 0, 3), &out->raise.last_day) |
              civil_date_parse(PQgetvalue(res, 0, 4), &out->raise.expiry);
    finding_settings_from_json(PQgetisnull(res, 0, 5) ? NULL : PQgetvalue(res, 0, 5), &out->raise.settings);
    snprintf(out->programme_id, sizeof(out->programme_id), "%s", PQgetvalue(res, 0, 6));
    snprintf(out->client_id, sizeof(out->client_id), "%s", PQgetvalue(res, 0, 7));
    out->on_team = PQgetvalue(res, 0, 8)[0] == 't';
    out->requirement_ok = PQgetvalue(res, 0, 9)[0] == 't';
    out->site_ok = PQgetvalue(res, 0, 10)[0] == 't';
    PQclear(res);
    if (bad != 0)
        return cc_write_fail(w, 500, "internal_error", "the audit's dates could not be read");
    return CC_GO_ON;
}

cc_step_t finding_fail_with(cc_write_t *w, int status, const char *code, const char *detail,
                            const char *member, const char *value)
{
    json_t *problem = cc_problem_new(status, code, detail);
    json_object_set_new(problem, member, json_string(value));
    cc_job_answer(w->job, status, problem);
    return CC_ANSWERED;
}

cc_step_t finding_check_team(cc_write_t *w, const finding_facts_t *facts, const finding_facts_query_t *q)
{
    if (facts->on_team)
        return CC_GO_ON;
    return cc_write_fail(w, 403, "not_on_team",
                         q->lead_only
                             ? "only the audit's lead auditor (or an admin or scheme manager) may do this"
                             : "only the audit's lead or auditors (not its technical experts), or an "
                               "admin or scheme manager, may do this");
}

cc_step_t finding_check_refs(cc_write_t *w, const finding_facts_t *facts, const finding_facts_query_t *q)
{
    if (q->requirement_id != NULL && !facts->requirement_ok)
        return cc_write_fail_field(w, 400, "unknown_requirement", "requirement_id",
                                   "is not a clause or control of the programme's standards (see GET "
                                   "/v1/standards/{code}/requirements)");
    if (q->site_id != NULL && !facts->site_ok)
        return cc_write_fail_field(w, 400, "unknown_site", "site_id", "is not one of the programme's sites");
    return CC_GO_ON;
}

cc_step_t finding_history_add(cc_write_t *w, const char *finding, const char *action,
                              const finding_change_t *c)
{
    const char *params[] = {w->actor.tenant_id, finding,     action,    c->from_status,   c->to_status,
                            c->from_grade,      c->to_grade, c->reason, w->actor.user_id, w->actor.role};
    PGresult *res = cc_db_exec(w->db, &sql_history_insert, 10, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "finding history");
    PQclear(res);
    return CC_GO_ON;
}

void finding_format_date(bool has, civil_date_t d, char buf[CIVIL_DATE_BUFSIZE], const char **param)
{
    if (!has) {
        *param = NULL;
        return;
    }
    civil_date_format(d, buf);
    *param = buf;
}
