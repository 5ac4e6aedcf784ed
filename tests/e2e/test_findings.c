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
#include "cc_test_db.h"
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
    /* POST answers from the rows its INSERT returned: the very finding GET reads */
    ck_assert_msg(json_equal(read, f), "the POST answer differs from GET /v1/findings/{id}");
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

/* ---- deadlines, the tenant's policy, a decision closing the audit ---- */

static void set_finding_days(const cc_test_team_t *t, const char *patch)
{
    cc_test_response_t *resp = cc_test_call(&t->cb.admin, "PATCH", "/v1/settings", NULL, patch);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
}

START_TEST(test_deadlines_follow_policy_and_expiry)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *audit;
    json_t *p = cc_test_team_audit(&t, "surveillance", "2026-06-01", "2026-06-02", false, &audit);
    json_t *f = cc_test_must_raise(&t, audit, "minor");
    assert_str_member(f, "plan_due", "2026-07-02");
    assert_str_member(f, "closure_due", "2026-08-31");
    assert_null_member(f, "decision_blocking_after");
    json_decref(f);
    /* the tenant's policy at the time a finding is raised */
    set_finding_days(&t, "{\"findings\":{\"plan_days\":10,\"closure_days\":20}}");
    f = cc_test_must_raise(&t, audit, "major");
    set_finding_days(&t, "{\"findings\":{\"plan_days\":null,\"closure_days\":null}}");
    assert_str_member(f, "plan_due", "2026-06-12");
    assert_str_member(f, "closure_due", "2026-06-22");
    assert_null_member(f, "decision_blocking_after"); /* a surveillance major: no 6-month rule */
    json_decref(f);
    f = cc_test_must_raise(&t, audit, "major");
    assert_str_member(f, "plan_due", "2026-07-02");
    json_decref(f);
    json_decref(p);

    /* granted 2023-12-04: expires 2026-12-03; the recertification's deadlines stop there */
    p = cc_test_team_certified(&t, "2023-10-02", "2023-10-03", "2023-11-06", "2023-11-08", "2023-12-04");
    assert_str_member(p, "expiry_date", "2026-12-03");
    const char *recert = cc_test_audit_of(p, "recertification");
    cc_test_team_conduct(&t, recert, "2026-10-05", "2026-10-07", false);
    f = cc_test_must_raise(&t, recert, "minor");
    assert_str_member(f, "plan_due", "2026-11-06");
    assert_str_member(f, "closure_due", "2026-12-03");
    json_decref(f);

    /* the grant decision included Stage 1 and Stage 2: closed to new findings */
    cc_test_response_t *resp = cc_test_raise(&t.lead, cc_test_audit_of(p, "stage2"), "minor", CC_TEST_CLAUSE);
    cc_test_assert_problem(resp, 409, "audit_closed");
    cc_test_response_free(resp);
    resp = cc_test_raise(&t.cb.sm, cc_test_audit_of(p, "stage1"), "area_of_concern", CC_TEST_CLAUSE);
    cc_test_assert_problem(resp, 409, "audit_closed");
    cc_test_response_free(resp);
    json_decref(p);
    cc_test_team_free(&t);
}
END_TEST

