/*
 * TEMPORARY: 501 answers and empty workers for what is not built yet. Each
 * slice deletes the lines it implements; the last one deletes this file.
 */
#include "registry_sync.h"
#include "registry_worker.h"

#define PENDING(fn)                                                                                          \
    void fn(cc_request_t *r)                                                                                 \
    {                                                                                                        \
        cc_respond_error(r, 501, "not_implemented", "not built yet");                                        \
    }

PENDING(registry_settings_get_handle)
PENDING(registry_settings_put_handle)
PENDING(registry_status_handle)
PENDING(registry_resync_handle)
PENDING(registry_reconcile_handle)
PENDING(registry_dead_letters_list_handle)
PENDING(registry_dead_letter_retry_handle)

int registry_monthly_duty(cc_dbconn_t *db, const char *tenant_id)
{
    (void)db, (void)tenant_id;
    return 0;
}

/* TEMPORARY: no workers until the registry and webhooks slices build them. */
registry_workers_t *registry_workers_start(const cc_config_t *config)
{
    (void)config;
    return NULL;
}
void registry_workers_wake(registry_workers_t *w)
{
    (void)w;
}
void registry_workers_stop(registry_workers_t *w)
{
    (void)w;
}
