/*
 * The monthly duty's date rule (IAF MD 28: upload at least monthly; DOMAIN.md
 * "IAF CertSearch"): from 7 days before the month's end, a month without a
 * complete sync is flagged on the status (while sync is enabled) and the duty
 * requests one. One clock: UTC. Pure.
 */
#include <stdio.h>
#include <string.h>

#include "cc_json.h"

#include "registry_api.h"

static int days_in_month(int year, int month /* 1..12 */)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

bool registry_month_sync_due(time_t now, const char *last_complete)
{
    struct tm t;
    if (gmtime_r(&now, &t) == NULL)
        return false;
    int year = t.tm_year + 1900, month = t.tm_mon + 1;
    /* seconds left until the next month's first midnight */
    long left = (long)(days_in_month(year, month) - t.tm_mday) * 86400 +
                (long)(86400 - (t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec));
    if (left > (long)REGISTRY_MONTH_DUE_DAYS * 86400)
        return false;
    char this_month[32];
    snprintf(this_month, sizeof(this_month), "%04d-%02d", year, month);
    return last_complete == NULL || strncmp(last_complete, this_month, 7) != 0;
}

static void add_warning(json_t *warnings, const char *code, const char *message)
{
    json_array_append_new(warnings, json_pack("{s:s, s:s}", "code", code, "message", message));
}

void registry_month_status(json_t *status, time_t now)
{
    bool due = json_is_true(json_object_get(status, "enabled")) &&
               registry_month_sync_due(now, cc_json_str(status, "last_complete_sync_at"));
    json_t *warnings = json_array();
    if (due)
        add_warning(warnings, "monthly_sync_due",
                    "the month ends within 7 days without a complete sync (IAF MD 28 asks for one monthly)");
    if (json_is_true(json_object_get(status, "paused")))
        add_warning(warnings, "paused",
                    "the registry refused the connection: sync is paused until the "
                    "settings are saved again");
    json_object_set_new(status, "monthly_sync_due", json_boolean(due));
    json_object_set_new(status, "warnings", warnings);
}
