/*
 * GET /v1/findings: one keyset page of findings (cc_list.h), ordered by id, each as GET /v1/findings/{id}
 * shows it without its rounds and history. Filters, each optional and each refused with a 400 naming it:
 * audit_id, programme_id, client_id (UUIDs), grade, status (their values), requirement_id (a catalogue id),
 * overdue=true|false (on today), due_before (a date: the findings that would be overdue on that day, i.e. a
 * nonconformity not closed whose closure deadline, or whose plan deadline while no plan stands, falls
 * before it), verify_at_audit (an audit: the minors closed with verification deferred whose next audit,
 * cc_audit_next, it is). A client user sees only its own organisation's findings.
 *
 * Each item has cc_finding_json's members (the shape of GET /v1/findings/{id} without rounds and history);
 * the e2e test compares the two. The statement is chosen by the narrowest filter given (audit, programme,
 * client, else the tenant), so each walks the index that matches it in id order whatever plan PostgreSQL
 * caches for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_jsonw.h"
#include "cc_log.h"
#include "cc_pgbin.h"

#include "cc_list.h"
#include "findings.h"

/* $1 tenant, $2 cursor, $3 limit + 1, $4 client scope, $5 audit, $6 programme, $7 client, $8 grade, $9
 * status, $10 requirement, $11 overdue, $12 due_before, $13 verify_at_audit. The columns are
 * cc_finding_json's (0014) as plain values, read in binary and written as JSON here (see row_write): building
 * JSON in SQL cost ~200 us a row, and the text output of the uuids and timestamps a fifth of the server's
 * time. `overdue` is cc_finding_overdue's expression, inline (a function with its own search_path is never
 * inlined). */
#define OVERDUE_ON(day)                                                                                      \
    "(f.grade IN ('major', 'minor') AND f.status <> 'closed' AND (f.closure_due < " day                      \
    " OR (f.status IN ('open', 'rejected') AND f.plan_due < " day ")))"
#define LIST_SQL(lead)                                                                                       \
    "SELECT f.id, f.audit_id, a.type, f.programme_id, f.client_id, f.grade, f.status, f.requirement_id, "    \
    "       f.client_requirement, f.site_id, f.statement, f.evidence, f.plan_due, f.closure_due, "           \
    "       f.decision_blocking_after, " OVERDUE_ON(                                                         \
        "current_date") ", f.verification, f.raised_by, "                                                    \
                        "       f.raised_at, f.closed_at, f.version, f.created_at, f.updated_at "            \
                        "FROM findings f JOIN audits a ON a.tenant_id = f.tenant_id AND a.id = f.audit_id "  \
                        "WHERE f.tenant_id = $1 AND " lead " AND ($2::uuid IS NULL OR f.id > $2::uuid) "     \
                        "  AND ($4::uuid IS NULL OR f.client_id = $4::uuid) AND ($5::uuid IS NULL OR "       \
                        "f.audit_id = $5::uuid) "                                                            \
                        "  AND ($6::uuid IS NULL OR f.programme_id = $6::uuid) AND ($7::uuid IS NULL OR "    \
                        "f.client_id = $7::uuid) "                                                           \
                        "  AND ($8::text IS NULL OR f.grade = $8::text) AND ($9::text IS NULL OR f.status "  \
                        "= $9::text) "                                                                       \
                        "  AND ($10::text IS NULL OR f.requirement_id = $10::text) "                         \
                        "  AND ($11::boolean IS NULL OR " OVERDUE_ON(                                        \
                            "current_date") " = $11::boolean) "                                              \
                                            "  AND ($12::date IS NULL OR " OVERDUE_ON(                       \
                                                "$12::date") ") "                                            \
                                                             "  AND ($13::uuid IS NULL OR (f.grade = "       \
                                                             "'minor' AND f.status = 'closed' AND "          \
                                                             "f.verification = 'deferred' "                  \
                                                             "                             AND "             \
                                                             "cc_audit_next(f.audit_id) = $13::uuid)) "      \
                                                             "ORDER BY f.id LIMIT $3"

const cc_sql_t sql_findings_list_by_audit = {"findings_list_by_audit", LIST_SQL("f.audit_id = $5::uuid")};
const cc_sql_t sql_findings_list_by_programme = {"findings_list_by_programme",
                                                 LIST_SQL("f.programme_id = $6::uuid")};
const cc_sql_t sql_findings_list_by_client = {"findings_list_by_client",
                                              LIST_SQL("f.client_id = coalesce($7::uuid, $4::uuid)")};
const cc_sql_t sql_findings_list = {"findings_list", LIST_SQL("true")};