START_TEST(test_sites)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    char *site = cc_test_team_site(&t);
    char *sites = cc_test_asprintf("[\"%s\"]", site);
    json_t *p = cc_test_findings_programme(&t, false, sites);
    const char *stage1 = cc_test_audit_of(p, "stage1"), *elsewhere;
    cc_test_team_conduct(&t, stage1, "2026-02-02", "2026-02-03", false);
    char *members =
        cc_test_asprintf(",\"grade\":\"area_of_concern\",\"client_requirement\":\"Procedure P-7\"" GOOD_TEXT
                         ",\"site_id\":\"%s\"",
                         site);
    char *body = body_with(stage1, members);
    cc_test_response_t *resp = cc_test_call(&t.lead, "POST", "/v1/findings", NULL, body);
    cc_test_assert_json(resp, 201);
    assert_str_member(resp->json, "site_id", site);
    char *id = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    /* a programme without that site refuses it */
    json_t *other = cc_test_team_audit(&t, "stage1", "2026-02-09", "2026-02-10", false, &elsewhere);
    char *refused = body_with(elsewhere, members);
    raise_refused(&t.lead, refused, 400, "validation_failed", "site_id");
    /* a PATCH clears it */
    resp = cc_test_finding_call(&t.lead, "PATCH", id, "", NULL, "{\"site_id\":null}");
    cc_test_assert_json(resp, 200);
    assert_null_member(resp->json, "site_id");
    cc_test_response_free(resp);
    free(refused);
    free(id);
    free(body);
    free(members);
    json_decref(other);
    json_decref(p);
    free(sites);
    free(site);
    cc_test_team_free(&t);
}
END_TEST

/* ---- GET /v1/findings ---- */

/* The items of one page of path as c (limit 100 added), 200 expected; the caller decrefs. */
static json_t *list(const cc_test_caller_t *c, const char *path)
{
    char *full = cc_test_asprintf("%s%slimit=100", path, strchr(path, '?') != NULL ? "&" : "?");
    cc_test_response_t *resp = cc_test_call(c, "GET", full, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *items = json_incref(json_object_get(resp->json, "items"));
    ck_assert_msg(json_is_array(items), "%s: %s", full, resp->body);
    ck_assert(json_is_null(json_object_get(resp->json, "next_cursor")));
    cc_test_response_free(resp);
    free(full);
    return items;
}

static void expect_count(const cc_test_caller_t *c, const char *fmt, const char *arg, size_t n)
{
    char *path = cc_test_asprintf(fmt, arg);
    json_t *items = list(c, path);
    ck_assert_msg(json_array_size(items) == n, "%s: %zu items, expected %zu", path, json_array_size(items),
                  n);
    json_decref(items);
    free(path);
}

static void expect_bad_query(const cc_test_caller_t *c, const char *path, const char *field)
{
    cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, field);
    cc_test_response_free(resp);
}

