-- Findings (0014), the guards the service relies on: a state change is `UPDATE ... WHERE status = <expected>`,
-- so a second one from a stale status changes nothing; the statuses each grade allows, a rejection's reason,
-- deferred verification for minors only, closed_at exactly when closed, one row per round, a decision written
-- once; row-level security on findings, finding_responses and finding_history.
BEGIN;
SELECT plan(34);

SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'findings'::regclass),
          'row-level security is enabled and forced on findings');
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'finding_responses'::regclass),
          'row-level security is enabled and forced on finding_responses');
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'finding_history'::regclass),
          'row-level security is enabled and forced on finding_history');
SELECT table_privs_are('public', 'findings', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SELECT table_privs_are('public', 'finding_responses', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SELECT table_privs_are('public', 'finding_history', 'cc_app', ARRAY['SELECT', 'INSERT']);

SELECT set_config('app.tenant_id', 'f1600000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('f1600000-0000-4000-8000-00000000000a', 'fg-test-a', 'FG Test A');
INSERT INTO users (id, email, name, role, password_hash)
VALUES ('f1610000-0000-4000-8000-00000000000a', 'auditor@fg-test-a.example', 'Aud', 'auditor', '$argon2id$x');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('f1630000-0000-4000-8000-00000000000a', 'Client A', '1 Road', 'Town', 'GB', 10);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('f1640000-0000-4000-8000-00000000000a', 'f1630000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2029-03-01', '{}');
INSERT INTO audits (id, programme_id, client_id, type, position, window_start, window_end, provisional, planned_days,
                    start_date, end_date, status)
VALUES ('f1650000-0000-4000-8000-00000000000a', 'f1640000-0000-4000-8000-00000000000a',
        'f1630000-0000-4000-8000-00000000000a', 'stage2', 2, '2026-01-01', '2026-12-31', false, 3,
        '2026-03-02', '2026-03-04', 'completed');

SET LOCAL ROLE cc_app;
-- f...1 a major, f...2 a minor, f...3 an observation
INSERT INTO findings (id, audit_id, programme_id, client_id, grade, status, client_requirement, statement, evidence,
                      raised_by)
SELECT ('f1660000-0000-4000-8000-00000000000' || n)::uuid, 'f1650000-0000-4000-8000-00000000000a',
       'f1640000-0000-4000-8000-00000000000a', 'f1630000-0000-4000-8000-00000000000a', g, s, 'Procedure P-1',
       'Statement', 'Evidence', 'f1610000-0000-4000-8000-00000000000a'
  FROM (VALUES (1, 'major', 'open'), (2, 'minor', 'open'), (3, 'observation', 'recorded')) v (n, g, s);

-- The guarded update: the first from 'open' moves the finding, a second from the same stale status changes nothing.
WITH u AS (UPDATE findings SET status = 'response_submitted', version = version + 1
                       WHERE tenant_id = 'f1600000-0000-4000-8000-00000000000a'
                         AND id = 'f1660000-0000-4000-8000-000000000001' AND status = 'open' AND grade = 'major'
                       RETURNING 1)
SELECT is(count(*), 1::bigint, 'a guarded update from the current status applies') FROM u;
WITH u AS (UPDATE findings SET status = 'response_submitted', version = version + 1
                       WHERE tenant_id = 'f1600000-0000-4000-8000-00000000000a'
                         AND id = 'f1660000-0000-4000-8000-000000000001' AND status = 'open' AND grade = 'major'
                       RETURNING 1)
SELECT is(count(*), 0::bigint, 'a second guarded update from the stale status changes 0 rows') FROM u;
WITH u AS (UPDATE findings SET status = 'accepted'
                       WHERE tenant_id = 'f1600000-0000-4000-8000-00000000000a'
                         AND id = 'f1660000-0000-4000-8000-000000000001' AND status = 'response_submitted'
                         AND grade = 'minor' RETURNING 1)
SELECT is(count(*), 0::bigint, 'a guard naming another grade changes 0 rows') FROM u;
SELECT is((SELECT status || ' ' || version FROM findings WHERE id = 'f1660000-0000-4000-8000-000000000001'),
          'response_submitted 2', 'the finding moved once');

-- Statuses by grade.
SELECT throws_ok($$UPDATE findings SET status = 'recorded' WHERE id = 'f1660000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'a major is never recorded');
SELECT throws_ok($$UPDATE findings SET status = 'open' WHERE id = 'f1660000-0000-4000-8000-000000000003'$$,
                 '23514', NULL, 'an observation is never open');
SELECT throws_ok($$UPDATE findings SET status = 'accepted' WHERE id = 'f1660000-0000-4000-8000-000000000003'$$,
                 '23514', NULL, 'an observation is never accepted');
SELECT throws_ok($$UPDATE findings SET status = 'response_submitted' WHERE id = 'f1660000-0000-4000-8000-000000000003'$$,
                 '23514', NULL, 'an observation takes no response');
SELECT throws_ok($$UPDATE findings SET status = 'pending' WHERE id = 'f1660000-0000-4000-8000-000000000002'$$,
                 '23514', NULL, 'no unknown status');

-- closed_at exactly when closed.
SELECT throws_ok($$UPDATE findings SET status = 'closed' WHERE id = 'f1660000-0000-4000-8000-000000000003'$$,
                 '23514', NULL, 'closed needs closed_at');
SELECT throws_ok($$UPDATE findings SET closed_at = now() WHERE id = 'f1660000-0000-4000-8000-000000000003'$$,
                 '23514', NULL, 'closed_at only when closed');
SELECT lives_ok($$UPDATE findings SET status = 'closed', closed_at = now() WHERE id = 'f1660000-0000-4000-8000-000000000003'$$,
                'an observation closes from recorded with closed_at');

-- Deferred verification: minors only.
SELECT throws_ok($$UPDATE findings SET verification = 'deferred' WHERE id = 'f1660000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'a major never defers its verification');
SELECT throws_ok($$UPDATE findings SET verification = 'skipped' WHERE id = 'f1660000-0000-4000-8000-000000000002'$$,
                 '23514', NULL, 'verification is verified or deferred');
SELECT lives_ok($$UPDATE findings SET verification = 'deferred' WHERE id = 'f1660000-0000-4000-8000-000000000002'$$,
                'a minor may defer its verification');

-- Response rounds: one row per round, a decision written once, a rejection with its reason.
INSERT INTO finding_responses (id, finding_id, round, correction, root_cause, corrective_action, responsible,
                               target_date, submitted_by, on_behalf)
VALUES ('f1670000-0000-4000-8000-000000000001', 'f1660000-0000-4000-8000-000000000001', 1, 'Fixed', 'Cause', 'Action',
        'QA lead', '2026-04-01', 'f1610000-0000-4000-8000-00000000000a', true);
SELECT throws_ok($$INSERT INTO finding_responses (finding_id, round, correction, root_cause, corrective_action,
                   responsible, target_date, submitted_by, on_behalf)
                   VALUES ('f1660000-0000-4000-8000-000000000001', 1, 'Again', 'Cause', 'Action', 'QA lead', '2026-04-01',
                           'f1610000-0000-4000-8000-00000000000a', false)$$,
                 '23505', NULL, 'a round is never written twice');
SELECT throws_ok($$UPDATE finding_responses SET decision = 'rejected', decided_by = 'f1610000-0000-4000-8000-00000000000a',
                   decided_at = now() WHERE id = 'f1670000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'a rejection needs a reason');
SELECT throws_ok($$UPDATE finding_responses SET decision = 'rejected', decision_reason = '  ',
                   decided_by = 'f1610000-0000-4000-8000-00000000000a', decided_at = now()
                   WHERE id = 'f1670000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'a blank reason is no reason');
SELECT throws_ok($$UPDATE finding_responses SET decision = 'accepted' WHERE id = 'f1670000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'a decision names its reviewer and time');
WITH u AS (UPDATE finding_responses SET decision = 'rejected', decision_reason = 'No root cause',
                       decided_by = 'f1610000-0000-4000-8000-00000000000a', decided_at = now()
                       WHERE tenant_id = 'f1600000-0000-4000-8000-00000000000a'
                         AND finding_id = 'f1660000-0000-4000-8000-000000000001' AND decision IS NULL RETURNING 1)
SELECT is(count(*), 1::bigint, 'the first decision on a round applies') FROM u;
WITH u AS (UPDATE finding_responses SET decision = 'accepted', decision_reason = NULL,
                       decided_by = 'f1610000-0000-4000-8000-00000000000a', decided_at = now()
                       WHERE tenant_id = 'f1600000-0000-4000-8000-00000000000a'
                         AND finding_id = 'f1660000-0000-4000-8000-000000000001' AND decision IS NULL RETURNING 1)
SELECT is(count(*), 0::bigint, 'a second decision on the same round changes 0 rows') FROM u;

INSERT INTO finding_history (finding_id, action, from_status, to_status, reason, actor_id, actor_role)
VALUES ('f1660000-0000-4000-8000-000000000001', 'rejected', 'response_submitted', 'rejected', 'No root cause',
        'f1610000-0000-4000-8000-00000000000a', 'auditor');
SELECT throws_ok($$UPDATE finding_history SET reason = 'rewritten'$$, '42501', NULL, 'history is never rewritten');
SELECT throws_ok($$DELETE FROM finding_responses$$, '42501', NULL, 'a round is never deleted');

-- Another tenant sees nothing, changes nothing and cannot write into this one.
SELECT set_config('app.tenant_id', 'f1600000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*) FROM findings) + (SELECT count(*) FROM finding_responses)
          + (SELECT count(*) FROM finding_history), 0::bigint, 'another tenant sees no finding, round or history');
WITH u AS (UPDATE findings SET status = 'accepted' WHERE id = 'f1660000-0000-4000-8000-000000000001'
                      RETURNING 1)
SELECT is(count(*), 0::bigint, 'another tenant''s guarded update changes nothing') FROM u;
SELECT throws_ok($$INSERT INTO findings (tenant_id, audit_id, programme_id, client_id, grade, status, client_requirement,
                   statement, evidence, raised_by)
                   VALUES ('f1600000-0000-4000-8000-00000000000a', 'f1650000-0000-4000-8000-00000000000a',
                           'f1640000-0000-4000-8000-00000000000a', 'f1630000-0000-4000-8000-00000000000a', 'minor',
                           'open', 'P-2', 'S', 'E', 'f1610000-0000-4000-8000-00000000000a')$$,
                 '42501', NULL, 'another tenant cannot raise a finding here');
SELECT throws_ok($$INSERT INTO finding_responses (tenant_id, finding_id, round, correction, root_cause,
                   corrective_action, responsible, target_date, submitted_by, on_behalf)
                   VALUES ('f1600000-0000-4000-8000-00000000000a', 'f1660000-0000-4000-8000-000000000001', 2, 'C', 'R',
                           'A', 'X', '2026-04-01', 'f1610000-0000-4000-8000-00000000000a', false)$$,
                 '42501', NULL, 'another tenant cannot add a round here');
SELECT throws_ok($$INSERT INTO finding_history (tenant_id, finding_id, action, to_status, actor_id, actor_role)
                   VALUES ('f1600000-0000-4000-8000-00000000000a', 'f1660000-0000-4000-8000-000000000001', 'closed',
                           'closed', 'f1610000-0000-4000-8000-00000000000a', 'auditor')$$,
                 '42501', NULL, 'another tenant cannot write history here');

SELECT * FROM finish();
ROLLBACK;
