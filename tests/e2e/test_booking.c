/*
 * End-to-end tests of planning and booking audits through the gateway
 * (CC_TEST_GATEWAY_URL): PATCH /v1/audits/{id} (dates, mode with ICT
 * arrangements, an audit-days override with its justification, field errors,
 * If-Match, roles, another tenant's 404), the team and the transitions
 * (schedule, start, complete with Stage 1 conclusions, cancel; a Stage 2 only
 * after its Stage 1), every booking refusal with its own problem code
 * (auditor_unavailable, auditor_booked, competence_not_covered,
 * impartiality_conflict, lead_auditor_required, lead_already_assigned,
 * auditor_inactive), 20 parallel bookings of one auditor on overlapping days
 * of which exactly one wins, the auditor filter of GET /v1/audits, and the
 * calendar feed: read with python3-icalendar (Debian's package, through
 * /usr/bin/python3), refused with a wrong or rotated token. Every test makes
 * its own auditors (fresh users), so fixed dates never collide across runs.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_db.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ISMS CC_TEST_ISMS
#define QMS "ISO 9001:2015"
#define SECTOR "IAF 33"
#define PARALLEL 20

static void assert_problem_field(const cc_test_response_t *resp, int status, const char *code,
                                 const char *field)
{
    cc_test_assert_problem(resp, status, code);
    cc_test_assert_first_error_field(resp, field);
}

/* ---- PATCH ---- */

START_TEST(test_plan_fields_and_rules)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    json_t *programme = cc_test_new_programme(&f.sm, f.org, "[]");
    const char *s1 = cc_test_audit_of(programme, "stage1");

    cc_test_response_t *resp = cc_test_audit_call(&f.sm, "GET", s1, "", NULL);
    cc_test_assert_json(resp, 200);
    double calculated = json_number_value(json_object_get(resp->json, "calculated_days"));
    ck_assert_msg(calculated > 0 &&
                      calculated == json_number_value(json_object_get(resp->json, "planned_days")),
                  "calculated_days: %s", resp->body);
    ck_assert_str_eq(cc_test_json_string(resp->json, "mode"), "on_site");
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "team")), 0);
    cc_test_response_free(resp);

    struct {
        const char *body;
        int status;
        const char *code, *field;
    } refused[] = {
        {"{}", 400, "validation_failed", ""},
        {"{\"start_date\":\"2027-03-01\"}", 400, "validation_failed", "end_date"},
        {"{\"start_date\":\"2027-03-02\",\"end_date\":\"2027-03-01\"}", 400, "validation_failed", "end_date"},
        {"{\"start_date\":\"2027-02-30\",\"end_date\":\"2027-03-01\"}", 400, "validation_failed",
         "start_date"},
        {"{\"mode\":\"remote\"}", 422, "ict_arrangements_required", "ict_arrangements"},
        {"{\"mode\":\"telepathy\"}", 400, "validation_failed", "mode"},
        {"{\"planned_days\":0.5}", 422, "override_justification_required", "days_justification"},
        {"{\"planned_days\":2.3}", 400, "validation_failed", "planned_days"},
        {"{\"planned_days\":0,\"days_justification\":\"none at all\"}", 400, "validation_failed",
         "planned_days"},
        /* the field table's bounds: 0.5 to 999 days */
        {"{\"planned_days\":0.25,\"days_justification\":\"a quarter\"}", 400, "validation_failed",
         "planned_days"},
        {"{\"planned_days\":999.5}", 400, "validation_failed", "planned_days"},
        {"{\"colour\":\"red\"}", 400, "validation_failed", "colour"},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        resp = cc_test_audit_call(&f.sm, "PATCH", s1, "", refused[i].body);
        assert_problem_field(resp, refused[i].status, refused[i].code, refused[i].field);
        cc_test_response_free(resp);
    }
    /* nothing was written: still version 1 */
    resp = cc_test_audit_call(&f.sm, "GET", s1, "", NULL);
    cc_test_assert_etag(resp, 1);
    cc_test_response_free(resp);

    resp =
        cc_test_audit_call(&f.sm, "PATCH", s1, "",
                           "{\"start_date\":\"2027-03-01\",\"end_date\":\"2027-03-02\",\"mode\":\"hybrid\","
                           "\"ict_arrangements\":\"Video call; documents shared in the client's portal\","
                           "\"planned_days\":0.5,\"days_justification\":\"Small scope, one process\"}");
    cc_test_assert_json(resp, 200);
    cc_test_assert_etag(resp, 2);
    ck_assert_str_eq(cc_test_json_string(resp->json, "mode"), "hybrid");
    ck_assert_str_eq(cc_test_json_string(resp->json, "end_date"), "2027-03-02");
    ck_assert(json_number_value(json_object_get(resp->json, "planned_days")) == 0.5);
    ck_assert(json_number_value(json_object_get(resp->json, "calculated_days")) == calculated);
    ck_assert_str_eq(cc_test_json_string(resp->json, "days_justification"), "Small scope, one process");
    cc_test_response_free(resp);

    /* a stale If-Match; the roles that may not plan; another tenant */
    char *path = cc_test_asprintf("/v1/audits/%s", s1);
    resp = cc_test_call(&f.sm, "PATCH", path, "If-Match: \"1\"", "{\"mode\":\"on_site\"}");
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.client1, "PATCH", path, NULL, "{\"mode\":\"on_site\"}");
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    cc_test_caller_t auditor;
    cc_test_caller_login(&auditor, "northcert", "auditor1");
    resp = cc_test_call(&auditor, "PATCH", path, NULL, "{\"mode\":\"on_site\"}");
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.other_admin, "PATCH", path, NULL, "{\"mode\":\"on_site\"}");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_audit_call(&f.other_admin, "POST", s1, "/schedule", NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    cc_test_caller_free(&auditor);
    free(path);
    json_decref(programme);
    cc_test_cb_free(&f);
}
END_TEST

