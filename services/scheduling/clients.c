/*
 * Client organisations: POST/GET /v1/clients, GET/PATCH /v1/clients/{id}.
 * Staff read every organisation of their tenant; a client user reads only its
 * own (any other id is simply not found). Writes run on the worker pool with
 * their event-log entry; PATCH replaces nested objects whole and re-checks
 * the merged organisation by the same rules as a new one.
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
#include "cc_roles.h"
#include "scheduling.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static const cc_field_t client_fields[] = {
    {"legal_name", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 300, NULL},
    {"trading_name", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 300, NULL},
    {"identifiers", CC_FIELD_OBJECT, 0, 0, 0, NULL},
    {"address", CC_FIELD_OBJECT, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"personnel", CC_FIELD_INT, CC_FIELD_REQUIRED, 1, 10000000, NULL},
    {"confidential", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"registry_consent", CC_FIELD_OBJECT, 0, 0, 0, NULL},
};
static const cc_field_t identifier_fields[] = {
    {"vat", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 40, NULL},
    {"registration_number", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 60, NULL},
    {"duns", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 9, NULL},
};
static const cc_field_t consent_fields[] = {
    {"given", CC_FIELD_BOOL, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"date", CC_FIELD_DATE, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"reference", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 200, NULL},
};

/* Checks the whole organisation (a new one, or an existing one merged with a patch). Returns the error count.
 */
static size_t check_client(const json_t *client, json_t *problem)
{
    size_t errors = 0;
    json_t *identifiers = json_object_get(client, "identifiers");
    if (json_is_object(identifiers)) {
        errors += cc_json_validate_at(identifiers, "identifiers", identifier_fields,
                                      NFIELDS(identifier_fields), problem);
        const char *duns = cc_json_str(identifiers, "duns");
        if (duns != NULL && (strlen(duns) != 9 || strspn(duns, "0123456789") != 9)) {
            cc_problem_add_error(problem, "identifiers.duns", "invalid_duns",
                                 "must be the 9 digits of a D-U-N-S number");
            errors++;
        }
    }
    json_t *address = json_object_get(client, "address");
    if (json_is_object(address))
        errors += check_address(address, "address", problem);
    json_t *consent = json_object_get(client, "registry_consent");
    if (json_is_object(consent)) {
        size_t consent_errors = cc_json_validate_at(consent, "registry_consent", consent_fields,
                                                    NFIELDS(consent_fields), problem);
        if (consent_errors == 0 && json_is_true(json_object_get(consent, "given")) &&
            cc_json_str(consent, "date") == NULL) {
            cc_problem_add_error(problem, "registry_consent.date", "required",
                                 "is required when consent is given (the date of the written consent)");
            consent_errors++;
        }
        errors += consent_errors;
    }
    return errors;
}

/* The client's columns as statement parameters, in CLIENT_WRITE_COLUMNS order (strings borrowed from client).
 */
#define CLIENT_NPARAMS 15
static void client_params(const json_t *client, const char *params[CLIENT_NPARAMS], char personnel[16])
{
    json_t *ids = json_object_get(client, "identifiers"), *address = json_object_get(client, "address");
    json_t *consent = json_object_get(client, "registry_consent");
    snprintf(personnel, 16, "%lld", (long long)json_integer_value(json_object_get(client, "personnel")));
    params[0] = cc_json_str(client, "legal_name");
    params[1] = cc_json_str(client, "trading_name");
    params[2] = cc_json_str(ids, "vat");
    params[3] = cc_json_str(ids, "registration_number");
    params[4] = cc_json_str(ids, "duns");
    params[5] = cc_json_str(address, "street");
    params[6] = cc_json_str(address, "city");
    params[7] = cc_json_str(address, "state");
    params[8] = cc_json_str(address, "post_code");
    params[9] = cc_json_str(address, "country");
    params[10] = json_is_integer(json_object_get(client, "personnel")) ? personnel : NULL;
    params[11] = json_is_true(json_object_get(client, "confidential")) ? "true" : "false";
    params[12] = json_is_true(json_object_get(consent, "given")) ? "true" : "false";
    params[13] = cc_json_str(consent, "date");
    params[14] = cc_json_str(consent, "reference");
}

static json_t *text_or_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

