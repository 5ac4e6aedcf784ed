/*
 * The parsers of a raw file upload; see cc_upload.h. Everything here reads
 * caller buffers and writes caller buffers: no allocation, no I/O.
 */
#include "cc_upload.h"

#include "cc_crypto.h"

#include <string.h>
#include <strings.h>

/* A decoded name before its path is stripped may be longer than the stored one. */
#define RAW_NAME_CAP 4096

static const struct {
    const char *media; /* as the header names it */
    const char *stored;
} TYPES[CC_UPLOAD_NTYPES] = {
    [CC_UPLOAD_PDF] = {"application/pdf", "application/pdf"},
    [CC_UPLOAD_PNG] = {"image/png", "image/png"},
    [CC_UPLOAD_JPEG] = {"image/jpeg", "image/jpeg"},
    [CC_UPLOAD_TEXT] = {"text/plain", "text/plain; charset=utf-8"},
    [CC_UPLOAD_CSV] = {"text/csv", "text/csv; charset=utf-8"},
    [CC_UPLOAD_XLSX] = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    [CC_UPLOAD_DOCX] = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
};

/* ---- tokens (RFC 9110 5.6.2) ---- */

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void skip_ows(const char *s, size_t len, size_t *i)
{
    while (*i < len && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
}

/* A token at *i: its start and length (0 when none). */
static size_t read_token(const char *s, size_t len, size_t *i, const char **start)
{
    *start = s + *i;
    size_t n = 0;
    while (*i < len && is_tchar((unsigned char)s[*i])) {
        (*i)++;
        n++;
    }
    return n;
}

/*
 * A parameter value at *i, a token or a quoted-string (unescaped), into out (cap bytes, NUL-terminated).
 * Returns its length, or -1 when malformed or too long.
 */
static int read_value(const char *s, size_t len, size_t *i, char *out, size_t cap)
{
    size_t n = 0;
    if (*i < len && s[*i] == '"') {
        for ((*i)++; *i < len && s[*i] != '"'; (*i)++) {
            if (s[*i] == '\\' && ++(*i) == len)
                return -1;
            if (n + 1 >= cap)
                return -1;
            out[n++] = s[*i];
        }
        if (*i == len)
            return -1; /* unterminated */
        (*i)++;
    } else {
        const char *start;
        n = read_token(s, len, i, &start);
        if (n == 0 || n >= cap)
            return -1;
        memcpy(out, start, n);
    }
    out[n] = '\0';
    return (int)n;
}

/*
 * Walks "; name=value" parameters from *i to the end, calling on_param for each. Returns 0, or -1 when the
 * list is malformed or on_param refuses (returns non-zero).
 */
static int each_param(const char *s, size_t len, size_t i,
                      int (*on_param)(const char *name, size_t name_len, const char *value, void *arg),
                      void *arg)
{
    char value[RAW_NAME_CAP * 3];
    for (;;) {
        skip_ows(s, len, &i);
        if (i == len)
            return 0;
        if (s[i++] != ';')
            return -1;
        skip_ows(s, len, &i);
        if (i == len)
            return 0; /* a trailing ';' */
        const char *name;
        size_t name_len = read_token(s, len, &i, &name);
        skip_ows(s, len, &i);
        if (name_len == 0 || i == len || s[i++] != '=')
            return -1;
        skip_ows(s, len, &i);
        if (read_value(s, len, &i, value, sizeof(value)) < 0 || on_param(name, name_len, value, arg) != 0)
            return -1;
    }
}

/* ---- Content-Type ---- */

static int on_type_param(const char *name, size_t name_len, const char *value, void *arg)
{
    bool text = *(bool *)arg;
    if (!text)
        return -1; /* binary types take no parameters */
    if (name_len == 7 && strncasecmp(name, "charset", 7) == 0)
        return strcasecmp(value, "utf-8") == 0 || strcasecmp(value, "us-ascii") == 0 ? 0 : -1;
    return 0;
}

int cc_upload_type_parse(const char *value, size_t len)
{
    if (value == NULL)
        return -1;
    size_t i = 0;
    skip_ows(value, len, &i);
    size_t start = i;
    while (i < len && value[i] != ';' && value[i] != ' ' && value[i] != '\t')
        i++;
    size_t media_len = i - start;
    for (int t = 0; t < CC_UPLOAD_NTYPES; t++) {
        if (strlen(TYPES[t].media) != media_len || strncasecmp(value + start, TYPES[t].media, media_len) != 0)
            continue;
        bool text = cc_upload_type_is_text((cc_upload_type_t)t);
        return each_param(value, len, i, on_type_param, &text) == 0 ? t : -1;
    }
    return -1;
}

const char *cc_upload_type_name(cc_upload_type_t type)
{
    return TYPES[type].stored;
}

bool cc_upload_type_is_text(cc_upload_type_t type)
{
    return type == CC_UPLOAD_TEXT || type == CC_UPLOAD_CSV;
}

/* ---- UTF-8 ---- */

/* Feeds one byte to the decoder; returns the completed code point, -1 while incomplete, -2 when invalid. */
static long utf8_step(cc_upload_text_t *t, uint8_t c)
{
    if (t->need == 0) {
        if (c < 0x80)
            return c;
        if (c >= 0xc2 && c <= 0xdf)
            t->need = 1, t->cp = c & 0x1f, t->min = 0x80;
        else if (c >= 0xe0 && c <= 0xef)
            t->need = 2, t->cp = c & 0x0f, t->min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4)
            t->need = 3, t->cp = c & 0x07, t->min = 0x10000;
        else
            return -2;
        return -1;
    }
    if ((c & 0xc0) != 0x80)
        return -2;
    t->cp = (t->cp << 6) | (c & 0x3f);
    if (--t->need > 0)
        return -1;
    if (t->cp < t->min || t->cp > 0x10ffff || (t->cp >= 0xd800 && t->cp <= 0xdfff))
        return -2;
    return t->cp;
}