/* ---- the life of Stage 1 and Stage 2 ---- */

START_TEST(test_stage1_then_stage2)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    cc_test_auditor_t lead =
        cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[\"" SECTOR "\"]", "lead"));
    json_t *programme = cc_test_new_programme(&f.sm, f.org, "[\"" SECTOR "\"]");
    const char *s1 = cc_test_audit_of(programme, "stage1"), *s2 = cc_test_audit_of(programme, "stage2");

    cc_test_transition(&f.sm, s1, "schedule", NULL, 422, "dates_required");
    cc_test_set_dates(&f.sm, s1, "2027-04-05", "2027-04-06");
    cc_test_transition(&f.sm, s1, "schedule", NULL, 422, "competence_not_covered");
    cc_test_transition(&f.sm, s1, "start", NULL, 409, "invalid_transition");
    cc_test_must_add(&f.sm, s1, lead.id, "lead");

    /* Stage 2 cannot be scheduled while its Stage 1 is open */
    cc_test_set_dates(&f.sm, s2, "2027-05-10", "2027-05-12");
    cc_test_must_add(&f.sm, s2, lead.id, "lead");
    cc_test_transition(&f.sm, s2, "schedule", NULL, 422, "stage1_incomplete");

    cc_test_transition(&f.sm, s1, "schedule", NULL, 200, "scheduled");
    cc_test_transition(&f.sm, s1, "schedule", NULL, 409, "invalid_transition");
    cc_test_transition(&f.sm, s1, "complete", "{}", 409, "invalid_transition");
    cc_test_transition(&f.sm, s1, "start", NULL, 200, "in_progress");

    cc_test_response_t *resp =
        cc_test_audit_call(&f.sm, "POST", s1, "/complete", "{\"ready_for_stage2\":true}");
    assert_problem_field(resp, 400, "validation_failed", "areas_of_concern");
    cc_test_response_free(resp);
    resp = cc_test_audit_call(&f.sm, "POST", s1, "/complete",
                              "{\"ready_for_stage2\":true,\"areas_of_concern\":[\"\"]}");
    assert_problem_field(resp, 400, "validation_failed", "areas_of_concern[0]");
    cc_test_response_free(resp);
    resp = cc_test_audit_call(
        &f.sm, "POST", s1, "/complete",
        "{\"ready_for_stage2\":true,\"areas_of_concern\":[\"Risk treatment plan not approved\"]}");
    cc_test_assert_json(resp, 200);
    json_t *outcome = json_object_get(resp->json, "outcome");
    ck_assert(json_is_true(json_object_get(outcome, "ready_for_stage2")));
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(outcome, "areas_of_concern"), 0)),
                     "Risk treatment plan not approved");
    ck_assert_ptr_nonnull(cc_test_json_string(outcome, "completed_on"));
    cc_test_response_free(resp);
    cc_test_transition(&f.sm, s1, "cancel", "{\"reason\":\"too late\"}", 409, "invalid_transition");

    /* now Stage 2 may be scheduled; a surveillance audit takes no Stage 1 conclusions */
    cc_test_transition(&f.sm, s2, "schedule", NULL, 200, "scheduled");
    cc_test_transition(&f.sm, s2, "start", NULL, 200, "in_progress");
    cc_test_transition(&f.sm, s2, "complete", "{\"ready_for_stage2\":true,\"areas_of_concern\":[]}", 400,
                       "validation_failed");
    cc_test_transition(&f.sm, s2, "complete", "{\"summary\":\"Recommended for certification\"}", 200,
                       "completed");

    /* cancelling needs a reason and frees the days */
    const char *s3 = cc_test_audit_of(programme, "surveillance");
    cc_test_transition(&f.sm, s3, "cancel", "{}", 400, "validation_failed");
    cc_test_transition(&f.sm, s3, "cancel", "{\"reason\":\"Client merged into another\"}", 200, "cancelled");
    resp = cc_test_audit_call(&f.sm, "GET", s3, "", NULL);
    ck_assert_str_eq(cc_test_json_string(resp->json, "cancel_reason"), "Client merged into another");
    cc_test_response_free(resp);
    cc_test_auditor_free(&lead);
    json_decref(programme);
    cc_test_cb_free(&f);
}
END_TEST

