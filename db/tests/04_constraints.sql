-- Constraints and the users trigger: unique email per tenant ignoring case,
-- role/client_id coupling, shapes of slugs, emails, hashes and keys, the
-- single active signing key, updated_at. Writes go through cc_app where the
-- services would write, so the errors are the ones the C code will see.
BEGIN;
SELECT plan(43);

SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';
INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-con-a', 'Constraint tenant A');
INSERT INTO clients (id, legal_name) VALUES ('a1000000-0000-4000-8000-00000000000a', 'Client of A');
SET LOCAL app.tenant_id = 'b0000000-0000-4000-8000-00000000000b';
INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-con-b', 'Constraint tenant B');
INSERT INTO clients (id, legal_name) VALUES ('b1000000-0000-4000-8000-00000000000b', 'Client of B');

-- Tenants (owner) ----------------------------------------------------------------------

SET LOCAL app.tenant_id = 'c0000000-0000-4000-8000-00000000000c';
SELECT throws_ok($$INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'Bad_Slug', 'x')$$,
                 '23514', NULL, 'slug with capitals/underscore refused');
SELECT throws_ok($$INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), '-lead', 'x')$$,
                 '23514', NULL, 'slug starting with a hyphen refused');
SELECT throws_ok($$INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'a', 'x')$$,
                 '23514', NULL, 'one-character slug refused');
SELECT throws_ok($$INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), repeat('a', 64), 'x')$$,
                 '23514', NULL, '64-character slug refused');
SELECT throws_ok($$INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-con-c', '  ')$$,
                 '23514', NULL, 'blank tenant name refused');
SELECT throws_ok($$INSERT INTO tenants (id, slug, name, settings)
                   VALUES (cc_current_tenant(), 'pgtap-con-c', 'C', '[]')$$,
                 '23514', NULL, 'settings must be an object');
SELECT throws_ok($$INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-con-a', 'C')$$,
                 '23505', NULL, 'duplicate slug refused');
SELECT lives_ok($$INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-con-c', 'C')$$,
                'a good tenant is accepted');
SELECT is((SELECT settings FROM tenants WHERE slug = 'pgtap-con-c'), '{}'::jsonb, 'settings default {}');

-- Users (cc_app) -----------------------------------------------------------------------

SET LOCAL ROLE cc_app;
SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';

PREPARE add_user(text, text, text, uuid) AS
    INSERT INTO users (email, name, role, client_id, password_hash)
    VALUES ($1, $2, $3, $4, '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA');

SELECT lives_ok($$EXECUTE add_user('Alice@Example.com', 'Alice', 'admin', NULL)$$, 'user created');
SELECT throws_ok($$EXECUTE add_user('alice@example.COM', 'Alice 2', 'auditor', NULL)$$, '23505',
                 'duplicate key value violates unique constraint "users_tenant_email_key"',
                 'same email in another case, same tenant: refused');
SELECT throws_ok($$EXECUTE add_user('Alice@Example.com', 'Alice 3', 'auditor', NULL)$$, '23505', NULL,
                 'identical email, same tenant: refused');
SET LOCAL app.tenant_id = 'b0000000-0000-4000-8000-00000000000b';
SELECT lives_ok($$EXECUTE add_user('alice@example.com', 'Alice of B', 'admin', NULL)$$,
                'same email in another tenant: allowed');
SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';
SELECT is((SELECT count(*) FROM users WHERE lower(email) = lower('ALICE@example.com')), 1::bigint,
          'case-insensitive lookup in A finds one user');

SELECT throws_ok($$EXECUTE add_user('c1@a.example', 'C1', 'client', NULL)$$, '23514',
                 'new row for relation "users" violates check constraint "users_client_role_check"',
                 'role client without client_id refused');
