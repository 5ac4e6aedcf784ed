/*
 * End-to-end tests of the decisions that follow an initial grant, and of the
 * rules that read findings and the calendar (POST /v1/decisions through the
 * gateway): a recertification on or before expiry revises the certificate
 * (-R1, expiry continued from the old one) and opens the next cycle; after
 * expiry it must be a restoration (422 expired_use_restoration), which keeps
 * the prior cycle's basis, refused before expiry (not_expired) and more than
 * 6 months after it (not_restorable); a scope extension revises an active
 * certificate with the new scope and the same expiry; a refusal is recorded
 * with its reasons and issues nothing; open findings (findings_open, with
 * their ids), a Stage 2 major past its 6 months (new_stage2_required) and
 * ISO/IEC 27001:2013 after its transition (standard_closed).
 */
#include "cc_mem.h"
#include "cc_test_dates.h"
#include "cc_test_db.h"
#include "cc_test_decisions.h"
#include "cc_test_findings.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The programme's current certificate (the decision's first) of an answer, with its checks. */
static void assert_revision(const json_t *answer, int revision, const char *base, const char *effective,
                            const char *expiry)
{
    json_t *c = json_object_get(answer, "certificate");
    char *text = json_dumps(answer, JSON_COMPACT);
    char number[96];
    snprintf(number, sizeof(number), "%s-R%d", base, revision);
    ck_assert_msg(json_integer_value(json_object_get(c, "revision")) == revision, "revision: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(c, "number"), number) == 0, "number: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(c, "status"), "active") == 0, "status: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(c, "effective_date"), effective) == 0, "effective: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(c, "expiry_date"), expiry) == 0, "expiry: %s", text);
    json_t *revisions = json_object_get(c, "revisions");
    ck_assert_msg(json_array_size(revisions) == (size_t)revision + 1, "revisions: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(json_array_get(revisions, 0), "status"), "superseded") == 0,
                  "old revision: %s", text);
    free(text);
}

/* [<the programme's recertification audit>] (caller frees). */
static char *recert_audits(const json_t *programme)
{
    return cc_test_asprintf("[\"%s\"]", cc_test_audit_of(programme, "recertification"));
}

START_TEST(test_recertification_continues_the_cycle)
{
    cc_test_deciding_t f;
    cc_test_deciding_setup(&f);
    /* granted 2023-12-04: expires 2026-12-03; recertified before then */
    json_t *programme =
        cc_test_decided_programme(&f, "2023-10-02", "2023-10-03", "2023-11-06", "2023-11-08", "2023-12-04");
    const char *id = cc_test_json_string(programme, "id");
    char *audits = recert_audits(programme);
    char *body =
        cc_test_decision_body(id, "recertification", "grant", audits, "2026-11-02", "2026-11-02", "v2", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "audit_incomplete", "audit_ids");
    cc_test_conduct(&f.cb.sm, cc_test_audit_of(programme, "recertification"), f.lead.id, "2026-10-05",
                    "2026-10-07");
    /* a restoration before expiry is refused */
    char *early =
        cc_test_decision_body(id, "restoration", "grant", audits, "2026-11-02", "2026-11-02", "v2", NULL);
    cc_test_decision_refused(&f.dm, early, 422, "not_expired", "type");

    json_t *answer = cc_test_decision_granted(&f.dm, body);
    json_t *decision = json_object_get(answer, "decision");
    const char *next = cc_test_json_string(decision, "next_programme_id");
    ck_assert_msg(next != NULL, "no next cycle");
    char base[96];
    const char *number = cc_test_json_string(json_object_get(answer, "certificate"), "number");
    snprintf(base, sizeof(base), "%.*s", (int)(strlen(number) - 3), number);
    assert_revision(answer, 1, base, "2026-11-02", "2029-12-03");
    ck_assert_str_eq(cc_test_json_string(json_object_get(answer, "certificate"), "programme_id"), next);
    cc_test_decision_refused(&f.dm, body, 409, "already_decided", NULL);

    /* no gap: the next cycle expires three years after the old expiry */
    json_t *cycle2 = cc_test_get_programme(&f, next);
    cc_test_assert_decided(cycle2, "2026-11-02", "2029-12-03", 2);
    ck_assert_str_eq(cc_test_json_string(cycle2, "client_id"), f.cb.org);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(cycle2, "audits"), i, a)
    {
        ck_assert_str_eq(cc_test_json_string(a, "status"), "planned");
        ck_assert_msg(json_number_value(json_object_get(a, "planned_days")) > 0, "days");
    }
    json_decref(cycle2);
    json_decref(answer);
    free(early);
    free(body);
    free(audits);
    json_decref(programme);
    cc_test_deciding_free(&f);
}
END_TEST

