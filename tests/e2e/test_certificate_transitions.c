/*
 * End-to-end tests of a certificate's transitions through the gateway (issue 9 "Certificates"; DOMAIN.md
 * "Certificates"): suspend (default due date from the tenant's certificates.suspension_months, set through
 * PATCH /v1/settings, 6 when unset; an explicit one after today), restore, withdraw (final), reduce scope (a
 * new revision <base>-R1, the old one superseded and never changed again), each answering the certificate
 * with its ETag and leaving its history row, its numbered outbox row (owner SQL: seq 1, 2, 3, ... per
 * certification, the event type and the public state) and its event; every illegal move 409
 * illegal_transition with current_status; If-Match missing (428) or stale (412); the roles (auditor and
 * client 403) and another tenant (404). The certificates the main flows move are issued through POST
 * /v1/decisions (cc_test_certificates.h); the others are made with owner SQL.
 */
#include "cc_mem.h"
#include "cc_test_certificates.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"
#include "cc_test_lifecycle.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    cc_test_cb_t cb;
    cc_test_caller_t dm, auditor, south_dm;
    char *client, *programme, *dm_id;
} fixture_t;

static fixture_t f;

static void setup(void)
{
    cc_test_cb_login(&f.cb);
    cc_test_caller_login(&f.dm, "northcert", "decision_maker");
    cc_test_caller_login(&f.auditor, "northcert", "auditor1");
    cc_test_caller_login(&f.south_dm, "southcert", "decision_maker");
    f.client = cc_test_lc_client(&f.cb.sm);
    json_t *p = cc_test_new_programme(&f.cb.sm, f.client, "[]");
    f.programme = cc_strdup(cc_test_json_string(p, "id"));
    json_decref(p);
    cc_test_response_t *me = cc_test_call(&f.dm, "GET", "/v1/me", NULL, NULL);
    cc_test_assert_json(me, 200);
    f.dm_id = cc_strdup(cc_test_json_string(me->json, "id"));
    cc_test_response_free(me);
}

static void teardown(void)
{
    cc_test_cb_free(&f.cb);
    cc_test_caller_free(&f.dm);
    cc_test_caller_free(&f.auditor);
    cc_test_caller_free(&f.south_dm);
    free(f.client), free(f.programme), free(f.dm_id);
}

static char *new_certificate(void)
{
    return cc_test_lc_certificate("northcert", f.client, f.programme, "ISO27001:2022", "2026-01-10",
                                  "2029-01-09");
}

/* An active certificate issued through the real API (POST /v1/decisions: the decisions slice's fixture) for
 * a fresh client with two sites; its id (caller frees). */
static char *issued_certificate(void)
{
    char *client = cc_test_lc_client(&f.cb.sm);
    cc_test_certificate_opts_t opts = {.client_id = client};
    json_t *cert = cc_test_issue_certificate_with(&f.cb, &opts, NULL);
    char *id = cc_strdup(cc_test_json_string(cert, "id"));
    json_decref(cert);
    free(client);
    return id;
}

/* A transition that must answer 200 (201 for reduce-scope) with the certificate in `status`, ETag `version`.
 */
static json_t *must_act(const char *id, const char *action, int version, const char *body, int code,
                        const char *status, int new_version)
{
    cc_test_response_t *resp = cc_test_lc_act(&f.dm, id, action, version, body);
    ck_assert_msg(resp->status == code, "%s: %d %s", action, resp->status, resp->body);
    cc_test_assert_json(resp, code);
    ck_assert_str_eq(cc_test_json_string(resp->json, "status"), status);
    cc_test_assert_etag(resp, new_version);
    json_t *cert = json_incref(resp->json);
    cc_test_response_free(resp);
    return cert;
}

/* A transition refused with `status`, `code` (and for 409 the certificate's current_status). */
static void refused(const cc_test_caller_t *c, const char *id, const char *action, int version,
                    const char *body, int status, const char *code, const char *current)
{
    cc_test_response_t *resp = cc_test_lc_act(c, id, action, version, body);
    cc_test_assert_problem(resp, status, code);
    if (current != NULL)
        ck_assert_str_eq(cc_test_json_string(resp->json, "current_status"), current);
    cc_test_response_free(resp);
}

/* Owner SQL: "seq:event_type:status,..." of the certification of certificate id. */
static char *outbox_of(const char *id)
{
    const char *params[] = {id};
    return cc_test_lc_sql(
        "northcert",
        "SELECT string_agg(o.seq || ':' || o.event_type || ':' || (o.state->>'status'), ',' "
        "ORDER BY o.seq) FROM certificate_outbox o WHERE o.certification_id = "
        "(SELECT c.certification_id FROM certificates c WHERE c.id = $1::uuid)",
        1, params);
}

