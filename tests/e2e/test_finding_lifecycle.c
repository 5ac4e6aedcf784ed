/*
 * End-to-end tests of a finding's life through the gateway (DOMAIN.md "Findings"):
 * POST /v1/findings/{id}/responses, /review, /verify and /close. The full loop of a
 * Stage 2 major (respond, reject with a reason, respond again, accept, verify, close)
 * with its rounds, history and events in order; a minor closed with its verification
 * deferred; an observation recorded then closed, refusing a response; every illegal
 * transition answering 409 with the current status; ten concurrent reviews of one
 * response (one applies); the role matrix; bad input naming the field. Findings are
 * raised through POST /v1/findings.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_dates.h"
#include "cc_test_db.h"
#include "cc_test_findings.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    cc_test_team_t t;         /* admin, sm, client1 (t.cb.org), dm; the Stage 2's lead, auditor, technical
                               * expert; an auditor on no team; each logged in */
    cc_test_caller_t client2; /* a client of another organisation */
    json_t *programme;        /* the client's programme */
    const char *stage2;       /* its Stage 2 (borrowed), completed */
    char s2_start[16], target[16], too_late[16], too_early[16];
} fixture_t;

static void fixture_setup(fixture_t *f)
{
    memset(f, 0, sizeof(*f));
    cc_test_team_setup(&f->t);
    cc_test_caller_login(&f->client2, "northcert", "client2");
    int64_t today = cc_test_today_utc();
    char s2_end[16];
    cc_test_format_days(today - 5, f->s2_start);
    cc_test_format_days(today - 3, s2_end);
    cc_test_format_days(today + 30, f->target);
    cc_test_format_days(today - 3 + 91, f->too_late); /* closure_due is the last day + 90 */
    cc_test_format_days(today - 6, f->too_early);     /* before the audit's first day */
    f->programme = cc_test_team_audit(&f->t, "stage2", f->s2_start, s2_end, true, &f->stage2);
}

static void fixture_free(fixture_t *f)
{
    cc_test_team_free(&f->t);
    cc_test_caller_free(&f->client2);
    json_decref(f->programme);
}

/* POST /v1/findings as the Stage 2's lead: a finding of grade against the client's own procedure. */
static char *raise_finding(const fixture_t *f, const char *grade)
{
    char *body =
        cc_test_asprintf("{\"audit_id\":\"%s\",\"grade\":\"%s\",\"client_requirement\":"
                         "\"Documented procedure P-7\",\"statement\":\"Access reviews were not done\","
                         "\"evidence\":\"Interview, ticket log\"}",
                         f->stage2, grade);
    cc_test_response_t *resp = cc_test_call(&f->t.lead, "POST", "/v1/findings", NULL, body);
    cc_test_assert_json(resp, 201);
    char *id = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    free(body);
    return id;
}

/* POST /v1/findings/{id}/{action} as c with body (NULL: none). */
static cc_test_response_t *act(const cc_test_caller_t *c, const char *finding, const char *action,
                               const char *body)
{
    char *path = cc_test_asprintf("/v1/findings/%s/%s", finding, action);
    cc_test_response_t *resp = cc_test_call(c, "POST", path, NULL, body);
    free(path);
    return resp;
}

/* As act: 409 illegal_transition naming the current status. */
static void illegal(const cc_test_caller_t *c, const char *finding, const char *action, const char *body,
                    const char *current)
{
    cc_test_response_t *resp = act(c, finding, action, body);
    cc_test_assert_problem(resp, 409, "illegal_transition");
    const char *got = cc_test_json_string(resp->json, "current_status");
    ck_assert_msg(got != NULL && strcmp(got, current) == 0, "%s from %s: %s", action, current, resp->body);
    cc_test_response_free(resp);
}

/* As act: the problem status/code, naming field first when field is not NULL. */
static void refused_field(const cc_test_caller_t *c, const char *finding, const char *action,
                          const char *body, int status, const char *code, const char *field)
{
    char *tail = cc_test_asprintf("/%s", action);
    cc_test_finding_refused(c, "POST", finding, tail, body, status, code, field);
    free(tail);
}

static void refused(const cc_test_caller_t *c, const char *finding, const char *action, const char *body,
                    int status, const char *code)
{
    refused_field(c, finding, action, body, status, code, NULL);
}