SELECT throws_ok($$EXECUTE add_user('c2@a.example', 'C2', 'auditor', 'a1000000-0000-4000-8000-00000000000a')$$,
                 '23514', 'new row for relation "users" violates check constraint "users_client_role_check"',
                 'client_id on a staff role refused');
SELECT lives_ok($$EXECUTE add_user('c3@a.example', 'C3', 'client', 'a1000000-0000-4000-8000-00000000000a')$$,
                'role client with A''s client accepted');
SELECT throws_ok($$EXECUTE add_user('c4@a.example', 'C4', 'client', 'b1000000-0000-4000-8000-00000000000b')$$,
                 '23503', NULL, 'a client of another tenant cannot be referenced');
SELECT throws_ok($$EXECUTE add_user('c5@a.example', 'C5', 'client', 'a9999999-0000-4000-8000-00000000000a')$$,
                 '23503', NULL, 'an unknown client cannot be referenced');
SELECT throws_ok($$EXECUTE add_user('r@a.example', 'R', 'superadmin', NULL)$$, '23514',
                 'new row for relation "users" violates check constraint "users_role_check"', 'unknown role refused');
SELECT lives_ok($$EXECUTE add_user('sm@a.example', 'SM', 'scheme_manager', NULL);
                  EXECUTE add_user('au@a.example', 'AU', 'auditor', NULL);
                  EXECUTE add_user('dm@a.example', 'DM', 'decision_maker', NULL)$$, 'every staff role accepted');
SELECT throws_ok($$EXECUTE add_user('no-at-sign', 'X', 'admin', NULL)$$, '23514',
                 'new row for relation "users" violates check constraint "users_email_check"',
                 'email without @ refused');
SELECT throws_ok($$EXECUTE add_user('x@localhost', 'X', 'admin', NULL)$$, '23514', NULL,
                 'email without a dotted domain refused');
SELECT throws_ok($$EXECUTE add_user('x y@a.example', 'X', 'admin', NULL)$$, '23514', NULL,
                 'email with a space refused');
SELECT throws_ok($$EXECUTE add_user('e@a.example', '', 'admin', NULL)$$, '23514',
                 'new row for relation "users" violates check constraint "users_name_check"', 'empty name refused');
SELECT throws_ok($$INSERT INTO users (email, name, role, password_hash) VALUES ('p@a.example', 'P', 'admin', 'secret')$$,
                 '23514', 'new row for relation "users" violates check constraint "users_password_hash_check"',
                 'a password_hash that is not argon2id refused');
SELECT throws_ok($$UPDATE users SET failed_login_count = -1$$, '23514', NULL, 'negative failed_login_count refused');

-- updated_at: set on edits, kept on login bookkeeping; created_at never changes.
RESET ROLE;
ALTER TABLE users DISABLE TRIGGER users_touch;
UPDATE users SET created_at = '2000-01-01 00:00:00+00', updated_at = '2000-01-01 00:00:00+00'
 WHERE lower(email) = 'alice@example.com';
ALTER TABLE users ENABLE TRIGGER users_touch;
SET LOCAL ROLE cc_app;
UPDATE users SET failed_login_count = failed_login_count + 1, first_failed_login_at = now(),
                 locked_until = now() + interval '5 minutes'
 WHERE lower(email) = 'alice@example.com';
SELECT is((SELECT updated_at FROM users WHERE lower(email) = 'alice@example.com'),
          '2000-01-01 00:00:00+00'::timestamptz, 'login bookkeeping does not touch updated_at');
UPDATE users SET name = 'Alice Liddell', version = version + 1, updated_at = '1999-01-01'
 WHERE lower(email) = 'alice@example.com';
SELECT is((SELECT updated_at FROM users WHERE lower(email) = 'alice@example.com'), now(),
          'an edit sets updated_at to now() (whatever the caller wrote)');
UPDATE users SET created_at = now() WHERE lower(email) = 'alice@example.com';
SELECT is((SELECT created_at FROM users WHERE lower(email) = 'alice@example.com'),
          '2000-01-01 00:00:00+00'::timestamptz, 'created_at cannot be changed');
