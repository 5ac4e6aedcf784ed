/*
 * The service's background work: the registry and webhook workers, started
 * with the server and stopped before it closes its connections, and the
 * notifications that wake them (the poll in each worker is the fallback).
 * The notify handlers run on the listener's thread, which libcc stops only after
 * background_stop: they reach the workers under `lock`, which stop also takes
 * before it frees them, so a notification racing shutdown never touches freed
 * memory (tests/unit/test_registry_background.c).
 */
#include <pthread.h>
#include <stdbool.h>
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

/* The running workers, for the notify handlers (which run on the listener's thread); NULL once stopping.
 * Read and written only under lock (a wake is a signal on a condition variable: short). */
static background_t *running;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Wakes the registry and/or the webhook workers, if still running. */
static void wake(bool registry, bool webhooks)
{
    pthread_mutex_lock(&lock);
    if (running != NULL && registry)
        registry_workers_wake(running->registry);
    if (running != NULL && webhooks)
        webhook_workers_wake(running->webhooks);
    pthread_mutex_unlock(&lock);
}

void *registry_sync_background_start(cc_server_t *server)
{
    const cc_config_t *config = cc_server_config(server);
    if (cc_outbound_init(&config->outbound_allow) != 0)
        cc_log(CC_LOG_ERROR, "outbound HTTP could not start: the registry and webhooks will fail");
    background_t *b = cc_calloc(1, sizeof(*b));
    b->registry = registry_workers_start(config);
    b->webhooks = webhook_workers_start(config);
    pthread_mutex_lock(&lock);
    running = b;
    pthread_mutex_unlock(&lock);
    return b;
}

void registry_sync_background_stop(void *state)
{
    background_t *b = state;
    pthread_mutex_lock(&lock); /* waits out a handler inside wake(); later ones see NULL */
    running = NULL;
    pthread_mutex_unlock(&lock);
    if (b == NULL)
        return;
    registry_workers_stop(b->registry);
    webhook_workers_stop(b->webhooks);
    free(b);
}

static void on_registry_notify(PGconn *pg, const char *channel, const char *payload, void *arg)
{
    (void)pg, (void)channel, (void)payload, (void)arg;
    wake(true, false);
}

static void on_webhooks_notify(PGconn *pg, const char *channel, const char *payload, void *arg)
{
    (void)pg, (void)channel, (void)payload, (void)arg;
    wake(false, true);
}

/* After a reconnect notifications may have been missed: wake everyone to look. */
static int on_reload(PGconn *pg, void *arg)
{
    (void)pg, (void)arg;
    wake(true, true);
    return 0;
}

const cc_notify_handler_t registry_sync_notify_handlers[REGISTRY_SYNC_NNOTIFY_HANDLERS] = {
    {"cc_registry", on_registry_notify, on_reload, NULL},
    {"cc_webhooks", on_webhooks_notify, NULL, NULL},
};
