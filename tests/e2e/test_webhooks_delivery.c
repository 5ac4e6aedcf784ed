/*
 * e2e: webhook deliveries to the receiver double (tests/fakes/webhook_receiver.py) through the real
 * stack. A certificate issued, suspended, revised (its scope reduced) and withdrawn reaches the receiver
 * as four signed deliveries: each signature verified by the receiver with Python's hmac, one again with
 * `openssl dgst -sha256 -hmac` (two implementations independent of ours), each with its event id in the
 * body and the Certcycle-Event-Id header. A receiver answering 500 twice gets the same event three times
 * and every attempt shows in GET /v1/webhooks/{id}/deliveries; one that always fails ends `failed` after
 * CC_WEBHOOK_MAX_ATTEMPTS (4 under deploy/test); a dropped connection and a hang past CC_WEBHOOK_TIMEOUT are
 * attempts like any other. A finding made overdue with owner SQL is announced once, however often
 * housekeeping (CC_HOUSEKEEPING_INTERVAL=2) looks again.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_certificates.h"
#include "cc_test_fake_webhook.h"
#include "cc_test_findings.h"
#include "cc_test_http.h"
#include "cc_test_lifecycle.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"
#include "cc_test_webhooks.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WAIT_S 60

static const char *data_string(const json_t *delivery, const char *key)
{
    return cc_test_json_string(json_object_get(json_object_get(delivery, "json"), "data"), key);
}

/* One delivery as the receiver saw it: verified by Python's hmac, the headers and the body agreeing. */
static void assert_signed_delivery(const json_t *d, const char *type)
{
    ck_assert_msg(json_is_true(json_object_get(d, "verified")), "signature not verified: %s",
                  cc_test_json_string(d, "signature_error"));
    const json_t *body = json_object_get(d, "json"), *headers = json_object_get(d, "headers");
    ck_assert_str_eq(cc_test_json_string(d, "method"), "POST");
    ck_assert_str_eq(cc_test_json_string(body, "type"), type);
    ck_assert_str_eq(cc_test_json_string(body, "tenant"), "northcert");
    ck_assert(cc_test_is_uuid(cc_test_json_string(body, "id")));
    ck_assert_ptr_nonnull(cc_test_json_string(body, "occurred_at"));
    ck_assert(json_is_object(json_object_get(body, "data")));
    ck_assert_str_eq(cc_test_json_string(headers, "certcycle-event-id"), cc_test_json_string(body, "id"));
    ck_assert_str_eq(cc_test_json_string(headers, "certcycle-event-type"), type);
    ck_assert_str_eq(cc_test_json_string(headers, "content-type"), "application/json");
    const char *sig = cc_test_json_string(headers, "certcycle-signature");
    ck_assert_msg(sig != NULL && strncmp(sig, "t=", 2) == 0 && strstr(sig, ",v1=") != NULL, "signature %s",
                  sig ? sig : "(none)");
}

/* The receiver's one delivery of type for data[key] = value (waits for it; the caller decrefs). */
static json_t *received(cc_fake_webhook_t *rx, const char *type, const char *key, const char *value)
{
    json_t *found = cc_fake_webhook_wait(rx, type, key, value, 1, WAIT_S);
    ck_assert_msg(json_array_size(found) >= 1, "no %s delivery for %s %s", type, key, value);
    json_t *d = json_incref(json_array_get(found, 0));
    json_decref(found);
    assert_signed_delivery(d, type);
    return d;
}

/* The signature recomputed by `openssl dgst -sha256 -hmac <secret>` over "<t>.<body>" equals v1. */
static void assert_openssl_agrees(const json_t *d, const char *secret)
{
    const char *sig = cc_test_json_string(json_object_get(d, "headers"), "certcycle-signature");
    long t = strtol(sig + 2, NULL, 10);
    const char *v1 = strstr(sig, ",v1=") + 4;
    char file[] = "/tmp/cc-webhook-sig-XXXXXX";
    int fd = mkstemp(file);
    ck_assert_int_ge(fd, 0);
    FILE *out = fdopen(fd, "w");
    fprintf(out, "%ld.%s", t, cc_test_json_string(d, "body"));
    fclose(out);
    /* the secret is "whsec_" + base64url: no shell metacharacter */
    char *cmd = cc_test_asprintf("openssl dgst -sha256 -hmac '%s' -r %s", secret, file);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char hex[128] = "";
    ck_assert_ptr_nonnull(fgets(hex, sizeof(hex), p));
    pclose(p);
    unlink(file);
    hex[64] = '\0'; /* "-r": the digest, a space, the file name */
    ck_assert_str_eq(hex, v1);
    free(cmd);
}

