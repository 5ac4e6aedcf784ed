/*
 * Blocking database access for worker threads and the CLI: connections that
 * prepare each statement once, tenant-scoped transactions, and the one place
 * that maps SQLSTATEs to HTTP answers. Loop threads use cc_dbasync.h instead.
 */
#ifndef CC_DB_H
#define CC_DB_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

/* A named SQL statement, prepared on first use on each connection. Names are unique per process. */
typedef struct cc_sql {
    const char *name;
    const char *text;
} cc_sql_t;

typedef struct cc_dbconn {
    PGconn *pg;
    const char *url;       /* borrowed */
    const char **prepared; /* names prepared on this connection (borrowed from cc_sql_t) */
    size_t nprepared, cap;
} cc_dbconn_t;

/*
 * Opens a connection with a bounded wait (connect_timeout 5 s unless url sets
 * one): a host that drops packets must not hold a thread for minutes. The
 * session's time zone is set to UTC (current_date is C's "today"). Blocking.
 * The caller checks PQstatus and PQfinish()es; NULL (PQstatus says
 * CONNECTION_BAD) when the time zone could not be set.
 */
PGconn *cc_db_connect(const char *url);

/* Connects (blocking, at most 5 s unless url says otherwise). Returns 0, or -1 after logging why; c->pg may
 * then be NULL. */
int cc_dbconn_open(cc_dbconn_t *c, const char *url);

/* Reconnects when the connection is missing, broken, or was closed by the server while idle. Returns 0 when
 * usable. */
int cc_dbconn_ensure(cc_dbconn_t *c);

/* Closes and forgets prepared statements. */
void cc_dbconn_close(cc_dbconn_t *c);

/*
 * Executes sql with text parameters (NULL = SQL NULL), preparing it first on
 * this connection if needed. Returns the result (the caller PQclear()s it),
 * or NULL when the connection failed before any result.
 */
PGresult *cc_db_exec(cc_dbconn_t *c, const cc_sql_t *sql, int nparams, const char *const *params);

/*
 * As cc_db_exec with each parameter's length and format: formats[i] 1 sends values[i] as lengths[i] raw
 * bytes (binary: a bytea is sent as is, not escaped), 0 as text (its length is not read). A statement per
 * piece keeps libpq's output buffer at the size of one piece.
 */
PGresult *cc_db_exec_params(cc_dbconn_t *c, const cc_sql_t *sql, int nparams, const char *const *values,
                            const int *lengths, const int *formats);

/* One statement of a pipeline: a cc_sql_t with a name is prepared (on first use) and run with params; one
 * with a NULL name is a parameterless command (BEGIN, COMMIT) sent as its text. */
typedef struct cc_db_step {
    const cc_sql_t *sql;
    int nparams;
    const char *const *params;
} cc_db_step_t;

/*
 * Runs n statements in one round trip (libpq pipeline mode, one Sync): each runs after the one before, as if
 * sent one at a time, but the server gets them together, so no wait for the client falls between them (e.g.
 * the event append and COMMIT: ARCHITECTURE.md "Event log", the tenant's lock is held in between). After a
 * failed statement the server skips the rest (their results are PGRES_PIPELINE_ABORTED) and an open
 * transaction is left aborted (ROLLBACK it). results[i] receives statement i's result or NULL; the caller
 * frees them with cc_db_pipeline_clear whatever the outcome. Returns 0 when every statement succeeded, -1
 * otherwise (a lost connection is closed and reopened on next use).
 */
int cc_db_pipeline(cc_dbconn_t *c, const cc_db_step_t *steps, int n, PGresult **results);

/* PQclear()s the n results of cc_db_pipeline. */
void cc_db_pipeline_clear(PGresult **results, int n);

/* Executes a parameterless utility command (BEGIN, COMMIT, ROLLBACK). Returns 0 or -1. */
int cc_db_command(cc_dbconn_t *c, const char *command);

/* True when res is a successful command or query result. */
bool cc_db_is_ok(const PGresult *res);

/* BEGIN and set app.tenant_id for the transaction (NULL tenant: no tenant). Returns 0 or -1. */
int cc_db_begin(cc_dbconn_t *c, const char *tenant_id);

/* COMMIT; returns 0, or -1 (the transaction rolled back, e.g. serialization failure). */
int cc_db_commit(cc_dbconn_t *c);

/* ROLLBACK if a transaction is open; ignores errors. */
void cc_db_rollback(cc_dbconn_t *c);

/* The SQLSTATE of a failed result, or "" when it has none (e.g. connection loss). */
const char *cc_db_sqlstate(const PGresult *res);

/* True when the SQLSTATE says the transaction should simply be run again (40001, 40P01). */
bool cc_db_is_retryable(const char *sqlstate);

/* What a SQLSTATE answers: status, problem code and the detail sent (never the database's message). */
typedef struct cc_db_answer {
    int status;
    const char *code;
    const char *detail;
    bool retry; /* run the transaction again (a worker job does so, at most 3 times) */
} cc_db_answer_t;

/*
 * The one SQLSTATE -> HTTP table (cc_db.c), by exact state or by class:
 * connection loss and shutdown (class 08, 57P01..57P03, "" = no result) and
 * resource exhaustion (53) -> 503 service_unavailable; 40001/40P01 -> retry,
 * then 503; 57014 (statement timeout) -> 503; 23505/23503/23P01 -> 409
 * conflict; 23514, 22P02, 22007, 22008, 22001, 22003 (a value the database
 * refuses) -> 400 validation_failed; anything
 * else (an RLS refusal 42501, a RAISE P0001, a bug in the SQL) -> 500
 * internal_error. Never NULL; static.
 */
const cc_db_answer_t *cc_db_answer_for_sqlstate(const char *sqlstate);

/*
 * The problem for a failed statement by cc_db_answer_for_sqlstate. Logs the
 * SQLSTATE and the database's message (at error level for a 5xx), which the
 * problem never carries. For 40001/40P01 it also marks this thread's job for
 * a retry (cc_db_take_retry). Returns a new problem.
 */
json_t *cc_db_problem(const PGresult *res, const char *context);

/* As cc_db_problem for a bare SQLSTATE ("" = no result), without logging. */
json_t *cc_db_problem_for_sqlstate(const char *sqlstate);

/* Logs a failed statement's SQLSTATE and message (what cc_db_problem logs) without building a problem. */
void cc_db_problem_log(const PGresult *res, const char *context);

/* The HTTP status cc_db_problem uses for a SQLSTATE. */
int cc_db_status_for_sqlstate(const char *sqlstate);

/*
 * True when, since the last call on this thread, a problem was built for a
 * serialization failure or deadlock, or a COMMIT failed with one (the
 * transaction rolled back). Clears the mark. The worker pool asks after every
 * job run, so every path retries such failures alike whatever it returned.
 */
bool cc_db_take_retry(void);

#endif
