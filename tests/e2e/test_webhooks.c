/*
 * e2e: the webhook API through the gateway (README.md "Webhooks"): create (201, Location, the secret
 * "whsec_..." in this answer only), list, get, delete (204, then 404), the validation of events and of the
 * URL by the outbound guard (loopback, plain http outside CC_OUTBOUND_ALLOW, the metadata address, a
 * private address, a name that resolves to loopback: 400 outbound_refused naming url), admins only,
 * another tenant's webhook not found, and the event log (webhook.created, webhook.deleted; never the
 * secret). The secret is stored sealed: the table holds no "whsec_".
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_db.h"
#include "cc_test_http.h"
#include "cc_test_lifecycle.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"
#include "cc_test_webhooks.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cc_test_cb_t cb;

static void setup(void)
{
    cc_test_cb_login(&cb);
}

static void teardown(void)
{
    cc_test_cb_free(&cb);
}

/* A receiver URL the guard accepts (CC_TEST_FAKE_HOST is in deploy/test's CC_OUTBOUND_ALLOW); nothing
 * listens there: these tests subscribe to nothing that happens while they run. */
static char *allowed_url(void)
{
    return cc_test_asprintf("http://%s:9/hooks/api-test", cc_test_env("CC_TEST_FAKE_HOST"));
}

static cc_test_response_t *create(const cc_test_caller_t *c, const char *body)
{
    return cc_test_call(c, "POST", "/v1/webhooks", NULL, body);
}

static void assert_webhook_shape(const json_t *w, const char *url)
{
    ck_assert(cc_test_is_uuid(cc_test_json_string(w, "id")));
    ck_assert_str_eq(cc_test_json_string(w, "url"), url);
    ck_assert(json_is_array(json_object_get(w, "events")));
    ck_assert_ptr_nonnull(cc_test_json_string(w, "created_at"));
    ck_assert_ptr_null(json_object_get(w, "secret"));
    ck_assert_ptr_null(json_object_get(w, "secret_sealed"));
}

START_TEST(test_create_get_list_delete)
{
    char *url = allowed_url();
    char *body = cc_test_asprintf("{\"url\":\"%s\",\"events\":[\"certificate.issued\",\"finding.overdue\"],"
                                  "\"description\":\"Our ERP\"}",
                                  url);
    cc_test_response_t *resp = create(&cb.admin, body);
    cc_test_assert_json(resp, 201);
    const char *id = cc_test_json_string(resp->json, "id");
    char *path = cc_test_asprintf("/v1/webhooks/%s", id);
    cc_test_assert_location(resp, path);
    const char *secret = cc_test_json_string(resp->json, "secret");
    ck_assert_msg(secret != NULL && strncmp(secret, "whsec_", 6) == 0 && strlen(secret) == 6 + 43,
                  "secret %s", secret ? secret : "(none)");
    ck_assert_str_eq(cc_test_json_string(resp->json, "description"), "Our ERP");
    ck_assert_int_eq(json_array_size(json_object_get(resp->json, "events")), 2);
    char *hook_id = cc_strdup(id), *the_secret = cc_strdup(secret);
    cc_test_response_free(resp);

    /* GET: the same webhook, never the secret */
    resp = cc_test_call(&cb.admin, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    assert_webhook_shape(resp->json, url);
    ck_assert_str_eq(cc_test_json_string(resp->json, "id"), hook_id);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(resp->json, "events"), 1)),
                     "finding.overdue");
    ck_assert(strstr(resp->body, the_secret) == NULL);
    cc_test_response_free(resp);

    /* the list holds it, paged by id, without secrets */
    json_t *all = cc_test_list_all(&cb.admin, "/v1/webhooks", 1);
    size_t i, found = 0;
    json_t *w;
    json_array_foreach(all, i, w)
    {
        ck_assert_ptr_null(json_object_get(w, "secret"));
        if (strcmp(cc_test_json_string(w, "id"), hook_id) == 0)
            found++;
    }
    ck_assert_int_eq(found, 1);
    json_decref(all);

    /* a fresh webhook has no deliveries */
    char *deliveries = cc_test_asprintf("%s/deliveries", path);
    resp = cc_test_call(&cb.admin, "GET", deliveries, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(json_array_size(json_object_get(resp->json, "items")), 0);
    ck_assert(json_is_null(json_object_get(resp->json, "next_cursor")));
    cc_test_response_free(resp);

    /* stored sealed: the secret is nowhere in the table */
    const char *params[] = {hook_id, the_secret};
    char *clear =
        cc_test_lc_sql("northcert",
                       "SELECT count(*) FROM webhooks WHERE id = $1::uuid AND "
                       "(position(convert_to($2, 'UTF8') IN secret_sealed) > 0 OR url LIKE '%whsec_%')",
                       2, params);
    ck_assert_str_eq(clear, "0");
    free(clear);

    cc_test_webhook_delete(&cb.admin, hook_id);
    resp = cc_test_call(&cb.admin, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.admin, "DELETE", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.admin, "GET", deliveries, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);

    /* the event log: created then deleted, and never the secret */
    const char *entity[] = {hook_id, "whsec_"};
    char *actions = cc_test_lc_sql("northcert",
                                   "SELECT string_agg(action, ',' ORDER BY seq) FROM event_log "
                                   "WHERE entity_type = 'webhook' AND entity_id = $1::uuid",
                                   1, entity);
    ck_assert_str_eq(actions, "webhook.created,webhook.deleted");
    char *leaks = cc_test_lc_sql("northcert",
                                 "SELECT count(*) FROM event_log WHERE entity_id = $1::uuid "
                                 "AND position($2 IN detail::text) > 0",
                                 2, entity);
    ck_assert_str_eq(leaks, "0");
    free(actions), free(leaks), free(deliveries), free(path), free(body), free(url), free(hook_id);
    free(the_secret);
}
END_TEST

