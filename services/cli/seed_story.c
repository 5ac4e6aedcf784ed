/*
 * The demo's stories (seed.h): for each demo CB, four client organisations of
 * its own, so that nothing the tests count about client1's and client2's
 * organisations changes, each with its own story, dated relative to today:
 *
 *   certified  Stage 1 at -215, Stage 2 at -200..-198 (auditor1 lead, auditor2), granted at -185:
 *              its certificate active, surveillance 1 scheduled two weeks into its window (about
 *              +100), Stage 2's findings all dealt with (a major closed after a rejected and an
 *              accepted round, with the evidence PDF; a minor closed with verification deferred to
 *              surveillance 1; an observation recorded; an OFI closed).
 *   deciding   Stage 1 at -40, Stage 2 at -12..-10 (auditor1 lead, auditor2), no decision yet: its
 *              findings are open, response_submitted, rejected, accepted, verified and recorded,
 *              every deadline ahead, so the summary shows what blocks the grant.
 *   suspended  granted at -420 (auditor2), surveillance 1's window passed without it: suspended
 *              since -40 for missed_surveillance.
 *   withdrawn  granted at -700 (auditor2), suspended at -330 for non-payment, withdrawn at -150;
 *              its remaining audits cancelled.
 *
 * Days are chosen clear of what the tools book for auditor1 (tools/walkthrough.sh from -60 back;
 * tests/bench: -60..-59, -30..-28, and -400 and earlier).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "seed.h"

static const cc_sql_t sql_user_id = {
    "seed_user_id", "SELECT id FROM users WHERE tenant_id = $1 AND lower(email) = lower($2)"};
static const cc_sql_t sql_auditor_id = {
    "seed_auditor_id",
    "SELECT a.id FROM auditors a JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id "
    "WHERE a.tenant_id = $1 AND lower(u.email) = lower($2)"};
static const cc_sql_t sql_has_programme = {
    "seed_has_programme", "SELECT count(*) FROM programmes WHERE tenant_id = $1 AND client_id = $2"};

int seed_exec(seed_ctx_t *s, const cc_sql_t *sql, int nparams, const char *const *params, char *out,
              size_t outsize, const char *what)
{
    PGresult *res = cc_db_exec(s->db, sql, nparams, params);
    int ok = cc_db_is_ok(res) && (out == NULL || (PQntuples(res) >= 1 && !PQgetisnull(res, 0, 0)));
    if (ok && out != NULL)
        snprintf(out, outsize, "%s", PQgetvalue(res, 0, 0));
    if (!ok)
        fprintf(stderr, "certcycle: seed-demo (%s, %s): %s\n", s->slug, what,
                res != NULL && PQresultErrorMessage(res)[0] != '\0' ? PQresultErrorMessage(res) : "no row");
    PQclear(res);
    return ok ? 0 : -1;
}

void seed_day(const seed_ctx_t *s, int offset, char out[CIVIL_DATE_BUFSIZE])
{
    civil_date_format(civil_date_add_days(s->today, offset), out);
}

/* The staff the stories act as: user ids of admin, scheme manager, decision maker; auditor records. */
static int load_staff(seed_ctx_t *s)
{
    static const struct {
        const char *local;
        size_t offset;
        bool auditor;
    } staff[] = {
        {"admin", offsetof(seed_ctx_t, admin), false},
        {"scheme_manager", offsetof(seed_ctx_t, sm), false},
        {"decision_maker", offsetof(seed_ctx_t, dm), false},
        {"auditor1", offsetof(seed_ctx_t, lead_user), false},
        {"auditor1", offsetof(seed_ctx_t, auditor1), true},
        {"auditor2", offsetof(seed_ctx_t, auditor2), true},
    };
    for (size_t i = 0; i < sizeof(staff) / sizeof(staff[0]); i++) {
        char email[128];
        snprintf(email, sizeof(email), "%s@%s.example", staff[i].local, s->slug);
        const char *params[] = {s->tenant_id, email};
        if (seed_exec(s, staff[i].auditor ? &sql_auditor_id : &sql_user_id, 2, params,
                      (char *)s + staff[i].offset, 37, email) != 0)
            return -1;
    }
    return 0;
}

/* Stage 1 and Stage 2 of a programme conducted on the given days by lead and member, completed. */
static int conduct_initial(seed_ctx_t *s, const char *programme, const int days[4], const char *lead,
                           const char *member, char stage1[37], char stage2[37])
{
    seed_audit_t s1 = {
        "stage1",
        1,
        days[0],
        days[1],
        "completed",
        lead,
        NULL,
        "{\"ready_for_stage2\":true,\"areas_of_concern\":[\"Supplier access reviews are informal\"]}"};
    seed_audit_t s2 = {
        "stage2",    1,
        days[2],     days[3],
        "completed", lead,
        member,      "{\"summary\":\"Stage 2 conducted on site; findings raised as recorded\"}"};
    return seed_audit_conduct(s, programme, &s1, stage1) == 0 &&
                   seed_audit_conduct(s, programme, &s2, stage2) == 0
               ? 0
               : -1;
}

