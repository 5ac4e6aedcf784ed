/*
 * The findings role matrix through the gateway (issue 8 "Roles"): every findings endpoint asked by every
 * kind of caller (admin, scheme manager, the audit's lead, its auditor, its technical expert, an auditor
 * on no team of it, a decision maker, the client organisation's user, another organisation's client user,
 * another tenant's admin), each with the status it must get. Team auditors (lead and auditor) write,
 * review, verify and close on their audits, only the lead regrades; other auditors and decision makers
 * read; admins and scheme managers read and act; a client user reads only its own organisation's findings
 * and may only respond (and upload evidence); another organisation's or tenant's finding is not found.
 * A refusal changes nothing, so each endpoint's refusals are asked on one finding in the state the action
 * needs, and every caller allowed gets a finding of its own in that state. Every route of the
 * service is in the table; POST /v1/findings has a test of its own (a refused raise leaves no finding to
 * compare).
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

typedef enum {
    ADMIN,
    SCHEME_MANAGER,
    LEAD,
    TEAM_AUDITOR,
    EXPERT,
    OFF_TEAM,
    DECISION_MAKER,
    CLIENT,
    OTHER_CLIENT,
    OTHER_TENANT,
    NCALLERS
} who_t;

static const char *const who_names[NCALLERS] = {
    "admin",
    "scheme_manager",
    "team lead",
    "team auditor",
    "technical expert on team",
    "auditor off team",
    "decision_maker",
    "client of the org",
    "client of another org",
    "another tenant's admin",
};

typedef struct world {
    cc_test_team_t t;
    cc_test_caller_t other_client;
    const cc_test_caller_t *as[NCALLERS];
    json_t *programme;
    const char *audit; /* a completed Stage 2 the team conducted (borrowed from programme) */
} world_t;

static void world_setup(world_t *w)
{
    memset(w, 0, sizeof(*w));
    cc_test_team_setup(&w->t);
    cc_test_caller_login(&w->other_client, "northcert", "client2");
    const cc_test_caller_t *as[NCALLERS] = {
        &w->t.cb.admin, &w->t.cb.sm, &w->t.lead,       &w->t.auditor,    &w->t.expert,
        &w->t.outsider, &w->t.dm,    &w->t.cb.client1, &w->other_client, &w->t.cb.other_admin};
    memcpy(w->as, as, sizeof(as));
    char start[16], end[16];
    cc_test_format_days(cc_test_today_utc() - 3, start);
    cc_test_format_days(cc_test_today_utc() - 2, end);
    w->programme = cc_test_team_audit(&w->t, "stage2", start, end, true, &w->audit);
}

static void world_free(world_t *w)
{
    json_decref(w->programme);
    cc_test_caller_free(&w->other_client);
    cc_test_team_free(&w->t);
}

/* ---- bringing a fresh finding to the state an action needs ---- */

typedef enum { AT_OPEN, AT_ANSWERED, AT_ACCEPTED, AT_VERIFIED } stage_t;

static void must_post(const cc_test_caller_t *c, const char *id, const char *tail, const char *body)
{
    cc_test_response_t *resp = cc_test_finding_call(c, "POST", id, tail, NULL, body);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
}

static char *response_body(void)
{
    char today[16];
    cc_test_format_days(cc_test_today_utc(), today);
    return cc_test_asprintf("{\"correction\":\"Supplier risks added\",\"root_cause\":\"No supplier review\","
                            "\"corrective_action\":\"Quarterly supplier review\",\"responsible\":\"CISO\","
                            "\"target_date\":\"%s\"}",
                            today);
}

/* A new major on the world's audit, moved on to `stage`; its id (caller frees). */
static char *finding_at(const world_t *w, stage_t stage)
{
    json_t *f = cc_test_must_raise(&w->t, w->audit, "major");
    char *id = strdup(cc_test_json_string(f, "id"));
    json_decref(f);
    if (stage >= AT_ANSWERED) {
        char *body = response_body();
        must_post(&w->t.cb.client1, id, "/responses", body);
        free(body);
    }
    if (stage >= AT_ACCEPTED)
        must_post(&w->t.lead, id, "/review", "{\"decision\":\"accept\"}");
    if (stage >= AT_VERIFIED)
        must_post(&w->t.lead, id, "/verify", "{\"method\":\"on_site\"}");
    return id;
}

