/*
 * The registry's listing read page by page (registry_pages.h): offsets advance by the records a page held,
 * an empty page ends it, and a missing meta.total_rows never ends it early (a record on a later page would
 * otherwise count as absent: DOMAIN.md "IAF CertSearch", list).
 */
#include "registry_pages.h"

#include <string.h>

bool registry_pages_more(int *offset, size_t n, json_int_t total)
{
    *offset += (int)n;
    if (n == 0)
        return false;
    return total < 0 || *offset < total;
}

registry_pages_result_t registry_pages_read(const registry_conn_t *conn, registry_pages_go_on_fn go_on,
                                            registry_pages_record_fn on_record, void *ctx,
                                            registry_reply_t *reply)
{
    memset(reply, 0, sizeof(*reply));
    int offset = 0;
    for (int page = 0; page < REGISTRY_PAGES_MAX; page++) {
        if (go_on != NULL && !go_on(ctx))
            return REGISTRY_PAGES_STOPPED;
        registry_list(conn, REGISTRY_LIST_MAX, offset, reply);
        if (reply->outcome != REGISTRY_OK)
            return REGISTRY_PAGES_FAILED;
        size_t i;
        json_t *record;
        json_array_foreach(reply->data, i, record) on_record(record, ctx);
        json_t *total = json_object_get(reply->meta, "total_rows");
        bool more = registry_pages_more(&offset, json_array_size(reply->data),
                                        json_is_integer(total) ? json_integer_value(total) : -1);
        registry_reply_free(reply);
        memset(reply, 0, sizeof(*reply));
        if (!more)
            return REGISTRY_PAGES_DONE;
    }
    return REGISTRY_PAGES_DONE;
}
