/*
 * One certificate as the API shows it and one move of it through its state machine (certificate_store.h):
 * GET /v1/certificates/{id} on the read connections, and for the transitions the lock, the version and
 * rule checks, the guarded UPDATE and its record (history + outbox, cc_certificate_record in 0017), all in
 * the write's transaction, so no reader sees one without the others.
 */
#include "certificate_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_dbasync.h"
#include "cc_problem.h"
#include "cc_roles.h"
#include "certificates.h"

#define CERTIFICATE_FULL                                                                                     \
    "SELECT cc_certificate_json(c, true)::text FROM certificates c "                                         \
    "WHERE c.tenant_id = $1 AND c.id = $2 AND ($3::uuid IS NULL OR c.client_id = $3::uuid)"

const cc_sql_t sql_certificate_get = {"certificates_certificate_get", CERTIFICATE_FULL};

static const cc_sql_t sql_lock = {"certificates_move_lock",
                                  "SELECT c.status, c.version FROM certificates c "
                                  "WHERE c.tenant_id = $1 AND c.id = $2 FOR UPDATE"};

static const cc_sql_t sql_status = {"certificates_move_status",
                                    "SELECT c.status, c.number FROM certificates c "
                                    "WHERE c.tenant_id = $1 AND c.id = $2"};

static const cc_sql_t sql_record = {"certificates_move_record",
                                    "SELECT cc_certificate_record($1::uuid, $2, $3, $4, $5, $6::uuid, $7)"};

const char *certificate_client_scope(const cc_request_t *r)
{
    return cc_role_parse(r->claims.role) == CC_ROLE_CLIENT ? r->claims.cid : NULL;
}

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    (void)data;
    json_t *cert = PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
    if (cert == NULL) {
        cc_respond_error(r, 404, "not_found", "no such certificate");
        return;
    }
    cc_respond_versioned(r, 200, cert);
}

void certificates_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id, certificate_client_scope(r)};
    cc_db_query(r, r->claims.tid, &sql_certificate_get, 3, params, on_get, NULL);
}

cc_step_t certificate_require_if_match(cc_request_t *r)
{
    if (cc_if_match(r) >= 0)
        return CC_GO_ON;
    cc_respond_error(r, 428, "precondition_required",
                     "a certificate changes only with If-Match naming the version you read (its ETag)");
    return CC_ANSWERED;
}

cc_step_t certificate_refuse(cc_write_t *w, const char *current_status, const char *detail)
{
    json_t *problem = cc_problem_new(409, "illegal_transition", detail);
    json_object_set_new(problem, "current_status", json_string(current_status));
    cc_job_answer(w->job, 409, problem);
    return CC_ANSWERED;
}

cc_step_t certificate_move_begin(cc_write_t *w, certificate_action_t action, certificate_move_t *m)
{
    memset(m, 0, sizeof(*m));
    m->action = action;
    const char *params[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_lock, 2, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "certificate lock");
    if (PQntuples(res) != 1) {
        PQclear(res);
        return cc_write_fail(w, 404, "not_found", "no such certificate");
    }
    char status[16];
    snprintf(status, sizeof(status), "%s", PQgetvalue(res, 0, 0));
    long long version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    cc_step_t step = cc_write_check_version(w, version, "certificate");
    if (step != CC_GO_ON)
        return step;
    const char *why = NULL;
    if (certificate_status_from_name(status, &m->from) != 0)
        return cc_write_fail(w, 500, "internal_error", "the certificate has an unknown status");
    if (certificate_transition(m->from, action, &m->to, &why) != 0)
        return certificate_refuse(w, status, why);
    return CC_GO_ON;
}

cc_step_t certificate_answer(cc_write_t *w, const char *id, json_t *detail)
{
    const char *params[] = {w->actor.tenant_id, id, NULL};
    PGresult *res = cc_db_exec(w->db, &sql_certificate_get, 3, params);
    if (!cc_db_is_ok(res)) {
        json_decref(detail);
        return cc_write_fail_db(w, res, "certificate read");
    }
    json_t *cert = PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
    PQclear(res);
    if (cert == NULL) {
        json_decref(detail);
        return cc_write_fail(w, 404, "not_found", "no such certificate");
    }
    cc_write_result(w, cert, detail);
    return CC_GO_ON;
}

/* After a guarded update that changed nothing: the certificate has moved meanwhile. */
static cc_step_t refuse_stale(cc_write_t *w)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_status, 2, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "certificate status");
    cc_step_t step = PQntuples(res) == 1 ? certificate_refuse(w, PQgetvalue(res, 0, 0),
                                                              "the certificate has changed meanwhile")
                                         : cc_write_fail(w, 404, "not_found", "no such certificate");
    PQclear(res);
    return step;
}

cc_step_t certificate_move_apply(cc_write_t *w, const certificate_move_t *m, const cc_sql_t *update,
                                 int nparams, const char *const *params, const char *history_action,
                                 const char *reason, const char *trigger)
{
    PGresult *res = cc_db_exec(w->db, update, nparams, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "certificate update");
    int moved = PQntuples(res);
    PQclear(res);
    if (moved != 1)
        return refuse_stale(w);
    const char *from = certificate_status_name(m->from);
    const char *record[] = {w->ids[0], history_action,   from,         reason,
                            trigger,   w->actor.user_id, w->actor.role};
    res = cc_db_exec(w->db, &sql_record, 7, record);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "certificate record");
    PQclear(res);
    json_t *detail = json_pack("{s:s, s:s, s:s?, s:s?}", "from_status", from, "to_status",
                               certificate_status_name(m->to), "reason", reason, "trigger", trigger);
    return certificate_answer(w, w->ids[0], detail);
}
