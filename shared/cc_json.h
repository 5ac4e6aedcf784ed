/*
 * Request-body validation against a small field table: required fields,
 * types, lengths, formats (uuid, email, date), enumerations, and unknown
 * fields, each failure named in the problem's `errors` so a client can fix
 * every field in one round trip.
 */
#ifndef CC_JSON_H
#define CC_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    CC_FIELD_STRING,
    CC_FIELD_EMAIL,
    CC_FIELD_UUID,
    CC_FIELD_DATE, /* YYYY-MM-DD, a real calendar date */
    CC_FIELD_BOOL,
    CC_FIELD_INT,
    CC_FIELD_NUMBER, /* integer or real, within [min, max] (max 0 = none) */
    CC_FIELD_ENUM,
    CC_FIELD_OBJECT,
    CC_FIELD_ARRAY,
} cc_field_type_t;

#define CC_FIELD_REQUIRED 0x1
#define CC_FIELD_NULLABLE 0x2

typedef struct cc_field {
    const char *name;
    cc_field_type_t type;
    unsigned flags;
    /* Bounds, inclusive. double so a number's can be a fraction (planned days: at least 0.5);
     * integers up to 2^53 are exact, so int values and string lengths are unaffected. */
    double min; /* string: min length in characters; int, number: min value */
    double max; /* string: max length in characters (0 = none); int, number: max value (0 = none) */
    const char *const *values; /* CC_FIELD_ENUM: NULL-terminated list */
} cc_field_t;

/*
 * Validates body (must be an object) against fields. Appends one error per
 * problem to problem's `errors` (unknown fields too). Returns the number of
 * errors added (0 = valid).
 */
size_t cc_json_validate(const json_t *body, const cc_field_t *fields, size_t nfields, json_t *problem);

/*
 * As cc_json_validate for a nested object: errors name the field under path,
 * e.g. path "adjustments[1]" and field "reason" give "adjustments[1].reason".
 */
size_t cc_json_validate_at(const json_t *body, const char *path, const cc_field_t *fields, size_t nfields,
                           json_t *problem);

/* Returns the string member key of obj, or NULL when absent, null or not a string. */
const char *cc_json_str(const json_t *obj, const char *key);

/* True when s (len bytes) is a YYYY-MM-DD that names a real date. */
bool cc_is_date(const char *s, size_t len);

/* True when s looks like an e-mail address: one @, a non-empty local part, a dotted domain, no spaces. */
bool cc_is_email(const char *s, size_t len);

/* Number of UTF-8 code points in a valid UTF-8 string (jansson guarantees validity). */
size_t cc_utf8_length(const char *s, size_t len);

#endif
