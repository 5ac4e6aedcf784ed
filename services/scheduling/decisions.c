/*
 * POST /v1/programmes/{id}/decisions {kind, decided_on}: a certification
 * decision on a cycle, recorded and applied in one transaction.
 *
 * - grant: after a completed Stage 2. The cycle's clock starts on the
 *   decision date: expiry, surveillance windows (adding a surveillance when a
 *   calendar year needs one, cancelling planned ones no longer needed) and the
 *   recertification window are recomputed and stop being provisional.
 * - recertification: after a completed recertification audit. Decided on or
 *   before expiry the next cycle continues without a gap (old expiry + 3
 *   years); within 6 months after expiry the certificate is restored (effective
 *   on the decision date, expiry from the prior cycle); later it cannot be
 *   (422 not_restorable: a new initial certification is needed). The next
 *   cycle is created with its surveillances and recertification.
 *
 * The decision maker must have been on no audit team of the cycle, and a
 * decision cannot be dated in the future or before the audit it rests on.
 * The date rules are programme_rules.c's; the certificates service will
 * record its decisions through this same path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_writes.h"
#include "cc_problem.h"
#include "programme_rules.h"

static const char *const kinds[] = {"grant", "recertification", NULL};
static const cc_field_t decision_fields[] = {
    {"kind", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, kinds},
    {"decided_on", CC_FIELD_DATE, CC_FIELD_REQUIRED, 0, 0, NULL},
};

/* The last non-cancelled audit of `type` must be completed and over by the decision date. */
static cc_step_t check_audit_done(cc_write_t *w, const char *type, const char *code)
{
    const char *decided_on = cc_json_str(w->body, "decided_on");
    const char *params[] = {w->actor.tenant_id, w->ids[0], type};
    PGresult *res = cc_db_exec(w->db, &sql_programme_last_audit, 3, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "audit state");
    cc_step_t step = CC_GO_ON;
    char detail[160];
    if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "completed") != 0) {
        snprintf(detail, sizeof(detail), "the cycle's %s audit is not completed", type);
        step = cc_write_fail_field(w, 422, code, "kind", detail);
    } else if (!PQgetisnull(res, 0, 1) && strcmp(PQgetvalue(res, 0, 1), decided_on) > 0) {
        snprintf(detail, sizeof(detail), "the decision cannot precede the last day of the %s audit", type);
        step = cc_write_fail_field(w, 422, "decision_before_audit", "decided_on", detail);
    }
    PQclear(res);
    return step;
}

static cc_step_t set_window(cc_write_t *w, const char *type, int sequence, programme_window_t window)
{
    char seq[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE];
    snprintf(seq, sizeof(seq), "%d", sequence);
    civil_date_format(window.start, start);
    civil_date_format(window.end, end);
    const char *params[] = {w->actor.tenant_id, w->ids[0], type, seq, start, end};
    PGresult *res = cc_db_exec(w->db, &sql_audit_window_set, 6, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "audit window");
    bool found = PQntuples(res) > 0;
    PQclear(res);
    if (found || strcmp(type, "surveillance") != 0)
        return CC_GO_ON;
    const char *add[] = {w->actor.tenant_id, w->ids[0], seq, start, end};
    return audit_exec_one(w, &sql_surveillance_add, 5, add, "surveillance add");
}

/* Writes a decided cycle's windows onto its planned audits. */
static cc_step_t apply_windows(cc_write_t *w, const programme_windows_t *win)
{
    cc_step_t step = CC_GO_ON;
    for (int k = 0; k < win->nsurveillances && step == CC_GO_ON; k++)
        step = set_window(w, "surveillance", k + 1, win->surveillance[k]);
    char n[12];
    snprintf(n, sizeof(n), "%d", win->nsurveillances);
    const char *surplus[] = {w->actor.tenant_id, w->ids[0], n};
    if (step == CC_GO_ON)
        step = audit_exec(w, &sql_surveillance_surplus_cancel, 3, surplus, "surveillance surplus");
    if (step == CC_GO_ON)
        step = set_window(w, "recertification", 1, win->recertification);
    return step;
}

