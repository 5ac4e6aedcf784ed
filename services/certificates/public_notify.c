/*
 * Keeps the public index (public_index.c) current: the service's listener handler on channel
 * cc_certificates (migration 0017). On every (re)connect it reloads the whole index; on each notification it
 * re-reads just the certification or client named, with
 * cc_public_certificates() on the listener's own connection (ARCHITECTURE.md "Public verification").
 */
#include <jansson.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_log.h"
#include "certificates.h"
#include "public_index.h"

/* The listener session the index was last loaded on (its connection and backend process; touched only on
 * the listener's thread). */
static const PGconn *loaded_on_conn;
static int loaded_on_backend;

/*
 * The listener calls this after each (re)connect and every minute as its fallback. PostgreSQL delivers every
 * notification to a session that is listening, so the index can only have missed a change across a new
 * session: the minute's reload on the same session is skipped (at 100,000 certificates a full reload takes
 * seconds, and notifications wait behind it on this thread).
 */
static int on_reload(PGconn *pg, void *arg)
{
    (void)arg;
    if (pg == loaded_on_conn && PQbackendPID(pg) == loaded_on_backend && public_index_loaded())
        return 0;
    PGresult *res = PQexec(pg, "SELECT tenant_slug, number, record::text FROM cc_public_certificates()");
    int rc = public_index_load(res);
    if (rc != 0)
        cc_log(CC_LOG_ERROR, "could not load the public certificates: %s", PQerrorMessage(pg));
    else {
        loaded_on_conn = pg;
        loaded_on_backend = PQbackendPID(pg);
        cc_log(CC_LOG_DEBUG, "public index loaded: %d revisions", PQntuples(res));
    }
    PQclear(res);
    return rc;
}

/* The payload's member name as a UUID, or NULL. */
static const char *uuid_member(json_t *payload, const char *name)
{
    const char *s = json_string_value(json_object_get(payload, name));
    return s != NULL && cc_is_uuid(s, strlen(s)) ? s : NULL;
}

static void on_notify(PGconn *pg, const char *channel, const char *payload, void *arg)
{
    (void)channel, (void)arg;
    json_t *p = json_loads(payload, 0, NULL);
    const char *tenant = uuid_member(p, "tenant_id");
    const char *cert = uuid_member(p, "certification_id");
    const char *client = uuid_member(p, "client_id");
    if (tenant == NULL || (cert == NULL && client == NULL)) {
        cc_log(CC_LOG_WARN, "ignoring a cc_certificates notification without its ids");
        json_decref(p);
        return;
    }
    const char *params[3] = {tenant, cert, client};
    PGresult *res = PQexecParams(pg,
                                 "SELECT tenant_slug, number, record::text "
                                 "FROM cc_public_certificates($1::uuid, $2::uuid, $3::uuid)",
                                 3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        cc_log(CC_LOG_ERROR, "could not read the public certificates of a change: %s", PQerrorMessage(pg));
    else
        public_index_apply(payload, res);
    PQclear(res);
    json_decref(p);
}

const cc_notify_handler_t certificates_notify_handlers[CERTIFICATES_NNOTIFY_HANDLERS] = {
    {"cc_certificates", on_notify, on_reload, NULL},
};
