-- Schema of 0001_foundation: tables, keys, RLS switched on and forced, functions,
-- roles and the exact privileges of cc_app. Run as the owner (cc_owner).
BEGIN;
SELECT plan(93);

-- Tables and their columns --------------------------------------------------

-- (has_table rather than tables_are: later migrations add tables.)
SELECT has_table('tenants');
SELECT has_table('clients');
SELECT has_table('users');
SELECT has_table('refresh_tokens');
SELECT has_table('signing_keys');
SELECT has_table('login_throttle');
SELECT has_table('event_log');

SELECT columns_are('tenants', ARRAY['id', 'slug', 'name', 'settings', 'created_at', 'settings_version', 'address',
                                    'accreditation_body']);
SELECT columns_are('clients', ARRAY['tenant_id', 'id', 'legal_name', 'created_at', 'trading_name', 'vat',
    'registration_number', 'duns', 'street', 'city', 'state', 'post_code', 'country', 'personnel', 'confidential',
    'registry_consent_given', 'registry_consent_date', 'registry_consent_reference', 'version', 'updated_at']);
SELECT columns_are('users', ARRAY['tenant_id', 'id', 'email', 'name', 'role', 'client_id', 'password_hash',
    'disabled', 'failed_login_count', 'first_failed_login_at', 'locked_until', 'version', 'created_at',
    'updated_at', 'tokens_not_before']);
SELECT columns_are('refresh_tokens', ARRAY['tenant_id', 'id', 'user_id', 'family_id', 'token_hash',
    'created_at', 'expires_at', 'used_at', 'revoked_at']);
SELECT columns_are('signing_keys', ARRAY['kid', 'alg', 'public_pem', 'private_enc', 'state', 'created_at',
    'retired_at', 'purpose']);
SELECT columns_are('login_throttle', ARRAY['address', 'window_start', 'failures']);
SELECT columns_are('event_log', ARRAY['tenant_id', 'seq', 'occurred_at', 'actor_id', 'actor_role', 'action',
    'entity_type', 'entity_id', 'source_ip', 'request_id', 'detail', 'prev_hash', 'hash']);

SELECT col_type_is('users', 'version', 'integer');
SELECT col_type_is('refresh_tokens', 'token_hash', 'bytea');
SELECT col_type_is('event_log', 'seq', 'bigint');
SELECT col_type_is('tenants', 'settings', 'jsonb');
SELECT col_default_is('signing_keys', 'alg', 'ES256');
SELECT col_default_is('users', 'disabled', 'false');

-- Keys and indexes ----------------------------------------------------------

SELECT col_is_pk('tenants', 'id');
SELECT col_is_pk('clients', ARRAY['tenant_id', 'id']);
SELECT col_is_pk('users', ARRAY['tenant_id', 'id']);
SELECT col_is_pk('refresh_tokens', ARRAY['tenant_id', 'id']);
SELECT col_is_pk('signing_keys', 'kid');
SELECT col_is_pk('login_throttle', 'address');
SELECT col_is_pk('event_log', ARRAY['tenant_id', 'seq']);

SELECT col_is_unique('tenants', 'slug');
SELECT col_is_unique('refresh_tokens', ARRAY['tenant_id', 'token_hash']);
SELECT has_index('users', 'users_tenant_email_key', ARRAY['tenant_id', 'lower(email)']);
SELECT index_is_unique('users', 'users_tenant_email_key');
SELECT has_index('refresh_tokens', 'refresh_tokens_tenant_family_idx', ARRAY['tenant_id', 'family_id']);

SELECT fk_ok('users', ARRAY['tenant_id', 'client_id'], 'clients', ARRAY['tenant_id', 'id']);
SELECT fk_ok('refresh_tokens', ARRAY['tenant_id', 'user_id'], 'users', ARRAY['tenant_id', 'id']);
SELECT fk_ok('clients', 'tenant_id', 'tenants', 'id');
SELECT fk_ok('event_log', 'tenant_id', 'tenants', 'id');

