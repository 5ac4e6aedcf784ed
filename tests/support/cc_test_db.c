/*
 * libpq helpers for integration tests. Statements are always sent with
 * PQexecParams (parameters, never text-formatted SQL); errors fail the
 * current test with the statement and the server's message.
 */
#include "cc_test_db.h"

#include "cc_mem.h"
#include "cc_test_http.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

PGconn *cc_test_db_connect(const char *env_name)
{
    const char *url = cc_test_env(env_name);
    PGconn *conn = PQconnectdb(url);
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
        PQfinish(conn);
        ck_abort_msg("could not connect with %s: %s", env_name, msg);
    }
    return conn;
}

PGresult *cc_test_db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
        PQclear(res);
        ck_abort_msg("statement failed: %s: %s", sql, msg);
    }
    return res;
}

void cc_test_db_run(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
    PQclear(cc_test_db_exec(conn, sql, nparams, params));
}

char *cc_test_db_value(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
    PGresult *res = cc_test_db_exec(conn, sql, nparams, params);
    char *value = NULL;
    if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
        value = cc_strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return value;
}

int cc_test_db_wait_blocked(PGconn *watcher, PGconn *holder, int want)
{
    char pid[16];
    snprintf(pid, sizeof(pid), "%d", PQbackendPID(holder));
    const char *params[] = {pid};
    int blocked = 0;
    for (int i = 0; i < 600 && blocked < want; i++) {
        char *n = cc_test_db_value(
            watcher, "SELECT count(*)::text FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))",
            1, params);
        blocked = n != NULL ? atoi(n) : 0;
        free(n);
        if (blocked < want)
            usleep(50 * 1000);
    }
    return blocked;
}
