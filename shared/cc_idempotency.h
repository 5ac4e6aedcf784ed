/*
 * Idempotency-Key for POST (ARCHITECTURE.md "API conventions"): the same key from the same caller
 * gets the same response and causes one effect. The key is claimed inside the
 * job's own transaction and the answer stored before it commits, so a retry
 * replays, a concurrent duplicate waits for the first and then replays, and a
 * failed request leaves the key free. Table: idempotency_keys (0004).
 */
#ifndef CC_IDEMPOTENCY_H
#define CC_IDEMPOTENCY_H

#include <stdbool.h>

#include "cc_db.h"
#include "cc_http.h"
#include "cc_workers.h"

#define CC_IDEMPOTENCY_KEY_MAX 255

typedef struct cc_idempotency {
    bool present;
    char key[CC_IDEMPOTENCY_KEY_MAX + 1];
    char method[8];
    char path[256];
    char request_hash[68]; /* "\\x" + hex SHA-256 of method, path and body: a bytea parameter */
} cc_idempotency_t;

/*
 * Reads r's Idempotency-Key header into *out (out->present is false without
 * one). Answers 400 naming the header and returns -1 when it is not 1 to 255
 * printable ASCII characters.
 */
int cc_idempotency_read_or_respond(cc_request_t *r, cc_idempotency_t *out);

/*
 * Claims the key for actor_id in db's open transaction (tenant set). Returns
 * 0: proceed, then call cc_idempotency_store before committing; 1: the job's
 * answer is set (the stored response of the first request, or 422
 * idempotency_key_reused when the key came with another request) and the job
 * must stop without committing; -1: the database failed (answer set to 503).
 * Without a key it returns 0 and does nothing.
 */
int cc_idempotency_claim(cc_job_t *job, cc_dbconn_t *db, const cc_idempotency_t *idem, const char *tenant_id,
                         const char *actor_id);

/* Stores the job's current answer under the claimed key, in the same transaction. Returns 0 or -1. */
int cc_idempotency_store(cc_job_t *job, cc_dbconn_t *db, const cc_idempotency_t *idem, const char *tenant_id,
                         const char *actor_id);

#endif
