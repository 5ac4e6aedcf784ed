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
#include "cc_list.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_write.h"
#include "programme_rules.h"
#include "programme_settings.h"
#include "scheduling.h"

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

/* A programme of a list, with its warnings as of today. */
static json_t *listed_programme(const PGresult *res, int row)
{
    return programme_from_row(res, row, civil_date_today_utc());
}

void programmes_list_handle(cc_request_t *r)
{
    char client_id[37];
    cc_page_t *page = cc_page_or_respond(r, listed_programme, 0);
    if (page == NULL || cc_query_uuid_or_respond(r, "client_id", client_id) != 0)
        return;
    const char *params[] = {r->claims.tid, cc_page_after(page), client_id[0] != '\0' ? client_id : NULL,
                            client_scope(r), page->fetch};
    cc_page_query(r, page, &sql_programmes_list, 5, params);
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

/* The client must exist (400) with an address and its personnel (422), given back in *personnel. */
static cc_step_t check_client(cc_write_t *w, const char *client_id, long *personnel)
{
    const char *key[] = {w->actor.tenant_id, client_id};
    PGresult *res = cc_db_exec(w->db, &sql_client_for_programme, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "client lookup");
    bool found = PQntuples(res) == 1;
    bool complete = found && !PQgetisnull(res, 0, 0) && PQgetvalue(res, 0, 1)[0] == 't';
    *personnel = complete ? atol(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    if (!found)
        return cc_write_fail_field(w, 400, "unknown_client", "client_id", "no such client organisation");
    if (!complete)
        return cc_write_fail_field(
            w, 422, "client_incomplete", "client_id",
            "the organisation needs an address and its personnel before a programme (PATCH /v1/clients)");
    return CC_GO_ON;
}

/* Checks the standards against the catalogue and the 2013 cut-off. */
static cc_step_t check_standards(cc_write_t *w, const json_t *standards, civil_date_t today)
{
    PGresult *res = cc_db_exec(w->db, &sql_standard_references, 0, NULL);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "standard references");
    json_t *s;
    size_t i;
    cc_step_t step = CC_GO_ON;
    json_array_foreach(standards, i, s)
    {
        char field[32];
        snprintf(field, sizeof(field), "standards[%zu]", i);
        bool known = false;
        for (int k = 0; k < PQntuples(res) && !known; k++)
            known = strcmp(PQgetvalue(res, k, 0), json_string_value(s)) == 0;
        if (!known)
            step = cc_write_fail_field(
                w, 400, "unknown_standard", field,
                "is not a standard of the catalogue (see GET /v1/standards, `reference`)");
        else if (programme_is_iso27001_2013_refused(json_string_value(s), PROGRAMME_AUDIT_STAGE1, today))
            step = cc_write_fail_field(w, 422, "standard_closed", field,
                                       "no initial audit on ISO/IEC 27001:2013 after 2024-04-30: use ISO/IEC "
                                       "27001:2022");
        if (step != CC_GO_ON)
            break;
    }
    PQclear(res);
    return step;
}

/* Checks every site id belongs to the client; the client's site count in *count. */
static cc_step_t check_sites(cc_write_t *w, const char *client_id, const json_t *site_ids, int *count)
{
    const char *params[] = {w->actor.tenant_id, client_id};
    PGresult *res = cc_db_exec(w->db, &sql_client_site_ids, 2, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "client sites");
    json_t *s;
    size_t i;
    cc_step_t step = CC_GO_ON;
    *count = PQntuples(res);
    json_array_foreach(site_ids, i, s)
    {
        bool found = false;
        for (int k = 0; k < PQntuples(res) && !found; k++)
            found = strcasecmp(PQgetvalue(res, k, 0), json_string_value(s)) == 0;
        if (!found) {
            char field[32];
            snprintf(field, sizeof(field), "site_ids[%zu]", i);
            step = cc_write_fail_field(w, 400, "unknown_site", field, "is not a site of this client");
            break;
        }
    }
    PQclear(res);
    return step;
}

/* What a new programme is planned from. */
typedef struct programme_input {
    const char *client_id;
    const json_t *standards, *site_ids;
    long personnel;
    int client_sites;
    civil_date_t today;
} programme_input_t;

/* The cycle's audit time with the tenant's settings: *in and *out for the plan and the stored calculation. */
static cc_step_t compute_time(cc_write_t *w, const programme_input_t *p, const char **integrated,
                              audit_time_input_t *in, audit_time_result_t *out)
{
    const char *tid[] = {w->actor.tenant_id};
    PGresult *res = cc_db_exec(w->db, &sql_tenant_audit_time_settings, 1, tid);
    audit_time_settings_t settings = {0, 0, 0};
    if (cc_db_is_ok(res) && PQntuples(res) == 1)
        settings = (audit_time_settings_t){atof(PQgetvalue(res, 0, 0)), atof(PQgetvalue(res, 0, 1)),
                                           atof(PQgetvalue(res, 0, 2))};
    PQclear(res);
    size_t nstandards = json_array_size(p->standards);
    for (size_t i = 1; i < nstandards && i < AUDIT_TIME_MAX_STANDARDS + 1; i++)
        integrated[i - 1] = json_string_value(json_array_get(p->standards, i));
    *in = (audit_time_input_t){0};
    in->standard = json_string_value(json_array_get(p->standards, 0));
    in->personnel = p->personnel;
    in->integrated_standards = integrated;
    in->n_integrated_standards = nstandards - 1;
    in->sites = json_array_size(p->site_ids) > 0 ? (long)json_array_size(p->site_ids)
                                                 : (p->client_sites > 0 ? p->client_sites : 1);
    audit_time_error_t err;
    int rc = audit_time_compute(in, &settings, out, &err);
    if (rc != AUDIT_TIME_OK)
        return cc_write_fail_field(w, 422, audit_time_error_code(rc), "standards", err.message);
    return CC_GO_ON;
}

typedef struct planned {
    const char *type;
    int sequence;
    programme_window_t window;
    double days;
} planned_t;

#define MAX_PLANNED (3 + PROGRAMME_MAX_SURVEILLANCES + 1)

/* The cycle's audits with provisional windows: Stage 1 and 2 from today, the rest from a decision after
 * Stage 2. Returns the count, or -1 when the windows cannot be computed. */
static int plan_cycle(cc_write_t *w, civil_date_t today, const audit_time_result_t *t,
                      planned_t plan[MAX_PLANNED], civil_date_t *expiry)
{
    programme_settings_t ps;
    tenant_programme_settings(w->db, w->actor.tenant_id, &ps);
    int n = 0;
    programme_window_t stage2 = {civil_date_add_months(today, 1), civil_date_add_months(today, 6)};
    programme_windows_t windows;
    if (programme_windows_provisional(stage2.end, &ps, &windows) != 0)
        return -1;
    if (json_is_true(json_object_get(w->body, "pre_assessment")))
        plan[n++] =
            (planned_t){"pre_assessment", 1, {today, civil_date_add_months(today, 2)}, t->stage1_days};
    plan[n++] = (planned_t){"stage1", 1, {today, civil_date_add_months(today, 3)}, t->stage1_days};
    plan[n++] = (planned_t){"stage2", 1, stage2, t->stage2_days};
    for (int k = 0; k < windows.nsurveillances; k++)
        plan[n++] = (planned_t){"surveillance", k + 1, windows.surveillance[k], t->surveillance_days};
    plan[n++] = (planned_t){"recertification", 1, windows.recertification, t->recertification_days};
    *expiry = windows.expiry;
    return n;
}

static cc_step_t insert_audit(cc_write_t *w, const char *programme_id, const char *client_id,
                              const planned_t *a, int position)
{
    char start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE], sequence[12], pos[12], days[32];
    civil_date_format(a->window.start, start);
    civil_date_format(a->window.end, end);
    snprintf(sequence, sizeof(sequence), "%d", a->sequence);
    snprintf(pos, sizeof(pos), "%d", position);
    snprintf(days, sizeof(days), "%.1f", a->days);
    const char *params[] = {
        w->actor.tenant_id, programme_id, client_id, a->type, sequence, pos, start, end, days};
    PGresult *res = cc_db_exec(w->db, &sql_audit_insert, 9, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "audit insert");
    PQclear(res);
    return CC_GO_ON;
}

