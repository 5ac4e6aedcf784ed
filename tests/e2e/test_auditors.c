/*
 * End-to-end tests of auditors, their unavailability and their conflicts of
 * interest through the gateway (CC_TEST_GATEWAY_URL): creation (201,
 * Location, ETag, the Auditor shape with the linked user's name and email,
 * defaults), reading back, one record per user (auditor_exists), field errors
 * (unknown_user, unknown_standard, bad role), Idempotency-Key, the standard and
 * active filters and cursor pagination, the role matrix (staff read, only
 * admin and scheme_manager write, clients refused everywhere, an auditor may
 * record its own unavailability only), cross-tenant 404s, If-Match on PATCH,
 * unavailability periods (before_from, overlapping_unavailability, adjacent
 * periods, ordering by from) and conflicts (the default until of today + two
 * years, unknown_client, live=true). Staff users are created with random
 * addresses so the tests repeat on one database.
 */
#include "cc_mem.h"
#include "cc_test_main.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NO_SUCH_ID "00000000-0000-4000-8000-000000000000"
#define PASSWORD "Auditors-test-password-42"
#define ISO27001 "ISO/IEC 27001:2022"
#define ISO27001_QUERY "ISO%2FIEC%2027001%3A2022"
#define ISO14001 "ISO 14001:2015"
#define ISO14001_QUERY "ISO%2014001%3A2015"
#define ISO9001 "ISO 9001:2015"

static const char *gateway(void)
{
    return cc_test_env("CC_TEST_GATEWAY_URL");
}

static char *auditor_path(const char *id)
{
    return cc_test_asprintf("/v1/auditors/%s", id);
}

static char *unavailability_path(const char *id)
{
    return cc_test_asprintf("/v1/auditors/%s/unavailability", id);
}

static char *conflicts_path(const char *id)
{
    return cc_test_asprintf("/v1/auditors/%s/conflicts", id);
}

/* The code of errors[0] of a problem, or NULL. Borrowed. */
static const char *first_error_code(const cc_test_response_t *resp)
{
    return cc_test_json_string(json_array_get(json_object_get(resp->json, "errors"), 0), "code");
}

/* Fails unless resp is a 400 validation_failed whose first error names field (and code, when given). */
static void assert_field_error(const cc_test_response_t *resp, const char *field, const char *code)
{
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, field);
    if (code != NULL) {
        const char *got = first_error_code(resp);
        ck_assert_msg(got != NULL && strcmp(got, code) == 0, "errors[0].code is %s, want %s: %s", got, code,
                      resp->body);
    }
}

/* Fails unless resp is a 400 validation_failed whose first error field starts with prefix. */
static void assert_field_error_prefix(const cc_test_response_t *resp, const char *prefix)
{
    cc_test_assert_problem(resp, 400, "validation_failed");
    const char *field =
        cc_test_json_string(json_array_get(json_object_get(resp->json, "errors"), 0), "field");
    ck_assert_msg(field != NULL && strncmp(field, prefix, strlen(prefix)) == 0,
                  "errors[0].field is %s, want %s...: %s", field, prefix, resp->body);
}

static bool is_timestamp(const json_t *v)
{
    const char *s = json_string_value(v);
    return s != NULL && strlen(s) >= 20 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't');
}

static bool is_date(const json_t *v)
{
    const char *s = json_string_value(v);
    return s != NULL && strlen(s) == 10 && s[4] == '-' && s[7] == '-';
}

static bool str_is(const json_t *obj, const char *key, const char *want)
{
    const char *got = cc_test_json_string(obj, key);
    return got != NULL && strcmp(got, want) == 0;
}

/* Asserts the Competence shape of the spec. */
static void assert_competence_shape(const json_t *c, const char *text)
{
    ck_assert_msg(json_is_object(c), "a competence is not an object: %s", text);
    ck_assert_msg(cc_test_json_string(c, "standard") != NULL, "competence standard: %s", text);
    json_t *codes = json_object_get(c, "sector_codes"), *code;
    ck_assert_msg(json_is_array(codes) && json_array_size(codes) <= 50, "competence sector_codes: %s", text);
    size_t i;
    json_array_foreach(codes, i, code) ck_assert_msg(json_is_string(code), "a sector code: %s", text);
    const char *role = cc_test_json_string(c, "role");
    ck_assert_msg(role != NULL && (strcmp(role, "lead") == 0 || strcmp(role, "auditor") == 0 ||
                                   strcmp(role, "technical_expert") == 0),
                  "competence role: %s", text);
}

/* Asserts the Auditor shape of the spec. */
static void assert_auditor_shape(const json_t *a)
{
    char *text = json_dumps(a, JSON_COMPACT);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(a, "id")), "auditor id: %s", text);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(a, "user_id")), "auditor user_id: %s", text);
    ck_assert_msg(cc_test_json_string(a, "name") != NULL, "auditor name: %s", text);
    ck_assert_msg(cc_test_json_string(a, "email") != NULL, "auditor email: %s", text);
    json_t *competences = json_object_get(a, "competences"), *c;
    ck_assert_msg(json_is_array(competences) && json_array_size(competences) <= 20, "auditor competences: %s",
                  text);
    size_t i;
    json_array_foreach(competences, i, c) assert_competence_shape(c, text);
    ck_assert_msg(json_is_boolean(json_object_get(a, "active")), "auditor active: %s", text);
    ck_assert_msg(json_integer_value(json_object_get(a, "version")) >= 1, "auditor version: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(a, "created_at")), "auditor created_at: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(a, "updated_at")), "auditor updated_at: %s", text);
    free(text);
}

/* Asserts the Unavailability shape of the spec, and that it belongs to auditor_id. */
static void assert_unavailability_shape(const json_t *u, const char *auditor_id)
{
    char *text = json_dumps(u, JSON_COMPACT);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(u, "id")), "unavailability id: %s", text);
    ck_assert_msg(str_is(u, "auditor_id", auditor_id), "unavailability auditor_id, want %s: %s", auditor_id,
                  text);
    ck_assert_msg(is_date(json_object_get(u, "from")), "unavailability from: %s", text);
    ck_assert_msg(is_date(json_object_get(u, "to")), "unavailability to: %s", text);
    const char *reason = cc_test_json_string(u, "reason");
    ck_assert_msg(reason != NULL && *reason != '\0', "unavailability reason: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(u, "created_at")), "unavailability created_at: %s", text);
    free(text);
}

/* Asserts the Conflict shape of the spec, and that it belongs to auditor_id. */
static void assert_conflict_shape(const json_t *c, const char *auditor_id)
{
    char *text = json_dumps(c, JSON_COMPACT);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(c, "id")), "conflict id: %s", text);
    ck_assert_msg(str_is(c, "auditor_id", auditor_id), "conflict auditor_id, want %s: %s", auditor_id, text);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(c, "client_id")), "conflict client_id: %s", text);
    const char *reason = cc_test_json_string(c, "reason");
    ck_assert_msg(reason != NULL && *reason != '\0', "conflict reason: %s", text);
    ck_assert_msg(is_date(json_object_get(c, "until")), "conflict until: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(c, "created_at")), "conflict created_at: %s", text);
    free(text);
}

