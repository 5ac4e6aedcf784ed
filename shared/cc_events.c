/*
 * Appending to the tenant's event log; see cc_events.h.
 */
#include "cc_events.h"

#include <stdlib.h>

static const cc_sql_t append_sql = {
    "cc_event_append", "SELECT cc_event_append($1::uuid, $2, $3, $4, $5::uuid, $6, $7, $8::jsonb)"};

int cc_event_append(cc_dbconn_t *db, const cc_event_t *ev)
{
    char *detail = ev->detail != NULL ? json_dumps(ev->detail, JSON_COMPACT) : NULL;
    const char *params[] = {ev->actor_id,  ev->actor_role, ev->action,     ev->entity_type,
                            ev->entity_id, ev->source_ip,  ev->request_id, detail != NULL ? detail : "{}"};
    PGresult *res = cc_db_exec(db, &append_sql, 8, params);
    int ok = cc_db_is_ok(res);
    if (!ok) /* logged, and a serialization failure or deadlock marks the job for another run */
        json_decref(cc_db_problem(res, "event append"));
    PQclear(res);
    free(detail);
    return ok ? 0 : -1;
}
