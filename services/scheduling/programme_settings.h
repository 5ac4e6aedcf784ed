/*
 * A tenant's programme settings [P]: tenants.settings.programme, an object of
 * integers named as programme_settings_t's members (surveillance1_start_months,
 * stage1_validity_months, window_closing_days, ...). Absent members keep
 * DOMAIN.md's defaults.
 */
#ifndef PROGRAMME_SETTINGS_H
#define PROGRAMME_SETTINGS_H

#include "programme_rules.h"

/*
 * Fills *out from the JSON text of tenants.settings.programme (NULL or not an
 * object: the defaults). A member that is not an integer, or a combination
 * programme_settings_validate() refuses, makes the whole object fall back to
 * the defaults (returns -1, so the caller can log it); else returns 0.
 */
int programme_settings_from_json(const char *json_text, programme_settings_t *out);

#endif
