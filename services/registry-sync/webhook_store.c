/*
 * The webhook API's statements and the webhook as the API shows it ({"id", "url", "events",
 * "description", "created_at"}; never the secret). Deliveries are listed newest first: the cursor names
 * the last delivery shown and the statement resumes after its (created_at, id).
 */
#include <stdlib.h>

#include "webhooks.h"

const char *const webhook_event_types[] = {
    "certificate.issued",  "certificate.suspended", "certificate.restored", "certificate.withdrawn",
    "certificate.expired", "certificate.revised",   "finding.overdue",      NULL,
};

#define WEBHOOK_COLUMNS "id, url, array_to_json(events)::text, description, cc_api_ts(created_at)"

const cc_sql_t sql_webhooks_list = {"webhooks_list",
                                    "SELECT " WEBHOOK_COLUMNS " FROM webhooks WHERE tenant_id = $1 "
                                    "  AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3"};

const cc_sql_t sql_webhook_get = {"webhook_get", "SELECT " WEBHOOK_COLUMNS
                                                 " FROM webhooks WHERE tenant_id = $1 AND id = $2"};

const cc_sql_t sql_webhook_insert = {
    "webhook_insert", "INSERT INTO webhooks (tenant_id, url, events, description, secret_sealed, created_by) "
                      "SELECT $1, $2, array(SELECT jsonb_array_elements_text($3::jsonb)), $4, $5, $6 "
                      "RETURNING " WEBHOOK_COLUMNS};

const cc_sql_t sql_webhook_delete = {"webhook_delete",
                                     "DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2 "
                                     "RETURNING " WEBHOOK_COLUMNS};

/* The webhook LEFT JOINed to its deliveries (cc_list.h's parent: no row = no such webhook), each with its
 * event's type and its attempts in order. */
const cc_sql_t sql_webhook_deliveries = {
    "webhook_deliveries",
    "SELECT d.id, d.event_id, e.type, d.status, "
    "       coalesce((SELECT jsonb_agg(jsonb_build_object('n', a.n, 'at', cc_api_ts(a.attempted_at), "
    "                                  'status_code', a.status_code, 'error', a.error, "
    "                                  'duration_ms', a.duration_ms) ORDER BY a.n) "
    "                   FROM webhook_attempts a WHERE a.tenant_id = d.tenant_id AND a.delivery_id = d.id), "
    "                '[]')::text, "
    "       cc_api_ts(d.created_at), "
    "       CASE WHEN d.status = 'pending' THEN cc_api_ts(d.next_attempt_at) END, cc_api_ts(d.delivered_at) "
    "  FROM webhooks w "
    "  LEFT JOIN (webhook_deliveries d JOIN webhook_events e ON e.tenant_id = d.tenant_id AND e.id = "
    "d.event_id) "
    "    ON d.tenant_id = w.tenant_id AND d.webhook_id = w.id "
    "   AND ($3::uuid IS NULL OR (d.created_at, d.id) < (SELECT c.created_at, c.id FROM webhook_deliveries c "
    "                                                     WHERE c.tenant_id = $1 AND c.id = $3::uuid)) "
    " WHERE w.tenant_id = $1 AND w.id = $2 "
    " ORDER BY d.created_at DESC, d.id DESC LIMIT $4"};

json_t *webhook_from_row(const PGresult *res, int row)
{
    json_t *events = json_loads(PQgetvalue(res, row, 2), 0, NULL);
    return json_pack("{s:s, s:s, s:o, s:s?, s:s}", "id", PQgetvalue(res, row, 0), "url",
                     PQgetvalue(res, row, 1), "events", events != NULL ? events : json_array(), "description",
                     PQgetisnull(res, row, 3) ? NULL : PQgetvalue(res, row, 3), "created_at",
                     PQgetvalue(res, row, 4));
}