static json_t *competence(const char *standard, const char *sector_code, const char *role)
{
    json_t *codes = json_array();
    if (sector_code != NULL)
        json_array_append_new(codes, json_string(sector_code));
    return json_pack("{s:s, s:o, s:s}", "standard", standard, "sector_codes", codes, "role", role);
}

/* The competences of the brief: lead for ISO/IEC 27001:2022 in IAF 33. */
static json_t *lead_27001(void)
{
    json_t *list = json_array();
    json_array_append_new(list, competence(ISO27001, "IAF 33", "lead"));
    return list;
}

static json_t *auditor_body(const char *user_id, json_t *competences)
{
    json_t *body = json_pack("{s:s}", "user_id", user_id);
    if (competences != NULL)
        json_object_set_new(body, "competences", competences);
    return body;
}

/*
 * A new staff user of the tenant of admin with the given role, a random
 * address and PASSWORD. Returns its caller-freed id; *email_out (when not
 * NULL) receives its caller-freed address.
 */
static char *new_staff_user(const cc_test_caller_t *admin, const char *tenant, const char *role,
                            char **email_out)
{
    char *email = cc_test_unique_email("auditors", tenant);
    char *id = cc_test_create_user(gateway(), admin->tokens.access, email, role, NULL, PASSWORD);
    if (email_out != NULL)
        *email_out = email;
    else
        free(email);
    return id;
}

/* POSTs an auditor for user_id as c, asserts 201 with its shape and returns the caller-freed response. */
static cc_test_response_t *create_auditor_resp(const cc_test_caller_t *c, const char *user_id,
                                               json_t *competences)
{
    json_t *body = auditor_body(user_id, competences);
    cc_test_response_t *resp = cc_test_call_json(c, "POST", "/v1/auditors", NULL, body);
    json_decref(body);
    cc_test_assert_json(resp, 201);
    assert_auditor_shape(resp->json);
    ck_assert_msg(str_is(resp->json, "user_id", user_id), "auditor user_id, want %s: %s", user_id,
                  resp->body);
    return resp;
}

/* As create_auditor_resp, returning only the caller-freed id. */
static char *create_auditor(const cc_test_caller_t *c, const char *user_id, json_t *competences)
{
    cc_test_response_t *resp = create_auditor_resp(c, user_id, competences);
    char *id = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    return id;
}

/* GETs a list (unavailability, conflicts) short enough for one page as c: 200, next_cursor null; returns
 * items (decref). */
static json_t *get_items(const cc_test_caller_t *c, const char *path)
{
    cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *items = json_object_get(resp->json, "items");
    ck_assert_msg(json_is_array(items), "%s: no items: %s", path, resp->body);
    json_t *next = json_object_get(resp->json, "next_cursor");
    ck_assert_msg(next != NULL && json_is_null(next), "%s: next_cursor is not null: %s", path, resp->body);
    json_incref(items);
    cc_test_response_free(resp);
    return items;
}

/* Fails unless the list at path, walked `limit` items a page, holds the ids of want (n of them) in order. */
static void assert_walk(const cc_test_caller_t *c, const char *path, int limit, const char *const *want,
                        size_t n)
{
    json_t *all = cc_test_list_walk(c, path, limit, false);
    ck_assert_msg(json_array_size(all) == n, "%s walked %d a page: %zu items, want %zu", path, limit,
                  json_array_size(all), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(str_is(json_array_get(all, i), "id", want[i]), "%s item %zu is %s, want %s", path, i,
                      cc_test_json_string(json_array_get(all, i), "id"), want[i]);
    json_decref(all);
}

/* limit out of range and a cursor this API did not return answer 400 naming them. */
static void assert_bad_page_params(const cc_test_caller_t *c, const char *path)
{
    const char *bad[][2] = {
        {"limit=0", "limit"}, {"limit=501", "limit"}, {"cursor=bm90LWEtdXVpZA", "cursor"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *query = cc_test_asprintf("%s?%s", path, bad[i][0]);
        cc_test_response_t *resp = cc_test_call(c, "GET", query, NULL, NULL);
        assert_field_error(resp, bad[i][1], NULL);
        cc_test_response_free(resp);
        free(query);
    }
}

/* The item of items whose key equals value, or NULL. Borrowed. */
static json_t *find_by(const json_t *items, const char *key, const char *value)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (str_is(item, key, value))
            return item;
    }
    return NULL;
}

static json_t *find_item(const json_t *items, const char *id)
{
    return find_by(items, "id", id);
}

/* True when the auditor a holds a competence for standard. */
static bool holds_standard(const json_t *a, const char *standard)
{
    return find_by(json_object_get(a, "competences"), "standard", standard) != NULL;
}

/* The caller-freed id of the auditor record of the seeded user local_part@northcert.example. */
static char *seeded_auditor_id(const cc_test_caller_t *c, const char *local_part)
{
    char email[128];
    snprintf(email, sizeof(email), "%s@northcert.example", local_part);
    json_t *items = cc_test_list_all(c, "/v1/auditors", 100);
    json_t *a = find_by(items, "email", email);
    ck_assert_msg(a != NULL, "no auditor record for the seeded %s", email);
    char *id = cc_strdup(cc_test_json_string(a, "id"));
    json_decref(items);
    return id;
}

/* The caller-freed id of c's own user, from GET /v1/me. */
static char *own_user_id(const cc_test_caller_t *c)
{
    cc_test_response_t *me = cc_test_call(c, "GET", "/v1/me", NULL, NULL);
    cc_test_assert_json(me, 200);
    const char *id = cc_test_json_string(me->json, "id");
    ck_assert_msg(cc_test_is_uuid(id), "/v1/me without an id: %s", me->body);
    char *copy = cc_strdup(id);
    cc_test_response_free(me);
    return copy;
}

