/*
 * One tenant's pass of the registry workers (ARCHITECTURE.md "Registry sync"): claim a batch
 * (registry_claim.c), then, outside any transaction, delete what consent no longer allows
 * (registry_consent.c) and upload the rest (one bulk upload for two or more records, a single upload for
 * one), turn each answer into an outcome per certification (registry_outcome.c), and record them. A call is
 * only started while the claim's lease has time left for it to end, so no call outlives its lease and a newer
 * claim of the same certification never races an older send.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cc_log.h"
#include "cc_mem.h"
#include "registry_worker_int.h"

#define LEASE_MARGIN_MS 500 /* kept between the end of the last call and the end of the lease */
#define RECORD_TRIES 3      /* outcome transactions tried (1 s apart) before the leases are left to lapse */

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool registry_send_may_call(const registry_cfg_t *cfg, const registry_tenant_t *t, long deadline)
{
    return t->pause[0] == '\0' && t->retry_after_s == 0 && now_ms() < deadline && !atomic_load(cfg->stopping);
}

/* The upload the claim reserved (b->mode), when it may still be made. */
static void upload(const registry_cfg_t *cfg, const registry_conn_t *conn, registry_tenant_t *t,
                   registry_batch_t *b, long deadline)
{
    registry_item_t *uploads[REGISTRY_BULK_MAX];
    int n = 0;
    for (int i = 0; i < b->n; i++)
        if (b->items[i].kind == ITEM_UPLOAD && b->items[i].chosen)
            uploads[n++] = &b->items[i];
    if (n == 0 || !registry_send_may_call(cfg, t, deadline))
        return;
    registry_reply_t reply = {0};
    if (b->mode == 's') {
        registry_upload_one(conn, uploads[0]->record, &reply);
        if (reply.outcome == REGISTRY_OK) {
            uploads[0]->out = OUT_SENT;
            uploads[0]->company_id = reply.company_certifications_id;
            reply.company_certifications_id = NULL;
            t->success = true;
        } else {
            registry_send_apply_failure(uploads[0], &reply, t, cfg->max_attempts);
        }
    } else {
        json_t *records = json_array();
        for (int i = 0; i < n; i++)
            json_array_append(records, uploads[i]->record);
        registry_upload_bulk(conn, records, &reply);
        json_decref(records);
        registry_send_apply_bulk(uploads, n, &reply, t, cfg->max_attempts);
    }
    if (reply.outcome != REGISTRY_OK)
        cc_log(CC_LOG_INFO, "registry upload for tenant %s (%d records): %s", t->id, n, reply.detail);
    registry_reply_free(&reply);
}

/* Records the outcomes, a few times over a lost connection; false when they could not be recorded. */
static bool record(cc_dbconn_t *db, const registry_cfg_t *cfg, const registry_tenant_t *t,
                   const registry_batch_t *b)
{
    for (int i = 0; i < RECORD_TRIES && !atomic_load(cfg->stopping); i++) {
        if (i > 0)
            sleep(1);
        if (cc_dbconn_ensure(db) == 0 && registry_claim_record(db, cfg, t, b) == 0)
            return true;
    }
    cc_log(CC_LOG_WARN, "registry worker: could not record a batch of tenant %s; its leases will lapse",
           t->id);
    return false;
}

int registry_send_pass(cc_dbconn_t *db, const registry_cfg_t *cfg, const char *tenant_id)
{
    registry_tenant_t t = {0};
    snprintf(t.id, sizeof(t.id), "%s", tenant_id);
    registry_batch_t *b = cc_calloc(1, sizeof(*b));
    long deadline = now_ms() + (long)cfg->lease_s * 1000 - cfg->timeout_ms - LEASE_MARGIN_MS;
    int n = registry_claim(db, cfg, &t, b);
    int settled = 0;
    if (n > 0) {
        registry_conn_t conn = {t.base_url, t.api_key, cfg->timeout_ms, cfg->stopping};
        registry_known_ids_t known = {NULL};
        for (int i = 0; i < b->n; i++)
            if (b->items[i].kind == ITEM_DELETE && registry_send_may_call(cfg, &t, deadline))
                registry_consent_delete(&conn, &b->items[i], &known, &t, cfg, deadline);
        json_decref(known.ids);
        if (b->mode != 0)
            upload(cfg, &conn, &t, b, deadline);
        /* Stopping: record nothing; the leases lapse and the next claim sends again (harmless). */
        if (!atomic_load(cfg->stopping) && !record(db, cfg, &t, b))
            n = -1;
        for (int i = 0; n >= 0 && i < b->n; i++)
            settled += b->items[i].out != OUT_RELEASE;
    }
    registry_batch_clear(b);
    free(b);
    registry_tenant_clear(&t);
    return n < 0 ? -1 : settled;
}