SELECT has_check('users');
SELECT has_trigger('users', 'users_touch');
SELECT has_trigger('event_log', 'event_log_append_only');
SELECT has_trigger('event_log', 'event_log_no_truncate');

-- Row-level security: enabled AND forced on every tenant-owned table ---------

SELECT ok(c.relrowsecurity, 'RLS enabled on ' || c.relname)
  FROM pg_class c
 WHERE c.oid IN ('public.tenants'::regclass, 'public.clients'::regclass, 'public.users'::regclass,
                 'public.refresh_tokens'::regclass, 'public.event_log'::regclass)
 ORDER BY c.relname;

SELECT ok(c.relforcerowsecurity, 'RLS forced on ' || c.relname)
  FROM pg_class c
 WHERE c.oid IN ('public.tenants'::regclass, 'public.clients'::regclass, 'public.users'::regclass,
                 'public.refresh_tokens'::regclass, 'public.event_log'::regclass)
 ORDER BY c.relname;

-- Future-proof: any table of the public schema with a tenant_id column is
-- tenant-owned and must have RLS enabled and forced.
SELECT is_empty($$SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                     AND a.attname = 'tenant_id' AND NOT a.attisdropped
                     AND NOT (c.relrowsecurity AND c.relforcerowsecurity)$$,
                'every table with a tenant_id column has RLS enabled and forced');

SELECT policies_are('tenants', ARRAY['tenants_isolation', 'tenants_owner_lookup']);
SELECT policies_are('clients', ARRAY['clients_isolation']);
SELECT policies_are('users', ARRAY['users_isolation']);
SELECT policies_are('refresh_tokens', ARRAY['refresh_tokens_isolation']);
SELECT policies_are('event_log', ARRAY['event_log_isolation']);

SELECT is((SELECT count(*) FROM pg_policy p
            WHERE p.polrelid IN ('public.clients'::regclass, 'public.users'::regclass,
                                 'public.refresh_tokens'::regclass, 'public.event_log'::regclass,
                                 'public.tenants'::regclass)
              AND p.polname LIKE '%_isolation'
              AND p.polcmd = '*'
              AND pg_get_expr(p.polqual, p.polrelid) ~ '= cc_current_tenant\(\)'
              AND pg_get_expr(p.polwithcheck, p.polrelid) ~ '= cc_current_tenant\(\)'),
          5::bigint, 'isolation policies use cc_current_tenant() for USING and WITH CHECK, all commands');

-- Functions -----------------------------------------------------------------

SELECT has_function('cc_current_tenant', ARRAY[]::name[]);
SELECT function_returns('cc_current_tenant', ARRAY[]::name[], 'uuid');
SELECT function_lang_is('cc_current_tenant', ARRAY[]::name[], 'sql');
SELECT volatility_is('cc_current_tenant', ARRAY[]::name[], 'stable');
SELECT isnt_definer('cc_current_tenant', ARRAY[]::name[]);
SELECT is((SELECT proconfig FROM pg_proc WHERE oid = 'cc_current_tenant()'::regprocedure), NULL,
          'cc_current_tenant() has no SET clause (stays inlinable)');

SELECT has_function('cc_tenant_id', ARRAY['text']);
SELECT function_returns('cc_tenant_id', ARRAY['text'], 'uuid');
SELECT is_definer('cc_tenant_id', ARRAY['text']);
SELECT ok((SELECT 'search_path=pg_catalog, public' = ANY (proconfig)
             FROM pg_proc WHERE oid = 'cc_tenant_id(text)'::regprocedure),
          'cc_tenant_id(text) pins search_path');

SELECT has_function('cc_event_append',
    ARRAY['uuid', 'text', 'text', 'text', 'uuid', 'text', 'text', 'jsonb']);
SELECT function_returns('cc_event_append',
    ARRAY['uuid', 'text', 'text', 'text', 'uuid', 'text', 'text', 'jsonb'], 'bigint');
SELECT has_function('cc_event_digest', ARRAY['bytea', 'uuid', 'bigint', 'timestamp with time zone', 'uuid',
    'text', 'text', 'text', 'uuid', 'text', 'text', 'jsonb']);
