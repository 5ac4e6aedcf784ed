/*
 * The growing text buffer (see cc_buf.h).
 */
#include "cc_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"

void cc_buf_grow(cc_buf_t *b, size_t extra)
{
    size_t cap = b->cap != 0 ? b->cap : 4096; /* an audit-time answer fits */
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = cc_realloc(b->data, cap);
    b->cap = cap;
}

void cc_buf_append(cc_buf_t *b, const char *data, size_t len)
{
    cc_buf_reserve(b, len);
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void cc_buf_printf(cc_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    cc_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