/* As act: 400 validation_failed naming field first. */
static void bad_field(const cc_test_caller_t *c, const char *finding, const char *action, const char *body,
                      const char *field)
{
    refused_field(c, finding, action, body, 400, "validation_failed", field);
}

static const char *str_at(const json_t *array, size_t i, const char *key)
{
    return cc_test_json_string(json_array_get(array, i), key);
}

/* The finding's events in order, "action,action,...". */
static char *events_of(const char *finding)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(db, "BEGIN", 0, NULL);
    cc_test_db_run(db, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0, NULL);
    const char *params[] = {finding};
    char *events =
        cc_test_db_value(db,
                         "SELECT string_agg(action || ':' || actor_role, ',' ORDER BY seq) FROM event_log"
                         " WHERE entity_type = 'finding' AND entity_id = $1::uuid"
                         " AND action <> 'finding.raised'",
                         1, params);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    PQfinish(db);
    return events;
}

/* One history entry's action, from and to. */
static void assert_history(const json_t *history, size_t i, const char *action, const char *from,
                           const char *to)
{
    char *text = json_dumps(json_array_get(history, i), JSON_COMPACT);
    ck_assert_msg(strcmp(str_at(history, i, "action"), action) == 0, "history[%zu]: %s", i, text);
    const char *got_from = str_at(history, i, "from_status");
    ck_assert_msg(from == NULL ? got_from == NULL : (got_from != NULL && strcmp(got_from, from) == 0),
                  "history[%zu] from: %s", i, text);
    ck_assert_msg(strcmp(str_at(history, i, "to_status"), to) == 0, "history[%zu] to: %s", i, text);
    free(text);
}

START_TEST(test_full_loop_of_a_stage2_major)
{
    fixture_t f;
    fixture_setup(&f);
    char *id = raise_finding(&f, "major");
    char *round1 = cc_test_response_body(f.target, "Reviewed access once");
    char *round2 = cc_test_response_body(f.target, "Reviewed every account and removed 12");

    json_t *x = cc_test_finding_must(&f.t.cb.client1, id, "responses", round1, "response_submitted");
    json_t *responses = json_object_get(x, "responses");
    ck_assert_uint_eq(json_array_size(responses), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(responses, 0), "round")), 1);
    ck_assert(json_is_false(json_object_get(json_array_get(responses, 0), "on_behalf")));
    ck_assert_str_eq(str_at(responses, 0, "target_date"), f.target);
    ck_assert(json_is_null(json_object_get(json_array_get(responses, 0), "decision")));
    json_decref(x);

    x = cc_test_finding_must(&f.t.lead, id, "review",
                             "{\"decision\":\"reject\",\"reason\":\"The root cause names no process\"}",
                             "rejected");
    responses = json_object_get(x, "responses");
    ck_assert_str_eq(str_at(responses, 0, "decision"), "rejected");
    ck_assert_str_eq(str_at(responses, 0, "decision_reason"), "The root cause names no process");
    ck_assert_str_eq(str_at(responses, 0, "decided_by"), f.t.lead_a.user_id);
    ck_assert_ptr_nonnull(str_at(responses, 0, "decided_at"));
    json_decref(x);

    x = cc_test_finding_must(&f.t.cb.client1, id, "responses", round2, "response_submitted");
    responses = json_object_get(x, "responses");
    ck_assert_uint_eq(json_array_size(responses), 2);
    ck_assert_str_eq(str_at(responses, 0, "correction"), "Reviewed access once"); /* nothing overwritten */
    ck_assert_str_eq(str_at(responses, 0, "decision"), "rejected");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(responses, 1), "round")), 2);
    ck_assert_str_eq(str_at(responses, 1, "correction"), "Reviewed every account and removed 12");
    json_decref(x);

    x = cc_test_finding_must(&f.t.auditor, id, "review", "{\"decision\":\"accept\"}", "accepted");
    responses = json_object_get(x, "responses");
    ck_assert_str_eq(str_at(responses, 1, "decision"), "accepted");
    ck_assert_str_eq(str_at(responses, 1, "decided_by"), f.t.auditor_a.user_id);
    ck_assert(json_is_null(json_object_get(json_array_get(responses, 1), "decision_reason")));
    json_decref(x);

    x = cc_test_finding_must(&f.t.lead, id, "verify",
                             "{\"method\":\"on_site\",\"notes\":\"Sampled five reviews\"}", "verified");
    ck_assert_str_eq(cc_test_json_string(x, "verification"), "verified");
    ck_assert(json_is_null(json_object_get(x, "closed_at")));
    json_decref(x);

    x = cc_test_finding_must(&f.t.lead, id, "close", NULL, "closed");
    ck_assert_ptr_nonnull(cc_test_json_string(x, "closed_at"));
    ck_assert_str_eq(cc_test_json_string(x, "verification"), "verified");
    ck_assert_int_eq(json_integer_value(json_object_get(x, "version")), 7);
    json_decref(x);

    /* the client reads the whole record: rounds and history in order */
    x = cc_test_get_finding(&f.t.cb.client1, id);
    json_t *history = json_object_get(x, "history");
    ck_assert_uint_eq(json_array_size(history), 7);
    assert_history(history, 0, "raised", NULL, "open");
    assert_history(history, 1, "responded", "open", "response_submitted");
    assert_history(history, 2, "rejected", "response_submitted", "rejected");
    assert_history(history, 3, "responded", "rejected", "response_submitted");
    assert_history(history, 4, "accepted", "response_submitted", "accepted");
    assert_history(history, 5, "verified", "accepted", "verified");
    assert_history(history, 6, "closed", "verified", "closed");
    ck_assert_str_eq(str_at(history, 1, "actor_role"), "client");
    ck_assert_str_eq(str_at(history, 2, "reason"), "The root cause names no process");
    ck_assert_str_eq(str_at(history, 2, "actor_id"), f.t.lead_a.user_id);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(json_array_get(history, 3), "detail"), "round")),
        2);
    json_t *verified = json_object_get(json_array_get(history, 5), "detail");
    ck_assert_str_eq(cc_test_json_string(verified, "method"), "on_site");
    ck_assert_str_eq(cc_test_json_string(verified, "notes"), "Sampled five reviews");
    ck_assert_uint_eq(json_array_size(json_object_get(x, "responses")), 2);
    json_decref(x);

    char *events = events_of(id);
    ck_assert_str_eq(events, "finding.responded:client,finding.rejected:auditor,finding.responded:client,"
                             "finding.accepted:auditor,finding.verified:auditor,finding.closed:auditor");
    free(events);
    free(round1);
    free(round2);
    free(id);
    fixture_free(&f);
}
END_TEST

