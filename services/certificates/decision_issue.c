/*
 * The certificates a granted decision issues or revises (DOMAIN.md
 * "Certificates"; 0017_certificates.sql): an initial grant issues one
 * certification per standard of the programme, revision 0 active, numbered
 * from the tenant's pattern (certificate_number.h) with the tenant's next
 * sequence, expiring three years less a day after the decision (capped for
 * ISO/IEC 27001:2013); a recertification, restoration or scope extension
 * supersedes each current revision by a new one (cc_certificate_revise):
 * recertification and restoration with the next cycle's expiry (continued from
 * the old expiry), a scope extension with the new scope and sites and the same
 * expiry. Every write is recorded (cc_certificate_record) in the transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certificate_number.h"
#include "decisions.h"

json_t *decision_certificate_json(decision_t *d, const char *id)
{
    const char *params[] = {d->w->actor.tenant_id, id};
    PGresult *res = cc_db_exec(d->w->db, &sql_certificate_json, 2, params);
    json_t *c = cc_db_is_ok(res) && PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
    PQclear(res);
    return c;
}

/* The sites the certificate prints: the decision's, else the programme's (empty: all the client's). */
static const char *sites_of(const decision_t *d)
{
    return d->site_ids[0] != '\0' ? d->site_ids : d->programme_sites;
}

/* The tenant's next number for standard; falls back to the default pattern when the tenant's cannot
 * express this slug or standard. */
static cc_step_t next_number(decision_t *d, const char *standard, char sequence[16], char *number,
                             size_t size)
{
    const char *params[] = {d->w->actor.tenant_id};
    PGresult *res = cc_db_exec(d->w->db, &sql_certificate_sequence, 1, params);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1)
        return decision_statement_failed(d, res, "certificate sequence");
    snprintf(sequence, 16, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    long seq = strtol(sequence, NULL, 10);
    int year = civil_date_today_utc().year;
    if (certificate_number_format(d->number_pattern, d->slug, standard, seq, year, number, size) !=
            CERTIFICATE_NUMBER_OK &&
        certificate_number_format(CERTIFICATE_NUMBER_DEFAULT_PATTERN, d->slug, standard, seq, year, number,
                                  size) != CERTIFICATE_NUMBER_OK)
        return cc_write_fail(d->w, 500, "internal_error", "no certificate number can be formed");
    return CC_GO_ON;
}

static cc_step_t record(decision_t *d, const char *certificate, const char *action)
{
    const char *params[] = {
        d->w->actor.tenant_id, certificate,     action, NULL, cc_json_str(d->w->body, "notes"),
        d->w->actor.user_id,   d->w->actor.role};
    return decision_exec(d, &sql_certificate_record, 7, params, "certificate record");
}

/* An initial grant: one certification and its revision 0 per standard. */
static cc_step_t issue_initial(decision_t *d)
{
    const json_t *body = d->w->body;
    const char *scope = cc_json_str(body, "scope") != NULL ? cc_json_str(body, "scope") : d->scope;
    char effective[CIVIL_DATE_BUFSIZE];
    civil_date_format(d->effective, effective);
    cc_step_t step = CC_GO_ON;
    for (int i = 0; i < d->nstandards && step == CC_GO_ON; i++) {
        const decision_standard_t *st = &d->standards[i];
        char expiry[CIVIL_DATE_BUFSIZE], sequence[16], number[CERTIFICATE_NUMBER_MAX + 1];
        civil_date_format(programme_certificate_expiry_cap(st->code, programme_cycle_expiry(d->decided_on)),
                          expiry);
        if ((step = next_number(d, st->code, sequence, number, sizeof(number))) != CC_GO_ON)
            break;
        const char *params[] = {d->w->actor.tenant_id,
                                cc_json_str(body, "programme_id"),
                                d->decision_id,
                                st->code,
                                sequence,
                                number,
                                scope,
                                sites_of(d),
                                cc_json_str(body, "soa_version"),
                                effective,
                                expiry};
        PGresult *res = cc_db_exec(d->w->db, &sql_certificate_issue, 11, params);
        if (!cc_db_is_ok(res) || PQntuples(res) != 1)
            return decision_statement_failed(d, res, "certificate issue");
        char id[37];
        snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
        step = record(d, id, "issued");
    }
    return step;
}

/* Recertification, restoration, scope extension: a new revision of each current certificate. */
static cc_step_t revise(decision_t *d)
{
    const json_t *body = d->w->body;
    bool extension = d->type == DECISION_SCOPE_EXTENSION;
    const char *scope = cc_json_str(body, "scope") != NULL ? cc_json_str(body, "scope")
                        : extension                        ? NULL
                                                           : d->scope;
    const char *sites = extension ? (d->site_ids[0] != '\0' ? d->site_ids : NULL) : sites_of(d);
    const char *action = d->type == DECISION_RESTORATION ? "reinstated" : "revised";
    char effective[CIVIL_DATE_BUFSIZE], expiry[CIVIL_DATE_BUFSIZE];
    civil_date_format(d->effective, effective);
    cc_step_t step = CC_GO_ON;
    for (int i = 0; i < d->ncertificates && step == CC_GO_ON; i++) {
        if (!extension)
            civil_date_format(programme_certificate_expiry_cap(d->certificates[i].standard, d->recert.expiry),
                              expiry);
        const char *params[] = {d->w->actor.tenant_id,
                                d->certificates[i].id,
                                action,
                                d->decision_id,
                                extension ? NULL : d->next_programme,
                                scope,
                                sites,
                                cc_json_str(body, "soa_version"),
                                effective,
                                extension ? NULL : expiry,
                                cc_json_str(body, "notes"),
                                d->w->actor.user_id,
                                d->w->actor.role};
        step = decision_exec(d, &sql_certificate_revise, 13, params, "certificate revision");
    }
    return step;
}

cc_step_t decision_issue(decision_t *d)
{
    return d->type == DECISION_INITIAL ? issue_initial(d) : revise(d);
}