/* ---- booking refusals ---- */

START_TEST(test_team_refusals)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    cc_test_auditor_t lead =
        cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[\"" SECTOR "\"]", "lead"));
    cc_test_auditor_t plain = cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[]", "auditor"));
    cc_test_auditor_t quality =
        cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(QMS, "[\"" SECTOR "\"]", "lead"));
    cc_test_auditor_t second_lead =
        cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[]", "lead"));
    json_t *programme = cc_test_new_programme(&f.sm, f.org, "[\"" SECTOR "\"]");
    const char *s1 = cc_test_audit_of(programme, "stage1");
    cc_test_set_dates(&f.sm, s1, "2027-07-05", "2027-07-06");

    cc_test_response_t *resp = cc_test_add_member(&f.sm, s1, plain.id, "lead");
    assert_problem_field(resp, 422, "competence_not_covered", "role");
    cc_test_response_free(resp);
    resp = cc_test_add_member(&f.sm, s1, quality.id, "auditor");
    assert_problem_field(resp, 422, "competence_not_covered", "role");
    cc_test_response_free(resp);
    resp = cc_test_add_member(&f.sm, s1, "00000000-0000-4000-8000-000000000000", "auditor");
    assert_problem_field(resp, 400, "validation_failed", "auditor_id");
    ck_assert_msg(strstr(resp->body, "\"unknown_auditor\"") != NULL, "error code: %s", resp->body);
    cc_test_response_free(resp);
    resp = cc_test_add_member(&f.sm, s1, plain.id, "observer");
    assert_problem_field(resp, 400, "validation_failed", "role");
    cc_test_response_free(resp);

    /* the team covers the standard but not the sector */
    cc_test_must_add(&f.sm, s1, plain.id, "auditor");
    resp = cc_test_audit_call(&f.sm, "POST", s1, "/schedule", NULL);
    assert_problem_field(resp, 422, "competence_not_covered", "team");
    ck_assert_msg(strstr(resp->body, SECTOR) != NULL, "the gap is not named: %s", resp->body);
    cc_test_response_free(resp);

    /* one lead; one membership each */
    cc_test_must_add(&f.sm, s1, lead.id, "lead");
    resp = cc_test_add_member(&f.sm, s1, second_lead.id, "lead");
    cc_test_assert_problem(resp, 409, "lead_already_assigned");
    cc_test_response_free(resp);
    resp = cc_test_add_member(&f.sm, s1, plain.id, "auditor");
    cc_test_assert_problem(resp, 409, "already_on_team");
    cc_test_response_free(resp);

    /* removing a member; removing one who is not on the team */
    char *member = cc_test_asprintf("/team/%s", lead.id);
    resp = cc_test_audit_call(&f.sm, "DELETE", s1, member, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "team")), 1);
    cc_test_response_free(resp);
    resp = cc_test_audit_call(&f.sm, "DELETE", s1, member, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    free(member);

    /* starting without a lead: a programme without sectors is covered by the plain auditor */
    json_t *plain_programme = cc_test_new_programme(&f.sm, f.org, "[]");
    const char *p1 = cc_test_audit_of(plain_programme, "stage1");
    cc_test_set_dates(&f.sm, p1, "2027-08-02", "2027-08-03");
    cc_test_must_add(&f.sm, p1, plain.id, "auditor");
    cc_test_transition(&f.sm, p1, "schedule", NULL, 200, "scheduled");
    resp = cc_test_audit_call(&f.sm, "POST", p1, "/start", NULL);
    assert_problem_field(resp, 422, "lead_auditor_required", "team");
    cc_test_response_free(resp);

    /* a conflict of interest with the client, declared before or after joining the team */
    char *conflicts = cc_test_asprintf("/v1/auditors/%s/conflicts", second_lead.id);
    char *body = cc_test_asprintf("{\"client_id\":\"%s\",\"reason\":\"Consulted for them in 2026\"}", f.org);
    resp = cc_test_call(&f.sm, "POST", conflicts, NULL, body);
    cc_test_assert_json(resp, 201);
    cc_test_response_free(resp);
    resp = cc_test_add_member(&f.sm, s1, second_lead.id, "lead");
    assert_problem_field(resp, 422, "impartiality_conflict", "auditor_id");
    cc_test_response_free(resp);
    free(conflicts);
    conflicts = cc_test_asprintf("/v1/auditors/%s/conflicts", plain.id);
    resp = cc_test_call(&f.sm, "POST", conflicts, NULL, body);
    cc_test_assert_json(resp, 201);
    cc_test_response_free(resp);
    cc_test_must_add(&f.sm, p1, lead.id, "lead");
    resp = cc_test_audit_call(&f.sm, "POST", p1, "/start", NULL);
    assert_problem_field(resp, 422, "impartiality_conflict", "team");
    cc_test_response_free(resp);
    free(conflicts);
    free(body);

    /* an inactive auditor cannot join */
    char *path = cc_test_asprintf("/v1/auditors/%s", quality.id);
    resp = cc_test_call(&f.sm, "PATCH", path, NULL, "{\"active\":false}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = cc_test_add_member(&f.sm, p1, quality.id, "technical_expert");
    assert_problem_field(resp, 422, "auditor_inactive", "auditor_id");
    cc_test_response_free(resp);
    free(path);

    cc_test_auditor_free(&lead);
    cc_test_auditor_free(&plain);
    cc_test_auditor_free(&quality);
    cc_test_auditor_free(&second_lead);
    json_decref(programme);
    json_decref(plain_programme);
    cc_test_cb_free(&f);
}
END_TEST

START_TEST(test_booked_or_unavailable)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    cc_test_auditor_t a = cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[]", "lead"));
    json_t *programme = cc_test_new_programme(&f.sm, f.org, "[]");
    const char *x = cc_test_audit_of(programme, "stage1"), *y = cc_test_audit_of(programme, "stage2"),
               *z = cc_test_audit_of(programme, "surveillance");
    char *unavailability = cc_test_asprintf("/v1/auditors/%s/unavailability", a.id);
    cc_test_response_t *resp =
        cc_test_call(&f.sm, "POST", unavailability, NULL,
                     "{\"from\":\"2027-05-10\",\"to\":\"2027-05-12\",\"reason\":\"Training course\"}");
    cc_test_assert_json(resp, 201);
    cc_test_response_free(resp);

    /* unavailable on the audit's last day */
    cc_test_set_dates(&f.sm, z, "2027-05-12", "2027-05-13");
    resp = cc_test_add_member(&f.sm, z, a.id, "lead");
    cc_test_assert_problem(resp, 409, "auditor_unavailable");
    cc_test_response_free(resp);

    /* booked on another audit: adding, or moving an audit onto the booked days */
    cc_test_set_dates(&f.sm, x, "2027-06-01", "2027-06-02");
    cc_test_must_add(&f.sm, x, a.id, "lead");
    cc_test_set_dates(&f.sm, y, "2027-06-02", "2027-06-03");
    resp = cc_test_add_member(&f.sm, y, a.id, "lead");
    cc_test_assert_problem(resp, 409, "auditor_unavailable");
    cc_test_response_free(resp);
    cc_test_set_dates(&f.sm, y, "2027-06-03", "2027-06-04"); /* adjacent days do not overlap */
    cc_test_must_add(&f.sm, y, a.id, "lead");
    resp = cc_test_audit_call(&f.sm, "PATCH", y, "",
                              "{\"start_date\":\"2027-06-02\",\"end_date\":\"2027-06-04\"}");
    cc_test_assert_problem(resp, 409, "auditor_unavailable");
    cc_test_response_free(resp);
    resp = cc_test_audit_call(&f.sm, "GET", y, "", NULL);
    ck_assert_str_eq(cc_test_json_string(resp->json, "start_date"), "2027-06-03"); /* nothing written */
    cc_test_response_free(resp);

    /* unavailability cannot cover booked days; cancelling the audit frees them */
    const char *on_booked = "{\"from\":\"2027-06-01\",\"to\":\"2027-06-01\",\"reason\":\"Dentist\"}";
    resp = cc_test_call(&f.sm, "POST", unavailability, NULL, on_booked);
    cc_test_assert_problem(resp, 409, "auditor_booked");
    cc_test_response_free(resp);
    cc_test_transition(&f.sm, x, "cancel", "{\"reason\":\"Client postponed\"}", 200, "cancelled");
    resp = cc_test_call(&f.sm, "POST", unavailability, NULL, on_booked);
    cc_test_assert_json(resp, 201);
    cc_test_response_free(resp);

    /* moving the audit off the unavailable day frees the member for it */
    cc_test_set_dates(&f.sm, z, "2027-05-13", "2027-05-14");
    cc_test_must_add(&f.sm, z, a.id, "lead");

    free(unavailability);
    cc_test_auditor_free(&a);
    json_decref(programme);
    cc_test_cb_free(&f);
}
END_TEST

