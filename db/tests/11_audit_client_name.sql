-- Each audit's copy of its client's legal name (0010): set on insert, carried on rename.
BEGIN;
SELECT plan(3);

SELECT set_config('app.tenant_id', 'ae000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('ae000000-0000-4000-8000-00000000000a', 'name-test-a', 'Name Test A');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('ae300000-0000-4000-8000-00000000000a', 'Old Name Ltd', '1 Road', 'Town', 'GB', 10);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('ae400000-0000-4000-8000-00000000000a', 'ae300000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2030-01-01', '{}');

SET LOCAL ROLE cc_app;
INSERT INTO audits (id, programme_id, client_id, type, position, window_start, window_end, provisional, planned_days)
VALUES ('ae500000-0000-4000-8000-000000000001', 'ae400000-0000-4000-8000-00000000000a',
        'ae300000-0000-4000-8000-00000000000a', 'stage1', 1, '2027-01-01', '2027-03-31', true, 2);
SELECT is((SELECT client_name FROM audits WHERE id = 'ae500000-0000-4000-8000-000000000001'), 'Old Name Ltd',
          'an audit takes its client''s name when written');
UPDATE clients SET legal_name = 'New Name Ltd' WHERE id = 'ae300000-0000-4000-8000-00000000000a';
SELECT is((SELECT client_name FROM audits WHERE id = 'ae500000-0000-4000-8000-000000000001'), 'New Name Ltd',
          'a rename reaches the client''s audits');
UPDATE clients SET personnel = 11 WHERE id = 'ae300000-0000-4000-8000-00000000000a';
SELECT is((SELECT client_name FROM audits WHERE id = 'ae500000-0000-4000-8000-000000000001'), 'New Name Ltd',
          'other changes to the client leave the name alone');

SELECT * FROM finish();
ROLLBACK;