START_TEST(test_list_filters)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *audit;
    json_t *p = cc_test_team_audit(&t, "stage2", "2026-02-02", "2026-02-04", false, &audit);
    json_t *major = cc_test_must_raise(&t, audit, "major");
    cc_test_response_t *resp = cc_test_raise(&t.lead, audit, "minor", CC_TEST_CONTROL);
    cc_test_assert_json(resp, 201);
    cc_test_response_free(resp);
    json_t *obs = cc_test_must_raise(&t, audit, "observation");
    const char *pid = cc_test_json_string(p, "id");

    char *path = cc_test_asprintf("/v1/findings?audit_id=%s", audit);
    json_t *items = list(&t.cb.sm, path);
    ck_assert_int_eq(json_array_size(items), 3);
    json_t *item = json_array_get(items, 0);
    ck_assert_ptr_null(json_object_get(item, "history")); /* lists carry no rounds or history */
    ck_assert_ptr_null(json_object_get(item, "responses"));
    ck_assert_ptr_nonnull(json_object_get(item, "overdue"));
    /* each item is the finding as GET /v1/findings/{id} shows it, without rounds and history */
    size_t i;
    json_array_foreach(items, i, item)
    {
        json_t *one = cc_test_get_finding(&t.cb.sm, cc_test_json_string(item, "id"));
        json_object_del(one, "responses");
        json_object_del(one, "history");
        char *a = json_dumps(item, JSON_SORT_KEYS | JSON_COMPACT),
             *b = json_dumps(one, JSON_SORT_KEYS | JSON_COMPACT);
        ck_assert_msg(json_equal(item, one), "list item %s\nGET         %s", a, b);
        free(a);
        free(b);
        json_decref(one);
    }
    json_decref(items);
    expect_count(&t.cb.sm, "/v1/findings?programme_id=%s", pid, 3);
    char *q = cc_test_asprintf("/v1/findings?audit_id=%s&%%s", audit);
    expect_count(&t.cb.sm, q, "grade=minor", 1);
    expect_count(&t.cb.sm, q, "grade=major", 1);
    expect_count(&t.cb.sm, q, "status=recorded", 1);
    expect_count(&t.cb.sm, q, "status=open", 2);
    expect_count(&t.cb.sm, q, "requirement_id=ISO27001%3A2022%2FA.5.1", 1);
    expect_count(&t.cb.sm, q, "overdue=true", 2);
    expect_count(&t.cb.sm, q, "overdue=false", 1);
    expect_count(&t.cb.sm, q, "due_before=2026-03-06", 0); /* plans are due 2026-03-06 */
    expect_count(&t.cb.sm, q, "due_before=2026-03-07", 2);
    expect_count(&t.cb.sm, q, "verify_at_audit=" NO_SUCH_ID, 0);
    expect_count(&t.cb.sm, q, "client_id=" NO_SUCH_ID, 0);
    char *own = cc_test_asprintf("/v1/findings?client_id=%s&programme_id=%%s", t.cb.org);
    expect_count(&t.cb.sm, own, pid, 3);
    /* who sees what: the client its own organisation's, another tenant nothing */
    expect_count(&t.cb.client1, q, "grade=major", 1);
    expect_count(&t.cb.client1, q, "client_id=" NO_SUCH_ID, 0);
    expect_count(&t.cb.client1, own, pid, 3);
    expect_count(&t.dm, q, "grade=observation", 1);
    expect_count(&t.outsider, q, "status=open", 2); /* other auditors read */
    expect_count(&t.cb.other_admin, q, "grade=major", 0);
    /* pages */
    json_t *all = cc_test_list_walk(&t.cb.sm, path, 1, true);
    ck_assert_int_eq(json_array_size(all), 3);
    json_decref(all);
    /* every bad parameter is named */
    expect_bad_query(&t.cb.sm, "/v1/findings?audit_id=x", "audit_id");
    expect_bad_query(&t.cb.sm, "/v1/findings?programme_id=x", "programme_id");
    expect_bad_query(&t.cb.sm, "/v1/findings?client_id=x", "client_id");
    expect_bad_query(&t.cb.sm, "/v1/findings?grade=critical", "grade");
    expect_bad_query(&t.cb.sm, "/v1/findings?status=pending", "status");
    expect_bad_query(&t.cb.sm, "/v1/findings?requirement_id=", "requirement_id");
    expect_bad_query(&t.cb.sm, "/v1/findings?overdue=yes", "overdue");
    expect_bad_query(&t.cb.sm, "/v1/findings?due_before=2026-02-30", "due_before");
    expect_bad_query(&t.cb.sm, "/v1/findings?verify_at_audit=x", "verify_at_audit");
    expect_bad_query(&t.cb.sm, "/v1/findings?limit=0", "limit");
    expect_bad_query(&t.cb.sm, "/v1/findings?cursor=x", "cursor");

    free(path);
    free(own);
    free(q);
    json_decref(obs);
    json_decref(major);
    json_decref(p);
    cc_test_team_free(&t);
}
END_TEST

/* ---- PATCH and regrade ---- */

static cc_test_response_t *patch(const cc_test_caller_t *c, const char *id, const char *if_match,
                                 const char *body)
{
    char *extra = if_match != NULL ? cc_test_asprintf("If-Match: %s", if_match) : NULL;
    cc_test_response_t *resp = cc_test_finding_call(c, "PATCH", id, "", extra, body);
    free(extra);
    return resp;
}

static void patch_refused(const cc_test_caller_t *c, const char *id, const char *body, int status,
                          const char *code, const char *field)
{
    cc_test_finding_refused(c, "PATCH", id, "", body, status, code, field);
}

