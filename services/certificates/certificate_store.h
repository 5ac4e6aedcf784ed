/*
 * What the certificate life cycle's handlers share (issue 9 "Certificates"; DOMAIN.md "Certificates"):
 * the caller's client scope, one certificate as the API shows it (cc_certificate_json in 0017), and one
 * move of a certificate through its state machine (shared/rules/certificate_states.h) as a guarded
 * UPDATE recorded by cc_certificate_record, in the write's transaction (ARCHITECTURE.md "The write path").
 */
#ifndef CERTIFICATE_STORE_H
#define CERTIFICATE_STORE_H

#include <jansson.h>

#include "cc_write.h"
#include "certificate_states.h"

/* GET /v1/certificates/{id}: $1 tenant, $2 id, $3 client scope (NULL: none); the full JSON as text. */
extern const cc_sql_t sql_certificate_get;
/* GET /v1/certificates: see certificate_list.c. */
extern const cc_sql_t sql_certificates_list;

/* The client organisation a client user's reads are narrowed to; NULL for staff. Borrowed from r. */
const char *certificate_client_scope(const cc_request_t *r);

/*
 * Refuses the write with 428 precondition_required unless it carries an If-Match naming a version (every
 * transition does: ARCHITECTURE.md "API conventions", Versions). A cc_write_check_fn's first step: returns
 * CC_ANSWERED after answering, else CC_GO_ON.
 */
cc_step_t certificate_require_if_match(cc_request_t *r);

/* A move in progress: the certificate w->ids[0] locked, its status and what it moves to. */
typedef struct certificate_move {
    certificate_action_t action;
    certificate_status_t from, to;
} certificate_move_t;

/*
 * Locks the certificate w->ids[0] (FOR UPDATE), then refuses: 404 when the tenant has no such
 * certificate, 412 when If-Match names another version, 409 illegal_transition with current_status when
 * the state machine does not allow action from its status. Returns CC_GO_ON with m filled, else what
 * answered.
 */
cc_step_t certificate_move_begin(cc_write_t *w, certificate_action_t action, certificate_move_t *m);

/*
 * Runs update (nparams text parameters; $1 tenant, $2 id and $3 the status it expects, m->from, by
 * convention; it returns a row when it changed one), then cc_certificate_record(id, history_action,
 * m->from, reason, trigger, caller) and answers the certificate re-read (cc_write_result) with the
 * event's detail {number, from_status, to_status, reason[, trigger]}. No row changed (the certificate
 * moved meanwhile): 409 illegal_transition with the status it has now. Returns CC_GO_ON or what answered.
 */
cc_step_t certificate_move_apply(cc_write_t *w, const certificate_move_t *m, const cc_sql_t *update,
                                 int nparams, const char *const *params, const char *history_action,
                                 const char *reason, const char *trigger);

/*
 * Answers the certificate id re-read in full (cc_certificate_json(c, true)) as the write's result, with
 * detail (stolen, may be NULL) as the event's. Returns CC_GO_ON, or what answered (404 when not there).
 */
cc_step_t certificate_answer(cc_write_t *w, const char *id, json_t *detail);

/* Answers 409 illegal_transition with current_status and detail. Returns CC_ANSWERED. */
cc_step_t certificate_refuse(cc_write_t *w, const char *current_status, const char *detail);

#endif
