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
#include "cc_dbasync.h"
#include "cc_list.h"
#include "cc_password.h"
#include "cc_problem.h"
#include "cc_roles.h"
#include "cc_write.h"
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

void users_list_handle(cc_request_t *r)
{
    const char *role;
    cc_page_t *page = cc_page_or_respond(r, user_from_row, 0);
    if (page == NULL || cc_query_enum_or_respond(r, "role", role_names, &role) != 0)
        return;
    const char *params[] = {r->claims.tid, cc_page_after(page), role, page->fetch};
    cc_page_query(r, page, &sql_users_list, 4, params);
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

/* Answers a failed write statement: duplicate e-mail, unknown client, or by its SQLSTATE. */
static cc_step_t fail_statement(cc_write_t *w, PGresult *res, const char *context)
{
    const char *state = cc_db_sqlstate(res);
    if (strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0) {
        bool taken = strcmp(state, "23505") == 0;
        PQclear(res);
        return taken ? cc_write_fail(w, 409, "email_taken",
                                     "a user with this e-mail address already exists in this tenant")
                     : cc_write_fail_field(w, 400, "unknown_client", "client_id",
                                           "no such client organisation");
    }
    return cc_write_fail_db(w, res, context);
}

static cc_step_t create_user(cc_write_t *w)
{
    /* the key was claimed first: a replayed key answers before any argon2 is spent */
    char *hash = passwords_hash(cc_json_str(w->body, "password"));
    const char *params[] = {
        w->actor.tenant_id,           cc_json_str(w->body, "email"),     cc_json_str(w->body, "name"),
        cc_json_str(w->body, "role"), cc_json_str(w->body, "client_id"), hash};
    PGresult *res = cc_db_exec(w->db, &sql_user_insert, 6, params);
    free(hash);
    if (!cc_db_is_ok(res))
        return fail_statement(w, res, "user insert");
    cc_write_result(w, user_from_row(res, 0), json_pack("{s:s, s:s}", "email", params[1], "role", params[3]));
    PQclear(res);
    return CC_GO_ON;
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

static cc_step_t check_create(cc_request_t *r, const json_t *body, json_t *problem)
{
    check_client_binding(problem, cc_json_str(body, "role"), cc_json_str(body, "client_id") != NULL);
    return CC_GO_ON;
}

/* ---- PATCH /v1/users/{id} ---- */

/* The patched user's role and client binding, and no administrator disabling or demoting themselves. */
static cc_step_t check_patch(cc_write_t *w, const PGresult *current, const char **role,
                             const char **client_id)
{
    *role = cc_json_str(w->body, "role") != NULL ? cc_json_str(w->body, "role") : PQgetvalue(current, 0, 0);
    json_t *client = json_object_get(w->body, "client_id");
    *client_id = client != NULL ? json_string_value(client)
                                : (PQgetisnull(current, 0, 1) ? NULL : PQgetvalue(current, 0, 1));
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (check_client_binding(problem, *role, *client_id != NULL) != 0) {
        cc_job_answer(w->job, 400, problem);
        return CC_ANSWERED;
    }
    json_decref(problem);
    bool self = strcmp(w->ids[0], w->actor.user_id) == 0;
    if (self && (json_is_true(json_object_get(w->body, "disabled")) || strcmp(*role, "admin") != 0))
        return cc_write_fail(w, 409, "self_lockout",
                             "an administrator cannot disable or demote their own account");
    return CC_GO_ON;
}

/* Updates the locked user; a disabled account or a new password ends every session. */
static cc_step_t update_user(cc_write_t *w, const char *role, const char *client_id, const char *hash)
{
    json_t *disabled = json_object_get(w->body, "disabled");
    const char *params[] = {w->actor.tenant_id,
                            w->ids[0],
                            cc_json_str(w->body, "name"),
                            role,
                            client_id,
                            disabled == NULL ? NULL : (json_is_true(disabled) ? "true" : "false"),
                            hash};
    PGresult *res = cc_db_exec(w->db, &sql_user_update, 7, params);
    if (!cc_db_is_ok(res))
        return fail_statement(w, res, "user update");
    json_t *changed = json_array();
    const char *field;
    json_t *value;
    json_object_foreach(w->body, field, value) json_array_append_new(changed, json_string(field));
    cc_write_result(w, user_from_row(res, 0), json_pack("{s:o}", "changed", changed));
    PQclear(res);
    if (json_is_true(disabled) || hash != NULL)
        PQclear(cc_db_exec(w->db, &sql_refresh_revoke_user, 2, params));
    return CC_GO_ON;
}

static cc_step_t patch_user(cc_write_t *w)
{
    const char *password = cc_json_str(w->body, "password");
    char *hash = password != NULL ? passwords_hash(password) : NULL; /* before locking the row */
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *current = cc_db_exec(w->db, &sql_user_lock, 2, key);
    cc_step_t step = CC_GO_ON;
    const char *role = NULL, *client_id = NULL;
    if (!cc_db_is_ok(current)) {
        free(hash);
        return fail_statement(w, current, "user lock");
    }
    if (PQntuples(current) != 1)
        step = cc_write_fail(w, 404, "not_found", "no such user");
    if (step == CC_GO_ON)
        step = cc_write_check_version(w, atoll(PQgetvalue(current, 0, 2)), "user");
    if (step == CC_GO_ON)
        step = check_patch(w, current, &role, &client_id);
    if (step == CC_GO_ON)
        step = update_user(w, role, client_id, hash);
    PQclear(current);
    free(hash);
    return step;
}

static const cc_write_spec_t create_spec = {
    .fields = create_fields,
    .nfields = CC_NFIELDS(create_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .check = check_create,
    .run = create_user,
    .hashed_field = "password",
    .status = 201,
    .event_action = "user.created",
    .location = "/v1/users/",
};

static const cc_write_spec_t patch_spec = {
    .fields = patch_fields,
    .nfields = CC_NFIELDS(patch_fields),
    .flags = CC_WRITE_IF_MATCH | CC_WRITE_PATCH,
    .path_ids = {"id"},
    .run = patch_user,
    .hashed_field = "password",
    .event_action = "user.updated",
};

CC_WRITE_HANDLER(users_create_handle, create_spec);
CC_WRITE_HANDLER(users_patch_handle, patch_spec);
