/*
 * Audits, read side: GET /v1/audits (filters: programme, status, a team
 * member, and a date range their days, or else their windows, overlap),
 * GET /v1/audits/{id}, and the tenant's due list GET /v1/schedule/due?within_days=N
 * (planned or scheduled audits whose window opens within N days: overdue,
 * open or opening), a page at a time like every list. A client user reads
 * only its own organisation's audits; the due list is for staff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_json.h"
#include "cc_list.h"
#include "cc_problem.h"
#include "scheduling.h"

static const char *const statuses[] = {"planned", "scheduled", "in_progress", "completed", "cancelled", NULL};

static json_t *text_or_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

static json_t *json_or_null(const PGresult *res, int row, int col)
{
    json_t *v = PQgetisnull(res, row, col) ? NULL : json_loads(PQgetvalue(res, row, col), 0, NULL);
    return v != NULL ? v : json_null();
}

json_t *audit_from_row(const PGresult *res, int row)
{
    json_t *audit =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:f, s:s, s:o, s:o, s:i, s:s, s:s}", "id",
                  PQgetvalue(res, row, 0), "programme_id", PQgetvalue(res, row, 1), "client_id",
                  PQgetvalue(res, row, 2), "client_name", PQgetvalue(res, row, 3), "type",
                  PQgetvalue(res, row, 4), "sequence", atoi(PQgetvalue(res, row, 5)), "window_start",
                  PQgetvalue(res, row, 6), "window_end", PQgetvalue(res, row, 7), "provisional",
                  PQgetvalue(res, row, 8)[0] == 't', "planned_days", atof(PQgetvalue(res, row, 9)), "status",
                  PQgetvalue(res, row, 10), "start_date", text_or_null(res, row, 11), "end_date",
                  text_or_null(res, row, 12), "version", atoi(PQgetvalue(res, row, 13)), "created_at",
                  PQgetvalue(res, row, 14), "updated_at", PQgetvalue(res, row, 15));
    json_object_update_new(
        audit,
        json_pack("{s:s, s:o, s:f, s:o, s:o, s:o, s:o}", "mode", PQgetvalue(res, row, 16), "ict_arrangements",
                  text_or_null(res, row, 17), "calculated_days", atof(PQgetvalue(res, row, 18)),
                  "days_justification", text_or_null(res, row, 19), "outcome", json_or_null(res, row, 20),
                  "cancel_reason", text_or_null(res, row, 21), "team", json_or_null(res, row, 22)));
    json_object_set_new(audit, "conclusions_on", text_or_null(res, row, 23));
    return audit;
}

/* ---- GET /v1/audits ---- */

void audits_list_handle(cc_request_t *r)
{
    char programme[37], auditor[37], from[11], to[11];
    const char *status;
    cc_page_t *page = cc_page_or_respond(r, audit_from_row, 0);
    if (page == NULL || cc_query_uuid_or_respond(r, "programme_id", programme) != 0 ||
        cc_query_uuid_or_respond(r, "auditor", auditor) != 0 ||
        cc_query_enum_or_respond(r, "status", statuses, &status) != 0 ||
        cc_query_date_or_respond(r, "from", from) != 0 || cc_query_date_or_respond(r, "to", to) != 0)
        return;
    if (from[0] != '\0' && to[0] != '\0' && strcmp(to, from) < 0) {
        cc_respond_query_error(r, "to", "before_from", "must be on or after `from`");
        return;
    }
    const char *params[] = {r->claims.tid,
                            cc_page_after(page),
                            programme[0] != '\0' ? programme : NULL,
                            status,
                            from[0] != '\0' ? from : NULL,
                            to[0] != '\0' ? to : NULL,
                            client_scope(r),
                            page->fetch,
                            auditor[0] != '\0' ? auditor : NULL};
    cc_page_query(r, page, &sql_audits_list, 9, params);
}

/* ---- GET /v1/audits/{id} ---- */

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such audit");
        return;
    }
    cc_respond_versioned(r, 200, audit_from_row(res, 0));
}

void audits_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *client = client_scope(r);
    const char *params[] = {r->claims.tid, id, client};
    cc_db_query(r, r->claims.tid, client != NULL ? &sql_audit_get_for_client : &sql_audit_get,
                client != NULL ? 3 : 2, params, on_get, NULL);
}

/* ---- GET /v1/schedule/due ---- */

typedef struct due {
    cc_page_t *page;
    char today[CIVIL_DATE_BUFSIZE];
    int within_days;
} due_t;

static void on_due(cc_request_t *r, PGresult *res, void *data)
{
    due_t *due = data;
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res) && i < due->page->limit; i++) {
        json_t *audit = audit_from_row(res, i);
        const char *start = PQgetvalue(res, i, 6),
                   *end = PQgetvalue(res, i, 7); /* YYYY-MM-DD compare as text */
        const char *state = strcmp(end, due->today) < 0      ? "overdue"
                            : strcmp(start, due->today) <= 0 ? "open"
                                                             : "opening";
        json_object_set_new(audit, "state", json_string(state));
        json_array_append_new(items, audit);
    }
    cc_page_respond(r, due->page, items, res,
                    json_pack("{s:s, s:i}", "as_of", due->today, "within_days", due->within_days));
}

void schedule_due_handle(cc_request_t *r)
{
    char text[16], days_text[16];
    int within = 30;
    cc_page_t *page = cc_page_or_respond(r, NULL, 0);
    if (page == NULL)
        return;
    int n = cc_query_param(r, "within_days", text, sizeof(text));
    if (n != -1) {
        char *end;
        long v = n > 0 ? strtol(text, &end, 10) : -1;
        if (n <= 0 || *end != '\0' || v < 0 || v > 366) {
            cc_respond_query_error(r, "within_days", "out_of_range", "must be an integer from 0 to 366");
            return;
        }
        within = (int)v;
    }
    due_t *due = cc_request_alloc(r, sizeof(*due));
    due->page = page;
    civil_date_format(civil_date_today_utc(), due->today);
    due->within_days = within;
    snprintf(days_text, sizeof(days_text), "%d", within);
    const char *params[] = {r->claims.tid, due->today, days_text, cc_page_after(page), page->fetch};
    cc_db_query(r, r->claims.tid, &sql_schedule_due, 5, params, on_due, due);
}
