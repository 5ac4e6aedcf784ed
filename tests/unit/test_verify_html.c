/*
 * The verify page's HTML (services/certificates/verify_html.c): escaping of
 * every value, each status banner in words, what a confidential or superseded
 * record shows, the form and its errors, and the Content-Security-Policy's
 * hash of the one inline stylesheet.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "certificates/verify_html.c"

/* A full public record as public_lookup() answers it, with status and valid set. */
static json_t *record(const char *status, bool valid)
{
    return json_pack("{s:s, s:i, s:s, s:b, s:{s:s, s:s, s:s}, s:s, s:s, s:[{s:s, s:s, s:s}], s:s, s:s, s:s, "
                     "s:s, s:n, s:n, s:{s:s, s:s}, s:s, s:s, s:s}",
                     "number", "NORTHCERT-27001-000042", "revision", 0, "status", status, "valid", valid,
                     "holder", "name", "Aurora Logistics Ltd", "city", "Leeds", "country", "GB", "standard",
                     "ISO/IEC 27001:2022", "scope", "Freight forwarding and warehousing", "sites", "city",
                     "Leeds", "country", "GB", "scope", "Warehousing", "original_issue_date", "2026-01-15",
                     "issue_date", "2026-01-15", "effective_date", "2026-01-15", "expiry_date", "2029-01-14",
                     "suspended_since", "withdrawn_on", "certification_body", "name", "NorthCert", "slug",
                     "northcert", "accreditation_body", "UKAS", "updated_at", "2026-12-07T09:30:00.000Z",
                     "verify_url", "http://localhost:8080/verify/northcert/NORTHCERT-27001-000042");
}

/* Renders record's page (NULL: not found) into a string the caller frees. */
static char *page(const json_t *rec, const char *slug, const char *number)
{
    cc_buf_t out = {0};
    verify_html_certificate(&out, rec, slug, number);
    return out.data;
}

static void assert_contains(const char *html, const char *needle)
{
    ck_assert_msg(strstr(html, needle) != NULL, "missing %s in:\n%s", needle, html);
}

static void assert_lacks(const char *html, const char *needle)
{
    ck_assert_msg(strstr(html, needle) == NULL, "unexpected %s in:\n%s", needle, html);
}

