/*
 * The demo's findings (seed.h; DOMAIN.md "Findings", 0014_findings.sql): raised
 * by auditor1 with the deadlines the findings service computes (libccrules'
 * finding_deadlines and the Stage 2 major cut-off), moved through their state
 * machine one guarded step at a time (`UPDATE ... WHERE status = <expected>`,
 * as finding_move.c does) with a history row per step, the client's response
 * rounds answered on its behalf by the scheme manager, reviewed by auditor1,
 * and one evidence file: a one-page PDF stored as the findings service stores
 * an upload (evidence_chunks, then its evidence_files row with the size and
 * SHA-256), linked to the round it was sent with, so GET /v1/evidence/{id}
 * streams it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_crypto.h"
#include "finding_rules.h"
#include "seed.h"

#define EVIDENCE_CHUNK_SIZE (256 * 1024) /* services/findings/evidence_upload.c */

static const cc_sql_t sql_raise = {
    "seed_finding_raise",
    "WITH f AS (INSERT INTO findings (tenant_id, audit_id, programme_id, client_id, grade, status, "
    "    requirement_id, client_requirement, statement, evidence, plan_due, closure_due, "
    "    decision_blocking_after, raised_by, raised_at, created_at, updated_at) "
    "  SELECT $1, a.id, a.programme_id, a.client_id, $3, CASE WHEN $3 IN ('major', 'minor') THEN 'open' "
    "    ELSE 'recorded' END, $4, $5, $6, $7, $8::date, $9::date, $10::date, $11, $12::timestamptz, "
    "    $12::timestamptz, $12::timestamptz "
    "  FROM audits a WHERE a.tenant_id = $1 AND a.id = $2 RETURNING *) "
    "INSERT INTO finding_history (tenant_id, finding_id, action, to_status, to_grade, actor_id, actor_role, "
    "  occurred_at) "
    "SELECT f.tenant_id, f.id, 'raised', f.status, f.grade, f.raised_by, 'auditor', f.raised_at "
    "FROM f RETURNING finding_id"};

/* finding_move.c's guarded step with its history row, at time $10. */
static const cc_sql_t sql_move = {
    "seed_finding_move",
    "WITH moved AS ("
    " UPDATE findings SET status = $4, version = version + 1, updated_at = $10::timestamptz,"
    "  verification = coalesce($5::text, verification),"
    "  closed_at = CASE WHEN $4::text = 'closed' THEN $10::timestamptz END"
    " WHERE tenant_id = $1 AND id = $2 AND status = $3 RETURNING tenant_id, id) "
    "INSERT INTO finding_history (tenant_id, finding_id, action, from_status, to_status, reason, detail,"
    " actor_id, actor_role, occurred_at) "
    "SELECT m.tenant_id, m.id, $6, $3, $4, $7, $8::jsonb, $9::uuid, $11, $10::timestamptz FROM moved m "
    "RETURNING id"};

static const cc_sql_t sql_round = {
    "seed_finding_round",
    "INSERT INTO finding_responses (tenant_id, finding_id, round, correction, root_cause, corrective_action,"
    " responsible, target_date, submitted_by, on_behalf, submitted_at) "
    "SELECT $1::uuid, $2::uuid, coalesce(max(r.round), 0) + 1, $3, $4, $5, $6, $7::date, $8::uuid, true, "
    "  $9::timestamptz "
    "FROM finding_responses r WHERE r.tenant_id = $1::uuid AND r.finding_id = $2::uuid "
    "RETURNING id, jsonb_build_object('round', round, 'on_behalf', true)::text"};

static const cc_sql_t sql_round_decide = {
    "seed_finding_round_decide",
    "UPDATE finding_responses r SET decision = $3, decision_reason = $4, decided_by = $5, "
    "  decided_at = $6::timestamptz "
    "WHERE r.tenant_id = $1 AND r.finding_id = $2 AND r.decision IS NULL RETURNING r.id"};

static const cc_sql_t sql_chunk = {
    "seed_evidence_chunk",
    "INSERT INTO evidence_chunks (tenant_id, file_id, seq, data) VALUES ($1, $2, 0, $3::bytea)"};

static const cc_sql_t sql_evidence = {
    "seed_evidence_file",
    "INSERT INTO evidence_files (tenant_id, id, finding_id, response_id, name, content_type, size, sha256, "
    "  chunk_size, uploaded_by, uploaded_at) "
    "VALUES ($1, $2, $3, $4, $5, 'application/pdf', $6::bigint, decode($7, 'hex'), $8::int, $9, "
    "  $10::timestamptz) RETURNING id"};