/* Marks the programme's current certificate expired on the day after its expiry (the expiry job's work). */
static void expire(const char *programme)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(db, "BEGIN", 0, NULL);
    cc_test_db_run(db, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0, NULL);
    const char *params[] = {programme};
    cc_test_db_run(
        db,
        "UPDATE certificates SET status = 'expired', expired_on = expiry_date + 1, version = version + 1 "
        "WHERE programme_id = $1::uuid AND status = 'active'",
        1, params);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    PQfinish(db);
}

START_TEST(test_restoration_and_its_limit)
{
    cc_test_deciding_t f;
    cc_test_deciding_setup(&f);
    /* expired on 2026-01-09; a recertification after that must be a restoration, within 6 months */
    json_t *late =
        cc_test_decided_programme(&f, "2022-11-07", "2022-11-08", "2022-12-05", "2022-12-07", "2023-01-10");
    const char *id = cc_test_json_string(late, "id");
    cc_test_conduct(&f.cb.sm, cc_test_audit_of(late, "recertification"), f.lead.id, "2026-03-02",
                    "2026-03-03");
    expire(id);
    char *audits = recert_audits(late);
    char *body =
        cc_test_decision_body(id, "recertification", "grant", audits, "2026-04-01", "2026-04-01", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "expired_use_restoration", "type");
    free(body);
    body = cc_test_decision_body(id, "restoration", "grant", audits, "2026-04-01", "2026-04-06", "v", NULL);
    json_t *answer = cc_test_decision_granted(&f.dm, body);
    json_t *c = json_object_get(answer, "certificate");
    const char *number = cc_test_json_string(c, "number");
    char base[96];
    snprintf(base, sizeof(base), "%.*s", (int)(strlen(number) - 3), number);
    /* effective on its effective date, expiry based on the prior cycle */
    assert_revision(answer, 1, base, "2026-04-06", "2029-01-09");
    json_t *history = json_object_get(c, "history");
    ck_assert_str_eq(cc_test_json_string(json_array_get(history, json_array_size(history) - 1), "action"),
                     "reinstated");
    json_t *restored = cc_test_get_programme(
        &f, cc_test_json_string(json_object_get(answer, "decision"), "next_programme_id"));
    cc_test_assert_decided(restored, "2026-04-01", "2029-01-09", 2);
    json_decref(restored);
    json_decref(answer);
    free(body);
    free(audits);

    /* expired on 2025-05-31; more than 6 months later a restoration is refused */
    json_t *lapsed =
        cc_test_decided_programme(&f, "2022-03-07", "2022-03-08", "2022-04-04", "2022-04-06", "2022-06-01");
    cc_test_conduct(&f.cb.sm, cc_test_audit_of(lapsed, "recertification"), f.lead.id, "2026-01-12",
                    "2026-01-13");
    audits = recert_audits(lapsed);
    body = cc_test_decision_body(cc_test_json_string(lapsed, "id"), "restoration", "grant", audits,
                                 "2026-02-02", "2026-02-02", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "not_restorable", "decided_on");
    free(body);
    free(audits);
    json_decref(lapsed);
    json_decref(late);
    cc_test_deciding_free(&f);
}
END_TEST