/* The frame every page has: doctype, lang, viewport, a title, the landmarks, no script. */
static void assert_frame(const char *html)
{
    ck_assert_msg(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0, "%s", html);
    assert_contains(html, "<meta charset=\"utf-8\">");
    assert_contains(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    assert_contains(html, "<title>");
    assert_contains(html, "<header>");
    assert_contains(html, "<main>");
    assert_contains(html, "<footer>");
    assert_contains(html, "</html>\n");
    assert_lacks(html, "<script");
    assert_lacks(html, "style=\""); /* only the hashed stylesheet: a style attribute would be refused */
}

START_TEST(escape_text_and_attributes)
{
    cc_buf_t out = {0};
    verify_html_escape(&out, "<script>alert(\"x\" & 'y')</script>\x01\tok\x7f");
    ck_assert_str_eq(
        out.data, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;&#xFFFD;\tok&#xFFFD;");
    free(out.data);
    cc_buf_t empty = {0};
    verify_html_escape(&empty, "");
    ck_assert_str_eq(empty.data, "");
    free(empty.data);
    cc_buf_t utf8 = {0};
    verify_html_escape(&utf8, "Zürich Œuvre");
    ck_assert_str_eq(utf8.data, "Zürich Œuvre");
    free(utf8.data);
}
END_TEST

START_TEST(path_segments_are_encoded)
{
    cc_buf_t out = {0};
    verify_html_path_segment(&out, "NC-1.2_3~a/b c?\"<é");
    ck_assert_str_eq(out.data, "NC-1.2_3~a%2Fb%20c%3F%22%3C%C3%A9");
    free(out.data);
}
END_TEST

START_TEST(slugs_and_numbers)
{
    ck_assert(verify_html_is_slug("northcert"));
    ck_assert(verify_html_is_slug("North-Cert2"));
    ck_assert(!verify_html_is_slug("n"));
    ck_assert(!verify_html_is_slug("-north"));
    ck_assert(!verify_html_is_slug("north cert"));
    ck_assert(!verify_html_is_slug("north/cert"));
    ck_assert(verify_html_is_number("NORTHCERT-27001-000042-R1"));
    ck_assert(verify_html_is_number("a.b_c"));
    ck_assert(!verify_html_is_number(""));
    ck_assert(!verify_html_is_number("NC 1"));
    ck_assert(!verify_html_is_number("<script>"));
    char long_number[82];
    memset(long_number, 'A', 81);
    long_number[81] = '\0';
    ck_assert(!verify_html_is_number(long_number));
    long_number[80] = '\0';
    ck_assert(verify_html_is_number(long_number));
}
END_TEST

/* Each status: its banner's class, its word in the heading and the title, and its sentence. */
START_TEST(each_banner_in_words)
{
    static const struct {
        const char *status;
        bool valid;
        verify_status_t want;
        const char *name, *css, *label, *sentence;
    } CASES[] = {
        {"active", true, VERIFY_VALID, "valid", "valid", "Valid",
         "active and valid today until <time datetime=\"2029-01-14\">14 January 2029</time>."},
        {"active", false, VERIFY_NOT_VALID, "not_valid", "bad", "Not valid", "not valid today"},
        {"suspended", false, VERIFY_SUSPENDED, "suspended", "warn", "Suspended",
         "suspended since <time datetime=\"2026-11-30\">30 November 2026</time>. It is not valid while "
         "suspended."},
        {"withdrawn", false, VERIFY_WITHDRAWN, "withdrawn", "bad", "Withdrawn",
         "withdrawn on <time datetime=\"2026-12-01\">1 December 2026</time>. It is no longer valid."},
        {"expired", false, VERIFY_EXPIRED, "expired", "bad", "Expired",
         "has expired (its last valid day was <time datetime=\"2029-01-14\">14 January 2029</time>)."},
        {"superseded", false, VERIFY_SUPERSEDED, "superseded", "info", "Superseded",
         "Check the current certificate: <a href=\"/verify/northcert/NORTHCERT-27001-000042-R1\">"
         "NORTHCERT-27001-000042-R1</a>."},
        {"draftish", false, VERIFY_UNKNOWN, "unknown", "bad", "Status unknown", "could not be read"},
    };
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        json_t *rec = record(CASES[i].status, CASES[i].valid);
        if (strcmp(CASES[i].status, "suspended") == 0)
            json_object_set_new(rec, "suspended_since", json_string("2026-11-30"));
        if (strcmp(CASES[i].status, "withdrawn") == 0)
            json_object_set_new(rec, "withdrawn_on", json_string("2026-12-01"));
        if (strcmp(CASES[i].status, "superseded") == 0)
            json_object_set_new(rec, "current_number", json_string("NORTHCERT-27001-000042-R1"));
        ck_assert_int_eq(verify_html_status(rec), CASES[i].want);
        char *html = page(rec, "northcert", "NORTHCERT-27001-000042");
        assert_frame(html);
        char want[256];
        snprintf(want, sizeof(want), "<section class=\"banner %s\" data-status=\"%s\"", CASES[i].css,
                 CASES[i].name);
        assert_contains(html, want);
        snprintf(want, sizeof(want), "</span>Status: %s</h2>", CASES[i].label);
        assert_contains(html, want);
        snprintf(want, sizeof(want), "<title>%s \xE2\x80\x93 NORTHCERT-27001-000042 \xE2\x80\x93",
                 CASES[i].label);
        assert_contains(html, want);
        assert_contains(html, CASES[i].sentence);
        assert_contains(html, "<h1>Certificate NORTHCERT-27001-000042</h1>");
        if (CASES[i].want != VERIFY_VALID)
            assert_lacks(html, "Status: Valid");
        free(html);
        json_decref(rec);
    }
}
END_TEST

/* The valid page shows the holder, standard, scope, sites, dates and the CB with its accreditation. */
START_TEST(valid_page_shows_the_record)
{
    json_t *rec = record("active", true);
    char *html = page(rec, "northcert", "NORTHCERT-27001-000042");
    assert_contains(html, "<dt>Organisation</dt><dd>Aurora Logistics Ltd</dd>");
    assert_contains(html, "<dt>Location</dt><dd>Leeds, GB</dd>");
    assert_contains(html, "<dt>Standard</dt><dd>ISO/IEC 27001:2022</dd>");
    assert_contains(html, "<dt>Scope</dt><dd>Freight forwarding and warehousing</dd>");
    assert_contains(html, "<li>Leeds, GB: Warehousing</li>");
    assert_contains(html,
                    "<dt>First issued</dt><dd><time datetime=\"2026-01-15\">15 January 2026</time></dd>");
    assert_contains(html, "<dt>Expires</dt><dd><time datetime=\"2029-01-14\">14 January 2029</time></dd>");
    assert_contains(html, "<dt>Name</dt><dd>NorthCert</dd>");
    assert_contains(html, "<dt>Accredited by</dt><dd>UKAS</dd>");
    assert_contains(html, "<a href=\"/public/v1/cbs/northcert/certificates/NORTHCERT-27001-000042\">");
    assert_contains(html, "<time datetime=\"2026-12-07T09:30:00.000Z\">");
    assert_lacks(html, "Suspended since"); /* null fields are left out */
    free(html);
    json_decref(rec);
}
END_TEST

/* Every value from the record and the request is text, never markup. */
START_TEST(record_values_are_escaped)
{
    json_t *rec = record("active", true);
    const char *evil = "<script>alert(1)</script>";
    json_object_set_new(json_object_get(rec, "holder"), "name", json_string(evil));
    json_object_set_new(rec, "scope", json_string("a \"quoted\" & <b>bold</b> scope"));
    json_object_set_new(json_array_get(json_object_get(rec, "sites"), 0), "city", json_string("<img src=x>"));
    json_object_set_new(json_object_get(rec, "certification_body"), "name", json_string("CB's <i>"));
    json_object_set_new(rec, "updated_at", json_string("\"><script>"));
    char *html = page(rec, "northcert", "NORTHCERT-27001-000042");
    assert_frame(html);
    assert_contains(html, "<dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>");
    assert_contains(html, "a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; scope");
    assert_contains(html, "&lt;img src=x&gt;");
    assert_contains(html, "CB&#39;s &lt;i&gt;");
    assert_lacks(html, "<img");
    assert_lacks(html, "<b>");
    free(html);
    json_decref(rec);
    /* Not found: the slug and number as asked are shown escaped and linked encoded. */
    html = page(NULL, "<b>cb</b>", "\"><script>x</script>");
    assert_frame(html);
    assert_contains(html, "&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
    assert_contains(html, "value=\"&lt;b&gt;cb&lt;/b&gt;\"");
    assert_lacks(html, "<b>");
    free(html);
}
END_TEST

START_TEST(confidential_shows_only_the_public_fields)
{
    json_t *rec = json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:s}}", "number", "NORTHCERT-9001-000007", "status",
                            "active", "valid", 1, "standard", "ISO 9001:2015", "certification_body", "name",
                            "NorthCert", "slug", "northcert");
    char *html = page(rec, "northcert", "NORTHCERT-9001-000007");
    assert_frame(html);
    assert_contains(html, "data-status=\"valid\"");
    assert_contains(html, "<dt>Standard</dt><dd>ISO 9001:2015</dd>");
    assert_contains(html, "<dt>Name</dt><dd>NorthCert</dd>");
    assert_lacks(html, "<h2>Holder</h2>");
    assert_lacks(html, "<h2>Sites</h2>");
    assert_lacks(html, "Scope");
    assert_lacks(html, "Expires");
    assert_contains(html, "active and valid today.");
    free(html);
    json_decref(rec);
}
END_TEST

