/*
 * Inside the registry workers (registry_worker.h; ARCHITECTURE.md "Registry sync"): what the thread
 * machinery (registry_worker.c), the claim and outcome SQL (registry_claim.c), one tenant's pass
 * (registry_send.c) and the consent deletes (registry_consent.c) share. Not used outside them.
 */
#ifndef REGISTRY_WORKER_INT_H
#define REGISTRY_WORKER_INT_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cc_crypto.h"
#include "cc_db.h"
#include "registry_client.h"
#include "registry_map.h"

/* The workers' configuration (README.md "Configuration"), read once at start. */
typedef struct registry_cfg {
    const char *db_url;
    bool has_master_key;
    uint8_t master_key[CC_AEAD_KEY_LEN];
    int poll_s;       /* CC_REGISTRY_POLL: seconds between looks when nothing woke the worker */
    int lease_s;      /* CC_REGISTRY_LEASE: how long a claim is ours */
    int timeout_ms;   /* CC_REGISTRY_TIMEOUT: per registry call (kept well under the lease) */
    int backoff_ms;   /* CC_REGISTRY_BACKOFF: the first retry's delay; doubles per attempt */
    int max_attempts; /* CC_REGISTRY_MAX_ATTEMPTS: transient failures before a dead letter */
    const atomic_bool *stopping;
} registry_cfg_t;

/* What a claimed certification needs: a registry upload, nothing (no consent), or a delete. */
typedef enum {
    ITEM_UPLOAD,     /* consented and mappable: record holds its registry record */
    ITEM_SKIP,       /* not consented and not in the registry: never sent */
    ITEM_DELETE,     /* not consented but in the registry: delete it there */
    ITEM_UNMAPPABLE, /* consented but unmappable: a dead letter, never sent */
    ITEM_GONE,       /* no current certificate to map (cc_registry_source NULL) */
} registry_item_kind_t;

/* What became of a claimed certification; each is recorded by registry_claim_record. */
typedef enum {
    OUT_RELEASE, /* not attempted (pacing, the lease's time, a pause): the lease is released, nothing counted
                  */
    OUT_SENT,    /* the registry accepted its record */
    OUT_SKIPPED, /* no consent: never sent */
    OUT_DELETED, /* deleted from the registry (or found absent there) after consent was withdrawn */
    OUT_DEAD,    /* a dead letter: dead_kind says why */
    OUT_RETRY,   /* a transient failure: attempts + 1, backoff */
    OUT_SOLO,    /* part of a bulk refused as a whole: released, to be sent on its own next */
} registry_out_t;

typedef struct registry_item {
    char id[37];      /* the certification (the registry's certificate_identity_number) */
    char claimed[24]; /* the `wanted` this claim covers */
    int attempts;     /* transient failures so far */
    bool solo;        /* send it alone (its last bulk was refused naming no record) */
    bool chosen;      /* ITEM_UPLOAD: in the upload this claim reserved (registry_send_plan) */
    json_t *source;   /* cc_registry_source, or NULL */
    json_t *record;   /* ITEM_UPLOAD: the registry record */
    registry_item_kind_t kind;
    registry_map_problem_t problem; /* ITEM_UNMAPPABLE */
    /* the outcome */
    registry_out_t out;
    char *company_id;      /* a single upload's company_certifications_id, or NULL */
    const char *dead_kind; /* OUT_DEAD: "unmappable", "rejected" or "failed" */
    char reason[600]; /* OUT_DEAD, OUT_SKIPPED, OUT_RETRY: why, in the registry's words when it gave some */
    json_t *errors;   /* OUT_DEAD: [{"field", "code", "message"}] */
    int http_status;  /* the registry's answer, 0 when none */
} registry_item_t;

/* A tenant's settings as a pass needs them. */
typedef struct registry_tenant {
    char id[37];
    bool usable;    /* enabled, not paused, no Retry-After pending, a key that opens */
    bool single_ok; /* single_interval_s has passed since the last single upload */
    bool bulk_ok;   /* bulk_interval_s has passed since the last bulk upload */
    char *base_url; /* owned */
    char *api_key;  /* owned; never logged; wiped when freed */
    char pause[24]; /* set by the pass: "unauthorized" or "outbound_refused" pauses the tenant */
    char pause_detail[512];
    int retry_after_s; /* > 0: a 429 asked us to wait */
    bool success;      /* the registry accepted something: last_success_at */
} registry_tenant_t;

/* One claim: up to REGISTRY_BULK_MAX items. */
typedef struct registry_batch {
    registry_item_t items[REGISTRY_BULK_MAX];
    int n;
    char mode; /* the upload this claim reserved: 'b' bulk, 's' single, 0 none */
} registry_batch_t;

