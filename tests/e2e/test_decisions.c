/*
 * End-to-end tests of initial certification decisions (POST /v1/decisions,
 * GET /v1/decisions) through the gateway: the certificate fixture's grant
 * issues revision 0 of an active certificate; a grant recomputes the
 * programme's expiry and windows (no longer provisional: surveillance 1 within
 * 12 months of the decision, a surveillance in every calendar year but the
 * recertification year, the recertification before expiry); every refusal of
 * the body, the dates, the audits and the decision maker's independence, the
 * roles and another tenant; the list. Recertification, restoration, scope
 * extension, refusals recorded and the findings rules: test_decision_cycles.c.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_certificates.h"
#include "cc_test_dates.h"
#include "cc_test_decisions.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *today_plus(int days)
{
    char out[16];
    cc_test_format_days(cc_test_today_utc() + days, out);
    return cc_strdup(out);
}

START_TEST(test_fixture_issues_an_active_certificate)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    json_t *decision = NULL;
    cc_test_certificate_opts_t opts = {.decided_on = "2026-03-02"};
    json_t *c = cc_test_issue_certificate_with(&cb, &opts, &decision);
    char *text = json_dumps(c, JSON_COMPACT);
    const char *number = cc_test_json_string(c, "number");
    ck_assert_msg(strncmp(number, "NORTHCERT-27001-", 16) == 0 && strlen(number) == 22, "number: %s", text);
    ck_assert_int_eq(json_integer_value(json_object_get(c, "revision")), 0);
    ck_assert_str_eq(cc_test_json_string(c, "status"), "active");
    ck_assert_str_eq(cc_test_json_string(c, "effective_date"), "2026-03-02");
    ck_assert_str_eq(cc_test_json_string(c, "expiry_date"), "2029-03-01");
    ck_assert_str_eq(cc_test_json_string(c, "standard"), CC_TEST_ISMS);
    ck_assert_str_eq(cc_test_json_string(c, "soa_version"), "SoA v1");
    char *today = today_plus(0);
    ck_assert_str_eq(cc_test_json_string(c, "original_issue_date"), today);
    ck_assert_str_eq(cc_test_json_string(c, "issue_date"), today);
    ck_assert_msg(json_array_size(json_object_get(c, "sites")) == 1, "sites: %s", text);
    json_t *history = json_object_get(c, "history");
    ck_assert_msg(json_array_size(history) == 1, "history: %s", text);
    ck_assert_str_eq(cc_test_json_string(json_array_get(history, 0), "action"), "issued");
    ck_assert_str_eq(cc_test_json_string(decision, "type"), "initial");
    ck_assert_str_eq(cc_test_json_string(decision, "outcome"), "grant");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(decision, "certificate_ids"), 0)),
                     cc_test_json_string(c, "id"));
    free(today);
    free(text);
    json_decref(decision);
    json_decref(c);
    cc_test_cb_free(&cb);
}
END_TEST

START_TEST(test_grant_recomputes_windows)
{
    cc_test_deciding_t f;
    cc_test_deciding_setup(&f);
    json_t *programme =
        cc_test_decided_programme(&f, "2026-01-05", "2026-01-06", "2026-02-02", "2026-02-04", NULL);
    const char *id = cc_test_json_string(programme, "id");
    char *stages = cc_test_stages_of(programme);
    char *ok =
        cc_test_decision_body(id, "initial", "grant", stages, "2026-03-02", "2026-03-02", "SoA v2", NULL);

    /* the body and the dates */
    char *body = cc_test_decision_body(id, "initial", "grant", stages, "2099-01-01", "2099-01-01", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "decision_in_future", "decided_on");
    free(body);
    body = cc_test_decision_body(id, "initial", "grant", stages, "2026-02-03", "2026-02-03", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "decision_before_audit", "decided_on");
    free(body);
    body = cc_test_decision_body(id, "initial", "grant", stages, "2026-03-02", "2026-03-01", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "effective_before_decision", "effective_date");
    free(body);
    body = cc_test_decision_body(id, "initial", "grant", stages, "2026-03-02", NULL, "v", NULL);
    cc_test_decision_refused(&f.dm, body, 400, "validation_failed", "effective_date");
    free(body);
    body = cc_test_decision_body(id, "initial", "grant", stages, "2026-03-02", "2026-03-02", NULL, NULL);
    cc_test_decision_refused(&f.dm, body, 422, "soa_version_required", "soa_version");
    free(body);
    body = cc_test_decision_body(id, "approve", "grant", stages, "2026-03-02", "2026-03-02", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 400, "validation_failed", "type");
    free(body);
    body =
        cc_test_asprintf("{\"programme_id\":\"%s\",\"type\":\"initial\",\"outcome\":\"grant\","
                         "\"audit_ids\":%s,\"decided_on\":\"2026-03-02\",\"effective_date\":\"2026-03-02\","
                         "\"soa_version\":\"v\"}",
                         id, stages);
    cc_test_decision_refused(&f.dm, body, 400, "validation_failed", "notes");
    free(body);

    /* the audits: the programme's own, completed, with a Stage 2 for an initial decision */
    char *s1_only = cc_test_asprintf("[\"%s\"]", cc_test_audit_of(programme, "stage1"));
    body = cc_test_decision_body(id, "initial", "grant", s1_only, "2026-03-02", "2026-03-02", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "audit_incomplete", "audit_ids");
    free(body);
    char *with_planned = cc_test_asprintf("[\"%s\",\"%s\"]", cc_test_audit_of(programme, "stage2"),
                                          cc_test_audit_of(programme, "surveillance"));
    body = cc_test_decision_body(id, "initial", "grant", with_planned, "2026-03-02", "2026-03-02", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "audit_incomplete", "audit_ids");
    free(body);
    json_t *other = cc_test_new_programme(&f.cb.sm, f.cb.org, "[]");
    char *foreign = cc_test_asprintf("[\"%s\",\"%s\"]", cc_test_audit_of(programme, "stage2"),
                                     cc_test_audit_of(other, "stage1"));
    body = cc_test_decision_body(id, "initial", "grant", foreign, "2026-03-02", "2026-03-02", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "audit_not_in_programme", "audit_ids");
    free(body);
    body =
        cc_test_decision_body(id, "recertification", "grant", stages, "2026-03-02", "2026-03-02", "v", NULL);
    cc_test_decision_refused(&f.dm, body, 422, "not_certified", "type");
    free(body);

    /* the roles and the tenant */
    cc_test_decision_refused(&f.cb.sm, ok, 403, "forbidden", NULL);
    cc_test_decision_refused(&f.cb.client1, ok, 403, "forbidden", NULL);
    cc_test_decision_refused(&f.cb.other_admin, ok, 404, "not_found", NULL);

    /* a decision maker who audited an included audit may not decide */
    char *email = cc_test_unique_email("dm", "northcert");
    char *user = cc_test_create_user(cc_test_env("CC_TEST_GATEWAY_URL"), f.cb.admin.tokens.access, email,
                                     "decision_maker", NULL, CC_TEST_AUDITOR_PASSWORD);
    body = cc_test_asprintf(
        "{\"user_id\":\"%s\",\"competences\":" CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "auditor") "}", user);
    cc_test_response_t *resp = cc_test_call(&f.cb.sm, "POST", "/v1/auditors", NULL, body);
    cc_test_assert_json(resp, 201);
    char *dm_auditor = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    free(body);
    cc_test_caller_t conflicted;
    cc_test_caller_login_as(&conflicted, "northcert", email, CC_TEST_AUDITOR_PASSWORD);
    json_t *probe = cc_test_new_programme(&f.cb.sm, f.cb.org, "[]");
    cc_test_conduct(&f.cb.sm, cc_test_audit_of(probe, "stage1"), f.lead.id, "2025-01-06", "2025-01-07");
    cc_test_set_dates(&f.cb.sm, cc_test_audit_of(probe, "stage2"), "2025-02-03", "2025-02-04");
    cc_test_must_add(&f.cb.sm, cc_test_audit_of(probe, "stage2"), dm_auditor, "auditor");
    cc_test_conduct(&f.cb.sm, cc_test_audit_of(probe, "stage2"), f.lead.id, "2025-02-03", "2025-02-04");
    char *probe_stages = cc_test_stages_of(probe);
    body = cc_test_decision_body(cc_test_json_string(probe, "id"), "initial", "grant", probe_stages,
                                 "2025-03-03", "2025-03-03", "v", NULL);
    cc_test_decision_refused(&conflicted, body, 422, "decision_maker_not_independent", "audit_ids");
    free(body);
    /* independence is checked first: dated before the audit's last day, still not independent */
    body = cc_test_decision_body(cc_test_json_string(probe, "id"), "initial", "grant", probe_stages,
                                 "2025-02-03", "2025-02-03", "v", NULL);
    cc_test_decision_refused(&conflicted, body, 422, "decision_maker_not_independent", "audit_ids");
    free(body);

    /* granted: revision 0, and the windows recomputed */
    json_t *answer = cc_test_decision_granted(&f.dm, ok);
    json_t *decision = json_object_get(answer, "decision"),
           *certificate = json_object_get(answer, "certificate");
    ck_assert_str_eq(cc_test_json_string(decision, "type"), "initial");
    ck_assert_str_eq(cc_test_json_string(decision, "decided_on"), "2026-03-02");
    ck_assert_msg(cc_test_json_string(decision, "decided_by") != NULL, "decided_by");
    ck_assert_int_eq(json_array_size(json_object_get(decision, "reasons")), 0);
    ck_assert_str_eq(cc_test_json_string(certificate, "expiry_date"), "2029-03-01");
    ck_assert_str_eq(cc_test_json_string(certificate, "soa_version"), "SoA v2");
    ck_assert_str_eq(cc_test_json_string(certificate, "scope"), cc_test_json_string(programme, "scope"));
    ck_assert_int_eq(json_array_size(json_object_get(answer, "certificates")), 1);
    json_decref(answer);
    cc_test_decision_refused(&f.dm, ok, 409, "already_decided", NULL);
    json_t *decided = cc_test_get_programme(&f, id);
    cc_test_assert_decided(decided, "2026-03-02", "2029-03-01", 1);
    json_decref(decided);

    cc_test_caller_free(&conflicted);
    free(probe_stages);
    json_decref(probe);
    free(dm_auditor);
    free(user);
    free(email);
    free(foreign);
    json_decref(other);
    free(with_planned);
    free(s1_only);
    free(ok);
    free(stages);
    json_decref(programme);
    cc_test_deciding_free(&f);
}
END_TEST

/* GET /v1/decisions?programme_id=: staff only, the programme required, another tenant's 404. */
START_TEST(test_list)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    json_t *c = cc_test_issue_certificate(&cb, NULL);
    char *path = cc_test_asprintf("/v1/decisions?programme_id=%s", cc_test_json_string(c, "programme_id"));
    cc_test_response_t *resp = cc_test_call(&cb.sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *items = json_object_get(resp->json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    ck_assert_str_eq(cc_test_json_string(json_array_get(items, 0), "id"),
                     cc_test_json_string(c, "decision_id"));
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.client1, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.other_admin, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.sm, "GET", "/v1/decisions", NULL, NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "programme_id");
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.sm, "GET", "/v1/decisions?programme_id=nope", NULL, NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "programme_id");
    cc_test_response_free(resp);
    free(path);
    json_decref(c);
    cc_test_cb_free(&cb);
}
END_TEST

static Suite *decisions_suite(void)
{
    Suite *s = suite_create("decisions");
    TCase *tc = tcase_create("decisions");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fixture_issues_an_active_certificate);
    tcase_add_test(tc, test_grant_recomputes_windows);
    tcase_add_test(tc, test_list);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(decisions_suite());
}
