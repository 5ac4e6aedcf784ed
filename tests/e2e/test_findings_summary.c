/*
 * End-to-end tests of the findings summary (GET /v1/findings/summary) through the gateway: exactly one
 * of audit_id and programme_id, each refusal naming the parameter; who may read which summary (a client
 * user its own organisation's only; another organisation's, another tenant's or an unknown audit or
 * programme answers 404); the summary's shape for a cycle without findings; and its counts and flags over
 * a Stage 2's majors, minors, observations and OFIs (a cluster of three minors on one control, not one
 * once findings.minor_cluster is 4; every NC a decision blocker; a Stage 2 major past its 6-month date),
 * and the blockers before and after the findings move on (a major verified and closed, a minor's plan
 * accepted, another's rejected). The findings are raised through POST /v1/findings
 * (tests/support/cc_test_findings.h) and moved through the answering routes.
 */
#include "cc_test_caller.h"
#include "cc_test_dates.h"
#include "cc_test_findings.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET /v1/findings/summary?<query> as c. */
static cc_test_response_t *summary_call(const cc_test_caller_t *c, const char *query)
{
    char *path = cc_test_asprintf("/v1/findings/summary%s%s", query[0] != '\0' ? "?" : "", query);
    cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
    free(path);
    return resp;
}

/* The summary of `kind` (audit_id or programme_id) id as c; 200 expected. Returns it (caller decrefs). */
static json_t *summary_of(const cc_test_caller_t *c, const char *kind, const char *id)
{
    char *query = cc_test_asprintf("%s=%s", kind, id);
    cc_test_response_t *resp = summary_call(c, query);
    cc_test_assert_json(resp, 200);
    json_t *summary = json_incref(resp->json);
    cc_test_response_free(resp);
    free(query);
    return summary;
}

static void summary_refused(const cc_test_caller_t *c, const char *query, int status, const char *code)
{
    cc_test_response_t *resp = summary_call(c, query);
    cc_test_assert_problem(resp, status, code);
    cc_test_response_free(resp);
}

/* Fails unless the problem's errors name exactly `fields` (NULL-terminated), in order, each with `code`. */
static void assert_error_fields(const cc_test_response_t *resp, const char *const *fields, const char *code)
{
    json_t *errors = json_object_get(resp->json, "errors");
    size_t n = 0;
    while (fields[n] != NULL)
        n++;
    ck_assert_int_eq(json_array_size(errors), n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(cc_test_json_string(json_array_get(errors, i), "field"), fields[i]);
        ck_assert_str_eq(cc_test_json_string(json_array_get(errors, i), "code"), code);
    }
}

START_TEST(test_summary_parameters)
{
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, "northcert", "admin");
    static const char *const both[] = {"audit_id", "programme_id", NULL};
    static const char *const audit_only[] = {"audit_id", NULL};
    static const char *const programme_only[] = {"programme_id", NULL};

    cc_test_response_t *resp = summary_call(&admin, "");
    cc_test_assert_problem(resp, 400, "validation_failed");
    assert_error_fields(resp, both, "required");
    cc_test_response_free(resp);

    resp = summary_call(&admin, "audit_id=00000000-0000-4000-8000-000000000001&"
                                "programme_id=00000000-0000-4000-8000-000000000002");
    cc_test_assert_problem(resp, 400, "validation_failed");
    assert_error_fields(resp, both, "exclusive");
    cc_test_response_free(resp);

    resp = summary_call(&admin, "audit_id=not-a-uuid");
    cc_test_assert_problem(resp, 400, "validation_failed");
    assert_error_fields(resp, audit_only, "invalid_uuid");
    cc_test_response_free(resp);

    resp = summary_call(&admin, "programme_id=1234");
    cc_test_assert_problem(resp, 400, "validation_failed");
    assert_error_fields(resp, programme_only, "invalid_uuid");
    cc_test_response_free(resp);

    resp = summary_call(&admin, "audit_id=");
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_response_free(resp);

    /* unknown ids, and no token at all */
    summary_refused(&admin, "audit_id=00000000-0000-4000-8000-000000000001", 404, "not_found");
    summary_refused(&admin, "programme_id=00000000-0000-4000-8000-000000000002", 404, "not_found");
    summary_refused(NULL, "audit_id=00000000-0000-4000-8000-000000000001", 401, "unauthorized");
    cc_test_caller_free(&admin);
}
END_TEST

