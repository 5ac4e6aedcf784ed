/*
 * The registry workers' SQL (ARCHITECTURE.md "Registry sync"): the claim (a short transaction: the tenant's
 * settings locked for pacing, due certifications taken FOR UPDATE SKIP LOCKED and leased, their sources
 * read) and the outcome (one transaction: done = greatest(done, claimed), leases cleared, dead letters
 * written or closed, the tenant paused or told to wait, then the complete-sync rule). Every statement is
 * guarded by `claimed`, so a worker whose lease lapsed and was taken over records nothing over the newer
 * claim's state. Outcomes travel as one jsonb parameter per statement (jsonb_to_recordset).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_log.h"
#include "cc_mem.h"
#include "registry_worker_int.h"

static const cc_sql_t due_sql = {"registry_due_tenants",
                                 "SELECT t::text FROM cc_registry_due_tenants() AS t"};

static const cc_sql_t settings_sql = {
    "registry_worker_settings",
    "SELECT enabled AND paused_reason IS NULL AND (retry_after IS NULL OR retry_after <= now()), base_url, "
    "  encode(api_key_sealed, 'hex'), "
    "  last_single_at IS NULL OR last_single_at + make_interval(secs => single_interval_s) <= now(), "
    "  last_bulk_at IS NULL OR last_bulk_at + make_interval(secs => bulk_interval_s) <= now() "
    "FROM registry_settings WHERE tenant_id = $1 FOR UPDATE"};

/* Oldest due first; a row whose lease lapsed (its worker died) is due again. */
static const cc_sql_t claim_sql = {
    "registry_worker_claim",
    "WITH due AS ("
    "  SELECT certification_id FROM registry_certifications"
    "   WHERE tenant_id = $1 AND wanted > done AND next_attempt_at <= now()"
    "     AND (lease_until IS NULL OR lease_until < now())"
    "   ORDER BY next_attempt_at, queued_at, certification_id LIMIT $2::int FOR UPDATE SKIP LOCKED) "
    "UPDATE registry_certifications r SET claimed = r.wanted, "
    "       lease_until = now() + make_interval(secs => $3::int), updated_at = now() "
    "  FROM due WHERE r.tenant_id = $1 AND r.certification_id = due.certification_id "
    "RETURNING r.certification_id::text, r.claimed::text, r.attempts, r.solo"};

/* A statement after the claim's, so its snapshot holds every change the claimed `wanted` counts (READ
 * COMMITTED: each statement sees what committed before it began). */
static const cc_sql_t sources_sql = {
    "registry_worker_sources",
    "SELECT r.certification_id::text, cc_registry_source(r.certification_id) FROM registry_certifications r "
    " WHERE r.tenant_id = $1 AND r.certification_id = ANY ($2::uuid[])"};

static const cc_sql_t release_sql = {
    "registry_worker_release",
    "UPDATE registry_certifications r SET claimed = NULL, lease_until = NULL, solo = r.solo OR x.solo, "
    "       updated_at = now() "
    "  FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, claimed bigint, solo boolean) "
    " WHERE r.tenant_id = $1 AND r.certification_id = x.id AND r.claimed = x.claimed"};

static const cc_sql_t pacing_sql = {
    "registry_worker_pacing",
    "UPDATE registry_settings SET last_single_at = CASE WHEN $2 = 's' THEN now() ELSE last_single_at END, "
    "       last_bulk_at = CASE WHEN $2 = 'b' THEN now() ELSE last_bulk_at END WHERE tenant_id = $1"};

/* sent, skipped, deleted: the certification is settled; an open dead letter of it is closed only when it was
 * sent (the registry now holds it): a skipped or deleted one keeps its letter open, as an admin left it. */