bool cc_upload_is_utf8(const uint8_t *s, size_t len)
{
    cc_upload_text_t t = {0};
    for (size_t i = 0; i < len; i++)
        if (utf8_step(&t, s[i]) == -2)
            return false;
    return t.need == 0;
}

bool cc_upload_text_feed(cc_upload_text_t *t, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len && !t->bad; i++) {
        long cp = utf8_step(t, buf[i]);
        if (cp == -2 || (cp >= 0 && cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f' && cp != '\r') ||
            cp == 0x7f)
            t->bad = true;
    }
    return !t->bad;
}

bool cc_upload_text_end(const cc_upload_text_t *t)
{
    return !t->bad && t->need == 0;
}

/* ---- Content-Disposition ---- */

typedef struct disposition {
    char plain[RAW_NAME_CAP], ext[RAW_NAME_CAP * 3];
    bool has_plain, has_ext;
} disposition_t;

static int on_disposition_param(const char *name, size_t name_len, const char *value, void *arg)
{
    disposition_t *d = arg;
    bool *seen = NULL;
    char *slot = NULL;
    size_t cap = 0;
    if (name_len == 8 && strncasecmp(name, "filename", 8) == 0)
        seen = &d->has_plain, slot = d->plain, cap = sizeof(d->plain);
    else if (name_len == 9 && strncasecmp(name, "filename*", 9) == 0)
        seen = &d->has_ext, slot = d->ext, cap = sizeof(d->ext);
    else
        return 0; /* other parameters (creation-date, size, ...) are ignored */
    if (*seen || strlen(value) >= cap)
        return -1; /* RFC 6266 4.1: a parameter given twice makes the header invalid */
    *seen = true;
    strcpy(slot, value);
    return 0;
}

/* RFC 8187 ext-value "UTF-8'lang'pct-encoded" into out; returns its length, -1 (another charset, bad %) or
 * -2 (longer than cap). */
