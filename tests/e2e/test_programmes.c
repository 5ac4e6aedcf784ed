/*
 * End-to-end tests of certification programmes through the gateway
 * (CC_TEST_GATEWAY_URL): creation (201, Location, ETag, the Programme and
 * Audit shapes, the provisional windows computed from today in UTC, planned
 * days taken from the audit-time calculation), reading back, listing by
 * client with cursor pagination, the role matrix (staff read, only admin and
 * scheme_manager write, a client user sees only its own organisation's
 * programmes), cross-tenant 404s, field errors (unknown standard, closed
 * 2013 edition, another client's site, ...), client_incomplete and
 * Idempotency-Key. Every programme gets a scope with a random suffix so the
 * tests repeat on one database.
 *
 * client_incomplete cannot be reached through the API (POST and PATCH
 * /v1/clients require address and personnel), so that one test clears them
 * directly in the database as superuser (CC_TEST_PG_SUPERUSER_URL, set by
 * deploy/test) on an organisation it created, then asks the gateway.
 */
#include "cc_mem.h"
#include "cc_test_db.h"
#include "cc_test_main.h"
#include "cc_test_dates.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"

#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NO_SUCH_ID "00000000-0000-4000-8000-000000000000"
#define ISO27001_2022 "ISO/IEC 27001:2022"
#define ISO27001_2013 "ISO/IEC 27001:2013"
#define ISO9001 "ISO 9001:2015"

/* ---- calendar arithmetic (civil dates as days since 1970-01-01) ---- */

/* Parses member key of obj as exactly YYYY-MM-DD into days; fails the test otherwise. */
static int64_t date_member(const json_t *obj, const char *key)
{
    const char *s = cc_test_json_string(obj, key);
    cc_test_ymd_t c = {0, 0, 0};
    char tail = '\0';
    bool ok = s != NULL && strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
              sscanf(s, "%4d-%2d-%2d%c", &c.y, &c.m, &c.d, &tail) == 3 && c.m >= 1 && c.m <= 12 && c.d >= 1 &&
              c.d <= cc_test_days_in_month(c.y, c.m);
    if (!ok) {
        char *text = json_dumps(obj, JSON_COMPACT);
        ck_abort_msg("%s is not a date: %s", key, text);
        free(text); /* not reached */
    }
    return cc_test_days_from_civil(c);
}

/* ---- callers and requests ---- */

static char *programme_path(const char *id)
{
    return cc_test_asprintf("/v1/programmes/%s", id);
}

static const char *first_error_member(const cc_test_response_t *resp, const char *member)
{
    return cc_test_json_string(json_array_get(json_object_get(resp->json, "errors"), 0), member);
}

/* Fails unless resp is a 400 validation_failed whose first error names field (and code, when given). */
static void assert_field_error(const cc_test_response_t *resp, const char *field, const char *code)
{
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, field);
    if (code != NULL) {
        const char *got = first_error_member(resp, "code");
        ck_assert_msg(got != NULL && strcmp(got, code) == 0, "errors[0].code is %s, want %s: %s", got, code,
                      resp->body);
    }
}

/* As assert_field_error, but errors[0].field need only start with prefix (an unspecified index). */
static void assert_field_prefix(const cc_test_response_t *resp, const char *prefix)
{
    cc_test_assert_problem(resp, 400, "validation_failed");
    const char *field = first_error_member(resp, "field");
    ck_assert_msg(field != NULL && strncmp(field, prefix, strlen(prefix)) == 0,
                  "errors[0].field is %s, want %s...: %s", field, prefix, resp->body);
}

/* The item of items whose id is id, or NULL. Borrowed. */
static json_t *find_item(const json_t *items, const char *id)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        const char *iid = cc_test_json_string(item, "id");
        if (iid != NULL && strcmp(iid, id) == 0)
            return item;
    }
    return NULL;
}

/* The client_id of c from its own GET /v1/me; caller frees. */
static char *own_client_id(const cc_test_caller_t *c)
{
    cc_test_response_t *me = cc_test_call(c, "GET", "/v1/me", NULL, NULL);
    cc_test_assert_json(me, 200);
    const char *cid = cc_test_json_string(me->json, "client_id");
    ck_assert_msg(cc_test_is_uuid(cid), "a client user without a client_id: %s", me->body);
    char *copy = cc_strdup(cid);
    cc_test_response_free(me);
    return copy;
}

/* The ids of client_id's sites, read as c, as a JSON array of strings (caller decrefs). */
static json_t *site_ids_of(const cc_test_caller_t *c, const char *client_id)
{
    char *path = cc_test_asprintf("/v1/clients/%s/sites", client_id);
    json_t *sites = cc_test_list_all(c, path, 100), *ids = json_array(), *s;
    size_t i;
    json_array_foreach(sites, i, s) json_array_append_new(ids, json_string(cc_test_json_string(s, "id")));
    json_decref(sites);
    free(path);
    return ids;
}

/* "<label> <16 random hex>", caller frees: a scope unique to this run. */
static char *unique_scope(const char *label)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    return cc_test_asprintf("%s %s", label, suffix);
}

/* A ProgrammeCreate for one standard; site_ids is borrowed (NULL: omitted). */
static json_t *programme_body(const char *client_id, const char *standard, const char *scope,
                              const json_t *site_ids, bool pre_assessment)
{
    json_t *body = json_pack("{s:s, s:[s], s:s, s:b}", "client_id", client_id, "standards", standard, "scope",
                             scope, "pre_assessment", pre_assessment);
    ck_assert_ptr_nonnull(body);
    if (site_ids != NULL)
        json_object_set_new(body, "site_ids", json_deep_copy(site_ids));
    return body;
}

/* ---- the Programme and its audits ---- */

static bool is_timestamp(const json_t *v)
{
    const char *s = json_string_value(v);
    return s != NULL && strlen(s) >= 20 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't');
}

static double number_at(const json_t *root, const char *a, const char *b, const char *text)
{
    json_t *v = json_object_get(json_object_get(root, a), b);
    ck_assert_msg(json_is_number(v), "audit_time.%s.%s is not a number: %s", a, b, text);
    return json_number_value(v);
}

