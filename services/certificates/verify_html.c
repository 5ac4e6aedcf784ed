/*
 * The verify page's HTML: a public record (public_index.h) or the form, as
 * one HTML5 document with one inline stylesheet and no script (see
 * verify_html.h). Accessibility (issue 9 "Web page"): lang, a title that
 * names the status, header/main/footer landmarks, one h1 then h2s, labelled
 * fields with their errors tied to them, the status in words (the colour and
 * the symbol only repeat it), text contrast of at least 7:1 on every
 * background, and a fluid single column that fits a phone.
 */
#include "verify_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"

/* The one stylesheet. Its SHA-256 is the page's style-src (verify_html_csp): change it freely. */
static const char STYLE[] =
    ":root{color-scheme:light;--ink:#1b1b1b;--muted:#4a4a4a;--link:#0b4f9c;--rule:#c9c9c9}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "color:var(--ink);background:#fff}"
    "header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}"
    "header{border-bottom:1px solid var(--rule)}"
    "header p{margin:0;font-weight:700}"
    "footer{border-top:1px solid var(--rule);color:var(--muted);font-size:.9rem}"
    "a{color:var(--link)}"
    "a:focus,input:focus,button:focus{outline:3px solid #1b1b1b;outline-offset:2px}"
    "h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem;overflow-wrap:anywhere}"
    "h2{font-size:1.2rem;margin:1.5rem 0 .5rem}"
    ".banner{border:2px solid;border-left-width:.6rem;border-radius:.25rem;padding:.75rem 1rem;margin:0 0 "
    "1.5rem}"
    ".banner h2{margin:0 0 .25rem;font-size:1.35rem}"
    ".banner p{margin:0}"
    ".icon{display:inline-block;min-width:1.4em}"
    ".valid{background:#e7f4ea;border-color:#1e7b34;color:#0d3b19}"
    ".warn{background:#fff4d6;border-color:#8a5a00;color:#3d2a00}"
    ".bad{background:#fde8e8;border-color:#b3261e;color:#4a0d0a}"
    ".info{background:#e8eefc;border-color:#2a4fb0;color:#14275a}"
    "dl{margin:0;display:grid;grid-template-columns:minmax(8rem,12rem) 1fr;gap:.25rem 1rem}"
    "dt{font-weight:700}dd{margin:0;overflow-wrap:anywhere}"
    "@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}}"
    "ul.sites{margin:0;padding-left:1.25rem}"
    ".field{margin:0 0 1rem}"
    "label{display:block;font-weight:700}"
    ".hint{margin:.1rem 0 .3rem;color:var(--muted)}"
    "input{font:inherit;width:100%;max-width:24rem;padding:.5rem;border:2px solid "
    "#1b1b1b;border-radius:.2rem}"
    "input[aria-invalid=true]{border-color:#b3261e}"
    ".error{color:#8f1d17;font-weight:700;margin:.1rem 0 .3rem}"
    "button{font:inherit;font-weight:700;padding:.6rem 1.4rem;border:0;border-radius:.2rem;"
    "background:#0b4f9c;color:#fff;cursor:pointer}"
    ".summary{border:2px solid #b3261e;padding:.75rem 1rem;margin:0 0 1.5rem}"
    ".summary h2{margin-top:0}";

static const char *const MONTHS[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

void verify_html_escape(cc_buf_t *out, const char *s)
{
    const char *run = s;
    for (; *s != '\0'; s++) {
        const char *rep = NULL;
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
                rep = "&#xFFFD;";
        }
        if (rep == NULL)
            continue;
        cc_buf_append(out, run, (size_t)(s - run));
        cc_buf_append(out, rep, strlen(rep));
        run = s + 1;
    }
    cc_buf_append(out, run, (size_t)(s - run));
}

void verify_html_path_segment(cc_buf_t *out, const char *s)
{
    static const char HEX[] = "0123456789ABCDEF";
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~') {
            cc_buf_append(out, s, 1);
        } else {
            char enc[3] = {'%', HEX[c >> 4], HEX[c & 15]};
            cc_buf_append(out, enc, 3);
        }
    }
}

static bool all_of(const char *s, size_t min, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (; *s != '\0'; s++) {
        char c = *s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(extra, c)))
            return false;
    }
    return true;
}

bool verify_html_is_slug(const char *s)
{
    return all_of(s, 2, 63, "-") && s[0] != '-';
}

