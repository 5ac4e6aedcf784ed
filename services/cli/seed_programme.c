/*
 * The demo's programmes and audits (seed.h): planned as POST /v1/programmes
 * plans them (scheduling's audit-time calculation, audit_time.c, and the
 * cycle rules of libccrules) on the day they were created, conducted with
 * their teams (the booking triggers of 0008 refuse a double-booked auditor),
 * and granted as POST /v1/decisions grants (the decision row, the programme's
 * expiry and windows: the statements of services/certificates/decision_store.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_time.h"
#include "audit_time_json.h"
#include "cycle_rules.h"
#include "seed.h"

#define DEMO_STANDARD "ISO/IEC 27001:2022"

static const cc_sql_t sql_client_size = {
    "seed_client_size",
    "SELECT c.personnel, "
    "  (SELECT count(*) FROM sites s WHERE s.tenant_id = c.tenant_id AND s.client_id = c.id) "
    "FROM clients c WHERE c.tenant_id = $1 AND c.id = $2"};

static const cc_sql_t sql_programme_insert = {
    "seed_programme_insert",
    "INSERT INTO programmes (tenant_id, client_id, standards, scope, sector_codes, expiry_date, audit_time, "
    "  created_at, updated_at) "
    "VALUES ($1, $2, ARRAY['" DEMO_STANDARD "'], $3, ARRAY['IAF 33'], $4::date, $5::jsonb, "
    "  $6::date + time '09:00', $6::date + time '09:00') RETURNING id"};

static const cc_sql_t sql_audit_insert = {
    "seed_audit_insert",
    "INSERT INTO audits (tenant_id, programme_id, client_id, type, sequence, position, window_start, "
    "  window_end, provisional, planned_days, calculated_days, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5::int, $6::int, $7::date, $8::date, true, $9::numeric, $9::numeric, "
    "  $10::date + time '09:00', $10::date + time '09:00')"};

/* Dates and status of one audit; a completed one keeps its conclusions with the day they were recorded. */
static const cc_sql_t sql_audit_conduct = {
    "seed_audit_conduct",
    "UPDATE audits SET start_date = $5::date, end_date = $6::date, status = $7, "
    "  outcome = CASE WHEN $8::jsonb IS NULL THEN NULL "
    "                 ELSE $8::jsonb || jsonb_build_object('completed_on', $6) END, "
    "  version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND programme_id = $2 AND type = $3 AND sequence = $4::int AND status = 'planned' "
    "RETURNING id"};

static const cc_sql_t sql_team_insert = {
    "seed_team_insert",
    "INSERT INTO audit_team (tenant_id, audit_id, auditor_id, role) VALUES ($1, $2, $3, $4)"};

static const cc_sql_t sql_decision_insert = {
    "seed_decision_insert",
    "INSERT INTO certification_decisions (tenant_id, programme_id, type, outcome, audit_ids, decided_on, "
    "  effective_date, soa_version, notes, decided_by, created_at) "
    "VALUES ($1, $2, 'initial', 'grant', ARRAY[$3, $4]::uuid[], $5::date, $5::date, 'SoA v2', "
    "  'Stage 1 and Stage 2 completed; every nonconformity closed or with an accepted plan.', $6, "
    "  $5::date + time '14:00') RETURNING id"};

static const cc_sql_t sql_programme_decided = {
    "seed_programme_decided",
    "UPDATE programmes SET decision_date = $3::date, expiry_date = $4::date, version = version + 1, "
    "  updated_at = now() WHERE tenant_id = $1 AND id = $2"};

/* As decision_store.c: the window of an audit (none: no row), one more surveillance, the surplus. */
static const cc_sql_t sql_window_set = {
    "seed_window_set",
    "UPDATE audits SET window_start = $5::date, window_end = $6::date, provisional = false, "
    "  version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND programme_id = $2 AND type = $3 AND sequence = $4::int AND status <> "
    "'cancelled' "
    "RETURNING id"};

static const cc_sql_t sql_surveillance_add = {
    "seed_surveillance_add",
    "INSERT INTO audits (tenant_id, programme_id, client_id, type, sequence, position, window_start, "
    "  window_end, provisional, planned_days, calculated_days) "
    "SELECT a.tenant_id, a.programme_id, a.client_id, 'surveillance', $3::int, "
    "  (SELECT max(position) + 1 FROM audits WHERE tenant_id = $1 AND programme_id = $2), $4::date, "
    "$5::date, "
    "  false, a.calculated_days, a.calculated_days "
    "FROM audits a WHERE a.tenant_id = $1 AND a.programme_id = $2 AND a.type = 'surveillance' "
    "ORDER BY a.sequence LIMIT 1 RETURNING id"};