static int type_rank(const char *type)
{
    static const char *const order[] = {"pre_assessment", "stage1", "stage2", "surveillance",
                                        "recertification"};
    for (int i = 0; type != NULL && i < 5; i++)
        if (strcmp(type, order[i]) == 0)
            return i;
    return -1;
}

static bool is_warning_code(const char *code)
{
    static const char *const codes[] = {"window_closing", "window_missed", "year_without_surveillance",
                                        "stage1_stale", "multiple_pre_assessments"};
    for (size_t i = 0; code != NULL && i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(code, codes[i]) == 0)
            return true;
    return false;
}

/* What a created programme must echo. */
typedef struct expect {
    const char *client_id;
    const char *standard; /* the single standard requested */
    const char *scope;
    const json_t *site_ids; /* NULL: [] (the default) */
    bool pre_assessment;
} expect_t;

static void fail_window(const char *what, int64_t got, int64_t want, const char *text)
{
    char g[16], w[16];
    cc_test_format_days(got, g);
    cc_test_format_days(want, w);
    ck_abort_msg("%s is %s, want %s: %s", what, g, w, text);
}

/*
 * Asserts the Programme shape, the echoed request, and the provisional
 * windows and planned days of a programme created on today_lo or today_hi
 * (today in UTC before and after the request, which differ only across
 * midnight).
 */
static void assert_programme(const json_t *p, const expect_t *e, int64_t today_lo, int64_t today_hi)
{
    char *text = json_dumps(p, JSON_COMPACT);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(p, "id")), "programme id: %s", text);
    const char *cid = cc_test_json_string(p, "client_id");
    ck_assert_msg(cid != NULL && strcmp(cid, e->client_id) == 0, "client_id, want %s: %s", e->client_id,
                  text);
    json_t *want_standards = json_pack("[s]", e->standard);
    ck_assert_msg(json_equal(json_object_get(p, "standards"), want_standards), "standards: %s", text);
    json_decref(want_standards);
    const char *scope = cc_test_json_string(p, "scope");
    ck_assert_msg(scope != NULL && strcmp(scope, e->scope) == 0, "scope: %s", text);
    json_t *empty = json_array();
    json_t *site_ids = json_object_get(p, "site_ids");
    ck_assert_msg(json_is_array(site_ids) && json_equal(site_ids, e->site_ids != NULL ? e->site_ids : empty),
                  "site_ids: %s", text);
    ck_assert_msg(json_equal(json_object_get(p, "sector_codes"), empty), "sector_codes default []: %s", text);
    json_decref(empty);
    ck_assert_msg(json_is_boolean(json_object_get(p, "pre_assessment")) &&
                      json_is_true(json_object_get(p, "pre_assessment")) == e->pre_assessment,
                  "pre_assessment: %s", text);
    ck_assert_msg(json_integer_value(json_object_get(p, "cycle")) == 1 &&
                      json_is_integer(json_object_get(p, "cycle")),
                  "cycle 1: %s", text);
    json_t *decision = json_object_get(p, "decision_date");
    ck_assert_msg(decision != NULL && json_is_null(decision), "decision_date null: %s", text);
    ck_assert_msg(json_is_true(json_object_get(p, "provisional")), "provisional true: %s", text);
    int64_t expiry = date_member(p, "expiry_date");
    ck_assert_msg(json_is_integer(json_object_get(p, "version")) &&
                      json_integer_value(json_object_get(p, "version")) == 1,
                  "version 1: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(p, "created_at")), "created_at: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(p, "updated_at")), "updated_at: %s", text);

    /* The audit-time calculation the planned days come from. */
    json_t *at = json_object_get(p, "audit_time");
    ck_assert_msg(json_is_object(at), "audit_time: %s", text);
    double initial = number_at(at, "initial", "days", text);
    double stage1_days = number_at(at, "initial", "stage1_days", text);
    double stage2_days = number_at(at, "initial", "stage2_days", text);
    double surveillance_days = number_at(at, "surveillance", "days", text);
    double recertification_days = number_at(at, "recertification", "days", text);
    ck_assert_msg(initial > 0 && fabs(stage1_days + stage2_days - initial) < 1e-9,
                  "audit_time initial days do not add up: %s", text);

    /* Warnings: an array of well-formed Warning objects. */
    json_t *warnings = json_object_get(p, "warnings"), *w;
    ck_assert_msg(json_is_array(warnings), "warnings is not an array: %s", text);
    size_t i;
    json_array_foreach(warnings, i, w)
    {
        ck_assert_msg(is_warning_code(cc_test_json_string(w, "code")), "warning %zu code: %s", i, text);
        json_t *aid = json_object_get(w, "audit_id"), *year = json_object_get(w, "year"),
               *date = json_object_get(w, "date");
        ck_assert_msg(aid != NULL && (json_is_null(aid) || cc_test_is_uuid(json_string_value(aid))),
                      "warning %zu audit_id: %s", i, text);
        ck_assert_msg(year != NULL && (json_is_null(year) || json_is_integer(year)), "warning %zu year: %s",
                      i, text);
        ck_assert_msg(date != NULL && (json_is_null(date) || json_is_string(date)), "warning %zu date: %s", i,
                      text);
    }

    /* The audits, in order. */
    json_t *audits = json_object_get(p, "audits"), *a;
    ck_assert_msg(json_is_array(audits), "audits: %s", text);
    json_t *ids = json_object();
    int last_rank = -1, counts[5] = {0, 0, 0, 0, 0};
    const json_t *by_type[5] = {NULL, NULL, NULL, NULL, NULL}; /* the first of each type */
    json_array_foreach(audits, i, a)
    {
        const char *id = cc_test_json_string(a, "id");
        ck_assert_msg(cc_test_is_uuid(id), "audit %zu id: %s", i, text);
        ck_assert_msg(json_object_get(ids, id) == NULL, "audit id %s repeated: %s", id, text);
        json_object_set_new(ids, id, json_true());
        const char *type = cc_test_json_string(a, "type");
        int rank = type_rank(type);
        ck_assert_msg(rank >= 0, "audit %zu type %s: %s", i, type, text);
        ck_assert_msg(rank >= last_rank, "audit %zu (%s) out of order: %s", i, type, text);
        last_rank = rank;
        counts[rank]++;
        if (by_type[rank] == NULL)
            by_type[rank] = a;
        json_t *seq = json_object_get(a, "sequence");
        json_int_t want_seq = rank == 3 ? counts[3] : 1;
        ck_assert_msg(json_is_integer(seq) && json_integer_value(seq) == want_seq,
                      "audit %zu (%s) sequence, want %lld: %s", i, type, (long long)want_seq, text);
        int64_t ws = date_member(a, "window_start"), we = date_member(a, "window_end");
        ck_assert_msg(ws <= we, "audit %zu (%s) window_start after window_end: %s", i, type, text);
        ck_assert_msg(json_is_boolean(json_object_get(a, "provisional")), "audit %zu provisional: %s", i,
                      text);
        const char *status = cc_test_json_string(a, "status");
        ck_assert_msg(status != NULL && strcmp(status, "planned") == 0, "audit %zu status: %s", i, text);
        json_t *sd = json_object_get(a, "start_date"), *ed = json_object_get(a, "end_date");
        ck_assert_msg(sd != NULL && json_is_null(sd) && ed != NULL && json_is_null(ed),
                      "audit %zu start_date/end_date not null: %s", i, text);
        json_t *pd = json_object_get(a, "planned_days");
        ck_assert_msg(json_is_number(pd), "audit %zu planned_days: %s", i, text);
        double want_days = rank == 0   ? stage1_days
                           : rank == 1 ? stage1_days
                           : rank == 2 ? stage2_days
                           : rank == 3 ? surveillance_days
                                       : recertification_days;
        ck_assert_msg(fabs(json_number_value(pd) - want_days) < 1e-9,
                      "audit %zu (%s) planned_days, want %g: %s", i, type, want_days, text);
        /* Without a decision, windows derived from it are estimates. */
        if (rank >= 3)
            ck_assert_msg(json_is_true(json_object_get(a, "provisional")),
                          "audit %zu (%s) not provisional: %s", i, type, text);
    }
    json_decref(ids);
    ck_assert_msg(counts[0] == (e->pre_assessment ? 1 : 0), "%d pre-assessments: %s", counts[0], text);
    ck_assert_msg(counts[1] == 1 && counts[2] == 1 && counts[4] == 1, "stage1/stage2/recertification: %s",
                  text);
    ck_assert_msg(counts[3] >= 2, "%d surveillances, want at least 2: %s", counts[3], text);
    double initial_planned = json_number_value(json_object_get(by_type[1], "planned_days")) +
                             json_number_value(json_object_get(by_type[2], "planned_days"));
    ck_assert_msg(fabs(initial_planned - initial) < 1e-9, "stage1 + stage2 planned_days != initial.days: %s",
                  text);

    /* Windows: stage1 fixes which day "today" was. */
    int64_t today = date_member(by_type[1], "window_start");
    ck_assert_msg(today == today_lo || today == today_hi, "stage1 window_start is not today (UTC): %s", text);
    if (date_member(by_type[1], "window_end") != cc_test_add_months(today, 3))
        fail_window("stage1 window_end", date_member(by_type[1], "window_end"), cc_test_add_months(today, 3),
                    text);
    if (by_type[0] != NULL) {
        if (date_member(by_type[0], "window_start") != today)
            fail_window("pre_assessment window_start", date_member(by_type[0], "window_start"), today, text);
        if (date_member(by_type[0], "window_end") != cc_test_add_months(today, 2))
            fail_window("pre_assessment window_end", date_member(by_type[0], "window_end"),
                        cc_test_add_months(today, 2), text);
    }
    int64_t stage2_end = date_member(by_type[2], "window_end");
    if (date_member(by_type[2], "window_start") != cc_test_add_months(today, 1))
        fail_window("stage2 window_start", date_member(by_type[2], "window_start"),
                    cc_test_add_months(today, 1), text);
    if (stage2_end != cc_test_add_months(today, 6))
        fail_window("stage2 window_end", stage2_end, cc_test_add_months(today, 6), text);

    /* The provisional decision and what derives from it. */
    int64_t decision_days = stage2_end + 30;
    int64_t surveillance1_end = date_member(by_type[3], "window_end");
    if (surveillance1_end > cc_test_add_months(decision_days, 12))
        fail_window("surveillance 1 window_end (at most)", surveillance1_end,
                    cc_test_add_months(decision_days, 12), text);
    ck_assert_msg(date_member(by_type[3], "window_start") > decision_days,
                  "surveillance 1 opens before the provisional decision: %s", text);
    int64_t recert_end = date_member(by_type[4], "window_end");
    ck_assert_msg(recert_end < expiry, "recertification window_end is not before expiry_date: %s", text);
    /* expiry = decision + 3 years - 1 day; for a 29 February decision the anniversary may be 1 March. */
    int64_t want_expiry = cc_test_add_months(decision_days, 36) - 1;
    cc_test_ymd_t dc = cc_test_civil_from_days(decision_days);
    bool feb29 = dc.m == 2 && dc.d == 29;
    if (expiry != want_expiry && !(feb29 && expiry == want_expiry + 1))
        fail_window("expiry_date", expiry, want_expiry, text);
    free(text);
}

