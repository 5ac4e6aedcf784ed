/*
 * Per-tenant change counters for caches of tenant settings. A loop thread's
 * cache remembers the epoch of a tenant when it fetched the tenant's settings
 * and treats the entry as stale once the epoch has moved. The server's
 * listener bumps a tenant's epoch on each cc_settings notification, and every
 * epoch after a reconnect (a change may have been missed). Tenants share a
 * counter when their ids hash alike, which costs a spurious refetch, never a
 * stale read. Lock-free: one atomic load per lookup.
 */
#ifndef CC_TENANT_EPOCHS_H
#define CC_TENANT_EPOCHS_H

#include <stdint.h>

/* The current epoch of tenant_id (a UUID string; any string works). */
uint64_t cc_tenant_epoch(const char *tenant_id);

/* Moves tenant_id's epoch on. */
void cc_tenant_epoch_bump(const char *tenant_id);

/* Moves every tenant's epoch on. */
void cc_tenant_epoch_bump_all(void);

#endif
