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
#include "cc_events.h"
#include "cc_idempotency.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "programme_rules.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kinds[] = {"grant", "recertification", NULL};
static const cc_field_t decision_fields[] = {
    {"kind", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, kinds},
    {"decided_on", CC_FIELD_DATE, CC_FIELD_REQUIRED, 0, 0, NULL},
};

typedef struct decision_write {
    cc_actor_t actor;
    char programme_id[37];
    json_t *body;
    cc_idempotency_t idem;
} decision_write_t;

/* What a step returns: go on, or stop (answered; CC_JOB_RETRY when the transaction should run again). */
#define STEP_OK AUDIT_CHANGE_APPLIED

/* The last non-cancelled audit of `type` must be completed and over by the decision date. */
static int check_audit_done(cc_job_t *job, cc_dbconn_t *db, const decision_write_t *w, const char *type,
                            const char *decided_on, const char *code)
{
    const char *params[] = {w->actor.tenant_id, w->programme_id, type};
    PGresult *res = cc_db_exec(db, &sql_programme_last_audit, 3, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, "audit state");
    int rc = STEP_OK;
    char detail[160];
    if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "completed") != 0) {
        snprintf(detail, sizeof(detail), "the cycle's %s audit is not completed", type);
        audit_fail_field(job, 422, code, "kind", detail);
        rc = CC_JOB_DONE;
    } else if (!PQgetisnull(res, 0, 1) && strcmp(PQgetvalue(res, 0, 1), decided_on) > 0) {
        snprintf(detail, sizeof(detail), "the decision cannot precede the last day of the %s audit", type);
        audit_fail_field(job, 422, "decision_before_audit", "decided_on", detail);
        rc = CC_JOB_DONE;
    }
    PQclear(res);
    return rc;
}

static int set_window(cc_job_t *job, cc_dbconn_t *db, const char *tenant, const char *programme,
                      const char *type, int sequence, programme_window_t window, bool *found)
{
    char seq[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE];
    snprintf(seq, sizeof(seq), "%d", sequence);
    civil_date_format(window.start, start);
    civil_date_format(window.end, end);
    const char *params[] = {tenant, programme, type, seq, start, end};
    PGresult *res = cc_db_exec(db, &sql_audit_window_set, 6, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, "audit window");
    *found = PQntuples(res) > 0;
    PQclear(res);
    if (*found || strcmp(type, "surveillance") != 0)
        return STEP_OK;
    const char *add[] = {tenant, programme, seq, start, end};
    return audit_exec_one(job, db, &sql_surveillance_add, 5, add, "surveillance add");
}

/* Writes a decided cycle's windows onto its planned audits. */
static int apply_windows(cc_job_t *job, cc_dbconn_t *db, const char *tenant, const char *programme,
                         const programme_windows_t *win)
{
    bool found;
    int rc = STEP_OK;
    for (int k = 0; k < win->nsurveillances && rc == STEP_OK; k++)
        rc = set_window(job, db, tenant, programme, "surveillance", k + 1, win->surveillance[k], &found);
    char n[12];
    snprintf(n, sizeof(n), "%d", win->nsurveillances);
    const char *surplus[] = {tenant, programme, n};
    if (rc == STEP_OK)
        rc = audit_exec(job, db, &sql_surveillance_surplus_cancel, 3, surplus, "surveillance surplus");
    if (rc == STEP_OK)
        rc = set_window(job, db, tenant, programme, "recertification", 1, win->recertification, &found);
    return rc;
}

/* Creates the next cycle's planned audits: its surveillances, then its recertification. */
static int plan_next_cycle(cc_job_t *job, cc_dbconn_t *db, const decision_write_t *w, const char *next,
                           const programme_windows_t *win)
{
    int rc = STEP_OK;
    for (int k = 0; k <= win->nsurveillances && rc == STEP_OK; k++) {
        bool recert = k == win->nsurveillances;
        programme_window_t window = recert ? win->recertification : win->surveillance[k];
        char seq[12], pos[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE];
        snprintf(seq, sizeof(seq), "%d", recert ? 1 : k + 1);
        snprintf(pos, sizeof(pos), "%d", k + 1);
        civil_date_format(window.start, start);
        civil_date_format(window.end, end);
        const char *params[] = {w->actor.tenant_id,
                                w->programme_id,
                                next,
                                recert ? "recertification" : "surveillance",
                                seq,
                                pos,
                                start,
                                end};
        rc = audit_exec_one(job, db, &sql_next_audit_insert, 8, params, "next cycle audit");
    }
    return rc;
}

