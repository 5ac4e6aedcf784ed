/*
 * The tenant's IAF CertSearch connection (DOMAIN.md "IAF CertSearch"):
 * GET /v1/registry/settings shows it (an absent row: the defaults, version 0)
 * with its ETag; PUT /v1/registry/settings changes the fields it names (each
 * optional, omitted = unchanged) on the write path. The API key is sealed
 * under the deployment's master key (cc_aead_seal) before it reaches the
 * database and is never answered, logged or put in the event: the answer
 * says only whether one is set. The base URL must pass the outbound guard
 * (cc_outbound_url_storable), sync cannot be enabled without a key and both
 * accreditation-body fields, and saving clears a pause (an admin who fixed a
 * refused key saves it). A change of the accreditation body or status makes
 * every certification pending: each record carries them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_outbound.h"
#include "cc_problem.h"
#include "cc_write.h"
#include "registry_sync.h"

const cc_sql_t sql_registry_settings_get = {"registry_settings_get",
                                            "SELECT cc_registry_settings_json($1::uuid)::text"};

#define SETTINGS_READ                                                                                        \
    "SELECT enabled, base_url, api_key_sealed IS NOT NULL, accreditation_body_name, "                        \
    "accreditation_body_acronym, accredited, single_interval_s, bulk_interval_s, version "                   \
    "FROM registry_settings WHERE tenant_id = $1"
static const cc_sql_t sql_settings_read = {"registry_settings_read", SETTINGS_READ};
static const cc_sql_t sql_settings_lock = {"registry_settings_lock", SETTINGS_READ " FOR UPDATE"};

/* $1 tenant, $2 enabled, $3 base_url, $4 the sealed key as bytea text (NULL: none), $5 'keep' | 'set',
 * $6 body name, $7 acronym, $8 accredited, $9 single, $10 bulk. A pause ends with the save. */
static const cc_sql_t sql_settings_upsert = {
    "registry_settings_upsert",
    "INSERT INTO registry_settings (tenant_id, enabled, base_url, api_key_sealed, accreditation_body_name, "
    "  accreditation_body_acronym, accredited, single_interval_s, bulk_interval_s) "
    "VALUES ($1, $2, $3, $4::bytea, $6, $7, $8, $9, $10) "
    "ON CONFLICT (tenant_id) DO UPDATE SET enabled = EXCLUDED.enabled, base_url = EXCLUDED.base_url, "
    "  api_key_sealed = CASE WHEN $5::text = 'keep' THEN registry_settings.api_key_sealed "
    "                        ELSE EXCLUDED.api_key_sealed END, "
    "  accreditation_body_name = EXCLUDED.accreditation_body_name, "
    "  accreditation_body_acronym = EXCLUDED.accreditation_body_acronym, accredited = EXCLUDED.accredited, "
    "  single_interval_s = EXCLUDED.single_interval_s, bulk_interval_s = EXCLUDED.bulk_interval_s, "
    "  paused_reason = NULL, paused_detail = NULL, paused_at = NULL, "
    "  version = registry_settings.version + 1, updated_at = now()"};

/* Every certification pending again: the accreditation body and status are in each of its records. By id,
 * and before the settings row is locked: the workers' outcome transaction takes its certifications, then
 * the settings (the other order deadlocks with a draining worker). */
static const cc_sql_t sql_settings_touch_all = {
    "registry_settings_touch_all",
    "SELECT cc_registry_touch(f.id, f.client_id) FROM (SELECT id, client_id FROM certifications "
    "WHERE tenant_id = $1 ORDER BY id) f"};

/* The answer, and the workers woken to look at the tenant again (enabled, or no longer paused). */
static const cc_sql_t sql_settings_after = {
    "registry_settings_after",
    "SELECT cc_registry_settings_json($1::uuid)::text, pg_notify('cc_registry', $1::text)"};

/* ---- GET ---- */

