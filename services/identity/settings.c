/*
 * The admin's tenant settings: GET /v1/settings shows every setting's
 * effective value and its default with the document's version (ETag);
 * PATCH /v1/settings applies a JSON merge patch (RFC 7396) of the document,
 * each setting checked by shared/cc_settings.c, on the write path
 * (shared/cc_write.c) with its event-log entry on the tenant. The row's trigger (migration 0012) NOTIFYs
 * cc_settings on commit, so every service's settings caches drop the tenant at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_dbasync.h"
#include "cc_problem.h"
#include "cc_settings.h"
#include "cc_write.h"
#include "identity.h"

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

/* ---- PATCH /v1/settings: a cc_write whose target is the caller's tenant ---- */

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

/* On the loop: each setting the patch names, by type and range (cc_settings.c). */
static cc_step_t patch_check(cc_request_t *r, const json_t *patch, json_t *problem)
{
    (void)r;
    cc_settings_check_patch(patch, problem);
    return CC_GO_ON;
}

/* Merges the patch into the locked document; NULL after answering 400 when the result breaks a rule between
 * settings. */
static json_t *merged_or_fail(cc_write_t *w, const char *stored_text)
{
    json_t *stored = json_loads(stored_text, 0, NULL);
    json_t *merged = cc_settings_merge(stored, w->body);
    json_decref(stored);
    json_t *effective = cc_settings_effective(merged);
    json_t *problem = cc_problem_new(400, "validation_failed", "the settings would break a rule; see errors");
    size_t errors = cc_settings_check_document(effective, problem);
    json_decref(effective);
    if (errors != 0) {
        json_decref(merged);
        cc_job_answer(w->job, 400, problem);
        return NULL;
    }
    json_decref(problem);
    return merged;
}

static cc_step_t store(cc_write_t *w, const json_t *merged)
{
    char *text = json_dumps(merged, JSON_COMPACT);
    const char *params[] = {w->actor.tenant_id, text};
    PGresult *res = cc_db_exec(w->db, &sql_settings_update, 2, params);
    free(text);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "settings update");
    json_t *view = settings_view(PQgetvalue(res, 0, 0), atoi(PQgetvalue(res, 0, 1)));
    PQclear(res);
    cc_write_result(w, view, json_pack("{s:o, s:O}", "changed", changed_paths(w->body), "patch", w->body));
    return CC_GO_ON;
}

/* In the transaction: the document locked, If-Match, the merged document's rules, the update. */
static cc_step_t patch_run(cc_write_t *w)
{
    const char *key[] = {w->actor.tenant_id};
    PGresult *current = cc_db_exec(w->db, &sql_settings_lock, 1, key);
    if (!cc_db_is_ok(current))
        return cc_write_fail_db(w, current, "settings lock");
    cc_step_t step = CC_ANSWERED;
    json_t *merged = NULL;
    if (PQntuples(current) != 1)
        cc_write_fail(w, 404, "not_found", "no such tenant");
    else if (cc_write_check_version(w, atoll(PQgetvalue(current, 0, 1)), "settings") != CC_GO_ON)
        ; /* answered 412 */
    else if ((merged = merged_or_fail(w, PQgetvalue(current, 0, 0))) != NULL)
        step = store(w, merged);
    json_decref(merged);
    PQclear(current);
    return step;
}

static const cc_field_t patch_groups[] = {
    {"audit_time", CC_FIELD_OBJECT, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"findings", CC_FIELD_OBJECT, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"impartiality", CC_FIELD_OBJECT, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"programme", CC_FIELD_OBJECT, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"certificates", CC_FIELD_OBJECT, CC_FIELD_NULLABLE, 0, 0, NULL},
};

static const cc_write_spec_t patch_spec = {
    .fields = patch_groups,
    .nfields = CC_NFIELDS(patch_groups),
    .flags = CC_WRITE_IF_MATCH | CC_WRITE_PATCH | CC_WRITE_EVENT_ON_TENANT,
    .check = patch_check,
    .run = patch_run,
    .status = 200,
    .event_action = "settings.updated",
    .event_entity = "tenant",
};

void settings_patch_handle(cc_request_t *r)
{
    cc_write_handle(r, &patch_spec);
}
