/*
 * The CB's auditors: POST/GET /v1/auditors, GET/PATCH /v1/auditors/{id}.
 * An auditor is a staff user with competences [{standard, sector_codes,
 * role}]; each standard must be a reference of the catalogue (checked on the
 * worker, where the transaction is). Client users see no auditor (403).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_events.h"
#include "cc_idempotency.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "scheduling.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_COMPETENCES 20
#define MAX_SECTOR_CODES 50

static const char *const competence_roles[] = {"lead", "auditor", "technical_expert", NULL};

static const cc_field_t create_fields[] = {
    {"user_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"competences", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"active", CC_FIELD_BOOL, 0, 0, 0, NULL},
};
static const cc_field_t patch_fields[] = {
    {"competences", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"active", CC_FIELD_BOOL, 0, 0, 0, NULL},
};
static const cc_field_t competence_fields[] = {
    {"standard", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 60, NULL},
    {"sector_codes", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"role", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, competence_roles},
};

static bool is_sector_code(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > 20)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' ||
              c == '.' || c == '-'))
            return false;
    }
    return true;
}

/* Checks the shape of a competences array (the standards against the catalogue come later). */
static size_t check_competences(const json_t *competences, json_t *problem)
{
    size_t errors = 0, i;
    json_t *c;
    if (json_array_size(competences) > MAX_COMPETENCES) {
        cc_problem_add_error(problem, "competences", "too_many", "must have at most 20 entries");
        return 1;
    }
    json_array_foreach(competences, i, c)
    {
        char path[96];
        snprintf(path, sizeof(path), "competences[%zu]", i);
        size_t e = cc_json_validate_at(c, path, competence_fields, NFIELDS(competence_fields), problem);
        json_t *codes = json_object_get(c, "sector_codes"), *code;
        size_t k;
        if (e == 0 && json_array_size(codes) > MAX_SECTOR_CODES) {
            snprintf(path, sizeof(path), "competences[%zu].sector_codes", i);
            cc_problem_add_error(problem, path, "too_many", "must have at most 50 entries");
            e++;
        }
        json_array_foreach(codes, k, code)
        {
            if (!json_is_string(code) || !is_sector_code(json_string_value(code))) {
                snprintf(path, sizeof(path), "competences[%zu].sector_codes[%zu]", i, k);
                cc_problem_add_error(problem, path, "invalid",
                                     "must be 1 to 20 letters, digits, spaces, . or -");
                e++;
            }
        }
        errors += e;
    }
    return errors;
}

/* Normalises each competence (sector_codes defaults to []) so stored documents have one shape. */
static json_t *normalised_competences(const json_t *competences)
{
    json_t *out = json_array(), *c;
    size_t i;
    json_array_foreach(competences, i, c)
    {
        json_t *codes = json_object_get(c, "sector_codes");
        json_array_append_new(out,
                              json_pack("{s:s, s:o, s:s}", "standard", cc_json_str(c, "standard"),
                                        "sector_codes", codes != NULL ? json_incref(codes) : json_array(),
                                        "role", cc_json_str(c, "role")));
    }
    return out;
}

/* In the job's transaction: answers 400 naming the first competence whose standard the catalogue lacks. */
static int check_standards_or_fail(cc_job_t *job, cc_dbconn_t *db, const json_t *competences)
{
    PGresult *res = cc_db_exec(db, &sql_standard_references, 0, NULL);
    if (!cc_db_is_ok(res)) {
        cc_job_answer(job, 503, cc_db_problem(res, "standard references"));
        PQclear(res);
        return -1;
    }
    json_t *c;
    size_t i;
    int rc = 0;
    json_array_foreach(competences, i, c)
    {
        const char *standard = cc_json_str(c, "standard");
        bool known = false;
        for (int k = 0; k < PQntuples(res) && !known; k++)
            known = strcmp(PQgetvalue(res, k, 0), standard) == 0;
        if (!known) {
            char field[48];
            snprintf(field, sizeof(field), "competences[%zu].standard", i);
            json_t *problem =
                cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
            cc_problem_add_error(problem, field, "unknown_standard",
                                 "is not a standard of the catalogue (see GET /v1/standards, `reference`)");
            cc_job_answer(job, 400, problem);
            rc = -1;
            break;
        }
    }
    PQclear(res);
    return rc;
}

json_t *auditor_from_row(const PGresult *res, int row)
{
    json_t *competences = json_loads(PQgetvalue(res, row, 4), 0, NULL);
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:i, s:s, s:s}", "id", PQgetvalue(res, row, 0),
                     "user_id", PQgetvalue(res, row, 1), "name", PQgetvalue(res, row, 2), "email",
                     PQgetvalue(res, row, 3), "competences", competences != NULL ? competences : json_array(),
                     "active", PQgetvalue(res, row, 5)[0] == 't', "version", atoi(PQgetvalue(res, row, 6)),
                     "created_at", PQgetvalue(res, row, 7), "updated_at", PQgetvalue(res, row, 8));
}

