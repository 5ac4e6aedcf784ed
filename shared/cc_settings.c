/*
 * The per-tenant settings document (see cc_settings.h). The ranges are those
 * the services accept when they read the settings: scheduling's audit-time
 * fractions (audit_time.c), the impartiality period (its SQL: 0..50 years);
 * the programme settings, their ranges and the rules between them are
 * libccrules' (PROGRAMME_SETTINGS and programme_settings_faults in
 * cycle_rules.h), the very ones scheduling applies when it reads them, so
 * nothing this API stores is later ignored as invalid. The certificate number
 * pattern is libccrules' certificate_number_check, the rule the certificates
 * service applies when it issues a number.
 */
#include "cc_settings.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cc_problem.h"
#include "certificate_number.h"
#include "cycle_rules.h"
#include "finding_rules.h"

/* A number pattern's fault (certificate_number.h), or NULL. */
static const char *number_pattern_check(const char *value)
{
    certificate_number_rc_t rc = certificate_number_check(value);
    return rc == CERTIFICATE_NUMBER_OK ? NULL : certificate_number_message(rc);
}

static const cc_setting_t settings[] = {
    {"audit_time", "surveillance_fraction", false, 0, 1, true, 1.0 / 3.0, NULL, NULL},
    {"audit_time", "recertification_fraction", false, 0, 1, true, 2.0 / 3.0, NULL, NULL},
    {"audit_time", "stage1_fraction", false, 0, 0.5, true, 0.30, NULL, NULL},
    {"impartiality", "conflict_years", true, 0, 50, false, 2, NULL, NULL},
/* The findings group is libccrules' FINDING_SETTINGS (finding_rules.h): deadlines, the minor cluster the
 * summary flags, and the largest evidence file (at most the 24 MiB body cap). */
#define FINDING_ENTRY(name, lo, hi, def) {"findings", #name, true, lo, hi, false, def, NULL, NULL},
    FINDING_SETTINGS(FINDING_ENTRY)
#undef FINDING_ENTRY
/* The programme group is libccrules' own list (cycle_rules.h), so its names, ranges and defaults are the
 * ones scheduling reads. */
#define PROGRAMME_ENTRY(name, lo, hi, def) {"programme", #name, true, lo, hi, false, def, NULL, NULL},
        PROGRAMME_SETTINGS(PROGRAMME_ENTRY)
#undef PROGRAMME_ENTRY
    /* Certificates (DOMAIN.md "Certificates"): the printed number's pattern, and how long a suspension lasts
     * by default. */
    {"certificates", "number_pattern", false, 0, 0, false, 0, CERTIFICATE_NUMBER_DEFAULT_PATTERN,
     number_pattern_check},
    {"certificates", "suspension_months", true, 1, 12, false, 6, NULL, NULL},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

const cc_setting_t *cc_settings_table(size_t *n)
{
    *n = NSETTINGS;
    return settings;
}

static json_t *value_json(const cc_setting_t *s, double v)
{
    return s->is_integer ? json_integer((json_int_t)v) : json_real(v);
}

static json_t *default_json(const cc_setting_t *s)
{
    return s->default_string != NULL ? json_string(s->default_string) : value_json(s, s->default_value);
}

/* The group object of doc named group, created when missing. */
static json_t *group_of(json_t *doc, const char *group)
{
    json_t *g = json_object_get(doc, group);
    if (g == NULL) {
        g = json_object();
        json_object_set_new(doc, group, g);
    }
    return g;
}

json_t *cc_settings_defaults(void)
{
    json_t *doc = json_object();
    for (size_t i = 0; i < NSETTINGS; i++)
        json_object_set_new(group_of(doc, settings[i].group), settings[i].name, default_json(&settings[i]));
    return doc;
}

/* 0 when v is a value of s's type and range; else the error code. */
static const char *value_error(const cc_setting_t *s, const json_t *v)
{
    if (s->default_string != NULL)
        return !json_is_string(v)                              ? "invalid_type"
               : s->check_string(json_string_value(v)) != NULL ? "invalid"
                                                               : NULL;
    if (s->is_integer ? !json_is_integer(v) : !json_is_number(v))
        return "invalid_type";
    double d = json_number_value(v);
    if (!isfinite(d) || d > s->max || d < s->min || (s->min_exclusive && d == s->min))
        return "out_of_range";
    return NULL;
}

json_t *cc_settings_effective(const json_t *stored)
{
    json_t *doc = json_object();
    for (size_t i = 0; i < NSETTINGS; i++) {
        const cc_setting_t *s = &settings[i];
        const json_t *v = json_object_get(json_object_get(stored, s->group), s->name);
        bool valid = v != NULL && value_error(s, v) == NULL;
        json_t *value = !valid                      ? default_json(s)
                        : s->default_string != NULL ? json_string(json_string_value(v))
                                                    : value_json(s, json_number_value(v));
        json_object_set_new(group_of(doc, s->group), s->name, value);
    }
    return doc;
}

static const cc_setting_t *find(const char *group, const char *name)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].group, group) == 0 && (name == NULL || strcmp(settings[i].name, name) == 0))
            return &settings[i];
    return NULL;
}

