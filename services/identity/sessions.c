/*
 * POST /v1/auth/refresh and /v1/auth/logout. A refresh token is single-use:
 * refreshing marks it used and issues the next one in the same family.
 * Presenting a used or revoked token again means it leaked, so the whole
 * family is revoked (the thief's and the owner's sessions end together).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_events.h"
#include "cc_mem.h"
#include "cc_server.h"
#include "cc_tenant_token.h"
#include "identity.h"

typedef struct session_input {
    char *token;
    char remote_addr[64];
    char request_id[65];
} session_input_t;

static const cc_field_t session_fields[] = {
    {"refresh_token", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 512, NULL},
};

static void invalid_refresh(cc_job_t *job)
{
    cc_job_fail(job, 401, "invalid_refresh_token", "the refresh token is not valid");
}

/* Runs a statement expected to succeed; returns 0, or -1 after logging. */
static int exec_ok(cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params, PGresult **out)
{
    PGresult *res = cc_db_exec(db, sql, n, params);
    int ok = cc_db_is_ok(res);
    if (!ok)
        cc_db_problem_log(res, sql->name);
    if (out != NULL && ok)
        *out = res;
    else
        PQclear(res);
    return ok ? 0 : -1;
}

/* Revokes every token of the family, logs it, and commits. Returns 0, or -1 (nothing was revoked). */
static int revoke_family(cc_dbconn_t *db, const session_input_t *in, const char *tenant_id,
                         const char *family_id, const char *user_id, const char *action)
{
    const char *family[] = {family_id};
    const char *params[] = {tenant_id, family_id};
    if (exec_ok(db, &sql_refresh_family_lock, 1, family, NULL) != 0 ||
        exec_ok(db, &sql_refresh_revoke_family, 2, params, NULL) != 0)
        return -1;
    json_t *detail = json_pack("{s:s}", "family_id", family_id);
    cc_event_t ev = {user_id, NULL, action, "user", user_id, in->remote_addr, in->request_id, detail};
    int rc = cc_event_append(db, &ev) == 0 && cc_db_commit(db) == 0 ? 0 : -1;
    json_decref(detail);
    return rc;
}

static void unavailable(cc_job_t *job)
{
    cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
}

static int refresh_run(cc_job_t *job, cc_dbconn_t *db)
{
    session_input_t *in = job->data;
    char tenant_id[37], hash[68];
    if (cc_tenant_token_parse(in->token, tenant_id, hash) != 0) {
        invalid_refresh(job);
        return CC_JOB_DONE;
    }
    if (cc_db_begin(db, tenant_id) != 0) {
        unavailable(job);
        return CC_JOB_DONE;
    }
    const char *params[] = {tenant_id, hash};
    PGresult *res = cc_db_exec(db, &sql_refresh_rotate, 2, params);
    if (!cc_db_is_ok(res)) {
        int retry = cc_db_is_retryable(cc_db_sqlstate(res));
        if (!retry)
            cc_job_answer(job, 503, cc_db_problem(res, "refresh rotate"));
        PQclear(res);
        return retry ? CC_JOB_RETRY : CC_JOB_DONE;
    }
    if (PQntuples(res) == 1) {
        /* A family revoked meanwhile (reuse elsewhere, logout) issues nothing more. */
        const char *family[] = {PQgetvalue(res, 0, 1)};
        const char *family_params[] = {tenant_id, PQgetvalue(res, 0, 1)};
        PGresult *revoked = NULL;
        if (exec_ok(db, &sql_refresh_family_lock, 1, family, NULL) != 0 ||
            exec_ok(db, &sql_refresh_family_revoked, 2, family_params, &revoked) != 0) {
            unavailable(job);
        } else if (PQgetvalue(revoked, 0, 0)[0] == 't') {
            invalid_refresh(job);
        } else {
            const char *client_id = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
            issue_token_pair(job, db, tenant_id, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2), client_id,
                             PQgetvalue(res, 0, 1));
        }
        PQclear(revoked);
        PQclear(res);
        return CC_JOB_DONE;
    }
    PQclear(res);

    /* Not live: unknown, expired, revoked, of a disabled user, or already rotated (a replay) */
    res = NULL;
    if (exec_ok(db, &sql_refresh_lookup, 2, params, &res) != 0) {
        unavailable(job);
    } else if (PQntuples(res) == 1 && PQgetvalue(res, 0, 2)[0] == 't') {
        if (revoke_family(db, in, tenant_id, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
                          "auth.refresh_reused") != 0)
            unavailable(job);
        else
            cc_job_fail(job, 401, "refresh_token_reused",
                        "the refresh token was already used; every session of its family is revoked");
    } else {
        invalid_refresh(job);
    }
    PQclear(res);
    return CC_JOB_DONE;
}

static int logout_run(cc_job_t *job, cc_dbconn_t *db)
{
    session_input_t *in = job->data;
    char tenant_id[37], hash[68];
    cc_job_answer(job, 204, NULL);
    if (cc_tenant_token_parse(in->token, tenant_id, hash) != 0)
        return CC_JOB_DONE; /* logging out of nothing succeeds: no oracle for token validity */
    if (cc_db_begin(db, tenant_id) != 0) {
        unavailable(job);
        return CC_JOB_DONE;
    }
    const char *params[] = {tenant_id, hash};
    PGresult *res = NULL;
    if (exec_ok(db, &sql_refresh_lookup, 2, params, &res) != 0)
        unavailable(job);
    else if (PQntuples(res) == 1 && revoke_family(db, in, tenant_id, PQgetvalue(res, 0, 0),
                                                  PQgetvalue(res, 0, 1), "auth.logout") != 0)
        unavailable(job);
    PQclear(res);
    return CC_JOB_DONE;
}

static void session_done(cc_job_t *job)
{
    session_input_t *in = job->data;
    cc_job_respond(job);
    free(in->token);
    free(in);
}

static void submit(cc_request_t *r, cc_job_run_fn run)
{
    json_t *body =
        cc_read_json_or_respond(r, session_fields, sizeof(session_fields) / sizeof(session_fields[0]));
    if (body == NULL)
        return;
    session_input_t *in = cc_calloc(1, sizeof(*in));
    in->token = cc_strdup(cc_json_str(body, "refresh_token"));
    memcpy(in->remote_addr, r->remote_addr, sizeof(in->remote_addr));
    memcpy(in->request_id, r->request_id, sizeof(in->request_id));
    json_decref(body);
    cc_job_submit(r, run, session_done, in);
}

void refresh_handle(cc_request_t *r)
{
    submit(r, refresh_run);
}

void logout_handle(cc_request_t *r)
{
    submit(r, logout_run);
}