/* The webhook's delivery of event_id as GET .../deliveries shows it, with `n` attempts, the last `status`. */
static json_t *listed(const cc_test_caller_t *admin, const char *hook, const char *event_id,
                      const char *status, size_t n)
{
    json_t *d = cc_test_webhook_wait_delivery(admin, hook, event_id, status, WAIT_S);
    json_t *attempts = json_object_get(d, "attempts");
    ck_assert_msg(json_array_size(attempts) == n, "%zu attempts, want %zu", json_array_size(attempts), n);
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(attempts, i);
        ck_assert_int_eq(json_integer_value(json_object_get(a, "n")), (json_int_t)i + 1);
        ck_assert_ptr_nonnull(cc_test_json_string(a, "at"));
        ck_assert(json_is_integer(json_object_get(a, "duration_ms")));
    }
    return d;
}

static int attempt_status(const json_t *delivery, size_t i)
{
    return (int)json_integer_value(
        json_object_get(json_array_get(json_object_get(delivery, "attempts"), i), "status_code"));
}

static const char *attempt_error(const json_t *delivery, size_t i)
{
    return cc_test_json_string(json_array_get(json_object_get(delivery, "attempts"), i), "error");
}

START_TEST(test_certificate_events_signed)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    cc_test_caller_t dm;
    cc_test_caller_login(&dm, "northcert", "decision_maker");
    cc_fake_webhook_t *rx = cc_fake_webhook_start();
    json_t *hook = cc_test_webhook_create(&cb.admin, cc_fake_webhook_url(rx),
                                          "[\"certificate.issued\",\"certificate.suspended\",\"certificate."
                                          "withdrawn\",\"certificate.revised\"]");
    const char *hook_id = cc_test_json_string(hook, "id"), *secret = cc_test_json_string(hook, "secret");
    cc_fake_webhook_secret(rx, secret);

    char *client = cc_test_lc_client(&cb.sm); /* two sites: one can be dropped */
    cc_test_certificate_opts_t opts = {.client_id = client};
    json_t *cert = cc_test_issue_certificate_with(&cb, &opts, NULL);
    const char *id = cc_test_json_string(cert, "id");
    cc_test_response_free(
        cc_test_lc_act(&dm, id, "suspend", 1, "{\"reason\":\"Fees\",\"trigger\":\"missed_surveillance\"}"));
    json_t *sites = json_object_get(cert, "sites");
    char *reduce =
        cc_test_asprintf("{\"scope\":\"Head office only\",\"site_ids\":[\"%s\"],\"reason\":\"Closed\"}",
                         cc_test_json_string(json_array_get(sites, 0), "site_id"));
    cc_test_response_t *resp = cc_test_lc_act(&dm, id, "reduce-scope", 2, reduce);
    ck_assert_msg(resp->status == 201, "reduce-scope: %d %s", resp->status, resp->body);
    char *revision = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    resp = cc_test_lc_act(&dm, revision, "withdraw", 1, "{\"reason\":\"Fees still unpaid\"}");
    ck_assert_msg(resp->status == 200, "withdraw: %d %s", resp->status, resp->body);
    cc_test_response_free(resp);

    json_t *issued = received(rx, "certificate.issued", "certificate_id", id);
    json_t *suspended = received(rx, "certificate.suspended", "certificate_id", id);
    json_t *revised = received(rx, "certificate.revised", "certificate_id", revision);
    json_t *withdrawn = received(rx, "certificate.withdrawn", "certificate_id", revision);
    ck_assert_str_eq(data_string(issued, "action"), "issued");
    ck_assert_str_eq(data_string(revised, "action"), "scope_reduced");
    const json_t *state =
        json_object_get(json_object_get(json_object_get(withdrawn, "json"), "data"), "certificate");
    ck_assert_str_eq(cc_test_json_string(state, "status"), "withdrawn");
    assert_openssl_agrees(withdrawn, secret);

    /* each delivered at the first attempt, as the API shows it */
    json_t *events[] = {issued, suspended, revised, withdrawn};
    for (int i = 0; i < 4; i++) {
        const char *event_id = cc_test_json_string(json_object_get(events[i], "json"), "id");
        json_t *d = listed(&cb.admin, hook_id, event_id, "delivered", 1);
        ck_assert_int_eq(attempt_status(d, 0), 200);
        ck_assert_ptr_null(attempt_error(d, 0));
        ck_assert_ptr_nonnull(cc_test_json_string(d, "delivered_at"));
        ck_assert(json_is_null(json_object_get(d, "next_attempt_at")));
        ck_assert_str_eq(cc_test_json_string(d, "event_type"),
                         cc_test_json_string(json_object_get(events[i], "json"), "type"));
        json_decref(d);
        json_decref(events[i]);
    }
    cc_test_webhook_delete(&cb.admin, hook_id);
    cc_fake_webhook_stop(rx);
    json_decref(hook), json_decref(cert);
    free(client), free(reduce), free(revision);
    cc_test_caller_free(&dm);
    cc_test_cb_free(&cb);
}
END_TEST

