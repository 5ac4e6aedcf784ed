/*
 * A per-thread cache of verified access tokens, keyed by the SHA-256 of the
 * token, so that a hot token is verified once (ECDSA verification costs far
 * more than the request). Entries expire with the token. Not thread-safe by
 * design: each event-loop thread owns one.
 */
#ifndef CC_TOKEN_CACHE_H
#define CC_TOKEN_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "cc_jwt.h"

typedef struct cc_token_cache cc_token_cache_t;

/*
 * Creates a cache holding up to capacity entries (rounded up to a power of two,
 * at least 1, at most 2^20). Free it with cc_token_cache_free (accepts NULL).
 */
cc_token_cache_t *cc_token_cache_new(size_t capacity);
void cc_token_cache_free(cc_token_cache_t *cache);

/* The number of slots after rounding (for tests and metrics). */
size_t cc_token_cache_capacity(const cc_token_cache_t *cache);

/*
 * Looks token up. Returns 0 and copies the claims into *out when a live entry
 * (exp > now) exists whose kid is still in ks; -1 otherwise (a stale entry is dropped).
 */
int cc_token_cache_get(cc_token_cache_t *cache, const char *token, size_t token_len, const cc_keyset_t *ks,
                       int64_t now, cc_claims_t *out);

/* Stores verified claims for token, evicting whatever occupied its slot. */
void cc_token_cache_put(cc_token_cache_t *cache, const char *token, size_t token_len,
                        const cc_claims_t *claims);

#endif