/* A programme kept from before the transition: its 2013-edition initial audits cannot be dated now. */
START_TEST(test_iso27001_2013_closed)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    json_t *programme = cc_test_new_programme(&f.sm, f.org, "[]");
    PGconn *db = cc_test_db_connect("CC_TEST_PG_SUPERUSER_URL");
    const char *params[] = {cc_test_json_string(programme, "id")};
    cc_test_db_run(db, "UPDATE programmes SET standards = '{\"ISO/IEC 27001:2013\"}' WHERE id = $1", 1,
                   params);
    PQfinish(db);
    const char *types[] = {"stage1", "stage2", "recertification"};
    for (size_t i = 0; i < 3; i++) {
        cc_test_response_t *resp =
            cc_test_audit_call(&f.sm, "PATCH", cc_test_audit_of(programme, types[i]), "",
                               "{\"start_date\":\"2027-01-11\",\"end_date\":\"2027-01-12\"}");
        assert_problem_field(resp, 422, "standard_closed", "start_date");
        cc_test_response_free(resp);
    }
    cc_test_set_dates(&f.sm, cc_test_audit_of(programme, "surveillance"), "2027-01-11",
                      "2027-01-12"); /* not an initial audit */
    json_decref(programme);
    cc_test_cb_free(&f);
}
END_TEST

