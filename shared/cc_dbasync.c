/*
 * Non-blocking reads on the event loop; see cc_dbasync.h.
 *
 * Each query is set_config (when a tenant is given), the statement, Sync: its
 * own implicit transaction, so a tenant never outlives its query. Up to
 * MAX_INFLIGHT queries are pipelined on one connection (the least loaded):
 * the server then answers several per wakeup instead of one, which is what
 * costs most under load. Results arrive in order, each command's ended by a
 * NULL from PQgetResult, each query's by PGRES_PIPELINE_SYNC.
 */
#include "cc_dbasync.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_server.h"
#include "cc_stream.h"

#define MAX_WAITING 4096
/* Queries pipelined on one connection; more wait in the pool's queue. Deeper pipelines gain little more
 * throughput but make every query behind a slow one (or a descheduled backend) wait: 16 showed p99s of
 * hundreds of ms in tests/bench/scheduling.sh where 8 kept them near 15 ms. */
#define MAX_INFLIGHT 8
#define RECONNECT_DELAY_MS 1000
#define SET_TENANT_STATEMENT "cc_set_tenant"

typedef enum { CONN_DOWN, CONN_CONNECTING, CONN_IDLE, CONN_BUSY } conn_state_t;

typedef struct pending {
    h2o_linklist_t link; /* in the pool's waiting queue, then in its connection's in-flight list */
    cc_request_t *r;     /* retained */
    const cc_sql_t *sql;
    char *tenant;
    int nparams;
    char **params;
    cc_query_cb cb;
    void *data;
    bool binary;         /* results in binary format */
    int command;         /* index of the command whose results are being read */
    int statement_index; /* index of the statement's command in its pipeline section */
    PGresult *answer;
    PGresult *error;
} pending_t;

typedef struct conn {
    cc_dbpool_t *pool;
    PGconn *pg;
    h2o_socket_t *sock;
    _Atomic conn_state_t state; /* read by /metrics on other threads */
    h2o_linklist_t inflight;    /* pending_t, in the order their results will arrive */
    int ninflight;
    bool reading;        /* read_results() is running: a nested call leaves the work to it */
    PGconn *reconnected; /* handed from the worker to the loop */
    h2o_timeout_entry_t retry_entry;
} conn_t;

struct cc_dbpool {
    cc_thread_t *thread;
    const char *url;
    const cc_sql_t *const *statements;
    size_t nstatements;
    conn_t *conns;
    int size;
    h2o_linklist_t waiting;
    atomic_int nwaiting; /* likewise */
    h2o_timeout_t retry_timeout;
};

static void on_readable(h2o_socket_t *sock, const char *err);
static void dispatch(cc_dbpool_t *pool);
static void schedule_reconnect(conn_t *c);

/* Connects, prepares every statement and enters pipeline mode. Blocking. */
static PGconn *open_connection(const char *url, const cc_sql_t *const *statements, size_t n)
{
    PGconn *pg = cc_db_connect(url);
    if (PQstatus(pg) != CONNECTION_OK) {
        cc_log(CC_LOG_WARN, "could not connect the read pool: %s", PQerrorMessage(pg));
        goto err_finish;
    }
    PGresult *res =
        PQprepare(pg, SET_TENANT_STATEMENT, "SELECT set_config('app.tenant_id', $1, true)", 1, NULL);
    for (size_t i = 0; cc_db_is_ok(res) && i < n; i++) {
        PQclear(res);
        res = PQprepare(pg, statements[i]->name, statements[i]->text, 0, NULL);
        if (!cc_db_is_ok(res))
            cc_log(CC_LOG_ERROR, "could not prepare %s: %s", statements[i]->name, PQresultErrorMessage(res));
    }
    int ok = cc_db_is_ok(res);
    PQclear(res);
    if (!ok || PQsetnonblocking(pg, 1) != 0 || PQenterPipelineMode(pg) != 1)
        goto err_finish;
    return pg;
err_finish:
    PQfinish(pg);
    return NULL;
}

static void attach(conn_t *c, PGconn *pg)
{
    c->pg = pg;
    c->sock = h2o_evloop_socket_create(c->pool->thread->ctx.loop, PQsocket(pg), H2O_SOCKET_FLAG_DONT_READ);
    c->sock->data = c;
    c->state = CONN_IDLE;
    h2o_socket_read_start(c->sock, on_readable);
}

