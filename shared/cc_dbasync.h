/*
 * Reads on the event loop: each loop thread owns a few non-blocking libpq
 * connections in pipeline mode. A query is sent as set_config(tenant) +
 * the prepared statement + Sync, one round trip, one implicit transaction, so
 * row-level security sees the tenant. Broken connections are reopened on the
 * connecting pool (connecting blocks) and handed back; h2o never closes a libpq
 * socket (it is exported first).
 */
#ifndef CC_DBASYNC_H
#define CC_DBASYNC_H

#include <libpq-fe.h>

#include "cc_db.h"

struct cc_request;
struct cc_thread;
typedef struct cc_dbpool cc_dbpool_t;

/*
 * Called with the statement's successful result (PGRES_TUPLES_OK or
 * COMMAND_OK) while the request is live; the pool clears res afterwards.
 * On failure the pool answers the request itself (problem+json) and does not
 * call back.
 */
typedef void (*cc_query_cb)(struct cc_request *r, PGresult *res, void *data);

/*
 * Creates the thread's pool of size connections to url and prepares the given
 * statements on each (blocking: call before the loop runs). Connections that
 * fail are retried in the background.
 */
cc_dbpool_t *cc_dbpool_new(struct cc_thread *thread, const char *url, int size,
                           const cc_sql_t *const *statements, size_t nstatements);

/*
 * Runs sql (registered with the pool) with params (copied) for tenant_id
 * (NULL: no tenant). data must live as long as the request (its pool).
 */
void cc_db_query(struct cc_request *r, const char *tenant_id, const cc_sql_t *sql, int nparams,
                 const char *const *params, cc_query_cb cb, void *data);

/*
 * As cc_db_query with the result in binary format: a bytea column arrives as its raw bytes (PQgetlength),
 * half the size of its text form. A failure while r streams its answer (cc_stream.h) ends that stream.
 */
void cc_db_query_binary(struct cc_request *r, const char *tenant_id, const cc_sql_t *sql, int nparams,
                        const char *const *params, cc_query_cb cb, void *data);

/* Closes the pool's connections (at shutdown, on its loop thread, once its requests are done). Queries still
 * in flight or waiting are dropped unanswered. */
void cc_dbpool_close(cc_dbpool_t *pool);

/* Connection counts by state, for the metrics. */
void cc_dbpool_usage(const cc_dbpool_t *pool, int *idle, int *busy, int *down, int *queued);

#endif