static const cc_sql_t settle_sql = {
    "registry_worker_settle",
    "WITH x AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, claimed bigint, outcome text, "
    "           reason text, record jsonb, company_id text)), "
    "u AS (UPDATE registry_certifications r SET done = greatest(r.done, r.claimed), claimed = NULL, "
    "        lease_until = NULL, attempts = 0, solo = false, outcome = x.outcome, reason = x.reason, "
    "        in_registry = CASE x.outcome WHEN 'sent' THEN true WHEN 'deleted' THEN false ELSE r.in_registry "
    "END, "
    "        sent_record = CASE WHEN x.outcome = 'sent' THEN x.record ELSE r.sent_record END, "
    "        sent_status = CASE WHEN x.outcome = 'sent' THEN x.record ->> 'certification_status' "
    "                           ELSE r.sent_status END, "
    "        sent_at = CASE WHEN x.outcome = 'sent' THEN now() ELSE r.sent_at END, "
    "        company_certifications_id = CASE WHEN x.outcome = 'deleted' THEN NULL "
    "                                    ELSE coalesce(x.company_id, r.company_certifications_id) END, "
    "        updated_at = now() "
    "   FROM x WHERE r.tenant_id = $1 AND r.certification_id = x.id AND r.claimed = x.claimed "
    "   RETURNING r.certification_id, r.outcome) "
    "UPDATE registry_dead_letters d SET retried_at = now() FROM u "
    " WHERE d.tenant_id = $1 AND d.certification_id = u.certification_id AND d.retried_at IS NULL "
    "   AND u.outcome = 'sent'"};

/* A dead letter: the certification is settled (not retried until a change or a retry), the letter written
 * (or the open one replaced: at most one open per certification). */
static const cc_sql_t dead_sql = {
    "registry_worker_dead",
    "WITH x AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, claimed bigint, certificate_id "
    "uuid, "
    "           number text, kind text, reason text, errors jsonb, attempts int, http_status int, "
    "           record jsonb)), "
    "u AS (UPDATE registry_certifications r SET done = greatest(r.done, r.claimed), claimed = NULL, "
    "        lease_until = NULL, attempts = x.attempts, solo = false, outcome = 'dead', reason = x.reason, "
    "        updated_at = now() "
    "   FROM x WHERE r.tenant_id = $1 AND r.certification_id = x.id AND r.claimed = x.claimed "
    "   RETURNING r.certification_id) "
    "INSERT INTO registry_dead_letters (tenant_id, certification_id, certificate_id, number, kind, reason, "
    "       errors, attempts, http_status, record) "
    "SELECT $1, x.id, x.certificate_id, x.number, x.kind, x.reason, coalesce(x.errors, '[]'), x.attempts, "
    "       x.http_status, x.record FROM x JOIN u ON u.certification_id = x.id "
    "ON CONFLICT (tenant_id, certification_id) WHERE retried_at IS NULL DO UPDATE SET "
    "   certificate_id = EXCLUDED.certificate_id, number = EXCLUDED.number, kind = EXCLUDED.kind, "
    "   reason = EXCLUDED.reason, errors = EXCLUDED.errors, attempts = EXCLUDED.attempts, "
    "   http_status = EXCLUDED.http_status, record = EXCLUDED.record, created_at = now()"};

static const cc_sql_t retry_sql = {
    "registry_worker_retry",
    "UPDATE registry_certifications r SET claimed = NULL, lease_until = NULL, attempts = r.attempts + 1, "
    "       next_attempt_at = now() + make_interval(secs => x.delay_s), updated_at = now() "
    "  FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, claimed bigint, delay_s double precision) "
    " WHERE r.tenant_id = $1 AND r.certification_id = x.id AND r.claimed = x.claimed"};

static const cc_sql_t tenant_sql = {
    "registry_worker_tenant",
    "UPDATE registry_settings SET paused_reason = coalesce($2, paused_reason), "
    "       paused_detail = CASE WHEN $2 IS NULL THEN paused_detail ELSE $3 END, "
    "       paused_at = CASE WHEN $2 IS NULL THEN paused_at ELSE now() END, "
    "       retry_after = CASE WHEN $4::int > 0 THEN now() + make_interval(secs => $4::int) ELSE retry_after "
    "END, "
    "       last_success_at = CASE WHEN $5::boolean THEN now() ELSE last_success_at END "
    " WHERE tenant_id = $1"};