/* The caller-freed id of some client organisation of c's tenant. */
static char *some_client_id(const cc_test_caller_t *c)
{
    cc_test_response_t *resp = cc_test_call(c, "GET", "/v1/clients?limit=1", NULL, NULL);
    cc_test_assert_json(resp, 200);
    const char *id = cc_test_json_string(json_array_get(json_object_get(resp->json, "items"), 0), "id");
    ck_assert_msg(cc_test_is_uuid(id), "no client organisation listed: %s", resp->body);
    char *copy = cc_strdup(id);
    cc_test_response_free(resp);
    return copy;
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/*
 * Writes today in UTC plus years as YYYY-MM-DD to out. For 29 February into
 * a common year both 28 February and 1 March are defensible; alt receives the
 * other one (or "" when there is only one answer).
 */
static void utc_date_plus_years(int years, char out[11], char alt[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    tm.tm_year += years;
    alt[0] = '\0';
    if (tm.tm_mon == 1 && tm.tm_mday == 29 && !is_leap(tm.tm_year + 1900)) {
        tm.tm_mday = 28;
        strftime(out, 11, "%Y-%m-%d", &tm);
        tm.tm_mon = 2;
        tm.tm_mday = 1;
        strftime(alt, 11, "%Y-%m-%d", &tm);
        return;
    }
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- create, read ---- */

START_TEST(test_create_get)
{
    cc_test_caller_t admin, sm;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char *email = NULL;
    char *user_id = new_staff_user(&admin, "northcert", "auditor", &email);

    json_t *competences = lead_27001();
    json_t *body = auditor_body(user_id, json_incref(competences));
    cc_test_response_t *resp = cc_test_call_json(&sm, "POST", "/v1/auditors", NULL, body);
    cc_test_assert_json(resp, 201);
    assert_auditor_shape(resp->json);
    ck_assert_int_eq(cc_test_version_of(resp), 1);
    cc_test_assert_etag(resp, 1);
    const char *id = cc_test_json_string(resp->json, "id");
    char *path = auditor_path(id);
    cc_test_assert_location(resp, path);
    ck_assert_msg(str_is(resp->json, "user_id", user_id), "user_id: %s", resp->body);
    ck_assert_msg(str_is(resp->json, "email", email), "email is not the user's %s: %s", email, resp->body);
    char *name = cc_test_asprintf("Test user %s", email);
    ck_assert_msg(str_is(resp->json, "name", name), "name is not the user's %s: %s", name, resp->body);
    free(name);
    ck_assert_msg(json_equal(json_object_get(resp->json, "competences"), competences), "competences: %s",
                  resp->body);
    ck_assert_msg(json_is_true(json_object_get(resp->json, "active")), "active defaults to true: %s",
                  resp->body);

    cc_test_response_t *got = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(got, 200);
    ck_assert_msg(json_equal(got->json, resp->json), "GET differs from the POST answer: %s / %s", got->body,
                  resp->body);
    cc_test_assert_etag(got, 1);
    cc_test_response_free(got);

    /* One auditor record per user, whoever writes. */
    cc_test_response_t *again = cc_test_call_json(&sm, "POST", "/v1/auditors", NULL, body);
    cc_test_assert_problem(again, 409, "auditor_exists");
    cc_test_response_free(again);
    again = cc_test_call_json(&admin, "POST", "/v1/auditors", NULL, body);
    cc_test_assert_problem(again, 409, "auditor_exists");
    cc_test_response_free(again);

    /* A user who is not staff of this tenant. */
    cc_test_caller_t client1, south;
    cc_test_caller_login(&client1, "northcert", "client1");
    cc_test_caller_login(&south, "southcert", "admin");
    char *client_user = own_user_id(&client1);
    char *south_user = new_staff_user(&south, "southcert", "auditor", NULL);
    const char *not_staff[] = {client_user, south_user, NO_SUCH_ID};
    for (size_t i = 0; i < sizeof(not_staff) / sizeof(not_staff[0]); i++) {
        json_t *b = auditor_body(not_staff[i], lead_27001());
        cc_test_response_t *r = cc_test_call_json(&sm, "POST", "/v1/auditors", NULL, b);
        assert_field_error(r, "user_id", "unknown_user");
        cc_test_response_free(r);
        json_decref(b);
    }
    free(south_user);
    free(client_user);
    cc_test_caller_free(&south);
    cc_test_caller_free(&client1);

    /* Field errors, on a user who has no auditor record yet. */
    char *spare_email = NULL;
    char *spare = new_staff_user(&admin, "northcert", "auditor", &spare_email);
    struct {
        const char *body_fmt, *field, *code;
    } bad[] = {
        {"{\"user_id\":\"%s\",\"competences\":[{\"standard\":\"ISO 99999:2042\",\"sector_codes\":[],"
         "\"role\":\"lead\"}]}",
         "competences[0].standard", "unknown_standard"},
        {"{\"user_id\":\"%s\",\"competences\":[{\"standard\":\"" ISO9001 "\",\"sector_codes\":[],"
         "\"role\":\"auditor\"},{\"standard\":\"ISO 27001:2022\",\"sector_codes\":[],\"role\":\"lead\"}]}",
         "competences[1].standard", "unknown_standard"}, /* neither the reference nor the code */
        {"{\"user_id\":\"%s\",\"competences\":[{\"standard\":\"" ISO27001 "\",\"sector_codes\":[],"
         "\"role\":\"boss\"}]}",
         "competences[0].role", NULL},
        {"{\"user_id\":\"%s\",\"competences\":[{\"standard\":\"" ISO27001 "\",\"sector_codes\":[\"IAF/33\"],"
         "\"role\":\"lead\"}]}",
         "competences[0].sector_codes", NULL},
        {"{\"user_id\":\"%s\",\"competences\":[{\"standard\":\"" ISO27001 "\",\"sector_codes\":"
         "[\"a sector code far too long\"],\"role\":\"lead\"}]}",
         "competences[0].sector_codes", NULL},
        {"{\"user_id\":\"%s\",\"active\":\"yes\"}", "active", NULL},
        {"{\"user_id\":\"%s\",\"competences\":{}}", "competences", NULL},
        {"{\"user_id\":\"%s\",\"shoe_size\":42}", "shoe_size", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *text = cc_test_asprintf(bad[i].body_fmt, spare);
        cc_test_response_t *r = cc_test_call(&sm, "POST", "/v1/auditors", NULL, text);
        if (bad[i].code != NULL) {
            assert_field_error(r, bad[i].field, bad[i].code);
        } else {
            assert_field_error_prefix(r, bad[i].field);
        }
        cc_test_response_free(r);
        free(text);
    }
    cc_test_response_t *r = cc_test_call(&sm, "POST", "/v1/auditors", NULL, "{\"competences\":[]}");
    assert_field_error(r, "user_id", NULL);
    cc_test_response_free(r);
    r = cc_test_call(&sm, "POST", "/v1/auditors", NULL, "{\"user_id\":\"not-a-uuid\"}");
    assert_field_error(r, "user_id", NULL);
    cc_test_response_free(r);
    /* More than 20 competences. */
    json_t *many = json_array();
    for (int i = 0; i < 21; i++)
        json_array_append_new(many, competence(ISO27001, NULL, "auditor"));
    json_t *many_body = auditor_body(spare, many);
    r = cc_test_call_json(&sm, "POST", "/v1/auditors", NULL, many_body);
    assert_field_error_prefix(r, "competences");
    cc_test_response_free(r);
    json_decref(many_body);

    /* None of them created anything: admin may still create the spare user's record, with the defaults. */
    cc_test_response_t *spare_resp = create_auditor_resp(&admin, spare, NULL);
    ck_assert_msg(json_array_size(json_object_get(spare_resp->json, "competences")) == 0 &&
                      json_is_array(json_object_get(spare_resp->json, "competences")),
                  "competences default to []: %s", spare_resp->body);
    ck_assert(json_is_true(json_object_get(spare_resp->json, "active")));
    ck_assert_msg(str_is(spare_resp->json, "email", spare_email), "email: %s", spare_resp->body);
    ck_assert_int_eq(cc_test_version_of(spare_resp), 1);
    cc_test_assert_etag(spare_resp, 1);
    cc_test_response_free(spare_resp);

    /* Staff roles other than auditor may hold an auditor record too; explicit active false is kept. */
    char *dm_user = new_staff_user(&admin, "northcert", "decision_maker", NULL);
    json_t *dm_body = auditor_body(dm_user, json_array());
    json_object_set_new(dm_body, "active", json_false());
    r = cc_test_call_json(&sm, "POST", "/v1/auditors", NULL, dm_body);
    cc_test_assert_json(r, 201);
    assert_auditor_shape(r->json);
    ck_assert_msg(json_is_false(json_object_get(r->json, "active")), "active: %s", r->body);
    cc_test_response_free(r);
    json_decref(dm_body);
    free(dm_user);

    free(spare);
    free(spare_email);
    free(path);
    cc_test_response_free(resp);
    json_decref(body);
    json_decref(competences);
    free(user_id);
    free(email);
    cc_test_caller_free(&sm);
    cc_test_caller_free(&admin);
}
END_TEST

START_TEST(test_idempotency_key)
{
    cc_test_caller_t admin, sm;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char *user_id = new_staff_user(&admin, "northcert", "auditor", NULL);
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *key = cc_test_asprintf("Idempotency-Key: auditors-%s", suffix);
    json_t *body = auditor_body(user_id, lead_27001());

    cc_test_response_t *first = cc_test_call_json(&sm, "POST", "/v1/auditors", key, body);
    cc_test_assert_json(first, 201);
    const char *replayed = cc_test_response_header(first, "Idempotent-Replayed");
    ck_assert_msg(replayed == NULL || strcmp(replayed, "true") != 0, "the first answer is marked replayed");
    const char *id = cc_test_json_string(first->json, "id");
    cc_test_response_t *again = cc_test_call_json(&sm, "POST", "/v1/auditors", key, body);
    cc_test_assert_json(again, 201); /* not 409 auditor_exists: a replay */
    replayed = cc_test_response_header(again, "Idempotent-Replayed");
    ck_assert_msg(replayed != NULL && strcmp(replayed, "true") == 0, "Idempotent-Replayed: %s",
                  replayed != NULL ? replayed : "(none)");
    ck_assert_str_eq(cc_test_json_string(again->json, "id"), id);
    char *path = auditor_path(id);
    cc_test_assert_location(again, path);

    /* Created once. */
    json_t *items = cc_test_list_all(&sm, "/v1/auditors", 100);
    int n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) n += str_is(item, "user_id", user_id);
    ck_assert_int_eq(n, 1);
    json_decref(items);

    /* Without the key the same body is a second record: refused. */
    cc_test_response_t *plain = cc_test_call_json(&sm, "POST", "/v1/auditors", NULL, body);
    cc_test_assert_problem(plain, 409, "auditor_exists");
    cc_test_response_free(plain);

    free(path);
    cc_test_response_free(again);
    cc_test_response_free(first);
    json_decref(body);
    free(key);
    free(user_id);
    cc_test_caller_free(&sm);
    cc_test_caller_free(&admin);
}
END_TEST

/* ---- list ---- */

START_TEST(test_list_filters_and_pagination)
{
    cc_test_caller_t admin, sm;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char *user_id = new_staff_user(&admin, "northcert", "auditor", NULL);
    char *id = create_auditor(&sm, user_id, lead_27001());
    char *idle_user = new_staff_user(&admin, "northcert", "auditor", NULL);
    json_t *idle_body = auditor_body(idle_user, json_array());
    json_object_set_new(idle_body, "active", json_false());
    cc_test_response_t *resp = cc_test_call_json(&sm, "POST", "/v1/auditors", NULL, idle_body);
    cc_test_assert_json(resp, 201);
    char *idle_id = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    json_decref(idle_body);
    char *auditor1 = seeded_auditor_id(&sm, "auditor1");
    char *auditor2 = seeded_auditor_id(&sm, "auditor2");

    /* The seeded competences. */
    char *a1_path = auditor_path(auditor1);
    resp = cc_test_call(&sm, "GET", a1_path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    assert_auditor_shape(resp->json);
    json_t *a1_27001 = find_by(json_object_get(resp->json, "competences"), "standard", ISO27001);
    json_t *want = competence(ISO27001, "IAF 33", "lead");
    ck_assert_msg(a1_27001 != NULL && json_equal(a1_27001, want), "auditor1's 27001 competence: %s",
                  resp->body);
    json_decref(want);
    json_t *a1_9001 = find_by(json_object_get(resp->json, "competences"), "standard", ISO9001);
    ck_assert_msg(a1_9001 != NULL && str_is(a1_9001, "role", "auditor"), "auditor1's 9001 competence: %s",
                  resp->body);
    cc_test_response_free(resp);

    /* standard=ISO/IEC 27001:2022 */
    json_t *items = cc_test_list_all(&sm, "/v1/auditors?standard=" ISO27001_QUERY, 100);
    ck_assert_msg(find_item(items, id) != NULL, "the new auditor is not listed for " ISO27001);
    ck_assert_msg(find_item(items, auditor1) != NULL, "auditor1 is not listed for " ISO27001);
    ck_assert_msg(find_item(items, auditor2) != NULL, "auditor2 is not listed for " ISO27001);
    ck_assert_msg(find_item(items, idle_id) == NULL, "an auditor without competences is listed");
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        assert_auditor_shape(item);
        ck_assert_msg(holds_standard(item, ISO27001), "%s is listed for " ISO27001 " without it",
                      cc_test_json_string(item, "id"));
    }
    json_decref(items);

    /* standard=ISO 14001:2015: auditor1 holds no such competence. */
    items = cc_test_list_all(&sm, "/v1/auditors?standard=" ISO14001_QUERY, 100);
    ck_assert_msg(find_item(items, auditor1) == NULL, "auditor1 is listed for " ISO14001);
    ck_assert_msg(find_item(items, id) == NULL, "the new auditor is listed for " ISO14001);
    json_array_foreach(items, i, item)
        ck_assert_msg(holds_standard(item, ISO14001), "%s is listed for " ISO14001 " without it",
                      cc_test_json_string(item, "id"));
    json_decref(items);

    /* active=true|false */
    items = cc_test_list_all(&sm, "/v1/auditors?active=false", 100);
    ck_assert_msg(find_item(items, idle_id) != NULL, "the inactive auditor is not listed with active=false");
    ck_assert_msg(find_item(items, id) == NULL, "an active auditor is listed with active=false");
    json_array_foreach(items, i, item) ck_assert(json_is_false(json_object_get(item, "active")));
    json_decref(items);
    items = cc_test_list_all(&sm, "/v1/auditors?active=true", 100);
    ck_assert_msg(find_item(items, idle_id) == NULL, "the inactive auditor is listed with active=true");
    ck_assert_msg(find_item(items, id) != NULL && find_item(items, auditor1) != NULL,
                  "active auditors missing with active=true");
    json_array_foreach(items, i, item) ck_assert(json_is_true(json_object_get(item, "active")));
    json_decref(items);

    /* Page by page: the same set as one big page, none twice. */
    json_t *small = cc_test_list_all(&sm, "/v1/auditors", 1);
    json_t *big = cc_test_list_all(&sm, "/v1/auditors", 100);
    ck_assert_int_ge(json_array_size(small), 4); /* auditor1, auditor2 and the two new ones */
    ck_assert_uint_eq(json_array_size(small), json_array_size(big));
    json_array_foreach(small, i, item)
    {
        json_t *b = find_item(big, cc_test_json_string(item, "id"));
        ck_assert_msg(b != NULL && json_equal(b, item), "page walks differ at %s",
                      cc_test_json_string(item, "id"));
    }
    ck_assert_ptr_nonnull(find_item(small, id));
    ck_assert_ptr_nonnull(find_item(small, idle_id));
    ck_assert_ptr_nonnull(find_item(small, auditor1));
    json_decref(big);
    json_decref(small);
    /* The filter combines with pagination. */
    items = cc_test_list_all(&sm, "/v1/auditors?standard=" ISO27001_QUERY, 1);
    ck_assert_msg(find_item(items, id) != NULL && find_item(items, auditor1) != NULL,
                  "paged standard filter misses auditors");
    json_decref(items);

    free(a1_path);
    free(auditor2);
    free(auditor1);
    free(idle_id);
    free(idle_user);
    free(id);
    free(user_id);
    cc_test_caller_free(&sm);
    cc_test_caller_free(&admin);
}
END_TEST

/* ---- roles ---- */

START_TEST(test_roles)
{
    cc_test_caller_t admin, sm;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char *user_id = new_staff_user(&admin, "northcert", "auditor", NULL);
    char *id = create_auditor(&sm, user_id, lead_27001());
    char *path = auditor_path(id), *upath = unavailability_path(id), *cpath = conflicts_path(id);
    char *client_id = some_client_id(&sm);
    char *other_user = new_staff_user(&admin, "northcert", "auditor", NULL);
    json_t *create = auditor_body(other_user, lead_27001());
    json_t *unavail =
        json_pack("{s:s, s:s, s:s}", "from", "2032-05-01", "to", "2032-05-02", "reason", "Leave");
    json_t *conflict = json_pack("{s:s, s:s}", "client_id", client_id, "reason", "Former consultant");

    const char *readers[] = {"auditor1", "decision_maker"};
    for (size_t r = 0; r < sizeof(readers) / sizeof(readers[0]); r++) {
        cc_test_caller_t c;
        cc_test_caller_login(&c, "northcert", readers[r]);
        cc_test_response_t *resp = cc_test_call(&c, "GET", path, NULL, NULL);
        cc_test_assert_json(resp, 200);
        ck_assert_msg(str_is(resp->json, "id", id), "%s reads another auditor: %s", readers[r], resp->body);
        cc_test_assert_etag(resp, 1);
        cc_test_response_free(resp);
        json_t *items = cc_test_list_all(&c, "/v1/auditors", 100);
        ck_assert_msg(find_item(items, id) != NULL, "%s does not see auditor %s", readers[r], id);
        json_decref(items);
        items = get_items(&c, upath);
        json_decref(items);
        items = get_items(&c, cpath);
        json_decref(items);

        /* Write: forbidden. */
        resp = cc_test_call_json(&c, "POST", "/v1/auditors", NULL, create);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        resp = cc_test_call(&c, "PATCH", path, "If-Match: \"1\"", "{\"active\":false}");
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        resp = cc_test_call_json(&c, "POST", cpath, NULL, conflict);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        /* Not the auditor themself: no unavailability for another auditor. */
        resp = cc_test_call_json(&c, "POST", upath, NULL, unavail);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        cc_test_caller_free(&c);
    }

    /* A client user: 403 on every auditor route. */
    cc_test_caller_t client1;
    cc_test_caller_login(&client1, "northcert", "client1");
    const char *reads[] = {"/v1/auditors", path, upath, cpath};
    for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        cc_test_response_t *resp = cc_test_call(&client1, "GET", reads[i], NULL, NULL);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
    }
    cc_test_response_t *resp = cc_test_call_json(&client1, "POST", "/v1/auditors", NULL, create);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call(&client1, "PATCH", path, "If-Match: \"1\"", "{\"active\":false}");
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call_json(&client1, "POST", upath, NULL, unavail);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = cc_test_call_json(&client1, "POST", cpath, NULL, conflict);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    cc_test_caller_free(&client1);

    /* Anonymous. */
    resp = cc_test_call(NULL, "GET", "/v1/auditors", NULL, NULL);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    resp = cc_test_call_json(NULL, "POST", "/v1/auditors", NULL, create);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);

    /* Nothing was changed or added. */
    resp = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 1);
    ck_assert(json_is_true(json_object_get(resp->json, "active")));
    cc_test_response_free(resp);
    json_t *items = get_items(&sm, upath);
    ck_assert_uint_eq(json_array_size(items), 0);
    json_decref(items);
    items = get_items(&sm, cpath);
    ck_assert_uint_eq(json_array_size(items), 0);
    json_decref(items);
    items = cc_test_list_all(&sm, "/v1/auditors", 100);
    ck_assert_msg(find_by(items, "user_id", other_user) == NULL, "a forbidden POST created an auditor");
    json_decref(items);

    /* admin writes too. */
    resp = cc_test_call(&admin, "PATCH", path, "If-Match: \"1\"", "{\"active\":false}");
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 2);
    cc_test_response_free(resp);
    free(create_auditor(&admin, other_user, NULL));

    json_decref(conflict);
    json_decref(unavail);
    json_decref(create);
    free(other_user);
    free(client_id);
    free(cpath);
    free(upath);
    free(path);
    free(id);
    free(user_id);
    cc_test_caller_free(&sm);
    cc_test_caller_free(&admin);
}
END_TEST