static void on_settings_get(cc_request_t *r, PGresult *res, void *data)
{
    (void)data;
    cc_respond_versioned(r, 200, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
}

void registry_settings_get_handle(cc_request_t *r)
{
    const char *params[] = {r->claims.tid};
    cc_db_query(r, r->claims.tid, &sql_registry_settings_get, 1, params, on_settings_get, NULL);
}

/* ---- PUT ---- */

/* The settings after the change: the stored row (or the defaults) with the body's fields over it. */
typedef struct merged {
    bool enabled, key_set, accredited;
    const char *base_url, *ab_name, *ab_acronym;
    long long single_s, bulk_s, version;
    bool records_change; /* a value every registry record carries changes (DOMAIN.md "IAF CertSearch") */
} merged_t;

static bool same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static const char *or_null(const PGresult *res, int col)
{
    return PQgetisnull(res, 0, col) ? NULL : PQgetvalue(res, 0, col);
}

static void merge(const PGresult *current, const json_t *body, merged_t *m)
{
    bool have = PQntuples(current) == 1;
    *m = (merged_t){.accredited = true,
                    .base_url = "https://api.iafcertsearch.org/api/client/v1",
                    .single_s = 60,
                    .bulk_s = 600};
    if (have) {
        m->enabled = PQgetvalue(current, 0, 0)[0] == 't';
        m->base_url = PQgetvalue(current, 0, 1);
        m->key_set = PQgetvalue(current, 0, 2)[0] == 't';
        m->ab_name = or_null(current, 3);
        m->ab_acronym = or_null(current, 4);
        m->accredited = PQgetvalue(current, 0, 5)[0] == 't';
        m->single_s = atoll(PQgetvalue(current, 0, 6));
        m->bulk_s = atoll(PQgetvalue(current, 0, 7));
        m->version = atoll(PQgetvalue(current, 0, 8));
    }
    const char *name = m->ab_name, *acronym = m->ab_acronym;
    bool accredited = m->accredited;
    const json_t *v;
    if ((v = json_object_get(body, "enabled")) != NULL)
        m->enabled = json_is_true(v);
    if ((v = json_object_get(body, "base_url")) != NULL)
        m->base_url = json_string_value(v);
    if ((v = json_object_get(body, "api_key")) != NULL)
        m->key_set = json_is_string(v);
    if ((v = json_object_get(body, "accreditation_body_name")) != NULL)
        m->ab_name = json_string_value(v);
    if ((v = json_object_get(body, "accreditation_body_acronym")) != NULL)
        m->ab_acronym = json_string_value(v);
    if ((v = json_object_get(body, "accredited")) != NULL)
        m->accredited = json_is_true(v);
    if ((v = json_object_get(body, "single_interval_s")) != NULL)
        m->single_s = json_integer_value(v);
    if ((v = json_object_get(body, "bulk_interval_s")) != NULL)
        m->bulk_s = json_integer_value(v);
    m->records_change =
        !same_text(name, m->ab_name) || !same_text(acronym, m->ab_acronym) || accredited != m->accredited;
}

/* The outbound guard on a new base URL. It resolves the host: on this worker thread (never the loop), and
 * before the settings row is locked. */
static void check_url(const json_t *body, json_t *problem)
{
    const char *url = cc_json_str(body, "base_url");
    char why[256] = "";
    if (url != NULL && !cc_outbound_url_storable(url, why, sizeof(why)))
        cc_problem_add_error(problem, "base_url", "outbound_refused",
                             why[0] != '\0' ? why : "the outbound guard refuses this URL");
}

/* What enabled sync needs, on the settings after the change. */
static void check_enabled(const merged_t *m, json_t *problem)
{
    if (!m->enabled)
        return;
    if (!m->key_set)
        cc_problem_add_error(problem, "api_key", "required", "sync cannot be enabled without an API key");
    if (m->ab_name == NULL)
        cc_problem_add_error(problem, "accreditation_body_name", "required",
                             "sync cannot be enabled without the accreditation body's name");
    if (m->ab_acronym == NULL)
        cc_problem_add_error(problem, "accreditation_body_acronym", "required",
                             "sync cannot be enabled without the accreditation body's acronym");
}

/* The new key sealed under the master key, as bytea input text ("\x" + hex); NULL without a master key. */
static char *sealed_key_text(const cc_config_t *config, const char *key)
{
    if (!config->has_master_key)
        return NULL;
    uint8_t *sealed = NULL;
    size_t len = 0;
    if (cc_aead_seal(config->master_key, key, strlen(key), &sealed, &len) != 0)
        return NULL;
    char *text = malloc(2 * len + 3);
    if (text != NULL) {
        memcpy(text, "\\x", 2);
        cc_hex_encode(sealed, len, text + 2);
    }
    free(sealed);
    return text;
}

/* The names of the fields the body sets (the event's detail: never a value, so never the key). */
static json_t *changed_fields(const json_t *body)
{
    json_t *names = json_array();
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        json_array_append_new(names, json_string(key));
    }
    return json_pack("{s:o}", "changed", names);
}