/* ---- the matrix ---- */

typedef struct expect {
    int status;       /* 0: not asked */
    const char *code; /* the problem's code for a refusal (NULL: any) */
} expect_t;

typedef enum {
    ON_FINDING, /* /v1/findings/{id}{tail} */
    SUMMARY,    /* /v1/findings/summary?audit_id= */
    LIST,       /* /v1/findings?audit_id= */
    UPLOAD,     /* POST /v1/findings/{id}/evidence, a text file */
    DOWNLOAD,   /* /v1/evidence/{id} */
} kind_t;

typedef struct endpoint {
    const char *name;
    kind_t kind;
    const char *method;
    const char *tail; /* ON_FINDING: after /v1/findings/{id} */
    stage_t stage;
    bool writes; /* a success writes: every caller allowed gets a finding of its own */
    expect_t expect[NCALLERS];
} endpoint_t;

/* clang-format off */
#define OK200 {200, NULL}
#define OK201 {201, NULL}
#define FORBIDDEN {403, "forbidden"}
#define NOT_ON_TEAM {403, "not_on_team"}
#define NOT_FOUND {404, "not_found"}
#define SEES {200, "+items"}      /* a list with the finding in it */
#define SEES_NONE {200, "-items"} /* an empty list */
/* clang-format on */

/* Columns: admin, scheme manager, lead, team auditor, expert, off team, decision maker, client, other client,
 * other tenant. */
static const endpoint_t endpoints[] = {
    {"GET /v1/findings?audit_id=",
     LIST,
     "GET",
     NULL,
     AT_OPEN,
     false,
     {SEES, SEES, SEES, SEES, SEES, SEES, SEES, SEES, SEES_NONE, SEES_NONE}},
    {"GET /v1/findings/summary?audit_id=",
     SUMMARY,
     "GET",
     NULL,
     AT_OPEN,
     false,
     {OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200, NOT_FOUND, NOT_FOUND}},
    {"GET /v1/findings/{id}",
     ON_FINDING,
     "GET",
     "",
     AT_OPEN,
     false,
     {OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200, NOT_FOUND, NOT_FOUND}},
    {"PATCH /v1/findings/{id}",
     ON_FINDING,
     "PATCH",
     "",
     AT_OPEN,
     true,
     {OK200, OK200, OK200, OK200, NOT_ON_TEAM, NOT_ON_TEAM, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND}},
    {"POST /v1/findings/{id}/regrade",
     ON_FINDING,
     "POST",
     "/regrade",
     AT_OPEN,
     true,
     {OK200, OK200, OK200, NOT_ON_TEAM, NOT_ON_TEAM, NOT_ON_TEAM, FORBIDDEN, FORBIDDEN, FORBIDDEN,
      NOT_FOUND}},
    {"POST /v1/findings/{id}/responses",
     ON_FINDING,
     "POST",
     "/responses",
     AT_OPEN,
     true,
     {OK200, OK200, OK200, OK200, NOT_ON_TEAM, NOT_ON_TEAM, FORBIDDEN, OK200, NOT_FOUND, NOT_FOUND}},
    {"POST /v1/findings/{id}/review",
     ON_FINDING,
     "POST",
     "/review",
     AT_ANSWERED,
     true,
     {OK200, OK200, OK200, OK200, NOT_ON_TEAM, NOT_ON_TEAM, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND}},
    {"POST /v1/findings/{id}/verify",
     ON_FINDING,
     "POST",
     "/verify",
     AT_ACCEPTED,
     true,
     {OK200, OK200, OK200, OK200, NOT_ON_TEAM, NOT_ON_TEAM, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND}},
    {"POST /v1/findings/{id}/close",
     ON_FINDING,
     "POST",
     "/close",
     AT_VERIFIED,
     true,
     {OK200, OK200, OK200, OK200, NOT_ON_TEAM, NOT_ON_TEAM, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND}},
    /* the whole audit team uploads, technical experts too (issue 8 "Evidence files") */
    {"POST /v1/findings/{id}/evidence",
     UPLOAD,
     "POST",
     NULL,
     AT_OPEN,
     true,
     {OK201, OK201, OK201, OK201, OK201, NOT_ON_TEAM, FORBIDDEN, OK201, NOT_FOUND, NOT_FOUND}},
    {"GET /v1/findings/{id}/evidence",
     ON_FINDING,
     "GET",
     "/evidence",
     AT_OPEN,
     false,
     {OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200, NOT_FOUND, NOT_FOUND}},
    {"GET /v1/evidence/{id}",
     DOWNLOAD,
     "GET",
     NULL,
     AT_OPEN,
     false,
     {OK200, OK200, OK200, OK200, OK200, OK200, OK200, OK200, NOT_FOUND, NOT_FOUND}},
};

