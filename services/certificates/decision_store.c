/*
 * The statements of certification decisions (decisions.h): the programme and
 * its included audits, the rules' reads, the windows and the next cycle (as
 * scheduling planned them before decisions moved here), the decision row, and
 * the certificates a grant issues or revises (0017_certificates.sql's helpers).
 */
#include "decisions.h"

/* A decision as the API shows it (a jsonb expression over d). */
#define DECISION_OBJECT                                                                                      \
    "jsonb_build_object('id', d.id, 'programme_id', d.programme_id, 'type', d.type, 'outcome', d.outcome, "  \
    "  'audit_ids', to_jsonb(d.audit_ids), 'decided_on', d.decided_on, 'effective_date', d.effective_date, " \
    "  'scope', d.scope, 'site_ids', to_jsonb(d.site_ids), 'soa_version', d.soa_version, 'notes', d.notes, " \
    "  'reasons', d.reasons, 'decided_by', d.decided_by, 'next_programme_id', d.next_programme_id, "         \
    "  'certificate_ids', (SELECT coalesce(jsonb_agg(c.id ORDER BY f.sequence), '[]') FROM certificates c "  \
    "      JOIN certifications f ON f.tenant_id = c.tenant_id AND f.id = c.certification_id "                \
    "      WHERE c.tenant_id = d.tenant_id AND c.decision_id = d.id), "                                      \
    "  'created_at', cc_api_ts(d.created_at))"

/* The programme, locked: its client, scope, sites, decision, expiry and standards (catalogue order of the
 * programme: [{code, reference, family}]). */
const cc_sql_t sql_decision_programme_lock = {
    "certificates_decision_programme_lock",
    "SELECT p.client_id, p.scope, p.site_ids::text, p.decision_date IS NOT NULL, p.expiry_date::text, "
    "  (SELECT json_agg(json_build_object('code', st.code, 'reference', st.reference, 'family', st.family) "
    "      ORDER BY s.n) FROM unnest(p.standards) WITH ORDINALITY s(ref, n) "
    "      JOIN standards st ON st.reference = s.ref OR st.code = s.ref)::text "
    "FROM programmes p WHERE p.tenant_id = $1 AND p.id = $2 FOR UPDATE"};

/* The included audits $3 that belong to programme $2: type, status, last day. */
const cc_sql_t sql_decision_audits = {
    "certificates_decision_audits",
    "SELECT a.id, a.type, a.status, a.end_date::text FROM audits a "
    "WHERE a.tenant_id = $1 AND a.programme_id = $2 AND a.id = ANY ($3::uuid[]) ORDER BY a.position"};

/* Whether user $3 sat on the team of any audit in $2 (a decision maker must not have). */
const cc_sql_t sql_decision_team = {
    "certificates_decision_team",
    "SELECT 1 FROM audit_team t JOIN auditors u ON u.tenant_id = t.tenant_id AND u.id = t.auditor_id "
    "WHERE t.tenant_id = $1 AND t.audit_id = ANY ($2::uuid[]) AND u.user_id = $3 LIMIT 1"};

/* Whether the programme already has a granted decision of type $3. */
const cc_sql_t sql_decision_granted = {
    "certificates_decision_granted",
    "SELECT 1 FROM certification_decisions WHERE tenant_id = $1 AND programme_id = $2 AND type = $3 "
    "  AND outcome = 'grant' LIMIT 1"};

/* What holds up a grant on $3 (cc_decision_blockers, as GET /v1/findings/summary shows it), restricted to
 * the included audits $4: finding id, reason. */
const cc_sql_t sql_decision_blockers = {
    "certificates_decision_blockers",
    "SELECT b.finding_id, b.reason FROM cc_decision_blockers($2, $3::date) b "
    "JOIN audits a ON a.tenant_id = $1 AND a.id = b.audit_id WHERE b.audit_id = ANY ($4::uuid[])"};

/* The programme's current certificate revisions, locked, in the order they were issued. */
const cc_sql_t sql_decision_certificates = {
    "certificates_decision_certificates",
    "SELECT c.id, c.status, c.expiry_date::text, c.standard FROM certificates c "
    "JOIN certifications f ON f.tenant_id = c.tenant_id AND f.id = c.certification_id "
    "WHERE c.tenant_id = $1 AND c.programme_id = $2 AND c.status <> 'superseded' "
    "ORDER BY f.sequence FOR UPDATE OF c"};