START_TEST(test_patch)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *audit;
    json_t *p = cc_test_team_audit(&t, "stage2", "2026-02-02", "2026-02-04", false, &audit);
    json_t *f = cc_test_must_raise(&t, audit, "minor");
    const char *id = cc_test_json_string(f, "id");

    cc_test_response_t *resp =
        patch(&t.auditor, id, "\"1\"", "{\"statement\":\"Supplier risks are missing.\"}");
    cc_test_assert_json(resp, 200);
    cc_test_assert_etag(resp, 2);
    assert_str_member(resp->json, "statement", "Supplier risks are missing.");
    assert_str_member(resp->json, "evidence", cc_test_json_string(f, "evidence"));
    assert_str_member(resp->json, "plan_due", "2026-03-06");
    cc_test_response_free(resp);
    resp = patch(&t.lead, id, "\"1\"", "{\"evidence\":\"Stale\"}");
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);
    resp = patch(&t.cb.sm, id, NULL, "{\"client_requirement\":\"Supplier policy SP-2\"}");
    cc_test_assert_json(resp, 200);
    assert_null_member(resp->json, "requirement_id");
    assert_str_member(resp->json, "client_requirement", "Supplier policy SP-2");
    ck_assert_int_eq(cc_test_version_of(resp), 3);
    cc_test_response_free(resp);
    resp = patch(&t.lead, id, "\"3\"", "{\"requirement_id\":\"" CC_TEST_CONTROL "\"}");
    cc_test_assert_json(resp, 200);
    assert_str_member(resp->json, "requirement_id", CC_TEST_CONTROL);
    assert_null_member(resp->json, "client_requirement");
    ck_assert_int_eq(json_array_size(json_object_get(resp->json, "history")),
                     1); /* edits are no state change */
    cc_test_response_free(resp);

    /* bad input names the field */
    patch_refused(&t.lead, id, "{}", 400, "validation_failed", NULL);
    patch_refused(&t.lead, id, "{\"statement\":\"\"}", 400, "validation_failed", "statement");
    patch_refused(&t.lead, id, "{\"grade\":\"major\"}", 400, "validation_failed", "grade");
    patch_refused(&t.lead, id, "{\"requirement_id\":\"ISO9001:2015/4.1\"}", 400, "validation_failed",
                  "requirement_id");
    patch_refused(&t.lead, id, "{\"requirement_id\":\"" CC_TEST_CLAUSE "\",\"client_requirement\":\"x\"}",
                  400, "validation_failed", "requirement_id");
    patch_refused(&t.lead, id, "{\"site_id\":\"" NO_SUCH_ID "\"}", 400, "validation_failed", "site_id");
    patch_refused(&t.lead, "not-a-uuid", "{\"statement\":\"x\"}", 400, "validation_failed", "id");
    patch_refused(&t.lead, NO_SUCH_ID, "{\"statement\":\"x\"}", 404, "not_found", NULL);
    /* who may */
    patch_refused(&t.outsider, id, "{\"statement\":\"x\"}", 403, "not_on_team", NULL);
    patch_refused(&t.expert, id, "{\"statement\":\"x\"}", 403, "not_on_team", NULL);
    patch_refused(&t.dm, id, "{\"statement\":\"x\"}", 403, "forbidden", NULL);
    patch_refused(&t.cb.client1, id, "{\"statement\":\"x\"}", 403, "forbidden", NULL);
    patch_refused(&t.cb.other_admin, id, "{\"statement\":\"x\"}", 404, "not_found", NULL);

    /* an observation is edited while recorded */
    json_t *obs = cc_test_must_raise(&t, audit, "ofi");
    resp = patch(&t.lead, cc_test_json_string(obs, "id"), NULL, "{\"statement\":\"Consider automation.\"}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    /* once answered it is not edited */
    json_decref(cc_test_respond(&t.cb.client1, id));
    resp = patch(&t.lead, id, NULL, "{\"statement\":\"x\"}");
    cc_test_assert_problem(resp, 409, "finding_not_editable");
    assert_str_member(resp->json, "current_status", "response_submitted");
    cc_test_response_free(resp);
    json_decref(cc_test_finding_must(&t.lead, cc_test_json_string(obs, "id"), "close", NULL, "closed"));
    resp = patch(&t.cb.admin, cc_test_json_string(obs, "id"), NULL, "{\"statement\":\"x\"}");
    cc_test_assert_problem(resp, 409, "finding_not_editable");
    assert_str_member(resp->json, "current_status", "closed");
    cc_test_response_free(resp);
    json_decref(obs);
    json_decref(f);
    json_decref(p);
    cc_test_team_free(&t);
}
END_TEST

