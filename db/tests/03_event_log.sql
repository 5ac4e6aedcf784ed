-- The event log: append-only for everyone, hash-chained per tenant,
-- cc_event_append() numbering and chaining, cc_event_verify() finding
-- tampering. Run as the owner (member of cc_app).
BEGIN;
SELECT plan(41);

SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';
INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-log-a', 'Log tenant A');
SET LOCAL app.tenant_id = 'b0000000-0000-4000-8000-00000000000b';
INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-log-b', 'Log tenant B');

-- The digest is pinned: sha256(prev_hash || UTF-8 of the canonical JSON array) --------

SELECT is(encode(cc_event_digest(decode(repeat('00', 32), 'hex'), '0e000000-0000-4000-8000-00000000000e', 1,
                                 '2024-01-02 03:04:05.678901+00', '0e100000-0000-4000-8000-00000000000e',
                                 'admin', 'user.create', 'user', '0e200000-0000-4000-8000-00000000000e',
                                 '192.0.2.7', 'req-1', '{"b": 2, "a": "x\"y"}'), 'hex'),
          'b98e298a40169e30c5a7670adc2a9c686f0bda613625bb9255a9b1471f13a705',
          'cc_event_digest() of a known event');
SELECT is(cc_event_digest(decode(repeat('00', 32), 'hex'), '0e000000-0000-4000-8000-00000000000e', 1,
                          '2024-01-02 03:04:05.678901+00', '0e100000-0000-4000-8000-00000000000e',
                          'admin', 'user.create', 'user', '0e200000-0000-4000-8000-00000000000e',
                          '192.0.2.7', 'req-1', '{"b": 2, "a": "x\"y"}'),
          sha256(decode(repeat('00', 32), 'hex') || convert_to(
              '["0e000000-0000-4000-8000-00000000000e", 1, "2024-01-02T03:04:05.678901Z", '
              '"0e100000-0000-4000-8000-00000000000e", "admin", "user.create", "user", '
              '"0e200000-0000-4000-8000-00000000000e", "192.0.2.7", "req-1", {"a": "x\"y", "b": 2}]', 'UTF8')),
          'the canonical text is the documented JSON array');
SET LOCAL timezone = 'America/New_York';
SELECT is(encode(cc_event_digest(decode(repeat('00', 32), 'hex'), '0e000000-0000-4000-8000-00000000000e', 1,
                                 '2024-01-02 03:04:05.678901+00', '0e100000-0000-4000-8000-00000000000e',
                                 'admin', 'user.create', 'user', '0e200000-0000-4000-8000-00000000000e',
                                 '192.0.2.7', 'req-1', '{"b": 2, "a": "x\"y"}'), 'hex'),
          'b98e298a40169e30c5a7670adc2a9c686f0bda613625bb9255a9b1471f13a705',
          'the digest does not depend on the session time zone');
SELECT isnt(cc_event_digest(decode(repeat('00', 32), 'hex'), '0e000000-0000-4000-8000-00000000000e', 1,
                            '2024-01-02 03:04:05.678901+00', NULL, NULL, 'x', NULL, NULL, NULL, NULL, '{}'),
            cc_event_digest(decode(repeat('00', 32), 'hex'), '0e000000-0000-4000-8000-00000000000e', 1,
                            '2024-01-02 03:04:05.678901+00', NULL, '', 'x', NULL, NULL, NULL, NULL, '{}'),
            'NULL and empty text digest differently');
RESET timezone;

-- cc_app appends in tenant A: seq 1, 2, 3, chained ------------------------------------

SET LOCAL ROLE cc_app;
SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';

SELECT is(cc_event_append('a2000000-0000-4000-8000-00000000000a', 'admin', 'user.create', 'user',
                          'a3000000-0000-4000-8000-00000000000a', '192.0.2.10', 'req-a1',
                          '{"email": "x@a.example"}'), 1::bigint, 'first append is seq 1');
SELECT is(cc_event_append('a2000000-0000-4000-8000-00000000000a', 'admin', 'user.update', 'user',
                          'a3000000-0000-4000-8000-00000000000a', '192.0.2.10', 'req-a2', NULL),
          2::bigint, 'second append is seq 2');