static int grant(cc_job_t *job, cc_dbconn_t *db, const decision_write_t *w, const PGresult *programme,
                 civil_date_t day, const char **outcome)
{
    const char *decided_on = cc_json_str(w->body, "decided_on");
    if (!PQgetisnull(programme, 0, 1)) {
        cc_job_fail(job, 409, "already_decided", "the cycle already has its grant decision");
        return CC_JOB_DONE;
    }
    int rc = check_audit_done(job, db, w, "stage2", decided_on, "stage2_incomplete");
    if (rc != STEP_OK)
        return rc;
    programme_settings_t settings;
    tenant_programme_settings(db, w->actor.tenant_id, &settings);
    programme_windows_t win;
    if (programme_windows_initial(day, &settings, &win) != 0) {
        audit_fail_field(job, 422, "invalid_decision_date", "decided_on", "no cycle can start on this date");
        return CC_JOB_DONE;
    }
    char expiry[CIVIL_DATE_BUFSIZE];
    civil_date_format(win.expiry, expiry);
    const char *params[] = {w->actor.tenant_id, w->programme_id, decided_on, expiry};
    rc = audit_exec(job, db, &sql_programme_decided, 4, params, "programme decided");
    *outcome = "granted";
    return rc == STEP_OK ? apply_windows(job, db, w->actor.tenant_id, w->programme_id, &win) : rc;
}

