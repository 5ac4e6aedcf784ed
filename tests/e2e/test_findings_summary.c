/*
 * End-to-end tests of the findings summary (GET /v1/findings/summary) through the gateway: exactly one
 * of audit_id and programme_id, each refusal naming the parameter; who may read which summary (a client
 * user its own organisation's only; another organisation's, another tenant's or an unknown audit or
 * programme answers 404); and the summary's shape for a cycle without findings.
 */
#include "cc_test_caller.h"
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

static Suite *findings_summary_suite(void)
{
    Suite *s = suite_create("findings_summary");
    TCase *tc = tcase_create("summary");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_summary_parameters);
    tcase_add_test(tc, test_summary_scope);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(findings_summary_suite());
}