static const cc_sql_t sql_surveillance_surplus = {
    "seed_surveillance_surplus",
    "UPDATE audits SET status = 'cancelled', cancel_reason = 'not needed once the certification decision set "
    "the windows', version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND programme_id = $2 AND type = 'surveillance' AND sequence > $3::int "
    "  AND status = 'planned'"};

static const cc_sql_t sql_cancel_planned = {
    "seed_cancel_planned",
    "UPDATE audits SET status = 'cancelled', cancel_reason = $3, version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND programme_id = $2 AND status = 'planned'"};

static const cc_sql_t sql_window_start = {"seed_window_start",
                                          "SELECT (window_start - $5::date)::text FROM audits "
                                          "WHERE tenant_id = $1 AND programme_id = $2 AND type = $3 AND "
                                          "sequence = $4::int AND status <> 'cancelled'"};

/* The cycle's audit time for the client (its personnel, all its sites), as scheduling computes it. */
static int audit_time(seed_ctx_t *s, const char *client_id, audit_time_input_t *in, audit_time_result_t *out)
{
    char personnel[24];
    const char *params[] = {s->tenant_id, client_id};
    PGresult *res = cc_db_exec(s->db, &sql_client_size, 2, params);
    int ok = cc_db_is_ok(res) && PQntuples(res) == 1;
    long sites = ok ? atol(PQgetvalue(res, 0, 1)) : 0;
    snprintf(personnel, sizeof(personnel), "%s", ok ? PQgetvalue(res, 0, 0) : "0");
    PQclear(res);
    memset(in, 0, sizeof(*in));
    in->standard = AUDIT_TIME_ISO27001_2022;
    in->personnel = atol(personnel);
    in->sites = sites > 0 ? sites : 1;
    audit_time_error_t err;
    if (!ok || audit_time_compute(in, NULL, out, &err) != AUDIT_TIME_OK) {
        fprintf(stderr, "certcycle: seed-demo (%s): no audit time for client %s\n", s->slug, client_id);
        return -1;
    }
    return 0;
}

typedef struct planned {
    const char *type;
    int sequence;
    programme_window_t window;
    double days;
} planned_t;

static int insert_audits(seed_ctx_t *s, const char *id, const char *client_id, const planned_t *plan, int n,
                         const char *created)
{
    for (int i = 0; i < n; i++) {
        char seq[12], pos[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE], days[32];
        snprintf(seq, sizeof(seq), "%d", plan[i].sequence);
        snprintf(pos, sizeof(pos), "%d", i + 1);
        snprintf(days, sizeof(days), "%.1f", plan[i].days);
        civil_date_format(plan[i].window.start, start);
        civil_date_format(plan[i].window.end, end);
        const char *params[] = {s->tenant_id, id,    client_id, plan[i].type, seq,
                                pos,          start, end,       days,         created};
        if (seed_exec(s, &sql_audit_insert, 10, params, NULL, 0, "audit insert") != 0)
            return -1;
    }
    return 0;
}

int seed_programme_plan(seed_ctx_t *s, const char *client_id, const char *scope, int created, char id[37])
{
    audit_time_input_t in;
    audit_time_result_t t;
    if (audit_time(s, client_id, &in, &t) != 0)
        return -1;
    /* programmes.c plan_cycle, on the day of creation */
    civil_date_t day = civil_date_add_days(s->today, created);
    programme_settings_t ps;
    programme_settings_default(&ps);
    programme_window_t stage2 = {civil_date_add_months(day, 1), civil_date_add_months(day, 6)};
    programme_windows_t w;
    if (programme_windows_provisional(stage2.end, &ps, &w) != 0)
        return -1;
    planned_t plan[3 + PROGRAMME_MAX_SURVEILLANCES + 1];
    int n = 0;
    plan[n++] = (planned_t){"stage1", 1, {day, civil_date_add_months(day, 3)}, t.stage1_days};
    plan[n++] = (planned_t){"stage2", 1, stage2, t.stage2_days};
    for (int k = 0; k < w.nsurveillances; k++)
        plan[n++] = (planned_t){"surveillance", k + 1, w.surveillance[k], t.surveillance_days};
    plan[n++] = (planned_t){"recertification", 1, w.recertification, t.recertification_days};
    char expiry[CIVIL_DATE_BUFSIZE], created_on[CIVIL_DATE_BUFSIZE];
    civil_date_format(w.expiry, expiry);
    civil_date_format(day, created_on);
    char *calculation = audit_time_to_json_text(&in, &t, NULL);
    const char *params[] = {s->tenant_id, client_id, scope, expiry, calculation, created_on};
    int rc = seed_exec(s, &sql_programme_insert, 6, params, id, 37, "programme insert");
    free(calculation);
    return rc == 0 ? insert_audits(s, id, client_id, plan, n, created_on) : -1;
}

