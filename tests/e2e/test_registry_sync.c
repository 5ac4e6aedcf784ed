/*
 * The registry workers end to end (ARCHITECTURE.md "Registry sync", DOMAIN.md "IAF CertSearch"): northcert
 * pointed at a double of its own (intervals 0), certificates issued and moved through the real API, the
 * double's records compared with ours. An issued certificate appears with its mapped fields; a suspension
 * and a withdrawal reach it as re-uploads of the same identity number; changes made while sync is off
 * coalesce into the latest state (one upload, never an older state after a newer one); a client without
 * consent is never sent (skipped, no_consent) and GET /v1/registry/certifications lists it so; consent
 * withdrawn deletes the record (outcome deleted, listed so), also when its id must be learned from a listing
 * of capped pages without a total; a resync is complete (last_complete_sync_at) only once nothing it queued
 * is pending or dead-lettered (a dead letter stays open until a send, but one of a certification that may
 * not be published does not count), and the housekeeping completes one whose work settled without a
 * further worker pass.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_mem.h"
#include "cc_test_certificates.h"
#include "cc_test_db.h"
#include "cc_test_lifecycle.h"
#include "cc_test_registry.h"

typedef struct fixture {
    cc_test_cb_t cb;
    cc_test_caller_t dm;
    cc_test_registry_t reg;
} fixture_t;

static fixture_t f;

static void setup(void)
{
    cc_test_cb_login(&f.cb);
    cc_test_caller_login(&f.dm, "northcert", "decision_maker");
    cc_test_registry_begin(&f.reg);
}

static void teardown(void)
{
    cc_test_registry_end(&f.reg);
    cc_test_cb_free(&f.cb);
    cc_test_caller_free(&f.dm);
}

/* A certificate of a fresh client (owner SQL, as the certificates service records one); its id and, in
 * *certification and *client, those (caller frees all three). */
static char *new_certificate(char **certification, char **client)
{
    *client = cc_test_lc_client(&f.cb.sm);
    json_t *p = cc_test_new_programme(&f.cb.sm, *client, "[]");
    char *id = cc_test_lc_certificate("northcert", *client, cc_test_json_string(p, "id"), "ISO27001:2022",
                                      "2026-01-10", "2029-01-09");
    json_decref(p);
    const char *params[] = {id};
    *certification = cc_test_registry_sql(
        &f.reg, "SELECT certification_id::text FROM certificates WHERE id = $1::uuid", 1, params);
    return id;
}

/* POST /v1/certificates/{id}/{action} as the decision maker at the certificate's current version. */
static void act(const char *id, const char *action, const char *body)
{
    json_t *c = cc_test_lc_get(&f.dm, id);
    int version = (int)json_integer_value(json_object_get(c, "version"));
    json_decref(c);
    cc_test_response_t *resp = cc_test_lc_act(&f.dm, id, action, version, body);
    ck_assert_msg(resp->status == 200, "%s: %d %s", action, resp->status, resp->body);
    cc_test_response_free(resp);
}

/* The certification_status values the double was sent for identity, oldest first, as "a,b,c". */
static char *sent_statuses(const char *identity)
{
    json_t *calls = cc_fake_registry_calls(f.reg.fake);
    char *out = cc_strdup("");
    size_t i, k;
    json_t *call, *item;
    json_array_foreach(calls, i, call)
    {
        if (json_integer_value(json_object_get(call, "status")) / 100 != 2)
            continue;
        json_array_foreach(json_object_get(call, "items"), k, item)
        {
            if (strcmp(json_string_value(json_array_get(item, 0)), identity) != 0)
                continue;
            char *next =
                cc_test_asprintf("%s%s%s", out, *out ? "," : "", json_string_value(json_array_get(item, 1)));
            free(out);
            out = next;
        }
    }
    json_decref(calls);
    return out;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    ck_assert_msg(s != NULL, "%s missing", k);
    return s;
}

