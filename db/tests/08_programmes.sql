-- Programmes and audits (0007): row-level security, integrity of the plan, privileges.
BEGIN;
SELECT plan(10);

SELECT has_table('programmes');
SELECT has_table('audits');
SELECT ok((SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class
           WHERE oid IN ('programmes'::regclass, 'audits'::regclass)),
          'row-level security is enabled and forced on programmes and audits');
SELECT table_privs_are('public', 'audits', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);

SELECT set_config('app.tenant_id', 'a5000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('a5000000-0000-4000-8000-00000000000a', 'prog-test-a', 'Prog Test A');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('a6000000-0000-4000-8000-00000000000a', 'Client A', '1 Road', 'Town', 'GB', 10);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('a7000000-0000-4000-8000-00000000000a', 'a6000000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2030-01-01', '{}');
SELECT set_config('app.tenant_id', 'b5000000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('b5000000-0000-4000-8000-00000000000b', 'prog-test-b', 'Prog Test B');

SELECT set_config('app.tenant_id', 'a5000000-0000-4000-8000-00000000000a', true);
SELECT throws_ok($$INSERT INTO audits (programme_id, client_id, type, position, window_start, window_end,
                   provisional, planned_days) VALUES ('a7000000-0000-4000-8000-00000000000a',
                   'a6000000-0000-4000-8000-00000000000a', 'stage1', 1, '2027-02-01', '2027-01-01', true, 2)$$,
                 '23514', NULL, 'a window ends on or after its start');
SELECT throws_ok($$INSERT INTO audits (programme_id, client_id, type, position, window_start, window_end,
                   provisional, planned_days) VALUES ('a7000000-0000-4000-8000-00000000000a',
                   'a6000000-0000-4000-8000-00000000000a', 'coffee', 1, '2027-01-01', '2027-02-01', true, 2)$$,
                 '23514', NULL, 'only known audit types');
SELECT throws_ok($$INSERT INTO programmes (client_id, standards, scope, expiry_date, audit_time)
                   VALUES ('a6000000-0000-4000-8000-00000000000a', ARRAY[]::text[], 'x', '2030-01-01', '{}')$$,
                 '23514', NULL, 'a programme names at least one standard');

SET LOCAL ROLE cc_app;
SELECT set_config('app.tenant_id', 'b5000000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*) FROM programmes), 0::bigint, 'another tenant sees no programme');
SELECT throws_ok($$INSERT INTO audits (programme_id, client_id, type, position, window_start, window_end,
                   provisional, planned_days) VALUES ('a7000000-0000-4000-8000-00000000000a',
                   'a6000000-0000-4000-8000-00000000000a', 'stage1', 2, '2027-01-01', '2027-02-01', true, 2)$$,
                 '23503', NULL, 'an audit cannot join another tenant''s programme');
SELECT throws_ok($$DELETE FROM audits$$, '42501', NULL, 'cc_app cannot delete audits');

SELECT * FROM finish();
ROLLBACK;
