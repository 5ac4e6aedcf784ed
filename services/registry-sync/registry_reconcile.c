/*
 * POST /v1/registry/reconcile (ARCHITECTURE.md "Registry sync"): reads every
 * record the registry holds for the CB (pages of 100), compares them with
 * what we would send now (registry_map.h) and repairs the drift:
 *   missing   publishable here, absent there        -> queued (cc_registry_touch)
 *   stale     there, with fields that differ         -> queued
 *   unknown   there, but not ours or not publishable
 *             (its client has not consented)         -> deleted from the registry
 * and learns the registry's company_certifications_id of every record it
 * matches. A certification that cannot be mapped is left to its dead letter.
 * Blocking work (the registry's calls) on a worker (cc_job_submit); no
 * transaction is open while the registry is called. The registry's 401/403
 * pauses the tenant's sync (503 registry_unauthorized); any other failure
 * answers 503 registry_unavailable with Retry-After; 409 registry_disabled
 * while sync is off. (503, not 502: the gateway replaces the body of every
 * 502 with its own, deploy/h2o.conf's error-doc, and the code would be lost.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_json.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_workers.h"
#include "registry_client.h"
#include "registry_pages.h"
#include "registry_map.h"
#include "registry_sync.h"

static const cc_sql_t sql_reconcile_settings = {
    "registry_reconcile_settings",
    "SELECT enabled, base_url, encode(api_key_sealed, 'hex') FROM registry_settings WHERE tenant_id = $1"};

static const cc_sql_t sql_reconcile_ours = {
    "registry_reconcile_ours",
    "SELECT r.certification_id, r.client_id, r.company_certifications_id, "
    "       cc_registry_source(r.certification_id)::text "
    "FROM registry_certifications r WHERE r.tenant_id = $1 ORDER BY r.certification_id"};

static const cc_sql_t sql_reconcile_touch = {
    "registry_reconcile_touch",
    "SELECT cc_registry_touch($2::uuid, $3::uuid) FROM tenants t WHERE t.id = $1"};

static const cc_sql_t sql_reconcile_learn = {"registry_reconcile_learn",
                                             "UPDATE registry_certifications SET company_certifications_id = "
                                             "$3, in_registry = true, updated_at = now() "
                                             "WHERE tenant_id = $1 AND certification_id = $2::uuid"};

/* Our certification's consent as it stands, its row locked when marking: the comparison read it before
 * the registry was called, and consent (or a fresh upload by a worker) may have come since. busy: a change
 * is pending or in flight, which the worker is yet to record. */
static const cc_sql_t sql_reconcile_recheck = {
    "registry_reconcile_recheck",
    "SELECT k.registry_consent_given AND cc_registry_source(r.certification_id) IS NOT NULL, r.client_id, "
    "       r.claimed IS NOT NULL OR r.wanted > r.done "
    "FROM registry_certifications r JOIN clients k ON k.tenant_id = r.tenant_id AND k.id = r.client_id "
    "WHERE r.tenant_id = $1 AND r.certification_id = $2::uuid FOR UPDATE OF r"};

/* A record of ours the registry no longer holds (deleted: its client has not consented). */
static const cc_sql_t sql_reconcile_deleted = {
    "registry_reconcile_deleted",
    "UPDATE registry_certifications SET in_registry = false, company_certifications_id = NULL, "
    "outcome = 'deleted', reason = 'no_consent', updated_at = now() "
    "WHERE tenant_id = $1 AND certification_id = $2::uuid"};

static const cc_sql_t sql_reconcile_pause = {
    "registry_reconcile_pause",
    "UPDATE registry_settings SET paused_reason = 'unauthorized', paused_detail = $2, paused_at = now() "
    "WHERE tenant_id = $1"};

typedef struct reconcile {
    char tenant_id[37];
    int timeout_ms;
    char base_url[512];
    char *api_key;  /* opened in the job, freed with it */
    json_t *theirs; /* certificate_identity_number -> the registry's record */
    json_t *ours;   /* certification_id -> {"client_id", "company_id", "record" | "publish": false} */
    json_t *report;
} reconcile_t;

