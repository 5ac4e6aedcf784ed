/*
 * End-to-end tests of public verification's JSON API through the gateway, no login (issue 9 "Public
 * verification"): GET /public/v1/cbs/{cb_slug}/certificates/{number} for an active certificate (every
 * field), a confidential client (five fields), a superseded revision (-> the current number), an unknown
 * number and another tenant's number (404); GET /public/v1/certificates by number (across CBs) and by
 * holder and country (exact, case-insensitive, at most 10, never a confidential client) and its refusals;
 * CORS, Cache-Control, ETag and 304; and changes reaching the public answer through LISTEN/NOTIFY (a
 * suspension and a restoration, a client renamed), each polled for and its delay printed (the issue asks
 * for under a second; never asserted). Certificates are written with owner SQL as the certificates service
 * writes them (the row, then cc_certificate_record() in the same transaction). The rate limit is
 * tests/integration/test_public_rate_limit.c's (deploy/test exempts the gateway's loopback address).
 */
#include "cc_test_caller.h"
#include "cc_test_db.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct cert {
    char id[37], client_id[37], number[64], holder[128];
    char original_issue[11], issue[11], expiry[11];
} cert_t;

static const char *gw(void)
{
    return cc_test_env("CC_TEST_GATEWAY_URL");
}

/* BEGIN, then the tenant `slug` for the transaction. */
static void begin_tenant(PGconn *db, const char *slug)
{
    const char *p[] = {slug};
    cc_test_db_run(db, "BEGIN", 0, NULL);
    cc_test_db_run(db, "SELECT set_config('app.tenant_id', cc_tenant_id($1)::text, true)", 1, p);
}

/* A new client `holder` of tenant slug with one central site, and a programme for it; fills c's client. */
static void make_client(PGconn *db, const char *slug, const char *holder, const char *country,
                        bool confidential, cert_t *c)
{
    begin_tenant(db, slug);
    const char *p[] = {holder, country, confidential ? "true" : "false"};
    char *client =
        cc_test_db_value(db,
                         "INSERT INTO clients (legal_name, street, city, country, personnel, confidential) "
                         "VALUES ($1, '1 Test Road', 'Leeds', $2, 10, $3) RETURNING id",
                         3, p);
    const char *q[] = {client, country};
    cc_test_db_run(
        db,
        "INSERT INTO sites (client_id, name, street, city, country, personnel, central, activities) "
        "VALUES ($1, 'Head office', '1 Test Road', 'Leeds', $2, 10, true, 'Design of widgets')",
        2, q);
    cc_test_db_run(db,
                   "INSERT INTO programmes (client_id, standards, scope, expiry_date, audit_time) "
                   "VALUES ($1, ARRAY['ISO27001:2022'], 'Widgets', current_date + 1000, '{}')",
                   1, q);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    snprintf(c->client_id, sizeof(c->client_id), "%s", client);
    snprintf(c->holder, sizeof(c->holder), "%s", holder);
    free(client);
}

/* Issues an active certificate `number` (revision 0, effective 30 days ago, 3 years - 1 day) to c's client.
 */
static void issue(PGconn *db, const char *slug, const char *number, cert_t *c)
{
    begin_tenant(db, slug);
    const char *p[] = {c->client_id, number};
    char *certification = cc_test_db_value(
        db,
        "INSERT INTO certifications (client_id, standard, sequence, base_number, original_issue_date) "
        "VALUES ($1, 'ISO27001:2022', cc_certificate_next_sequence(), $2, current_date - 30) RETURNING id",
        2, p);
    const char *q[] = {c->client_id, number, certification};
    PGresult *res = cc_test_db_exec(
        db,
        "INSERT INTO certificates (certification_id, revision, number, client_id, programme_id, standard, "
        "scope, "
        "    sites, original_issue_date, issue_date, effective_date, expiry_date, status) "
        "SELECT $3, 0, $2, $1, p.id, 'ISO27001:2022', 'Widgets', cc_certificate_sites($1, NULL, 'Widgets'), "
        "       current_date - 30, current_date - 30, current_date - 30, "
        "       (current_date - 30 + interval '3 years' - interval '1 day')::date, 'active' "
        "  FROM programmes p WHERE p.client_id = $1 "
        "RETURNING id, original_issue_date::text, issue_date::text, expiry_date::text",
        3, q);
    snprintf(c->id, sizeof(c->id), "%s", PQgetvalue(res, 0, 0));
    snprintf(c->original_issue, sizeof(c->original_issue), "%s", PQgetvalue(res, 0, 1));
    snprintf(c->issue, sizeof(c->issue), "%s", PQgetvalue(res, 0, 2));
    snprintf(c->expiry, sizeof(c->expiry), "%s", PQgetvalue(res, 0, 3));
    PQclear(res);
    const char *r[] = {c->id};
    cc_test_db_run(db, "SELECT cc_certificate_record($1, 'issued', NULL, NULL, NULL, NULL, NULL)", 1, r);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    snprintf(c->number, sizeof(c->number), "%s", number);
    free(certification);
}