static cc_test_response_t *regrade(const cc_test_caller_t *c, const char *id, const char *body)
{
    return cc_test_finding_call(c, "POST", id, "/regrade", NULL, body);
}

static void regrade_refused(const cc_test_caller_t *c, const char *id, const char *body, int status,
                            const char *code, const char *field)
{
    cc_test_finding_refused(c, "POST", id, "/regrade", body, status, code, field);
}

#define TO_MAJOR "{\"grade\":\"major\",\"reason\":\"Three minors on 6.1.2 add up to a major\"}"

START_TEST(test_regrade)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *audit;
    json_t *p = cc_test_team_audit(&t, "stage2", "2026-02-02", "2026-02-04", false, &audit);
    json_t *f = cc_test_must_raise(&t, audit, "minor");
    const char *id = cc_test_json_string(f, "id");

    /* only the lead (or an admin or scheme manager) */
    regrade_refused(&t.auditor, id, TO_MAJOR, 403, "not_on_team", NULL);
    regrade_refused(&t.expert, id, TO_MAJOR, 403, "not_on_team", NULL);
    regrade_refused(&t.outsider, id, TO_MAJOR, 403, "not_on_team", NULL);
    regrade_refused(&t.dm, id, TO_MAJOR, 403, "forbidden", NULL);
    regrade_refused(&t.cb.client1, id, TO_MAJOR, 403, "forbidden", NULL);
    regrade_refused(&t.cb.other_admin, id, TO_MAJOR, 404, "not_found", NULL);
    /* bad input */
    regrade_refused(&t.lead, id, "{\"grade\":\"major\"}", 400, "validation_failed", "reason");
    regrade_refused(&t.lead, id, "{\"grade\":\"major\",\"reason\":\" \"}", 400, "validation_failed",
                    "reason");
    regrade_refused(&t.lead, id, "{\"grade\":\"huge\",\"reason\":\"r\"}", 400, "validation_failed", "grade");
    regrade_refused(&t.lead, id, "{\"grade\":\"minor\",\"reason\":\"r\"}", 409, "same_grade", "grade");
    regrade_refused(&t.lead, id, "{\"grade\":\"observation\",\"reason\":\"r\"}", 422, "grade_not_allowed",
                    "grade");
    regrade_refused(&t.lead, id, "{\"grade\":\"area_of_concern\",\"reason\":\"r\"}", 422, "grade_not_allowed",
                    "grade");

    cc_test_response_t *resp = regrade(&t.lead, id, TO_MAJOR);
    cc_test_assert_json(resp, 200);
    cc_test_assert_etag(resp, 2);
    assert_str_member(resp->json, "grade", "major");
    assert_str_member(resp->json, "status", "open");
    assert_str_member(resp->json, "decision_blocking_after", "2026-08-04"); /* a Stage 2 major now */
    assert_str_member(resp->json, "plan_due", "2026-03-06");                /* deadlines as raised */
    json_t *history = json_object_get(resp->json, "history");
    ck_assert_int_eq(json_array_size(history), 2);
    json_t *h = json_array_get(history, 1);
    assert_str_member(h, "action", "regraded");
    assert_str_member(h, "from_grade", "minor");
    assert_str_member(h, "to_grade", "major");
    assert_str_member(h, "from_status", "open");
    assert_str_member(h, "to_status", "open");
    assert_str_member(h, "reason", "Three minors on 6.1.2 add up to a major");
    assert_str_member(h, "actor_id", t.lead_a.user_id);
    cc_test_response_free(resp);
    /* back to minor by the scheme manager: the 6-month date goes */
    resp = cc_test_finding_call(&t.cb.sm, "POST", id, "/regrade", "If-Match: \"2\"",
                                "{\"grade\":\"minor\",\"reason\":\"Overruled\"}");
    cc_test_assert_json(resp, 200);
    assert_null_member(resp->json, "decision_blocking_after");
    cc_test_response_free(resp);
    resp = cc_test_finding_call(&t.cb.sm, "POST", id, "/regrade", "If-Match: \"2\"", TO_MAJOR);
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);

    /* an observation is not regraded; nor is an answered finding */
    json_t *obs = cc_test_must_raise(&t, audit, "observation");
    regrade_refused(&t.lead, cc_test_json_string(obs, "id"), TO_MAJOR, 409, "illegal_transition", NULL);
    json_decref(cc_test_respond(&t.cb.sm, id)); /* on the client's behalf */
    resp = regrade(&t.lead, id, TO_MAJOR);
    cc_test_assert_problem(resp, 409, "illegal_transition");
    assert_str_member(resp->json, "current_status", "response_submitted");
    cc_test_response_free(resp);
    json_decref(obs);
    json_decref(f);
    json_decref(p);
    cc_test_team_free(&t);
}
END_TEST

