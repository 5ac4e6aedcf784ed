/*
 * The streaming JSON writer (see cc_jsonw.h).
 */
#include "cc_jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"

static void put(cc_jsonw_t *w, const char *s, size_t n)
{
    cc_buf_append(&w->out, s, n);
}

static void put_char(cc_jsonw_t *w, char c)
{
    cc_buf_reserve(&w->out, 1);
    w->out.data[w->out.len++] = c;
    w->out.data[w->out.len] = '\0';
}

/* Before any value or key: the comma that separates it from the previous member. */
static void separate(cc_jsonw_t *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (w->has_items[w->depth - 1])
            put_char(w, ',');
        w->has_items[w->depth - 1] = true;
    }
}

void cc_jsonw_init(cc_jsonw_t *w)
{
    memset(w, 0, sizeof(*w));
    cc_buf_reserve(&w->out, 0);
    w->out.data[0] = '\0';
}

char *cc_jsonw_finish(cc_jsonw_t *w, size_t *len)
{
    if (len != NULL)
        *len = w->out.len;
    char *buf = w->out.data;
    w->out.data = NULL;
    return buf;
}

static void open(cc_jsonw_t *w, char c)
{
    separate(w);
    if (w->depth >= CC_JSONW_MAX_DEPTH)
        abort(); /* a programming error: no document of ours nests this deep */
    w->closing[w->depth] = c == '{' ? '}' : ']';
    w->has_items[w->depth++] = false;
    put_char(w, c);
}

void cc_jsonw_object(cc_jsonw_t *w)
{
    open(w, '{');
}

void cc_jsonw_array(cc_jsonw_t *w)
{
    open(w, '[');
}

void cc_jsonw_end(cc_jsonw_t *w)
{
    if (w->depth == 0)
        abort(); /* a programming error: nothing is open */
    put_char(w, w->closing[--w->depth]);
}

void cc_jsonw_key(cc_jsonw_t *w, const char *key)
{
    separate(w);
    size_t n = strlen(key); /* keys are the program's own names: nothing to escape */
    cc_buf_reserve(&w->out, n + 3);
    w->out.data[w->out.len++] = '"';
    memcpy(w->out.data + w->out.len, key, n);
    w->out.len += n;
    w->out.data[w->out.len++] = '"';
    w->out.data[w->out.len++] = ':';
    w->out.data[w->out.len] = '\0';
    w->after_key = true;
}

void cc_jsonw_string(cc_jsonw_t *w, const char *s)
{
    if (s == NULL) {
        cc_jsonw_null(w);
        return;
    }
    separate(w);
    put_char(w, '"');
    const char *run = s;
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(w, run, (size_t)(p - run));
        char esc[8];
        switch (c) {
        case '"':
            put(w, "\\\"", 2);
            break;
        case '\\':
            put(w, "\\\\", 2);
            break;
        case '\n':
            put(w, "\\n", 2);
            break;
        case '\r':
            put(w, "\\r", 2);
            break;
        case '\t':
            put(w, "\\t", 2);
            break;
        default:
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            put(w, esc, 6);
            break;
        }
        run = p + 1;
    }
    put(w, run, strlen(run));
    put_char(w, '"');
}

char *cc_jsonw_digits(char *end, unsigned long long v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

/* Writes v with at most 4 decimals when that is exact to 15 significant digits (half days, percents
 * rounded to 4 places), as "%.15g" would but without printf; returns false to leave it to printf. */
static bool put_short_real(cc_jsonw_t *w, double v)
{
    if (!(fabs(v) < 1e10))
        return false;
    double scaled = v * 1e4;
    double whole = nearbyint(scaled);
    if (fabs(scaled - whole) > 1e-6 || fabs(whole / 1e4 - v) > fabs(v) * 1e-15)
        return false;
    long long units = (long long)whole;
    unsigned long long magnitude = units < 0 ? (unsigned long long)-units : (unsigned long long)units;
    char text[40], *end = text + sizeof(text), *p;
    unsigned fraction = (unsigned)(magnitude % 10000);
    int decimals = 4;
    while (decimals > 1 && fraction % 10 == 0) /* 4.5000 -> 4.5, 4.0000 -> 4.0 */
        fraction /= 10, decimals--;
    p = end;
    for (int i = 0; i < decimals; i++) {
        *--p = (char)('0' + fraction % 10);
        fraction /= 10;
    }
    *--p = '.';
    p = cc_jsonw_digits(p, magnitude / 10000);
    if (units < 0)
        *--p = '-';
    put(w, p, (size_t)(end - p));
    return true;
}

void cc_jsonw_real(cc_jsonw_t *w, double v)
{
    separate(w);
    if (!isfinite(v)) { /* JSON has no such number; jansson refuses them too */
        put(w, "null", 4);
        return;
    }
    if (put_short_real(w, v))
        return;
    char text[40];
    int n = snprintf(text, sizeof(text), "%.15g", v);
    char *e = strchr(text, 'e');
    if (e != NULL) { /* as jansson: 1e+22 -> 1e22, 1e-07 -> 1e-7 */
        char *digits = e + 1 + (e[1] == '-' || e[1] == '+'), *from = digits;
        if (e[1] == '+')
            digits = e + 1;
        while (*from == '0' && from[1] != '\0')
            from++;
        memmove(digits, from, strlen(from) + 1);
        n = (int)strlen(text);
    } else if (strchr(text, '.') == NULL) { /* a real reads back as a real */
        n += snprintf(text + n, sizeof(text) - (size_t)n, ".0");
    }
    put(w, text, (size_t)n);
}

void cc_jsonw_int(cc_jsonw_t *w, long long v)
{
    separate(w);
    char text[24], *end = text + sizeof(text);
    char *p = cc_jsonw_digits(end, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
    if (v < 0)
        *--p = '-';
    put(w, p, (size_t)(end - p));
}

void cc_jsonw_bool(cc_jsonw_t *w, bool v)
{
    separate(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void cc_jsonw_null(cc_jsonw_t *w)
{
    separate(w);
    put(w, "null", 4);
}

void cc_jsonw_kstring(cc_jsonw_t *w, const char *key, const char *s)
{
    cc_jsonw_key(w, key);
    cc_jsonw_string(w, s);
}

void cc_jsonw_kreal(cc_jsonw_t *w, const char *key, double v)
{
    cc_jsonw_key(w, key);
    cc_jsonw_real(w, v);
}

void cc_jsonw_kint(cc_jsonw_t *w, const char *key, long long v)
{
    cc_jsonw_key(w, key);
    cc_jsonw_int(w, v);
}

void cc_jsonw_kbool(cc_jsonw_t *w, const char *key, bool v)
{
    cc_jsonw_key(w, key);
    cc_jsonw_bool(w, v);
}

void cc_jsonw_kobject(cc_jsonw_t *w, const char *key)
{
    cc_jsonw_key(w, key);
    cc_jsonw_object(w);
}

void cc_jsonw_karray(cc_jsonw_t *w, const char *key)
{
    cc_jsonw_key(w, key);
    cc_jsonw_array(w);
}