/* Creates the next cycle's planned audits: its surveillances, then its recertification. */
static cc_step_t plan_next_cycle(cc_write_t *w, const char *next, const programme_windows_t *win)
{
    cc_step_t step = CC_GO_ON;
    for (int k = 0; k <= win->nsurveillances && step == CC_GO_ON; k++) {
        bool recert = k == win->nsurveillances;
        programme_window_t window = recert ? win->recertification : win->surveillance[k];
        char seq[12], pos[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE];
        snprintf(seq, sizeof(seq), "%d", recert ? 1 : k + 1);
        snprintf(pos, sizeof(pos), "%d", k + 1);
        civil_date_format(window.start, start);
        civil_date_format(window.end, end);
        const char *params[] = {w->actor.tenant_id,
                                w->ids[0],
                                next,
                                recert ? "recertification" : "surveillance",
                                seq,
                                pos,
                                start,
                                end};
        step = audit_exec_one(w, &sql_next_audit_insert, 8, params, "next cycle audit");
    }
    return step;
}

static cc_step_t grant(cc_write_t *w, const PGresult *programme, civil_date_t day, const char **outcome)
{
    if (!PQgetisnull(programme, 0, 1))
        return cc_write_fail(w, 409, "already_decided", "the cycle already has its grant decision");
    cc_step_t step = check_audit_done(w, "stage2", "stage2_incomplete");
    if (step != CC_GO_ON)
        return step;
    programme_settings_t settings;
    tenant_programme_settings(w->db, w->actor.tenant_id, &settings);
    programme_windows_t win;
    if (programme_windows_initial(day, &settings, &win) != 0)
        return cc_write_fail_field(w, 422, "invalid_decision_date", "decided_on",
                                   "no cycle can start on this date");
    char expiry[CIVIL_DATE_BUFSIZE];
    civil_date_format(win.expiry, expiry);
    const char *params[] = {w->actor.tenant_id, w->ids[0], cc_json_str(w->body, "decided_on"), expiry};
    step = audit_exec(w, &sql_programme_decided, 4, params, "programme decided");
    *outcome = "granted";
    return step == CC_GO_ON ? apply_windows(w, &win) : step;
}

/* The next cycle's programme row (its id in next), or 409 when the cycle already has one. */
static cc_step_t insert_next_cycle(cc_write_t *w, const programme_recert_t *r, char next[37])
{
    char effective[CIVIL_DATE_BUFSIZE], new_expiry[CIVIL_DATE_BUFSIZE];
    civil_date_format(r->effective, effective);
    civil_date_format(r->expiry, new_expiry);
    const char *params[] = {w->actor.tenant_id, w->ids[0], effective, new_expiry};
    PGresult *res = cc_db_exec(w->db, &sql_next_programme_insert, 4, params);
    if (!cc_db_is_ok(res) && strcmp(cc_db_sqlstate(res), "23505") == 0) {
        PQclear(res);
        return cc_write_fail(w, 409, "already_decided", "the cycle already has its recertification decision");
    }
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "next cycle");
    snprintf(next, 37, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return CC_GO_ON;
}

static cc_step_t recertify(cc_write_t *w, const PGresult *programme, civil_date_t day, const char **outcome,
                           char next[37])
{
    civil_date_t expiry;
    if (PQgetisnull(programme, 0, 1) || civil_date_parse(PQgetvalue(programme, 0, 2), &expiry) != 0)
        return cc_write_fail_field(w, 422, "not_certified", "kind",
                                   "the cycle has no grant decision to renew");
    cc_step_t step = check_audit_done(w, "recertification", "recertification_incomplete");
    if (step != CC_GO_ON)
        return step;
    programme_recert_t r;
    programme_settings_t settings;
    tenant_programme_settings(w->db, w->actor.tenant_id, &settings);
    programme_windows_t win;
    if (programme_recert_decide(expiry, day, &r) != 0 || r.outcome == PROGRAMME_RECERT_NOT_RESTORABLE)
        return cc_write_fail_field(w, 422, "not_restorable", "decided_on",
                                   "more than 6 months after expiry: a new initial certification (at least a "
                                   "Stage 2) is needed");
    if (programme_windows_next_cycle(&r, &settings, &win) != 0) /* e.g. decided years before expiry */
        return cc_write_fail_field(w, 422, "invalid_decision_date", "decided_on",
                                   "the next cycle's surveillances cannot be planned from this date");
    if ((step = insert_next_cycle(w, &r, next)) != CC_GO_ON)
        return step;
    *outcome = r.outcome == PROGRAMME_RECERT_RESTORED ? "restored" : "continued";
    return plan_next_cycle(w, next, &win);
}

