-- Token revocation state and tenant settings (0012): tokens_not_before follows the changes that end a
-- user's tokens; cc_user_token_states() reads across tenants as cc_app and leaves the tenant setting alone;
-- cc_app may change only its own tenant's settings and version.
BEGIN;
SELECT plan(17);

SELECT set_config('app.tenant_id', 'ad000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('ad000000-0000-4000-8000-00000000000a', 'revoke-test-a', 'Revoke A');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('ad300000-0000-4000-8000-00000000000a', 'Client A Ltd', '1 Road', 'Town', 'GB', 10),
       ('ad300000-0000-4000-8000-00000000000b', 'Client B Ltd', '2 Road', 'Town', 'GB', 10);
INSERT INTO users (id, email, name, role, password_hash) VALUES
    ('ad100000-0000-4000-8000-000000000001', 'a1@revoke-a.example', 'A One', 'admin', '$argon2id$x'),
    ('ad100000-0000-4000-8000-000000000002', 'a2@revoke-a.example', 'A Two', 'auditor', '$argon2id$x'),
    ('ad100000-0000-4000-8000-000000000003', 'a3@revoke-a.example', 'A Three', 'auditor', '$argon2id$x');
INSERT INTO users (id, email, name, role, client_id, password_hash) VALUES
    ('ad100000-0000-4000-8000-000000000004', 'a4@revoke-a.example', 'A Four', 'client',
     'ad300000-0000-4000-8000-00000000000a', '$argon2id$x');
SELECT set_config('app.tenant_id', 'ad000000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('ad000000-0000-4000-8000-00000000000b', 'revoke-test-b', 'Revoke B');
INSERT INTO users (id, email, name, role, password_hash) VALUES
    ('ad200000-0000-4000-8000-000000000001', 'b1@revoke-b.example', 'B One', 'admin', '$argon2id$x');

SELECT set_config('app.tenant_id', 'ad000000-0000-4000-8000-00000000000a', true);
SET LOCAL ROLE cc_app;

SELECT is((SELECT tokens_not_before FROM users WHERE id = 'ad100000-0000-4000-8000-000000000001'), NULL,
          'a new user has no tokens_not_before');
UPDATE users SET name = 'Renamed', role = 'scheme_manager' WHERE id = 'ad100000-0000-4000-8000-000000000001';
SELECT is((SELECT tokens_not_before FROM users WHERE id = 'ad100000-0000-4000-8000-000000000001'), NULL,
          'a rename or a staff role change leaves tokens_not_before alone (the token acts with the new role)');
UPDATE users SET disabled = true WHERE id = 'ad100000-0000-4000-8000-000000000002';
SELECT is((SELECT tokens_not_before FROM users WHERE id = 'ad100000-0000-4000-8000-000000000002'), now(),
          'disabling sets tokens_not_before');
UPDATE users SET password_hash = '$argon2id$y' WHERE id = 'ad100000-0000-4000-8000-000000000003';
SELECT is((SELECT tokens_not_before FROM users WHERE id = 'ad100000-0000-4000-8000-000000000003'), now(),
          'a new password sets tokens_not_before');
UPDATE users SET client_id = 'ad300000-0000-4000-8000-00000000000b' WHERE id = 'ad100000-0000-4000-8000-000000000004';
SELECT is((SELECT tokens_not_before FROM users WHERE id = 'ad100000-0000-4000-8000-000000000004'), now(),
          'another client organisation sets tokens_not_before');
UPDATE users SET failed_login_count = 1 WHERE id = 'ad100000-0000-4000-8000-000000000001';
SELECT is((SELECT tokens_not_before FROM users WHERE id = 'ad100000-0000-4000-8000-000000000001'), NULL,
          'login bookkeeping leaves tokens_not_before alone');

-- The loader reads every tenant, and only the columns it needs.
SELECT is((SELECT count(*) FROM cc_user_token_states() s WHERE s.user_id::text LIKE 'ad%'), 5::bigint,
          'cc_user_token_states() returns the users of every tenant to cc_app');
SELECT is((SELECT role FROM cc_user_token_states() s WHERE s.user_id = 'ad200000-0000-4000-8000-000000000001'),
          'admin', 'including another tenant''s user');
SELECT is((SELECT disabled FROM cc_user_token_states() s WHERE s.user_id = 'ad100000-0000-4000-8000-000000000002'),
          true, 'with the disabled flag');
SELECT is((SELECT tokens_not_before FROM cc_user_token_states() s
           WHERE s.user_id = 'ad100000-0000-4000-8000-000000000002'),
          floor(extract(epoch FROM now()))::bigint, 'with tokens_not_before in whole epoch seconds');
SELECT is(current_setting('app.tenant_id'), 'ad000000-0000-4000-8000-00000000000a',
          'and leaves app.tenant_id as it found it');
SELECT is((SELECT count(*) FROM users WHERE id::text LIKE 'ad2%'), 0::bigint,
          'cc_app itself still sees no other tenant''s users');
SELECT is((SELECT prosecdef FROM pg_proc WHERE proname = 'cc_user_token_states'), true,
          'cc_user_token_states() is SECURITY DEFINER');

-- Settings: the own tenant's settings and version, nothing else.
UPDATE tenants SET settings = '{"impartiality": {"conflict_years": 3}}', settings_version = settings_version + 1
WHERE id = 'ad000000-0000-4000-8000-00000000000a';
SELECT is((SELECT settings_version FROM tenants WHERE id = 'ad000000-0000-4000-8000-00000000000a'), 2,
          'cc_app changes its own tenant''s settings and version');
WITH u AS (UPDATE tenants SET settings = '{}' WHERE id = 'ad000000-0000-4000-8000-00000000000b' RETURNING 1)
SELECT is(count(*), 0::bigint, 'but not another tenant''s') FROM u;
SELECT throws_ok($$UPDATE tenants SET name = 'x' WHERE id = 'ad000000-0000-4000-8000-00000000000a'$$,
                 '42501', NULL, 'and no other column of the tenant');
RESET ROLE;

SELECT is((SELECT count(*) FROM pg_proc p
           WHERE p.proname IN ('cc_users_tokens_not_before', 'cc_users_notify', 'cc_user_token_states',
                               'cc_tenants_settings_notify')
             AND EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')),
          4::bigint, 'every function of 0012 sets its search_path');

SELECT * FROM finish();
ROLLBACK;