START_TEST(test_issued_suspended_withdrawn)
{
    char *client = cc_test_lc_client(&f.cb.sm);
    cc_test_registry_consent(&f.reg, client, true);
    cc_test_certificate_opts_t opts = {.client_id = client};
    json_t *cert = cc_test_issue_certificate_with(&f.cb, &opts, NULL); /* the real API */
    const char *id = cc_test_json_string(cert, "id");
    const char *certification = cc_test_json_string(cert, "certification_id");
    cc_test_registry_enable(&f.reg, true);
    cc_test_registry_settle(&f.reg, &certification, 1);

    json_t *records = cc_fake_registry_records(f.reg.fake);
    json_t *rec = json_object_get(records, certification);
    ck_assert_msg(rec != NULL, "the issued certificate is not in the registry");
    ck_assert_str_eq(str(rec, "certificate_number"), cc_test_json_string(cert, "number"));
    ck_assert_str_eq(str(rec, "certification_status"), "active");
    ck_assert_str_eq(str(rec, "certified_entity_unique_id"), client);
    ck_assert_str_eq(str(rec, "certification_type"), "Management System");
    ck_assert_str_eq(str(rec, "certificate_accreditation_status"), "Accredited");
    ck_assert_str_eq(str(rec, "accreditation_body_acronym_name"), "UKAS");
    char ymd[9];
    const char *expiry = cc_test_json_string(cert, "expiry_date");
    snprintf(ymd, sizeof(ymd), "%.4s%.2s%.2s", expiry, expiry + 5, expiry + 8);
    ck_assert_str_eq(str(rec, "certification_expiry_date"), ymd);
    json_t *scheme = json_array_get(json_object_get(rec, "schemes"), 0);
    ck_assert_str_eq(str(scheme, "scheme_name"), "ISO/IEC 27001");
    ck_assert_str_eq(str(json_array_get(json_object_get(scheme, "standard_list"), 0), "standards_name"),
                     "ISO/IEC 27001:2022");
    ck_assert_int_ge((int)json_array_size(json_object_get(rec, "sites")), 1);
    json_decref(records);
    json_t *ours = cc_test_registry_ours(&f.reg, certification);
    ck_assert_str_eq(str(ours, "outcome"), "sent");
    ck_assert(json_is_true(json_object_get(ours, "in_registry")));
    ck_assert_str_eq(str(ours, "sent_status"), "active");
    json_decref(ours);

    act(id, "suspend", "{\"reason\":\"Surveillance 1 not held\",\"trigger\":\"missed_surveillance\"}");
    cc_test_registry_settle(&f.reg, &certification, 1);
    cc_test_registry_assert_equal(&f.reg, &certification, 1);
    act(id, "withdraw", "{\"reason\":\"Fees unpaid\"}");
    cc_test_registry_settle(&f.reg, &certification, 1);
    cc_test_registry_assert_equal(&f.reg, &certification, 1);
    /* Re-uploads of the same identity number: one record, its states in the order they happened. */
    char *sent = sent_statuses(certification);
    ck_assert_str_eq(sent, "active,suspended,withdrawn");
    free(sent);
    json_decref(cert);
    free(client);
}
END_TEST

