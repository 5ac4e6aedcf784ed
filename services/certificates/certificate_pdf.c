/*
 * The printed certificate as an A4 PDF with cairo's PDF surface written into
 * memory; see certificate_pdf.h. Text uses cairo's toy font API with DejaVu
 * Sans (fonts-dejavu-core), measured word by word to wrap; the QR code comes
 * from qr.c. What a certificate must show is DOMAIN.md "Certificates": the
 * holder and its sites with the scope of each, the standard with its edition,
 * the scope, the SoA version (ISMS), the number and revision, the dates, the CB
 * with its address and accreditation body.
 */
#include "certificate_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "qr.h"

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN 48.0
#define TEXT_W (PAGE_W - 2 * MARGIN)
#define BOTTOM (PAGE_H - MARGIN)
#define QR_SIZE 112.0
#define FONT "DejaVu Sans"

typedef struct {
    cairo_t *cr;
    double y;         /* the next line's top */
    const char *mark; /* the status printed across each page, or NULL */
    int page;
} page_t;

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
    cc_buf_append(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

static void font(page_t *p, double size, bool bold)
{
    cairo_select_font_face(p->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
}

/* The status across the page: large, pale, diagonal, behind nothing it would hide. */
static void watermark(page_t *p)
{
    if (p->mark == NULL)
        return;
    cairo_save(p->cr);
    font(p, 84, true);
    cairo_text_extents_t ext;
    cairo_text_extents(p->cr, p->mark, &ext);
    cairo_translate(p->cr, PAGE_W / 2, PAGE_H / 2);
    cairo_rotate(p->cr, -0.9);
    cairo_set_source_rgba(p->cr, 0.8, 0.1, 0.1, 0.18);
    cairo_move_to(p->cr, -ext.width / 2 - ext.x_bearing, ext.height / 2);
    cairo_show_text(p->cr, p->mark);
    cairo_restore(p->cr);
}

static void new_page(page_t *p)
{
    if (p->page > 0)
        cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
    watermark(p);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* Starts a new page when height more points do not fit on this one. */
static void need(page_t *p, double height)
{
    if (p->y + height > BOTTOM)
        new_page(p);
}

/* One line at x (centred on the text column when x < 0), its baseline a font size below p->y. */
static void line_at(page_t *p, const char *text, size_t len, double x, double size)
{
    char buf[1024];
    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    need(p, size * 1.35);
    if (x < 0) {
        cairo_text_extents_t ext;
        cairo_text_extents(p->cr, buf, &ext);
        x = MARGIN + (TEXT_W - ext.x_advance) / 2;
    }
    cairo_move_to(p->cr, x, p->y + size);
    cairo_show_text(p->cr, buf);
    p->y += size * 1.35;
}

static double width_of(page_t *p, const char *text, size_t len)
{
    char buf[1024];
    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    cairo_text_extents_t ext;
    cairo_text_extents(p->cr, buf, &ext);
    return ext.x_advance;
}

/* The length of the UTF-8 character at s. */
static size_t utf8_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/*
 * Writes text wrapped to width from x (centred when x < 0): words are kept whole where they fit, a word
 * wider than the column is cut between characters, and a newline starts a new line.
 */
static void wrapped(page_t *p, const char *text, double x, double width, double size)
{
    const char *s = text;
    while (*s != '\0') {
        while (*s == ' ')
            s++;
        size_t fit = 0, last_space = 0, i = 0;
        while (s[i] != '\0' && s[i] != '\n') {
            size_t next = i + utf8_len(s + i);
            if (width_of(p, s, next) > width)
                break;
            if (s[i] == ' ')
                last_space = i;
            i = fit = next;
        }
        size_t cut = fit;
        if (s[fit] != '\0' && s[fit] != '\n' && last_space > 0)
            cut = last_space; /* break at the last space that fits */
        if (cut == 0)
            cut = utf8_len(s); /* not even one character fits: print it anyway */
        line_at(p, s, cut, x, size);
        s += cut;
        if (*s == '\n')
            s++;
    }
}

/* "label: value" in two columns. */
static void field(page_t *p, const char *label, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return;
    need(p, 14);
    font(p, 9.5, false);
    cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
    cairo_move_to(p->cr, MARGIN, p->y + 10.5);
    cairo_show_text(p->cr, label);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    font(p, 10.5, true);
    wrapped(p, value, MARGIN + 150, TEXT_W - 150, 10.5);
}

/* An address from its parts ("street, post_code city, state, country"); parts absent are left out. */
static void address_of(const json_t *obj, char *out, size_t size)
{
    const char *parts[] = {str(obj, "street"), str(obj, "post_code"), str(obj, "city"), str(obj, "state"),
                           str(obj, "country")};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (parts[i][0] == '\0')
            continue;
        size_t n = strlen(out);
        /* post_code and city share one part, as an envelope prints them */
        const char *sep = n == 0 ? "" : i == 2 && parts[1][0] != '\0' ? " " : ", ";
        snprintf(out + n, size - n, "%s%s", sep, parts[i]);
    }
}

/* The CB, the title, the holder, the standard and the scope. */
static void heading(page_t *p, const json_t *doc)
{
    const json_t *cb = json_object_get(doc, "certification_body"), *holder = json_object_get(doc, "holder");
    char addr[1200];
    font(p, 16, true);
    wrapped(p, str(cb, "name"), -1, TEXT_W, 16);
    font(p, 9.5, false);
    wrapped(p, str(cb, "address"), -1, TEXT_W, 9.5);
    if (str(cb, "accreditation_body")[0] != '\0') {
        snprintf(addr, sizeof(addr), "Accredited by %s", str(cb, "accreditation_body"));
        wrapped(p, addr, -1, TEXT_W, 9.5);
    }
    p->y += 14;
    font(p, 28, true);
    line_at(p, "CERTIFICATE", 11, -1, 28);
    p->y += 6;
    font(p, 11, false);
    wrapped(p, "This is to certify that the management system of", -1, TEXT_W, 11);
    p->y += 4;
    font(p, 18, true);
    wrapped(p, str(holder, "legal_name"), -1, TEXT_W, 18);
    font(p, 10, false);
    address_of(holder, addr, sizeof(addr));
    wrapped(p, addr, -1, TEXT_W, 10);
    p->y += 8;
    font(p, 11, false);
    wrapped(p, "has been assessed and found to conform to the requirements of", -1, TEXT_W, 11);
    p->y += 4;
    font(p, 20, true);
    wrapped(p, str(doc, "standard"), -1, TEXT_W, 20);
    p->y += 6;
    font(p, 11, false);
    wrapped(p, "for the following scope:", -1, TEXT_W, 11);
    font(p, 12, true);
    wrapped(p, str(doc, "scope"), -1, TEXT_W, 12);
    if (str(doc, "soa_version")[0] != '\0') {
        char soa[200];
        snprintf(soa, sizeof(soa), "Statement of Applicability: %s", str(doc, "soa_version"));
        font(p, 10, false);
        wrapped(p, soa, -1, TEXT_W, 10);
    }
    p->y += 12;
}

/* Each certified site with its address and its own scope. */
static void sites(page_t *p, const json_t *doc)
{
    const json_t *list = json_object_get(doc, "sites");
    if (json_array_size(list) == 0)
        return;
    need(p, 40);
    font(p, 11, true);
    line_at(p, "Certified sites", 15, MARGIN, 11);
    size_t i;
    const json_t *site;
    json_array_foreach(list, i, site)
    {
        char addr[1200];
        need(p, 36);
        font(p, 10, true);
        wrapped(p, str(site, "name"), MARGIN + 10, TEXT_W - 10, 10);
        font(p, 9.5, false);
        address_of(site, addr, sizeof(addr));
        wrapped(p, addr, MARGIN + 10, TEXT_W - 10, 9.5);
        char scope[2100];
        snprintf(scope, sizeof(scope), "Scope: %s", str(site, "scope"));
        wrapped(p, scope, MARGIN + 10, TEXT_W - 10, 9.5);
        p->y += 4;
    }
    p->y += 8;
}

/* The status line for a certificate that is not active ("Suspended since 2026-12-07"). */
static void status_text(const json_t *doc, char *out, size_t size)
{
    const char *status = str(doc, "status"), *since = "";
    if (strcmp(status, "suspended") == 0)
        since = str(doc, "suspended_since");
    else if (strcmp(status, "withdrawn") == 0)
        since = str(doc, "withdrawn_on");
    else if (strcmp(status, "expired") == 0)
        since = str(doc, "expired_on");
    snprintf(out, size, "%c%s%s%s", toupper((unsigned char)status[0]), status[0] != '\0' ? status + 1 : "",
             since[0] != '\0' ? " since " : "", since);
}

/* Number, revision, identity, dates and status; then the QR code of the verify URL below. */
static void details(page_t *p, const json_t *doc, const qr_code_t *qr, const char *verify_url)
{
    char revision[32], status[80];
    snprintf(revision, sizeof(revision), "%lld",
             (long long)json_integer_value(json_object_get(doc, "revision")));
    field(p, "Certificate number", str(doc, "number"));
    field(p, "Revision", revision);
    field(p, "Certification identity", str(doc, "certification_id"));
    field(p, "Original issue date", str(doc, "original_issue_date"));
    field(p, "Issue date", str(doc, "issue_date"));
    field(p, "Effective date", str(doc, "effective_date"));
    field(p, "Expiry date", str(doc, "expiry_date"));
    if (strcmp(str(doc, "status"), "active") != 0) {
        status_text(doc, status, sizeof(status));
        field(p, "Status", status);
    }
    p->y += 10;
    need(p, QR_SIZE + 4);
    qr_draw(p->cr, qr, MARGIN, p->y, QR_SIZE);
    font(p, 9.5, false);
    double y = p->y;
    p->y += 20;
    wrapped(p, "Verify this certificate's current status at:", MARGIN + QR_SIZE + 14, TEXT_W - QR_SIZE - 14,
            9.5);
    wrapped(p, verify_url, MARGIN + QR_SIZE + 14, TEXT_W - QR_SIZE - 14, 9.5);
    wrapped(p, "or scan the code. This certificate remains the property of the certification body.",
            MARGIN + QR_SIZE + 14, TEXT_W - QR_SIZE - 14, 9.5);
    p->y = y + QR_SIZE;
}

/* The status across the page for a certificate that is not (or no longer) active. */
static const char *mark_of(const char *status)
{
    static const char *const marks[][2] = {{"suspended", "SUSPENDED"},
                                           {"withdrawn", "WITHDRAWN"},
                                           {"expired", "EXPIRED"},
                                           {"superseded", "SUPERSEDED"},
                                           {"draft", "DRAFT"}};
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (strcmp(status, marks[i][0]) == 0)
            return marks[i][1];
    return NULL;
}

int certificate_pdf_render(const json_t *doc, const char *verify_url, unsigned char **pdf, size_t *len)
{
    qr_code_t qr;
    if (qr_encode(verify_url, &qr) != 0)
        return -1;
    cc_buf_t out = {0};
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_buf, &out, PAGE_W, PAGE_H);
    char title[200];
    snprintf(title, sizeof(title), "Certificate %s", str(doc, "number"));
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR,
                                   str(json_object_get(doc, "certification_body"), "name"));
    page_t p = {.cr = cairo_create(surface), .mark = mark_of(str(doc, "status"))};
    new_page(&p);
    heading(&p, doc);
    sites(&p, doc);
    details(&p, doc, &qr, verify_url);
    cairo_show_page(p.cr);
    cairo_status_t st = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    qr_free(&qr);
    if (st != CAIRO_STATUS_SUCCESS || out.data == NULL) {
        free(out.data);
        return -1;
    }
    *pdf = (unsigned char *)out.data;
    *len = out.len;
    return 0;
}
