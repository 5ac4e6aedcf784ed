-- Audit teams and bookings (0008): row-level security, privileges, and the one exclusion constraint that
-- keeps an auditor's audits and unavailability apart, maintained by triggers.
BEGIN;
SELECT plan(17);

SELECT has_table('audit_team');
SELECT has_table('auditor_bookings');
SELECT ok((SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class
           WHERE oid IN ('audit_team'::regclass, 'auditor_bookings'::regclass)),
          'row-level security is enabled and forced on audit_team and auditor_bookings');
SELECT table_privs_are('public', 'audit_team', 'cc_app', ARRAY['SELECT', 'INSERT', 'DELETE']);
SELECT table_privs_are('public', 'auditor_bookings', 'cc_app', ARRAY['SELECT', 'INSERT', 'DELETE']);

-- fixtures: a tenant with one client, programme, two dated audits, an auditor
SELECT set_config('app.tenant_id', 'a9000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('a9000000-0000-4000-8000-00000000000a', 'book-test-a', 'Book Test A');
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('a9100000-0000-4000-8000-00000000000a', 'lead@book-test-a.example', 'Lead', 'auditor', '$argon2id$x');
INSERT INTO auditors (id, user_id) VALUES ('a9200000-0000-4000-8000-00000000000a', 'a9100000-0000-4000-8000-00000000000a');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('a9300000-0000-4000-8000-00000000000a', 'Client A', '1 Road', 'Town', 'GB', 10);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('a9400000-0000-4000-8000-00000000000a', 'a9300000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2030-01-01', '{}');
INSERT INTO audits (id, programme_id, client_id, type, position, window_start, window_end, provisional, planned_days,
                    start_date, end_date)
VALUES ('a9500000-0000-4000-8000-000000000001', 'a9400000-0000-4000-8000-00000000000a',
        'a9300000-0000-4000-8000-00000000000a', 'stage1', 1, '2027-01-01', '2027-12-31', true, 2, '2027-03-01', '2027-03-02'),
       ('a9500000-0000-4000-8000-000000000002', 'a9400000-0000-4000-8000-00000000000a',
        'a9300000-0000-4000-8000-00000000000a', 'stage2', 2, '2027-01-01', '2027-12-31', true, 4, '2027-03-02', '2027-03-04');

SELECT is((SELECT calculated_days FROM audits WHERE id = 'a9500000-0000-4000-8000-000000000001'), 2.0::numeric(6,1),
          'an audit inserted without its calculation takes its planned days as calculated');
SELECT throws_ok($$UPDATE audits SET planned_days = 1 WHERE id = 'a9500000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'fewer days than calculated need a justification');
SELECT throws_ok($$UPDATE audits SET mode = 'remote' WHERE id = 'a9500000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'a remote audit records its ICT arrangements');

SET LOCAL ROLE cc_app;
INSERT INTO audit_team (audit_id, auditor_id, role)
VALUES ('a9500000-0000-4000-8000-000000000001', 'a9200000-0000-4000-8000-00000000000a', 'lead');
SELECT is((SELECT lower(period)::text || '..' || (upper(period) - 1)::text FROM auditor_bookings
           WHERE audit_id = 'a9500000-0000-4000-8000-000000000001'), '2027-03-01..2027-03-02',
          'joining a dated audit books its days, inclusive');
SELECT throws_ok($$INSERT INTO audit_team (audit_id, auditor_id, role)
                   VALUES ('a9500000-0000-4000-8000-000000000002', 'a9200000-0000-4000-8000-00000000000a', 'lead')$$,
                 '23P01', NULL, 'an overlapping audit cannot book the same auditor');
SELECT throws_ok($$INSERT INTO auditor_unavailability (auditor_id, period, reason)
                   VALUES ('a9200000-0000-4000-8000-00000000000a', '[2027-03-02,2027-03-03)', 'Leave')$$,
                 '23P01', NULL, 'unavailability cannot cover a booked day');
SELECT lives_ok($$UPDATE audits SET start_date = '2027-03-03' WHERE id = 'a9500000-0000-4000-8000-000000000002'$$,
                'moving an audit nobody is booked on is free');
UPDATE audits SET start_date = '2027-02-27', end_date = '2027-02-28' WHERE id = 'a9500000-0000-4000-8000-000000000001';
SELECT is((SELECT lower(period)::text FROM auditor_bookings WHERE audit_id = 'a9500000-0000-4000-8000-000000000001'),
          '2027-02-27', 'new dates move the booking');
UPDATE audits SET status = 'cancelled', cancel_reason = 'postponed' WHERE id = 'a9500000-0000-4000-8000-000000000001';
SELECT is((SELECT count(*) FROM auditor_bookings WHERE audit_id = 'a9500000-0000-4000-8000-000000000001'), 0::bigint,
          'cancelling frees the booked days');
SELECT throws_ok($$UPDATE auditor_bookings SET period = '[2020-01-01,2020-01-02)'$$, '42501', NULL,
                 'cc_app cannot edit bookings by hand');

SELECT set_config('app.tenant_id', 'b9000000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*) FROM audit_team), 0::bigint, 'another tenant sees no team');
SELECT is((SELECT count(*) FROM auditor_bookings), 0::bigint, 'another tenant sees no booking');

SELECT * FROM finish();
ROLLBACK;
