/*
 * The finding state machine: see finding_states.h. Pure: no I/O, no allocation.
 */
#include "finding_states.h"

#include <string.h>

static const char *const status_names[FINDING_NSTATUSES] = {
    "open", "response_submitted", "accepted", "rejected", "verified", "closed", "recorded"};
static const char *const action_names[FINDING_NACTIONS] = {"respond", "accept", "reject",
                                                           "verify",  "close",  "close_deferred"};

static int index_of(const char *const *names, int n, const char *name)
{
    for (int i = 0; name != NULL && i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

int finding_status_from_name(const char *name, finding_status_t *out)
{
    int i = index_of(status_names, FINDING_NSTATUSES, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (finding_status_t)i;
    return 0;
}

const char *finding_status_name(finding_status_t status)
{
    return (int)status >= 0 && (int)status < FINDING_NSTATUSES ? status_names[status] : NULL;
}

int finding_action_from_name(const char *name, finding_action_t *out)
{
    int i = index_of(action_names, FINDING_NACTIONS, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (finding_action_t)i;
    return 0;
}

const char *finding_action_name(finding_action_t action)
{
    return (int)action >= 0 && (int)action < FINDING_NACTIONS ? action_names[action] : NULL;
}

finding_status_t finding_initial_status(finding_grade_t grade)
{
    return finding_is_nonconformity(grade) ? FINDING_STATUS_OPEN : FINDING_STATUS_RECORDED;
}

bool finding_is_status_of_grade(finding_grade_t grade, finding_status_t status)
{
    if (finding_grade_name(grade) == NULL || finding_status_name(status) == NULL)
        return false;
    if (status == FINDING_STATUS_CLOSED)
        return true;
    return finding_is_nonconformity(grade) ? status != FINDING_STATUS_RECORDED
                                           : status == FINDING_STATUS_RECORDED;
}

/* A nonconformity's moves (from is one of its statuses, not closed): the next status, or -1 and why. */
static int nc_next(finding_grade_t grade, finding_status_t from, finding_action_t action,
                   finding_status_t *next, const char **why)
{
    switch (action) {
    case FINDING_ACTION_RESPOND:
        *next = FINDING_STATUS_RESPONSE_SUBMITTED;
        *why = "a response is taken only while the finding is open or its last response was rejected";
        return from == FINDING_STATUS_OPEN || from == FINDING_STATUS_REJECTED ? 0 : -1;
    case FINDING_ACTION_ACCEPT:
    case FINDING_ACTION_REJECT:
        *next = action == FINDING_ACTION_ACCEPT ? FINDING_STATUS_ACCEPTED : FINDING_STATUS_REJECTED;
        *why = "only a submitted response is reviewed";
        return from == FINDING_STATUS_RESPONSE_SUBMITTED ? 0 : -1;
    case FINDING_ACTION_VERIFY:
        *next = FINDING_STATUS_VERIFIED;
        *why = "only an accepted corrective action is verified";
        return from == FINDING_STATUS_ACCEPTED ? 0 : -1;
    case FINDING_ACTION_CLOSE:
        *next = FINDING_STATUS_CLOSED;
        if (from == FINDING_STATUS_ACCEPTED)
            *why = grade == FINDING_MAJOR
                       ? "a major closes only after verified"
                       : "a minor closes from accepted only with its verification deferred";
        else
            *why = "a nonconformity closes once verified";
        return from == FINDING_STATUS_VERIFIED ? 0 : -1;
    case FINDING_ACTION_CLOSE_DEFERRED:
        *next = FINDING_STATUS_CLOSED;
        if (grade != FINDING_MINOR) {
            *why = "only a minor closes with its verification deferred";
            return -1;
        }
        *why = "a minor defers its verification only once its response is accepted";
        return from == FINDING_STATUS_ACCEPTED ? 0 : -1;
    }
    *why = "unknown action";
    return -1;
}

/* An observation's, OFI's or area of concern's moves: recorded --close--> closed, nothing else. */
static int recorded_next(finding_action_t action, finding_status_t *next, const char **why)
{
    switch (action) {
    case FINDING_ACTION_RESPOND:
        *why = "observations, OFIs and areas of concern take no response";
        return -1;
    case FINDING_ACTION_CLOSE:
        *next = FINDING_STATUS_CLOSED;
        return 0;
    case FINDING_ACTION_CLOSE_DEFERRED:
        *why = "only a minor closes with its verification deferred";
        return -1;
    default:
        *why = "observations, OFIs and areas of concern are only recorded and closed";
        return -1;
    }
}

int finding_transition(finding_grade_t grade, finding_status_t from, finding_action_t action,
                       finding_status_t *next, const char **reason)
{
    const char *why = NULL;
    finding_status_t to = FINDING_STATUS_CLOSED;
    int rc = -1;
    if (finding_action_name(action) == NULL || finding_grade_name(grade) == NULL ||
        finding_status_name(from) == NULL)
        why = "unknown grade, status or action";
    else if (!finding_is_status_of_grade(grade, from))
        why = "not a status a finding of this grade can be in";
    else if (from == FINDING_STATUS_CLOSED)
        why = "the finding is closed";
    else if (finding_is_nonconformity(grade))
        rc = nc_next(grade, from, action, &to, &why);
    else
        rc = recorded_next(action, &to, &why);
    if (rc == 0 && next != NULL)
        *next = to;
    if (rc != 0 && reason != NULL)
        *reason = why;
    return rc;
}