static int recertify(cc_job_t *job, cc_dbconn_t *db, const decision_write_t *w, const PGresult *programme,
                     civil_date_t day, const char **outcome, char next[37])
{
    civil_date_t expiry;
    if (PQgetisnull(programme, 0, 1) || civil_date_parse(PQgetvalue(programme, 0, 2), &expiry) != 0) {
        audit_fail_field(job, 422, "not_certified", "kind", "the cycle has no grant decision to renew");
        return CC_JOB_DONE;
    }
    int rc = check_audit_done(job, db, w, "recertification", cc_json_str(w->body, "decided_on"),
                              "recertification_incomplete");
    if (rc != STEP_OK)
        return rc;
    programme_recert_t r;
    programme_settings_t settings;
    tenant_programme_settings(db, w->actor.tenant_id, &settings);
    programme_windows_t win;
    if (programme_recert_decide(expiry, day, &r) != 0 || r.outcome == PROGRAMME_RECERT_NOT_RESTORABLE) {
        audit_fail_field(job, 422, "not_restorable", "decided_on",
                         "more than 6 months after expiry: a new initial certification (at least a Stage 2) "
                         "is needed");
        return CC_JOB_DONE;
    }
    if (programme_windows_next_cycle(&r, &settings, &win) != 0) { /* e.g. decided years before expiry */
        audit_fail_field(job, 422, "invalid_decision_date", "decided_on",
                         "the next cycle's surveillances cannot be planned from this date");
        return CC_JOB_DONE;
    }
    char effective[CIVIL_DATE_BUFSIZE], new_expiry[CIVIL_DATE_BUFSIZE];
    civil_date_format(r.effective, effective);
    civil_date_format(r.expiry, new_expiry);
    const char *params[] = {w->actor.tenant_id, w->programme_id, effective, new_expiry};
    PGresult *res = cc_db_exec(db, &sql_next_programme_insert, 4, params);
    if (!cc_db_is_ok(res)) {
        if (strcmp(cc_db_sqlstate(res), "23505") == 0) {
            PQclear(res);
            cc_job_fail(job, 409, "already_decided", "the cycle already has its recertification decision");
            return CC_JOB_DONE;
        }
        return audit_statement_failed(job, res, "next cycle");
    }
    snprintf(next, 37, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    *outcome = r.outcome == PROGRAMME_RECERT_RESTORED ? "restored" : "continued";
    return plan_next_cycle(job, db, w, next, &win);
}

/* The decision maker sat on none of the cycle's audit teams. */
static int check_independent(cc_job_t *job, cc_dbconn_t *db, const decision_write_t *w)
{
    const char *params[] = {w->actor.tenant_id, w->programme_id, w->actor.user_id};
    PGresult *res = cc_db_exec(db, &sql_programme_team_member, 3, params);
    if (!cc_db_is_ok(res))
        return audit_statement_failed(job, res, "independence check");
    bool on_team = PQntuples(res) > 0;
    PQclear(res);
    if (on_team) {
        audit_fail_field(job, 422, "decision_maker_not_independent", "kind",
                         "the decision maker was on an audit team of this cycle");
        return CC_JOB_DONE;
    }
    return STEP_OK;
}

static int record(cc_job_t *job, cc_dbconn_t *db, decision_write_t *w, const char *outcome, const char *next)
{
    const char *kind = cc_json_str(w->body, "kind"), *decided_on = cc_json_str(w->body, "decided_on");
    const char *params[] = {
        w->actor.tenant_id,           w->programme_id, kind, decided_on, w->actor.user_id, outcome,
        next[0] != '\0' ? next : NULL};
    PGresult *res = cc_db_exec(db, &sql_decision_insert, 7, params);
    if (!cc_db_is_ok(res)) {
        if (strcmp(cc_db_sqlstate(res), "23505") == 0) {
            PQclear(res);
            cc_job_fail(job, 409, "already_decided", "the cycle already has a decision of this kind");
            return CC_JOB_DONE;
        }
        return audit_statement_failed(job, res, "decision insert");
    }
    json_t *decision =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "id", PQgetvalue(res, 0, 0), "programme_id",
                  w->programme_id, "kind", kind, "decided_on", decided_on, "decided_by", w->actor.user_id,
                  "outcome", outcome, "next_programme_id", next[0] != '\0' ? json_string(next) : json_null(),
                  "created_at", PQgetvalue(res, 0, 1));
    PQclear(res);
    cc_event_t ev = {w->actor.user_id, w->actor.role,        "programme.decision_recorded", "programme",
                     w->programme_id,  w->actor.remote_addr, w->actor.request_id,           decision};
    if (cc_event_append(db, &ev) != 0) {
        json_decref(decision);
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    cc_job_answer(job, 201, decision);
    if (cc_idempotency_store(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0 ||
        cc_db_commit(db) != 0)
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
    return CC_JOB_DONE;
}

static int decision_run(cc_job_t *job, cc_dbconn_t *db)
{
    decision_write_t *w = job->data;
    if (cc_db_begin(db, w->actor.tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        return CC_JOB_DONE;
    }
    if (cc_idempotency_claim(job, db, &w->idem, w->actor.tenant_id, w->actor.user_id) != 0)
        return CC_JOB_DONE;
    const char *key[] = {w->actor.tenant_id, w->programme_id};
    PGresult *programme = cc_db_exec(db, &sql_programme_lock, 2, key);
    if (!cc_db_is_ok(programme))
        return audit_statement_failed(job, programme, "programme lock");
    if (PQntuples(programme) != 1) {
        PQclear(programme);
        cc_job_fail(job, 404, "not_found", "no such programme");
        return CC_JOB_DONE;
    }
    civil_date_t day;
    civil_date_parse(cc_json_str(w->body, "decided_on"), &day);
    const char *outcome = NULL;
    char next[37] = "";
    int rc = check_independent(job, db, w);
    if (rc == STEP_OK)
        rc = strcmp(cc_json_str(w->body, "kind"), "grant") == 0
                 ? grant(job, db, w, programme, day, &outcome)
                 : recertify(job, db, w, programme, day, &outcome, next);
    PQclear(programme);
    return rc == STEP_OK ? record(job, db, w, outcome, next) : rc;
}

static void decision_done(cc_job_t *job)
{
    decision_write_t *w = job->data;
    cc_job_respond(job);
    json_decref(w->body);
    free(w);
}

void programme_decision_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    cc_idempotency_t idem;
    if (cc_idempotency_read_or_respond(r, &idem) != 0)
        return;
    json_t *body = cc_read_json_or_respond(r, decision_fields, NFIELDS(decision_fields));
    if (body == NULL)
        return;
    civil_date_t day;
    if (civil_date_parse(cc_json_str(body, "decided_on"), &day) != 0 ||
        civil_date_compare(day, civil_date_today_utc()) > 0) {
        json_decref(body);
        json_t *problem =
            cc_problem_new(422, "decision_in_future", "a decision is recorded once it is taken");
        cc_problem_add_error(problem, "decided_on", "decision_in_future", "must not be after today (UTC)");
        cc_respond_problem(r, problem);
        return;
    }
    decision_write_t *w = cc_calloc(1, sizeof(*w));
    cc_actor_from_request(r, &w->actor);
    memcpy(w->programme_id, id, 37);
    w->body = body;
    w->idem = idem;
    cc_job_submit(r, decision_run, decision_done, w);
}