/* ---- roles, idempotency, events ---- */

/* The actions of the event log's entries about entity, in order (read as the superuser), as one string. */
static char *events_of(const char *entity)
{
    PGconn *db = cc_test_db_connect("CC_TEST_PG_SUPERUSER_URL");
    const char *params[] = {entity};
    char *actions = cc_test_db_value(
        db, "SELECT string_agg(action, ',' ORDER BY seq) FROM event_log WHERE entity_id = $1", 1, params);
    PQfinish(db);
    return actions != NULL ? actions : cc_strdup("");
}

START_TEST(test_roles_idempotency_events)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    cc_test_caller_t client2; /* a client user of another organisation */
    cc_test_caller_login(&client2, "northcert", "client2");
    const char *audit;
    json_t *p = cc_test_team_audit(&t, "stage2", "2026-02-02", "2026-02-04", false, &audit);

    /* one effect per Idempotency-Key */
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *key = cc_test_asprintf("Idempotency-Key: raise-%s", suffix);
    char *body = body_with(audit, ",\"grade\":\"minor\",\"requirement_id\":\"" CC_TEST_CLAUSE "\"" GOOD_TEXT);
    cc_test_response_t *first = cc_test_call(&t.lead, "POST", "/v1/findings", key, body);
    cc_test_assert_json(first, 201);
    cc_test_response_t *again = cc_test_call(&t.lead, "POST", "/v1/findings", key, body);
    cc_test_assert_json(again, 201);
    const char *id = cc_test_json_string(first->json, "id");
    assert_str_member(again->json, "id", id);
    ck_assert_ptr_nonnull(cc_test_response_header(again, "Idempotent-Replayed"));
    char *path = cc_test_asprintf("/v1/findings?audit_id=%s", audit);
    json_t *items = list(&t.cb.sm, path);
    ck_assert_int_eq(json_array_size(items), 1);
    json_decref(items);

    /* who reads it */
    const cc_test_caller_t *readers[] = {&t.cb.admin, &t.cb.sm, &t.lead,      &t.outsider,
                                         &t.expert,   &t.dm,    &t.cb.client1};
    for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
        json_t *f = cc_test_get_finding(readers[i], id);
        json_decref(f);
    }
    const cc_test_caller_t *strangers[] = {&client2, &t.cb.other_admin};
    for (size_t i = 0; i < 2; i++) {
        cc_test_response_t *resp = cc_test_finding_call(strangers[i], "GET", id, "", NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        cc_test_response_free(resp);
        items = list(strangers[i], path);
        ck_assert_int_eq(json_array_size(items), 0);
        json_decref(items);
    }
    regrade_refused(&client2, id, TO_MAJOR, 403, "forbidden", NULL);
    patch_refused(&client2, id, "{\"statement\":\"x\"}", 403, "forbidden", NULL);
    raise_refused(&client2, body, 403, "forbidden", NULL);

    /* each write is in the event log */
    cc_test_response_t *resp = patch(&t.lead, id, NULL, "{\"statement\":\"Sharper\"}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = regrade(&t.lead, id, TO_MAJOR);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    char *events = events_of(id);
    ck_assert_str_eq(events, "finding.raised,finding.updated,finding.regraded");

    free(events);
    free(path);
    cc_test_response_free(first);
    cc_test_response_free(again);
    free(body);
    free(key);
    json_decref(p);
    cc_test_caller_free(&client2);
    cc_test_team_free(&t);
}
END_TEST

/* A minor closed with its verification deferred is listed for the programme's next audit. */
START_TEST(test_verify_at_next_audit)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    const char *audit;
    json_t *p = cc_test_team_audit(&t, "stage2", "2026-02-02", "2026-02-04", false, &audit);
    json_t *deferred = cc_test_must_raise(&t, audit, "minor");
    json_t *verified = cc_test_must_raise(&t, audit, "minor");
    json_t *open = cc_test_must_raise(&t, audit, "minor");
    /* both answered and accepted; one closed with its verification deferred, one verified then closed */
    json_t *both[] = {deferred, verified};
    for (size_t k = 0; k < 2; k++) {
        const char *id = cc_test_json_string(both[k], "id");
        json_decref(cc_test_respond(&t.cb.client1, id));
        json_decref(cc_test_finding_must(&t.lead, id, "review", "{\"decision\":\"accept\"}", "accepted"));
    }
    json_decref(cc_test_finding_must(&t.lead, cc_test_json_string(deferred, "id"), "close",
                                     "{\"verification\":\"deferred\"}", "closed"));
    json_decref(cc_test_finding_must(&t.lead, cc_test_json_string(verified, "id"), "verify",
                                     "{\"method\":\"document\",\"notes\":\"Procedure seen\"}", "verified"));
    json_decref(cc_test_finding_must(&t.lead, cc_test_json_string(verified, "id"), "close", NULL, "closed"));
    const char *next = NULL; /* the first surveillance: the next audit by position */
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(p, "audits"), i, a)
    {
        if (strcmp(cc_test_json_string(a, "type"), "surveillance") == 0 &&
            json_integer_value(json_object_get(a, "sequence")) == 1)
            next = cc_test_json_string(a, "id");
    }
    ck_assert_ptr_nonnull(next);
    char *path = cc_test_asprintf("/v1/findings?verify_at_audit=%s", next);
    json_t *items = list(&t.cb.sm, path);
    ck_assert_int_eq(json_array_size(items), 1);
    assert_str_member(json_array_get(items, 0), "id", cc_test_json_string(deferred, "id"));
    assert_str_member(json_array_get(items, 0), "verification", "deferred");
    json_decref(items);
    expect_count(&t.cb.client1, "/v1/findings?verify_at_audit=%s", next, 1);
    expect_count(&t.cb.sm, "/v1/findings?verify_at_audit=%s", audit, 0);
    free(path);
    json_decref(open);
    json_decref(verified);
    json_decref(deferred);
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
    tcase_add_test(tc, test_deadlines_follow_policy_and_expiry);
    tcase_add_test(tc, test_sites);
    tcase_add_test(tc, test_list_filters);
    tcase_add_test(tc, test_patch);
    tcase_add_test(tc, test_regrade);
    tcase_add_test(tc, test_roles_idempotency_events);
    tcase_add_test(tc, test_verify_at_next_audit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(findings_suite());
}