/* Rules checked at scheduling hold later too: starting re-checks coverage, a scheduled Stage 2 cannot be
 * moved before its Stage 1 ends; a conflict declared during an audit does not stop its completion. */
START_TEST(test_rules_hold_after_scheduling)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    cc_test_auditor_t lead = cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[]", "lead"));
    cc_test_auditor_t sector =
        cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[\"" SECTOR "\"]", "auditor"));
    json_t *programme = cc_test_new_programme(&f.sm, f.org, "[\"" SECTOR "\"]");
    const char *s1 = cc_test_audit_of(programme, "stage1"), *s2 = cc_test_audit_of(programme, "stage2");
    cc_test_set_dates(&f.sm, s1, "2028-01-10", "2028-01-11");
    cc_test_must_add(&f.sm, s1, lead.id, "lead");
    cc_test_must_add(&f.sm, s1, sector.id, "auditor");
    cc_test_transition(&f.sm, s1, "schedule", NULL, 200, "scheduled");
    char *member = cc_test_asprintf("/team/%s", sector.id);
    cc_test_response_t *resp = cc_test_audit_call(&f.sm, "DELETE", s1, member, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = cc_test_audit_call(&f.sm, "POST", s1, "/start", NULL);
    assert_problem_field(resp, 422, "competence_not_covered", "team"); /* the sector left with its auditor */
    cc_test_response_free(resp);
    cc_test_must_add(&f.sm, s1, sector.id, "auditor");
    cc_test_transition(&f.sm, s1, "start", NULL, 200, "in_progress");

    /* a conflict declared mid-audit: the audit can still be completed */
    char *conflicts = cc_test_asprintf("/v1/auditors/%s/conflicts", sector.id);
    char *body = cc_test_asprintf("{\"client_id\":\"%s\",\"reason\":\"Offered a job by the client\"}", f.org);
    resp = cc_test_call(&f.sm, "POST", conflicts, NULL, body);
    cc_test_assert_json(resp, 201);
    cc_test_response_free(resp);
    cc_test_transition(&f.sm, s1, "complete", "{\"ready_for_stage2\":true,\"areas_of_concern\":[]}", 200,
                       "completed");

    /* a scheduled Stage 2 keeps starting after its Stage 1 */
    cc_test_set_dates(&f.sm, s2, "2028-02-07", "2028-02-08");
    cc_test_must_add(&f.sm, s2, lead.id, "lead");
    cc_test_auditor_t second =
        cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[\"" SECTOR "\"]", "auditor"));
    cc_test_must_add(&f.sm, s2, second.id, "auditor");
    cc_test_transition(&f.sm, s2, "schedule", NULL, 200, "scheduled");
    resp = cc_test_audit_call(&f.sm, "PATCH", s2, "",
                              "{\"start_date\":\"2028-01-11\",\"end_date\":\"2028-01-12\"}");
    assert_problem_field(resp, 422, "stage1_incomplete", "start_date");
    cc_test_response_free(resp);

    free(member);
    free(conflicts);
    free(body);
    cc_test_auditor_free(&lead);
    cc_test_auditor_free(&sector);
    cc_test_auditor_free(&second);
    json_decref(programme);
    cc_test_cb_free(&f);
}
END_TEST

