/*
 * Writing RFC 5545 iCalendar content lines: TEXT escaping (backslash,
 * semicolon, comma, newline) and folding at 75 octets without splitting a
 * UTF-8 character, every line ending CRLF.
 */
#ifndef ICS_H
#define ICS_H

#include <stddef.h>

typedef struct ics {
    char *data; /* NUL-terminated; the caller frees */
    size_t len, cap;
} ics_t;

/* Appends "name:value" as is (value already in its property's format), folded. */
void ics_line(ics_t *ics, const char *name, const char *value);

/* Appends "name:text" with text escaped as an iCalendar TEXT value, folded. */
void ics_text(ics_t *ics, const char *name, const char *text);

#endif
