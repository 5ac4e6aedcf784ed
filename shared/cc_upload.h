/*
 * The parsers of a raw file upload (POST /v1/findings/{id}/evidence): the
 * Content-Type allow-list, the file name from Content-Disposition (RFC 6266,
 * RFC 8187), the magic bytes each type must start with, and a streaming
 * check that a text file is UTF-8 without binary control characters. Pure
 * functions: no I/O, no allocation, so the unit tests cover every refusal.
 *
 * Decisions where the RFCs leave room (ARCHITECTURE.md "Evidence files"):
 *   - text/plain and text/csv may carry parameters; a charset must be utf-8
 *     or us-ascii (the content is checked as UTF-8). Binary types take none.
 *   - filename* wins over filename; a name is stripped of any path (after the
 *     last '/' or '\') and of control characters (C0, DEL, C1), then refused
 *     when nothing printable is left, when it is "." or "..", or when it is
 *     over 255 bytes. Invalid UTF-8 is refused, never repaired.
 */
#ifndef CC_UPLOAD_H
#define CC_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_UPLOAD_NAME_MAX 255

/* The types an upload may declare. */
typedef enum {
    CC_UPLOAD_PDF,
    CC_UPLOAD_PNG,
    CC_UPLOAD_JPEG,
    CC_UPLOAD_TEXT,
    CC_UPLOAD_CSV,
    CC_UPLOAD_XLSX,
    CC_UPLOAD_DOCX,
    CC_UPLOAD_NTYPES
} cc_upload_type_t;

/*
 * The allowed type a Content-Type value names (media type case-insensitive,
 * parameters as the header comment says), or -1 when it is not on the list
 * or is malformed. value need not be NUL-terminated.
 */
int cc_upload_type_parse(const char *value, size_t len);

/* The content type stored and served for an allowed type ("text/plain; charset=utf-8"); static. */
const char *cc_upload_type_name(cc_upload_type_t type);

/* True for the text types, whose whole content cc_upload_text_* must check. */
bool cc_upload_type_is_text(cc_upload_type_t type);

/* Why a file name was refused (the problem's error code). */
typedef enum {
    CC_UPLOAD_NAME_OK = 0,
    CC_UPLOAD_NAME_MISSING = -1,   /* no header, or no filename parameter: code "required" */
    CC_UPLOAD_NAME_MALFORMED = -2, /* not a Content-Disposition, bad quoting or percent-encoding, another
                                      charset: code "invalid" */
    CC_UPLOAD_NAME_BAD_UTF8 = -3,  /* the decoded name is not UTF-8: code "invalid_utf8" */
    CC_UPLOAD_NAME_EMPTY = -4,     /* nothing left once the path and control characters are stripped, or
                                      "." / "..": code "empty" */
    CC_UPLOAD_NAME_TOO_LONG = -5,  /* over CC_UPLOAD_NAME_MAX bytes: code "too_long" */
} cc_upload_name_status_t;

/*
 * The file name of a Content-Disposition value (header NULL: absent), into
 * out (NUL-terminated, at most CC_UPLOAD_NAME_MAX bytes). Returns
 * CC_UPLOAD_NAME_OK or the reason for refusing it; out is "" then.
 */
cc_upload_name_status_t cc_upload_filename(const char *header, size_t len, char out[CC_UPLOAD_NAME_MAX + 1]);

/* The problem error code for a refusal ("required", "invalid", ...); static. */
const char *cc_upload_name_code(cc_upload_name_status_t status);

/* A human-readable reason for a refusal; static. */
const char *cc_upload_name_message(cc_upload_name_status_t status);

/*
 * Whether a binary type's content starts as it must: head is the body's
 * first bytes (at least 8 when the body has them), tail its last bytes (at
 * most 64 KiB; for XLSX and DOCX, where the ZIP's central directory must name
 * an xl/ or word/ part). Text types always pass here (see cc_upload_text_*).
 */
bool cc_upload_magic_ok(cc_upload_type_t type, const uint8_t *head, size_t head_len, const uint8_t *tail,
                        size_t tail_len);

/* The bytes of the body's end cc_upload_magic_ok reads for type (0: none). */
size_t cc_upload_tail_wanted(cc_upload_type_t type);

/* A streaming check of text: UTF-8, no NUL or other control character but tab, line feed, form feed and
 * carriage return. Zero-initialise, feed the body in pieces of any size, then ask cc_upload_text_end. */
typedef struct cc_upload_text {
    unsigned need; /* continuation bytes still expected */
    uint32_t cp;   /* the code point being decoded */
    uint32_t min;  /* the smallest code point its length may encode (overlongs are invalid) */
    bool bad;
} cc_upload_text_t;

/* Feeds len bytes; returns false once the text is known to be invalid. */
bool cc_upload_text_feed(cc_upload_text_t *t, const uint8_t *buf, size_t len);

/* True when everything fed was valid and no sequence was left unfinished. */
bool cc_upload_text_end(const cc_upload_text_t *t);

/* True when s[0..len) is valid UTF-8 (any code point, controls included). */
bool cc_upload_is_utf8(const uint8_t *s, size_t len);

#endif
