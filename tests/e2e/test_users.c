/*
 * End-to-end tests of /v1/users through the gateway (CC_TEST_GATEWAY_URL):
 * admin-only access, creation (201, Location, ETag, shape), case-insensitive
 * email uniqueness per tenant, the client_id rule, If-Match, cross-tenant
 * 404s, cursor pagination, and bad input (malformed JSON, oversized body,
 * unknown fields, wrong types, missing fields, bad UUIDs, unknown routes,
 * wrong methods), each answered with a problem+json naming what is wrong.
 * Users are created with random suffixes so the tests repeat on one database.
 */
#include "cc_mem.h"
#include "cc_test_http.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PASSWORD "Users-test-password-42"
#define NO_SUCH_ID "00000000-0000-4000-8000-000000000000"

static const char *gateway(void)
{
    return cc_test_env("CC_TEST_GATEWAY_URL");
}

/* A logged-in caller: its access token and ready-made Authorization header line. */
typedef struct caller {
    cc_test_tokens_t tokens;
    char *auth;
} caller_t;

static void caller_login(caller_t *c, const char *tenant, const char *local_part)
{
    char email[128];
    snprintf(email, sizeof(email), "%s@%s.example", local_part, tenant);
    cc_test_login(gateway(), tenant, email, CC_TEST_DEMO_PASSWORD, &c->tokens);
    c->auth = cc_test_bearer(c->tokens.access);
}

static void caller_free(caller_t *c)
{
    cc_test_tokens_free(&c->tokens);
    free(c->auth);
    c->auth = NULL;
}

/* Sends a request as c (NULL: anonymous) with an optional extra header line. */
static cc_test_response_t *call(const caller_t *c, const char *method, const char *path, const char *extra,
                                const char *body)
{
    const char *headers[3] = {NULL, NULL, NULL};
    size_t n = 0;
    if (c != NULL)
        headers[n++] = c->auth;
    if (extra != NULL)
        headers[n++] = extra;
    return cc_test_http(method, gateway(), path, headers, body);
}

static cc_test_response_t *call_json(const caller_t *c, const char *method, const char *path,
                                     const json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    cc_test_response_t *resp = call(c, method, path, NULL, text);
    free(text);
    return resp;
}

static char *user_path(const char *id)
{
    char *p = NULL;
    if (asprintf(&p, "/v1/users/%s", id) < 0)
        abort();
    return p;
}

static json_t *new_user_body(const char *email, const char *role)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "email", email, "name", "Test User", "role", role, "password",
                     PASSWORD);
}

/* Asserts the User shape of the spec. */
static void assert_user_shape(const json_t *u)
{
    char *text = json_dumps(u, JSON_COMPACT);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(u, "id")), "user id: %s", text);
    ck_assert_msg(cc_test_json_string(u, "email") != NULL, "user email: %s", text);
    ck_assert_msg(cc_test_json_string(u, "name") != NULL, "user name: %s", text);
    ck_assert_msg(cc_test_json_string(u, "role") != NULL, "user role: %s", text);
    json_t *cid = json_object_get(u, "client_id");
    ck_assert_msg(json_is_null(cid) || cc_test_is_uuid(json_string_value(cid)), "user client_id: %s", text);
    ck_assert_msg(json_is_boolean(json_object_get(u, "disabled")), "user disabled: %s", text);
    ck_assert_msg(json_is_integer(json_object_get(u, "version")), "user version: %s", text);
    ck_assert_msg(cc_test_json_string(u, "created_at") != NULL, "user created_at: %s", text);
    ck_assert_msg(cc_test_json_string(u, "updated_at") != NULL, "user updated_at: %s", text);
    ck_assert_msg(json_object_get(u, "password") == NULL && json_object_get(u, "password_hash") == NULL,
                  "user exposes a password: %s", text);
    free(text);
}

static json_int_t version_of(const cc_test_response_t *resp)
{
    return json_integer_value(json_object_get(resp->json, "version"));
}