/* A summary with nothing in it: every count zero, every list empty, no deadline. */
static void assert_empty(const json_t *s, const char *audit, const char *programme, const char *org)
{
    static const char *const zero[] = {"total", "open_majors", "minors_without_accepted_plan", "overdue"};
    static const char *const empty[] = {"overdue_findings", "minor_clusters", "stage2_majors",
                                        "decision_blockers"};
    if (audit != NULL)
        ck_assert_str_eq(cc_test_json_string(s, "audit_id"), audit);
    else
        ck_assert(json_is_null(json_object_get(s, "audit_id")));
    ck_assert_str_eq(cc_test_json_string(s, "programme_id"), programme);
    ck_assert_str_eq(cc_test_json_string(s, "client_id"), org);
    for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
        ck_assert_int_eq(json_integer_value(json_object_get(s, zero[i])), 0);
    for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
        ck_assert_int_eq(json_array_size(json_object_get(s, empty[i])), 0);
    ck_assert(json_is_null(json_object_get(s, "earliest_deadline")));
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "by_grade"), "major")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "by_status"), "closed")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(s, "minor_cluster")), 3);
    ck_assert_int_eq(strlen(cc_test_json_string(s, "as_of")), 10);
}

START_TEST(test_summary_scope)
{
    cc_test_cb_t cb;
    cc_test_caller_t dm, auditor, client2;
    cc_test_cb_login(&cb);
    cc_test_caller_login(&dm, "northcert", "decision_maker");
    cc_test_caller_login(&auditor, "northcert", "auditor1");
    cc_test_caller_login(&client2, "northcert", "client2");
    json_t *programme = cc_test_new_programme(&cb.sm, cb.org, "[]");
    const char *pid = cc_test_json_string(programme, "id");
    const char *stage2 = cc_test_audit_of(programme, "stage2");

    /* staff of every role and the client's own user read both summaries */
    const cc_test_caller_t *readers[] = {&cb.admin, &cb.sm, &dm, &auditor, &cb.client1};
    for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
        json_t *s = summary_of(readers[i], "programme_id", pid);
        assert_empty(s, NULL, pid, cb.org);
        json_decref(s);
        s = summary_of(readers[i], "audit_id", stage2);
        assert_empty(s, stage2, pid, cb.org);
        json_decref(s);
    }
    /* another organisation's client user and another tenant's admin: not found */
    char *by_programme = cc_test_asprintf("programme_id=%s", pid);
    char *by_audit = cc_test_asprintf("audit_id=%s", stage2);
    summary_refused(&client2, by_programme, 404, "not_found");
    summary_refused(&client2, by_audit, 404, "not_found");
    summary_refused(&cb.other_admin, by_programme, 404, "not_found");
    summary_refused(&cb.other_admin, by_audit, 404, "not_found");
    /* an audit id is not a programme id */
    char *swapped = cc_test_asprintf("programme_id=%s", stage2);
    summary_refused(&cb.admin, swapped, 404, "not_found");

    free(by_programme);
    free(by_audit);
    free(swapped);
    json_decref(programme);
    cc_test_caller_free(&dm);
    cc_test_caller_free(&auditor);
    cc_test_caller_free(&client2);
    cc_test_cb_free(&cb);
}
END_TEST

/* ---- with findings (tests/support/cc_test_findings.h) ---- */

/* days from today (UTC) as YYYY-MM-DD in out */
static void day_from_today(int delta, char out[16])
{
    cc_test_format_days(cc_test_today_utc() + delta, out);
}

