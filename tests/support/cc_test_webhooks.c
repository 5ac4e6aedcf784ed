/*
 * Webhook fixtures for e2e tests (cc_test_webhooks.h).
 */
#include "cc_test_webhooks.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_test_http.h"

json_t *cc_test_webhook_create(const cc_test_caller_t *admin, const char *url, const char *events)
{
    json_t *list = json_loads(events, 0, NULL);
    ck_assert_ptr_nonnull(list);
    json_t *body = json_pack("{s:s, s:o}", "url", url, "events", list);
    cc_test_response_t *resp = cc_test_call_json(admin, "POST", "/v1/webhooks", NULL, body);
    json_decref(body);
    ck_assert_msg(resp->status == 201, "POST /v1/webhooks: %d %s", resp->status, resp->body);
    cc_test_assert_json(resp, 201);
    json_t *hook = json_incref(resp->json);
    cc_test_response_free(resp);
    return hook;
}

void cc_test_webhook_delete(const cc_test_caller_t *admin, const char *id)
{
    char *path = cc_test_asprintf("/v1/webhooks/%s", id);
    cc_test_response_t *resp = cc_test_call(admin, "DELETE", path, NULL, NULL);
    ck_assert_msg(resp->status == 204, "DELETE %s: %d %s", path, resp->status, resp->body);
    cc_test_response_free(resp);
    free(path);
}

json_t *cc_test_webhook_deliveries(const cc_test_caller_t *admin, const char *id)
{
    char *path = cc_test_asprintf("/v1/webhooks/%s/deliveries", id);
    json_t *all = cc_test_list_walk(admin, path, 100, false);
    free(path);
    return all;
}

/* The delivery of event_id among deliveries (borrowed), or NULL. */
static json_t *delivery_of(const json_t *deliveries, const char *event_id)
{
    size_t i;
    json_t *d;
    json_array_foreach(deliveries, i, d)
    {
        const char *e = cc_test_json_string(d, "event_id");
        if (e != NULL && strcmp(e, event_id) == 0)
            return d;
    }
    return NULL;
}

json_t *cc_test_webhook_wait_delivery(const cc_test_caller_t *admin, const char *id, const char *event_id,
                                      const char *status, int timeout_s)
{
    for (int i = 0;; i++) {
        json_t *all = cc_test_webhook_deliveries(admin, id);
        json_t *d = delivery_of(all, event_id);
        const char *now = d != NULL ? cc_test_json_string(d, "status") : NULL;
        if (now != NULL && strcmp(now, status) == 0) {
            json_incref(d);
            json_decref(all);
            return d;
        }
        json_decref(all);
        ck_assert_msg(i < timeout_s * 5, "the delivery of event %s is %s, not %s, after %d s", event_id,
                      now != NULL ? now : "absent", status, timeout_s);
        usleep(200000);
    }
}