static int decode_ext_value(const char *v, char *out, size_t cap)
{
    const char *q1 = strchr(v, '\''), *q2 = q1 != NULL ? strchr(q1 + 1, '\'') : NULL;
    if (q2 == NULL || q1 - v != 5 || strncasecmp(v, "utf-8", 5) != 0)
        return -1;
    size_t n = 0;
    for (const char *p = q2 + 1; *p != '\0'; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = cc_hex_digit_value((unsigned char)p[1]),
                lo = hi >= 0 ? cc_hex_digit_value((unsigned char)p[2]) : -1;
            if (lo < 0)
                return -1;
            c = hi * 16 + lo;
            p += 2;
        } else if (!is_tchar((unsigned char)c) || c == '*' || c == '\'' || c == '%') {
            return -1; /* attr-char only */
        }
        if (n + 1 >= cap)
            return -2;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return (int)n;
}

/* True when the code point at s (valid UTF-8, n bytes) is one [:cntrl:] matches: C0, DEL, C1, U+2028/9. */
static bool is_control(const uint8_t *s, size_t n)
{
    if (n == 1)
        return s[0] < 0x20 || s[0] == 0x7f;
    if (n == 2)
        return s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f;
    return n == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9);
}

static size_t utf8_length(uint8_t lead)
{
    return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/* The base name of a valid UTF-8 name, without control characters or surrounding spaces, into out. */
static cc_upload_name_status_t clean_name(const char *raw, size_t len, char out[CC_UPLOAD_NAME_MAX + 1])
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++)
        if (raw[i] == '/' || raw[i] == '\\')
            start = i + 1;
    char clean[RAW_NAME_CAP];
    size_t n = 0;
    for (size_t i = start; i < len;) {
        size_t cl = utf8_length((uint8_t)raw[i]);
        if (!is_control((const uint8_t *)raw + i, cl)) {
            memcpy(clean + n, raw + i, cl);
            n += cl;
        }
        i += cl;
    }
    size_t b = 0;
    while (b < n && clean[b] == ' ')
        b++;
    while (n > b && clean[n - 1] == ' ')
        n--;
    size_t m = n - b;
    if (m == 0 || (m == 1 && clean[b] == '.') || (m == 2 && clean[b] == '.' && clean[b + 1] == '.'))
        return CC_UPLOAD_NAME_EMPTY;
    if (m > CC_UPLOAD_NAME_MAX)
        return CC_UPLOAD_NAME_TOO_LONG;
    memcpy(out, clean + b, m);
    out[m] = '\0';
    return CC_UPLOAD_NAME_OK;
}

static cc_upload_name_status_t parse_filename(const char *header, size_t len,
                                              char out[CC_UPLOAD_NAME_MAX + 1])
{
    if (header == NULL)
        return CC_UPLOAD_NAME_MISSING;
    size_t i = 0;
    skip_ows(header, len, &i);
    const char *type;
    size_t type_len = read_token(header, len, &i, &type);
    if (!((type_len == 10 && strncasecmp(type, "attachment", 10) == 0) ||
          (type_len == 6 && strncasecmp(type, "inline", 6) == 0)))
        return CC_UPLOAD_NAME_MALFORMED;
    disposition_t d = {0};
    if (each_param(header, len, i, on_disposition_param, &d) != 0)
        return CC_UPLOAD_NAME_MALFORMED;
    if (!d.has_ext && !d.has_plain)
        return CC_UPLOAD_NAME_MISSING;
    char raw[RAW_NAME_CAP];
    int n;
    if (d.has_ext) { /* RFC 6266 4.3: filename* wins */
        if ((n = decode_ext_value(d.ext, raw, sizeof(raw))) < 0)
            return n == -2 ? CC_UPLOAD_NAME_TOO_LONG : CC_UPLOAD_NAME_MALFORMED;
    } else {
        n = (int)strlen(d.plain);
        memcpy(raw, d.plain, (size_t)n + 1);
    }
    if (!cc_upload_is_utf8((const uint8_t *)raw, (size_t)n))
        return CC_UPLOAD_NAME_BAD_UTF8;
    return clean_name(raw, (size_t)n, out);
}

