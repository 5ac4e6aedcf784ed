/*
 * GET /v1/registry/status: the tenant's sync at a glance (ARCHITECTURE.md
 * "Registry sync"): paused and why, Retry-After, backlog, in flight, synced,
 * dead letters, skipped and deleted for consent, the last success and complete
 * sync, and the monthly duty (IAF MD 28, only while enabled) with its warnings. The counts come
 * from cc_registry_status_json (migration 0023); the month's rule is
 * registry_month.c on the service's UTC clock.
 */
#include <time.h>

#include "cc_dbasync.h"
#include "registry_api.h"
#include "registry_sync.h"

const cc_sql_t sql_registry_status = {"registry_status", "SELECT cc_registry_status_json($1::uuid)::text"};

static void on_status(cc_request_t *r, PGresult *res, void *data)
{
    (void)data;
    json_t *status = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    if (status == NULL) {
        cc_respond_error(r, 500, "internal_error", "the status could not be read");
        return;
    }
    registry_month_status(status, time(NULL));
    cc_respond_json(r, 200, status);
}

void registry_status_handle(cc_request_t *r)
{
    const char *params[] = {r->claims.tid};
    cc_db_query(r, r->claims.tid, &sql_registry_status, 1, params, on_status, NULL);
}
