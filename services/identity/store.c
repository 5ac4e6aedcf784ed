/*
 * Every SQL statement of the identity service. Each runs inside a transaction
 * whose app.tenant_id is set (row-level security does the tenant filtering;
 * the tenant_id predicates keep every query routable to one Citus shard).
 */
#include <string.h>

#include "cc_jwt.h"
#include "identity.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
#define USER_COLUMNS                                                                                         \
    "id, email, name, role, client_id, disabled, version, " TS("created_at") ", " TS("updated_at")

const cc_sql_t sql_tenant_id = {"identity_tenant_id", "SELECT cc_tenant_id($1)"};

const cc_sql_t sql_user_for_login = {"identity_user_for_login",
                                     "SELECT id, password_hash, role, client_id, disabled "
                                     "FROM users WHERE tenant_id = $1 AND lower(email) = lower($2)"};

/*
 * The account again, locked, in the transaction that issues the tokens: a
 * password change or a disable that committed while argon2 ran must not be
 * outrun (its revocation could not see tokens not yet issued). The user row is
 * locked before the event log's lock, as refresh and user writes lock them.
 */
const cc_sql_t sql_user_recheck_for_login = {"identity_user_recheck_for_login",
                                             "SELECT password_hash, role, client_id, disabled FROM users "
                                             "WHERE tenant_id = $1 AND id = $2 FOR SHARE"};

/*
 * Creates or locks the (tenant, address) failure row, account or not, and
 * returns the seconds it stays locked (0: not locked). The row lock makes
 * parallel attempts at one address count one after another.
 */
const cc_sql_t sql_login_failures_lock = {
    "identity_login_failures_lock",
    "INSERT INTO login_failures AS f (tenant_id, email) VALUES ($1, lower($2)) "
    "ON CONFLICT (tenant_id, email) DO UPDATE SET email = f.email "
    "RETURNING GREATEST(0, ceil(extract(epoch FROM f.locked_until - now())))::int"};

/* Five failures within fifteen minutes lock the address for fifteen minutes. */
#define FRESH_WINDOW "(failures = 0 OR window_start <= now() - interval '15 minutes')"
const cc_sql_t sql_login_failed = {
    "identity_login_failed",
    "UPDATE login_failures SET "
    "  failures = CASE WHEN " FRESH_WINDOW " THEN 1 ELSE failures + 1 END, "
    "  window_start = CASE WHEN " FRESH_WINDOW " THEN now() ELSE window_start END, "
    "  locked_until = CASE WHEN (CASE WHEN " FRESH_WINDOW " THEN 1 ELSE failures + 1 END) >= 5 "
    "                      THEN now() + interval '15 minutes' END "
    "WHERE tenant_id = $1 AND email = lower($2)"};

const cc_sql_t sql_login_succeeded = {
    "identity_login_succeeded", "DELETE FROM login_failures WHERE tenant_id = $1 AND email = lower($2)"};

const cc_sql_t sql_throttle_check = {
    "identity_throttle_check",
    "SELECT failures, GREATEST(1, ceil(extract(epoch FROM window_start + interval '15 minutes' - "
    "now())))::int "
    "FROM login_throttle WHERE address = $1 AND window_start > now() - interval '15 minutes'"};

const cc_sql_t sql_throttle_record = {
    "identity_throttle_record",
    "INSERT INTO login_throttle AS t (address, window_start, failures) VALUES ($1, now(), 1) "
    "ON CONFLICT (address) DO UPDATE SET "
    "  failures = CASE WHEN t.window_start <= now() - interval '15 minutes' THEN 1 ELSE t.failures + 1 END, "
    "  window_start = CASE WHEN t.window_start <= now() - interval '15 minutes' THEN now() ELSE "
    "t.window_start END"};

const cc_sql_t sql_refresh_insert = {
    "identity_refresh_insert",
    "INSERT INTO refresh_tokens (tenant_id, user_id, family_id, token_hash, expires_at) "
    "VALUES ($1, $2, COALESCE($3::uuid, gen_random_uuid()), $4::bytea, now() + make_interval(secs => "
    "$5::int))"};

/* Marks the token used when it is live; the user must still be enabled. */
const cc_sql_t sql_refresh_rotate = {
    "identity_refresh_rotate",
    "UPDATE refresh_tokens rt SET used_at = now() FROM users u "
    "WHERE rt.tenant_id = $1 AND rt.token_hash = $2::bytea AND rt.used_at IS NULL AND rt.revoked_at IS NULL "
    "  AND rt.expires_at > now() AND u.tenant_id = rt.tenant_id AND u.id = rt.user_id AND NOT u.disabled "
    "RETURNING rt.user_id, rt.family_id, u.role, u.client_id"};

const cc_sql_t sql_refresh_lookup = {"identity_refresh_lookup",
                                     "SELECT family_id, user_id, used_at IS NOT NULL AS rotated "
                                     "FROM refresh_tokens WHERE tenant_id = $1 AND token_hash = $2::bytea"};

