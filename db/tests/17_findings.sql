-- Findings (0014, 0016): row-level security forced and tenant isolation on every findings table, cc_app's
-- privileges (no DELETE anywhere; history and evidence insert-only), the SQL helpers of 0014, and
-- cc_decision_blockers / cc_findings_summary (0016). The 6-month-rule cases mirror
-- tests/unit/test_finding_rules.c's test_major_nc_cutoff (programme_is_major_nc_blocking), and the
-- grant cases its test_grant_check (finding_grant_check): the C rule is the specification, this function
-- what the services call (DOMAIN.md "What blocks a decision").
BEGIN;
SELECT plan(96);

-- ---- the tables: RLS enabled and forced, privileges ----
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = t::regclass),
          'row-level security is enabled and forced on ' || t)
  FROM unnest(ARRAY['findings', 'finding_responses', 'finding_history', 'evidence_files', 'evidence_chunks']) t;
SELECT table_privs_are('public', 'findings', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SELECT table_privs_are('public', 'finding_responses', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SELECT table_privs_are('public', 'finding_history', 'cc_app', ARRAY['SELECT', 'INSERT']);
SELECT table_privs_are('public', 'evidence_files', 'cc_app', ARRAY['SELECT', 'INSERT']);
SELECT table_privs_are('public', 'evidence_chunks', 'cc_app', ARRAY['SELECT', 'INSERT']);
SELECT ok(has_function_privilege('cc_app', f, 'EXECUTE') AND NOT has_function_privilege('public', f, 'EXECUTE'),
          f || ': cc_app may run it, PUBLIC may not')
  FROM unnest(ARRAY['cc_decision_blockers(uuid, date)', 'cc_findings_summary(uuid, uuid, uuid, date)',
                    'cc_findings_minor_cluster()', 'cc_audit_decided(uuid)',
                    'cc_audit_team_member(uuid, uuid, boolean)', 'cc_audit_next(uuid)',
                    'cc_finding_json(findings, date, boolean)']) f;
SELECT ok(NOT prosecdef, p.oid::regprocedure::text || ' is SECURITY INVOKER')
  FROM pg_proc p WHERE p.proname IN ('cc_decision_blockers', 'cc_findings_summary') ORDER BY p.proname;

-- ---- fixtures (as the owner): tenant A with a cycle, its audits, a team; tenant B ----
SELECT set_config('app.tenant_id', 'f7000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('f7000000-0000-4000-8000-00000000000a', 'find-test-a', 'Find Test A');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('f7300000-0000-4000-8000-00000000000a', 'Client A', '1 Road', 'Town', 'GB', 10),
       ('f7300000-0000-4000-8000-0000000000a2', 'Client A2', '2 Road', 'Town', 'GB', 10);
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('f7100000-0000-4000-8000-000000000001', 'lead@find-test-a.example', 'Lead', 'auditor', '$argon2id$x'),
       ('f7100000-0000-4000-8000-000000000002', 'aud@find-test-a.example', 'Aud', 'auditor', '$argon2id$x'),
       ('f7100000-0000-4000-8000-000000000003', 'te@find-test-a.example', 'Expert', 'auditor', '$argon2id$x'),
       ('f7100000-0000-4000-8000-000000000004', 'out@find-test-a.example', 'Outsider', 'auditor', '$argon2id$x'),
       ('f7100000-0000-4000-8000-000000000005', 'dm@find-test-a.example', 'DM', 'decision_maker', '$argon2id$x');
INSERT INTO auditors (id, user_id)
SELECT ('f7200000-0000-4000-8000-00000000000' || i)::uuid, ('f7100000-0000-4000-8000-00000000000' || i)::uuid
  FROM generate_series(1, 4) i;
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('f7400000-0000-4000-8000-000000000001', 'f7300000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2028-03-09', '{}');
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time, cycle, previous_programme_id)
VALUES ('f7400000-0000-4000-8000-000000000002', 'f7300000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2031-03-09', '{}', 2, 'f7400000-0000-4000-8000-000000000001');
INSERT INTO audits (id, programme_id, client_id, type, position, status, window_start, window_end, provisional,
                    planned_days, start_date, end_date)
VALUES ('f7500000-0000-4000-8000-000000000001', 'f7400000-0000-4000-8000-000000000001',
        'f7300000-0000-4000-8000-00000000000a', 'stage1', 1, 'planned', '2024-01-01', '2024-12-31', true, 2,
        '2024-07-01', '2024-07-02'),
       ('f7500000-0000-4000-8000-000000000002', 'f7400000-0000-4000-8000-000000000001',
        'f7300000-0000-4000-8000-00000000000a', 'stage2', 2, 'planned', '2024-01-01', '2024-12-31', true, 3,
        '2024-08-29', '2024-08-31'),
       ('f7500000-0000-4000-8000-000000000003', 'f7400000-0000-4000-8000-000000000001',
        'f7300000-0000-4000-8000-00000000000a', 'surveillance', 3, 'planned', '2025-12-01', '2026-03-09', true, 2,
        NULL, NULL),
       ('f7500000-0000-4000-8000-000000000004', 'f7400000-0000-4000-8000-000000000001',
        'f7300000-0000-4000-8000-00000000000a', 'surveillance', 4, 'planned', '2026-12-01', '2027-03-09', true, 2,
        NULL, NULL),
       ('f7500000-0000-4000-8000-000000000005', 'f7400000-0000-4000-8000-000000000001',
        'f7300000-0000-4000-8000-00000000000a', 'recertification', 5, 'planned', '2027-09-09', '2028-02-09', true, 2,
        NULL, NULL),
       ('f7500000-0000-4000-8000-000000000010', 'f7400000-0000-4000-8000-000000000002',
        'f7300000-0000-4000-8000-00000000000a', 'surveillance', 1, 'planned', '2028-12-01', '2029-03-09', true, 2,
        NULL, NULL),
       ('f7500000-0000-4000-8000-000000000011', 'f7400000-0000-4000-8000-000000000002',
        'f7300000-0000-4000-8000-00000000000a', 'surveillance', 2, 'planned', '2029-12-01', '2030-03-09', true, 2,
        NULL, NULL);
UPDATE audits SET status = 'cancelled', cancel_reason = 'replanned'
 WHERE id IN ('f7500000-0000-4000-8000-000000000004', 'f7500000-0000-4000-8000-000000000010');
INSERT INTO audit_team (audit_id, auditor_id, role)
VALUES ('f7500000-0000-4000-8000-000000000002', 'f7200000-0000-4000-8000-000000000001', 'lead'),
       ('f7500000-0000-4000-8000-000000000002', 'f7200000-0000-4000-8000-000000000002', 'auditor'),
       ('f7500000-0000-4000-8000-000000000002', 'f7200000-0000-4000-8000-000000000003', 'technical_expert');

SELECT set_config('app.tenant_id', 'f7000000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('f7000000-0000-4000-8000-00000000000b', 'find-test-b', 'Find Test B');
SELECT set_config('app.tenant_id', 'f7000000-0000-4000-8000-00000000000a', true);

-- ---- findings of tenant A, written as cc_app ----
SET LOCAL ROLE cc_app;
-- Stage 2 ended 2024-08-31: its majors' cut-off is 2025-02-28 (month end, as in test_major_nc_cutoff).
-- F1 major closed on the cut-off day (23:00 UTC); F2 major closed the day after; F3 major verified, not
-- closed; F4 minor open; F5 minor accepted; F6 minor rejected; F7 minor answered again after a rejection;
-- F8 observation; F9 OFI; F10 minor closed (verification deferred); F11 major open on surveillance.
INSERT INTO findings (id, audit_id, programme_id, client_id, grade, status, requirement_id, statement, evidence,
                      plan_due, closure_due, decision_blocking_after, verification, raised_by, raised_at, closed_at)
SELECT ('f7600000-0000-4000-8000-0000000000' || lpad(n::text, 2, '0'))::uuid,
       ('f7500000-0000-4000-8000-00000000000' || a)::uuid, 'f7400000-0000-4000-8000-000000000001',
       'f7300000-0000-4000-8000-00000000000a', g, s, r, 'Statement ' || n, 'Evidence ' || n,
       pd::date, cd::date, dba::date, v, 'f7100000-0000-4000-8000-000000000001',
       '2024-08-30T10:00:00Z'::timestamptz + n * interval '1 minute', ca::timestamptz
  FROM (VALUES (1, 2, 'major', 'closed', 'ISO27001:2022/A.5.1', '2024-09-30', '2024-11-29', NULL, 'verified',
                '2025-02-28T23:00:00Z'),
               (2, 2, 'major', 'closed', 'ISO27001:2022/A.5.2', '2024-09-30', '2024-11-29', '2025-02-28', 'verified',
                '2025-03-01T00:30:00Z'),
               (3, 2, 'major', 'verified', 'ISO27001:2022/A.5.3', '2024-09-30', '2024-11-29', '2025-02-28', NULL, NULL),
               (4, 2, 'minor', 'open', 'ISO27001:2022/A.5.10', '2024-09-30', '2024-11-29', NULL, NULL, NULL),
               (5, 2, 'minor', 'accepted', 'ISO27001:2022/A.5.10', '2024-09-30', '2024-11-29', NULL, NULL, NULL),
               (6, 2, 'minor', 'rejected', 'ISO27001:2022/A.5.10', '2024-09-30', '2024-11-29', NULL, NULL, NULL),
               (7, 2, 'minor', 'response_submitted', 'ISO27001:2022/A.5.11', '2024-09-30', '2024-11-29', NULL, NULL,
                NULL),
               (8, 2, 'observation', 'recorded', 'ISO27001:2022/A.5.10', NULL, NULL, NULL, NULL, NULL),
               (9, 2, 'ofi', 'recorded', 'ISO27001:2022/A.5.11', NULL, NULL, NULL, NULL, NULL),
               (10, 2, 'minor', 'closed', 'ISO27001:2022/A.5.11', '2024-09-30', '2024-11-29', NULL, 'deferred',
                '2024-10-15T09:00:00Z'),
               (11, 3, 'major', 'open', 'ISO27001:2022/A.5.1', '2026-02-01', '2026-04-01', NULL, NULL, NULL))
       AS v(n, a, g, s, r, pd, cd, dba, v, ca);
INSERT INTO finding_history (finding_id, action, from_status, to_status, actor_id, actor_role, occurred_at)
VALUES ('f7600000-0000-4000-8000-000000000001', 'closed', 'verified', 'closed',
        'f7100000-0000-4000-8000-000000000001', 'auditor', '2025-02-28T23:00:00Z'),
       ('f7600000-0000-4000-8000-000000000002', 'closed', 'verified', 'closed',
        'f7100000-0000-4000-8000-000000000001', 'auditor', '2025-03-01T00:30:00Z'),
       ('f7600000-0000-4000-8000-000000000010', 'closed', 'accepted', 'closed',
        'f7100000-0000-4000-8000-000000000001', 'auditor', '2024-10-15T09:00:00Z');
INSERT INTO finding_responses (id, finding_id, round, correction, root_cause, corrective_action, responsible,
                               target_date, submitted_by, on_behalf, decision, decision_reason, decided_by, decided_at)
VALUES ('f7700000-0000-4000-8000-000000000072', 'f7600000-0000-4000-8000-000000000007', 2, 'c2', 'r2', 'a2', 'Ops',
        '2024-11-01', 'f7100000-0000-4000-8000-000000000002', true, NULL, NULL, NULL, NULL),
       ('f7700000-0000-4000-8000-000000000071', 'f7600000-0000-4000-8000-000000000007', 1, 'c1', 'r1', 'a1', 'Ops',
        '2024-11-01', 'f7100000-0000-4000-8000-000000000002', true, 'rejected', 'too vague',
        'f7100000-0000-4000-8000-000000000001', '2024-09-20T10:00:00Z'),
       ('f7700000-0000-4000-8000-000000000051', 'f7600000-0000-4000-8000-000000000005', 1, 'c', 'r', 'a', 'Ops',
        '2024-11-01', 'f7100000-0000-4000-8000-000000000002', true, 'accepted', NULL,
        'f7100000-0000-4000-8000-000000000001', '2024-09-20T10:00:00Z'),
       ('f7700000-0000-4000-8000-000000000061', 'f7600000-0000-4000-8000-000000000006', 1, 'c', 'r', 'a', 'Ops',
        '2024-11-01', 'f7100000-0000-4000-8000-000000000002', true, 'rejected', 'no root cause',
        'f7100000-0000-4000-8000-000000000001', '2024-09-20T10:00:00Z');
INSERT INTO evidence_files (id, finding_id, response_id, name, content_type, size, sha256, chunk_size, uploaded_by)
VALUES ('f7800000-0000-4000-8000-000000000001', 'f7600000-0000-4000-8000-000000000007',
        'f7700000-0000-4000-8000-000000000072', 'plan.txt', 'text/plain', 5, sha256('hello'), 262144,
        'f7100000-0000-4000-8000-000000000002');
INSERT INTO evidence_chunks (file_id, seq, data) VALUES ('f7800000-0000-4000-8000-000000000001', 0, 'hello');

-- ---- insert-only and no DELETE ----
SELECT throws_ok($$UPDATE finding_history SET reason = 'x'$$, '42501', NULL, 'finding_history cannot be edited');
SELECT throws_ok($$UPDATE evidence_files SET name = 'x.txt'$$, '42501', NULL, 'evidence_files cannot be edited');
SELECT throws_ok($$UPDATE evidence_chunks SET data = 'x'$$, '42501', NULL, 'evidence_chunks cannot be edited');
SELECT throws_ok(format('DELETE FROM %I', t), '42501', NULL, 'cc_app cannot delete from ' || t)
  FROM unnest(ARRAY['findings', 'finding_responses', 'finding_history', 'evidence_files', 'evidence_chunks']) t;

-- ---- cc_finding_overdue: on the due day not yet, the day after yes ----
SELECT is(cc_finding_overdue(g, s, pd::date, cd::date, today::date), want, msg)
  FROM (VALUES ('major', 'open', '2025-01-10', '2025-03-10', '2025-01-10', false, 'plan due today: not overdue'),
               ('major', 'open', '2025-01-10', '2025-03-10', '2025-01-11', true, 'plan due yesterday, none: overdue'),
               ('major', 'response_submitted', '2025-01-10', '2025-03-10', '2025-01-11', false,
                'a plan under review stops the plan deadline'),
               ('minor', 'rejected', '2025-01-10', '2025-03-10', '2025-01-11', true,
                'a rejected plan leaves the plan deadline running'),
               ('minor', 'accepted', '2025-01-10', '2025-03-10', '2025-03-10', false, 'closure due today: not overdue'),
               ('minor', 'accepted', '2025-01-10', '2025-03-10', '2025-03-11', true, 'closure due yesterday: overdue'),
               ('major', 'verified', '2025-01-10', '2025-03-10', '2025-03-11', true, 'verified is not closed'),
               ('major', 'closed', '2025-01-10', '2025-03-10', '2030-01-01', false, 'a closed finding is never overdue'),
               ('observation', 'recorded', '2025-01-10', '2025-03-10', '2030-01-01', false, 'an observation never'),
               ('ofi', 'recorded', NULL, NULL, '2030-01-01', false, 'an OFI never'),
               ('area_of_concern', 'recorded', NULL, NULL, '2030-01-01', false, 'an area of concern never'))
       AS v(g, s, pd, cd, today, want, msg);

-- ---- cc_audit_team_member ----
SELECT is(cc_audit_team_member('f7500000-0000-4000-8000-000000000002'::uuid, u::uuid, lead_only), want, msg)
  FROM (VALUES ('f7100000-0000-4000-8000-000000000001', false, true, 'the lead is on the team'),
               ('f7100000-0000-4000-8000-000000000001', true, true, 'the lead is the lead'),
               ('f7100000-0000-4000-8000-000000000002', false, true, 'an auditor is on the team'),
               ('f7100000-0000-4000-8000-000000000002', true, false, 'an auditor is not the lead'),
               ('f7100000-0000-4000-8000-000000000003', false, false, 'a technical expert does not act for the team'),
               ('f7100000-0000-4000-8000-000000000004', false, false, 'an auditor off the team does not'))
       AS v(u, lead_only, want, msg);

-- ---- cc_audit_next: the next audit by position that is not cancelled, then the next cycle's ----
SELECT is(cc_audit_next('f7500000-0000-4000-8000-000000000002'), 'f7500000-0000-4000-8000-000000000003'::uuid,
          'after Stage 2 comes surveillance 1');
SELECT is(cc_audit_next('f7500000-0000-4000-8000-000000000003'), 'f7500000-0000-4000-8000-000000000005'::uuid,
          'a cancelled audit is skipped');
SELECT is(cc_audit_next('f7500000-0000-4000-8000-000000000005'), 'f7500000-0000-4000-8000-000000000011'::uuid,
          'after the last audit, the continuing cycle''s first audit that is not cancelled');
SELECT is(cc_audit_next('f7500000-0000-4000-8000-000000000011'), NULL::uuid, 'nothing planned: NULL');

-- ---- cc_finding_json ----
SELECT is(ARRAY(SELECT jsonb_object_keys(cc_finding_json(f, '2025-01-01', false)) ORDER BY 1),
          ARRAY['audit_id', 'audit_type', 'client_id', 'client_requirement', 'closed_at', 'closure_due', 'created_at',
                'decision_blocking_after', 'evidence', 'grade', 'id', 'overdue', 'plan_due', 'programme_id',
                'raised_at', 'raised_by', 'requirement_id', 'site_id', 'statement', 'status', 'updated_at',
                'verification', 'version'],
          'cc_finding_json without rounds: the finding''s members')
  FROM findings f WHERE f.id = 'f7600000-0000-4000-8000-000000000007';
SELECT is(jsonb_path_query_array(cc_finding_json(f, '2025-01-01', true), '$.responses[*].round'), '[1, 2]'::jsonb,
          'cc_finding_json with rounds: every round, in order')
  FROM findings f WHERE f.id = 'f7600000-0000-4000-8000-000000000007';
SELECT is(cc_finding_json(f, '2025-01-01', true) -> 'responses' -> 0 ->> 'decision_reason', 'too vague',
          'a round keeps its reviewer''s reason')
  FROM findings f WHERE f.id = 'f7600000-0000-4000-8000-000000000007';
SELECT is(cc_finding_json(f, '2024-11-30', true) - ARRAY['id', 'raised_at', 'created_at', 'updated_at', 'responses'],
          '{"audit_id": "f7500000-0000-4000-8000-000000000002", "audit_type": "stage2",
            "programme_id": "f7400000-0000-4000-8000-000000000001", "client_id": "f7300000-0000-4000-8000-00000000000a",
            "grade": "minor", "status": "closed", "requirement_id": "ISO27001:2022/A.5.11",
            "client_requirement": null, "site_id": null, "statement": "Statement 10", "evidence": "Evidence 10",
            "plan_due": "2024-09-30", "closure_due": "2024-11-29", "decision_blocking_after": null,
            "overdue": false, "verification": "deferred", "raised_by": "f7100000-0000-4000-8000-000000000001",
            "closed_at": "2024-10-15T09:00:00.000Z", "version": 1,
            "history": [{"action": "closed", "from_status": "accepted", "to_status": "closed", "from_grade": null,
                         "to_grade": null, "reason": null, "detail": null,
                         "actor_id": "f7100000-0000-4000-8000-000000000001", "actor_role": "auditor",
                         "at": "2024-10-15T09:00:00.000Z"}]}'::jsonb,
          'cc_finding_json: values, RFC 3339 times in UTC with milliseconds, the history')
  FROM findings f WHERE f.id = 'f7600000-0000-4000-8000-000000000010';
SELECT is(cc_finding_json(f, '2024-11-30', false) -> 'overdue', 'true'::jsonb, 'cc_finding_json: overdue on the day asked')
  FROM findings f WHERE f.id = 'f7600000-0000-4000-8000-000000000004';

-- ---- cc_decision_blockers ----
-- (pg_temp functions are out of cc_app's reach, so the blocker list is spelled out each time.)
SELECT is(ARRAY(SELECT right(b.finding_id::text, 2) || ':' || b.reason
                    FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2025-02-28') b),
          ARRAY['02:stage2_major_past_cutoff', '03:major_open', '11:major_open', '04:minor_without_accepted_plan',
                '06:minor_without_accepted_plan', '07:minor_without_accepted_plan'],
          'on the cut-off day: the major closed a day late, the open majors and the minors without a plan');
SELECT is(ARRAY(SELECT right(b.finding_id::text, 2) || ':' || b.reason
                    FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2025-03-01') b),
          ARRAY['02:stage2_major_past_cutoff', '03:stage2_major_past_cutoff', '03:major_open', '11:major_open',
                '04:minor_without_accepted_plan', '06:minor_without_accepted_plan',
                '07:minor_without_accepted_plan'],
          'the day after: the Stage 2 major still not closed is past its cut-off too');
SELECT ok(NOT ('01:stage2_major_past_cutoff' = ANY (ARRAY(SELECT right(b.finding_id::text, 2) || ':' || b.reason
                    FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2026-01-01') b))),
          'a Stage 2 major closed on the cut-off day (23:00 UTC) never blocks');
SELECT is((SELECT array_agg(DISTINCT b.decision_blocking_after)
             FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2025-03-01') b
            WHERE b.reason = 'stage2_major_past_cutoff'), ARRAY['2025-02-28'::date],
          'the cut-off: stored, or Stage 2''s last day + 6 months clamped to the month end');
SELECT is((SELECT count(*) FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2030-01-01') b
            WHERE b.grade NOT IN ('major', 'minor')), 0::bigint, 'observations and OFIs never block');
SELECT is((SELECT array_agg(DISTINCT b.status ORDER BY b.status)
             FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2025-01-01') b
            WHERE b.grade = 'minor'), ARRAY['open', 'rejected', 'response_submitted'],
          'a minor with an accepted plan (accepted, closed) does not block');
SELECT is(ARRAY(SELECT right(b.finding_id::text, 2) || ':' || b.reason
                    FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2025-01-01') b),
          ARRAY['02:stage2_major_past_cutoff', '03:major_open', '11:major_open', '04:minor_without_accepted_plan',
                '06:minor_without_accepted_plan', '07:minor_without_accepted_plan'],
          'before the cut-off an open Stage 2 major blocks as open only; a closed major as open never');
-- A round accepted but the finding not moved on yet (a minor of the grant check with plan_accepted): not blocking.
UPDATE finding_responses SET decision = 'accepted', decided_by = 'f7100000-0000-4000-8000-000000000001',
                             decided_at = '2024-10-01T10:00:00Z'
 WHERE id = 'f7700000-0000-4000-8000-000000000072';
SELECT ok(NOT ('07:minor_without_accepted_plan' = ANY (ARRAY(SELECT right(b.finding_id::text, 2) || ':' || b.reason
                    FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2025-01-01') b))),
          'a minor whose latest round is accepted has an accepted plan');
UPDATE finding_responses SET decision = NULL, decided_by = NULL, decided_at = NULL
 WHERE id = 'f7700000-0000-4000-8000-000000000072';
SELECT is((SELECT count(*) FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000002', '2030-01-01')),
          0::bigint, 'a programme without findings has no blockers');

-- ---- cc_findings_summary ----
SELECT is(cc_findings_summary('f7500000-0000-4000-8000-000000000002', NULL, NULL, '2025-03-01')
              - ARRAY['overdue_findings', 'stage2_majors', 'decision_blockers', 'earliest_deadline'],
          '{"audit_id": "f7500000-0000-4000-8000-000000000002", "programme_id": "f7400000-0000-4000-8000-000000000001",
            "client_id": "f7300000-0000-4000-8000-00000000000a", "as_of": "2025-03-01", "total": 10,
            "by_grade": {"major": 3, "minor": 5, "observation": 1, "ofi": 1, "area_of_concern": 0},
            "by_status": {"open": 1, "response_submitted": 1, "accepted": 1, "rejected": 1, "verified": 1,
                          "recorded": 2, "closed": 3},
            "open_majors": 1, "minors_without_accepted_plan": 3, "overdue": 5, "minor_cluster": 3,
            "minor_clusters": [{"requirement_id": "ISO27001:2022/A.5.10",
                                "audit_id": "f7500000-0000-4000-8000-000000000002", "count": 3}]}'::jsonb,
          'an audit''s summary: counts by grade and state, open majors, minors without a plan, overdue, clusters');
SELECT is(cc_findings_summary('f7500000-0000-4000-8000-000000000002', NULL, NULL, '2025-03-01') -> 'stage2_majors',
          '[{"finding_id": "f7600000-0000-4000-8000-000000000001", "audit_id": "f7500000-0000-4000-8000-000000000002",
             "status": "closed", "decision_blocking_after": "2025-02-28", "past_cutoff": false},
            {"finding_id": "f7600000-0000-4000-8000-000000000002", "audit_id": "f7500000-0000-4000-8000-000000000002",
             "status": "closed", "decision_blocking_after": "2025-02-28", "past_cutoff": true},
            {"finding_id": "f7600000-0000-4000-8000-000000000003", "audit_id": "f7500000-0000-4000-8000-000000000002",
             "status": "verified", "decision_blocking_after": "2025-02-28", "past_cutoff": true}]'::jsonb,
          'the Stage 2 majors with their cut-off');
SELECT is(cc_findings_summary('f7500000-0000-4000-8000-000000000002', NULL, NULL, '2024-10-01') -> 'earliest_deadline',
          '{"finding_id": "f7600000-0000-4000-8000-000000000004", "kind": "plan", "due": "2024-09-30"}'::jsonb,
          'the earliest open deadline, plan before closure');
SELECT is(jsonb_array_length(cc_findings_summary('f7500000-0000-4000-8000-000000000002', NULL, NULL, '2025-03-01')
                             -> 'decision_blockers'), 6, 'an audit''s blockers are its programme''s from this audit');
SELECT is(cc_findings_summary(NULL, 'f7400000-0000-4000-8000-000000000001', NULL, '2025-03-01')
              -> 'decision_blockers' -> 2 ->> 'finding_id', 'f7600000-0000-4000-8000-000000000003',
          'a programme''s blockers come in the function''s order');
SELECT is((cc_findings_summary(NULL, 'f7400000-0000-4000-8000-000000000001', NULL, '2025-03-01') ->> 'total')::int,
          11, 'a programme''s summary counts every audit''s findings');
SELECT is(cc_findings_summary('f7500000-0000-4000-8000-000000000002', NULL, 'f7300000-0000-4000-8000-0000000000a2',
                              '2025-03-01'), NULL, 'another client organisation''s audit: no summary');
SELECT is(cc_findings_summary(NULL, 'f7400000-0000-4000-8000-000000000001', 'f7300000-0000-4000-8000-00000000000a',
                              '2025-03-01') ->> 'total', '11', 'the client''s own programme');
SELECT is(cc_findings_summary('f7500000-0000-4000-8000-0000000000ff', NULL, NULL, '2025-03-01'), NULL,
          'an unknown audit: no summary');
SELECT is(cc_findings_summary('f7500000-0000-4000-8000-000000000003', NULL, NULL, '2026-01-01')
              -> 'earliest_deadline' ->> 'kind', 'plan', 'a surveillance major: its plan deadline');
RESET ROLE;
UPDATE tenants SET settings = '{"findings": {"minor_cluster": 4}}' WHERE id = 'f7000000-0000-4000-8000-00000000000a';
SET LOCAL ROLE cc_app;
SELECT is(cc_findings_summary('f7500000-0000-4000-8000-000000000002', NULL, NULL, '2025-03-01') -> 'minor_clusters',
          '[]'::jsonb, 'with findings.minor_cluster 4, three minors are not a cluster');
RESET ROLE;
UPDATE tenants SET settings = '{"findings": {"minor_cluster": "x"}}' WHERE id = 'f7000000-0000-4000-8000-00000000000a';
SET LOCAL ROLE cc_app;
SELECT is(cc_findings_minor_cluster(), 3, 'an invalid findings.minor_cluster counts as 3');

-- ---- a new Stage 2 lifts the 6-month rule: the decision rests on it ----
RESET ROLE;
INSERT INTO audits (id, programme_id, client_id, type, sequence, position, window_start, window_end, provisional,
                    planned_days)
VALUES ('f7500000-0000-4000-8000-000000000006', 'f7400000-0000-4000-8000-000000000001',
        'f7300000-0000-4000-8000-00000000000a', 'stage2', 2, 6, '2025-03-01', '2025-06-30', true, 3);
SET LOCAL ROLE cc_app;
SELECT is(ARRAY(SELECT right(b.finding_id::text, 2) || ':' || b.reason
                    FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2025-03-01') b),
          ARRAY['03:major_open', '11:major_open', '04:minor_without_accepted_plan', '06:minor_without_accepted_plan',
                '07:minor_without_accepted_plan'],
          'with a new Stage 2 planned, the old Stage 2''s late majors block only while open');

-- ---- cc_audit_decided ----
SELECT is(cc_audit_decided('f7500000-0000-4000-8000-000000000002'), false, 'no decision yet: Stage 2 is open');
RESET ROLE;
INSERT INTO certification_decisions (programme_id, type, decided_on, effective_date, decided_by, outcome)
VALUES ('f7400000-0000-4000-8000-000000000001', 'initial', '2025-03-10', '2025-03-10', 'f7100000-0000-4000-8000-000000000005',
        'grant');
UPDATE audits SET start_date = '2027-11-20', end_date = '2027-11-21' WHERE id = 'f7500000-0000-4000-8000-000000000005';
INSERT INTO certification_decisions (programme_id, type, decided_on, effective_date, decided_by, outcome)
VALUES ('f7400000-0000-4000-8000-000000000002', 'recertification', '2027-11-20', '2027-11-20',
        'f7100000-0000-4000-8000-000000000005', 'grant');
SET LOCAL ROLE cc_app;
SELECT is(cc_audit_decided(a::uuid), want, msg)
  FROM (VALUES ('f7500000-0000-4000-8000-000000000001', true, 'a grant includes Stage 1'),
               ('f7500000-0000-4000-8000-000000000002', true, 'a grant includes the Stage 2 it rests on'),
               ('f7500000-0000-4000-8000-000000000006', true, 'a grant includes an undated Stage 2'),
               ('f7500000-0000-4000-8000-000000000003', false, 'a grant does not include surveillance'),
               ('f7500000-0000-4000-8000-000000000005', false,
                'another programme''s recertification decision does not include this one''s audit'))
       AS v(a, want, msg);

-- ---- tenant isolation: tenant B sees nothing of A and cannot write rows for A ----
SELECT set_config('app.tenant_id', 'f7000000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*) FROM findings), 0::bigint, 'tenant B sees no finding of A');
SELECT is((SELECT count(*) FROM finding_responses), 0::bigint, 'tenant B sees no response of A');
SELECT is((SELECT count(*) FROM finding_history), 0::bigint, 'tenant B sees no history of A');
SELECT is((SELECT count(*) FROM evidence_files), 0::bigint, 'tenant B sees no evidence file of A');
SELECT is((SELECT count(*) FROM evidence_chunks), 0::bigint, 'tenant B sees no evidence chunk of A');
SELECT throws_ok($$INSERT INTO findings (tenant_id, audit_id, programme_id, client_id, grade, status, requirement_id,
                                         statement, evidence, raised_by)
                   VALUES ('f7000000-0000-4000-8000-00000000000a', 'f7500000-0000-4000-8000-000000000002',
                           'f7400000-0000-4000-8000-000000000001', 'f7300000-0000-4000-8000-00000000000a', 'minor',
                           'open', 'ISO27001:2022/A.5.1', 's', 'e', 'f7100000-0000-4000-8000-000000000001')$$,
                 '42501', NULL, 'tenant B cannot insert a finding for A');
SELECT throws_ok($$INSERT INTO finding_responses (tenant_id, finding_id, round, correction, root_cause,
                                                  corrective_action, responsible, target_date, submitted_by, on_behalf)
                   VALUES ('f7000000-0000-4000-8000-00000000000a', 'f7600000-0000-4000-8000-000000000004', 1, 'c', 'r',
                           'a', 'Ops', '2024-11-01', 'f7100000-0000-4000-8000-000000000002', true)$$,
                 '42501', NULL, 'tenant B cannot insert a response for A');
SELECT throws_ok($$INSERT INTO finding_history (tenant_id, finding_id, action, to_status, actor_id, actor_role)
                   VALUES ('f7000000-0000-4000-8000-00000000000a', 'f7600000-0000-4000-8000-000000000004', 'raised',
                           'open', 'f7100000-0000-4000-8000-000000000001', 'auditor')$$,
                 '42501', NULL, 'tenant B cannot insert history for A');
SELECT throws_ok($$INSERT INTO evidence_files (tenant_id, finding_id, name, content_type, size, sha256, chunk_size,
                                               uploaded_by)
                   VALUES ('f7000000-0000-4000-8000-00000000000a', 'f7600000-0000-4000-8000-000000000004', 'x.txt',
                           'text/plain', 1, sha256('x'), 1, 'f7100000-0000-4000-8000-000000000002')$$,
                 '42501', NULL, 'tenant B cannot insert an evidence file for A');
SELECT throws_ok($$INSERT INTO evidence_chunks (tenant_id, file_id, seq, data)
                   VALUES ('f7000000-0000-4000-8000-00000000000a', 'f7800000-0000-4000-8000-000000000001', 1, 'x')$$,
                 '42501', NULL, 'tenant B cannot insert an evidence chunk for A');
SELECT is((SELECT count(*) FROM cc_decision_blockers('f7400000-0000-4000-8000-000000000001', '2030-01-01')), 0::bigint,
          'tenant B sees no blocker of A''s programme');
SELECT is(cc_findings_summary(NULL, 'f7400000-0000-4000-8000-000000000001', NULL, '2030-01-01'), NULL,
          'tenant B gets no summary of A''s programme');
SELECT is(cc_audit_team_member('f7500000-0000-4000-8000-000000000002', 'f7100000-0000-4000-8000-000000000001'), false,
          'tenant B does not see A''s team');
SELECT is(cc_audit_next('f7500000-0000-4000-8000-000000000002'), NULL::uuid, 'tenant B does not see A''s audits');
SELECT is(cc_audit_decided('f7500000-0000-4000-8000-000000000002'), false, 'tenant B does not see A''s decisions');

SELECT * FROM finish();
ROLLBACK;
