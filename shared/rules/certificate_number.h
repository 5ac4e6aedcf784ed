/*
 * Certificate numbers (DOMAIN.md "Certificates"): a tenant's pattern
 * (setting certificates.number_pattern) turned into the printed number of a
 * certification's revision 0. Placeholders:
 *   {SLUG}         the tenant's slug, upper-cased (northcert -> NORTHCERT);
 *   {STD}          the standard's number: ISO27001:2022 or "ISO/IEC 27001:2022" -> 27001,
 *                  ISO/IEC 17021-1:2015 -> 17021-1;
 *   {SEQ}, {SEQ:n} the tenant's sequence, zero-padded to n digits (1..10); required;
 *   {YEAR}         the year of issue.
 * Everything else is literal and must be one of [A-Za-z0-9._-]. A number is at
 * most CERTIFICATE_NUMBER_MAX characters and starts and ends with a letter or
 * digit. Part of libccrules: pure, no I/O, no allocation.
 */
#ifndef CERTIFICATE_NUMBER_H
#define CERTIFICATE_NUMBER_H

#include <stddef.h>

#define CERTIFICATE_NUMBER_MAX 60
#define CERTIFICATE_NUMBER_DEFAULT_PATTERN "{SLUG}-{STD}-{SEQ:6}"
/* What the pattern check assumes a slug and a standard's number expand to at most. */
#define CERTIFICATE_NUMBER_SLUG_BUDGET 12
#define CERTIFICATE_NUMBER_STD_BUDGET 8

typedef enum {
    CERTIFICATE_NUMBER_OK = 0,
    CERTIFICATE_NUMBER_UNKNOWN_PLACEHOLDER, /* {FOO}, an unclosed brace, or a bad {SEQ:n} */
    CERTIFICATE_NUMBER_NO_SEQUENCE,         /* no {SEQ} */
    CERTIFICATE_NUMBER_INVALID_CHARACTER,   /* a literal outside [A-Za-z0-9._-], or a bad first/last one */
    CERTIFICATE_NUMBER_TOO_LONG             /* longer than CERTIFICATE_NUMBER_MAX */
} certificate_number_rc_t;

/* A short English reason for rc (static), e.g. "must contain {SEQ} or {SEQ:n}". */
const char *certificate_number_message(certificate_number_rc_t rc);

/*
 * Checks a pattern as PATCH /v1/settings does: syntax, {SEQ} present, literals in
 * [A-Za-z0-9._-], no separator first or last, and the expansion within
 * CERTIFICATE_NUMBER_MAX with a slug of CERTIFICATE_NUMBER_SLUG_BUDGET characters,
 * a standard number of CERTIFICATE_NUMBER_STD_BUDGET and a sequence of its width.
 */
certificate_number_rc_t certificate_number_check(const char *pattern);

/*
 * Writes the number of pattern for (slug, standard, sequence >= 1, year) into out
 * (size bytes, at least CERTIFICATE_NUMBER_MAX + 1). Returns CERTIFICATE_NUMBER_OK,
 * or the fault (out is then the empty string): a pattern fault, a slug or standard
 * that brings a character outside the set, or a result over the limit.
 */
certificate_number_rc_t certificate_number_format(const char *pattern, const char *slug, const char *standard,
                                                  long sequence, int year, char *out, size_t size);

#endif
