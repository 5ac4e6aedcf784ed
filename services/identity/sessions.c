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

static cc_step_t invalid_refresh(cc_job_t *job)
{
    cc_job_fail(job, 401, "invalid_refresh_token", "the refresh token is not valid");
    return CC_ANSWERED;
}

/*
 * Runs a statement; returns its result (caller clears), or NULL after
 * answering the failure (cc_job_fail_db_step) with *step set to CC_RETRY for a
 * deadlock or serialization failure (the worker runs the job again), else
 * CC_ANSWERED.
 */
static PGresult *exec_step(cc_job_t *job, cc_dbconn_t *db, const cc_sql_t *sql, int n,
                           const char *const *params, cc_step_t *step)
{
    PGresult *res = cc_db_exec(db, sql, n, params);
    if (cc_db_is_ok(res))
        return res;
    *step = cc_job_fail_db_step(job, res, sql->name);
    return NULL;
}

/* Runs a statement whose result is not needed: CC_GO_ON, or what exec_step() reports. */
static cc_step_t exec_ok(cc_job_t *job, cc_dbconn_t *db, const cc_sql_t *sql, int n,
                         const char *const *params)
{
    cc_step_t step = CC_GO_ON;
    PQclear(exec_step(job, db, sql, n, params, &step));
    return step;
}

static cc_step_t unavailable(cc_job_t *job)
{
    cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    return CC_ANSWERED;
}

/*
 * Revokes every token of the family (whose lock the caller holds), logs it
 * and commits. Returns CC_ANSWERED with the answer the caller set untouched,
 * or after answering a failure; CC_RETRY to run the transaction again.
 */
static cc_step_t revoke_family(cc_job_t *job, cc_dbconn_t *db, const session_input_t *in,
                               const char *tenant_id, const char *family_id, const char *user_id,
                               const char *action)
{
    const char *params[] = {tenant_id, family_id};
    cc_step_t step = exec_ok(job, db, &sql_refresh_revoke_family, 2, params);
    if (step != CC_GO_ON)
        return step;
    json_t *detail = json_pack("{s:s}", "family_id", family_id);
    cc_event_t ev = {user_id, NULL, action, "user", user_id, in->remote_addr, in->request_id, detail};
    if (cc_event_append(db, &ev) != 0 || cc_db_commit(db) != 0)
        unavailable(job);
    json_decref(detail);
    return CC_ANSWERED;
}

/*
 * Finds the token's family and takes the locks of the one order every
 * session change follows (store.c): the family's advisory lock, then (for a
 * rotation) the user's row. Returns CC_GO_ON with *found the lookup row
 * (family_id, user_id, rotated; caller clears), CC_GO_ON with *found NULL
 * when there is no such token (nothing answered), or the step of a failure
 * (answered).
 */
static cc_step_t lock_family(cc_job_t *job, cc_dbconn_t *db, const char *tenant_id, const char *hash,
                             bool lock_user, PGresult **found)
{
    const char *params[] = {tenant_id, hash};
    cc_step_t step = CC_GO_ON;
    *found = NULL;
    PGresult *res = exec_step(job, db, &sql_refresh_lookup, 2, params, &step);
    if (res == NULL)
        return step;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return CC_GO_ON;
    }
    const char *family[] = {PQgetvalue(res, 0, 0)};
    const char *user[] = {tenant_id, PQgetvalue(res, 0, 1)};
    step = exec_ok(job, db, &sql_refresh_family_lock, 1, family);
    if (step == CC_GO_ON && lock_user)
        step = exec_ok(job, db, &sql_refresh_user_lock, 2, user);
    if (step != CC_GO_ON) {
        PQclear(res);
        return step;
    }
    *found = res;
    return CC_GO_ON;
}