/* The complete-sync rule (README "Registry sync", IAF MD 28; cc_registry_complete_sync in 0023, which the
 * resync request and the housekeeping run too). */
static const cc_sql_t complete_sql = {"registry_worker_complete",
                                      "SELECT cc_registry_complete_sync($1::uuid)"};

json_t *registry_claim_due_tenants(cc_dbconn_t *db)
{
    PGresult *res = cc_db_exec(db, &due_sql, 0, NULL);
    if (!cc_db_is_ok(res)) {
        cc_db_problem_log(res, "registry worker: due tenants");
        PQclear(res);
        return NULL;
    }
    json_t *ids = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(ids, json_string(PQgetvalue(res, i, 0)));
    PQclear(res);
    return ids;
}

/* Runs a statement of the open transaction; false (after logging) when it failed. */
static bool run(cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params)
{
    PGresult *res = cc_db_exec(db, sql, n, params);
    bool ok = cc_db_is_ok(res);
    if (!ok)
        cc_db_problem_log(res, sql->name);
    PQclear(res);
    return ok;
}

/* Runs a statement whose $2 is rows, unless rows is empty or an earlier statement failed (ok); steals
 * rows. */
static bool run_rows(bool ok, cc_dbconn_t *db, const cc_sql_t *sql, const char *tenant, json_t *rows)
{
    if (ok && json_array_size(rows) > 0) {
        char *text = json_dumps(rows, JSON_COMPACT);
        const char *params[] = {tenant, text};
        ok = run(db, sql, 2, params);
        free(text);
    }
    json_decref(rows);
    return ok;
}

/* Opens the tenant's sealed key (hex from the database); false when it cannot be opened. */
static bool open_key(const registry_cfg_t *cfg, registry_tenant_t *t, const char *hex)
{
    size_t len = strlen(hex) / 2;
    if (!cfg->has_master_key || len == 0)
        return false;
    uint8_t *sealed = cc_malloc(len);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    bool ok = cc_hex_decode(hex, sealed, len) == 0 &&
              cc_aead_open(cfg->master_key, sealed, len, &plain, &plain_len) == 0;
    free(sealed);
    if (ok)
        t->api_key = (char *)plain; /* NUL-terminated by cc_aead_open */
    return ok;
}

/* Reads the settings (row locked); false when the tenant cannot be served now. */
static bool read_settings(cc_dbconn_t *db, const registry_cfg_t *cfg, registry_tenant_t *t, bool *failed)
{
    const char *params[] = {t->id};
    PGresult *res = cc_db_exec(db, &settings_sql, 1, params);
    if (!cc_db_is_ok(res)) {
        cc_db_problem_log(res, "registry worker: settings");
        *failed = true;
        PQclear(res);
        return false;
    }
    bool ok = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    if (ok) {
        t->base_url = cc_strdup(PQgetvalue(res, 0, 1));
        t->single_ok = PQgetvalue(res, 0, 3)[0] == 't';
        t->bulk_ok = PQgetvalue(res, 0, 4)[0] == 't';
        if (!open_key(cfg, t, PQgetvalue(res, 0, 2))) {
            cc_log(CC_LOG_WARN,
                   "registry worker: tenant %s has no API key that opens (CC_MASTER_KEY changed?)", t->id);
            ok = false;
        }
    }
    t->usable = ok;
    PQclear(res);
    return ok;
}

/* Claims due certifications into b; returns how many, or -1. */
static int claim_rows(cc_dbconn_t *db, const registry_cfg_t *cfg, registry_tenant_t *t, registry_batch_t *b)
{
    char limit[8], lease[16];
    snprintf(limit, sizeof(limit), "%d", REGISTRY_BULK_MAX);
    snprintf(lease, sizeof(lease), "%d", cfg->lease_s);
    const char *params[] = {t->id, limit, lease};
    PGresult *res = cc_db_exec(db, &claim_sql, 3, params);
    if (!cc_db_is_ok(res)) {
        cc_db_problem_log(res, "registry worker: claim");
        PQclear(res);
        return -1;
    }
    for (int i = 0; i < PQntuples(res) && b->n < REGISTRY_BULK_MAX; i++) {
        registry_item_t *it = &b->items[b->n++];
        snprintf(it->id, sizeof(it->id), "%s", PQgetvalue(res, i, 0));
        snprintf(it->claimed, sizeof(it->claimed), "%s", PQgetvalue(res, i, 1));
        it->attempts = atoi(PQgetvalue(res, i, 2));
        it->solo = PQgetvalue(res, i, 3)[0] == 't';
        it->out = OUT_RELEASE;
    }
    PQclear(res);
    return b->n;
}

