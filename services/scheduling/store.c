/*
 * Every SQL statement of the scheduling service. The catalogue is global (a
 * reference table, no tenant); tenant reads set app.tenant_id like all others.
 */
#include "scheduling.h"

/* The catalogue by family, newest edition first, then code, after the cursor's standard $1 (NULL: the first),
 * $2 rows. */
const cc_sql_t sql_standards_list = {
    "scheduling_standards_list",
    "SELECT s.code, s.reference, s.edition, s.title, s.family, s.status, s.superseded_by, "
    "       s.closed_to_new_audits_after::text, s.certificates_valid_until::text, "
    "       count(*) FILTER (WHERE r.kind = 'clause'), count(*) FILTER (WHERE r.kind = 'control') "
    "FROM standards s LEFT JOIN requirements r ON r.standard_code = s.code "
    "WHERE $1::text IS NULL OR (s.family, -s.edition, s.code) > "
    "  (SELECT c.family, -c.edition, c.code FROM standards c WHERE c.code = $1::text) "
    "GROUP BY s.code ORDER BY s.family, s.edition DESC, s.code LIMIT $2::int"};

/*
 * The standard $1's requirements ($2: of one kind) by position after the cursor's requirement $3 (NULL: the
 * first), $4 rows. One row with a NULL id when the standard exists but has no (further) requirement of that
 * kind; none when it does not.
 */
const cc_sql_t sql_standard_requirements = {
    "scheduling_standard_requirements",
    "SELECT r.id, r.number, r.parent_id, r.kind, r.title, r.theme "
    "FROM standards s LEFT JOIN requirements r ON r.standard_code = s.code AND ($2::text IS NULL OR r.kind = "
    "$2) "
    "  AND ($3::text IS NULL OR r.position > (SELECT c.position FROM requirements c "
    "       WHERE c.standard_code = s.code AND c.id = $3::text)) "
    "WHERE s.code = $1 ORDER BY r.position LIMIT $4::int"};

/* The tenant's [P] audit-time settings; 0 (the default) where a setting is absent or not a number. */
#define AUDIT_TIME_SETTING(name)                                                                             \
    "CASE WHEN jsonb_typeof(settings #> '{audit_time," name "}') = 'number' "                                \
    "THEN (settings #>> '{audit_time," name "}')::float8 ELSE 0 END"
const cc_sql_t sql_tenant_audit_time_settings = {
    "scheduling_tenant_audit_time_settings",
    "SELECT " AUDIT_TIME_SETTING("surveillance_fraction") ", " AUDIT_TIME_SETTING(
        "recertification_fraction") ", " AUDIT_TIME_SETTING("stage1_fraction") " FROM tenants WHERE id = $1"};

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define CLIENT_COLUMNS                                                                                       \
    "id, legal_name, trading_name, vat, registration_number, duns, street, city, state, post_code, "         \
    "country, "                                                                                              \
    "personnel, confidential, registry_consent_given, registry_consent_date::text, "                         \
    "registry_consent_reference, "                                                                           \
    "version, " TS("created_at") ", " TS("updated_at")
#define SITE_COLUMNS(t)                                                                                      \
    t "id, " t "client_id, " t "name, " t "street, " t "city, " t "state, " t "post_code, " t "country, " t  \
      "personnel, " t "central, " t "activities, " t "version, " TS(t "created_at") ", " TS(t "updated_at")

/* $3: the caller's own organisation (client users) or NULL; keyset pagination by id. */
const cc_sql_t sql_clients_list = {
    "scheduling_clients_list",
    "SELECT " CLIENT_COLUMNS " FROM clients WHERE tenant_id = $1 "
    "  AND ($2::uuid IS NULL OR id > $2::uuid) AND ($3::uuid IS NULL OR id = $3::uuid) "
    "ORDER BY id LIMIT $4::int"};

const cc_sql_t sql_client_get = {"scheduling_client_get",
                                 "SELECT " CLIENT_COLUMNS " FROM clients WHERE tenant_id = $1 AND id = $2 "
                                 "  AND ($3::uuid IS NULL OR id = $3::uuid)"};

