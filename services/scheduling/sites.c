/*
 * Sites of a client organisation: POST/GET /v1/clients/{id}/sites. A client
 * has at most one central function (the partial unique index
 * sites_one_central backs this against races); once it has a site, any
 * further site needs a central function among them (IAF MD 1 sampling
 * always includes the central function).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_events.h"
#include "cc_idempotency.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "scheduling.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static const cc_field_t site_fields[] = {
    {"name", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 200, NULL},
    {"address", CC_FIELD_OBJECT, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"personnel", CC_FIELD_INT, CC_FIELD_REQUIRED, 1, 10000000, NULL},
    {"central", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"activities", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 2000, NULL},
};

static json_t *text_or_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

/* Columns: id, client_id, name, street, city, state, post_code, country, personnel, central, activities,
 * version, created_at, updated_at (from `first`). */
static json_t *site_from_row(const PGresult *res, int row, int first)
{
    const int c = first;
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:o, s:o, s:s}, s:i, s:b, s:o, s:i, s:s, s:s}", "id",
                     PQgetvalue(res, row, c), "client_id", PQgetvalue(res, row, c + 1), "name",
                     PQgetvalue(res, row, c + 2), "address", "street", PQgetvalue(res, row, c + 3), "city",
                     PQgetvalue(res, row, c + 4), "state", text_or_null(res, row, c + 5), "post_code",
                     text_or_null(res, row, c + 6), "country", PQgetvalue(res, row, c + 7), "personnel",
                     atoi(PQgetvalue(res, row, c + 8)), "central", PQgetvalue(res, row, c + 9)[0] == 't',
                     "activities", text_or_null(res, row, c + 10), "version",
                     atoi(PQgetvalue(res, row, c + 11)), "created_at", PQgetvalue(res, row, c + 12),
                     "updated_at", PQgetvalue(res, row, c + 13));
}

/* ---- GET /v1/clients/{id}/sites ---- */

typedef struct page {
    int limit;
} page_t;

static void on_list(cc_request_t *r, PGresult *res, void *data)
{
    page_t *page = data;
    int n = PQntuples(res);
    if (n == 0) {
        cc_respond_error(r, 404, "not_found", "no such client organisation");
        return;
    }
    json_t *items = json_array();
    int shown = 0;
    for (int i = 0; i < n && shown < page->limit; i++) {
        if (PQgetisnull(res, i, 1))
            continue; /* the organisation exists and has no (further) site */
        json_array_append_new(items, site_from_row(res, i, 1));
        shown++;
    }
    cc_respond_page(r, items, res, page->limit, 1);
}

void sites_list_handle(cc_request_t *r)
{
    char after[37], limit_text[16];
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    int limit = cc_query_limit_or_respond(r);
    if (limit < 0 || cc_query_cursor_or_respond(r, after) < 0)
        return;
    page_t *page = h2o_mem_alloc_pool(&r->req->pool, sizeof(*page));
    page->limit = limit;
    snprintf(limit_text, sizeof(limit_text), "%d", limit + 1);
    const char *params[] = {r->claims.tid, id, client_scope(r), after[0] != '\0' ? after : NULL, limit_text};
    cc_db_query(r, r->claims.tid, &sql_sites_list, 5, params, on_list, page);
}

/* ---- GET /v1/clients/{id}/sites/{site_id} ---- */

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such site");
        return;
    }
    json_t *site = site_from_row(res, 0, 0);
    cc_respond_versioned(r, 200, site);
}

void sites_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    const char *site_id = id != NULL ? cc_path_uuid_or_respond(r, "site_id") : NULL;
    if (site_id == NULL)
        return;
    const char *params[] = {r->claims.tid, id, site_id, client_scope(r)};
    cc_db_query(r, r->claims.tid, &sql_site_get, 4, params, on_get, NULL);
}

/* ---- POST /v1/clients/{id}/sites ---- */

typedef struct site_write {
    cc_actor_t actor;
    char client_id[37];
    json_t *body;
    cc_idempotency_t idem;
} site_write_t;

