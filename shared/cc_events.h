/*
 * The append-only event log: who did what, when, from where. Rows are chained
 * by SHA-256 per tenant inside the database (cc_event_append), so an edited
 * or deleted row breaks the chain and `certcycle eventlog verify` finds it.
 * Append inside the same transaction as the change it records.
 */
#ifndef CC_EVENTS_H
#define CC_EVENTS_H

#include <jansson.h>

#include "cc_db.h"

typedef struct cc_event {
    const char *actor_id;   /* user id, or NULL for the system */
    const char *actor_role; /* role name, or "system" */
    const char *action;     /* "auth.login", "user.created", ... */
    const char *entity_type;
    const char *entity_id; /* uuid or NULL */
    const char *source_ip;
    const char *request_id;
    json_t *detail; /* borrowed; NULL = {} */
} cc_event_t;

/* Appends ev for the transaction's tenant. Returns 0, or -1 (the caller rolls back). */
int cc_event_append(cc_dbconn_t *db, const cc_event_t *ev);

/*
 * Appends ev and COMMITs, in one round trip (cc_db_pipeline): the append takes the tenant's event lock,
 * held until the commit, so no wait for the client falls inside that window. The last statement of a
 * write. Returns 0 (committed), or -1 (logged; a serialization failure or deadlock is marked for
 * cc_db_take_retry; the transaction is not committed and the caller rolls back).
 */
int cc_event_append_commit(cc_dbconn_t *db, const cc_event_t *ev);

#endif
