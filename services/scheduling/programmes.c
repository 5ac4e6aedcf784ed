/*
 * Certification programmes: POST/GET /v1/programmes, GET /v1/programmes/{id}.
 * Creating a programme plans its cycle: audit time from the client's
 * personnel and sites (audit_time.c), provisional windows for Stage 1/2,
 * the surveillances and the recertification (programme_rules.c), one row per
 * planned audit with the days it needs. Reading one computes its live
 * warnings (window closing or missed, a year without surveillance, ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit_time_json.h"
#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_events.h"
#include "cc_idempotency.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "programme_rules.h"
#include "programme_settings.h"
#include "scheduling.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_SITE_IDS 1000
#define MAX_SECTOR_CODES 50

static const cc_field_t create_fields[] = {
    {"client_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"standards", CC_FIELD_ARRAY, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"scope", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
    {"site_ids", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"sector_codes", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"pre_assessment", CC_FIELD_BOOL, 0, 0, 0, NULL},
};

/* ---- reading a programme: the row with its audits (as JSON), and its live warnings ---- */

static programme_audit_status_t audit_status(const char *s)
{
    static const char *const names[] = {"planned", "scheduled", "in_progress", "completed", "cancelled"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return (programme_audit_status_t)i;
    return PROGRAMME_STATUS_PLANNED;
}

static civil_date_t date_of(const json_t *obj, const char *key, bool *present)
{
    civil_date_t d = {0, 0, 0};
    const char *s = cc_json_str(obj, key);
    *present = s != NULL && civil_date_parse(s, &d) == 0;
    return d;
}

/* The live warnings of a programme whose audits are given, on today. */
static json_t *warnings_of(const json_t *audits, const char *decision, const char *expiry,
                           int other_pre_assessments, const char *settings_json, civil_date_t today)
{
    size_t n = json_array_size(audits), i;
    programme_audit_t *list = cc_calloc(n, sizeof(*list));
    json_t *a;
    json_array_foreach(audits, i, a)
    {
        bool has_start, has_end;
        list[i].type = programme_audit_type_from_name(cc_json_str(a, "type"));
        list[i].status = audit_status(cc_json_str(a, "status"));
        list[i].window.start = date_of(a, "window_start", &list[i].has_window);
        list[i].window.end = date_of(a, "window_end", &list[i].has_window);
        list[i].start_date = date_of(a, "start_date", &has_start);
        list[i].end_date = date_of(a, "end_date", &has_end);
        list[i].has_dates = has_start && has_end;
        list[i].conclusions_date = date_of(a, "conclusions_on", &list[i].has_conclusions);
    }
    programme_t p = {false, {0, 0, 0}, {0, 0, 0}, list, n, other_pre_assessments, false};
    bool has_expiry = civil_date_parse(expiry, &p.expiry) == 0;
    if (decision != NULL && civil_date_parse(decision, &p.anchor) == 0)
        p.has_anchor = has_expiry;
    else if (has_expiry) /* provisional: the anchor whose cycle ends on this expiry */
        p.anchor = civil_date_add_years(civil_date_add_days(p.expiry, 1), -PROGRAMME_CYCLE_YEARS),
        p.has_anchor = true;
    programme_settings_t settings;
    programme_settings_from_json(settings_json, &settings);
    programme_warnings_t w;
    programme_warnings_init(&w);
    json_t *out = json_array();
    if (programme_warnings_compute(&p, today, &settings, &w) == 0) {
        for (size_t k = 0; k < w.count; k++) {
            char date[CIVIL_DATE_BUFSIZE];
            bool has_date = w.items[k].date.year != 0 && civil_date_format(w.items[k].date, date) == 0;
            json_t *audit = w.items[k].audit >= 0
                                ? json_object_get(json_array_get(audits, (size_t)w.items[k].audit), "id")
                                : NULL;
            json_array_append_new(
                out, json_pack("{s:s, s:O?, s:o, s:o}", "code", programme_warning_code_name(w.items[k].code),
                               "audit_id", audit, "year",
                               w.items[k].year != 0 ? json_integer(w.items[k].year) : json_null(), "date",
                               has_date ? json_string(date) : json_null()));
        }
    }
    programme_warnings_free(&w);
    free(list);
    return out;
}

void tenant_programme_settings(cc_dbconn_t *db, const char *tenant_id, programme_settings_t *out)
{
    const char *params[] = {tenant_id};
    PGresult *res = cc_db_exec(db, &sql_tenant_programme_settings, 1, params);
    const char *text =
        cc_db_is_ok(res) && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : NULL;
    if (programme_settings_from_json(text, out) != 0)
        cc_log_fields(CC_LOG_WARN, "tenant programme settings are invalid; using the defaults",
                      json_pack("{s:s}", "tenant", tenant_id));
    PQclear(res);
}

json_t *programme_from_row(const PGresult *res, int row, civil_date_t today)
{
    json_t *audits = json_loads(PQgetvalue(res, row, 14), 0, NULL);
    const char *decision = PQgetisnull(res, row, 8) ? NULL : PQgetvalue(res, row, 8);
    json_t *warnings = warnings_of(audits, decision, PQgetvalue(res, row, 9), atoi(PQgetvalue(res, row, 15)),
                                   PQgetisnull(res, row, 16) ? NULL : PQgetvalue(res, row, 16), today);
    return json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:b, s:i, s:o, s:s, s:b, s:o, s:o, s:o, s:i, s:s, s:s}",
                     "id", PQgetvalue(res, row, 0), "client_id", PQgetvalue(res, row, 1), "standards",
                     json_loads(PQgetvalue(res, row, 2), 0, NULL), "scope", PQgetvalue(res, row, 3),
                     "site_ids", json_loads(PQgetvalue(res, row, 4), 0, NULL), "sector_codes",
                     json_loads(PQgetvalue(res, row, 5), 0, NULL), "pre_assessment",
                     PQgetvalue(res, row, 6)[0] == 't', "cycle", atoi(PQgetvalue(res, row, 7)),
                     "decision_date", decision != NULL ? json_string(decision) : json_null(), "expiry_date",
                     PQgetvalue(res, row, 9), "provisional", decision == NULL, "audit_time",
                     json_loads(PQgetvalue(res, row, 10), 0, NULL), "audits",
                     audits != NULL ? audits : json_array(), "warnings", warnings, "version",
                     atoi(PQgetvalue(res, row, 11)), "created_at", PQgetvalue(res, row, 12), "updated_at",
                     PQgetvalue(res, row, 13));
}

