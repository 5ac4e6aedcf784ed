-- The public record across tenants (0017, issue 9 "Public verification"): cc_public_certificates()
-- returns exactly the public key set, only issued (non-draft) revisions, to cc_app across two tenants
-- while cc_app itself sees no other tenant's certificates; SECURITY DEFINER with a fixed search_path,
-- and it leaves app.tenant_id as it found it.
BEGIN;
SELECT plan(21);

-- Tenant A: a public client with an active and a draft revision; tenant B: a confidential client.
SELECT set_config('app.tenant_id', 'a2200000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name, accreditation_body)
VALUES ('a2200000-0000-4000-8000-00000000000a', 'public-test-a', 'Public A', 'UKAS');
INSERT INTO clients (id, legal_name, street, city, country, personnel, vat)
VALUES ('a2210000-0000-4000-8000-00000000000a', 'Holder A Ltd', '9 Secret Street', 'Leeds', 'GB', 10, 'GB999');
INSERT INTO sites (id, client_id, name, street, city, post_code, country, personnel, central, activities)
VALUES ('a2220000-0000-4000-8000-00000000000a', 'a2210000-0000-4000-8000-00000000000a', 'Head office',
        '9 Secret Street', 'Leeds', 'LS1 1AA', 'GB', 10, true, 'Design of widgets');
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('a2230000-0000-4000-8000-00000000000a', 'a2210000-0000-4000-8000-00000000000a', ARRAY['ISO27001:2022'],
        'Widgets', '2029-01-01', '{}');
INSERT INTO certifications (id, client_id, standard, sequence, base_number, original_issue_date)
VALUES ('a2240000-0000-4000-8000-00000000000a', 'a2210000-0000-4000-8000-00000000000a', 'ISO27001:2022', 1,
        'PA-ISMS-000001', '2026-01-10'),
       ('a2240000-0000-4000-8000-00000000000b', 'a2210000-0000-4000-8000-00000000000a', 'ISO27001:2022', 2,
        'PA-ISMS-000002', '2026-01-10');
INSERT INTO certificates (id, certification_id, revision, number, client_id, programme_id, standard, scope, sites,
                          original_issue_date, issue_date, effective_date, expiry_date, status)
VALUES ('a2250000-0000-4000-8000-00000000000a', 'a2240000-0000-4000-8000-00000000000a', 0, 'PA-ISMS-000001',
        'a2210000-0000-4000-8000-00000000000a', 'a2230000-0000-4000-8000-00000000000a', 'ISO27001:2022', 'Widgets',
        cc_certificate_sites('a2210000-0000-4000-8000-00000000000a', NULL, 'Widgets'),
        '2026-01-10', '2026-01-10', '2026-01-10', '2029-01-09', 'active'),
       ('a2250000-0000-4000-8000-00000000000b', 'a2240000-0000-4000-8000-00000000000b', 0, 'PA-ISMS-000002',
        'a2210000-0000-4000-8000-00000000000a', 'a2230000-0000-4000-8000-00000000000a', 'ISO27001:2022', 'Widgets',
        '[]', '2026-01-10', '2026-01-10', '2026-01-10', '2029-01-09', 'draft');

SELECT set_config('app.tenant_id', 'a2200000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('a2200000-0000-4000-8000-00000000000b', 'public-test-b', 'Public B');
INSERT INTO clients (id, legal_name, street, city, country, personnel, confidential)
VALUES ('a2210000-0000-4000-8000-00000000000b', 'Hidden B GmbH', '1 Weg', 'Bonn', 'DE', 10, true);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('a2230000-0000-4000-8000-00000000000b', 'a2210000-0000-4000-8000-00000000000b', ARRAY['ISO9001:2015'],
        'Pumps', '2029-01-01', '{}');
INSERT INTO certifications (id, client_id, standard, sequence, base_number, original_issue_date)
VALUES ('a2240000-0000-4000-8000-00000000000c', 'a2210000-0000-4000-8000-00000000000b', 'ISO9001:2015', 1,
        'PB-QMS-000001', '2026-02-01');
INSERT INTO certificates (id, certification_id, revision, number, client_id, programme_id, standard, scope,
                          original_issue_date, issue_date, effective_date, expiry_date, status)
VALUES ('a2250000-0000-4000-8000-00000000000c', 'a2240000-0000-4000-8000-00000000000c', 0, 'PB-QMS-000001',
        'a2210000-0000-4000-8000-00000000000b', 'a2230000-0000-4000-8000-00000000000b', 'ISO9001:2015', 'Pumps',
        '2026-02-01', '2026-02-01', '2026-02-01', '2029-01-31', 'active');

-- As cc_app, with tenant A set.
SELECT set_config('app.tenant_id', 'a2200000-0000-4000-8000-00000000000a', true);
SET LOCAL ROLE cc_app;

SELECT is((SELECT array_agg(tenant_slug || ' ' || number ORDER BY number) FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub),
          ARRAY['public-test-a PA-ISMS-000001', 'public-test-b PB-QMS-000001'],
          'cc_app reads both tenants'' issued revisions, and no draft');
SELECT is((SELECT array_agg(k ORDER BY k) FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub, jsonb_object_keys(record) k WHERE number = 'PA-ISMS-000001'),
          ARRAY['accreditation_body', 'certification_body', 'certification_id', 'confidential', 'current_number',
                'effective_date', 'expiry_date', 'holder', 'issue_date', 'number', 'original_issue_date',
                'revision', 'scope', 'sites', 'standard', 'standard_code', 'status', 'suspended_since',
                'updated_at', 'withdrawn_on'],
          'the record has exactly the public keys');
SELECT is((SELECT array_agg(k ORDER BY k) FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub, jsonb_object_keys(record->'holder') k
           WHERE number = 'PA-ISMS-000001'),
          ARRAY['city', 'country', 'name'], 'the holder: name, city and country only');
SELECT is((SELECT array_agg(DISTINCT k ORDER BY k) FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub, jsonb_array_elements(record->'sites') s,
                  jsonb_object_keys(s) k WHERE number = 'PA-ISMS-000001'),
          ARRAY['city', 'country', 'scope'], 'each site: city, country and scope only');
SELECT is((SELECT array_agg(k ORDER BY k) FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub, jsonb_object_keys(record->'certification_body') k
           WHERE number = 'PA-ISMS-000001'),
          ARRAY['name', 'slug'], 'the CB: name and slug');
SELECT is((SELECT record->'sites' FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub WHERE number = 'PA-ISMS-000001'),
          '[{"city": "Leeds", "country": "GB", "scope": "Design of widgets"}]'::jsonb, 'the site as printed');
SELECT ok((SELECT position('Secret' IN record::text) = 0 AND position('LS1' IN record::text) = 0
                  AND position('GB999' IN record::text) = 0 AND position('Head office' IN record::text) = 0
             FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub WHERE number = 'PA-ISMS-000001'),
          'no street, post code, VAT number or site name');
SELECT is((SELECT record->>'accreditation_body' FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub WHERE number = 'PA-ISMS-000001'), 'UKAS',
          'the accreditation body');
SELECT is((SELECT (record->>'confidential')::boolean FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub WHERE number = 'PB-QMS-000001'), true,
          'another tenant''s confidential client is flagged');
SELECT is((SELECT record->'holder'->>'name' FROM (SELECT * FROM cc_public_certificates() WHERE tenant_slug LIKE 'public-test-%') pub WHERE number = 'PB-QMS-000001'), 'Hidden B GmbH',
          'its record still names the holder (the public service leaves it out)');
SELECT is(current_setting('app.tenant_id'), 'a2200000-0000-4000-8000-00000000000a',
          'cc_public_certificates() leaves app.tenant_id as it found it');

-- One tenant, one certification, one client.
SELECT is((SELECT array_agg(number) FROM cc_public_certificates('a2200000-0000-4000-8000-00000000000b', NULL, NULL)),
          ARRAY['PB-QMS-000001'], 'one tenant''s');
SELECT is((SELECT array_agg(number) FROM cc_public_certificates('a2200000-0000-4000-8000-00000000000a',
                                                                'a2240000-0000-4000-8000-00000000000a', NULL)),
          ARRAY['PA-ISMS-000001'], 'one certification''s');
SELECT is((SELECT count(*) FROM cc_public_certificates('a2200000-0000-4000-8000-00000000000a',
                                                        'a2240000-0000-4000-8000-00000000000b', NULL)),
          0::bigint, 'a draft certification has no public record');
SELECT is((SELECT array_agg(number) FROM cc_public_certificates('a2200000-0000-4000-8000-00000000000b', NULL,
                                                                'a2210000-0000-4000-8000-00000000000b')),
          ARRAY['PB-QMS-000001'], 'one client''s');

-- cc_app itself: nothing of the other tenant.
SELECT set_config('app.tenant_id', 'a2200000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*) FROM certificates WHERE tenant_id = 'a2200000-0000-4000-8000-00000000000a'), 0::bigint,
          'with tenant B set, cc_app sees none of tenant A''s certificates');
SELECT is((SELECT count(*) FROM certifications WHERE tenant_id = 'a2200000-0000-4000-8000-00000000000a'), 0::bigint,
          '... nor its certifications');
SELECT is((SELECT count(*) FROM certificate_outbox WHERE tenant_id = 'a2200000-0000-4000-8000-00000000000a'),
          0::bigint, '... nor its outbox');
SELECT is(current_setting('app.tenant_id'), 'a2200000-0000-4000-8000-00000000000b', 'tenant B is still set');
RESET ROLE;

SELECT is((SELECT prosecdef FROM pg_proc WHERE proname = 'cc_public_certificates'), true,
          'cc_public_certificates() is SECURITY DEFINER');
SELECT is((SELECT proconfig FROM pg_proc WHERE proname = 'cc_public_certificates'),
          ARRAY['search_path=pg_catalog, public'], 'with a fixed search_path');

SELECT * FROM finish();
ROLLBACK;
