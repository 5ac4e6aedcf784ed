/*
 * Blocking libpq helpers for worker threads and the CLI; see cc_db.h.
 */
#include "cc_db.h"

#include <poll.h>
#include <string.h>

#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"

static __thread bool retry_marked; /* see cc_db_take_retry */

static const cc_sql_t set_tenant_sql = {"cc_set_tenant", "SELECT set_config('app.tenant_id', $1, true)"};

int cc_dbconn_open(cc_dbconn_t *c, const char *url)
{
    memset(c, 0, sizeof(*c));
    c->url = url;
    return cc_dbconn_ensure(c);
}

void cc_dbconn_close(cc_dbconn_t *c)
{
    if (c->pg != NULL)
        PQfinish(c->pg);
    c->pg = NULL;
    free(c->prepared);
    c->prepared = NULL;
    c->nprepared = c->cap = 0;
}

/*
 * A connection whose server restarted (or dropped it) looks fine until it is
 * used. An idle connection receives nothing we use (no LISTEN), so anything
 * to read means the server is saying goodbye (57P01 and the close may even
 * arrive apart): replace it. A stray ParameterStatus costs a reconnect, no more.
 */
static bool is_dead_while_idle(PGconn *pg)
{
    struct pollfd pfd = {PQsocket(pg), POLLIN, 0};
    return PQtransactionStatus(pg) == PQTRANS_IDLE && poll(&pfd, 1, 0) == 1;
}

PGconn *cc_db_connect(const char *url)
{
    const char *keywords[] = {"connect_timeout", "dbname", NULL};
    const char *values[] = {"5", url, NULL};
    PGconn *pg = PQconnectdbParams(keywords, values, 1); /* settings in url override the default timeout */
    if (PQstatus(pg) != CONNECTION_OK)
        return pg;
    /* One clock: SQL's current_date and every rendered timestamp are UTC, as in C, whatever the server's
     * time zone. A SET (not options= in the URL) so that a URL's own options cannot undo it. No JIT: it
     * compiles any statement whose estimated cost is high (a tenant's 100,000 registry rows), ~300 ms a
     * time, and our short transactions never earn that back (tests/bench/registry.sh halved its drain). */
    PGresult *res = PQexec(pg, "SET TIME ZONE 'UTC'; SET jit = off");
    bool ok = cc_db_is_ok(res);
    PQclear(res);
    if (!ok) {
        cc_log(CC_LOG_ERROR, "could not set the session time zone and JIT: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL; /* PQstatus(NULL) is CONNECTION_BAD; PQfinish(NULL) does nothing */
    }
    return pg;
}

int cc_dbconn_ensure(cc_dbconn_t *c)
{
    if (c->pg != NULL && PQstatus(c->pg) == CONNECTION_OK && !is_dead_while_idle(c->pg))
        return 0;
    const char *url = c->url;
    cc_dbconn_close(c);
    c->url = url;
    c->pg = cc_db_connect(url);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        cc_log(CC_LOG_ERROR, "could not connect to the database: %s", PQerrorMessage(c->pg));
        PQfinish(c->pg);
        c->pg = NULL;
        return -1;
    }
    return 0;
}

static bool is_prepared(const cc_dbconn_t *c, const char *name)
{
    for (size_t i = 0; i < c->nprepared; i++)
        if (c->prepared[i] == name || strcmp(c->prepared[i], name) == 0)
            return true;
    return false;
}

PGresult *cc_db_exec(cc_dbconn_t *c, const cc_sql_t *sql, int nparams, const char *const *params)
{
    return cc_db_exec_params(c, sql, nparams, params, NULL, NULL);
}

/* Prepares sql on the connection unless it is already; NULL when done, else the failed preparation's result.
 */
static PGresult *prepare(cc_dbconn_t *c, const cc_sql_t *sql)
{
    if (is_prepared(c, sql->name))
        return NULL;
    PGresult *prep = PQprepare(c->pg, sql->name, sql->text, 0, NULL);
    if (!cc_db_is_ok(prep))
        return prep != NULL ? prep : PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
    PQclear(prep);
    if (c->nprepared == c->cap) {
        c->cap = c->cap == 0 ? 16 : c->cap * 2;
        c->prepared = cc_realloc(c->prepared, c->cap * sizeof(*c->prepared));
    }
    c->prepared[c->nprepared++] = sql->name;
    return NULL;
}

