/*
 * End-to-end tests of certification decisions on a cycle
 * (POST /v1/programmes/{id}/decisions) through the gateway: a grant after a
 * completed Stage 2 recomputes the programme's expiry and windows (no longer
 * provisional: surveillance 1 within 12 months of the decision, a
 * surveillance in every calendar year but the recertification year, the
 * recertification before expiry); a recertification opens the next cycle,
 * continued without a gap when decided before expiry, restored within 6
 * months after it, refused later; and every refusal: the decision maker's
 * independence, a decision in the future or before the audit it rests on,
 * a second decision, the roles, another tenant.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    cc_test_cb_t cb;
    cc_test_caller_t dm; /* northcert's decision maker */
    cc_test_auditor_t lead;
} fixture_t;

static void fixture_setup(fixture_t *f)
{
    cc_test_cb_login(&f->cb);
    cc_test_caller_login(&f->dm, "northcert", "decision_maker");
    f->lead = cc_test_new_auditor(&f->cb.admin, &f->cb.sm, CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "lead"));
}

static void fixture_free(fixture_t *f)
{
    cc_test_cb_free(&f->cb);
    cc_test_caller_free(&f->dm);
    cc_test_auditor_free(&f->lead);
}

static cc_test_response_t *decide(const cc_test_caller_t *c, const char *programme, const char *kind,
                                  const char *decided_on)
{
    char *path = cc_test_asprintf("/v1/programmes/%s/decisions", programme);
    char *body = cc_test_asprintf("{\"kind\":\"%s\",\"decided_on\":\"%s\"}", kind, decided_on);
    cc_test_response_t *resp = cc_test_call(c, "POST", path, NULL, body);
    free(path);
    free(body);
    return resp;
}

static void refused(const cc_test_caller_t *c, const char *programme, const char *kind, const char *day,
                    int status, const char *code)
{
    cc_test_response_t *resp = decide(c, programme, kind, day);
    cc_test_assert_problem(resp, status, code);
    cc_test_response_free(resp);
}

