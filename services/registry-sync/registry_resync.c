/*
 * POST /v1/registry/resync: IAF's "Update All" (MD 28). Every certification of
 * the tenant becomes pending again and resync_requested_at is set; the worker
 * records the complete sync (last_complete_sync_at) once none of them is left
 * pending or dead-lettered. 409 registry_disabled while sync is not enabled.
 * The monthly duty (registry_monthly.c) requests the same.
 */
#include "cc_write.h"
#include "registry_api.h"
#include "registry_sync.h"

static const cc_sql_t sql_request_resync = {"registry_request_resync",
                                            "SELECT cc_registry_request_resync($1::uuid, $2::boolean)::text"};

json_t *registry_resync_request(cc_dbconn_t *db, const char *tenant_id, bool only_if_idle, PGresult **res)
{
    const char *params[] = {tenant_id, only_if_idle ? "true" : "false"};
    *res = cc_db_exec(db, &sql_request_resync, 2, params);
    if (!cc_db_is_ok(*res))
        return NULL;
    json_t *answer = PQgetisnull(*res, 0, 0) ? NULL : json_loads(PQgetvalue(*res, 0, 0), 0, NULL);
    PQclear(*res);
    *res = NULL;
    return answer;
}

static cc_step_t resync_run(cc_write_t *w)
{
    PGresult *res;
    json_t *answer = registry_resync_request(w->db, w->actor.tenant_id, false, &res);
    if (res != NULL)
        return cc_write_fail_db(w, res, "registry resync");
    if (answer == NULL)
        return cc_write_fail(w, 409, "registry_disabled", "registry sync is not enabled");
    cc_write_result(w, answer, json_pack("{s:O}", "queued", json_object_get(answer, "queued")));
    return CC_GO_ON;
}

static const cc_write_spec_t resync_spec = {
    .flags = CC_WRITE_EVENT_ON_TENANT,
    .run = resync_run,
    .status = 202,
    .event_action = "registry.resync_requested",
    .event_entity = "tenant",
};

void registry_resync_handle(cc_request_t *r)
{
    cc_write_handle(r, &resync_spec);
}
