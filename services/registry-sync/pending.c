/*
 * TEMPORARY: 501 answers and empty workers for what is not built yet. Each
 * slice deletes the lines it implements; the last one deletes this file.
 */
#include "registry_sync.h"
#include "webhook_worker.h"

#define PENDING(fn)                                                                                          \
    void fn(cc_request_t *r)                                                                                 \
    {                                                                                                        \
        cc_respond_error(r, 501, "not_implemented", "not built yet");                                        \
    }

PENDING(webhooks_create_handle)
PENDING(webhooks_list_handle)
PENDING(webhooks_get_handle)
PENDING(webhooks_delete_handle)
PENDING(webhooks_deliveries_handle)

int webhook_overdue_scan(cc_dbconn_t *db, const char *tenant_id)
{
    (void)db, (void)tenant_id;
    return 0;
}

/* TEMPORARY: no workers until the webhooks slice builds them. */
webhook_workers_t *webhook_workers_start(const cc_config_t *config)
{
    (void)config;
    return NULL;
}
void webhook_workers_wake(webhook_workers_t *w)
{
    (void)w;
}
void webhook_workers_stop(webhook_workers_t *w)
{
    (void)w;
}
