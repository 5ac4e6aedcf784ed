/*
 * Findings fixtures for e2e tests (see cc_test_findings.h).
 */
#include "cc_test_findings.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_test_http.h"

static void login_auditor(cc_test_caller_t *c, const cc_test_auditor_t *a)
{
    cc_test_caller_login_as(c, "northcert", a->email, CC_TEST_AUDITOR_PASSWORD);
}

void cc_test_team_setup(cc_test_team_t *t)
{
    memset(t, 0, sizeof(*t));
    cc_test_cb_login(&t->cb);
    cc_test_caller_login(&t->dm, "northcert", "decision_maker");
    t->lead_a = cc_test_new_auditor(&t->cb.admin, &t->cb.sm, CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "lead"));
    t->auditor_a =
        cc_test_new_auditor(&t->cb.admin, &t->cb.sm, CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "auditor"));
    t->expert_a = cc_test_new_auditor(&t->cb.admin, &t->cb.sm,
                                      CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "technical_expert"));
    t->outsider_a =
        cc_test_new_auditor(&t->cb.admin, &t->cb.sm, CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "lead"));
    login_auditor(&t->lead, &t->lead_a);
    login_auditor(&t->auditor, &t->auditor_a);
    login_auditor(&t->expert, &t->expert_a);
    login_auditor(&t->outsider, &t->outsider_a);
}

void cc_test_team_free(cc_test_team_t *t)
{
    cc_test_cb_free(&t->cb);
    cc_test_caller_free(&t->dm);
    cc_test_auditor_free(&t->lead_a);
    cc_test_auditor_free(&t->auditor_a);
    cc_test_auditor_free(&t->expert_a);
    cc_test_auditor_free(&t->outsider_a);
    cc_test_caller_free(&t->lead);
    cc_test_caller_free(&t->auditor);
    cc_test_caller_free(&t->expert);
    cc_test_caller_free(&t->outsider);
}

json_t *cc_test_findings_programme(const cc_test_team_t *t, bool pre_assessment, const char *site_ids)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *body =
        cc_test_asprintf("{\"client_id\":\"%s\",\"standards\":[\"" CC_TEST_ISMS "\"],"
                         "\"scope\":\"findings test %s\",\"sector_codes\":[],\"pre_assessment\":%s%s%s}",
                         t->cb.org, suffix, pre_assessment ? "true" : "false",
                         site_ids != NULL ? ",\"site_ids\":" : "", site_ids != NULL ? site_ids : "");
    cc_test_response_t *resp = cc_test_call(&t->cb.sm, "POST", "/v1/programmes", NULL, body);
    cc_test_assert_json(resp, 201);
    json_t *programme = json_incref(resp->json);
    cc_test_response_free(resp);
    free(body);
    return programme;
}

void cc_test_team_conduct(const cc_test_team_t *t, const char *audit, const char *start, const char *end,
                          bool complete)
{
    const cc_test_caller_t *sm = &t->cb.sm;
    cc_test_set_dates(sm, audit, start, end);
    cc_test_must_add(sm, audit, t->lead_a.id, "lead");
    cc_test_must_add(sm, audit, t->auditor_a.id, "auditor");
    cc_test_must_add(sm, audit, t->expert_a.id, "technical_expert");
    cc_test_transition(sm, audit, "schedule", NULL, 200, "scheduled");
    cc_test_transition(sm, audit, "start", NULL, 200, "in_progress");
    if (!complete)
        return;
    cc_test_response_t *resp = cc_test_audit_call(sm, "GET", audit, "", NULL);
    cc_test_assert_json(resp, 200);
    const char *type = cc_test_json_string(resp->json, "type");
    const char *outcome = strcmp(type, "stage1") == 0 ? "{\"ready_for_stage2\":true,\"areas_of_concern\":[]}"
                                                      : "{\"summary\":\"Conducted by the findings fixture\"}";
    cc_test_transition(sm, audit, "complete", outcome, 200, "completed");
    cc_test_response_free(resp);
}

