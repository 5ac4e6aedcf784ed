/*
 * The write path (see cc_write.h): the request's checks on the loop thread,
 * then one transaction on a worker around the route's run function, then
 * the answer back on the loop.
 */
#include "cc_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_events.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"

#define UNAVAILABLE "the database is unavailable; try again"

/* ---- on the loop thread ---- */

/* Reads the body against the field table (no field required for a PATCH) and the route's check. */
static json_t *read_body_or_respond(cc_request_t *r, const cc_write_spec_t *spec)
{
    cc_field_t fields[spec->nfields > 0 ? spec->nfields : 1];
    memcpy(fields, spec->fields, spec->nfields * sizeof(*fields));
    for (size_t i = 0; (spec->flags & CC_WRITE_PATCH) && i < spec->nfields; i++)
        fields[i].flags &= ~CC_FIELD_REQUIRED;
    json_t *body = cc_read_json_or_respond(r, fields, spec->nfields);
    if (body == NULL)
        return NULL;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if ((spec->flags & CC_WRITE_PATCH) && json_object_size(body) == 0)
        cc_problem_add_error(problem, "", "empty", "the body names no field to change");
    if (spec->check != NULL && spec->check(r, body, problem) == CC_ANSWERED) {
        json_decref(problem);
        json_decref(body);
        return NULL;
    }
    if (cc_problem_error_count(problem) != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return NULL;
    }
    json_decref(problem);
    return body;
}

/* Everything cc_write_handle reads from the request; answers and returns -1 on the first fault. */
static int read_request_or_respond(cc_request_t *r, const cc_write_spec_t *spec, cc_write_t *w)
{
    for (int i = 0; i < 2 && spec->path_ids[i] != NULL; i++) {
        const char *id = cc_path_uuid_or_respond(r, spec->path_ids[i]);
        if (id == NULL)
            return -1;
        memcpy(w->ids[i], id, 37);
    }
    w->if_match = (spec->flags & CC_WRITE_IF_MATCH) ? cc_if_match(r) : -1;
    if (w->if_match == -2) {
        cc_respond_error(r, 412, "precondition_failed", "If-Match must be an ETag this API returned");
        return -1;
    }
    if ((spec->flags & CC_WRITE_IDEMPOTENT) && cc_idempotency_read_or_respond(r, &w->idem) != 0)
        return -1;
    if (spec->flags & CC_WRITE_RAW_BODY) {
        w->body_len = r->req->entity.len;
        return spec->raw_check != NULL && spec->raw_check(r, w) != CC_GO_ON ? -1 : 0;
    }
    if (spec->fields != NULL && (w->body = read_body_or_respond(r, spec)) == NULL)
        return -1;
    return 0;
}

static int write_run(cc_job_t *job, cc_dbconn_t *db);
static void write_done(cc_job_t *job);

void cc_write_handle(cc_request_t *r, const cc_write_spec_t *spec)
{
    cc_write_t *w = cc_calloc(1, sizeof(*w));
    w->spec = spec;
    if (read_request_or_respond(r, spec, w) != 0) {
        json_decref(w->body);
        free(w);
        return;
    }
    cc_actor_from_request(r, &w->actor);
    /* argon2 takes a core for ~0.2 s: such a write waits on its own queue, never ahead of transactions */
    if (spec->hashed_field != NULL && cc_json_str(w->body, spec->hashed_field) != NULL)
        cc_job_submit_hashing(r, write_run, write_done, w);
    else
        cc_job_submit(r, write_run, write_done, w);
}