/* ---- the registry's side ---- */

/* Answers the failure of a registry call (and pauses the tenant on 401/403). Returns CC_ANSWERED. */
static cc_step_t registry_failed(cc_job_t *job, cc_dbconn_t *db, reconcile_t *rc,
                                 const registry_reply_t *reply)
{
    if (reply->outcome == REGISTRY_UNAUTHORIZED) {
        const char *params[] = {rc->tenant_id, reply->detail};
        if (cc_db_begin(db, rc->tenant_id) == 0) {
            PGresult *res = cc_db_exec(db, &sql_reconcile_pause, 2, params);
            bool ok = cc_db_is_ok(res);
            PQclear(res);
            if (ok)
                cc_db_commit(db);
            else
                cc_db_rollback(db);
        }
        cc_job_fail(job, 503, "registry_unauthorized",
                    "the registry refused the API key: sync is paused until the settings are saved again");
        return CC_ANSWERED;
    }
    char detail[600];
    snprintf(detail, sizeof(detail), "the registry could not be read: %s", reply->detail);
    cc_job_fail(job, 503, "registry_unavailable", detail);
    cc_job_header(job, "retry-after", "60");
    return CC_ANSWERED;
}

/* Every page of the registry's records into rc->theirs, by identity number (registry_pages.c: a capped page
 * or a missing total_rows does not end the listing early). */
static void collect_record(json_t *record, void *ctx)
{
    reconcile_t *rc = ctx;
    const char *identity = cc_json_str(record, "certificate_identity_number");
    if (identity != NULL)
        json_object_set(rc->theirs, identity, record);
}

static cc_step_t read_registry(cc_job_t *job, cc_dbconn_t *db, reconcile_t *rc, const registry_conn_t *conn)
{
    registry_reply_t reply;
    if (registry_pages_read(conn, NULL, collect_record, rc, &reply) != REGISTRY_PAGES_FAILED)
        return CC_GO_ON;
    cc_step_t step = registry_failed(job, db, rc, &reply);
    registry_reply_free(&reply);
    return step;
}

/* ---- our side ---- */

static void add_ours(reconcile_t *rc, const PGresult *res, int row)
{
    json_t *entry = json_pack("{s:s, s:s?}", "client_id", PQgetvalue(res, row, 1), "company_id",
                              PQgetisnull(res, row, 2) ? NULL : PQgetvalue(res, row, 2));
    json_t *source = PQgetisnull(res, row, 3) ? NULL : json_loads(PQgetvalue(res, row, 3), 0, NULL);
    if (source != NULL && registry_map_consented(source)) {
        registry_map_problem_t problem;
        json_t *record = registry_map(source, &problem);
        if (record != NULL)
            json_object_set_new(entry, "record", record);
        else
            json_object_set_new(entry, "unmappable", json_true()); /* its dead letter tells why */
    }
    json_decref(source);
    json_object_set_new(rc->ours, PQgetvalue(res, row, 0), entry);
}

static cc_step_t read_ours(cc_job_t *job, cc_dbconn_t *db, reconcile_t *rc)
{
    if (cc_db_begin(db, rc->tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is not available");
        return CC_ANSWERED;
    }
    const char *params[] = {rc->tenant_id};
    PGresult *res = cc_db_exec(db, &sql_reconcile_ours, 1, params);
    cc_db_rollback(db); /* read only */
    if (!cc_db_is_ok(res))
        return cc_job_fail_db_step(job, res, "reconcile: our certifications");
    for (int row = 0; row < PQntuples(res); row++)
        add_ours(rc, res, row);
    PQclear(res);
    return CC_GO_ON;
}

/* ---- the comparison ---- */

/* The fields whose values differ between what we would send and what the registry holds. */
static json_t *differing_fields(const json_t *mine, const json_t *theirs)
{
    json_t *fields = json_array();
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)mine, key, value)
    {
        if (!json_equal(value, json_object_get(theirs, key)))
            json_array_append_new(fields, json_string(key));
    }
    json_object_foreach((json_t *)theirs, key, value)
    {
        if (strcmp(key, "company_certifications_id") != 0 && !json_is_null(value) &&
            json_object_get(mine, key) == NULL)
            json_array_append_new(fields, json_string(key));
    }
    return fields;
}

