/*
 * One finding's move through its state machine (shared/rules/finding_states.h), shared by
 * the transition handlers (responses.c, review.c, verification.c): lock and read the
 * finding, check the caller may act on it, decide the move, then apply it guarded in SQL
 * with its history row, and answer the finding as it now is.
 */
#ifndef FINDING_MOVE_H
#define FINDING_MOVE_H

#include "finding_states.h"
#include "findings.h"

typedef struct {
    json_t *finding; /* the finding as locked, as the API shows it (owned: finding_move_clear) */
    finding_action_t action;
    finding_grade_t grade;
    finding_status_t from, to;
    const char *reason;       /* the history row's reason (borrowed), or NULL */
    const char *verification; /* "verified" | "deferred" to set, or NULL to keep */
    json_t *detail;           /* the history row's detail (owned), or NULL */
} finding_move_t;

/*
 * In a write's transaction: locks the finding w->ids[0] (finding_load: 404 when it is not there for the
 * caller), checks the caller may act on it, and decides action by the state machine, filling *m (clear it
 * with finding_move_clear whatever the outcome). Who may act: admin and scheme_manager; an auditor on the
 * audit's team as lead or auditor (else 403 `not_on_team`); with clients_may, a client user of the finding's
 * organisation (others' findings are 404). A move the machine refuses answers 409 `illegal_transition` with
 * the finding's `current_status`. Returns CC_GO_ON, or the step of the answer given.
 */
cc_step_t finding_move_begin(cc_write_t *w, finding_action_t action, bool clients_may, finding_move_t *m);

/*
 * Applies the move m decided: `UPDATE findings ... WHERE status = <m->from> AND grade = <m->grade>`
 * (version + 1; verification when m->verification; closed_at when it closes) and its finding_history row
 * (actor, role, m->reason, m->detail) in one statement; names the write's event ("finding.<done>") and sets
 * the finding re-read as its result. An update that finds the finding no longer in m->from answers 409
 * `illegal_transition` with the status it is in now. Returns CC_GO_ON, or the step of the answer given.
 */
cc_step_t finding_move_apply(cc_write_t *w, finding_move_t *m);

/* Answers 409 `illegal_transition`: detail, and the finding's current status in `current_status`. */
cc_step_t finding_move_refuse(cc_write_t *w, const char *current_status, const char *detail);

/* Frees what *m owns. */
void finding_move_clear(finding_move_t *m);

#endif