static void write_done(cc_job_t *job)
{
    cc_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

/* ---- on a worker ---- */

/* The Location of a new resource: spec->location with "{id}" replaced by ids[0], then the resource's id. */
static void location_of(const cc_write_t *w, const char *id, char *out, size_t cap)
{
    const char *base = w->spec->location, *slot = strstr(base, "{id}");
    if (slot == NULL)
        snprintf(out, cap, "%s%s", base, id);
    else
        snprintf(out, cap, "%.*s%s%s%s", (int)(slot - base), base, w->ids[0], slot + 4, id);
}

/* The id the event names: the path's {id}, the caller's tenant, or the new resource's (see the flags). */
static const char *event_entity_id(const cc_write_t *w, const char *id)
{
    if (w->spec->flags & CC_WRITE_EVENT_ON_PATH)
        return w->ids[0];
    if (w->spec->flags & CC_WRITE_EVENT_ON_TENANT)
        return w->actor.tenant_id;
    return id;
}

/* After a run that went on: the answer with its ETag and Location, the stored answer, the event and COMMIT.
 */
static cc_step_t finish(cc_write_t *w)
{
    const cc_write_spec_t *spec = w->spec;
    const char *action = w->event_action != NULL ? w->event_action : spec->event_action;
    if (w->resource == NULL) { /* a run that went on without a result: a bug, never the client's fault */
        cc_log_fields(CC_LOG_ERROR, "a write finished without a result",
                      json_pack("{s:s}", "action", action));
        return cc_write_fail(w, 500, "internal_error", "the change could not be completed");
    }
    /* an answer with no top-level id (e.g. {decision, certificate}) names its entity in the event's detail */
    const char *id = cc_json_str(w->resource, "id") != NULL ? cc_json_str(w->resource, "id")
                                                            : cc_json_str(w->detail, "id");
    char entity[64]; /* by default the action's prefix: "client" for "client.created" */
    const char *dot = strchr(action, '.');
    snprintf(entity, sizeof(entity), "%.*s", dot != NULL ? (int)(dot - action) : (int)strlen(action), action);
    cc_event_t ev = {w->actor.user_id,
                     w->actor.role,
                     action,
                     spec->event_entity != NULL ? spec->event_entity : entity,
                     event_entity_id(w, id),
                     w->actor.remote_addr,
                     w->actor.request_id,
                     w->detail};
    if (spec->location != NULL && id != NULL) {
        char location[256];
        location_of(w, id, location, sizeof(location));
        cc_job_header(w->job, "location", location);
    }
    json_t *resource = w->resource;
    w->resource = NULL;
    int status = spec->status != 0 ? spec->status : 200;
    json_t *unsent = NULL; /* a 204's resource: it only names the event's entity (ev points into it) */
    if (status == 204) {
        unsent = resource;
        cc_job_answer(w->job, status, NULL);
    } else if (json_is_integer(json_object_get(resource, "version")))
        cc_job_answer_versioned(w->job, status, resource);
    else
        cc_job_answer(w->job, status, resource);
    /* the event last, with COMMIT in the same round trip: the tenant's event lock is held from the append
     * to the commit (ARCHITECTURE.md "Event log"), so nothing else runs in that window */
    cc_step_t step = CC_ANSWERED;
    if (cc_idempotency_store(w->job, w->db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0 ||
        cc_event_append_commit(w->db, &ev) != 0) {
        cc_job_clear_headers(w->job);
        step = cc_write_fail(w, 503, "service_unavailable", UNAVAILABLE);
    }
    json_decref(unsent);
    return step;
}

/* One attempt: BEGIN, the key's claim, the route's run, finish. */
static cc_step_t attempt(cc_write_t *w)
{
    if (cc_db_begin(w->db, w->actor.tenant_id) != 0)
        return cc_write_fail(w, 503, "service_unavailable", UNAVAILABLE);
    if (cc_idempotency_claim(w->job, w->db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        return CC_ANSWERED; /* replayed, refused, or the database failed: the answer is set */
    cc_step_t step = w->spec->run(w);
    return step == CC_GO_ON ? finish(w) : step;
}

static int write_run(cc_job_t *job, cc_dbconn_t *db)
{
    cc_write_t *w = job->data;
    w->job = job;
    w->db = db;
    cc_job_clear_headers(job); /* a retry starts from a clean answer */
    w->event_action = NULL;
    cc_step_t step = attempt(w);
    json_decref(w->resource);
    json_decref(w->detail);
    w->resource = w->detail = NULL;
    return cc_job_outcome(step);
}

/* ---- for run functions ---- */

void cc_write_result(cc_write_t *w, json_t *resource, json_t *detail)
{
    json_decref(w->resource);
    json_decref(w->detail);
    w->resource = resource;
    w->detail = detail;
}

ssize_t cc_write_body_read(cc_write_t *w, size_t offset, void *buf, size_t len)
{
    return cc_request_body_read(w->job->request, offset, buf, len);
}

void cc_write_event_action(cc_write_t *w, const char *action)
{
    w->event_action = action;
}

void cc_write_header(cc_write_t *w, const char *name, const char *value)
{
    cc_job_header(w->job, name, value);
}

cc_step_t cc_write_fail(cc_write_t *w, int status, const char *code, const char *detail)
{
    cc_job_fail(w->job, status, code, detail);
    return CC_ANSWERED;
}

cc_step_t cc_write_fail_field(cc_write_t *w, int status, const char *code, const char *field,
                              const char *detail)
{
    json_t *problem =
        status == 400 ? cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors")
                      : cc_problem_new(status, code, detail);
    cc_problem_add_error(problem, field, code, detail);
    cc_job_answer(w->job, status, problem);
    return CC_ANSWERED;
}

cc_step_t cc_write_fail_db(cc_write_t *w, PGresult *res, const char *context)
{
    return cc_job_fail_db_step(w->job, res, context);
}

cc_step_t cc_write_check_version(cc_write_t *w, long long version, const char *what)
{
    if (w->if_match < 0 || w->if_match == version)
        return CC_GO_ON;
    char detail[128];
    snprintf(detail, sizeof(detail), "the %s has changed since you read it (If-Match)", what);
    return cc_write_fail(w, 412, "precondition_failed", detail);
}