START_TEST(test_minor_closed_with_deferred_verification)
{
    fixture_t f;
    fixture_setup(&f);
    char *id = raise_finding(&f, "minor");
    char *body = cc_test_response_body(f.target, "Added the missing log retention setting");
    json_t *x = cc_test_finding_must(&f.t.cb.sm, id, "responses", body,
                                     "response_submitted"); /* on the client's behalf */
    ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(x, "responses"), 0), "on_behalf")));
    json_decref(x);
    json_decref(cc_test_finding_must(&f.t.lead, id, "review",
                                     "{\"decision\":\"accept\",\"reason\":\"Plan is sound\"}", "accepted"));
    illegal(&f.t.lead, id, "close", "{}", "accepted"); /* a minor closes from accepted only deferred */
    x = cc_test_finding_must(&f.t.lead, id, "close", "{\"verification\":\"deferred\"}", "closed");
    ck_assert_str_eq(cc_test_json_string(x, "verification"), "deferred");
    ck_assert_ptr_nonnull(cc_test_json_string(x, "closed_at"));
    json_t *history = json_object_get(x, "history");
    size_t last = json_array_size(history) - 1;
    assert_history(history, last, "closed", "accepted", "closed");
    ck_assert_str_eq(
        cc_test_json_string(json_object_get(json_array_get(history, last), "detail"), "verification"),
        "deferred");
    ck_assert_str_eq(str_at(history, 1, "actor_role"), "scheme_manager");
    json_decref(x);
    /* listed for verification at the programme's next audit, and only there */
    char *path =
        cc_test_asprintf("/v1/findings?verify_at_audit=%s", cc_test_audit_of(f.programme, "surveillance"));
    json_t *items = cc_test_list_all(&f.t.cb.sm, path, 50);
    ck_assert_uint_eq(json_array_size(items), 1);
    ck_assert_str_eq(str_at(items, 0, "id"), id);
    ck_assert_str_eq(str_at(items, 0, "verification"), "deferred");
    json_decref(items);
    free(path);
    path = cc_test_asprintf("/v1/findings?verify_at_audit=%s", f.stage2);
    items = cc_test_list_all(&f.t.cb.sm, path, 50);
    ck_assert_uint_eq(json_array_size(items), 0);
    json_decref(items);
    free(path);
    char *events = events_of(id);
    ck_assert_str_eq(events,
                     "finding.responded:scheme_manager,finding.accepted:auditor,finding.closed:auditor");
    free(events);
    free(body);
    free(id);
    fixture_free(&f);
}
END_TEST