static int create_run(cc_job_t *job, cc_dbconn_t *db)
{
    site_write_t *w = job->data;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    if (cc_idempotency_claim(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        return CC_JOB_DONE;
    /* Lock the organisation, then count: the central rule is checked on settled data. */
    const char *key[] = {w->actor.tenant_id, w->client_id};
    PGresult *res = cc_db_exec(db, &sql_client_lock_for_sites, 2, key);
    bool found = cc_db_is_ok(res) && PQntuples(res) == 1;
    if (found) {
        PQclear(res);
        res = cc_db_exec(db, &sql_client_sites_census, 2, key);
    }
    if (!cc_db_is_ok(res)) {
        int rc = cc_db_is_retryable(cc_db_sqlstate(res)) ? CC_JOB_RETRY : CC_JOB_DONE;
        if (rc == CC_JOB_DONE)
            cc_job_answer(job, 503, cc_db_problem(res, "site census"));
        PQclear(res);
        return rc;
    }
    if (!found) {
        PQclear(res);
        cc_job_fail(job, 404, "not_found", "no such client organisation");
        return CC_JOB_DONE;
    }
    int sites = atoi(PQgetvalue(res, 0, 0)), centrals = atoi(PQgetvalue(res, 0, 1));
    PQclear(res);
    bool central = json_is_true(json_object_get(w->body, "central"));
    if (central && centrals > 0) {
        cc_job_fail(job, 409, "central_exists", "the organisation already has a central function");
        return CC_JOB_DONE;
    }
    if (!central && centrals == 0 && sites > 0) {
        cc_job_fail(job, 422, "central_required",
                    "an organisation with several sites needs a central function: add it as central first");
        return CC_JOB_DONE;
    }
    json_t *address = json_object_get(w->body, "address");
    char personnel[16];
    snprintf(personnel, sizeof(personnel), "%lld",
             (long long)json_integer_value(json_object_get(w->body, "personnel")));
    const char *params[] = {w->actor.tenant_id,
                            w->client_id,
                            cc_json_str(w->body, "name"),
                            cc_json_str(address, "street"),
                            cc_json_str(address, "city"),
                            cc_json_str(address, "state"),
                            cc_json_str(address, "post_code"),
                            cc_json_str(address, "country"),
                            personnel,
                            central ? "true" : "false",
                            cc_json_str(w->body, "activities")};
    res = cc_db_exec(db, &sql_site_insert, 11, params);
    if (!cc_db_is_ok(res)) {
        const char *state = cc_db_sqlstate(res);
        if (strcmp(state, "23505") == 0)
            cc_job_fail(job, 409, "central_exists", "the organisation already has a central function");
        else
            cc_job_answer(job, cc_db_status_for_sqlstate(state), cc_db_problem(res, "site insert"));
        int rc = cc_db_is_retryable(state) ? CC_JOB_RETRY : CC_JOB_DONE; /* state lives in res */
        PQclear(res);
        return rc;
    }
    json_t *site = site_from_row(res, 0, 0);
    PQclear(res);
    const char *site_id = json_string_value(json_object_get(site, "id"));
    json_t *detail = json_pack("{s:s, s:s, s:b}", "client_id", w->client_id, "name",
                               json_string_value(json_object_get(site, "name")), "central", central);
    cc_event_t ev = {w->actor.user_id, w->actor.role,        "site.created",      "site",
                     site_id,          w->actor.remote_addr, w->actor.request_id, detail};
    int appended = cc_event_append(db, &ev);
    json_decref(detail);
    char location[128];
    snprintf(location, sizeof(location), "/v1/clients/%s/sites/%s", w->client_id, site_id);
    cc_job_header(job, "location", location);
    cc_job_answer_versioned(job, 201, site);
    if (appended != 0 || cc_idempotency_store(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0 ||
        cc_db_commit(db) != 0) {
        cc_job_clear_headers(job);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    }
    return CC_JOB_DONE;
}

static void site_write_done(cc_job_t *job)
{
    site_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

void sites_create_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    cc_idempotency_t idem;
    if (cc_idempotency_read_or_respond(r, &idem) != 0)
        return;
    json_t *body = cc_read_json_or_respond(r, site_fields, NFIELDS(site_fields));
    if (body == NULL)
        return;
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (check_address(json_object_get(body, "address"), "address", problem) != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return;
    }
    json_decref(problem);
    site_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    memcpy(w->client_id, id, 37);
    w->body = body;
    w->idem = idem;
    cc_job_submit(r, create_run, site_write_done, w);
}