/* A moment of day `offset` (its hour keeps one day's steps in order). */
static void at(const seed_ctx_t *s, int offset, int hour, char out[32])
{
    char day[CIVIL_DATE_BUFSIZE];
    seed_day(s, offset, day);
    snprintf(out, 32, "%sT%02d:00:00Z", day, hour);
}

/* One finding to raise: grade, requirement (catalogue id) or the client's own, what was found. */
typedef struct demo_finding {
    const char *grade, *requirement, *client_requirement, *statement, *evidence;
} demo_finding_t;

/* Raises f on the audit whose last day is `last`, at its end; writes the finding's id. */
static int raise(seed_ctx_t *s, const char *audit, int last, bool stage2, const demo_finding_t *f,
                 char id[37])
{
    bool nc = strcmp(f->grade, "major") == 0 || strcmp(f->grade, "minor") == 0;
    civil_date_t end = civil_date_add_days(s->today, last);
    finding_settings_t fs;
    finding_settings_default(&fs);
    programme_finding_deadlines_t d;
    if (finding_deadlines(end, false, end, &fs, &d) != 0)
        return -1;
    char plan[CIVIL_DATE_BUFSIZE], closure[CIVIL_DATE_BUFSIZE], cutoff[CIVIL_DATE_BUFSIZE], when[32];
    civil_date_format(d.plan_due, plan);
    civil_date_format(d.closure_due, closure);
    civil_date_format(programme_major_nc_cutoff(end), cutoff);
    at(s, last, 16, when);
    bool blocking = stage2 && strcmp(f->grade, "major") == 0;
    const char *params[] = {
        s->tenant_id, audit,       f->grade,         f->requirement,      f->client_requirement,
        f->statement, f->evidence, nc ? plan : NULL, nc ? closure : NULL, blocking ? cutoff : NULL,
        s->lead_user, when};
    return seed_exec(s, &sql_raise, 12, params, id, 37, "finding raise");
}

/* One guarded step (history action, from, to) on day `day` at `hour`, by the auditor or the scheme manager.
 */
static int move(seed_ctx_t *s, const char *id, const char *action, const char *from, const char *to, int day,
                int hour, const char *reason, const char *detail, const char *verification)
{
    char when[32], hist[37];
    at(s, day, hour, when);
    bool responded = strcmp(action, "responded") == 0;
    const char *params[] = {s->tenant_id,
                            id,
                            from,
                            to,
                            verification,
                            action,
                            reason,
                            detail,
                            responded ? s->sm : s->lead_user,
                            when,
                            responded ? "scheme_manager" : "auditor"};
    return seed_exec(s, &sql_move, 11, params, hist, sizeof(hist), "finding step");
}

/* A response round submitted for the client (round_id receives it), and the finding's step to
 * response_submitted. */
static int respond(seed_ctx_t *s, const char *id, const char *from, int day, const char *const answer[4],
                   int target, char round_id[37])
{
    char when[32], target_date[CIVIL_DATE_BUFSIZE], detail[64];
    at(s, day, 10, when);
    seed_day(s, target, target_date);
    const char *params[] = {s->tenant_id, id,          answer[0], answer[1], answer[2],
                            answer[3],    target_date, s->sm,     when};
    PGresult *res = cc_db_exec(s->db, &sql_round, 9, params);
    int ok = cc_db_is_ok(res) && PQntuples(res) == 1;
    if (ok) { /* the history's detail as responses.c writes it: {round, on_behalf} */
        snprintf(round_id, 37, "%s", PQgetvalue(res, 0, 0));
        snprintf(detail, sizeof(detail), "%s", PQgetvalue(res, 0, 1));
    } else
        fprintf(stderr, "certcycle: seed-demo (%s, response round): %s", s->slug, PQresultErrorMessage(res));
    PQclear(res);
    return ok ? move(s, id, "responded", from, "response_submitted", day, 10, NULL, detail, NULL) : -1;
}

/* The auditor's decision on the round awaiting review (reason: a rejection's). */
static int review(seed_ctx_t *s, const char *id, bool accept, int day, const char *reason)
{
    char when[32], round[37];
    at(s, day, 14, when);
    const char *params[] = {s->tenant_id, id, accept ? "accepted" : "rejected", reason, s->lead_user, when};
    if (seed_exec(s, &sql_round_decide, 6, params, round, sizeof(round), "response review") != 0)
        return -1;
    return move(s, id, accept ? "accepted" : "rejected", "response_submitted",
                accept ? "accepted" : "rejected", day, 14, reason, NULL, NULL);
}