/* An audit shows its client's current legal name: a rename reaches every audit of the client. */
START_TEST(test_client_rename_reaches_audits)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *body =
        cc_test_asprintf("{\"legal_name\":\"Before %s Ltd\",\"personnel\":30,\"address\":{\"street\":"
                         "\"3 Quay\",\"city\":\"Hull\",\"post_code\":\"HU1 1AA\",\"country\":\"GB\"}}",
                         suffix);
    cc_test_response_t *resp = cc_test_call(&f.sm, "POST", "/v1/clients", NULL, body);
    cc_test_assert_json(resp, 201);
    char *client = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    json_t *programme = cc_test_new_programme(&f.sm, client, "[]");
    const char *s1 = cc_test_audit_of(programme, "stage1");
    char *path = cc_test_asprintf("/v1/clients/%s", client);
    char *renamed = cc_test_asprintf("{\"legal_name\":\"After %s Ltd\"}", suffix);
    resp = cc_test_call(&f.sm, "PATCH", path, NULL, renamed);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = cc_test_audit_call(&f.sm, "GET", s1, "", NULL);
    cc_test_assert_json(resp, 200);
    char *want = cc_test_asprintf("After %s Ltd", suffix);
    ck_assert_str_eq(cc_test_json_string(resp->json, "client_name"), want);
    cc_test_response_free(resp);
    free(want);
    free(renamed);
    free(path);
    free(body);
    free(client);
    json_decref(programme);
    cc_test_cb_free(&f);
}
END_TEST

/* ---- 20 parallel bookings of one auditor ---- */

typedef struct booking {
    const cc_test_caller_t *caller;
    const char *audit, *auditor;
    int status;
    char code[64];
} booking_t;

static void *book(void *arg)
{
    booking_t *b = arg;
    cc_test_response_t *resp = cc_test_add_member(b->caller, b->audit, b->auditor, "lead");
    b->status = resp->status;
    if (resp->json != NULL && cc_test_json_string(resp->json, "code") != NULL)
        snprintf(b->code, sizeof(b->code), "%s", cc_test_json_string(resp->json, "code"));
    cc_test_response_free(resp);
    return NULL;
}

