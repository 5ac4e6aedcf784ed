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
#include "cc_list.h"
#include "cc_problem.h"
#include "cc_write.h"
#include "scheduling.h"

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

/* A site from a row of sql_sites_list (the organisation's id, then the site). */
static json_t *listed_site(const PGresult *res, int row)
{
    return site_from_row(res, row, 1);
}

void sites_list_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    cc_page_t *page = id != NULL ? cc_page_or_respond(r, listed_site, 1) : NULL;
    if (page == NULL)
        return;
    page->parent = "no such client organisation";
    const char *params[] = {r->claims.tid, id, client_scope(r), cc_page_after(page), page->fetch};
    cc_page_query(r, page, &sql_sites_list, 5, params);
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

static cc_step_t check_site(cc_request_t *r, const json_t *body, json_t *problem)
{
    check_address(json_object_get(body, "address"), "address", problem);
    return CC_GO_ON;
}

/* Locks the organisation, then counts its sites: the central rule is checked on settled data. */
static cc_step_t check_central(cc_write_t *w, bool central)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_client_lock_for_sites, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "client lock");
    bool found = PQntuples(res) == 1;
    PQclear(res);
    if (!found)
        return cc_write_fail(w, 404, "not_found", "no such client organisation");
    res = cc_db_exec(w->db, &sql_client_sites_census, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "site census");
    int sites = atoi(PQgetvalue(res, 0, 0)), centrals = atoi(PQgetvalue(res, 0, 1));
    PQclear(res);
    if (central && centrals > 0)
        return cc_write_fail(w, 409, "central_exists", "the organisation already has a central function");
    if (!central && centrals == 0 && sites > 0)
        return cc_write_fail(w, 422, "central_required",
                             "an organisation with several sites needs a central function: add it as central "
                             "first");
    return CC_GO_ON;
}

static cc_step_t create_site(cc_write_t *w)
{
    bool central = json_is_true(json_object_get(w->body, "central"));
    cc_step_t step = check_central(w, central);
    if (step != CC_GO_ON)
        return step;
    json_t *address = json_object_get(w->body, "address");
    char personnel[16];
    snprintf(personnel, sizeof(personnel), "%lld",
             (long long)json_integer_value(json_object_get(w->body, "personnel")));
    const char *params[] = {w->actor.tenant_id,
                            w->ids[0],
                            cc_json_str(w->body, "name"),
                            cc_json_str(address, "street"),
                            cc_json_str(address, "city"),
                            cc_json_str(address, "state"),
                            cc_json_str(address, "post_code"),
                            cc_json_str(address, "country"),
                            personnel,
                            central ? "true" : "false",
                            cc_json_str(w->body, "activities")};
    PGresult *res = cc_db_exec(w->db, &sql_site_insert, 11, params);
    if (!cc_db_is_ok(res) && strcmp(cc_db_sqlstate(res), "23505") == 0) {
        PQclear(res);
        return cc_write_fail(w, 409, "central_exists", "the organisation already has a central function");
    }
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "site insert");
    json_t *site = site_from_row(res, 0, 0);
    PQclear(res);
    cc_write_result(w, site,
                    json_pack("{s:s, s:s, s:b}", "client_id", w->ids[0], "name", cc_json_str(site, "name"),
                              "central", central));
    return CC_GO_ON;
}

static const cc_write_spec_t create_spec = {
    .fields = site_fields,
    .nfields = CC_NFIELDS(site_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .path_ids = {"id"},
    .check = check_site,
    .run = create_site,
    .status = 201,
    .event_action = "site.created",
    .location = "/v1/clients/{id}/sites/",
};

CC_WRITE_HANDLER(sites_create_handle, create_spec);
