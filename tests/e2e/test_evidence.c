/*
 * End-to-end tests of evidence files through the gateway
 * (POST/GET /v1/findings/{id}/evidence, GET /v1/evidence/{id}): a ~3 MiB PDF
 * and a PNG round trip byte for byte with their SHA-256; the download's
 * headers and 304; the link to an open response round; every refusal (413
 * over a tenant limit lowered through PATCH /v1/settings, 415 off the list,
 * 415 content_mismatch, 400 empty, bad file names) leaving nothing behind; the
 * file names kept (path and control characters stripped, percent-decoding);
 * and who may upload and see (another organisation or tenant 404, the
 * decision maker 403, an auditor off the team 403).
 * Findings are raised through POST /v1/findings and answered through
 * POST /v1/findings/{id}/responses.
 */
#include "cc_crypto.h"
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_findings.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PDF_SIZE (3 * 1024 * 1024 + 12345) /* several chunks and a partial last one */
#define PDF "application/pdf"
#define PNG "image/png"
#define DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

typedef struct fixture {
    cc_test_team_t t;         /* admin, sm, client1, dm; the audit's lead; an auditor on no team */
    cc_test_caller_t client2; /* a client user of another organisation */
    json_t *programme;
    const char *audit; /* its Stage 2 (its minors take responses), conducted by the team */
} fixture_t;

static void fixture_setup(fixture_t *f)
{
    memset(f, 0, sizeof(*f));
    cc_test_team_setup(&f->t);
    cc_test_caller_login(&f->client2, "northcert", "client2");
    f->programme = cc_test_team_audit(&f->t, "stage2", "2026-04-06", "2026-04-07", true, &f->audit);
}

static void fixture_free(fixture_t *f)
{
    cc_test_team_free(&f->t);
    cc_test_caller_free(&f->client2);
    json_decref(f->programme);
}

/* The start of a ZIP (an OOXML package) whose first entry is `entry`: what the magic check reads. */
static size_t zip_of(const char *entry, char out[64])
{
    memset(out, 0, 64);
    memcpy(out, "PK\x03\x04\x14", 5);
    out[26] = (char)strlen(entry);
    memcpy(out + 30, entry, strlen(entry));
    return 30 + strlen(entry) + 8;
}

/* An open minor raised by the audit's lead. With round not NULL: client1 answers it, and *round receives the
 * id of that undecided round (caller frees). Returns the finding's id (caller frees). */
static char *raise_finding(const fixture_t *f, char **round)
{
    json_t *finding = cc_test_must_raise_by(&f->t.lead, f->audit, "minor");
    char *id = cc_strdup(cc_test_json_string(finding, "id"));
    json_decref(finding);
    if (round != NULL) {
        finding = cc_test_respond(&f->t.cb.client1, id);
        json_t *responses = json_object_get(finding, "responses");
        ck_assert_int_eq(json_array_size(responses), 1);
        *round = cc_strdup(cc_test_json_string(json_array_get(responses, 0), "id"));
        json_decref(finding);
    }
    return id;
}

/* A file of n bytes starting with magic (random after it). Caller frees. */
static char *file_of(const char *magic, size_t magic_len, size_t n)
{
    char *buf = cc_malloc(n);
    cc_random_bytes(buf, n);
    memcpy(buf, magic, magic_len < n ? magic_len : n);
    return buf;
}

