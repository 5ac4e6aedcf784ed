/*
 * The registry workers (ARCHITECTURE.md "Registry sync"): threads that find the tenants with due work
 * (cc_registry_due_tenants), claim pending certifications (FOR UPDATE SKIP LOCKED, then a lease), map
 * each to its IAF CertSearch record from the current data (registry_map.h), send it (registry_client.h:
 * a bulk upload of at most 100 for a backlog, a single upload for a lone change, a delete when consent
 * was withdrawn) and record the outcome; they wake on LISTEN cc_registry and poll as a fallback.
 * Configuration (README.md): CC_REGISTRY_WORKERS, CC_REGISTRY_POLL, CC_REGISTRY_LEASE,
 * CC_REGISTRY_TIMEOUT, CC_REGISTRY_MAX_ATTEMPTS, CC_REGISTRY_BACKOFF.
 */
#ifndef REGISTRY_WORKER_H
#define REGISTRY_WORKER_H

#include "cc_config.h"

typedef struct registry_workers registry_workers_t;

/* Starts the registry workers with their own database connections (config->app_db_url) and the master
 * key (to open the tenants' API keys). Returns NULL when none are configured (CC_REGISTRY_WORKERS=0). */
registry_workers_t *registry_workers_start(const cc_config_t *config);

/* Wakes every idle registry worker (any thread; a notification on cc_registry). */
void registry_workers_wake(registry_workers_t *w);

/* Ends the workers: an in-flight call is cancelled, its lease lapses (the next claim sends again); returns
 * once every thread has ended. NULL is a no-op. */
void registry_workers_stop(registry_workers_t *w);

#endif
