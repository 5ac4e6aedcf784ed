/*
 * The common path of every audit change (see audit_writes.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_writes.h"
#include "cc_log.h"

const char *audit_locked_value(const PGresult *locked, int column)
{
    return PQgetisnull(locked, 0, column) ? NULL : PQgetvalue(locked, 0, column);
}

cc_step_t audit_statement_failed(cc_write_t *w, PGresult *res, const char *context)
{
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    if (strcmp(cc_db_sqlstate(res), "23P01") != 0 || constraint == NULL ||
        strcmp(constraint, "auditor_bookings_no_overlap") != 0)
        return cc_write_fail_db(w, res, context);
    PQclear(res);
    return cc_write_fail(w, 409, "auditor_unavailable",
                         "a team member is booked or unavailable on some of these days");
}

cc_step_t audit_exec(cc_write_t *w, const cc_sql_t *sql, int n, const char *const *params,
                     const char *context)
{
    PGresult *res = cc_db_exec(w->db, sql, n, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, context);
    PQclear(res);
    return CC_GO_ON;
}

cc_step_t audit_exec_one(cc_write_t *w, const cc_sql_t *sql, int n, const char *const *params,
                         const char *context)
{
    PGresult *res = cc_db_exec(w->db, sql, n, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, context);
    int rows = PQntuples(res);
    PQclear(res);
    if (rows == 0) { /* what it builds on is missing: a bug or damaged data, never a client's error */
        cc_log_fields(CC_LOG_ERROR, "a statement that must write a row wrote none",
                      json_pack("{s:s}", "context", context));
        return cc_write_fail(w, 500, "internal_error", "the change could not be completed");
    }
    return CC_GO_ON;
}

cc_step_t audit_check_stage1_done(cc_write_t *w, const PGresult *locked, const char *start)
{
    if (strcmp(audit_locked_value(locked, AUDIT_LOCK_TYPE), "stage2") != 0 || start == NULL)
        return CC_GO_ON;
    const char *params[] = {w->actor.tenant_id, audit_locked_value(locked, AUDIT_LOCK_PROGRAMME)};
    PGresult *res = cc_db_exec(w->db, &sql_programme_stage1, 2, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "stage 1 read");
    cc_step_t step = CC_GO_ON;
    if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "completed") != 0 ||
        PQgetvalue(res, 0, 1)[0] != 't')
        step = cc_write_fail_field(
            w, 422, "stage1_incomplete", "type",
            "a Stage 2 cannot be scheduled before its Stage 1 is completed with conclusions");
    else if (!PQgetisnull(res, 0, 2) && strcmp(start, PQgetvalue(res, 0, 2)) <= 0)
        step = cc_write_fail_field(w, 422, "stage1_incomplete", "start_date",
                                   "a Stage 2 starts after its Stage 1 ends");
    PQclear(res);
    return step;
}

/* Reads the audit back as the write's result. */
static cc_step_t result(cc_write_t *w, json_t *detail)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_audit_get, 2, key);
    if (!cc_db_is_ok(res)) {
        json_decref(detail);
        return cc_write_fail_db(w, res, "audit read");
    }
    if (PQntuples(res) == 1)
        cc_write_result(w, audit_from_row(res, 0), detail);
    else
        json_decref(detail);
    PQclear(res);
    return CC_GO_ON;
}

cc_step_t audit_write_apply(cc_write_t *w, audit_change_fn change, json_t *detail)
{
    if (detail == NULL && w->body != NULL)
        detail = json_incref(w->body);
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *locked = cc_db_exec(w->db, &sql_audit_lock, 2, key);
    if (!cc_db_is_ok(locked)) {
        json_decref(detail);
        return audit_statement_failed(w, locked, "audit lock");
    }
    cc_step_t step;
    if (PQntuples(locked) != 1)
        step = cc_write_fail(w, 404, "not_found", "no such audit");
    else if ((step = cc_write_check_version(w, atoll(PQgetvalue(locked, 0, AUDIT_LOCK_VERSION)), "audit")) ==
             CC_GO_ON)
        step = change(w, locked);
    PQclear(locked);
    if (step != CC_GO_ON) {
        json_decref(detail);
        return step;
    }
    return result(w, detail);
}
