/*
 * End-to-end tests of the audits' read side and the due list through the
 * gateway (CC_TEST_GATEWAY_URL). Every test creates its own ISO/IEC
 * 27001:2022 programme (no pre-assessment) for client1's organisation, then:
 * GET /v1/audits?programme_id= lists exactly the programme's audits (the
 * same ids and windows, client_name the organisation's legal_name, version
 * 1, planned), ordered by id, paginating one per page without repeats;
 * GET /v1/audits/{id} answers the same record with ETag "1"; the status and
 * from/to filters and their field errors; who sees which audit (client users
 * only their own organisation's, another tenant nothing); and
 * GET /v1/schedule/due: states from the windows and as_of, the within_days
 * horizon, ordering by window_end then id, its errors and roles. Windows are
 * computed from today in UTC, so the assertions read them back rather than
 * fix dates.
 */
#include "cc_mem.h"
#include "cc_test_main.h"
#include "cc_test_caller.h"
#include "cc_test_dates.h"
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
/* The page size the due list is walked with. */
#define DUE_PAGE 100

/* ---- calendar arithmetic (civil dates as days since 1970-01-01) ---- */

/* True when s is exactly a valid YYYY-MM-DD; stores its day number in *days. */
static bool parse_date(const char *s, int64_t *days)
{
    cc_test_ymd_t c = {0, 0, 0};
    char tail = '\0';
    bool ok = s != NULL && strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
              sscanf(s, "%4d-%2d-%2d%c", &c.y, &c.m, &c.d, &tail) == 3 && c.m >= 1 && c.m <= 12 && c.d >= 1 &&
              c.d <= cc_test_days_in_month(c.y, c.m);
    if (ok && days != NULL)
        *days = cc_test_days_from_civil(c);
    return ok;
}

/* Parses member key of obj as exactly YYYY-MM-DD into days; fails the test otherwise. */
static int64_t date_member(const json_t *obj, const char *key)
{
    int64_t days = 0;
    if (!parse_date(cc_test_json_string(obj, key), &days)) {
        char *text = json_dumps(obj, JSON_COMPACT);
        ck_abort_msg("%s is not a date: %s", key, text);
        free(text); /* not reached */
    }
    return days;
}

static bool is_timestamp(const json_t *v)
{
    const char *s = json_string_value(v);
    return s != NULL && strlen(s) >= 20 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't');
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* ---- callers and requests ---- */

/* A logged-in caller: its tokens and ready-made Authorization header line. */

static char *audit_path(const char *id)
{
    return cc_test_asprintf("/v1/audits/%s", id);
}

/* Fails unless resp is a 400 validation_failed whose first error names field (and code, when given). */
static void assert_field_error(const cc_test_response_t *resp, const char *field, const char *code)
{
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, field);
    if (code != NULL) {
        const char *got =
            cc_test_json_string(json_array_get(json_object_get(resp->json, "errors"), 0), "code");
        ck_assert_msg(got != NULL && strcmp(got, code) == 0, "errors[0].code is %s, want %s: %s", got, code,
                      resp->body);
    }
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

/* Fails unless path answers 200 with no items and a null next_cursor. */
static void assert_empty_list(const cc_test_caller_t *c, const char *path)
{
    cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *items = json_object_get(resp->json, "items"), *next = json_object_get(resp->json, "next_cursor");
    ck_assert_msg(json_is_array(items) && json_array_size(items) == 0, "%s is not empty: %s", path,
                  resp->body);
    ck_assert_msg(next != NULL && json_is_null(next), "%s next_cursor: %s", path, resp->body);
    cc_test_response_free(resp);
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

/* ---- the AuditRecord ---- */

static const char *const AUDIT_TYPES[] = {"pre_assessment", "stage1",          "stage2",
                                          "surveillance",   "recertification", "special"};
static const char *const AUDIT_STATUSES[] = {"planned", "scheduled", "in_progress", "completed", "cancelled"};

/* Fails unless rec has the AuditRecord shape (any audit of the tenant). */
static void assert_record_shape(const json_t *rec)
{
    char *text = json_dumps(rec, JSON_COMPACT);
    ck_assert_msg(json_is_object(rec), "not an object: %s", text);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(rec, "id")), "id: %s", text);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(rec, "programme_id")), "programme_id: %s", text);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(rec, "client_id")), "client_id: %s", text);
    const char *name = cc_test_json_string(rec, "client_name");
    ck_assert_msg(name != NULL && name[0] != '\0', "client_name: %s", text);
    ck_assert_msg(in_list(cc_test_json_string(rec, "type"), AUDIT_TYPES, 6), "type: %s", text);
    json_t *seq = json_object_get(rec, "sequence");
    ck_assert_msg(json_is_integer(seq) && json_integer_value(seq) >= 1, "sequence: %s", text);
    int64_t ws = date_member(rec, "window_start"), we = date_member(rec, "window_end");
    ck_assert_msg(ws <= we, "window_start after window_end: %s", text);
    ck_assert_msg(json_is_boolean(json_object_get(rec, "provisional")), "provisional: %s", text);
    ck_assert_msg(json_is_number(json_object_get(rec, "planned_days")), "planned_days: %s", text);
    ck_assert_msg(in_list(cc_test_json_string(rec, "status"), AUDIT_STATUSES, 5), "status: %s", text);
    const char *dates[2] = {"start_date", "end_date"};
    for (size_t i = 0; i < 2; i++) {
        json_t *d = json_object_get(rec, dates[i]);
        ck_assert_msg(d != NULL && (json_is_null(d) || parse_date(json_string_value(d), NULL)), "%s: %s",
                      dates[i], text);
    }
    json_t *version = json_object_get(rec, "version");
    ck_assert_msg(json_is_integer(version) && json_integer_value(version) >= 1, "version: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(rec, "created_at")), "created_at: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(rec, "updated_at")), "updated_at: %s", text);
    free(text);
}