START_TEST(not_found_page)
{
    ck_assert_int_eq(verify_html_status(NULL), VERIFY_NOT_FOUND);
    char *html = page(NULL, "northcert", "NOPE-1");
    assert_frame(html);
    assert_contains(html,
                    "<title>Not found \xE2\x80\x93 NOPE-1 \xE2\x80\x93 Certificate verification</title>");
    assert_contains(html, "<h1>Certificate not found</h1>");
    assert_contains(html, "data-status=\"not_found\"");
    assert_contains(html, "Status: Not found</h2>");
    assert_contains(html, "<form method=\"get\" action=\"/verify\">");
    assert_contains(html, "value=\"NOPE-1\"");
    free(html);
}
END_TEST

START_TEST(form_and_its_errors)
{
    cc_buf_t out = {0};
    verify_html_form(&out, NULL, NULL, 0);
    assert_frame(out.data);
    assert_contains(out.data, "<title>Check a certificate \xE2\x80\x93 Certificate verification</title>");
    assert_contains(out.data, "<label for=\"cb\">Certification body</label>");
    assert_contains(out.data, "<label for=\"number\">Certificate number</label>");
    assert_contains(out.data, "<input id=\"cb\" name=\"cb\" type=\"text\" required");
    assert_contains(out.data, "aria-describedby=\"number-hint\" value=\"\">");
    assert_lacks(out.data, "aria-invalid=\"true\"");
    assert_lacks(out.data, "There is a problem");
    free(out.data);

    cc_buf_t bad = {0};
    verify_html_form(&bad, "<x>", "", VERIFY_FORM_CB_INVALID | VERIFY_FORM_NUMBER_MISSING);
    assert_frame(bad.data);
    assert_contains(bad.data, "<title>Error \xE2\x80\x93 Check a certificate");
    assert_contains(bad.data, "<h2 id=\"problem\">There is a problem</h2>");
    assert_contains(bad.data,
                    "<li><a href=\"#cb\">Certification body: a certification body&#39;s short name");
    assert_contains(bad.data,
                    "<li><a href=\"#number\">Certificate number: enter the certificate number</a></li>");
    assert_contains(bad.data,
                    "aria-describedby=\"cb-hint cb-error\" aria-invalid=\"true\" value=\"&lt;x&gt;\">");
    assert_contains(bad.data,
                    "aria-describedby=\"number-hint number-error\" aria-invalid=\"true\" value=\"\">");
    free(bad.data);
}
END_TEST