const cc_sql_t sql_client_insert = {
    "scheduling_client_insert",
    "INSERT INTO clients (tenant_id, legal_name, trading_name, vat, registration_number, duns, street, city, "
    "  state, post_code, country, personnel, confidential, registry_consent_given, registry_consent_date, "
    "  registry_consent_reference) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::int, $13::boolean, $14::boolean, $15::date, "
    "$16) "
    "RETURNING " CLIENT_COLUMNS};

const cc_sql_t sql_client_lock = {"scheduling_client_lock",
                                  "SELECT " CLIENT_COLUMNS
                                  " FROM clients WHERE tenant_id = $1 AND id = $2 FOR UPDATE"};

const cc_sql_t sql_client_update = {
    "scheduling_client_update",
    "UPDATE clients SET legal_name = $3, trading_name = $4, vat = $5, registration_number = $6, duns = $7, "
    "  street = $8, city = $9, state = $10, post_code = $11, country = $12, personnel = $13::int, "
    "  confidential = $14::boolean, registry_consent_given = $15::boolean, registry_consent_date = "
    "$16::date, "
    "  registry_consent_reference = $17, version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 RETURNING " CLIENT_COLUMNS};

/* The organisation (none: 404), then its sites from the cursor on; a NULL site when it has none (left). */
const cc_sql_t sql_sites_list = {
    "scheduling_sites_list",
    "SELECT c.id, " SITE_COLUMNS(
        "s.") " FROM clients c "
              "LEFT JOIN sites s ON s.tenant_id = c.tenant_id AND s.client_id = c.id AND ($4::uuid IS NULL "
              "OR s.id > $4::uuid) "
              "WHERE c.tenant_id = $1 AND c.id = $2 AND ($3::uuid IS NULL OR c.id = $3::uuid) "
              "ORDER BY s.id LIMIT $5::int"};

const cc_sql_t sql_site_get = {
    "scheduling_site_get",
    "SELECT " SITE_COLUMNS("") " FROM sites WHERE tenant_id = $1 AND client_id = $2 "
                               "  AND id = $3 AND ($4::uuid IS NULL OR client_id = $4::uuid)"};

/*
 * The organisation's row lock serialises its site writes; the counts run as a
 * statement of their own after it, so they see what a concurrent write
 * committed while this one waited (READ COMMITTED takes a snapshot per statement).
 */
const cc_sql_t sql_client_lock_for_sites = {
    "scheduling_client_lock_for_sites", "SELECT 1 FROM clients WHERE tenant_id = $1 AND id = $2 FOR UPDATE"};

const cc_sql_t sql_client_sites_census = {
    "scheduling_client_sites_census",
    "SELECT count(*), count(*) FILTER (WHERE central) FROM sites WHERE tenant_id = $1 AND client_id = $2"};

const cc_sql_t sql_site_insert = {
    "scheduling_site_insert",
    "INSERT INTO sites (tenant_id, client_id, name, street, city, state, post_code, country, personnel, "
    "central, "
    "  activities) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::int, $10::boolean, $11) "
    "RETURNING " SITE_COLUMNS("")};

#define AUDITOR_COLUMNS                                                                                      \
    "a.id, a.user_id, u.name, u.email, a.competences::text, a.active, a.version, " TS(                       \
        "a.created_at") ", " TS("a.updated_at") " FROM auditors a JOIN users u ON u.tenant_id = "            \
                                                "a.tenant_id AND u.id = a.user_id "

/* $3: holding a competence for this standard (its reference or its code); $4: active or not. */
const cc_sql_t sql_auditors_list = {
    "scheduling_auditors_list",
    "SELECT " AUDITOR_COLUMNS "WHERE a.tenant_id = $1 AND ($2::uuid IS NULL OR a.id > $2::uuid) "
    "  AND ($3::text IS NULL OR a.competences @> jsonb_build_array(jsonb_build_object('standard', "
    "COALESCE((SELECT reference FROM standards WHERE code = $3::text), $3::text)))) "
    "  AND ($4::boolean IS NULL OR a.active = $4::boolean) ORDER BY a.id LIMIT $5::int"};