/* The decision maker sat on none of the cycle's audit teams. */
static cc_step_t check_independent(cc_write_t *w)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0], w->actor.user_id};
    PGresult *res = cc_db_exec(w->db, &sql_programme_team_member, 3, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "independence check");
    bool on_team = PQntuples(res) > 0;
    PQclear(res);
    if (on_team)
        return cc_write_fail_field(w, 422, "decision_maker_not_independent", "kind",
                                   "the decision maker was on an audit team of this cycle");
    return CC_GO_ON;
}

static cc_step_t record(cc_write_t *w, const char *outcome, const char *next)
{
    const char *kind = cc_json_str(w->body, "kind"), *decided_on = cc_json_str(w->body, "decided_on");
    const char *params[] = {
        w->actor.tenant_id,           w->ids[0], kind, decided_on, w->actor.user_id, outcome,
        next[0] != '\0' ? next : NULL};
    PGresult *res = cc_db_exec(w->db, &sql_decision_insert, 7, params);
    if (!cc_db_is_ok(res) && strcmp(cc_db_sqlstate(res), "23505") == 0) {
        PQclear(res);
        return cc_write_fail(w, 409, "already_decided", "the cycle already has a decision of this kind");
    }
    if (!cc_db_is_ok(res))
        return audit_statement_failed(w, res, "decision insert");
    json_t *decision =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "id", PQgetvalue(res, 0, 0), "programme_id",
                  w->ids[0], "kind", kind, "decided_on", decided_on, "decided_by", w->actor.user_id,
                  "outcome", outcome, "next_programme_id", next[0] != '\0' ? json_string(next) : json_null(),
                  "created_at", PQgetvalue(res, 0, 1));
    PQclear(res);
    cc_write_result(w, decision, json_incref(decision));
    return CC_GO_ON;
}

static cc_step_t decide(cc_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *programme = cc_db_exec(w->db, &sql_programme_lock, 2, key);
    if (!cc_db_is_ok(programme))
        return audit_statement_failed(w, programme, "programme lock");
    if (PQntuples(programme) != 1) {
        PQclear(programme);
        return cc_write_fail(w, 404, "not_found", "no such programme");
    }
    civil_date_t day;
    civil_date_parse(cc_json_str(w->body, "decided_on"), &day);
    const char *outcome = NULL;
    char next[37] = "";
    cc_step_t step = check_independent(w);
    if (step == CC_GO_ON)
        step = strcmp(cc_json_str(w->body, "kind"), "grant") == 0
                   ? grant(w, programme, day, &outcome)
                   : recertify(w, programme, day, &outcome, next);
    PQclear(programme);
    return step == CC_GO_ON ? record(w, outcome, next) : step;
}

/* A decision is recorded once it is taken: never dated after today (422). */
static cc_step_t check_date(cc_request_t *r, const json_t *body, json_t *problem)
{
    civil_date_t day;
    if (civil_date_parse(cc_json_str(body, "decided_on"), &day) == 0 &&
        civil_date_compare(day, civil_date_today_utc()) <= 0)
        return CC_GO_ON;
    json_t *refusal = cc_problem_new(422, "decision_in_future", "a decision is recorded once it is taken");
    cc_problem_add_error(refusal, "decided_on", "decision_in_future", "must not be after today (UTC)");
    cc_respond_problem(r, refusal);
    return CC_ANSWERED;
}

static const cc_write_spec_t decision_spec = {
    .fields = decision_fields,
    .nfields = CC_NFIELDS(decision_fields),
    .flags = CC_WRITE_IDEMPOTENT | CC_WRITE_EVENT_ON_PATH,
    .path_ids = {"id"},
    .check = check_date,
    .run = decide,
    .status = 201,
    .event_action = "programme.decision_recorded",
};

CC_WRITE_HANDLER(programme_decision_handle, decision_spec);
