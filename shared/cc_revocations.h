/*
 * The users' token state in process memory: for each user, the instant before
 * which their access tokens are refused (tokens_not_before), their current
 * role and client organisation, and whether they are disabled or deleted. The
 * per-thread token caches trust a token's claims; this table is what makes a
 * disabled, demoted or deleted user's token stop working within a second
 * everywhere. It is loaded whole at start and after every reconnect of the
 * listener (cc_user_token_states(), migration 0012) and updated from each
 * cc_users notification. Times are whole seconds, like a token's iat: a
 * change refuses tokens issued in earlier seconds (so a login right after a
 * new password works). Thread-safe: one writer (the listener), many readers
 * (the loops) under a read-write lock held only for a lookup or a swap.
 */
#ifndef CC_REVOCATIONS_H
#define CC_REVOCATIONS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_jwt.h"
#include "cc_roles.h"

/* Seconds of clock difference allowed between the process that issued a token and the one checking it. */
#define CC_REVOCATIONS_SKEW 5

typedef struct cc_revocations cc_revocations_t;

/* One user's state, as text (canonical UUIDs); "" client_id when none. */
typedef struct cc_user_state {
    char user_id[37];
    char tenant_id[37];
    int64_t not_before; /* epoch seconds; 0 when none */
    cc_role_t role;
    char client_id[37];
    bool disabled;
    bool deleted;
} cc_user_state_t;

/* Returns an empty, never-loaded table (every token passes until the first load). Free with
 * cc_revocations_free. */
cc_revocations_t *cc_revocations_new(void);

/* Frees the table; accepts NULL. No reader may use it any more. */
void cc_revocations_free(cc_revocations_t *t);

/*
 * Replaces the whole table with states (a full load taken at loaded_at, epoch
 * seconds by this process's clock, read before the load's query ran). From
 * then on a token of a user the table does not know, issued more than
 * CC_REVOCATIONS_SKEW seconds before loaded_at, belongs to a deleted user and
 * is refused. Returns 0, or -1 when a state's UUIDs do not parse (nothing changes).
 */
int cc_revocations_replace(cc_revocations_t *t, const cc_user_state_t *states, size_t n, int64_t loaded_at);

/* Sets one user's state (a deleted one stays as a tombstone until the next load). Returns 0 or -1 (bad UUID).
 */
int cc_revocations_set(cc_revocations_t *t, const cc_user_state_t *state);

/*
 * Applies the JSON payload of a cc_users notification:
 * {"tenant_id","user_id","role","client_id","disabled","tokens_not_before"} or
 * {"tenant_id","user_id","deleted":true}. Returns 0, or -1 when it is not one (nothing changes).
 */
int cc_revocations_apply_json(cc_revocations_t *t, const char *payload);

/*
 * Loads every user's state with cc_user_token_states() on pg (blocking) and
 * replaces the table. now is the current epoch time. Returns 0, or -1 after
 * logging why (the table is unchanged).
 */
int cc_revocations_load(cc_revocations_t *t, PGconn *pg, int64_t now);

/*
 * Checks verified claims against the table. Returns false when the token must
 * be refused: its user is disabled or deleted, it was issued before the user's
 * tokens_not_before, or the user's client organisation is no longer the
 * token's. Otherwise returns true, and sets claims->role to the user's current
 * role when that differs (a demoted user acts with the role they have now).
 */
bool cc_revocations_check(cc_revocations_t *t, cc_claims_t *claims);

/*
 * True once the table has been loaded from the database. Until then a token
 * cannot be checked, so authenticated requests answer 503 and /readyz is not
 * ready: a service must never serve a revoked user because it has just started.
 */
bool cc_revocations_is_loaded(cc_revocations_t *t);

/* The number of users in the table (for tests and logs). */
size_t cc_revocations_count(cc_revocations_t *t);

#endif
