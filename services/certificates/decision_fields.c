/*
 * POST /v1/decisions: the body of a certification decision, its checks before
 * anything is read (dates, identifiers), and the transaction that records it
 * (decisions.h): the rules, the windows and the next cycle, the decision row,
 * the certificates, then the answer {decision, certificate, certificates} and
 * the event decision.recorded, all committed together (ARCHITECTURE.md
 * "Certification decisions").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_workers.h"
#include "decisions.h"

static const char *const types[] = {"initial", "recertification", "restoration", "scope_extension", NULL};
static const char *const outcomes[] = {"grant", "refuse", NULL};

static const cc_field_t decision_fields[] = {
    {"programme_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"type", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, types},
    {"outcome", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, outcomes},
    {"audit_ids", CC_FIELD_ARRAY, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"decided_on", CC_FIELD_DATE, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"effective_date", CC_FIELD_DATE, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"scope", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 2000, NULL},
    {"site_ids", CC_FIELD_ARRAY, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"soa_version", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 100, NULL},
    {"notes", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 10000, NULL},
};

#define MAX_IDS 20 /* audit_ids and site_ids: enough for a cycle, bounded for the literal */

/* Checks an array of UUIDs (at least min, at most MAX_IDS, no repeats); adds an error naming field. */
static void check_ids(const json_t *body, const char *field, size_t min, json_t *problem)
{
    const json_t *a = json_object_get(body, field);
    if (a == NULL || json_is_null(a))
        return;
    size_t i, n = json_array_size(a);
    const json_t *v;
    bool ok = n >= min && n <= MAX_IDS;
    json_array_foreach(a, i, v)
    {
        const char *s = json_string_value(v);
        ok = ok && s != NULL && cc_is_uuid(s, strlen(s));
        for (size_t k = 0; ok && k < i; k++)
            ok = strcmp(s, json_string_value(json_array_get(a, k))) != 0;
    }
    if (!ok)
        cc_problem_add_error(problem, field, "invalid",
                             min > 0 ? "1 to 20 distinct audit ids (UUIDs)"
                                     : "at most 20 distinct site ids (UUIDs)");
}

static cc_step_t refuse_early(cc_request_t *r, const char *code, const char *field, const char *detail)
{
    json_t *problem = cc_problem_new(422, code, detail);
    cc_problem_add_error(problem, field, code, detail);
    cc_respond_problem(r, problem);
    return CC_ANSWERED;
}

/* The body's own rules: ids, a grant's effective date, and the dates against today and each other. */
static cc_step_t check_body(cc_request_t *r, const json_t *body, json_t *problem)
{
    check_ids(body, "audit_ids", 1, problem);
    check_ids(body, "site_ids", 0, problem);
    bool grant = strcmp(cc_json_str(body, "outcome"), "grant") == 0;
    const char *effective = cc_json_str(body, "effective_date");
    if (grant && effective == NULL)
        cc_problem_add_error(problem, "effective_date", "required", "a grant states when it takes effect");
    if (cc_problem_error_count(problem) != 0)
        return CC_GO_ON;
    civil_date_t decided, eff;
    civil_date_parse(cc_json_str(body, "decided_on"), &decided);
    if (civil_date_compare(decided, civil_date_today_utc()) > 0)
        return refuse_early(r, "decision_in_future", "decided_on", "a decision is recorded once it is taken");
    if (effective != NULL && civil_date_parse(effective, &eff) == 0 && civil_date_compare(eff, decided) < 0)
        return refuse_early(r, "effective_before_decision", "effective_date",
                            "a certificate cannot take effect before the decision");
    return CC_GO_ON;
}

/* A JSON array of strings as a PostgreSQL array literal ({a,b}; UUIDs need no quoting). */
static void ids_literal(const json_t *a, char *out, size_t size)
{
    size_t len = (size_t)snprintf(out, size, "{");
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (len < size)
            len += (size_t)snprintf(out + len, size - len, "%s%s", i > 0 ? "," : "", json_string_value(v));
    }
    if (len < size)
        snprintf(out + len, size - len, "}");
}

static decision_type_t type_of(const char *name)
{
    return strcmp(name, "initial") == 0           ? DECISION_INITIAL
           : strcmp(name, "recertification") == 0 ? DECISION_RECERTIFICATION
           : strcmp(name, "restoration") == 0     ? DECISION_RESTORATION
                                                  : DECISION_SCOPE_EXTENSION;
}

/* Reads the locked programme into d; 404 when it is not the tenant's. */
static cc_step_t load_programme(decision_t *d)
{
    const char *key[] = {d->w->actor.tenant_id, cc_json_str(d->w->body, "programme_id")};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_programme_lock, 2, key);
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, "programme lock");
    if (PQntuples(res) != 1) {
        PQclear(res);
        return cc_write_fail(d->w, 404, "not_found", "no such programme");
    }
    snprintf(d->client_id, sizeof(d->client_id), "%s", PQgetvalue(res, 0, 0));
    d->scope = cc_strdup(PQgetvalue(res, 0, 1));
    d->programme_sites = cc_strdup(PQgetvalue(res, 0, 2));
    d->decided = PQgetvalue(res, 0, 3)[0] == 't';
    civil_date_parse(PQgetvalue(res, 0, 4), &d->expiry);
    json_t *standards = json_loads(PQgetvalue(res, 0, 5), 0, NULL);
    size_t i;
    json_t *s;
    json_array_foreach(standards, i, s)
    {
        if (d->nstandards == DECISION_MAX_STANDARDS)
            break;
        decision_standard_t *st = &d->standards[d->nstandards++];
        snprintf(st->code, sizeof(st->code), "%s", cc_json_str(s, "code"));
        snprintf(st->reference, sizeof(st->reference), "%s", cc_json_str(s, "reference"));
        st->isms = strcmp(cc_json_str(s, "family"), "isms") == 0;
    }
    json_decref(standards);
    PQclear(res);
    return CC_GO_ON;
}

