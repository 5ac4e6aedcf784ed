/*
 * Delivering webhooks (ARCHITECTURE.md "Webhooks"; webhook_delivery.h). A claim takes due deliveries of one
 * tenant with FOR UPDATE SKIP LOCKED and leases them in a short transaction, so several workers and
 * several instances never take the same one; each is then POSTed outside any transaction, through the
 * outbound guard, and its attempt recorded (n, status code or error, duration). 2xx is delivered; anything
 * else is retried with backoff until CC_WEBHOOK_MAX_ATTEMPTS, then failed. At least once: a worker that
 * dies between the POST and the record leaves its lease to lapse and the delivery is sent again (receivers
 * drop duplicates by the event id).
 */
#include "webhook_delivery.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_crypto.h"
#include "cc_log.h"
#include "cc_outbound.h"
#include "webhook_signature.h"

/* $1 tenant, $2 batch, $3 lease (s). */
static const cc_sql_t sql_claim = {
    "webhook_deliveries_claim",
    "WITH due AS (SELECT d.id FROM webhook_deliveries d "
    "              WHERE d.tenant_id = $1 AND d.status = 'pending' AND d.next_attempt_at <= now() "
    "                AND (d.lease_until IS NULL OR d.lease_until < now()) "
    "              ORDER BY d.next_attempt_at, d.id LIMIT $2 FOR UPDATE OF d SKIP LOCKED) "
    "UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => $3::int) "
    "  FROM due, webhooks w, webhook_events e "
    " WHERE d.tenant_id = $1 AND d.id = due.id AND w.tenant_id = $1 AND w.id = d.webhook_id "
    "   AND e.tenant_id = $1 AND e.id = d.event_id "
    "RETURNING d.id, d.attempts, w.url, encode(w.secret_sealed, 'hex'), e.id, e.type, "
    "cc_api_ts(e.occurred_at), "
    "          e.data::text, (SELECT t.slug FROM tenants t WHERE t.id = $1)"};

/* $1 tenant, $2 delivery, $3 delivered, $4 max attempts, $5 retry delay (ms), $6 status code, $7 error,
 * $8 duration (ms). Only a delivery still pending counts (another worker may have finished it after a
 * lapsed lease); n is the delivery's attempt count after this one. */
static const cc_sql_t sql_record = {
    "webhook_delivery_record",
    "WITH d AS (UPDATE webhook_deliveries SET attempts = attempts + 1, "
    "             status = CASE WHEN $3::boolean THEN 'delivered' WHEN attempts + 1 >= $4::int THEN 'failed' "
    "                           ELSE 'pending' END, "
    "             delivered_at = CASE WHEN $3::boolean THEN now() END, "
    "             next_attempt_at = CASE WHEN $3::boolean OR attempts + 1 >= $4::int THEN next_attempt_at "
    "                                    ELSE now() + make_interval(secs => $5::bigint / 1000.0) END, "
    "             lease_until = NULL, last_status_code = $6::int, last_error = $7 "
    "            WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING tenant_id, id, attempts) "
    "INSERT INTO webhook_attempts (tenant_id, delivery_id, n, status_code, error, duration_ms) "
    "SELECT tenant_id, id, attempts, $6::int, $7, $8::int FROM d"};

/* A claimed delivery: the claim's row, in its columns' order. */
enum { C_ID, C_ATTEMPTS, C_URL, C_SECRET, C_EVENT, C_TYPE, C_OCCURRED, C_DATA, C_TENANT };

/* What one POST came to. */
typedef struct outcome {
    bool delivered;
    int status; /* 0: no HTTP answer */
    char error[300];
    long duration_ms;
} outcome_t;

int64_t webhook_backoff_ms(int base_ms, int attempts, unsigned *seed)
{
    int64_t delay = base_ms > 0 ? base_ms : 1;
    for (int i = 0; i < attempts && delay < 3600 * 1000; i++)
        delay *= 2;
    if (delay > 3600 * 1000)
        delay = 3600 * 1000;
    return delay / 2 + (int64_t)(rand_r(seed) % (int)(delay / 2 + 1));
}

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)((now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000);
}

/* The secret from its sealed hex; NULL (logged) when it does not open. The caller frees. */
static char *open_secret(const webhook_settings_t *s, const char *hex)
{
    size_t len = strlen(hex) / 2;
    uint8_t *sealed = malloc(len > 0 ? len : 1), *plain = NULL;
    size_t plain_len = 0;
    if (sealed == NULL || cc_hex_decode(hex, sealed, len) != 0 ||
        cc_aead_open(s->master_key, sealed, len, &plain, &plain_len) != 0) {
        cc_log(CC_LOG_ERROR, "webhooks: a webhook's secret does not open under the master key");
        plain = NULL;
    }
    free(sealed);
    return (char *)plain;
}

/* The delivery's body: {"id", "type", "occurred_at", "tenant", "data"}. The caller frees. */
static char *delivery_body(const PGresult *res, int row)
{
    json_t *data = json_loads(PQgetvalue(res, row, C_DATA), 0, NULL);
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", PQgetvalue(res, row, C_EVENT), "type",
                  PQgetvalue(res, row, C_TYPE), "occurred_at", PQgetvalue(res, row, C_OCCURRED), "tenant",
                  PQgetvalue(res, row, C_TENANT), "data", data != NULL ? data : json_object());
    char *text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return text;
}

