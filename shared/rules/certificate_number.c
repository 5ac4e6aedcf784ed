/*
 * Certificate numbers from a tenant's pattern (see certificate_number.h).
 */
#include "certificate_number.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
    char *out;
    size_t len, size;
    bool overflow;
} sink_t;

static void put(sink_t *s, char c)
{
    if (s->len + 1 >= s->size || s->len >= CERTIFICATE_NUMBER_MAX) {
        s->overflow = true;
        return;
    }
    s->out[s->len++] = c;
    s->out[s->len] = '\0';
}

static bool is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_allowed(char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

typedef enum { PH_SLUG, PH_STD, PH_SEQ, PH_YEAR, PH_BAD } placeholder_t;

/* Parses the placeholder starting at p ('{'): its kind, width ({SEQ:n}) and length. */
static placeholder_t placeholder(const char *p, int *width, size_t *len)
{
    const char *end = p + 1;
    while (*end != '\0' && *end != '}')
        end++;
    if (*end != '}')
        return PH_BAD;
    *len = (size_t)(end - p) + 1;
    size_t n = *len - 2;
    const char *name = p + 1;
    *width = 0;
    if (n == 4 && memcmp(name, "SLUG", 4) == 0)
        return PH_SLUG;
    if (n == 3 && memcmp(name, "STD", 3) == 0)
        return PH_STD;
    if (n == 4 && memcmp(name, "YEAR", 4) == 0)
        return PH_YEAR;
    if (n == 3 && memcmp(name, "SEQ", 3) == 0)
        return PH_SEQ;
    if (n >= 5 && n <= 6 && memcmp(name, "SEQ:", 4) == 0) {
        int w = 0;
        for (size_t i = 4; i < n; i++) {
            if (name[i] < '0' || name[i] > '9')
                return PH_BAD;
            w = w * 10 + (name[i] - '0');
        }
        if (w < 1 || w > 10)
            return PH_BAD;
        *width = w;
        return PH_SEQ;
    }
    return PH_BAD;
}

static void put_number(sink_t *s, long value, int width)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && n < (int)sizeof(digits));
    for (int i = n; i < width; i++)
        put(s, '0');
    while (n > 0)
        put(s, digits[--n]);
}

/* The standard's number: from its first digit up to ':' (digits and '-'). */
static void put_standard(sink_t *s, const char *standard)
{
    const char *p = standard;
    while (*p != '\0' && !(*p >= '0' && *p <= '9'))
        p++;
    for (; *p != '\0' && *p != ':' && *p != ' ' && *p != '/'; p++)
        put(s, *p);
}

static void put_slug(sink_t *s, const char *slug)
{
    for (const char *p = slug; *p != '\0'; p++)
        put(s, (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p);
}

/* Expands pattern into s; the values are used only when expand (else budgets stand in). */
static certificate_number_rc_t expand(const char *pattern, bool expand_values, const char *slug,
                                      const char *standard, long sequence, int year, sink_t *s)
{
    bool has_seq = false;
    for (const char *p = pattern; *p != '\0';) {
        if (*p != '{') {
            if (!is_allowed(*p))
                return CERTIFICATE_NUMBER_INVALID_CHARACTER;
            put(s, *p++);
            continue;
        }
        int width;
        size_t len;
        placeholder_t ph = placeholder(p, &width, &len);
        if (ph == PH_BAD)
            return CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER;
        p += len;
        if (ph == PH_SEQ)
            has_seq = true;
        if (!expand_values) {
            int budget = ph == PH_SLUG  ? CERTIFICATE_NUMBER_SLUG_BUDGET
                         : ph == PH_STD ? CERTIFICATE_NUMBER_STD_BUDGET
                         : ph == PH_SEQ ? (width > 0 ? width : 1)
                                        : 4;
            for (int i = 0; i < budget; i++)
                put(s, 'X');
        } else if (ph == PH_SLUG) {
            put_slug(s, slug);
        } else if (ph == PH_STD) {
            put_standard(s, standard);
        } else if (ph == PH_SEQ) {
            put_number(s, sequence, width);
        } else {
            put_number(s, year, 4);
        }
    }
    if (!has_seq)
        return CERTIFICATE_NUMBER_NO_SEQUENCE;
    if (s->overflow)
        return CERTIFICATE_NUMBER_TOO_LONG;
    for (size_t i = 0; i < s->len; i++)
        if (!is_allowed(s->out[i]))
            return CERTIFICATE_NUMBER_INVALID_CHARACTER;
    if (s->len == 0 || !is_alnum(s->out[0]) || !is_alnum(s->out[s->len - 1]))
        return CERTIFICATE_NUMBER_INVALID_CHARACTER;
    return CERTIFICATE_NUMBER_OK;
}

certificate_number_rc_t certificate_number_check(const char *pattern)
{
    char buf[CERTIFICATE_NUMBER_MAX + 1] = "";
    sink_t s = {buf, 0, sizeof(buf), false};
    if (pattern == NULL)
        return CERTIFICATE_NUMBER_NO_SEQUENCE;
    return expand(pattern, false, NULL, NULL, 0, 0, &s);
}

certificate_number_rc_t certificate_number_format(const char *pattern, const char *slug, const char *standard,
                                                  long sequence, int year, char *out, size_t size)
{
    if (size == 0)
        return CERTIFICATE_NUMBER_TOO_LONG;
    out[0] = '\0';
    if (pattern == NULL || slug == NULL || standard == NULL || sequence < 1 || year < 1 || year > 9999)
        return CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER;
    sink_t s = {out, 0, size, false};
    certificate_number_rc_t rc = expand(pattern, true, slug, standard, sequence, year, &s);
    if (rc != CERTIFICATE_NUMBER_OK)
        out[0] = '\0';
    return rc;
}

const char *certificate_number_message(certificate_number_rc_t rc)
{
    switch (rc) {
    case CERTIFICATE_NUMBER_OK:
        return "valid";
    case CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER:
        return "placeholders are {SLUG}, {STD}, {SEQ}, {SEQ:n} (n 1..10) and {YEAR}";
    case CERTIFICATE_NUMBER_NO_SEQUENCE:
        return "must contain {SEQ} or {SEQ:n}";
    case CERTIFICATE_NUMBER_INVALID_CHARACTER:
        return "a number may hold only A-Z, a-z, 0-9, '.', '_' and '-', and starts and ends with a letter "
               "or digit";
    case CERTIFICATE_NUMBER_TOO_LONG:
        return "the number would be longer than 60 characters";
    }
    return "invalid";
}