cc_upload_name_status_t cc_upload_filename(const char *header, size_t len, char out[CC_UPLOAD_NAME_MAX + 1])
{
    cc_upload_name_status_t st = parse_filename(header, len, out);
    if (st != CC_UPLOAD_NAME_OK)
        out[0] = '\0';
    return st;
}

const char *cc_upload_name_code(cc_upload_name_status_t status)
{
    switch (status) {
    case CC_UPLOAD_NAME_OK:
        return "ok";
    case CC_UPLOAD_NAME_MISSING:
        return "required";
    case CC_UPLOAD_NAME_MALFORMED:
        return "invalid";
    case CC_UPLOAD_NAME_BAD_UTF8:
        return "invalid_utf8";
    case CC_UPLOAD_NAME_EMPTY:
        return "empty";
    case CC_UPLOAD_NAME_TOO_LONG:
        return "too_long";
    }
    return "invalid";
}

const char *cc_upload_name_message(cc_upload_name_status_t status)
{
    switch (status) {
    case CC_UPLOAD_NAME_OK:
        return "ok";
    case CC_UPLOAD_NAME_MISSING:
        return "a Content-Disposition: attachment header with a filename is required";
    case CC_UPLOAD_NAME_MALFORMED:
        return "Content-Disposition must be attachment; filename*=UTF-8''<percent-encoded name> (RFC 6266)";
    case CC_UPLOAD_NAME_BAD_UTF8:
        return "the file name is not valid UTF-8";
    case CC_UPLOAD_NAME_EMPTY:
        return "the file name is empty once its path and control characters are removed";
    case CC_UPLOAD_NAME_TOO_LONG:
        return "the file name is longer than 255 bytes";
    }
    return "invalid";
}

/* ---- magic bytes ---- */

static bool starts_with(const uint8_t *buf, size_t len, const char *prefix, size_t plen)
{
    return len >= plen && memcmp(buf, prefix, plen) == 0;
}

/* True when a ZIP entry name (n bytes at name) is a part of the OOXML package kind (dir "word/" or "xl/"). */
static bool names_part(const uint8_t *name, size_t n, const char *dir)
{
    return starts_with(name, n, dir, strlen(dir));
}

static unsigned le16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* An OOXML package: a ZIP whose first entry, or an entry of the central directory in tail, is under dir. */
static bool ooxml_ok(const uint8_t *head, size_t head_len, const uint8_t *tail, size_t tail_len,
                     const char *dir)
{
    if (!starts_with(head, head_len, "PK\x03\x04", 4))
        return false;
    if (head_len >= 30 && head_len >= 30 + (size_t)le16(head + 26) &&
        names_part(head + 30, le16(head + 26), dir))
        return true;
    for (size_t i = 0; i + 46 <= tail_len; i++) { /* central directory file headers */
        if (memcmp(tail + i, "PK\x01\x02", 4) != 0)
            continue;
        size_t n = le16(tail + i + 28);
        if (i + 46 + n <= tail_len && names_part(tail + i + 46, n, dir))
            return true;
    }
    return false;
}

bool cc_upload_magic_ok(cc_upload_type_t type, const uint8_t *head, size_t head_len, const uint8_t *tail,
                        size_t tail_len)
{
    switch (type) {
    case CC_UPLOAD_PDF:
        return starts_with(head, head_len, "%PDF-", 5);
    case CC_UPLOAD_PNG:
        return starts_with(head, head_len, "\x89PNG\r\n\x1a\n", 8);
    case CC_UPLOAD_JPEG:
        return starts_with(head, head_len, "\xff\xd8\xff", 3);
    case CC_UPLOAD_XLSX:
        return ooxml_ok(head, head_len, tail, tail_len, "xl/");
    case CC_UPLOAD_DOCX:
        return ooxml_ok(head, head_len, tail, tail_len, "word/");
    default:
        return true; /* text: checked whole while it is stored */
    }
}

size_t cc_upload_tail_wanted(cc_upload_type_t type)
{
    return type == CC_UPLOAD_XLSX || type == CC_UPLOAD_DOCX ? 64 * 1024 : 0;
}