static json_int_t member_int(const json_t *obj, const char *path1, const char *path2)
{
    const json_t *v = json_object_get(obj, path1);
    if (path2 != NULL)
        v = json_object_get(v, path2);
    ck_assert_msg(json_is_integer(v), "%s%s%s is not an integer", path1, path2 != NULL ? "." : "",
                  path2 != NULL ? path2 : "");
    return json_integer_value(v);
}

/* "<last two characters of finding_id>:<reason>" for each blocker, comma-separated, in order (caller frees).
 */
static char *blockers_text(const json_t *summary, const json_t *const *findings, size_t n)
{
    char *out = cc_test_asprintf("%s", "");
    const json_t *b;
    size_t i;
    json_array_foreach(json_object_get(summary, "decision_blockers"), i, b)
    {
        const char *id = cc_test_json_string(b, "finding_id");
        size_t k = 0;
        while (k < n && strcmp(cc_test_json_string(findings[k], "id"), id) != 0)
            k++;
        char *next =
            cc_test_asprintf("%s%s%zu:%s", out, i > 0 ? "," : "", k, cc_test_json_string(b, "reason"));
        free(out);
        out = next;
    }
    return out;
}

static void assert_blockers(const json_t *summary, const json_t *const *findings, size_t n,
                            const char *expected)
{
    char *text = blockers_text(summary, findings, n);
    ck_assert_msg(strcmp(text, expected) == 0, "decision_blockers: got %s, expected %s", text, expected);
    free(text);
}

static json_t *raise_on(const cc_test_team_t *t, const char *audit, const char *grade,
                        const char *requirement)
{
    cc_test_response_t *resp = cc_test_raise(&t->lead, audit, grade, requirement);
    cc_test_assert_json(resp, 201);
    json_t *finding = json_incref(resp->json);
    cc_test_response_free(resp);
    return finding;
}

static void set_minor_cluster(const cc_test_caller_t *admin, const char *value)
{
    char *body = cc_test_asprintf("{\"findings\":{\"minor_cluster\":%s}}", value);
    cc_test_response_t *resp = cc_test_call(admin, "PATCH", "/v1/settings", NULL, body);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    free(body);
}

/*
 * A Stage 2 that ended two days ago with two majors, four minors (three on one control), an observation
 * and an OFI: the counts, the earliest deadline, the cluster (flagged at 3, not at 4), the Stage 2 majors'
 * 6-month date, and every NC a blocker. Findings: 0, 1 majors; 2, 3, 4 minors on the control; 5 a minor on
 * the clause; 6 an observation; 7 an OFI.
 */