PGresult *cc_db_exec_params(cc_dbconn_t *c, const cc_sql_t *sql, int nparams, const char *const *values,
                            const int *lengths, const int *formats)
{
    if (c->pg == NULL && cc_dbconn_ensure(c) != 0)
        return NULL;
    PGresult *prep = prepare(c, sql);
    if (prep != NULL)
        return prep; /* the caller sees the preparation error as the statement's */
    return PQexecPrepared(c->pg, sql->name, nparams, values, lengths, formats, 0);
}

/* Sends the steps and a Sync; 0, or -1 when libpq could not queue them (the connection is broken). */
static int pipeline_send(cc_dbconn_t *c, const cc_db_step_t *steps, int n)
{
    for (int i = 0; i < n; i++) {
        int ok = steps[i].sql->name != NULL
                     ? PQsendQueryPrepared(c->pg, steps[i].sql->name, steps[i].nparams, steps[i].params, NULL,
                                           NULL, 0)
                     : PQsendQueryParams(c->pg, steps[i].sql->text, 0, NULL, NULL, NULL, NULL, 0);
        if (!ok)
            return -1;
    }
    return PQpipelineSync(c->pg) ? 0 : -1;
}

/* Reads each step's result (the first of its results; NULL if none came) up to the Sync. 0 or -1. */
static int pipeline_read(cc_dbconn_t *c, int n, PGresult **results)
{
    for (int i = 0; i < n; i++) {
        PGresult *res;
        while ((res = PQgetResult(c->pg)) != NULL) {
            if (results[i] == NULL)
                results[i] = res;
            else
                PQclear(res);
        }
        if (results[i] == NULL)
            return -1; /* the connection was lost */
    }
    PGresult *sync = PQgetResult(c->pg);
    int ok = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    return ok ? 0 : -1;
}

int cc_db_pipeline(cc_dbconn_t *c, const cc_db_step_t *steps, int n, PGresult **results)
{
    memset(results, 0, (size_t)n * sizeof(*results));
    if (c->pg == NULL && cc_dbconn_ensure(c) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (steps[i].sql->name != NULL && (results[i] = prepare(c, steps[i].sql)) != NULL)
            return -1;
    }
    if (PQenterPipelineMode(c->pg) != 1)
        return -1;
    int rc = pipeline_send(c, steps, n) == 0 && pipeline_read(c, n, results) == 0 ? 0 : -1;
    if (PQexitPipelineMode(c->pg) != 1) { /* results left unread: the connection is not usable as it is */
        PQfinish(c->pg);
        c->pg = NULL;
        c->nprepared = 0;
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < n; i++)
        if (!cc_db_is_ok(results[i]))
            rc = -1;
    return rc;
}

void cc_db_pipeline_clear(PGresult **results, int n)
{
    for (int i = 0; i < n; i++)
        PQclear(results[i]);
}

bool cc_db_is_ok(const PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    return res != NULL && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

int cc_db_command(cc_dbconn_t *c, const char *command)
{
    if (c->pg == NULL && cc_dbconn_ensure(c) != 0)
        return -1;
    PGresult *res = PQexec(c->pg, command);
    int ok = cc_db_is_ok(res);
    if (!ok)
        cc_log(CC_LOG_WARN, "could not run %s: %s", command, PQerrorMessage(c->pg));
    PQclear(res);
    return ok ? 0 : -1;
}

static const cc_sql_t begin_sql = {NULL, "BEGIN"};

/* BEGIN and the tenant in one round trip (a pipeline): a write's transaction starts one wait earlier. */
int cc_db_begin(cc_dbconn_t *c, const char *tenant_id)
{
    if (tenant_id == NULL)
        return cc_db_command(c, "BEGIN");
    if (c->pg == NULL && cc_dbconn_ensure(c) != 0)
        return -1;
    const cc_db_step_t steps[] = {{&begin_sql, 0, NULL}, {&set_tenant_sql, 1, &tenant_id}};
    PGresult *results[2];
    int rc = cc_db_pipeline(c, steps, 2, results);
    if (rc != 0)
        cc_log(CC_LOG_WARN, "could not begin a transaction: %s",
               c->pg != NULL ? PQerrorMessage(c->pg) : "connection lost");
    cc_db_pipeline_clear(results, 2);
    if (rc != 0)
        cc_db_rollback(c);
    return rc;
}

int cc_db_commit(cc_dbconn_t *c)
{
    if (c->pg == NULL)
        return -1;
    PGresult *res = PQexec(c->pg, "COMMIT");
    /* COMMIT of a transaction a failed statement aborted "succeeds" as ROLLBACK: that is a failure too */
    int ok = cc_db_is_ok(res) && strcmp(PQcmdStatus(res), "COMMIT") == 0;
    if (!ok) {
        cc_db_problem_log(res, "commit");
        if (cc_db_is_retryable(cc_db_sqlstate(res)))
            retry_marked = true; /* the transaction rolled back: running it again is safe */
    }
    PQclear(res);
    return ok ? 0 : -1;
}

void cc_db_rollback(cc_dbconn_t *c)
{
    if (c->pg != NULL && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *res = PQexec(c->pg, "ROLLBACK");
        PQclear(res);
    }
}

const char *cc_db_sqlstate(const PGresult *res)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return state != NULL ? state : "";
}