START_TEST(test_scope_extension)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    cc_test_caller_t dm;
    cc_test_caller_login(&dm, "northcert", "decision_maker");
    json_t *c = cc_test_issue_certificate(&cb, NULL);
    const char *programme = cc_test_json_string(c, "programme_id");
    char *path = cc_test_asprintf("/v1/programmes/%s", programme);
    cc_test_response_t *resp = cc_test_call(&cb.sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    char *audits = cc_test_asprintf("[\"%s\"]", cc_test_audit_of(resp->json, "stage2"));
    cc_test_response_free(resp);
    char *today = cc_test_asprintf("%s", cc_test_json_string(c, "issue_date"));
    char *body =
        cc_test_decision_body(programme, "scope_extension", "grant", audits, today, today, "SoA v2", NULL);
    cc_test_decision_refused(&dm, body, 422, "scope_required", "scope");
    free(body);
    body = cc_test_decision_body(programme, "scope_extension", "grant", audits, today, today, "SoA v2",
                                 ",\"scope\":\"Design, hosting and support of payroll software\"");
    json_t *answer = cc_test_decision_granted(&dm, body);
    json_t *r1 = json_object_get(answer, "certificate");
    char number[96];
    snprintf(number, sizeof(number), "%s-R1", cc_test_json_string(c, "number"));
    ck_assert_str_eq(cc_test_json_string(r1, "number"), number);
    ck_assert_str_eq(cc_test_json_string(r1, "scope"), "Design, hosting and support of payroll software");
    ck_assert_str_eq(cc_test_json_string(r1, "expiry_date"), cc_test_json_string(c, "expiry_date"));
    ck_assert_str_eq(cc_test_json_string(r1, "certification_id"), cc_test_json_string(c, "certification_id"));
    ck_assert_str_eq(cc_test_json_string(r1, "soa_version"), "SoA v2");
    ck_assert_int_eq(json_array_size(json_object_get(r1, "sites")), 1);
    json_decref(answer);
    /* scope extensions may be many */
    answer = cc_test_decision_granted(&dm, body);
    snprintf(number, sizeof(number), "%s-R2", cc_test_json_string(c, "number"));
    ck_assert_str_eq(cc_test_json_string(json_object_get(answer, "certificate"), "number"), number);
    json_decref(answer);
    free(body);
    free(today);
    free(audits);
    free(path);
    json_decref(c);
    cc_test_caller_free(&dm);
    cc_test_cb_free(&cb);
}
END_TEST