/* Signs and POSTs one delivery; false when the call was cancelled (the service stops: nothing recorded). */
static bool post(const webhook_settings_t *s, const PGresult *res, int row, const char *secret, outcome_t *o)
{
    char *body = delivery_body(res, row);
    char signature[WEBHOOK_SIGNATURE_BUFSIZE], h_id[96], h_type[96], h_sig[128];
    webhook_signature(secret, time(NULL), body != NULL ? body : "", body != NULL ? strlen(body) : 0,
                      signature);
    snprintf(h_id, sizeof(h_id), "Certcycle-Event-Id: %s", PQgetvalue(res, row, C_EVENT));
    snprintf(h_type, sizeof(h_type), "Certcycle-Event-Type: %s", PQgetvalue(res, row, C_TYPE));
    snprintf(h_sig, sizeof(h_sig), "Certcycle-Signature: %s", signature);
    const char *headers[] = {
        "Content-Type: application/json", "User-Agent: certcycle-webhooks/1", h_id, h_type, h_sig, NULL};
    cc_outbound_request_t req = {"POST",
                                 PQgetvalue(res, row, C_URL),
                                 headers,
                                 body,
                                 body != NULL ? strlen(body) : 0,
                                 s->timeout_ms,
                                 0,
                                 s->cancel};
    cc_outbound_response_t answer;
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    cc_outbound_result_t result = cc_outbound_call(&req, &answer);
    o->duration_ms = elapsed_ms(&started);
    free(body);
    o->status = result == CC_OUTBOUND_OK ? answer.status : 0;
    o->delivered = result == CC_OUTBOUND_OK && answer.status >= 200 && answer.status < 300;
    if (o->delivered)
        o->error[0] = '\0';
    else if (result == CC_OUTBOUND_OK)
        snprintf(o->error, sizeof(o->error), "the receiver answered HTTP %d", answer.status);
    else /* cc_outbound's words start with the result's name ("timeout: ...") */
        snprintf(o->error, sizeof(o->error), "%s",
                 answer.error[0] != '\0' ? answer.error : cc_outbound_result_name(result));
    cc_outbound_response_free(&answer);
    return result != CC_OUTBOUND_CANCELLED;
}

/* Records one attempt in its own short transaction; -1 when the database failed. */
static int record(cc_dbconn_t *db, const webhook_settings_t *s, const char *tenant, const char *delivery,
                  const outcome_t *o, int64_t delay_ms)
{
    char max[16], delay[24], status[16], duration[24];
    snprintf(max, sizeof(max), "%d", s->max_attempts);
    snprintf(delay, sizeof(delay), "%lld", (long long)delay_ms);
    snprintf(status, sizeof(status), "%d", o->status);
    snprintf(duration, sizeof(duration), "%ld", o->duration_ms);
    const char *params[] = {tenant,
                            delivery,
                            o->delivered ? "true" : "false",
                            max,
                            delay,
                            o->status != 0 ? status : NULL,
                            o->error[0] != '\0' ? o->error : NULL,
                            duration};
    if (cc_db_begin(db, tenant) != 0)
        return -1;
    PGresult *res = cc_db_exec(db, &sql_record, 8, params);
    bool ok = cc_db_is_ok(res);
    if (!ok)
        cc_db_problem_log(res, "webhook attempt record");
    PQclear(res);
    if (!ok) {
        cc_db_rollback(db);
        return -1;
    }
    return cc_db_commit(db);
}

/* The claim, in its own short transaction; NULL when the database failed. */
static PGresult *claim(cc_dbconn_t *db, const webhook_settings_t *s, const char *tenant)
{
    char batch[16], lease[16];
    snprintf(batch, sizeof(batch), "%d", WEBHOOK_BATCH);
    snprintf(lease, sizeof(lease), "%d", s->lease_s);
    const char *params[] = {tenant, batch, lease};
    if (cc_db_begin(db, tenant) != 0)
        return NULL;
    PGresult *res = cc_db_exec(db, &sql_claim, 3, params);
    if (!cc_db_is_ok(res)) {
        cc_db_problem_log(res, "webhook claim");
        PQclear(res);
        cc_db_rollback(db);
        return NULL;
    }
    if (cc_db_commit(db) != 0) {
        PQclear(res);
        return NULL;
    }
    return res;
}

int webhook_deliver_due(cc_dbconn_t *db, const webhook_settings_t *s, const char *tenant,
                        int64_t *next_due_ms, unsigned *seed)
{
    PGresult *res = claim(db, s, tenant);
    if (res == NULL)
        return -1;
    int n = PQntuples(res), failed = 0;
    for (int i = 0; i < n && !atomic_load(s->cancel); i++) {
        char *secret = open_secret(s, PQgetvalue(res, i, C_SECRET));
        outcome_t o = {0};
        if (secret == NULL) {
            snprintf(o.error, sizeof(o.error), "the webhook's secret could not be opened");
        } else {
            bool finished = post(s, res, i, secret, &o);
            memset(secret, 0, strlen(secret));
            free(secret);
            if (!finished)
                break; /* stopping: the lease lapses and the next worker sends it */
        }
        int attempts = atoi(PQgetvalue(res, i, C_ATTEMPTS));
        int64_t delay = webhook_backoff_ms(s->backoff_ms, attempts, seed);
        if (record(db, s, tenant, PQgetvalue(res, i, C_ID), &o, delay) != 0)
            failed = 1;
        else if (!o.delivered && attempts + 1 < s->max_attempts && delay < *next_due_ms)
            *next_due_ms = delay;
    }
    PQclear(res);
    return failed ? -1 : n;
}
