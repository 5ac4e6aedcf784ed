/*
 * The public routes' rate limit (public_rate.h): token buckets per client address in a fixed
 * set-associative table (RATE_SETS sets of RATE_WAYS buckets, one mutex per set, so loop threads
 * rarely meet), configured once from the environment.
 */
#include "public_rate.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "cc_log.h"
#include "cc_problem.h"

#define RATE_SETS 4096 /* x RATE_WAYS buckets: 32768 addresses tracked at most (about 1.6 MB) */
#define RATE_WAYS 8
#define RATE_MAX 1000000000 /* per minute: high enough to disable the limit in effect */

/* ---- pure parts ---- */

static int parse_count(const char *s, int fallback, int *out)
{
    if (s == NULL || *s == '\0') {
        *out = fallback;
        return 0;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v < 1 || v > RATE_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

int public_rate_config_parse(public_rate_config_t *cfg, const char *rate, const char *burst,
                             const char *exempt)
{
    int per_minute, size;
    memset(cfg, 0, sizeof(*cfg));
    cfg->per_second = 1.0, cfg->burst = 20;
    if (parse_count(rate, 60, &per_minute) != 0 || parse_count(burst, 20, &size) != 0 ||
        cc_proxies_parse(&cfg->exempt, exempt != NULL ? exempt : "") != 0) {
        memset(&cfg->exempt, 0, sizeof(cfg->exempt));
        return -1;
    }
    cfg->per_second = per_minute / 60.0;
    cfg->burst = size;
    return 0;
}

void public_bucket_init(public_bucket_t *b, const public_rate_config_t *cfg, uint64_t now_ns)
{
    b->tokens = cfg->burst;
    b->at_ns = now_ns;
}

int public_bucket_take(public_bucket_t *b, const public_rate_config_t *cfg, uint64_t now_ns)
{
    if (now_ns > b->at_ns) {
        b->tokens += (double)(now_ns - b->at_ns) / 1e9 * cfg->per_second;
        if (b->tokens > cfg->burst)
            b->tokens = cfg->burst;
        b->at_ns = now_ns;
    }
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return 0;
    }
    double wait = ceil((1.0 - b->tokens) / cfg->per_second);
    return wait < 1 ? 1 : wait > 86400 ? 86400 : (int)wait;
}

static bool to_sockaddr(const char *addr, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        return true;
    }
    return false;
}

bool public_rate_is_exempt(const public_rate_config_t *cfg, const char *addr)
{
    struct sockaddr_storage ss;
    return cfg->exempt.count > 0 && to_sockaddr(addr, &ss) &&
           cc_proxies_contains(&cfg->exempt, (struct sockaddr *)&ss);
}

void public_rate_key(const char *addr, uint8_t key[16])
{
    struct sockaddr_storage ss;
    memset(key, 0, 16);
    if (to_sockaddr(addr, &ss)) {
        if (ss.ss_family == AF_INET) {
            key[10] = key[11] = 0xff;
            memcpy(key + 12, &((struct sockaddr_in *)&ss)->sin_addr, 4);
        } else {
            memcpy(key, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
        }
        return;
    }
    uint64_t h = 14695981039346656037ULL; /* not an address ("unknown"): FNV-1a, kept apart by key[0] */
    for (const char *s = addr; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    key[0] = 0x01;
    memcpy(key + 8, &h, 8);
}

/* ---- the table ---- */

typedef struct slot {
    uint8_t key[16];
    bool used;
    public_bucket_t bucket;
} slot_t;

typedef struct set {
    pthread_mutex_t mutex;
    slot_t slots[RATE_WAYS];
} set_t;

static public_rate_config_t config;
static set_t *sets;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup(void)
{
    const char *rate = getenv("CC_PUBLIC_RATE"), *burst = getenv("CC_PUBLIC_BURST");
    const char *exempt = getenv("CC_PUBLIC_RATE_EXEMPT");
    if (public_rate_config_parse(&config, rate, burst, exempt) != 0)
        cc_log(CC_LOG_ERROR, "invalid CC_PUBLIC_RATE, CC_PUBLIC_BURST or CC_PUBLIC_RATE_EXEMPT: using "
                             "the defaults (60 per minute, bursts of 20, no exemption)");
    sets = calloc(RATE_SETS, sizeof(*sets));
    if (sets == NULL)
        abort();
    for (size_t i = 0; i < RATE_SETS; i++)
        pthread_mutex_init(&sets[i].mutex, NULL);
}

/* Takes a token from key's bucket (made, or evicting the set's least recently used, when absent). */
static int take(const uint8_t key[16], uint64_t now)
{
    uint64_t h = 14695981039346656037ULL;
    for (int i = 0; i < 16; i++)
        h = (h ^ key[i]) * 1099511628211ULL;
    set_t *s = &sets[h % RATE_SETS];
    pthread_mutex_lock(&s->mutex);
    slot_t *hit = NULL, *victim = &s->slots[0];
    for (int i = 0; i < RATE_WAYS && hit == NULL; i++) {
        slot_t *x = &s->slots[i];
        if (x->used && memcmp(x->key, key, 16) == 0)
            hit = x;
        else if (!x->used || (victim->used && x->bucket.at_ns < victim->bucket.at_ns))
            victim = x;
    }
    if (hit == NULL) {
        hit = victim;
        memcpy(hit->key, key, 16);
        hit->used = true;
        public_bucket_init(&hit->bucket, &config, now);
    }
    int wait = public_bucket_take(&hit->bucket, &config, now);
    pthread_mutex_unlock(&s->mutex);
    return wait;
}

bool public_rate_admit(cc_request_t *r)
{
    pthread_once(&once, setup);
    if (public_rate_is_exempt(&config, r->remote_addr))
        return true;
    uint8_t key[16];
    public_rate_key(r->remote_addr, key);
    int wait = take(key, cc_now_ns());
    if (wait == 0)
        return true;
    char seconds[16], detail[96];
    snprintf(seconds, sizeof(seconds), "%d", wait);
    snprintf(detail, sizeof(detail), "too many requests from this address; try again in %d s", wait);
    cc_set_header(r, "retry-after", seconds);
    cc_set_header(r, "access-control-allow-origin", "*");
    cc_set_header(r, "access-control-expose-headers", "Retry-After");
    cc_set_header(r, "cache-control", "no-store");
    cc_respond_error(r, 429, "rate_limited", detail);
    return false;
}
