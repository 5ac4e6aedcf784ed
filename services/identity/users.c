/*
 * GET /v1/me and the admin's user management: GET/POST /v1/users,
 * GET/PATCH /v1/users/{id}. Reads run on the event loop; writes (argon2 and
 * a transaction with its event-log entry) on the worker pool. Another
 * tenant's user is simply not found (404): row-level security hides it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_events.h"
#include "cc_idempotency.h"
#include "cc_mem.h"
#include "cc_password.h"
#include "cc_problem.h"
#include "cc_roles.h"
#include "cc_server.h"
#include "identity.h"

static const char *const role_names[] = {"admin",          "scheme_manager", "auditor",
                                         "decision_maker", "client",         NULL};

static const cc_field_t create_fields[] = {
    {"email", CC_FIELD_EMAIL, CC_FIELD_REQUIRED, 3, 254, NULL},
    {"name", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 200, NULL},
    {"role", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, role_names},
    {"password", CC_FIELD_STRING, CC_FIELD_REQUIRED, CC_PASSWORD_MIN_LEN, CC_PASSWORD_MAX_LEN, NULL},
    {"client_id", CC_FIELD_UUID, CC_FIELD_NULLABLE, 0, 0, NULL},
};

static const cc_field_t patch_fields[] = {
    {"name", CC_FIELD_STRING, 0, 1, 200, NULL},
    {"role", CC_FIELD_ENUM, 0, 0, 0, role_names},
    {"client_id", CC_FIELD_UUID, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"disabled", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"password", CC_FIELD_STRING, 0, CC_PASSWORD_MIN_LEN, CC_PASSWORD_MAX_LEN, NULL},
};

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static void not_found(cc_request_t *r)
{
    cc_respond_error(r, 404, "not_found", "no such user");
}

/* ---- GET /v1/me ---- */

static void on_me(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        /* the user was disabled or deleted since the token was issued */
        cc_respond_error(r, 401, "unauthorized", "the account is no longer active");
        return;
    }
    cc_respond_json(r, 200,
                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", PQgetvalue(res, 0, 0), "tenant",
                              PQgetvalue(res, 0, 1), "tenant_id", PQgetvalue(res, 0, 2), "email",
                              PQgetvalue(res, 0, 3), "name", PQgetvalue(res, 0, 4), "role",
                              PQgetvalue(res, 0, 5), "client_id",
                              PQgetisnull(res, 0, 6) ? json_null() : json_string(PQgetvalue(res, 0, 6))));
}

void me_handle(cc_request_t *r)
{
    const char *params[] = {r->claims.tid, r->claims.sub};
    cc_db_query(r, r->claims.tid, &sql_me, 2, params, on_me, NULL);
}

/* ---- GET /v1/users ---- */

typedef struct list_state {
    int limit;
} list_state_t;

static void on_users_list(cc_request_t *r, PGresult *res, void *data)
{
    list_state_t *state = data;
    int n = PQntuples(res);
    json_t *items = json_array();
    for (int i = 0; i < n && i < state->limit; i++)
        json_array_append_new(items, user_from_row(res, i));
    cc_respond_page(r, items, res, state->limit, 0);
}

static void bad_query(cc_request_t *r, const char *field, const char *code, const char *message)
{
    json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
    cc_problem_add_error(problem, field, code, message);
    cc_respond_problem(r, problem);
}

void users_list_handle(cc_request_t *r)
{
    char role[32], after[37], limit_text[16];
    const char *role_param = NULL;
    int limit = cc_query_limit_or_respond(r);
    if (limit < 0 || cc_query_cursor_or_respond(r, after) < 0)
        return;
    const char *after_param = after[0] != '\0' ? after : NULL;
    if (cc_query_param(r, "role", role, sizeof(role)) != -1) {
        if (cc_role_parse(role) == CC_ROLE_NONE) {
            bad_query(r, "role", "invalid_value", "must be a role name");
            return;
        }
        role_param = role;
    }
    list_state_t *state = h2o_mem_alloc_pool(&r->req->pool, sizeof(*state));
    state->limit = limit;
    snprintf(limit_text, sizeof(limit_text), "%d", limit + 1);
    const char *params[] = {r->claims.tid, after_param, role_param, limit_text};
    cc_db_query(r, r->claims.tid, &sql_users_list, 4, params, on_users_list, state);
}

/* ---- GET /v1/users/{id} ---- */