START_TEST(test_observation_recorded_then_closed)
{
    fixture_t f;
    fixture_setup(&f);
    char *id = raise_finding(&f, "observation");
    char *body = cc_test_response_body(f.target, "Noted");
    json_t *x = cc_test_get_finding(&f.t.cb.client1, id);
    ck_assert_str_eq(cc_test_json_string(x, "status"), "recorded");
    json_decref(x);
    illegal(&f.t.cb.client1, id, "responses", body, "recorded");
    illegal(&f.t.cb.sm, id, "responses", body, "recorded");
    illegal(&f.t.lead, id, "review", "{\"decision\":\"accept\"}", "recorded");
    illegal(&f.t.lead, id, "verify", "{\"method\":\"document\"}", "recorded");
    illegal(&f.t.lead, id, "close", "{\"verification\":\"deferred\"}", "recorded");
    x = cc_test_finding_must(&f.t.lead, id, "close", "{}", "closed");
    ck_assert(json_is_null(json_object_get(x, "verification")));
    ck_assert_uint_eq(json_array_size(json_object_get(x, "responses")), 0);
    json_decref(x);
    illegal(&f.t.lead, id, "close", NULL, "closed");
    illegal(&f.t.cb.client1, id, "responses", body, "closed");
    free(body);
    free(id);
    fixture_free(&f);
}
END_TEST

enum { RESPOND = 1, ACCEPT = 2, REJECT = 4, VERIFY = 8, CLOSE = 16, DEFER = 32 };

/* Every action but those in `allowed` answers 409 naming `current`, and changes nothing. */
static void illegal_except(const fixture_t *f, const char *id, const char *current, unsigned allowed)
{
    char *body = cc_test_response_body(f->target, "Another try");
    json_t *before = cc_test_get_finding(&f->t.cb.sm, id);
    if (!(allowed & RESPOND))
        illegal(&f->t.cb.client1, id, "responses", body, current);
    if (!(allowed & ACCEPT))
        illegal(&f->t.lead, id, "review", "{\"decision\":\"accept\"}", current);
    if (!(allowed & REJECT))
        illegal(&f->t.lead, id, "review", "{\"decision\":\"reject\",\"reason\":\"No\"}", current);
    if (!(allowed & VERIFY))
        illegal(&f->t.lead, id, "verify", "{\"method\":\"remote\"}", current);
    if (!(allowed & CLOSE))
        illegal(&f->t.lead, id, "close", NULL, current);
    if (!(allowed & DEFER))
        illegal(&f->t.lead, id, "close", "{\"verification\":\"deferred\"}", current);
    json_t *after = cc_test_get_finding(&f->t.cb.sm, id);
    ck_assert_int_eq(json_integer_value(json_object_get(after, "version")),
                     json_integer_value(json_object_get(before, "version")));
    ck_assert_uint_eq(json_array_size(json_object_get(after, "history")),
                      json_array_size(json_object_get(before, "history")));
    json_decref(before);
    json_decref(after);
    free(body);
}