static json_t *unknown_item(const json_t *record)
{
    return json_pack("{s:O?, s:O?, s:O?}", "company_certifications_id",
                     json_object_get(record, "company_certifications_id"), "certificate_identity_number",
                     json_object_get(record, "certificate_identity_number"), "certificate_number",
                     json_object_get(record, "certificate_number"));
}

/* Fills the report's missing, stale and unknown lists and the ids to learn (entry "learn"). */
static void compare(reconcile_t *rc)
{
    json_t *missing = json_object_get(rc->report, "missing"), *stale = json_object_get(rc->report, "stale"),
           *unknown = json_object_get(rc->report, "unknown");
    json_int_t publishable = 0;
    const char *id;
    json_t *entry;
    json_object_foreach(rc->ours, id, entry)
    {
        const json_t *mine = json_object_get(entry, "record");
        const json_t *theirs = json_object_get(rc->theirs, id);
        if (mine != NULL)
            publishable++;
        if (theirs == NULL) {
            if (mine != NULL)
                json_array_append_new(missing, json_pack("{s:s, s:O}", "certification_id", id, "number",
                                                         json_object_get(mine, "certificate_number")));
            continue;
        }
        if (mine == NULL && !json_is_true(json_object_get(entry, "unmappable"))) {
            json_array_append_new(unknown, unknown_item(theirs)); /* may not be published: deleted */
            json_object_set_new(entry, "delete", json_true());
            continue;
        }
        const char *company = cc_json_str(theirs, "company_certifications_id");
        const char *known = cc_json_str(entry, "company_id");
        if (company != NULL && (known == NULL || strcmp(known, company) != 0))
            json_object_set_new(entry, "learn", json_string(company));
        if (mine == NULL)
            continue;
        json_t *fields = differing_fields(mine, theirs);
        if (json_array_size(fields) > 0)
            json_array_append_new(stale,
                                  json_pack("{s:s, s:O, s:o}", "certification_id", id, "number",
                                            json_object_get(mine, "certificate_number"), "fields", fields));
        else
            json_decref(fields);
    }
    json_t *record;
    json_object_foreach(rc->theirs, id, record)
    {
        if (json_object_get(rc->ours, id) == NULL)
            json_array_append_new(unknown, unknown_item(record));
    }
    json_object_set_new(rc->report, "ours", json_integer(publishable));
    json_object_set_new(rc->report, "registry_records",
                        json_integer((json_int_t)json_object_size(rc->theirs)));
}

/* ---- the repair ---- */

static bool exec_ok(cc_dbconn_t *db, const cc_sql_t *sql, int n, const char *const *params)
{
    PGresult *res = cc_db_exec(db, sql, n, params);
    bool ok = cc_db_is_ok(res);
    if (!ok)
        cc_db_problem_log(res, sql->name);
    PQclear(res);
    return ok;
}

