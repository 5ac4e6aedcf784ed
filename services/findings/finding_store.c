/*
 * What every findings handler shares: the caller's client scope, and one
 * finding as the API shows it, rendered by the database (cc_finding_json in
 * 0014_findings.sql) so GET /v1/findings/{id} and every write answer alike.
 */
#include <string.h>

#include "cc_dbasync.h"
#include "cc_roles.h"
#include "findings.h"

#define FINDING_FULL                                                                                         \
    "SELECT cc_finding_json(f, current_date, true)::text FROM findings f "                                   \
    "WHERE f.tenant_id = $1 AND f.id = $2 AND ($3::uuid IS NULL OR f.client_id = $3::uuid)"

const cc_sql_t sql_finding_get = {"findings_finding_get", FINDING_FULL};
const cc_sql_t sql_finding_lock = {"findings_finding_lock", FINDING_FULL " FOR UPDATE"};

const char *finding_client_scope(const cc_request_t *r)
{
    return cc_role_parse(r->claims.role) == CC_ROLE_CLIENT ? r->claims.cid : NULL;
}

const char *finding_actor_scope(const cc_write_t *w)
{
    return cc_role_parse(w->actor.role) == CC_ROLE_CLIENT ? w->actor.client_id : NULL;
}

/* The single row's JSON text parsed, or NULL when there is no row. */
static json_t *finding_from_result(const PGresult *res)
{
    if (PQntuples(res) != 1)
        return NULL;
    return json_loads(PQgetvalue(res, 0, 0), 0, NULL);
}

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    (void)data;
    json_t *finding = finding_from_result(res);
    if (finding == NULL) {
        cc_respond_error(r, 404, "not_found", "no such finding");
        return;
    }
    cc_respond_versioned(r, 200, finding);
}

void findings_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id, finding_client_scope(r)};
    cc_db_query(r, r->claims.tid, &sql_finding_get, 3, params, on_get, NULL);
}

json_t *finding_load(cc_write_t *w, bool lock, cc_step_t *step)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0], finding_actor_scope(w)};
    PGresult *res = cc_db_exec(w->db, lock ? &sql_finding_lock : &sql_finding_get, 3, params);
    if (!cc_db_is_ok(res)) {
        *step = cc_write_fail_db(w, res, "finding load");
        return NULL;
    }
    json_t *finding = finding_from_result(res);
    PQclear(res);
    if (finding == NULL)
        *step = cc_write_fail(w, 404, "not_found", "no such finding");
    return finding;
}
