/*
 * End-to-end tests of client organisations and their sites through the
 * gateway (CC_TEST_GATEWAY_URL): creation (201, Location, ETag, the nested
 * identifiers/address/registry_consent shape, defaults), reading back, cursor
 * pagination, the role matrix (staff read, only admin and scheme_manager
 * write, a client user sees only its own organisation), cross-tenant 404s,
 * If-Match and whole-object replacement on PATCH, field errors, the central
 * function rules of sites (central_exists, central_required) and
 * Idempotency-Key. Clients are created with random suffixes so the tests
 * repeat on one database.
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

#define NO_SUCH_ID "00000000-0000-4000-8000-000000000000"

static char *client_path(const char *id)
{
    return cc_test_asprintf("/v1/clients/%s", id);
}

static char *sites_path(const char *client_id)
{
    return cc_test_asprintf("/v1/clients/%s/sites", client_id);
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

/* Fails unless every member of want is present in got with an equal value. */
static void assert_has_members(const json_t *got, const json_t *want)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)want, key, value)
    {
        json_t *g = json_object_get(got, key);
        if (g == NULL || !json_equal(g, value)) {
            char *gt = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
            char *wt = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
            ck_abort_msg("member %s differs: got %s, want %s", key, gt, wt);
            free(gt); /* not reached */
            free(wt);
        }
    }
}

static bool is_nullable_string(const json_t *v)
{
    return v != NULL && (json_is_null(v) || json_is_string(v));
}

static bool is_timestamp(const json_t *v)
{
    const char *s = json_string_value(v);
    return s != NULL && strlen(s) >= 20 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't');
}

static void assert_address_shape(const json_t *a, const char *text)
{
    ck_assert_msg(json_is_object(a), "address is not an object: %s", text);
    ck_assert_msg(json_is_string(json_object_get(a, "street")), "address.street: %s", text);
    ck_assert_msg(json_is_string(json_object_get(a, "city")), "address.city: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(a, "state")), "address.state: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(a, "post_code")), "address.post_code: %s", text);
    const char *country = cc_test_json_string(a, "country");
    ck_assert_msg(country != NULL && strlen(country) == 2 && country[0] >= 'A' && country[0] <= 'Z' &&
                      country[1] >= 'A' && country[1] <= 'Z',
                  "address.country: %s", text);
}

/* Asserts the Client shape of the spec. */
static void assert_client_shape(const json_t *c)
{
    char *text = json_dumps(c, JSON_COMPACT);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(c, "id")), "client id: %s", text);
    ck_assert_msg(cc_test_json_string(c, "legal_name") != NULL, "client legal_name: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(c, "trading_name")), "client trading_name: %s", text);
    json_t *ids = json_object_get(c, "identifiers");
    ck_assert_msg(json_is_object(ids), "client identifiers: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(ids, "vat")), "identifiers.vat: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(ids, "registration_number")),
                  "identifiers.registration_number: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(ids, "duns")), "identifiers.duns: %s", text);
    json_t *address = json_object_get(c, "address");
    ck_assert_msg(address != NULL, "client address missing: %s", text);
    if (!json_is_null(address))
        assert_address_shape(address, text);
    json_t *personnel = json_object_get(c, "personnel");
    ck_assert_msg(personnel != NULL && (json_is_null(personnel) || json_integer_value(personnel) >= 1),
                  "client personnel: %s", text);
    ck_assert_msg(json_is_boolean(json_object_get(c, "confidential")), "client confidential: %s", text);
    json_t *consent = json_object_get(c, "registry_consent");
    ck_assert_msg(json_is_object(consent), "client registry_consent: %s", text);
    ck_assert_msg(json_is_boolean(json_object_get(consent, "given")), "registry_consent.given: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(consent, "date")), "registry_consent.date: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(consent, "reference")), "registry_consent.reference: %s",
                  text);
    ck_assert_msg(json_integer_value(json_object_get(c, "version")) >= 1, "client version: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(c, "created_at")), "client created_at: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(c, "updated_at")), "client updated_at: %s", text);
    free(text);
}