/* The client_id of a seeded client user, read from their own /v1/me; caller frees. */
static char *seeded_client_id(const char *tenant)
{
    caller_t client;
    caller_login(&client, tenant, "client1");
    cc_test_response_t *me = call(&client, "GET", "/v1/me", NULL, NULL);
    cc_test_assert_json(me, 200);
    const char *cid = cc_test_json_string(me->json, "client_id");
    ck_assert_msg(cc_test_is_uuid(cid), "client1@%s has no client_id: %s", tenant, me->body);
    char *copy = cc_strdup(cid);
    cc_test_response_free(me);
    caller_free(&client);
    return copy;
}

/* ---- roles ---- */

START_TEST(test_non_admin_roles_forbidden)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    cc_test_response_t *me = call(&admin, "GET", "/v1/me", NULL, NULL);
    cc_test_assert_json(me, 200);
    char *admin_path = user_path(cc_test_json_string(me->json, "id"));
    cc_test_response_free(me);

    const char *roles[] = {"scheme_manager", "auditor1", "decision_maker", "client1"};
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        caller_t c;
        caller_login(&c, "northcert", roles[i]);
        char *email = cc_test_unique_email("forbidden", "northcert");
        json_t *body = new_user_body(email, "auditor");

        cc_test_response_t *resp = call(&c, "GET", "/v1/users", NULL, NULL);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        resp = call_json(&c, "POST", "/v1/users", body);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        resp = call(&c, "GET", admin_path, NULL, NULL);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        resp = call(&c, "PATCH", admin_path, NULL, "{\"name\":\"Not Allowed\"}");
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);

        json_decref(body);
        free(email);
        caller_free(&c);
    }
    free(admin_path);
    caller_free(&admin);
}
END_TEST

START_TEST(test_anonymous_unauthorized)
{
    cc_test_response_t *resp = call(NULL, "GET", "/v1/users", NULL, NULL);
    cc_test_assert_problem(resp, 401, "unauthorized");
    ck_assert_ptr_nonnull(cc_test_response_header(resp, "WWW-Authenticate"));
    cc_test_response_free(resp);
    resp = call(NULL, "POST", "/v1/users", NULL, "{}");
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
}
END_TEST

/* ---- create, read, update ---- */

START_TEST(test_create_user)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    char *email = cc_test_unique_email("create", "northcert");
    json_t *body = new_user_body(email, "auditor");
    cc_test_response_t *resp = call_json(&admin, "POST", "/v1/users", body);
    cc_test_assert_json(resp, 201);
    assert_user_shape(resp->json);
    const char *id = cc_test_json_string(resp->json, "id");
    ck_assert_str_eq(cc_test_json_string(resp->json, "email"), email);
    ck_assert_str_eq(cc_test_json_string(resp->json, "name"), "Test User");
    ck_assert_str_eq(cc_test_json_string(resp->json, "role"), "auditor");
    ck_assert(json_is_null(json_object_get(resp->json, "client_id")));
    ck_assert(json_is_false(json_object_get(resp->json, "disabled")));
    ck_assert_int_eq(version_of(resp), 1);
    const char *etag = cc_test_response_header(resp, "ETag");
    ck_assert_msg(etag != NULL && strcmp(etag, "\"1\"") == 0, "ETag of a new user: %s", etag);
    const char *location = cc_test_response_header(resp, "Location");
    char *path = user_path(id);
    size_t ll = location != NULL ? strlen(location) : 0, pl = strlen(path);
    ck_assert_msg(location != NULL && ll >= pl && strcmp(location + ll - pl, path) == 0,
                  "Location %s does not end with %s", location, path);

    cc_test_response_t *got = call(&admin, "GET", path, NULL, NULL);
    cc_test_assert_json(got, 200);
    ck_assert_msg(json_equal(got->json, resp->json), "GET differs from the POST answer: %s / %s", got->body,
                  resp->body);
    ck_assert_str_eq(cc_test_response_header(got, "ETag"), "\"1\"");
    cc_test_response_free(got);

    /* The new user can log in with the password the admin set. */
    cc_test_tokens_t t;
    cc_test_login(gateway(), "northcert", email, PASSWORD, &t);
    cc_test_tokens_free(&t);

    free(path);
    cc_test_response_free(resp);
    json_decref(body);
    free(email);
    caller_free(&admin);
}
END_TEST