typedef struct page {
    int limit;
} page_t;

static void on_list(cc_request_t *r, PGresult *res, void *data)
{
    page_t *page = data;
    civil_date_t today = civil_date_today_utc();
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res) && i < page->limit; i++)
        json_array_append_new(items, programme_from_row(res, i, today));
    cc_respond_page(r, items, res, page->limit, 0);
}

void programmes_list_handle(cc_request_t *r)
{
    char after[37], limit_text[16], client_id[64];
    int limit = cc_query_limit_or_respond(r);
    if (limit < 0 || cc_query_cursor_or_respond(r, after) < 0)
        return;
    int n = cc_query_param(r, "client_id", client_id, sizeof(client_id));
    if (n != -1 && (n < 0 || !cc_is_uuid(client_id, (size_t)n))) {
        json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
        cc_problem_add_error(problem, "client_id", "invalid_uuid", "must be a UUID");
        cc_respond_problem(r, problem);
        return;
    }
    page_t *page = h2o_mem_alloc_pool(&r->req->pool, sizeof(*page));
    page->limit = limit;
    snprintf(limit_text, sizeof(limit_text), "%d", limit + 1);
    const char *params[] = {r->claims.tid, after[0] != '\0' ? after : NULL, n != -1 ? client_id : NULL,
                            client_scope(r), limit_text};
    cc_db_query(r, r->claims.tid, &sql_programmes_list, 5, params, on_list, page);
}

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such programme");
        return;
    }
    cc_respond_versioned(r, 200, programme_from_row(res, 0, civil_date_today_utc()));
}

void programmes_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id, client_scope(r)};
    cc_db_query(r, r->claims.tid, &sql_programme_get, 3, params, on_get, NULL);
}

/* ---- POST /v1/programmes ---- */

typedef struct programme_write {
    cc_actor_t actor;
    json_t *body;
    cc_idempotency_t idem;
} programme_write_t;