const cc_sql_t sql_auditor_get = {"scheduling_auditor_get",
                                  "SELECT " AUDITOR_COLUMNS "WHERE a.tenant_id = $1 AND a.id = $2"};

/*
 * Competences name a standard by its reference or its code: stored by reference. $1 is a
 * jsonb array of competences; the result keeps their order ('[]' for none).
 */
#define COMPETENCES_BY_REFERENCE(arg)                                                                        \
    "COALESCE((SELECT jsonb_agg(e.c || jsonb_build_object('standard', COALESCE(s.reference, "                \
    "e.c->>'standard')) ORDER BY e.n) FROM jsonb_array_elements(" arg ") WITH ORDINALITY e(c, n) "           \
    "LEFT JOIN standards s ON s.code = e.c->>'standard'), '[]'::jsonb)"

const cc_sql_t sql_auditor_insert = {
    "scheduling_auditor_insert",
    "INSERT INTO auditors (tenant_id, user_id, competences, active) "
    "VALUES ($1, $2, " COMPETENCES_BY_REFERENCE("$3::jsonb") ", $4::boolean) RETURNING id"};

const cc_sql_t sql_auditor_lock = {
    "scheduling_auditor_lock", "SELECT version FROM auditors WHERE tenant_id = $1 AND id = $2 FOR UPDATE"};

const cc_sql_t sql_auditor_update = {
    "scheduling_auditor_update",
    "UPDATE auditors SET competences = CASE WHEN $3::jsonb IS NULL THEN competences "
    "  ELSE " COMPETENCES_BY_REFERENCE(
        "$3::jsonb") " END, active = COALESCE($4::boolean, active), "
                     "  version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2"};

const cc_sql_t sql_auditor_user = {"scheduling_auditor_user",
                                   "SELECT user_id FROM auditors WHERE tenant_id = $1 AND id = $2"};

const cc_sql_t sql_user_role = {"scheduling_user_role",
                                "SELECT role FROM users WHERE tenant_id = $1 AND id = $2"};

/* Every name a request may give a standard: its reference ("ISO/IEC 27001:2022") and its code
 * ("ISO27001:2022"). */
const cc_sql_t sql_standard_references = {
    "scheduling_standard_references", "SELECT reference FROM standards UNION ALL SELECT code FROM standards"};

#define UNAVAILABILITY_COLUMNS(t)                                                                            \
    t "id, " t "auditor_id, lower(" t "period)::text, (upper(" t "period) - 1)::text, " t                    \
      "reason, " TS(t "created_at")
#define CONFLICT_COLUMNS(t)                                                                                  \
    t "id, " t "auditor_id, " t "client_id, " t "reason, " t "until::text, " TS(t "created_at")

/* The auditor (none: 404), then its periods by `from` then id after the cursor's period $3 (NULL: the first),
 * $4 rows; a NULL period when there is none (left). */
const cc_sql_t sql_unavailability_list = {
    "scheduling_unavailability_list",
    "SELECT a.id, " UNAVAILABILITY_COLUMNS(
        "v.") " FROM auditors a "
              "LEFT JOIN auditor_unavailability v ON v.tenant_id = a.tenant_id AND v.auditor_id = a.id "
              "  AND ($3::uuid IS NULL OR (lower(v.period), v.id) > (SELECT lower(c.period), c.id "
              "       FROM auditor_unavailability c WHERE c.tenant_id = $1 AND c.id = $3::uuid)) "
              "WHERE a.tenant_id = $1 AND a.id = $2 ORDER BY lower(v.period), v.id LIMIT $4::int"};

/* `to` is inclusive: stored as the half-open [from, to + 1). */
const cc_sql_t sql_unavailability_insert = {
    "scheduling_unavailability_insert",
    "INSERT INTO auditor_unavailability (tenant_id, auditor_id, period, reason) "
    "VALUES ($1, $2, daterange($3::date, $4::date, '[]'), $5) RETURNING " UNAVAILABILITY_COLUMNS("")};

/* The auditor (none: 404), then its conflicts ($3: live ones only) by until then id after the cursor's
 * conflict $4 (NULL: the first), $5 rows; a NULL conflict when there is none (left). */