/* Detaches the socket from h2o without closing it (libpq owns the fd), then closes the connection. */
static void detach(conn_t *c)
{
    if (c->sock != NULL) {
        h2o_socket_export_t info;
        c->sock->_cb.write = NULL; /* a pending write notification must not block the export */
        if (h2o_socket_export(c->sock, &info) == 0)
            h2o_buffer_dispose(&info.input);
        c->sock = NULL;
    }
    if (c->pg != NULL)
        PQfinish(c->pg);
    c->pg = NULL;
}

static void pending_free(pending_t *p)
{
    for (int i = 0; i < p->nparams; i++)
        free(p->params[i]);
    free(p->params);
    free(p->tenant);
    PQclear(p->answer);
    PQclear(p->error);
    cc_request_release(p->r);
    free(p);
}

/* Answers p with its result or its failure (no result at all: 503) and frees it. */
static void complete(pending_t *p)
{
    if (cc_request_is_live(p->r)) {
        if (p->answer != NULL)
            p->cb(p->r, p->answer, p->data);
        else
            cc_respond_problem(p->r, cc_db_problem(p->error, p->sql->name));
    } else if (cc_stream_is_open(p->r)) { /* a piece of an answer under way (cc_stream.h) */
        if (p->answer != NULL) {
            p->cb(p->r, p->answer, p->data);
        } else {
            cc_db_problem_log(p->error, p->sql->name);
            cc_stream_fail(p->r->stream);
        }
    }
    pending_free(p);
}

static pending_t *head(conn_t *c)
{
    return H2O_STRUCT_FROM_MEMBER(pending_t, link, c->inflight.next);
}

/* The head query is over: take it off c, answer it, and hand out what waits. */
static void finish_head(conn_t *c)
{
    pending_t *p = head(c);
    h2o_linklist_unlink(&p->link);
    if (--c->ninflight == 0)
        c->state = CONN_IDLE;
    complete(p);
    dispatch(c->pool);
}

static bool any_connection_up(const cc_dbpool_t *pool)
{
    for (int i = 0; i < pool->size; i++)
        if (pool->conns[i].state == CONN_IDLE || pool->conns[i].state == CONN_BUSY)
            return true;
    return false;
}

/* With no connection left, nothing would ever take the waiting queries: answer each 503 now (with
 * Retry-After, like every 503) rather than leave the client to its own timeout. */
static void fail_waiting(cc_dbpool_t *pool)
{
    while (!h2o_linklist_is_empty(&pool->waiting)) {
        pending_t *p = H2O_STRUCT_FROM_MEMBER(pending_t, link, pool->waiting.next);
        h2o_linklist_unlink(&p->link);
        pool->nwaiting--;
        complete(p); /* no answer, no error result: 503 */
    }
}

/* The connection is gone: take it out of service first, so nothing is handed to it, then answer its queries.
 */
static void broken(conn_t *c, const char *why)
{
    cc_log(CC_LOG_WARN, "read connection lost: %s", why);
    detach(c);
    c->state = CONN_DOWN;
    schedule_reconnect(c);
    while (!h2o_linklist_is_empty(&c->inflight)) {
        pending_t *p = head(c);
        h2o_linklist_unlink(&p->link);
        PQclear(p->answer);
        PQclear(p->error);
        p->answer = p->error = NULL;
        complete(p); /* answers 503: no answer, no error result */
    }
    c->ninflight = 0;
    if (any_connection_up(c->pool))
        dispatch(c->pool);
    else
        fail_waiting(c->pool);
}

static void read_results(conn_t *c)
{
    if (c->reading)
        return;
    c->reading = true;
    while (c->state == CONN_BUSY) {
        if (PQisBusy(c->pg))
            break; /* the rest of the result is still on its way */
        pending_t *p = head(c);
        PGresult *res = PQgetResult(c->pg);
        if (res == NULL) {
            p->command++;
            continue;
        }
        switch (PQresultStatus(res)) {
        case PGRES_PIPELINE_SYNC:
            PQclear(res);
            finish_head(c); /* may break c (a failed send) or leave it idle: the loop re-checks */
            continue;
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
            if (p->command == p->statement_index && p->answer == NULL) {
                p->answer = res;
                continue;
            }
            break;
        case PGRES_PIPELINE_ABORTED:
            break;
        default:
            if (p->error == NULL) {
                p->error = res;
                continue;
            }
            break;
        }
        PQclear(res);
    }
    c->reading = false;
}

