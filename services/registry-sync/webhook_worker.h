/*
 * The webhook workers (ARCHITECTURE.md "Webhooks"): threads that claim due deliveries
 * (cc_webhook_due_tenants, FOR UPDATE SKIP LOCKED and a lease), sign each (webhook_signature.h) and POST
 * it through the outbound guard, record every attempt, and retry with backoff until delivered or out of
 * attempts. Configuration (README.md): CC_WEBHOOK_WORKERS, CC_WEBHOOK_TIMEOUT, CC_WEBHOOK_MAX_ATTEMPTS,
 * CC_WEBHOOK_BACKOFF.
 */
#ifndef WEBHOOK_WORKER_H
#define WEBHOOK_WORKER_H

#include "cc_config.h"

typedef struct webhook_workers webhook_workers_t;

/* Starts the webhook workers; NULL when none are configured (CC_WEBHOOK_WORKERS=0). */
webhook_workers_t *webhook_workers_start(const cc_config_t *config);

/* Wakes every idle webhook worker (any thread; a notification on cc_webhooks). */
void webhook_workers_wake(webhook_workers_t *w);

/* Ends the workers and returns once every thread has ended. NULL is a no-op. */
void webhook_workers_stop(webhook_workers_t *w);

#endif
