/*
 * When an auditor cannot audit, and whom an auditor may not audit:
 * /v1/auditors/{id}/unavailability (inclusive date periods; exclusion
 * constraints refuse overlaps with other periods and with booked audits,
 * even under concurrency) and
 * /v1/auditors/{id}/conflicts (impartiality: e.g. consulted for the client,
 * blocked until a date, by default the tenant's period of 2 years).
 * An auditor may record their own unavailability; staff who manage the
 * scheme record anyone's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_dbasync.h"
#include "cc_list.h"
#include "cc_json.h"
#include "cc_problem.h"
#include "cc_roles.h"
#include "cc_write.h"
#include "scheduling.h"

static const cc_field_t unavailability_fields[] = {
    {"from", CC_FIELD_DATE, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"to", CC_FIELD_DATE, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 500, NULL},
};
static const cc_field_t conflict_fields[] = {
    {"client_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 500, NULL},
    {"until", CC_FIELD_DATE, 0, 0, 0, NULL},
};

/* Columns: id, auditor_id, from, to, reason, created_at (unavailability); id, auditor_id, client_id, reason,
 * until, created_at (conflicts); from `first`. */
static json_t *unavailability_from_row(const PGresult *res, int row, int c)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, row, c), "auditor_id",
                     PQgetvalue(res, row, c + 1), "from", PQgetvalue(res, row, c + 2), "to",
                     PQgetvalue(res, row, c + 3), "reason", PQgetvalue(res, row, c + 4), "created_at",
                     PQgetvalue(res, row, c + 5));
}

static json_t *conflict_from_row(const PGresult *res, int row, int c)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, row, c), "auditor_id",
                     PQgetvalue(res, row, c + 1), "client_id", PQgetvalue(res, row, c + 2), "reason",
                     PQgetvalue(res, row, c + 3), "until", PQgetvalue(res, row, c + 4), "created_at",
                     PQgetvalue(res, row, c + 5));
}

/* ---- lists: keyset pages of the auditor's entries (cc_list: no auditor answers 404) ---- */

typedef json_t *(*row_fn)(const PGresult *res, int row, int first);

/* The list statements select the auditor's id first, then the entry's columns. */
static json_t *unavailability_item(const PGresult *res, int row)
{
    return unavailability_from_row(res, row, 1);
}

static json_t *conflict_item(const PGresult *res, int row)
{
    return conflict_from_row(res, row, 1);
}

/* The page of the auditor named by the path, or NULL when an answer has been sent. */
static cc_page_t *auditor_page_or_respond(cc_request_t *r, cc_row_fn from_row, const char **id)
{
    *id = cc_path_uuid_or_respond(r, "id");
    if (*id == NULL)
        return NULL;
    cc_page_t *page = cc_page_or_respond(r, from_row, 1);
    if (page != NULL)
        page->parent = "no such auditor";
    return page;
}

void unavailability_list_handle(cc_request_t *r)
{
    const char *id;
    cc_page_t *page = auditor_page_or_respond(r, unavailability_item, &id);
    if (page == NULL)
        return;
    const char *params[] = {r->claims.tid, id, cc_page_after(page), page->fetch};
    cc_page_query(r, page, &sql_unavailability_list, 4, params);
}

void conflicts_list_handle(cc_request_t *r)
{
    const char *id;
    cc_page_t *page = auditor_page_or_respond(r, conflict_item, &id);
    if (page == NULL)
        return;
    static const char *const booleans[] = {"true", "false", NULL};
    const char *live;
    if (cc_query_enum_or_respond(r, "live", booleans, &live) != 0)
        return;
    const char *params[] = {r->claims.tid, id, live != NULL ? live : "false", cc_page_after(page),
                            page->fetch};
    cc_page_query(r, page, &sql_conflicts_list, 5, params);
}

/* ---- writes ---- */