/* Fails unless a and b are the same programme (every member but the live warnings equal). */
static void assert_same_programme(const json_t *a, const json_t *b)
{
    json_t *ac = json_deep_copy(a), *bc = json_deep_copy(b);
    json_object_del(ac, "warnings");
    json_object_del(bc, "warnings");
    if (!json_equal(ac, bc)) {
        char *at = json_dumps(a, JSON_COMPACT), *bt = json_dumps(b, JSON_COMPACT);
        ck_abort_msg("programmes differ:\n%s\n%s", at, bt);
        free(at); /* not reached */
        free(bt);
    }
    json_decref(ac);
    json_decref(bc);
}

/*
 * POSTs body as c (with an optional extra header line), asserts 201, Location,
 * ETag "1" and the Programme of e. Returns the response (caller frees).
 */
static cc_test_response_t *create_programme(const cc_test_caller_t *c, const json_t *body, const expect_t *e,
                                            const char *extra)
{
    int64_t lo = cc_test_today_utc();
    cc_test_response_t *resp = cc_test_call_json(c, "POST", "/v1/programmes", extra, body);
    int64_t hi = cc_test_today_utc();
    cc_test_assert_json(resp, 201);
    assert_programme(resp->json, e, lo, hi);
    cc_test_assert_etag(resp, 1);
    char *path = programme_path(cc_test_json_string(resp->json, "id"));
    cc_test_assert_location(resp, path);
    free(path);
    return resp;
}

