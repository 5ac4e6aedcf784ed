/*
 * A tenant's programme settings (see programme_settings.h): read with the
 * names and ranges of libccrules' PROGRAMME_SETTINGS, checked by
 * programme_settings_validate, the rules identity's settings API applies too.
 */
#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "programme_settings.h"

/* The members by name, with their ranges: libccrules' list (PROGRAMME_SETTINGS in cycle_rules.h). */
static const struct {
    const char *name;
    size_t offset;
    int min, max;
} members[] = {
#define MEMBER(name, lo, hi, def) {#name, offsetof(programme_settings_t, name), lo, hi},
    PROGRAMME_SETTINGS(MEMBER)
#undef MEMBER
};

int programme_settings_from_json(const char *json_text, programme_settings_t *out)
{
    programme_settings_default(out);
    json_t *obj = json_text != NULL ? json_loads(json_text, 0, NULL) : NULL;
    if (!json_is_object(obj)) {
        json_decref(obj);
        return 0;
    }
    programme_settings_t s = *out;
    int rc = 0;
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]) && rc == 0; i++) {
        json_t *v = json_object_get(obj, members[i].name);
        if (v == NULL)
            continue;
        if (!json_is_integer(v) || json_integer_value(v) < members[i].min ||
            json_integer_value(v) > members[i].max)
            rc = -1;
        else
            *(int *)((char *)&s + members[i].offset) = (int)json_integer_value(v);
    }
    json_decref(obj);
    if (rc == 0 && programme_settings_validate(&s) == 0)
        *out = s;
    else
        rc = -1;
    return rc;
}