/* ---- the fixture: a fresh programme for client1's organisation ---- */

typedef struct fixture {
    cc_test_caller_t sm, client1;
    char *org;            /* client1's organisation */
    char *legal_name;     /* its legal_name */
    json_t *programme;    /* the POST answer, owned */
    const char *id;       /* the programme's id, borrowed from programme */
    const json_t *audits; /* its audits, borrowed */
    const json_t *stage1, *stage2, *surveillance1, *recertification;
    int64_t today_lo, today_hi; /* today in UTC before and after the POST */
} fixture_t;

static const json_t *first_of_type(const json_t *audits, const char *type)
{
    size_t i;
    json_t *a;
    json_array_foreach(audits, i, a)
    {
        const char *t = cc_test_json_string(a, "type");
        if (t != NULL && strcmp(t, type) == 0)
            return a;
    }
    ck_abort_msg("the programme has no %s audit", type);
    return NULL; /* not reached */
}

static void fixture_setup(fixture_t *f, const char *label)
{
    memset(f, 0, sizeof(*f));
    cc_test_caller_login(&f->sm, "northcert", "scheme_manager");
    cc_test_caller_login(&f->client1, "northcert", "client1");
    f->org = own_client_id(&f->client1);

    char *client_path = cc_test_asprintf("/v1/clients/%s", f->org);
    cc_test_response_t *resp = cc_test_call(&f->sm, "GET", client_path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    const char *legal = cc_test_json_string(resp->json, "legal_name");
    ck_assert_msg(legal != NULL && legal[0] != '\0', "the organisation has no legal_name: %s", resp->body);
    f->legal_name = cc_strdup(legal);
    cc_test_response_free(resp);
    free(client_path);

    char suffix[17];
    cc_test_random_suffix(suffix);
    char *scope = cc_test_asprintf("%s %s", label, suffix);
    json_t *body = json_pack("{s:s, s:[s], s:s, s:b}", "client_id", f->org, "standards", ISO27001_2022,
                             "scope", scope, "pre_assessment", false);
    ck_assert_ptr_nonnull(body);
    char *text = json_dumps(body, JSON_COMPACT);
    f->today_lo = cc_test_today_utc();
    resp = cc_test_call(&f->sm, "POST", "/v1/programmes", NULL, text);
    f->today_hi = cc_test_today_utc();
    cc_test_assert_json(resp, 201);
    f->programme = json_incref(resp->json);
    cc_test_response_free(resp);
    free(text);
    json_decref(body);
    free(scope);

    f->id = cc_test_json_string(f->programme, "id");
    ck_assert_msg(cc_test_is_uuid(f->id), "programme id");
    f->audits = json_object_get(f->programme, "audits");
    ck_assert_msg(json_is_array(f->audits) && json_array_size(f->audits) >= 5, "programme audits");
    f->stage1 = first_of_type(f->audits, "stage1");
    f->stage2 = first_of_type(f->audits, "stage2");
    f->surveillance1 = first_of_type(f->audits, "surveillance");
    f->recertification = first_of_type(f->audits, "recertification");
    int64_t today = date_member(f->stage1, "window_start");
    ck_assert_msg(today == f->today_lo || today == f->today_hi, "stage1 does not open today");
}

static void fixture_free(fixture_t *f)
{
    json_decref(f->programme);
    free(f->legal_name);
    free(f->org);
    cc_test_caller_free(&f->client1);
    cc_test_caller_free(&f->sm);
}

/*
 * Fails unless rec is the AuditRecord of the programme audit a: its members
 * equal, the programme, its organisation and legal_name, version 1.
 */
static void assert_record_of(const json_t *rec, const json_t *a, const fixture_t *f)
{
    assert_record_shape(rec);
    char *text = json_dumps(rec, JSON_COMPACT), *want = json_dumps(a, JSON_COMPACT);
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)a, key, value)
    {
        json_t *got = json_object_get(rec, key);
        bool same = json_is_number(value) ? json_is_number(got) &&
                                                fabs(json_number_value(got) - json_number_value(value)) < 1e-9
                                          : json_equal(got, value);
        ck_assert_msg(same, "%s differs from the programme's audit:\n%s\n%s", key, text, want);
    }
    ck_assert_msg(strcmp(cc_test_json_string(rec, "programme_id"), f->id) == 0, "programme_id: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(rec, "client_id"), f->org) == 0, "client_id: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(rec, "client_name"), f->legal_name) == 0,
                  "client_name, want %s: %s", f->legal_name, text);
    ck_assert_msg(json_integer_value(json_object_get(rec, "version")) == 1, "version 1: %s", text);
    ck_assert_msg(strcmp(cc_test_json_string(rec, "status"), "planned") == 0, "status planned: %s", text);
    free(want);
    free(text);
}

