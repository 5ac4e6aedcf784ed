-- The findings helpers of 0014 (written to be cheap to call per row): timestamps as
-- the API writes them whatever the session's zone, the overdue rule, the audit's team (lead, auditor,
-- not a technical expert), whether a decision has included an audit, the next audit, and a finding as
-- the API shows it with its history. The inlined helpers also run with an empty search_path.
BEGIN;
SELECT plan(17);

SET LOCAL TIME ZONE 'Pacific/Kiritimati';
SELECT is(cc_api_ts('2026-12-07 09:30:00.123456+00'), '2026-12-07T09:30:00.123Z', 'cc_api_ts: UTC, milliseconds');
SELECT is(cc_api_ts('2026-12-07 09:30:00+00'), '2026-12-07T09:30:00.000Z', 'cc_api_ts: a whole second');
SELECT ok(cc_finding_overdue('minor', 'open', '2026-01-01', '2026-03-01', '2026-01-02'), 'an open minor past its plan date');
SELECT ok(NOT cc_finding_overdue('minor', 'accepted', '2026-01-01', '2026-03-01', '2026-01-02'),
          'an accepted plan stands: not overdue before closure');
SELECT ok(cc_finding_overdue('major', 'accepted', '2026-01-01', '2026-03-01', '2026-03-02'), 'past closure');
SELECT ok(NOT cc_finding_overdue('observation', 'recorded', NULL, NULL, '2030-01-01'), 'an observation never');
SELECT is(cc_finding_overdue('major', 'open', NULL, NULL, '2030-01-01'), false,
          'a nonconformity without deadlines: false, not NULL');
SET LOCAL search_path = '';
SELECT pg_catalog.set_config('test.ts', public.cc_api_ts('2026-12-07 09:30:00.5+00'), true),
       pg_catalog.set_config('test.overdue',
                             public.cc_finding_overdue('major', 'rejected', '2026-01-01', '2026-03-01', '2026-01-02')::text,
                             true);
RESET search_path; -- pgTAP's own functions need it
SELECT is(current_setting('test.ts'), '2026-12-07T09:30:00.500Z', 'cc_api_ts with no search_path');
SELECT is(current_setting('test.overdue'), 'true', 'cc_finding_overdue with no search_path');

