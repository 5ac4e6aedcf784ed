/*
 * The finding state machine (DOMAIN.md "Findings"): which action moves a finding of a
 * grade from which status to which. Part of libccrules: pure, no I/O, no allocation.
 *
 *   nonconformities (major, minor):
 *     open --respond--> response_submitted --accept--> accepted --verify--> verified --close--> closed
 *                       response_submitted --reject--> rejected --respond--> response_submitted
 *     minor only:       accepted --close_deferred--> closed (its implementation is verified at the
 *                       next audit; a major closes only after verified, 17021-1 9.5)
 *   observations, OFIs, areas of concern:
 *     recorded --close--> closed (they take no response and never block anything)
 *
 * closed is final. The service applies a move with `UPDATE ... WHERE status = <from>`.
 */
#ifndef FINDING_STATES_H
#define FINDING_STATES_H

#include "finding_rules.h"

typedef enum {
    FINDING_STATUS_OPEN = 0,           /* an NC raised, waiting for the client's response */
    FINDING_STATUS_RESPONSE_SUBMITTED, /* a response round waits for review */
    FINDING_STATUS_ACCEPTED,           /* the latest round's plan was accepted */
    FINDING_STATUS_REJECTED,           /* the latest round was rejected: a new round is due */
    FINDING_STATUS_VERIFIED,           /* the corrective action's implementation was verified */
    FINDING_STATUS_CLOSED,             /* final */
    FINDING_STATUS_RECORDED            /* an observation, OFI or area of concern, not closed */
} finding_status_t;

#define FINDING_NSTATUSES 7

typedef enum {
    FINDING_ACTION_RESPOND = 0,   /* the client's (or on its behalf) response round */
    FINDING_ACTION_ACCEPT,        /* review: accept the latest round */
    FINDING_ACTION_REJECT,        /* review: reject it, with a reason */
    FINDING_ACTION_VERIFY,        /* the implementation verified */
    FINDING_ACTION_CLOSE,         /* close */
    FINDING_ACTION_CLOSE_DEFERRED /* close a minor with its verification deferred to the next audit */
} finding_action_t;

#define FINDING_NACTIONS 6

/*
 * Reads the API name of a status ("open", "response_submitted", "accepted", "rejected", "verified",
 * "closed", "recorded") into *out. Returns 0, or -1 (and leaves *out alone) for NULL or any other name.
 */
int finding_status_from_name(const char *name, finding_status_t *out);

/* The API name of status (a static string); NULL for a value outside the enum. */
const char *finding_status_name(finding_status_t status);

/*
 * Reads an action's name ("respond", "accept", "reject", "verify", "close", "close_deferred") into
 * *out. Returns 0, or -1 (and leaves *out alone) for NULL or any other name.
 */
int finding_action_from_name(const char *name, finding_action_t *out);

/* The name of action (a static string); NULL for a value outside the enum. */
const char *finding_action_name(finding_action_t action);

/* The status a finding of grade is raised in: open for a nonconformity, recorded otherwise. */
finding_status_t finding_initial_status(finding_grade_t grade);

/* True when status is one a finding of grade can be in (open for an observation is not). */
bool finding_is_status_of_grade(finding_grade_t grade, finding_status_t status);

/*
 * Decides action on a finding of grade in status from. Returns 0 and writes the status it moves to
 * into *next; or returns -1, leaves *next alone and, when reason is not NULL, points *reason at a
 * short static sentence saying why not ("a major closes only after verified"). Values outside the
 * enums, or a status that is not one of grade's, are refused likewise.
 */
int finding_transition(finding_grade_t grade, finding_status_t from, finding_action_t action,
                       finding_status_t *next, const char **reason);

#endif
