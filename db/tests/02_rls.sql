-- Row-level security between tenants, as the services see it (cc_app), and as
-- the owner sees it (RLS is forced, so the owner too). Run as the owner, which
-- must be a member of cc_app (run.sh grants it) to SET ROLE cc_app.
BEGIN;
SELECT plan(62);

-- Fixtures: two tenants, A and B, each with a client, an admin, a client user,
-- a refresh token and an event. RLS is forced even for the owner, so each
-- tenant's rows are written with app.tenant_id set to that tenant.
SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';
INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-rls-a', 'Tenant A');
INSERT INTO clients (tenant_id, id, legal_name)
VALUES (cc_current_tenant(), 'a1000000-0000-4000-8000-00000000000a', 'Client of A');
INSERT INTO users (tenant_id, id, email, name, role, client_id, password_hash) VALUES
    (cc_current_tenant(), 'a2000000-0000-4000-8000-00000000000a', 'admin@a.example', 'Admin A', 'admin', NULL,
     '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA'),
    (cc_current_tenant(), 'a3000000-0000-4000-8000-00000000000a', 'client@a.example', 'Client A', 'client',
     'a1000000-0000-4000-8000-00000000000a', '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA');
INSERT INTO refresh_tokens (tenant_id, id, user_id, family_id, token_hash, expires_at)
VALUES (cc_current_tenant(), 'a4000000-0000-4000-8000-00000000000a', 'a2000000-0000-4000-8000-00000000000a',
        'a5000000-0000-4000-8000-00000000000a', sha256('token-a'), now() + interval '1 day');
SELECT is(cc_event_append(NULL, NULL, 'fixture', 'tenant', cc_current_tenant(), NULL, NULL, NULL), 1::bigint,
          'fixture event for A');

SET LOCAL app.tenant_id = 'b0000000-0000-4000-8000-00000000000b';
INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-rls-b', 'Tenant B');
INSERT INTO clients (tenant_id, id, legal_name)
VALUES (cc_current_tenant(), 'b1000000-0000-4000-8000-00000000000b', 'Client of B');
INSERT INTO users (tenant_id, id, email, name, role, client_id, password_hash) VALUES
    (cc_current_tenant(), 'b2000000-0000-4000-8000-00000000000b', 'admin@b.example', 'Admin B', 'admin', NULL,
     '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA'),
    (cc_current_tenant(), 'b3000000-0000-4000-8000-00000000000b', 'client@b.example', 'Client B', 'client',
     'b1000000-0000-4000-8000-00000000000b', '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA');
INSERT INTO refresh_tokens (tenant_id, id, user_id, family_id, token_hash, expires_at)
VALUES (cc_current_tenant(), 'b4000000-0000-4000-8000-00000000000b', 'b2000000-0000-4000-8000-00000000000b',
        'b5000000-0000-4000-8000-00000000000b', sha256('token-b'), now() + interval '1 day');
SELECT is(cc_event_append(NULL, NULL, 'fixture', 'tenant', cc_current_tenant(), NULL, NULL, NULL), 1::bigint,
          'fixture event for B');

-- cc_app, tenant A: sees only A ------------------------------------------------

SET LOCAL ROLE cc_app;
SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';

SELECT results_eq('SELECT id FROM tenants', ARRAY['a0000000-0000-4000-8000-00000000000a'::uuid],
                  'A sees only its own tenants row');
SELECT results_eq('SELECT DISTINCT tenant_id FROM clients', ARRAY['a0000000-0000-4000-8000-00000000000a'::uuid],
                  'A sees only A''s clients');
SELECT results_eq('SELECT DISTINCT tenant_id FROM users', ARRAY['a0000000-0000-4000-8000-00000000000a'::uuid],
                  'A sees only A''s users');
SELECT results_eq('SELECT DISTINCT tenant_id FROM refresh_tokens',
                  ARRAY['a0000000-0000-4000-8000-00000000000a'::uuid], 'A sees only A''s refresh tokens');
