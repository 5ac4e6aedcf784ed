/*
 * The per-tenant settings document (tenants.settings, README's table of [P]
 * rules): every setting's name, type, range and default, and the JSON merge
 * patch (RFC 7396) that changes it. The document is grouped as
 * {"audit_time": {...}, "impartiality": {...}, "programme": {...}, "findings":
 * {...}, "certificates": {...}}; a setting
 * absent, or stored with an invalid value, takes its default, as the services
 * that read it do. Pure: no I/O.
 */
#ifndef CC_SETTINGS_H
#define CC_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct cc_setting {
    const char *group; /* "programme" */
    const char *name;  /* "window_closing_days" */
    bool is_integer;
    double min, max;    /* inclusive, except min when min_exclusive */
    bool min_exclusive; /* fractions: greater than 0 */
    double default_value;
    /* A string setting (certificates.number_pattern) has a default_string and a check; the numeric members
     * are then unused. */
    const char *default_string;
    const char *(*check_string)(const char *value); /* NULL when value is valid, else why (static) */
} cc_setting_t;

/* The table of every setting (static storage); *n receives its length. */
const cc_setting_t *cc_settings_table(size_t *n);

/* A new document {"group": {"name": default, ...}, ...} of every default; the caller owns it. */
json_t *cc_settings_defaults(void);

/*
 * A new document of every setting's effective value: the stored value when it
 * has the right type and is in range, else the default. stored may be NULL or
 * not an object (every default). The caller owns it.
 */
json_t *cc_settings_effective(const json_t *stored);

/*
 * Checks a merge patch (an object) of the document: groups and settings must
 * be known; a group is an object or null; a setting is null (back to the
 * default) or a value of its type and range. Appends one error per problem to
 * problem's errors, with field "group" or "group.name" and code
 * unknown_field, invalid_type or out_of_range. Returns the number of errors.
 */
size_t cc_settings_check_patch(const json_t *patch, json_t *problem);

/*
 * Checks the rules between settings on an effective document (from
 * cc_settings_effective): surveillance 2 opens after surveillance 1 and closes
 * no earlier than it opens, and the recertification lead leaves a window of at
 * least a day. Appends errors as cc_settings_check_patch; returns their number.
 */
size_t cc_settings_check_document(const json_t *effective, json_t *problem);

/* Applies patch to target as RFC 7396 says; returns a new document (the caller owns it). Neither is changed.
 */
json_t *cc_settings_merge(const json_t *target, const json_t *patch);

#endif