/* As create_programme for a plain ISO 9001 programme without sites or pre-assessment; caller frees the id. */
static char *create_simple(const cc_test_caller_t *c, const char *client_id, const char *label)
{
    char *scope = unique_scope(label);
    json_t *body = programme_body(client_id, ISO9001, scope, NULL, false);
    expect_t e = {client_id, ISO9001, scope, NULL, false};
    cc_test_response_t *resp = create_programme(c, body, &e, NULL);
    char *id = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    json_decref(body);
    free(scope);
    return id;
}

/* ---- create, read, list ---- */

START_TEST(test_create_get_list)
{
    cc_test_caller_t sm, client1;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    cc_test_caller_login(&client1, "northcert", "client1");
    char *org = own_client_id(&client1);
    json_t *sites = site_ids_of(&sm, org);
    ck_assert_msg(json_array_size(sites) >= 1, "the first demo organisation has no sites");

    char *scope = unique_scope("Design, development and hosting of payroll software");
    json_t *body = programme_body(org, ISO27001_2022, scope, sites, true);
    expect_t e = {org, ISO27001_2022, scope, sites, true};
    cc_test_response_t *created = create_programme(&sm, body, &e, NULL);
    const char *id = cc_test_json_string(created->json, "id");
    json_t *first = json_array_get(json_object_get(created->json, "audits"), 0);
    ck_assert_str_eq(cc_test_json_string(first, "type"), "pre_assessment");

    /* Read back: the same programme with the same audits. */
    char *path = programme_path(id);
    cc_test_response_t *got = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(got, 200);
    cc_test_assert_etag(got, 1);
    ck_assert_str_eq(cc_test_json_string(got->json, "id"), id);
    ck_assert_msg(json_equal(json_object_get(got->json, "audits"), json_object_get(created->json, "audits")),
                  "GET audits differ from the POST answer: %s / %s", got->body, created->body);
    assert_same_programme(got->json, created->json);
    ck_assert_msg(json_is_array(json_object_get(got->json, "warnings")), "GET warnings: %s", got->body);

    /* A second programme with the defaults: no pre-assessment, no sites, no sector codes. */
    char *scope2 = unique_scope("Quality management of contract manufacturing");
    json_t *body2 = json_pack("{s:s, s:[s], s:s}", "client_id", org, "standards", ISO9001, "scope", scope2);
    expect_t e2 = {org, ISO9001, scope2, NULL, false};
    cc_test_response_t *created2 = create_programme(&sm, body2, &e2, NULL);
    const char *id2 = cc_test_json_string(created2->json, "id");
    ck_assert_str_ne(id2, id);
    ck_assert_str_eq(
        cc_test_json_string(json_array_get(json_object_get(created2->json, "audits"), 0), "type"), "stage1");

    /* Listed by client, one per page until next_cursor is null. */
    char *by_client = cc_test_asprintf("/v1/programmes?client_id=%s", org);
    json_t *items = cc_test_list_all(&sm, by_client, 1);
    ck_assert_uint_ge(json_array_size(items), 2);
    json_t *listed = find_item(items, id);
    ck_assert_msg(listed != NULL, "programme %s is not listed for its client", id);
    assert_same_programme(listed, got->json);
    listed = find_item(items, id2);
    ck_assert_msg(listed != NULL, "programme %s is not listed for its client", id2);
    assert_same_programme(listed, created2->json);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        ck_assert_str_eq(cc_test_json_string(item, "client_id"), org);
        ck_assert_msg(json_is_array(json_object_get(item, "audits")), "a listed programme without audits");
    }
    size_t n = json_array_size(items);
    json_decref(items);

    /* A larger page gives the same set; the unfiltered list holds both too. */
    items = cc_test_list_all(&sm, by_client, 100);
    ck_assert_uint_eq(json_array_size(items), n);
    json_decref(items);
    items = cc_test_list_all(&sm, "/v1/programmes", 100);
    ck_assert_msg(find_item(items, id) != NULL && find_item(items, id2) != NULL,
                  "not listed without client_id");
    json_decref(items);

    /* Another client's list does not hold them. */
    cc_test_caller_t client2;
    cc_test_caller_login(&client2, "northcert", "client2");
    char *other = own_client_id(&client2);
    char *by_other = cc_test_asprintf("/v1/programmes?client_id=%s", other);
    items = cc_test_list_all(&sm, by_other, 100);
    ck_assert_msg(find_item(items, id) == NULL && find_item(items, id2) == NULL,
                  "listed under another client");
    json_array_foreach(items, i, item) ck_assert_str_eq(cc_test_json_string(item, "client_id"), other);
    json_decref(items);

    free(by_other);
    free(other);
    cc_test_caller_free(&client2);
    free(by_client);
    cc_test_response_free(created2);
    json_decref(body2);
    free(scope2);
    cc_test_response_free(got);
    free(path);
    cc_test_response_free(created);
    json_decref(body);
    free(scope);
    json_decref(sites);
    free(org);
    cc_test_caller_free(&client1);
    cc_test_caller_free(&sm);
}
END_TEST

