/*
 * The registry's dead letters (ARCHITECTURE.md "Registry sync"): what could not
 * be sent (unmappable, refused by the registry, or retries exhausted), with the
 * reason in the registry's words.
 *   GET /v1/registry/dead-letters               the open ones, newest first (?all=true: retried ones too);
 *   POST /v1/registry/dead-letters/{id}/retry   closes it (retried_at) and makes its certification pending
 *                                               again with no failed attempts; 409 already_retried.
 */
#include "cc_list.h"
#include "cc_write.h"
#include "registry_api.h"
#include "registry_sync.h"

/* $1 tenant, $2 cursor (the last id of the previous page), $3 limit + 1, $4 retried ones too. */
const cc_sql_t sql_registry_dead_letters_list = {
    "registry_dead_letters_list",
    "SELECT d.id, cc_registry_dead_letter_json(d)::text FROM registry_dead_letters d "
    "WHERE d.tenant_id = $1 AND ($4::boolean OR d.retried_at IS NULL)"
    "  AND ($2::uuid IS NULL OR (d.created_at, d.id) < (SELECT c.created_at, c.id FROM registry_dead_letters "
    "c"
    "                                                   WHERE c.tenant_id = $1 AND c.id = $2::uuid)) "
    "ORDER BY d.created_at DESC, d.id DESC LIMIT $3"};

/* Read unlocked: the certification is locked (touched) before the letter, in the order the workers take
 * them (a certification, then its dead letter), so that a retry never deadlocks with a draining worker. */
static const cc_sql_t sql_dead_letter_read = {
    "registry_dead_letter_read",
    "SELECT d.retried_at IS NOT NULL, d.certification_id, f.client_id FROM registry_dead_letters d "
    "JOIN certifications f ON f.tenant_id = d.tenant_id AND f.id = d.certification_id "
    "WHERE d.tenant_id = $1 AND d.id = $2"};

static const cc_sql_t sql_dead_letter_close = {
    "registry_dead_letter_close",
    "UPDATE registry_dead_letters d SET retried_at = now() WHERE d.tenant_id = $1 AND d.id = $2 "
    "AND d.retried_at IS NULL RETURNING cc_registry_dead_letter_json(d)::text"};

/* Pending again (cc_registry_touch), then due now with no failed attempts even when it was still pending. */
static const cc_sql_t sql_dead_letter_touch = {"registry_dead_letter_touch",
                                               "SELECT cc_registry_touch($2::uuid, $3::uuid) "
                                               "FROM tenants t WHERE t.id = $1"};
static const cc_sql_t sql_dead_letter_requeue = {
    "registry_dead_letter_requeue",
    "UPDATE registry_certifications r SET attempts = 0, next_attempt_at = now() "
    "WHERE r.tenant_id = $1 AND r.certification_id = $2::uuid"};

static json_t *dead_letter_from_row(const PGresult *res, int row)
{
    return json_loads(PQgetvalue(res, row, 1), 0, NULL);
}

void registry_dead_letters_list_handle(cc_request_t *r)
{
    static const char *const booleans[] = {"true", "false", NULL};
    const char *all;
    cc_page_t *page = cc_page_or_respond(r, dead_letter_from_row, 0);
    if (page == NULL || cc_query_enum_or_respond(r, "all", booleans, &all) != 0)
        return;
    const char *params[] = {r->claims.tid, cc_page_after(page), page->fetch, all != NULL ? all : "false"};
    cc_page_query(r, page, &sql_registry_dead_letters_list, 4, params);
}

static cc_step_t retry_run(cc_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_dead_letter_read, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "dead letter read");
    if (PQntuples(res) != 1) {
        PQclear(res);
        return cc_write_fail(w, 404, "not_found", "no such dead letter");
    }
    if (PQgetvalue(res, 0, 0)[0] == 't') {
        PQclear(res);
        return cc_write_fail(w, 409, "already_retried", "this dead letter was retried already");
    }
    const char *requeue[] = {w->actor.tenant_id, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2)};
    PGresult *touched = cc_db_exec(w->db, &sql_dead_letter_touch, 3, requeue);
    PGresult *done = cc_db_is_ok(touched) ? cc_db_exec(w->db, &sql_dead_letter_requeue, 2, requeue) : NULL;
    PQclear(res);
    if (!cc_db_is_ok(touched))
        return cc_write_fail_db(w, touched, "dead letter touch");
    PQclear(touched);
    if (!cc_db_is_ok(done))
        return cc_write_fail_db(w, done, "dead letter requeue");
    PQclear(done);
    res = cc_db_exec(w->db, &sql_dead_letter_close, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "dead letter close");
    if (PQntuples(res) != 1) { /* retried by someone else meanwhile */
        PQclear(res);
        return cc_write_fail(w, 409, "already_retried", "this dead letter was retried already");
    }
    cc_write_result(w, json_loads(PQgetvalue(res, 0, 0), 0, NULL), NULL);
    PQclear(res);
    return CC_GO_ON;
}

static const cc_write_spec_t retry_spec = {
    .flags = CC_WRITE_EVENT_ON_PATH,
    .path_ids = {"id"},
    .run = retry_run,
    .status = 200,
    .event_action = "registry.dead_letter_retried",
    .event_entity = "registry_dead_letter",
};

void registry_dead_letter_retry_handle(cc_request_t *r)
{
    cc_write_handle(r, &retry_spec);
}