static void programme_write_done(cc_job_t *job)
{
    programme_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

static void fail_field(cc_job_t *job, int status, const char *problem_code, const char *field,
                       const char *code, const char *message)
{
    json_t *problem = cc_problem_new(status, problem_code, message);
    cc_problem_add_error(problem, field, code, message);
    cc_job_answer(job, status, problem);
}

/* Checks the standards against the catalogue and the 2013 cut-off; answers and returns -1 when one fails. */
static int check_standards(cc_job_t *job, cc_dbconn_t *db, const json_t *standards, civil_date_t today)
{
    PGresult *res = cc_db_exec(db, &sql_standard_references, 0, NULL);
    if (!cc_db_is_ok(res)) {
        cc_job_answer(job, 503, cc_db_problem(res, "standard references"));
        PQclear(res);
        return -1;
    }
    json_t *s;
    size_t i;
    int rc = 0;
    json_array_foreach(standards, i, s)
    {
        char field[32];
        snprintf(field, sizeof(field), "standards[%zu]", i);
        bool known = false;
        for (int k = 0; k < PQntuples(res) && !known; k++)
            known = strcmp(PQgetvalue(res, k, 0), json_string_value(s)) == 0;
        if (!known) {
            fail_field(job, 400, "validation_failed", field, "unknown_standard",
                       "is not a standard of the catalogue (see GET /v1/standards, `reference`)");
            rc = -1;
            break;
        }
        if (programme_is_iso27001_2013_refused(json_string_value(s), PROGRAMME_AUDIT_STAGE1, today)) {
            fail_field(job, 422, "standard_closed", field, "standard_closed",
                       "no initial audit on ISO/IEC 27001:2013 after 2024-04-30: use ISO/IEC 27001:2022");
            rc = -1;
            break;
        }
    }
    PQclear(res);
    return rc;
}

/* Checks every site id belongs to the client; returns the client's site count, or -1 after answering. */
static int check_sites(cc_job_t *job, cc_dbconn_t *db, const char *tenant_id, const char *client_id,
                       const json_t *site_ids)
{
    const char *params[] = {tenant_id, client_id};
    PGresult *res = cc_db_exec(db, &sql_client_site_ids, 2, params);
    if (!cc_db_is_ok(res)) {
        cc_job_answer(job, 503, cc_db_problem(res, "client sites"));
        PQclear(res);
        return -1;
    }
    json_t *s;
    size_t i;
    int count = PQntuples(res);
    json_array_foreach(site_ids, i, s)
    {
        bool found = false;
        for (int k = 0; k < PQntuples(res) && !found; k++)
            found = strcasecmp(PQgetvalue(res, k, 0), json_string_value(s)) == 0;
        if (!found) {
            char field[32];
            snprintf(field, sizeof(field), "site_ids[%zu]", i);
            fail_field(job, 400, "validation_failed", field, "unknown_site", "is not a site of this client");
            count = -1;
            break;
        }
    }
    PQclear(res);
    return count;
}

typedef struct planned {
    const char *type;
    int sequence;
    programme_window_t window;
    double days;
} planned_t;

static int insert_audit(cc_dbconn_t *db, const char *tenant_id, const char *programme_id,
                        const char *client_id, const planned_t *a, int position)
{
    char start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE], sequence[12], pos[12], days[32];
    civil_date_format(a->window.start, start);
    civil_date_format(a->window.end, end);
    snprintf(sequence, sizeof(sequence), "%d", a->sequence);
    snprintf(pos, sizeof(pos), "%d", position);
    snprintf(days, sizeof(days), "%.1f", a->days);
    const char *params[] = {tenant_id, programme_id, client_id, a->type, sequence, pos, start, end, days};
    PGresult *res = cc_db_exec(db, &sql_audit_insert, 9, params);
    int ok = cc_db_is_ok(res);
    if (!ok)
        cc_db_problem_log(res, "audit insert");
    PQclear(res);
    return ok ? 0 : -1;
}