/* Inserts the programme (its id in id) with its calculation, then its planned audits. */
static cc_step_t insert_programme(cc_write_t *w, const programme_input_t *p, const char *calculation,
                                  civil_date_t expiry, const planned_t *plan, int nplan, char id[37])
{
    char expiry_text[CIVIL_DATE_BUFSIZE];
    civil_date_format(expiry, expiry_text);
    char *standards_text = json_dumps(p->standards, JSON_COMPACT);
    char *site_ids_text = p->site_ids != NULL ? json_dumps(p->site_ids, JSON_COMPACT) : NULL;
    json_t *codes = json_object_get(w->body, "sector_codes");
    char *codes_text = codes != NULL ? json_dumps(codes, JSON_COMPACT) : NULL;
    const char *params[] = {w->actor.tenant_id,
                            p->client_id,
                            standards_text,
                            cc_json_str(w->body, "scope"),
                            site_ids_text != NULL ? site_ids_text : "[]",
                            codes_text != NULL ? codes_text : "[]",
                            json_is_true(json_object_get(w->body, "pre_assessment")) ? "true" : "false",
                            expiry_text,
                            calculation};
    PGresult *res = cc_db_exec(w->db, &sql_programme_insert, 9, params);
    free(standards_text);
    free(site_ids_text);
    free(codes_text);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "programme insert");
    snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    cc_step_t step = CC_GO_ON;
    for (int i = 0; i < nplan && step == CC_GO_ON; i++)
        step = insert_audit(w, id, p->client_id, &plan[i], i + 1);
    return step;
}

