/*
 * End-to-end tests of a certificate's documents through the gateway, each read back with independent
 * tools, never with our own code: the printed certificate (GET /v1/certificates/{id}/document.pdf) with
 * pdftotext (holder, number, standard with edition, scope, dates, CB) and pdftoppm (page 1 kept as a PNG
 * artifact) and zbarimg (its QR code is the verify URL); who may download it (staff, the client's own
 * users; another organisation or tenant 404); the public QR code (qr.svg: rsvg-convert then zbarimg, ETag
 * and 304, CORS, unknown 404); and the signed attestation verified with Debian's python3-jwt against the
 * JWKS fetched through the gateway (typ vc+jwt, exp - iat = 24 h, the VC's types, issuer and subject),
 * refused once tampered with or checked against an access key. The artifacts are kept in a directory
 * under CC_TEST_STATE_DIR, printed.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_certificates.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define POLL_ROUNDS 100 /* x 100 ms: the public index follows a change within a second */

/* The verifier a customer would run: PyJWT (python3-jwt) with python3-cryptography, given the token and
 * the JWKS as files; prints {"header", "claims"} or exits non-zero. kid selects the key (default: the
 * token's own kid). */
static const char verify_py[] =
    "import json, sys\n"
    "import jwt\n"
    "token = open(sys.argv[1]).read().strip()\n"
    "jwks = json.load(open(sys.argv[2]))\n"
    "header = jwt.get_unverified_header(token)\n"
    "kid = sys.argv[3] if len(sys.argv) > 3 else header['kid']\n"
    "key = jwt.PyJWK(next(k for k in jwks['keys'] if k['kid'] == kid)).key\n"
    "claims = jwt.decode(token, key, algorithms=['ES256'], options={'require': ['iss', 'iat', 'exp']})\n"
    "print(json.dumps({'header': header, 'claims': claims}))\n";

static char *artifacts; /* this run's directory of kept files */

static void make_artifacts_dir(void)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    artifacts = cc_test_asprintf("%s/documents-%s", cc_test_env("CC_TEST_STATE_DIR"), suffix);
    ck_assert_int_eq(mkdir(artifacts, 0755), 0);
    printf("test_documents: artifacts in %s\n", artifacts);
}

static char *write_file(const char *name, const char *data, size_t len)
{
    char *path = cc_test_asprintf("%s/%s", artifacts, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

/* Runs a shell command; returns its standard output (caller frees) and its exit status in *status. */
static char *run(const char *command, int *status)
{
    FILE *p = popen(command, "r");
    ck_assert_ptr_nonnull(p);
    size_t cap = 4096, len = 0;
    char *out = cc_malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2)
            out = cc_realloc(out, cap *= 2);
    }
    out[len] = '\0';
    *status = pclose(p);
    return out;
}

static char *run_ok(const char *command)
{
    int status;
    char *out = run(command, &status);
    ck_assert_msg(status == 0, "`%s` failed (%d): %s", command, status, out);
    return out;
}

