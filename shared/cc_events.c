/*
 * Appending to the tenant's event log; see cc_events.h.
 */
#include "cc_events.h"

#include <stdlib.h>
#include <string.h>

static const cc_sql_t append_sql = {
    "cc_event_append", "SELECT cc_event_append($1::uuid, $2, $3, $4, $5::uuid, $6, $7, $8::jsonb)"};

static const cc_sql_t commit_sql = {NULL, "COMMIT"};

int cc_event_append_commit(cc_dbconn_t *db, const cc_event_t *ev)
{
    char *detail = ev->detail != NULL ? json_dumps(ev->detail, JSON_COMPACT) : NULL;
    const char *params[] = {ev->actor_id,  ev->actor_role, ev->action,     ev->entity_type,
                            ev->entity_id, ev->source_ip,  ev->request_id, detail != NULL ? detail : "{}"};
    const cc_db_step_t steps[] = {{&append_sql, 8, params}, {&commit_sql, 0, NULL}};
    PGresult *res[2];
    int rc = cc_db_pipeline(db, steps, 2, res);
    free(detail);
    if (!cc_db_is_ok(res[0])) /* logged, and a serialization failure or deadlock marks the job for a retry */
        json_decref(cc_db_problem(res[0], "event append"));
    else if (!cc_db_is_ok(res[1]) || strcmp(PQcmdStatus(res[1]), "COMMIT") != 0)
        json_decref(cc_db_problem(res[1], "commit"));
    else if (rc != 0)
        json_decref(cc_db_problem(NULL, "commit"));
    cc_db_pipeline_clear(res, 2);
    return rc == 0 ? 0 : -1;
}

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
