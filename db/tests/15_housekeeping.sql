-- cc_housekeeping_purge (0013): expired login throttles, idempotency keys, refresh tokens and ended
-- login failures go, in
-- bounded batches per tenant, whatever tenant the caller names; live rows stay; cc_app may call it;
-- the caller's app.tenant_id is kept.
BEGIN;
SELECT plan(18);

-- Two tenants, each with a user (refresh tokens reference users).
SELECT set_config('app.tenant_id', 'a1300000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('a1300000-0000-4000-8000-00000000000a', 'hk-test-a', 'HK A');
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('a1310000-0000-4000-8000-00000000000a', 'a@hk.example', 'A', 'admin', '$argon2id$x');
INSERT INTO idempotency_keys (actor_id, key, method, path, request_hash, created_at)
SELECT 'a1310000-0000-4000-8000-00000000000a', 'old-' || i, 'POST', '/v1/x', sha256('x'), now() - interval '25 hours'
FROM generate_series(1, 3) i;
INSERT INTO idempotency_keys (actor_id, key, method, path, request_hash, created_at)
VALUES ('a1310000-0000-4000-8000-00000000000a', 'fresh', 'POST', '/v1/x', sha256('x'), now() - interval '1 hour');
INSERT INTO refresh_tokens (user_id, family_id, token_hash, created_at, expires_at, revoked_at) VALUES
    ('a1310000-0000-4000-8000-00000000000a', gen_random_uuid(), sha256('expired'), now() - interval '40 days',
     now() - interval '10 days', NULL),
    ('a1310000-0000-4000-8000-00000000000a', gen_random_uuid(), sha256('revoked-long-ago'),
     now() - interval '3 days', now() + interval '20 days', now() - interval '2 days'),
    ('a1310000-0000-4000-8000-00000000000a', gen_random_uuid(), sha256('revoked-just-now'),
     now() - interval '3 days', now() + interval '20 days', now() - interval '1 hour'),
    ('a1310000-0000-4000-8000-00000000000a', gen_random_uuid(), sha256('live'), now(), now() + interval '30 days',
     NULL);
INSERT INTO login_failures (email, failures, window_start, locked_until) VALUES
    ('ended@hk.example', 3, now() - interval '20 minutes', NULL),
    ('lock-ended@hk.example', 5, now() - interval '40 minutes', now() - interval '10 minutes'),
    ('counting@hk.example', 2, now() - interval '5 minutes', NULL),
    ('locked@hk.example', 5, now() - interval '20 minutes', now() + interval '5 minutes');

SELECT set_config('app.tenant_id', 'a1300000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('a1300000-0000-4000-8000-00000000000b', 'hk-test-b', 'HK B');
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('a1310000-0000-4000-8000-00000000000b', 'b@hk.example', 'B', 'admin', '$argon2id$x');
INSERT INTO idempotency_keys (actor_id, key, method, path, request_hash, created_at)
VALUES ('a1310000-0000-4000-8000-00000000000b', 'old-b', 'POST', '/v1/x', sha256('x'), now() - interval '25 hours');

INSERT INTO login_throttle (address, window_start, failures) VALUES
    ('hk-old-1', now() - interval '16 minutes', 3),
    ('hk-old-2', now() - interval '2 hours', 100),
    ('hk-current', now() - interval '5 minutes', 7);

-- As the service: cc_app, naming tenant B.
SET LOCAL ROLE cc_app;
SELECT set_config('app.tenant_id', 'a1300000-0000-4000-8000-00000000000b', true);
SELECT lives_ok($$ SELECT * FROM cc_housekeeping_purge(2) $$, 'cc_app may run the purge (batch 2)');
SELECT is(current_setting('app.tenant_id'), 'a1300000-0000-4000-8000-00000000000b',
          'the caller''s tenant is restored');
SELECT is((SELECT count(*)::int FROM idempotency_keys WHERE key = 'old-b'), 0,
          'the caller''s own expired key is gone');
SELECT throws_ok($$ SELECT * FROM cc_housekeeping_purge(0) $$, '22023', NULL, 'a batch below 1 is refused');
RESET ROLE;

-- What is left, seen as the owner tenant by tenant (RLS is forced for the owner too).
SELECT set_config('app.tenant_id', 'a1300000-0000-4000-8000-00000000000a', true);
SELECT is((SELECT count(*)::int FROM idempotency_keys WHERE key LIKE 'old-%'), 1,
          'another tenant''s expired keys went too, at most a batch (2) of its 3 per statement');
SELECT is((SELECT count(*)::int FROM idempotency_keys WHERE key = 'fresh'), 1, 'a key younger than 24 h stays');
SELECT is((SELECT count(*)::int FROM refresh_tokens WHERE token_hash = sha256('expired')), 0,
          'an expired refresh token is purged');
SELECT is((SELECT count(*)::int FROM refresh_tokens WHERE token_hash = sha256('revoked-long-ago')), 0,
          'a token revoked more than a day ago is purged');
SELECT is((SELECT count(*)::int FROM refresh_tokens WHERE token_hash = sha256('revoked-just-now')), 1,
          'a token revoked within the day stays (a replay still reads as revoked)');
SELECT is((SELECT count(*)::int FROM refresh_tokens WHERE token_hash = sha256('live')), 1,
          'a live token stays');
SELECT is((SELECT count(*)::int FROM login_throttle WHERE address = 'hk-current'), 1,
          'a throttle window still running stays');
SELECT is((SELECT count(*)::int FROM login_throttle WHERE address LIKE 'hk-old-%'), 0,
          'throttle windows that are over go');
SELECT is((SELECT count(*)::int FROM login_failures WHERE email IN ('ended@hk.example', 'lock-ended@hk.example')),
          0, 'login failures whose window and lock are over go');
SELECT is((SELECT count(*)::int FROM login_failures WHERE email = 'counting@hk.example'), 1,
          'login failures whose window is still running stay');
SELECT is((SELECT count(*)::int FROM login_failures WHERE email = 'locked@hk.example'), 1,
          'login failures still locking the address stay, though their window is over');

-- A second run takes the rest of the batch.
SELECT ok((SELECT idempotency_keys >= 1 FROM cc_housekeeping_purge(2)), 'a second run purges what the batch left');
SELECT is((SELECT count(*)::int FROM idempotency_keys WHERE key LIKE 'old-%'), 0, 'nothing expired is left');
SELECT is((SELECT login_failures FROM cc_housekeeping_purge(2)), 0::bigint,
          'a run with nothing ended reports no login failures purged');

SELECT * FROM finish();
ROLLBACK;
