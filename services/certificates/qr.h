/*
 * QR codes of the verify URL (issue 9 "Public verification"; DOMAIN.md
 * "Certificates": the printed certificate carries one): the module matrix from
 * libqrencode, written as an SVG document or drawn on a cairo context. Pure
 * rendering: no I/O.
 */
#ifndef CERTIFICATES_QR_H
#define CERTIFICATES_QR_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

#define QR_QUIET_ZONE 4 /* modules of white around the code (ISO/IEC 18004) */

/* A QR code: width x width modules, row by row, 1 dark and 0 light. */
typedef struct qr_code {
    int width;
    unsigned char *modules;
} qr_code_t;

/*
 * Encodes text (8-bit bytes, error correction level M, the smallest version
 * that holds it) into *out. Returns 0, or -1 when text is empty or too long
 * for a QR code. Free with qr_free.
 */
int qr_encode(const char *text, qr_code_t *out);

/* Frees the matrix (accepts a zeroed code). */
void qr_free(qr_code_t *qr);

/* True when the module at (x, y) is dark. */
bool qr_is_dark(const qr_code_t *qr, int x, int y);

/*
 * The QR code of text as a standalone SVG document (one path of dark modules
 * on a white square with the quiet zone, one user unit per module, scalable).
 * Returns a caller-freed NUL-terminated string and its length in *len, or NULL
 * when text cannot be encoded.
 */
char *qr_svg(const char *text, size_t *len);

/*
 * Draws qr on cr as a white square of side `size` (quiet zone included) with
 * its top-left corner at (x, y), dark modules in black. Leaves cr's path empty
 * and its source black.
 */
void qr_draw(cairo_t *cr, const qr_code_t *qr, double x, double y, double size);

#endif
