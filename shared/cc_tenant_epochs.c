/*
 * Per-tenant change counters (see cc_tenant_epochs.h): a fixed array of
 * atomic counters, indexed by a hash of the tenant id, plus one global
 * counter added to every tenant's epoch so that "bump all" is one increment.
 */
#include "cc_tenant_epochs.h"

#include <stdatomic.h>

#define SLOTS 256

static _Atomic uint64_t slots[SLOTS];
static _Atomic uint64_t global;

static unsigned slot_of(const char *tenant_id)
{
    unsigned hash = 5381;
    for (const char *p = tenant_id; *p != '\0'; p++)
        hash = hash * 33 + (unsigned char)*p;
    return hash % SLOTS;
}

uint64_t cc_tenant_epoch(const char *tenant_id)
{
    return atomic_load(&slots[slot_of(tenant_id)]) + atomic_load(&global);
}

void cc_tenant_epoch_bump(const char *tenant_id)
{
    atomic_fetch_add(&slots[slot_of(tenant_id)], 1);
}

void cc_tenant_epoch_bump_all(void)
{
    atomic_fetch_add(&global, 1);
}