static registry_item_t *find_item(registry_batch_t *b, const char *id)
{
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->items[i].id, id) == 0)
            return &b->items[i];
    return NULL;
}

/* Reads the sources of the claimed certifications; false on failure. */
static bool read_sources(cc_dbconn_t *db, const char *tenant, registry_batch_t *b)
{
    size_t cap = (size_t)b->n * 38 + 3;
    char *ids = cc_malloc(cap);
    size_t at = 0;
    ids[at++] = '{';
    for (int i = 0; i < b->n; i++) {
        if (i > 0)
            ids[at++] = ',';
        memcpy(ids + at, b->items[i].id, strlen(b->items[i].id));
        at += strlen(b->items[i].id);
    }
    ids[at++] = '}';
    ids[at] = '\0';
    const char *params[] = {tenant, ids};
    PGresult *res = cc_db_exec(db, &sources_sql, 2, params);
    free(ids);
    bool ok = cc_db_is_ok(res);
    if (!ok)
        cc_db_problem_log(res, "registry worker: sources");
    for (int i = 0; ok && i < PQntuples(res); i++) {
        registry_item_t *it = find_item(b, PQgetvalue(res, i, 0));
        if (it != NULL && !PQgetisnull(res, i, 1))
            it->source = json_loads(PQgetvalue(res, i, 1), 0, NULL);
    }
    PQclear(res);
    return ok;
}

static json_t *release_rows(const registry_batch_t *b)
{
    json_t *rows = json_array();
    for (int i = 0; i < b->n; i++) {
        const registry_item_t *it = &b->items[i];
        if (it->out == OUT_RELEASE || it->out == OUT_SOLO)
            json_array_append_new(rows, json_pack("{s:s, s:s, s:b}", "id", it->id, "claimed", it->claimed,
                                                  "solo", it->out == OUT_SOLO));
    }
    return rows;
}

int registry_claim(cc_dbconn_t *db, const registry_cfg_t *cfg, registry_tenant_t *t, registry_batch_t *b)
{
    if (cc_db_begin(db, t->id) != 0)
        return -1;
    bool failed = false;
    if (!read_settings(db, cfg, t, &failed)) {
        cc_db_rollback(db);
        return failed ? -1 : 0;
    }
    int n = claim_rows(db, cfg, t, b);
    if (n <= 0 || !read_sources(db, t->id, b)) {
        cc_db_rollback(db);
        return n == 0 ? 0 : -1;
    }
    for (int i = 0; i < b->n; i++)
        registry_send_classify(&b->items[i]);
    b->mode = registry_send_plan(b, t->single_ok, t->bulk_ok);
    char mode[2] = {b->mode, '\0'};
    const char *pacing[] = {t->id, mode};
    /* What pacing holds back is released at once (no attempt counted); the upload's slot is reserved. */
    json_t *held = json_array();
    for (int i = 0; i < b->n; i++)
        if (b->items[i].kind == ITEM_UPLOAD && !b->items[i].chosen)
            json_array_append_new(held, json_pack("{s:s, s:s, s:b}", "id", b->items[i].id, "claimed",
                                                  b->items[i].claimed, "solo", false));
    if (!run_rows(true, db, &release_sql, t->id, held) ||
        (b->mode != 0 && !run(db, &pacing_sql, 2, pacing)) || cc_db_commit(db) != 0) {
        cc_db_rollback(db);
        return -1;
    }
    return n;
}