/* ---- tenants ---- */

START_TEST(test_cross_tenant_is_not_found)
{
    cc_test_caller_t admin, sm, south;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    cc_test_caller_login(&south, "southcert", "admin");
    char *user_id = new_staff_user(&admin, "northcert", "auditor", NULL);
    char *id = create_auditor(&sm, user_id, lead_27001());
    char *path = auditor_path(id), *upath = unavailability_path(id), *cpath = conflicts_path(id);
    char *south_client = some_client_id(&south);
    char *north_client = some_client_id(&sm);
    json_t *unavail =
        json_pack("{s:s, s:s, s:s}", "from", "2033-01-10", "to", "2033-01-12", "reason", "Leave");
    json_t *conflict = json_pack("{s:s, s:s}", "client_id", south_client, "reason", "Hijack");

    cc_test_response_t *resp = cc_test_call(&south, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&south, "PATCH", path, "If-Match: \"1\"", "{\"active\":false}");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&south, "PATCH", path, NULL, "{\"active\":false}");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call_json(&south, "POST", upath, NULL, unavail);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call_json(&south, "POST", cpath, NULL, conflict);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&south, "GET", upath, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&south, "GET", cpath, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    json_t *items = cc_test_list_all(&south, "/v1/auditors", 100);
    ck_assert_msg(find_item(items, id) == NULL, "a northcert auditor is listed to southcert");
    ck_assert_msg(find_by(items, "email", "auditor1@northcert.example") == NULL,
                  "northcert's auditor1 is listed to southcert");
    json_decref(items);

    /* Untouched in its own tenant. */
    resp = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 1);
    ck_assert(json_is_true(json_object_get(resp->json, "active")));
    cc_test_response_free(resp);
    items = get_items(&sm, upath);
    ck_assert_uint_eq(json_array_size(items), 0);
    json_decref(items);
    items = get_items(&sm, cpath);
    ck_assert_uint_eq(json_array_size(items), 0);
    json_decref(items);

    /* Another tenant's client organisation is not a client of this one. */
    resp = cc_test_call_json(&sm, "POST", cpath, NULL, conflict);
    assert_field_error(resp, "client_id", "unknown_client");
    cc_test_response_free(resp);

    /* An id that does not exist at all answers the same 404. */
    char *missing = auditor_path(NO_SUCH_ID), *missing_u = unavailability_path(NO_SUCH_ID),
         *missing_c = conflicts_path(NO_SUCH_ID);
    json_t *north_conflict = json_pack("{s:s, s:s}", "client_id", north_client, "reason", "Nobody");
    resp = cc_test_call(&sm, "GET", missing, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&sm, "PATCH", missing, NULL, "{\"active\":false}");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call_json(&sm, "POST", missing_u, NULL, unavail);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call_json(&sm, "POST", missing_c, NULL, north_conflict);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);

    json_decref(north_conflict);
    free(missing_c);
    free(missing_u);
    free(missing);
    json_decref(conflict);
    json_decref(unavail);
    free(north_client);
    free(south_client);
    free(cpath);
    free(upath);
    free(path);
    free(id);
    free(user_id);
    cc_test_caller_free(&south);
    cc_test_caller_free(&sm);
    cc_test_caller_free(&admin);
}
END_TEST

