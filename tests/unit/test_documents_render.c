/*
 * Unit tests of the certificates service's document rendering: the QR matrix
 * (qr.c: finder patterns, limits), its SVG (the path's runs are exactly the
 * dark modules), its drawing on cairo (sampled from an in-memory image), and
 * the printed certificate (certificate_pdf.c: a PDF, pages added for long
 * scopes and many sites, line wrapping that always makes progress). Decoding
 * with independent readers is the integration test test_documents_tools and
 * the e2e test test_documents.
 */
#include "cc_test_main.h"
#include <check.h>
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <string.h>

#include "certificates/certificate_pdf.c"
#include "certificates/qr.c"

#define URL "https://verify.example/verify/northcert/NORTHCERT-ISO27001-000042"

/* cairo and fontconfig keep font caches for the process: free them, so LeakSanitizer sees ours only. */
static void free_font_caches(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

START_TEST(matrix_has_finder_patterns)
{
    qr_code_t qr;
    ck_assert_int_eq(qr_encode(URL, &qr), 0);
    ck_assert_int_ge(qr.width, 21);
    ck_assert_int_eq((qr.width - 17) % 4, 0); /* 17 + 4 x version */
    /* The three 7x7 finder patterns: a dark ring, a light ring, a dark 3x3 centre. */
    int corners[3][2] = {{0, 0}, {qr.width - 7, 0}, {0, qr.width - 7}};
    for (int c = 0; c < 3; c++) {
        int x0 = corners[c][0], y0 = corners[c][1];
        for (int i = 0; i < 7; i++) {
            ck_assert(qr_is_dark(&qr, x0 + i, y0));
            ck_assert(qr_is_dark(&qr, x0, y0 + i));
        }
        ck_assert(!qr_is_dark(&qr, x0 + 1, y0 + 1));
        ck_assert(qr_is_dark(&qr, x0 + 3, y0 + 3));
    }
    ck_assert(!qr_is_dark(&qr, -1, 0));
    ck_assert(!qr_is_dark(&qr, qr.width, 0));
    qr_free(&qr);
}
END_TEST

START_TEST(matrix_limits)
{
    qr_code_t qr;
    ck_assert_int_eq(qr_encode("", &qr), -1);
    ck_assert_int_eq(qr_encode(NULL, &qr), -1);
    char *big = malloc(4000);
    memset(big, 'x', 3999);
    big[3999] = '\0';
    ck_assert_int_eq(qr_encode(big, &qr), -1); /* beyond version 40 at level M */
    size_t len;
    ck_assert_ptr_null(qr_svg(big, &len));
    free(big);
}
END_TEST

/* Rebuilds the matrix from the SVG path's "M x yhNv1h-Nz" runs. */
START_TEST(svg_path_is_the_matrix)
{
    size_t len = 0;
    char *svg = qr_svg(URL, &len);
    ck_assert_ptr_nonnull(svg);
    ck_assert_uint_eq(len, strlen(svg));
    ck_assert(strncmp(svg, "<?xml", 5) == 0);
    ck_assert_ptr_nonnull(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
    qr_code_t qr;
    ck_assert_int_eq(qr_encode(URL, &qr), 0);
    int side = qr.width + 2 * QR_QUIET_ZONE;
    char view[64];
    snprintf(view, sizeof(view), "viewBox=\"0 0 %d %d\"", side, side);
    ck_assert_ptr_nonnull(strstr(svg, view));

    unsigned char *seen = calloc((size_t)(qr.width * qr.width), 1);
    const char *d = strstr(svg, " d=\"") + 4;
    int x, y, run, run2, n;
    while (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &run2, &n) == 4) {
        ck_assert_int_eq(run, run2);
        for (int i = 0; i < run; i++) {
            int mx = x - QR_QUIET_ZONE + i, my = y - QR_QUIET_ZONE;
            ck_assert(qr_is_dark(&qr, mx, my));
            seen[my * qr.width + mx] = 1;
        }
        d += n;
    }
    ck_assert(*d == '"');
    for (int i = 0; i < qr.width * qr.width; i++)
        ck_assert_int_eq(seen[i], qr.modules[i]);
    free(seen);
    qr_free(&qr);
    free(svg);
}
END_TEST

START_TEST(drawing_matches_the_matrix)
{
    qr_code_t qr;
    ck_assert_int_eq(qr_encode(URL, &qr), 0);
    int side = qr.width + 2 * QR_QUIET_ZONE, scale = 4;
    cairo_surface_t *img =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, side * scale + 20, side * scale + 20);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_paint(cr);
    qr_draw(cr, &qr, 10, 10, side * scale);
    cairo_destroy(cr);
    cairo_surface_flush(img);
    const unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int my = -QR_QUIET_ZONE; my < qr.width + QR_QUIET_ZONE; my++)
        for (int mx = -QR_QUIET_ZONE; mx < qr.width + QR_QUIET_ZONE; mx++) {
            int cx = 10 + (mx + QR_QUIET_ZONE) * scale + scale / 2,
                cy = 10 + (my + QR_QUIET_ZONE) * scale + scale / 2;
            uint32_t v = *(const uint32_t *)(px + cy * stride + cx * 4) & 0xffffff;
            ck_assert_uint_eq(v, qr_is_dark(&qr, mx, my) ? 0x000000 : 0xffffff);
        }
    cairo_surface_destroy(img);
    qr_free(&qr);
}
END_TEST