static void on_user_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        not_found(r);
        return;
    }
    cc_respond_versioned(r, 200, user_from_row(res, 0));
}

void users_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id};
    cc_db_query(r, r->claims.tid, &sql_user_get, 2, params, on_user_get, NULL);
}

/* ---- writes ---- */

typedef struct user_write {
    cc_actor_t actor;
    char user_id[37];
    json_t *body;
    long long if_match; /* -1: none */
    cc_idempotency_t idem;
} user_write_t;

static user_write_t *user_write_new(cc_request_t *r, json_t *body)
{
    user_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    w->body = body;
    w->if_match = -1;
    return w;
}

static void user_write_done(cc_job_t *job)
{
    user_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

static void fail_field(cc_job_t *job, const char *field, const char *code, const char *message)
{
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    cc_problem_add_error(problem, field, code, message);
    cc_job_answer(job, 400, problem);
}

/* Answers a failed write statement: duplicate e-mail, unknown client, retry, or unavailable. */
static int fail_statement(cc_job_t *job, PGresult *res, const char *context)
{
    const char *state = cc_db_sqlstate(res);
    if (cc_db_is_retryable(state))
        return CC_JOB_RETRY;
    if (strcmp(state, "23505") == 0)
        cc_job_fail(job, 409, "email_taken", "a user with this e-mail address already exists in this tenant");
    else if (strcmp(state, "23503") == 0)
        fail_field(job, "client_id", "unknown_client", "no such client organisation");
    else
        cc_job_answer(job, cc_db_status_for_sqlstate(state), cc_db_problem(res, context));
    return CC_JOB_DONE;
}

/* Appends the event, sets the answer (the user and its ETag), stores it under the Idempotency-Key, commits.
 */
static int finish_write(cc_job_t *job, cc_dbconn_t *db, user_write_t *w, json_t *user, int status,
                        const char *action, json_t *detail)
{
    const char *user_id = json_string_value(json_object_get(user, "id"));
    cc_event_t ev = {w->actor.user_id,     w->actor.role,       action, "user", user_id,
                     w->actor.remote_addr, w->actor.request_id, detail};
    int appended = cc_event_append(db, &ev);
    json_decref(detail);
    if (appended != 0) {
        json_decref(user);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    char location[80];
    if (status == 201) {
        snprintf(location, sizeof(location), "/v1/users/%s", user_id);
        cc_job_header(job, "location", location);
    }
    cc_job_answer_versioned(job, status, user);
    if (cc_idempotency_store(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0 ||
        cc_db_commit(db) != 0) {
        cc_job_clear_headers(job);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    }
    return CC_JOB_DONE;
}

static int create_run(cc_job_t *job, cc_dbconn_t *db)
{
    user_write_t *w = job->data;
    char *hash = NULL;
    int rc = CC_JOB_DONE;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        goto out;
    }
    /* A replayed key answers before any argon2 is spent. */
    if (cc_idempotency_claim(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        goto out;
    hash = passwords_hash(cc_json_str(w->body, "password"));
    const char *params[] = {
        w->actor.tenant_id,           cc_json_str(w->body, "email"),     cc_json_str(w->body, "name"),
        cc_json_str(w->body, "role"), cc_json_str(w->body, "client_id"), hash};
    PGresult *res = cc_db_exec(db, &sql_user_insert, 6, params);
    if (!cc_db_is_ok(res)) {
        rc = fail_statement(job, res, "user insert");
        PQclear(res);
        goto out;
    }
    json_t *user = user_from_row(res, 0);
    PQclear(res);
    rc = finish_write(job, db, w, user, 201, "user.created",
                      json_pack("{s:s, s:s}", "email", params[1], "role", params[3]));
out:
    free(hash);
    return rc;
}

/* client_id must be given exactly when the role is client. */
static int check_client_binding(json_t *problem, const char *role, bool has_client)
{
    bool is_client = strcmp(role, "client") == 0;
    if (is_client && !has_client) {
        cc_problem_add_error(problem, "client_id", "required", "is required for a user with role client");
        return 1;
    }
    if (!is_client && has_client) {
        cc_problem_add_error(problem, "client_id", "not_allowed", "must be null unless the role is client");
        return 1;
    }
    return 0;
}

void users_create_handle(cc_request_t *r)
{
    cc_idempotency_t idem;
    if (cc_idempotency_read_or_respond(r, &idem) != 0)
        return;
    json_t *body = cc_read_json_or_respond(r, create_fields, NFIELDS(create_fields));
    if (body == NULL)
        return;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (check_client_binding(problem, cc_json_str(body, "role"), cc_json_str(body, "client_id") != NULL) !=
        0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return;
    }
    json_decref(problem);
    user_write_t *w = user_write_new(r, body);
    w->idem = idem;
    cc_job_submit_hashing(r, create_run, user_write_done, w);
}

/* ---- PATCH /v1/users/{id} ---- */

static int patch_run(cc_job_t *job, cc_dbconn_t *db)
{
    user_write_t *w = job->data;
    json_t *body = w->body;
    const char *password = cc_json_str(body, "password");
    char *hash = password != NULL ? passwords_hash(password) : NULL; /* before locking the row */
    int rc = CC_JOB_DONE;
    PGresult *current = NULL;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        goto out;
    }
    const char *key[] = {w->actor.tenant_id, w->user_id};
    current = cc_db_exec(db, &sql_user_lock, 2, key);
    if (!cc_db_is_ok(current)) {
        rc = fail_statement(job, current, "user lock");
        goto out;
    }
    if (PQntuples(current) != 1) {
        cc_job_fail(job, 404, "not_found", "no such user");
        goto out;
    }
    if (w->if_match >= 0 && w->if_match != atoll(PQgetvalue(current, 0, 2))) {
        cc_job_fail(job, 412, "precondition_failed", "the user has changed since you read it (If-Match)");
        goto out;
    }
    const char *role =
        cc_json_str(body, "role") != NULL ? cc_json_str(body, "role") : PQgetvalue(current, 0, 0);
    json_t *client = json_object_get(body, "client_id");
    const char *client_id = client != NULL ? json_string_value(client)
                                           : (PQgetisnull(current, 0, 1) ? NULL : PQgetvalue(current, 0, 1));
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (check_client_binding(problem, role, client_id != NULL) != 0) {
        cc_job_answer(job, 400, problem);
        goto out;
    }
    json_decref(problem);
    json_t *disabled = json_object_get(body, "disabled");
    bool self = strcmp(w->user_id, w->actor.user_id) == 0;
    if (self && (json_is_true(disabled) || strcmp(role, "admin") != 0)) {
        cc_job_fail(job, 409, "self_lockout", "an administrator cannot disable or demote their own account");
        goto out;
    }
    const char *params[] = {w->actor.tenant_id,
                            w->user_id,
                            cc_json_str(body, "name"),
                            role,
                            client_id,
                            disabled == NULL ? NULL : (json_is_true(disabled) ? "true" : "false"),
                            hash};
    PGresult *res = cc_db_exec(db, &sql_user_update, 7, params);
    if (!cc_db_is_ok(res)) {
        rc = fail_statement(job, res, "user update");
        PQclear(res);
        goto out;
    }
    json_t *user = user_from_row(res, 0);
    PQclear(res);
    if (json_is_true(disabled) || hash != NULL) {
        /* a disabled account or a new password ends every session */
        PQclear(cc_db_exec(db, &sql_refresh_revoke_user, 2, key));
    }
    json_t *changed = json_array();
    const char *field;
    json_t *value;
    json_object_foreach(body, field, value) json_array_append_new(changed, json_string(field));
    rc = finish_write(job, db, w, user, 200, "user.updated", json_pack("{s:o}", "changed", changed));
out:
    PQclear(current);
    free(hash);
    return rc;
}

void users_patch_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    long long if_match = cc_if_match(r);
    if (if_match == -2) {
        cc_respond_error(r, 412, "precondition_failed", "If-Match must be an ETag this API returned");
        return;
    }
    json_t *body = cc_read_json_or_respond(r, patch_fields, NFIELDS(patch_fields));
    if (body == NULL)
        return;
    if (json_object_size(body) == 0) {
        json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
        cc_problem_add_error(problem, "", "empty", "the body names no field to change");
        json_decref(body);
        cc_respond_problem(r, problem);
        return;
    }
    user_write_t *w = user_write_new(r, body);
    memcpy(w->user_id, id, 37);
    w->if_match = if_match;
    if (cc_json_str(w->body, "password") != NULL) /* a new password is hashed: argon2's own queue */
        cc_job_submit_hashing(r, patch_run, user_write_done, w);
    else
        cc_job_submit(r, patch_run, user_write_done, w);
}