/* A one-page PDF (PDF 1.4, one Helvetica text line per entry of lines), in *out (caller frees). */
static size_t evidence_pdf(const char *const lines[], size_t nlines, char **out)
{
    cc_buf_t content = {0}, pdf = {0};
    cc_buf_printf(&content, "BT /F1 14 Tf 72 760 Td 18 TL\n");
    for (size_t i = 0; i < nlines; i++)
        cc_buf_printf(&content, "(%s) Tj T*\n", lines[i]);
    cc_buf_printf(&content, "%s", "ET\n");
    char stream_head[64];
    snprintf(stream_head, sizeof(stream_head), "<< /Length %zu >>\nstream\n", content.len);
    const char *objects[5] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        NULL, /* the content stream */
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    };
    size_t offsets[5];
    cc_buf_printf(&pdf, "%s", "%PDF-1.4\n");
    for (int i = 0; i < 5; i++) {
        offsets[i] = pdf.len;
        cc_buf_printf(&pdf, "%d 0 obj\n", i + 1);
        if (objects[i] != NULL)
            cc_buf_printf(&pdf, "%s", objects[i]);
        else {
            cc_buf_printf(&pdf, "%s", stream_head);
            cc_buf_append(&pdf, content.data, content.len);
            cc_buf_printf(&pdf, "%s", "endstream");
        }
        cc_buf_printf(&pdf, "%s", "\nendobj\n");
    }
    size_t xref = pdf.len;
    cc_buf_printf(&pdf, "%s", "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 0; i < 5; i++)
        cc_buf_printf(&pdf, "%010zu 00000 n \n", offsets[i]);
    cc_buf_printf(&pdf, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    free(content.data);
    *out = pdf.data;
    return pdf.len;
}

/* The access review report, stored as an upload with the round it was sent with. */
static int store_evidence(seed_ctx_t *s, const char *finding, const char *round, int day)
{
    static const char *const lines[] = {
        "Access review Q3 - user accounts and privileged rights",
        "Scope: all production systems and the customer data platform",
        "Accounts reviewed: 214. Leavers' accounts removed: 12. Rights reduced: 9.",
        "Reviewer: IT security manager. Next review: next quarter.",
    };
    char *pdf = NULL;
    size_t len = evidence_pdf(lines, sizeof(lines) / sizeof(lines[0]), &pdf);
    uint8_t digest[CC_SHA256_LEN];
    cc_sha256(pdf, len, digest);
    char file_id[37], hex[2 * CC_SHA256_LEN + 1], size[24], chunk_size[16], when[32], out[37];
    cc_uuid_v4(file_id);
    cc_hex_encode(digest, CC_SHA256_LEN, hex);
    snprintf(size, sizeof(size), "%zu", len);
    snprintf(chunk_size, sizeof(chunk_size), "%d", EVIDENCE_CHUNK_SIZE);
    at(s, day, 11, when);
    const char *chunk[] = {s->tenant_id, file_id, pdf};
    const int lengths[] = {0, 0, (int)len}, formats[] = {0, 0, 1};
    PGresult *res = cc_db_exec_params(s->db, &sql_chunk, 3, chunk, lengths, formats);
    int ok = cc_db_is_ok(res);
    if (!ok)
        fprintf(stderr, "certcycle: seed-demo (%s, evidence chunk): %s", s->slug, PQresultErrorMessage(res));
    PQclear(res);
    free(pdf);
    const char *file[] = {s->tenant_id, file_id, finding,    round, "Access review Q3.pdf",
                          size,         hex,     chunk_size, s->sm, when};
    return ok ? seed_exec(s, &sql_evidence, 10, file, out, sizeof(out), "evidence file") : -1;
}

static const char *const access_answer[4] = {
    "Removed the 12 leavers' accounts; reviewed every privileged account",
    "No owner for access reviews: the joiner-mover-leaver process ends at HR",
    "Quarterly access review owned by IT security; HR's leaver form revokes access on the last day",
    "IT security manager"};

int seed_findings_settled(seed_ctx_t *s, const char *stage2, int last)
{
    static const demo_finding_t major = {
        "major", "ISO27001:2022/A.5.15", NULL, "Access rights are not reviewed.",
        "No access review since last year; 12 leavers still hold active accounts."};
    static const demo_finding_t minor = {"minor", "ISO27001:2022/9.2", NULL,
                                         "The internal audit programme skips two processes.",
                                         "This year's audit programme omits HR and supplier management."};
    static const demo_finding_t obs = {"observation", NULL, "Clean desk policy CD-01",
                                       "Screens are left unlocked in the open-plan office.",
                                       "Two unlocked, unattended screens on the second floor at 10:40."};
    static const demo_finding_t ofi = {"ofi", "ISO27001:2022/A.8.16", NULL,
                                       "Monitoring alerts could be correlated across systems.",
                                       "Alerts of the firewall and the SIEM are triaged separately."};
    static const char *const internal_audit[4] = {
        "Added HR and supplier management to this year's audit programme",
        "The programme was copied from the previous year without a review of the processes",
        "The ISMS manager reviews the programme against the process map each January", "ISMS manager"};
    char f[4][37], round[37];
    if (raise(s, stage2, last, true, &major, f[0]) != 0 || raise(s, stage2, last, true, &minor, f[1]) != 0 ||
        raise(s, stage2, last, true, &obs, f[2]) != 0 || raise(s, stage2, last, true, &ofi, f[3]) != 0)
        return -1;
    /* the major: rejected once, answered again with the review report, accepted, verified, closed */
    if (respond(s, f[0], "open", last + 8, access_answer, last + 60, round) != 0 ||
        review(s, f[0], false, last + 10, "The root cause names no process") != 0 ||
        respond(s, f[0], "rejected", last + 11, access_answer, last + 60, round) != 0 ||
        store_evidence(s, f[0], round, last + 11) != 0 || review(s, f[0], true, last + 12, NULL) != 0 ||
        move(s, f[0], "verified", "accepted", "verified", last + 12, 15, NULL,
             "{\"method\":\"document\",\"notes\":\"Q3 access review report checked\"}", "verified") != 0 ||
        move(s, f[0], "closed", "verified", "closed", last + 12, 16, NULL, NULL, NULL) != 0)
        return -1;
    /* the minor: plan accepted, closed with its verification deferred to the next audit */
    if (respond(s, f[1], "open", last + 6, internal_audit, last + 80, round) != 0 ||
        review(s, f[1], true, last + 9, NULL) != 0 ||
        move(s, f[1], "closed", "accepted", "closed", last + 9, 15, NULL, "{\"verification\":\"deferred\"}",
             "deferred") != 0)
        return -1;
    return move(s, f[3], "closed", "recorded", "closed", last + 2, 12, NULL, NULL, NULL);
}

int seed_findings_moving(seed_ctx_t *s, const char *stage2, int last)
{
    static const demo_finding_t found[6] = {
        {"major", "ISO27001:2022/A.8.8", NULL,
         "Critical vulnerabilities are not patched within the policy's 14 days.",
         "Three servers miss critical patches released 60 days ago."},
        {"minor", "ISO27001:2022/A.5.19", NULL, "Supplier security requirements are not agreed.",
         "Contract CH-2024-07 has no security annex."},
        {"minor", "ISO27001:2022/7.2", NULL, "Competence records are incomplete.",
         "Two of five administrators sampled have no training record."},
        {"minor", "ISO27001:2022/A.8.13", NULL, "Backups are not restored in tests.",
         "No restore test recorded this year."},
        {"major", "ISO27001:2022/A.5.24", NULL, "There is no incident response plan.",
         "Incidents are handled ad hoc; no roles or escalation are defined."},
        {"observation", NULL, "Visitor policy VP-02", "Visitor badges are not always returned.",
         "The visitor log shows four badges not returned last month."},
    };
    static const char *const answers[4][4] = {
        {"Security annex sent to CH for signature", "Contracts are renewed from an old template",
         "Legal adds the security annex to the template; procurement checks it", "Head of procurement"},
        {"Training records completed for the two administrators", "Records are kept by each team",
         "One training register owned by HR", "HR manager"},
        {"Restore test run on the file server", "Restore tests were never planned",
         "Quarterly restore test in the operations calendar", "Operations manager"},
        {"Incident response plan IR-01 issued", "Incident handling was never formalised",
         "IR-01 with roles, escalation and a yearly exercise", "CISO"},
    };
    char f[6][37], round[37];
    for (int i = 0; i < 6; i++)
        if (raise(s, stage2, last, true, &found[i], f[i]) != 0)
            return -1;
    /* f[0] stays open; f[1] awaits review; f[2] rejected; f[3] accepted; f[4] verified; f[5] recorded */
    if (respond(s, f[1], "open", last + 6, answers[0], last + 40, round) != 0 ||
        respond(s, f[2], "open", last + 3, answers[1], last + 40, round) != 0 ||
        review(s, f[2], false, last + 5, "The register names no owner for keeping it current") != 0 ||
        respond(s, f[3], "open", last + 2, answers[2], last + 30, round) != 0 ||
        review(s, f[3], true, last + 4, NULL) != 0 ||
        respond(s, f[4], "open", last + 1, answers[3], last + 20, round) != 0 ||
        review(s, f[4], true, last + 3, NULL) != 0)
        return -1;
    return move(s, f[4], "verified", "accepted", "verified", last + 7, 15, NULL,
                "{\"method\":\"remote\",\"notes\":\"IR-01 walked through with the CISO\"}", "verified");
}