/* Owner SQL: the event log's certificate.* actions on entity id, in order. */
static char *events_of(const char *id)
{
    const char *params[] = {id};
    return cc_test_lc_sql("northcert",
                          "SELECT string_agg(e.action, ',' ORDER BY e.seq) FROM event_log e "
                          "WHERE e.entity_type = 'certificate' AND e.entity_id = $1::uuid",
                          1, params);
}

/* Owner SQL: a date expression on today, as text. */
static char *today_plus(const char *interval)
{
    const char *params[] = {interval};
    return cc_test_lc_sql("northcert", "SELECT (current_date + $1::interval)::date::text", 1, params);
}

static void assert_str_member(const json_t *obj, const char *key, const char *want)
{
    const char *got = cc_test_json_string(obj, key);
    ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s: %s, want %s", key, got ? got : "(null)", want);
}

START_TEST(test_suspend_restore_withdraw)
{
    char *id = issued_certificate(), *due = today_plus("6 months"), *today = today_plus("0 days");
    char *until = today_plus("10 days");
    const char *suspend = "{\"reason\":\"Surveillance 1 not held\",\"trigger\":\"missed_surveillance\"}";
    json_t *c = must_act(id, "suspend", 1, suspend, 200, "suspended", 2);
    assert_str_member(c, "suspended_since", today);
    assert_str_member(c, "suspended_until", due);
    assert_str_member(c, "suspension_trigger", "missed_surveillance");
    assert_str_member(c, "suspension_reason", "Surveillance 1 not held");
    json_decref(c);
    refused(&f.dm, id, "suspend", 2, suspend, 409, "illegal_transition", "suspended");
    c = must_act(id, "restore", 2, "{\"reason\":\"Surveillance held late\"}", 200, "active", 3);
    ck_assert(json_is_null(json_object_get(c, "suspended_until")));
    ck_assert(json_is_null(json_object_get(c, "suspension_trigger")));
    json_decref(c);
    refused(&f.dm, id, "restore", 3, "{\"reason\":\"again\"}", 409, "illegal_transition", "active");
    char *body =
        cc_test_asprintf("{\"reason\":\"Fees unpaid\",\"trigger\":\"non_payment\",\"until\":\"%s\"}", until);
    c = must_act(id, "suspend", 3, body, 200, "suspended", 4);
    assert_str_member(c, "suspended_until", until);
    json_decref(c);
    free(body);
    c = must_act(id, "withdraw", 4, "{\"reason\":\"Fees still unpaid\"}", 200, "withdrawn", 5);
    assert_str_member(c, "withdrawn_on", today);
    ck_assert(json_is_null(json_object_get(c, "suspended_since")));
    json_t *history = json_object_get(c, "history");
    ck_assert_int_eq(json_array_size(history), 5);
    static const char *const actions[] = {"issued", "suspended", "restored", "suspended", "withdrawn"};
    for (size_t i = 0; i < 5; i++) {
        json_t *h = json_array_get(history, i);
        assert_str_member(h, "action", actions[i]);
        if (i > 0) {
            assert_str_member(h, "actor", f.dm_id);
            assert_str_member(h, "actor_role", "decision_maker");
        }
    }
    assert_str_member(json_array_get(history, 4), "reason", "Fees still unpaid");
    assert_str_member(json_array_get(history, 4), "from_status", "suspended");
    json_decref(c);
    /* withdrawn is final */
    refused(&f.dm, id, "restore", 5, "{\"reason\":\"x\"}", 409, "illegal_transition", "withdrawn");
    refused(&f.dm, id, "suspend", 5, suspend, 409, "illegal_transition", "withdrawn");
    refused(&f.dm, id, "withdraw", 5, "{\"reason\":\"x\"}", 409, "illegal_transition", "withdrawn");
    refused(&f.dm, id, "reduce-scope", 5, "{\"scope\":\"s\",\"site_ids\":[],\"reason\":\"x\"}", 409,
            "illegal_transition", "withdrawn");
    char *outbox = outbox_of(id), *events = events_of(id);
    ck_assert_str_eq(outbox, "1:certificate.issued:active,2:certificate.suspended:suspended,"
                             "3:certificate.restored:active,4:certificate.suspended:suspended,"
                             "5:certificate.withdrawn:withdrawn");
    ck_assert_str_eq(events, "certificate.suspended,certificate.restored,certificate.suspended,"
                             "certificate.withdrawn");
    free(outbox), free(events), free(id), free(due), free(today), free(until);
}
END_TEST