SELECT results_eq('SELECT DISTINCT tenant_id FROM event_log',
                  ARRAY['a0000000-0000-4000-8000-00000000000a'::uuid], 'A sees only A''s events');
SELECT is((SELECT count(*) FROM users), 2::bigint, 'A sees both of its users');

-- Naming B's rows explicitly finds nothing.
SELECT is_empty($$SELECT 1 FROM tenants WHERE slug = 'pgtap-rls-b'$$, 'B''s tenants row is invisible');
SELECT is_empty($$SELECT 1 FROM clients WHERE id = 'b1000000-0000-4000-8000-00000000000b'$$,
                'B''s client is invisible');
SELECT is_empty($$SELECT 1 FROM users WHERE lower(email) = 'admin@b.example'$$, 'B''s user is invisible');
SELECT is_empty($$SELECT 1 FROM refresh_tokens WHERE token_hash = sha256('token-b')$$,
                'B''s refresh token is invisible');
SELECT is_empty($$SELECT 1 FROM event_log WHERE tenant_id = 'b0000000-0000-4000-8000-00000000000b'$$,
                'B''s events are invisible');

-- UPDATE / DELETE of B's rows: 0 rows where cc_app holds the privilege, refused where it does not.
WITH u AS (UPDATE clients SET legal_name = 'hijacked'
                       WHERE id = 'b1000000-0000-4000-8000-00000000000b' RETURNING 1)
SELECT is(count(*), 0::bigint, 'UPDATE of B''s client affects 0 rows') FROM u;
WITH u AS (UPDATE users SET role = 'admin', client_id = NULL
                       WHERE tenant_id = 'b0000000-0000-4000-8000-00000000000b' RETURNING 1)
SELECT is(count(*), 0::bigint, 'UPDATE of B''s users affects 0 rows') FROM u;
WITH u AS (UPDATE refresh_tokens SET revoked_at = now()
                       WHERE id = 'b4000000-0000-4000-8000-00000000000b' RETURNING 1)
SELECT is(count(*), 0::bigint, 'UPDATE of B''s refresh token affects 0 rows') FROM u;
WITH d AS (DELETE FROM refresh_tokens
                       WHERE tenant_id = 'b0000000-0000-4000-8000-00000000000b' RETURNING 1)
SELECT is(count(*), 0::bigint, 'DELETE of B''s refresh tokens affects 0 rows') FROM d;
SELECT throws_ok($$UPDATE tenants SET name = 'x' WHERE id = 'b0000000-0000-4000-8000-00000000000b'$$,
                 '42501', NULL, 'cc_app cannot UPDATE tenants at all');
SELECT throws_ok($$DELETE FROM tenants WHERE id = 'b0000000-0000-4000-8000-00000000000b'$$,
                 '42501', NULL, 'cc_app cannot DELETE tenants');
SELECT throws_ok($$DELETE FROM clients WHERE id = 'b1000000-0000-4000-8000-00000000000b'$$,
                 '42501', NULL, 'cc_app cannot DELETE clients');
SELECT throws_ok($$DELETE FROM users WHERE tenant_id = 'b0000000-0000-4000-8000-00000000000b'$$,
                 '42501', NULL, 'cc_app cannot DELETE users');

-- INSERT with B's tenant_id violates the policy.
SELECT throws_ok($$INSERT INTO clients (tenant_id, legal_name)
                   VALUES ('b0000000-0000-4000-8000-00000000000b', 'planted')$$,
                 '42501', 'new row violates row-level security policy for table "clients"',
                 'cc_app cannot INSERT a client into B');
SELECT throws_ok($$INSERT INTO users (tenant_id, email, name, role, password_hash)
                   VALUES ('b0000000-0000-4000-8000-00000000000b', 'planted@b.example', 'P', 'admin',
                           '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA')$$,
                 '42501', 'new row violates row-level security policy for table "users"',
                 'cc_app cannot INSERT a user into B');