SELECT is(cc_event_append(NULL, NULL, 'auth.login_failed', NULL, NULL, '2001:db8::1', NULL, '{"n": 1}'),
          3::bigint, 'third append is seq 3');

SELECT results_eq('SELECT seq FROM event_log ORDER BY seq', ARRAY[1, 2, 3]::bigint[], 'seq is 1, 2, 3');
SELECT is((SELECT prev_hash FROM event_log WHERE seq = 1), decode(repeat('00', 32), 'hex'),
          'seq 1 chains to 32 zero bytes');
SELECT is((SELECT prev_hash FROM event_log WHERE seq = 2), (SELECT hash FROM event_log WHERE seq = 1),
          'seq 2 prev_hash is seq 1 hash');
SELECT is((SELECT prev_hash FROM event_log WHERE seq = 3), (SELECT hash FROM event_log WHERE seq = 2),
          'seq 3 prev_hash is seq 2 hash');
SELECT is((SELECT count(DISTINCT hash) FROM event_log), 3::bigint, 'hashes differ');
SELECT ok((SELECT bool_and(hash = cc_event_digest(prev_hash, tenant_id, seq, occurred_at, actor_id, actor_role,
                                                  action, entity_type, entity_id, source_ip, request_id, detail))
             FROM event_log), 'every hash is the digest of its row');
SELECT is((SELECT detail FROM event_log WHERE seq = 2), '{}'::jsonb, 'NULL detail is stored as {}');
SELECT is((SELECT detail FROM event_log WHERE seq = 1), '{"email": "x@a.example"}'::jsonb, 'detail stored');
SELECT ok((SELECT bool_and(a.occurred_at <= b.occurred_at)
             FROM event_log a JOIN event_log b ON b.seq = a.seq + 1), 'occurred_at follows seq');
SELECT is((SELECT tenant_id FROM event_log WHERE seq = 3), 'a0000000-0000-4000-8000-00000000000a'::uuid,
          'events belong to the current tenant');

SELECT row_eq('SELECT * FROM cc_event_verify()', ROW(3::bigint, NULL::bigint, NULL::text),
              'cc_event_verify(): 3 checked, intact');

-- Chains are per tenant.
SET LOCAL app.tenant_id = 'b0000000-0000-4000-8000-00000000000b';
SELECT is(cc_event_append(NULL, NULL, 'tenant.create', 'tenant', cc_current_tenant(), NULL, NULL, '{}'),
          1::bigint, 'tenant B starts its own chain at seq 1');
SELECT is((SELECT prev_hash FROM event_log), decode(repeat('00', 32), 'hex'), 'B''s first event chains to zeros');
SELECT row_eq('SELECT * FROM cc_event_verify()', ROW(1::bigint, NULL::bigint, NULL::text),
              'B''s chain verifies on its own');

-- A row written straight into the table (not via cc_event_append) is caught.
INSERT INTO event_log (tenant_id, seq, action, prev_hash, hash)
VALUES (cc_current_tenant(), 2, 'forged', decode(repeat('00', 32), 'hex'), sha256('forged'));
SELECT row_eq('SELECT checked, first_bad_seq FROM cc_event_verify()', ROW(2::bigint, 2::bigint),
              'a forged row inserted directly is reported');

-- cc_app cannot change history.
SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';
SELECT throws_ok($$UPDATE event_log SET action = 'x' WHERE seq = 1$$, '42501', NULL, 'cc_app cannot UPDATE');
SELECT throws_ok($$DELETE FROM event_log WHERE seq = 1$$, '42501', NULL, 'cc_app cannot DELETE');
SELECT throws_ok('TRUNCATE event_log', '42501', NULL, 'cc_app cannot TRUNCATE');
SELECT throws_ok('ALTER TABLE event_log DISABLE TRIGGER event_log_append_only', '42501', NULL,
                 'cc_app cannot disable the append-only trigger');
SELECT throws_ok($$INSERT INTO event_log (tenant_id, seq, action, prev_hash, hash)
                   VALUES (cc_current_tenant(), 1, 'dup', sha256('a'), sha256('b'))$$,
                 '23505', NULL, 'a seq cannot be taken twice');

