/*
 * POST /v1/auth/login. Wrong e-mail, wrong password and a disabled account
 * fail alike (same body, an argon2 verification each, so similar timing).
 * Five failures at one (tenant, e-mail address) in fifteen minutes lock that
 * address for fifteen minutes (429 with Retry-After), whether it has an
 * account or not; a client address with too many failures is throttled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_events.h"
#include "cc_mem.h"
#include "identity.h"

typedef struct login_input {
    char *tenant_slug, *email, *password;
    char remote_addr[64];
    char request_id[65];
} login_input_t;

static const cc_field_t login_fields[] = {
    {"tenant", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 63, NULL},
    {"email", CC_FIELD_EMAIL, CC_FIELD_REQUIRED, 3, 254, NULL},
    {"password", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 256, NULL},
};

static cc_step_t invalid_credentials(cc_job_t *job)
{
    cc_job_fail(job, 401, "invalid_credentials", "the e-mail address or password is not correct");
    return CC_ANSWERED;
}

static cc_step_t too_many(cc_job_t *job, const char *code, const char *detail, int retry_after)
{
    char seconds[16];
    snprintf(seconds, sizeof(seconds), "%d", retry_after > 0 ? retry_after : 1);
    cc_job_fail(job, 429, code, detail);
    cc_job_header(job, "retry-after", seconds);
    return CC_ANSWERED;
}

static cc_step_t unavailable(cc_job_t *job)
{
    cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    return CC_ANSWERED;
}

/* Returns the seconds to wait when the address is throttled, 0 when it may try. */
static int address_throttled(cc_dbconn_t *db, const login_input_t *in, int limit)
{
    const char *params[] = {in->remote_addr};
    PGresult *res = cc_db_exec(db, &sql_throttle_check, 1, params);
    int wait = 0;
    if (cc_db_is_ok(res) && PQntuples(res) == 1 && atoi(PQgetvalue(res, 0, 0)) >= limit)
        wait = atoi(PQgetvalue(res, 0, 1));
    PQclear(res);
    return wait;
}

static void record_address_failure(cc_dbconn_t *db, const login_input_t *in)
{
    const char *params[] = {in->remote_addr};
    PQclear(cc_db_exec(db, &sql_throttle_record, 1, params));
}

/* The account a login names, when there is one. */
typedef struct login_account {
    bool found, disabled;
    char id[37], role[24], client_id[37];
    char *password_hash; /* owned */
} login_account_t;

/* Reads the account of (tenant, e-mail) into *acct: CC_GO_ON, or the step of a failure (answered). */
static cc_step_t find_account(cc_job_t *job, cc_dbconn_t *db, const login_input_t *in, const char *tenant_id,
                              login_account_t *acct)
{
    const char *params[] = {tenant_id, in->email};
    if (cc_db_begin(db, tenant_id) != 0)
        return unavailable(job);
    PGresult *user = cc_db_exec(db, &sql_user_for_login, 2, params);
    cc_db_rollback(db);
    if (!cc_db_is_ok(user))
        return cc_job_fail_db_step(job, user, "login user");
    if (PQntuples(user) == 1) {
        acct->found = true;
        acct->password_hash = cc_strdup(PQgetvalue(user, 0, 1));
        acct->disabled = PQgetvalue(user, 0, 4)[0] == 't';
        snprintf(acct->id, sizeof(acct->id), "%s", PQgetvalue(user, 0, 0));
        snprintf(acct->role, sizeof(acct->role), "%s", PQgetvalue(user, 0, 2));
        snprintf(acct->client_id, sizeof(acct->client_id), "%s",
                 PQgetisnull(user, 0, 3) ? "" : PQgetvalue(user, 0, 3));
    }
    PQclear(user);
    return CC_GO_ON;
}

/*
 * For a verified login: locks the user row and checks that the account still
 * has the password that was verified and is not disabled; refreshes the role
 * and client (a change committed while argon2 ran wins). Sets *still_valid.
 */
static cc_step_t recheck_account(cc_job_t *job, cc_dbconn_t *db, const char *tenant_id, login_account_t *acct,
                                 bool *still_valid)
{
    const char *params[] = {tenant_id, acct->id};
    PGresult *res = cc_db_exec(db, &sql_user_recheck_for_login, 2, params);
    if (!cc_db_is_ok(res))
        return cc_job_fail_db_step(job, res, "login recheck");
    *still_valid = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), acct->password_hash) == 0 &&
                   PQgetvalue(res, 0, 3)[0] != 't';
    if (*still_valid) {
        snprintf(acct->role, sizeof(acct->role), "%s", PQgetvalue(res, 0, 1));
        snprintf(acct->client_id, sizeof(acct->client_id), "%s",
                 PQgetisnull(res, 0, 2) ? "" : PQgetvalue(res, 0, 2));
    }
    PQclear(res);
    return CC_GO_ON;
}

/*
 * Records the outcome of a verified attempt at (tenant, e-mail) and answers
 * it, whether an account exists or not: an unknown address counts, locks and
 * answers exactly like a known one. The address's failure row is locked and
 * the lock re-checked first, so parallel guesses are counted one after
 * another: once the fifth failure locks the address, every attempt still in
 * flight answers 429 too, whatever its password, and none clears the lock.
 */
