-- Auditors (0006): row-level security, the overlap exclusion on unavailability, conflicts, privileges.
BEGIN;
SELECT plan(13);

SELECT has_table('auditors');
SELECT has_table('auditor_unavailability');
SELECT has_table('auditor_conflicts');
SELECT ok((SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class
           WHERE oid IN ('auditors'::regclass, 'auditor_unavailability'::regclass, 'auditor_conflicts'::regclass)),
          'row-level security is enabled and forced on the auditor tables');
SELECT table_privs_are('public', 'auditor_unavailability', 'cc_app', ARRAY['SELECT', 'INSERT']);
SELECT table_privs_are('public', 'auditor_conflicts', 'cc_app', ARRAY['SELECT', 'INSERT']);

-- fixtures as the owner, tenant by tenant (RLS is forced)
SELECT set_config('app.tenant_id', 'a1000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('a1000000-0000-4000-8000-00000000000a', 'aud-test-a', 'Aud Test A');
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('a2000000-0000-4000-8000-00000000000a', 'aud@a.example', 'Aud A', 'auditor', '$argon2id$v=19$x');
INSERT INTO auditors (id, user_id) VALUES ('a3000000-0000-4000-8000-00000000000a', 'a2000000-0000-4000-8000-00000000000a');
INSERT INTO auditor_unavailability (auditor_id, period, reason)
VALUES ('a3000000-0000-4000-8000-00000000000a', daterange('2027-01-10', '2027-01-14', '[]'), 'leave');
SELECT set_config('app.tenant_id', 'b1000000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('b1000000-0000-4000-8000-00000000000b', 'aud-test-b', 'Aud Test B');
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('b2000000-0000-4000-8000-00000000000b', 'aud@b.example', 'Aud B', 'auditor', '$argon2id$v=19$x');
INSERT INTO auditors (id, user_id) VALUES ('b3000000-0000-4000-8000-00000000000b', 'b2000000-0000-4000-8000-00000000000b');

SELECT set_config('app.tenant_id', 'a1000000-0000-4000-8000-00000000000a', true);
SELECT throws_ok($$INSERT INTO auditor_unavailability (auditor_id, period, reason)
                   VALUES ('a3000000-0000-4000-8000-00000000000a', daterange('2027-01-14', '2027-01-20', '[]'), 'x')$$,
                 '23P01', NULL, 'an overlapping period of the same auditor is refused (shared last day)');
SELECT lives_ok($$INSERT INTO auditor_unavailability (auditor_id, period, reason)
                  VALUES ('a3000000-0000-4000-8000-00000000000a', daterange('2027-01-15', '2027-01-20', '[]'), 'x')$$,
                'the adjacent period is accepted');
SELECT throws_ok($$INSERT INTO auditors (user_id) VALUES ('a2000000-0000-4000-8000-00000000000a')$$,
                 '23505', NULL, 'one auditor record per user');

SET LOCAL ROLE cc_app;
SELECT results_eq($$SELECT id FROM auditors$$, ARRAY['a3000000-0000-4000-8000-00000000000a'::uuid],
                  'cc_app sees only its tenant''s auditors');
SELECT throws_ok($$INSERT INTO auditor_conflicts (auditor_id, client_id, reason, until)
                   VALUES ('b3000000-0000-4000-8000-00000000000b', gen_random_uuid(), 'x', '2030-01-01')$$,
                 '23503', NULL, 'a conflict cannot name another tenant''s auditor');
SELECT is((SELECT count(*) FROM auditor_unavailability), 2::bigint, 'cc_app sees its tenant''s periods');
SELECT throws_ok($$DELETE FROM auditor_unavailability$$, '42501', NULL, 'cc_app cannot delete periods');

SELECT * FROM finish();
ROLLBACK;