START_TEST(test_coalescing_keeps_order)
{
    char *certification, *client;
    char *id = new_certificate(&certification, &client);
    cc_test_registry_consent(&f.reg, client, true);
    cc_test_registry_enable(&f.reg, false); /* configured, off: the changes pile up */
    act(id, "suspend", "{\"reason\":\"Surveillance 1 not held\",\"trigger\":\"missed_surveillance\"}");
    act(id, "restore", "{\"reason\":\"Surveillance held late\"}");
    act(id, "suspend", "{\"reason\":\"Fees unpaid\",\"trigger\":\"non_payment\"}");
    act(id, "withdraw", "{\"reason\":\"Fees still unpaid\"}");
    json_t *ours = cc_test_registry_ours(&f.reg, certification);
    ck_assert(json_is_true(json_object_get(ours, "pending")));
    json_decref(ours);

    cc_test_registry_enable(&f.reg, true);
    const char *c = certification;
    cc_test_registry_settle(&f.reg, &c, 1);
    cc_test_registry_assert_equal(&f.reg, &c, 1);
    /* Five states, one upload: the latest. */
    char *sent = sent_statuses(certification);
    ck_assert_str_eq(sent, "withdrawn");
    free(sent);

    /* Changes while sync runs: whatever was sent in between, never an older state after a newer one, and
     * the registry ends with the latest. */
    char *certification2, *client2;
    char *id2 = new_certificate(&certification2, &client2);
    cc_test_registry_consent(&f.reg, client2, true);
    act(id2, "suspend", "{\"reason\":\"Surveillance 1 not held\",\"trigger\":\"missed_surveillance\"}");
    act(id2, "withdraw", "{\"reason\":\"Fees unpaid\"}");
    c = certification2;
    cc_test_registry_settle(&f.reg, &c, 1);
    cc_test_registry_assert_equal(&f.reg, &c, 1);
    sent = sent_statuses(certification2);
    const char *allowed[] = {"active,suspended,withdrawn", "active,withdrawn", "suspended,withdrawn",
                             "withdrawn", NULL};
    bool ok = false;
    for (int i = 0; allowed[i] != NULL; i++)
        ok = ok || strcmp(sent, allowed[i]) == 0;
    ck_assert_msg(ok, "sent out of order: %s", sent);
    free(sent);
    free(id), free(certification), free(client), free(id2), free(certification2), free(client2);
}
END_TEST

/* Every item of GET /v1/registry/certifications?<query> as c, walked in pages of 100 (the certification ids
 * ascend, none repeats). The caller decrefs. */
static json_t *listed(const cc_test_caller_t *c, const char *query)
{
    json_t *all = json_array();
    char *cursor = NULL, *last = cc_strdup("");
    do {
        char *path = cc_test_asprintf("/v1/registry/certifications?limit=100&%s%s%s", query,
                                      cursor != NULL ? "&cursor=" : "", cursor != NULL ? cursor : "");
        cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
        ck_assert_msg(resp->status == 200, "%s: %d %s", path, resp->status, resp->body);
        json_t *page = json_loads(resp->body, 0, NULL);
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(page, "items"), i, item)
        {
            ck_assert_msg(strcmp(last, str(item, "certification_id")) < 0, "not ascending");
            free(last);
            last = cc_strdup(str(item, "certification_id"));
            json_array_append(all, item);
        }
        free(cursor);
        const char *next = json_string_value(json_object_get(page, "next_cursor"));
        cursor = next != NULL ? cc_strdup(next) : NULL;
        json_decref(page);
        cc_test_response_free(resp);
        free(path);
    } while (cursor != NULL);
    free(last);
    return all;
}

/* The item of certification in items (borrowed), or NULL. */
static json_t *item_of(const json_t *items, const char *certification)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (strcmp(str(item, "certification_id"), certification) == 0)
            return item;
    }
    return NULL;
}

/* The API's view of the gating: the client without consent listed as skipped, no_consent; the consented
 * one sent; neither in another tenant's list; an unknown outcome refused naming the parameter. */
