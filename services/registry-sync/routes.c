/*
 * The registry-sync service's route table (method, path, handler, roles
 * allowed) and the statements its reads prepare on the read connections.
 * Everything here is the CB's administration: admins only.
 */
#include "cc_roles.h"
#include "registry_api.h"
#include "registry_sync.h"
#include "webhooks.h"

const cc_route_t registry_sync_routes[] = {
    {"GET", "/v1/registry/settings", registry_settings_get_handle, CC_ROLE_ADMIN},
    {"PUT", "/v1/registry/settings", registry_settings_put_handle, CC_ROLE_ADMIN},
    {"GET", "/v1/registry/status", registry_status_handle, CC_ROLE_ADMIN},
    {"POST", "/v1/registry/resync", registry_resync_handle, CC_ROLE_ADMIN},
    {"POST", "/v1/registry/reconcile", registry_reconcile_handle, CC_ROLE_ADMIN},
    {"GET", "/v1/registry/dead-letters", registry_dead_letters_list_handle, CC_ROLE_ADMIN},
    {"POST", "/v1/registry/dead-letters/{id}/retry", registry_dead_letter_retry_handle, CC_ROLE_ADMIN},
    {"GET", "/v1/registry/certifications", registry_certifications_list_handle, CC_ROLE_ADMIN},
    {"POST", "/v1/webhooks", webhooks_create_handle, CC_ROLE_ADMIN},
    {"GET", "/v1/webhooks", webhooks_list_handle, CC_ROLE_ADMIN},
    {"GET", "/v1/webhooks/{id}", webhooks_get_handle, CC_ROLE_ADMIN},
    {"DELETE", "/v1/webhooks/{id}", webhooks_delete_handle, CC_ROLE_ADMIN},
    {"GET", "/v1/webhooks/{id}/deliveries", webhooks_deliveries_handle, CC_ROLE_ADMIN},
};

const size_t registry_sync_nroutes = sizeof(registry_sync_routes) / sizeof(registry_sync_routes[0]);

/* Each slice adds its read statements here (one line each). */
const cc_sql_t *const registry_sync_read_statements[] = {
    &sql_registry_settings_get,        &sql_registry_status, &sql_registry_dead_letters_list,
    &sql_registry_certifications_list, &sql_webhooks_list,   &sql_webhook_get,
    &sql_webhook_deliveries, /* webhook_read.c */
};

const size_t registry_sync_nread_statements =
    sizeof(registry_sync_read_statements) / sizeof(registry_sync_read_statements[0]);