START_TEST(test_preconditions_and_roles)
{
    char *id = new_certificate(), *today = today_plus("0 days");
    const char *suspend = "{\"reason\":\"Misuse of the mark\",\"trigger\":\"mark_misuse\"}";
    refused(&f.dm, id, "suspend", -1, suspend, 428, "precondition_required", NULL);
    refused(&f.dm, id, "restore", -1, "{\"reason\":\"x\"}", 428, "precondition_required", NULL);
    refused(&f.dm, id, "suspend", 7, suspend, 412, "precondition_failed", NULL);
    refused(&f.auditor, id, "suspend", 1, suspend, 403, "forbidden", NULL);
    refused(&f.cb.client1, id, "withdraw", 1, "{\"reason\":\"x\"}", 403, "forbidden", NULL);
    refused(&f.cb.sm, id, "withdraw", 1, "{\"reason\":\"x\"}", 403, "forbidden", NULL);
    refused(&f.south_dm, id, "suspend", 1, suspend, 404, "not_found", NULL);
    refused(&f.dm, "00000000-0000-4000-8000-000000000000", "suspend", 1, suspend, 404, "not_found", NULL);
    /* bodies: each fault named */
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"reason\":\"x\"}", "trigger"},
        {"{\"reason\":\"x\",\"trigger\":\"bored\"}", "trigger"},
        {"{\"trigger\":\"other\"}", "reason"},
        {"{\"reason\":\"x\",\"trigger\":\"other\",\"until\":\"2027-02-30\"}", "until"},
        {"{\"reason\":\"x\",\"trigger\":\"other\",\"until\":\"2020-01-01\"}", "until"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cc_test_response_t *resp = cc_test_lc_act(&f.dm, id, "suspend", 1, bad[i].body);
        cc_test_assert_problem(resp, 400, "validation_failed");
        cc_test_assert_first_error_field(resp, bad[i].field);
        cc_test_response_free(resp);
    }
    char *body = cc_test_asprintf("{\"reason\":\"x\",\"trigger\":\"other\",\"until\":\"%s\"}", today);
    cc_test_response_t *resp = cc_test_lc_act(&f.dm, id, "suspend", 1, body);
    cc_test_assert_problem(resp, 400, "validation_failed"); /* a due date must be after today */
    cc_test_assert_first_error_field(resp, "until");
    cc_test_response_free(resp);
    free(body);
    /* nothing was written */
    json_t *c = cc_test_lc_get(&f.dm, id);
    assert_str_member(c, "status", "active");
    ck_assert_int_eq(json_integer_value(json_object_get(c, "version")), 1);
    json_decref(c);
    char *outbox = outbox_of(id);
    ck_assert_str_eq(outbox, "1:certificate.issued:active");
    free(outbox), free(id), free(today);
}
END_TEST

