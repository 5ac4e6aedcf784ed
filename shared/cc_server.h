/*
 * A service process: configuration, N event-loop threads each with its own
 * h2o context, listener (SO_REUSEPORT), async read pool and token cache; one
 * worker pool; the signing-key set, reloaded from the database in the
 * background; the users' token state and tenant-settings epochs, pushed by
 * LISTEN/NOTIFY (cc_notify.h); and the built-in /healthz, /readyz and /metrics.
 */
#ifndef CC_SERVER_H
#define CC_SERVER_H

#include <h2o.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "cc_config.h"
#include "cc_dbasync.h"
#include "cc_http.h"
#include "cc_jwt.h"
#include "cc_metrics.h"
#include "cc_notify.h"
#include "cc_revocations.h"
#include "cc_token_cache.h"
#include "cc_workers.h"

typedef struct cc_server cc_server_t;

typedef struct cc_service {
    const char *name; /* "identity" */
    int default_port;
    const cc_route_t *routes;
    size_t nroutes;
    const cc_sql_t *const *read_statements; /* prepared on every async connection */
    size_t nread_statements;
    bool signs_tokens; /* loads private keys (needs CC_MASTER_KEY) */
    /* Also loads the attestation keys (migration 0021; cc_request_attestation_keys): public halves only
     * (identity, for the JWKS), or with the active private key (certificates, which signs; CC_MASTER_KEY). */
    bool attestation_keys;
    bool signs_attestations;
    bool hashes_passwords; /* starts the hashing pool (CC_HASH_WORKERS) for cc_job_submit_hashing */
    /* NULL, or run every CC_HOUSEKEEPING_INTERVAL seconds (first after one interval) on a thread of its own
     * with its own connection (usable: ensured before each run); purges what has expired. */
    void (*housekeeping)(cc_dbconn_t *db);
    bool housekeeping_at_start;    /* also run it once at start */
    int housekeeping_max_interval; /* > 0: run at least this often (seconds), whatever the setting */
    /* The service's own LISTEN channels, added to the listener every service runs (cc_notify.h). */
    const cc_notify_handler_t *notify_handlers;
    size_t nnotify_handlers;
    /* NULL, or the service's own long-running work (registry-sync's outbox workers): started once the
     * listeners run; its stop is called at shutdown, after the listeners close and before the database
     * connections do, and must return only when that work has ended. */
    void *(*background_start)(cc_server_t *server);
    void (*background_stop)(void *state);
} cc_service_t;

typedef struct cc_thread {
    int index;
    cc_server_t *server;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    h2o_socket_t *listener;
    h2o_multithread_receiver_t job_receiver;
    cc_dbpool_t *db;
    cc_token_cache_t *tokens;
    cc_keyset_t *keys; /* this thread's reference to the current key set */
    unsigned keys_generation;
    pthread_t tid;
} cc_thread_t;

struct cc_server {
    const cc_service_t *service;
    cc_config_t config;
    h2o_globalconf_t globalconf;
    cc_route_t *routes; /* the service's routes + built-ins */
    size_t nroutes;
    cc_thread_t *threads;
    cc_workers_t *workers;    /* transactions */
    cc_workers_t *hashers;    /* password hashing; NULL unless the service hashes passwords */
    cc_workers_t *connectors; /* read-pool reconnections */
    cc_metrics_t *metrics;
    pthread_mutex_t keys_mutex;
    cc_keyset_t *keys;             /* access-token keys; guarded by keys_mutex */
    cc_keyset_t *attestation_keys; /* attestation keys when the service loads them; guarded by keys_mutex */
    atomic_uint keys_generation;
    atomic_bool draining;          /* SIGTERM: listeners closed, in-flight requests finish */
    atomic_bool stopping;          /* the loops end */
    atomic_int inflight;           /* requests received and not yet done (their h2o request freed) */
    cc_revocations_t *revocations; /* users' token state, kept current by notify */
    cc_notify_t *notify;           /* LISTENs on cc_users and cc_settings */
};

/*
 * Runs the service until SIGTERM or SIGINT, then shuts down gracefully: stops
 * accepting, lets in-flight requests and their jobs finish (at most
 * CC_SHUTDOWN_TIMEOUT seconds), closes its connections. Returns the process
 * exit code (0 after a signal, also when the timeout abandoned requests).
 */
int cc_service_main(const cc_service_t *service);

/* cc_request_keys and cc_request_config: see cc_http.h (handlers need not include this header). */

/* The server's configuration (borrowed: lives as long as the server). Any thread. */
const cc_config_t *cc_server_config(const cc_server_t *server);

/* The server of a thread / request. */
cc_server_t *cc_request_server(const cc_request_t *r);

/* Returns a retained reference to the current key set (any thread); the caller releases it. */
cc_keyset_t *cc_server_keys(cc_server_t *server);

/* Likewise the attestation key set (an empty set when the service does not load it). */
cc_keyset_t *cc_server_attestation_keys(cc_server_t *server);

#endif