const cc_sql_t sql_conflicts_list = {
    "scheduling_conflicts_list",
    "SELECT a.id, " CONFLICT_COLUMNS(
        "k.") " FROM auditors a "
              "LEFT JOIN auditor_conflicts k ON k.tenant_id = a.tenant_id AND k.auditor_id = a.id "
              "  AND (NOT $3::boolean OR k.until >= current_date) "
              "  AND ($4::uuid IS NULL OR (k.until, k.id) > (SELECT c.until, c.id FROM auditor_conflicts c "
              "       WHERE c.tenant_id = $1 AND c.id = $4::uuid)) "
              "WHERE a.tenant_id = $1 AND a.id = $2 ORDER BY k.until, k.id LIMIT $5::int"};

/* until defaults to today + the tenant's impartiality period (settings.impartiality.conflict_years, 2). */
const cc_sql_t sql_conflict_insert = {
    "scheduling_conflict_insert",
    "INSERT INTO auditor_conflicts (tenant_id, auditor_id, client_id, reason, until) "
    "SELECT $1, $2, $3, $4, COALESCE($5::date, (current_date + make_interval(years => "
    "  CASE WHEN jsonb_typeof(t.settings #> '{impartiality,conflict_years}') = 'number' "
    "        AND (t.settings #>> '{impartiality,conflict_years}')::numeric BETWEEN 0 AND 50 "
    "       THEN floor((t.settings #>> '{impartiality,conflict_years}')::numeric)::int ELSE 2 END))::date) "
    "FROM tenants t WHERE t.id = $1 RETURNING " CONFLICT_COLUMNS("")};

#define PROGRAMME_SELECT                                                                                     \
    "SELECT p.id, p.client_id, array_to_json(p.standards)::text, p.scope, array_to_json(p.site_ids)::text, " \
    "  array_to_json(p.sector_codes)::text, p.pre_assessment, p.cycle, p.decision_date::text, "              \
    "  p.expiry_date::text, p.audit_time::text, p.version, " TS("p.created_at") ", " TS(                     \
        "p.updated_at") ", "                                                                                 \
                        "  COALESCE((SELECT json_agg(json_build_object('id', a.id, 'type', a.type, "         \
                        "'sequence', a.sequence, "                                                           \
                        "      'window_start', a.window_start, 'window_end', a.window_end, 'provisional', "  \
                        "a.provisional, "                                                                    \
                        "      'planned_days', a.planned_days, 'status', a.status, 'start_date', "           \
                        "a.start_date, "                                                                     \
                        "      'end_date', a.end_date, 'conclusions_on', "                                   \
                        "      CASE WHEN a.type = 'stage1' THEN a.outcome ->> 'completed_on' END) "          \
                        "      ORDER BY a.position) "                                                        \
                        "    FROM audits a WHERE a.tenant_id = p.tenant_id AND a.programme_id = p.id), "     \
                        "'[]')::text, "                                                                      \
                        "  (SELECT count(*) FROM audits o WHERE o.tenant_id = p.tenant_id "                  \
                        "     AND o.client_id = p.client_id AND o.programme_id <> p.id "                     \
                        "     AND o.type = 'pre_assessment' AND o.status <> 'cancelled'), "                  \
                        "  (SELECT t.settings -> 'programme' FROM tenants t WHERE t.id = "                   \
                        "p.tenant_id)::text "                                                                \
                        "FROM programmes p "

/* $3: a client filter; $4: the caller's own organisation (client users) or NULL. */
const cc_sql_t sql_programmes_list = {"scheduling_programmes_list", PROGRAMME_SELECT
                                      "WHERE p.tenant_id = $1 AND ($2::uuid IS NULL OR p.id > $2::uuid) "
                                      "  AND ($3::uuid IS NULL OR p.client_id = $3::uuid) "
                                      "  AND ($4::uuid IS NULL OR p.client_id = $4::uuid) "
                                      "ORDER BY p.id LIMIT $5::int"};

const cc_sql_t sql_programme_get = {"scheduling_programme_get",
                                    PROGRAMME_SELECT "WHERE p.tenant_id = $1 AND p.id = $2 "
                                                     "  AND ($3::uuid IS NULL OR p.client_id = $3::uuid)"};

