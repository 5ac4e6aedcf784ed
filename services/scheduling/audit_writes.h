/*
 * Changing an audit (PATCH, team, transitions): one transaction that locks
 * the audit row, checks If-Match, lets the change do its part, then reads
 * the audit back, appends the event and answers it with its ETag. Writes to
 * one audit serialise on its row lock; bookings are refused by the database
 * (auditor_bookings_no_overlap), so concurrent writers cannot both book.
 */
#ifndef AUDIT_WRITES_H
#define AUDIT_WRITES_H

#include "cc_write.h"
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

/* Changes the audit locked as row 0 of `locked` in w's open transaction; CC_GO_ON when it is applied. */
typedef cc_step_t (*audit_change_fn)(cc_write_t *w, const PGresult *locked);

/*
 * The run function of every audit write (the audit is the path's {id}, ids[0]): locks the audit (404 when
 * there is none), checks If-Match, lets change do its part, then reads the audit back as the result. detail
 * (stolen) is the event's detail; NULL: the body.
 */
cc_step_t audit_write_apply(cc_write_t *w, audit_change_fn change, json_t *detail);

/* What every audit write's spec shares: If-Match, Idempotency-Key, 200 with the audit, its event. */
#define AUDIT_WRITE_FLAGS (CC_WRITE_IF_MATCH | CC_WRITE_IDEMPOTENT)
#define AUDIT_WRITE_SPEC .flags = AUDIT_WRITE_FLAGS

/* A value of the locked row, or NULL when SQL NULL. */
const char *audit_locked_value(const PGresult *locked, int column);

/* Answers a failed statement (a booking overlap is 409 auditor_unavailable); CC_ANSWERED or CC_RETRY. Clears
 * res. */
cc_step_t audit_statement_failed(cc_write_t *w, PGresult *res, const char *context);

/* Runs a statement that must succeed: CC_GO_ON, or as audit_statement_failed. */
cc_step_t audit_exec(cc_write_t *w, const cc_sql_t *sql, int n, const char *const *params,
                     const char *context);

/* As audit_exec for a statement that must return a row (RETURNING): none answers 500, logged. */
cc_step_t audit_exec_one(cc_write_t *w, const cc_sql_t *sql, int n, const char *const *params,
                         const char *context);

/* True while an audit's plan and team may change: planned or scheduled. */
bool audit_is_editable(const char *status);

/* Refuses (422 standard_closed, naming start_date) an initial or recertification audit on ISO/IEC
 * 27001:2013 starting after the cut-off. */
cc_step_t audit_check_standards_open(cc_write_t *w, const PGresult *locked, const char *start);

/* A Stage 2 starting on `start` needs its programme's Stage 1 completed with conclusions and over by then
 * (422 stage1_incomplete). */
cc_step_t audit_check_stage1_done(cc_write_t *w, const PGresult *locked, const char *start);

#endif