/* POST the file as c with the given Content-Type and Content-Disposition (NULL: none). */
static cc_test_response_t *upload(const cc_test_caller_t *c, const char *finding, const char *type,
                                  const char *disposition, const char *body, size_t len)
{
    char *path = cc_test_asprintf("/v1/findings/%s/evidence", finding);
    char *ct = cc_test_asprintf("Content-Type: %s", type);
    char *cd = disposition != NULL ? cc_test_asprintf("Content-Disposition: %s", disposition) : NULL;
    const char *headers[] = {c->auth, ct, cd, NULL};
    cc_test_request_t req = {
        "POST", cc_test_env("CC_TEST_GATEWAY_URL"), path, headers, len > 0 ? body : "", len, 120, NULL, NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    ck_assert_msg(resp != NULL, "upload failed: %s", error != NULL ? error : "?");
    free(path);
    free(ct);
    free(cd);
    return resp;
}

static cc_test_response_t *get_as(const cc_test_caller_t *c, const char *path, const char *extra)
{
    const char *headers[] = {c->auth, extra, NULL};
    cc_test_request_t req = {"GET", cc_test_env("CC_TEST_GATEWAY_URL"), path, headers, NULL, 0, 120, NULL,
                             NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    ck_assert_msg(resp != NULL, "GET %s failed: %s", path, error != NULL ? error : "?");
    return resp;
}

static void sha_hex(const void *data, size_t len, char out[65])
{
    uint8_t digest[CC_SHA256_LEN];
    cc_sha256(data, len, digest);
    cc_hex_encode(digest, sizeof(digest), out);
}

/* Uploads body and checks the 201: its metadata, Location; returns the new file's id (caller frees). */
static char *must_upload(const cc_test_caller_t *c, const char *finding, const char *type, const char *disp,
                         const char *body, size_t len, const char *want_name, const char *want_type)
{
    cc_test_response_t *resp = upload(c, finding, type, disp, body, len);
    cc_test_assert_json(resp, 201);
    char hex[65];
    sha_hex(body, len, hex);
    const char *id = cc_test_json_string(resp->json, "id");
    ck_assert(cc_test_is_uuid(id));
    ck_assert_str_eq(cc_test_json_string(resp->json, "finding_id"), finding);
    ck_assert_str_eq(cc_test_json_string(resp->json, "name"), want_name);
    ck_assert_str_eq(cc_test_json_string(resp->json, "content_type"), want_type);
    ck_assert_int_eq(json_integer_value(json_object_get(resp->json, "size")), (json_int_t)len);
    ck_assert_str_eq(cc_test_json_string(resp->json, "sha256"), hex);
    ck_assert_ptr_nonnull(cc_test_json_string(resp->json, "uploaded_by"));
    ck_assert_ptr_nonnull(cc_test_json_string(resp->json, "uploaded_at"));
    char *location = cc_test_asprintf("/v1/evidence/%s", id);
    cc_test_assert_location(resp, location);
    free(location);
    char *out = cc_strdup(id);
    cc_test_response_free(resp);
    return out;
}

/* Downloads the file as c and checks it is body, byte for byte, with the download's headers. */
static void must_download(const cc_test_caller_t *c, const char *id, const char *body, size_t len,
                          const char *want_type, const char *want_disposition)
{
    char *path = cc_test_asprintf("/v1/evidence/%s", id);
    cc_test_response_t *resp = get_as(c, path, NULL);
    ck_assert_int_eq(resp->status, 200);
    ck_assert_uint_eq(resp->body_len, len);
    ck_assert(memcmp(resp->body, body, len) == 0);
    char hex[65], etag[70], length[24];
    sha_hex(resp->body, resp->body_len, hex);
    snprintf(etag, sizeof(etag), "\"%s\"", hex);
    snprintf(length, sizeof(length), "%zu", len);
    ck_assert_str_eq(cc_test_response_header(resp, "ETag"), etag);
    ck_assert_str_eq(cc_test_response_header(resp, "Content-Type"), want_type);
    ck_assert_str_eq(cc_test_response_header(resp, "Content-Length"), length);
    ck_assert_str_eq(cc_test_response_header(resp, "X-Content-Type-Options"), "nosniff");
    ck_assert_str_eq(cc_test_response_header(resp, "Content-Security-Policy"), "sandbox");
    if (want_disposition != NULL)
        ck_assert_str_eq(cc_test_response_header(resp, "Content-Disposition"), want_disposition);
    cc_test_response_free(resp);
    /* the same ETag again: 304 without a body */
    char *inm = cc_test_asprintf("If-None-Match: %s", etag);
    resp = get_as(c, path, inm);
    ck_assert_int_eq(resp->status, 304);
    ck_assert_uint_eq(resp->body_len, 0);
    ck_assert_str_eq(cc_test_response_header(resp, "ETag"), etag);
    cc_test_response_free(resp);
    free(inm);
    free(path);
}

/* The finding's files as c: the list's items (caller decrefs). */
static json_t *list_of(const cc_test_caller_t *c, const char *finding)
{
    char *path = cc_test_asprintf("/v1/findings/%s/evidence", finding);
    json_t *items = cc_test_list_all(c, path, 2);
    free(path);
    return items;
}

START_TEST(round_trip)
{
    fixture_t f;
    fixture_setup(&f);
    char *finding = raise_finding(&f, NULL);
    char *pdf = file_of("%PDF-1.7\n", 9, PDF_SIZE);
    char *pdf_id =
        must_upload(&f.t.cb.client1, finding, PDF, "attachment; filename*=UTF-8''audit%20report.pdf", pdf,
                    PDF_SIZE, "audit report.pdf", PDF);
    must_download(&f.t.cb.client1, pdf_id, pdf, PDF_SIZE, PDF,
                  "attachment; filename=\"audit report.pdf\"; filename*=UTF-8''audit%20report.pdf");
    must_download(&f.t.lead, pdf_id, pdf, PDF_SIZE, PDF, NULL);
    must_download(&f.t.dm, pdf_id, pdf, PDF_SIZE, PDF, NULL);

    char *png = file_of("\x89PNG\r\n\x1a\n", 8, 70000);
    char *png_id = must_upload(&f.t.lead, finding, PNG, "attachment; filename=\"screenshot.png\"", png, 70000,
                               "screenshot.png", PNG);
    must_download(&f.t.cb.sm, png_id, png, 70000, PNG, NULL);

    const char *text = "line 1\tok\r\nPr\xc3\xbc"
                       "fung \xe2\x82\xac 5\n";
    char *text_id = must_upload(&f.t.cb.admin, finding, "text/plain; charset=UTF-8",
                                "attachment; filename*=UTF-8''Pr%C3%BCfung.txt", text, strlen(text),
                                "Pr\xc3\xbc"
                                "fung.txt",
                                "text/plain; charset=utf-8");
    must_download(&f.t.cb.client1, text_id, text, strlen(text), "text/plain; charset=utf-8",
                  "attachment; filename=\"Pr_fung.txt\"; filename*=UTF-8''Pr%C3%BCfung.txt");

    char docx[64];
    size_t docx_len = zip_of("word/document.xml", docx);
    char *docx_id = must_upload(&f.t.cb.client1, finding, DOCX, "attachment; filename=plan.docx", docx,
                                docx_len, "plan.docx", DOCX);
    must_download(&f.t.cb.client1, docx_id, docx, docx_len, DOCX, NULL);
    free(docx_id);

    json_t *items = list_of(&f.t.cb.client1, finding);
    ck_assert_uint_eq(json_array_size(items), 4);
    json_t *item;
    size_t i;
    json_array_foreach(items, i, item)
    {
        ck_assert(json_is_null(json_object_get(item, "response_id"))); /* no round was open */
        ck_assert_int_gt(json_integer_value(json_object_get(item, "size")), 0);
    }
    json_decref(items);
    free(text_id);
    free(png_id);
    free(png);
    free(pdf_id);
    free(pdf);
    free(finding);
    fixture_free(&f);
}
END_TEST

/* A file uploaded while a response round is open is linked to that round. */
START_TEST(linked_to_open_round)
{
    fixture_t f;
    fixture_setup(&f);
    char *round = NULL;
    char *finding = raise_finding(&f, &round);
    const char *body = "%PDF-1.4 corrective action plan";
    cc_test_response_t *resp =
        upload(&f.t.cb.client1, finding, PDF, "attachment; filename=plan.pdf", body, strlen(body));
    cc_test_assert_json(resp, 201);
    ck_assert_str_eq(cc_test_json_string(resp->json, "response_id"), round);
    cc_test_response_free(resp);
    free(round);
    free(finding);
    fixture_free(&f);
}
END_TEST

static void refused(const cc_test_caller_t *c, const char *finding, const char *type, const char *disp,
                    const char *body, size_t len, int status, const char *code, const char *field)
{
    cc_test_response_t *resp = upload(c, finding, type, disp, body, len);
    cc_test_assert_problem(resp, status, code);
    if (field != NULL)
        cc_test_assert_first_error_field(resp, field);
    cc_test_response_free(resp);
}

static void set_limit(const fixture_t *f, const char *value)
{
    char *body = cc_test_asprintf("{\"findings\":{\"evidence_max_bytes\":%s}}", value);
    cc_test_response_t *resp = cc_test_call(&f->t.cb.admin, "PATCH", "/v1/settings", NULL, body);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    free(body);
}

START_TEST(refusals_leave_nothing)
{
    fixture_t f;
    fixture_setup(&f);
    char *finding = raise_finding(&f, NULL);
    const char *ok_name = "attachment; filename*=UTF-8''x.pdf";
    const char *pdf = "%PDF-1.7 fine";
    refused(&f.t.cb.client1, finding, "application/zip", ok_name, pdf, strlen(pdf), 415,
            "unsupported_media_type", NULL);
    refused(&f.t.cb.client1, finding, "text/html", ok_name, "<p>hi</p>", 9, 415, "unsupported_media_type",
            NULL);
    /* a "PDF" that is not %PDF-, an "image/png" that is an executable, "text" with a NUL */
    refused(&f.t.cb.client1, finding, PDF, ok_name, "<html>not a pdf", 15, 415, "content_mismatch", NULL);
    char *elf = file_of("\x7f"
                        "ELF\x02\x01\x01\x00",
                        8, 4096);
    refused(&f.t.cb.client1, finding, PNG, "attachment; filename=image.png", elf, 4096, 415,
            "content_mismatch", NULL);
    refused(&f.t.cb.client1, finding, "text/plain", "attachment; filename=a.txt", "ab\0cd", 5, 415,
            "content_mismatch", NULL);
    refused(&f.t.cb.client1, finding, "text/csv", "attachment; filename=a.csv", "a,caf\xe9", 6, 415,
            "content_mismatch", NULL);
    char docx[64]; /* a document declared as a spreadsheet */
    size_t docx_len = zip_of("word/document.xml", docx);
    refused(&f.t.cb.client1, finding, XLSX, "attachment; filename=a.xlsx", docx, docx_len, 415,
            "content_mismatch", NULL);
    /* empty, and names that are not */
    refused(&f.t.cb.client1, finding, PDF, ok_name, "", 0, 400, "empty_file", NULL);
    refused(&f.t.cb.client1, finding, PDF, NULL, pdf, strlen(pdf), 400, "validation_failed", "filename");
    refused(&f.t.cb.client1, finding, PDF, "attachment; filename*=UTF-8''bad%FF.pdf", pdf, strlen(pdf), 400,
            "validation_failed", "filename");
    refused(&f.t.cb.client1, finding, PDF, "attachment; filename*=UTF-8''..%2F..%2F", pdf, strlen(pdf), 400,
            "validation_failed", "filename");
    refused(&f.t.cb.client1, finding, PDF, "attachment; filename*=UTF-8''%01%02", pdf, strlen(pdf), 400,
            "validation_failed", "filename");
    /* over the tenant's limit, lowered by the admin to 1 MiB: one byte more is refused, the limit is not */
    set_limit(&f, "1048576");
    char *big = file_of("%PDF-1.7\n", 9, 1048577);
    refused(&f.t.cb.client1, finding, PDF, ok_name, big, 1048577, 413, "payload_too_large", NULL);
    json_t *items = list_of(&f.t.cb.client1, finding);
    ck_assert_uint_eq(json_array_size(items), 0); /* nothing was kept of any refusal */
    json_decref(items);
    char *id = must_upload(&f.t.cb.client1, finding, PDF, ok_name, big, 1048576, "x.pdf", PDF);
    set_limit(&f, "null");
    free(id);
    free(big);
    free(elf);
    free(finding);
    fixture_free(&f);
}
END_TEST

/* The names a client sends are kept as their base name, without control characters, percent-decoded. */
START_TEST(file_names)
{
    fixture_t f;
    fixture_setup(&f);
    char *finding = raise_finding(&f, NULL);
    const char *pdf = "%PDF-1.7 names";
    static const struct {
        const char *disposition, *name;
    } cases[] = {
        {"attachment; filename*=UTF-8''..%2F..%2F..%2Fetc%2Fpasswd.pdf", "passwd.pdf"},
        {"attachment; filename=\"C:\\\\Users\\\\me\\\\Desktop\\\\report.pdf\"", "report.pdf"},
        {"attachment; filename*=UTF-8''re%00po%0D%0Art%7F.pdf", "report.pdf"},
        {"attachment; filename*=UTF-8''%E8%A8%BC%E6%8B%A0%20%C3%A9t%C3%A9.pdf",
         "\xe8\xa8\xbc\xe6\x8b\xa0 \xc3\xa9t\xc3\xa9.pdf"},
        {"attachment; filename=\"fallback.pdf\"; filename*=UTF-8''preferred.pdf", "preferred.pdf"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *id = must_upload(&f.t.cb.client1, finding, PDF, cases[i].disposition, pdf, strlen(pdf),
                               cases[i].name, PDF);
        free(id);
    }
    free(finding);
    fixture_free(&f);
}
END_TEST

static void expect_status(const cc_test_caller_t *c, const char *path, int status, const char *code)
{
    cc_test_response_t *resp = get_as(c, path, NULL);
    if (code != NULL)
        cc_test_assert_problem(resp, status, code);
    else
        ck_assert_int_eq(resp->status, status);
    cc_test_response_free(resp);
}

START_TEST(roles_and_visibility)
{
    fixture_t f;
    fixture_setup(&f);
    char *finding = raise_finding(&f, NULL);
    const char *pdf = "%PDF-1.7 roles", *name = "attachment; filename=r.pdf";
    char *id = must_upload(&f.t.cb.sm, finding, PDF, name, pdf, strlen(pdf), "r.pdf", PDF);
    char *file_path = cc_test_asprintf("/v1/evidence/%s", id);
    char *list_path = cc_test_asprintf("/v1/findings/%s/evidence", finding);
    /* another client organisation and another tenant: not found */
    refused(&f.client2, finding, PDF, name, pdf, strlen(pdf), 404, "not_found", NULL);
    expect_status(&f.client2, file_path, 404, "not_found");
    expect_status(&f.client2, list_path, 404, "not_found");
    refused(&f.t.cb.other_admin, finding, PDF, name, pdf, strlen(pdf), 404, "not_found", NULL);
    expect_status(&f.t.cb.other_admin, file_path, 404, "not_found");
    expect_status(&f.t.cb.other_admin, list_path, 404, "not_found");
    /* the decision maker reads but may not upload; an auditor off the team may not upload */
    refused(&f.t.dm, finding, PDF, name, pdf, strlen(pdf), 403, "forbidden", NULL);
    expect_status(&f.t.dm, list_path, 200, NULL);
    refused(&f.t.outsider, finding, PDF, name, pdf, strlen(pdf), 403, "not_on_team", NULL);
    /* a file or finding that does not exist */
    expect_status(&f.t.cb.admin, "/v1/evidence/00000000-0000-4000-8000-000000000000", 404, "not_found");
    expect_status(&f.t.cb.admin, "/v1/findings/00000000-0000-4000-8000-000000000000/evidence", 404,
                  "not_found");
    refused(&f.t.cb.admin, "00000000-0000-4000-8000-000000000000", PDF, name, pdf, strlen(pdf), 404,
            "not_found", NULL);
    expect_status(&f.t.cb.admin, "/v1/evidence/not-a-uuid", 400, "validation_failed");
    /* the admin and the team's lead may upload; every allowed upload is listed */
    free(must_upload(&f.t.cb.admin, finding, PDF, name, pdf, strlen(pdf), "r.pdf", PDF));
    free(must_upload(&f.t.lead, finding, PDF, name, pdf, strlen(pdf), "r.pdf", PDF));
    json_t *items = list_of(&f.t.dm, finding);
    ck_assert_uint_eq(json_array_size(items), 3);
    json_decref(items);
    free(list_path);
    free(file_path);
    free(id);
    free(finding);
    fixture_free(&f);
}
END_TEST

/* After the tests (in the runner, whatever they did): the tenant's upload limit back to its default. */
static void restore_limit(void)
{
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, "northcert", "admin");
    cc_test_response_t *resp =
        cc_test_call(&admin, "PATCH", "/v1/settings", NULL, "{\"findings\":{\"evidence_max_bytes\":null}}");
    cc_test_response_free(resp);
    cc_test_caller_free(&admin);
}

static Suite *suite(void)
{
    Suite *s = suite_create("evidence");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 240);
    tcase_add_unchecked_fixture(tc, NULL, restore_limit);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, linked_to_open_round);
    tcase_add_test(tc, refusals_leave_nothing);
    tcase_add_test(tc, file_names);
    tcase_add_test(tc, roles_and_visibility);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