START_TEST(test_parallel_bookings_one_wins)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    cc_test_auditor_t a = cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[]", "lead"));
    json_t *programmes[PARALLEL / 5];
    const char *audits[PARALLEL];
    size_t n = 0;
    for (size_t p = 0; p < PARALLEL / 5; p++) {
        programmes[p] = cc_test_new_programme(&f.sm, f.org, "[]");
        size_t i;
        json_t *audit;
        json_array_foreach(json_object_get(programmes[p], "audits"), i, audit) if (n < PARALLEL) audits[n++] =
            cc_test_json_string(audit, "id");
    }
    ck_assert_uint_eq(n, PARALLEL);
    /* different days, all sharing 2027-09-03 */
    for (size_t i = 0; i < n; i++) {
        char start[11], end[11];
        snprintf(start, sizeof(start), "2027-09-0%zu", 1 + i % 3);
        snprintf(end, sizeof(end), "2027-09-0%zu", 3 + i % 2);
        cc_test_set_dates(&f.sm, audits[i], start, end);
    }
    booking_t bookings[PARALLEL];
    pthread_t threads[PARALLEL];
    for (size_t i = 0; i < n; i++) {
        bookings[i] = (booking_t){&f.sm, audits[i], a.id, 0, ""};
        pthread_create(&threads[i], NULL, book, &bookings[i]);
    }
    int won = 0;
    const char *winner = NULL;
    for (size_t i = 0; i < n; i++) {
        pthread_join(threads[i], NULL);
        if (bookings[i].status == 200) {
            won++;
            winner = audits[i];
        } else {
            ck_assert_msg(bookings[i].status == 409 && strcmp(bookings[i].code, "auditor_unavailable") == 0,
                          "booking %zu answered %d %s", i, bookings[i].status, bookings[i].code);
        }
    }
    ck_assert_int_eq(won, 1);

    /* the auditor filter finds exactly the one audit they are booked on */
    char *path = cc_test_asprintf("/v1/audits?auditor=%s", a.id);
    json_t *items = cc_test_list_all(&f.sm, path, 10);
    ck_assert_uint_eq(json_array_size(items), 1);
    ck_assert_str_eq(cc_test_json_string(json_array_get(items, 0), "id"), winner);
    json_decref(items);
    free(path);
    cc_test_response_t *resp = cc_test_call(&f.sm, "GET", "/v1/audits?auditor=nobody", NULL, NULL);
    assert_problem_field(resp, 400, "validation_failed", "auditor");
    cc_test_response_free(resp);

    for (size_t p = 0; p < PARALLEL / 5; p++)
        json_decref(programmes[p]);
    cc_test_auditor_free(&a);
    cc_test_cb_free(&f);
}
END_TEST

/* ---- the calendar feed ---- */

/* Runs python3-icalendar over the feed; returns its report (caller frees): one line per event. */
static char *parse_with_icalendar(const char *feed)
{
    char path[] = "/tmp/cc-feed-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, feed, strlen(feed)), (ssize_t)strlen(feed));
    close(fd);
    char *command = cc_test_asprintf(
        "/usr/bin/python3 -c 'import sys, icalendar\n"
        "cal = icalendar.Calendar.from_ical(open(sys.argv[1], \"rb\").read())\n"
        "assert cal[\"VERSION\"] == \"2.0\" and cal[\"PRODID\"]\n"
        "for e in cal.walk(\"VEVENT\"):\n"
        "    print(e[\"UID\"], e.decoded(\"DTSTART\").isoformat(), e.decoded(\"DTEND\").isoformat(), "
        "e[\"STATUS\"], e[\"SUMMARY\"], sep=\"|\")\n' %s 2>&1",
        path);
    FILE *p = popen(command, "r");
    ck_assert_ptr_nonnull(p);
    char *out = cc_calloc(1, 8192);
    size_t len = fread(out, 1, 8191, p);
    out[len] = '\0';
    int rc = pclose(p);
    unlink(path);
    free(command);
    ck_assert_msg(rc == 0, "python3-icalendar refused the feed: %s\n%s", out, feed);
    return out;
}

