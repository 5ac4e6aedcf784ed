/*
 * The registry API's shared pieces (registry_*.c): the statements its reads
 * run on the read connections (routes.c prepares them), the resync request
 * that POST /v1/registry/resync and the monthly duty share, and the monthly
 * duty's date rule (IAF MD 28; DOMAIN.md "IAF CertSearch").
 */
#ifndef REGISTRY_API_H
#define REGISTRY_API_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "cc_db.h"

extern const cc_sql_t sql_registry_settings_get;
extern const cc_sql_t sql_registry_status;
extern const cc_sql_t sql_registry_dead_letters_list;
extern const cc_sql_t sql_registry_certifications_list;

/* Days before the month's end (UTC) from which the monthly sync is due. */
#define REGISTRY_MONTH_DUE_DAYS 7

/*
 * Pure: whether the monthly sync is due at now (UTC): the month ends (its last day's midnight passes)
 * within REGISTRY_MONTH_DUE_DAYS days, and last_complete (an API timestamp "YYYY-MM-DDT...Z", or NULL when
 * there was none) does not fall in now's month.
 */
bool registry_month_sync_due(time_t now, const char *last_complete);

/*
 * Pure: completes status (cc_registry_status_json's object, borrowed and modified) with
 * "monthly_sync_due" and "warnings" at now (UTC). The month is due only while sync is "enabled": a
 * disabled tenant cannot resync (409 registry_disabled), so it is never told to. Warning "paused" while
 * "paused".
 */
void registry_month_status(json_t *status, time_t now);

/*
 * Requests a resync of tenant_id in db's open transaction (tenant set): cc_registry_request_resync. With
 * only_if_idle, not while one is in progress. Returns {"queued", "resync_requested_at"} (a new reference),
 * or NULL when sync is not enabled (or a resync is in progress, with only_if_idle); on a failed statement
 * NULL with *res set to it (the caller clears it), else *res is NULL.
 */
json_t *registry_resync_request(cc_dbconn_t *db, const char *tenant_id, bool only_if_idle, PGresult **res);

#endif
