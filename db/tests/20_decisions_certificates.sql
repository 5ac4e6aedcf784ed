-- Certification decisions and the certificates they issue (0017): row-level security forced and tenant
-- isolation on certification_decisions, certifications and certificate_counters, cc_app's privileges (a
-- decision is never edited nor deleted; certifications and counters are never deleted), one granted
-- decision of each type per programme (certification_decisions_one_grant) while refusals and scope
-- extensions may be many, and the counter and issue helpers under cc_app.
BEGIN;
SELECT plan(23);

-- ---- the tables: RLS enabled and forced, privileges ----
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = t::regclass),
          'row-level security is enabled and forced on ' || t)
  FROM unnest(ARRAY['certification_decisions', 'certifications', 'certificate_counters']) t;
SELECT table_privs_are('public', 'certification_decisions', 'cc_app', ARRAY['SELECT', 'INSERT']);
SELECT table_privs_are('public', 'certifications', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SELECT table_privs_are('public', 'certificate_counters', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SELECT has_index('public', 'certification_decisions', 'certification_decisions_one_grant',
                 ARRAY['tenant_id', 'programme_id', 'type']);

-- ---- fixtures (as the owner): tenant A with a programme and a decision maker ----
SELECT set_config('app.tenant_id', 'e2000000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('e2000000-0000-4000-8000-00000000000b', 'cert-test-b', 'Cert Test B');
SELECT set_config('app.tenant_id', 'e2000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('e2000000-0000-4000-8000-00000000000a', 'cert-test-a', 'Cert Test A');
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('e2100000-0000-4000-8000-00000000000a', 'dm@cert-test-a.example', 'DM', 'decision_maker', '$argon2id$x');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('e2300000-0000-4000-8000-00000000000a', 'Client A', '1 Road', 'Town', 'GB', 10);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('e2400000-0000-4000-8000-00000000000a', 'e2300000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2029-03-01', '{}');

SET LOCAL ROLE cc_app;
-- ---- one grant per type; refusals and scope extensions may be many ----
SELECT lives_ok($$INSERT INTO certification_decisions (programme_id, type, outcome, decided_on, decided_by, notes,
                                                      reasons)
                  VALUES ('e2400000-0000-4000-8000-00000000000a', 'initial', 'refuse', '2026-03-01',
                          'e2100000-0000-4000-8000-00000000000a', 'Findings open',
                          '[{"code":"findings_open","field":"audit_ids","detail":"x"}]'),
                         ('e2400000-0000-4000-8000-00000000000a', 'initial', 'refuse', '2026-03-02',
                          'e2100000-0000-4000-8000-00000000000a', 'Still open', '[]')$$,
                'refusals of one type may be many');
SELECT lives_ok($$INSERT INTO certification_decisions (programme_id, type, outcome, decided_on, effective_date,
                                                      decided_by, notes)
                  VALUES ('e2400000-0000-4000-8000-00000000000a', 'initial', 'grant', '2026-03-03', '2026-03-03',
                          'e2100000-0000-4000-8000-00000000000a', 'Granted')$$,
                'a grant after refusals');
SELECT throws_ok($$INSERT INTO certification_decisions (programme_id, type, outcome, decided_on, effective_date,
                                                       decided_by, notes)
                   VALUES ('e2400000-0000-4000-8000-00000000000a', 'initial', 'grant', '2026-03-04', '2026-03-04',
                           'e2100000-0000-4000-8000-00000000000a', 'Again')$$,
                 '23505', NULL, 'one granted initial decision per programme');
SELECT lives_ok($$INSERT INTO certification_decisions (programme_id, type, outcome, decided_on, effective_date,
                                                      decided_by, notes)
                  VALUES ('e2400000-0000-4000-8000-00000000000a', 'scope_extension', 'grant', '2026-04-01',
                          '2026-04-01', 'e2100000-0000-4000-8000-00000000000a', 'Extended'),
                         ('e2400000-0000-4000-8000-00000000000a', 'scope_extension', 'grant', '2026-05-01',
                          '2026-05-01', 'e2100000-0000-4000-8000-00000000000a', 'Extended again')$$,
                'scope extensions may be many');
SELECT throws_ok($$INSERT INTO certification_decisions (programme_id, type, outcome, decided_on, decided_by, notes)
                   VALUES ('e2400000-0000-4000-8000-00000000000a', 'recertification', 'grant', '2026-03-04',
                           'e2100000-0000-4000-8000-00000000000a', 'No effective date')$$,
                 '23514', NULL, 'a grant states its effective date');
SELECT throws_ok($$UPDATE certification_decisions SET notes = 'rewritten'$$, '42501', NULL,
                 'a recorded decision cannot be edited');
SELECT throws_ok($$DELETE FROM certification_decisions$$, '42501', NULL, 'a recorded decision cannot be deleted');

-- ---- the counter and a certification, as the service writes them ----
SELECT is(cc_certificate_next_sequence(), 1, 'the first sequence is 1');
SELECT is(cc_certificate_next_sequence(), 2, 'then 2');
SELECT lives_ok($$INSERT INTO certifications (id, client_id, standard, sequence, base_number, original_issue_date)
                  VALUES ('e2500000-0000-4000-8000-00000000000a', 'e2300000-0000-4000-8000-00000000000a',
                          'ISO27001:2022', 1, 'CERT-TEST-A-27001-000001', '2026-03-03')$$,
                'cc_app issues a certification');
SELECT throws_ok($$INSERT INTO certifications (client_id, standard, sequence, base_number, original_issue_date)
                   VALUES ('e2300000-0000-4000-8000-00000000000a', 'ISO27001:2022', 2, 'CERT-TEST-A-27001-000001',
                           '2026-03-03')$$,
                 '23505', NULL, 'a number is unique in the CB');
SELECT throws_ok($$DELETE FROM certifications$$, '42501', NULL, 'a certification cannot be deleted');
SELECT throws_ok($$DELETE FROM certificate_counters$$, '42501', NULL, 'the counter cannot be deleted');

-- ---- another tenant sees nothing and cannot write into tenant A ----
SELECT set_config('app.tenant_id', 'e2000000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*) FROM certification_decisions) + (SELECT count(*) FROM certifications)
              + (SELECT count(*) FROM certificate_counters),
          0::bigint, 'another tenant sees no decision, certification or counter');
SELECT is(cc_certificate_next_sequence(), 1, 'each tenant counts its own sequence');
SELECT throws_ok($$INSERT INTO certifications (tenant_id, client_id, standard, sequence, base_number,
                                               original_issue_date)
                   VALUES ('e2000000-0000-4000-8000-00000000000a', 'e2300000-0000-4000-8000-00000000000a',
                           'ISO27001:2022', 9, 'CERT-TEST-A-27001-000009', '2026-03-03')$$,
                 '42501', NULL, 'no certification into another tenant');

SELECT * FROM finish();
ROLLBACK;
