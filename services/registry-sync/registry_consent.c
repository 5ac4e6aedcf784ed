/*
 * Consent withdrawn (DOMAIN.md "IAF CertSearch": publishing needs the client's consent): a certification
 * whose client no longer consents but whose record is in the registry is deleted there
 * (DELETE /cb/cert/{company_certifications_id}). Bulk uploads return no id, so an unknown one is learned by
 * reading the CB's records page by page (registry_pages.c, once per pass). A 404, or a record two complete
 * listings a retry apart do not hold, means it is gone already: the outcome is `deleted` either way. Every
 * page and the DELETE are calls like the uploads: started only while the lease has time for them
 * (registry_send.c), else the item is released with nothing counted, so no call of this pass outlives its
 * lease.
 */
#include <stdio.h>
#include <string.h>

#include "cc_log.h"
#include "registry_pages.h"
#include "registry_worker_int.h"

/* What learning the ids needs: where they go, and the pass's clock (a page is a call like any other). */
typedef struct learning {
    json_t *ids;
    const registry_cfg_t *cfg;
    const registry_tenant_t *t;
    long deadline;
} learning_t;

static bool learning_may_call(void *ctx)
{
    const learning_t *l = ctx;
    return registry_send_may_call(l->cfg, l->t, l->deadline);
}

static void learn_record(json_t *rec, void *ctx)
{
    learning_t *l = ctx;
    const char *identity = json_string_value(json_object_get(rec, "certificate_identity_number"));
    json_t *company = json_object_get(rec, "company_certifications_id");
    if (identity != NULL && json_is_string(company))
        json_object_set(l->ids, identity, company);
}

/* Reads every page of the CB's records into known->ids (registry_pages.c), each page only while the lease
 * has time for it. REGISTRY_PAGES_FAILED: reply holds the failure; STOPPED: known->ids stays unset. */
static registry_pages_result_t learn_ids(const registry_conn_t *conn, registry_known_ids_t *known,
                                         const registry_cfg_t *cfg, const registry_tenant_t *t, long deadline,
                                         registry_reply_t *reply)
{
    learning_t l = {json_object(), cfg, t, deadline};
    registry_pages_result_t r = registry_pages_read(conn, learning_may_call, learn_record, &l, reply);
    if (r == REGISTRY_PAGES_DONE)
        known->ids = l.ids;
    else
        json_decref(l.ids);
    return r;
}

void registry_consent_delete(const registry_conn_t *conn, registry_item_t *item, registry_known_ids_t *known,
                             registry_tenant_t *t, const registry_cfg_t *cfg, long deadline)
{
    int max_attempts = cfg->max_attempts;
    registry_reply_t reply = {0};
    const char *id = json_string_value(
        json_object_get(json_object_get(item->source, "sync"), "company_certifications_id"));
    if (id == NULL && known->ids == NULL) {
        registry_pages_result_t r = learn_ids(conn, known, cfg, t, deadline, &reply);
        if (r == REGISTRY_PAGES_FAILED)
            registry_send_apply_failure(item, &reply, t, max_attempts);
        if (r != REGISTRY_PAGES_DONE) { /* STOPPED: released, nothing counted; the next claim goes on */
            registry_reply_free(&reply);
            return;
        }
    }
    if (id == NULL)
        id = json_string_value(json_object_get(known->ids, item->id));
    if (id == NULL && item->attempts == 0) {
        /* Absent from one listing is no proof: another worker's delete during our paging shifts the
         * offsets and can hide a record. Listed again after a backoff before it counts as gone. */
        registry_reply_t absent = {.outcome = REGISTRY_TRANSIENT};
        snprintf(absent.detail, sizeof(absent.detail), "not in the registry's listing: listed again");
        registry_send_apply_failure(item, &absent, t, max_attempts);
        registry_reply_free(&reply);
        return;
    }
    if (id == NULL) { /* absent from two listings: not in the registry after all */
        item->out = OUT_DELETED;
        snprintf(item->reason, sizeof(item->reason), "consent_withdrawn");
        registry_reply_free(&reply);
        return;
    }
    registry_reply_free(&reply);
    memset(&reply, 0, sizeof(reply));
    if (!registry_send_may_call(cfg, t, deadline))
        return; /* the listing used the lease's time: released, as any call not started */
    registry_delete(conn, id, &reply);
    if (reply.outcome == REGISTRY_OK || reply.outcome == REGISTRY_NOT_FOUND) {
        item->out = OUT_DELETED;
        snprintf(item->reason, sizeof(item->reason), "consent_withdrawn");
        t->success = t->success || reply.outcome == REGISTRY_OK;
    } else {
        cc_log(CC_LOG_INFO, "registry delete for tenant %s: %s", t->id, reply.detail);
        registry_send_apply_failure(item, &reply, t, max_attempts);
    }
    registry_reply_free(&reply);
}