START_TEST(test_duplicate_email)
{
    caller_t north, south;
    caller_login(&north, "northcert", "admin");
    caller_login(&south, "southcert", "admin");
    char *email = cc_test_unique_email("dup", "northcert");
    char *id = cc_test_create_user(gateway(), north.tokens.access, email, "auditor", NULL, PASSWORD);

    /* The same address in other case is the same address. */
    char *upper = cc_strdup(email);
    for (char *c = upper; *c != '\0'; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    json_t *body = new_user_body(upper, "scheme_manager");
    cc_test_response_t *resp = call_json(&north, "POST", "/v1/users", body);
    cc_test_assert_problem(resp, 409, "email_taken");
    cc_test_response_free(resp);
    json_decref(body);

    /* Another tenant may use it. */
    char *other = cc_test_create_user(gateway(), south.tokens.access, email, "auditor", NULL, PASSWORD);
    ck_assert_str_ne(other, id);

    free(other);
    free(upper);
    free(id);
    free(email);
    caller_free(&north);
    caller_free(&south);
}
END_TEST

START_TEST(test_client_role_and_client_id)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    char *email = cc_test_unique_email("client", "northcert");

    json_t *body = new_user_body(email, "client");
    cc_test_response_t *resp = call_json(&admin, "POST", "/v1/users", body);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "client_id");
    cc_test_response_free(resp);

    /* A staff role must not name a client organisation. */
    char *cid = seeded_client_id("northcert");
    json_t *staff = new_user_body(email, "auditor");
    json_object_set_new(staff, "client_id", json_string(cid));
    resp = call_json(&admin, "POST", "/v1/users", staff);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "client_id");
    cc_test_response_free(resp);
    json_decref(staff);

    /* Another tenant's client organisation is not a valid reference. */
    char *south_cid = seeded_client_id("southcert");
    json_object_set_new(body, "client_id", json_string(south_cid));
    resp = call_json(&admin, "POST", "/v1/users", body);
    /* The contract: 400 validation_failed on client_id, code unknown_client, as for no client at all. */
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "client_id");
    ck_assert_str_eq(cc_test_json_string(json_array_get(json_object_get(resp->json, "errors"), 0), "code"),
                     "unknown_client");
    cc_test_response_free(resp);

    json_object_set_new(body, "client_id", json_string(cid));
    resp = call_json(&admin, "POST", "/v1/users", body);
    cc_test_assert_json(resp, 201);
    ck_assert_str_eq(cc_test_json_string(resp->json, "role"), "client");
    ck_assert_str_eq(cc_test_json_string(resp->json, "client_id"), cid);
    cc_test_response_free(resp);

    json_decref(body);
    free(south_cid);
    free(cid);
    free(email);
    caller_free(&admin);
}
END_TEST

START_TEST(test_patch_if_match)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    char *email = cc_test_unique_email("ifmatch", "northcert");
    char *id = cc_test_create_user(gateway(), admin.tokens.access, email, "auditor", NULL, PASSWORD);
    char *path = user_path(id);

    cc_test_response_t *resp = call(&admin, "PATCH", path, "If-Match: \"7\"", "{\"name\":\"Stale Writer\"}");
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);

    resp = call(&admin, "PATCH", path, "If-Match: \"1\"", "{\"name\":\"Renamed Once\"}");
    cc_test_assert_json(resp, 200);
    assert_user_shape(resp->json);
    ck_assert_int_eq(version_of(resp), 2);
    ck_assert_str_eq(cc_test_json_string(resp->json, "name"), "Renamed Once");
    cc_test_response_free(resp);

    /* The old version no longer matches. */
    resp = call(&admin, "PATCH", path, "If-Match: \"1\"", "{\"name\":\"Lost Update\"}");
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);

    resp = call(&admin, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(version_of(resp), 2);
    ck_assert_str_eq(cc_test_json_string(resp->json, "name"), "Renamed Once");
    ck_assert_str_eq(cc_test_response_header(resp, "ETag"), "\"2\"");
    cc_test_response_free(resp);

    /* If-Match is optional. */
    resp = call(&admin, "PATCH", path, NULL, "{\"role\":\"decision_maker\"}");
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(version_of(resp), 3);
    ck_assert_str_eq(cc_test_json_string(resp->json, "role"), "decision_maker");
    cc_test_response_free(resp);

    free(path);
    free(id);
    free(email);
    caller_free(&admin);
}
END_TEST