static void on_readable(h2o_socket_t *sock, const char *err)
{
    conn_t *c = sock->data;
    if (err != NULL || !PQconsumeInput(c->pg) || PQstatus(c->pg) != CONNECTION_OK) {
        broken(c, err != NULL ? err : PQerrorMessage(c->pg));
        return;
    }
    read_results(c);
}

static void on_writable(h2o_socket_t *sock, const char *err)
{
    conn_t *c = sock->data;
    int rc = err == NULL ? PQflush(c->pg) : -1;
    if (rc == -1) {
        broken(c, err != NULL ? err : PQerrorMessage(c->pg));
        return;
    }
    if (rc == 1 && !h2o_socket_is_writing(sock))
        h2o_socket_notify_write(sock, on_writable);
    /* A flush that would block makes libpq read what the server sent meanwhile (so neither side waits on
     * the other); those results sit in libpq's buffer and the socket will not say readable for them. */
    read_results(c);
}

static void send_query(conn_t *c, pending_t *p)
{
    h2o_linklist_insert(&c->inflight, &p->link);
    c->ninflight++;
    c->state = CONN_BUSY;
    p->command = 0;
    p->statement_index = 0;
    if (p->tenant != NULL) {
        const char *tenant = p->tenant;
        if (!PQsendQueryPrepared(c->pg, SET_TENANT_STATEMENT, 1, &tenant, NULL, NULL, 0))
            goto err_broken;
        p->statement_index = 1;
    }
    if (!PQsendQueryPrepared(c->pg, p->sql->name, p->nparams, (const char *const *)p->params, NULL, NULL,
                             p->binary ? 1 : 0) ||
        !PQpipelineSync(c->pg))
        goto err_broken;
    on_writable(c->sock, NULL);
    return;
err_broken:
    broken(c, PQerrorMessage(c->pg));
}

/* The up connection with the fewest queries in flight, if one has room; *any_up says whether any is up. */
static conn_t *available_connection(cc_dbpool_t *pool, int *any_up)
{
    conn_t *best = NULL;
    *any_up = 0;
    for (int i = 0; i < pool->size; i++) {
        conn_t *c = &pool->conns[i];
        if (c->state != CONN_IDLE && c->state != CONN_BUSY)
            continue;
        *any_up = 1;
        if (c->ninflight < MAX_INFLIGHT && (best == NULL || c->ninflight < best->ninflight))
            best = c;
    }
    return best;
}

static void dispatch(cc_dbpool_t *pool)
{
    int any_up;
    conn_t *c;
    while (!h2o_linklist_is_empty(&pool->waiting) && (c = available_connection(pool, &any_up)) != NULL) {
        pending_t *p = H2O_STRUCT_FROM_MEMBER(pending_t, link, pool->waiting.next);
        h2o_linklist_unlink(&p->link);
        pool->nwaiting--;
        if (!cc_request_is_live(p->r)) {
            pending_free(p);
            continue;
        }
        send_query(c, p);
    }
}

/* True when sql was prepared on the pool's connections (reads must be registered with the service). */
static bool is_registered(const cc_dbpool_t *pool, const cc_sql_t *sql)
{
    for (size_t i = 0; i < pool->nstatements; i++)
        if (pool->statements[i] == sql)
            return true;
    return false;
}

/* Refuses a query at once: a problem, or for a piece of a streamed answer the end of that stream. */
static void refuse(cc_request_t *r, int status, const char *code, const char *detail)
{
    if (cc_stream_is_open(r))
        cc_stream_fail(r->stream);
    else
        cc_respond_error(r, status, code, detail);
}

static void query(cc_request_t *r, const char *tenant_id, const cc_sql_t *sql, int nparams,
                  const char *const *params, cc_query_cb cb, void *data, bool binary)
{
    cc_dbpool_t *pool = r->thread->db;
    if (!is_registered(pool, sql)) {
        cc_log(CC_LOG_ERROR, "cannot run %s on the read pool: it is not among the service's read statements",
               sql->name);
        refuse(r, 500, "internal_error", "the service is misconfigured");
        return;
    }
    int any_up;
    conn_t *available = available_connection(pool, &any_up);
    if (available == NULL && (!any_up || pool->nwaiting >= MAX_WAITING)) {
        refuse(r, 503, "service_unavailable", "the database is unavailable; try again");
        return;
    }
    pending_t *p = cc_calloc(1, sizeof(*p));
    cc_request_retain(r);
    p->r = r;
    p->sql = sql;
    p->tenant = tenant_id != NULL ? cc_strdup(tenant_id) : NULL;
    p->nparams = nparams;
    p->params = cc_calloc((size_t)nparams, sizeof(char *));
    for (int i = 0; i < nparams; i++)
        p->params[i] = params[i] != NULL ? cc_strdup(params[i]) : NULL;
    p->cb = cb;
    p->data = data;
    p->binary = binary;
    if (available != NULL) {
        send_query(available, p);
    } else {
        h2o_linklist_insert(&pool->waiting, &p->link);
        pool->nwaiting++;
    }
}

