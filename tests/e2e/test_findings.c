/*
 * End-to-end tests of raising, listing, editing and regrading findings through the gateway
 * (POST /v1/findings, GET /v1/findings, PATCH /v1/findings/{id}, POST /v1/findings/{id}/regrade):
 * the grades each audit type takes, the audit's state (not open, closed by a decision), the
 * requirement and site checks, the deadlines (the audit's last day + the tenant's plan and closure
 * days, capped at the expiry at recertification, the Stage 2 major's 6-month date), the list's
 * filters and pages, If-Match, the raising team's rights and the role matrix, and every bad input
 * naming its field. The fixtures are tests/support/cc_test_findings.h.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_findings.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_SUCH_ID "00000000-0000-4000-8000-000000000000"

static void assert_str_member(const json_t *obj, const char *key, const char *expected)
{
    const char *v = cc_test_json_string(obj, key);
    char *text = json_dumps(obj, JSON_COMPACT);
    ck_assert_msg(v != NULL && strcmp(v, expected) == 0, "%s: expected %s in %s", key, expected, text);
    free(text);
}

static void assert_null_member(const json_t *obj, const char *key)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    ck_assert_msg(json_is_null(json_object_get(obj, key)), "%s should be null in %s", key, text);
    free(text);
}

/* POSTs the finding body as c and expects the problem status/code naming field (NULL: no field asserted). */
static void raise_refused(const cc_test_caller_t *c, const char *body, int status, const char *code,
                          const char *field)
{
    cc_test_response_t *resp = cc_test_call(c, "POST", "/v1/findings", NULL, body);
    cc_test_assert_problem(resp, status, code);
    if (field != NULL)
        cc_test_assert_first_error_field(resp, field);
    cc_test_response_free(resp);
}

static void raise_grade(const cc_test_team_t *t, const char *audit, const char *grade, int status)
{
    cc_test_response_t *resp = cc_test_raise(&t->lead, audit, grade, CC_TEST_CLAUSE);
    if (status == 201) {
        cc_test_assert_json(resp, 201);
        assert_str_member(resp->json, "grade", grade);
    } else {
        cc_test_assert_problem(resp, 422, "grade_not_allowed");
        cc_test_assert_first_error_field(resp, "grade");
    }
    cc_test_response_free(resp);
}

/* ---- raising ---- */

START_TEST(test_raise_major_on_stage2)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *audit;
    json_t *programme = cc_test_team_audit(&t, "stage2", "2026-02-02", "2026-02-04", false, &audit);

    cc_test_response_t *resp = cc_test_raise(&t.auditor, audit, "major", CC_TEST_CONTROL);
    cc_test_assert_json(resp, 201);
    const json_t *f = resp->json;
    const char *id = cc_test_json_string(f, "id");
    char *location = cc_test_asprintf("/v1/findings/%s", id);
    cc_test_assert_location(resp, location);
    cc_test_assert_etag(resp, 1);
    assert_str_member(f, "audit_id", audit);
    assert_str_member(f, "audit_type", "stage2");
    assert_str_member(f, "programme_id", cc_test_json_string(programme, "id"));
    assert_str_member(f, "client_id", t.cb.org);
    assert_str_member(f, "grade", "major");
    assert_str_member(f, "status", "open");
    assert_str_member(f, "requirement_id", CC_TEST_CONTROL);
    assert_null_member(f, "client_requirement");
    assert_null_member(f, "site_id");
    assert_str_member(f, "plan_due", "2026-03-06");
    assert_str_member(f, "closure_due", "2026-05-05");
    assert_str_member(f, "decision_blocking_after", "2026-08-04");
    assert_str_member(f, "raised_by", t.auditor_a.user_id);
    ck_assert(json_is_true(json_object_get(f, "overdue"))); /* its deadlines are in the past */
    json_t *history = json_object_get(f, "history");
    ck_assert_int_eq(json_array_size(history), 1);
    assert_str_member(json_array_get(history, 0), "action", "raised");
    assert_str_member(json_array_get(history, 0), "to_status", "open");
    assert_str_member(json_array_get(history, 0), "to_grade", "major");
    assert_str_member(json_array_get(history, 0), "actor_role", "auditor");
    ck_assert_int_eq(json_array_size(json_object_get(f, "responses")), 0);

    json_t *read = cc_test_get_finding(&t.cb.client1, id); /* the client reads its own organisation's */
    assert_str_member(read, "id", id);
    json_decref(read);

    /* a minor on the same Stage 2 has deadlines but no 6-month date */
    json_t *minor = cc_test_must_raise(&t, audit, "minor");
    assert_str_member(minor, "plan_due", "2026-03-06");
    assert_null_member(minor, "decision_blocking_after");
    json_decref(minor);
    /* an observation is recorded, with no deadline */
    json_t *obs = cc_test_must_raise(&t, audit, "observation");
    assert_str_member(obs, "status", "recorded");
    assert_null_member(obs, "plan_due");
    assert_null_member(obs, "closure_due");
    ck_assert(json_is_false(json_object_get(obs, "overdue")));
    json_decref(obs);

    free(location);
    cc_test_response_free(resp);
    json_decref(programme);
    cc_test_team_free(&t);
}
END_TEST

