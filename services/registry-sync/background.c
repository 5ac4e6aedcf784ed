/*
 * The service's background work: the registry and webhook workers, started
 * with the server and stopped before it closes its connections, and the
 * notifications that wake them (the poll in each worker is the fallback).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "cc_log.h"
#include "cc_mem.h"
#include "cc_outbound.h"
#include "registry_sync.h"
#include "registry_worker.h"
#include "webhook_worker.h"

typedef struct background {
    registry_workers_t *registry;
    webhook_workers_t *webhooks;
} background_t;

/* The running workers, for the notify handlers (which run on the listener's thread). */
static _Atomic(background_t *) running;

void *registry_sync_background_start(cc_server_t *server)
{
    const cc_config_t *config = cc_server_config(server);
    if (cc_outbound_init(&config->outbound_allow) != 0)
        cc_log(CC_LOG_ERROR, "outbound HTTP could not start: the registry and webhooks will fail");
    background_t *b = cc_calloc(1, sizeof(*b));
    b->registry = registry_workers_start(config);
    b->webhooks = webhook_workers_start(config);
    atomic_store(&running, b);
    return b;
}

void registry_sync_background_stop(void *state)
{
    background_t *b = state;
    atomic_store(&running, NULL);
    if (b == NULL)
        return;
    registry_workers_stop(b->registry);
    webhook_workers_stop(b->webhooks);
    free(b);
}

static void on_registry_notify(PGconn *pg, const char *channel, const char *payload, void *arg)
{
    (void)pg, (void)channel, (void)payload, (void)arg;
    background_t *b = atomic_load(&running);
    if (b != NULL)
        registry_workers_wake(b->registry);
}

static void on_webhooks_notify(PGconn *pg, const char *channel, const char *payload, void *arg)
{
    (void)pg, (void)channel, (void)payload, (void)arg;
    background_t *b = atomic_load(&running);
    if (b != NULL)
        webhook_workers_wake(b->webhooks);
}

/* After a reconnect notifications may have been missed: wake everyone to look. */
static int on_reload(PGconn *pg, void *arg)
{
    (void)pg, (void)arg;
    background_t *b = atomic_load(&running);
    if (b != NULL) {
        registry_workers_wake(b->registry);
        webhook_workers_wake(b->webhooks);
    }
    return 0;
}

const cc_notify_handler_t registry_sync_notify_handlers[REGISTRY_SYNC_NNOTIFY_HANDLERS] = {
    {"cc_registry", on_registry_notify, on_reload, NULL},
    {"cc_webhooks", on_webhooks_notify, NULL, NULL},
};
