/*
 * GET /v1/findings/summary?audit_id= | ?programme_id=: the findings of one audit or one programme
 * summed up (counts by grade and state, open majors, minors without an accepted plan, overdue items,
 * the earliest open deadline, minor clusters, Stage 2 majors with their cut-off) and what blocks a
 * certification decision. One read; the database builds the answer (cc_findings_summary and
 * cc_decision_blockers in 0016_findings_summary.sql, the blockers being the very function the
 * certificates service decides on: DOMAIN.md "What blocks a decision").
 */
#include "cc_dbasync.h"
#include "cc_list.h"
#include "cc_problem.h"
#include "findings.h"

/* $1 tenant, $2 audit (NULL: the programme's summary), $3 programme, $4 the client scope (NULL: staff). A
 * NULL value: no such audit or programme visible to the caller. */
const cc_sql_t sql_findings_summary = {"findings_summary",
                                       "SELECT cc_findings_summary($2::uuid, $3::uuid, $4::uuid, "
                                       "current_date)::text FROM tenants t WHERE t.id = $1"};

static void on_summary(cc_request_t *r, PGresult *res, void *data)
{
    const char *what = data;
    json_t *summary = NULL;
    if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
        summary = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    if (summary == NULL) {
        cc_respond_error(r, 404, "not_found", what);
        return;
    }
    cc_respond_json(r, 200, summary);
}

/* 400 naming both parameters: exactly one of them is wanted. */
static void respond_exactly_one(cc_request_t *r, bool both)
{
    const char *code = both ? "exclusive" : "required";
    const char *message = both ? "give audit_id or programme_id, not both" : "give audit_id or programme_id";
    json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
    cc_problem_add_error(problem, "audit_id", code, message);
    cc_problem_add_error(problem, "programme_id", code, message);
    cc_respond_problem(r, problem);
}

void findings_summary_handle(cc_request_t *r)
{
    char audit[37], programme[37];
    if (cc_query_uuid_or_respond(r, "audit_id", audit) != 0 ||
        cc_query_uuid_or_respond(r, "programme_id", programme) != 0)
        return;
    if ((audit[0] == '\0') == (programme[0] == '\0')) {
        respond_exactly_one(r, audit[0] != '\0');
        return;
    }
    const char *params[] = {r->claims.tid, audit[0] != '\0' ? audit : NULL,
                            programme[0] != '\0' ? programme : NULL, finding_client_scope(r)};
    cc_db_query(r, r->claims.tid, &sql_findings_summary, 4, params, on_summary,
                audit[0] != '\0' ? "no such audit" : "no such programme");
}