/* A body refused with 400 validation_failed naming field with code. */
static void refused(const char *body, const char *field, const char *code)
{
    cc_test_response_t *resp = create(&cb.admin, body);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, field);
    const char *got = cc_test_json_string(json_array_get(json_object_get(resp->json, "errors"), 0), "code");
    ck_assert_msg(got != NULL && strcmp(got, code) == 0, "%s: code %s, want %s", body, got ? got : "(none)",
                  code);
    cc_test_response_free(resp);
}

START_TEST(test_validation)
{
    char *url = allowed_url();
    char *b;
    b = cc_test_asprintf("{\"url\":\"%s\",\"events\":[]}", url);
    refused(b, "events", "required");
    free(b);
    b = cc_test_asprintf("{\"url\":\"%s\",\"events\":[\"certificate.created\"]}", url);
    refused(b, "events", "invalid_value");
    free(b);
    b = cc_test_asprintf("{\"url\":\"%s\",\"events\":[\"finding.overdue\",\"finding.overdue\"]}", url);
    refused(b, "events", "duplicate");
    free(b);
    b = cc_test_asprintf("{\"url\":\"%s\"}", url);
    refused(b, "events", "required");
    free(b);
    b = cc_test_asprintf("{\"url\":\"%s\",\"events\":[\"finding.overdue\"],\"secret\":\"mine\"}", url);
    refused(b, "secret", "unknown_field");
    free(b);
    refused("{\"url\":\"ftp://example.com/x\",\"events\":[\"finding.overdue\"]}", "url", "outbound_refused");
    /* the outbound guard (ARCHITECTURE.md "Security") */
    static const char *const guarded[] = {
        "http://127.0.0.1:1/",      /* loopback, and http outside CC_OUTBOUND_ALLOW */
        "https://169.254.169.254/", /* link-local: the cloud metadata address */
        "https://10.0.0.1/",        /* private */
        "https://localhost/",       /* a name that resolves to loopback */
        "https://[::1]/hooks",      /* IPv6 loopback */
    };
    for (size_t i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++) {
        b = cc_test_asprintf("{\"url\":\"%s\",\"events\":[\"finding.overdue\"]}", guarded[i]);
        refused(b, "url", "outbound_refused");
        free(b);
    }
    /* An https name that does not resolve now (.invalid never does) is no refusal: the guard judges its
     * addresses on every delivery. */
    cc_test_response_t *resp = create(&cb.admin, "{\"url\":\"https://hooks.certcycle-test.invalid/x\","
                                                 "\"events\":[\"finding.overdue\"]}");
    cc_test_assert_json(resp, 201);
    char *path = cc_test_asprintf("/v1/webhooks/%s", cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.admin, "DELETE", path, NULL, NULL);
    ck_assert_int_eq(resp->status, 204);
    cc_test_response_free(resp);
    free(path);
    free(url);
}
END_TEST

START_TEST(test_admins_only_and_isolation)
{
    char *url = allowed_url();
    char *body = cc_test_asprintf("{\"url\":\"%s\",\"events\":[\"certificate.expired\"]}", url);
    cc_test_response_t *resp = create(&cb.sm, body);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.client1, "GET", "/v1/webhooks", NULL, NULL);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);

    json_t *hook = cc_test_webhook_create(&cb.admin, url, "[\"certificate.expired\"]");
    const char *id = cc_test_json_string(hook, "id");
    char *path = cc_test_asprintf("/v1/webhooks/%s", id);
    char *deliveries = cc_test_asprintf("/v1/webhooks/%s/deliveries", id);
    /* southcert's admin: not found, whatever the route */
    const char *const methods[] = {"GET", "GET", "DELETE"};
    const char *const paths[] = {path, deliveries, path};
    for (int i = 0; i < 3; i++) {
        resp = cc_test_call(&cb.other_admin, methods[i], paths[i], NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        cc_test_response_free(resp);
    }
    json_t *theirs = cc_test_list_all(&cb.other_admin, "/v1/webhooks", 50);
    size_t i;
    json_t *w;
    json_array_foreach(theirs, i, w) ck_assert_str_ne(cc_test_json_string(w, "id"), id);
    json_decref(theirs);
    /* still there for northcert */
    resp = cc_test_call(&cb.admin, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.admin, "GET", "/v1/webhooks/not-a-uuid", NULL, NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_response_free(resp);
    cc_test_webhook_delete(&cb.admin, id);
    json_decref(hook);
    free(path), free(deliveries), free(body), free(url);
}
END_TEST

static Suite *webhooks_suite(void)
{
    Suite *s = suite_create("webhooks");
    TCase *tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_create_get_list_delete);
    tcase_add_test(tc, test_validation);
    tcase_add_test(tc, test_admins_only_and_isolation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(webhooks_suite());
}