START_TEST(test_every_illegal_transition_answers_409)
{
    fixture_t f;
    fixture_setup(&f);
    char *body = cc_test_response_body(f.target, "Fixed");
    char *major = raise_finding(&f, "major");
    illegal_except(&f, major, "open", RESPOND);
    json_decref(cc_test_finding_must(&f.t.cb.client1, major, "responses", body, "response_submitted"));
    illegal_except(&f, major, "response_submitted", ACCEPT | REJECT);
    json_decref(cc_test_finding_must(&f.t.lead, major, "review",
                                     "{\"decision\":\"reject\",\"reason\":\"Vague\"}", "rejected"));
    illegal_except(&f, major, "rejected", RESPOND);
    json_decref(cc_test_finding_must(&f.t.cb.client1, major, "responses", body, "response_submitted"));
    json_decref(cc_test_finding_must(&f.t.lead, major, "review", "{\"decision\":\"accept\"}", "accepted"));
    illegal_except(&f, major, "accepted", VERIFY); /* a major closes only after verified, never deferred */
    cc_test_response_t *resp = act(&f.t.lead, major, "close", NULL);
    cc_test_assert_problem(resp, 409, "illegal_transition");
    ck_assert_str_eq(cc_test_json_string(resp->json, "detail"), "a major closes only after verified");
    cc_test_response_free(resp);
    json_decref(cc_test_finding_must(&f.t.lead, major, "verify", "{\"method\":\"remote\"}", "verified"));
    illegal_except(&f, major, "verified", CLOSE);
    json_decref(cc_test_finding_must(&f.t.lead, major, "close", NULL, "closed"));
    illegal_except(&f, major, "closed", 0);

    char *minor = raise_finding(&f, "minor");
    json_decref(cc_test_finding_must(&f.t.cb.client1, minor, "responses", body, "response_submitted"));
    json_decref(cc_test_finding_must(&f.t.lead, minor, "review", "{\"decision\":\"accept\"}", "accepted"));
    illegal_except(&f, minor, "accepted", VERIFY | DEFER);
    json_decref(cc_test_finding_must(&f.t.lead, minor, "verify", "{\"method\":\"document\"}", "verified"));
    illegal_except(&f, minor, "verified", CLOSE);
    free(minor);
    free(major);
    free(body);
    fixture_free(&f);
}
END_TEST

#define REVIEWERS 10

typedef struct review_try {
    const cc_test_caller_t *caller;
    const char *finding;
    int status;
    char code[64], current[64];
} review_try_t;

static void *review_once(void *arg)
{
    review_try_t *t = arg;
    cc_test_response_t *resp = act(t->caller, t->finding, "review", "{\"decision\":\"accept\"}");
    t->status = resp->status;
    if (resp->json != NULL) {
        const char *code = cc_test_json_string(resp->json, "code");
        const char *current = cc_test_json_string(resp->json, "current_status");
        snprintf(t->code, sizeof(t->code), "%s", code != NULL ? code : "");
        snprintf(t->current, sizeof(t->current), "%s", current != NULL ? current : "");
    }
    cc_test_response_free(resp);
    return NULL;
}

START_TEST(test_ten_concurrent_reviews_one_applies)
{
    fixture_t f;
    fixture_setup(&f);
    char *id = raise_finding(&f, "major");
    char *body = cc_test_response_body(f.target, "Fixed");
    json_decref(cc_test_finding_must(&f.t.cb.client1, id, "responses", body, "response_submitted"));
    const cc_test_caller_t *callers[] = {&f.t.lead, &f.t.auditor, &f.t.cb.sm, &f.t.cb.admin};
    review_try_t tries[REVIEWERS];
    pthread_t threads[REVIEWERS];
    for (int i = 0; i < REVIEWERS; i++) {
        tries[i] = (review_try_t){callers[i % 4], id, 0, "", ""};
        pthread_create(&threads[i], NULL, review_once, &tries[i]);
    }
    int applied = 0;
    for (int i = 0; i < REVIEWERS; i++) {
        pthread_join(threads[i], NULL);
        if (tries[i].status == 200)
            applied++;
        else
            ck_assert_msg(tries[i].status == 409 && strcmp(tries[i].code, "illegal_transition") == 0 &&
                              strcmp(tries[i].current, "accepted") == 0,
                          "review %d answered %d %s %s", i, tries[i].status, tries[i].code, tries[i].current);
    }
    ck_assert_int_eq(applied, 1);
    json_t *x = cc_test_get_finding(&f.t.cb.sm, id);
    ck_assert_str_eq(cc_test_json_string(x, "status"), "accepted");
    ck_assert_uint_eq(json_array_size(json_object_get(x, "responses")), 1);
    ck_assert_str_eq(str_at(json_object_get(x, "responses"), 0, "decision"), "accepted");
    json_t *history = json_object_get(x, "history");
    ck_assert_uint_eq(json_array_size(history), 3); /* raised, responded, accepted once */
    assert_history(history, 2, "accepted", "response_submitted", "accepted");
    json_decref(x);
    char *events = events_of(id);
    ck_assert_msg(strncmp(events, "finding.responded:client,finding.accepted:", 42) == 0, "%s", events);
    ck_assert_ptr_null(strstr(strstr(events, "finding.accepted") + 1, "finding.accepted"));
    free(events);
    free(body);
    free(id);
    fixture_free(&f);
}
END_TEST