json_t *client_from_row(const PGresult *res, int row)
{
    json_t *address = json_null();
    if (!PQgetisnull(res, row, 6))
        address = json_pack("{s:s, s:s, s:o, s:o, s:s}", "street", PQgetvalue(res, row, 6), "city",
                            PQgetvalue(res, row, 7), "state", text_or_null(res, row, 8), "post_code",
                            text_or_null(res, row, 9), "country", PQgetvalue(res, row, 10));
    return json_pack("{s:s, s:s, s:o, s:{s:o, s:o, s:o}, s:o, s:o, s:b, s:{s:b, s:o, s:o}, s:i, s:s, s:s}",
                     "id", PQgetvalue(res, row, 0), "legal_name", PQgetvalue(res, row, 1), "trading_name",
                     text_or_null(res, row, 2), "identifiers", "vat", text_or_null(res, row, 3),
                     "registration_number", text_or_null(res, row, 4), "duns", text_or_null(res, row, 5),
                     "address", address, "personnel",
                     PQgetisnull(res, row, 11) ? json_null() : json_integer(atoll(PQgetvalue(res, row, 11))),
                     "confidential", PQgetvalue(res, row, 12)[0] == 't', "registry_consent", "given",
                     PQgetvalue(res, row, 13)[0] == 't', "date", text_or_null(res, row, 14), "reference",
                     text_or_null(res, row, 15), "version", atoi(PQgetvalue(res, row, 16)), "created_at",
                     PQgetvalue(res, row, 17), "updated_at", PQgetvalue(res, row, 18));
}

/* The caller's client scope: its own organisation for a client user, NULL (every one) for staff. */
const char *client_scope(const cc_request_t *r)
{
    return cc_role_parse(r->claims.role) == CC_ROLE_CLIENT ? r->claims.cid : NULL;
}

/* ---- reads ---- */

typedef struct page {
    int limit;
} page_t;

static void on_list(cc_request_t *r, PGresult *res, void *data)
{
    page_t *page = data;
    json_t *items = json_array();
    int n = PQntuples(res);
    for (int i = 0; i < n && i < page->limit; i++)
        json_array_append_new(items, client_from_row(res, i));
    cc_respond_page(r, items, res, page->limit, 0);
}

void clients_list_handle(cc_request_t *r)
{
    char after[37], limit_text[16];
    int limit = cc_query_limit_or_respond(r);
    if (limit < 0 || cc_query_cursor_or_respond(r, after) < 0)
        return;
    page_t *page = h2o_mem_alloc_pool(&r->req->pool, sizeof(*page));
    page->limit = limit;
    snprintf(limit_text, sizeof(limit_text), "%d", limit + 1);
    const char *params[] = {r->claims.tid, after[0] != '\0' ? after : NULL, client_scope(r), limit_text};
    cc_db_query(r, r->claims.tid, &sql_clients_list, 4, params, on_list, page);
}

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such client organisation");
        return;
    }
    json_t *client = client_from_row(res, 0);
    cc_respond_versioned(r, 200, client);
}

void clients_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id, client_scope(r)};
    cc_db_query(r, r->claims.tid, &sql_client_get, 3, params, on_get, NULL);
}

/* ---- writes ---- */

typedef struct client_write {
    cc_actor_t actor;
    char client_id[37];
    json_t *body;
    long long if_match;
    cc_idempotency_t idem;
} client_write_t;

static client_write_t *client_write_new(cc_request_t *r, json_t *body)
{
    client_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    w->body = body;
    w->if_match = -1;
    return w;
}

