/*
 * QR codes as SVG and on cairo; see qr.h. libqrencode marks a dark module with
 * the low bit of each byte of its matrix.
 */
#include "qr.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_mem.h"

int qr_encode(const char *text, qr_code_t *out)
{
    memset(out, 0, sizeof(*out));
    if (text == NULL || text[0] == '\0')
        return -1;
    QRcode *code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (code == NULL)
        return -1;
    size_t n = (size_t)code->width * (size_t)code->width;
    out->width = code->width;
    out->modules = cc_malloc(n);
    for (size_t i = 0; i < n; i++)
        out->modules[i] = code->data[i] & 1;
    QRcode_free(code);
    return 0;
}

void qr_free(qr_code_t *qr)
{
    free(qr->modules);
    qr->modules = NULL;
    qr->width = 0;
}

bool qr_is_dark(const qr_code_t *qr, int x, int y)
{
    return x >= 0 && y >= 0 && x < qr->width && y < qr->width && qr->modules[y * qr->width + x] != 0;
}

char *qr_svg(const char *text, size_t *len)
{
    qr_code_t qr;
    if (qr_encode(text, &qr) != 0)
        return NULL;
    int side = qr.width + 2 * QR_QUIET_ZONE;
    cc_buf_t b = {0};
    cc_buf_printf(&b,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 %d %d\" "
                  "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">\n"
                  "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"",
                  side, side, side * 8, side * 8, side, side);
    /* One rectangle per horizontal run of dark modules. */
    for (int y = 0; y < qr.width; y++) {
        for (int x = 0; x < qr.width;) {
            if (!qr_is_dark(&qr, x, y)) {
                x++;
                continue;
            }
            int run = 1;
            while (qr_is_dark(&qr, x + run, y))
                run++;
            cc_buf_printf(&b, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, run, run);
            x += run;
        }
    }
    cc_buf_printf(&b, "\"/>\n</svg>\n");
    qr_free(&qr);
    *len = b.len;
    return b.data;
}

void qr_draw(cairo_t *cr, const qr_code_t *qr, double x, double y, double size)
{
    int side = qr->width + 2 * QR_QUIET_ZONE;
    double m = size / side;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int row = 0; row < qr->width; row++)
        for (int col = 0; col < qr->width; col++)
            if (qr_is_dark(qr, col, row))
                cairo_rectangle(cr, x + (col + QR_QUIET_ZONE) * m, y + (row + QR_QUIET_ZONE) * m, m, m);
    cairo_fill(cr);
    cairo_restore(cr);
}