/* Finds the auditor: 404 when there is none; 403 when the caller is an auditor writing another's entry. */
static cc_step_t check_auditor(cc_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_auditor_user, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "auditor lookup");
    cc_step_t step = CC_GO_ON;
    if (PQntuples(res) != 1)
        step = cc_write_fail(w, 404, "not_found", "no such auditor");
    else if (cc_role_parse(w->actor.role) == CC_ROLE_AUDITOR &&
             strcmp(PQgetvalue(res, 0, 0), w->actor.user_id) != 0)
        step = cc_write_fail(w, 403, "forbidden", "an auditor may record only their own unavailability");
    PQclear(res);
    return step;
}

/* The entry inserted: the result, and the event's detail. */
static cc_step_t result(cc_write_t *w, PGresult *res, row_fn from_row)
{
    json_t *entry = from_row(res, 0, 0);
    PQclear(res);
    cc_write_result(w, entry, json_incref(entry));
    return CC_GO_ON;
}

static cc_step_t add_unavailability(cc_write_t *w)
{
    cc_step_t step = check_auditor(w);
    if (step != CC_GO_ON)
        return step;
    const char *params[] = {w->actor.tenant_id, w->ids[0], cc_json_str(w->body, "from"),
                            cc_json_str(w->body, "to"), cc_json_str(w->body, "reason")};
    PGresult *res = cc_db_exec(w->db, &sql_unavailability_insert, 5, params);
    if (cc_db_is_ok(res))
        return result(w, res, unavailability_from_row);
    if (strcmp(cc_db_sqlstate(res), "23P01") != 0)
        return cc_write_fail_db(w, res, "unavailability insert");
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    bool booked = constraint != NULL && strcmp(constraint, "auditor_bookings_no_overlap") == 0;
    PQclear(res);
    return booked ? cc_write_fail(w, 409, "auditor_booked",
                                  "the auditor is booked for an audit on some of these days")
                  : cc_write_fail(w, 409, "overlapping_unavailability",
                                  "the auditor is already unavailable on some of these days");
}

static cc_step_t add_conflict(cc_write_t *w)
{
    cc_step_t step = check_auditor(w);
    if (step != CC_GO_ON)
        return step;
    const char *params[] = {w->actor.tenant_id, w->ids[0], cc_json_str(w->body, "client_id"),
                            cc_json_str(w->body, "reason"), cc_json_str(w->body, "until")};
    PGresult *res = cc_db_exec(w->db, &sql_conflict_insert, 5, params);
    if (cc_db_is_ok(res))
        return result(w, res, conflict_from_row);
    if (strcmp(cc_db_sqlstate(res), "23503") != 0)
        return cc_write_fail_db(w, res, "conflict insert");
    PQclear(res);
    return cc_write_fail_field(w, 400, "unknown_client", "client_id", "no such client organisation");
}

static cc_step_t check_period(cc_request_t *r, const json_t *body, json_t *problem)
{
    const char *from = cc_json_str(body, "from"), *to = cc_json_str(body, "to");
    if (from != NULL && to != NULL && strcmp(to, from) < 0) /* YYYY-MM-DD compares as text */
        cc_problem_add_error(problem, "to", "before_from", "must be on or after `from`");
    return CC_GO_ON;
}

static const cc_write_spec_t unavailability_spec = {
    .fields = unavailability_fields,
    .nfields = CC_NFIELDS(unavailability_fields),
    .flags = CC_WRITE_IDEMPOTENT | CC_WRITE_EVENT_ON_PATH,
    .path_ids = {"id"},
    .check = check_period,
    .run = add_unavailability,
    .status = 201,
    .event_action = "auditor.unavailability_added",
    .location = "/v1/auditors/{id}/unavailability/",
};

static const cc_write_spec_t conflict_spec = {
    .fields = conflict_fields,
    .nfields = CC_NFIELDS(conflict_fields),
    .flags = CC_WRITE_IDEMPOTENT | CC_WRITE_EVENT_ON_PATH,
    .path_ids = {"id"},
    .run = add_conflict,
    .status = 201,
    .event_action = "auditor.conflict_declared",
    .location = "/v1/auditors/{id}/conflicts/",
};

CC_WRITE_HANDLER(unavailability_create_handle, unavailability_spec);
CC_WRITE_HANDLER(conflicts_create_handle, conflict_spec);