void cc_db_query(cc_request_t *r, const char *tenant_id, const cc_sql_t *sql, int nparams,
                 const char *const *params, cc_query_cb cb, void *data)
{
    query(r, tenant_id, sql, nparams, params, cb, data, false);
}

void cc_db_query_binary(cc_request_t *r, const char *tenant_id, const cc_sql_t *sql, int nparams,
                        const char *const *params, cc_query_cb cb, void *data)
{
    query(r, tenant_id, sql, nparams, params, cb, data, true);
}

/* Reconnection: the blocking connect runs on the connecting pool, the hand-over on the loop. */
static int reconnect_run(cc_job_t *job, cc_dbconn_t *unused)
{
    conn_t *c = job->data;
    c->reconnected = open_connection(c->pool->url, c->pool->statements, c->pool->nstatements);
    return CC_JOB_DONE;
}

static void reconnect_done(cc_job_t *job)
{
    conn_t *c = job->data;
    if (c->reconnected == NULL) {
        c->state = CONN_DOWN;
        h2o_timeout_link(c->pool->thread->ctx.loop, &c->pool->retry_timeout, &c->retry_entry);
        return;
    }
    attach(c, c->reconnected);
    c->reconnected = NULL;
    cc_log(CC_LOG_INFO, "read connection restored");
    dispatch(c->pool);
}

static void on_retry(h2o_timeout_entry_t *entry)
{
    conn_t *c = H2O_STRUCT_FROM_MEMBER(conn_t, retry_entry, entry);
    c->state = CONN_CONNECTING;
    cc_job_submit_connect(c->pool->thread, reconnect_run, reconnect_done, c);
}

static void schedule_reconnect(conn_t *c)
{
    if (!h2o_timeout_is_linked(&c->retry_entry))
        h2o_timeout_link(c->pool->thread->ctx.loop, &c->pool->retry_timeout, &c->retry_entry);
}

cc_dbpool_t *cc_dbpool_new(cc_thread_t *thread, const char *url, int size, const cc_sql_t *const *statements,
                           size_t nstatements)
{
    cc_dbpool_t *pool = cc_calloc(1, sizeof(*pool));
    pool->thread = thread;
    pool->url = url;
    pool->statements = statements;
    pool->nstatements = nstatements;
    pool->size = size;
    pool->conns = cc_calloc((size_t)size, sizeof(conn_t));
    h2o_linklist_init_anchor(&pool->waiting);
    h2o_timeout_init(thread->ctx.loop, &pool->retry_timeout, RECONNECT_DELAY_MS);
    for (int i = 0; i < size; i++) {
        conn_t *c = &pool->conns[i];
        c->pool = pool;
        c->retry_entry.cb = on_retry;
        h2o_linklist_init_anchor(&c->inflight);
        PGconn *pg = open_connection(url, statements, nstatements);
        if (pg != NULL)
            attach(c, pg);
        else
            schedule_reconnect(c);
    }
    return pool;
}

void cc_dbpool_close(cc_dbpool_t *pool)
{
    for (int i = 0; i < pool->size; i++) {
        conn_t *c = &pool->conns[i];
        if (h2o_timeout_is_linked(&c->retry_entry))
            h2o_timeout_unlink(&c->retry_entry);
        detach(c);
        c->state = CONN_DOWN;
    }
}

void cc_dbpool_usage(const cc_dbpool_t *pool, int *idle, int *busy, int *down, int *queued)
{
    for (int i = 0; i < pool->size; i++) {
        switch (pool->conns[i].state) {
        case CONN_IDLE:
            (*idle)++;
            break;
        case CONN_BUSY:
            (*busy)++;
            break;
        default:
            (*down)++;
            break;
        }
    }
    *queued += pool->nwaiting;
}