/* A unique holder name and certificate number: "<label> <hex> Ltd", "PT-<HEX>-000001". */
static void unique_names(const char *label, char holder[128], char number[64])
{
    char sfx[17];
    cc_test_random_suffix(sfx);
    snprintf(holder, 128, "%s %s Ltd", label, sfx);
    snprintf(number, 64, "PT-%.10s-000001", sfx);
    for (char *s = number; *s != '\0'; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

/* A new client of northcert with an active certificate, its names unique. */
static cert_t new_certificate(PGconn *db, const char *label, bool confidential)
{
    cert_t c;
    char holder[128], number[64];
    memset(&c, 0, sizeof(c));
    unique_names(label, holder, number);
    make_client(db, "northcert", holder, "GB", confidential, &c);
    issue(db, "northcert", number, &c);
    return c;
}

static cc_test_response_t *lookup(const char *slug, const char *number, const char *const *headers)
{
    char *path = cc_test_asprintf("/public/v1/cbs/%s/certificates/%s", slug, number);
    cc_test_response_t *resp = cc_test_http("GET", gw(), path, headers, NULL);
    free(path);
    return resp;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/*
 * Polls the lookup of (slug, number) until its `member` equals want (a string), for up to 10 s; prints how
 * long the change took to show since `since` (now_ms()). Returns the last answer's body (caller decrefs).
 */
static json_t *poll_until(const char *slug, const char *number, const char *member, const char *want,
                          double since, const char *what)
{
    json_t *body = NULL;
    for (int i = 0; i < 1000; i++) {
        cc_test_response_t *resp = lookup(slug, number, NULL);
        json_decref(body);
        body = resp->status == 200 ? json_incref(resp->json) : NULL;
        cc_test_response_free(resp);
        const char *got = json_string_value(json_object_get(body, member));
        if (got != NULL && strcmp(got, want) == 0) {
            printf("public lookup: %s visible after %.0f ms\n", what, now_ms() - since);
            return body;
        }
        usleep(10 * 1000);
    }
    ck_abort_msg("%s/%s: %s never became %s", slug, number, member, want);
    return body;
}

/* Fails unless obj has exactly the keys listed (NULL-terminated). */
static void assert_keys(const json_t *obj, const char *const *keys)
{
    size_t n = 0;
    for (; keys[n] != NULL; n++)
        ck_assert_msg(json_object_get(obj, keys[n]) != NULL, "missing %s", keys[n]);
    ck_assert_uint_eq(json_object_size(obj), n);
}

static const char *const FULL_KEYS[] = {
    "number",
    "revision",
    "status",
    "valid",
    "holder",
    "standard",
    "scope",
    "sites",
    "original_issue_date",
    "issue_date",
    "expiry_date",
    "suspended_since",
    "withdrawn_on",
    "certification_body",
    "accreditation_body",
    "updated_at",
    "verify_url",
    NULL,
};

static const char *const CONFIDENTIAL_KEYS[] = {"number", "status", "valid", "standard", "certification_body",
                                                NULL};

/* The public answer's headers: any origin, a minute's caching, a strong ETag (returned, borrowed). */
static const char *assert_public_headers(const cc_test_response_t *resp)
{
    ck_assert_str_eq(cc_test_response_header(resp, "access-control-allow-origin"), "*");
    ck_assert_str_eq(cc_test_response_header(resp, "cache-control"), "public, max-age=60");
    const char *etag = cc_test_response_header(resp, "etag");
    ck_assert_ptr_nonnull(etag);
    ck_assert_msg(etag[0] == '"' && etag[strlen(etag) - 1] == '"' && strlen(etag) > 2, "strong ETag: %s",
                  etag);
    return etag;
}

static void assert_active_body(const json_t *b, const cert_t *c)
{
    assert_keys(b, FULL_KEYS);
    ck_assert_str_eq(cc_test_json_string(b, "number"), c->number);
    ck_assert_int_eq(json_integer_value(json_object_get(b, "revision")), 0);
    ck_assert_str_eq(cc_test_json_string(b, "status"), "active");
    ck_assert(json_is_true(json_object_get(b, "valid")));
    json_t *holder = json_object_get(b, "holder");
    ck_assert_str_eq(cc_test_json_string(holder, "name"), c->holder);
    ck_assert_str_eq(cc_test_json_string(holder, "city"), "Leeds");
    ck_assert_str_eq(cc_test_json_string(holder, "country"), "GB");
    ck_assert_uint_eq(json_object_size(holder), 3);
    ck_assert_str_eq(cc_test_json_string(b, "standard"), "ISO/IEC 27001:2022");
    ck_assert_str_eq(cc_test_json_string(b, "scope"), "Widgets");
    json_t *sites = json_object_get(b, "sites");
    ck_assert_uint_eq(json_array_size(sites), 1);
    json_t *site = json_array_get(sites, 0);
    ck_assert_uint_eq(json_object_size(site), 3);
    ck_assert_str_eq(cc_test_json_string(site, "city"), "Leeds");
    ck_assert_str_eq(cc_test_json_string(site, "country"), "GB");
    ck_assert_str_eq(cc_test_json_string(site, "scope"), "Design of widgets");
    ck_assert_str_eq(cc_test_json_string(b, "original_issue_date"), c->original_issue);
    ck_assert_str_eq(cc_test_json_string(b, "issue_date"), c->issue);
    ck_assert_str_eq(cc_test_json_string(b, "expiry_date"), c->expiry);
    ck_assert(json_is_null(json_object_get(b, "suspended_since")));
    ck_assert(json_is_null(json_object_get(b, "withdrawn_on")));
    json_t *cb = json_object_get(b, "certification_body");
    ck_assert_str_eq(cc_test_json_string(cb, "slug"), "northcert");
    ck_assert_ptr_nonnull(cc_test_json_string(cb, "name"));
    ck_assert_uint_eq(json_object_size(cb), 2);
    ck_assert_ptr_nonnull(cc_test_json_string(b, "updated_at"));
    char *url = cc_test_asprintf("%s/verify/northcert/%s", gw(), c->number);
    ck_assert_str_eq(cc_test_json_string(b, "verify_url"), url);
    free(url);
}

START_TEST(test_active_certificate)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cert_t c = new_certificate(db, "Active", false);
    json_decref(poll_until("northcert", c.number, "status", "active", now_ms(), "a new certificate"));

    cc_test_response_t *resp = lookup("northcert", c.number, NULL);
    cc_test_assert_json(resp, 200);
    assert_active_body(resp->json, &c);
    char *etag = cc_test_asprintf("%s", assert_public_headers(resp));
    cc_test_response_free(resp);

    /* the CB's slug in any case; the same answer and tag */
    resp = lookup("NorthCert", c.number, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_str_eq(cc_test_response_header(resp, "etag"), etag);
    cc_test_response_free(resp);

    /* If-None-Match: 304 with the headers and no body; another tag: 200 */
    char *inm = cc_test_asprintf("If-None-Match: %s", etag);
    const char *h[] = {inm, NULL};
    resp = lookup("northcert", c.number, h);
    ck_assert_int_eq(resp->status, 304);
    ck_assert_uint_eq(resp->body_len, 0);
    ck_assert_str_eq(assert_public_headers(resp), etag);
    cc_test_response_free(resp);
    const char *other[] = {"If-None-Match: \"0000\"", NULL};
    resp = lookup("northcert", c.number, other);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    free(inm);
    free(etag);
    PQfinish(db);
}
END_TEST

START_TEST(test_unknown_and_cross_tenant)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cert_t c = new_certificate(db, "Isolated", false);
    json_decref(poll_until("northcert", c.number, "status", "active", now_ms(), "a new certificate"));
    const char *const paths[][2] = {
        {"southcert", c.number},         /* tenant A's number under tenant B's slug */
        {"nosuchcb", c.number},          /* no such CB */
        {"northcert", "PT-NOPE-000001"}, /* no such number */
        {"northcert", "PT~BAD"},         /* not a number at all */
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        cc_test_response_t *resp = lookup(paths[i][0], paths[i][1], NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        ck_assert_str_eq(cc_test_response_header(resp, "access-control-allow-origin"), "*");
        cc_test_response_free(resp);
    }
    /* nor does a search by number under another CB find more than tenant A's one */
    char *path = cc_test_asprintf("/public/v1/certificates?number=%s", c.number);
    cc_test_response_t *resp = cc_test_http("GET", gw(), path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    json_t *items = json_object_get(resp->json, "items");
    ck_assert_uint_eq(json_array_size(items), 1);
    ck_assert_str_eq(
        cc_test_json_string(json_object_get(json_array_get(items, 0), "certification_body"), "slug"),
        "northcert");
    cc_test_response_free(resp);
    free(path);
    PQfinish(db);
}
END_TEST

START_TEST(test_confidential_client)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cert_t c = new_certificate(db, "Confidential", true);
    json_t *b = poll_until("northcert", c.number, "status", "active", now_ms(), "a confidential certificate");
    assert_keys(b, CONFIDENTIAL_KEYS);
    ck_assert_str_eq(cc_test_json_string(b, "number"), c.number);
    ck_assert(json_is_true(json_object_get(b, "valid")));
    ck_assert_str_eq(cc_test_json_string(b, "standard"), "ISO/IEC 27001:2022");
    ck_assert_str_eq(cc_test_json_string(json_object_get(b, "certification_body"), "slug"), "northcert");
    json_decref(b);

    /* by number: found, with the same five fields; by its holder's name: never */
    char *path = cc_test_asprintf("/public/v1/certificates?number=%s", c.number);
    cc_test_response_t *resp = cc_test_http("GET", gw(), path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 1);
    assert_keys(json_array_get(json_object_get(resp->json, "items"), 0), CONFIDENTIAL_KEYS);
    cc_test_response_free(resp);
    free(path);
    char *name = cc_test_url_encode(c.holder);
    path = cc_test_asprintf("/public/v1/certificates?holder=%s&country=GB", name);
    resp = cc_test_http("GET", gw(), path, NULL, NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 0);
    cc_test_response_free(resp);
    free(path);
    free(name);
    PQfinish(db);
}
END_TEST

START_TEST(test_superseded_revision)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cert_t c = new_certificate(db, "Revised", false);
    begin_tenant(db, "northcert");
    const char *p[] = {c.id};
    cc_test_db_run(db,
                   "SELECT cc_certificate_revise($1, 'scope_reduced', NULL, NULL, 'Widgets (design only)', "
                   "       sites, NULL, effective_date, expiry_date, 'scope reduced', NULL, NULL) "
                   "  FROM certificates WHERE id = $1",
                   1, p);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    double since = now_ms();
    char *current = cc_test_asprintf("%s-R1", c.number);
    json_t *b = poll_until("northcert", c.number, "status", "superseded", since, "a superseded revision");
    ck_assert_str_eq(cc_test_json_string(b, "current_number"), current);
    ck_assert(json_is_false(json_object_get(b, "valid")));
    ck_assert_int_eq(json_integer_value(json_object_get(b, "revision")), 0);
    json_decref(b);
    b = poll_until("northcert", current, "status", "active", since, "the new revision");
    ck_assert_int_eq(json_integer_value(json_object_get(b, "revision")), 1);
    ck_assert_str_eq(cc_test_json_string(b, "scope"), "Widgets (design only)");
    ck_assert(json_is_true(json_object_get(b, "valid")));
    ck_assert_ptr_null(json_object_get(b, "current_number"));
    json_decref(b);
    free(current);
    PQfinish(db);
}
END_TEST

/* Suspends or restores c with owner SQL as the service does: the guarded UPDATE, then cc_certificate_record.
 */
static void set_status(PGconn *db, const cert_t *c, bool suspend)
{
    begin_tenant(db, "northcert");
    const char *p[] = {c->id};
    if (suspend) {
        cc_test_db_run(db,
                       "UPDATE certificates SET status = 'suspended', suspended_since = current_date, "
                       "  suspended_until = current_date + 180, suspension_trigger = 'client_request', "
                       "  suspension_reason = 'test', version = version + 1, updated_at = now() "
                       "WHERE id = $1 AND status = 'active'",
                       1, p);
        cc_test_db_run(
            db,
            "SELECT cc_certificate_record($1, 'suspended', 'active', 'test', 'client_request', NULL, NULL)",
            1, p);
    } else {
        cc_test_db_run(
            db,
            "UPDATE certificates SET status = 'active', suspended_since = NULL, suspended_until = NULL, "
            "  suspension_trigger = NULL, suspension_reason = NULL, version = version + 1, "
            "  updated_at = now() WHERE id = $1 AND status = 'suspended'",
            1, p);
        cc_test_db_run(
            db, "SELECT cc_certificate_record($1, 'restored', 'suspended', 'test', NULL, NULL, NULL)", 1, p);
    }
    cc_test_db_run(db, "COMMIT", 0, NULL);
}

START_TEST(test_changes_reach_the_lookup)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cert_t c = new_certificate(db, "Changing", false);
    json_decref(poll_until("northcert", c.number, "status", "active", now_ms(), "a new certificate"));
    cc_test_response_t *resp = lookup("northcert", c.number, NULL);
    char *etag = cc_test_asprintf("%s", cc_test_response_header(resp, "etag"));
    cc_test_response_free(resp);

    set_status(db, &c, true);
    json_t *b = poll_until("northcert", c.number, "status", "suspended", now_ms(), "a suspension");
    ck_assert(json_is_false(json_object_get(b, "valid")));
    ck_assert_ptr_nonnull(cc_test_json_string(b, "suspended_since"));
    json_decref(b);
    /* the old tag no longer matches */
    char *inm = cc_test_asprintf("If-None-Match: %s", etag);
    const char *h[] = {inm, NULL};
    resp = lookup("northcert", c.number, h);
    cc_test_assert_json(resp, 200);
    ck_assert_str_ne(cc_test_response_header(resp, "etag"), etag);
    cc_test_response_free(resp);

    set_status(db, &c, false);
    b = poll_until("northcert", c.number, "status", "active", now_ms(), "a restoration");
    ck_assert(json_is_true(json_object_get(b, "valid")));
    ck_assert(json_is_null(json_object_get(b, "suspended_since")));
    json_decref(b);

    /* the client's public details: {"tenant_id", "client_id"} */
    begin_tenant(db, "northcert");
    char *renamed = cc_test_asprintf("%s (renamed)", c.holder);
    const char *p[] = {renamed, c.client_id};
    cc_test_db_run(db, "UPDATE clients SET legal_name = $1 WHERE id = $2", 2, p);
    cc_test_db_run(db, "COMMIT", 0, NULL);
    double since = now_ms();
    for (;;) {
        resp = lookup("northcert", c.number, NULL);
        const char *name = cc_test_json_string(json_object_get(resp->json, "holder"), "name");
        bool done = name != NULL && strcmp(name, renamed) == 0;
        cc_test_response_free(resp);
        if (done)
            break;
        ck_assert_msg(now_ms() - since < 10000, "the new name never showed");
        usleep(10 * 1000);
    }
    printf("public lookup: a renamed holder visible after %.0f ms\n", now_ms() - since);
    free(renamed);
    free(inm);
    free(etag);
    PQfinish(db);
}
END_TEST

static cc_test_response_t *search(const char *query)
{
    char *path = cc_test_asprintf("/public/v1/certificates%s", query);
    cc_test_response_t *resp = cc_test_http("GET", gw(), path, NULL, NULL);
    free(path);
    return resp;
}

static void search_refused(const char *query, const char *field)
{
    cc_test_response_t *resp = search(query);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, field);
    ck_assert_str_eq(cc_test_response_header(resp, "access-control-allow-origin"), "*");
    cc_test_response_free(resp);
}