/* ---- reads ---- */

typedef struct page {
    int limit;
} page_t;

static void on_list(cc_request_t *r, PGresult *res, void *data)
{
    page_t *page = data;
    int n = PQntuples(res);
    json_t *items = json_array();
    for (int i = 0; i < n && i < page->limit; i++)
        json_array_append_new(items, auditor_from_row(res, i));
    cc_respond_page(r, items, res, page->limit, 0);
}

static void bad_query(cc_request_t *r, const char *field, const char *message)
{
    json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
    cc_problem_add_error(problem, field, "invalid_value", message);
    cc_respond_problem(r, problem);
}

void auditors_list_handle(cc_request_t *r)
{
    char after[37], limit_text[16], standard[64], active[8];
    int limit = cc_query_limit_or_respond(r);
    if (limit < 0 || cc_query_cursor_or_respond(r, after) < 0)
        return;
    int has_standard = cc_query_param(r, "standard", standard, sizeof(standard));
    if (has_standard == -2 || has_standard == 0) {
        bad_query(r, "standard", "must be a catalogue reference such as ISO/IEC 27001:2022");
        return;
    }
    int has_active = cc_query_param(r, "active", active, sizeof(active));
    if (has_active != -1 && strcmp(active, "true") != 0 && strcmp(active, "false") != 0) {
        bad_query(r, "active", "must be true or false");
        return;
    }
    page_t *page = h2o_mem_alloc_pool(&r->req->pool, sizeof(*page));
    page->limit = limit;
    snprintf(limit_text, sizeof(limit_text), "%d", limit + 1);
    const char *params[] = {r->claims.tid, after[0] != '\0' ? after : NULL,
                            has_standard > 0 ? standard : NULL, has_active != -1 ? active : NULL, limit_text};
    cc_db_query(r, r->claims.tid, &sql_auditors_list, 5, params, on_list, page);
}

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such auditor");
        return;
    }
    json_t *auditor = auditor_from_row(res, 0);
    cc_respond_versioned(r, 200, auditor);
}

void auditors_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id};
    cc_db_query(r, r->claims.tid, &sql_auditor_get, 2, params, on_get, NULL);
}

/* ---- writes ---- */

typedef struct auditor_write {
    cc_actor_t actor;
    char auditor_id[37];
    json_t *body;
    long long if_match;
    cc_idempotency_t idem;
} auditor_write_t;