START_TEST(test_cross_tenant_is_not_found)
{
    caller_t north, south;
    caller_login(&north, "northcert", "admin");
    caller_login(&south, "southcert", "admin");
    char *email = cc_test_unique_email("south", "southcert");
    char *id = cc_test_create_user(gateway(), south.tokens.access, email, "auditor", NULL, PASSWORD);
    char *path = user_path(id);

    cc_test_response_t *resp = call(&north, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = call(&north, "PATCH", path, NULL, "{\"name\":\"Hijacked\"}");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = call(&north, "PATCH", path, "If-Match: \"1\"", "{\"disabled\":true}");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);

    /* Untouched in its own tenant, and indistinguishable from an id that does not exist. */
    resp = call(&south, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(version_of(resp), 1);
    const char *name = cc_test_json_string(resp->json, "name");
    ck_assert_msg(name != NULL && strncmp(name, "Test user ", 10) == 0, "southcert user renamed: %s",
                  resp->body);
    cc_test_response_free(resp);
    char *missing = user_path(NO_SUCH_ID);
    resp = call(&north, "GET", missing, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);

    free(missing);
    free(path);
    free(id);
    free(email);
    caller_free(&north);
    caller_free(&south);
}
END_TEST

/* ---- lists ---- */

START_TEST(test_list_pagination)
{
    caller_t admin, south;
    caller_login(&admin, "northcert", "admin");
    caller_login(&south, "southcert", "admin");
    char *email = cc_test_unique_email("page", "northcert");
    char *mine = cc_test_create_user(gateway(), admin.tokens.access, email, "auditor", NULL, PASSWORD);
    char *south_email = cc_test_unique_email("page", "southcert");
    char *theirs =
        cc_test_create_user(gateway(), south.tokens.access, south_email, "auditor", NULL, PASSWORD);

    json_t *seen = json_object();
    char *cursor = NULL;
    int pages = 0;
    for (;;) {
        char path[1024];
        if (cursor == NULL) {
            snprintf(path, sizeof(path), "/v1/users?limit=2");
        } else {
            char *enc = cc_test_url_encode(cursor);
            snprintf(path, sizeof(path), "/v1/users?limit=2&cursor=%s", enc);
            free(enc);
        }
        cc_test_response_t *resp = call(&admin, "GET", path, NULL, NULL);
        cc_test_assert_json(resp, 200);
        json_t *items = json_object_get(resp->json, "items");
        ck_assert_msg(json_is_array(items) && json_array_size(items) <= 2, "page %d: %s", pages, resp->body);
        size_t i;
        json_t *u;
        json_array_foreach(items, i, u)
        {
            assert_user_shape(u);
            const char *id = cc_test_json_string(u, "id");
            ck_assert_msg(json_object_get(seen, id) == NULL, "user %s listed twice", id);
            json_object_set_new(seen, id, json_true());
        }
        json_t *next = json_object_get(resp->json, "next_cursor");
        ck_assert_msg(next != NULL && (json_is_null(next) || json_is_string(next)), "next_cursor: %s",
                      resp->body);
        free(cursor);
        cursor = json_is_string(next) ? cc_strdup(json_string_value(next)) : NULL;
        if (cursor != NULL)
            ck_assert_msg(json_array_size(items) > 0, "an empty page with a next_cursor");
        cc_test_response_free(resp);
        pages++;
        ck_assert_msg(pages < 100000, "pagination does not end");
        if (cursor == NULL)
            break;
    }
    /* Seven seeded users plus at least the one just made, over several pages; none of southcert's. */
    ck_assert_msg(json_object_size(seen) >= 8, "only %zu users listed", json_object_size(seen));
    ck_assert_int_ge(pages, 4);
    ck_assert_msg(json_object_get(seen, mine) != NULL, "the new user is not listed");
    ck_assert_msg(json_object_get(seen, theirs) == NULL, "a southcert user is listed to northcert");

    /* A role filter. */
    cc_test_response_t *resp = call(&admin, "GET", "/v1/users?role=auditor&limit=500", NULL, NULL);
    cc_test_assert_json(resp, 200);
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(resp->json, "items"), i, u)
    {
        ck_assert_str_eq(cc_test_json_string(u, "role"), "auditor");
    }
    ck_assert_int_ge(json_array_size(json_object_get(resp->json, "items")), 2);
    cc_test_response_free(resp);

    json_decref(seen);
    free(theirs);
    free(south_email);
    free(mine);
    free(email);
    caller_free(&south);
    caller_free(&admin);
}
END_TEST