/* The organisation's personnel, and whether it has an address (both needed to plan its audits). */
const cc_sql_t sql_client_for_programme = {
    "scheduling_client_for_programme",
    "SELECT personnel, street IS NOT NULL FROM clients WHERE tenant_id = $1 AND id = $2"};

const cc_sql_t sql_client_site_ids = {"scheduling_client_site_ids",
                                      "SELECT id FROM sites WHERE tenant_id = $1 AND client_id = $2"};

/* $3: the standards, each by reference or code; stored by reference, in the given order. */
const cc_sql_t sql_programme_insert = {
    "scheduling_programme_insert",
    "INSERT INTO programmes (tenant_id, client_id, standards, scope, site_ids, sector_codes, pre_assessment, "
    "  expiry_date, audit_time) "
    "SELECT $1, $2, ARRAY(SELECT COALESCE(s.reference, e.v) FROM jsonb_array_elements_text($3::jsonb) "
    "  WITH ORDINALITY e(v, n) LEFT JOIN standards s ON s.code = e.v ORDER BY e.n), $4, "
    "  ARRAY(SELECT jsonb_array_elements_text($5::jsonb))::uuid[], ARRAY(SELECT "
    "jsonb_array_elements_text($6::jsonb)), "
    "  $7::boolean, $8::date, $9::jsonb RETURNING id"};

/* Provisional until the programme has a certification decision. */
const cc_sql_t sql_audit_insert = {
    "scheduling_audit_insert",
    "INSERT INTO audits (tenant_id, programme_id, client_id, type, sequence, "
    "position, window_start, window_end, "
    "  provisional, planned_days, calculated_days) VALUES ($1, $2, $3, $4, $5::int, "
    "$6::int, $7::date, $8::date, true, $9::numeric, $9::numeric)"};

/* Columns 0-15 as before issue 3's booking; 16-22: how it is conducted, days, outcome, and its team; 23: the
 * day a Stage 1's conclusions were recorded. */
#define AUDIT_COLUMNS                                                                                        \
    "a.id, a.programme_id, a.client_id, a.client_name, a.type, a.sequence, a.window_start::text, "           \
    "a.window_end::text, a.provisional, a.planned_days::text, a.status, a.start_date::text, "                \
    "a.end_date::text, a.version, " TS("a.created_at") ", " TS(                                              \
        "a.updated_at") ", "                                                                                 \
                        "a.mode, a.ict_arrangements, a.calculated_days::text, a.days_justification, "        \
                        "a.outcome::text, "                                                                  \
                        "a.cancel_reason, a.team::text, CASE WHEN a.type = 'stage1' THEN a.outcome ->> "     \
                        "'completed_on' END "                                                                \
                        "FROM audits a "

/* Filters: programme, status, dates (its days once set, else its window) overlapping [from, to], a team
 * member ($9); $7: the caller's own organisation or NULL. */
const cc_sql_t sql_audits_list = {
    "scheduling_audits_list",
    "SELECT " AUDIT_COLUMNS "WHERE a.tenant_id = $1 AND ($2::uuid IS NULL OR a.id > $2::uuid) "
    "  AND ($3::uuid IS NULL OR a.programme_id = $3::uuid) AND ($4::text IS NULL OR a.status = $4) "
    "  AND ($5::date IS NULL OR COALESCE(a.end_date, a.window_end) >= $5::date) "
    "  AND ($6::date IS NULL OR COALESCE(a.start_date, a.window_start) <= $6::date) "
    "  AND ($7::uuid IS NULL OR a.client_id = $7::uuid) "
    "  AND ($9::uuid IS NULL OR EXISTS (SELECT 1 FROM audit_team t WHERE t.tenant_id = a.tenant_id "
    "       AND t.audit_id = a.id AND t.auditor_id = $9::uuid)) "
    "ORDER BY a.id LIMIT $8::int"};

/* One audit, for staff; for a client user, only its own organisation's. Two statements rather than one with
 * "$3 IS NULL OR ...": that form makes PostgreSQL plan every execution anew (a custom plan folds the NULL),
 * which cost more than the query itself. */
