/*
 * When an auditor cannot audit, and whom an auditor may not audit:
 * /v1/auditors/{id}/unavailability (inclusive date periods; exclusion
 * constraints refuse overlaps with other periods and with booked audits,
 * even under concurrency) and
 * /v1/auditors/{id}/conflicts (impartiality: e.g. consulted for the client,
 * blocked until a date, by default the tenant's period of 2 years).
 * An auditor may record their own unavailability; staff who manage the
 * scheme record anyone's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_dbasync.h"
#include "cc_events.h"
#include "cc_idempotency.h"
#include "cc_json.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_roles.h"
#include "cc_workers.h"
#include "scheduling.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static const cc_field_t unavailability_fields[] = {
    {"from", CC_FIELD_DATE, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"to", CC_FIELD_DATE, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 500, NULL},
};
static const cc_field_t conflict_fields[] = {
    {"client_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 500, NULL},
    {"until", CC_FIELD_DATE, 0, 0, 0, NULL},
};

/* Columns: id, auditor_id, from, to, reason, created_at (unavailability); id, auditor_id, client_id, reason,
 * until, created_at (conflicts); from `first`. */
static json_t *unavailability_from_row(const PGresult *res, int row, int c)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, row, c), "auditor_id",
                     PQgetvalue(res, row, c + 1), "from", PQgetvalue(res, row, c + 2), "to",
                     PQgetvalue(res, row, c + 3), "reason", PQgetvalue(res, row, c + 4), "created_at",
                     PQgetvalue(res, row, c + 5));
}

static json_t *conflict_from_row(const PGresult *res, int row, int c)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, row, c), "auditor_id",
                     PQgetvalue(res, row, c + 1), "client_id", PQgetvalue(res, row, c + 2), "reason",
                     PQgetvalue(res, row, c + 3), "until", PQgetvalue(res, row, c + 4), "created_at",
                     PQgetvalue(res, row, c + 5));
}

/* ---- lists: the auditor (none: 404), then its entries (a NULL entry when it has none) ---- */

typedef json_t *(*row_fn)(const PGresult *res, int row, int first);

static void respond_list(cc_request_t *r, PGresult *res, row_fn from_row)
{
    if (PQntuples(res) == 0) {
        cc_respond_error(r, 404, "not_found", "no such auditor");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        if (!PQgetisnull(res, i, 1))
            json_array_append_new(items, from_row(res, i, 1));
    cc_respond_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

static void on_unavailability(cc_request_t *r, PGresult *res, void *data)
{
    respond_list(r, res, unavailability_from_row);
}

static void on_conflicts(cc_request_t *r, PGresult *res, void *data)
{
    respond_list(r, res, conflict_from_row);
}

void unavailability_list_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id};
    cc_db_query(r, r->claims.tid, &sql_unavailability_list, 2, params, on_unavailability, NULL);
}

void conflicts_list_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    char live[8];
    int n = cc_query_param(r, "live", live, sizeof(live));
    if (n != -1 && strcmp(live, "true") != 0 && strcmp(live, "false") != 0) {
        json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
        cc_problem_add_error(problem, "live", "invalid_value", "must be true or false");
        cc_respond_problem(r, problem);
        return;
    }
    const char *params[] = {r->claims.tid, id, n != -1 && strcmp(live, "true") == 0 ? "true" : "false"};
    cc_db_query(r, r->claims.tid, &sql_conflicts_list, 3, params, on_conflicts, NULL);
}

/* ---- writes ---- */

typedef struct entry_write {
    cc_actor_t actor;
    char auditor_id[37];
    json_t *body;
    cc_idempotency_t idem;
} entry_write_t;

static void entry_write_done(cc_job_t *job)
{
    entry_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

/*
 * Opens the transaction and finds the auditor: 404 when there is none; 403 when
 * the caller is an auditor writing another auditor's entry. Returns 0 to go on.
 */
static int begin_for_auditor(cc_job_t *job, cc_dbconn_t *db, const entry_write_t *w)
{
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return -1;
    }
    const char *key[] = {w->actor.tenant_id, w->auditor_id};
    PGresult *res = cc_db_exec(db, &sql_auditor_user, 2, key);
    int rc = 0;
    if (!cc_db_is_ok(res)) {
        cc_job_answer(job, 503, cc_db_problem(res, "auditor lookup"));
        rc = -1;
    } else if (PQntuples(res) != 1) {
        cc_job_fail(job, 404, "not_found", "no such auditor");
        rc = -1;
    } else if (cc_role_parse(w->actor.role) == CC_ROLE_AUDITOR &&
               strcmp(PQgetvalue(res, 0, 0), w->actor.user_id) != 0) {
        cc_job_fail(job, 403, "forbidden", "an auditor may record only their own unavailability");
        rc = -1;
    }
    PQclear(res);
    return rc;
}

