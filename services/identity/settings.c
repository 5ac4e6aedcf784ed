/*
 * The admin's tenant settings: GET /v1/settings shows every setting's
 * effective value and its default with the document's version (ETag);
 * PATCH /v1/settings applies a JSON merge patch (RFC 7396) of the document,
 * each setting checked by shared/cc_settings.c, in a transaction with its
 * event-log entry. The row's trigger (migration 0012) NOTIFYs cc_settings on
 * commit, so every service's settings caches drop the tenant at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_events.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_server.h"
#include "cc_settings.h"
#include "identity.h"

static const cc_field_t patch_groups[] = {
    {"audit_time", CC_FIELD_OBJECT, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"impartiality", CC_FIELD_OBJECT, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"programme", CC_FIELD_OBJECT, CC_FIELD_NULLABLE, 0, 0, NULL},
};

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* {"settings": effective values, "defaults": ..., "version": N} from the stored document's text. */
static json_t *settings_view(const char *stored_text, int version)
{
    json_t *stored = json_loads(stored_text, 0, NULL);
    json_t *view = json_pack("{s:o, s:o, s:i}", "settings", cc_settings_effective(stored), "defaults",
                             cc_settings_defaults(), "version", version);
    json_decref(stored);
    return view;
}

/* ---- GET /v1/settings ---- */

static void on_settings_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such tenant");
        return;
    }
    cc_respond_versioned(r, 200, settings_view(PQgetvalue(res, 0, 0), atoi(PQgetvalue(res, 0, 1))));
}

void settings_get_handle(cc_request_t *r)
{
    const char *params[] = {r->claims.tid};
    cc_db_query(r, r->claims.tid, &sql_settings_get, 1, params, on_settings_get, NULL);
}

/* ---- PATCH /v1/settings ---- */

typedef struct settings_write {
    cc_actor_t actor;
    json_t *patch;
    long long if_match; /* -1: none */
} settings_write_t;

static void settings_write_done(cc_job_t *job)
{
    settings_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->patch);
    free(w);
}

/* The "group.name" of every setting the patch names (a whole group when it sets the group to null). */
static json_t *changed_paths(const json_t *patch)
{
    json_t *paths = json_array();
    const char *group, *name;
    json_t *members, *value;
    char path[128];
    json_object_foreach((json_t *)patch, group, members)
    {
        if (!json_is_object(members)) {
            json_array_append_new(paths, json_string(group));
            continue;
        }
        json_object_foreach(members, name, value)
        {
            snprintf(path, sizeof(path), "%s.%s", group, name);
            json_array_append_new(paths, json_string(path));
        }
    }
    return paths;
}

/* Merges the patch into the locked document; answers 400 when the result breaks a rule between settings. */
static json_t *merged_or_fail(cc_job_t *job, const char *stored_text, const json_t *patch)
{
    json_t *stored = json_loads(stored_text, 0, NULL);
    json_t *merged = cc_settings_merge(stored, patch);
    json_decref(stored);
    json_t *effective = cc_settings_effective(merged);
    json_t *problem = cc_problem_new(400, "validation_failed", "the settings would break a rule; see errors");
    size_t errors = cc_settings_check_document(effective, problem);
    json_decref(effective);
    if (errors != 0) {
        json_decref(merged);
        cc_job_answer(job, 400, problem);
        return NULL;
    }
    json_decref(problem);
    return merged;
}

static int store_and_finish(cc_job_t *job, cc_dbconn_t *db, settings_write_t *w, const json_t *merged)
{
    char *text = json_dumps(merged, JSON_COMPACT);
    const char *params[] = {w->actor.tenant_id, text};
    PGresult *res = cc_db_exec(db, &sql_settings_update, 2, params);
    free(text);
    if (!cc_db_is_ok(res))
        return cc_job_fail_db(job, res, "settings update");
    json_t *view = settings_view(PQgetvalue(res, 0, 0), atoi(PQgetvalue(res, 0, 1)));
    PQclear(res);
    json_t *detail = json_pack("{s:o, s:O}", "changed", changed_paths(w->patch), "patch", w->patch);
    cc_event_t ev = {w->actor.user_id,   w->actor.role,        "settings.updated",  "tenant",
                     w->actor.tenant_id, w->actor.remote_addr, w->actor.request_id, detail};
    int appended = cc_event_append(db, &ev);
    json_decref(detail);
    if (appended != 0 || cc_db_commit(db) != 0) {
        json_decref(view);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    cc_job_answer_versioned(job, 200, view);
    return CC_JOB_DONE;
}

static int patch_run(cc_job_t *job, cc_dbconn_t *db)
{
    settings_write_t *w = job->data;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    const char *key[] = {w->actor.tenant_id};
    PGresult *current = cc_db_exec(db, &sql_settings_lock, 1, key);
    if (!cc_db_is_ok(current))
        return cc_job_fail_db(job, current, "settings lock");
    int rc = CC_JOB_DONE;
    json_t *merged = NULL;
    if (PQntuples(current) != 1) {
        cc_job_fail(job, 404, "not_found", "no such tenant");
    } else if (w->if_match >= 0 && w->if_match != atoll(PQgetvalue(current, 0, 1))) {
        cc_job_fail(job, 412, "precondition_failed",
                    "the settings have changed since you read them (If-Match)");
    } else if ((merged = merged_or_fail(job, PQgetvalue(current, 0, 0), w->patch)) != NULL) {
        rc = store_and_finish(job, db, w, merged);
    }
    json_decref(merged);
    PQclear(current);
    return rc;
}

void settings_patch_handle(cc_request_t *r)
{
    long long if_match = cc_if_match(r);
    if (if_match == -2) {
        cc_respond_error(r, 412, "precondition_failed", "If-Match must be an ETag this API returned");
        return;
    }
    json_t *patch = cc_read_json_or_respond(r, patch_groups, NFIELDS(patch_groups));
    if (patch == NULL)
        return;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (json_object_size(patch) == 0)
        cc_problem_add_error(problem, "", "empty", "the body names no setting to change");
    if (json_object_size(patch) == 0 || cc_settings_check_patch(patch, problem) != 0) {
        json_decref(patch);
        cc_respond_problem(r, problem);
        return;
    }
    json_decref(problem);
    settings_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    w->patch = patch;
    w->if_match = if_match;
    cc_job_submit(r, patch_run, settings_write_done, w);
}