const cc_sql_t sql_audit_get = {"scheduling_audit_get",
                                "SELECT " AUDIT_COLUMNS "WHERE a.tenant_id = $1 AND a.id = $2"};

const cc_sql_t sql_audit_get_for_client = {"scheduling_audit_get_for_client",
                                           "SELECT " AUDIT_COLUMNS
                                           "WHERE a.tenant_id = $1 AND a.id = $2 AND a.client_id = $3"};

/* An audit about to change, with its programme's standards and sector codes (AUDIT_LOCK_* in scheduling.h).
 */
const cc_sql_t sql_audit_lock = {
    "scheduling_audit_lock",
    "SELECT a.status, a.type, a.version, a.client_id, a.start_date::text, a.end_date::text, "
    "  a.planned_days::text, a.calculated_days::text, a.days_justification, a.mode, a.ict_arrangements, "
    "  array_to_json(p.standards)::text, array_to_json(p.sector_codes)::text, a.programme_id "
    "FROM audits a JOIN programmes p ON p.tenant_id = a.tenant_id AND p.id = a.programme_id "
    "WHERE a.tenant_id = $1 AND a.id = $2 FOR UPDATE OF a"};

const cc_sql_t sql_audit_update_plan = {
    "scheduling_audit_update_plan",
    "UPDATE audits SET start_date = $3::date, end_date = $4::date, mode = $5, ict_arrangements = $6, "
    "  planned_days = $7::numeric, days_justification = $8, version = version + 1, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2"};

const cc_sql_t sql_audit_update_status = {
    "scheduling_audit_update_status",
    "UPDATE audits SET status = $3, outcome = COALESCE($4::jsonb, outcome), cancel_reason = $5, "
    "  version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2"};

/* A team change is a change of the audit: its version moves. */
const cc_sql_t sql_audit_touch = {
    "scheduling_audit_touch",
    "UPDATE audits SET version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2"};

/* The latest non-cancelled Stage 1 of a programme: status, conclusions recorded, last day. */
const cc_sql_t sql_programme_stage1 = {
    "scheduling_programme_stage1",
    "SELECT status, outcome IS NOT NULL, end_date::text FROM audits "
    "WHERE tenant_id = $1 AND programme_id = $2 AND type = 'stage1' AND status <> 'cancelled' "
    "ORDER BY sequence DESC, position DESC LIMIT 1"};

/* A prospective team member: whether the auditor record is active, its user's role and state, competences. */
const cc_sql_t sql_team_candidate = {
    "scheduling_team_candidate",
    "SELECT d.active, u.role, u.disabled, d.competences::text, d.user_id FROM auditors d "
    "JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.user_id WHERE d.tenant_id = $1 AND d.id = $2 "
    "FOR SHARE OF d, u"};

const cc_sql_t sql_team_size = {"scheduling_team_size",
                                "SELECT count(*) FROM audit_team WHERE tenant_id = $1 AND audit_id = $2"};

/* The auditor's user, the auditor row locked (calendar token rotation). */
const cc_sql_t sql_auditor_user_lock = {
    "scheduling_auditor_user_lock",
    "SELECT user_id FROM auditors WHERE tenant_id = $1 AND id = $2 FOR UPDATE"};

/* A conflict of auditor $2 with client $3 still live on $4 (the audit's first day, or today when undated). */
const cc_sql_t sql_live_conflict = {
    "scheduling_live_conflict",
    "SELECT reason, until::text FROM auditor_conflicts WHERE tenant_id = $1 AND auditor_id = $2 "
    "  AND client_id = $3 AND until >= COALESCE($4::date, current_date) ORDER BY until DESC LIMIT 1"};

const cc_sql_t sql_team_insert = {"scheduling_team_insert",
                                  "INSERT INTO audit_team (tenant_id, audit_id, auditor_id, role) "
                                  "VALUES ($1, $2, $3, $4)"};

const cc_sql_t sql_team_delete = {
    "scheduling_team_delete",
    "DELETE FROM audit_team WHERE tenant_id = $1 AND audit_id = $2 AND auditor_id = $3 RETURNING role"};

