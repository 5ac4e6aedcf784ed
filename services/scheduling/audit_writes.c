/*
 * The common path of every audit change (see audit_writes.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_writes.h"
#include "cc_events.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"

const char *audit_locked_value(const PGresult *locked, int column)
{
    return PQgetisnull(locked, 0, column) ? NULL : PQgetvalue(locked, 0, column);
}

void audit_fail_field(cc_job_t *job, int status, const char *code, const char *field, const char *detail)
{
    json_t *problem =
        status == 400 ? cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors")
                      : cc_problem_new(status, code, detail);
    cc_problem_add_error(problem, field, code, detail);
    cc_job_answer(job, status, problem);
}

int audit_statement_failed(cc_job_t *job, PGresult *res, const char *context)
{
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    if (strcmp(cc_db_sqlstate(res), "23P01") != 0 || constraint == NULL ||
        strcmp(constraint, "auditor_bookings_no_overlap") != 0)
        return cc_job_fail_db(job, res, context);
    cc_job_fail(job, 409, "auditor_unavailable",
                "a team member is booked or unavailable on some of these days");
    PQclear(res);
    return CC_JOB_DONE;
}

int audit_exec(cc_job_t *job, cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params,
               const char *context)
{
    PGresult *res = cc_db_exec(db, sql, n, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, context);
    PQclear(res);
    return AUDIT_CHANGE_APPLIED;
}

int audit_exec_one(cc_job_t *job, cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params,
                   const char *context)
{
    PGresult *res = cc_db_exec(db, sql, n, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, context);
    int rows = PQntuples(res);
    PQclear(res);
    if (rows == 0) { /* what it builds on is missing: a bug or damaged data, never a client's error */
        cc_log_fields(CC_LOG_ERROR, "a statement that must write a row wrote none",
                      json_pack("{s:s}", "context", context));
        cc_job_fail(job, 500, "internal_error", "the change could not be completed");
        return CC_JOB_DONE;
    }
    return AUDIT_CHANGE_APPLIED;
}

int audit_check_stage1_done(cc_job_t *job, cc_dbconn_t *db, const char *tenant_id, const PGresult *locked,
                            const char *start)
{
    if (strcmp(audit_locked_value(locked, AUDIT_LOCK_TYPE), "stage2") != 0 || start == NULL)
        return 0;
    const char *params[] = {tenant_id, audit_locked_value(locked, AUDIT_LOCK_PROGRAMME)};
    PGresult *res = cc_db_exec(db, &sql_programme_stage1, 2, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, "stage 1 read") == CC_JOB_RETRY ? CC_JOB_RETRY : -1;
    int rc = 0;
    if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "completed") != 0 ||
        PQgetvalue(res, 0, 1)[0] != 't') {
        audit_fail_field(job, 422, "stage1_incomplete", "type",
                         "a Stage 2 cannot be scheduled before its Stage 1 is completed with conclusions");
        rc = -1;
    } else if (!PQgetisnull(res, 0, 2) && strcmp(start, PQgetvalue(res, 0, 2)) <= 0) {
        audit_fail_field(job, 422, "stage1_incomplete", "start_date",
                         "a Stage 2 starts after its Stage 1 ends");
        rc = -1;
    }
    PQclear(res);
    return rc;
}

static void audit_write_done(cc_job_t *job)
{
    audit_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

/* Reads the audit back, appends the event, answers 200 with its ETag, stores the answer, commits. */
static int finish(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->audit_id};
    PGresult *res = cc_db_exec(db, &sql_audit_get, 2, key);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1) {
        cc_job_answer(job, 503, cc_db_problem(res, "audit read"));
        PQclear(res);
        return CC_JOB_DONE;
    }
    json_t *audit = audit_from_row(res, 0);
    PQclear(res);
    cc_event_t ev = {w->actor.user_id, w->actor.role,        w->action,           "audit",
                     w->audit_id,      w->actor.remote_addr, w->actor.request_id, w->body};
    if (cc_event_append(db, &ev) != 0) {
        json_decref(audit);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    cc_job_answer_versioned(job, 200, audit);
    if (cc_idempotency_store(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0 ||
        cc_db_commit(db) != 0) {
        cc_job_clear_headers(job);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    }
    return CC_JOB_DONE;
}

static int audit_write_run(cc_job_t *job, cc_dbconn_t *db)
{
    audit_write_t *w = job->data;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    if (cc_idempotency_claim(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        return CC_JOB_DONE;
    const char *key[] = {w->actor.tenant_id, w->audit_id};
    PGresult *locked = cc_db_exec(db, &sql_audit_lock, 2, key);
    if (!cc_db_is_ok(locked))
        return audit_statement_failed(job, locked, "audit lock");
    if (PQntuples(locked) != 1) {
        PQclear(locked);
        cc_job_fail(job, 404, "not_found", "no such audit");
        return CC_JOB_DONE;
    }
    if (w->if_match >= 0 && w->if_match != atoll(PQgetvalue(locked, 0, AUDIT_LOCK_VERSION))) {
        PQclear(locked);
        cc_job_fail(job, 412, "precondition_failed", "the audit has changed since you read it (If-Match)");
        return CC_JOB_DONE;
    }
    int rc = w->change(job, db, w, locked);
    PQclear(locked);
    return rc == AUDIT_CHANGE_APPLIED ? finish(job, db, w) : rc;
}

void audit_write_submit(cc_request_t *r, json_t *body, audit_change_fn change, const char *action,
                        const char *auditor_id)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    long long if_match = id != NULL ? cc_if_match(r) : -1;
    cc_idempotency_t idem = {0};
    if (id == NULL || if_match == -2 || cc_idempotency_read_or_respond(r, &idem) != 0) {
        if (if_match == -2)
            cc_respond_error(r, 412, "precondition_failed", "If-Match must be an ETag this API returned");
        json_decref(body);
        return;
    }
    audit_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    memcpy(w->audit_id, id, 37);
    if (auditor_id != NULL)
        snprintf(w->auditor_id, sizeof(w->auditor_id), "%s", auditor_id);
    w->body = body;
    w->if_match = if_match;
    w->idem = idem;
    w->change = change;
    w->action = action;
    cc_job_submit(r, audit_write_run, audit_write_done, w);
}