int seed_audit_conduct(seed_ctx_t *s, const char *programme, const seed_audit_t *a, char id[37])
{
    char seq[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE];
    snprintf(seq, sizeof(seq), "%d", a->sequence);
    seed_day(s, a->start, start);
    seed_day(s, a->end, end);
    const char *params[] = {s->tenant_id, programme, a->type, seq, start, end, a->status, a->outcome};
    if (seed_exec(s, &sql_audit_conduct, 8, params, id, 37, "audit dates") != 0)
        return -1;
    const char *lead[] = {s->tenant_id, id, a->lead, "lead"};
    const char *member[] = {s->tenant_id, id, a->member, "auditor"};
    if (seed_exec(s, &sql_team_insert, 4, lead, NULL, 0, "audit lead") != 0 ||
        (a->member != NULL && seed_exec(s, &sql_team_insert, 4, member, NULL, 0, "audit team") != 0))
        return -1;
    return 0;
}

/* decision_windows.c set_window: the window, or one more surveillance when the cycle needs it. */
static int set_window(seed_ctx_t *s, const char *programme, const char *type, int sequence,
                      programme_window_t w)
{
    char seq[12], start[CIVIL_DATE_BUFSIZE], end[CIVIL_DATE_BUFSIZE], id[37];
    snprintf(seq, sizeof(seq), "%d", sequence);
    civil_date_format(w.start, start);
    civil_date_format(w.end, end);
    const char *params[] = {s->tenant_id, programme, type, seq, start, end};
    PGresult *res = cc_db_exec(s->db, &sql_window_set, 6, params);
    int ok = cc_db_is_ok(res), found = ok && PQntuples(res) > 0;
    PQclear(res);
    if (!ok)
        return seed_exec(s, &sql_window_set, 6, params, NULL, 0, "audit window"); /* prints why */
    if (found || strcmp(type, "surveillance") != 0)
        return 0;
    const char *add[] = {s->tenant_id, programme, seq, start, end};
    return seed_exec(s, &sql_surveillance_add, 5, add, id, sizeof(id), "surveillance add");
}

int seed_decision_grant(seed_ctx_t *s, const char *programme, const char *stage1, const char *stage2,
                        int decided, char decision[37])
{
    civil_date_t on = civil_date_add_days(s->today, decided);
    programme_settings_t ps;
    programme_settings_default(&ps);
    programme_windows_t w;
    if (programme_windows_initial(on, &ps, &w) != 0)
        return -1;
    char day[CIVIL_DATE_BUFSIZE], expiry[CIVIL_DATE_BUFSIZE], n[12];
    civil_date_format(on, day);
    civil_date_format(w.expiry, expiry);
    snprintf(n, sizeof(n), "%d", w.nsurveillances);
    const char *insert[] = {s->tenant_id, programme, stage1, stage2, day, s->dm};
    const char *decided_params[] = {s->tenant_id, programme, day, expiry};
    const char *surplus[] = {s->tenant_id, programme, n};
    if (seed_exec(s, &sql_decision_insert, 6, insert, decision, 37, "decision") != 0 ||
        seed_exec(s, &sql_programme_decided, 4, decided_params, NULL, 0, "programme decided") != 0)
        return -1;
    for (int k = 0; k < w.nsurveillances; k++)
        if (set_window(s, programme, "surveillance", k + 1, w.surveillance[k]) != 0)
            return -1;
    if (seed_exec(s, &sql_surveillance_surplus, 3, surplus, NULL, 0, "surveillance surplus") != 0)
        return -1;
    return set_window(s, programme, "recertification", 1, w.recertification);
}

int seed_programme_cancel_planned(seed_ctx_t *s, const char *programme, const char *reason)
{
    const char *params[] = {s->tenant_id, programme, reason};
    return seed_exec(s, &sql_cancel_planned, 3, params, NULL, 0, "cancel planned audits");
}

int seed_window_start(seed_ctx_t *s, const char *programme, const char *type, int sequence, int *offset)
{
    char seq[12], today[CIVIL_DATE_BUFSIZE], value[16];
    snprintf(seq, sizeof(seq), "%d", sequence);
    seed_day(s, 0, today);
    const char *params[] = {s->tenant_id, programme, type, seq, today};
    if (seed_exec(s, &sql_window_start, 5, params, value, sizeof(value), "audit window") != 0)
        return -1;
    *offset = atoi(value);
    return 0;
}