START_TEST(test_anonymous_unauthorized)
{
    cc_test_response_t *resp = cc_test_call(NULL, "GET", "/v1/programmes", NULL, NULL);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    char *path = programme_path(NO_SUCH_ID);
    resp = cc_test_call(NULL, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    free(path);
    json_t *body = programme_body(NO_SUCH_ID, ISO9001, "Anonymous", NULL, false);
    resp = cc_test_call_json(NULL, "POST", "/v1/programmes", NULL, body);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    json_decref(body);
}
END_TEST

/* ---- roles ---- */

START_TEST(test_staff_roles)
{
    cc_test_caller_t sm, client1;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    cc_test_caller_login(&client1, "northcert", "client1");
    char *org = own_client_id(&client1);
    char *id = create_simple(&sm, org, "Staff roles");
    char *path = programme_path(id);
    char *by_client = cc_test_asprintf("/v1/programmes?client_id=%s", org);

    const char *readers[] = {"auditor1", "auditor2", "decision_maker"};
    for (size_t r = 0; r < sizeof(readers) / sizeof(readers[0]); r++) {
        cc_test_caller_t c;
        cc_test_caller_login(&c, "northcert", readers[r]);
        cc_test_response_t *resp = cc_test_call(&c, "GET", path, NULL, NULL);
        cc_test_assert_json(resp, 200);
        ck_assert_str_eq(cc_test_json_string(resp->json, "id"), id);
        cc_test_assert_etag(resp, 1);
        cc_test_response_free(resp);
        json_t *items = cc_test_list_all(&c, by_client, 100);
        ck_assert_msg(find_item(items, id) != NULL, "%s does not list programme %s", readers[r], id);
        json_decref(items);

        char *scope = unique_scope("Forbidden");
        json_t *body = programme_body(org, ISO9001, scope, NULL, false);
        resp = cc_test_call_json(&c, "POST", "/v1/programmes", NULL, body);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        json_decref(body);
        free(scope);
        cc_test_caller_free(&c);
    }

    /* admin writes too. */
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, "northcert", "admin");
    char *by_admin = create_simple(&admin, org, "Admin writes");
    free(by_admin);
    cc_test_caller_free(&admin);

    free(by_client);
    free(path);
    free(id);
    free(org);
    cc_test_caller_free(&client1);
    cc_test_caller_free(&sm);
}
END_TEST

