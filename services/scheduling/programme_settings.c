/*
 * A tenant's programme settings (see programme_settings.h).
 */
#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "programme_settings.h"

static const struct {
    const char *name;
    size_t offset;
} members[] = {
    {"surveillance1_start_months", offsetof(programme_settings_t, surveillance1_start_months)},
    {"surveillance2_start_months", offsetof(programme_settings_t, surveillance2_start_months)},
    {"surveillance2_end_months", offsetof(programme_settings_t, surveillance2_end_months)},
    {"recertification_window_months", offsetof(programme_settings_t, recertification_window_months)},
    {"recertification_lead_days", offsetof(programme_settings_t, recertification_lead_days)},
    {"provisional_decision_lag_days", offsetof(programme_settings_t, provisional_decision_lag_days)},
    {"window_closing_days", offsetof(programme_settings_t, window_closing_days)},
    {"stage1_validity_months", offsetof(programme_settings_t, stage1_validity_months)},
    {"finding_plan_days", offsetof(programme_settings_t, finding_plan_days)},
    {"finding_closure_days", offsetof(programme_settings_t, finding_closure_days)},
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
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 3650)
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
