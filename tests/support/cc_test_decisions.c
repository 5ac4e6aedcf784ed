/*
 * Decision helpers for e2e tests (see cc_test_decisions.h).
 */
#include "cc_test_decisions.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_test_http.h"

void cc_test_deciding_setup(cc_test_deciding_t *f)
{
    cc_test_cb_login(&f->cb);
    cc_test_caller_login(&f->dm, "northcert", "decision_maker");
    f->lead = cc_test_new_auditor(&f->cb.admin, &f->cb.sm, CC_TEST_COMPETENCE(CC_TEST_ISMS, "[]", "lead"));
}

void cc_test_deciding_free(cc_test_deciding_t *f)
{
    cc_test_cb_free(&f->cb);
    cc_test_caller_free(&f->dm);
    cc_test_auditor_free(&f->lead);
}

char *cc_test_decision_body(const char *programme, const char *type, const char *outcome, const char *audits,
                            const char *decided_on, const char *effective, const char *soa, const char *extra)
{
    char *eff = effective != NULL ? cc_test_asprintf(",\"effective_date\":\"%s\"", effective) : cc_strdup("");
    char *s = soa != NULL ? cc_test_asprintf(",\"soa_version\":\"%s\"", soa) : cc_strdup("");
    char *body =
        cc_test_asprintf("{\"programme_id\":\"%s\",\"type\":\"%s\",\"outcome\":\"%s\",\"audit_ids\":%s,"
                         "\"decided_on\":\"%s\",\"notes\":\"Decided on the audit reports.\"%s%s%s}",
                         programme, type, outcome, audits, decided_on, eff, s, extra != NULL ? extra : "");
    free(eff);
    free(s);
    return body;
}

void cc_test_decision_refused(const cc_test_caller_t *c, const char *body, int status, const char *code,
                              const char *field)
{
    cc_test_response_t *resp = cc_test_decide(c, body);
    cc_test_assert_problem(resp, status, code);
    if (field != NULL)
        cc_test_assert_first_error_field(resp, field);
    cc_test_response_free(resp);
}

json_t *cc_test_decision_granted(const cc_test_caller_t *c, const char *body)
{
    cc_test_response_t *resp = cc_test_decide(c, body);
    cc_test_assert_json(resp, 201);
    json_t *answer = json_incref(resp->json);
    cc_test_response_free(resp);
    return answer;
}

json_t *cc_test_get_programme(const cc_test_deciding_t *f, const char *id)
{
    char *path = cc_test_asprintf("/v1/programmes/%s", id);
    cc_test_response_t *resp = cc_test_call(&f->cb.sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *programme = json_incref(resp->json);
    cc_test_response_free(resp);
    free(path);
    return programme;
}

char *cc_test_stages_of(const json_t *programme)
{
    return cc_test_asprintf("[\"%s\",\"%s\"]", cc_test_audit_of(programme, "stage1"),
                            cc_test_audit_of(programme, "stage2"));
}

json_t *cc_test_decided_programme(const cc_test_deciding_t *f, const char *s1, const char *s1_end,
                                  const char *s2, const char *s2_end, const char *granted)
{
    json_t *programme = cc_test_new_programme(&f->cb.sm, f->cb.org, "[]");
    cc_test_conduct(&f->cb.sm, cc_test_audit_of(programme, "stage1"), f->lead.id, s1, s1_end);
    cc_test_conduct(&f->cb.sm, cc_test_audit_of(programme, "stage2"), f->lead.id, s2, s2_end);
    if (granted == NULL)
        return programme;
    char *audits = cc_test_stages_of(programme);
    char *body = cc_test_decision_body(cc_test_json_string(programme, "id"), "initial", "grant", audits,
                                       granted, granted, "SoA v1", NULL);
    json_t *answer = cc_test_decision_granted(&f->dm, body);
    json_t *decision = json_object_get(answer, "decision");
    ck_assert_str_eq(cc_test_json_string(decision, "outcome"), "grant");
    ck_assert(json_is_null(json_object_get(decision, "next_programme_id")));
    json_decref(answer);
    free(body);
    free(audits);
    return programme;
}

/* The surveillance windows cover every calendar year between the anchor's and the expiry's. */
static void assert_windows(const json_t *programme, const char *anchor, const char *expiry, const char *text)
{
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
            continue;
        }
        if (json_integer_value(json_object_get(a, "sequence")) == 1)
            first_surveillance_end = end;
        int y = atoi(end) - anchor_year;
        if (y >= 0 && y < 8)
            covered[y] = true; /* a window inside one calendar year covers it */
        ck_assert_msg(atoi(cc_test_json_string(a, "window_start")) == atoi(end), "window spans years: %s",
                      text);
    }
    ck_assert_msg(first_surveillance_end != NULL && recert_end != NULL, "missing audits: %s", text);
    char limit[32]; /* surveillance 1 no more than 12 months after the decision */
    snprintf(limit, sizeof(limit), "%04d%.6s", anchor_year + 1, anchor + 4);
    ck_assert_msg(strcmp(first_surveillance_end, limit) <= 0, "surveillance 1 ends %s, after %s: %s",
                  first_surveillance_end, limit, text);
    for (int y = anchor_year + 1; y < expiry_year; y++)
        ck_assert_msg(covered[y - anchor_year], "no surveillance in %d: %s", y, text);
    ck_assert_msg(strcmp(recert_end, expiry) < 0, "recertification window ends after expiry: %s", text);
}

void cc_test_assert_decided(const json_t *programme, const char *anchor, const char *expiry, int cycle)
{
    char *text = json_dumps(programme, JSON_COMPACT);
    ck_assert_msg(strcmp(cc_test_json_string(programme, "decision_date"), anchor) == 0, "decision: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(programme, "expiry_date"), expiry) == 0, "expiry: %s", text);
    ck_assert_msg(json_is_false(json_object_get(programme, "provisional")), "provisional: %s", text);
    ck_assert_int_eq(json_integer_value(json_object_get(programme, "cycle")), cycle);
    assert_windows(programme, anchor, expiry, text);
    free(text);
}