/* The four endpoints, each with a body that would be valid. */
static const struct {
    const char *action, *body;
} endpoints[] = {
    {"responses", NULL}, /* cc_test_response_body() */
    {"review", "{\"decision\":\"accept\"}"},
    {"verify", "{\"method\":\"on_site\"}"},
    {"close", "{}"},
};

/* /responses answers c with respond_status/respond_code, the three others with status/code. */
static void matrix_row(const fixture_t *f, const cc_test_caller_t *c, const char *id, int respond_status,
                       const char *respond_code, int status, const char *code)
{
    char *body = cc_test_response_body(f->target, "Fixed");
    refused(c, id, "responses", body, respond_status, respond_code);
    for (size_t i = 1; i < sizeof(endpoints) / sizeof(endpoints[0]); i++)
        refused(c, id, endpoints[i].action, endpoints[i].body, status, code);
    free(body);
}

START_TEST(test_role_matrix)
{
    fixture_t f;
    fixture_setup(&f);
    char *id = raise_finding(&f, "major");
    char *body = cc_test_response_body(f.target, "Fixed");
    json_decref(cc_test_finding_must(&f.t.cb.client1, id, "responses", body, "response_submitted"));
    json_t *before = cc_test_get_finding(&f.t.cb.sm, id);

    matrix_row(&f, &f.client2, id, 404, "not_found", 403, "forbidden");          /* another organisation's */
    matrix_row(&f, &f.t.cb.other_admin, id, 404, "not_found", 404, "not_found"); /* another tenant's */
    matrix_row(&f, &f.t.dm, id, 403, "forbidden", 403, "forbidden");             /* decision makers read */
    matrix_row(&f, &f.t.outsider, id, 403, "not_on_team", 403, "not_on_team");   /* an auditor off the team */
    matrix_row(&f, &f.t.expert, id, 403, "not_on_team", 403, "not_on_team"); /* a technical expert on it */
    for (size_t i = 1; i < sizeof(endpoints) / sizeof(endpoints[0]); i++)    /* the client only responds */
        refused(&f.t.cb.client1, id, endpoints[i].action, endpoints[i].body, 403, "forbidden");
    char *path = cc_test_asprintf("/v1/findings/%s", id);
    cc_test_response_t *resp = cc_test_call(&f.client2, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    free(path);

    json_t *after = cc_test_get_finding(&f.t.cb.sm, id);
    ck_assert_int_eq(json_integer_value(json_object_get(after, "version")),
                     json_integer_value(json_object_get(before, "version")));
    json_decref(after);
    /* the admin reviews on any audit */
    json_t *x = cc_test_finding_must(&f.t.cb.admin, id, "review", "{\"decision\":\"accept\"}", "accepted");
    json_t *history = json_object_get(x, "history");
    ck_assert_str_eq(str_at(history, json_array_size(history) - 1, "actor_role"), "admin");
    json_decref(x);
    json_decref(before);
    free(body);
    free(id);
    fixture_free(&f);
}
END_TEST

START_TEST(test_bad_input_names_the_field)
{
    fixture_t f;
    fixture_setup(&f);
    char *id = raise_finding(&f, "major");
    json_t *before = cc_test_get_finding(&f.t.cb.sm, id);
    char *late = cc_test_response_body(f.too_late, "Fixed"),
         *early = cc_test_response_body(f.too_early, "Fixed");
    char *no_date = cc_test_response_body("2026-02-30", "Fixed"),
         *blank = cc_test_response_body(f.target, "");
    char *extra = cc_test_asprintf("{\"correction\":\"c\",\"root_cause\":\"r\",\"corrective_action\":\"a\","
                                   "\"responsible\":\"x\",\"target_date\":\"%s\",\"grade\":\"minor\"}",
                                   f.target);
    bad_field(&f.t.cb.client1, id, "responses", late, "target_date");
    bad_field(&f.t.cb.client1, id, "responses", early, "target_date");
    bad_field(&f.t.cb.client1, id, "responses", no_date, "target_date");
    bad_field(&f.t.cb.client1, id, "responses", blank, "correction");
    bad_field(&f.t.cb.client1, id, "responses", extra, "grade");
    bad_field(&f.t.cb.client1, id, "responses", "{\"correction\":\"c\",\"root_cause\":\"r\"}",
              "corrective_action");
    bad_field(&f.t.cb.client1, id, "responses", "{\"correction\":7}", "correction");

    char *ok = cc_test_response_body(f.target, "Fixed");
    json_decref(cc_test_finding_must(&f.t.cb.client1, id, "responses", ok, "response_submitted"));
    bad_field(&f.t.lead, id, "review", "{}", "decision");
    bad_field(&f.t.lead, id, "review", "{\"decision\":\"maybe\"}", "decision");
    bad_field(&f.t.lead, id, "review", "{\"decision\":\"reject\"}", "reason");
    bad_field(&f.t.lead, id, "review", "{\"decision\":\"reject\",\"reason\":\"\"}", "reason");
    bad_field(&f.t.lead, id, "verify", "{}", "method");
    bad_field(&f.t.lead, id, "verify", "{\"method\":\"telepathy\"}", "method");
    bad_field(&f.t.lead, id, "close", "{\"verification\":\"skipped\"}", "verification");
    refused(&f.t.lead, id, "close", "{not json", 400, "malformed_json");
    cc_test_response_t *resp =
        cc_test_call(&f.t.lead, "POST", "/v1/findings/not-a-uuid/review", NULL, "{\"decision\":\"accept\"}");
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "id");
    cc_test_response_free(resp);
    refused(&f.t.lead, "6f1c1f0e-9a55-4d36-9f51-2b8e0c1d2a3b", "review", "{\"decision\":\"accept\"}", 404,
            "not_found");

    /* nothing half-done: one round, undecided, and the finding moved once */
    json_t *after = cc_test_get_finding(&f.t.cb.sm, id);
    ck_assert_int_eq(json_integer_value(json_object_get(after, "version")),
                     json_integer_value(json_object_get(before, "version")) + 1);
    ck_assert_uint_eq(json_array_size(json_object_get(after, "responses")), 1);
    ck_assert(
        json_is_null(json_object_get(json_array_get(json_object_get(after, "responses"), 0), "decision")));
    json_decref(after);
    json_decref(before);
    free(late);
    free(early);
    free(no_date);
    free(blank);
    free(extra);
    free(ok);
    free(id);
    fixture_free(&f);
}
END_TEST