bool cc_db_is_retryable(const char *sqlstate)
{
    return strcmp(sqlstate, "40001") == 0 || strcmp(sqlstate, "40P01") == 0;
}

/* ---- the SQLSTATE table ---- */

static const cc_db_answer_t unavailable = {503, "service_unavailable",
                                           "the database is unavailable; try again", false};
static const cc_db_answer_t contended = {503, "service_unavailable",
                                         "the request conflicted with others; try again", true};
static const cc_db_answer_t timed_out = {503, "service_unavailable", "the database is busy; try again",
                                         false};
static const cc_db_answer_t conflict = {
    409, "conflict", "the request conflicts with the current state of the resource", false};
static const cc_db_answer_t invalid = {400, "validation_failed", "a value is not acceptable", false};
static const cc_db_answer_t internal = {500, "internal_error", "an unexpected error occurred", false};

/* First match wins: an exact state (5 characters) or a class (its 2 characters). */
static const struct {
    const char *state;
    const cc_db_answer_t *answer;
} sqlstate_table[] = {
    {"", &unavailable}, /* no result at all: the connection was lost */
    {"08", &unavailable}, {"57P01", &unavailable}, {"57P02", &unavailable}, {"57P03", &unavailable},
    {"53", &unavailable}, {"40001", &contended},   {"40P01", &contended},   {"57014", &timed_out},
    {"23505", &conflict}, {"23503", &conflict},    {"23P01", &conflict},    {"23514", &invalid},
    {"22P02", &invalid},  {"22007", &invalid},     {"22008", &invalid},     {"22001", &invalid},
    {"22003", &invalid},
};

const cc_db_answer_t *cc_db_answer_for_sqlstate(const char *sqlstate)
{
    size_t len = strlen(sqlstate);
    for (size_t i = 0; i < sizeof(sqlstate_table) / sizeof(sqlstate_table[0]); i++) {
        const char *state = sqlstate_table[i].state;
        size_t n = strlen(state);
        if ((n == len || (n == 2 && len == 5)) && strncmp(state, sqlstate, n) == 0)
            return sqlstate_table[i].answer;
    }
    return &internal;
}

int cc_db_status_for_sqlstate(const char *sqlstate)
{
    return cc_db_answer_for_sqlstate(sqlstate)->status;
}

bool cc_db_take_retry(void)
{
    bool marked = retry_marked;
    retry_marked = false;
    return marked;
}

void cc_db_problem_log(const PGresult *res, const char *context)
{
    const char *state = cc_db_sqlstate(res);
    const char *message = res != NULL ? PQresultErrorMessage(res) : "no result (connection lost)";
    cc_log_fields(cc_db_status_for_sqlstate(state) >= 500 ? CC_LOG_ERROR : CC_LOG_INFO,
                  "database statement failed",
                  json_pack("{s:s, s:s, s:s}", "context", context, "sqlstate", state, "detail", message));
}

json_t *cc_db_problem_for_sqlstate(const char *sqlstate)
{
    const cc_db_answer_t *a = cc_db_answer_for_sqlstate(sqlstate);
    if (a->retry)
        retry_marked = true;
    return cc_problem_new(a->status, a->code, a->detail);
}

json_t *cc_db_problem(const PGresult *res, const char *context)
{
    cc_db_problem_log(res, context);
    return cc_db_problem_for_sqlstate(cc_db_sqlstate(res));
}
