/*
 * The public routes' rate limit per client address (issue 9 "Public verification"): a token bucket per
 * address, CC_PUBLIC_RATE requests per minute (default 60) with bursts of CC_PUBLIC_BURST (20); addresses in
 * CC_PUBLIC_RATE_EXEMPT (comma-separated IPv4/IPv6 CIDR blocks, e.g. the CB's own monitoring; empty by
 * default) are never limited. The address is the request's (cc_request_t.remote_addr): the right-most
 * X-Forwarded-For entry, the one the gateway appended, when the peer is a trusted proxy
 * (CC_TRUSTED_PROXIES), else the peer. Memory is bounded: a fixed set-associative table whose least
 * recently seen bucket in a full set is evicted (an idle bucket has refilled anyway).
 */
#ifndef PUBLIC_RATE_H
#define PUBLIC_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "cc_http.h"
#include "cc_proxies.h"

/*
 * Admits r, or answers it 429 rate_limited (problem+json, Retry-After in whole seconds,
 * Access-Control-Allow-Origin: *) and returns false. Loop threads; thread-safe.
 */
bool public_rate_admit(cc_request_t *r);

/* ---- the pure parts (unit-tested) ---- */

typedef struct public_rate_config {
    double per_second; /* tokens added per second (CC_PUBLIC_RATE / 60) */
    double burst;      /* the bucket's size */
    cc_proxies_t exempt;
} public_rate_config_t;

typedef struct public_bucket {
    double tokens;
    uint64_t at_ns; /* when tokens was computed */
} public_bucket_t;

/*
 * Reads rate (per minute, 1..1000000), burst (1..1000000) and the exempt list (CIDRs; "" none) into cfg.
 * NULL rate or burst take the defaults (60, 20). Returns 0, or -1 when a value is malformed (cfg then
 * holds the defaults and no exemption).
 */
int public_rate_config_parse(public_rate_config_t *cfg, const char *rate, const char *burst,
                             const char *exempt);

/* Starts a bucket full at now_ns. */
void public_bucket_init(public_bucket_t *b, const public_rate_config_t *cfg, uint64_t now_ns);

/*
 * Refills b for the time since its last use and takes one token. Returns 0 when admitted, else the
 * seconds (at least 1) until a token is there; b then keeps its refilled count.
 */
int public_bucket_take(public_bucket_t *b, const public_rate_config_t *cfg, uint64_t now_ns);

/* True when the textual address (IPv4 or IPv6) lies in one of cfg's exempt blocks. */
bool public_rate_is_exempt(const public_rate_config_t *cfg, const char *addr);

/* The 16-byte key of a textual address: IPv6 as is, IPv4 mapped (::ffff:a.b.c.d), anything else hashed. */
void public_rate_key(const char *addr, uint8_t key[16]);

#endif