/* Asserts the Site shape of the spec, and that it belongs to client_id. */
static void assert_site_shape(const json_t *s, const char *client_id)
{
    char *text = json_dumps(s, JSON_COMPACT);
    ck_assert_msg(cc_test_is_uuid(cc_test_json_string(s, "id")), "site id: %s", text);
    const char *cid = cc_test_json_string(s, "client_id");
    ck_assert_msg(cid != NULL && strcmp(cid, client_id) == 0, "site client_id, want %s: %s", client_id, text);
    ck_assert_msg(cc_test_json_string(s, "name") != NULL, "site name: %s", text);
    assert_address_shape(json_object_get(s, "address"), text);
    ck_assert_msg(json_integer_value(json_object_get(s, "personnel")) >= 1, "site personnel: %s", text);
    ck_assert_msg(json_is_boolean(json_object_get(s, "central")), "site central: %s", text);
    ck_assert_msg(is_nullable_string(json_object_get(s, "activities")), "site activities: %s", text);
    ck_assert_msg(json_integer_value(json_object_get(s, "version")) >= 1, "site version: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(s, "created_at")), "site created_at: %s", text);
    ck_assert_msg(is_timestamp(json_object_get(s, "updated_at")), "site updated_at: %s", text);
    free(text);
}

static json_t *address(const char *street, const char *city, const char *country)
{
    return json_pack("{s:s, s:s, s:n, s:n, s:s}", "street", street, "city", city, "state", "post_code",
                     "country", country);
}

/* A ClientCreate with every field set, legal name "<label> <random>". */
static json_t *full_client_body(const char *label)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *legal = cc_test_asprintf("%s %s Ltd", label, suffix);
    char *trading = cc_test_asprintf("%s %s", label, suffix);
    char *reg = cc_test_asprintf("RN-%s", suffix);
    char *ref = cc_test_asprintf("consent-%s", suffix);
    json_t *body = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s}, s:i, s:b, s:{s:b, s:s, "
        "s:s}}",
        "legal_name", legal, "trading_name", trading, "identifiers", "vat", "GB123456789",
        "registration_number", reg, "duns", "123456789", "address", "street", "1 Test Street", "city",
        "Leeds", "state", "West Yorkshire", "post_code", "LS1 1AA", "country", "GB", "personnel", 120,
        "confidential", 1, "registry_consent", "given", 1, "date", "2024-05-01", "reference", ref);
    ck_assert_ptr_nonnull(body);
    free(legal);
    free(trading);
    free(reg);
    free(ref);
    return body;
}

/* A ClientCreate with only the required fields. */
static json_t *minimal_client_body(const char *label)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *legal = cc_test_asprintf("%s %s", label, suffix);
    json_t *body = json_pack("{s:s, s:o, s:i}", "legal_name", legal, "address",
                             address("9 Minimal Way", "Cardiff", "GB"), "personnel", 15);
    free(legal);
    return body;
}

static json_t *site_body(const char *name, int central, const char *country)
{
    json_t *body =
        json_pack("{s:s, s:o, s:i, s:s}", "name", name, "address", address("5 Site Lane", "York", country),
                  "personnel", 25, "activities", "Software development and hosting");
    if (central >= 0)
        json_object_set_new(body, "central", json_boolean(central));
    return body;
}

/* POSTs body to /v1/clients as c, asserts 201 and returns the caller-freed new id. */
static char *create_client(const cc_test_caller_t *c, const json_t *body)
{
    cc_test_response_t *resp = cc_test_call_json(c, "POST", "/v1/clients", NULL, body);
    cc_test_assert_json(resp, 201);
    assert_client_shape(resp->json);
    char *id = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);
    return id;
}

/* POSTs a site to client_id as c, asserts 201 and its shape, returns the caller-freed site id. */
static char *create_site(const cc_test_caller_t *c, const char *client_id, const json_t *body)
{
    char *path = sites_path(client_id);
    cc_test_response_t *resp = cc_test_call_json(c, "POST", path, NULL, body);
    cc_test_assert_json(resp, 201);
    assert_site_shape(resp->json, client_id);
    assert_has_members(resp->json, body);
    ck_assert_int_eq(cc_test_version_of(resp), 1);
    cc_test_assert_etag(resp, 1);
    const char *id = cc_test_json_string(resp->json, "id");
    char *location = cc_test_asprintf("%s/%s", path, id);
    cc_test_assert_location(resp, location);
    char *copy = cc_strdup(id);
    free(location);
    cc_test_response_free(resp);
    free(path);
    return copy;
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

/* The client_id of c from its own GET /v1/me (identity, through the gateway); caller frees. */
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

/* Number of items of a sites list that are central. */
static int count_central(const json_t *items)
{
    int n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) n += json_is_true(json_object_get(item, "central"));
    return n;
}

/* ---- create, read, list ---- */