START_TEST(test_list_bad_query)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    const char *bad[][2] = {{"/v1/users?limit=abc", "limit"},
                            {"/v1/users?limit=0", "limit"},
                            {"/v1/users?limit=501", "limit"},
                            {"/v1/users?role=superuser", "role"},
                            {"/v1/users?cursor=%25%25not-a-cursor", "cursor"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cc_test_response_t *resp = call(&admin, "GET", bad[i][0], NULL, NULL);
        cc_test_assert_problem(resp, 400, "validation_failed");
        cc_test_assert_first_error_field(resp, bad[i][1]);
        cc_test_response_free(resp);
    }
    caller_free(&admin);
}
END_TEST

/* ---- bad input ---- */

START_TEST(test_malformed_json)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    const char *bodies[] = {"{\"email\":", "not json", "{\"email\":\"a@b.example\",}", ""};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        cc_test_response_t *resp = call(&admin, "POST", "/v1/users", NULL, bodies[i]);
        cc_test_assert_problem(resp, 400, "malformed_json");
        cc_test_response_free(resp);
    }
    char *id_path = user_path(NO_SUCH_ID);
    cc_test_response_t *resp = call(&admin, "PATCH", id_path, NULL, "{\"name\":");
    cc_test_assert_problem(resp, 400, "malformed_json");
    cc_test_response_free(resp);
    free(id_path);
    caller_free(&admin);
}
END_TEST

START_TEST(test_unsupported_media_type)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    char *email = cc_test_unique_email("mediatype", "northcert");
    json_t *body = new_user_body(email, "auditor");
    char *text = json_dumps(body, JSON_COMPACT);
    cc_test_response_t *resp = call(&admin, "POST", "/v1/users", "Content-Type: text/plain", text);
    cc_test_assert_problem(resp, 415, "unsupported_media_type");
    cc_test_response_free(resp);
    free(text);
    json_decref(body);
    free(email);
    caller_free(&admin);
}
END_TEST

START_TEST(test_body_too_large)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    size_t filler = 1024 * 1024 + 100;
    const char *head =
        "{\"email\":\"big@northcert.example\",\"role\":\"auditor\",\"password\":\"" PASSWORD "\",\"name\":\"";
    size_t hl = strlen(head);
    char *body = cc_malloc(hl + filler + 3);
    memcpy(body, head, hl);
    memset(body + hl, 'a', filler);
    memcpy(body + hl + filler, "\"}", 3);
    cc_test_response_t *resp = call(&admin, "POST", "/v1/users", NULL, body);
    cc_test_assert_problem(resp, 413, "payload_too_large");
    cc_test_response_free(resp);
    free(body);

    /* Still serving. */
    resp = call(&admin, "GET", "/v1/users?limit=1", NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    caller_free(&admin);
}
END_TEST