START_TEST(test_search_refusals)
{
    search_refused("", "number"); /* no listing */
    search_refused("?limit=10", "number");
    search_refused("?number=", "number");
    search_refused("?number=PT-%2A", "number"); /* a wildcard */
    search_refused("?number=PT-%25", "number");
    search_refused("?number=PT%20X", "number");      /* not a number's shape */
    search_refused("?holder=Acme%20Ltd", "country"); /* both, or neither */
    search_refused("?country=GB", "holder");
    search_refused("?holder=Acme%2A&country=GB", "holder");
    search_refused("?holder=Acme&country=GBR", "country");
    search_refused("?number=PT-1&holder=Acme&country=GB", "holder");
}
END_TEST

START_TEST(test_search)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    /* one holder with 12 certifications; the same number at both CBs */
    cert_t c = new_certificate(db, "Searched", false);
    for (int i = 2; i <= 12; i++) {
        cert_t more = c;
        char *number = cc_test_asprintf("%.*s%06d", (int)(strlen(c.number) - 6), c.number, i);
        issue(db, "northcert", number, &more);
        free(number);
    }
    cert_t twin;
    memset(&twin, 0, sizeof(twin));
    make_client(db, "southcert", "Twin Holder Ltd", "GB", false, &twin);
    issue(db, "southcert", c.number, &twin);
    json_decref(poll_until("southcert", c.number, "status", "active", now_ms(), "a certificate"));

    char *q = cc_test_asprintf("?number=%s", c.number);
    cc_test_response_t *resp = search(q);
    cc_test_assert_json(resp, 200);
    assert_public_headers(resp);
    json_t *items = json_object_get(resp->json, "items");
    ck_assert_uint_eq(json_array_size(items), 2); /* exact number, across CBs, ordered by CB */
    ck_assert_str_eq(
        cc_test_json_string(json_object_get(json_array_get(items, 0), "certification_body"), "slug"),
        "northcert");
    ck_assert_str_eq(
        cc_test_json_string(json_object_get(json_array_get(items, 1), "certification_body"), "slug"),
        "southcert");
    assert_active_body(json_array_get(items, 0), &c);
    cc_test_response_free(resp);
    free(q);

    /* by holder and country: case-insensitive, exact, at most 10 */
    char *upper = cc_test_asprintf("%s", c.holder);
    for (char *s = upper; *s != '\0'; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
    char *name = cc_test_url_encode(upper);
    q = cc_test_asprintf("?holder=%s&country=gb", name);
    resp = search(q);
    cc_test_assert_json(resp, 200);
    items = json_object_get(resp->json, "items");
    ck_assert_uint_eq(json_array_size(items), 10);
    for (size_t i = 0; i < 10; i++)
        ck_assert_str_eq(cc_test_json_string(json_object_get(json_array_get(items, i), "holder"), "name"),
                         c.holder);
    cc_test_response_free(resp);
    free(q);
    q = cc_test_asprintf("?holder=%s&country=DE", name); /* another country */
    resp = search(q);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 0);
    cc_test_response_free(resp);
    free(q);
    free(name);
    upper[strlen(upper) - 4] = '\0'; /* a partial name (" LTD" left out): no match */
    name = cc_test_url_encode(upper);
    q = cc_test_asprintf("?holder=%s&country=GB", name);
    resp = search(q);
    cc_test_assert_json(resp, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(resp->json, "items")), 0);
    cc_test_response_free(resp);
    free(q);
    free(name);
    free(upper);
    PQfinish(db);
}
END_TEST

static Suite *public_suite(void)
{
    Suite *s = suite_create("public");
    TCase *tc = tcase_create("public");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_active_certificate);
    tcase_add_test(tc, test_unknown_and_cross_tenant);
    tcase_add_test(tc, test_confidential_client);
    tcase_add_test(tc, test_superseded_revision);
    tcase_add_test(tc, test_changes_reach_the_lookup);
    tcase_add_test(tc, test_search_refusals);
    tcase_add_test(tc, test_search);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(public_suite());
}