json_t *cc_test_team_audit(const cc_test_team_t *t, const char *type, const char *start, const char *end,
                           bool complete, const char **audit)
{
    json_t *programme = cc_test_findings_programme(t, strcmp(type, "pre_assessment") == 0, NULL);
    if (strcmp(type, "stage2") == 0) {
        /* Stage 1 ends before Stage 2 starts: a month earlier is always before */
        char s1[32], s1_end[32];
        int y = atoi(start), m = atoi(start + 5);
        snprintf(s1, sizeof(s1), "%04d-%02d-01", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
        snprintf(s1_end, sizeof(s1_end), "%04d-%02d-02", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
        cc_test_team_conduct(t, cc_test_audit_of(programme, "stage1"), s1, s1_end, true);
    }
    *audit = cc_test_audit_of(programme, type);
    cc_test_team_conduct(t, *audit, start, end, complete);
    return programme;
}

cc_test_response_t *cc_test_raise(const cc_test_caller_t *c, const char *audit, const char *grade,
                                  const char *requirement)
{
    char *body = cc_test_asprintf("{\"audit_id\":\"%s\",\"grade\":\"%s\",\"requirement_id\":\"%s\","
                                  "\"statement\":\"The risk assessment omits supplier risks.\","
                                  "\"evidence\":\"Risk register v3 reviewed on site; no supplier entries.\"}",
                                  audit, grade, requirement);
    cc_test_response_t *resp = cc_test_call(c, "POST", "/v1/findings", NULL, body);
    free(body);
    return resp;
}

json_t *cc_test_must_raise_by(const cc_test_caller_t *c, const char *audit, const char *grade)
{
    cc_test_response_t *resp = cc_test_raise(c, audit, grade, CC_TEST_CLAUSE);
    cc_test_assert_json(resp, 201);
    json_t *finding = json_incref(resp->json);
    cc_test_response_free(resp);
    return finding;
}

json_t *cc_test_must_raise(const cc_test_team_t *t, const char *audit, const char *grade)
{
    return cc_test_must_raise_by(&t->lead, audit, grade);
}

cc_test_response_t *cc_test_finding_call(const cc_test_caller_t *c, const char *method, const char *id,
                                         const char *tail, const char *extra, const char *body)
{
    char *path = cc_test_asprintf("/v1/findings/%s%s", id, tail);
    cc_test_response_t *resp = cc_test_call(c, method, path, extra, body);
    free(path);
    return resp;
}

json_t *cc_test_get_finding(const cc_test_caller_t *c, const char *id)
{
    cc_test_response_t *resp = cc_test_finding_call(c, "GET", id, "", NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *finding = json_incref(resp->json);
    cc_test_response_free(resp);
    return finding;
}

json_t *cc_test_team_certified(const cc_test_team_t *t, const char *s1, const char *s1_end, const char *s2,
                               const char *s2_end, const char *granted)
{
    json_t *programme = cc_test_findings_programme(t, false, NULL);
    cc_test_team_conduct(t, cc_test_audit_of(programme, "stage1"), s1, s1_end, true);
    cc_test_team_conduct(t, cc_test_audit_of(programme, "stage2"), s2, s2_end, true);
    if (granted == NULL)
        return programme;
    char *body =
        cc_test_asprintf("{\"programme_id\":\"%s\",\"type\":\"initial\",\"outcome\":\"grant\","
                         "\"audit_ids\":[\"%s\",\"%s\"],\"decided_on\":\"%s\",\"effective_date\":\"%s\","
                         "\"soa_version\":\"SoA v1\",\"notes\":\"Stage 1 and Stage 2 completed.\"}",
                         cc_test_json_string(programme, "id"), cc_test_audit_of(programme, "stage1"),
                         cc_test_audit_of(programme, "stage2"), granted, granted);
    cc_test_response_t *resp = cc_test_call(&t->dm, "POST", "/v1/decisions", NULL, body);
    cc_test_assert_json(resp, 201);
    cc_test_response_free(resp);
    free(body);
    /* the decision recomputed the programme's expiry and windows: read it again */
    char *path = cc_test_asprintf("/v1/programmes/%s", cc_test_json_string(programme, "id"));
    resp = cc_test_call(&t->cb.sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_decref(programme);
    programme = json_incref(resp->json);
    cc_test_response_free(resp);
    free(path);
    return programme;
}

char *cc_test_team_site(const cc_test_team_t *t)
{
    char *path = cc_test_asprintf("/v1/clients/%s/sites", t->cb.org);
    json_t *sites = cc_test_list_all(&t->cb.sm, path, 100);
    char *id = NULL;
    if (json_array_size(sites) > 0) {
        id = cc_strdup(cc_test_json_string(json_array_get(sites, 0), "id"));
    } else {
        cc_test_response_t *resp = cc_test_call(&t->cb.sm, "POST", path, NULL,
                                                "{\"name\":\"Findings test site\",\"personnel\":5,"
                                                "\"address\":{\"street\":\"1 Test Road\",\"city\":\"Bergen\","
                                                "\"post_code\":\"5000\",\"country\":\"NO\"}}");
        cc_test_assert_json(resp, 201);
        id = cc_strdup(cc_test_json_string(resp->json, "id"));
        cc_test_response_free(resp);
    }
    json_decref(sites);
    free(path);
    return id;
}

void cc_test_finding_refused(const cc_test_caller_t *c, const char *method, const char *id, const char *tail,
                             const char *body, int status, const char *code, const char *field)
{
    cc_test_response_t *resp = cc_test_finding_call(c, method, id, tail, NULL, body);
    cc_test_assert_problem(resp, status, code);
    if (field != NULL)
        cc_test_assert_first_error_field(resp, field);
    cc_test_response_free(resp);
}

json_t *cc_test_finding_must(const cc_test_caller_t *c, const char *id, const char *action, const char *body,
                             const char *status)
{
    char *tail = cc_test_asprintf("/%s", action);
    cc_test_response_t *resp = cc_test_finding_call(c, "POST", id, tail, NULL, body);
    free(tail);
    cc_test_assert_json(resp, 200);
    const char *got = cc_test_json_string(resp->json, "status");
    ck_assert_msg(got != NULL && strcmp(got, status) == 0, "%s: %s", action, resp->body);
    ck_assert_str_eq(cc_test_json_string(resp->json, "id"), id);
    cc_test_assert_etag(resp, (int)cc_test_version_of(resp));
    json_t *finding = json_incref(resp->json);
    cc_test_response_free(resp);
    return finding;
}

char *cc_test_response_body(const char *target, const char *correction)
{
    return cc_test_asprintf("{\"correction\":\"%s\",\"root_cause\":\"No owner for the review\","
                            "\"corrective_action\":\"Quarterly review owned by IT security\","
                            "\"responsible\":\"IT security manager\",\"target_date\":\"%s\"}",
                            correction, target);
}

json_t *cc_test_respond(const cc_test_caller_t *c, const char *id)
{
    json_t *finding = cc_test_get_finding(c, id);
    const char *plan_due = cc_test_json_string(finding, "plan_due");
    ck_assert_ptr_nonnull(plan_due);
    char *body = cc_test_response_body(plan_due, "Obsolete copies withdrawn");
    json_decref(finding);
    finding = cc_test_finding_must(c, id, "responses", body, "response_submitted");
    free(body);
    return finding;
}
