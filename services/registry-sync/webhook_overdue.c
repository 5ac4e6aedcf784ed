/*
 * finding.overdue (ARCHITECTURE.md "Webhooks"): housekeeping calls webhook_overdue_scan for each tenant;
 * in the tenant's own transaction every finding overdue today (cc_finding_overdue, migration 0014: a
 * nonconformity not closed past its closure deadline, or past its plan deadline while no plan stands) is
 * announced with cc_webhook_emit('finding.overdue', 'finding:<id>', ...). webhook_events keeps one event
 * per (type, subject), so a finding is announced once, ever, even when it stops and starts being overdue.
 *
 * cc_webhook_emit keeps nothing while no webhook subscribes to finding.overdue, so a finding that went
 * overdue before any subscription is announced at the first scan after one, if it is still overdue then:
 * a receiver learns of every finding that is overdue, not only of those that became so after it
 * subscribed. The statement skips the tenant entirely while nobody subscribes, and the findings already
 * announced, so a scan costs one index walk.
 */
#include "cc_log.h"
#include "registry_sync.h"

static const cc_sql_t sql_overdue_emit = {
    "webhook_overdue_emit",
    "SELECT count(cc_webhook_emit('finding.overdue', 'finding:' || f.id, "
    "                             jsonb_build_object('finding_id', f.id, "
    "                                                'finding', cc_finding_json(f, current_date, false)))) "
    "  FROM findings f "
    " WHERE f.tenant_id = $1 "
    "   AND cc_finding_overdue(f.grade, f.status, f.plan_due, f.closure_due, current_date) "
    "   AND EXISTS (SELECT 1 FROM webhooks w WHERE w.tenant_id = $1 AND 'finding.overdue' = ANY (w.events)) "
    "   AND NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.tenant_id = $1 AND e.type = 'finding.overdue' "
    "                      AND e.subject = 'finding:' || f.id)"};

int webhook_overdue_scan(cc_dbconn_t *db, const char *tenant_id)
{
    if (cc_db_begin(db, tenant_id) != 0) {
        cc_log(CC_LOG_WARN, "finding.overdue scan: could not begin");
        return -1;
    }
    const char *params[] = {tenant_id};
    PGresult *res = cc_db_exec(db, &sql_overdue_emit, 1, params);
    if (!cc_db_is_ok(res)) {
        cc_db_problem_log(res, "finding.overdue scan");
        PQclear(res);
        cc_db_rollback(db);
        return -1;
    }
    PQclear(res);
    if (cc_db_commit(db) != 0) {
        cc_log(CC_LOG_WARN, "finding.overdue scan: could not commit");
        return -1;
    }
    return 0;
}