/* A webhook on certificate.issued to a receiver with the fault plan, and one certificate issued: the
 * event's id (caller frees). */
static char *issue_to(cc_test_cb_t *cb, cc_fake_webhook_t *rx, const char *plan, json_t **hook)
{
    *hook = cc_test_webhook_create(&cb->admin, cc_fake_webhook_url(rx), "[\"certificate.issued\"]");
    cc_fake_webhook_secret(rx, cc_test_json_string(*hook, "secret"));
    cc_fake_webhook_faults(rx, plan);
    json_t *cert = cc_test_issue_certificate(cb, NULL);
    json_t *d = received(rx, "certificate.issued", "certificate_id", cc_test_json_string(cert, "id"));
    char *event = cc_strdup(cc_test_json_string(json_object_get(d, "json"), "id"));
    json_decref(d), json_decref(cert);
    return event;
}

START_TEST(test_retries_after_500s)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    cc_fake_webhook_t *rx = cc_fake_webhook_start();
    json_t *hook;
    char *event = issue_to(&cb, rx, "{\"mode\":\"500\",\"count\":2}", &hook);
    const char *hook_id = cc_test_json_string(hook, "id");
    json_t *d = listed(&cb.admin, hook_id, event, "delivered", 3);
    ck_assert_int_eq(attempt_status(d, 0), 500);
    ck_assert_int_eq(attempt_status(d, 1), 500);
    ck_assert_int_eq(attempt_status(d, 2), 200);
    ck_assert_ptr_nonnull(attempt_error(d, 0));
    /* the receiver got the same event (one id) three times, each signed */
    json_t *all = cc_fake_webhook_wait(rx, "certificate.issued", NULL, NULL, 3, WAIT_S);
    ck_assert_int_eq(json_array_size(all), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *x = json_array_get(all, i);
        ck_assert(json_is_true(json_object_get(x, "verified")));
        ck_assert_str_eq(cc_test_json_string(json_object_get(x, "json"), "id"), event);
    }
    json_decref(all), json_decref(d);
    cc_test_webhook_delete(&cb.admin, hook_id);
    cc_fake_webhook_stop(rx);
    json_decref(hook);
    free(event);
    cc_test_cb_free(&cb);
}
END_TEST

START_TEST(test_failed_after_max_attempts)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    cc_fake_webhook_t *rx = cc_fake_webhook_start();
    json_t *hook;
    char *event = issue_to(&cb, rx, "{\"mode\":\"500\",\"status\":503}", &hook);
    const char *hook_id = cc_test_json_string(hook, "id");
    size_t max = (size_t)atoi(cc_test_env("CC_WEBHOOK_MAX_ATTEMPTS")); /* 4 under deploy/test */
    json_t *d = listed(&cb.admin, hook_id, event, "failed", max);
    for (size_t i = 0; i < max; i++)
        ck_assert_int_eq(attempt_status(d, i), 503);
    ck_assert(json_is_null(json_object_get(d, "delivered_at")));
    ck_assert(json_is_null(json_object_get(d, "next_attempt_at")));
    json_t *all = cc_fake_webhook_wait(rx, "certificate.issued", NULL, NULL, max, WAIT_S);
    ck_assert_int_eq(json_array_size(all), max);
    json_decref(all), json_decref(d);
    cc_test_webhook_delete(&cb.admin, hook_id);
    cc_fake_webhook_stop(rx);
    json_decref(hook);
    free(event);
    cc_test_cb_free(&cb);
}
END_TEST