/* "/v1/audits?programme_id=<id>[&extra]", caller frees. */
static char *by_programme(const fixture_t *f, const char *extra)
{
    return cc_test_asprintf("/v1/audits?programme_id=%s%s%s", f->id, extra != NULL ? "&" : "",
                            extra != NULL ? extra : "");
}

/* Fails unless items holds exactly the programme's audits. */
static void assert_exactly_programme(const json_t *items, const fixture_t *f)
{
    char *text = json_dumps(items, JSON_COMPACT);
    ck_assert_msg(json_array_size(items) == json_array_size(f->audits), "%zu audits listed, want %zu: %s",
                  json_array_size(items), json_array_size(f->audits), text);
    size_t i;
    json_t *a;
    json_array_foreach(f->audits, i, a)
    {
        const json_t *rec = find_item(items, cc_test_json_string(a, "id"));
        ck_assert_msg(rec != NULL, "audit %s is not listed: %s", cc_test_json_string(a, "id"), text);
        assert_record_of(rec, a, f);
    }
    free(text);
}

/* ---- list and read ---- */

START_TEST(test_list_and_get)
{
    fixture_t f;
    fixture_setup(&f, "Audits list and get");

    /* One per page, until next_cursor is null: exactly the programme's audits, ordered by id. */
    char *path = by_programme(&f, NULL);
    json_t *items = cc_test_list_all(&f.sm, path, 1);
    assert_exactly_programme(items, &f);
    json_t *big = cc_test_list_all(&f.sm, path, 500);
    ck_assert_msg(json_equal(big, items), "a larger page lists other audits");
    json_decref(big);

    /* GET of the stage1: the same record, ETag "1". */
    const char *stage1_id = cc_test_json_string(f.stage1, "id");
    char *one = audit_path(stage1_id);
    cc_test_response_t *resp = cc_test_call(&f.sm, "GET", one, NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_assert_etag(resp, 1);
    assert_record_of(resp->json, f.stage1, &f);
    ck_assert_msg(json_equal(resp->json, find_item(items, stage1_id)), "GET differs from the list item: %s",
                  resp->body);
    cc_test_response_free(resp);

    /* Every audit reads back as listed. */
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        char *p = audit_path(cc_test_json_string(item, "id"));
        resp = cc_test_call(&f.sm, "GET", p, NULL, NULL);
        cc_test_assert_json(resp, 200);
        cc_test_assert_etag(resp, 1);
        ck_assert_msg(json_equal(resp->json, item), "GET %s differs from the list item", p);
        cc_test_response_free(resp);
        free(p);
    }

    /* An unknown audit; a programme without audits of this id. */
    resp = cc_test_call(&f.sm, "GET", "/v1/audits/" NO_SUCH_ID, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    assert_empty_list(&f.sm, "/v1/audits?programme_id=" NO_SUCH_ID);

    /* The unfiltered list holds them too. */
    json_t *all = cc_test_list_all(&f.sm, "/v1/audits", 500);
    json_array_foreach(f.audits, i, item)
        ck_assert_msg(find_item(all, cc_test_json_string(item, "id")) != NULL, "not listed without a filter");
    json_array_foreach(all, i, item) assert_record_shape(item);
    json_decref(all);

    json_decref(items);
    free(one);
    free(path);
    fixture_free(&f);
}
END_TEST

START_TEST(test_anonymous_unauthorized)
{
    const char *paths[] = {"/v1/audits", "/v1/audits/" NO_SUCH_ID, "/v1/schedule/due"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_test_response_t *resp = cc_test_call(NULL, "GET", paths[i], NULL, NULL);
        cc_test_assert_problem(resp, 401, "unauthorized");
        cc_test_response_free(resp);
    }
}
END_TEST

/* ---- filters ---- */

/* True when rec's days (once dated; its window before) overlap [from, to]. */
static bool overlaps(const json_t *rec, int64_t from, int64_t to)
{
    bool dated = json_is_string(json_object_get(rec, "start_date"));
    return date_member(rec, dated ? "start_date" : "window_start") <= to &&
           date_member(rec, dated ? "end_date" : "window_end") >= from;
}

/* Lists query (with programme_id) and fails unless it holds exactly those of the programme's audits in range.
 */
static void assert_window_filter(const fixture_t *f, int64_t from, int64_t to)
{
    char a[16], b[16];
    cc_test_format_days(from, a);
    cc_test_format_days(to, b);
    char *query = cc_test_asprintf("from=%s&to=%s", a, b);
    char *path = by_programme(f, query);
    json_t *items = cc_test_list_all(&f->sm, path, 500), *item;
    char *text = json_dumps(items, JSON_COMPACT);
    size_t i, want = 0;
    json_array_foreach(f->audits, i, item)
    {
        bool in = overlaps(item, from, to);
        want += in;
        const json_t *rec = find_item(items, cc_test_json_string(item, "id"));
        ck_assert_msg(in == (rec != NULL), "%s: audit %s (%s %s..%s) %s: %s", path,
                      cc_test_json_string(item, "id"), cc_test_json_string(item, "type"),
                      cc_test_json_string(item, "window_start"), cc_test_json_string(item, "window_end"),
                      in ? "missing" : "listed", text);
    }
    ck_assert_msg(json_array_size(items) == want, "%s lists %zu, want %zu: %s", path, json_array_size(items),
                  want, text);
    free(text);
    json_decref(items);
    free(path);
    free(query);
}

START_TEST(test_filters)
{
    fixture_t f;
    fixture_setup(&f, "Audits filters");
    size_t i;
    json_t *item;

    /* status=planned: all of them (and only planned audits); status=completed: none of them. */
    char *path = by_programme(&f, "status=planned");
    json_t *items = cc_test_list_all(&f.sm, path, 500);
    assert_exactly_programme(items, &f);
    json_decref(items);
    free(path);
    items = cc_test_list_all(&f.sm, "/v1/audits?status=planned", 500);
    json_array_foreach(f.audits, i, item)
        ck_assert_msg(find_item(items, cc_test_json_string(item, "id")) != NULL, "not listed as planned");
    json_array_foreach(items, i, item) ck_assert_str_eq(cc_test_json_string(item, "status"), "planned");
    json_decref(items);
    path = by_programme(&f, "status=completed");
    assert_empty_list(&f.sm, path);
    free(path);
    items = cc_test_list_all(&f.sm, "/v1/audits?status=completed", 500);
    json_array_foreach(f.audits, i, item)
        ck_assert_msg(find_item(items, cc_test_json_string(item, "id")) == NULL, "listed as completed");
    json_array_foreach(items, i, item) ck_assert_str_eq(cc_test_json_string(item, "status"), "completed");
    json_decref(items);

    /* from/to around the stage1 window: stage1 in, the recertification (years later) out. */
    int64_t s1_start = date_member(f.stage1, "window_start"), s1_end = date_member(f.stage1, "window_end");
    char a[16], b[16];
    cc_test_format_days(s1_start, a);
    cc_test_format_days(s1_end, b);
    char *query = cc_test_asprintf("/v1/audits?from=%s&to=%s", a, b);
    items = cc_test_list_all(&f.sm, query, 500);
    ck_assert_msg(find_item(items, cc_test_json_string(f.stage1, "id")) != NULL, "%s: stage1 missing", query);
    ck_assert_msg(find_item(items, cc_test_json_string(f.recertification, "id")) == NULL,
                  "%s: the recertification is listed", query);
    json_array_foreach(items, i, item)
        ck_assert_msg(overlaps(item, s1_start, s1_end), "%s lists an audit outside: %s", query,
                      cc_test_json_string(item, "id"));
    json_decref(items);
    free(query);

    /* Exactly the overlapping ones of the programme, for several ranges. */
    assert_window_filter(&f, s1_start, s1_end);
    assert_window_filter(&f, s1_start, s1_start); /* today: stage1 only (stage2 opens next month) */
    assert_window_filter(&f, s1_start - 1, s1_start - 1);
    assert_window_filter(&f, s1_end + 1, date_member(f.surveillance1, "window_start"));
    assert_window_filter(&f, date_member(f.recertification, "window_start"),
                         date_member(f.recertification, "window_start"));
    assert_window_filter(&f, s1_start - 400, date_member(f.recertification, "window_end") + 400);

    /* A combination: status and window and programme. */
    cc_test_format_days(s1_start, a);
    path = by_programme(&f, NULL);
    query = cc_test_asprintf("%s&status=planned&from=%s&to=%s", path, a, a);
    items = cc_test_list_all(&f.sm, query, 1);
    ck_assert_uint_eq(json_array_size(items), 1);
    ck_assert_str_eq(cc_test_json_string(json_array_get(items, 0), "id"),
                     cc_test_json_string(f.stage1, "id"));
    json_decref(items);
    free(query);
    free(path);

    /* Invalid filters name themselves. */
    struct {
        const char *path, *field, *code;
    } bad[] = {
        {"/v1/audits?programme_id=not-a-uuid", "programme_id", "invalid_uuid"},
        {"/v1/audits?status=finished", "status", "invalid_value"},
        {"/v1/audits?status=PLANNED", "status", "invalid_value"},
        {"/v1/audits?from=2025-02-30", "from", "invalid_date"},
        {"/v1/audits?from=2025-2-3", "from", "invalid_date"},
        {"/v1/audits?to=2025-13-01", "to", "invalid_date"},
        {"/v1/audits?to=tomorrow", "to", "invalid_date"},
        {"/v1/audits?from=2025-03-10&to=2025-03-09", "to", "before_from"},
    };
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cc_test_response_t *resp = cc_test_call(&f.sm, "GET", bad[i].path, NULL, NULL);
        assert_field_error(resp, bad[i].field, bad[i].code);
        cc_test_response_free(resp);
    }
    /* A one-day range is not before itself. */
    cc_test_response_t *resp =
        cc_test_call(&f.sm, "GET", "/v1/audits?from=2025-03-10&to=2025-03-10&limit=1", NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);

    fixture_free(&f);
}
END_TEST