/* After a rotation found nothing live: a replay revokes the family, anything else is just invalid. */
static cc_step_t refresh_not_live(cc_job_t *job, cc_dbconn_t *db, const session_input_t *in,
                                  const char *tenant_id, const char *hash)
{
    const char *params[] = {tenant_id, hash};
    cc_step_t step = CC_ANSWERED;
    PGresult *res = exec_step(job, db, &sql_refresh_lookup, 2, params, &step);
    if (res == NULL)
        return step;
    if (PQntuples(res) == 1 && PQgetvalue(res, 0, 2)[0] == 't') {
        cc_job_fail(job, 401, "refresh_token_reused",
                    "the refresh token was already used; every session of its family is revoked");
        step = revoke_family(job, db, in, tenant_id, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
                             "auth.refresh_reused");
    } else {
        step = invalid_refresh(job);
    }
    PQclear(res);
    return step;
}

/* Under the family's locks: rotates the token and issues the next pair, unless the family was revoked. */
static cc_step_t rotate(cc_job_t *job, cc_dbconn_t *db, const session_input_t *in, const char *tenant_id,
                        const char *hash, const char *family_id)
{
    /* Under the locks, each statement sees what a racing logout or rotation committed. */
    const char *params[] = {tenant_id, hash};
    const char *family_params[] = {tenant_id, family_id};
    cc_step_t step = CC_ANSWERED;
    PGresult *res = exec_step(job, db, &sql_refresh_rotate, 2, params, &step), *revoked = NULL;
    if (res == NULL)
        return step;
    if (PQntuples(res) != 1) {
        step = refresh_not_live(job, db, in, tenant_id, hash);
    } else if ((revoked = exec_step(job, db, &sql_refresh_family_revoked, 2, family_params, &step)) != NULL) {
        if (PQgetvalue(revoked, 0, 0)[0] == 't') {
            step = invalid_refresh(job); /* a family revoked meanwhile issues nothing more */
        } else {
            const char *client_id = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
            step = issue_token_pair(job, db, tenant_id, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2),
                                    client_id, PQgetvalue(res, 0, 1));
        }
    }
    PQclear(revoked);
    PQclear(res);
    return step;
}

static cc_step_t refresh_steps(cc_job_t *job, cc_dbconn_t *db, const session_input_t *in)
{
    char tenant_id[37], hash[68];
    if (cc_tenant_token_parse(in->token, tenant_id, hash) != 0)
        return invalid_refresh(job);
    if (cc_db_begin(db, tenant_id) != 0)
        return unavailable(job);
    PGresult *found = NULL;
    cc_step_t step = lock_family(job, db, tenant_id, hash, true, &found);
    if (step != CC_GO_ON)
        return step;
    if (found == NULL)
        return invalid_refresh(job);
    step = rotate(job, db, in, tenant_id, hash, PQgetvalue(found, 0, 0));
    PQclear(found);
    return step;
}

static int refresh_run(cc_job_t *job, cc_dbconn_t *db)
{
    return cc_job_outcome(refresh_steps(job, db, job->data));
}

static cc_step_t logout_steps(cc_job_t *job, cc_dbconn_t *db, const session_input_t *in)
{
    char tenant_id[37], hash[68];
    /* Logging out of nothing succeeds: no oracle for token validity. */
    cc_job_answer(job, 204, NULL);
    if (cc_tenant_token_parse(in->token, tenant_id, hash) != 0)
        return CC_ANSWERED;
    if (cc_db_begin(db, tenant_id) != 0)
        return unavailable(job);
    PGresult *found = NULL;
    cc_step_t step = lock_family(job, db, tenant_id, hash, false, &found);
    if (step != CC_GO_ON || found == NULL)
        return step == CC_GO_ON ? CC_ANSWERED : step;
    step = revoke_family(job, db, in, tenant_id, PQgetvalue(found, 0, 0), PQgetvalue(found, 0, 1),
                         "auth.logout");
    PQclear(found);
    return step;
}

static int logout_run(cc_job_t *job, cc_dbconn_t *db)
{
    return cc_job_outcome(logout_steps(job, db, job->data));
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