static void assert_listed_skipped(const char *id, const char *certification, const char *client,
                                  const char *certification2)
{
    json_t *skipped = listed(&f.cb.admin, "outcome=skipped");
    json_t *it = item_of(skipped, certification);
    ck_assert_msg(it != NULL, "the certification without consent is not listed as skipped");
    ck_assert_str_eq(str(it, "outcome"), "skipped");
    ck_assert_str_eq(str(it, "reason"), "no_consent");
    ck_assert_str_eq(str(it, "certificate_id"), id);
    ck_assert_str_eq(str(it, "client_id"), client);
    ck_assert_str_eq(str(it, "status"), "active");
    ck_assert(json_is_false(json_object_get(it, "pending")));
    ck_assert(json_is_false(json_object_get(it, "in_registry")));
    ck_assert(item_of(skipped, certification2) == NULL);
    json_decref(skipped);
    json_t *sent = listed(&f.cb.admin, "outcome=sent");
    ck_assert_msg(item_of(sent, certification2) != NULL, "the consented one is not listed as sent");
    json_decref(sent);
    json_t *theirs = listed(&f.cb.other_admin, "");
    ck_assert(item_of(theirs, certification) == NULL && item_of(theirs, certification2) == NULL);
    json_decref(theirs);
    cc_test_response_t *resp =
        cc_test_call(&f.cb.admin, "GET", "/v1/registry/certifications?outcome=lost", NULL, NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    ck_assert_msg(strstr(resp->body, "\"field\":\"outcome\"") != NULL, "%s", resp->body);
    cc_test_response_free(resp);
}

START_TEST(test_consent_gating_and_withdrawal)
{
    char *certification, *client, *certification2, *client2;
    char *id = new_certificate(&certification, &client);    /* no consent */
    char *id2 = new_certificate(&certification2, &client2); /* consent */
    cc_test_registry_consent(&f.reg, client2, true);
    cc_test_registry_enable(&f.reg, true);
    const char *both[] = {certification, certification2};
    cc_test_registry_settle(&f.reg, both, 2);
    cc_test_registry_assert_equal(&f.reg, both, 2);
    json_t *ours = cc_test_registry_ours(&f.reg, certification);
    ck_assert_str_eq(str(ours, "outcome"), "skipped");
    ck_assert_str_eq(str(ours, "reason"), "no_consent");
    ck_assert(json_is_false(json_object_get(ours, "in_registry")));
    json_decref(ours);
    char *sent = sent_statuses(certification);
    ck_assert_str_eq(sent, ""); /* never sent */
    free(sent);
    assert_listed_skipped(id, certification, client, certification2);

    cc_test_registry_consent(&f.reg, client2, false); /* withdrawn: the record is deleted */
    cc_test_registry_settle(&f.reg, both, 2);
    cc_test_registry_assert_equal(&f.reg, both, 2);
    ours = cc_test_registry_ours(&f.reg, certification2);
    ck_assert_str_eq(str(ours, "outcome"), "deleted");
    ck_assert(json_is_false(json_object_get(ours, "in_registry")));
    json_decref(ours);
    json_t *calls = cc_fake_registry_calls(f.reg.fake);
    bool deleted = false;
    size_t i;
    json_t *call;
    json_array_foreach(calls, i, call)
    {
        deleted = deleted || (strcmp(str(call, "method"), "DELETE") == 0 &&
                              json_integer_value(json_object_get(call, "status")) == 200);
    }
    ck_assert_msg(deleted, "no DELETE reached the registry");
    json_decref(calls);
    json_t *gone = listed(&f.cb.admin, "outcome=deleted");
    json_t *it = item_of(gone, certification2);
    ck_assert_msg(it != NULL, "the withdrawn client's certification is not listed as deleted");
    ck_assert_str_eq(str(it, "outcome"), "deleted");
    ck_assert(json_is_false(json_object_get(it, "in_registry")));
    json_decref(gone);
    free(id), free(certification), free(client), free(id2), free(certification2), free(client2);
}
END_TEST

/* A withdrawal whose record's id we do not know is learned from the listing: a registry that caps its pages
 * below our limit and gives no total still has every page read (registry_pages.c), so a record on page 2
 * or later is deleted there, not merely counted as gone. */
START_TEST(test_withdrawal_on_a_later_page)
{
    char *certification, *client, *certification2, *client2;
    char *id = new_certificate(&certification, &client);
    char *id2 = new_certificate(&certification2, &client2);
    cc_test_registry_consent(&f.reg, client, true);
    cc_test_registry_consent(&f.reg, client2, true);
    cc_test_registry_enable(&f.reg, true);
    const char *both[] = {certification, certification2};
    cc_test_registry_settle(&f.reg, both, 2);
    cc_test_registry_assert_equal(&f.reg, both, 2);
    /* As after a bulk upload (it returns no ids): both ids are to be learned from the listing. */
    cc_test_registry_sql(&f.reg,
                         "UPDATE registry_certifications SET company_certifications_id = NULL WHERE "
                         "certification_id IN ($1::uuid, $2::uuid)",
                         2, both);
    /* The later of the two in the registry's listing order (first upload) is on page 2 or after. One
     * withdrawal only: a delete made while another worker pages shifts the offsets (left for later). */
    json_t *records = cc_fake_registry_records(f.reg.fake);
    int later = -1, index = 0;
    const char *key;
    json_t *value;
    json_object_foreach(records, key, value)
    {
        for (int i = 0; i < 2; i++)
            if (strcmp(key, both[i]) == 0)
                later = index > 0 ? i : later;
        index++;
    }
    json_decref(records);
    ck_assert_int_ge(later, 0);
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"none\", \"page_cap\": 1, \"omit_total\": true}");
    cc_test_registry_consent(&f.reg, later == 0 ? client : client2, false);
    cc_test_registry_settle(&f.reg, both, 2);
    cc_test_registry_assert_equal(&f.reg, both, 2); /* it is not in the registry any more */
    json_t *ours = cc_test_registry_ours(&f.reg, both[later]);
    ck_assert_str_eq(str(ours, "outcome"), "deleted");
    json_decref(ours);
    free(id), free(certification), free(client), free(id2), free(certification2), free(client2);
}
END_TEST

