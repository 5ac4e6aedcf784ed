/*
 * An auditor's calendar feed. GET /v1/auditors/{id}/calendar.ics?token=T
 * is an RFC 5545 feed of the auditor's dated audits that calendar apps
 * subscribe to; they send no Authorization header, so the URL's secret token
 * authorises it. POST /v1/auditors/{id}/calendar-token issues a new token
 * (the old one stops working at once); only its SHA-256 is stored, and the
 * token carries its tenant (cc_tenant_token) so the feed is read inside that
 * tenant's row-level security. A wrong token answers 404, like any other
 * tenant's data. A confidential client's name stays out of the feed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_roles.h"
#include "cc_tenant_token.h"
#include "cc_write.h"
#include "ics.h"
#include "scheduling.h"

/* ---- GET /v1/auditors/{id}/calendar.ics ---- */

static const char *type_title(const char *type)
{
    static const char *const names[][2] = {{"pre_assessment", "Pre-assessment"},
                                           {"stage1", "Stage 1 audit"},
                                           {"stage2", "Stage 2 audit"},
                                           {"surveillance", "Surveillance audit"},
                                           {"recertification", "Recertification audit"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(type, names[i][0]) == 0)
            return names[i][1];
    return "Special audit";
}

/* Columns: 0 auditor name, 1 audit id (NULL: none), 2 type, 3 sequence, 4 status, 5 first day, 6 day after
 * the last, 7 client name (NULL: confidential), 8 role, 9 mode, 10 version, 11 last change. */
static void add_event(ics_t *ics, const PGresult *res, int i, const char *stamp)
{
    char uid[64], summary[1600], description[200]; /* a legal name is up to 300 characters (1200 bytes) */
    const char *status = PQgetvalue(res, i, 4);
    const char *client = PQgetisnull(res, i, 7) ? "confidential client" : PQgetvalue(res, i, 7);
    snprintf(uid, sizeof(uid), "%s@certcycle", PQgetvalue(res, i, 1));
    snprintf(summary, sizeof(summary), "%s: %s", type_title(PQgetvalue(res, i, 2)), client);
    snprintf(description, sizeof(description), "Role: %s\nMode: %s\nStatus: %s", PQgetvalue(res, i, 8),
             PQgetvalue(res, i, 9), status);
    ics_line(ics, "BEGIN", "VEVENT");
    ics_line(ics, "UID", uid);
    ics_line(ics, "DTSTAMP", stamp); /* with METHOD:PUBLISH: when this feed was made */
    ics_line(ics, "LAST-MODIFIED", PQgetvalue(res, i, 11));
    ics_line(ics, "SEQUENCE", PQgetvalue(res, i, 10));
    ics_line(ics, "DTSTART;VALUE=DATE", PQgetvalue(res, i, 5));
    ics_line(ics, "DTEND;VALUE=DATE", PQgetvalue(res, i, 6));
    ics_text(ics, "SUMMARY", summary);
    ics_text(ics, "DESCRIPTION", description);
    ics_line(ics, "STATUS",
             strcmp(status, "cancelled") == 0 ? "CANCELLED"
             : strcmp(status, "planned") == 0 ? "TENTATIVE"
                                              : "CONFIRMED");
    ics_line(ics, "TRANSP", "OPAQUE");
    ics_line(ics, "END", "VEVENT");
}

static void on_calendar(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) == 0) {
        cc_respond_error(r, 404, "not_found", "no such calendar (or the token was rotated)");
        return;
    }
    ics_t ics = {0};
    char name[1024], stamp[20]; /* a user's name is up to 200 characters (800 bytes) */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(name, sizeof(name), "certcycle: %s", PQgetvalue(res, 0, 0));
    ics_line(&ics, "BEGIN", "VCALENDAR");
    ics_line(&ics, "VERSION", "2.0");
    ics_line(&ics, "PRODID", "-//certcycle//scheduling//EN");
    ics_line(&ics, "CALSCALE", "GREGORIAN");
    ics_line(&ics, "METHOD", "PUBLISH");
    ics_text(&ics, "X-WR-CALNAME", name);
    for (int i = 0; i < PQntuples(res); i++)
        if (!PQgetisnull(res, i, 1))
            add_event(&ics, res, i, stamp);
    ics_line(&ics, "END", "VCALENDAR");
    cc_set_header(r, "cache-control", "private, max-age=300");
    cc_respond_text(r, 200, "text/calendar; charset=utf-8", ics.data, ics.len);
    free(ics.data);
}

void auditor_calendar_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    char token[80];
    char *tenant = cc_request_alloc(r, 37), *hash = cc_request_alloc(r, 68);
    int n = cc_query_param(r, "token", token, sizeof(token));
    if (n <= 0 || cc_tenant_token_parse(token, tenant, hash) != 0) {
        cc_respond_error(r, 404, "not_found", "no such calendar (or the token was rotated)");
        return;
    }
    const char *params[] = {tenant, id, hash};
    cc_db_query(r, tenant, &sql_auditor_calendar, 3, params, on_calendar, NULL);
}

/* ---- POST /v1/auditors/{id}/calendar-token ---- */

/* Only the auditor themselves, or staff who manage the scheme, rotate a token (404 for no such auditor). */
static cc_step_t check_owner(cc_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_auditor_user_lock, 2, key); /* rotations of one token serialise */
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "auditor lookup");
    bool found = PQntuples(res) == 1;
    bool own = found && strcmp(PQgetvalue(res, 0, 0), w->actor.user_id) == 0;
    PQclear(res);
    if (!found)
        return cc_write_fail(w, 404, "not_found", "no such auditor");
    if (cc_role_parse(w->actor.role) == CC_ROLE_AUDITOR && !own)
        return cc_write_fail(w, 403, "forbidden", "an auditor may rotate only their own calendar token");
    return CC_GO_ON;
}

static cc_step_t rotate_token(cc_write_t *w)
{
    cc_step_t step = check_owner(w);
    if (step != CC_GO_ON)
        return step;
    char *token = NULL, hash[68];
    if (cc_tenant_token_new(w->actor.tenant_id, &token, hash) != 0)
        return cc_write_fail(w, 500, "internal_error", "could not make a token");
    const char *params[] = {w->actor.tenant_id, w->ids[0], hash};
    PGresult *res = cc_db_exec(w->db, &sql_auditor_calendar_token_set, 3, params);
    if (!cc_db_is_ok(res)) {
        free(token);
        return cc_write_fail_db(w, res, "calendar token update");
    }
    PQclear(res);
    char url[200];
    snprintf(url, sizeof(url), "/v1/auditors/%s/calendar.ics?token=%s", w->ids[0], token);
    cc_write_header(w, "cache-control", "no-store");
    cc_write_result(w, json_pack("{s:s, s:s}", "token", token, "url", url), NULL);
    free(token);
    return CC_GO_ON;
}

/* Not idempotent: the answer carries a secret, which is never stored. */
static const cc_write_spec_t rotate_spec = {
    .flags = CC_WRITE_EVENT_ON_PATH,
    .path_ids = {"id"},
    .run = rotate_token,
    .event_action = "auditor.calendar_token_rotated",
};

CC_WRITE_HANDLER(auditor_calendar_token_handle, rotate_spec);