/* Every run of whitespace as one space, so that wrapped lines read as the text they came from. */
static void squeeze(char *s)
{
    char *w = s;
    bool space = false;
    for (char *r = s; *r != '\0'; r++) {
        if (isspace((unsigned char)*r)) {
            space = true;
            continue;
        }
        if (space && w != s)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
}

/* zbarimg's one decoded symbol (--raw), without the newline. */
static char *decode_qr(const char *png)
{
    char *cmd = cc_test_asprintf("zbarimg --quiet --raw '%s' 2>/dev/null", png);
    char *out = run_ok(cmd);
    out[strcspn(out, "\n")] = '\0';
    free(cmd);
    return out;
}

typedef struct {
    cc_test_cb_t cb;
    cc_test_caller_t holder_user; /* a client user of the certificate's organisation */
    json_t *cert;                 /* the certificate as issued */
    json_t *pub;                  /* its public record */
    char *legal_name, *scope, *public_path;
} fixture_t;

static void fixture_make(fixture_t *f)
{
    memset(f, 0, sizeof(*f));
    cc_test_cb_login(&f->cb);
    char suffix[17];
    cc_test_random_suffix(suffix);
    f->legal_name = cc_test_asprintf("Documents Test %s Ltd", suffix);
    f->scope =
        cc_test_asprintf("The information security management system %s supporting the design, development "
                         "and operation of logistics software, warehouse management services and the "
                         "hosting of customer data, in accordance with the Statement of Applicability",
                         suffix);
    cc_test_certificate_opts_t opts = {.legal_name = f->legal_name, .city = "Hull", .scope = f->scope};
    f->cert = cc_test_issue_certificate_with(&f->cb, &opts, NULL);
    char *email = cc_test_unique_email("holder", "northcert");
    free(cc_test_create_user(cc_test_env("CC_TEST_GATEWAY_URL"), f->cb.admin.tokens.access, email, "client",
                             cc_test_json_string(f->cert, "client_id"), CC_TEST_AUDITOR_PASSWORD));
    cc_test_caller_login_as(&f->holder_user, "northcert", email, CC_TEST_AUDITOR_PASSWORD);
    free(email);
    /* The public index learns of the issue by notification: wait for it (bounded). */
    f->public_path =
        cc_test_asprintf("/public/v1/cbs/northcert/certificates/%s", cc_test_json_string(f->cert, "number"));
    for (int i = 0; i < POLL_ROUNDS && f->pub == NULL; i++) {
        cc_test_response_t *resp = cc_test_call(NULL, "GET", f->public_path, NULL, NULL);
        if (resp->status == 200)
            f->pub = json_incref(resp->json);
        else
            usleep(100 * 1000);
        cc_test_response_free(resp);
    }
    ck_assert_msg(f->pub != NULL, "%s never answered 200", f->public_path);
}

static void fixture_free(fixture_t *f)
{
    json_decref(f->cert);
    json_decref(f->pub);
    free(f->legal_name);
    free(f->scope);
    free(f->public_path);
    cc_test_caller_free(&f->holder_user);
    cc_test_cb_free(&f->cb);
}

static void assert_contains(const char *text, const char *what)
{
    ck_assert_msg(strstr(text, what) != NULL, "\"%s\" is not in: %s", what, text);
}

START_TEST(printed_certificate_reads_back)
{
    fixture_t f;
    fixture_make(&f);
    const char *id = cc_test_json_string(f.cert, "id"), *number = cc_test_json_string(f.cert, "number");
    char *path = cc_test_asprintf("/v1/certificates/%s/document.pdf", id);
    cc_test_response_t *resp = cc_test_call(&f.cb.sm, "GET", path, NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    ck_assert_str_eq(cc_test_response_header(resp, "content-type"), "application/pdf");
    ck_assert(resp->body_len > 1000 && memcmp(resp->body, "%PDF-", 5) == 0);
    char *pdf = write_file("certificate.pdf", resp->body, resp->body_len);
    cc_test_response_free(resp);

    char *cmd = cc_test_asprintf("pdftotext -enc UTF-8 '%s' -", pdf);
    char *text = run_ok(cmd);
    squeeze(text);
    assert_contains(text, f.legal_name);
    assert_contains(text, number);
    assert_contains(text, "ISO/IEC 27001:2022");
    assert_contains(text, f.scope); /* wrapped over lines, whole again once squeezed */
    assert_contains(text, "SoA v1");
    const char *dates[] = {"original_issue_date", "issue_date", "effective_date", "expiry_date"};
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
        assert_contains(text, cc_test_json_string(f.cert, dates[i]));
    assert_contains(text, cc_test_json_string(json_object_get(f.pub, "certification_body"), "name"));
    assert_contains(text, "Hull");
    free(cmd);
    free(text);

    /* Page 1 as an image (kept), and its QR code read by zbar. */
    cmd = cc_test_asprintf("pdftoppm -png -r 150 -f 1 -l 1 -singlefile '%s' '%s/certificate-page1'", pdf,
                           artifacts);
    free(run_ok(cmd));
    free(cmd);
    char *png = cc_test_asprintf("%s/certificate-page1.png", artifacts);
    char *decoded = decode_qr(png);
    ck_assert_str_eq(decoded, cc_test_json_string(f.pub, "verify_url"));
    printf("test_documents: page 1 of the certificate: %s\n", png);

    /* The holder's own user may download it; another organisation, another tenant and an unknown id not. */
    resp = cc_test_call(&f.holder_user, "GET", path, NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    cc_test_response_free(resp);
    cc_test_caller_t other_client;
    cc_test_caller_login(&other_client, "northcert", "client1");
    resp = cc_test_call(&other_client, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.cb.other_admin, "GET", path, NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.cb.sm, "GET", "/v1/certificates/00000000-0000-4000-8000-000000000000/document.pdf",
                        NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = cc_test_call(&f.cb.sm, "GET", "/v1/certificates/nope/document.pdf", NULL, NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_response_free(resp);
    resp = cc_test_call(NULL, "GET", path, NULL, NULL);
    ck_assert_int_eq(resp->status, 401);
    cc_test_response_free(resp);

    cc_test_caller_free(&other_client);
    free(decoded);
    free(png);
    free(pdf);
    free(path);
    fixture_free(&f);
}
END_TEST

START_TEST(public_qr_code_decodes_to_the_verify_url)
{
    fixture_t f;
    fixture_make(&f);
    char *path = cc_test_asprintf("%s/qr.svg", f.public_path);
    cc_test_response_t *resp = cc_test_call(NULL, "GET", path, NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    ck_assert_str_eq(cc_test_response_header(resp, "content-type"), "image/svg+xml");
    ck_assert_str_eq(cc_test_response_header(resp, "access-control-allow-origin"), "*");
    ck_assert_str_eq(cc_test_response_header(resp, "cache-control"), "public, max-age=60");
    char *etag = cc_strdup(cc_test_response_header(resp, "etag"));
    char *svg = write_file("qr.svg", resp->body, resp->body_len);
    cc_test_response_free(resp);

    char *cmd = cc_test_asprintf("rsvg-convert -w 400 -o '%s/qr.png' '%s'", artifacts, svg);
    free(run_ok(cmd));
    free(cmd);
    char *png = cc_test_asprintf("%s/qr.png", artifacts);
    char *decoded = decode_qr(png);
    ck_assert_str_eq(decoded, cc_test_json_string(f.pub, "verify_url"));

    char *inm = cc_test_asprintf("If-None-Match: %s", etag);
    resp = cc_test_call(NULL, "GET", path, inm, NULL);
    ck_assert_int_eq(resp->status, 304);
    ck_assert_uint_eq(resp->body_len, 0);
    cc_test_response_free(resp);
    resp =
        cc_test_call(NULL, "GET", "/public/v1/cbs/northcert/certificates/NO-SUCH-NUMBER/qr.svg", NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    ck_assert_str_eq(cc_test_response_header(resp, "access-control-allow-origin"), "*");
    ck_assert_str_eq(cc_test_response_header(resp, "cache-control"), "no-store");
    cc_test_response_free(resp);

    free(inm);
    free(decoded);
    free(png);
    free(svg);
    free(etag);
    free(path);
    fixture_free(&f);
}
END_TEST

/* A confidential client's public record has no verify_url, yet its verify page exists: the QR code still
 * points there (this request once crashed the service on a NULL URL). */
START_TEST(confidential_qr_code_decodes_to_the_verify_page)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    cc_test_certificate_opts_t opts = {.confidential = true};
    json_t *cert = cc_test_issue_certificate_with(&cb, &opts, NULL);
    const char *number = cc_test_json_string(cert, "number");
    char *path = cc_test_asprintf("/public/v1/cbs/northcert/certificates/%s/qr.svg", number);
    cc_test_response_t *resp = NULL;
    for (int i = 0; i < POLL_ROUNDS; i++) { /* the index learns of the issue by notification */
        cc_test_response_free(resp);
        resp = cc_test_call(NULL, "GET", path, NULL, NULL);
        if (resp->status == 200)
            break;
        usleep(100 * 1000);
    }
    ck_assert_int_eq(resp->status, 200);
    char *svg = write_file("qr-confidential.svg", resp->body, resp->body_len);
    cc_test_response_free(resp);
    char *cmd = cc_test_asprintf("rsvg-convert -w 400 -o '%s/qr-confidential.png' '%s'", artifacts, svg);
    free(run_ok(cmd));
    char *png = cc_test_asprintf("%s/qr-confidential.png", artifacts);
    char *decoded = decode_qr(png);
    char *suffix = cc_test_asprintf("/verify/northcert/%s", number);
    size_t n = strlen(decoded), m = strlen(suffix);
    ck_assert_msg(n > m && strcmp(decoded + n - m, suffix) == 0, "the QR code says %s", decoded);
    /* and the service is still there */
    resp = cc_test_call(NULL, "GET", path, NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    cc_test_response_free(resp);
    free(suffix);
    free(decoded);
    free(png);
    free(cmd);
    free(svg);
    free(path);
    json_decref(cert);
    cc_test_cb_free(&cb);
}
END_TEST

/* The JWKS through the gateway, once it lists kid (identity reloads keys every few seconds). */
static char *jwks_with(const char *kid)
{
    for (int i = 0; i < 150; i++) {
        cc_test_response_t *resp = cc_test_call(NULL, "GET", "/.well-known/jwks.json", NULL, NULL);
        ck_assert_int_eq(resp->status, 200);
        if (strstr(resp->body, kid) != NULL) {
            char *path = write_file("jwks.json", resp->body, resp->body_len);
            cc_test_response_free(resp);
            return path;
        }
        cc_test_response_free(resp);
        usleep(200 * 1000);
    }
    ck_abort_msg("the JWKS never listed %s", kid);
    return NULL;
}

/* A kid of the JWKS file that is not an attestation key's. */
static char *access_kid(const char *jwks_path)
{
    json_t *jwks = json_load_file(jwks_path, 0, NULL);
    size_t i;
    json_t *k;
    char *kid = NULL;
    json_array_foreach(json_object_get(jwks, "keys"), i, k)
    {
        const char *v = cc_test_json_string(k, "kid");
        if (kid == NULL && strncmp(v, "att-", 4) != 0)
            kid = cc_strdup(v);
    }
    json_decref(jwks);
    ck_assert_ptr_nonnull(kid);
    return kid;
}

/* The string member b of the object member a of obj. */
static const char *jstr(json_t *obj, const char *a, const char *b)
{
    return cc_test_json_string(json_object_get(obj, a), b);
}

static void check_claims(const fixture_t *f, json_t *verified)
{
    json_t *header = json_object_get(verified, "header"), *claims = json_object_get(verified, "claims");
    ck_assert_str_eq(cc_test_json_string(header, "typ"), "vc+jwt");
    ck_assert_str_eq(cc_test_json_string(header, "alg"), "ES256");
    ck_assert_int_eq(strncmp(cc_test_json_string(header, "kid"), "att-", 4), 0);
    json_int_t iat = json_integer_value(json_object_get(claims, "iat"));
    ck_assert_int_eq(json_integer_value(json_object_get(claims, "exp")) - iat, 24 * 3600);
    json_t *types = json_object_get(claims, "type");
    ck_assert_str_eq(json_string_value(json_array_get(types, 0)), "DigitalConformityCredential");
    ck_assert_str_eq(json_string_value(json_array_get(types, 1)), "VerifiableCredential");
    json_t *ctx = json_object_get(claims, "@context");
    ck_assert_str_eq(json_string_value(json_array_get(ctx, 0)), "https://www.w3.org/ns/credentials/v2");
    ck_assert_str_eq(json_string_value(json_array_get(ctx, 1)),
                     "https://test.uncefact.org/vocabulary/untp/dcc/0.6.1/");
    json_t *issuer = json_object_get(claims, "issuer");
    ck_assert_str_eq(cc_test_json_string(issuer, "id"), cc_test_json_string(claims, "iss"));
    ck_assert_int_eq(strncmp(cc_test_json_string(issuer, "id"), "did:web:", 8), 0);
    ck_assert_str_eq(cc_test_json_string(issuer, "name"),
                     cc_test_json_string(json_object_get(f->pub, "certification_body"), "name"));
    json_t *subject = json_object_get(claims, "credentialSubject");
    ck_assert_str_eq(jstr(subject, "issuedToParty", "name"), f->legal_name);
    json_t *cert = json_object_get(subject, "certificate");
    ck_assert_str_eq(cc_test_json_string(cert, "number"), cc_test_json_string(f->cert, "number"));
    ck_assert_str_eq(cc_test_json_string(cert, "status"), "active");
    ck_assert(json_is_true(json_object_get(cert, "valid")));
    ck_assert_str_eq(cc_test_json_string(cert, "standard"), "ISO/IEC 27001:2022");
    ck_assert_str_eq(cc_test_json_string(cert, "scope"), f->scope);
    ck_assert_str_eq(jstr(cert, "holder", "name"), f->legal_name);
    ck_assert_str_eq(cc_test_json_string(cert, "expiry_date"), cc_test_json_string(f->cert, "expiry_date"));
    ck_assert_str_eq(cc_test_json_string(cert, "issue_date"), cc_test_json_string(f->cert, "issue_date"));
    ck_assert_uint_eq(json_array_size(json_object_get(cert, "sites")), 1);
    ck_assert_str_eq(cc_test_json_string(json_array_get(json_object_get(cert, "sites"), 0), "city"), "Hull");
    ck_assert(json_equal(cert, f->pub)); /* exactly the public record, nothing more */
    json_t *assessment = json_array_get(json_object_get(subject, "assessment"), 0);
    ck_assert_str_eq(jstr(assessment, "referenceStandard", "name"), "ISO/IEC 27001:2022");
}

START_TEST(attestation_verifies_offline_with_pyjwt)
{
    fixture_t f;
    fixture_make(&f);
    char *path = cc_test_asprintf("%s/attestation", f.public_path);
    cc_test_response_t *resp = cc_test_call(NULL, "GET", path, NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    ck_assert_str_eq(cc_test_response_header(resp, "content-type"), "application/vc+jwt");
    ck_assert_str_eq(cc_test_response_header(resp, "access-control-allow-origin"), "*");
    char *token = write_file("attestation.jwt", resp->body, resp->body_len);
    char kid[80] = "";
    {
        /* the kid, to wait for the JWKS to publish it (the header is base64url JSON; python reads it) */
        char *cmd = cc_test_asprintf(
            "/usr/bin/python3 -c 'import jwt,sys; "
            "print(jwt.get_unverified_header(open(sys.argv[1]).read().strip())[\"kid\"])' '%s'",
            token);
        char *out = run_ok(cmd);
        snprintf(kid, sizeof(kid), "%.*s", (int)strcspn(out, "\n"), out);
        free(out);
        free(cmd);
    }
    cc_test_response_free(resp);
    char *jwks = jwks_with(kid);
    char *script = write_file("verify_attestation.py", verify_py, strlen(verify_py));

    char *cmd = cc_test_asprintf("/usr/bin/python3 '%s' '%s' '%s'", script, token, jwks);
    char *out = run_ok(cmd);
    json_t *verified = json_loads(out, 0, NULL);
    ck_assert_msg(verified != NULL, "the verifier printed: %s", out);
    check_claims(&f, verified);
    json_decref(verified);
    free(out);
    free(cmd);

    /* The same verifier refuses the token with an access key, and a tampered token. */
    char *other = access_kid(jwks);
    int status;
    cmd = cc_test_asprintf("/usr/bin/python3 '%s' '%s' '%s' '%s' 2>&1", script, token, jwks, other);
    out = run(cmd, &status);
    ck_assert_msg(status != 0, "an access key verified the attestation: %s", out);
    free(out);
    free(cmd);
    cmd = cc_test_asprintf(
        "/usr/bin/python3 -c 'import sys; t = open(sys.argv[1]).read().strip().split(\".\"); "
        "import base64, json; p = json.loads(base64.urlsafe_b64decode(t[1] + \"==\")); "
        "p[\"credentialSubject\"][\"certificate\"][\"status\"] = \"withdrawn\"; "
        "t[1] = base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip(\"=\"); "
        "print(\".\".join(t))' '%s' > '%s/tampered.jwt' && /usr/bin/python3 '%s' '%s/tampered.jwt' '%s' 2>&1",
        token, artifacts, script, artifacts, jwks);
    out = run(cmd, &status);
    ck_assert_msg(status != 0, "a tampered attestation verified: %s", out);
    free(out);
    free(cmd);

    resp = cc_test_call(NULL, "GET", "/public/v1/cbs/northcert/certificates/NO-SUCH-NUMBER/attestation", NULL,
                        NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);

    free(other);
    free(script);
    free(jwks);
    free(token);
    free(path);
    fixture_free(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents");
    TCase *tc = tcase_create("documents");
    tcase_set_timeout(tc, 180);
    tcase_add_unchecked_fixture(tc, make_artifacts_dir, NULL);
    tcase_add_test(tc, printed_certificate_reads_back);
    tcase_add_test(tc, public_qr_code_decodes_to_the_verify_url);
    tcase_add_test(tc, confidential_qr_code_decodes_to_the_verify_page);
    tcase_add_test(tc, attestation_verifies_offline_with_pyjwt);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
