/*
 * Lists: every GET of a collection answers one keyset page,
 * {"items": [...], "next_cursor": "..." | null}, sized by ?limit= (1..500,
 * default 50) and continued with the opaque ?cursor= it returned. The
 * statement orders by the rows' ids (or another unique key ending in the id)
 * and fetches limit + 1 rows: a further row means another page. Lists never
 * truncate silently.
 *
 * A list handler:
 *
 *   void notes_list_handle(cc_request_t *r)
 *   {
 *       cc_page_t *page = cc_page_or_respond(r, note_from_row, 0);
 *       if (page == NULL)
 *           return;
 *       const char *params[] = {r->claims.tid, cc_page_after(page), page->fetch};
 *       cc_page_query(r, page, &sql_notes_list, 3, params);
 *   }
 *
 * and its query parameters: cc_query_enum_or_respond, cc_query_uuid_or_respond, cc_query_date_or_respond,
 * each answering 400 validation_failed naming the parameter.
 */
#ifndef CC_LIST_H
#define CC_LIST_H

#include <jansson.h>
#include <libpq-fe.h>

#include "cc_db.h"
#include "cc_http.h"

/* One item of a list from row `row` of res (a new reference). */
typedef json_t *(*cc_row_fn)(const PGresult *res, int row);

typedef struct cc_page {
    int limit;
    char after[37];     /* the id (or key) the cursor names, "" on the first page */
    char fetch[16];     /* limit + 1 as text: the statement's LIMIT */
    cc_row_fn from_row; /* NULL when the handler answers with cc_page_respond itself */
    int id_column;      /* the column of each row's id, which the next cursor names */
    /*
     * Non-NULL for the children of one parent, selected as the parent LEFT JOINed to them: no row at all
     * answers 404 with this detail, and a row whose id_column is NULL (a parent without children) is skipped.
     */
    const char *parent;
} cc_page_t;

/*
 * Reads ?limit= and ?cursor= into a page allocated for r's lifetime. Answers 400 naming the parameter and
 * returns NULL when one is invalid.
 */
cc_page_t *cc_page_or_respond(cc_request_t *r, cc_row_fn from_row, int id_column);

/*
 * As cc_page_or_respond for a list keyed by text rather than UUIDs (the catalogue's codes and requirement
 * ids): the cursor names a key of 1 to 36 printable characters.
 */
cc_page_t *cc_page_keyed_or_respond(cc_request_t *r, cc_row_fn from_row, int id_column);

/* The cursor's id as a statement parameter: NULL on the first page. */
const char *cc_page_after(const cc_page_t *page);

/* Runs sql on the read pool and answers its page (from_row on each of the first `limit` rows). */
void cc_page_query(cc_request_t *r, cc_page_t *page, const cc_sql_t *sql, int nparams,
                   const char *const *params);

/*
 * Answers 200 with items (stolen) as the page of res, plus the members of extra (stolen, may be NULL), e.g.
 * {"as_of": ...}. For handlers that build their items themselves.
 */
void cc_page_respond(cc_request_t *r, const cc_page_t *page, json_t *items, const PGresult *res,
                     json_t *extra);

/*
 * Reads the query parameter `name`, which must be one of values (NULL-terminated): *out is that table entry,
 * or NULL when absent. Answers 400 invalid_value and returns -1 otherwise.
 */
int cc_query_enum_or_respond(cc_request_t *r, const char *name, const char *const *values, const char **out);

/* Reads a UUID query parameter into out ("" when absent). Answers 400 invalid_uuid and returns -1 otherwise.
 */
int cc_query_uuid_or_respond(cc_request_t *r, const char *name, char out[37]);

/* Reads a YYYY-MM-DD query parameter into out ("" when absent). Answers 400 invalid_date and returns -1. */
int cc_query_date_or_respond(cc_request_t *r, const char *name, char out[11]);

/* Answers 400 validation_failed with one error naming the query parameter `name`. */
void cc_respond_query_error(cc_request_t *r, const char *name, const char *code, const char *message);

#endif
