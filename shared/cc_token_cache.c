/*
 * A direct-mapped cache of verified access tokens for one event-loop thread.
 * The slot is chosen by a prefix of the token's SHA-256; the slot keeps the
 * whole hash and the claims, never the token, and a lookup compares the whole
 * hash. See cc_token_cache.h.
 */
#include "cc_token_cache.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_mem.h"

/* Beyond this a cache is a configuration mistake, not a cache. */
#define MAX_CAPACITY ((size_t)1 << 20)

typedef struct {
    bool is_used;
    uint8_t hash[CC_SHA256_LEN];
    cc_claims_t claims;
} cc_token_slot_t;

struct cc_token_cache {
    size_t mask; /* capacity - 1; capacity is a power of two */
    cc_token_slot_t *slots;
};

cc_token_cache_t *cc_token_cache_new(size_t capacity)
{
    cc_token_cache_t *cache = cc_calloc(1, sizeof(*cache));
    size_t n = 1;

    if (capacity > MAX_CAPACITY)
        capacity = MAX_CAPACITY;
    while (n < capacity)
        n <<= 1;
    cache->mask = n - 1;
    cache->slots = cc_calloc(n, sizeof(cache->slots[0]));
    return cache;
}

void cc_token_cache_free(cc_token_cache_t *cache)
{
    if (cache == NULL)
        return;
    free(cache->slots);
    free(cache);
}

size_t cc_token_cache_capacity(const cc_token_cache_t *cache)
{
    return cache->mask + 1;
}

static cc_token_slot_t *slot_of(cc_token_cache_t *cache, const char *token, size_t token_len,
                                uint8_t hash[CC_SHA256_LEN])
{
    uint64_t prefix = 0;

    cc_sha256(token, token_len, hash);
    for (int i = 0; i < 8; i++)
        prefix = prefix << 8 | hash[i];
    return &cache->slots[prefix & cache->mask];
}

int cc_token_cache_get(cc_token_cache_t *cache, const char *token, size_t token_len, const cc_keyset_t *ks,
                       int64_t now, cc_claims_t *out)
{
    uint8_t hash[CC_SHA256_LEN];
    cc_token_slot_t *slot = slot_of(cache, token, token_len, hash);

    if (!slot->is_used || !cc_is_equal_ct(slot->hash, hash, sizeof(hash)))
        return -1;
    /* Expired, or signed by a key that has since been deleted: drop it. */
    if (now >= slot->claims.exp || !cc_keyset_has(ks, slot->claims.kid)) {
        memset(slot, 0, sizeof(*slot));
        return -1;
    }
    *out = slot->claims;
    return 0;
}

void cc_token_cache_put(cc_token_cache_t *cache, const char *token, size_t token_len,
                        const cc_claims_t *claims)
{
    uint8_t hash[CC_SHA256_LEN];
    cc_token_slot_t *slot = slot_of(cache, token, token_len, hash);

    slot->is_used = true;
    memcpy(slot->hash, hash, sizeof(hash));
    slot->claims = *claims;
}
