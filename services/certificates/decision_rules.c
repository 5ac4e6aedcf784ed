/*
 * The rules a certification decision obeys (DOMAIN.md "Certificates", "What
 * blocks a decision"; ARCHITECTURE.md "Certification decisions"). Each refuses
 * with its own 422 code naming its field, and nothing is written. The rules
 * that make a decision meaningless (audits of another programme or not
 * completed, a decision maker on a team, a decision before its audit, a type
 * already granted) refuse a refusal too; the rules that stand in the way of a
 * grant (findings, the cycle's dates, the 27001:2013 transition, the SoA) are
 * what a refusal records as its reasons.
 */
#include <stdio.h>
#include <string.h>

#include "decisions.h"

/* Reads the included audits: each must be the programme's and completed; notes the last day and Stage 2. */
static cc_step_t check_audits(decision_t *d)
{
    const char *params[] = {d->w->actor.tenant_id, cc_json_str(d->w->body, "programme_id"), d->audit_ids};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_audits, 3, params);
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, "included audits");
    size_t wanted = json_array_size(json_object_get(d->w->body, "audit_ids"));
    bool incomplete = false;
    for (int i = 0; i < PQntuples(res); i++) {
        bool completed = strcmp(PQgetvalue(res, i, 2), "completed") == 0;
        incomplete = incomplete || !completed;
        if (completed && strcmp(PQgetvalue(res, i, 1), "stage2") == 0)
            d->stage2_completed = true;
        civil_date_t end;
        if (!PQgetisnull(res, i, 3) && civil_date_parse(PQgetvalue(res, i, 3), &end) == 0 &&
            (d->last_audit_day.year == 0 || civil_date_compare(end, d->last_audit_day) > 0))
            d->last_audit_day = end;
    }
    size_t found = (size_t)PQntuples(res);
    PQclear(res);
    if (found != wanted)
        return decision_rule_fails(d, true, "audit_not_in_programme", "audit_ids",
                                   "every included audit must be an audit of the programme", NULL);
    if (incomplete)
        return decision_rule_fails(d, true, "audit_incomplete", "audit_ids",
                                   "a decision rests on completed audits only", NULL);
    if (d->type == DECISION_INITIAL && !d->stage2_completed)
        return decision_rule_fails(d, true, "audit_incomplete", "audit_ids",
                                   "an initial decision rests on a completed Stage 2", NULL);
    if (d->last_audit_day.year != 0 && civil_date_compare(d->decided_on, d->last_audit_day) < 0)
        return decision_rule_fails(d, true, "decision_before_audit", "decided_on",
                                   "the decision cannot precede the last day of an included audit", NULL);
    return CC_GO_ON;
}

/* ISO/IEC 17021-1 4.2 (DOMAIN.md "Impartiality"): the decision maker audited none of the included audits. */
static cc_step_t check_independent(decision_t *d)
{
    const char *params[] = {d->w->actor.tenant_id, d->audit_ids, d->w->actor.user_id};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_team, 3, params);
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, "independence");
    bool on_team = PQntuples(res) > 0;
    PQclear(res);
    if (on_team)
        return decision_rule_fails(d, true, "decision_maker_not_independent", "audit_ids",
                                   "the decision maker was on the team of an included audit", NULL);
    return CC_GO_ON;
}

/* One granted decision of each type per programme (scope extensions may be many). */
static cc_step_t check_not_decided(decision_t *d)
{
    if (d->type == DECISION_SCOPE_EXTENSION)
        return CC_GO_ON;
    const char *params[] = {d->w->actor.tenant_id, cc_json_str(d->w->body, "programme_id"), d->type_name};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_granted, 3, params);
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, "granted decisions");
    bool granted = PQntuples(res) > 0;
    PQclear(res);
    return granted ? cc_write_fail(d->w, 409, "already_decided",
                                   "the programme already has this decision granted")
                   : CC_GO_ON;
}

/* The programme's current certificates (all but an initial decision need one). */
static cc_step_t load_certificates(decision_t *d)
{
    if (d->type == DECISION_INITIAL)
        return CC_GO_ON;
    const char *params[] = {d->w->actor.tenant_id, cc_json_str(d->w->body, "programme_id")};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_certificates, 2, params);
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, "current certificates");
    for (int i = 0; i < PQntuples(res) && d->ncertificates < DECISION_MAX_STANDARDS; i++) {
        decision_certificate_t *c = &d->certificates[d->ncertificates++];
        snprintf(c->id, sizeof(c->id), "%s", PQgetvalue(res, i, 0));
        snprintf(c->status, sizeof(c->status), "%s", PQgetvalue(res, i, 1));
        civil_date_parse(PQgetvalue(res, i, 2), &c->expiry);
        snprintf(c->standard, sizeof(c->standard), "%s", PQgetvalue(res, i, 3));
    }
    PQclear(res);
    bool usable = d->ncertificates > 0;
    for (int i = 0; i < d->ncertificates; i++)
        usable = usable && strcmp(d->certificates[i].status, "withdrawn") != 0;
    if (!usable)
        return decision_rule_fails(d, true, "not_certified", "type",
                                   "the programme has no current certificate to renew or extend", NULL);
    return CC_GO_ON;
}

/* The cycle's dates (cycle_rules.h): recertification on or before expiry, restoration within 6 months
 * after it, a scope extension of an active certificate. */
