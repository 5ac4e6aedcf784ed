/*
 * Service configuration from the environment (twelve-factor), with defaults
 * that work on a developer's machine. README.md documents every variable.
 */
#ifndef CC_CONFIG_H
#define CC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_log.h"
#include "cc_proxies.h"

/* The largest request body any route accepts: 24 MiB (deploy/h2o.conf's limit-request-body). */
#define CC_MAX_BODY (24u * 1024 * 1024)

typedef struct cc_config {
    char listen_host[64];
    int listen_port;
    int threads;              /* event-loop threads */
    int workers;              /* worker-pool threads (blocking work, transactions) */
    int worker_nice;          /* nice value of the worker threads, so CPU-heavy jobs yield to the loops */
    int db_pool;              /* async read connections per loop thread */
    const char *app_db_url;   /* CC_APP_DATABASE_URL (services) */
    const char *owner_db_url; /* DATABASE_URL (migrations, CLI) */
    const char *jwt_issuer;
    int access_ttl;   /* seconds */
    int refresh_ttl;  /* seconds */
    int keys_refresh; /* seconds between signing-key reloads */
    bool has_master_key;
    uint8_t master_key[32];
    size_t max_json_body;    /* bytes */
    size_t max_body;         /* bytes: the largest body any route accepts (libh2o's own cap); see below */
    int login_address_limit; /* failed logins per address per 15 minutes */
    cc_proxies_t trusted_proxies; /* peers whose X-Forwarded-For is believed */
    cc_log_level_t log_level;
    int hash_workers;          /* password-hashing pool threads; default one per core but one */
    int hash_queue;            /* hashing jobs that may wait; beyond, 503 with Retry-After */
    int shutdown_timeout;      /* seconds SIGTERM waits for in-flight requests before exiting anyway */
    int housekeeping_interval; /* seconds between runs of the service's housekeeping */
    cc_proxies_t
        outbound_allow; /* CC_OUTBOUND_ALLOW: the only non-public addresses outbound calls may reach */
} cc_config_t;

/*
 * Fills cfg from the environment; default_port is the service's own. Returns
 * 0, or -1 after logging what is wrong (e.g. a malformed CC_MASTER_KEY).
 */
int cc_config_load(cc_config_t *cfg, int default_port);

/* Returns getenv(name), or fallback when unset or empty. */
const char *cc_env(const char *name, const char *fallback);

/* Returns the integer in getenv(name) within [min, max], or fallback when unset; -1 sets *bad. */
int cc_env_int(const char *name, int fallback, int min, int max, int *bad);

#endif