static void client_write_done(cc_job_t *job)
{
    client_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

/* Appends the event, sets the answer with its ETag (and Location), stores it for the Idempotency-Key,
 * commits. */
static int finish(cc_job_t *job, cc_dbconn_t *db, client_write_t *w, json_t *client, int status,
                  const char *action)
{
    const char *id = json_string_value(json_object_get(client, "id"));
    json_t *detail =
        json_pack("{s:s}", "legal_name", json_string_value(json_object_get(client, "legal_name")));
    cc_event_t ev = {w->actor.user_id,     w->actor.role,       action, "client", id,
                     w->actor.remote_addr, w->actor.request_id, detail};
    int appended = cc_event_append(db, &ev);
    json_decref(detail);
    if (appended != 0) {
        json_decref(client);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    char location[80];
    if (status == 201) {
        snprintf(location, sizeof(location), "/v1/clients/%s", id);
        cc_job_header(job, "location", location);
    }
    cc_job_answer_versioned(job, status, client);
    if (cc_idempotency_store(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0 ||
        cc_db_commit(db) != 0) {
        cc_job_clear_headers(job);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    }
    return CC_JOB_DONE;
}

static int fail_statement(cc_job_t *job, PGresult *res, const char *context)
{
    const char *state = cc_db_sqlstate(res);
    if (cc_db_is_retryable(state))
        return CC_JOB_RETRY;
    cc_job_answer(job, cc_db_status_for_sqlstate(state), cc_db_problem(res, context));
    return CC_JOB_DONE;
}

static int create_run(cc_job_t *job, cc_dbconn_t *db)
{
    client_write_t *w = job->data;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    if (cc_idempotency_claim(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        return CC_JOB_DONE;
    const char *params[CLIENT_NPARAMS + 1];
    char personnel[16];
    params[0] = w->actor.tenant_id;
    client_params(w->body, params + 1, personnel);
    PGresult *res = cc_db_exec(db, &sql_client_insert, CLIENT_NPARAMS + 1, params);
    if (!cc_db_is_ok(res)) {
        int rc = fail_statement(job, res, "client insert");
        PQclear(res);
        return rc;
    }
    json_t *client = client_from_row(res, 0);
    PQclear(res);
    return finish(job, db, w, client, 201, "client.created");
}

static int patch_run(cc_job_t *job, cc_dbconn_t *db)
{
    client_write_t *w = job->data;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    const char *key[] = {w->actor.tenant_id, w->client_id};
    PGresult *res = cc_db_exec(db, &sql_client_lock, 2, key);
    if (!cc_db_is_ok(res)) {
        int rc = fail_statement(job, res, "client lock");
        PQclear(res);
        return rc;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        cc_job_fail(job, 404, "not_found", "no such client organisation");
        return CC_JOB_DONE;
    }
    json_t *merged = client_from_row(res, 0);
    PQclear(res);
    if (w->if_match >= 0 && w->if_match != json_integer_value(json_object_get(merged, "version"))) {
        json_decref(merged);
        cc_job_fail(job, 412, "precondition_failed",
                    "the organisation has changed since you read it (If-Match)");
        return CC_JOB_DONE;
    }
    json_object_update(merged, w->body); /* nested objects are replaced whole */
    json_t *problem =
        cc_problem_new(400, "validation_failed", "the organisation would be invalid; see errors");
    if (json_is_null(json_object_get(merged, "address")) ||
        !json_is_integer(json_object_get(merged, "personnel"))) {
        cc_problem_add_error(problem,
                             json_is_null(json_object_get(merged, "address")) ? "address" : "personnel",
                             "required", "is required");
    }
    if (cc_problem_error_count(problem) != 0 || check_client(merged, problem) != 0) {
        json_decref(merged);
        cc_job_answer(job, 400, problem);
        return CC_JOB_DONE;
    }
    json_decref(problem);
    const char *params[CLIENT_NPARAMS + 2];
    char personnel[16];
    params[0] = w->actor.tenant_id;
    params[1] = w->client_id;
    client_params(merged, params + 2, personnel);
    res = cc_db_exec(db, &sql_client_update, CLIENT_NPARAMS + 2, params);
    json_decref(merged);
    if (!cc_db_is_ok(res)) {
        int rc = fail_statement(job, res, "client update");
        PQclear(res);
        return rc;
    }
    json_t *client = client_from_row(res, 0);
    PQclear(res);
    return finish(job, db, w, client, 200, "client.updated");
}

/* Reads and checks a client body; answers 400 and returns NULL when invalid. */
static json_t *read_client_or_respond(cc_request_t *r, bool is_patch)
{
    cc_field_t fields[NFIELDS(client_fields)];
    memcpy(fields, client_fields, sizeof(fields));
    for (size_t i = 0; is_patch && i < NFIELDS(fields); i++)
        fields[i].flags &= ~CC_FIELD_REQUIRED;
    json_t *body = cc_read_json_or_respond(r, fields, NFIELDS(fields));
    if (body == NULL)
        return NULL;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (is_patch && json_object_size(body) == 0)
        cc_problem_add_error(problem, "", "empty", "the body names no field to change");
    if (cc_problem_error_count(problem) != 0 || check_client(body, problem) != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return NULL;
    }
    json_decref(problem);
    return body;
}

void clients_create_handle(cc_request_t *r)
{
    cc_idempotency_t idem;
    if (cc_idempotency_read_or_respond(r, &idem) != 0)
        return;
    json_t *body = read_client_or_respond(r, false);
    if (body == NULL)
        return;
    client_write_t *w = client_write_new(r, body);
    w->idem = idem;
    cc_job_submit(r, create_run, client_write_done, w);
}

void clients_patch_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    long long if_match = cc_if_match(r);
    if (if_match == -2) {
        cc_respond_error(r, 412, "precondition_failed", "If-Match must be an ETag this API returned");
        return;
    }
    json_t *body = read_client_or_respond(r, true);
    if (body == NULL)
        return;
    client_write_t *w = client_write_new(r, body);
    memcpy(w->client_id, id, 37);
    w->if_match = if_match;
    cc_job_submit(r, patch_run, client_write_done, w);
}