/* The tenant's slug and settings document. */
const cc_sql_t sql_decision_tenant = {"certificates_decision_tenant",
                                      "SELECT slug, settings::text FROM tenants WHERE id = $1"};

const cc_sql_t sql_decision_insert = {
    "certificates_decision_insert",
    "INSERT INTO certification_decisions (tenant_id, programme_id, type, outcome, audit_ids, decided_on, "
    "  effective_date, scope, site_ids, soa_version, notes, reasons, decided_by, next_programme_id) "
    "VALUES ($1, $2, $3, $4, $5::uuid[], $6::date, $7::date, $8, $9::uuid[], $10, $11, $12::jsonb, $13, "
    "  $14::uuid) RETURNING id"};

/* The decision $2 as the API shows it. */
const cc_sql_t sql_decision_answer = {"certificates_decision_answer",
                                      "SELECT (" DECISION_OBJECT ")::text FROM certification_decisions d "
                                      "WHERE d.tenant_id = $1 AND d.id = $2"};

/* GET /v1/decisions?programme_id=: the programme's decisions, oldest first; no row for another tenant's. */
const cc_sql_t sql_decision_list = {
    "certificates_decision_list",
    "SELECT coalesce(jsonb_agg(" DECISION_OBJECT
    " ORDER BY d.created_at, d.id) FILTER (WHERE d.id IS NOT NULL), "
    "  '[]')::text FROM programmes p "
    "LEFT JOIN certification_decisions d ON d.tenant_id = p.tenant_id AND d.programme_id = p.id "
    "WHERE p.tenant_id = $1 AND p.id = $2 GROUP BY p.id"};

/* ---- windows and the next cycle ---- */

const cc_sql_t sql_decision_programme_decided = {
    "certificates_decision_programme_decided",
    "UPDATE programmes SET decision_date = $3::date, expiry_date = $4::date, version = version + 1, "
    "  updated_at = now() WHERE tenant_id = $1 AND id = $2"};

/* Sets the window of the programme's audit of type $3 and sequence $4; no row when there is none. */
const cc_sql_t sql_decision_window_set = {
    "certificates_decision_window_set",
    "UPDATE audits SET window_start = $5::date, window_end = $6::date, provisional = false, "
    "  version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND programme_id = $2 AND type = $3 AND sequence = $4::int AND status <> "
    "'cancelled' "
    "RETURNING id"};

/* One more surveillance ($3 its sequence), with the days of the programme's first. */
const cc_sql_t sql_decision_surveillance_add = {
    "certificates_decision_surveillance_add",
    "INSERT INTO audits (tenant_id, programme_id, client_id, type, sequence, position, window_start, "
    "  window_end, provisional, planned_days, calculated_days) "
    "SELECT a.tenant_id, a.programme_id, a.client_id, 'surveillance', $3::int, "
    "  (SELECT max(position) + 1 FROM audits WHERE tenant_id = $1 AND programme_id = $2), $4::date, "
    "$5::date, "
    "  false, a.calculated_days, a.calculated_days "
    "FROM audits a WHERE a.tenant_id = $1 AND a.programme_id = $2 AND a.type = 'surveillance' "
    "ORDER BY a.sequence LIMIT 1 RETURNING id"};

/* Planned surveillances beyond the $3 the decided cycle needs. */
const cc_sql_t sql_decision_surveillance_surplus = {
    "certificates_decision_surveillance_surplus",
    "UPDATE audits SET status = 'cancelled', cancel_reason = 'not needed once the certification decision set "
    "the windows', version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND programme_id = $2 AND type = 'surveillance' AND sequence > $3::int "
    "  AND status = 'planned'"};

const cc_sql_t sql_decision_next_programme = {
    "certificates_decision_next_programme",
    "INSERT INTO programmes (tenant_id, client_id, standards, scope, site_ids, sector_codes, pre_assessment, "
    "  cycle, decision_date, expiry_date, audit_time, previous_programme_id) "
    "SELECT tenant_id, client_id, standards, scope, site_ids, sector_codes, false, cycle + 1, $3::date, "
    "  $4::date, audit_time, id FROM programmes WHERE tenant_id = $1 AND id = $2 RETURNING id"};

