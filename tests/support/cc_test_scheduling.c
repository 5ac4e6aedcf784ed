/*
 * Scheduling fixtures for e2e tests (see cc_test_scheduling.h).
 */
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_test_http.h"

void cc_test_cb_login(cc_test_cb_t *cb)
{
    memset(cb, 0, sizeof(*cb));
    cc_test_caller_login(&cb->admin, "northcert", "admin");
    cc_test_caller_login(&cb->sm, "northcert", "scheme_manager");
    cc_test_caller_login(&cb->client1, "northcert", "client1");
    cc_test_caller_login(&cb->other_admin, "southcert", "admin");
    cc_test_response_t *me = cc_test_call(&cb->client1, "GET", "/v1/me", NULL, NULL);
    cc_test_assert_json(me, 200);
    cb->org = cc_strdup(cc_test_json_string(me->json, "client_id"));
    cc_test_response_free(me);
}

void cc_test_cb_free(cc_test_cb_t *cb)
{
    cc_test_caller_free(&cb->admin);
    cc_test_caller_free(&cb->sm);
    cc_test_caller_free(&cb->client1);
    cc_test_caller_free(&cb->other_admin);
    free(cb->org);
}

cc_test_auditor_t cc_test_new_auditor(const cc_test_caller_t *admin, const cc_test_caller_t *sm,
                                      const char *competences)
{
    cc_test_auditor_t a;
    a.email = cc_test_unique_email("scheduling", "northcert");
    a.user_id = cc_test_create_user(cc_test_env("CC_TEST_GATEWAY_URL"), admin->tokens.access, a.email,
                                    "auditor", NULL, CC_TEST_AUDITOR_PASSWORD);
    char *body = cc_test_asprintf("{\"user_id\":\"%s\",\"competences\":%s}", a.user_id, competences);
    cc_test_response_t *resp = cc_test_call(sm, "POST", "/v1/auditors", NULL, body);
    cc_test_assert_json(resp, 201);
    a.id = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    free(body);
    return a;
}

void cc_test_auditor_free(cc_test_auditor_t *a)
{
    free(a->id);
    free(a->user_id);
    free(a->email);
}

json_t *cc_test_new_programme(const cc_test_caller_t *sm, const char *client, const char *sectors)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *body = cc_test_asprintf("{\"client_id\":\"%s\",\"standards\":[\"" CC_TEST_ISMS "\"],"
                                  "\"scope\":\"scheduling test %s\",\"sector_codes\":%s}",
                                  client, suffix, sectors);
    cc_test_response_t *resp = cc_test_call(sm, "POST", "/v1/programmes", NULL, body);
    cc_test_assert_json(resp, 201);
    json_t *programme = json_incref(resp->json);
    cc_test_response_free(resp);
    free(body);
    return programme;
}

const char *cc_test_audit_of(const json_t *programme, const char *type)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(programme, "audits"), i, a)
    {
        if (strcmp(cc_test_json_string(a, "type"), type) == 0)
            return cc_test_json_string(a, "id");
    }
    ck_abort_msg("the programme has no %s audit", type);
    return NULL;
}

cc_test_response_t *cc_test_audit_call(const cc_test_caller_t *c, const char *method, const char *audit,
                                       const char *tail, const char *body)
{
    char *path = cc_test_asprintf("/v1/audits/%s%s", audit, tail);
    cc_test_response_t *resp = cc_test_call(c, method, path, NULL, body);
    free(path);
    return resp;
}

void cc_test_set_dates(const cc_test_caller_t *sm, const char *audit, const char *start, const char *end)
{
    char *body = cc_test_asprintf("{\"start_date\":\"%s\",\"end_date\":\"%s\"}", start, end);
    cc_test_response_t *resp = cc_test_audit_call(sm, "PATCH", audit, "", body);
    cc_test_assert_json(resp, 200);
    ck_assert_str_eq(cc_test_json_string(resp->json, "start_date"), start);
    cc_test_response_free(resp);
    free(body);
}

cc_test_response_t *cc_test_add_member(const cc_test_caller_t *c, const char *audit, const char *auditor,
                                       const char *role)
{
    char *body = cc_test_asprintf("{\"auditor_id\":\"%s\",\"role\":\"%s\"}", auditor, role);
    cc_test_response_t *resp = cc_test_audit_call(c, "POST", audit, "/team", body);
    free(body);
    return resp;
}

void cc_test_must_add(const cc_test_caller_t *sm, const char *audit, const char *auditor, const char *role)
{
    cc_test_response_t *resp = cc_test_add_member(sm, audit, auditor, role);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
}

void cc_test_transition(const cc_test_caller_t *c, const char *audit, const char *action, const char *body,
                        int status, const char *expected)
{
    char *tail = cc_test_asprintf("/%s", action);
    cc_test_response_t *resp = cc_test_audit_call(c, "POST", audit, tail, body);
    if (status == 200) {
        cc_test_assert_json(resp, 200);
        ck_assert_msg(strcmp(cc_test_json_string(resp->json, "status"), expected) == 0, "%s: %s", action,
                      resp->body);
    } else {
        cc_test_assert_problem(resp, status, expected);
    }
    cc_test_response_free(resp);
    free(tail);
}

void cc_test_conduct(const cc_test_caller_t *sm, const char *audit, const char *lead, const char *start,
                     const char *end)
{
    cc_test_set_dates(sm, audit, start, end);
    cc_test_must_add(sm, audit, lead, "lead");
    cc_test_transition(sm, audit, "schedule", NULL, 200, "scheduled");
    cc_test_transition(sm, audit, "start", NULL, 200, "in_progress");
    cc_test_response_t *resp = cc_test_audit_call(sm, "GET", audit, "", NULL);
    const char *type = cc_test_json_string(resp->json, "type");
    const char *outcome = strcmp(type, "stage1") == 0 ? "{\"ready_for_stage2\":true,\"areas_of_concern\":[]}"
                                                      : "{\"summary\":\"Conducted by the test fixture\"}";
    cc_test_transition(sm, audit, "complete", outcome, 200, "completed");
    cc_test_response_free(resp);
}
