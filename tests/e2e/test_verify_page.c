/*
 * The verify page through the gateway (issue 9 "Public verification", web page): the form and its 303,
 * its 400 with the errors, a certificate's page answered from the public index (a status change shows
 * within a second), the not-found 404, HTML escaping of every value, and the headers every page carries.
 * Certificates are made with owner SQL as the certificates service writes them (0017's helpers); the
 * browser test (tests/browser/verify.mjs) checks the same pages in chromium.
 */
#include "cc_test_db.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOLDER "<script>alert(1)</script> & \"Sons\""

/*
 * Issues an active certificate numbered "PGE-<suffix>" at northcert to a new client named holder; returns
 * its number (caller frees) and its id in id.
 */
static char *issue_certificate(PGconn *db, const char *holder, char id[37])
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    char *number = malloc(64);
    snprintf(number, 64, "PGE-%s", suffix);
    const char *params[] = {holder, number};
    char *cert = cc_test_db_value(
        db,
        "WITH cl AS (INSERT INTO clients (legal_name, street, city, country) "
        "            VALUES ($1, '1 Quay Street', 'Leeds', 'GB') RETURNING id), "
        "pr AS (INSERT INTO programmes (client_id, standards, scope, expiry_date, audit_time) "
        "       SELECT id, ARRAY['ISO9001:2015'], 'Freight forwarding', current_date + 900, '{}' FROM cl "
        "RETURNING id), "
        "cn AS (INSERT INTO certifications (client_id, standard, sequence, base_number, original_issue_date) "
        "       SELECT id, 'ISO9001:2015', cc_certificate_next_sequence(), $2, current_date - 30 FROM cl "
        "       RETURNING id) "
        "INSERT INTO certificates (certification_id, revision, number, client_id, programme_id, standard, "
        "scope, "
        "                          sites, original_issue_date, issue_date, effective_date, expiry_date, "
        "status) "
        "SELECT cn.id, 0, $2, cl.id, pr.id, 'ISO9001:2015', 'Freight <b>forwarding</b>', "
        "       jsonb_build_array(jsonb_build_object('city', 'Hull & <i>Leeds</i>', 'country', 'GB', "
        "'scope', 'x')), "
        "       current_date - 30, current_date - 30, current_date - 30, current_date + 900, 'active' "
        "  FROM cl, pr, cn RETURNING id",
        2, params);
    ck_assert_ptr_nonnull(cert);
    snprintf(id, 37, "%s", cert);
    const char *record[] = {cert};
    cc_test_db_run(db, "SELECT cc_certificate_record($1, 'issued', NULL, NULL, NULL, NULL, NULL)", 1, record);
    free(cert);
    return number;
}

/* An owner connection with the tenant northcert set for the session. */
static PGconn *northcert_db(void)
{
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(db, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, false)", 0, NULL);
    return db;
}

/* GETs path through the gateway. */
static cc_test_response_t *get(const char *path)
{
    return cc_test_http("GET", cc_test_env("CC_TEST_GATEWAY_URL"), path, NULL, NULL);
}

