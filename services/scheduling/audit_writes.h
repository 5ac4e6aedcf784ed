/*
 * Changing an audit (PATCH, team, transitions): one transaction that locks
 * the audit row, checks If-Match, lets the change do its part, then reads
 * the audit back, appends the event and answers it with its ETag. Writes to
 * one audit serialise on its row lock; bookings are refused by the database
 * (auditor_bookings_no_overlap), so concurrent writers cannot both book.
 */
#ifndef AUDIT_WRITES_H
#define AUDIT_WRITES_H

#include "cc_idempotency.h"
#include "cc_workers.h"
#include "scheduling.h"

/* Columns of sql_audit_lock. */
enum {
    AUDIT_LOCK_STATUS,
    AUDIT_LOCK_TYPE,
    AUDIT_LOCK_VERSION,
    AUDIT_LOCK_CLIENT,
    AUDIT_LOCK_START,
    AUDIT_LOCK_END,
    AUDIT_LOCK_PLANNED_DAYS,
    AUDIT_LOCK_CALCULATED_DAYS,
    AUDIT_LOCK_JUSTIFICATION,
    AUDIT_LOCK_MODE,
    AUDIT_LOCK_ICT,
    AUDIT_LOCK_STANDARDS,
    AUDIT_LOCK_SECTORS,
    AUDIT_LOCK_PROGRAMME,
};

/* What a change returns: answered (CC_JOB_DONE), run again (CC_JOB_RETRY), or applied: finish the write. */
#define AUDIT_CHANGE_APPLIED 2

typedef struct audit_write audit_write_t;

/* Changes the audit locked as row 0 of `locked` in db's open transaction. */
typedef int (*audit_change_fn)(cc_job_t *job, cc_dbconn_t *db, audit_write_t *w, const PGresult *locked);

struct audit_write {
    cc_actor_t actor;
    char audit_id[37];
    char auditor_id[37]; /* the team member, for team changes */
    json_t *body;        /* owned; NULL without one */
    long long if_match;  /* -1: no If-Match */
    cc_idempotency_t idem;
    audit_change_fn change;
    const char *action; /* the event's action, e.g. "audit.scheduled" */
};

/*
 * Starts a write of the audit named by the {id} path parameter: reads If-Match and Idempotency-Key, takes
 * body (owned, may be NULL) and submits the job. Answers and returns NULL-equivalent failure itself.
 */
void audit_write_submit(cc_request_t *r, json_t *body, audit_change_fn change, const char *action,
                        const char *auditor_id);

/* A value of the locked row, or NULL when SQL NULL. */
const char *audit_locked_value(const PGresult *locked, int column);

/* Answers 4xx with one error naming field (`status` 400 is validation_failed; others carry `code`). */
void audit_fail_field(cc_job_t *job, int status, const char *code, const char *field, const char *detail);

/* Answers a failed statement (a booking overlap is 409 auditor_unavailable) and returns CC_JOB_DONE or
 * CC_JOB_RETRY. Clears res. */
int audit_statement_failed(cc_job_t *job, PGresult *res, const char *context);

/* Runs a statement that must succeed; on failure answers (audit_statement_failed) and returns its rc,
 * else AUDIT_CHANGE_APPLIED. */
int audit_exec(cc_job_t *job, cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params,
               const char *context);

/* True while an audit's plan and team may change: planned or scheduled. */
bool audit_is_editable(const char *status);

/* Refuses (422 standard_closed, naming start_date) an initial or recertification audit on ISO/IEC
 * 27001:2013 starting after the cut-off; returns 0 to go on, -1 when answered. */
int audit_check_standards_open(cc_job_t *job, const PGresult *locked, const char *start);

/* As audit_exec for a statement that must return a row (RETURNING): none answers 500, logged. */
int audit_exec_one(cc_job_t *job, cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params,
                   const char *context);

/* A Stage 2 starting on `start` needs its programme's Stage 1 completed with conclusions and over by then
 * (422 stage1_incomplete). Returns 0 to go on, -1 when answered, CC_JOB_RETRY to run again. */
int audit_check_stage1_done(cc_job_t *job, cc_dbconn_t *db, const char *tenant_id, const PGresult *locked,
                            const char *start);

#endif