/* ---- PATCH ---- */

START_TEST(test_patch_if_match)
{
    cc_test_caller_t admin, sm;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char *user_id = new_staff_user(&admin, "northcert", "auditor", NULL);
    cc_test_response_t *created = create_auditor_resp(&sm, user_id, lead_27001());
    const char *id = cc_test_json_string(created->json, "id");
    char *path = auditor_path(id);

    json_t *competences = json_array();
    json_array_append_new(competences, competence(ISO9001, "IAF 17", "auditor"));
    json_array_append_new(competences, competence(ISO14001, NULL, "technical_expert"));
    json_t *patch = json_pack("{s:O}", "competences", competences);

    cc_test_response_t *resp = cc_test_call_json(&sm, "PATCH", path, "If-Match: \"7\"", patch);
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);

    resp = cc_test_call_json(&sm, "PATCH", path, "If-Match: \"1\"", patch);
    cc_test_assert_json(resp, 200);
    assert_auditor_shape(resp->json);
    ck_assert_int_eq(cc_test_version_of(resp), 2);
    cc_test_assert_etag(resp, 2);
    ck_assert_msg(json_equal(json_object_get(resp->json, "competences"), competences),
                  "competences after PATCH: %s", resp->body);
    ck_assert(json_is_true(json_object_get(resp->json, "active")));
    ck_assert_msg(
        json_equal(json_object_get(resp->json, "created_at"), json_object_get(created->json, "created_at")),
        "created_at changed: %s", resp->body);
    ck_assert_msg(
        str_is(resp->json, "user_id", user_id) &&
            json_equal(json_object_get(resp->json, "email"), json_object_get(created->json, "email")),
        "user changed: %s", resp->body);
    cc_test_response_t *got = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(got, 200);
    ck_assert_msg(json_equal(got->json, resp->json), "GET differs from the PATCH answer: %s / %s", got->body,
                  resp->body);
    cc_test_assert_etag(got, 2);
    cc_test_response_free(got);
    cc_test_response_free(resp);

    /* The stale version no longer matches. */
    resp = cc_test_call(&sm, "PATCH", path, "If-Match: \"1\"", "{\"active\":false}");
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);

    /* Deactivation keeps the competences. */
    resp = cc_test_call(&admin, "PATCH", path, "If-Match: \"2\"", "{\"active\":false}");
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 3);
    ck_assert_msg(json_is_false(json_object_get(resp->json, "active")), "active: %s", resp->body);
    ck_assert_msg(json_equal(json_object_get(resp->json, "competences"), competences),
                  "competences after deactivation: %s", resp->body);
    cc_test_response_free(resp);
    json_t *items = cc_test_list_all(&sm, "/v1/auditors?active=false", 100);
    ck_assert_msg(find_item(items, id) != NULL, "the deactivated auditor is not listed with active=false");
    json_decref(items);
    /* Its new competences drive the standard filter. */
    items = cc_test_list_all(&sm, "/v1/auditors?standard=" ISO14001_QUERY, 100);
    ck_assert_msg(find_item(items, id) != NULL, "the patched auditor is not listed for " ISO14001);
    json_decref(items);
    items = cc_test_list_all(&sm, "/v1/auditors?standard=" ISO27001_QUERY, 100);
    ck_assert_msg(find_item(items, id) == NULL, "the patched auditor is still listed for " ISO27001);
    json_decref(items);

    /* Bad patches change nothing. */
    const char *bad[][2] = {
        {"{}", NULL},
        {"{\"active\":\"no\"}", "active"},
        {"{\"competences\":[{\"standard\":\"ISO 0:0\",\"sector_codes\":[],\"role\":\"lead\"}]}",
         "competences[0].standard"},
        {"{\"competences\":[{\"standard\":\"" ISO27001 "\",\"sector_codes\":[],\"role\":\"chief\"}]}",
         "competences[0].role"},
        {"{\"user_id\":\"" NO_SUCH_ID "\"}", "user_id"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        resp = cc_test_call(&sm, "PATCH", path, "If-Match: \"3\"", bad[i][0]);
        if (bad[i][1] == NULL)
            cc_test_assert_problem(resp, 400, "validation_failed");
        else
            assert_field_error(resp, bad[i][1], NULL);
        cc_test_response_free(resp);
    }
    resp = cc_test_call(&sm, "PATCH", path, "If-Match: \"3\"",
                        "{\"competences\":[{\"standard\":\"ISO 0:0\","
                        "\"sector_codes\":[],\"role\":\"lead\"}]}");
    assert_field_error(resp, "competences[0].standard", "unknown_standard");
    cc_test_response_free(resp);
    resp = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 3);
    cc_test_response_free(resp);

    /* Reactivation with emptied competences. */
    resp = cc_test_call(&sm, "PATCH", path, "If-Match: \"3\"", "{\"active\":true,\"competences\":[]}");
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 4);
    ck_assert(json_is_true(json_object_get(resp->json, "active")));
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "competences")), 0);
    cc_test_response_free(resp);

    json_decref(patch);
    json_decref(competences);
    free(path);
    cc_test_response_free(created);
    free(user_id);
    cc_test_caller_free(&sm);
    cc_test_caller_free(&admin);
}
END_TEST