SELECT is((SELECT version FROM users WHERE lower(email) = 'alice@example.com'), 2, 'version is the caller''s');

-- Refresh tokens (cc_app) --------------------------------------------------------------------

PREPARE add_token(bytea) AS
    INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
    SELECT id, gen_random_uuid(), $1, now() + interval '30 days' FROM users WHERE lower(email) = 'alice@example.com';

SELECT lives_ok($$EXECUTE add_token(sha256('t1'))$$, 'refresh token with a 32-byte hash accepted');
SELECT throws_ok($$EXECUTE add_token(substring(sha256('t2') from 2))$$, '23514',
                 'new row for relation "refresh_tokens" violates check constraint "refresh_tokens_token_hash_check"',
                 '31-byte token hash refused');
SELECT throws_ok($$EXECUTE add_token(sha256('t1'))$$, '23505',
                 'duplicate key value violates unique constraint "refresh_tokens_tenant_token_hash_key"',
                 'duplicate token hash in a tenant refused');
SET LOCAL app.tenant_id = 'b0000000-0000-4000-8000-00000000000b';
SELECT lives_ok($$EXECUTE add_token(sha256('t1'))$$, 'the same hash in another tenant is a different token');
SELECT throws_ok($$INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
                   VALUES (gen_random_uuid(), gen_random_uuid(), sha256('t3'), now() + interval '1 day')$$,
                 '23503', NULL, 'a refresh token needs an existing user of the tenant');
SELECT throws_ok($$INSERT INTO event_log (seq, action, prev_hash, hash)
                   VALUES (1, 'x', decode(repeat('00', 32), 'hex'), '\x00'::bytea)$$,
                 '23514', 'new row for relation "event_log" violates check constraint "event_log_hash_check"',
                 'event hash must be 32 bytes');
RESET ROLE;

-- Signing keys (owner: the CLI) ------------------------------------------------------------

PREPARE add_key(text, text) AS
    INSERT INTO signing_keys (kid, public_pem, private_enc, state)
    VALUES ($1, E'-----BEGIN PUBLIC KEY-----\nMFk=\n-----END PUBLIC KEY-----\n', sha256('n') || sha256('c'), $2);

-- Start from no active key inside this transaction (the database may hold real ones).
UPDATE signing_keys SET state = 'previous' WHERE state = 'active';
SELECT lives_ok($$EXECUTE add_key('pgtap-k1', 'active')$$, 'an active key is accepted');
SELECT throws_ok($$EXECUTE add_key('pgtap-k0', 'retired')$$, '23514', NULL, 'unknown key state refused');
SELECT throws_ok($$INSERT INTO signing_keys (kid, alg, public_pem, private_enc, state)
                   VALUES ('pgtap-k0', 'HS256', '-----BEGIN PUBLIC KEY-----', sha256('x') || sha256('y'), 'previous')$$,
                 '23514', NULL, 'alg other than ES256 refused');
SELECT throws_ok($$EXECUTE add_key('bad kid', 'previous')$$, '23514', NULL, 'kid with a space refused');

-- Rotation inside one transaction: insert the new active key, then demote the old one.
SELECT lives_ok($$EXECUTE add_key('pgtap-k2', 'active');
                  UPDATE signing_keys SET state = 'previous' WHERE kid = 'pgtap-k1';
                  SET CONSTRAINTS signing_keys_one_active IMMEDIATE$$,
                'rotation: two active keys for a moment is fine, one at the end');
SET CONSTRAINTS signing_keys_one_active DEFERRED;
SELECT throws_ok($$EXECUTE add_key('pgtap-k3', 'active'); SET CONSTRAINTS signing_keys_one_active IMMEDIATE$$,
                 '23P01', NULL, 'two active keys at commit are refused');

SELECT * FROM finish();
ROLLBACK;