/* The policy allows the page's stylesheet by the SHA-256 of exactly what sits between <style> and </style>.
 */
START_TEST(csp_hashes_the_stylesheet)
{
    char csp[256];
    ck_assert(verify_html_csp(csp, sizeof(csp)));
    char small[16];
    ck_assert(!verify_html_csp(small, sizeof(small)));
    ck_assert_msg(strncmp(csp, "default-src 'none'; style-src 'sha256-", 38) == 0, "%s", csp);
    assert_lacks(csp, "script-src");
    assert_lacks(csp, "unsafe");
    assert_contains(csp, "form-action 'self'");
    assert_contains(csp, "frame-ancestors 'none'");
    char *html = page(NULL, "northcert", "X");
    const char *from = strstr(html, "<style>") + 7, *to = strstr(html, "</style>");
    uint8_t digest[CC_SHA256_LEN];
    cc_sha256(from, (size_t)(to - from), digest);
    char *b64 = cc_base64url_encode(digest, sizeof(digest));
    for (char *c = b64; *c != '\0'; c++)
        *c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
    char want[80];
    snprintf(want, sizeof(want), "'sha256-%s='", b64);
    assert_contains(csp, want);
    ck_assert_int_eq(strlen(b64), 43);
    free(b64);
    free(html);
}
END_TEST

static Suite *verify_html_suite(void)
{
    Suite *s = suite_create("verify_html");
    TCase *tc = tcase_create("html");
    tcase_add_test(tc, escape_text_and_attributes);
    tcase_add_test(tc, path_segments_are_encoded);
    tcase_add_test(tc, slugs_and_numbers);
    tcase_add_test(tc, each_banner_in_words);
    tcase_add_test(tc, valid_page_shows_the_record);
    tcase_add_test(tc, record_values_are_escaped);
    tcase_add_test(tc, confidential_shows_only_the_public_fields);
    tcase_add_test(tc, not_found_page);
    tcase_add_test(tc, form_and_its_errors);
    tcase_add_test(tc, csp_hashes_the_stylesheet);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(verify_html_suite());
}