static void add_settled(json_t *rows, const registry_item_t *it, const char *outcome)
{
    json_array_append_new(
        rows, json_pack("{s:s, s:s, s:s, s:s?, s:O?, s:s?}", "id", it->id, "claimed", it->claimed, "outcome",
                        outcome, "reason", it->reason[0] != '\0' ? it->reason : NULL, "record",
                        strcmp(outcome, "sent") == 0 ? it->record : NULL, "company_id", it->company_id));
}

static void add_dead(json_t *rows, const registry_item_t *it)
{
    const json_t *src = it->source;
    json_array_append_new(
        rows, json_pack("{s:s, s:s, s:O?, s:O?, s:s, s:s, s:O?, s:i, s:o?, s:O?}", "id", it->id, "claimed",
                        it->claimed, "certificate_id", json_object_get(src, "certificate_id"), "number",
                        json_object_get(src, "number"), "kind", it->dead_kind, "reason", it->reason, "errors",
                        it->errors, "attempts", it->attempts, "http_status",
                        it->http_status > 0 ? json_integer(it->http_status) : NULL, "record", it->record));
}

/* The outcome rows of b, by statement: settle, dead, retry (with its backoff) and release. */
static void outcome_rows(const registry_cfg_t *cfg, const registry_batch_t *b, json_t *settle, json_t *dead,
                         json_t *retry)
{
    for (int i = 0; i < b->n; i++) {
        const registry_item_t *it = &b->items[i];
        uint32_t r;
        switch (it->out) {
        case OUT_SENT:
            add_settled(settle, it, "sent");
            break;
        case OUT_SKIPPED:
            add_settled(settle, it, "skipped");
            break;
        case OUT_DELETED:
            add_settled(settle, it, "deleted");
            break;
        case OUT_DEAD:
            add_dead(dead, it);
            break;
        case OUT_RETRY:
            cc_random_bytes(&r, sizeof(r));
            json_array_append_new(
                retry, json_pack("{s:s, s:s, s:f}", "id", it->id, "claimed", it->claimed, "delay_s",
                                 registry_backoff_ms(cfg->backoff_ms, it->attempts + 1, r) / 1000.0));
            break;
        case OUT_RELEASE:
        case OUT_SOLO:
            break;
        }
    }
}

int registry_claim_record(cc_dbconn_t *db, const registry_cfg_t *cfg, const registry_tenant_t *t,
                          const registry_batch_t *b)
{
    if (cc_db_begin(db, t->id) != 0)
        return -1;
    json_t *settle = json_array(), *dead = json_array(), *retry = json_array();
    outcome_rows(cfg, b, settle, dead, retry);
    char wait[16];
    snprintf(wait, sizeof(wait), "%d", t->retry_after_s);
    const char *tenant[] = {t->id, t->pause[0] != '\0' ? t->pause : NULL, t->pause_detail, wait,
                            t->success ? "true" : "false"};
    const char *only[] = {t->id};
    bool ok = run_rows(true, db, &settle_sql, t->id, settle);
    ok = run_rows(ok, db, &dead_sql, t->id, dead);
    ok = run_rows(ok, db, &retry_sql, t->id, retry);
    ok = run_rows(ok, db, &release_sql, t->id, release_rows(b));
    ok = ok && run(db, &tenant_sql, 5, tenant) && run(db, &complete_sql, 1, only);
    if (!ok || cc_db_commit(db) != 0) {
        cc_db_rollback(db);
        return -1;
    }
    return 0;
}

void registry_tenant_clear(registry_tenant_t *t)
{
    free(t->base_url);
    if (t->api_key != NULL) {
        memset(t->api_key, 0, strlen(t->api_key));
        free(t->api_key);
    }
    t->base_url = t->api_key = NULL;
}

void registry_batch_clear(registry_batch_t *b)
{
    for (int i = 0; i < b->n; i++) {
        registry_item_t *it = &b->items[i];
        json_decref(it->source);
        json_decref(it->record);
        json_decref(it->errors);
        free(it->company_id);
    }
    b->n = 0;
}