/* ---- unavailability ---- */

/* POSTs a period to path as c, asserts 201, its shape and Location; returns the caller-freed id. */
static char *post_unavailability(const cc_test_caller_t *c, const char *path, const char *auditor_id,
                                 const char *from, const char *to, const char *reason)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "from", from, "to", to, "reason", reason);
    cc_test_response_t *resp = cc_test_call_json(c, "POST", path, NULL, body);
    cc_test_assert_json(resp, 201);
    assert_unavailability_shape(resp->json, auditor_id);
    ck_assert_msg(str_is(resp->json, "from", from) && str_is(resp->json, "to", to) &&
                      str_is(resp->json, "reason", reason),
                  "unavailability %s..%s: %s", from, to, resp->body);
    const char *id = cc_test_json_string(resp->json, "id");
    char *location = cc_test_asprintf("%s/%s", path, id);
    cc_test_assert_location(resp, location);
    free(location);
    char *copy = cc_strdup(id);
    cc_test_response_free(resp);
    json_decref(body);
    return copy;
}

/* POSTs a period to path as c and returns the response (caller frees). */
static cc_test_response_t *try_unavailability(const cc_test_caller_t *c, const char *path, const char *from,
                                              const char *to, const char *reason)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "from", from, "to", to, "reason", reason);
    cc_test_response_t *resp = cc_test_call_json(c, "POST", path, NULL, body);
    json_decref(body);
    return resp;
}