static json_t *certificate(const char *status, const char *scope, int nsites)
{
    json_t *sites = json_array();
    for (int i = 0; i < nsites; i++)
        json_array_append_new(sites,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "Depot", "street", "1 Quay Road",
                                        "city", "Leeds", "country", "GB", "scope", scope));
    return json_pack("{s:s, s:i, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, "
                     "s:s}, s:{s:s, s:s, s:s}}",
                     "number", "NORTHCERT-ISO27001-000042", "revision", 0, "certification_id",
                     "0b7a3c1e-5d2f-4e8a-9c6b-1f2e3d4c5b6a", "standard", "ISO/IEC 27001:2022", "scope", scope,
                     "sites", sites, "soa_version", "SoA v3", "original_issue_date", "2026-12-07",
                     "issue_date", "2026-12-07", "effective_date", "2026-12-07", "expiry_date", "2029-12-06",
                     "status", status, "suspended_since", "2027-01-02", "holder", "legal_name",
                     "Aurora Logistics Ltd", "street", "2 Dock Street", "city", "Hull", "country", "GB",
                     "certification_body", "name", "NorthCert Ltd", "address", "1 High Street, York, GB",
                     "accreditation_body", "UKAS");
}

/* How many pages a PDF says it has ("/Type /Page" objects, not "/Pages"). */
static int page_count(const unsigned char *pdf, size_t len)
{
    int n = 0;
    for (size_t i = 0; i + 11 < len; i++)
        if (memcmp(pdf + i, "/Type /Page", 11) == 0 && pdf[i + 11] != 's')
            n++;
    return n;
}

START_TEST(pdf_one_page)
{
    json_t *doc = certificate("active", "Logistics and warehousing of goods", 2);
    unsigned char *pdf = NULL;
    size_t len = 0;
    ck_assert_int_eq(certificate_pdf_render(doc, URL, &pdf, &len), 0);
    ck_assert_uint_gt(len, 1000);
    ck_assert(memcmp(pdf, "%PDF-", 5) == 0);
    ck_assert_int_eq(page_count(pdf, len), 1);
    free(pdf);
    ck_assert_int_eq(certificate_pdf_render(doc, "", &pdf, &len), -1); /* no QR code, no certificate */
    json_decref(doc);
}
END_TEST

START_TEST(pdf_long_scope_and_many_sites_add_pages)
{
    char scope[2001];
    for (int i = 0; i < 2000; i++)
        scope[i] = i % 11 == 10 ? ' ' : 'a' + i % 26;
    scope[2000] = '\0';
    json_t *doc = certificate("suspended", scope, 12);
    unsigned char *pdf = NULL;
    size_t len = 0;
    ck_assert_int_eq(certificate_pdf_render(doc, URL, &pdf, &len), 0);
    ck_assert_int_ge(page_count(pdf, len), 3);
    free(pdf);
    json_decref(doc);
}
END_TEST

/* Wrapping on an image surface: a long unbreakable word and words each make several lines and end. */
START_TEST(wrapping_makes_progress)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 850);
    page_t p = {.cr = cairo_create(img)};
    new_page(&p);
    font(&p, 10, false);
    char word[301];
    memset(word, 'W', 300);
    word[300] = '\0';
    double y0 = p.y;
    wrapped(&p, word, MARGIN, 100, 10);
    ck_assert_double_gt(p.y - y0, 5 * 13.5); /* at least six lines of 100 points */
    y0 = p.y;
    wrapped(&p, "short", MARGIN, TEXT_W, 10);
    ck_assert_double_eq_tol(p.y - y0, 13.5, 0.01);
    y0 = p.y;
    wrapped(&p, "first\nsecond", MARGIN, TEXT_W, 10);
    ck_assert_double_eq_tol(p.y - y0, 27, 0.01);
    y0 = p.y;
    wrapped(&p, "Größe überall äöü € 中文", MARGIN, 5, 10); /* one character a line, never half of one */
    ck_assert_double_gt(p.y - y0, 10 * 13.5);
    cairo_destroy(p.cr);
    cairo_surface_destroy(img);
}
END_TEST

START_TEST(addresses_and_status)
{
    char out[200];
    json_t *a = json_pack("{s:s, s:s, s:s, s:s}", "street", "1 Quay Road", "post_code", "LS1 4AP", "city",
                          "Leeds", "country", "GB");
    address_of(a, out, sizeof(out));
    ck_assert_str_eq(out, "1 Quay Road, LS1 4AP Leeds, GB");
    json_decref(a);
    json_t *doc = json_pack("{s:s, s:s}", "status", "withdrawn", "withdrawn_on", "2027-02-03");
    status_text(doc, out, sizeof(out));
    ck_assert_str_eq(out, "Withdrawn since 2027-02-03");
    json_decref(doc);
    ck_assert_str_eq(mark_of("suspended"), "SUSPENDED");
    ck_assert_ptr_null(mark_of("active"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_render");
    TCase *tc = tcase_create("render");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, NULL, free_font_caches);
    tcase_add_test(tc, matrix_has_finder_patterns);
    tcase_add_test(tc, matrix_limits);
    tcase_add_test(tc, svg_path_is_the_matrix);
    tcase_add_test(tc, drawing_matches_the_matrix);
    tcase_add_test(tc, pdf_one_page);
    tcase_add_test(tc, pdf_long_scope_and_many_sites_add_pages);
    tcase_add_test(tc, wrapping_makes_progress);
    tcase_add_test(tc, addresses_and_status);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
