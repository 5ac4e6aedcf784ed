/*
 * The certificate state machine: see certificate_states.h. Pure: no I/O, no allocation.
 */
#include "certificate_states.h"

#include <string.h>

static const char *const status_names[CERTIFICATE_NSTATUSES] = {"draft",     "active",  "suspended",
                                                                "withdrawn", "expired", "superseded"};
static const char *const action_names[CERTIFICATE_NACTIONS] = {
    "issue", "suspend", "restore", "withdraw", "reduce_scope", "expire", "revise"};

/* Per action: the statuses it is taken from (a bit per status), where it leads, and why not otherwise. */
#define FROM(s) (1u << (s))
static const struct {
    unsigned from;
    certificate_status_t to;
    const char *why;
} moves[CERTIFICATE_NACTIONS] = {
    [CERTIFICATE_ACTION_ISSUE] = {FROM(CERTIFICATE_STATUS_DRAFT), CERTIFICATE_STATUS_ACTIVE,
                                  "only a draft certificate is issued"},
    [CERTIFICATE_ACTION_SUSPEND] = {FROM(CERTIFICATE_STATUS_ACTIVE), CERTIFICATE_STATUS_SUSPENDED,
                                    "only an active certificate is suspended"},
    [CERTIFICATE_ACTION_RESTORE] = {FROM(CERTIFICATE_STATUS_SUSPENDED), CERTIFICATE_STATUS_ACTIVE,
                                    "only a suspended certificate is restored"},
    [CERTIFICATE_ACTION_WITHDRAW] = {FROM(CERTIFICATE_STATUS_ACTIVE) | FROM(CERTIFICATE_STATUS_SUSPENDED),
                                     CERTIFICATE_STATUS_WITHDRAWN,
                                     "only an active or suspended certificate is withdrawn"},
    [CERTIFICATE_ACTION_REDUCE_SCOPE] = {FROM(CERTIFICATE_STATUS_ACTIVE) | FROM(CERTIFICATE_STATUS_SUSPENDED),
                                         CERTIFICATE_STATUS_SUPERSEDED,
                                         "only an active or suspended certificate's scope is reduced"},
    [CERTIFICATE_ACTION_EXPIRE] = {FROM(CERTIFICATE_STATUS_ACTIVE) | FROM(CERTIFICATE_STATUS_SUSPENDED),
                                   CERTIFICATE_STATUS_EXPIRED,
                                   "only an active or suspended certificate expires"},
    [CERTIFICATE_ACTION_REVISE] = {FROM(CERTIFICATE_STATUS_ACTIVE) | FROM(CERTIFICATE_STATUS_SUSPENDED) |
                                       FROM(CERTIFICATE_STATUS_EXPIRED),
                                   CERTIFICATE_STATUS_SUPERSEDED,
                                   "only an active, suspended or expired certificate is revised"},
};

static int index_of(const char *const *names, int n, const char *name)
{
    for (int i = 0; name != NULL && i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

int certificate_status_from_name(const char *name, certificate_status_t *out)
{
    int i = index_of(status_names, CERTIFICATE_NSTATUSES, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (certificate_status_t)i;
    return 0;
}

const char *certificate_status_name(certificate_status_t status)
{
    return (int)status >= 0 && (int)status < CERTIFICATE_NSTATUSES ? status_names[status] : NULL;
}

int certificate_action_from_name(const char *name, certificate_action_t *out)
{
    int i = index_of(action_names, CERTIFICATE_NACTIONS, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (certificate_action_t)i;
    return 0;
}

const char *certificate_action_name(certificate_action_t action)
{
    return (int)action >= 0 && (int)action < CERTIFICATE_NACTIONS ? action_names[action] : NULL;
}

bool certificate_status_is_final(certificate_status_t status)
{
    return status == CERTIFICATE_STATUS_WITHDRAWN || status == CERTIFICATE_STATUS_SUPERSEDED;
}

int certificate_transition(certificate_status_t from, certificate_action_t action, certificate_status_t *next,
                           const char **reason)
{
    const char *why = "unknown status or action";
    int ok = -1;
    if (certificate_status_name(from) != NULL && certificate_action_name(action) != NULL) {
        why = certificate_status_is_final(from)
                  ? (from == CERTIFICATE_STATUS_WITHDRAWN ? "a withdrawn certificate is never changed again"
                                                          : "a superseded revision is never changed again")
                  : moves[action].why;
        ok = (moves[action].from & FROM(from)) != 0 ? 0 : -1;
    }
    if (ok == 0 && next != NULL)
        *next = moves[action].to;
    else if (ok != 0 && reason != NULL)
        *reason = why;
    return ok;
}