START_TEST(test_unavailability)
{
    cc_test_caller_t admin, sm;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char *email = NULL;
    char *user_id = new_staff_user(&admin, "northcert", "auditor", &email);
    char *id = create_auditor(&sm, user_id, lead_27001());
    char *upath = unavailability_path(id);

    char *march = post_unavailability(&sm, upath, id, "2031-03-01", "2031-03-10", "Annual leave");

    cc_test_response_t *resp = try_unavailability(&sm, upath, "2031-04-10", "2031-04-09", "Backwards");
    assert_field_error(resp, "to", "before_from");
    cc_test_response_free(resp);

    /* Overlaps, the bounds being inclusive. */
    const char *overlaps[][2] = {
        {"2031-03-05", "2031-03-06"}, {"2031-02-20", "2031-03-01"}, {"2031-03-10", "2031-03-20"},
        {"2031-02-01", "2031-04-01"}, {"2031-03-10", "2031-03-10"},
    };
    for (size_t i = 0; i < sizeof(overlaps) / sizeof(overlaps[0]); i++) {
        resp = try_unavailability(&sm, upath, overlaps[i][0], overlaps[i][1], "Overlap");
        cc_test_assert_problem(resp, 409, "overlapping_unavailability");
        cc_test_response_free(resp);
    }

    /* Adjacent periods do not overlap. */
    char *after = post_unavailability(&admin, upath, id, "2031-03-11", "2031-03-15", "Training");
    char *before = post_unavailability(&sm, upath, id, "2031-02-27", "2031-02-28", "Medical appointment");
    char *single = post_unavailability(&sm, upath, id, "2031-01-05", "2031-01-05", "One day");

    /* Field errors. */
    const char *bad[][4] = {
        {"{\"to\":\"2031-06-02\",\"reason\":\"x\"}", "from"},
        {"{\"from\":\"2031-06-01\",\"reason\":\"x\"}", "to"},
        {"{\"from\":\"2031-06-01\",\"to\":\"2031-06-02\"}", "reason"},
        {"{\"from\":\"2031-06-01\",\"to\":\"2031-06-02\",\"reason\":\"\"}", "reason"},
        {"{\"from\":\"2031-02-30\",\"to\":\"2031-06-02\",\"reason\":\"x\"}", "from"},
        {"{\"from\":\"next monday\",\"to\":\"2031-06-02\",\"reason\":\"x\"}", "from"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        resp = cc_test_call(&sm, "POST", upath, NULL, bad[i][0]);
        assert_field_error(resp, bad[i][1], NULL);
        cc_test_response_free(resp);
    }
    char *long_reason = malloc(502);
    memset(long_reason, 'r', 501);
    long_reason[501] = '\0';
    resp = try_unavailability(&sm, upath, "2031-06-01", "2031-06-02", long_reason);
    assert_field_error(resp, "reason", NULL);
    cc_test_response_free(resp);
    free(long_reason);

    /* The auditor user themself may record its own unavailability, not another auditor's. */
    cc_test_caller_t self;
    cc_test_caller_login_as(&self, "northcert", email, PASSWORD);
    char *own = post_unavailability(&self, upath, id, "2031-05-01", "2031-05-03", "Conference");
    resp = try_unavailability(&self, upath, "2031-05-02", "2031-05-02", "Overlap");
    cc_test_assert_problem(resp, 409, "overlapping_unavailability");
    cc_test_response_free(resp);
    char *auditor1 = seeded_auditor_id(&self, "auditor1");
    char *a1_upath = unavailability_path(auditor1);
    resp = try_unavailability(&self, a1_upath, "2031-05-01", "2031-05-03", "Not mine");
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    /* Still not a writer of its own auditor record. */
    char *path = auditor_path(id);
    resp = cc_test_call(&self, "PATCH", path, "If-Match: \"1\"", "{\"active\":false}");
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    free(path);

    /* Ordered by from. */
    json_t *items = get_items(&self, upath);
    ck_assert_uint_eq(json_array_size(items), 5);
    const char *order[] = {single, before, march, after, own};
    for (size_t i = 0; i < 5; i++) {
        json_t *item = json_array_get(items, i);
        assert_unavailability_shape(item, id);
        ck_assert_msg(str_is(item, "id", order[i]), "item %zu is %s, want %s", i,
                      cc_test_json_string(item, "id"), order[i]);
    }
    json_decref(items);
    /* Pages of one and of two keep the order, the cursor naming the last period shown. */
    assert_walk(&sm, upath, 1, order, 5);
    assert_walk(&sm, upath, 2, order, 5);
    assert_bad_page_params(&sm, upath);
    /* auditor1's list did not grow with our periods. */
    items = get_items(&sm, a1_upath);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        assert_unavailability_shape(item, auditor1);
        ck_assert_msg(!str_is(item, "reason", "Not mine"), "a forbidden period was recorded");
    }
    json_decref(items);

    cc_test_caller_free(&self);
    free(a1_upath);
    free(auditor1);
    free(own);
    free(single);
    free(before);
    free(after);
    free(march);
    free(upath);
    free(id);
    free(user_id);
    free(email);
    cc_test_caller_free(&sm);
    cc_test_caller_free(&admin);
}
END_TEST

/* ---- conflicts ---- */

