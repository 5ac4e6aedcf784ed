/*
 * GET /v1/decisions?programme_id=: a programme's certification decisions,
 * grants and refusals, oldest first, as POST /v1/decisions answers each one.
 * Staff only (the route); another tenant's programme is 404.
 */
#include "cc_dbasync.h"
#include "cc_list.h"
#include "cc_problem.h"
#include "decisions.h"

static void on_list(cc_request_t *r, PGresult *res, void *data)
{
    (void)data;
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such programme");
        return;
    }
    json_t *items = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    cc_respond_json(r, 200, json_pack("{s:o}", "items", items != NULL ? items : json_array()));
}

void decisions_list_handle(cc_request_t *r)
{
    char programme[37];
    if (cc_query_uuid_or_respond(r, "programme_id", programme) != 0)
        return;
    if (programme[0] == '\0') {
        json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
        cc_problem_add_error(problem, "programme_id", "required", "name the programme");
        cc_respond_problem(r, problem);
        return;
    }
    const char *params[] = {r->claims.tid, programme};
    cc_db_query(r, r->claims.tid, &sql_decision_list, 2, params, on_list, NULL);
}
