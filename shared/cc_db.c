/*
 * Blocking libpq helpers for worker threads and the CLI; see cc_db.h.
 */
#include "cc_db.h"

#include <poll.h>
#include <string.h>

#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"

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
    return PQconnectdbParams(keywords, values, 1); /* settings in url override the default timeout */
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
    if (c->pg == NULL && cc_dbconn_ensure(c) != 0)
        return NULL;
    if (!is_prepared(c, sql->name)) {
        PGresult *prep = PQprepare(c->pg, sql->name, sql->text, 0, NULL);
        if (!cc_db_is_ok(prep))
            return prep; /* the caller sees the preparation error as the statement's */
        PQclear(prep);
        if (c->nprepared == c->cap) {
            c->cap = c->cap == 0 ? 16 : c->cap * 2;
            c->prepared = cc_realloc(c->prepared, c->cap * sizeof(*c->prepared));
        }
        c->prepared[c->nprepared++] = sql->name;
    }
    return PQexecPrepared(c->pg, sql->name, nparams, params, NULL, NULL, 0);
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

int cc_db_begin(cc_dbconn_t *c, const char *tenant_id)
{
    if (cc_db_command(c, "BEGIN") != 0)
        return -1;
    if (tenant_id == NULL)
        return 0;
    PGresult *res = cc_db_exec(c, &set_tenant_sql, 1, &tenant_id);
    int ok = cc_db_is_ok(res);
    PQclear(res);
    if (!ok) {
        cc_db_rollback(c);
        return -1;
    }
    return 0;
}

int cc_db_commit(cc_dbconn_t *c)
{
    return cc_db_command(c, "COMMIT");
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

int cc_db_status_for_sqlstate(const char *sqlstate)
{
    if (strcmp(sqlstate, "23505") == 0 || strcmp(sqlstate, "23503") == 0)
        return 409;
    if (strcmp(sqlstate, "23514") == 0 || strcmp(sqlstate, "22P02") == 0 || strcmp(sqlstate, "22007") == 0 ||
        strcmp(sqlstate, "22008") == 0 || strcmp(sqlstate, "22001") == 0)
        return 400;
    return 503;
}

void cc_db_problem_log(const PGresult *res, const char *context)
{
    const char *state = cc_db_sqlstate(res);
    const char *message = res != NULL ? PQresultErrorMessage(res) : "no result (connection lost)";
    cc_log_fields(cc_db_status_for_sqlstate(state) >= 500 ? CC_LOG_ERROR : CC_LOG_INFO,
                  "database statement failed",
                  json_pack("{s:s, s:s, s:s}", "context", context, "sqlstate", state, "detail", message));
}

json_t *cc_db_problem(const PGresult *res, const char *context)
{
    int status = cc_db_status_for_sqlstate(cc_db_sqlstate(res));
    cc_db_problem_log(res, context);
    switch (status) {
    case 409:
        return cc_problem_new(409, "conflict",
                              "the request conflicts with the current state of the resource");
    case 400:
        return cc_problem_new(400, "validation_failed", "a value is not acceptable");
    default:
        return cc_problem_new(503, "service_unavailable", "the database is unavailable; try again");
    }
}