/* POSTs a conflict to path as c, asserts 201, shape and Location; returns the response (caller frees). */
static cc_test_response_t *post_conflict(const cc_test_caller_t *c, const char *path, const char *auditor_id,
                                         const json_t *body)
{
    cc_test_response_t *resp = cc_test_call_json(c, "POST", path, NULL, body);
    cc_test_assert_json(resp, 201);
    assert_conflict_shape(resp->json, auditor_id);
    ck_assert_msg(json_equal(json_object_get(resp->json, "client_id"), json_object_get(body, "client_id")) &&
                      json_equal(json_object_get(resp->json, "reason"), json_object_get(body, "reason")),
                  "conflict: %s", resp->body);
    char *location = cc_test_asprintf("%s/%s", path, cc_test_json_string(resp->json, "id"));
    cc_test_assert_location(resp, location);
    free(location);
    return resp;
}

START_TEST(test_conflicts)
{
    cc_test_caller_t admin, sm;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char *user_id = new_staff_user(&admin, "northcert", "auditor", NULL);
    char *id = create_auditor(&sm, user_id, lead_27001());
    char *cpath = conflicts_path(id);
    char *client_id = some_client_id(&sm);

    /* Default until: today (UTC) + two years; computed on both sides of the request for midnight. */
    char want1[11], alt1[11], want2[11], alt2[11];
    json_t *body = json_pack("{s:s, s:s}", "client_id", client_id, "reason", "Former employee of the client");
    utc_date_plus_years(2, want1, alt1);
    cc_test_response_t *dflt = post_conflict(&sm, cpath, id, body);
    utc_date_plus_years(2, want2, alt2);
    const char *until = cc_test_json_string(dflt->json, "until");
    ck_assert_msg(until != NULL && (strcmp(until, want1) == 0 || strcmp(until, want2) == 0 ||
                                    (*alt1 != '\0' && strcmp(until, alt1) == 0) ||
                                    (*alt2 != '\0' && strcmp(until, alt2) == 0)),
                  "default until is %s, want %s", until, want1);
    const char *dflt_id = cc_test_json_string(dflt->json, "id");

    /* An explicit until is echoed. */
    json_t *explicit = json_pack("{s:s, s:s, s:s}", "client_id", client_id, "reason", "Consultancy in 2029",
                                 "until", "2030-06-30");
    cc_test_response_t *expl = post_conflict(&admin, cpath, id, explicit);
    ck_assert_msg(str_is(expl->json, "until", "2030-06-30"), "until not echoed: %s", expl->body);
    const char *expl_id = cc_test_json_string(expl->json, "id");

    /* One that has lapsed. */
    json_t *past = json_pack("{s:s, s:s, s:s}", "client_id", client_id, "reason", "Old shareholding", "until",
                             "2020-01-01");
    cc_test_response_t *old = post_conflict(&sm, cpath, id, past);
    ck_assert_msg(str_is(old->json, "until", "2020-01-01"), "until not echoed: %s", old->body);
    const char *old_id = cc_test_json_string(old->json, "id");

    /* Field errors. */
    char *random_client = cc_test_asprintf("{\"client_id\":\"%s\",\"reason\":\"Unknown\"}", NO_SUCH_ID);
    cc_test_response_t *resp = cc_test_call(&sm, "POST", cpath, NULL, random_client);
    assert_field_error(resp, "client_id", "unknown_client");
    cc_test_response_free(resp);
    free(random_client);
    char a[17], b[17];
    cc_test_random_suffix(a);
    cc_test_random_suffix(b);
    char *random_uuid = cc_test_asprintf(
        "{\"client_id\":\"%.8s-%.4s-4%.3s-8%.3s-%.12s\",\"reason\":\"Unknown\"}", a, a + 8, a + 12, b, b + 3);
    resp = cc_test_call(&sm, "POST", cpath, NULL, random_uuid);
    assert_field_error(resp, "client_id", "unknown_client");
    cc_test_response_free(resp);
    free(random_uuid);
    char *no_reason = cc_test_asprintf("{\"client_id\":\"%s\"}", client_id);
    char *empty_reason = cc_test_asprintf("{\"client_id\":\"%s\",\"reason\":\"\"}", client_id);
    char *bad_until =
        cc_test_asprintf("{\"client_id\":\"%s\",\"reason\":\"x\",\"until\":\"soon\"}", client_id);
    const char *bad[][2] = {
        {"{\"reason\":\"No client\"}", "client_id"},
        {"{\"client_id\":\"not-a-uuid\",\"reason\":\"x\"}", "client_id"},
        {no_reason, "reason"},
        {empty_reason, "reason"},
        {bad_until, "until"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        resp = cc_test_call(&sm, "POST", cpath, NULL, bad[i][0]);
        assert_field_error(resp, bad[i][1], NULL);
        cc_test_response_free(resp);
    }
    free(bad_until);
    free(empty_reason);
    free(no_reason);

    /* All of them, and live ones only. */
    json_t *items = get_items(&sm, cpath);
    ck_assert_uint_eq(json_array_size(items), 3);
    ck_assert_ptr_nonnull(find_item(items, dflt_id));
    ck_assert_ptr_nonnull(find_item(items, expl_id));
    ck_assert_ptr_nonnull(find_item(items, old_id));
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) assert_conflict_shape(item, id);
    json_t *listed = find_item(items, expl_id);
    ck_assert_msg(json_equal(listed, expl->json), "listed conflict differs from the POST answer");
    json_decref(items);
    char *live_path = cc_test_asprintf("%s?live=true", cpath);
    cc_test_caller_t auditor1;
    cc_test_caller_login(&auditor1, "northcert", "auditor1");
    items = get_items(&auditor1, live_path);
    ck_assert_uint_eq(json_array_size(items), 2);
    ck_assert_ptr_nonnull(find_item(items, dflt_id));
    ck_assert_ptr_nonnull(find_item(items, expl_id));
    ck_assert_msg(find_item(items, old_id) == NULL, "a lapsed conflict is listed with live=true");
    json_decref(items);
    /* Ordered by until, a page at a time. */
    const char *by_until[] = {old_id, dflt_id, expl_id};
    assert_walk(&auditor1, cpath, 1, by_until, 3);
    assert_walk(&auditor1, cpath, 2, by_until, 3);
    assert_walk(&auditor1, live_path, 1, by_until + 1, 2);
    assert_bad_page_params(&sm, cpath);
    cc_test_caller_free(&auditor1);

    free(live_path);
    cc_test_response_free(old);
    json_decref(past);
    cc_test_response_free(expl);
    json_decref(explicit);
    cc_test_response_free(dflt);
    json_decref(body);
    free(client_id);
    free(cpath);
    free(id);
    free(user_id);
    cc_test_caller_free(&sm);
    cc_test_caller_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("auditors");
    TCase *tc = tcase_create("auditors");
    /* Logins run argon2id (~0.2 s each) and pagination walks one auditor per request. */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_create_get);
    tcase_add_test(tc, test_idempotency_key);
    tcase_add_test(tc, test_list_filters_and_pagination);
    tcase_add_test(tc, test_roles);
    tcase_add_test(tc, test_cross_tenant_is_not_found);
    tcase_add_test(tc, test_patch_if_match);
    tcase_add_test(tc, test_unavailability);
    tcase_add_test(tc, test_conflicts);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
