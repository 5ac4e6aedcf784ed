/*
 * A streaming JSON writer: the text of a document written straight into one
 * growing buffer, for hot answers where building a jansson tree and dumping
 * it costs more than the work behind them (POST /v1/audit-time). Commas and
 * nesting are tracked for the caller; reals print as jansson prints them with
 * JSON_REAL_PRECISION(15) (always with a fraction or exponent, so they read
 * back as reals). Allocation failure aborts, like cc_mem.
 */
#ifndef CC_JSONW_H
#define CC_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_buf.h"

#define CC_JSONW_MAX_DEPTH 32

typedef struct cc_jsonw {
    cc_buf_t out; /* the document so far */
    int depth;
    bool has_items[CC_JSONW_MAX_DEPTH]; /* the container at this depth has a member already */
    char closing[CC_JSONW_MAX_DEPTH];   /* '}' or ']' */
    bool after_key;                     /* a key was written: its value comes next, no comma */
} cc_jsonw_t;

void cc_jsonw_init(cc_jsonw_t *w);

/* The document (NUL-terminated; the caller frees) and its length; w is spent. */
char *cc_jsonw_finish(cc_jsonw_t *w, size_t *len);

void cc_jsonw_object(cc_jsonw_t *w);               /* { */
void cc_jsonw_array(cc_jsonw_t *w);                /* [ */
void cc_jsonw_end(cc_jsonw_t *w);                  /* } or ], whichever is open */
void cc_jsonw_key(cc_jsonw_t *w, const char *key); /* written as is: keys need no escaping */

void cc_jsonw_string(cc_jsonw_t *w, const char *s); /* NULL writes null */
void cc_jsonw_real(cc_jsonw_t *w, double v);
void cc_jsonw_int(cc_jsonw_t *w, long long v);
void cc_jsonw_bool(cc_jsonw_t *w, bool v);
void cc_jsonw_null(cc_jsonw_t *w);

/* Writes the decimal digits of v ending just before end; returns where they start. No printf: numbers are
 * the hot path of an answer. */
char *cc_jsonw_digits(char *end, unsigned long long v);

/* A key and its value in one call. */
void cc_jsonw_kstring(cc_jsonw_t *w, const char *key, const char *s);
void cc_jsonw_kreal(cc_jsonw_t *w, const char *key, double v);
void cc_jsonw_kint(cc_jsonw_t *w, const char *key, long long v);
void cc_jsonw_kbool(cc_jsonw_t *w, const char *key, bool v);
void cc_jsonw_kobject(cc_jsonw_t *w, const char *key);
void cc_jsonw_karray(cc_jsonw_t *w, const char *key);

#endif