static cc_step_t check_cycle(decision_t *d)
{
    if (d->type == DECISION_INITIAL)
        return CC_GO_ON;
    civil_date_t expiry = d->certificates[0].expiry;
    bool expired = civil_date_compare(d->decided_on, expiry) > 0;
    if (d->type == DECISION_RECERTIFICATION && expired)
        return decision_rule_fails(d, false, "expired_use_restoration", "type",
                                   "decided after the certificate's expiry: record a restoration", NULL);
    if (d->type == DECISION_RESTORATION && !expired)
        return decision_rule_fails(d, false, "not_expired", "type",
                                   "the certificate has not expired: record a recertification", NULL);
    if (d->type == DECISION_RESTORATION &&
        civil_date_compare(d->decided_on, programme_restore_limit(expiry)) > 0)
        return decision_rule_fails(d, false, "not_restorable", "decided_on",
                                   "more than 6 months after expiry: a new initial certification (at least a "
                                   "Stage 2) is needed",
                                   NULL);
    for (int i = 0; d->type == DECISION_SCOPE_EXTENSION && i < d->ncertificates; i++)
        if (strcmp(d->certificates[i].status, "active") != 0)
            return decision_rule_fails(d, false, "certificate_not_active", "type",
                                       "only an active certificate's scope is extended", NULL);
    if (d->type == DECISION_SCOPE_EXTENSION && cc_json_str(d->w->body, "scope") == NULL &&
        !json_is_array(json_object_get(d->w->body, "site_ids")))
        return decision_rule_fails(d, true, "scope_required", "scope",
                                   "a scope extension names the new scope or sites", NULL);
    return CC_GO_ON;
}

/* The ISO/IEC 27001:2013 transition (IAF MD 26, cycle_rules.h). */
static cc_step_t check_transition(decision_t *d)
{
    civil_date_t audits_closed =
        civil_date_make(PROGRAMME_ISO27001_2013_LAST_YEAR, PROGRAMME_ISO27001_2013_LAST_MONTH,
                        PROGRAMME_ISO27001_2013_LAST_DAY);
    civil_date_t certificates_closed =
        civil_date_make(PROGRAMME_ISO27001_2013_CERT_LAST_YEAR, PROGRAMME_ISO27001_2013_CERT_LAST_MONTH,
                        PROGRAMME_ISO27001_2013_CERT_LAST_DAY);
    bool renewing = d->type == DECISION_INITIAL || d->type == DECISION_RECERTIFICATION;
    for (int i = 0; i < d->nstandards; i++) {
        if (!programme_is_iso27001_2013(d->standards[i].code))
            continue;
        if ((renewing && civil_date_compare(d->decided_on, audits_closed) > 0) ||
            civil_date_compare(d->decided_on, certificates_closed) > 0)
            return decision_rule_fails(
                d, false, "standard_closed", "programme_id",
                "ISO/IEC 27001:2013 is closed to this decision (transition to the 2022 "
                "edition)",
                NULL);
    }
    return CC_GO_ON;
}

/* Open findings of the included audits (cc_decision_blockers, the summary's function). */
static cc_step_t check_findings(decision_t *d)
{
    const char *params[] = {d->w->actor.tenant_id, cc_json_str(d->w->body, "programme_id"),
                            cc_json_str(d->w->body, "decided_on"), d->audit_ids};
    PGresult *res = cc_db_exec(d->w->db, &sql_decision_blockers, 4, params);
    if (!cc_db_is_ok(res))
        return decision_statement_failed(d, res, "decision blockers");
    json_t *open = json_array(), *past_cutoff = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        const char *reason = PQgetvalue(res, i, 1);
        json_t *target = strcmp(reason, "stage2_major_past_cutoff") == 0 ? past_cutoff : open;
        json_array_append_new(target, json_string(PQgetvalue(res, i, 0)));
    }
    PQclear(res);
    cc_step_t step = CC_GO_ON;
    if (d->type == DECISION_INITIAL && json_array_size(past_cutoff) > 0)
        step =
            decision_rule_fails(d, false, "new_stage2_required", "audit_ids",
                                "a Stage 2 major nonconformity was not verified within 6 months of Stage 2's "
                                "last day: a new Stage 2 is needed",
                                json_pack("{s:O}", "finding_ids", past_cutoff));
    if (step == CC_GO_ON && json_array_size(open) > 0)
        step = decision_rule_fails(d, false, "findings_open", "audit_ids",
                                   "a major nonconformity is not verified or a minor has no accepted plan",
                                   json_pack("{s:O}", "finding_ids", open));
    json_decref(open);
    json_decref(past_cutoff);
    return step;
}

/* An ISMS certificate states the Statement of Applicability's version (ISO/IEC 27006-1). */
static cc_step_t check_soa(decision_t *d)
{
    if (!d->grant || cc_json_str(d->w->body, "soa_version") != NULL)
        return CC_GO_ON;
    for (int i = 0; i < d->nstandards; i++)
        if (d->standards[i].isms)
            return decision_rule_fails(d, false, "soa_version_required", "soa_version",
                                       "an ISMS certificate states the Statement of Applicability's version",
                                       NULL);
    return CC_GO_ON;
}

cc_step_t decision_rules_check(decision_t *d)
{
    /* Independence first: a decision maker who audited is refused as such, whatever else is wrong. */
    cc_step_t (*const rules[])(decision_t *) = {check_independent, check_not_decided, check_audits,
                                                load_certificates, check_cycle,       check_transition,
                                                check_findings,    check_soa};
    cc_step_t step = CC_GO_ON;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && step == CC_GO_ON; i++)
        step = rules[i](d);
    return step;
}
