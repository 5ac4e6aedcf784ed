/*
 * DELETE /v1/webhooks/{id}: removes a webhook with its deliveries and their attempts (ON DELETE CASCADE);
 * a delivery in flight finishes but records nothing. Another tenant's webhook is not found (RLS and
 * tenant_id = $1). Answers 204.
 */
#include "cc_write.h"
#include "registry_sync.h"
#include "webhooks.h"

static cc_step_t delete_run(cc_write_t *w)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_webhook_delete, 2, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "webhook delete");
    if (PQntuples(res) != 1) {
        PQclear(res);
        return cc_write_fail(w, 404, "not_found", "no such webhook");
    }
    json_t *hook = webhook_from_row(res, 0);
    PQclear(res);
    cc_write_result(w, json_pack("{s:O}", "id", json_object_get(hook, "id")),
                    json_pack("{s:O, s:O}", "url", json_object_get(hook, "url"), "events",
                              json_object_get(hook, "events")));
    json_decref(hook);
    return CC_GO_ON;
}

static const cc_write_spec_t delete_spec = {
    .path_ids = {"id"},
    .run = delete_run,
    .status = 204,
    .event_action = "webhook.deleted",
    .event_entity = "webhook",
};

CC_WRITE_HANDLER(webhooks_delete_handle, delete_spec);