static void add_error(json_t *problem, const char *group, const char *name, const char *code,
                      const char *message)
{
    char field[128];
    snprintf(field, sizeof(field), "%s%s%s", group, name != NULL ? "." : "", name != NULL ? name : "");
    cc_problem_add_error(problem, field, code, message);
}

static void add_value_error(json_t *problem, const cc_setting_t *s, const json_t *v)
{
    const char *code = value_error(s, v);
    char message[240];
    if (s->default_string != NULL)
        snprintf(message, sizeof(message), "%s; null for the default %s",
                 json_is_string(v) ? s->check_string(json_string_value(v)) : "must be a string",
                 s->default_string);
    else if (s->is_integer)
        snprintf(message, sizeof(message), "must be an integer from %g to %g, or null for the default (%g)",
                 s->min, s->max, s->default_value);
    else
        snprintf(message, sizeof(message),
                 "must be a number greater than %g and at most %g, or null for the default (%.4g)", s->min,
                 s->max, s->default_value);
    add_error(problem, s->group, s->name, code, message);
}

static size_t check_group(const char *group, const json_t *members, json_t *problem)
{
    size_t errors = 0;
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)members, name, v)
    {
        const cc_setting_t *s = find(group, name);
        if (s == NULL) {
            add_error(problem, group, name, "unknown_field", "is not a setting");
            errors++;
        } else if (!json_is_null(v) && value_error(s, v) != NULL) {
            add_value_error(problem, s, v);
            errors++;
        }
    }
    return errors;
}

size_t cc_settings_check_patch(const json_t *patch, json_t *problem)
{
    size_t errors = 0;
    const char *group;
    json_t *members;
    json_object_foreach((json_t *)patch, group, members)
    {
        if (find(group, NULL) == NULL) {
            add_error(problem, group, NULL, "unknown_field", "is not a group of settings");
            errors++;
        } else if (json_is_object(members)) {
            errors += check_group(group, members, problem);
        } else if (!json_is_null(members)) {
            add_error(problem, group, NULL, "invalid_type", "must be an object, or null for every default");
            errors++;
        }
    }
    return errors;
}

static int setting(const json_t *doc, const char *group, const char *name)
{
    return (int)json_number_value(json_object_get(json_object_get(doc, group), name));
}

size_t cc_settings_check_document(const json_t *effective, json_t *problem)
{
    programme_settings_t p;
#define READ_MEMBER(name, lo, hi, def) p.name = setting(effective, "programme", #name);
    PROGRAMME_SETTINGS(READ_MEMBER)
#undef READ_MEMBER
    programme_settings_fault_t faults[PROGRAMME_SETTINGS_MAX_FAULTS];
    size_t n = programme_settings_faults(&p, faults, PROGRAMME_SETTINGS_MAX_FAULTS);
    for (size_t i = 0; i < n && i < PROGRAMME_SETTINGS_MAX_FAULTS; i++)
        add_error(problem, "programme", faults[i].setting, "out_of_range", faults[i].message);
    return n;
}

json_t *cc_settings_merge(const json_t *target, const json_t *patch)
{
    if (!json_is_object(patch))
        return json_deep_copy(patch);
    json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)patch, key, value)
    {
        if (json_is_null(value)) {
            json_object_del(out, key);
            continue;
        }
        json_object_set_new(out, key, cc_settings_merge(json_object_get(out, key), value));
    }
    return out;
}