START_TEST(test_summary_counts)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    char start[16], end[16], plan[16], cutoff[16];
    day_from_today(-3, start);
    day_from_today(-2, end);
    day_from_today(-2 + 30, plan);
    cc_test_format_days(cc_test_add_months(cc_test_today_utc() - 2, 6), cutoff);
    const char *audit = NULL;
    json_t *programme = cc_test_team_audit(&t, "stage2", start, end, true, &audit);
    const char *pid = cc_test_json_string(programme, "id");
    json_t *f[8];
    f[0] = raise_on(&t, audit, "major", CC_TEST_CLAUSE);
    f[1] = raise_on(&t, audit, "major", CC_TEST_CONTROL);
    for (int i = 2; i < 5; i++)
        f[i] = raise_on(&t, audit, "minor", CC_TEST_CONTROL);
    f[5] = raise_on(&t, audit, "minor", CC_TEST_CLAUSE);
    f[6] = raise_on(&t, audit, "observation", CC_TEST_CLAUSE);
    f[7] = raise_on(&t, audit, "ofi", CC_TEST_CONTROL);

    json_t *s = summary_of(&t.cb.client1, "audit_id", audit);
    ck_assert_int_eq(member_int(s, "total", NULL), 8);
    ck_assert_int_eq(member_int(s, "by_grade", "major"), 2);
    ck_assert_int_eq(member_int(s, "by_grade", "minor"), 4);
    ck_assert_int_eq(member_int(s, "by_grade", "observation"), 1);
    ck_assert_int_eq(member_int(s, "by_grade", "ofi"), 1);
    ck_assert_int_eq(member_int(s, "by_grade", "area_of_concern"), 0);
    ck_assert_int_eq(member_int(s, "by_status", "open"), 6);
    ck_assert_int_eq(member_int(s, "by_status", "recorded"), 2);
    ck_assert_int_eq(member_int(s, "by_status", "closed"), 0);
    ck_assert_int_eq(member_int(s, "open_majors", NULL), 2);
    ck_assert_int_eq(member_int(s, "minors_without_accepted_plan", NULL), 4);
    ck_assert_int_eq(member_int(s, "overdue", NULL), 0);
    json_t *earliest = json_object_get(s, "earliest_deadline");
    ck_assert_str_eq(cc_test_json_string(earliest, "kind"), "plan");
    ck_assert_str_eq(cc_test_json_string(earliest, "due"), plan);
    ck_assert_int_eq(member_int(s, "minor_cluster", NULL), 3);
    json_t *clusters = json_object_get(s, "minor_clusters");
    ck_assert_int_eq(json_array_size(clusters), 1);
    ck_assert_str_eq(cc_test_json_string(json_array_get(clusters, 0), "requirement_id"), CC_TEST_CONTROL);
    ck_assert_str_eq(cc_test_json_string(json_array_get(clusters, 0), "audit_id"), audit);
    ck_assert_int_eq(member_int(json_array_get(clusters, 0), "count", NULL), 3);
    json_t *majors = json_object_get(s, "stage2_majors");
    ck_assert_int_eq(json_array_size(majors), 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_str_eq(cc_test_json_string(json_array_get(majors, i), "finding_id"),
                         cc_test_json_string(f[i], "id"));
        ck_assert_str_eq(cc_test_json_string(json_array_get(majors, i), "decision_blocking_after"), cutoff);
        ck_assert(json_is_false(json_object_get(json_array_get(majors, i), "past_cutoff")));
    }
    assert_blockers(s, (const json_t *const *)f, 8,
                    "0:major_open,1:major_open,2:minor_without_accepted_plan,3:minor_without_accepted_plan,"
                    "4:minor_without_accepted_plan,5:minor_without_accepted_plan");
    json_decref(s);

    /* the programme's summary: the same findings (its Stage 1 has none) */
    s = summary_of(&t.dm, "programme_id", pid);
    ck_assert_int_eq(member_int(s, "total", NULL), 8);
    ck_assert(json_is_null(json_object_get(s, "audit_id")));
    ck_assert_int_eq(json_array_size(json_object_get(s, "decision_blockers")), 6);
    json_decref(s);
    /* the Stage 1 has no finding, so no blocker comes from it */
    s = summary_of(&t.cb.sm, "audit_id", cc_test_audit_of(programme, "stage1"));
    ck_assert_int_eq(member_int(s, "total", NULL), 0);
    ck_assert_int_eq(json_array_size(json_object_get(s, "decision_blockers")), 0);
    json_decref(s);

    /* findings.minor_cluster 4: three minors are no longer a cluster */
    set_minor_cluster(&t.cb.admin, "4");
    s = summary_of(&t.lead, "audit_id", audit);
    ck_assert_int_eq(member_int(s, "minor_cluster", NULL), 4);
    ck_assert_int_eq(json_array_size(json_object_get(s, "minor_clusters")), 0);
    json_decref(s);
    set_minor_cluster(&t.cb.admin, "null");
    s = summary_of(&t.outsider, "audit_id", audit);
    ck_assert_int_eq(json_array_size(json_object_get(s, "minor_clusters")), 1);
    json_decref(s);

    for (int i = 0; i < 8; i++)
        json_decref(f[i]);
    json_decref(programme);
    cc_test_team_free(&t);
}
END_TEST