/* The body each action sends. */
static char *body_for(const endpoint_t *e)
{
    if (e->tail == NULL || strcmp(e->method, "GET") == 0)
        return NULL;
    if (strcmp(e->method, "PATCH") == 0)
        return strdup("{\"statement\":\"Restated: the risk assessment omits every supplier.\"}");
    if (strcmp(e->tail, "/regrade") == 0)
        return strdup("{\"grade\":\"minor\",\"reason\":\"One isolated supplier, not a systemic failure\"}");
    if (strcmp(e->tail, "/responses") == 0)
        return response_body();
    if (strcmp(e->tail, "/review") == 0)
        return strdup("{\"decision\":\"accept\"}");
    if (strcmp(e->tail, "/verify") == 0)
        return strdup("{\"method\":\"document\"}");
    return strdup("{}");
}

#define EVIDENCE_TEXT "Supplier review minutes, 2 December\n"

/* POSTs a small text file to the finding as c. */
static cc_test_response_t *upload(const cc_test_caller_t *c, const char *finding)
{
    char *path = cc_test_asprintf("/v1/findings/%s/evidence", finding);
    const char *headers[] = {c->auth, "Content-Type: text/plain",
                             "Content-Disposition: attachment; filename*=UTF-8''minutes.txt", NULL};
    cc_test_response_t *resp =
        cc_test_http("POST", cc_test_env("CC_TEST_GATEWAY_URL"), path, headers, EVIDENCE_TEXT);
    free(path);
    return resp;
}

/* e asked by who on finding (and its evidence file `file` for a download). */
static cc_test_response_t *ask(const world_t *w, const endpoint_t *e, who_t who, const char *finding,
                               const char *file)
{
    char *path = NULL;
    switch (e->kind) {
    case SUMMARY:
        path = cc_test_asprintf("/v1/findings/summary?audit_id=%s", w->audit);
        break;
    case LIST:
        path = cc_test_asprintf("/v1/findings?audit_id=%s", w->audit);
        break;
    case DOWNLOAD:
        path = cc_test_asprintf("/v1/evidence/%s", file);
        break;
    case UPLOAD:
        return upload(w->as[who], finding);
    case ON_FINDING: {
        char *body = body_for(e);
        cc_test_response_t *resp = cc_test_finding_call(w->as[who], e->method, finding, e->tail, NULL, body);
        free(body);
        return resp;
    }
    }
    cc_test_response_t *resp = cc_test_call(w->as[who], e->method, path, NULL, NULL);
    free(path);
    return resp;
}

static void check(const cc_test_response_t *resp, const endpoint_t *e, who_t who)
{
    const expect_t *x = &e->expect[who];
    if (x->code != NULL && (x->code[0] == '+' || x->code[0] == '-')) {
        ck_assert_msg(resp->status == 200, "%s as %s: expected 200, got %d", e->name, who_names[who],
                      resp->status);
        size_t n = json_array_size(json_object_get(resp->json, "items"));
        ck_assert_msg(x->code[0] == '+' ? n > 0 : n == 0, "%s as %s: %zu items", e->name, who_names[who], n);
        return;
    }
    const char *code = resp->json != NULL ? cc_test_json_string(resp->json, "code") : NULL;
    ck_assert_msg(resp->status == x->status &&
                      (x->code == NULL || (code != NULL && strcmp(code, x->code) == 0)),
                  "%s as %s: expected %d %s, got %d %s", e->name, who_names[who], x->status,
                  x->code != NULL ? x->code : "", resp->status, code != NULL ? code : "");
}

