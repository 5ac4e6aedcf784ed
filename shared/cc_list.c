/*
 * Keyset pages and list query parameters (see cc_list.h).
 */
#include "cc_list.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_json.h"
#include "cc_problem.h"

static cc_page_t *page_new(cc_request_t *r, int limit, const char after[37], cc_row_fn from_row,
                           int id_column)
{
    cc_page_t *page = cc_request_alloc(r, sizeof(*page));
    memset(page, 0, sizeof(*page));
    page->limit = limit;
    memcpy(page->after, after, sizeof(page->after));
    snprintf(page->fetch, sizeof(page->fetch), "%d", limit + 1);
    page->from_row = from_row;
    page->id_column = id_column;
    return page;
}

cc_page_t *cc_page_or_respond(cc_request_t *r, cc_row_fn from_row, int id_column)
{
    char after[37];
    int limit = cc_query_limit_or_respond(r);
    if (limit < 0 || cc_query_cursor_or_respond(r, after) < 0)
        return NULL;
    return page_new(r, limit, after, from_row, id_column);
}

/* A catalogue key: 1 to 36 printable ASCII characters, no space. */
static bool is_key(const char *s, size_t len)
{
    if (len < 1 || len > 36)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] > '~')
            return false;
    return true;
}

cc_page_t *cc_page_keyed_or_respond(cc_request_t *r, cc_row_fn from_row, int id_column)
{
    char after[37];
    int limit = cc_query_limit_or_respond(r);
    if (limit < 0 || cc_query_cursor_key_or_respond(r, after, is_key) < 0)
        return NULL;
    return page_new(r, limit, after, from_row, id_column);
}

const char *cc_page_after(const cc_page_t *page)
{
    return page->after[0] != '\0' ? page->after : NULL;
}

void cc_page_respond(cc_request_t *r, const cc_page_t *page, json_t *items, const PGresult *res,
                     json_t *extra)
{
    json_t *next = json_null();
    if (PQntuples(res) > page->limit && page->limit > 0) {
        const char *last = PQgetvalue(res, page->limit - 1, page->id_column);
        char *cursor = cc_base64url_encode(last, strlen(last));
        next = json_string(cursor);
        free(cursor);
    }
    json_t *body = json_pack("{s:o, s:o}", "items", items, "next_cursor", next);
    if (extra != NULL)
        json_object_update_new(body, extra);
    cc_respond_json(r, 200, body);
}

static void on_rows(cc_request_t *r, PGresult *res, void *data)
{
    const cc_page_t *page = data;
    int n = PQntuples(res);
    if (page->parent != NULL && n == 0) {
        cc_respond_error(r, 404, "not_found", page->parent);
        return;
    }
    json_t *items = json_array();
    for (int i = 0, shown = 0; i < n && shown < page->limit; i++) {
        if (page->parent != NULL && PQgetisnull(res, i, page->id_column))
            continue; /* the parent exists and has no (further) child */
        json_array_append_new(items, page->from_row(res, i));
        shown++;
    }
    cc_page_respond(r, page, items, res, NULL);
}

void cc_page_query(cc_request_t *r, cc_page_t *page, const cc_sql_t *sql, int nparams,
                   const char *const *params)
{
    cc_db_query(r, r->claims.tid, sql, nparams, params, on_rows, page);
}

void cc_respond_query_error(cc_request_t *r, const char *name, const char *code, const char *message)
{
    json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
    cc_problem_add_error(problem, name, code, message);
    cc_respond_problem(r, problem);
}

/* "must be a or b", or "must be one of: a b c". */
static void enum_message(const char *const *values, char *out, size_t cap)
{
    size_t n = 0;
    while (values[n] != NULL)
        n++;
    if (n == 2) {
        snprintf(out, cap, "must be %s or %s", values[0], values[1]);
        return;
    }
    size_t len = (size_t)snprintf(out, cap, "must be one of:");
    for (size_t i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, " %s", values[i]);
}

int cc_query_enum_or_respond(cc_request_t *r, const char *name, const char *const *values, const char **out)
{
    char buf[64];
    *out = NULL;
    int n = cc_query_param(r, name, buf, sizeof(buf));
    if (n == -1)
        return 0;
    for (size_t i = 0; n >= 0 && values[i] != NULL; i++) {
        if (strcmp(values[i], buf) == 0) {
            *out = values[i];
            return 0;
        }
    }
    char message[256];
    enum_message(values, message, sizeof(message));
    cc_respond_query_error(r, name, "invalid_value", message);
    return -1;
}

/*
 * Reads the query parameter `name` into out (size bytes with its NUL; "" when absent) when valid accepts it.
 * Answers 400 with code and message naming it and returns -1 otherwise.
 */
static int query_checked_or_respond(cc_request_t *r, const char *name, char *out, size_t size,
                                    bool (*valid)(const char *s, size_t len), const char *code,
                                    const char *message)
{
    char buf[64];
    int n = cc_query_param(r, name, buf, sizeof(buf));
    out[0] = '\0';
    if (n == -1)
        return 0;
    if (n < 0 || (size_t)n >= size || !valid(buf, (size_t)n)) {
        cc_respond_query_error(r, name, code, message);
        return -1;
    }
    memcpy(out, buf, (size_t)n + 1);
    return 0;
}

int cc_query_uuid_or_respond(cc_request_t *r, const char *name, char out[37])
{
    return query_checked_or_respond(r, name, out, 37, cc_is_uuid, "invalid_uuid", "must be a UUID");
}

int cc_query_date_or_respond(cc_request_t *r, const char *name, char out[11])
{
    return query_checked_or_respond(r, name, out, 11, cc_is_date, "invalid_date",
                                    "must be a date YYYY-MM-DD");
}