static int create_run(cc_job_t *job, cc_dbconn_t *db)
{
    programme_write_t *w = job->data;
    const char *tenant = w->actor.tenant_id, *client_id = cc_json_str(w->body, "client_id");
    civil_date_t today = civil_date_today_utc();
    if (cc_db_begin(db, tenant) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    if (cc_idempotency_claim(job, db, &w->idem, tenant, w->actor.user_id) != 0)
        return CC_JOB_DONE;

    const char *key[] = {tenant, client_id};
    PGresult *res = cc_db_exec(db, &sql_client_for_programme, 2, key);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1) {
        if (cc_db_is_ok(res))
            fail_field(job, 400, "validation_failed", "client_id", "unknown_client",
                       "no such client organisation");
        else
            cc_job_answer(job, 503, cc_db_problem(res, "client lookup"));
        PQclear(res);
        return CC_JOB_DONE;
    }
    bool complete = !PQgetisnull(res, 0, 0) && PQgetvalue(res, 0, 1)[0] == 't';
    long personnel = complete ? atol(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    if (!complete) {
        fail_field(
            job, 422, "client_incomplete", "client_id", "client_incomplete",
            "the organisation needs an address and its personnel before a programme (PATCH /v1/clients)");
        return CC_JOB_DONE;
    }
    json_t *standards = json_object_get(w->body, "standards");
    json_t *site_ids = json_object_get(w->body, "site_ids");
    int client_sites = 0;
    if (check_standards(job, db, standards, today) != 0 ||
        (client_sites = check_sites(job, db, tenant, client_id, site_ids)) < 0)
        return CC_JOB_DONE;

    /* audit time for the whole cycle, with the tenant's settings */
    const char *tid[] = {tenant};
    res = cc_db_exec(db, &sql_tenant_audit_time_settings, 1, tid);
    audit_time_settings_t settings = {0, 0, 0};
    if (cc_db_is_ok(res) && PQntuples(res) == 1)
        settings = (audit_time_settings_t){atof(PQgetvalue(res, 0, 0)), atof(PQgetvalue(res, 0, 1)),
                                           atof(PQgetvalue(res, 0, 2))};
    PQclear(res);
    size_t nstandards = json_array_size(standards);
    const char *integrated[AUDIT_TIME_MAX_STANDARDS];
    for (size_t i = 1; i < nstandards && i < AUDIT_TIME_MAX_STANDARDS + 1; i++)
        integrated[i - 1] = json_string_value(json_array_get(standards, i));
    audit_time_input_t in = {0};
    in.standard = json_string_value(json_array_get(standards, 0));
    in.personnel = personnel;
    in.integrated_standards = integrated;
    in.n_integrated_standards = nstandards - 1;
    in.sites = json_array_size(site_ids) > 0 ? (long)json_array_size(site_ids)
                                             : (client_sites > 0 ? client_sites : 1);
    audit_time_result_t time_result;
    audit_time_error_t err;
    int rc = audit_time_compute(&in, &settings, &time_result, &err);
    if (rc != AUDIT_TIME_OK) {
        fail_field(job, 422, audit_time_error_code(rc), "standards", audit_time_error_code(rc), err.message);
        return CC_JOB_DONE;
    }

    /* provisional windows: Stage 1 and 2 from today, the rest from a decision after Stage 2 */
    programme_settings_t ps;
    tenant_programme_settings(db, w->actor.tenant_id, &ps);
    planned_t plan[3 + PROGRAMME_MAX_SURVEILLANCES + 1];
    int nplan = 0;
    programme_window_t stage2 = {civil_date_add_months(today, 1), civil_date_add_months(today, 6)};
    programme_windows_t windows;
    if (programme_windows_provisional(stage2.end, &ps, &windows) != 0) {
        cc_job_fail(job, 500, "internal_error", "the programme's windows could not be computed");
        return CC_JOB_DONE;
    }
    if (json_is_true(json_object_get(w->body, "pre_assessment")))
        plan[nplan++] = (planned_t){
            "pre_assessment", 1, {today, civil_date_add_months(today, 2)}, time_result.stage1_days};
    plan[nplan++] =
        (planned_t){"stage1", 1, {today, civil_date_add_months(today, 3)}, time_result.stage1_days};
    plan[nplan++] = (planned_t){"stage2", 1, stage2, time_result.stage2_days};
    for (int k = 0; k < windows.nsurveillances; k++)
        plan[nplan++] =
            (planned_t){"surveillance", k + 1, windows.surveillance[k], time_result.surveillance_days};
    plan[nplan++] =
        (planned_t){"recertification", 1, windows.recertification, time_result.recertification_days};

    char expiry[CIVIL_DATE_BUFSIZE];
    civil_date_format(windows.expiry, expiry);
    char *calculation_text = audit_time_to_json_text(&in, &time_result, NULL);
    char *standards_text = json_dumps(standards, JSON_COMPACT);
    char *site_ids_text = json_dumps(site_ids != NULL ? site_ids : json_array(), JSON_COMPACT);
    json_t *codes = json_object_get(w->body, "sector_codes");
    char *codes_text = json_dumps(codes != NULL ? codes : json_array(), JSON_COMPACT);
    const char *params[] = {tenant,
                            client_id,
                            standards_text,
                            cc_json_str(w->body, "scope"),
                            site_ids_text,
                            codes_text,
                            json_is_true(json_object_get(w->body, "pre_assessment")) ? "true" : "false",
                            expiry,
                            calculation_text};
    res = cc_db_exec(db, &sql_programme_insert, 9, params);
    free(calculation_text);
    free(standards_text);
    free(site_ids_text);
    free(codes_text);
    if (!cc_db_is_ok(res)) {
        int retry = cc_db_is_retryable(cc_db_sqlstate(res));
        if (!retry)
            cc_job_answer(job, 503, cc_db_problem(res, "programme insert"));
        PQclear(res);
        return retry ? CC_JOB_RETRY : CC_JOB_DONE;
    }
    char id[37];
    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    for (int i = 0; i < nplan; i++) {
        if (insert_audit(db, tenant, id, client_id, &plan[i], i + 1) != 0) {
            cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
            return CC_JOB_DONE;
        }
    }

    const char *get[] = {tenant, id, NULL};
    res = cc_db_exec(db, &sql_programme_get, 3, get);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1) {
        cc_job_answer(job, 503, cc_db_problem(res, "programme read"));
        PQclear(res);
        return CC_JOB_DONE;
    }
    json_t *programme = programme_from_row(res, 0, today);
    PQclear(res);
    json_t *detail = json_pack("{s:s, s:O}", "client_id", client_id, "standards", standards);
    cc_event_t ev = {
        w->actor.user_id,    w->actor.role, "programme.created", "programme", id, w->actor.remote_addr,
        w->actor.request_id, detail};
    int appended = cc_event_append(db, &ev);
    json_decref(detail);
    char location[80];
    snprintf(location, sizeof(location), "/v1/programmes/%s", id);
    cc_job_header(job, "location", location);
    cc_job_answer_versioned(job, 201, programme);
    if (appended != 0 || cc_idempotency_store(job, db, &w->idem, tenant, w->actor.user_id) != 0 ||
        cc_db_commit(db) != 0) {
        cc_job_clear_headers(job);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    }
    return CC_JOB_DONE;
}