static void run_endpoint(const world_t *w, const endpoint_t *e)
{
    /* the refusals first, on one finding: none may change it */
    char *shared = finding_at(w, e->stage);
    char *file = NULL;
    if (e->kind == DOWNLOAD) {
        cc_test_response_t *resp = upload(&w->t.cb.client1, shared);
        cc_test_assert_json(resp, 201);
        file = strdup(cc_test_json_string(resp->json, "id"));
        cc_test_response_free(resp);
    }
    json_t *before = cc_test_get_finding(&w->t.cb.admin, shared);
    for (who_t who = 0; who < NCALLERS; who++) {
        if (e->expect[who].status < 300 && e->writes)
            continue;
        cc_test_response_t *resp = ask(w, e, who, shared, file);
        if (e->kind == DOWNLOAD && resp->status == 200)
            ck_assert_msg(resp->body_len == strlen(EVIDENCE_TEXT) &&
                              memcmp(resp->body, EVIDENCE_TEXT, resp->body_len) == 0,
                          "%s as %s: not the file uploaded", e->name, who_names[who]);
        check(resp, e, who);
        cc_test_response_free(resp);
    }
    json_t *after = cc_test_get_finding(&w->t.cb.admin, shared);
    ck_assert_msg(json_integer_value(json_object_get(before, "version")) ==
                      json_integer_value(json_object_get(after, "version")),
                  "%s: a refusal changed the finding", e->name);
    json_decref(before);
    json_decref(after);
    free(shared);
    free(file);
    /* each caller allowed to write, on a finding of its own */
    for (who_t who = 0; who < NCALLERS && e->writes; who++) {
        if (e->expect[who].status >= 300)
            continue;
        char *own = finding_at(w, e->stage);
        cc_test_response_t *resp = ask(w, e, who, own, NULL);
        check(resp, e, who);
        cc_test_response_free(resp);
        free(own);
    }
}

START_TEST(test_role_matrix)
{
    world_t w;
    world_setup(&w);
    for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++)
        run_endpoint(&w, &endpoints[i]);
    world_free(&w);
}
END_TEST

/* POST /v1/findings: the team's lead and auditor, admins and scheme managers raise; a technical expert or an
 * auditor off the team does not; decision makers and client users never; another tenant's audit is not one.
 */
START_TEST(test_raise_matrix)
{
    world_t w;
    world_setup(&w);
    static const expect_t expect[NCALLERS] = {
        OK201,       OK201,     OK201,     OK201,     NOT_ON_TEAM,
        NOT_ON_TEAM, FORBIDDEN, FORBIDDEN, FORBIDDEN, {400, "validation_failed"},
    };
    for (who_t who = 0; who < NCALLERS; who++) {
        cc_test_response_t *resp = cc_test_raise(w.as[who], w.audit, "minor", CC_TEST_CLAUSE);
        const char *code = resp->json != NULL ? cc_test_json_string(resp->json, "code") : NULL;
        ck_assert_msg(resp->status == expect[who].status &&
                          (expect[who].code == NULL || (code != NULL && strcmp(code, expect[who].code) == 0)),
                      "POST /v1/findings as %s: expected %d, got %d %s", who_names[who], expect[who].status,
                      resp->status, code != NULL ? code : "");
        if (who == OTHER_TENANT)
            cc_test_assert_first_error_field(resp, "audit_id");
        cc_test_response_free(resp);
    }
    world_free(&w);
}
END_TEST

static Suite *findings_roles_suite(void)
{
    Suite *s = suite_create("findings_roles");
    TCase *tc = tcase_create("roles");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_raise_matrix);
    tcase_add_test(tc, test_role_matrix);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(findings_roles_suite());
}