/* Owner SQL in northcert, polled (at most 60 s) until it answers want. */
static bool poll_sql(const char *sql, const char *want)
{
    for (int i = 0; i < 600; i++) {
        char *v = cc_test_registry_sql(&f.reg, sql, 0, NULL);
        bool ok = v != NULL && strcmp(v, want) == 0;
        free(v);
        if (ok)
            return true;
        usleep(100 * 1000);
    }
    return false;
}

/* A certificate of a consenting client whose record the double refuses (by its number, given in *number);
 * earlier tests' open dead letters are theirs: closed, so that only this test's decide. */
static char *rejected_certificate(char **certification, char **client, char **number)
{
    char *id = new_certificate(certification, client);
    cc_test_registry_consent(&f.reg, *client, true);
    const char *params[] = {id};
    *number = cc_test_registry_sql(&f.reg, "SELECT number FROM certificates WHERE id = $1::uuid", 1, params);
    char *plan = cc_test_asprintf("{\"mode\": \"reject\", \"numbers\": [\"%s\"]}", *number);
    cc_fake_registry_faults(f.reg.fake, plan);
    free(plan);
    free(cc_test_registry_sql(
        &f.reg, "UPDATE registry_dead_letters SET retried_at = now() WHERE retried_at IS NULL", 0, NULL));
    return id;
}

/* A resync as POST /v1/registry/resync makes one: every certification touched, resync_requested_at set. */
static void request_resync(void)
{
    cc_test_db_run(f.reg.db,
                   "WITH t AS (SELECT cc_registry_touch(certification_id, client_id) FROM "
                   "registry_certifications) UPDATE registry_settings SET resync_requested_at = now(), "
                   "last_complete_sync_at = NULL WHERE (SELECT count(*) FROM t) >= 0",
                   0, NULL);
}

START_TEST(test_complete_sync)
{
    char *certification, *client, *number;
    char *id = rejected_certificate(&certification, &client, &number);
    request_resync();
    cc_test_registry_enable(&f.reg, true);
    const char *c = certification;
    cc_test_registry_settle(&f.reg, &c, 1);
    json_t *ours = cc_test_registry_ours(&f.reg, certification);
    ck_assert_str_eq(str(ours, "outcome"), "dead");
    json_decref(ours);
    /* Everything else of the resync settles; the dead letter keeps it incomplete. */
    ck_assert(poll_sql("SELECT count(*) FROM registry_certifications WHERE wanted > done", "0"));
    ck_assert(poll_sql("SELECT (resync_requested_at IS NOT NULL AND last_complete_sync_at IS NULL)::text "
                       "FROM registry_settings",
                       "true"));

    /* The registry accepts it once retried (as POST .../dead-letters/{id}/retry does): the sync is complete.
     */
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"none\"}");
    const char *p2[] = {certification};
    cc_test_registry_sql(
        &f.reg,
        "WITH d AS (UPDATE registry_dead_letters SET retried_at = now() WHERE certification_id = "
        "$1::uuid AND retried_at IS NULL RETURNING certification_id) SELECT "
        "cc_registry_touch(r.certification_id, r.client_id) FROM registry_certifications r JOIN d "
        "USING (certification_id)",
        1, p2);
    cc_test_registry_settle(&f.reg, &c, 1);
    ck_assert(poll_sql("SELECT (resync_requested_at IS NULL AND last_complete_sync_at IS NOT NULL)::text "
                       "FROM registry_settings",
                       "true"));
    cc_test_registry_assert_equal(&f.reg, &c, 1);
    free(number), free(id), free(certification), free(client);
}
END_TEST

