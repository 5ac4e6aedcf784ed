/*
 * One webhook worker's round for one tenant (webhook_delivery.c): claim the due deliveries, POST each,
 * record each attempt. The threads around it are webhook_worker.c's.
 */
#ifndef WEBHOOK_DELIVERY_H
#define WEBHOOK_DELIVERY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cc_db.h"

typedef struct webhook_settings {
    int timeout_ms;   /* CC_WEBHOOK_TIMEOUT: one POST, connect included */
    int backoff_ms;   /* CC_WEBHOOK_BACKOFF: the first retry's delay, doubling after each failure */
    int max_attempts; /* CC_WEBHOOK_MAX_ATTEMPTS: then the delivery is failed */
    int lease_s;      /* how long a claim holds a batch: longer than the batch's POSTs can take */
    uint8_t master_key[32];
    const atomic_bool *cancel; /* set when the service stops: a POST under way ends at once */
} webhook_settings_t;

/* Deliveries claimed in one short transaction. */
#define WEBHOOK_BATCH 10

/*
 * Claims up to WEBHOOK_BATCH due deliveries of tenant (FOR UPDATE SKIP LOCKED, then a lease, in a short
 * transaction), POSTs each outside any transaction, and records each attempt. *next_due_ms is lowered to
 * the delay of the earliest retry it scheduled (so the worker wakes for it). Returns how many deliveries
 * it attempted (0: none was due), or -1 when the database failed (the caller waits before trying again).
 * *seed is the caller's rand_r state (the backoff's jitter).
 */
int webhook_deliver_due(cc_dbconn_t *db, const webhook_settings_t *s, const char *tenant,
                        int64_t *next_due_ms, unsigned *seed);

/* The backoff before retry number attempts + 1: base · 2^attempts with jitter (half to the whole of it),
 * capped at an hour. */
int64_t webhook_backoff_ms(int base_ms, int attempts, unsigned *seed);

#endif
