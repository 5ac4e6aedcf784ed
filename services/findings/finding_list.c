/*
 * GET /v1/findings: one keyset page of findings (cc_list.h), ordered by id, each as GET /v1/findings/{id}
 * shows it without its rounds and history. Filters, each optional and each refused with a 400 naming it:
 * audit_id, programme_id, client_id (UUIDs), grade, status (their values), requirement_id (a catalogue id),
 * overdue=true|false (on today), due_before (a date: the findings that would be overdue on that day, i.e. a
 * nonconformity not closed whose closure deadline, or whose plan deadline while no plan stands, falls
 * before it), verify_at_audit (an audit: the minors closed with verification deferred whose next audit,
 * cc_audit_next, it is). A client user sees only its own organisation's findings.
 *
 * The statement is chosen by the narrowest filter given (audit, programme, client, else the tenant), so
 * each walks the index that matches it in id order whatever plan PostgreSQL caches for it.
 */
#include <string.h>

#include "cc_list.h"
#include "findings.h"

/* $1 tenant, $2 cursor, $3 limit + 1, $4 client scope, $5 audit, $6 programme, $7 client, $8 grade, $9
 * status, $10 requirement, $11 overdue, $12 due_before, $13 verify_at_audit. */
#define LIST_SQL(lead)                                                                                       \
    "SELECT cc_finding_json(f, current_date, false)::text, f.id FROM findings f "                            \
    "WHERE f.tenant_id = $1 AND " lead " AND ($2::uuid IS NULL OR f.id > $2::uuid) "                         \
    "  AND ($4::uuid IS NULL OR f.client_id = $4::uuid) AND ($5::uuid IS NULL OR f.audit_id = $5::uuid) "    \
    "  AND ($6::uuid IS NULL OR f.programme_id = $6::uuid) AND ($7::uuid IS NULL OR f.client_id = "          \
    "$7::uuid) "                                                                                             \
    "  AND ($8::text IS NULL OR f.grade = $8::text) AND ($9::text IS NULL OR f.status = $9::text) "          \
    "  AND ($10::text IS NULL OR f.requirement_id = $10::text) "                                             \
    "  AND ($11::boolean IS NULL OR "                                                                        \
    "       cc_finding_overdue(f.grade, f.status, f.plan_due, f.closure_due, current_date) = $11::boolean) " \
    "  AND ($12::date IS NULL OR cc_finding_overdue(f.grade, f.status, f.plan_due, f.closure_due, "          \
    "$12::date)) "                                                                                           \
    "  AND ($13::uuid IS NULL OR (f.grade = 'minor' AND f.status = 'closed' AND f.verification = "           \
    "'deferred' "                                                                                            \
    "                             AND cc_audit_next(f.audit_id) = $13::uuid)) "                              \
    "ORDER BY f.id LIMIT $3"

const cc_sql_t sql_findings_list_by_audit = {"findings_list_by_audit", LIST_SQL("f.audit_id = $5::uuid")};
const cc_sql_t sql_findings_list_by_programme = {"findings_list_by_programme",
                                                 LIST_SQL("f.programme_id = $6::uuid")};
const cc_sql_t sql_findings_list_by_client = {"findings_list_by_client",
                                              LIST_SQL("f.client_id = coalesce($7::uuid, $4::uuid)")};
const cc_sql_t sql_findings_list = {"findings_list", LIST_SQL("true")};

static const char *const grades[] = {"major", "minor", "observation", "ofi", "area_of_concern", NULL};
static const char *const statuses[] = {"open",   "response_submitted", "accepted", "rejected", "verified",
                                       "closed", "recorded",           NULL};
static const char *const booleans[] = {"true", "false", NULL};

static json_t *finding_from_row(const PGresult *res, int row)
{
    return json_loads(PQgetvalue(res, row, 0), 0, NULL);
}

/* Reads ?requirement_id= (a catalogue id: 1 to 64 characters) into out ("" when absent); -1 after a 400. */
static int requirement_or_respond(cc_request_t *r, char out[65])
{
    int n = cc_query_param(r, "requirement_id", out, 65);
    if (n == -1) {
        out[0] = '\0';
        return 0;
    }
    if (n > 0)
        return 0;
    cc_respond_query_error(r, "requirement_id", "invalid_value",
                           "must be a requirement id of 1 to 64 characters (e.g. ISO27001:2022/A.5.1)");
    return -1;
}

static const char *or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

void findings_list_handle(cc_request_t *r)
{
    char audit[37], programme[37], client[37], due_before[11], verify_at[37], requirement[65];
    const char *grade, *status, *overdue;
    cc_page_t *page = cc_page_or_respond(r, finding_from_row, 1);
    if (page == NULL || cc_query_uuid_or_respond(r, "audit_id", audit) != 0 ||
        cc_query_uuid_or_respond(r, "programme_id", programme) != 0 ||
        cc_query_uuid_or_respond(r, "client_id", client) != 0 ||
        cc_query_enum_or_respond(r, "grade", grades, &grade) != 0 ||
        cc_query_enum_or_respond(r, "status", statuses, &status) != 0 ||
        requirement_or_respond(r, requirement) != 0 ||
        cc_query_enum_or_respond(r, "overdue", booleans, &overdue) != 0 ||
        cc_query_date_or_respond(r, "due_before", due_before) != 0 ||
        cc_query_uuid_or_respond(r, "verify_at_audit", verify_at) != 0)
        return;
    const char *scope = finding_client_scope(r);
    const cc_sql_t *sql = audit[0] != '\0'                     ? &sql_findings_list_by_audit
                          : programme[0] != '\0'               ? &sql_findings_list_by_programme
                          : client[0] != '\0' || scope != NULL ? &sql_findings_list_by_client
                                                               : &sql_findings_list;
    const char *params[] = {r->claims.tid,
                            cc_page_after(page),
                            page->fetch,
                            scope,
                            or_null(audit),
                            or_null(programme),
                            or_null(client),
                            grade,
                            status,
                            or_null(requirement),
                            overdue,
                            or_null(due_before),
                            or_null(verify_at)};
    cc_page_query(r, page, sql, 13, params);
}