/* Open findings: a grant is refused with their ids; a refusal is recorded with them as its reasons. */
START_TEST(test_findings_open_and_refusal_recorded)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    char s2[16], s2_end[16], day[16];
    cc_test_format_days(cc_test_today_utc() - 20, s2);
    cc_test_format_days(cc_test_today_utc() - 18, s2_end);
    cc_test_format_days(cc_test_today_utc() - 1, day);
    const char *stage2;
    json_t *programme = cc_test_team_audit(&t, "stage2", s2, s2_end, false, &stage2);
    json_t *major = cc_test_must_raise(&t, stage2, "major");
    json_t *minor = cc_test_must_raise(&t, stage2, "minor");
    cc_test_transition(&t.cb.sm, stage2, "complete", "{\"summary\":\"Conducted by the test\"}", 200,
                       "completed");
    const char *id = cc_test_json_string(programme, "id");
    char *audits = cc_test_stages_of(programme);
    char *body = cc_test_decision_body(id, "initial", "grant", audits, day, day, "v1", NULL);
    cc_test_response_t *resp = cc_test_decide(&t.dm, body);
    cc_test_assert_problem(resp, 422, "findings_open");
    cc_test_assert_first_error_field(resp, "audit_ids");
    json_t *ids = json_object_get(resp->json, "finding_ids");
    ck_assert_int_eq(json_array_size(ids), 2);
    ck_assert_str_eq(json_string_value(json_array_get(ids, 0)), cc_test_json_string(major, "id"));
    ck_assert_str_eq(json_string_value(json_array_get(ids, 1)), cc_test_json_string(minor, "id"));
    cc_test_response_free(resp);
    free(body);

    /* an auditor may not decide */
    body = cc_test_decision_body(id, "initial", "refuse", audits, day, NULL, NULL, NULL);
    cc_test_decision_refused(&t.lead, body, 403, "forbidden", NULL);
    json_t *answer = cc_test_decision_granted(&t.dm, body);
    ck_assert(json_is_null(json_object_get(answer, "certificate")));
    ck_assert_int_eq(json_array_size(json_object_get(answer, "certificates")), 0);
    json_t *decision = json_object_get(answer, "decision");
    ck_assert_str_eq(cc_test_json_string(decision, "outcome"), "refuse");
    json_t *reasons = json_object_get(decision, "reasons");
    char *text = json_dumps(reasons, JSON_COMPACT);
    ck_assert_msg(json_array_size(reasons) == 1, "reasons: %s", text);
    ck_assert_str_eq(cc_test_json_string(json_array_get(reasons, 0), "code"), "findings_open");
    ck_assert_int_eq(json_array_size(json_object_get(json_array_get(reasons, 0), "finding_ids")), 2);
    free(text);
    json_decref(answer);
    /* refusals may be many; the programme is still undecided */
    answer = cc_test_decision_granted(&t.dm, body);
    json_decref(answer);
    char *path = cc_test_asprintf("/v1/decisions?programme_id=%s", id);
    resp = cc_test_call(&t.cb.sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(json_array_size(json_object_get(resp->json, "items")), 2);
    cc_test_response_free(resp);
    free(path);
    path = cc_test_asprintf("/v1/programmes/%s", id);
    resp = cc_test_call(&t.cb.sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert(json_is_null(json_object_get(resp->json, "decision_date")));
    cc_test_response_free(resp);
    free(path);
    free(body);
    free(audits);
    json_decref(major);
    json_decref(minor);
    json_decref(programme);
    cc_test_team_free(&t);
}
END_TEST

/* A Stage 2 major not closed within 6 months of Stage 2's last day: only a new Stage 2 lifts it. */
START_TEST(test_new_stage2_required)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *stage2;
    json_t *programme = cc_test_team_audit(&t, "stage2", "2026-03-02", "2026-03-04", false, &stage2);
    json_t *major = cc_test_must_raise(&t, stage2, "major");
    cc_test_transition(&t.cb.sm, stage2, "complete", "{\"summary\":\"Conducted by the test\"}", 200,
                       "completed");
    char *audits = cc_test_stages_of(programme);
    char *body = cc_test_decision_body(cc_test_json_string(programme, "id"), "initial", "grant", audits,
                                       "2026-10-01", "2026-10-01", "v1", NULL);
    cc_test_response_t *resp = cc_test_decide(&t.dm, body);
    cc_test_assert_problem(resp, 422, "new_stage2_required");
    cc_test_assert_first_error_field(resp, "audit_ids");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(resp->json, "finding_ids"), 0)),
                     cc_test_json_string(major, "id"));
    cc_test_response_free(resp);
    free(body);
    free(audits);
    json_decref(major);
    json_decref(programme);
    cc_test_team_free(&t);
}
END_TEST

/* ISO/IEC 27001:2013: no initial or recertification decision after 2024-04-30 (IAF MD 26). */
START_TEST(test_standard_closed)
{
    cc_test_deciding_t f;
    cc_test_deciding_setup(&f);
    json_t *programme =
        cc_test_decided_programme(&f, "2024-05-06", "2024-05-07", "2024-06-03", "2024-06-05", NULL);
    const char *id = cc_test_json_string(programme, "id");
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(db, "BEGIN", 0, NULL);
    cc_test_db_run(db, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0, NULL);
    const char *params[] = {id};
    cc_test_db_run(db, "UPDATE programmes SET standards = ARRAY['ISO/IEC 27001:2013'] WHERE id = $1::uuid", 1,
                   params);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    PQfinish(db);
    char *audits = cc_test_stages_of(programme);
    char *body =
        cc_test_decision_body(id, "initial", "grant", audits, "2024-07-01", "2024-07-01", "v1", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "standard_closed", "programme_id");
    free(body);
    free(audits);
    json_decref(programme);
    cc_test_deciding_free(&f);
}
END_TEST

static Suite *decision_cycles_suite(void)
{
    Suite *s = suite_create("decision_cycles");
    TCase *tc = tcase_create("decision_cycles");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, test_recertification_continues_the_cycle);
    tcase_add_test(tc, test_restoration_and_its_limit);
    tcase_add_test(tc, test_scope_extension);
    tcase_add_test(tc, test_findings_open_and_refusal_recorded);
    tcase_add_test(tc, test_new_stage2_required);
    tcase_add_test(tc, test_standard_closed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(decision_cycles_suite());
}