START_TEST(test_grades_by_audit_type)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *audit;
    json_t *p = cc_test_team_audit(&t, "pre_assessment", "2026-01-12", "2026-01-12", true, &audit);
    raise_grade(&t, audit, "major", 422);
    raise_grade(&t, audit, "minor", 422);
    raise_grade(&t, audit, "observation", 201);
    raise_grade(&t, audit, "ofi", 201);
    raise_grade(&t, audit, "area_of_concern", 201);
    /* Stage 1 of the same programme: areas of concern only */
    const char *stage1 = cc_test_audit_of(p, "stage1");
    cc_test_team_conduct(&t, stage1, "2026-02-02", "2026-02-03", false);
    raise_grade(&t, stage1, "major", 422);
    raise_grade(&t, stage1, "minor", 422);
    raise_grade(&t, stage1, "observation", 422);
    raise_grade(&t, stage1, "ofi", 422);
    raise_grade(&t, stage1, "area_of_concern", 201);
    /* Stage 2: no area of concern */
    const char *stage2 = cc_test_audit_of(p, "stage2");
    cc_test_transition(&t.cb.sm, stage1, "complete", "{\"ready_for_stage2\":true,\"areas_of_concern\":[]}",
                       200, "completed");
    cc_test_team_conduct(&t, stage2, "2026-03-02", "2026-03-04", true); /* completed still takes findings */
    raise_grade(&t, stage2, "major", 201);
    raise_grade(&t, stage2, "minor", 201);
    raise_grade(&t, stage2, "observation", 201);
    raise_grade(&t, stage2, "ofi", 201);
    raise_grade(&t, stage2, "area_of_concern", 422);
    /* a surveillance likewise */
    const char *surveillance = cc_test_audit_of(p, "surveillance");
    cc_test_team_conduct(&t, surveillance, "2026-06-01", "2026-06-02", false);
    raise_grade(&t, surveillance, "major", 201);
    raise_grade(&t, surveillance, "minor", 201);
    raise_grade(&t, surveillance, "area_of_concern", 422);
    json_decref(p);
    cc_test_team_free(&t);
}
END_TEST

/* A finding body on audit with the given extra members (a JSON fragment after the audit id, or ""). */
static char *body_with(const char *audit, const char *members)
{
    return cc_test_asprintf("{\"audit_id\":\"%s\"%s}", audit, members);
}

#define GOOD_TEXT ",\"statement\":\"s\",\"evidence\":\"e\""