START_TEST(test_dropped_and_hung_attempts)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    cc_fake_webhook_t *rx = cc_fake_webhook_start();
    json_t *hook;
    /* CC_WEBHOOK_TIMEOUT is 2000 ms under deploy/test: a 4 s hang is a timeout */
    char *event =
        issue_to(&cb, rx, "{\"sequence\":[{\"mode\":\"drop\"},{\"mode\":\"hang\",\"hang_ms\":4000}]}", &hook);
    const char *hook_id = cc_test_json_string(hook, "id");
    json_t *d = listed(&cb.admin, hook_id, event, "delivered", 3);
    ck_assert(
        json_is_null(json_object_get(json_array_get(json_object_get(d, "attempts"), 0), "status_code")));
    ck_assert_msg(strncmp(attempt_error(d, 0), "dropped", 7) == 0, "%s", attempt_error(d, 0));
    ck_assert_msg(strncmp(attempt_error(d, 1), "timeout", 7) == 0, "%s", attempt_error(d, 1));
    ck_assert_int_eq(attempt_status(d, 2), 200);
    json_decref(d);
    cc_test_webhook_delete(&cb.admin, hook_id);
    cc_fake_webhook_stop(rx);
    json_decref(hook);
    free(event);
    cc_test_cb_free(&cb);
}
END_TEST

/* Owner SQL: the finding's deadlines moved by `days` from today (negative: overdue). */
static void set_deadlines(const char *finding, const char *days)
{
    const char *params[] = {finding, days};
    free(cc_test_lc_sql("northcert",
                        "UPDATE findings SET plan_due = current_date + $2::int, closure_due = current_date + "
                        "$2::int WHERE id = $1::uuid RETURNING id",
                        2, params));
}

static char *events_for(const char *finding)
{
    char *subject = cc_test_asprintf("finding:%s", finding);
    const char *params[] = {subject};
    char *n = cc_test_lc_sql(
        "northcert", "SELECT count(*) FROM webhook_events WHERE type = 'finding.overdue' AND subject = $1", 1,
        params);
    free(subject);
    return n;
}

START_TEST(test_finding_overdue_once)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    cc_fake_webhook_t *rx = cc_fake_webhook_start();
    json_t *hook = cc_test_webhook_create(&t.cb.admin, cc_fake_webhook_url(rx), "[\"finding.overdue\"]");
    const char *hook_id = cc_test_json_string(hook, "id");
    cc_fake_webhook_secret(rx, cc_test_json_string(hook, "secret"));
    const char *audit;
    json_t *programme = cc_test_team_audit(&t, "stage2", "2026-03-02", "2026-03-04", false, &audit);
    json_t *finding = cc_test_must_raise(&t, audit, "major");
    const char *id = cc_test_json_string(finding, "id");
    set_deadlines(id, "-1"); /* overdue since yesterday */

    json_t *d = received(rx, "finding.overdue", "finding_id", id);
    const json_t *shown = json_object_get(json_object_get(json_object_get(d, "json"), "data"), "finding");
    ck_assert_str_eq(cc_test_json_string(shown, "id"), id);
    ck_assert_str_eq(cc_test_json_string(shown, "grade"), "major");
    ck_assert_str_eq(cc_test_json_string(shown, "audit_id"), audit);
    ck_assert(json_is_true(json_object_get(shown, "overdue")));
    const char *event = cc_test_json_string(json_object_get(d, "json"), "id");
    json_decref(listed(&t.cb.admin, hook_id, event, "delivered", 1));

    /* no longer overdue, then overdue again: still announced once, however many scans pass */
    set_deadlines(id, "10");
    sleep(5); /* more than two housekeeping rounds (CC_HOUSEKEEPING_INTERVAL=2) */
    set_deadlines(id, "-2");
    sleep(5);
    char *n = events_for(id);
    ck_assert_str_eq(n, "1");
    json_t *all = cc_fake_webhook_wait(rx, "finding.overdue", "finding_id", id, 2, 0);
    ck_assert_int_eq(json_array_size(all), 1);
    json_decref(all);
    free(n);
    json_decref(d), json_decref(finding), json_decref(programme);
    cc_test_webhook_delete(&t.cb.admin, hook_id);
    cc_fake_webhook_stop(rx);
    json_decref(hook);
    cc_test_team_free(&t);
}
END_TEST

static Suite *delivery_suite(void)
{
    Suite *s = suite_create("webhook deliveries");
    TCase *tc = tcase_create("deliveries");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_certificate_events_signed);
    tcase_add_test(tc, test_retries_after_500s);
    tcase_add_test(tc, test_failed_after_max_attempts);
    tcase_add_test(tc, test_dropped_and_hung_attempts);
    tcase_add_test(tc, test_finding_overdue_once);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(delivery_suite());
}