static cc_step_t record_outcome(cc_job_t *job, cc_dbconn_t *db, const login_input_t *in,
                                const char *tenant_id, login_account_t *acct, bool success)
{
    const char *params[] = {tenant_id, in->email};
    if (cc_db_begin(db, tenant_id) != 0)
        return unavailable(job);
    PGresult *res = cc_db_exec(db, &sql_login_failures_lock, 2, params);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1)
        return cc_job_fail_db_step(job, res, "login lock");
    int locked_seconds = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (locked_seconds > 0) {
        cc_db_rollback(db);
        if (!success)
            record_address_failure(db, in);
        return too_many(job, "account_locked",
                        "the account is locked after repeated failed logins; try again later",
                        locked_seconds);
    }
    cc_step_t step;
    if (success && (step = recheck_account(job, db, tenant_id, acct, &success)) != CC_GO_ON)
        return step;
    res = cc_db_exec(db, success ? &sql_login_succeeded : &sql_login_failed, 2, params);
    if (!cc_db_is_ok(res))
        return cc_job_fail_db_step(job, res, "login outcome");
    PQclear(res);
    const char *client_id = acct->client_id[0] != '\0' ? acct->client_id : NULL;
    cc_event_t ev = {acct->id,       acct->role, success ? "auth.login" : "auth.login_failed",
                     "user",         acct->id,   in->remote_addr,
                     in->request_id, NULL};
    if (acct->found && cc_event_append(db, &ev) != 0)
        return unavailable(job);
    if (success)
        return issue_token_pair(job, db, tenant_id, acct->id, acct->role, client_id, NULL); /* commits */
    step = cc_db_commit(db) != 0 ? unavailable(job) : invalid_credentials(job);
    record_address_failure(db, in);
    return step;
}

/* Reads the tenant's id into tenant_id ("" when there is no such tenant): CC_GO_ON, or the step of a failure
 * (answered). */
static cc_step_t find_tenant(cc_job_t *job, cc_dbconn_t *db, const login_input_t *in, char tenant_id[37])
{
    const char *slug_param[] = {in->tenant_slug};
    PGresult *tenant = cc_db_exec(db, &sql_tenant_id, 1, slug_param);
    if (!cc_db_is_ok(tenant))
        return cc_job_fail_db_step(job, tenant, "login tenant");
    tenant_id[0] = '\0';
    if (PQntuples(tenant) == 1 && !PQgetisnull(tenant, 0, 0))
        snprintf(tenant_id, 37, "%s", PQgetvalue(tenant, 0, 0));
    PQclear(tenant);
    return CC_GO_ON;
}

/*
 * argon2 runs on every path past the address throttle (known or unknown
 * address, wrong or right password, locked or not), so neither the answer nor
 * its timing tells whether an account exists. An unknown tenant has nowhere
 * to count failures: it answers 401 and counts towards the address throttle.
 */
static cc_step_t login_steps(cc_job_t *job, cc_dbconn_t *db, const login_input_t *in)
{
    int wait = address_throttled(db, in, cc_job_config(job)->login_address_limit);
    if (wait > 0)
        return too_many(job, "too_many_requests", "too many failed logins from this address; try again later",
                        wait);
    char tenant_id[37];
    login_account_t acct = {0};
    cc_step_t step = find_tenant(job, db, in, tenant_id);
    if (step == CC_GO_ON && tenant_id[0] != '\0')
        step = find_account(job, db, in, tenant_id, &acct);
    if (step != CC_GO_ON)
        return step;

    bool verified = false;
    if (acct.found)
        verified = passwords_verify(acct.password_hash, in->password) == 0;
    else
        passwords_burn(in->password);
    if (tenant_id[0] == '\0') {
        free(acct.password_hash);
        record_address_failure(db, in);
        return invalid_credentials(job);
    }
    step = record_outcome(job, db, in, tenant_id, &acct, verified && !acct.disabled);
    free(acct.password_hash);
    return step;
}

static int login_run(cc_job_t *job, cc_dbconn_t *db)
{
    return cc_job_outcome(login_steps(job, db, job->data));
}

static void login_done(cc_job_t *job)
{
    login_input_t *in = job->data;
    cc_job_respond(job);
    memset(in->password, 0, strlen(in->password));
    free(in->tenant_slug);
    free(in->email);
    free(in->password);
    free(in);
}

void login_handle(cc_request_t *r)
{
    json_t *body = cc_read_json_or_respond(r, login_fields, sizeof(login_fields) / sizeof(login_fields[0]));
    if (body == NULL)
        return;
    login_input_t *in = cc_calloc(1, sizeof(*in));
    in->tenant_slug = cc_strdup(cc_json_str(body, "tenant"));
    in->email = cc_strdup(cc_json_str(body, "email"));
    in->password = cc_strdup(cc_json_str(body, "password"));
    memcpy(in->remote_addr, r->remote_addr, sizeof(in->remote_addr));
    memcpy(in->request_id, r->request_id, sizeof(in->request_id));
    json_decref(body);
    cc_job_submit_hashing(r, login_run, login_done, in);
}