/* Reads the new programme back as the result. */
static cc_step_t result(cc_write_t *w, const programme_input_t *p, const char *id)
{
    const char *get[] = {w->actor.tenant_id, id, NULL};
    PGresult *res = cc_db_exec(w->db, &sql_programme_get, 3, get);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "programme read");
    if (PQntuples(res) == 1)
        cc_write_result(w, programme_from_row(res, 0, p->today),
                        json_pack("{s:s, s:O}", "client_id", p->client_id, "standards", p->standards));
    PQclear(res);
    return CC_GO_ON;
}

static cc_step_t create_programme(cc_write_t *w)
{
    programme_input_t p = {cc_json_str(w->body, "client_id"),
                           json_object_get(w->body, "standards"),
                           json_object_get(w->body, "site_ids"),
                           0,
                           0,
                           civil_date_today_utc()};
    cc_step_t step;
    if ((step = check_client(w, p.client_id, &p.personnel)) != CC_GO_ON ||
        (step = check_standards(w, p.standards, p.today)) != CC_GO_ON ||
        (step = check_sites(w, p.client_id, p.site_ids, &p.client_sites)) != CC_GO_ON)
        return step;
    const char *integrated[AUDIT_TIME_MAX_STANDARDS];
    audit_time_input_t in;
    audit_time_result_t time_result;
    if ((step = compute_time(w, &p, integrated, &in, &time_result)) != CC_GO_ON)
        return step;
    planned_t plan[MAX_PLANNED];
    civil_date_t expiry;
    int nplan = plan_cycle(w, p.today, &time_result, plan, &expiry);
    if (nplan < 0)
        return cc_write_fail(w, 500, "internal_error", "the programme's windows could not be computed");
    char *calculation = audit_time_to_json_text(&in, &time_result, NULL);
    char id[37];
    step = insert_programme(w, &p, calculation, expiry, plan, nplan, id);
    free(calculation);
    return step == CC_GO_ON ? result(w, &p, id) : step;
}

static bool is_reference(const json_t *v)
{
    return json_is_string(v) && json_string_length(v) >= 1 && json_string_length(v) <= 60;
}

static bool is_uuid_value(const json_t *v)
{
    return json_is_string(v) && cc_is_uuid(json_string_value(v), json_string_length(v));
}

static bool is_sector_code(const json_t *v)
{
    return json_is_string(v) && check_sector_code(json_string_value(v));
}

/* One array member of a new programme: its size bounds and the test each entry must pass. */
typedef struct {
    const char *name;
    size_t min, max;
    const char *size_code, *size_message;
    bool (*valid)(const json_t *v);
    const char *code, *message; /* of an entry that fails `valid`, named name[i] */
} array_rule_t;

static const array_rule_t array_rules[] = {
    {"standards", 1, AUDIT_TIME_MAX_STANDARDS, "invalid_length", "must name 1 to 4 standards", is_reference,
     "wrong_type", "must be a catalogue reference"},
    {"site_ids", 0, MAX_SITE_IDS, "too_many", "must have at most 1000 entries", is_uuid_value, "invalid_uuid",
     "must be a UUID"},
    {"sector_codes", 0, MAX_SECTOR_CODES, "too_many", "must have at most 50 entries", is_sector_code,
     "invalid", "must be 1 to 20 letters, digits, spaces, . or -"},
};

/* Checks the arrays of a new programme, one error each fault. */
static cc_step_t check_arrays(cc_request_t *r, const json_t *body, json_t *problem)
{
    for (size_t k = 0; k < sizeof(array_rules) / sizeof(array_rules[0]); k++) {
        const array_rule_t *rule = &array_rules[k];
        json_t *array = json_object_get(body, rule->name), *v;
        if (json_array_size(array) < rule->min || json_array_size(array) > rule->max)
            cc_problem_add_error(problem, rule->name, rule->size_code, rule->size_message);
        size_t i;
        json_array_foreach(array, i, v)
        {
            if (!rule->valid(v)) {
                char field[48];
                snprintf(field, sizeof(field), "%s[%zu]", rule->name, i);
                cc_problem_add_error(problem, field, rule->code, rule->message);
            }
        }
    }
    return CC_GO_ON;
}

static const cc_write_spec_t create_spec = {
    .fields = create_fields,
    .nfields = CC_NFIELDS(create_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .check = check_arrays,
    .run = create_programme,
    .status = 201,
    .event_action = "programme.created",
    .location = "/v1/programmes/",
};

CC_WRITE_HANDLER(programmes_create_handle, create_spec);
