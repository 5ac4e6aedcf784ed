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

/*
 * Runs a statement; returns its result (caller clears), or NULL after
 * answering the failure with *rc set to CC_JOB_RETRY for a deadlock or
 * serialization failure (the worker runs the job again), else CC_JOB_DONE.
 */
static PGresult *step(cc_job_t *job, cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params,
                      int *rc)
{
    PGresult *res = cc_db_exec(db, sql, n, params);
    if (cc_db_is_ok(res))
        return res;
    *rc = cc_job_fail_db(job, res, sql->name);
    return NULL;
}

/* Runs a statement whose result is not needed; returns 0, or -1 as step() does. */
static int step_ok(cc_job_t *job, cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params,
                   int *rc)
{
    PGresult *res = step(job, db, sql, n, params, rc);
    PQclear(res);
    return res != NULL ? 0 : -1;
}

static void unavailable(cc_job_t *job)
{
    cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
}

/*
 * Revokes every token of the family (whose lock the caller holds), logs it
 * and commits. Returns CC_JOB_DONE with the answer untouched, or the outcome
 * of a failure (answered).
 */
static int revoke_family(cc_job_t *job, cc_dbconn_t *db, const session_input_t *in, const char *tenant_id,
                         const char *family_id, const char *user_id, const char *action)
{
    const char *params[] = {tenant_id, family_id};
    int rc = CC_JOB_DONE;
    if (step_ok(job, db, &sql_refresh_revoke_family, 2, params, &rc) != 0)
        return rc;
    json_t *detail = json_pack("{s:s}", "family_id", family_id);
    cc_event_t ev = {user_id, NULL, action, "user", user_id, in->remote_addr, in->request_id, detail};
    if (cc_event_append(db, &ev) != 0 || cc_db_commit(db) != 0)
        unavailable(job);
    json_decref(detail);
    return CC_JOB_DONE;
}

/*
 * Finds the token's family and takes the locks of the one order every
 * session change follows (store.c): the family's advisory lock, then (for a
 * rotation) the user's row. Returns 1 with *found the lookup row (family_id,
 * user_id, rotated; caller clears), 0 when there is no such token (nothing
 * answered), or -1 after answering a failure (*rc: retry or not).
 */
static int lock_family(cc_job_t *job, cc_dbconn_t *db, const char *tenant_id, const char *hash,
                       bool lock_user, PGresult **found, int *rc)
{
    const char *params[] = {tenant_id, hash};
    *rc = CC_JOB_DONE;
    PGresult *res = step(job, db, &sql_refresh_lookup, 2, params, rc);
    if (res == NULL)
        return -1;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return 0;
    }
    const char *family[] = {PQgetvalue(res, 0, 0)};
    const char *user[] = {tenant_id, PQgetvalue(res, 0, 1)};
    if (step_ok(job, db, &sql_refresh_family_lock, 1, family, rc) != 0 ||
        (lock_user && step_ok(job, db, &sql_refresh_user_lock, 2, user, rc) != 0)) {
        PQclear(res);
        return -1;
    }
    *found = res;
    return 1;
}

/* After a rotation found nothing live: a replay revokes the family, anything else is just invalid. */
static int refresh_not_live(cc_job_t *job, cc_dbconn_t *db, const session_input_t *in, const char *tenant_id,
                            const char *hash)
{
    const char *params[] = {tenant_id, hash};
    int rc = CC_JOB_DONE;
    PGresult *res = step(job, db, &sql_refresh_lookup, 2, params, &rc);
    if (res == NULL)
        return rc;
    if (PQntuples(res) == 1 && PQgetvalue(res, 0, 2)[0] == 't') {
        cc_job_fail(job, 401, "refresh_token_reused",
                    "the refresh token was already used; every session of its family is revoked");
        rc = revoke_family(job, db, in, tenant_id, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
                           "auth.refresh_reused");
    } else {
        invalid_refresh(job);
    }
    PQclear(res);
    return rc;
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
    int rc;
    PGresult *found = NULL;
    int locked = lock_family(job, db, tenant_id, hash, true, &found, &rc);
    if (locked <= 0) {
        if (locked == 0)
            invalid_refresh(job);
        return rc;
    }
    /* Under the locks, each statement sees what a racing logout or rotation committed. */
    const char *params[] = {tenant_id, hash};
    const char *family_params[] = {tenant_id, PQgetvalue(found, 0, 0)};
    PGresult *res = step(job, db, &sql_refresh_rotate, 2, params, &rc), *revoked = NULL;
    if (res != NULL && PQntuples(res) != 1) {
        rc = refresh_not_live(job, db, in, tenant_id, hash);
    } else if (res != NULL &&
               (revoked = step(job, db, &sql_refresh_family_revoked, 2, family_params, &rc)) != NULL) {
        if (PQgetvalue(revoked, 0, 0)[0] == 't') {
            invalid_refresh(job); /* a family revoked meanwhile issues nothing more */
        } else {
            const char *client_id = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
            rc = issue_token_pair(job, db, tenant_id, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2), client_id,
                                  PQgetvalue(res, 0, 1));
        }
    }
    PQclear(revoked);
    PQclear(res);
    PQclear(found);
    return rc;
}

static int logout_run(cc_job_t *job, cc_dbconn_t *db)
{
    session_input_t *in = job->data;
    char tenant_id[37], hash[68];
    if (cc_tenant_token_parse(in->token, tenant_id, hash) != 0) {
        cc_job_answer(job, 204, NULL);
        return CC_JOB_DONE; /* logging out of nothing succeeds: no oracle for token validity */
    }
    if (cc_db_begin(db, tenant_id) != 0) {
        unavailable(job);
        return CC_JOB_DONE;
    }
    int rc;
    PGresult *found = NULL;
    int locked = lock_family(job, db, tenant_id, hash, false, &found, &rc);
    if (locked <= 0) {
        if (locked == 0)
            cc_job_answer(job, 204, NULL);
        return rc;
    }
    cc_job_answer(job, 204, NULL);
    rc = revoke_family(job, db, in, tenant_id, PQgetvalue(found, 0, 0), PQgetvalue(found, 0, 1),
                       "auth.logout");
    PQclear(found);
    return rc;
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
