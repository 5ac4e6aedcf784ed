-- Certification decisions (0009): row-level security, privileges, one decision of each kind per cycle, one
-- successor per cycle.
BEGIN;
SELECT plan(7);

SELECT has_table('certification_decisions');
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'certification_decisions'::regclass),
          'row-level security is enabled and forced on certification_decisions');
SELECT table_privs_are('public', 'certification_decisions', 'cc_app', ARRAY['SELECT', 'INSERT']);

SELECT set_config('app.tenant_id', 'ad000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('ad000000-0000-4000-8000-00000000000a', 'dec-test-a', 'Dec Test A');
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('ad100000-0000-4000-8000-00000000000a', 'dm@dec-test-a.example', 'DM', 'decision_maker', '$argon2id$x');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('ad300000-0000-4000-8000-00000000000a', 'Client A', '1 Road', 'Town', 'GB', 10);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('ad400000-0000-4000-8000-00000000000a', 'ad300000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2029-03-01', '{}');
INSERT INTO certification_decisions (programme_id, type, decided_on, effective_date, decided_by, outcome)
VALUES ('ad400000-0000-4000-8000-00000000000a', 'initial', '2026-03-02', '2026-03-02', 'ad100000-0000-4000-8000-00000000000a', 'grant');

SELECT throws_ok($$INSERT INTO certification_decisions (programme_id, type, decided_on, effective_date, decided_by, outcome)
                   VALUES ('ad400000-0000-4000-8000-00000000000a', 'initial', '2026-03-03', '2026-03-03',
                           'ad100000-0000-4000-8000-00000000000a', 'grant')$$,
                 '23505', NULL, 'one grant per cycle');
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time, cycle, previous_programme_id)
VALUES ('ad400000-0000-4000-8000-00000000000b', 'ad300000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2032-03-01', '{}', 2, 'ad400000-0000-4000-8000-00000000000a');
SELECT throws_ok($$INSERT INTO programmes (client_id, standards, scope, expiry_date, audit_time, cycle,
                   previous_programme_id) VALUES ('ad300000-0000-4000-8000-00000000000a',
                   ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2032-03-01', '{}', 2, 'ad400000-0000-4000-8000-00000000000a')$$,
                 '23505', NULL, 'a cycle has at most one successor');

SET LOCAL ROLE cc_app;
SELECT throws_ok($$UPDATE certification_decisions SET decided_on = '2020-01-01'$$, '42501', NULL,
                 'a recorded decision cannot be edited');
SELECT set_config('app.tenant_id', 'bd000000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*) FROM certification_decisions), 0::bigint, 'another tenant sees no decision');

SELECT * FROM finish();
ROLLBACK;