/* In one transaction: the missing and stale ones queued, the registry's ids learned. */
static cc_step_t queue_and_learn(cc_job_t *job, cc_dbconn_t *db, reconcile_t *rc)
{
    if (cc_db_begin(db, rc->tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is not available");
        return CC_ANSWERED;
    }
    bool ok = true;
    json_int_t queued = 0, learned = 0;
    const char *lists[] = {"missing", "stale"};
    for (size_t l = 0; l < 2 && ok; l++) {
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(rc->report, lists[l]), i, item)
        {
            const char *id = cc_json_str(item, "certification_id");
            const char *params[] = {rc->tenant_id, id,
                                    cc_json_str(json_object_get(rc->ours, id), "client_id")};
            if (!(ok = exec_ok(db, &sql_reconcile_touch, 3, params)))
                break;
            queued++;
        }
    }
    const char *id;
    json_t *entry;
    json_object_foreach(rc->ours, id, entry)
    {
        const char *company = cc_json_str(entry, "learn");
        const char *params[] = {rc->tenant_id, id, company};
        if (ok && company != NULL && (ok = exec_ok(db, &sql_reconcile_learn, 3, params)))
            learned++;
    }
    if (!ok || cc_db_commit(db) != 0) {
        cc_db_rollback(db);
        cc_job_fail(job, 503, "service_unavailable", "the repair could not be recorded");
        return CC_ANSWERED;
    }
    json_object_set_new(json_object_get(rc->report, "repaired"), "queued", json_integer(queued));
    json_object_set_new(rc->report, "learned_ids", json_integer(learned));
    return CC_GO_ON;
}

/*
 * Ours (identity) re-checked in a transaction of its own: when its client has consented since the
 * comparison, it is touched (the worker sends its current state) and *publishable set. Otherwise, with
 * mark (the registry's record is gone), it is marked deleted, and touched when a change is pending or in
 * flight, so that a state a worker uploaded meanwhile (which the DELETE removed) is decided again rather
 * than left recorded as sent with nothing pending. False when the database failed.
 */
static bool recheck_ours(cc_dbconn_t *db, const reconcile_t *rc, const char *identity, bool mark,
                         bool *publishable)
{
    const char *params[] = {rc->tenant_id, identity, NULL};
    if (cc_db_begin(db, rc->tenant_id) != 0)
        return false;
    PGresult *res = cc_db_exec(db, &sql_reconcile_recheck, 2, params);
    bool ok = cc_db_is_ok(res) && PQntuples(res) == 1;
    if (!ok) {
        PQclear(res);
        cc_db_rollback(db);
        return false;
    }
    *publishable = PQgetvalue(res, 0, 0)[0] == 't';
    bool busy = PQgetvalue(res, 0, 2)[0] == 't';
    params[2] = PQgetvalue(res, 0, 1);
    if (!*publishable && mark)
        ok = exec_ok(db, &sql_reconcile_deleted, 2, params);
    if (ok && (*publishable || (mark && busy)))
        ok = exec_ok(db, &sql_reconcile_touch, 3, params);
    PQclear(res);
    if (!ok || cc_db_commit(db) != 0) {
        cc_db_rollback(db);
        return false;
    }
    return true;
}

/* The unknown records deleted from the registry (a 404 is as good: it is gone); ours marked so. One of
 * ours whose client consented since the comparison is not deleted but queued (recheck_ours). */
static cc_step_t delete_unknown(cc_job_t *job, cc_dbconn_t *db, reconcile_t *rc, const registry_conn_t *conn)
{
    json_int_t deleted = 0;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(rc->report, "unknown"), i, item)
    {
        const char *company = cc_json_str(item, "company_certifications_id");
        if (company == NULL)
            continue; /* the registry gave no address for it */
        const char *identity = cc_json_str(item, "certificate_identity_number");
        bool ours = identity != NULL && json_object_get(rc->ours, identity) != NULL, publishable = false;
        if (ours && (!recheck_ours(db, rc, identity, false, &publishable) || publishable))
            continue; /* consented since (queued), or the database failed: left as it is */
        registry_reply_t reply;
        registry_delete(conn, company, &reply);
        if (reply.outcome != REGISTRY_OK && reply.outcome != REGISTRY_NOT_FOUND) {
            cc_step_t step = registry_failed(job, db, rc, &reply);
            registry_reply_free(&reply);
            return step;
        }
        registry_reply_free(&reply);
        deleted++;
        if (ours && !recheck_ours(db, rc, identity, true, &publishable))
            cc_log(CC_LOG_WARN, "reconcile: tenant %s: the deletion of %s could not be recorded",
                   rc->tenant_id, identity);
    }
    json_object_set_new(json_object_get(rc->report, "repaired"), "deleted", json_integer(deleted));
    return CC_GO_ON;
}

