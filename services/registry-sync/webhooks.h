/*
 * The webhook API's shared pieces (webhook_store.c): the statements of GET /v1/webhooks and friends, and a
 * webhook as the API shows it. The secret is never read back: it is shown once, by POST /v1/webhooks.
 */
#ifndef WEBHOOKS_H
#define WEBHOOKS_H

#include <jansson.h>
#include <libpq-fe.h>

#include "cc_db.h"

/* The seven event types of ARCHITECTURE.md "Webhooks" (NULL-terminated; the table's check repeats them). */
extern const char *const webhook_event_types[];

/* Every statement below answers WEBHOOK_COLUMNS: id, url, events (a JSON array), description, created_at. */
extern const cc_sql_t sql_webhooks_list;      /* $1 tenant, $2 cursor (id), $3 limit + 1 */
extern const cc_sql_t sql_webhook_get;        /* $1 tenant, $2 id */
extern const cc_sql_t sql_webhook_insert;     /* $1 tenant, $2 url, $3 events (JSON array), $4 description,
                                                 $5 secret sealed (binary), $6 created_by */
extern const cc_sql_t sql_webhook_delete;     /* $1 tenant, $2 id */
extern const cc_sql_t sql_webhook_deliveries; /* $1 tenant, $2 webhook, $3 cursor (delivery id), $4 limit+1 */

/* A webhook of a row of one of the statements above (a new reference). */
json_t *webhook_from_row(const PGresult *res, int row);

#endif