START_TEST(test_post_field_errors)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    char *email = cc_test_unique_email("fields", "northcert");
    struct {
        const char *field;
        json_t *body;
    } cases[] = {
        {"shoe_size", new_user_body(email, "auditor")}, {"email", new_user_body(email, "auditor")},
        {"name", new_user_body(email, "auditor")},      {"role", new_user_body(email, "auditor")},
        {"email", new_user_body(email, "auditor")},     {"role", new_user_body(email, "auditor")},
        {"password", new_user_body(email, "auditor")},  {"email", new_user_body(email, "auditor")},
    };
    json_object_set_new(cases[0].body, "shoe_size", json_integer(42));    /* unknown field */
    json_object_set_new(cases[1].body, "email", json_integer(42));        /* wrong type */
    json_object_del(cases[2].body, "name");                               /* missing */
    json_object_set_new(cases[3].body, "role", json_string("superuser")); /* not a role */
    json_object_set_new(cases[4].body, "email", json_string("not-an-email"));
    json_object_del(cases[5].body, "role");
    json_object_set_new(cases[6].body, "password", json_true());
    json_object_set_new(cases[7].body, "email", json_null());
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cc_test_response_t *resp = call_json(&admin, "POST", "/v1/users", cases[i].body);
        cc_test_assert_problem(resp, 400, "validation_failed");
        cc_test_assert_first_error_field(resp, cases[i].field);
        cc_test_response_free(resp);
        json_decref(cases[i].body);
    }
    /* A body that is JSON but not an object. */
    cc_test_response_t *resp = call(&admin, "POST", "/v1/users", NULL, "[1,2,3]");
    ck_assert_int_eq(resp->status, 400);
    cc_test_assert_problem(resp, 400, cc_test_json_string(resp->json, "code"));
    cc_test_response_free(resp);

    /* Nothing was created by any of them. */
    json_t *login = json_pack("{s:s, s:s, s:s}", "tenant", "northcert", "email", email, "password", PASSWORD);
    resp = cc_test_http_json("POST", gateway(), "/v1/auth/login", NULL, login);
    cc_test_assert_problem(resp, 401, "invalid_credentials");
    cc_test_response_free(resp);
    json_decref(login);
    free(email);
    caller_free(&admin);
}
END_TEST

START_TEST(test_patch_field_errors)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    char *email = cc_test_unique_email("patchfields", "northcert");
    char *id = cc_test_create_user(gateway(), admin.tokens.access, email, "auditor", NULL, PASSWORD);
    char *path = user_path(id);
    const char *cases[][2] = {
        {"{\"shoe_size\":42}", "shoe_size"},
        {"{\"disabled\":\"yes\"}", "disabled"},
        {"{\"name\":17}", "name"},
        {"{\"role\":\"superuser\"}", "role"},
        {"{\"role\":\"client\"}", "client_id"},
        {"{\"client_id\":\"not-a-uuid\"}", "client_id"},
        {"{\"email\":\"x@northcert.example\"}", "email"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cc_test_response_t *resp = call(&admin, "PATCH", path, NULL, cases[i][0]);
        cc_test_assert_problem(resp, 400, "validation_failed");
        cc_test_assert_first_error_field(resp, cases[i][1]);
        cc_test_response_free(resp);
    }
    /* A PATCH must change something. */
    cc_test_response_t *empty = call(&admin, "PATCH", path, NULL, "{}");
    cc_test_assert_problem(empty, 400, "validation_failed");
    cc_test_response_free(empty);

    /* None of them changed the user. */
    cc_test_response_t *resp = call(&admin, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(version_of(resp), 1);
    cc_test_response_free(resp);
    free(path);
    free(id);
    free(email);
    caller_free(&admin);
}
END_TEST

START_TEST(test_bad_uuid_in_path)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    const char *paths[] = {"/v1/users/not-a-uuid", "/v1/users/12345", "/v1/users/" NO_SUCH_ID "0"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_test_response_t *resp = call(&admin, "GET", paths[i], NULL, NULL);
        cc_test_assert_problem(resp, 400, "validation_failed");
        cc_test_assert_first_error_field(resp, "id");
        cc_test_response_free(resp);
        resp = call(&admin, "PATCH", paths[i], NULL, "{\"name\":\"X\"}");
        cc_test_assert_problem(resp, 400, "validation_failed");
        cc_test_assert_first_error_field(resp, "id");
        cc_test_response_free(resp);
    }
    caller_free(&admin);
}
END_TEST