bool verify_html_is_number(const char *s)
{
    return all_of(s, 1, 80, "._-");
}

/* ---- the record's fields ---- */

static const char *str(const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return (v != NULL && v[0] != '\0') ? v : NULL;
}

verify_status_t verify_html_status(const json_t *record)
{
    if (record == NULL)
        return VERIFY_NOT_FOUND;
    const char *status = str(record, "status");
    if (status == NULL)
        return VERIFY_UNKNOWN;
    if (strcmp(status, "active") == 0)
        return json_is_true(json_object_get(record, "valid")) ? VERIFY_VALID : VERIFY_NOT_VALID;
    static const struct {
        const char *name;
        verify_status_t status;
    } MAP[] = {{"suspended", VERIFY_SUSPENDED},
               {"withdrawn", VERIFY_WITHDRAWN},
               {"expired", VERIFY_EXPIRED},
               {"superseded", VERIFY_SUPERSEDED}};
    for (size_t i = 0; i < sizeof(MAP) / sizeof(MAP[0]); i++)
        if (strcmp(status, MAP[i].name) == 0)
            return MAP[i].status;
    return VERIFY_UNKNOWN;
}

/* The banner of each status: its word, its class (colours), its symbol (decoration only). */
static const struct {
    const char *label, *name, *css, *icon;
} BANNERS[] = {
    [VERIFY_VALID] = {"Valid", "valid", "valid", "\xE2\x9C\x93"},               /* ✓ */
    [VERIFY_NOT_VALID] = {"Not valid", "not_valid", "bad", "\xE2\x9C\x97"},     /* ✗ */
    [VERIFY_SUSPENDED] = {"Suspended", "suspended", "warn", "!"},               /* ! */
    [VERIFY_WITHDRAWN] = {"Withdrawn", "withdrawn", "bad", "\xE2\x9C\x97"},     /* ✗ */
    [VERIFY_EXPIRED] = {"Expired", "expired", "bad", "\xE2\x9C\x97"},           /* ✗ */
    [VERIFY_SUPERSEDED] = {"Superseded", "superseded", "info", "\xE2\x86\x92"}, /* → */
    [VERIFY_NOT_FOUND] = {"Not found", "not_found", "bad", "?"},                /* ? */
    [VERIFY_UNKNOWN] = {"Status unknown", "unknown", "bad", "?"},               /* ? */
};

const char *verify_html_status_label(verify_status_t status)
{
    return BANNERS[status].label;
}

/* Appends a date "YYYY-MM-DD" as <time datetime="…">7 December 2026</time>; anything else escaped as is. */
static void put_date(cc_buf_t *out, const char *iso)
{
    int y, m, d, used = 0;
    if (sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && used == 10 && iso[10] == '\0' && m >= 1 &&
        m <= 12 && d >= 1 && d <= 31) {
        cc_buf_printf(out, "<time datetime=\"%04d-%02d-%02d\">%d %s %04d</time>", y, m, d, d, MONTHS[m - 1],
                      y);
        return;
    }
    verify_html_escape(out, iso);
}

static void put(cc_buf_t *out, const char *text)
{
    cc_buf_append(out, text, strlen(text));
}

/* Appends the link to /verify/{slug}/{number} with number as its text. */
static void put_verify_link(cc_buf_t *out, const char *slug, const char *number)
{
    put(out, "<a href=\"/verify/");
    verify_html_path_segment(out, slug);
    put(out, "/");
    verify_html_path_segment(out, number);
    put(out, "\">");
    verify_html_escape(out, number);
    put(out, "</a>");
}

/* ---- the document's frame ---- */