START_TEST(test_create_get_list)
{
    cc_test_caller_t sm;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    json_t *body = full_client_body("Create");
    cc_test_response_t *resp = cc_test_call_json(&sm, "POST", "/v1/clients", NULL, body);
    cc_test_assert_json(resp, 201);
    assert_client_shape(resp->json);
    assert_has_members(resp->json, body);
    ck_assert_int_eq(cc_test_version_of(resp), 1);
    cc_test_assert_etag(resp, 1);
    const char *id = cc_test_json_string(resp->json, "id");
    char *path = client_path(id);
    cc_test_assert_location(resp, path);

    cc_test_response_t *got = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(got, 200);
    ck_assert_msg(json_equal(got->json, resp->json), "GET differs from the POST answer: %s / %s", got->body,
                  resp->body);
    cc_test_assert_etag(got, 1);
    cc_test_response_free(got);

    /* A second client, so that a page size of one needs several pages. */
    json_t *minimal = minimal_client_body("Create minimal");
    cc_test_response_t *min = cc_test_call_json(&sm, "POST", "/v1/clients", NULL, minimal);
    cc_test_assert_json(min, 201);
    assert_client_shape(min->json);
    assert_has_members(min->json, minimal);
    /* Defaults of the optional fields. */
    ck_assert(json_is_null(json_object_get(min->json, "trading_name")));
    ck_assert(json_is_false(json_object_get(min->json, "confidential")));
    json_t *no_ids = json_pack("{s:n, s:n, s:n}", "vat", "registration_number", "duns");
    ck_assert_msg(json_equal(json_object_get(min->json, "identifiers"), no_ids), "default identifiers: %s",
                  min->body);
    json_decref(no_ids);
    json_t *consent = json_object_get(min->json, "registry_consent");
    ck_assert_msg(json_is_false(json_object_get(consent, "given")), "default registry_consent: %s",
                  min->body);
    const char *min_id = cc_test_json_string(min->json, "id");
    ck_assert_str_ne(min_id, id);

    json_t *items = cc_test_list_all(&sm, "/v1/clients", 1);
    ck_assert_int_ge(json_array_size(items), 4); /* two seeded organisations and these two */
    json_t *listed = find_item(items, id);
    ck_assert_msg(listed != NULL, "the new client %s is not listed", id);
    ck_assert_msg(json_equal(listed, resp->json), "listed client differs from the POST answer");
    ck_assert_msg(find_item(items, min_id) != NULL, "the minimal client %s is not listed", min_id);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) assert_client_shape(item);
    json_decref(items);

    /* A larger page gives the same set. */
    json_t *big = cc_test_list_all(&sm, "/v1/clients", 100);
    ck_assert_msg(find_item(big, id) != NULL && find_item(big, min_id) != NULL, "not listed with limit=100");
    json_decref(big);

    cc_test_response_free(min);
    json_decref(minimal);
    free(path);
    cc_test_response_free(resp);
    json_decref(body);
    cc_test_caller_free(&sm);
}
END_TEST

START_TEST(test_anonymous_unauthorized)
{
    cc_test_response_t *resp = cc_test_call(NULL, "GET", "/v1/clients", NULL, NULL);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    json_t *body = full_client_body("Anonymous");
    resp = cc_test_call_json(NULL, "POST", "/v1/clients", NULL, body);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    json_decref(body);
}
END_TEST

/* ---- roles ---- */