/*
 * The one lock order of every change to a family's tokens (refresh, logout,
 * reuse), each lock in a statement of its own so the statements after it see
 * what the other side committed: (1) this advisory lock of the family, found
 * by an unlocked lookup; (2) for a rotation, the user's row FOR KEY SHARE
 * (the lock the new token's foreign key takes anyway, taken before any token
 * row, so a user update that locks the user and then revokes their tokens
 * waits for the rotation or makes it see the change); (3) the token rows;
 * (4) the event log's tenant lock. A revocation cannot miss a token a
 * concurrent rotation issues, and no two of them can deadlock.
 */
const cc_sql_t sql_refresh_family_lock = {"identity_refresh_family_lock",
                                          "SELECT pg_advisory_xact_lock(7403002, hashtext($1::text))"};

const cc_sql_t sql_refresh_user_lock = {"identity_refresh_user_lock",
                                        "SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE"};

const cc_sql_t sql_refresh_family_revoked = {
    "identity_refresh_family_revoked",
    "SELECT EXISTS (SELECT 1 FROM refresh_tokens "
    "               WHERE tenant_id = $1 AND family_id = $2 AND revoked_at IS NOT NULL)"};

const cc_sql_t sql_refresh_revoke_family = {"identity_refresh_revoke_family",
                                            "UPDATE refresh_tokens SET revoked_at = now() "
                                            "WHERE tenant_id = $1 AND family_id = $2 AND revoked_at IS NULL"};

const cc_sql_t sql_refresh_revoke_user = {"identity_refresh_revoke_user",
                                          "UPDATE refresh_tokens SET revoked_at = now() WHERE tenant_id = $1 "
                                          "AND user_id = $2 AND revoked_at IS NULL"};

const cc_sql_t sql_me = {"identity_me",
                         "SELECT u.id, t.slug, u.tenant_id, u.email, u.name, u.role, u.client_id "
                         "FROM users u JOIN tenants t ON t.id = u.tenant_id "
                         "WHERE u.tenant_id = $1 AND u.id = $2 AND NOT u.disabled"};

const cc_sql_t sql_users_list = {"identity_users_list",
                                 "SELECT " USER_COLUMNS " FROM users "
                                 "WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) "
                                 "  AND ($3::text IS NULL OR role = $3) "
                                 "ORDER BY id LIMIT $4::int"};

const cc_sql_t sql_user_get = {"identity_user_get",
                               "SELECT " USER_COLUMNS " FROM users WHERE tenant_id = $1 AND id = $2"};

const cc_sql_t sql_user_insert = {
    "identity_user_insert", "INSERT INTO users (tenant_id, email, name, role, client_id, password_hash) "
                            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " USER_COLUMNS};

const cc_sql_t sql_user_lock = {"identity_user_lock", "SELECT role, client_id, version FROM users "
                                                      "WHERE tenant_id = $1 AND id = $2 FOR UPDATE"};

const cc_sql_t sql_user_update = {
    "identity_user_update",
    "UPDATE users SET name = COALESCE($3, name), role = $4, client_id = $5::uuid, "
    "  disabled = COALESCE($6::boolean, disabled), password_hash = COALESCE($7, password_hash), "
    "  version = version + 1 "
    "WHERE tenant_id = $1 AND id = $2 RETURNING " USER_COLUMNS};

/* The tenant's settings document (cc_settings.h) and its version. */
const cc_sql_t sql_settings_get = {"identity_settings_get",
                                   "SELECT settings::text, settings_version FROM tenants WHERE id = $1"};

const cc_sql_t sql_settings_lock = {
    "identity_settings_lock",
    "SELECT settings::text, settings_version FROM tenants WHERE id = $1 FOR UPDATE"};

const cc_sql_t sql_settings_update = {"identity_settings_update",
                                      "UPDATE tenants SET settings = $2::jsonb, settings_version = "
                                      "settings_version + 1 "
                                      "WHERE id = $1 RETURNING settings::text, settings_version"};

const cc_sql_t *const identity_read_statements[] = {&sql_me, &sql_users_list, &sql_user_get,
                                                    &sql_settings_get};
const size_t identity_nread_statements =
    sizeof(identity_read_statements) / sizeof(identity_read_statements[0]);

json_t *user_from_row(const PGresult *res, int row)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:i, s:s, s:s}", "id", PQgetvalue(res, row, 0), "email",
                     PQgetvalue(res, row, 1), "name", PQgetvalue(res, row, 2), "role",
                     PQgetvalue(res, row, 3), "client_id",
                     PQgetisnull(res, row, 4) ? json_null() : json_string(PQgetvalue(res, row, 4)),
                     "disabled", PQgetvalue(res, row, 5)[0] == 't', "version", atoi(PQgetvalue(res, row, 6)),
                     "created_at", PQgetvalue(res, row, 7), "updated_at", PQgetvalue(res, row, 8));
}