/* Appends the event, answers 201 with Location, stores it for the Idempotency-Key, commits. */
static int finish(cc_job_t *job, cc_dbconn_t *db, const entry_write_t *w, json_t *entry, const char *kind,
                  const char *action)
{
    const char *id = json_string_value(json_object_get(entry, "id"));
    cc_event_t ev = {w->actor.user_id,     w->actor.role,       action, "auditor", w->auditor_id,
                     w->actor.remote_addr, w->actor.request_id, entry};
    char location[128];
    snprintf(location, sizeof(location), "/v1/auditors/%s/%s/%s", w->auditor_id, kind, id);
    if (cc_event_append(db, &ev) != 0) {
        json_decref(entry);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    cc_job_header(job, "location", location);
    cc_job_answer(job, 201, entry);
    if (cc_idempotency_store(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0 ||
        cc_db_commit(db) != 0) {
        cc_job_clear_headers(job);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    }
    return CC_JOB_DONE;
}

static int unavailability_run(cc_job_t *job, cc_dbconn_t *db)
{
    entry_write_t *w = job->data;
    if (begin_for_auditor(job, db, w) != 0 ||
        cc_idempotency_claim(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        return CC_JOB_DONE;
    const char *params[] = {w->actor.tenant_id, w->auditor_id, cc_json_str(w->body, "from"),
                            cc_json_str(w->body, "to"), cc_json_str(w->body, "reason")};
    PGresult *res = cc_db_exec(db, &sql_unavailability_insert, 5, params);
    if (!cc_db_is_ok(res)) {
        const char *state = cc_db_sqlstate(res);
        const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        bool booked = constraint != NULL && strcmp(constraint, "auditor_bookings_no_overlap") == 0;
        if (strcmp(state, "23P01") == 0 && booked)
            cc_job_fail(job, 409, "auditor_booked",
                        "the auditor is booked for an audit on some of these days");
        else if (strcmp(state, "23P01") == 0)
            cc_job_fail(job, 409, "overlapping_unavailability",
                        "the auditor is already unavailable on some of these days");
        else
            cc_job_answer(job, cc_db_status_for_sqlstate(state), cc_db_problem(res, "unavailability insert"));
        int rc = cc_db_is_retryable(state) ? CC_JOB_RETRY : CC_JOB_DONE; /* state lives in res */
        PQclear(res);
        return rc;
    }
    json_t *entry = unavailability_from_row(res, 0, 0);
    PQclear(res);
    return finish(job, db, w, entry, "unavailability", "auditor.unavailability_added");
}

static int conflict_run(cc_job_t *job, cc_dbconn_t *db)
{
    entry_write_t *w = job->data;
    if (begin_for_auditor(job, db, w) != 0 ||
        cc_idempotency_claim(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        return CC_JOB_DONE;
    const char *params[] = {w->actor.tenant_id, w->auditor_id, cc_json_str(w->body, "client_id"),
                            cc_json_str(w->body, "reason"), cc_json_str(w->body, "until")};
    PGresult *res = cc_db_exec(db, &sql_conflict_insert, 5, params);
    if (!cc_db_is_ok(res)) {
        const char *state = cc_db_sqlstate(res);
        if (strcmp(state, "23503") == 0) {
            json_t *problem =
                cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
            cc_problem_add_error(problem, "client_id", "unknown_client", "no such client organisation");
            cc_job_answer(job, 400, problem);
        } else {
            cc_job_answer(job, cc_db_status_for_sqlstate(state), cc_db_problem(res, "conflict insert"));
        }
        int rc = cc_db_is_retryable(state) ? CC_JOB_RETRY : CC_JOB_DONE; /* state lives in res */
        PQclear(res);
        return rc;
    }
    json_t *entry = conflict_from_row(res, 0, 0);
    PQclear(res);
    return finish(job, db, w, entry, "conflicts", "auditor.conflict_declared");
}

static void submit(cc_request_t *r, const cc_field_t *fields, size_t n, cc_job_run_fn run)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    cc_idempotency_t idem;
    if (cc_idempotency_read_or_respond(r, &idem) != 0)
        return;
    json_t *body = cc_read_json_or_respond(r, fields, n);
    if (body == NULL)
        return;
    const char *from = cc_json_str(body, "from"), *to = cc_json_str(body, "to");
    if (from != NULL && to != NULL && strcmp(to, from) < 0) { /* YYYY-MM-DD compares as text */
        json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
        cc_problem_add_error(problem, "to", "before_from", "must be on or after `from`");
        json_decref(body);
        cc_respond_problem(r, problem);
        return;
    }
    entry_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    memcpy(w->auditor_id, id, 37);
    w->body = body;
    w->idem = idem;
    cc_job_submit(r, run, entry_write_done, w);
}

void unavailability_create_handle(cc_request_t *r)
{
    submit(r, unavailability_fields, NFIELDS(unavailability_fields), unavailability_run);
}

void conflicts_create_handle(cc_request_t *r)
{
    submit(r, conflict_fields, NFIELDS(conflict_fields), conflict_run);
}
