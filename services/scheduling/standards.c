/*
 * GET /v1/standards and GET /v1/standards/{code}/requirements: the catalogue
 * of standards, clauses and Annex A controls (db/catalogue/) that findings
 * reference by stable id.
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

static void on_standards(cc_request_t *r, PGresult *res, void *data)
{
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:i}", "code",
                             PQgetvalue(res, i, 0), "reference", PQgetvalue(res, i, 1), "edition",
                             atoi(PQgetvalue(res, i, 2)), "title", PQgetvalue(res, i, 3), "family",
                             PQgetvalue(res, i, 4), "status", PQgetvalue(res, i, 5), "superseded_by",
                             text_or_null(res, i, 6), "closed_to_new_audits_after", text_or_null(res, i, 7),
                             "certificates_valid_until", text_or_null(res, i, 8), "clauses",
                             atoi(PQgetvalue(res, i, 9)), "controls", atoi(PQgetvalue(res, i, 10))));
    cc_set_header(r, "cache-control", "private, max-age=300");
    cc_respond_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

void standards_list_handle(cc_request_t *r)
{
    cc_db_query(r, NULL, &sql_standards_list, 0, NULL, on_standards, NULL);
}

static void on_requirements(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) == 0) {
        cc_respond_error(r, 404, "not_found", "no such standard (GET /v1/standards lists the codes)");
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, 0))
            continue; /* the standard exists, with no requirement of this kind */
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:o, s:s, s:s, s:o}", "id", PQgetvalue(res, i, 0),
                                        "number", PQgetvalue(res, i, 1), "parent_id", text_or_null(res, i, 2),
                                        "kind", PQgetvalue(res, i, 3), "title", PQgetvalue(res, i, 4),
                                        "theme", text_or_null(res, i, 5)));
    }
    cc_set_header(r, "cache-control", "private, max-age=300");
    cc_respond_json(
        r, 200, json_pack("{s:s, s:o, s:n}", "standard", (const char *)data, "items", items, "next_cursor"));
}

void standards_requirements_handle(cc_request_t *r)
{
    size_t len;
    const char *code = cc_path_param(&r->params, "code", &len);
    static const char *const kinds[] = {"clause", "control", NULL};
    const char *kind;
    if (cc_query_enum_or_respond(r, "kind", kinds, &kind) != 0)
        return;
    char *standard = cc_request_strdup(r, code, len);
    const char *params[] = {standard, kind};
    cc_db_query(r, NULL, &sql_standard_requirements, 2, params, on_requirements, standard);
}
