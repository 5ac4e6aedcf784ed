/*
 * Consent withdrawn (DOMAIN.md "IAF CertSearch": publishing needs the client's consent): a certification
 * whose client no longer consents but whose record is in the registry is deleted there
 * (DELETE /cb/cert/{company_certifications_id}). Bulk uploads return no id, so an unknown one is learned by
 * reading the CB's records page by page (once per pass). A 404, or a record the list does not hold, means
 * it is gone already: the outcome is `deleted` either way.
 */
#include <stdio.h>
#include <string.h>

#include "cc_log.h"
#include "registry_worker_int.h"

#define MAX_PAGES 10000 /* 1,000,000 records: a bound on a registry that never stops paging */

/* Reads every page of the CB's records into known->ids; false (reply holds the failure) when a page
 * failed. */
static bool learn_ids(const registry_conn_t *conn, registry_known_ids_t *known, registry_reply_t *reply)
{
    json_t *ids = json_object();
    for (int page = 0; page < MAX_PAGES; page++) {
        registry_reply_free(reply);
        memset(reply, 0, sizeof(*reply));
        registry_list(conn, REGISTRY_LIST_MAX, page * REGISTRY_LIST_MAX, reply);
        if (reply->outcome != REGISTRY_OK) {
            json_decref(ids);
            return false;
        }
        size_t i;
        json_t *rec;
        json_array_foreach(reply->data, i, rec)
        {
            const char *identity = json_string_value(json_object_get(rec, "certificate_identity_number"));
            json_t *company = json_object_get(rec, "company_certifications_id");
            if (identity != NULL && json_is_string(company))
                json_object_set(ids, identity, company);
        }
        json_int_t total = json_integer_value(json_object_get(reply->meta, "total_rows"));
        if (json_array_size(reply->data) == 0 || (json_int_t)(page + 1) * REGISTRY_LIST_MAX >= total)
            break;
    }
    known->ids = ids;
    return true;
}

void registry_consent_delete(const registry_conn_t *conn, registry_item_t *item, registry_known_ids_t *known,
                             registry_tenant_t *t, int max_attempts)
{
    registry_reply_t reply = {0};
    const char *id = json_string_value(
        json_object_get(json_object_get(item->source, "sync"), "company_certifications_id"));
    if (id == NULL && known->ids == NULL && !learn_ids(conn, known, &reply)) {
        registry_send_apply_failure(item, &reply, t, max_attempts);
        registry_reply_free(&reply);
        return;
    }
    if (id == NULL)
        id = json_string_value(json_object_get(known->ids, item->id));
    if (id == NULL) { /* not in the registry after all */
        item->out = OUT_DELETED;
        snprintf(item->reason, sizeof(item->reason), "consent_withdrawn");
        registry_reply_free(&reply);
        return;
    }
    registry_reply_free(&reply);
    memset(&reply, 0, sizeof(reply));
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
