/*
 * The service's housekeeping: for each tenant in turn, the findings that
 * became overdue (finding.overdue, once each) and the monthly duty (IAF MD 28).
 * One tenant's failure is logged and does not stop the others.
 */
#include "cc_log.h"
#include "registry_sync.h"

static const cc_sql_t tenant_ids_sql = {"registry_sync_tenant_ids", "SELECT t FROM cc_tenant_ids() t"};

void registry_sync_housekeeping(cc_dbconn_t *db)
{
    PGresult *res = cc_db_exec(db, &tenant_ids_sql, 0, NULL);
    if (!cc_db_is_ok(res)) {
        cc_log(CC_LOG_WARN, "housekeeping: could not list the tenants: %s", PQresultErrorMessage(res));
        PQclear(res);
        return;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        const char *tenant = PQgetvalue(res, i, 0);
        webhook_overdue_scan(db, tenant);
        registry_monthly_duty(db, tenant);
    }
    PQclear(res);
}