START_TEST(test_staff_roles)
{
    cc_test_caller_t sm;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    json_t *body = full_client_body("Roles");
    char *id = create_client(&sm, body);
    char *path = client_path(id), *spath = sites_path(id);
    json_t *site = site_body("Roles HQ", 1, "GB");

    const char *readers[] = {"auditor1", "auditor2", "decision_maker"};
    for (size_t r = 0; r < sizeof(readers) / sizeof(readers[0]); r++) {
        cc_test_caller_t c;
        cc_test_caller_login(&c, "northcert", readers[r]);

        /* Read: any client of the tenant. */
        cc_test_response_t *resp = cc_test_call(&c, "GET", path, NULL, NULL);
        cc_test_assert_json(resp, 200);
        assert_has_members(resp->json, body);
        cc_test_response_free(resp);
        resp = cc_test_call(&c, "GET", spath, NULL, NULL);
        cc_test_assert_json(resp, 200);
        cc_test_response_free(resp);
        json_t *items = cc_test_list_all(&c, "/v1/clients", 100);
        ck_assert_msg(find_item(items, id) != NULL, "%s does not see client %s", readers[r], id);
        ck_assert_int_ge(json_array_size(items), 3);
        json_decref(items);

        /* Write: forbidden. */
        json_t *other = full_client_body("Forbidden");
        resp = cc_test_call_json(&c, "POST", "/v1/clients", NULL, other);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        json_decref(other);
        resp = cc_test_call(&c, "PATCH", path, NULL, "{\"personnel\":99}");
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        resp = cc_test_call_json(&c, "POST", spath, NULL, site);
        cc_test_assert_problem(resp, 403, "forbidden");
        cc_test_response_free(resp);
        cc_test_caller_free(&c);
    }

    /* Nothing was changed. */
    cc_test_response_t *resp = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 1);
    cc_test_response_free(resp);
    resp = cc_test_call(&sm, "GET", spath, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 0);
    cc_test_response_free(resp);

    /* admin writes too. */
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, "northcert", "admin");
    resp = cc_test_call(&admin, "PATCH", path, "If-Match: \"1\"", "{\"personnel\":121}");
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(resp->json, "personnel")), 121);
    cc_test_response_free(resp);
    cc_test_caller_free(&admin);

    json_decref(site);
    free(spath);
    free(path);
    free(id);
    json_decref(body);
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
    json_t *body = full_client_body("Hidden");
    char *created = create_client(&sm, body);

    /* The list holds exactly its own organisation. */
    cc_test_response_t *resp = cc_test_call(&client1, "GET", "/v1/clients", NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *items = json_object_get(resp->json, "items");
    ck_assert_msg(json_is_array(items) && json_array_size(items) == 1, "client1 lists: %s", resp->body);
    ck_assert_str_eq(cc_test_json_string(json_array_get(items, 0), "id"), own);
    ck_assert(json_is_null(json_object_get(resp->json, "next_cursor")));
    cc_test_response_free(resp);
    json_t *walked = cc_test_list_all(&client1, "/v1/clients", 1);
    ck_assert_uint_eq(json_array_size(walked), 1);
    json_decref(walked);

    /* Its own organisation, with the seeded address, personnel and sites. */
    char *own_path = client_path(own), *own_sites = sites_path(own);
    resp = cc_test_call(&client1, "GET", own_path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    assert_client_shape(resp->json);
    ck_assert_str_eq(cc_test_json_string(resp->json, "id"), own);
    ck_assert_msg(json_is_object(json_object_get(resp->json, "address")), "seeded address: %s", resp->body);
    ck_assert_msg(json_is_integer(json_object_get(resp->json, "personnel")), "seeded personnel: %s",
                  resp->body);
    cc_test_response_free(resp);
    json_t *sites = cc_test_list_all(&client1, own_sites, 1);
    ck_assert_msg(json_array_size(sites) >= 2, "the first demo organisation has %zu sites",
                  json_array_size(sites));
    ck_assert_int_eq(count_central(sites), 1);
    size_t i;
    json_t *s;
    json_array_foreach(sites, i, s) assert_site_shape(s, own);
    json_decref(sites);

    /* Any other organisation of the tenant does not exist for it. */
    const char *hidden[] = {other, created, NO_SUCH_ID};
    for (size_t h = 0; h < sizeof(hidden) / sizeof(hidden[0]); h++) {
        char *p = client_path(hidden[h]), *sp = sites_path(hidden[h]);
        resp = cc_test_call(&client1, "GET", p, NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        cc_test_response_free(resp);
        resp = cc_test_call(&client1, "GET", sp, NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        cc_test_response_free(resp);
        free(sp);
        free(p);
    }

    /* The second demo organisation: one central site, seen by client2 and staff. */
    char *other_sites = sites_path(other);
    sites = cc_test_list_all(&client2, other_sites, 10);
    ck_assert_uint_ge(json_array_size(sites), 1);
    ck_assert_int_eq(count_central(sites), 1);
    json_decref(sites);
    resp = cc_test_call(&sm, "GET", other_sites, NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);

    /* A client user writes nothing, not even its own organisation. */
    json_t *other_body = full_client_body("Client write");
    resp = cc_test_call_json(&client1, "POST", "/v1/clients", NULL, other_body);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    json_decref(other_body);
    resp = cc_test_call(&client1, "PATCH", own_path, NULL, "{\"personnel\":5}");
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    json_t *site = site_body("Client site", 0, "GB");
    resp = cc_test_call_json(&client1, "POST", own_sites, NULL, site);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    json_decref(site);

    free(other_sites);
    free(own_sites);
    free(own_path);
    free(created);
    json_decref(body);
    free(other);
    free(own);
    cc_test_caller_free(&client2);
    cc_test_caller_free(&client1);
    cc_test_caller_free(&sm);
}
END_TEST

/* ---- tenants ---- */

START_TEST(test_cross_tenant_is_not_found)
{
    cc_test_caller_t north, south;
    cc_test_caller_login(&north, "northcert", "scheme_manager");
    cc_test_caller_login(&south, "southcert", "admin");
    json_t *body = full_client_body("North only");
    char *id = create_client(&north, body);
    char *path = client_path(id), *spath = sites_path(id);

    cc_test_response_t *resp = cc_test_call(&south, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&south, "PATCH", path, NULL, "{\"legal_name\":\"Hijacked\"}");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&south, "PATCH", path, "If-Match: \"1\"", "{\"personnel\":1}");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    json_t *site = site_body("Hijacked site", 1, "GB");
    resp = cc_test_call_json(&south, "POST", spath, NULL, site);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&south, "GET", spath, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    json_t *items = cc_test_list_all(&south, "/v1/clients", 100);
    ck_assert_msg(find_item(items, id) == NULL, "a northcert client is listed to southcert");
    json_decref(items);

    /* Untouched in its own tenant, and no site was added. */
    resp = cc_test_call(&north, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 1);
    assert_has_members(resp->json, body);
    cc_test_response_free(resp);
    resp = cc_test_call(&north, "GET", spath, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 0);
    cc_test_response_free(resp);

    /* An id that does not exist at all answers the same. */
    char *missing = client_path(NO_SUCH_ID), *missing_sites = sites_path(NO_SUCH_ID);
    resp = cc_test_call(&north, "GET", missing, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&north, "GET", missing_sites, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call_json(&north, "POST", missing_sites, NULL, site);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);

    free(missing_sites);
    free(missing);
    json_decref(site);
    free(spath);
    free(path);
    free(id);
    json_decref(body);
    cc_test_caller_free(&south);
    cc_test_caller_free(&north);
}
END_TEST

/* ---- update ---- */

START_TEST(test_patch_if_match_and_nested_replace)
{
    cc_test_caller_t sm;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    json_t *body = full_client_body("Patch");
    cc_test_response_t *created = cc_test_call_json(&sm, "POST", "/v1/clients", NULL, body);
    cc_test_assert_json(created, 201);
    const char *id = cc_test_json_string(created->json, "id");
    char *path = client_path(id);

    cc_test_response_t *resp =
        cc_test_call(&sm, "PATCH", path, "If-Match: \"7\"", "{\"legal_name\":\"Stale Writer\"}");
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);

    /* Nested objects are replaced whole: members left out become null. */
    const char *patch = "{\"address\":{\"street\":\"2 New Road\",\"city\":\"Bristol\",\"country\":\"GB\"},"
                        "\"identifiers\":{\"vat\":\"GB987654321\"},\"registry_consent\":{\"given\":false}}";
    resp = cc_test_call(&sm, "PATCH", path, "If-Match: \"1\"", patch);
    cc_test_assert_json(resp, 200);
    assert_client_shape(resp->json);
    ck_assert_int_eq(cc_test_version_of(resp), 2);
    cc_test_assert_etag(resp, 2);
    json_t *want = json_pack(
        "{s:{s:s, s:s, s:n, s:n, s:s}, s:{s:s, s:n, s:n}, s:{s:b, s:n, s:n}, s:O, s:O, s:O, "
        "s:O, s:O, s:O}",
        "address", "street", "2 New Road", "city", "Bristol", "state", "post_code", "country", "GB",
        "identifiers", "vat", "GB987654321", "registration_number", "duns", "registry_consent", "given", 0,
        "date", "reference", "legal_name", json_object_get(body, "legal_name"), "trading_name",
        json_object_get(body, "trading_name"), "personnel", json_object_get(body, "personnel"),
        "confidential", json_object_get(body, "confidential"), "id", json_object_get(created->json, "id"),
        "created_at", json_object_get(created->json, "created_at"));
    ck_assert_ptr_nonnull(want);
    assert_has_members(resp->json, want);
    json_decref(want);

    cc_test_response_t *got = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(got, 200);
    ck_assert_msg(json_equal(got->json, resp->json), "GET differs from the PATCH answer: %s / %s", got->body,
                  resp->body);
    cc_test_assert_etag(got, 2);
    cc_test_response_free(got);
    cc_test_response_free(resp);

    /* The old version no longer matches, and the lost update changes nothing. */
    resp = cc_test_call(&sm, "PATCH", path, "If-Match: \"1\"", "{\"legal_name\":\"Lost Update\"}");
    cc_test_assert_problem(resp, 412, "precondition_failed");
    cc_test_response_free(resp);

    /* If-Match is optional; a nullable field can be cleared. */
    resp = cc_test_call(&sm, "PATCH", path, NULL,
                        "{\"personnel\":7,\"trading_name\":null,\"confidential\":false}");
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 3);
    cc_test_assert_etag(resp, 3);
    ck_assert_int_eq(json_integer_value(json_object_get(resp->json, "personnel")), 7);
    ck_assert(json_is_null(json_object_get(resp->json, "trading_name")));
    ck_assert(json_is_false(json_object_get(resp->json, "confidential")));
    ck_assert_str_eq(cc_test_json_string(resp->json, "legal_name"), cc_test_json_string(body, "legal_name"));
    ck_assert_str_eq(cc_test_json_string(json_object_get(resp->json, "address"), "city"), "Bristol");
    cc_test_response_free(resp);

    /* Bad patches change nothing. */
    const char *bad[][3] = {
        {"{}", NULL, NULL},
        {"{\"personnel\":0}", "personnel", NULL},
        {"{\"address\":{\"street\":\"x\",\"city\":\"y\",\"country\":\"gb\"}}", "address.country",
         "invalid_country"},
        {"{\"identifiers\":{\"duns\":\"12345\"}}", "identifiers.duns", "invalid_duns"},
        {"{\"registry_consent\":{\"given\":true}}", "registry_consent.date", "required"},
        {"{\"legal_name\":null}", "legal_name", NULL},
        {"{\"shoe_size\":42}", "shoe_size", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        resp = cc_test_call(&sm, "PATCH", path, NULL, bad[i][0]);
        if (bad[i][1] == NULL)
            cc_test_assert_problem(resp, 400, "validation_failed");
        else
            assert_field_error(resp, bad[i][1], bad[i][2]);
        cc_test_response_free(resp);
    }
    resp = cc_test_call(&sm, "GET", path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_int_eq(cc_test_version_of(resp), 3);
    cc_test_response_free(resp);

    free(path);
    cc_test_response_free(created);
    json_decref(body);
    cc_test_caller_free(&sm);
}
END_TEST

/* ---- bad input ---- */

START_TEST(test_create_field_errors)
{
    cc_test_caller_t sm;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    json_t *base = full_client_body("Invalid");
    const char *legal = cc_test_json_string(base, "legal_name");
    enum { NCASES = 14 };
    struct {
        const char *field, *code;
        json_t *body;
    } cases[NCASES] = {
        {"legal_name", NULL, NULL},
        {"address.country", "invalid_country", NULL},
        {"address.country", "invalid_country", NULL}, /* three letters */
        {"identifiers.duns", "invalid_duns", NULL},
        {"identifiers.duns", "invalid_duns", NULL},
        {"registry_consent.date", "required", NULL},
        {"registry_consent.date", "required", NULL},
        {"shoe_size", NULL, NULL},
        {"personnel", NULL, NULL},
        {"personnel", NULL, NULL},
        {"address", NULL, NULL},
        {"address.street", NULL, NULL},
        {"legal_name", NULL, NULL},
        {"confidential", NULL, NULL},
    };
    for (size_t i = 0; i < NCASES; i++)
        cases[i].body = json_deep_copy(base);
    json_object_del(cases[0].body, "legal_name");
    json_object_set_new(json_object_get(cases[1].body, "address"), "country", json_string("gb"));
    json_object_set_new(json_object_get(cases[2].body, "address"), "country", json_string("GBR"));
    json_object_set_new(json_object_get(cases[3].body, "identifiers"), "duns", json_string("12345"));
    json_object_set_new(json_object_get(cases[4].body, "identifiers"), "duns", json_string("12345678A"));
    json_object_del(json_object_get(cases[5].body, "registry_consent"), "date");
    json_object_set_new(json_object_get(cases[6].body, "registry_consent"), "date", json_null());
    json_object_set_new(cases[7].body, "shoe_size", json_integer(42)); /* unknown field */
    json_object_set_new(cases[8].body, "personnel", json_integer(0));
    json_object_del(cases[9].body, "personnel");
    json_object_del(cases[10].body, "address");
    json_object_del(json_object_get(cases[11].body, "address"), "street");
    json_object_set_new(cases[12].body, "legal_name", json_string(""));
    json_object_set_new(cases[13].body, "confidential", json_string("yes"));
    for (size_t i = 0; i < NCASES; i++) {
        cc_test_response_t *resp = cc_test_call_json(&sm, "POST", "/v1/clients", NULL, cases[i].body);
        assert_field_error(resp, cases[i].field, cases[i].code);
        cc_test_response_free(resp);
        json_decref(cases[i].body);
    }

    /* An unknown key inside identifiers is refused too. */
    json_t *body = json_deep_copy(base);
    json_object_set_new(json_object_get(body, "identifiers"), "lei", json_string("5493001KJTIIGC8Y1R12"));
    cc_test_response_t *resp = cc_test_call_json(&sm, "POST", "/v1/clients", NULL, body);
    cc_test_assert_problem(resp, 400, "validation_failed");
    const char *field =
        cc_test_json_string(json_array_get(json_object_get(resp->json, "errors"), 0), "field");
    ck_assert_msg(field != NULL && strncmp(field, "identifiers", 11) == 0, "errors[0].field %s: %s", field,
                  resp->body);
    cc_test_response_free(resp);
    json_decref(body);

    /* Nothing was created by any of them. */
    json_t *items = cc_test_list_all(&sm, "/v1/clients", 100);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        ck_assert_msg(strcmp(cc_test_json_string(item, "legal_name"), legal) != 0,
                      "an invalid client was created");
    }
    json_decref(items);

    json_decref(base);
    cc_test_caller_free(&sm);
}
END_TEST

/* ---- sites ---- */

START_TEST(test_sites_central_function)
{
    cc_test_caller_t sm, admin;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    cc_test_caller_login(&admin, "northcert", "admin");

    /* A: central first, then a second central is refused, a non-central one accepted. */
    json_t *body_a = full_client_body("Sites A");
    char *a = create_client(&sm, body_a);
    char *a_sites = sites_path(a);
    json_t *central = site_body("A head office", 1, "GB");
    char *a_central = create_site(&sm, a, central);
    json_t *second_central = site_body("A second head office", 1, "IE");
    cc_test_response_t *resp = cc_test_call_json(&sm, "POST", a_sites, NULL, second_central);
    cc_test_assert_problem(resp, 409, "central_exists");
    cc_test_response_free(resp);
    json_t *branch = site_body("A branch", -1, "IE"); /* central defaults to false */
    char *a_branch = create_site(&sm, a, branch);
    resp = cc_test_call_json(&sm, "POST", a_sites, NULL, branch);
    cc_test_assert_json(resp, 201); /* a further non-central site is fine while a central one exists */
    ck_assert(json_is_false(json_object_get(resp->json, "central")));
    char *a_branch2 = cc_strdup(cc_test_json_string(resp->json, "id"));
    cc_test_response_free(resp);

    json_t *sites = cc_test_list_all(&sm, a_sites, 1);
    ck_assert_uint_eq(json_array_size(sites), 3);
    ck_assert_int_eq(count_central(sites), 1);
    json_t *s = find_item(sites, a_central);
    ck_assert_msg(s != NULL && json_is_true(json_object_get(s, "central")), "the central site is not listed");
    assert_has_members(s, central);
    s = find_item(sites, a_branch);
    ck_assert_msg(s != NULL && json_is_false(json_object_get(s, "central")), "the branch is not listed");
    assert_has_members(s, branch);
    ck_assert_ptr_nonnull(find_item(sites, a_branch2));
    size_t i;
    json_array_foreach(sites, i, s) assert_site_shape(s, a);
    json_decref(sites);

    /* B: a first non-central site is allowed; a second non-central one needs a central among them. */
    json_t *body_b = full_client_body("Sites B");
    char *b = create_client(&admin, body_b);
    char *b_sites = sites_path(b);
    json_t *b_first = site_body("B warehouse", 0, "GB");
    char *b_first_id = create_site(&admin, b, b_first);
    json_t *b_second = site_body("B depot", 0, "GB");
    resp = cc_test_call_json(&admin, "POST", b_sites, NULL, b_second);
    cc_test_assert_problem(resp, 422, "central_required");
    cc_test_response_free(resp);
    sites = cc_test_list_all(&admin, b_sites, 10);
    ck_assert_uint_eq(json_array_size(sites), 1);
    ck_assert_ptr_nonnull(find_item(sites, b_first_id));
    json_decref(sites);
    /* Adding the central function makes further sites possible. */
    json_t *b_central = site_body("B head office", 1, "GB");
    char *b_central_id = create_site(&admin, b, b_central);
    char *b_second_id = create_site(&admin, b, b_second);
    sites = cc_test_list_all(&sm, b_sites, 2);
    ck_assert_uint_eq(json_array_size(sites), 3);
    ck_assert_int_eq(count_central(sites), 1);
    ck_assert_ptr_nonnull(find_item(sites, b_central_id));
    ck_assert_ptr_nonnull(find_item(sites, b_second_id));
    json_decref(sites);

    /* Site field errors. */
    json_t *bad[4];
    const char *fields[4][2] = {
        {"name", NULL}, {"personnel", NULL}, {"address.country", "invalid_country"}, {"address", NULL}};
    for (size_t k = 0; k < 4; k++)
        bad[k] = site_body("A bad site", 0, "GB");
    json_object_del(bad[0], "name");
    json_object_set_new(bad[1], "personnel", json_integer(0));
    json_object_set_new(json_object_get(bad[2], "address"), "country", json_string("g1"));
    json_object_del(bad[3], "address");
    for (size_t k = 0; k < 4; k++) {
        resp = cc_test_call_json(&sm, "POST", a_sites, NULL, bad[k]);
        assert_field_error(resp, fields[k][0], fields[k][1]);
        cc_test_response_free(resp);
        json_decref(bad[k]);
    }
    resp = cc_test_call(&sm, "GET", a_sites, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 3);
    cc_test_response_free(resp);

    free(b_second_id);
    free(b_central_id);
    json_decref(b_central);
    json_decref(b_second);
    free(b_first_id);
    json_decref(b_first);
    free(b_sites);
    free(b);
    json_decref(body_b);
    free(a_branch2);
    free(a_branch);
    json_decref(branch);
    json_decref(second_central);
    free(a_central);
    json_decref(central);
    free(a_sites);
    free(a);
    json_decref(body_a);
    cc_test_caller_free(&admin);
    cc_test_caller_free(&sm);
}
END_TEST

/* ---- idempotency ---- */

START_TEST(test_idempotency_key)
{
    cc_test_caller_t sm;
    cc_test_caller_login(&sm, "northcert", "scheme_manager");
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *key = cc_test_asprintf("Idempotency-Key: clients-%s", suffix);
    json_t *body = full_client_body("Idempotent");

    cc_test_response_t *first = cc_test_call_json(&sm, "POST", "/v1/clients", key, body);
    cc_test_assert_json(first, 201);
    const char *replayed = cc_test_response_header(first, "Idempotent-Replayed");
    ck_assert_msg(replayed == NULL || strcmp(replayed, "true") != 0, "the first answer is marked replayed");
    const char *id = cc_test_json_string(first->json, "id");
    cc_test_response_t *again = cc_test_call_json(&sm, "POST", "/v1/clients", key, body);
    cc_test_assert_json(again, 201);
    replayed = cc_test_response_header(again, "Idempotent-Replayed");
    ck_assert_msg(replayed != NULL && strcmp(replayed, "true") == 0, "Idempotent-Replayed: %s",
                  replayed != NULL ? replayed : "(none)");
    ck_assert_str_eq(cc_test_json_string(again->json, "id"), id);
    char *path = client_path(id);
    cc_test_assert_location(again, path);

    /* Created once. */
    json_t *items = cc_test_list_all(&sm, "/v1/clients", 100);
    int n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) n +=
        strcmp(cc_test_json_string(item, "legal_name"), cc_test_json_string(body, "legal_name")) == 0;
    ck_assert_int_eq(n, 1);
    json_decref(items);

    /* Sites too. */
    char *spath = sites_path(id);
    char *site_key = cc_test_asprintf("Idempotency-Key: sites-%s", suffix);
    json_t *site = site_body("Idempotent head office", 1, "GB");
    cc_test_response_t *s1 = cc_test_call_json(&sm, "POST", spath, site_key, site);
    cc_test_assert_json(s1, 201);
    cc_test_response_t *s2 = cc_test_call_json(&sm, "POST", spath, site_key, site);
    cc_test_assert_json(s2, 201); /* not 409 central_exists: a replay */
    replayed = cc_test_response_header(s2, "Idempotent-Replayed");
    ck_assert_msg(replayed != NULL && strcmp(replayed, "true") == 0, "site Idempotent-Replayed: %s",
                  replayed != NULL ? replayed : "(none)");
    ck_assert_str_eq(cc_test_json_string(s2->json, "id"), cc_test_json_string(s1->json, "id"));
    cc_test_response_t *list = cc_test_call(&sm, "GET", spath, NULL, NULL);
    cc_test_assert_json(list, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(list->json, "items")), 1);
    cc_test_response_free(list);

    cc_test_response_free(s2);
    cc_test_response_free(s1);
    json_decref(site);
    free(site_key);
    free(spath);
    free(path);
    cc_test_response_free(again);
    cc_test_response_free(first);
    json_decref(body);
    free(key);
    cc_test_caller_free(&sm);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("clients");
    TCase *tc = tcase_create("clients");
    /* Logins run argon2id (~0.2 s each) and pagination walks one client per request. */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_create_get_list);
    tcase_add_test(tc, test_anonymous_unauthorized);
    tcase_add_test(tc, test_staff_roles);
    tcase_add_test(tc, test_client_user_sees_only_its_organisation);
    tcase_add_test(tc, test_cross_tenant_is_not_found);
    tcase_add_test(tc, test_patch_if_match_and_nested_replace);
    tcase_add_test(tc, test_create_field_errors);
    tcase_add_test(tc, test_sites_central_function);
    tcase_add_test(tc, test_idempotency_key);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