START_TEST(test_calendar_feed)
{
    cc_test_cb_t f;
    cc_test_cb_login(&f);
    cc_test_auditor_t a = cc_test_new_auditor(&f.admin, &f.sm, CC_TEST_COMPETENCE(ISMS, "[]", "lead"));
    /* a client whose name needs escaping and folding */
    const char *legal = "Überwald Kommunikation, Schließfach & Söhne; Research and Development Division GmbH";
    char *client_body = cc_test_asprintf("{\"legal_name\":\"%s\",\"personnel\":40,\"address\":{\"street\":"
                                         "\"1 Main St\",\"city\":\"Berlin\",\"post_code\":\"10115\","
                                         "\"country\":\"DE\"}}",
                                         legal);
    cc_test_response_t *resp = cc_test_call(&f.sm, "POST", "/v1/clients", NULL, client_body);
    cc_test_assert_json(resp, 201);
    char *client = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    json_t *programme = cc_test_new_programme(&f.sm, client, "[]");
    const char *s1 = cc_test_audit_of(programme, "stage1"), *s2 = cc_test_audit_of(programme, "stage2");
    cc_test_set_dates(&f.sm, s1, "2027-10-04", "2027-10-05");
    cc_test_must_add(&f.sm, s1, a.id, "lead");
    cc_test_transition(&f.sm, s1, "schedule", NULL, 200, "scheduled");
    cc_test_set_dates(&f.sm, s2, "2027-11-29", "2027-12-01");
    cc_test_must_add(&f.sm, s2, a.id, "lead");
    cc_test_transition(&f.sm, s2, "cancel", "{\"reason\":\"Client postponed\"}", 200, "cancelled");

    /* the auditor rotates their own token; others may not */
    cc_test_caller_t me, other;
    cc_test_caller_login_as(&me, "northcert", a.email, CC_TEST_AUDITOR_PASSWORD);
    cc_test_caller_login(&other, "northcert", "auditor2");
    char *rotate = cc_test_asprintf("/v1/auditors/%s/calendar-token", a.id);
    resp = cc_test_call(&other, "POST", rotate, NULL, NULL);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.client1, "POST", rotate, NULL, NULL);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.other_admin, "POST", rotate, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&me, "POST", rotate, NULL, NULL);
    cc_test_assert_json(resp, 200);
    char *url = cc_strdup(cc_test_json_string(resp->json, "url"));
    char *token = cc_strdup(cc_test_json_string(resp->json, "token"));
    ck_assert_str_eq(cc_test_response_header(resp, "cache-control"), "no-store");
    cc_test_response_free(resp);

    /* anyone with the URL reads the feed; a real iCalendar parser accepts it */
    resp = cc_test_call(NULL, "GET", url, NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    const char *type = cc_test_response_header(resp, "content-type");
    ck_assert_msg(type != NULL && strncmp(type, "text/calendar", 13) == 0, "content-type %s", type);
    char *report = parse_with_icalendar(resp->body);
    char *first =
        cc_test_asprintf("%s@certcycle|2027-10-04|2027-10-06|CONFIRMED|Stage 1 audit: %s\n", s1, legal);
    char *second =
        cc_test_asprintf("%s@certcycle|2027-11-29|2027-12-02|CANCELLED|Stage 2 audit: %s\n", s2, legal);
    ck_assert_msg(strstr(report, first) != NULL, "no Stage 1 event in:\n%s", report);
    ck_assert_msg(strstr(report, second) != NULL, "no Stage 2 event in:\n%s", report);
    cc_test_response_free(resp);

    /* a wrong token, a malformed one, another auditor's path, and the old token after rotation: 404 */
    char *wrong = cc_strdup(url);
    char *t = strstr(wrong, "token=") + 6;
    t[10] = t[10] == 'A' ? 'B' : 'A';
    const char *refused[] = {wrong, NULL, NULL};
    char *malformed = cc_test_asprintf("/v1/auditors/%s/calendar.ics?token=abc", a.id);
    char *no_token = cc_test_asprintf("/v1/auditors/%s/calendar.ics", a.id);
    refused[1] = malformed;
    refused[2] = no_token;
    for (size_t i = 0; i < 3; i++) {
        resp = cc_test_call(NULL, "GET", refused[i], NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        cc_test_response_free(resp);
    }
    /* an inactive auditor's feed stops; reactivated, it works again */
    char *auditor_path = cc_test_asprintf("/v1/auditors/%s", a.id);
    resp = cc_test_call(&f.sm, "PATCH", auditor_path, NULL, "{\"active\":false}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = cc_test_call(NULL, "GET", url, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.sm, "PATCH", auditor_path, NULL, "{\"active\":true}");
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    resp = cc_test_call(NULL, "GET", url, NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    cc_test_response_free(resp);
    free(auditor_path);

    resp = cc_test_call(&f.sm, "POST", rotate, NULL, NULL); /* staff may rotate it too */
    cc_test_assert_json(resp, 200);
    ck_assert_str_ne(cc_test_json_string(resp->json, "token"), token);
    cc_test_response_free(resp);
    resp = cc_test_call(NULL, "GET", url, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);

    free(report);
    free(first);
    free(second);
    free(wrong);
    free(malformed);
    free(no_token);
    free(url);
    free(token);
    free(rotate);
    free(client);
    free(client_body);
    cc_test_caller_free(&me);
    cc_test_caller_free(&other);
    cc_test_auditor_free(&a);
    json_decref(programme);
    cc_test_cb_free(&f);
}
END_TEST

static Suite *booking_suite(void)
{
    Suite *s = suite_create("booking");
    TCase *tc = tcase_create("booking");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_plan_fields_and_rules);
    tcase_add_test(tc, test_stage1_then_stage2);
    tcase_add_test(tc, test_team_refusals);
    tcase_add_test(tc, test_booked_or_unavailable);
    tcase_add_test(tc, test_iso27001_2013_closed);
    tcase_add_test(tc, test_rules_hold_after_scheduling);
    tcase_add_test(tc, test_client_rename_reaches_audits);
    tcase_add_test(tc, test_parallel_bookings_one_wins);
    tcase_add_test(tc, test_calendar_feed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(booking_suite());
}