/* Mid-cycle: certified at -185, surveillance 1 scheduled in its window, Stage 2's findings settled. */
static int story_certified(seed_ctx_t *s, const char *client)
{
    char p[37], s1[37], s2[37], decision[37], cert[37], surv[37];
    static const int days[4] = {-215, -215, -200, -198};
    int window;
    if (seed_programme_plan(s, client, "Freight data analytics platform: development, hosting and support",
                            -235, p) != 0 ||
        conduct_initial(s, p, days, s->auditor1, s->auditor2, s1, s2) != 0 ||
        seed_findings_settled(s, s2, days[3]) != 0 ||
        seed_decision_grant(s, p, s1, s2, -185, decision) != 0 ||
        seed_certificate_issue(s, p, decision, -185, cert) != 0 ||
        seed_window_start(s, p, "surveillance", 1, &window) != 0)
        return -1;
    seed_audit_t surveillance = {"surveillance", 1,           window + 14, window + 15,
                                 "scheduled",    s->auditor1, s->auditor2, NULL};
    return seed_audit_conduct(s, p, &surveillance, surv);
}

/* Awaiting its decision: Stage 2 ten days ago, its findings still moving. */
static int story_deciding(seed_ctx_t *s, const char *client)
{
    char p[37], s1[37], s2[37];
    static const int days[4] = {-40, -40, -12, -10};
    if (seed_programme_plan(s, client, "Genomic data processing and its laboratory information systems", -47,
                            p) != 0 ||
        conduct_initial(s, p, days, s->auditor1, s->auditor2, s1, s2) != 0)
        return -1;
    return seed_findings_moving(s, s2, days[3]);
}

/* Certified at -420; surveillance 1's window has passed: suspended since -40. */
static int story_suspended(seed_ctx_t *s, const char *client)
{
    char p[37], s1[37], s2[37], decision[37], cert[37];
    static const int days[4] = {-455, -455, -440, -438};
    if (seed_programme_plan(s, client, "Telemetry, billing and customer data services", -475, p) != 0 ||
        conduct_initial(s, p, days, s->auditor2, NULL, s1, s2) != 0 ||
        seed_decision_grant(s, p, s1, s2, -420, decision) != 0 ||
        seed_certificate_issue(s, p, decision, -420, cert) != 0)
        return -1;
    return seed_certificate_suspend(s, cert, -40, "missed_surveillance",
                                    "Surveillance 1 was not held within its window");
}

/* Certified at -700, suspended at -330 for non-payment, withdrawn at -150. */
static int story_withdrawn(seed_ctx_t *s, const char *client)
{
    char p[37], s1[37], s2[37], decision[37], cert[37];
    static const int days[4] = {-735, -735, -720, -719};
    if (seed_programme_plan(s, client, "Transactional print and mail services", -755, p) != 0 ||
        conduct_initial(s, p, days, s->auditor2, NULL, s1, s2) != 0 ||
        seed_decision_grant(s, p, s1, s2, -700, decision) != 0 ||
        seed_certificate_issue(s, p, decision, -700, cert) != 0 ||
        seed_certificate_suspend(s, cert, -330, "non_payment", "Certification fees unpaid for six months") !=
            0 ||
        seed_certificate_withdraw(s, cert, "suspended", -150,
                                  "Fees still unpaid when the suspension ended") != 0)
        return -1;
    return seed_programme_cancel_planned(s, p, "certificate withdrawn");
}

/* One story in one transaction, skipped when the organisation has a programme already (seeded before). */
static int run_story(seed_ctx_t *s, const demo_client_t *c, int (*story)(seed_ctx_t *, const char *))
{
    char client[37], count[16];
    if (seed_client_ensure(s->db, s->tenant_id, c, client) != 0 || cc_db_begin(s->db, s->tenant_id) != 0)
        return -1;
    const char *params[] = {s->tenant_id, client};
    int rc = seed_exec(s, &sql_has_programme, 2, params, count, sizeof(count), "existing programme");
    if (rc == 0 && strcmp(count, "0") == 0) {
        rc = load_staff(s) == 0 && story(s, client) == 0 && cc_db_commit(s->db) == 0 ? 0 : -1;
        if (rc != 0)
            fprintf(stderr, "certcycle: seed-demo: the story of %s was not written\n", c->legal_name);
    }
    cc_db_rollback(s->db);
    return rc;
}

int seed_stories(cc_dbconn_t *db, const char *tenant_id, const char *slug,
                 const demo_story_clients_t *clients)
{
    seed_ctx_t s;
    memset(&s, 0, sizeof(s));
    s.db = db, s.tenant_id = tenant_id, s.slug = slug, s.today = civil_date_today_utc();
    if (run_story(&s, &clients->certified, story_certified) != 0 ||
        run_story(&s, &clients->deciding, story_deciding) != 0 ||
        run_story(&s, &clients->suspended, story_suspended) != 0 ||
        run_story(&s, &clients->withdrawn, story_withdrawn) != 0)
        return -1;
    return 0;
}