/* An audit of the next cycle ($3) with the days of the previous cycle's ($2) first audit of its type. */
const cc_sql_t sql_decision_next_audit = {
    "certificates_decision_next_audit",
    "INSERT INTO audits (tenant_id, programme_id, client_id, type, sequence, position, window_start, "
    "  window_end, provisional, planned_days, calculated_days) "
    "SELECT p.tenant_id, p.id, p.client_id, $4, $5::int, $6::int, $7::date, $8::date, false, d.days, d.days "
    "FROM programmes p, LATERAL (SELECT calculated_days AS days FROM audits WHERE tenant_id = $1 "
    "  AND programme_id = $2 AND type = $4 ORDER BY sequence LIMIT 1) d "
    "WHERE p.tenant_id = $1 AND p.id = $3 RETURNING id"};

/* ---- certificates ---- */

const cc_sql_t sql_certificate_sequence = {
    "certificates_certificate_sequence",
    "SELECT cc_certificate_next_sequence() WHERE cc_current_tenant() = $1::uuid"};

/*
 * A new certification of the programme $2's client to standard $4 with its revision 0, active: decision $3,
 * sequence $5, number $6, scope $7, sites $8 (NULL or empty: the client's), SoA $9, effective $10, expiry
 * $11, issued today. Returns the certificate's id.
 */
const cc_sql_t sql_certificate_issue = {
    "certificates_certificate_issue",
    "WITH f AS (INSERT INTO certifications (tenant_id, client_id, standard, sequence, base_number, "
    "    original_issue_date) "
    "  SELECT $1, p.client_id, $4, $5::int, $6, (now() AT TIME ZONE 'UTC')::date FROM programmes p "
    "  WHERE p.tenant_id = $1 AND p.id = $2 RETURNING id, client_id, original_issue_date) "
    "INSERT INTO certificates (tenant_id, certification_id, revision, number, client_id, programme_id, "
    "  decision_id, standard, scope, sites, soa_version, original_issue_date, issue_date, effective_date, "
    "  expiry_date, status) "
    "SELECT $1, f.id, 0, $6, f.client_id, $2, $3, $4, $7, cc_certificate_sites(f.client_id, $8::uuid[], $7), "
    "  $9, f.original_issue_date, f.original_issue_date, $10::date, $11::date, 'active' FROM f RETURNING id"};

/* History and outbox of a certificate write ($2 the certificate; cc_certificate_record). */
const cc_sql_t sql_certificate_record = {"certificates_certificate_record",
                                         "SELECT cc_certificate_record($2::uuid, $3, $4, $5, NULL, $6::uuid, "
                                         "$7) WHERE cc_current_tenant() = $1::uuid"};

/*
 * A new revision of the current certificate $2 (cc_certificate_revise): action $3, decision $4, programme
 * $5, scope $6 (NULL: the old one's), sites $7 (NULL: the old revision's sites), SoA $8, effective $9,
 * expiry $10 (NULL: the old one's), reason $11, actor $12 with role $13. Returns the new revision's id.
 */
const cc_sql_t sql_certificate_revise = {
    "certificates_certificate_revise",
    "SELECT cc_certificate_revise(c.id, $3, $4::uuid, $5::uuid, coalesce($6, c.scope), "
    "  cc_certificate_sites(c.client_id, coalesce($7::uuid[], ARRAY(SELECT (s ->> 'site_id')::uuid "
    "      FROM jsonb_array_elements(c.sites) s)), coalesce($6, c.scope)), "
    "  $8, $9::date, coalesce($10::date, c.expiry_date), $11, $12::uuid, $13) "
    "FROM certificates c WHERE c.tenant_id = $1 AND c.id = $2"};

/* A certificate revision as the API shows it, with its revisions and history. */
const cc_sql_t sql_certificate_json = {
    "certificates_certificate_json",
    "SELECT cc_certificate_json(c, true)::text FROM certificates c WHERE c.tenant_id = $1 AND c.id = $2"};