/* Fails unless resp is an HTML page with status, the page headers, and no script anywhere. */
static void assert_page(const cc_test_response_t *resp, int status)
{
    ck_assert_msg(resp->status == status, "expected %d, got %d: %.300s", status, resp->status, resp->body);
    ck_assert_str_eq(cc_test_response_header(resp, "Content-Type"), "text/html; charset=utf-8");
    const char *csp = cc_test_response_header(resp, "Content-Security-Policy");
    ck_assert_ptr_nonnull(csp);
    ck_assert_msg(strncmp(csp, "default-src 'none'; style-src 'sha256-", 38) == 0, "%s", csp);
    ck_assert_ptr_null(strstr(csp, "script"));
    ck_assert_str_eq(cc_test_response_header(resp, "X-Content-Type-Options"), "nosniff");
    ck_assert_str_eq(cc_test_response_header(resp, "Cache-Control"), "no-cache");
    ck_assert_msg(strncmp(resp->body, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0, "%.80s", resp->body);
    ck_assert_ptr_null(strstr(resp->body, "<script"));
}

/* Polls the page of number until its banner says status (bounded: 1 s, the public index's promise). */
static cc_test_response_t *page_until(const char *number, const char *status)
{
    char path[128], want[64];
    snprintf(path, sizeof(path), "/verify/northcert/%s", number);
    snprintf(want, sizeof(want), "data-status=\"%s\"", status);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        cc_test_response_t *resp = get(path);
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (strstr(resp->body, want) != NULL || waited > 1.0) {
            ck_assert_msg(strstr(resp->body, want) != NULL, "%s not %s after %.2f s", number, status, waited);
            return resp;
        }
        cc_test_response_free(resp);
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

START_TEST(test_form)
{
    cc_test_response_t *resp = get("/verify");
    assert_page(resp, 200);
    ck_assert_ptr_nonnull(strstr(resp->body, "<form method=\"get\" action=\"/verify\">"));
    ck_assert_ptr_nonnull(strstr(resp->body, "<label for=\"cb\">Certification body</label>"));
    ck_assert_ptr_nonnull(strstr(resp->body, "<label for=\"number\">Certificate number</label>"));
    cc_test_response_free(resp);

    /* Filled in (spaces around, the CB in capitals): 303 to the page's one address. */
    resp = get("/verify?cb=+NorthCert+&number=%20NC-ISO9001-000042.R_1%20");
    ck_assert_int_eq(resp->status, 303);
    ck_assert_str_eq(cc_test_response_header(resp, "Location"), "/verify/northcert/NC-ISO9001-000042.R_1");
    cc_test_response_free(resp);

    /* Missing or malformed fields: 400, the form again with each error, the values escaped. */
    resp = get("/verify?cb=&number=%3Cscript%3E");
    assert_page(resp, 400);
    ck_assert_ptr_nonnull(strstr(resp->body, "There is a problem"));
    ck_assert_ptr_nonnull(strstr(resp->body, "Certification body: enter the certification body"));
    ck_assert_ptr_nonnull(strstr(resp->body, "Certificate number: a certificate number has only"));
    ck_assert_ptr_nonnull(strstr(resp->body, "value=\"&lt;script&gt;\""));
    cc_test_response_free(resp);
    resp = get("/verify?cb=north%2Fcert&number=A-1");
    assert_page(resp, 400);
    ck_assert_ptr_null(strstr(resp->body, "Certificate number:"));
    cc_test_response_free(resp);
}
END_TEST

START_TEST(test_not_found)
{
    const char *paths[] = {"/verify/northcert/PGE-NEVER-ISSUED", "/verify/nosuchcb/PGE-1",
                           "/verify/northcert/%3Cb%3Ex", "/verify/northcert/bad%zz"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_test_response_t *resp = get(paths[i]);
        assert_page(resp, 404);
        ck_assert_ptr_nonnull(strstr(resp->body, "<h1>Certificate not found</h1>"));
        ck_assert_ptr_nonnull(strstr(resp->body, "data-status=\"not_found\""));
        ck_assert_ptr_null(strstr(resp->body, "<b>"));
        cc_test_response_free(resp);
    }
}
END_TEST

/* A certificate's page shows its record escaped, and a suspension within a second, then a withdrawal. */
START_TEST(test_certificate_page)
{
    PGconn *db = northcert_db();
    char id[37];
    char *number = issue_certificate(db, HOLDER, id);
    cc_test_response_t *resp = page_until(number, "valid");
    assert_page(resp, 200);
    ck_assert_ptr_nonnull(strstr(resp->body, "Status: Valid</h2>"));
    ck_assert_ptr_nonnull(
        strstr(resp->body, "<dd>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;</dd>"));
    ck_assert_ptr_nonnull(strstr(resp->body, "<dd>Freight &lt;b&gt;forwarding&lt;/b&gt;</dd>"));
    ck_assert_ptr_nonnull(strstr(resp->body, "<li>Hull &amp; &lt;i&gt;Leeds&lt;/i&gt;, GB: x</li>"));
    ck_assert_ptr_nonnull(strstr(resp->body, "<dd>ISO 9001:2015</dd>"));
    ck_assert_ptr_null(strstr(resp->body, "<b>"));
    cc_test_response_free(resp);

    const char *params[] = {id};
    cc_test_db_run(
        db,
        "UPDATE certificates SET status = 'suspended', suspended_since = current_date, "
        "suspended_until = current_date + 90, suspension_trigger = 'non_payment', version = version + 1 "
        "WHERE id = $1",
        1, params);
    cc_test_db_run(db,
                   "SELECT cc_certificate_record($1, 'suspended', 'active', NULL, 'non_payment', NULL, NULL)",
                   1, params);
    resp = page_until(number, "suspended");
    assert_page(resp, 200);
    ck_assert_ptr_nonnull(strstr(resp->body, "It is not valid while suspended."));
    cc_test_response_free(resp);

    cc_test_db_run(
        db,
        "UPDATE certificates SET status = 'withdrawn', suspended_since = NULL, suspended_until = NULL, "
        "suspension_trigger = NULL, withdrawn_on = current_date, version = version + 1 WHERE id = $1",
        1, params);
    resp = page_until(number, "withdrawn");
    assert_page(resp, 200);
    ck_assert_ptr_nonnull(strstr(resp->body, "It is no longer valid."));
    cc_test_response_free(resp);
    free(number);
    PQfinish(db);
}
END_TEST

/* A confidential client's page shows the number, status, standard and CB, and not the holder or scope. */
START_TEST(test_confidential)
{
    PGconn *db = northcert_db();
    char id[37];
    char *number = issue_certificate(db, "Quiet Holdings Ltd", id);
    const char *params[] = {id};
    cc_test_db_run(db,
                   "UPDATE clients SET confidential = true WHERE id = (SELECT client_id FROM certificates "
                   "WHERE id = $1)",
                   1, params);
    char path[128];
    snprintf(path, sizeof(path), "/verify/northcert/%s", number);
    cc_test_response_t *resp = NULL;
    for (int i = 0; i < 50; i++) { /* the client's change reaches the index by its own notification */
        cc_test_response_free(resp);
        resp = get(path);
        if (strstr(resp->body, "Quiet Holdings") == NULL)
            break;
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    assert_page(resp, 200);
    ck_assert_ptr_null(strstr(resp->body, "Quiet Holdings"));
    ck_assert_ptr_null(strstr(resp->body, "Freight"));
    ck_assert_ptr_null(strstr(resp->body, "Leeds"));
    ck_assert_ptr_nonnull(strstr(resp->body, "data-status=\"valid\""));
    ck_assert_ptr_nonnull(strstr(resp->body, "<dd>ISO 9001:2015</dd>"));
    ck_assert_ptr_nonnull(strstr(resp->body, number));
    cc_test_response_free(resp);
    free(number);
    PQfinish(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify_page");
    TCase *tc = tcase_create("verify_page");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_form);
    tcase_add_test(tc, test_not_found);
    tcase_add_test(tc, test_certificate_page);
    tcase_add_test(tc, test_confidential);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
