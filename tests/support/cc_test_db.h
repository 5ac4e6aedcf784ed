/*
 * libpq helpers for integration tests: connect with a URL taken from the
 * environment, run a parameterised statement, fetch a single value. Each
 * failure fails the current Check test with the server's message.
 */
#ifndef CC_TEST_DB_H
#define CC_TEST_DB_H

#include <libpq-fe.h>

/*
 * Connects with the URL in environment variable env_name (e.g. "DATABASE_URL").
 * Fails the current test when the variable is missing or the connection fails.
 * The caller closes it with PQfinish.
 */
PGconn *cc_test_db_connect(const char *env_name);

/*
 * Runs sql with nparams text parameters ($1..; a NULL element is SQL NULL) and
 * returns the result, which the caller clears with PQclear. Fails the current
 * test unless the statement succeeds.
 */
PGresult *cc_test_db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params);

/* As cc_test_db_exec, clearing the result itself. */
void cc_test_db_run(PGconn *conn, const char *sql, int nparams, const char *const *params);

/*
 * Runs sql and returns a caller-freed copy of the first column of the first
 * row, or NULL when there is no row or the value is NULL. Fails the current
 * test when the statement fails.
 */
char *cc_test_db_value(PGconn *conn, const char *sql, int nparams, const char *const *params);

/*
 * Waits (bounded: 30 s in 50 ms steps) until at least want backends wait on a
 * lock that holder's transaction holds, as watcher sees in pg_stat_activity.
 * Returns how many do (fewer than want when time ran out).
 */
int cc_test_db_wait_blocked(PGconn *watcher, PGconn *holder, int want);

#endif