static cc_step_t store(cc_write_t *w, const merged_t *m)
{
    const json_t *key = json_object_get(w->body, "api_key");
    char *sealed = NULL;
    if (json_is_string(key) &&
        (sealed = sealed_key_text(cc_job_config(w->job), json_string_value(key))) == NULL)
        return cc_write_fail(w, 503, "service_unavailable",
                             "API keys cannot be stored: no master key is set");
    char single[24], bulk[24];
    snprintf(single, sizeof(single), "%lld", m->single_s);
    snprintf(bulk, sizeof(bulk), "%lld", m->bulk_s);
    const char *params[] = {w->actor.tenant_id,
                            m->enabled ? "true" : "false",
                            m->base_url,
                            sealed,
                            key == NULL ? "keep" : "set",
                            m->ab_name,
                            m->ab_acronym,
                            m->accredited ? "true" : "false",
                            single,
                            bulk};
    PGresult *res = cc_db_exec(w->db, &sql_settings_upsert, 10, params);
    free(sealed);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "registry settings upsert");
    PQclear(res);
    res = cc_db_exec(w->db, &sql_settings_after, 1, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "registry settings read");
    cc_write_result(w, json_loads(PQgetvalue(res, 0, 0), 0, NULL), changed_fields(w->body));
    PQclear(res);
    return CC_GO_ON;
}

/* When the change alters what every record carries (read unlocked: see sql_settings_touch_all), every
 * certification is made pending. Returns CC_GO_ON or an answer. */
static cc_step_t touch_if_records_change(cc_write_t *w)
{
    const char *params[] = {w->actor.tenant_id};
    PGresult *res = cc_db_exec(w->db, &sql_settings_read, 1, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "registry settings read");
    merged_t m;
    merge(res, w->body, &m);
    PQclear(res);
    if (!m.records_change)
        return CC_GO_ON;
    res = cc_db_exec(w->db, &sql_settings_touch_all, 1, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "registry settings: touch the certifications");
    PQclear(res);
    return CC_GO_ON;
}

static cc_step_t put_run(cc_write_t *w)
{
    cc_step_t step = touch_if_records_change(w);
    if (step != CC_GO_ON)
        return step;
    json_t *problem = cc_problem_new(400, "validation_failed", "the registry settings are not valid");
    check_url(w->body, problem);
    const char *params[] = {w->actor.tenant_id};
    PGresult *current = cc_db_exec(w->db, &sql_settings_lock, 1, params);
    if (!cc_db_is_ok(current)) {
        json_decref(problem);
        return cc_write_fail_db(w, current, "registry settings lock");
    }
    merged_t m;
    merge(current, w->body, &m);
    step = cc_write_check_version(w, m.version, "registry settings");
    if (step == CC_GO_ON) {
        check_enabled(&m, problem);
        if (json_array_size(json_object_get(problem, "errors")) > 0) {
            cc_job_answer(w->job, 400, json_incref(problem));
            step = CC_ANSWERED;
        } else {
            step = store(w, &m);
        }
    }
    json_decref(problem);
    PQclear(current); /* m's strings point into it until here */
    return step;
}

/* On the loop: a base URL that is not even http(s) is refused before anything is queued (the field table
 * already refuses blank strings). */
static cc_step_t put_check(cc_request_t *r, const json_t *body, json_t *problem)
{
    (void)r;
    const char *url = cc_json_str(body, "base_url");
    if (url != NULL && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        cc_problem_add_error(problem, "base_url", "outbound_refused", "must be an absolute http(s) URL");
    return CC_GO_ON;
}

static const cc_field_t put_fields[] = {
    {"enabled", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"base_url", CC_FIELD_STRING, 0, 1, 500, NULL},
    {"api_key", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 500, NULL},
    {"accreditation_body_name", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 200, NULL},
    {"accreditation_body_acronym", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 50, NULL},
    {"accredited", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"single_interval_s", CC_FIELD_INT, 0, 0, 86400, NULL},
    {"bulk_interval_s", CC_FIELD_INT, 0, 0, 86400, NULL},
};

static const cc_write_spec_t put_spec = {
    .fields = put_fields,
    .nfields = CC_NFIELDS(put_fields),
    .flags = CC_WRITE_IF_MATCH | CC_WRITE_EVENT_ON_TENANT,
    .check = put_check,
    .run = put_run,
    .status = 200,
    .event_action = "registry.settings_updated",
    .event_entity = "tenant",
};

void registry_settings_put_handle(cc_request_t *r)
{
    cc_write_handle(r, &put_spec);
}