START_TEST(test_client_user_sees_only_its_organisation)
{
    cc_test_caller_t sm, client1, client2;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    cc_test_caller_login(&client1, "northcert", "client1");
    cc_test_caller_login(&client2, "northcert", "client2");
    char *own = own_client_id(&client1);
    char *other = own_client_id(&client2);
    ck_assert_str_ne(own, other);
    char *mine = create_simple(&sm, own, "Client own");
    char *theirs = create_simple(&sm, other, "Client other");
    char *mine_path = programme_path(mine), *theirs_path = programme_path(theirs);

    /* Its own organisation's programme. */
    cc_test_response_t *resp = cc_test_call(&client1, "GET", mine_path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_str_eq(cc_test_json_string(resp->json, "id"), mine);
    ck_assert_str_eq(cc_test_json_string(resp->json, "client_id"), own);
    cc_test_response_free(resp);

    /* Any other programme does not exist for it (and vice versa). */
    const char *hidden[] = {theirs_path, "/v1/programmes/" NO_SUCH_ID};
    for (size_t h = 0; h < sizeof(hidden) / sizeof(hidden[0]); h++) {
        resp = cc_test_call(&client1, "GET", hidden[h], NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        cc_test_response_free(resp);
    }
    resp = cc_test_call(&client2, "GET", mine_path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&client2, "GET", theirs_path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);

    /* Its list holds only its own organisation's programmes. */
    json_t *items = cc_test_list_all(&client1, "/v1/programmes", 1), *item;
    ck_assert_msg(find_item(items, mine) != NULL, "client1 does not list its own programme %s", mine);
    ck_assert_msg(find_item(items, theirs) == NULL, "client1 lists another organisation's programme");
    size_t i;
    json_array_foreach(items, i, item) ck_assert_str_eq(cc_test_json_string(item, "client_id"), own);
    json_decref(items);
    items = cc_test_list_all(&client2, "/v1/programmes", 100);
    ck_assert_msg(find_item(items, theirs) != NULL && find_item(items, mine) == NULL, "client2's list");
    json_array_foreach(items, i, item) ck_assert_str_eq(cc_test_json_string(item, "client_id"), other);
    json_decref(items);

    /* Asking for the other organisation by client_id shows nothing of it. */
    char *by_other = cc_test_asprintf("/v1/programmes?client_id=%s", other);
    resp = cc_test_call(&client1, "GET", by_other, NULL, NULL);
    /* The contract: a client user's list holds only its own organisation's, whatever client_id says. */
    cc_test_assert_json(resp, 200);
    json_t *page = json_object_get(resp->json, "items");
    ck_assert_msg(json_is_array(page) && json_array_size(page) == 0, "client1 sees client2's programmes: %s",
                  resp->body);
    cc_test_response_free(resp);
    free(by_other);

    /* A client user writes nothing, not even for its own organisation. */
    char *scope = unique_scope("Client write");
    json_t *body = programme_body(own, ISO9001, scope, NULL, false);
    resp = cc_test_call_json(&client1, "POST", "/v1/programmes", NULL, body);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    json_decref(body);
    free(scope);

    free(theirs_path);
    free(mine_path);
    free(theirs);
    free(mine);
    free(other);
    free(own);
    cc_test_caller_free(&client2);
    cc_test_caller_free(&client1);
    cc_test_caller_free(&sm);
}
END_TEST

/* ---- tenants ---- */

START_TEST(test_cross_tenant)
{
    cc_test_caller_t north, client1, south_admin, south_sm, south_client1;
    cc_test_caller_login(&north, "northcert", "scheme_manager");
    cc_test_caller_login(&client1, "northcert", "client1");
    cc_test_caller_login(&south_admin, "southcert", "admin");
    cc_test_caller_login(&south_sm, "southcert", "scheme_manager");
    cc_test_caller_login(&south_client1, "southcert", "client1");
    char *north_org = own_client_id(&client1);
    char *south_org = own_client_id(&south_client1);
    json_t *north_sites = site_ids_of(&north, north_org);
    ck_assert_uint_ge(json_array_size(north_sites), 1);
    char *id = create_simple(&north, north_org, "North only");
    char *path = programme_path(id);

    /* Another tenant's programme does not exist. */
    const cc_test_caller_t *southern[] = {&south_admin, &south_sm};
    for (size_t s = 0; s < 2; s++) {
        cc_test_response_t *resp = cc_test_call(southern[s], "GET", path, NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        cc_test_response_free(resp);
        json_t *items = cc_test_list_all(southern[s], "/v1/programmes", 100);
        ck_assert_msg(find_item(items, id) == NULL, "a northcert programme is listed to southcert");
        json_decref(items);
    }

    /* Nor is another tenant's client, or its site. */
    char *scope = unique_scope("Cross tenant");
    json_t *body = programme_body(north_org, ISO9001, scope, NULL, false);
    cc_test_response_t *resp = cc_test_call_json(&south_sm, "POST", "/v1/programmes", NULL, body);
    assert_field_error(resp, "client_id", "unknown_client");
    cc_test_response_free(resp);
    json_decref(body);
    body = programme_body(south_org, ISO9001, scope, NULL, false);
    json_object_set_new(body, "site_ids", json_pack("[O]", json_array_get(north_sites, 0)));
    resp = cc_test_call_json(&south_sm, "POST", "/v1/programmes", NULL, body);
    assert_field_error(resp, "site_ids[0]", "unknown_site");
    cc_test_response_free(resp);
    json_decref(body);

    /* Listing by the other tenant's client shows nothing of it. */
    char *by_north = cc_test_asprintf("/v1/programmes?client_id=%s", north_org);
    resp = cc_test_call(&south_sm, "GET", by_north, NULL, NULL);
    /* The contract: client_id keeps only that organisation's programmes; another tenant's has none here. */
    cc_test_assert_json(resp, 200);
    json_t *page = json_object_get(resp->json, "items");
    ck_assert_msg(json_is_array(page) && json_array_size(page) == 0, "southcert sees northcert's: %s",
                  resp->body);
    cc_test_response_free(resp);
    free(by_north);

    /* Nothing was created from southcert's requests. */
    json_t *items = cc_test_list_all(&south_sm, "/v1/programmes", 100), *item;
    size_t i;
    json_array_foreach(items, i, item)
    {
        const char *s = cc_test_json_string(item, "scope");
        ck_assert_msg(s == NULL || strcmp(s, scope) != 0, "a refused programme was created");
    }
    json_decref(items);

    free(scope);
    free(path);
    free(id);
    json_decref(north_sites);
    free(south_org);
    free(north_org);
    cc_test_caller_free(&south_client1);
    cc_test_caller_free(&south_sm);
    cc_test_caller_free(&south_admin);
    cc_test_caller_free(&client1);
    cc_test_caller_free(&north);
}
END_TEST

/* ---- field errors ---- */

START_TEST(test_create_field_errors)
{
    cc_test_caller_t sm, client1, client2;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    cc_test_caller_login(&client1, "northcert", "client1");
    cc_test_caller_login(&client2, "northcert", "client2");
    char *org = own_client_id(&client1);
    char *other = own_client_id(&client2);
    json_t *own_sites = site_ids_of(&sm, org), *other_sites = site_ids_of(&sm, other);
    ck_assert_uint_ge(json_array_size(own_sites), 1);
    ck_assert_uint_ge(json_array_size(other_sites), 1);
    char *scope = unique_scope("Refused");
    json_t *base = programme_body(org, ISO27001_2022, scope, own_sites, true);

    enum { NCASES = 20 };
    struct {
        const char *field, *code;
        bool prefix; /* field is a prefix: the index or sub-field is not specified */
        json_t *body;
    } cases[NCASES] = {
        {"standards", NULL, false, NULL},
        {"standards[0]", "unknown_standard", false, NULL},
        {"standards[1]", "unknown_standard", false, NULL},
        {"standards", NULL, true, NULL}, /* five standards */
        {"standards", NULL, false, NULL},
        {"standards", NULL, false, NULL},
        {"scope", NULL, false, NULL},
        {"scope", NULL, false, NULL},
        {"scope", NULL, false, NULL},
        {"client_id", NULL, false, NULL},
        {"client_id", NULL, false, NULL},
        {"client_id", "unknown_client", false, NULL},
        {"site_ids[0]", "unknown_site", false, NULL},
        {"site_ids[1]", "unknown_site", false, NULL},
        {"site_ids[0]", "unknown_site", false, NULL},
        {"site_ids", NULL, true, NULL},
        {"sector_codes", NULL, true, NULL},
        {"sector_codes", NULL, true, NULL},
        {"pre_assessment", NULL, false, NULL},
        {"site_ids", NULL, false, NULL},
    };
    for (size_t i = 0; i < NCASES; i++)
        cases[i].body = json_deep_copy(base);
    json_object_set_new(cases[0].body, "standards", json_array());
    json_object_set_new(cases[1].body, "standards", json_pack("[s]", "ISO 99999:2020"));
    json_object_set_new(cases[2].body, "standards", json_pack("[s, s]", ISO27001_2022, "ISO 99999:2020"));
    json_object_set_new(cases[3].body, "standards",
                        json_pack("[s, s, s, s, s]", ISO27001_2022, ISO9001, "ISO 14001:2015",
                                  "ISO 45001:2018", "ISO 22301:2019"));
    json_object_del(cases[4].body, "standards");
    json_object_set_new(cases[5].body, "standards", json_string(ISO27001_2022)); /* not an array */
    json_object_del(cases[6].body, "scope");
    json_object_set_new(cases[7].body, "scope", json_string(""));
    char long_scope[2002];
    memset(long_scope, 'x', 2001);
    long_scope[2001] = '\0';
    json_object_set_new(cases[8].body, "scope", json_string(long_scope));
    json_object_del(cases[9].body, "client_id");
    json_object_set_new(cases[10].body, "client_id", json_string("not-a-uuid"));
    json_object_set_new(cases[11].body, "client_id", json_string(NO_SUCH_ID));
    json_object_set_new(cases[12].body, "site_ids", json_pack("[O]", json_array_get(other_sites, 0)));
    json_object_set_new(cases[13].body, "site_ids",
                        json_pack("[O, O]", json_array_get(own_sites, 0), json_array_get(other_sites, 0)));
    json_object_set_new(cases[14].body, "site_ids", json_pack("[s]", NO_SUCH_ID));
    json_object_set_new(cases[15].body, "site_ids", json_pack("[s]", "not-a-uuid"));
    json_object_set_new(cases[16].body, "sector_codes", json_pack("[s]", "bad/code"));
    json_object_set_new(cases[17].body, "sector_codes", json_pack("[s]", "012345678901234567890")); /* 21 */
    json_object_set_new(cases[18].body, "pre_assessment", json_string("yes"));
    json_object_set_new(cases[19].body, "site_ids", json_string("all")); /* not an array */
    for (size_t i = 0; i < NCASES; i++) {
        cc_test_response_t *resp = cc_test_call_json(&sm, "POST", "/v1/programmes", NULL, cases[i].body);
        if (cases[i].prefix)
            assert_field_prefix(resp, cases[i].field);
        else
            assert_field_error(resp, cases[i].field, cases[i].code);
        cc_test_response_free(resp);
        json_decref(cases[i].body);
    }

    /* The 2013 edition is closed to initial audits: alone or beside a current standard. */
    json_t *closed[2] = {json_deep_copy(base), json_deep_copy(base)};
    json_object_set_new(closed[0], "standards", json_pack("[s]", ISO27001_2013));
    json_object_set_new(closed[1], "standards", json_pack("[s, s]", ISO9001, ISO27001_2013));
    for (size_t i = 0; i < 2; i++) {
        cc_test_response_t *resp = cc_test_call_json(&sm, "POST", "/v1/programmes", NULL, closed[i]);
        cc_test_assert_problem(resp, 422, "standard_closed");
        cc_test_response_free(resp);
        json_decref(closed[i]);
    }

    /* Listing with a client_id that is not a uuid; reading an unknown programme. */
    cc_test_response_t *resp = cc_test_call(&sm, "GET", "/v1/programmes?client_id=not-a-uuid", NULL, NULL);
    assert_field_error(resp, "client_id", NULL);
    cc_test_response_free(resp);
    resp = cc_test_call(&sm, "GET", "/v1/programmes/" NO_SUCH_ID, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);

    /* Nothing was created by any of them. */
    json_t *items = cc_test_list_all(&sm, "/v1/programmes", 100), *item;
    size_t i;
    json_array_foreach(items, i, item)
    {
        const char *s = cc_test_json_string(item, "scope");
        ck_assert_msg(s == NULL || strcmp(s, scope) != 0, "a refused programme was created: %s",
                      cc_test_json_string(item, "id"));
    }
    json_decref(items);

    json_decref(base);
    free(scope);
    json_decref(other_sites);
    json_decref(own_sites);
    free(other);
    free(org);
    cc_test_caller_free(&client2);
    cc_test_caller_free(&client1);
    cc_test_caller_free(&sm);
}
END_TEST

/*
 * An organisation without address or personnel (only rows older than
 * migration 0005 have them; the API refuses to make one) cannot get a
 * programme: the test clears them on a fresh organisation as superuser.
 */
START_TEST(test_client_incomplete)
{
    cc_test_caller_t sm;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    PGconn *db = cc_test_db_connect("CC_TEST_PG_SUPERUSER_URL");
    const char *clear[2] = {
        "UPDATE clients SET street = NULL, city = NULL, state = NULL, post_code = NULL, country = NULL "
        "WHERE id = $1",
        "UPDATE clients SET personnel = NULL WHERE id = $1",
    };
    for (size_t k = 0; k < 2; k++) {
        char suffix[17];
        cc_test_random_suffix(suffix);
        char *legal = cc_test_asprintf("Incomplete %s", suffix);
        json_t *client = json_pack("{s:s, s:{s:s, s:s, s:s}, s:i}", "legal_name", legal, "address", "street",
                                   "1 Old Road", "city", "Hull", "country", "GB", "personnel", 30);
        cc_test_response_t *resp = cc_test_call_json(&sm, "POST", "/v1/clients", NULL, client);
        cc_test_assert_json(resp, 201);
        char *cid = cc_strdup(cc_test_json_string(resp->json, "id"));
        cc_test_response_free(resp);
        const char *params[1] = {cid};
        cc_test_db_run(db, clear[k], 1, params);

        char *scope = unique_scope("Incomplete");
        json_t *body = programme_body(cid, ISO9001, scope, NULL, false);
        resp = cc_test_call_json(&sm, "POST", "/v1/programmes", NULL, body);
        cc_test_assert_problem(resp, 422, "client_incomplete");
        cc_test_response_free(resp);
        char *by_client = cc_test_asprintf("/v1/programmes?client_id=%s", cid);
        resp = cc_test_call(&sm, "GET", by_client, NULL, NULL);
        cc_test_assert_json(resp, 200);
        ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 0);
        cc_test_response_free(resp);

        free(by_client);
        json_decref(body);
        free(scope);
        free(cid);
        json_decref(client);
        free(legal);
    }
    PQfinish(db);
    cc_test_caller_free(&sm);
}
END_TEST

/* ---- idempotency ---- */

START_TEST(test_idempotency_key)
{
    cc_test_caller_t sm, client1;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    cc_test_caller_login(&client1, "northcert", "client1");
    char *org = own_client_id(&client1);
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *key = cc_test_asprintf("Idempotency-Key: programmes-%s", suffix);
    char *scope = unique_scope("Idempotent");
    json_t *body = programme_body(org, ISO27001_2022, scope, NULL, false);
    expect_t e = {org, ISO27001_2022, scope, NULL, false};

    cc_test_response_t *first = create_programme(&sm, body, &e, key);
    const char *replayed = cc_test_response_header(first, "Idempotent-Replayed");
    ck_assert_msg(replayed == NULL || strcmp(replayed, "true") != 0, "the first answer is marked replayed");
    const char *id = cc_test_json_string(first->json, "id");
    cc_test_response_t *again = cc_test_call_json(&sm, "POST", "/v1/programmes", key, body);
    cc_test_assert_json(again, 201);
    replayed = cc_test_response_header(again, "Idempotent-Replayed");
    ck_assert_msg(replayed != NULL && strcmp(replayed, "true") == 0, "Idempotent-Replayed: %s",
                  replayed != NULL ? replayed : "(none)");
    ck_assert_str_eq(cc_test_json_string(again->json, "id"), id);
    ck_assert_msg(json_equal(json_object_get(again->json, "audits"), json_object_get(first->json, "audits")),
                  "the replay has other audits");
    char *path = programme_path(id);
    cc_test_assert_location(again, path);

    /* Created once. */
    char *by_client = cc_test_asprintf("/v1/programmes?client_id=%s", org);
    json_t *items = cc_test_list_all(&sm, by_client, 100), *item;
    int n = 0;
    size_t i;
    json_array_foreach(items, i, item)
    {
        const char *s = cc_test_json_string(item, "scope");
        n += s != NULL && strcmp(s, scope) == 0;
    }
    ck_assert_int_eq(n, 1);
    json_decref(items);

    free(by_client);
    free(path);
    cc_test_response_free(again);
    cc_test_response_free(first);
    json_decref(body);
    free(scope);
    free(key);
    free(org);
    cc_test_caller_free(&client1);
    cc_test_caller_free(&sm);
}
END_TEST

/* ---- the date helpers themselves ---- */

START_TEST(test_date_helpers)
{
    ck_assert_int_eq(cc_test_days_from_civil((cc_test_ymd_t){1970, 1, 1}), 0);
    ck_assert_int_eq(cc_test_days_from_civil((cc_test_ymd_t){2000, 3, 1}), 11017);
    for (int64_t d = -1000; d < 30000; d += 7) {
        cc_test_ymd_t c = cc_test_civil_from_days(d);
        ck_assert_int_eq(cc_test_days_from_civil(c), d);
    }
    char buf[16];
    cc_test_format_days(cc_test_add_months(cc_test_days_from_civil((cc_test_ymd_t){2025, 1, 31}), 1), buf);
    ck_assert_str_eq(buf, "2025-02-28");
    cc_test_format_days(cc_test_add_months(cc_test_days_from_civil((cc_test_ymd_t){2024, 2, 29}), 12), buf);
    ck_assert_str_eq(buf, "2025-02-28");
    cc_test_format_days(cc_test_add_months(cc_test_days_from_civil((cc_test_ymd_t){2024, 2, 29}), 48), buf);
    ck_assert_str_eq(buf, "2028-02-29");
    cc_test_format_days(cc_test_add_months(cc_test_days_from_civil((cc_test_ymd_t){2025, 11, 30}), 3), buf);
    ck_assert_str_eq(buf, "2026-02-28");
    cc_test_format_days(cc_test_add_months(cc_test_days_from_civil((cc_test_ymd_t){2025, 8, 31}), 6), buf);
    ck_assert_str_eq(buf, "2026-02-28");
}
END_TEST

/* Warnings read the tenant's programme settings [P]: a wider window_closing_days warns earlier; an invalid
 * setting falls back to the defaults. */
static bool warns_window_closing(const cc_test_caller_t *admin, const char *client)
{
    char *body = cc_test_asprintf("{\"client_id\":\"%s\",\"standards\":[\"ISO/IEC 27001:2022\"],"
                                  "\"scope\":\"settings\"}",
                                  client);
    cc_test_response_t *resp = cc_test_call(admin, "POST", "/v1/programmes", NULL, body);
    cc_test_assert_json(resp, 201);
    bool warns = strstr(resp->body, "\"window_closing\"") != NULL;
    cc_test_response_free(resp);
    free(body);
    return warns;
}

START_TEST(test_tenant_programme_settings)
{
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, "southcert", "admin");
    cc_test_response_t *resp = cc_test_call(&admin, "GET", "/v1/clients?limit=1", NULL, NULL);
    cc_test_assert_json(resp, 200);
    char *client =
        cc_strdup(cc_test_json_string(json_array_get(json_object_get(resp->json, "items"), 0), "id"));
    cc_test_response_free(resp);
    PGconn *db = cc_test_db_connect("CC_TEST_PG_SUPERUSER_URL");
    const char *set = "UPDATE tenants SET settings = jsonb_set(settings, '{programme}', $1::jsonb) "
                      "WHERE slug = 'southcert'";
    const char *wide[] = {"{\"window_closing_days\": 400}"};
    const char *invalid[] = {"{\"window_closing_days\": 400, \"surveillance1_start_months\": 13}"};
    ck_assert_msg(!warns_window_closing(&admin, client), "default: no window closes within 30 days");
    cc_test_db_run(db, set, 1, wide);
    ck_assert_msg(warns_window_closing(&admin, client), "the Stage 1 window closes within 400 days");
    cc_test_db_run(db, set, 1, invalid);
    ck_assert_msg(!warns_window_closing(&admin, client), "invalid settings: the defaults");
    cc_test_db_run(db, "UPDATE tenants SET settings = settings - 'programme' WHERE slug = 'southcert'", 0,
                   NULL);
    PQfinish(db);
    free(client);
    cc_test_caller_free(&admin);
}
END_TEST

/* Pre-assessments count across the client's programmes: a second one warns (impartiality risk). */
START_TEST(test_pre_assessments_across_programmes)
{
    cc_test_caller_t sm;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *client_body = cc_test_asprintf("{\"legal_name\":\"Pre-assessed %s Ltd\",\"personnel\":25,"
                                         "\"address\":{\"street\":\"2 Side St\",\"city\":\"Leeds\","
                                         "\"post_code\":\"LS1 1AA\",\"country\":\"GB\"}}",
                                         suffix);
    cc_test_response_t *resp = cc_test_call(&sm, "POST", "/v1/clients", NULL, client_body);
    cc_test_assert_json(resp, 201);
    char *client = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    int warned[2];
    for (int k = 0; k < 2; k++) {
        char *body = cc_test_asprintf("{\"client_id\":\"%s\",\"standards\":[\"ISO/IEC 27001:2022\"],"
                                      "\"scope\":\"scope %d\",\"pre_assessment\":true}",
                                      client, k);
        resp = cc_test_call(&sm, "POST", "/v1/programmes", NULL, body);
        cc_test_assert_json(resp, 201);
        warned[k] = strstr(resp->body, "\"multiple_pre_assessments\"") != NULL;
        cc_test_response_free(resp);
        free(body);
    }
    ck_assert_msg(!warned[0], "one pre-assessment is no risk");
    ck_assert_msg(warned[1], "the second programme's pre-assessment is the client's second");
    free(client);
    free(client_body);
    cc_test_caller_free(&sm);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("programmes");
    TCase *tc = tcase_create("programmes");
    /* Logins run argon2id (~0.2 s each) and pagination walks one programme per request. */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_date_helpers);
    tcase_add_test(tc, test_create_get_list);
    tcase_add_test(tc, test_anonymous_unauthorized);
    tcase_add_test(tc, test_staff_roles);
    tcase_add_test(tc, test_client_user_sees_only_its_organisation);
    tcase_add_test(tc, test_cross_tenant);
    tcase_add_test(tc, test_create_field_errors);
    tcase_add_test(tc, test_client_incomplete);
    tcase_add_test(tc, test_idempotency_key);
    tcase_add_test(tc, test_pre_assessments_across_programmes);
    tcase_add_test(tc, test_tenant_programme_settings);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