SELECT throws_ok($$INSERT INTO refresh_tokens (tenant_id, user_id, family_id, token_hash, expires_at)
                   VALUES ('b0000000-0000-4000-8000-00000000000b', 'b2000000-0000-4000-8000-00000000000b',
                           gen_random_uuid(), sha256('planted'), now() + interval '1 hour')$$,
                 '42501', 'new row violates row-level security policy for table "refresh_tokens"',
                 'cc_app cannot INSERT a refresh token into B');
SELECT throws_ok($$INSERT INTO event_log (tenant_id, seq, action, prev_hash, hash)
                   VALUES ('b0000000-0000-4000-8000-00000000000b', 99, 'planted',
                           sha256('x'), sha256('y'))$$,
                 '42501', 'new row violates row-level security policy for table "event_log"',
                 'cc_app cannot INSERT an event into B');
SELECT throws_ok($$INSERT INTO tenants (slug, name) VALUES ('pgtap-rls-c', 'C')$$,
                 '42501', NULL, 'cc_app cannot INSERT tenants');

-- Nor move its own rows to B.
SELECT throws_ok($$UPDATE clients SET tenant_id = 'b0000000-0000-4000-8000-00000000000b'
                    WHERE id = 'a1000000-0000-4000-8000-00000000000a'$$,
                 '42501', 'new row violates row-level security policy for table "clients"',
                 'cc_app cannot move A''s client to B');
SELECT throws_ok($$UPDATE refresh_tokens SET tenant_id = 'b0000000-0000-4000-8000-00000000000b'$$,
                 '42501', 'new row violates row-level security policy for table "refresh_tokens"',
                 'cc_app cannot move A''s refresh tokens to B');

-- Ordinary work inside A is allowed.
SELECT lives_ok($$INSERT INTO clients (legal_name) VALUES ('Second client of A')$$,
                'cc_app inserts a client into A (tenant_id defaults to the current tenant)');
WITH u AS (UPDATE users SET name = 'Admin A2'
                       WHERE id = 'a2000000-0000-4000-8000-00000000000a' RETURNING 1)
SELECT is(count(*), 1::bigint, 'cc_app updates A''s user') FROM u;
WITH d AS (DELETE FROM refresh_tokens WHERE id = 'a4000000-0000-4000-8000-00000000000a'
                      RETURNING 1)
SELECT is(count(*), 1::bigint, 'cc_app deletes A''s refresh token') FROM d;

-- B's rows are untouched (checked as B).
SET LOCAL app.tenant_id = 'b0000000-0000-4000-8000-00000000000b';
SELECT is((SELECT legal_name FROM clients WHERE id = 'b1000000-0000-4000-8000-00000000000b'), 'Client of B',
          'B''s client is unchanged');
SELECT is((SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL), 1::bigint,
          'B''s refresh token is still there and not revoked');
SELECT is((SELECT count(*) FROM users WHERE role = 'client'), 1::bigint, 'B''s users are unchanged');

-- cc_app, no tenant: sees nothing, writes nothing --------------------------------

SELECT is(set_config('app.tenant_id', '', true), '', 'tenant cleared');
SELECT is_empty('SELECT 1 FROM tenants', 'no tenant: tenants is empty');
SELECT is_empty('SELECT 1 FROM clients', 'no tenant: clients is empty');
SELECT is_empty('SELECT 1 FROM users', 'no tenant: users is empty');
SELECT is_empty('SELECT 1 FROM refresh_tokens', 'no tenant: refresh_tokens is empty');
SELECT is_empty('SELECT 1 FROM event_log', 'no tenant: event_log is empty');
SELECT throws_ok($$INSERT INTO clients (tenant_id, legal_name)
                   VALUES ('a0000000-0000-4000-8000-00000000000a', 'planted')$$,
                 '42501', 'new row violates row-level security policy for table "clients"',
                 'no tenant: cc_app cannot INSERT into A');
WITH u AS (UPDATE users SET name = 'x' RETURNING 1)
SELECT is(count(*), 0::bigint, 'no tenant: UPDATE affects 0 rows') FROM u;

-- Login resolves the tenant before one is set.
SELECT is(cc_tenant_id('pgtap-rls-a'), 'a0000000-0000-4000-8000-00000000000a'::uuid,
          'cc_tenant_id() works for cc_app with no tenant set');
