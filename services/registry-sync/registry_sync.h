/*
 * The registry-sync service (issue 10; ARCHITECTURE.md "Registry sync", DOMAIN.md "IAF CertSearch"):
 * the tenant's IAF CertSearch settings, status and repair (resync, reconcile, dead letters), the CB's
 * webhooks, and the workers that drain the certificate outbox to both. The schema is
 * db/migrations/0022_registry_sync.sql.
 */
#ifndef REGISTRY_SYNC_H
#define REGISTRY_SYNC_H

#include "cc_db.h"
#include "cc_http.h"
#include "cc_notify.h"
#include "cc_server.h"

/* ---- routes (routes.c) ---- */
extern const cc_route_t registry_sync_routes[];
extern const size_t registry_sync_nroutes;
extern const cc_sql_t *const registry_sync_read_statements[];
extern const size_t registry_sync_nread_statements;

/* ---- the registry (admin) ---- */
void registry_settings_get_handle(cc_request_t *r);        /* GET /v1/registry/settings */
void registry_settings_put_handle(cc_request_t *r);        /* PUT /v1/registry/settings */
void registry_status_handle(cc_request_t *r);              /* GET /v1/registry/status */
void registry_resync_handle(cc_request_t *r);              /* POST /v1/registry/resync */
void registry_reconcile_handle(cc_request_t *r);           /* POST /v1/registry/reconcile */
void registry_dead_letters_list_handle(cc_request_t *r);   /* GET /v1/registry/dead-letters */
void registry_certifications_list_handle(cc_request_t *r); /* GET /v1/registry/certifications */
void registry_dead_letter_retry_handle(cc_request_t *r);   /* POST /v1/registry/dead-letters/{id}/retry */

/* ---- webhooks (admin) ---- */
void webhooks_create_handle(cc_request_t *r);     /* POST /v1/webhooks */
void webhooks_list_handle(cc_request_t *r);       /* GET /v1/webhooks */
void webhooks_get_handle(cc_request_t *r);        /* GET /v1/webhooks/{id} */
void webhooks_delete_handle(cc_request_t *r);     /* DELETE /v1/webhooks/{id} */
void webhooks_deliveries_handle(cc_request_t *r); /* GET /v1/webhooks/{id}/deliveries */

/* ---- the workers (background.c) ---- */

/* The service's background work: the registry workers (registry_worker.h) and the webhook workers
 * (webhook_worker.h), started with the server and stopped before it closes its connections. */
void *registry_sync_background_start(cc_server_t *server);
void registry_sync_background_stop(void *state);

/* LISTEN cc_registry / cc_webhooks: wake the workers at once (the poll is the fallback). */
#define REGISTRY_SYNC_NNOTIFY_HANDLERS 2
extern const cc_notify_handler_t registry_sync_notify_handlers[REGISTRY_SYNC_NNOTIFY_HANDLERS];

/* Per-tenant housekeeping (housekeeping.c; every CC_HOUSEKEEPING_INTERVAL, at least every minute): findings
 * that became overdue and the monthly duty, for each tenant in turn (cc_tenant_ids). */
void registry_sync_housekeeping(cc_dbconn_t *db);

/* Emits finding.overdue once per finding that is overdue today (webhook_overdue.c), in the tenant's own
 * transaction; returns 0, or -1 after logging a failure. */
int webhook_overdue_scan(cc_dbconn_t *db, const char *tenant_id);

/* The monthly duty (IAF MD 28; registry_monthly.c): records a resync in progress complete once nothing it
 * queued is pending or dead-lettered (cc_registry_complete_sync); then, when the month is within 7 days of
 * its end without a complete sync and sync is enabled, requests one (as POST /v1/registry/resync does).
 * Returns 0 or -1. */
int registry_monthly_duty(cc_dbconn_t *db, const char *tenant_id);

#endif