static json_t *get_programme(const fixture_t *f, const char *id)
{
    char *path = cc_test_asprintf("/v1/programmes/%s", id);
    cc_test_response_t *resp = cc_test_call(&f->cb.sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *programme = json_incref(resp->json);
    cc_test_response_free(resp);
    free(path);
    return programme;
}

/* A programme whose Stage 1 and Stage 2 were conducted on the given days, granted on `granted` (or not). */
static json_t *certified_programme(const fixture_t *f, const char *s1, const char *s1_end, const char *s2,
                                   const char *s2_end, const char *granted)
{
    json_t *programme = cc_test_new_programme(&f->cb.sm, f->cb.org, "[]");
    cc_test_conduct(&f->cb.sm, cc_test_audit_of(programme, "stage1"), f->lead.id, s1, s1_end);
    cc_test_conduct(&f->cb.sm, cc_test_audit_of(programme, "stage2"), f->lead.id, s2, s2_end);
    if (granted != NULL) {
        cc_test_response_t *resp = decide(&f->dm, cc_test_json_string(programme, "id"), "grant", granted);
        cc_test_assert_json(resp, 201);
        ck_assert_str_eq(cc_test_json_string(resp->json, "outcome"), "granted");
        ck_assert(json_is_null(json_object_get(resp->json, "next_programme_id")));
        cc_test_response_free(resp);
    }
    return programme;
}

/* Checks a decided cycle: its dates, and windows that follow DOMAIN.md from the anchor to the expiry. */
static void assert_decided(const json_t *programme, const char *anchor, const char *expiry, int cycle)
{
    char *text = json_dumps(programme, JSON_COMPACT);
    ck_assert_msg(strcmp(cc_test_json_string(programme, "decision_date"), anchor) == 0, "decision: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(programme, "expiry_date"), expiry) == 0, "expiry: %s", text);
    ck_assert_msg(json_is_false(json_object_get(programme, "provisional")), "provisional: %s", text);
    ck_assert_int_eq(json_integer_value(json_object_get(programme, "cycle")), cycle);
    int anchor_year = atoi(anchor), expiry_year = atoi(expiry);
    bool covered[8] = {false};
    const char *recert_end = NULL, *first_surveillance_end = NULL;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(programme, "audits"), i, a)
    {
        const char *type = cc_test_json_string(a, "type"), *status = cc_test_json_string(a, "status");
        if (strcmp(status, "cancelled") == 0 ||
            (strcmp(type, "surveillance") != 0 && strcmp(type, "recertification") != 0))
            continue;
        ck_assert_msg(json_is_false(json_object_get(a, "provisional")), "still provisional: %s", text);
        const char *end = cc_test_json_string(a, "window_end");
        if (strcmp(type, "recertification") == 0) {
            recert_end = end;
        } else {
            if (json_integer_value(json_object_get(a, "sequence")) == 1)
                first_surveillance_end = end;
            int y = atoi(end) - anchor_year;
            if (y >= 0 && y < 8)
                covered[y] = true; /* a window inside one calendar year covers it */
            ck_assert_msg(atoi(cc_test_json_string(a, "window_start")) == atoi(end), "window spans years: %s",
                          text);
        }
    }
    ck_assert_msg(first_surveillance_end != NULL && recert_end != NULL, "missing audits: %s", text);
    /* surveillance 1 no more than 12 months after the decision */
    char limit[32];
    snprintf(limit, sizeof(limit), "%04d%.6s", anchor_year + 1, anchor + 4);
    ck_assert_msg(strcmp(first_surveillance_end, limit) <= 0, "surveillance 1 ends %s, after %s: %s",
                  first_surveillance_end, limit, text);
    /* a surveillance in every calendar year after the decision's but the recertification (expiry) year */
    for (int y = anchor_year + 1; y < expiry_year; y++)
        ck_assert_msg(covered[y - anchor_year], "no surveillance in %d: %s", y, text);
    ck_assert_msg(strcmp(recert_end, expiry) < 0, "recertification window ends after expiry: %s", text);
    free(text);
}

START_TEST(test_grant_recomputes_windows)
{
    fixture_t f;
    fixture_setup(&f);
    json_t *programme = certified_programme(&f, "2026-01-05", "2026-01-06", "2026-02-02", "2026-02-04", NULL);
    const char *id = cc_test_json_string(programme, "id");

    refused(&f.dm, id, "grant", "2099-01-01", 422, "decision_in_future");
    refused(&f.dm, id, "grant", "2026-02-03", 422, "decision_before_audit");
    refused(&f.dm, id, "recertification", "2026-03-02", 422, "not_certified");
    refused(&f.cb.sm, id, "grant", "2026-03-02", 403, "forbidden");
    refused(&f.cb.client1, id, "grant", "2026-03-02", 403, "forbidden");
    refused(&f.cb.other_admin, id, "grant", "2026-03-02", 404, "not_found");
    cc_test_response_t *resp = decide(&f.dm, id, "approve", "2026-03-02");
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "kind");
    cc_test_response_free(resp);

    /* a decision maker who audited the cycle may not decide it */
    char *email = cc_test_unique_email("dm", "northcert");
    char *user = cc_test_create_user(cc_test_env("CC_TEST_GATEWAY_URL"), f.cb.admin.tokens.access, email,
                                     "decision_maker", NULL, CC_TEST_AUDITOR_PASSWORD);
    char *body = cc_test_asprintf(
        "{\"user_id\":\"%s\",\"competences\":" CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "auditor") "}", user);
    resp = cc_test_call(&f.cb.sm, "POST", "/v1/auditors", NULL, body);
    cc_test_assert_json(resp, 201);
    char *dm_auditor = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    const char *surveillance = cc_test_audit_of(programme, "surveillance");
    cc_test_must_add(&f.cb.sm, surveillance, dm_auditor, "auditor");
    cc_test_caller_t conflicted;
    cc_test_caller_login_as(&conflicted, "northcert", email, CC_TEST_AUDITOR_PASSWORD);
    refused(&conflicted, id, "grant", "2026-03-02", 422, "decision_maker_not_independent");

    resp = decide(&f.dm, id, "grant", "2026-03-02");
    cc_test_assert_json(resp, 201);
    ck_assert_str_eq(cc_test_json_string(resp->json, "kind"), "grant");
    ck_assert_str_eq(cc_test_json_string(resp->json, "decided_on"), "2026-03-02");
    cc_test_response_free(resp);
    refused(&f.dm, id, "grant", "2026-03-03", 409, "already_decided");

    json_t *decided = get_programme(&f, id);
    assert_decided(decided, "2026-03-02", "2029-03-01", 1);
    json_decref(decided);

    cc_test_caller_free(&conflicted);
    free(dm_auditor);
    free(body);
    free(user);
    free(email);
    json_decref(programme);
    fixture_free(&f);
}
END_TEST