/* A resync whose work has all settled when it is requested gets no further worker pass: the housekeeping
 * records it complete (cc_registry_complete_sync). */
START_TEST(test_resync_settled_without_pass)
{
    cc_test_registry_enable(&f.reg, true);
    ck_assert(poll_sql("SELECT count(*) FROM registry_certifications WHERE wanted > done", "0"));
    cc_test_registry_sql(
        &f.reg, "UPDATE registry_dead_letters SET retried_at = now() WHERE retried_at IS NULL", 0, NULL);
    cc_test_registry_sql(
        &f.reg, "UPDATE registry_settings SET resync_requested_at = now(), last_complete_sync_at = NULL", 0,
        NULL);
    ck_assert(poll_sql("SELECT (resync_requested_at IS NULL AND last_complete_sync_at IS NOT NULL)::text "
                       "FROM registry_settings",
                       "true"));
}
END_TEST

/* A dead letter is closed only by a send: consent withdrawn after it (outcome skipped) leaves it open, as
 * an admin left it, yet a resync still completes, since nothing of that certification may be published. */
START_TEST(test_dead_letter_of_a_skipped_certification)
{
    char *certification, *client, *number;
    char *id = rejected_certificate(&certification, &client, &number);
    cc_test_registry_enable(&f.reg, true);
    const char *c = certification;
    cc_test_registry_settle(&f.reg, &c, 1);
    json_t *ours = cc_test_registry_ours(&f.reg, certification);
    ck_assert_str_eq(str(ours, "outcome"), "dead");
    json_decref(ours);

    /* Consent withdrawn, and a resync requested (as POST /v1/registry/resync). */
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"none\"}");
    cc_test_registry_consent(&f.reg, client, false);
    request_resync();
    cc_test_registry_settle(&f.reg, &c, 1);
    ours = cc_test_registry_ours(&f.reg, certification);
    ck_assert_str_eq(str(ours, "outcome"), "skipped");
    json_decref(ours);
    ck_assert(poll_sql("SELECT (resync_requested_at IS NULL AND last_complete_sync_at IS NOT NULL)::text "
                       "FROM registry_settings",
                       "true"));
    const char *p2[] = {certification};
    char *open = cc_test_registry_sql(&f.reg,
                                      "SELECT count(*) FROM registry_dead_letters WHERE certification_id = "
                                      "$1::uuid AND retried_at IS NULL",
                                      1, p2);
    ck_assert_str_eq(open, "1"); /* still open: only a send closes it */
    cc_test_registry_assert_equal(&f.reg, &c, 1);
    free(open), free(number), free(id), free(certification), free(client);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry_sync");
    TCase *tc = tcase_create("sync");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_issued_suspended_withdrawn);
    tcase_add_test(tc, test_coalescing_keeps_order);
    tcase_add_test(tc, test_consent_gating_and_withdrawal);
    tcase_add_test(tc, test_withdrawal_on_a_later_page);
    tcase_add_test(tc, test_complete_sync);
    tcase_add_test(tc, test_resync_settled_without_pass);
    tcase_add_test(tc, test_dead_letter_of_a_skipped_certification);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