START_TEST(test_unknown_route)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    /* Under prefixes the gateway routes to identity, so identity answers. */
    const char *paths[] = {"/v1/auth/nope", "/v1/users/" NO_SUCH_ID "/nope", "/.well-known/nope"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_test_response_t *resp = call(&admin, "GET", paths[i], NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        cc_test_response_free(resp);
    }
    caller_free(&admin);
}
END_TEST

/* True when the comma-separated Allow list contains method. */
static bool allow_has(const char *allow, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = allow; p != NULL && *p != '\0';) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if (len == n && strncasecmp(p, method, n) == 0)
            return true;
        p += len;
    }
    return false;
}

START_TEST(test_wrong_method)
{
    caller_t admin;
    caller_login(&admin, "northcert", "admin");
    char *id_path = user_path(NO_SUCH_ID);
    struct {
        const char *method, *path, *allowed[2];
    } cases[] = {
        {"DELETE", id_path, {"GET", "PATCH"}},
        {"PUT", "/v1/users", {"GET", "POST"}},
        {"GET", "/v1/auth/login", {"POST", NULL}},
        {"POST", "/v1/me", {"GET", NULL}},
        {"DELETE", "/.well-known/jwks.json", {"GET", NULL}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cc_test_response_t *resp = call(&admin, cases[i].method, cases[i].path, NULL, NULL);
        cc_test_assert_problem(resp, 405, "method_not_allowed");
        const char *allow = cc_test_response_header(resp, "Allow");
        ck_assert_msg(allow != NULL, "405 for %s %s without Allow", cases[i].method, cases[i].path);
        for (int j = 0; j < 2; j++)
            if (cases[i].allowed[j] != NULL)
                ck_assert_msg(allow_has(allow, cases[i].allowed[j]), "Allow for %s is \"%s\", missing %s",
                              cases[i].path, allow, cases[i].allowed[j]);
        ck_assert_msg(!allow_has(allow, cases[i].method), "Allow \"%s\" lists the refused %s", allow,
                      cases[i].method);
        cc_test_response_free(resp);
    }
    free(id_path);
    caller_free(&admin);
}
END_TEST

static Suite *users_suite(void)
{
    Suite *s = suite_create("users");
    TCase *tc = tcase_create("users");
    /* Logins and user creation run argon2id (~0.2 s each). */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_non_admin_roles_forbidden);
    tcase_add_test(tc, test_anonymous_unauthorized);
    tcase_add_test(tc, test_create_user);
    tcase_add_test(tc, test_duplicate_email);
    tcase_add_test(tc, test_client_role_and_client_id);
    tcase_add_test(tc, test_patch_if_match);
    tcase_add_test(tc, test_cross_tenant_is_not_found);
    tcase_add_test(tc, test_list_pagination);
    tcase_add_test(tc, test_list_bad_query);
    tcase_add_test(tc, test_malformed_json);
    tcase_add_test(tc, test_unsupported_media_type);
    tcase_add_test(tc, test_body_too_large);
    tcase_add_test(tc, test_post_field_errors);
    tcase_add_test(tc, test_patch_field_errors);
    tcase_add_test(tc, test_bad_uuid_in_path);
    tcase_add_test(tc, test_unknown_route);
    tcase_add_test(tc, test_wrong_method);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(users_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