/* The members in column order, each with its column's type (the page is read in binary: cc_pgbin.h). */
static const struct {
    const char *name;
    unsigned type;
} columns[] = {
    {"id", CC_PG_UUID},
    {"audit_id", CC_PG_UUID},
    {"audit_type", CC_PG_TEXT},
    {"programme_id", CC_PG_UUID},
    {"client_id", CC_PG_UUID},
    {"grade", CC_PG_TEXT},
    {"status", CC_PG_TEXT},
    {"requirement_id", CC_PG_TEXT},
    {"client_requirement", CC_PG_TEXT},
    {"site_id", CC_PG_UUID},
    {"statement", CC_PG_TEXT},
    {"evidence", CC_PG_TEXT},
    {"plan_due", CC_PG_DATE},
    {"closure_due", CC_PG_DATE},
    {"decision_blocking_after", CC_PG_DATE},
    {"overdue", CC_PG_BOOL},
    {"verification", CC_PG_TEXT},
    {"raised_by", CC_PG_UUID},
    {"raised_at", CC_PG_TIMESTAMPTZ},
    {"closed_at", CC_PG_TIMESTAMPTZ},
    {"version", CC_PG_INT4},
    {"created_at", CC_PG_TIMESTAMPTZ},
    {"updated_at", CC_PG_TIMESTAMPTZ},
};
#define NCOLUMNS ((int)(sizeof(columns) / sizeof(columns[0])))

/* One value as its member's JSON; -1 when a binary value cannot be read (then nothing is written). */
static int value_write(cc_jsonw_t *w, unsigned type, const char *v, int len)
{
    char text[CC_PGBIN_TS_BUFSIZE]; /* the largest: a uuid fits too */
    switch (type) {
    case CC_PG_BOOL:
        cc_jsonw_bool(w, cc_pgbin_bool(v));
        return 0;
    case CC_PG_INT4:
        cc_jsonw_int(w, cc_pgbin_int4(v));
        return 0;
    case CC_PG_UUID:
        if (cc_pgbin_uuid(v, len, text) != 0)
            return -1;
        break;
    case CC_PG_DATE:
        if (cc_pgbin_date(v, len, text) != 0)
            return -1;
        break;
    case CC_PG_TIMESTAMPTZ:
        if (cc_pgbin_timestamptz(v, len, text) != 0)
            return -1;
        break;
    default: /* text: its bytes, NUL-terminated by libpq */
        cc_jsonw_string(w, v);
        return 0;
    }
    cc_jsonw_string(w, text);
    return 0;
}

static int row_write(cc_jsonw_t *w, const PGresult *res, int row)
{
    cc_jsonw_object(w);
    for (int c = 0; c < NCOLUMNS; c++) {
        cc_jsonw_key(w, columns[c].name);
        if (PQgetisnull(res, row, c))
            cc_jsonw_null(w);
        else if (value_write(w, columns[c].type, PQgetvalue(res, row, c), PQgetlength(res, row, c)) != 0)
            return -1;
    }
    cc_jsonw_end(w);
    return 0;
}

/* The column types the page is read as, checked once per page. */
static bool types_ok(const PGresult *res)
{
    unsigned types[NCOLUMNS];
    for (int c = 0; c < NCOLUMNS; c++)
        types[c] = columns[c].type;
    return cc_pgbin_types_ok(res, types, NCOLUMNS);
}

/* The page: {"items": [...], "next_cursor": ...} written straight from the rows (no jansson tree). */
static void on_rows(cc_request_t *r, PGresult *res, void *data)
{
    const cc_page_t *page = data;
    int n = PQntuples(res), bad = !types_ok(res);
    cc_jsonw_t w;
    cc_jsonw_init(&w);
    cc_jsonw_object(&w);
    cc_jsonw_karray(&w, "items");
    for (int i = 0; !bad && i < n && i < page->limit; i++)
        bad = row_write(&w, res, i);
    cc_jsonw_end(&w);
    char *cursor = NULL, last[CC_PGBIN_UUID_BUFSIZE];
    if (!bad && n > page->limit && page->limit > 0) {
        bad = cc_pgbin_uuid(PQgetvalue(res, page->limit - 1, 0), PQgetlength(res, page->limit - 1, 0), last);
        cursor = bad ? NULL : cc_base64url_encode(last, strlen(last));
    }
    if (bad) { /* a column's type is not the one read (a migration changed it), or a value out of range */
        free(cc_jsonw_finish(&w, NULL));
        cc_log(CC_LOG_ERROR, "GET /v1/findings: a page could not be read in binary");
        cc_respond_error(r, 500, "internal_error", "the findings could not be read");
        return;
    }
    cc_jsonw_kstring(&w, "next_cursor", cursor);
    free(cursor);
    cc_jsonw_end(&w);
    size_t len;
    char *text = cc_jsonw_finish(&w, &len);
    cc_respond_text(r, 200, "application/json", text, len);
    free(text);
}

static const char *const grades[] = {"major", "minor", "observation", "ofi", "area_of_concern", NULL};
static const char *const statuses[] = {"open",   "response_submitted", "accepted", "rejected", "verified",
                                       "closed", "recorded",           NULL};
static const char *const booleans[] = {"true", "false", NULL};

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
    cc_page_t *page = cc_page_or_respond(r, NULL, 0);
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
    cc_db_query_binary(r, r->claims.tid, sql, 13, params, on_rows, page);
}
