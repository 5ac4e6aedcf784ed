/*
 * iCalendar content lines (see ics.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "ics.h"

#define ICS_LINE_OCTETS 75

static void append(ics_t *ics, const char *s, size_t n)
{
    if (ics->len + n + 1 > ics->cap) {
        ics->cap = (ics->len + n + 1) * 2;
        ics->data = cc_realloc(ics->data, ics->cap);
    }
    memcpy(ics->data + ics->len, s, n);
    ics->len += n;
    ics->data[ics->len] = '\0';
}

/* Writes an unfolded line folded: at most 75 octets a line, continuations start with a space. */
static void append_folded(ics_t *ics, const char *line, size_t n)
{
    size_t room = ICS_LINE_OCTETS;
    while (n > room) {
        size_t cut = room;
        while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80) /* never inside a UTF-8 character */
            cut--;
        append(ics, line, cut);
        append(ics, "\r\n ", 3);
        line += cut;
        n -= cut;
        room = ICS_LINE_OCTETS - 1; /* the leading space counts */
    }
    append(ics, line, n);
    append(ics, "\r\n", 2);
}

void ics_line(ics_t *ics, const char *name, const char *value)
{
    ics_t line = {0};
    append(&line, name, strlen(name));
    append(&line, ":", 1);
    append(&line, value, strlen(value));
    append_folded(ics, line.data, line.len);
    free(line.data);
}

void ics_text(ics_t *ics, const char *name, const char *text)
{
    ics_t escaped = {0};
    append(&escaped, "", 0);
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\\' || *p == ';' || *p == ',') {
            char pair[2] = {'\\', *p};
            append(&escaped, pair, 2);
        } else if (*p == '\n') {
            append(&escaped, "\\n", 2);
        } else if (*p != '\r') {
            append(&escaped, p, 1);
        }
    }
    ics_line(ics, name, escaped.data);
    free(escaped.data);
}
