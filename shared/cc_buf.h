/*
 * A growing text buffer, always NUL-terminated once anything was appended:
 * the one behind the streaming JSON writer, the metrics page and the test
 * HTTP client. Allocation failure aborts, like cc_mem.
 */
#ifndef CC_BUF_H
#define CC_BUF_H

#include <stddef.h>

/* Zero-initialise ({0}); data is NULL until the first append. The owner frees data. */
typedef struct cc_buf {
    char *data;
    size_t len, cap;
} cc_buf_t;

/* Grows b so that extra more bytes and a NUL fit (first 4096 bytes, then doubling). */
void cc_buf_grow(cc_buf_t *b, size_t extra);

/* Makes room for extra more bytes and a NUL: the fast path inline, growth out of line. */
static inline void cc_buf_reserve(cc_buf_t *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap)
        cc_buf_grow(b, extra);
}

/* Appends len bytes of data (copied) and keeps the NUL after them. */
void cc_buf_append(cc_buf_t *b, const char *data, size_t len);

/* Appends printf-formatted text. */
void cc_buf_printf(cc_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
