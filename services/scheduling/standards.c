/*
 * GET /v1/standards and GET /v1/standards/{code}/requirements: the catalogue
 * of standards, clauses and Annex A controls (db/catalogue/) that findings
 * reference by stable id. Both are keyset pages (cc_list) keyed by text: a
 * standard's code, a requirement's id.
 */
#include <stdlib.h>
#include <string.h>

#include "cc_dbasync.h"
#include "cc_list.h"
#include "cc_problem.h"
#include "scheduling.h"

/* A column as a JSON string, or null. */
static json_t *text_or_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

static json_t *standard_from_row(const PGresult *res, int i)
{
    return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:i}", "code", PQgetvalue(res, i, 0),
                     "reference", PQgetvalue(res, i, 1), "edition", atoi(PQgetvalue(res, i, 2)), "title",
                     PQgetvalue(res, i, 3), "family", PQgetvalue(res, i, 4), "status", PQgetvalue(res, i, 5),
                     "superseded_by", text_or_null(res, i, 6), "closed_to_new_audits_after",
                     text_or_null(res, i, 7), "certificates_valid_until", text_or_null(res, i, 8), "clauses",
                     atoi(PQgetvalue(res, i, 9)), "controls", atoi(PQgetvalue(res, i, 10)));
}

static json_t *requirement_from_row(const PGresult *res, int i)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:o}", "id", PQgetvalue(res, i, 0), "number",
                     PQgetvalue(res, i, 1), "parent_id", text_or_null(res, i, 2), "kind",
                     PQgetvalue(res, i, 3), "title", PQgetvalue(res, i, 4), "theme", text_or_null(res, i, 5));
}

/* One page of the catalogue's rows: every row an item, except the NULL row of a standard without (further)
 * requirements; extra (stolen, may be NULL) adds members to the body. */
static void respond_page(cc_request_t *r, const cc_page_t *page, const PGresult *res, json_t *extra)
{
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res) && i < page->limit; i++)
        if (!PQgetisnull(res, i, 0))
            json_array_append_new(items, page->from_row(res, i));
    cc_set_header(r, "cache-control", "private, max-age=300");
    cc_page_respond(r, page, items, res, extra);
}

static void on_standards(cc_request_t *r, PGresult *res, void *data)
{
    respond_page(r, data, res, NULL);
}

void standards_list_handle(cc_request_t *r)
{
    cc_page_t *page = cc_page_keyed_or_respond(r, standard_from_row, 0);
    if (page == NULL)
        return;
    const char *params[] = {cc_page_after(page), page->fetch};
    cc_db_query(r, NULL, &sql_standards_list, 2, params, on_standards, page);
}

typedef struct {
    cc_page_t *page;
    const char *standard;
} requirements_t;

static void on_requirements(cc_request_t *r, PGresult *res, void *data)
{
    const requirements_t *q = data;
    if (PQntuples(res) == 0) {
        cc_respond_error(r, 404, "not_found", "no such standard (GET /v1/standards lists the codes)");
        return;
    }
    respond_page(r, q->page, res, json_pack("{s:s}", "standard", q->standard));
}

void standards_requirements_handle(cc_request_t *r)
{
    size_t len;
    const char *code = cc_path_param(&r->params, "code", &len);
    static const char *const kinds[] = {"clause", "control", NULL};
    const char *kind;
    if (cc_query_enum_or_respond(r, "kind", kinds, &kind) != 0)
        return;
    requirements_t *q = cc_request_alloc(r, sizeof(*q));
    q->page = cc_page_keyed_or_respond(r, requirement_from_row, 0);
    if (q->page == NULL)
        return;
    q->standard = cc_request_strdup(r, code, len);
    const char *params[] = {q->standard, kind, cc_page_after(q->page), q->page->fetch};
    cc_db_query(r, NULL, &sql_standard_requirements, 4, params, on_requirements, q);
}