SELECT is(cc_tenant_id('PGTAP-RLS-B'), 'b0000000-0000-4000-8000-00000000000b'::uuid,
          'cc_tenant_id() ignores case');
SELECT is(cc_tenant_id('pgtap-no-such-tenant'), NULL, 'cc_tenant_id() of an unknown slug is NULL');
SELECT is_empty('SELECT 1 FROM tenants', 'cc_app still cannot list tenants');

-- A malformed tenant id is an error, not a silent match.
SET LOCAL app.tenant_id = 'not-a-uuid';
SELECT throws_ok('SELECT 1 FROM users', '22P02', NULL, 'a malformed app.tenant_id is an error');
SET LOCAL app.tenant_id = '';

-- What else cc_app cannot do -------------------------------------------------------

SELECT lives_ok('SELECT * FROM signing_keys', 'cc_app reads signing_keys');
SELECT throws_ok($$INSERT INTO signing_keys (kid, public_pem, private_enc, state)
                   VALUES ('pgtap', '-----BEGIN PUBLIC KEY-----', '\x00'::bytea, 'active')$$,
                 '42501', NULL, 'cc_app cannot INSERT signing_keys');
SELECT throws_ok($$UPDATE signing_keys SET state = 'previous'$$, '42501', NULL,
                 'cc_app cannot UPDATE signing_keys');
SELECT throws_ok($$DELETE FROM signing_keys$$, '42501', NULL, 'cc_app cannot DELETE signing_keys');
SELECT lives_ok($$INSERT INTO login_throttle (address, failures) VALUES ('192.0.2.1', 1)
                  ON CONFLICT (address) DO UPDATE SET failures = login_throttle.failures + 1$$,
                'cc_app writes login_throttle');
SELECT lives_ok($$DELETE FROM login_throttle WHERE address = '192.0.2.1'$$, 'cc_app deletes login_throttle');
SELECT throws_ok('CREATE TABLE public.pgtap_planted (i int)', '42501', NULL,
                 'cc_app cannot CREATE in schema public');
SELECT throws_ok('CREATE TEMP TABLE pgtap_planted (i int)', '42501', NULL,
                 'cc_app cannot create temporary tables');
SELECT throws_ok('ALTER TABLE users DISABLE ROW LEVEL SECURITY', '42501', NULL,
                 'cc_app cannot switch RLS off');
SELECT throws_ok('ALTER TABLE users NO FORCE ROW LEVEL SECURITY', '42501', NULL,
                 'cc_app cannot un-force RLS');

RESET ROLE;
-- schema_migrations belongs to the runner; give it its usual shape if this
-- database was migrated without it, and check cc_app cannot read it.
CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, checksum text,
                                              applied_at timestamptz);
SET LOCAL ROLE cc_app;
SELECT throws_ok('SELECT * FROM schema_migrations', '42501', NULL, 'cc_app cannot read schema_migrations');
RESET ROLE;

-- The owner is bound by the policies too (FORCE) ---------------------------------

SET LOCAL app.tenant_id = '';
SELECT is_empty($$SELECT 1 FROM clients WHERE legal_name LIKE 'Client of _'$$,
                'owner without a tenant sees no clients');
SELECT is((SELECT count(*) FROM tenants WHERE slug IN ('pgtap-rls-a', 'pgtap-rls-b')), 2::bigint,
          'owner reads the tenant directory (tenants_owner_lookup)');
SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';
SELECT throws_ok($$INSERT INTO clients (tenant_id, legal_name)
                   VALUES ('b0000000-0000-4000-8000-00000000000b', 'planted')$$,
                 '42501', 'new row violates row-level security policy for table "clients"',
                 'owner with tenant A cannot INSERT into B');
WITH u AS (UPDATE tenants SET name = 'x' WHERE slug = 'pgtap-rls-b' RETURNING 1)
SELECT is(count(*), 0::bigint, 'owner with tenant A cannot UPDATE B''s tenants row') FROM u;

SELECT * FROM finish();
ROLLBACK;