/* Writes the decision row. */
static cc_step_t insert_decision(decision_t *d)
{
    const json_t *body = d->w->body;
    char *reasons = json_dumps(d->reasons, JSON_COMPACT);
    const char *params[] = {d->w->actor.tenant_id,
                            cc_json_str(body, "programme_id"),
                            d->type_name,
                            d->grant ? "grant" : "refuse",
                            d->audit_ids,
                            cc_json_str(body, "decided_on"),
                            cc_json_str(body, "effective_date"),
                            cc_json_str(body, "scope"),
                            d->site_ids[0] != '\0' ? d->site_ids : NULL,
                            cc_json_str(body, "soa_version"),
                            cc_json_str(body, "notes"),
                            reasons,
                            d->w->actor.user_id,
                            d->next_programme[0] != '\0' ? d->next_programme : NULL};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_insert, 14, params);
    free(reasons);
    if (!cc_db_is_ok(res) && strcmp(cc_db_sqlstate(res), "23505") == 0) {
        PQclear(res);
        return cc_write_fail(d->w, 409, "already_decided", "the programme already has this decision granted");
    }
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, "decision insert");
    snprintf(d->decision_id, sizeof(d->decision_id), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return CC_GO_ON;
}

/* The answer: {decision, certificate (the first or null), certificates}. */
static cc_step_t answer(decision_t *d)
{
    const char *params[] = {d->w->actor.tenant_id, d->decision_id};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_answer, 2, params);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1)
        return decision_statement_failed(d, res, "decision answer");
    json_t *decision = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    json_t *certificates = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(decision, "certificate_ids"), i, id)
    {
        json_t *c = decision_certificate_json(d, json_string_value(id));
        if (c != NULL)
            json_array_append_new(certificates, c);
    }
    json_t *first = json_array_get(certificates, 0);
    json_t *detail = json_pack("{s:s, s:s, s:s, s:s, s:O}", "id", d->decision_id, "programme_id",
                               cc_json_str(decision, "programme_id"), "type", d->type_name, "outcome",
                               d->grant ? "grant" : "refuse", "certificate_ids",
                               json_object_get(decision, "certificate_ids"));
    cc_write_result(d->w,
                    json_pack("{s:o, s:O, s:o}", "decision", decision, "certificate",
                              first != NULL ? first : json_null(), "certificates", certificates),
                    detail);
    return CC_GO_ON;
}

static cc_step_t decide(cc_write_t *w)
{
    decision_t d;
    memset(&d, 0, sizeof(d));
    d.w = w;
    d.type_name = cc_json_str(w->body, "type");
    d.type = type_of(d.type_name);
    d.grant = strcmp(cc_json_str(w->body, "outcome"), "grant") == 0;
    civil_date_parse(cc_json_str(w->body, "decided_on"), &d.decided_on);
    if (cc_json_str(w->body, "effective_date") != NULL)
        civil_date_parse(cc_json_str(w->body, "effective_date"), &d.effective);
    ids_literal(json_object_get(w->body, "audit_ids"), d.audit_ids, sizeof(d.audit_ids));
    if (json_is_array(json_object_get(w->body, "site_ids")))
        ids_literal(json_object_get(w->body, "site_ids"), d.site_ids, sizeof(d.site_ids));
    d.reasons = json_array();
    cc_step_t step = load_programme(&d);
    if (step == CC_GO_ON)
        step = decision_tenant_load(&d);
    if (step == CC_GO_ON)
        step = decision_rules_check(&d);
    if (step == CC_GO_ON && d.grant)
        step = decision_windows_apply(&d);
    if (step == CC_GO_ON)
        step = insert_decision(&d);
    if (step == CC_GO_ON && d.grant)
        step = decision_issue(&d);
    if (step == CC_GO_ON)
        step = answer(&d);
    json_decref(d.reasons);
    free(d.scope);
    free(d.programme_sites);
    return step;
}

cc_step_t decision_statement_failed(decision_t *d, PGresult *res, const char *context)
{
    if (res != NULL && cc_db_is_ok(res)) { /* a row that should have been there */
        PQclear(res);
        return cc_write_fail(d->w, 500, "internal_error", context);
    }
    return cc_write_fail_db(d->w, res, context);
}

cc_step_t decision_exec(decision_t *d, const cc_sql_t *sql, int n, const char *const *params,
                        const char *what)
{
    PGresult *res = cc_db_exec(d->w->db, sql, n, params);
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, what);
    PQclear(res);
    return CC_GO_ON;
}

cc_step_t decision_rule_fails(decision_t *d, bool always, const char *code, const char *field,
                              const char *detail, json_t *extra)
{
    if (always || d->grant) {
        json_t *problem = cc_problem_new(422, code, detail);
        cc_problem_add_error(problem, field, code, detail);
        if (extra != NULL)
            json_object_update(problem, extra);
        json_decref(extra);
        cc_job_answer(d->w->job, 422, problem);
        return CC_ANSWERED;
    }
    json_t *reason = json_pack("{s:s, s:s, s:s}", "code", code, "field", field, "detail", detail);
    if (extra != NULL)
        json_object_update(reason, extra);
    json_decref(extra);
    json_array_append_new(d->reasons, reason);
    return CC_GO_ON;
}

static const cc_write_spec_t decision_spec = {
    .fields = decision_fields,
    .nfields = CC_NFIELDS(decision_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .check = check_body,
    .run = decide,
    .status = 201,
    .event_action = "decision.recorded",
    .event_entity = "decision",
};

CC_WRITE_HANDLER(decisions_create_handle, decision_spec);