/* A Stage 2 that ended eight months ago, its major never closed: past its 6-month date, overdue, and a
 * blocker twice over (a new Stage 2 is needed, and it is open). */
START_TEST(test_summary_stage2_past_cutoff)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    int64_t end_days = cc_test_add_months(cc_test_today_utc(), -8);
    char start[16], end[16], plan[16], cutoff[16];
    cc_test_format_days(end_days - 1, start);
    cc_test_format_days(end_days, end);
    cc_test_format_days(end_days + 30, plan);
    cc_test_format_days(cc_test_add_months(end_days, 6), cutoff);
    const char *audit = NULL;
    json_t *programme = cc_test_team_audit(&t, "stage2", start, end, true, &audit);
    json_t *f[2];
    f[0] = raise_on(&t, audit, "major", CC_TEST_CLAUSE);
    f[1] = raise_on(&t, audit, "observation", CC_TEST_CLAUSE);

    json_t *s = summary_of(&t.cb.admin, "programme_id", cc_test_json_string(programme, "id"));
    ck_assert_int_eq(member_int(s, "overdue", NULL), 1);
    json_t *overdue = json_array_get(json_object_get(s, "overdue_findings"), 0);
    ck_assert_str_eq(cc_test_json_string(overdue, "finding_id"), cc_test_json_string(f[0], "id"));
    ck_assert_str_eq(cc_test_json_string(overdue, "plan_due"), plan);
    ck_assert_str_eq(cc_test_json_string(json_object_get(s, "earliest_deadline"), "due"), plan);
    json_t *major = json_array_get(json_object_get(s, "stage2_majors"), 0);
    ck_assert_str_eq(cc_test_json_string(major, "decision_blocking_after"), cutoff);
    ck_assert(json_is_true(json_object_get(major, "past_cutoff")));
    assert_blockers(s, (const json_t *const *)f, 2, "0:stage2_major_past_cutoff,0:major_open");
    json_t *b = json_array_get(json_object_get(s, "decision_blockers"), 0);
    ck_assert_str_eq(cc_test_json_string(b, "decision_blocking_after"), cutoff);
    ck_assert_str_eq(cc_test_json_string(b, "grade"), "major");
    ck_assert_str_eq(cc_test_json_string(b, "status"), "open");
    ck_assert_str_eq(cc_test_json_string(b, "audit_id"), audit);
    json_decref(s);

    json_decref(f[0]);
    json_decref(f[1]);
    json_decref(programme);
    cc_test_team_free(&t);
}
END_TEST

/* POSTs body to /v1/findings/{id}{tail} as c; `status` expected. */
static void act(const cc_test_caller_t *c, const json_t *finding, const char *tail, const char *body,
                int status)
{
    cc_test_response_t *resp =
        cc_test_finding_call(c, "POST", cc_test_json_string(finding, "id"), tail, NULL, body);
    cc_test_assert_json(resp, status);
    cc_test_response_free(resp);
}

static void respond(const cc_test_team_t *t, const json_t *finding)
{
    char today[16];
    day_from_today(0, today);
    char *body =
        cc_test_asprintf("{\"correction\":\"Supplier risks added\",\"root_cause\":\"No supplier review\","
                         "\"corrective_action\":\"Quarterly supplier review\",\"responsible\":\"CISO\","
                         "\"target_date\":\"%s\"}",
                         today);
    act(&t->cb.client1, finding, "/responses", body, 200);
    free(body);
}

/* Blockers before and after the findings move on: a major verified and closed stops blocking, a minor whose
 * plan is accepted stops blocking, a rejected one still blocks. */
