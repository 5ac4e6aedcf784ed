/*
 * What a granted decision does to the programme (DOMAIN.md "The certification
 * cycle"; cycle_rules.h): an initial grant starts the cycle's clock (expiry,
 * surveillance windows, adding a surveillance when a calendar year needs one
 * and cancelling planned ones no longer needed, the recertification window,
 * none provisional any more); a recertification or restoration opens the next
 * cycle with its surveillances and recertification. Scope extensions leave the
 * cycle as it is. Also reads the tenant's settings the decision uses.
 */
#include <stdio.h>
#include <string.h>

#include "cc_settings.h"
#include "certificate_number.h"
#include "decisions.h"

cc_step_t decision_tenant_load(decision_t *d)
{
    const char *params[] = {d->w->actor.tenant_id};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_tenant, 1, params);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1)
        return decision_statement_failed(d, res, "tenant settings");
    snprintf(d->slug, sizeof(d->slug), "%s", PQgetvalue(res, 0, 0));
    json_t *stored = PQgetisnull(res, 0, 1) ? NULL : json_loads(PQgetvalue(res, 0, 1), 0, NULL);
    PQclear(res);
    json_t *effective = cc_settings_effective(stored);
    json_t *programme = json_object_get(effective, "programme");
    programme_settings_default(&d->settings);
#define READ(name, lo, hi, def)                                                                              \
    if (json_is_number(json_object_get(programme, #name)))                                                   \
        d->settings.name = (int)json_number_value(json_object_get(programme, #name));
    PROGRAMME_SETTINGS(READ)
#undef READ
    if (programme_settings_validate(&d->settings) != 0)
        programme_settings_default(&d->settings);
    /* the effective pattern: the stored one when certificate_number_check accepts it, else the default */
    const char *pattern =
        json_string_value(json_object_get(json_object_get(effective, "certificates"), "number_pattern"));
    snprintf(d->number_pattern, sizeof(d->number_pattern), "%s",
             pattern != NULL ? pattern : CERTIFICATE_NUMBER_DEFAULT_PATTERN);
    json_decref(effective);
    json_decref(stored);
    return CC_GO_ON;
}

static cc_step_t set_window(decision_t *d, const char *type, int sequence, programme_window_t window)
{
    char seq[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE];
    snprintf(seq, sizeof(seq), "%d", sequence);
    civil_date_format(window.start, start);
    civil_date_format(window.end, end);
    const char *programme = cc_json_str(d->w->body, "programme_id");
    const char *params[] = {d->w->actor.tenant_id, programme, type, seq, start, end};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_window_set, 6, params);
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, "audit window");
    bool found = PQntuples(res) > 0;
    PQclear(res);
    if (found || strcmp(type, "surveillance") != 0)
        return CC_GO_ON;
    const char *add[] = {d->w->actor.tenant_id, programme, seq, start, end};
    return decision_exec(d, &sql_decision_surveillance_add, 5, add, "surveillance add");
}

/* An initial grant: the programme's decision, expiry and windows. */
static cc_step_t start_cycle(decision_t *d)
{
    programme_windows_t win;
    if (programme_windows_initial(d->decided_on, &d->settings, &win) != 0)
        return cc_write_fail_field(d->w, 422, "invalid_decision_date", "decided_on",
                                   "no cycle can start on this date");
    char expiry[CIVIL_DATE_BUFSIZE];
    civil_date_format(win.expiry, expiry);
    const char *programme = cc_json_str(d->w->body, "programme_id");
    const char *params[] = {d->w->actor.tenant_id, programme, cc_json_str(d->w->body, "decided_on"), expiry};
    cc_step_t step = decision_exec(d, &sql_decision_programme_decided, 4, params, "programme decided");
    for (int k = 0; k < win.nsurveillances && step == CC_GO_ON; k++)
        step = set_window(d, "surveillance", k + 1, win.surveillance[k]);
    char n[12];
    snprintf(n, sizeof(n), "%d", win.nsurveillances);
    const char *surplus[] = {d->w->actor.tenant_id, programme, n};
    if (step == CC_GO_ON)
        step = decision_exec(d, &sql_decision_surveillance_surplus, 3, surplus, "surveillance surplus");
    if (step == CC_GO_ON)
        step = set_window(d, "recertification", 1, win.recertification);
    return step;
}

/* The next cycle's programme row (its id in d->next_programme), or 409 when the cycle already has one. */
static cc_step_t insert_next_cycle(decision_t *d)
{
    char effective[CIVIL_DATE_BUFSIZE], expiry[CIVIL_DATE_BUFSIZE];
    civil_date_format(d->recert.effective, effective);
    civil_date_format(d->recert.expiry, expiry);
    const char *params[] = {d->w->actor.tenant_id, cc_json_str(d->w->body, "programme_id"), effective,
                            expiry};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_next_programme, 4, params);
    if (!cc_db_is_ok(res) && strcmp(cc_db_sqlstate(res), "23505") == 0) {
        PQclear(res);
        return cc_write_fail(d->w, 409, "already_decided", "the cycle already has its next cycle");
    }
    if (!cc_db_is_ok(res) || PQntuples(res) != 1)
        return decision_statement_failed(d, res, "next cycle");
    snprintf(d->next_programme, sizeof(d->next_programme), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return CC_GO_ON;
}

/* A recertification or restoration: the next cycle with its surveillances, then its recertification. */
static cc_step_t open_next_cycle(decision_t *d)
{
    programme_windows_t win;
    if (programme_recert_decide(d->expiry, d->decided_on, &d->recert) != 0 ||
        d->recert.outcome == PROGRAMME_RECERT_NOT_RESTORABLE)
        return cc_write_fail_field(d->w, 422, "not_restorable", "decided_on",
                                   "more than 6 months after expiry: a new initial certification is needed");
    if (programme_windows_next_cycle(&d->recert, &d->settings, &win) != 0) /* e.g. years before expiry */
        return cc_write_fail_field(d->w, 422, "invalid_decision_date", "decided_on",
                                   "the next cycle's surveillances cannot be planned from this date");
    cc_step_t step = insert_next_cycle(d);
    for (int k = 0; k <= win.nsurveillances && step == CC_GO_ON; k++) {
        bool recert = k == win.nsurveillances;
        programme_window_t window = recert ? win.recertification : win.surveillance[k];
        char seq[12], pos[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE];
        snprintf(seq, sizeof(seq), "%d", recert ? 1 : k + 1);
        snprintf(pos, sizeof(pos), "%d", k + 1);
        civil_date_format(window.start, start);
        civil_date_format(window.end, end);
        const char *params[] = {d->w->actor.tenant_id,
                                cc_json_str(d->w->body, "programme_id"),
                                d->next_programme,
                                recert ? "recertification" : "surveillance",
                                seq,
                                pos,
                                start,
                                end};
        step = decision_exec(d, &sql_decision_next_audit, 8, params, "next cycle audit");
    }
    return step;
}

cc_step_t decision_windows_apply(decision_t *d)
{
    switch (d->type) {
    case DECISION_INITIAL:
        return start_cycle(d);
    case DECISION_RECERTIFICATION:
    case DECISION_RESTORATION:
        return open_next_cycle(d);
    case DECISION_SCOPE_EXTENSION:
        break;
    }
    return CC_GO_ON;
}
