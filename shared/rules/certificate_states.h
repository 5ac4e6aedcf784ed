/*
 * The certificate state machine (DOMAIN.md "Certificates"; 17021-1 9.6): which action moves a
 * certificate revision from which status to which. Part of libccrules: pure, no I/O, no allocation.
 *
 *   draft --issue--> active
 *   active --suspend--> suspended --restore--> active
 *   active | suspended --withdraw--> withdrawn          (final)
 *   active | suspended --expire--> expired              (the expiry job, at expiry; a suspension does not
 *                                                        stop the clock)
 *   active | suspended --reduce_scope--> superseded     (the revision; a new active revision replaces it)
 *   active | suspended | expired --revise--> superseded (recertification, restoration, scope extension:
 *                                                        the decision issues the new revision)
 *
 * withdrawn and superseded are final; an expired revision is only ever superseded by a restoration. The
 * service applies a move with `UPDATE ... WHERE status = <from>`.
 */
#ifndef CERTIFICATE_STATES_H
#define CERTIFICATE_STATES_H

#include <stdbool.h>

typedef enum {
    CERTIFICATE_STATUS_DRAFT = 0, /* not issued yet */
    CERTIFICATE_STATUS_ACTIVE,    /* valid */
    CERTIFICATE_STATUS_SUSPENDED, /* temporarily invalid, with a due date */
    CERTIFICATE_STATUS_WITHDRAWN, /* final */
    CERTIFICATE_STATUS_EXPIRED,   /* past its expiry date (or its standard closed) */
    CERTIFICATE_STATUS_SUPERSEDED /* replaced by a later revision; never changed again */
} certificate_status_t;

#define CERTIFICATE_NSTATUSES 6

typedef enum {
    CERTIFICATE_ACTION_ISSUE = 0,
    CERTIFICATE_ACTION_SUSPEND,
    CERTIFICATE_ACTION_RESTORE,
    CERTIFICATE_ACTION_WITHDRAW,
    CERTIFICATE_ACTION_REDUCE_SCOPE,
    CERTIFICATE_ACTION_EXPIRE,
    CERTIFICATE_ACTION_REVISE
} certificate_action_t;

#define CERTIFICATE_NACTIONS 7

/*
 * Reads a status's API name ("draft", "active", "suspended", "withdrawn", "expired", "superseded") into
 * *out. Returns 0, or -1 (and leaves *out alone) for NULL or any other name.
 */
int certificate_status_from_name(const char *name, certificate_status_t *out);

/* The API name of status (a static string); NULL for a value outside the enum. */
const char *certificate_status_name(certificate_status_t status);

/*
 * Reads an action's name ("issue", "suspend", "restore", "withdraw", "reduce_scope", "expire", "revise")
 * into *out. Returns 0, or -1 (and leaves *out alone) for NULL or any other name.
 */
int certificate_action_from_name(const char *name, certificate_action_t *out);

/* The name of action (a static string); NULL for a value outside the enum. */
const char *certificate_action_name(certificate_action_t action);

/* True for a status nothing ever leaves (withdrawn, superseded). */
bool certificate_status_is_final(certificate_status_t status);

/*
 * Decides action on a revision in status from. Returns 0 and writes the status the revision moves to into
 * *next (for reduce_scope and revise: superseded, the new revision being active); or returns -1, leaves
 * *next alone and, when reason is not NULL, points *reason at a short static sentence saying why not.
 * Values outside the enums are refused likewise.
 */
int certificate_transition(certificate_status_t from, certificate_action_t action, certificate_status_t *next,
                           const char **reason);

#endif