START_TEST(test_summary_blockers_after_closure)
{
    cc_test_team_t t;
    cc_test_team_setup(&t);
    char start[16], end[16];
    day_from_today(-3, start);
    day_from_today(-2, end);
    const char *audit = NULL;
    json_t *programme = cc_test_team_audit(&t, "stage2", start, end, true, &audit);
    const char *pid = cc_test_json_string(programme, "id");
    json_t *f[4];
    f[0] = raise_on(&t, audit, "major", CC_TEST_CLAUSE);
    f[1] = raise_on(&t, audit, "minor", CC_TEST_CLAUSE);
    f[2] = raise_on(&t, audit, "minor", CC_TEST_CONTROL);
    f[3] = raise_on(&t, audit, "observation", CC_TEST_CONTROL);

    json_t *s = summary_of(&t.cb.sm, "programme_id", pid);
    assert_blockers(s, (const json_t *const *)f, 4,
                    "0:major_open,1:minor_without_accepted_plan,2:minor_without_accepted_plan");
    json_decref(s);

    /* the major: answered, accepted, verified, closed */
    respond(&t, f[0]);
    act(&t.lead, f[0], "/review", "{\"decision\":\"accept\"}", 200);
    s = summary_of(&t.cb.sm, "programme_id", pid);
    assert_blockers(s, (const json_t *const *)f, 4,
                    "0:major_open,1:minor_without_accepted_plan,2:minor_without_accepted_plan");
    json_decref(s);
    act(&t.auditor, f[0], "/verify", "{\"method\":\"on_site\"}", 200);
    act(&t.lead, f[0], "/close", "{}", 200);
    /* one minor accepted, the other rejected */
    respond(&t, f[1]);
    act(&t.lead, f[1], "/review", "{\"decision\":\"accept\"}", 200);
    respond(&t, f[2]);
    act(&t.lead, f[2], "/review", "{\"decision\":\"reject\",\"reason\":\"The root cause is a symptom\"}",
        200);

    s = summary_of(&t.cb.client1, "programme_id", pid);
    assert_blockers(s, (const json_t *const *)f, 4, "2:minor_without_accepted_plan");
    ck_assert_int_eq(member_int(s, "open_majors", NULL), 0);
    ck_assert_int_eq(member_int(s, "minors_without_accepted_plan", NULL), 1);
    ck_assert_int_eq(member_int(s, "by_status", "closed"), 1);
    ck_assert_int_eq(member_int(s, "by_status", "accepted"), 1);
    ck_assert_int_eq(member_int(s, "by_status", "rejected"), 1);
    ck_assert_int_eq(member_int(s, "by_status", "recorded"), 1);
    json_t *major = json_array_get(json_object_get(s, "stage2_majors"), 0);
    ck_assert_str_eq(cc_test_json_string(major, "status"), "closed");
    ck_assert(json_is_false(json_object_get(major, "past_cutoff")));
    /* the rejected plan's deadline runs again: it is the earliest */
    ck_assert_str_eq(cc_test_json_string(json_object_get(s, "earliest_deadline"), "finding_id"),
                     cc_test_json_string(f[2], "id"));
    json_decref(s);

    /* answered again and accepted: nothing blocks */
    respond(&t, f[2]);
    act(&t.lead, f[2], "/review", "{\"decision\":\"accept\"}", 200);
    s = summary_of(&t.cb.client1, "audit_id", audit);
    ck_assert_int_eq(json_array_size(json_object_get(s, "decision_blockers")), 0);
    json_decref(s);

    for (int i = 0; i < 4; i++)
        json_decref(f[i]);
    json_decref(programme);
    cc_test_team_free(&t);
}
END_TEST

static Suite *findings_summary_suite(void)
{
    Suite *s = suite_create("findings_summary");
    TCase *tc = tcase_create("summary");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_summary_parameters);
    tcase_add_test(tc, test_summary_scope);
    tcase_add_test(tc, test_summary_counts);
    tcase_add_test(tc, test_summary_stage2_past_cutoff);
    tcase_add_test(tc, test_summary_blockers_after_closure);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(findings_summary_suite());
}