START_TEST(test_suspension_months_setting)
{
    /* the tenant's admin sets certificates.suspension_months (PATCH /v1/settings), and restores the default
     */
    cc_test_response_t *resp = cc_test_call(&f.cb.admin, "PATCH", "/v1/settings", NULL,
                                            "{\"certificates\":{\"suspension_months\":2}}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    char *id = new_certificate(), *due = today_plus("2 months");
    json_t *c = must_act(id, "suspend", 1, "{\"reason\":\"Asked for\",\"trigger\":\"client_request\"}", 200,
                         "suspended", 2);
    assert_str_member(c, "suspended_until", due);
    json_decref(c);
    resp = cc_test_call(&f.cb.admin, "PATCH", "/v1/settings", NULL,
                        "{\"certificates\":{\"suspension_months\":null}}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    free(id), free(due);
}
END_TEST

START_TEST(test_reduce_scope)
{
    char *id = issued_certificate();
    json_t *old = cc_test_lc_get(&f.dm, id);
    json_t *sites = json_object_get(old, "sites");
    ck_assert_int_eq(json_array_size(sites), 2);
    const char *central = cc_test_json_string(json_array_get(sites, 0), "site_id");
    char *base = cc_strdup(cc_test_json_string(old, "number"));
    char *body = cc_test_asprintf("{\"scope\":\"Management only\",\"site_ids\":[\"%s\"],"
                                  "\"reason\":\"The branch closed\"}",
                                  central);
    refused(&f.dm, id, "reduce-scope", -1, body, 428, "precondition_required", NULL);
    refused(&f.auditor, id, "reduce-scope", 1, body, 403, "forbidden", NULL);
    refused(&f.dm, id, "reduce-scope", 1, "{\"scope\":\"s\",\"site_ids\":[],\"reason\":\"x\"}", 422,
            "invalid_site_selection", NULL);
    refused(&f.dm, id, "reduce-scope", 1,
            "{\"scope\":\"s\",\"site_ids\":[\"00000000-0000-4000-8000-000000000000\"],\"reason\":\"x\"}", 422,
            "invalid_site_selection", NULL);
    cc_test_response_t *resp = cc_test_lc_act(&f.dm, id, "reduce-scope", 1,
                                              "{\"scope\":\"s\",\"site_ids\":[\"nope\"],\"reason\":\"x\"}");
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "site_ids[0]");
    cc_test_response_free(resp);
    /* from suspended: the reduction resolves the suspension */
    json_decref(must_act(id, "suspend", 1, "{\"reason\":\"Branch failing\",\"trigger\":\"serious_failure\"}",
                         200, "suspended", 2));
    json_t *now = must_act(id, "reduce-scope", 2, body, 201, "active", 1);
    char *number = cc_test_asprintf("%s-R1", base);
    const char *new_id = cc_test_json_string(now, "id");
    assert_str_member(now, "number", number);
    assert_str_member(now, "scope", "Management only");
    assert_str_member(now, "expiry_date", cc_test_json_string(old, "expiry_date"));
    assert_str_member(now, "certification_id", cc_test_json_string(old, "certification_id"));
    ck_assert_int_eq(json_integer_value(json_object_get(now, "revision")), 1);
    ck_assert_int_eq(json_array_size(json_object_get(now, "sites")), 1);
    assert_str_member(json_array_get(json_object_get(now, "sites"), 0), "site_id", central);
    ck_assert_int_eq(json_array_size(json_object_get(now, "revisions")), 2);
    /* the old revision: superseded, pointing at the new one, never changed again */
    json_t *was = cc_test_lc_get(&f.dm, id);
    assert_str_member(was, "status", "superseded");
    assert_str_member(was, "superseded_by", new_id);
    int was_version = (int)json_integer_value(json_object_get(was, "version"));
    refused(&f.dm, id, "reduce-scope", was_version, body, 409, "illegal_transition", "superseded");
    refused(&f.dm, id, "suspend", was_version, "{\"reason\":\"x\",\"trigger\":\"other\"}", 409,
            "illegal_transition", "superseded");
    refused(&f.dm, id, "withdraw", was_version, "{\"reason\":\"x\"}", 409, "illegal_transition",
            "superseded");
    /* lists: the current revision by default, the old one only when asked for */
    char *path = cc_test_asprintf("/v1/certificates?client_id=%s", cc_test_json_string(old, "client_id"));
    json_t *items = cc_test_list_all(&f.dm, path, 50);
    size_t i;
    json_t *it;
    bool seen_new = false;
    json_array_foreach(items, i, it)
    {
        ck_assert_str_ne(cc_test_json_string(it, "id"), id);
        seen_new = seen_new || strcmp(cc_test_json_string(it, "id"), new_id) == 0;
    }
    ck_assert(seen_new);
    json_decref(items);
    free(path);
    path = cc_test_asprintf("/v1/certificates?client_id=%s&status=superseded",
                            cc_test_json_string(old, "client_id"));
    items = cc_test_list_all(&f.dm, path, 50);
    ck_assert_int_eq(json_array_size(items), 1);
    assert_str_member(json_array_get(items, 0), "id", id);
    json_decref(items);
    free(path);
    char *outbox = outbox_of(id), *events = events_of(new_id);
    ck_assert_str_eq(outbox, "1:certificate.issued:active,2:certificate.suspended:suspended,"
                             "3:certificate.superseded:superseded,4:certificate.scope_reduced:active");
    ck_assert_str_eq(events, "certificate.scope_reduced");
    free(outbox), free(events), free(number), free(body), free(base), free(id);
    json_decref(now);
    json_decref(was);
    json_decref(old);
}
END_TEST

static Suite *transitions_suite(void)
{
    Suite *s = suite_create("certificate_transitions");
    TCase *tc = tcase_create("transitions");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_suspend_restore_withdraw);
    tcase_add_test(tc, test_preconditions_and_roles);
    tcase_add_test(tc, test_suspension_months_setting);
    tcase_add_test(tc, test_reduce_scope);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(transitions_suite());
}
