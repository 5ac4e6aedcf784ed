/*
 * GET /v1/webhooks (a keyset page by id), GET /v1/webhooks/{id}, and GET /v1/webhooks/{id}/deliveries
 * (newest first, each with every attempt: {"n", "at", "status_code", "error", "duration_ms"}). None shows
 * the secret. Another tenant's webhook is not found.
 */
#include <stdlib.h>

#include "cc_dbasync.h"
#include "cc_list.h"
#include "registry_sync.h"
#include "webhooks.h"

void webhooks_list_handle(cc_request_t *r)
{
    cc_page_t *page = cc_page_or_respond(r, webhook_from_row, 0);
    if (page == NULL)
        return;
    const char *params[] = {r->claims.tid, cc_page_after(page), page->fetch};
    cc_page_query(r, page, &sql_webhooks_list, 3, params);
}

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    (void)data;
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such webhook");
        return;
    }
    cc_respond_json(r, 200, webhook_from_row(res, 0));
}

void webhooks_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id};
    cc_db_query(r, r->claims.tid, &sql_webhook_get, 2, params, on_get, NULL);
}

static json_t *delivery_from_row(const PGresult *res, int row)
{
    json_t *attempts = json_loads(PQgetvalue(res, row, 4), 0, NULL);
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s?, s:s?}", "id", PQgetvalue(res, row, 0), "event_id",
                     PQgetvalue(res, row, 1), "event_type", PQgetvalue(res, row, 2), "status",
                     PQgetvalue(res, row, 3), "attempts", attempts != NULL ? attempts : json_array(),
                     "created_at", PQgetvalue(res, row, 5), "next_attempt_at",
                     PQgetisnull(res, row, 6) ? NULL : PQgetvalue(res, row, 6), "delivered_at",
                     PQgetisnull(res, row, 7) ? NULL : PQgetvalue(res, row, 7));
}

void webhooks_deliveries_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    cc_page_t *page = cc_page_or_respond(r, delivery_from_row, 0);
    if (page == NULL)
        return;
    page->parent = "no such webhook";
    const char *params[] = {r->claims.tid, id, cc_page_after(page), page->fetch};
    cc_page_query(r, page, &sql_webhook_deliveries, 4, params);
}