SELECT has_function('cc_event_verify', ARRAY[]::name[]);
SELECT is((SELECT pg_get_function_result('cc_event_verify()'::regprocedure)),
          'TABLE(checked bigint, first_bad_seq bigint, problem text)', 'cc_event_verify() result shape');

-- The policy function is inlined: plans show the setting, not the function call.
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    out  text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
        out := out || line || E'\n';
    END LOOP;
    RETURN out;
END
$$;
SELECT ok(pg_temp.plan_of('SELECT * FROM users') !~ 'cc_current_tenant'
          AND pg_temp.plan_of('SELECT * FROM users') ~ 'current_setting',
          'cc_current_tenant() is inlined into RLS quals');

-- Roles ---------------------------------------------------------------------

SELECT has_role('cc_app');
SELECT isnt_superuser('cc_app');
SELECT ok(NOT (SELECT rolbypassrls FROM pg_roles WHERE rolname = 'cc_app'), 'cc_app is not BYPASSRLS');
SELECT ok(NOT (SELECT rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = 'cc_app'),
          'cc_app cannot create roles or databases');
SELECT is((SELECT count(*) FROM pg_shdepend
            WHERE refclassid = 'pg_authid'::regclass
              AND refobjid = (SELECT oid FROM pg_roles WHERE rolname = 'cc_app')
              AND deptype = 'o'),
          0::bigint, 'cc_app owns nothing');
SELECT ok(NOT pg_has_role('cc_app', (SELECT relowner FROM pg_class WHERE oid = 'public.users'::regclass),
                          'MEMBER'),
          'cc_app is not a member of the owner role');

-- Privileges of cc_app --------------------------------------------------------

SELECT table_privs_are('public', 'tenants', 'cc_app', ARRAY['SELECT']);
SELECT table_privs_are('public', 'clients', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SELECT table_privs_are('public', 'users', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SELECT table_privs_are('public', 'refresh_tokens', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
SELECT table_privs_are('public', 'signing_keys', 'cc_app', ARRAY['SELECT']);
SELECT table_privs_are('public', 'login_throttle', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
SELECT table_privs_are('public', 'event_log', 'cc_app', ARRAY['SELECT', 'INSERT']);

SELECT is((SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.relnamespace = 'public'::regnamespace AND a.grantee = 0
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')),
          0::bigint, 'PUBLIC has no privilege on any foundation relation');

SELECT schema_privs_are('public', 'cc_app', ARRAY['USAGE'], 'cc_app has USAGE but not CREATE on schema public');
SELECT database_privs_are(current_database(), 'cc_app', ARRAY['CONNECT'],
                          'cc_app may connect, but not create schemas or temporary tables');

-- Our functions (not the pgtap extension's): none executable by PUBLIC, and
-- cc_app may execute exactly these.
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
              AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0))),
          0::bigint, 'no foundation function is executable by PUBLIC');

SELECT ok((SELECT bool_and(has_function_privilege('cc_app', f::regprocedure, 'EXECUTE'))
             FROM unnest(ARRAY['cc_current_tenant()', 'cc_tenant_id(text)', 'cc_event_verify()',
                               'cc_event_append(uuid,text,text,text,uuid,text,text,jsonb)',
                               'cc_event_digest(bytea,uuid,bigint,timestamptz,uuid,text,text,text,uuid,text,text,jsonb)'])
                  AS f),
          'cc_app may execute the foundation functions');
SELECT ok(NOT has_function_privilege('cc_app', 'cc_users_touch()', 'EXECUTE')
          AND NOT has_function_privilege('cc_app', 'cc_event_log_refuse()', 'EXECUTE'),
          'cc_app may not execute the trigger functions');

SELECT ok(to_regclass('public.schema_migrations') IS NULL
          OR NOT has_table_privilege('cc_app', 'public.schema_migrations', 'SELECT, INSERT, UPDATE, DELETE'),
          'cc_app has no privilege on schema_migrations');

SELECT * FROM finish();
ROLLBACK;