static void put_head(cc_buf_t *out, const char *title_a, const char *title_b)
{
    put(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    verify_html_escape(out, title_a);
    if (title_b != NULL) {
        put(out, " \xE2\x80\x93 ");
        verify_html_escape(out, title_b);
    }
    put(out, " \xE2\x80\x93 Certificate verification</title>\n<style>");
    put(out, STYLE);
    put(out, "</style>\n</head>\n<body>\n<header>\n<p><a href=\"/verify\">Certificate verification</a></p>\n"
             "</header>\n<main>\n");
}

static void put_foot(cc_buf_t *out, const json_t *record)
{
    put(out,
        "</main>\n<footer>\n<p>This page shows the certification body&#39;s public record as held by this "
        "register when the page was made.");
    const char *updated = record != NULL ? str(record, "updated_at") : NULL;
    if (updated != NULL) {
        put(out, " Record last changed: <time datetime=\"");
        verify_html_escape(out, updated);
        put(out, "\">");
        verify_html_escape(out, updated);
        put(out, "</time>.");
    }
    put(out, "</p>\n<p><a href=\"/verify\">Check another certificate</a></p>\n</footer>\n</body>\n</html>\n");
}

/* ---- the certificate page ---- */

/* The banner's sentence, after its word. */
static void put_banner_text(cc_buf_t *out, verify_status_t status, const json_t *rec, const char *slug,
                            const char *number)
{
    const char *expiry = str(rec, "expiry_date");
    switch (status) {
    case VERIFY_VALID:
        put(out, "This certificate is active and valid today");
        if (expiry != NULL) {
            put(out, " until ");
            put_date(out, expiry);
        }
        put(out, ".");
        break;
    case VERIFY_NOT_VALID:
        put(out, "This certificate is not valid today: the date is outside its validity period.");
        break;
    case VERIFY_SUSPENDED:
        put(out, "This certificate is suspended");
        if (str(rec, "suspended_since") != NULL) {
            put(out, " since ");
            put_date(out, str(rec, "suspended_since"));
        }
        put(out, ". It is not valid while suspended.");
        break;
    case VERIFY_WITHDRAWN:
        put(out, "This certificate was withdrawn");
        if (str(rec, "withdrawn_on") != NULL) {
            put(out, " on ");
            put_date(out, str(rec, "withdrawn_on"));
        }
        put(out, ". It is no longer valid.");
        break;
    case VERIFY_EXPIRED:
        put(out, "This certificate has expired");
        if (expiry != NULL) {
            put(out, " (its last valid day was ");
            put_date(out, expiry);
            put(out, ")");
        }
        put(out, ". It is no longer valid.");
        break;
    case VERIFY_SUPERSEDED:
        put(out, "This revision was replaced and is no longer the certificate in force.");
        if (str(rec, "current_number") != NULL) {
            const json_t *cb = json_object_get(rec, "certification_body");
            const char *cb_slug = str(cb, "slug") != NULL ? str(cb, "slug") : slug;
            put(out, " Check the current certificate: ");
            put_verify_link(out, cb_slug, str(rec, "current_number"));
            put(out, ".");
        }
        break;
    case VERIFY_NOT_FOUND:
        put(out, "No certificate numbered \xE2\x80\x9C");
        verify_html_escape(out, number);
        put(out, "\xE2\x80\x9D is known for the certification body \xE2\x80\x9C");
        verify_html_escape(out, slug);
        put(out, "\xE2\x80\x9D. Check both as printed on the certificate. Do not rely on a certificate "
                 "that cannot be found here.");
        break;
    case VERIFY_UNKNOWN:
        put(out, "The status of this certificate could not be read. Do not rely on it; ask the certification "
                 "body.");
        break;
    }
}

static void put_banner(cc_buf_t *out, verify_status_t status, const json_t *rec, const char *slug,
                       const char *number)
{
    cc_buf_printf(out,
                  "<section class=\"banner %s\" data-status=\"%s\" aria-labelledby=\"status\">\n"
                  "<h2 id=\"status\"><span class=\"icon\" aria-hidden=\"true\">%s</span>Status: %s</h2>\n<p>",
                  BANNERS[status].css, BANNERS[status].name, BANNERS[status].icon, BANNERS[status].label);
    put_banner_text(out, status, rec, slug, number);
    put(out, "</p>\n</section>\n");
}

/* One <dt>/<dd> pair when value is there; date: shown as a date. */
static void put_row(cc_buf_t *out, const char *term, const char *value, bool date)
{
    if (value == NULL)
        return;
    put(out, "<dt>");
    put(out, term);
    put(out, "</dt><dd>");
    if (date)
        put_date(out, value);
    else
        verify_html_escape(out, value);
    put(out, "</dd>\n");
}

/* A place: "City, CC" from an object with city and country (either may be absent). */
static void put_place(cc_buf_t *out, const json_t *obj)
{
    const char *city = str(obj, "city"), *country = str(obj, "country");
    if (city != NULL)
        verify_html_escape(out, city);
    if (city != NULL && country != NULL)
        put(out, ", ");
    if (country != NULL)
        verify_html_escape(out, country);
}

static void put_holder(cc_buf_t *out, const json_t *rec)
{
    const json_t *holder = json_object_get(rec, "holder");
    if (!json_is_object(holder))
        return;
    put(out, "<h2>Holder</h2>\n<dl>\n");
    put_row(out, "Organisation", str(holder, "name"), false);
    if (str(holder, "city") != NULL || str(holder, "country") != NULL) {
        put(out, "<dt>Location</dt><dd>");
        put_place(out, holder);
        put(out, "</dd>\n");
    }
    put(out, "</dl>\n");
}

static void put_sites(cc_buf_t *out, const json_t *rec)
{
    const json_t *sites = json_object_get(rec, "sites");
    if (!json_is_array(sites) || json_array_size(sites) == 0)
        return;
    put(out, "<h2>Sites</h2>\n<ul class=\"sites\">\n");
    size_t i;
    const json_t *site;
    json_array_foreach(sites, i, site)
    {
        put(out, "<li>");
        put_place(out, site);
        if (str(site, "scope") != NULL) {
            put(out, ": ");
            verify_html_escape(out, str(site, "scope"));
        }
        put(out, "</li>\n");
    }
    put(out, "</ul>\n");
}

static void put_certificate(cc_buf_t *out, const json_t *rec, const char *number)
{
    put(out, "<h2>Certificate</h2>\n<dl>\n");
    put_row(out, "Number", str(rec, "number") != NULL ? str(rec, "number") : number, false);
    const json_t *revision = json_object_get(rec, "revision");
    if (json_is_integer(revision)) {
        put(out, "<dt>Revision</dt><dd>");
        cc_buf_printf(out, "%lld", (long long)json_integer_value(revision));
        put(out, "</dd>\n");
    }
    put_row(out, "Standard", str(rec, "standard"), false);
    put_row(out, "Scope", str(rec, "scope"), false);
    put_row(out, "First issued", str(rec, "original_issue_date"), true);
    put_row(out, "This revision issued", str(rec, "issue_date"), true);
    put_row(out, "Effective from", str(rec, "effective_date"), true);
    put_row(out, "Expires", str(rec, "expiry_date"), true);
    put_row(out, "Suspended since", str(rec, "suspended_since"), true);
    put_row(out, "Withdrawn on", str(rec, "withdrawn_on"), true);
    put(out, "</dl>\n");
}

static void put_body(cc_buf_t *out, const json_t *rec)
{
    const json_t *cb = json_object_get(rec, "certification_body");
    const char *accreditation = str(rec, "accreditation_body");
    if (!json_is_object(cb) && accreditation == NULL)
        return;
    put(out, "<h2>Certification body</h2>\n<dl>\n");
    put_row(out, "Name", str(cb, "name"), false);
    put_row(out, "Accredited by", accreditation, false);
    put(out, "</dl>\n");
}

/* The record's machine-readable forms: the public API's JSON. */
static void put_machine_links(cc_buf_t *out, const char *slug, const char *number)
{
    put(out, "<h2>For software</h2>\n<p><a href=\"/public/v1/cbs/");
    verify_html_path_segment(out, slug);
    put(out, "/certificates/");
    verify_html_path_segment(out, number);
    put(out, "\">This record as JSON</a></p>\n");
}

static void put_form_fields(cc_buf_t *out, const char *cb, const char *number, unsigned errors);

void verify_html_certificate(cc_buf_t *out, const json_t *record, const char *cb_slug, const char *number)
{
    verify_status_t status = verify_html_status(record);
    if (status == VERIFY_NOT_FOUND) {
        put_head(out, "Not found", number);
        put(out, "<h1>Certificate not found</h1>\n");
        put_banner(out, status, NULL, cb_slug, number);
        put(out, "<h2>Check again</h2>\n");
        put_form_fields(out, cb_slug, number, 0);
        put_foot(out, NULL);
        return;
    }
    const char *shown = str(record, "number") != NULL ? str(record, "number") : number;
    put_head(out, BANNERS[status].label, shown);
    put(out, "<h1>Certificate ");
    verify_html_escape(out, shown);
    put(out, "</h1>\n");
    put_banner(out, status, record, cb_slug, number);
    put_holder(out, record);
    put_certificate(out, record, number);
    put_sites(out, record);
    put_body(out, record);
    put_machine_links(out, cb_slug, shown);
    put_foot(out, record);
}

/* ---- the form ---- */

/* One labelled field with its hint and, when wrong, its error (tied to the input by aria-describedby). */
static void put_field(cc_buf_t *out, const char *id, const char *label, const char *hint, const char *error,
                      const char *value)
{
    cc_buf_printf(
        out, "<div class=\"field\">\n<label for=\"%s\">%s</label>\n<p class=\"hint\" id=\"%s-hint\">%s</p>\n",
        id, label, id, hint);
    if (error != NULL)
        cc_buf_printf(out, "<p class=\"error\" id=\"%s-error\">Error: %s</p>\n", id, error);
    cc_buf_printf(
        out,
        "<input id=\"%s\" name=\"%s\" type=\"text\" required autocomplete=\"off\" autocapitalize=\"none\" "
        "spellcheck=\"false\" aria-describedby=\"%s-hint%s%s%s\"%s value=\"",
        id, id, id, error != NULL ? " " : "", error != NULL ? id : "", error != NULL ? "-error" : "",
        error != NULL ? " aria-invalid=\"true\"" : "");
    verify_html_escape(out, value != NULL ? value : "");
    put(out, "\">\n</div>\n");
}

static const char *cb_error(unsigned errors)
{
    if (errors & VERIFY_FORM_CB_MISSING)
        return "enter the certification body";
    if (errors & VERIFY_FORM_CB_INVALID)
        return "a certification body&#39;s short name has only letters, digits and hyphens";
    return NULL;
}

static const char *number_error(unsigned errors)
{
    if (errors & VERIFY_FORM_NUMBER_MISSING)
        return "enter the certificate number";
    if (errors & VERIFY_FORM_NUMBER_INVALID)
        return "a certificate number has only letters, digits, dots, hyphens and underscores";
    return NULL;
}

static void put_form_fields(cc_buf_t *out, const char *cb, const char *number, unsigned errors)
{
    put(out, "<form method=\"get\" action=\"/verify\">\n");
    put_field(out, "cb", "Certification body",
              "Its short name, as printed on the certificate (e.g. northcert)", cb_error(errors), cb);
    put_field(out, "number", "Certificate number",
              "As printed on the certificate (e.g. NORTHCERT-27001-000042)", number_error(errors), number);
    put(out, "<button type=\"submit\">Check certificate</button>\n</form>\n");
}

void verify_html_form(cc_buf_t *out, const char *cb, const char *number, unsigned errors)
{
    put_head(out, errors != 0 ? "Error" : "Check a certificate", errors != 0 ? "Check a certificate" : NULL);
    put(out, "<h1>Check a certificate</h1>\n<p>Find out whether a management system certificate is valid "
             "today: its status, holder, standard, scope and sites, as its certification body records "
             "them.</p>\n");
    if (errors != 0) {
        put(out, "<div class=\"summary\" role=\"alert\" aria-labelledby=\"problem\">\n"
                 "<h2 id=\"problem\">There is a problem</h2>\n<ul>\n");
        if (cb_error(errors) != NULL)
            cc_buf_printf(out, "<li><a href=\"#cb\">Certification body: %s</a></li>\n", cb_error(errors));
        if (number_error(errors) != NULL)
            cc_buf_printf(out, "<li><a href=\"#number\">Certificate number: %s</a></li>\n",
                          number_error(errors));
        put(out, "</ul>\n</div>\n");
    }
    put_form_fields(out, cb, number, errors);
    put_foot(out, NULL);
}

/* ---- the policy ---- */

bool verify_html_csp(char *out, size_t size)
{
    uint8_t digest[CC_SHA256_LEN];
    cc_sha256(STYLE, strlen(STYLE), digest);
    char *b64 = cc_base64url_encode(digest, sizeof(digest));
    /* CSP hashes are standard base64 with padding: 32 bytes are 43 characters and one '='. */
    for (char *c = b64; *c != '\0'; c++)
        *c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
    int n = snprintf(out, size,
                     "default-src 'none'; style-src 'sha256-%s='; form-action 'self'; base-uri 'none'; "
                     "frame-ancestors 'none'",
                     b64);
    free(b64);
    return n >= 0 && (size_t)n < size;
}