/* ---- roles and scoping ---- */

START_TEST(test_roles_and_scoping)
{
    fixture_t f;
    fixture_setup(&f, "Audits roles");
    const char *stage1_id = cc_test_json_string(f.stage1, "id");
    char *one = audit_path(stage1_id);
    char *path = by_programme(&f, NULL);
    cc_test_response_t *staff = cc_test_call(&f.sm, "GET", one, NULL, NULL);
    cc_test_assert_json(staff, 200);

    /* client1 reads its own organisation's audit and lists them. */
    cc_test_response_t *resp = cc_test_call(&f.client1, "GET", one, NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_assert_etag(resp, 1);
    ck_assert_msg(json_equal(resp->json, staff->json), "client1 reads another record: %s", resp->body);
    cc_test_response_free(resp);
    json_t *items = cc_test_list_all(&f.client1, path, 1), *item;
    assert_exactly_programme(items, &f);
    json_decref(items);
    size_t i;
    items = cc_test_list_all(&f.client1, "/v1/audits", 500);
    ck_assert_msg(find_item(items, stage1_id) != NULL, "client1's list lacks its own stage1");
    json_array_foreach(items, i, item) ck_assert_str_eq(cc_test_json_string(item, "client_id"), f.org);
    json_decref(items);

    /* client2 (another organisation) sees none of it. */
    cc_test_caller_t client2;
    cc_test_caller_login(&client2, "northcert", "client2");
    resp = cc_test_call(&client2, "GET", one, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    assert_empty_list(&client2, path);
    char *other = own_client_id(&client2);
    items = cc_test_list_all(&client2, "/v1/audits", 500);
    ck_assert_msg(find_item(items, stage1_id) == NULL, "client2 lists client1's audit");
    json_array_foreach(items, i, item) ck_assert_str_eq(cc_test_json_string(item, "client_id"), other);
    json_decref(items);
    free(other);
    cc_test_caller_free(&client2);

    /* Staff of the tenant read it. */
    const char *readers[] = {"admin", "auditor1", "auditor2", "decision_maker"};
    for (size_t r = 0; r < sizeof(readers) / sizeof(readers[0]); r++) {
        cc_test_caller_t c;
        cc_test_caller_login(&c, "northcert", readers[r]);
        resp = cc_test_call(&c, "GET", one, NULL, NULL);
        cc_test_assert_json(resp, 200);
        cc_test_assert_etag(resp, 1);
        ck_assert_msg(json_equal(resp->json, staff->json), "%s reads another record", readers[r]);
        cc_test_response_free(resp);
        items = cc_test_list_all(&c, path, 500);
        ck_assert_uint_eq(json_array_size(items), json_array_size(f.audits));
        json_decref(items);
        cc_test_caller_free(&c);
    }

    /* Another tenant: nothing. */
    cc_test_caller_t south;
    cc_test_caller_login(&south, "southcert", "admin");
    resp = cc_test_call(&south, "GET", one, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    assert_empty_list(&south, path);
    items = cc_test_list_all(&south, "/v1/audits", 500);
    json_array_foreach(f.audits, i, item)
        ck_assert_msg(find_item(items, cc_test_json_string(item, "id")) == NULL, "southcert lists it");
    json_decref(items);
    cc_test_caller_free(&south);

    cc_test_response_free(staff);
    free(path);
    free(one);
    fixture_free(&f);
}
END_TEST

/* ---- the due list ---- */

/* Orders due items: window_end, then id. */
static int due_cmp(const json_t *x, const json_t *y)
{
    int64_t ex = date_member(x, "window_end"), ey = date_member(y, "window_end");
    if (ex != ey)
        return ex < ey ? -1 : 1;
    return strcmp(cc_test_json_string(x, "id"), cc_test_json_string(y, "id"));
}

/*
 * Asserts one page of GET /v1/schedule/due (path) as c: the envelope, as_of
 * (today_lo..today_hi), each item's shape, status, horizon and state, and
 * the order from *prev on (the last item seen, updated). Appends its items to
 * all; returns the next cursor (the caller frees) or NULL on the last page.
 */
static char *check_due_page(const cc_test_caller_t *c, const char *path, int want_n, int64_t today_lo,
                            int64_t today_hi, int64_t *as_of, json_t *all, json_t **prev)
{
    cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    int64_t today = date_member(resp->json, "as_of");
    ck_assert_msg(today >= today_lo && today <= today_hi, "%s as_of is not today (UTC): %s", path,
                  resp->body);
    json_t *n = json_object_get(resp->json, "within_days");
    ck_assert_msg(json_is_integer(n) && json_integer_value(n) == want_n, "%s within_days, want %d: %s", path,
                  want_n, resp->body);
    json_t *next = json_object_get(resp->json, "next_cursor");
    ck_assert_msg(json_is_null(next) || json_is_string(next), "%s next_cursor: %s", path, resp->body);
    json_t *items = json_object_get(resp->json, "items"), *item;
    ck_assert_msg(json_is_array(items) && json_array_size(items) <= DUE_PAGE, "%s items: %s", path,
                  resp->body);
    ck_assert_msg(json_is_null(next) || json_array_size(items) == DUE_PAGE, "%s a short page goes on: %s",
                  path, resp->body);
    size_t i;
    json_array_foreach(items, i, item)
    {
        assert_record_shape(item);
        char *text = json_dumps(item, JSON_COMPACT);
        const char *status = cc_test_json_string(item, "status");
        ck_assert_msg(strcmp(status, "planned") == 0 || strcmp(status, "scheduled") == 0,
                      "%s lists an audit neither planned nor scheduled: %s", path, text);
        int64_t ws = date_member(item, "window_start"), we = date_member(item, "window_end");
        ck_assert_msg(ws <= today + want_n, "%s lists an audit opening after the horizon: %s", path, text);
        const char *state = cc_test_json_string(item, "state");
        const char *want = we < today ? "overdue" : ws <= today ? "open" : "opening";
        ck_assert_msg(state != NULL && strcmp(state, want) == 0, "%s state, want %s: %s", path, want, text);
        if (*prev != NULL)
            ck_assert_msg(due_cmp(*prev, item) < 0, "%s item %zu out of order (window_end, id): %s", path, i,
                          text);
        json_array_append(all, item);
        *prev = item; /* all holds a reference */
        free(text);
    }
    char *cursor = json_is_string(next) ? cc_strdup(json_string_value(next)) : NULL;
    *as_of = today;
    cc_test_response_free(resp);
    return cursor;
}

/*
 * Walks GET /v1/schedule/due?within_days=<within> (NULL: default, then want_n
 * 30) as c page by page (DUE_PAGE items) until next_cursor is null, asserting
 * every page (check_due_page) and the order across pages. Returns
 * {"items": every item} (the caller decrefs) and as_of in *as_of.
 */
static json_t *get_due(const cc_test_caller_t *c, const char *within, int want_n, int64_t today_lo,
                       int64_t today_hi, int64_t *as_of)
{
    json_t *all = json_array(), *prev = NULL;
    char *cursor = NULL;
    do {
        char *path = cc_test_asprintf("/v1/schedule/due?limit=%d%s%s%s%s", DUE_PAGE,
                                      within != NULL ? "&within_days=" : "", within != NULL ? within : "",
                                      cursor != NULL ? "&cursor=" : "", cursor != NULL ? cursor : "");
        free(cursor);
        cursor = check_due_page(c, path, want_n, today_lo, today_hi, as_of, all, &prev);
        free(path);
    } while (cursor != NULL);
    return json_pack("{s:o}", "items", all);
}

/* Fails unless the due list holds audit a exactly when expected, as its AuditRecord (rec) plus the given
 * state. */
static void assert_due(const json_t *due, const json_t *rec, bool expected, const char *state)
{
    json_t *items = json_object_get(due, "items");
    const char *id = cc_test_json_string(rec, "id");
    const json_t *item = find_item(items, id);
    if (!expected) {
        ck_assert_msg(item == NULL, "the due list holds %s (%s)", id, cc_test_json_string(rec, "type"));
        return;
    }
    ck_assert_msg(item != NULL, "the due list lacks %s (%s)", id, cc_test_json_string(rec, "type"));
    ck_assert_str_eq(cc_test_json_string(item, "state"), state);
    json_t *copy = json_deep_copy(item);
    json_object_del(copy, "state");
    char *text = json_dumps(item, JSON_COMPACT), *want = json_dumps(rec, JSON_COMPACT);
    ck_assert_msg(json_equal(copy, rec), "the due item is not the AuditRecord plus state:\n%s\n%s", text,
                  want);
    free(want);
    free(text);
    json_decref(copy);
}

/* The due list pages: limit=1 answers one item and a cursor that goes on after it; a bad limit or cursor is
 * 400 naming it. */
static void assert_due_pages(const cc_test_caller_t *c)
{
    cc_test_response_t *first =
        cc_test_call(c, "GET", "/v1/schedule/due?within_days=366&limit=1", NULL, NULL);
    cc_test_assert_json(first, 200);
    json_t *items = json_object_get(first->json, "items");
    const char *cursor = cc_test_json_string(first->json, "next_cursor");
    ck_assert_msg(json_array_size(items) == 1 && cursor != NULL, "limit=1 answers one item and a cursor: %s",
                  first->body);
    char *path = cc_test_asprintf("/v1/schedule/due?within_days=366&limit=1&cursor=%s", cursor);
    cc_test_response_t *second = cc_test_call(c, "GET", path, NULL, NULL);
    cc_test_assert_json(second, 200);
    json_t *next = json_object_get(second->json, "items");
    ck_assert_msg(json_array_size(next) == 1 &&
                      due_cmp(json_array_get(items, 0), json_array_get(next, 0)) < 0,
                  "the second page goes on after the first: %s then %s", first->body, second->body);
    free(path);
    cc_test_response_free(second);
    cc_test_response_free(first);
    const struct {
        const char *query, *field;
    } bad[] = {{"limit=0", "limit"}, {"limit=501", "limit"}, {"cursor=not-a-cursor", "cursor"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        path = cc_test_asprintf("/v1/schedule/due?%s", bad[i].query);
        cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
        assert_field_error(resp, bad[i].field, NULL);
        cc_test_response_free(resp);
        free(path);
    }
}

START_TEST(test_due)
{
    fixture_t f;
    fixture_setup(&f, "Audits due");
    int64_t lo = f.today_lo, hi = cc_test_today_utc();

    /* The programme's audits as AuditRecords. */
    char *path = by_programme(&f, NULL);
    json_t *records = cc_test_list_all(&f.sm, path, 500), *rec;
    free(path);
    assert_exactly_programme(records, &f);
    const json_t *stage1 = find_item(records, cc_test_json_string(f.stage1, "id"));
    const json_t *stage2 = find_item(records, cc_test_json_string(f.stage2, "id"));
    const json_t *surveillance1 = find_item(records, cc_test_json_string(f.surveillance1, "id"));
    int64_t as_of;
    size_t i;

    /* within_days=0: the stage1 opens today; stage2 next month, the surveillance years away. */
    json_t *due = get_due(&f.sm, "0", 0, lo, hi, &as_of);
    assert_due(due, stage1, true, "open");
    assert_due(due, stage2, false, NULL);
    assert_due(due, surveillance1, false, NULL);
    json_array_foreach(records, i, rec)
    {
        bool in = date_member(rec, "window_start") <= as_of;
        assert_due(due, rec, in, "open");
    }
    json_decref(due);

    /* within_days=366: stage1 open, stage2 opening; the rest as their windows say. */
    due = get_due(&f.sm, "366", 366, lo, hi, &as_of);
    assert_due(due, stage1, true, "open");
    ck_assert_msg(date_member(stage2, "window_start") > as_of, "stage2 opens today");
    assert_due(due, stage2, true, "opening");
    json_array_foreach(records, i, rec)
    {
        int64_t ws = date_member(rec, "window_start");
        assert_due(due, rec, ws <= as_of + 366, ws <= as_of ? "open" : "opening");
    }
    json_decref(due);

    /* The default horizon is 30 days; within_days 30 says the same. */
    due = get_due(&f.sm, NULL, 30, lo, hi, &as_of);
    assert_due(due, stage1, true, "open");
    json_array_foreach(records, i, rec)
    {
        int64_t ws = date_member(rec, "window_start");
        assert_due(due, rec, ws <= as_of + 30, ws <= as_of ? "open" : "opening");
    }
    json_decref(due);
    due = get_due(&f.sm, "30", 30, lo, hi, &as_of);
    assert_due(due, stage1, true, "open");
    json_decref(due);

    assert_due_pages(&f.sm);

    /* Invalid horizons. */
    const char *bad[] = {"-1", "367", "abc", "1.5", "1000000000000"};
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *p = cc_test_asprintf("/v1/schedule/due?within_days=%s", bad[i]);
        cc_test_response_t *resp = cc_test_call(&f.sm, "GET", p, NULL, NULL);
        assert_field_error(resp, "within_days", NULL);
        cc_test_response_free(resp);
        free(p);
    }

    /* Roles: staff read it, a client user may not. */
    const char *staff[] = {"auditor1", "admin", "decision_maker"};
    for (size_t r = 0; r < sizeof(staff) / sizeof(staff[0]); r++) {
        cc_test_caller_t c;
        cc_test_caller_login(&c, "northcert", staff[r]);
        due = get_due(&c, "0", 0, lo, cc_test_today_utc(), &as_of);
        assert_due(due, stage1, true, "open");
        json_decref(due);
        cc_test_caller_free(&c);
    }
    cc_test_response_t *resp = cc_test_call(&f.client1, "GET", "/v1/schedule/due?within_days=0", NULL, NULL);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.client1, "GET", "/v1/schedule/due", NULL, NULL);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);

    /* Another tenant's due list holds none of them. */
    cc_test_caller_t south;
    cc_test_caller_login(&south, "southcert", "admin");
    due = get_due(&south, "366", 366, lo, cc_test_today_utc(), &as_of);
    json_array_foreach(records, i, rec) assert_due(due, rec, false, NULL);
    json_decref(due);
    cc_test_caller_free(&south);

    json_decref(records);
    fixture_free(&f);
}
END_TEST

/* ---- the date helpers themselves ---- */

START_TEST(test_date_helpers)
{
    ck_assert_int_eq(cc_test_days_from_civil((cc_test_ymd_t){1970, 1, 1}), 0);
    for (int64_t d = -1000; d < 30000; d += 7)
        ck_assert_int_eq(cc_test_days_from_civil(cc_test_civil_from_days(d)), d);
    char buf[16];
    cc_test_format_days(cc_test_add_months(cc_test_days_from_civil((cc_test_ymd_t){2025, 1, 31}), 1), buf);
    ck_assert_str_eq(buf, "2025-02-28");
    int64_t d = 0;
    ck_assert(parse_date("2024-02-29", &d));
    ck_assert(!parse_date("2025-02-29", &d));
    ck_assert(!parse_date("2025-02-30", &d));
    ck_assert(!parse_date("2025-1-01", &d));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audits");
    TCase *tc = tcase_create("audits");
    /* Logins run argon2id (~0.2 s each) and pagination walks one audit per request. */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_date_helpers);
    tcase_add_test(tc, test_anonymous_unauthorized);
    tcase_add_test(tc, test_list_and_get);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_roles_and_scoping);
    tcase_add_test(tc, test_due);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