/* ---- the job ---- */

/* The settings: enabled, the base URL and the opened key into rc. */
static cc_step_t load_settings(cc_job_t *job, cc_dbconn_t *db, reconcile_t *rc)
{
    if (cc_db_begin(db, rc->tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is not available");
        return CC_ANSWERED;
    }
    const char *params[] = {rc->tenant_id};
    PGresult *res = cc_db_exec(db, &sql_reconcile_settings, 1, params);
    cc_db_rollback(db);
    if (!cc_db_is_ok(res))
        return cc_job_fail_db_step(job, res, "reconcile: settings");
    bool enabled = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't' && !PQgetisnull(res, 0, 2);
    const cc_config_t *config = cc_job_config(job);
    cc_step_t step = CC_GO_ON;
    if (!enabled) {
        cc_job_fail(job, 409, "registry_disabled", "registry sync is not enabled");
        step = CC_ANSWERED;
    } else {
        snprintf(rc->base_url, sizeof(rc->base_url), "%s", PQgetvalue(res, 0, 1));
        const char *hex = PQgetvalue(res, 0, 2);
        size_t len = strlen(hex) / 2, plain_len = 0;
        uint8_t *sealed = cc_malloc(len + 1), *plain = NULL;
        if (!config->has_master_key || cc_hex_decode(hex, sealed, len) != 0 ||
            cc_aead_open(config->master_key, sealed, len, &plain, &plain_len) != 0) {
            cc_job_fail(job, 500, "internal_error", "the API key could not be opened");
            step = CC_ANSWERED;
        }
        rc->api_key = (char *)plain;
        free(sealed);
    }
    PQclear(res);
    return step;
}

static cc_step_t reconcile_steps(cc_job_t *job, cc_dbconn_t *db, reconcile_t *rc)
{
    cc_step_t step = load_settings(job, db, rc);
    if (step != CC_GO_ON)
        return step;
    registry_conn_t conn = {rc->base_url, rc->api_key, rc->timeout_ms, NULL};
    if ((step = read_registry(job, db, rc, &conn)) != CC_GO_ON || (step = read_ours(job, db, rc)) != CC_GO_ON)
        return step;
    compare(rc);
    if ((step = queue_and_learn(job, db, rc)) != CC_GO_ON ||
        (step = delete_unknown(job, db, rc, &conn)) != CC_GO_ON)
        return step;
    cc_job_answer(job, 200, json_incref(rc->report));
    return CC_GO_ON;
}

static int reconcile_run(cc_job_t *job, cc_dbconn_t *db)
{
    reconcile_t *rc = job->data;
    rc->theirs = json_object();
    rc->ours = json_object();
    rc->report =
        json_pack("{s:i, s:i, s:[], s:[], s:[], s:{s:i, s:i}, s:i}", "registry_records", 0, "ours", 0,
                  "missing", "stale", "unknown", "repaired", "queued", 0, "deleted", 0, "learned_ids", 0);
    cc_step_t step = reconcile_steps(job, db, rc);
    json_decref(rc->theirs);
    json_decref(rc->ours);
    json_decref(rc->report);
    if (rc->api_key != NULL) {
        explicit_bzero(rc->api_key, strlen(rc->api_key));
        free(rc->api_key);
    }
    rc->theirs = rc->ours = rc->report = NULL;
    rc->api_key = NULL;
    return cc_job_outcome(step);
}

void registry_reconcile_handle(cc_request_t *r)
{
    reconcile_t *rc = cc_calloc(1, sizeof(*rc));
    snprintf(rc->tenant_id, sizeof(rc->tenant_id), "%s", r->claims.tid);
    int bad = 0;
    rc->timeout_ms = cc_env_int("CC_REGISTRY_TIMEOUT", 30000, 100, 600000, &bad);
    cc_job_submit(r, reconcile_run, NULL, rc);
}
