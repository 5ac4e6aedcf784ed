/*
 * certcycle-registry-sync: IAF CertSearch synchronisation from the certificate
 * outbox, consent-aware, and the CB's signed webhooks. Configuration: README.md.
 */
#include "registry_sync.h"

int main(void)
{
    const cc_service_t service = {
        .name = "registry-sync",
        .default_port = 8105,
        .routes = registry_sync_routes,
        .nroutes = registry_sync_nroutes,
        .read_statements = registry_sync_read_statements,
        .nread_statements = registry_sync_nread_statements,
        .housekeeping = registry_sync_housekeeping,
        .housekeeping_at_start = true,
        .housekeeping_max_interval = 60,
        .notify_handlers = registry_sync_notify_handlers,
        .nnotify_handlers = REGISTRY_SYNC_NNOTIFY_HANDLERS,
        .background_start = registry_sync_background_start,
        .background_stop = registry_sync_background_stop,
    };
    return cc_service_main(&service);
}