/* The team with each member's competences and user, and any live conflict with the client ($3, on $4). */
const cc_sql_t sql_team_members = {
    "scheduling_team_members",
    "SELECT t.auditor_id, t.role, d.competences::text, d.user_id, "
    "  (SELECT k.reason FROM auditor_conflicts k WHERE k.tenant_id = t.tenant_id "
    "     AND k.auditor_id = t.auditor_id AND k.client_id = $3 AND k.until >= COALESCE($4::date, "
    "current_date) "
    "   LIMIT 1) "
    "FROM audit_team t JOIN auditors d ON d.tenant_id = t.tenant_id AND d.id = t.auditor_id "
    "WHERE t.tenant_id = $1 AND t.audit_id = $2 ORDER BY t.created_at, t.auditor_id"};

const cc_sql_t sql_auditor_calendar_token_set = {
    "scheduling_auditor_calendar_token_set",
    "UPDATE auditors SET calendar_token_hash = $3::bytea WHERE tenant_id = $1 AND id = $2"};

/* The feed: the auditor (token checked), then one row per dated audit of theirs (NULL audit id: none). A
 * confidential client's name stays out of third-party calendars. */
const cc_sql_t sql_auditor_calendar = {
    "scheduling_auditor_calendar",
    "SELECT u.name, a.id, a.type, a.sequence, a.status, to_char(a.start_date, 'YYYYMMDD'), "
    "  to_char(a.end_date + 1, 'YYYYMMDD'), CASE WHEN c.confidential THEN NULL ELSE c.legal_name END, "
    "  t.role, a.mode, a.version, to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"') "
    "FROM auditors d JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.user_id "
    "LEFT JOIN (audit_team t JOIN audits a ON a.tenant_id = t.tenant_id AND a.id = t.audit_id "
    "             AND a.start_date IS NOT NULL AND a.end_date IS NOT NULL "
    "           JOIN clients c ON c.tenant_id = a.tenant_id AND c.id = a.client_id) "
    "  ON t.tenant_id = d.tenant_id AND t.auditor_id = d.id "
    "WHERE d.tenant_id = $1 AND d.id = $2 AND d.calendar_token_hash = $3::bytea AND d.active "
    "  AND NOT u.disabled AND u.role <> 'client' "
    "ORDER BY a.start_date, a.id"};

/* Planned or scheduled audits whose window opens within $3 days of $2 (today), by window end then id: a page
 * after the cursor's audit $4 (NULL: the first), $5 rows. */
const cc_sql_t sql_schedule_due = {
    "scheduling_schedule_due",
    "SELECT " AUDIT_COLUMNS "WHERE a.tenant_id = $1 AND a.status IN ('planned', 'scheduled') "
    "  AND a.window_start <= $2::date + $3::int "
    "  AND ($4::uuid IS NULL OR (a.window_end, a.id) > (SELECT c.window_end, c.id FROM audits c "
    "       WHERE c.tenant_id = $1 AND c.id = $4::uuid)) "
    "ORDER BY a.window_end, a.id LIMIT $5::int"};

/* The tenant's programme settings [P] (programme_settings.h), or NULL. */
const cc_sql_t sql_tenant_programme_settings = {
    "scheduling_tenant_programme_settings",
    "SELECT (settings -> 'programme')::text FROM tenants WHERE id = $1"};

const cc_sql_t *const scheduling_read_statements[] = {
    &sql_standards_list,
    &sql_standard_requirements,
    &sql_tenant_audit_time_settings,
    &sql_clients_list,
    &sql_client_get,
    &sql_sites_list,
    &sql_site_get,
    &sql_auditors_list,
    &sql_auditor_get,
    &sql_unavailability_list,
    &sql_conflicts_list,
    &sql_programmes_list,
    &sql_programme_get,
    &sql_audits_list,
    &sql_audit_get,
    &sql_audit_get_for_client,
    &sql_schedule_due,
    &sql_auditor_calendar,
};
const size_t scheduling_nread_statements =
    sizeof(scheduling_read_statements) / sizeof(scheduling_read_statements[0]);