/* ---- registry_claim.c: the SQL (tenant-scoped transactions on the worker's own connection) ---- */

/*
 * In one short transaction: reads the tenant's settings (row locked, so two workers never reserve the same
 * pacing slot), claims up to REGISTRY_BULK_MAX due certifications (FOR UPDATE SKIP LOCKED, then claimed =
 * wanted and a lease), reads each one's source in a later statement (so it holds every change the claim
 * counts), classifies them (registry_send_classify), reserves the upload's pacing slot and releases what
 * pacing does not allow now. Returns the number claimed (0: nothing to do), or -1 on a database failure.
 */
int registry_claim(cc_dbconn_t *db, const registry_cfg_t *cfg, registry_tenant_t *t, registry_batch_t *b);

/* Records every item's outcome and the tenant's (pause, Retry-After, last_success_at) in one transaction,
 * then applies the complete-sync rule. Returns 0 or -1 (then the leases lapse and the items are sent
 * again). */
int registry_claim_record(cc_dbconn_t *db, const registry_cfg_t *cfg, const registry_tenant_t *t,
                          const registry_batch_t *b);

/* The tenants with due work (cc_registry_due_tenants) as a new array of id strings; NULL on failure. */
json_t *registry_claim_due_tenants(cc_dbconn_t *db);

/* Frees what the tenant and the batch hold (the key is wiped first). */
void registry_tenant_clear(registry_tenant_t *t);
void registry_batch_clear(registry_batch_t *b);

/* ---- registry_send.c: one tenant's pass ---- */

/* Claims, sends and records one batch of the tenant. Returns how many certifications got an outcome other
 * than a release (0: nothing to do now), or -1 on a database failure. */
int registry_send_pass(cc_dbconn_t *db, const registry_cfg_t *cfg, const char *tenant_id);
/* Whether a registry call may start now and still end inside the lease (deadline: CLOCK_MONOTONIC ms),
 * the tenant is not paused or waiting, and the workers are not stopping. */
bool registry_send_may_call(const registry_cfg_t *cfg, const registry_tenant_t *t, long deadline);

/* ---- registry_outcome.c: the decisions, pure ---- */

/* Pure: what a claimed item needs, from its source (consent, in_registry, the mapping). */
void registry_send_classify(registry_item_t *item);

/*
 * Pure: chooses the upload of a claim and marks the uploads pacing does not allow OUT_RELEASE. A solo item
 * goes alone as a single upload; otherwise 2+ uploads go as one bulk when bulk_ok, one (or the first of
 * several when only single_ok) as a single upload. Returns 'b', 's' or 0 (nothing uploaded).
 */
char registry_send_plan(registry_batch_t *b, bool single_ok, bool bulk_ok);

/* Pure: the delay before retry number attempts (1 = the first retry): base * 2^(attempts-1), the upper
 * half of it drawn at random (jitter), capped at an hour. r is a random number. */
long registry_backoff_ms(int base_ms, int attempts, uint32_t r);

/* Pure: applies a bulk upload's reply to its items (the uploads, in the order sent). */
void registry_send_apply_bulk(registry_item_t **uploads, int n, const registry_reply_t *reply,
                              registry_tenant_t *t, int max_attempts);

/* Pure: applies a single upload's or a delete's failure reply to one item (OUT_RETRY, OUT_DEAD, OUT_RELEASE
 * and the tenant's pause or Retry-After). */
void registry_send_apply_failure(registry_item_t *item, const registry_reply_t *reply, registry_tenant_t *t,
                                 int max_attempts);

/* ---- registry_consent.c: deletes after consent was withdrawn ---- */

/* The registry ids of this CB's records, {certificate_identity_number: company_certifications_id}, read
 * page by page (learned once per pass, only when a delete needs one we do not know). */
typedef struct registry_known_ids {
    json_t *ids; /* NULL until listed */
} registry_known_ids_t;

/* Deletes item's record from the registry (404 counts as deleted), learning its company_certifications_id
 * through the list when we do not know it. Sets item->out; on a failure reply it sets the tenant's pause
 * or Retry-After as an upload would. Each call (a list page, the DELETE) starts only while
 * registry_send_may_call(cfg, t, deadline) holds; otherwise the item stays OUT_RELEASE. */
void registry_consent_delete(const registry_conn_t *conn, registry_item_t *item, registry_known_ids_t *known,
                             registry_tenant_t *t, const registry_cfg_t *cfg, long deadline);

#endif