static bool is_sector_code(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > 20)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == ' ' || s[i] == '.' || s[i] == '-'))
            return false;
    return true;
}

/* Checks the arrays of a new programme; returns the number of errors added. */
static size_t check_arrays(const json_t *body, json_t *problem)
{
    size_t errors = 0, i;
    json_t *v;
    char field[48];
    json_t *standards = json_object_get(body, "standards");
    if (json_array_size(standards) < 1 || json_array_size(standards) > AUDIT_TIME_MAX_STANDARDS) {
        cc_problem_add_error(problem, "standards", "invalid_length", "must name 1 to 4 standards");
        errors++;
    }
    json_array_foreach(standards, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) < 1 || json_string_length(v) > 60) {
            snprintf(field, sizeof(field), "standards[%zu]", i);
            cc_problem_add_error(problem, field, "wrong_type", "must be a catalogue reference");
            errors++;
        }
    }
    json_t *sites = json_object_get(body, "site_ids");
    if (json_array_size(sites) > MAX_SITE_IDS) {
        cc_problem_add_error(problem, "site_ids", "too_many", "must have at most 1000 entries");
        errors++;
    }
    json_array_foreach(sites, i, v)
    {
        if (!json_is_string(v) || !cc_is_uuid(json_string_value(v), json_string_length(v))) {
            snprintf(field, sizeof(field), "site_ids[%zu]", i);
            cc_problem_add_error(problem, field, "invalid_uuid", "must be a UUID");
            errors++;
        }
    }
    json_t *codes = json_object_get(body, "sector_codes");
    if (json_array_size(codes) > MAX_SECTOR_CODES) {
        cc_problem_add_error(problem, "sector_codes", "too_many", "must have at most 50 entries");
        errors++;
    }
    json_array_foreach(codes, i, v)
    {
        if (!json_is_string(v) || !is_sector_code(json_string_value(v))) {
            snprintf(field, sizeof(field), "sector_codes[%zu]", i);
            cc_problem_add_error(problem, field, "invalid",
                                 "must be 1 to 20 letters, digits, spaces, . or -");
            errors++;
        }
    }
    return errors;
}

void programmes_create_handle(cc_request_t *r)
{
    cc_idempotency_t idem;
    if (cc_idempotency_read_or_respond(r, &idem) != 0)
        return;
    json_t *body = cc_read_json_or_respond(r, create_fields, NFIELDS(create_fields));
    if (body == NULL)
        return;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (check_arrays(body, problem) != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return;
    }
    json_decref(problem);
    programme_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    w->body = body;
    w->idem = idem;
    cc_job_submit(r, create_run, programme_write_done, w);
}