SELECT set_config('app.tenant_id', 'af100000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('af100000-0000-4000-8000-00000000000a', 'helpers-test', 'Helpers Test');
INSERT INTO users (id, email, name, role, password_hash) VALUES
    ('af110000-0000-4000-8000-000000000001', 'lead@helpers.example', 'Lead', 'auditor', '$argon2id$x'),
    ('af110000-0000-4000-8000-000000000002', 'aud@helpers.example', 'Auditor', 'auditor', '$argon2id$x'),
    ('af110000-0000-4000-8000-000000000003', 'te@helpers.example', 'Expert', 'auditor', '$argon2id$x'),
    ('af110000-0000-4000-8000-000000000004', 'dm@helpers.example', 'DM', 'decision_maker', '$argon2id$x');
INSERT INTO auditors (id, user_id) VALUES
    ('af120000-0000-4000-8000-000000000001', 'af110000-0000-4000-8000-000000000001'),
    ('af120000-0000-4000-8000-000000000002', 'af110000-0000-4000-8000-000000000002'),
    ('af120000-0000-4000-8000-000000000003', 'af110000-0000-4000-8000-000000000003');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('af130000-0000-4000-8000-00000000000a', 'Client A', '1 Road', 'Town', 'GB', 10);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('af140000-0000-4000-8000-00000000000a', 'af130000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2029-03-01', '{}');
INSERT INTO audits (id, programme_id, client_id, type, position, window_start, window_end, provisional, planned_days,
                    status, start_date, end_date, cancel_reason) VALUES
    ('af150000-0000-4000-8000-000000000001', 'af140000-0000-4000-8000-00000000000a',
     'af130000-0000-4000-8000-00000000000a', 'stage2', 2, '2026-01-01', '2026-06-30', true, 3, 'completed',
     '2026-02-02', '2026-02-04', NULL),
    ('af150000-0000-4000-8000-000000000002', 'af140000-0000-4000-8000-00000000000a',
     'af130000-0000-4000-8000-00000000000a', 'surveillance', 3, '2026-12-01', '2027-02-28', true, 2, 'cancelled',
     NULL, NULL, 'moved'),
    ('af150000-0000-4000-8000-000000000003', 'af140000-0000-4000-8000-00000000000a',
     'af130000-0000-4000-8000-00000000000a', 'surveillance', 4, '2027-12-01', '2028-02-28', true, 2, 'planned',
     NULL, NULL, NULL);
INSERT INTO audit_team (audit_id, auditor_id, role) VALUES
    ('af150000-0000-4000-8000-000000000001', 'af120000-0000-4000-8000-000000000001', 'lead'),
    ('af150000-0000-4000-8000-000000000001', 'af120000-0000-4000-8000-000000000002', 'auditor'),
    ('af150000-0000-4000-8000-000000000001', 'af120000-0000-4000-8000-000000000003', 'technical_expert');

SET LOCAL ROLE cc_app;
SELECT is(ARRAY[cc_audit_team_member('af150000-0000-4000-8000-000000000001', 'af110000-0000-4000-8000-000000000001'),
                cc_audit_team_member('af150000-0000-4000-8000-000000000001', 'af110000-0000-4000-8000-000000000002'),
                cc_audit_team_member('af150000-0000-4000-8000-000000000001', 'af110000-0000-4000-8000-000000000003')],
          ARRAY[true, true, false], 'the lead and an auditor act for the team, a technical expert does not');
SELECT is(ARRAY[cc_audit_team_member('af150000-0000-4000-8000-000000000001', 'af110000-0000-4000-8000-000000000001', true),
                cc_audit_team_member('af150000-0000-4000-8000-000000000001', 'af110000-0000-4000-8000-000000000002', true)],
          ARRAY[true, false], 'lead only: the lead');
SELECT is(cc_audit_next('af150000-0000-4000-8000-000000000001'), 'af150000-0000-4000-8000-000000000003'::uuid,
          'the next audit skips a cancelled one');
SELECT ok(NOT cc_audit_decided('af150000-0000-4000-8000-000000000001'), 'no decision yet');
RESET ROLE;
INSERT INTO certification_decisions (programme_id, type, decided_on, effective_date, decided_by, outcome)
VALUES ('af140000-0000-4000-8000-00000000000a', 'initial', '2026-03-02', '2026-03-02', 'af110000-0000-4000-8000-000000000004',
        'grant');
INSERT INTO findings (id, audit_id, programme_id, client_id, grade, status, requirement_id, statement, evidence,
                      plan_due, closure_due, decision_blocking_after, raised_by, raised_at, created_at, updated_at)
VALUES ('af160000-0000-4000-8000-000000000001', 'af150000-0000-4000-8000-000000000001',
        'af140000-0000-4000-8000-00000000000a', 'af130000-0000-4000-8000-00000000000a', 'major', 'open',
        'ISO27001:2022/6.1.2', 'S', 'E', '2026-03-06', '2026-05-05', '2026-08-04',
        'af110000-0000-4000-8000-000000000001', '2026-02-04 10:00:00+00', '2026-02-04 10:00:00+00',
        '2026-02-04 10:00:00+00');
INSERT INTO finding_history (finding_id, action, to_status, to_grade, actor_id, actor_role, occurred_at)
VALUES ('af160000-0000-4000-8000-000000000001', 'raised', 'open', 'major', 'af110000-0000-4000-8000-000000000001',
        'auditor', '2026-02-04 10:00:00+00');
SET LOCAL ROLE cc_app;
SELECT ok(cc_audit_decided('af150000-0000-4000-8000-000000000001'), 'a grant includes the Stage 2');
SELECT is((SELECT cc_finding_json(f, '2026-04-01', false) FROM findings f WHERE id = 'af160000-0000-4000-8000-000000000001')
              - 'id' - 'audit_id' - 'programme_id' - 'client_id' - 'raised_by',
          '{"audit_type": "stage2", "grade": "major", "status": "open", "requirement_id": "ISO27001:2022/6.1.2",
            "client_requirement": null, "site_id": null, "statement": "S", "evidence": "E", "plan_due": "2026-03-06",
            "closure_due": "2026-05-05", "decision_blocking_after": "2026-08-04", "overdue": true,
            "verification": null, "raised_at": "2026-02-04T10:00:00.000Z", "closed_at": null, "version": 1,
            "created_at": "2026-02-04T10:00:00.000Z", "updated_at": "2026-02-04T10:00:00.000Z"}'::jsonb,
          'a finding as the API shows it');
SELECT is((SELECT cc_finding_json(f, '2026-04-01', true) -> 'history' FROM findings f
            WHERE id = 'af160000-0000-4000-8000-000000000001'),
          '[{"action": "raised", "from_status": null, "to_status": "open", "from_grade": null, "to_grade": "major",
             "reason": null, "detail": null, "actor_id": "af110000-0000-4000-8000-000000000001",
             "actor_role": "auditor", "at": "2026-02-04T10:00:00.000Z"}]'::jsonb,
          'with its history');
SELECT is((SELECT cc_finding_json(f, '2026-04-01', true) -> 'responses' FROM findings f
            WHERE id = 'af160000-0000-4000-8000-000000000001'), '[]'::jsonb, 'and no rounds yet');

SELECT * FROM finish();
ROLLBACK;