START_TEST(test_recertification_continues_the_cycle)
{
    fixture_t f;
    fixture_setup(&f);
    /* granted 2023-12-04: expires 2026-12-03; recertified before then */
    json_t *programme =
        certified_programme(&f, "2023-10-02", "2023-10-03", "2023-11-06", "2023-11-08", "2023-12-04");
    const char *id = cc_test_json_string(programme, "id");
    const char *recert = cc_test_audit_of(programme, "recertification");
    refused(&f.dm, id, "recertification", "2026-11-02", 422, "recertification_incomplete");
    cc_test_conduct(&f.cb.sm, recert, f.lead.id, "2026-10-05", "2026-10-07");

    cc_test_response_t *resp = decide(&f.dm, id, "recertification", "2026-11-02");
    cc_test_assert_json(resp, 201);
    ck_assert_str_eq(cc_test_json_string(resp->json, "outcome"), "continued");
    char *next = cc_strdup(cc_test_json_string(resp->json, "next_programme_id"));
    cc_test_response_free(resp);
    refused(&f.dm, id, "recertification", "2026-11-03", 409, "already_decided");

    /* no gap: the next cycle expires three years after the old expiry */
    json_t *cycle2 = get_programme(&f, next);
    assert_decided(cycle2, "2026-11-02", "2029-12-03", 2);
    ck_assert_str_eq(cc_test_json_string(cycle2, "client_id"), f.cb.org);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(cycle2, "audits"), i, a)
    {
        ck_assert_str_eq(cc_test_json_string(a, "status"), "planned");
        ck_assert_msg(json_number_value(json_object_get(a, "planned_days")) > 0, "days");
    }
    json_decref(cycle2);
    free(next);
    json_decref(programme);
    fixture_free(&f);
}
END_TEST

START_TEST(test_restoration_and_its_limit)
{
    fixture_t f;
    fixture_setup(&f);
    /* expired on 2026-01-09; recertified 2026-04-01, within 6 months: restored */
    json_t *late =
        certified_programme(&f, "2022-11-07", "2022-11-08", "2022-12-05", "2022-12-07", "2023-01-10");
    cc_test_conduct(&f.cb.sm, cc_test_audit_of(late, "recertification"), f.lead.id, "2026-03-02",
                    "2026-03-03");
    cc_test_response_t *resp =
        decide(&f.dm, cc_test_json_string(late, "id"), "recertification", "2026-04-01");
    cc_test_assert_json(resp, 201);
    ck_assert_str_eq(cc_test_json_string(resp->json, "outcome"), "restored");
    json_t *restored = get_programme(&f, cc_test_json_string(resp->json, "next_programme_id"));
    cc_test_response_free(resp);
    /* effective on the decision date, expiry based on the prior cycle */
    assert_decided(restored, "2026-04-01", "2029-01-09", 2);
    json_decref(restored);

    /* expired on 2025-05-31; more than 6 months later a restoration is refused */
    json_t *lapsed =
        certified_programme(&f, "2022-03-07", "2022-03-08", "2022-04-04", "2022-04-06", "2022-06-01");
    cc_test_conduct(&f.cb.sm, cc_test_audit_of(lapsed, "recertification"), f.lead.id, "2026-01-12",
                    "2026-01-13");
    refused(&f.dm, cc_test_json_string(lapsed, "id"), "recertification", "2026-02-02", 422, "not_restorable");

    json_decref(late);
    json_decref(lapsed);
    fixture_free(&f);
}
END_TEST

static Suite *decisions_suite(void)
{
    Suite *s = suite_create("decisions");
    TCase *tc = tcase_create("decisions");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_grant_recomputes_windows);
    tcase_add_test(tc, test_recertification_continues_the_cycle);
    tcase_add_test(tc, test_restoration_and_its_limit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(decisions_suite());
}