-- Without a tenant there is no log to append to or verify.
SET LOCAL app.tenant_id = '';
SELECT throws_ok($$SELECT cc_event_append(NULL, NULL, 'x', NULL, NULL, NULL, NULL, NULL)$$, '42501',
                 'cannot append to the event log: no tenant set', 'cc_event_append() needs a tenant');
SELECT throws_ok('SELECT * FROM cc_event_verify()', '42501', 'cannot verify the event log: no tenant set',
                 'cc_event_verify() needs a tenant');
RESET ROLE;

-- The owner cannot change history either (trigger) ----------------------------------------

SET LOCAL app.tenant_id = 'a0000000-0000-4000-8000-00000000000a';
SELECT throws_ok($$UPDATE event_log SET action = 'x' WHERE seq = 1$$, '42501',
                 'event_log is append-only: UPDATE refused', 'owner UPDATE refused by trigger');
SELECT throws_ok($$DELETE FROM event_log WHERE seq = 1$$, '42501',
                 'event_log is append-only: DELETE refused', 'owner DELETE refused by trigger');
SELECT throws_ok('TRUNCATE event_log', '42501', 'event_log is append-only: TRUNCATE refused',
                 'owner TRUNCATE refused by trigger');
SELECT is((SELECT count(*) FROM event_log), 3::bigint, 'A''s 3 events are still there');

-- Tampering (trigger disabled inside this transaction) is detected ------------------------

ALTER TABLE event_log DISABLE TRIGGER event_log_append_only;

-- 1. An edited row: its own hash no longer matches.
UPDATE event_log SET action = 'user.delete' WHERE seq = 2;
SELECT row_eq('SELECT * FROM cc_event_verify()',
              ROW(2::bigint, 2::bigint, 'hash does not match the recomputed digest (event altered)'::text),
              'an edited event is reported by its seq');

-- 2. Edited and re-hashed: the next row's prev_hash gives it away.
UPDATE event_log SET hash = cc_event_digest(prev_hash, tenant_id, seq, occurred_at, actor_id, actor_role, action,
                                            entity_type, entity_id, source_ip, request_id, detail)
 WHERE seq = 2;
SELECT row_eq('SELECT * FROM cc_event_verify()',
              ROW(3::bigint, 3::bigint, 'prev_hash does not match the previous event''s hash'::text),
              'a re-hashed edit is reported at the next seq');

-- 3. A deleted row in the middle: the gap is reported.
DELETE FROM event_log WHERE seq = 2;
SELECT row_eq('SELECT * FROM cc_event_verify()',
              ROW(2::bigint, 3::bigint, 'seq 3 where 2 was expected (events missing)'::text),
              'a deleted event is reported');

-- 4. A deleted first row: the new first row does not chain to zeros.
DELETE FROM event_log WHERE seq = 1;
UPDATE event_log SET seq = 1 WHERE seq = 3;
SELECT row_eq('SELECT checked, first_bad_seq FROM cc_event_verify()', ROW(1::bigint, 1::bigint),
              'a removed first event is reported');

ALTER TABLE event_log ENABLE TRIGGER event_log_append_only;
SELECT throws_ok($$UPDATE event_log SET action = 'x'$$, '42501', NULL, 'the trigger is back on');

-- An empty chain is intact with 0 checked.
SET LOCAL app.tenant_id = 'c0000000-0000-4000-8000-00000000000c';
INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), 'pgtap-log-c', 'Log tenant C');
SELECT row_eq('SELECT * FROM cc_event_verify()', ROW(0::bigint, NULL::bigint, NULL::text),
              'an empty log verifies with 0 checked');

-- The advisory lock key used by appenders: (1667458422, hashtext(tenant)).
SELECT is(cc_event_append(NULL, NULL, 'x', NULL, NULL, NULL, NULL, NULL), 1::bigint, 'C appends');
SELECT ok(EXISTS (SELECT 1 FROM pg_locks
                   WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                     AND classid::bigint = 1667458422
                     AND objid::bigint = (hashtext('c0000000-0000-4000-8000-00000000000c')::bigint & 4294967295)
                     AND mode = 'ExclusiveLock'),
          'the per-tenant advisory lock is held until the transaction ends');

SELECT * FROM finish();
ROLLBACK;