static void auditor_write_done(cc_job_t *job)
{
    auditor_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

/* Reads the stored auditor (with its user's name and e-mail), appends the event, answers, commits. */
static int finish(cc_job_t *job, cc_dbconn_t *db, auditor_write_t *w, const char *id, int status,
                  const char *action)
{
    const char *key[] = {w->actor.tenant_id, id};
    PGresult *res = cc_db_exec(db, &sql_auditor_get, 2, key);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1) {
        cc_job_answer(job, 503, cc_db_problem(res, "auditor read"));
        PQclear(res);
        return CC_JOB_DONE;
    }
    json_t *auditor = auditor_from_row(res, 0);
    PQclear(res);
    cc_event_t ev = {w->actor.user_id,     w->actor.role,       action, "auditor", id,
                     w->actor.remote_addr, w->actor.request_id, NULL};
    if (cc_event_append(db, &ev) != 0) {
        json_decref(auditor);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    char location[80];
    if (status == 201) {
        snprintf(location, sizeof(location), "/v1/auditors/%s", id);
        cc_job_header(job, "location", location);
    }
    cc_job_answer_versioned(job, status, auditor);
    if (cc_idempotency_store(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0 ||
        cc_db_commit(db) != 0) {
        cc_job_clear_headers(job);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    }
    return CC_JOB_DONE;
}

static void fail_field(cc_job_t *job, const char *field, const char *code, const char *message)
{
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    cc_problem_add_error(problem, field, code, message);
    cc_job_answer(job, 400, problem);
}

static int create_run(cc_job_t *job, cc_dbconn_t *db)
{
    auditor_write_t *w = job->data;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    if (cc_idempotency_claim(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        return CC_JOB_DONE;
    const char *user_key[] = {w->actor.tenant_id, cc_json_str(w->body, "user_id")};
    PGresult *res = cc_db_exec(db, &sql_user_role, 2, user_key);
    bool staff = cc_db_is_ok(res) && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "client") != 0;
    PQclear(res);
    if (!staff) {
        fail_field(job, "user_id", "unknown_user", "is not a staff user of this certification body");
        return CC_JOB_DONE;
    }
    json_t *competences = normalised_competences(json_object_get(w->body, "competences"));
    if (check_standards_or_fail(job, db, competences) != 0) {
        json_decref(competences);
        return CC_JOB_DONE;
    }
    char *competences_text = json_dumps(competences, JSON_COMPACT);
    json_decref(competences);
    json_t *active = json_object_get(w->body, "active");
    const char *params[] = {w->actor.tenant_id, user_key[1], competences_text,
                            active == NULL || json_is_true(active) ? "true" : "false"};
    res = cc_db_exec(db, &sql_auditor_insert, 4, params);
    free(competences_text);
    if (!cc_db_is_ok(res)) {
        const char *state = cc_db_sqlstate(res);
        if (strcmp(state, "23505") == 0)
            cc_job_fail(job, 409, "auditor_exists", "this user already has an auditor record");
        else
            cc_job_answer(job, cc_db_status_for_sqlstate(state), cc_db_problem(res, "auditor insert"));
        int rc = cc_db_is_retryable(state) ? CC_JOB_RETRY : CC_JOB_DONE; /* state lives in res */
        PQclear(res);
        return rc;
    }
    char id[37];
    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return finish(job, db, w, id, 201, "auditor.created");
}

static int patch_run(cc_job_t *job, cc_dbconn_t *db)
{
    auditor_write_t *w = job->data;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    const char *key[] = {w->actor.tenant_id, w->auditor_id};
    PGresult *res = cc_db_exec(db, &sql_auditor_lock, 2, key);
    if (!cc_db_is_ok(res))
        return cc_job_fail_db(job, res, "auditor lock");
    if (PQntuples(res) != 1) {
        cc_job_fail(job, 404, "not_found", "no such auditor");
        PQclear(res);
        return CC_JOB_DONE;
    }
    long long version = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (w->if_match >= 0 && w->if_match != version) {
        cc_job_fail(job, 412, "precondition_failed", "the auditor has changed since you read it (If-Match)");
        return CC_JOB_DONE;
    }
    char *competences_text = NULL;
    json_t *given = json_object_get(w->body, "competences");
    if (given != NULL) {
        json_t *competences = normalised_competences(given);
        int rc = check_standards_or_fail(job, db, competences);
        competences_text = rc == 0 ? json_dumps(competences, JSON_COMPACT) : NULL;
        json_decref(competences);
        if (rc != 0)
            return CC_JOB_DONE;
    }
    json_t *active = json_object_get(w->body, "active");
    const char *params[] = {w->actor.tenant_id, w->auditor_id, competences_text,
                            active == NULL ? NULL : (json_is_true(active) ? "true" : "false")};
    res = cc_db_exec(db, &sql_auditor_update, 4, params);
    free(competences_text);
    if (!cc_db_is_ok(res))
        return cc_job_fail_db(job, res, "auditor update");
    PQclear(res);
    return finish(job, db, w, w->auditor_id, 200, "auditor.updated");
}

static auditor_write_t *auditor_write_new(cc_request_t *r, json_t *body)
{
    auditor_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    w->body = body;
    w->if_match = -1;
    return w;
}

static json_t *read_body_or_respond(cc_request_t *r, const cc_field_t *fields, size_t n, bool is_patch)
{
    json_t *body = cc_read_json_or_respond(r, fields, n);
    if (body == NULL)
        return NULL;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (is_patch && json_object_size(body) == 0)
        cc_problem_add_error(problem, "", "empty", "the body names no field to change");
    if (cc_problem_error_count(problem) != 0 ||
        check_competences(json_object_get(body, "competences"), problem) != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return NULL;
    }
    json_decref(problem);
    return body;
}

void auditors_create_handle(cc_request_t *r)
{
    cc_idempotency_t idem;
    if (cc_idempotency_read_or_respond(r, &idem) != 0)
        return;
    json_t *body = read_body_or_respond(r, create_fields, NFIELDS(create_fields), false);
    if (body == NULL)
        return;
    auditor_write_t *w = auditor_write_new(r, body);
    w->idem = idem;
    cc_job_submit(r, create_run, auditor_write_done, w);
}

void auditors_patch_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    long long if_match = cc_if_match(r);
    if (if_match == -2) {
        cc_respond_error(r, 412, "precondition_failed", "If-Match must be an ETag this API returned");
        return;
    }
    json_t *body = read_body_or_respond(r, patch_fields, NFIELDS(patch_fields), true);
    if (body == NULL)
        return;
    auditor_write_t *w = auditor_write_new(r, body);
    memcpy(w->auditor_id, id, 37);
    w->if_match = if_match;
    cc_job_submit(r, patch_run, auditor_write_done, w);
}