START_TEST(test_raise_refusals)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *audit;
    json_t *p = cc_test_team_audit(&t, "stage2", "2026-02-02", "2026-02-04", false, &audit);
    const cc_test_caller_t *lead = &t.lead;
    char *b;

    /* every bad input names its field */
    b = body_with(audit, ",\"grade\":\"major\",\"requirement_id\":\"" CC_TEST_CLAUSE "\"" GOOD_TEXT);
    raise_refused(lead, "{\"grade\":\"major\"}", 400, "validation_failed", NULL);
    raise_refused(lead, "{\"audit_id\":\"x\",\"grade\":\"major\",\"requirement_id\":\"r\"" GOOD_TEXT "}", 400,
                  "validation_failed", "audit_id");
    free(b);
    b = body_with(NO_SUCH_ID, ",\"grade\":\"major\",\"requirement_id\":\"" CC_TEST_CLAUSE "\"" GOOD_TEXT);
    raise_refused(lead, b, 400, "validation_failed", "audit_id");
    raise_refused(&t.cb.sm, b, 400, "validation_failed", "audit_id");
    free(b);
    b = body_with(audit, ",\"grade\":\"critical\",\"requirement_id\":\"" CC_TEST_CLAUSE "\"" GOOD_TEXT);
    raise_refused(lead, b, 400, "validation_failed", "grade");
    free(b);
    b = body_with(audit, ",\"grade\":\"minor\"" GOOD_TEXT);
    raise_refused(lead, b, 400, "validation_failed", "requirement_id");
    free(b);
    b = body_with(audit, ",\"grade\":\"minor\",\"requirement_id\":\"" CC_TEST_CLAUSE
                         "\",\"client_requirement\":\"Procedure P-7\"" GOOD_TEXT);
    raise_refused(lead, b, 400, "validation_failed", "requirement_id");
    free(b);
    b = body_with(audit, ",\"grade\":\"minor\",\"requirement_id\":\"ISO9001:2015/4.1\"" GOOD_TEXT);
    raise_refused(lead, b, 400, "validation_failed", "requirement_id");
    free(b);
    b = body_with(audit, ",\"grade\":\"minor\",\"requirement_id\":\"no such clause\"" GOOD_TEXT);
    raise_refused(lead, b, 400, "validation_failed", "requirement_id");
    free(b);
    b = body_with(audit,
                  ",\"grade\":\"minor\",\"client_requirement\":\"Procedure P-7\",\"site_id\":\"" NO_SUCH_ID
                  "\"" GOOD_TEXT);
    raise_refused(lead, b, 400, "validation_failed", "site_id");
    free(b);
    b = body_with(audit, ",\"grade\":\"minor\",\"client_requirement\":\"Procedure P-7\",\"statement\":\"  \","
                         "\"evidence\":\"e\"");
    raise_refused(lead, b, 400, "validation_failed", "statement");
    free(b);
    b = body_with(audit, ",\"grade\":\"minor\",\"client_requirement\":\"Procedure P-7\",\"statement\":\"s\"");
    raise_refused(lead, b, 400, "validation_failed", "evidence");
    free(b);
    b = body_with(audit,
                  ",\"grade\":\"minor\",\"client_requirement\":\"Procedure P-7\"" GOOD_TEXT ",\"x\":1");
    raise_refused(lead, b, 400, "validation_failed", "x");
    free(b);

    /* who may raise */
    b = body_with(audit, ",\"grade\":\"minor\",\"client_requirement\":\"Procedure P-7\"" GOOD_TEXT);
    raise_refused(&t.outsider, b, 403, "not_on_team", NULL);
    raise_refused(&t.expert, b, 403, "not_on_team", NULL);
    raise_refused(&t.dm, b, 403, "forbidden", NULL);
    raise_refused(&t.cb.client1, b, 403, "forbidden", NULL);
    raise_refused(&t.cb.other_admin, b, 400, "validation_failed", "audit_id");
    cc_test_response_t *resp = cc_test_call(&t.cb.admin, "POST", "/v1/findings", NULL, b);
    cc_test_assert_json(resp, 201);
    assert_str_member(resp->json, "client_requirement", "Procedure P-7");
    assert_null_member(resp->json, "requirement_id");
    cc_test_response_free(resp);
    free(b);

    /* the audit must be open: a planned surveillance is not */
    const char *surveillance = cc_test_audit_of(p, "surveillance");
    b = body_with(surveillance, ",\"grade\":\"minor\",\"client_requirement\":\"Procedure P-7\"" GOOD_TEXT);
    resp = cc_test_call(&t.cb.sm, "POST", "/v1/findings", NULL, b);
    cc_test_assert_problem(resp, 409, "audit_not_open");
    assert_str_member(resp->json, "audit_status", "planned");
    cc_test_response_free(resp);
    free(b);

    json_decref(p);
    cc_test_team_free(&t);
}
END_TEST

static Suite *findings_suite(void)
{
    Suite *s = suite_create("findings");
    TCase *tc = tcase_create("raise");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, test_raise_major_on_stage2);
    tcase_add_test(tc, test_grades_by_audit_type);
    tcase_add_test(tc, test_raise_refusals);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(findings_suite());
}