START_TEST(test_idempotent_response)
{
    fixture_t f;
    fixture_setup(&f);
    char *id = raise_finding(&f, "minor");
    char *body = cc_test_response_body(f.target, "Fixed"),
         *path = cc_test_asprintf("/v1/findings/%s/responses", id);
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *key = cc_test_asprintf("Idempotency-Key: respond-%s", suffix);
    cc_test_response_t *first = cc_test_call(&f.t.cb.client1, "POST", path, key, body);
    cc_test_response_t *again = cc_test_call(&f.t.cb.client1, "POST", path, key, body);
    cc_test_assert_json(first, 200);
    cc_test_assert_json(again, 200);
    ck_assert_str_eq(first->body, again->body);
    json_t *x = cc_test_get_finding(&f.t.cb.sm, id);
    ck_assert_uint_eq(json_array_size(json_object_get(x, "responses")), 1);
    json_decref(x);
    cc_test_response_free(first);
    cc_test_response_free(again);
    free(key);
    free(path);
    free(body);
    free(id);
    fixture_free(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("finding_lifecycle");
    TCase *tc = tcase_create("lifecycle");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_full_loop_of_a_stage2_major);
    tcase_add_test(tc, test_minor_closed_with_deferred_verification);
    tcase_add_test(tc, test_observation_recorded_then_closed);
    tcase_add_test(tc, test_every_illegal_transition_answers_409);
    tcase_add_test(tc, test_ten_concurrent_reviews_one_applies);
    tcase_add_test(tc, test_role_matrix);
    tcase_add_test(tc, test_bad_input_names_the_field);
    tcase_add_test(tc, test_idempotent_response);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
