/*
 * The demo's certificates (seed.h), written with the certificates service's
 * SQL (0017_certificates.sql, services/certificates/decision_store.c and
 * certificate_transitions.c): a certification and its revision 0 numbered
 * from the tenant's sequence, each change guarded by the status it expects and
 * recorded by cc_certificate_record (history, the numbered outbox, and through
 * 0022's trigger the registry backlog and the webhooks), so the public lookup,
 * the verify page and the QR code know them as soon as the certificates
 * service hears NOTIFY cc_certificates (or starts). The history rows are dated
 * on the days the story says they happened.
 */
#include <stdio.h>
#include <stdlib.h>

#include "certificate_number.h"
#include "cycle_rules.h"
#include "seed.h"

#define DEMO_STANDARD_CODE "ISO27001:2022"

static const cc_sql_t sql_sequence = {"seed_certificate_sequence", "SELECT cc_certificate_next_sequence()"};

/* services/certificates/decision_store.c sql_certificate_issue, dated on the decision's day ($10). */
static const cc_sql_t sql_issue = {
    "seed_certificate_issue",
    "WITH f AS (INSERT INTO certifications (tenant_id, client_id, standard, sequence, base_number, "
    "    original_issue_date, created_at) "
    "  SELECT $1, p.client_id, $4, $5::int, $6, $10::date, $10::date + time '14:00' FROM programmes p "
    "  WHERE p.tenant_id = $1 AND p.id = $2 RETURNING id, client_id, original_issue_date) "
    "INSERT INTO certificates (tenant_id, certification_id, revision, number, client_id, programme_id, "
    "  decision_id, standard, scope, sites, soa_version, original_issue_date, issue_date, effective_date, "
    "  expiry_date, status, created_at, updated_at) "
    "SELECT $1, f.id, 0, $6, f.client_id, $2, $3, $4, p.scope, "
    "  cc_certificate_sites(f.client_id, NULL, p.scope), $7, f.original_issue_date, "
    "  f.original_issue_date, $8::date, $9::date, 'active', "
    "  $10::date + time '14:00', $10::date + time '14:00' "
    "FROM f, programmes p WHERE p.tenant_id = $1 AND p.id = $2 RETURNING id"};

static const cc_sql_t sql_suspend = {
    "seed_certificate_suspend",
    "UPDATE certificates SET status = 'suspended', suspended_since = $3::date, "
    "  suspended_until = ($3::date + interval '6 months')::date, suspension_trigger = $4, "
    "  suspension_reason = $5, version = version + 1, updated_at = $3::date + time '15:00' "
    "WHERE tenant_id = $1 AND id = $2 AND status = 'active' RETURNING id"};

static const cc_sql_t sql_withdraw = {
    "seed_certificate_withdraw",
    "UPDATE certificates SET status = 'withdrawn', withdrawn_on = $4::date, suspended_since = NULL, "
    "  suspended_until = NULL, suspension_trigger = NULL, suspension_reason = NULL, version = version + 1, "
    "  updated_at = $4::date + time '15:00' "
    "WHERE tenant_id = $1 AND id = $2 AND status = $3 RETURNING id"};

/* History and outbox of a change, by the decision maker ($3 the action, $4 the status before). */
static const cc_sql_t sql_record = {"seed_certificate_record",
                                    "SELECT cc_certificate_record($2::uuid, $3, $4, $5, $6, $7::uuid, "
                                    "'decision_maker') WHERE cc_current_tenant() = $1::uuid"};

/* The change just recorded happened on day $4 (its history row; the outbox keeps when it was written). */
static const cc_sql_t sql_history_date = {
    "seed_certificate_history_date", "UPDATE certificate_history SET occurred_at = $4::date + time '15:00' "
                                     "WHERE tenant_id = $1 AND certificate_id = $2 AND action = $3"};

static int record(seed_ctx_t *s, const char *certificate, const char *action, const char *from,
                  const char *reason, const char *trigger, int day)
{
    char on[CIVIL_DATE_BUFSIZE];
    seed_day(s, day, on);
    const char *params[] = {s->tenant_id, certificate, action, from, reason, trigger, s->dm};
    const char *dated[] = {s->tenant_id, certificate, action, on};
    if (seed_exec(s, &sql_record, 7, params, NULL, 0, "certificate record") != 0)
        return -1;
    return seed_exec(s, &sql_history_date, 4, dated, NULL, 0, "certificate history date");
}

int seed_certificate_issue(seed_ctx_t *s, const char *programme, const char *decision, int decided,
                           char certificate[37])
{
    char sequence[16], number[CERTIFICATE_NUMBER_MAX + 1], day[CIVIL_DATE_BUFSIZE],
        expiry[CIVIL_DATE_BUFSIZE];
    civil_date_t on = civil_date_add_days(s->today, decided);
    civil_date_format(on, day);
    civil_date_format(programme_certificate_expiry_cap(DEMO_STANDARD_CODE, programme_cycle_expiry(on)),
                      expiry);
    if (seed_exec(s, &sql_sequence, 0, NULL, sequence, sizeof(sequence), "certificate sequence") != 0)
        return -1;
    if (certificate_number_format(CERTIFICATE_NUMBER_DEFAULT_PATTERN, s->slug, DEMO_STANDARD_CODE,
                                  strtol(sequence, NULL, 10), on.year, number,
                                  sizeof(number)) != CERTIFICATE_NUMBER_OK) {
        fprintf(stderr, "certcycle: seed-demo (%s): no certificate number\n", s->slug);
        return -1;
    }
    const char *params[] = {s->tenant_id, programme, decision, DEMO_STANDARD_CODE, sequence, number, "SoA v2",
                            day,          expiry,    day};
    if (seed_exec(s, &sql_issue, 10, params, certificate, 37, "certificate issue") != 0)
        return -1;
    return record(s, certificate, "issued", NULL, "Initial certification granted", NULL, decided);
}

int seed_certificate_suspend(seed_ctx_t *s, const char *certificate, int since, const char *trigger,
                             const char *reason)
{
    char day[CIVIL_DATE_BUFSIZE], id[37];
    seed_day(s, since, day);
    const char *params[] = {s->tenant_id, certificate, day, trigger, reason};
    if (seed_exec(s, &sql_suspend, 5, params, id, sizeof(id), "certificate suspend") != 0)
        return -1;
    return record(s, certificate, "suspended", "active", reason, trigger, since);
}

int seed_certificate_withdraw(seed_ctx_t *s, const char *certificate, const char *from, int on,
                              const char *reason)
{
    char day[CIVIL_DATE_BUFSIZE], id[37];
    seed_day(s, on, day);
    const char *params[] = {s->tenant_id, certificate, from, day};
    if (seed_exec(s, &sql_withdraw, 4, params, id, sizeof(id), "certificate withdraw") != 0)
        return -1;
    return record(s, certificate, "withdrawn", from, reason, NULL, on);
}
