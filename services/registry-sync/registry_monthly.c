/*
 * The monthly duty (IAF MD 28; DOMAIN.md "IAF CertSearch"), run by the
 * housekeeping for each tenant: from 7 days before the month's end
 * (registry_month.c) a tenant with sync enabled and no complete sync this month
 * gets a resync requested, once (not again while one is in progress). First,
 * a resync in progress whose last work settled without a further worker pass
 * (nothing left to send) is recorded complete (cc_registry_complete_sync).
 */
#include <time.h>

#include "cc_log.h"
#include "registry_api.h"
#include "registry_sync.h"

static const cc_sql_t sql_monthly_state = {
    "registry_monthly_state", "SELECT cc_api_ts(s.last_complete_sync_at) FROM registry_settings s "
                              "WHERE s.tenant_id = $1 AND s.enabled AND s.resync_requested_at IS NULL"};

static const cc_sql_t sql_monthly_complete = {"registry_monthly_complete",
                                              "SELECT cc_registry_complete_sync($1::uuid)"};

/* The complete-sync rule in a transaction of its own: it locks the settings row, and the resync request
 * after it locks certifications first (the workers' order), so the two never share a transaction. */
static int complete(cc_dbconn_t *db, const char *tenant_id)
{
    if (cc_db_begin(db, tenant_id) != 0)
        return -1;
    const char *params[] = {tenant_id};
    PGresult *res = cc_db_exec(db, &sql_monthly_complete, 1, params);
    if (!cc_db_is_ok(res)) {
        cc_db_problem_log(res, "monthly duty: complete sync");
        PQclear(res);
        cc_db_rollback(db);
        return -1;
    }
    if (PQgetvalue(res, 0, 0)[0] == 't')
        cc_log(CC_LOG_INFO, "monthly duty: tenant %s: the resync is complete", tenant_id);
    PQclear(res);
    return cc_db_commit(db) == 0 ? 0 : -1;
}

/* In the tenant's transaction: requests the resync when due. Returns 0, or -1 after logging. */
static int duty(cc_dbconn_t *db, const char *tenant_id)
{
    const char *params[] = {tenant_id};
    PGresult *res = cc_db_exec(db, &sql_monthly_state, 1, params);
    if (!cc_db_is_ok(res)) {
        cc_db_problem_log(res, "monthly duty: registry state");
        PQclear(res);
        return -1;
    }
    bool due = PQntuples(res) == 1 &&
               registry_month_sync_due(time(NULL), PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0));
    PQclear(res);
    if (!due)
        return 0;
    json_t *answer = registry_resync_request(db, tenant_id, true, &res);
    if (res != NULL) {
        cc_db_problem_log(res, "monthly duty: resync");
        PQclear(res);
        return -1;
    }
    if (answer != NULL)
        cc_log(CC_LOG_INFO, "monthly duty: tenant %s: resync of %lld certifications requested", tenant_id,
               (long long)json_integer_value(json_object_get(answer, "queued")));
    json_decref(answer);
    return 0;
}

int registry_monthly_duty(cc_dbconn_t *db, const char *tenant_id)
{
    if (complete(db, tenant_id) != 0) {
        cc_log(CC_LOG_WARN, "monthly duty: tenant %s: the complete-sync check failed", tenant_id);
        return -1;
    }
    if (cc_db_begin(db, tenant_id) != 0) {
        cc_log(CC_LOG_WARN, "monthly duty: tenant %s: the database is not available", tenant_id);
        return -1;
    }
    if (duty(db, tenant_id) != 0) {
        cc_db_rollback(db);
        return -1;
    }
    if (cc_db_commit(db) != 0) {
        cc_log(CC_LOG_WARN, "monthly duty: tenant %s: the commit failed", tenant_id);
        return -1;
    }
    return 0;
}
