-- 0016_findings_summary: what blocks a certification decision on a programme, and the findings summary of
-- an audit or a programme (issue 8; DOMAIN.md "Findings", "What blocks a decision").
--
-- cc_decision_blockers(programme, as_of) is THE statement of what holds up a grant decision: the findings
-- service shows it in GET /v1/findings/summary and the certificates service refuses a decision on it, so
-- the two cannot disagree. libccrules' finding_grant_check() and programme_is_major_nc_blocking()
-- (shared/rules/finding_rules.c) are its unit-tested specification; db/tests/17_findings.sql runs the same
-- cases against this function.
--
-- Both functions are SECURITY INVOKER: row-level security gives them the caller's tenant only, and each
-- statement names cc_current_tenant() as well.

-- One row per finding and reason that blocks a grant decision on p_programme on p_as_of (a finding may
-- carry two reasons: an open Stage 2 major past its cut-off is both `major_open` and
-- `stage2_major_past_cutoff`). Reasons, stable codes:
--   major_open                   a major nonconformity that is not closed (a major closes only once
--                                verified);
--   minor_without_accepted_plan  a minor whose corrective-action plan is not accepted: the finding is not
--                                accepted, verified or closed, and its latest response round (if any) is
--                                not accepted;
--   stage2_major_past_cutoff     the 6-month rule: a major of the programme's Stage 2 (the last one not
--                                cancelled, on which a grant rests) not closed by decision_blocking_after
--                                (Stage 2's last day + 6 months, end-of-month clamped): still not closed
--                                and the cut-off is before p_as_of, or closed (finding_history's last
--                                `closed`, in UTC) after the cut-off. Only a new Stage 2 lifts it.
-- Observations, OFIs and areas of concern never block. The finding's stored decision_blocking_after
-- (set when it is raised) wins; for a Stage 2 major without one it is computed from the audit's last day.
-- Findings are read as they stand now: p_as_of only decides whether an open major's cut-off has passed.
CREATE FUNCTION cc_decision_blockers(p_programme uuid, p_as_of date)
RETURNS TABLE (finding_id uuid, audit_id uuid, grade text, status text, reason text, decision_blocking_after date)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    WITH last_stage2 AS (
        SELECT a.id FROM audits a
         WHERE a.tenant_id = cc_current_tenant() AND a.programme_id = p_programme AND a.type = 'stage2'
           AND a.status <> 'cancelled'
         ORDER BY a.sequence DESC, a.position DESC LIMIT 1
    ), nc AS (
        SELECT f.id, f.audit_id, f.grade, f.status, f.raised_at,
               CASE WHEN f.grade = 'major' AND a.type = 'stage2'
                    THEN coalesce(f.decision_blocking_after, (a.end_date + interval '6 months')::date) END AS cutoff,
               a.id IN (SELECT id FROM last_stage2) AS on_last_stage2,
               (SELECT r.decision FROM finding_responses r
                 WHERE r.tenant_id = f.tenant_id AND r.finding_id = f.id ORDER BY r.round DESC LIMIT 1)
                   AS last_decision,
               CASE WHEN f.status = 'closed' THEN
                   (coalesce((SELECT max(h.occurred_at) FROM finding_history h
                               WHERE h.tenant_id = f.tenant_id AND h.finding_id = f.id AND h.action = 'closed'),
                             f.closed_at) AT TIME ZONE 'UTC')::date END AS closed_on
          FROM findings f
          JOIN audits a ON a.tenant_id = f.tenant_id AND a.id = f.audit_id
         WHERE f.tenant_id = cc_current_tenant() AND f.programme_id = p_programme
           AND f.grade IN ('major', 'minor')
    ), blocking AS (
        SELECT nc.*, 1 AS rank, 'stage2_major_past_cutoff' AS why FROM nc
         WHERE nc.grade = 'major' AND nc.on_last_stage2 AND nc.cutoff IS NOT NULL
           AND ((nc.status <> 'closed' AND nc.cutoff < p_as_of) OR (nc.status = 'closed' AND nc.closed_on > nc.cutoff))
        UNION ALL
        SELECT nc.*, 2, 'major_open' FROM nc WHERE nc.grade = 'major' AND nc.status <> 'closed'
        UNION ALL
        SELECT nc.*, 3, 'minor_without_accepted_plan' FROM nc
         WHERE nc.grade = 'minor' AND nc.status NOT IN ('accepted', 'verified', 'closed')
           AND nc.last_decision IS DISTINCT FROM 'accepted'
    )
    SELECT b.id, b.audit_id, b.grade, b.status, b.why, b.cutoff FROM blocking b
     ORDER BY b.rank, b.raised_at, b.id
$$;

-- The tenant's findings.minor_cluster (3 when absent or out of range, as shared/cc_settings.c reads it).
CREATE FUNCTION cc_findings_minor_cluster() RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    SELECT coalesce((
        SELECT CASE WHEN jsonb_typeof(t.settings #> '{findings,minor_cluster}') = 'number'
                     AND (t.settings #>> '{findings,minor_cluster}')::numeric BETWEEN 2 AND 1000
                    THEN floor((t.settings #>> '{findings,minor_cluster}')::numeric)::int END
          FROM tenants t WHERE t.id = cc_current_tenant()), 3)
$$;

-- The findings summary (GET /v1/findings/summary) of the audit p_audit, or when p_audit is NULL of the
-- programme p_programme, on p_as_of; NULL when there is no such audit or programme in the tenant, or
-- p_client (a client user's organisation; NULL for staff) is not its client. The shape is
-- api/openapi.yaml's FindingsSummary. An audit's decision_blockers are its programme's that come from
-- this audit.
CREATE FUNCTION cc_findings_summary(p_audit uuid, p_programme uuid, p_client uuid, p_as_of date)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    WITH scope AS (
        SELECT a.id AS audit_id, a.programme_id, a.client_id FROM audits a
         WHERE p_audit IS NOT NULL AND a.tenant_id = cc_current_tenant() AND a.id = p_audit
           AND (p_client IS NULL OR a.client_id = p_client)
        UNION ALL
        SELECT NULL::uuid, p.id, p.client_id FROM programmes p
         WHERE p_audit IS NULL AND p.tenant_id = cc_current_tenant() AND p.id = p_programme
           AND (p_client IS NULL OR p.client_id = p_client)
    ), f AS (
        SELECT f.id, f.audit_id, f.grade, f.status, f.requirement_id, f.plan_due, f.closure_due, f.raised_at,
               a.type AS audit_type, a.end_date AS audit_end,
               cc_finding_overdue(f.grade, f.status, f.plan_due, f.closure_due, p_as_of) AS overdue,
               CASE WHEN f.grade = 'major' AND a.type = 'stage2'
                    THEN coalesce(f.decision_blocking_after, (a.end_date + interval '6 months')::date) END AS cutoff,
               (SELECT r.decision FROM finding_responses r
                 WHERE r.tenant_id = f.tenant_id AND r.finding_id = f.id ORDER BY r.round DESC LIMIT 1)
                   AS last_decision
          FROM scope s
          JOIN findings f ON f.tenant_id = cc_current_tenant() AND f.programme_id = s.programme_id
                         AND (s.audit_id IS NULL OR f.audit_id = s.audit_id)
          JOIN audits a ON a.tenant_id = f.tenant_id AND a.id = f.audit_id
    ), blockers AS (
        SELECT b.* FROM scope s
         CROSS JOIN LATERAL cc_decision_blockers(s.programme_id, p_as_of) WITH ORDINALITY b
         WHERE s.audit_id IS NULL OR b.audit_id = s.audit_id
    ), deadlines AS (
        SELECT f.id, 'plan' AS kind, f.plan_due AS due, 0 AS k FROM f
         WHERE f.grade IN ('major', 'minor') AND f.status IN ('open', 'rejected') AND f.plan_due IS NOT NULL
        UNION ALL
        SELECT f.id, 'closure', f.closure_due, 1 FROM f
         WHERE f.grade IN ('major', 'minor') AND f.status <> 'closed' AND f.closure_due IS NOT NULL
    )
    SELECT jsonb_build_object(
        'audit_id', s.audit_id, 'programme_id', s.programme_id, 'client_id', s.client_id, 'as_of', p_as_of,
        'total', (SELECT count(*) FROM f),
        'by_grade', (SELECT jsonb_object_agg(g, (SELECT count(*) FROM f WHERE f.grade = g))
                       FROM unnest(ARRAY['major', 'minor', 'observation', 'ofi', 'area_of_concern']) g),
        'by_status', (SELECT jsonb_object_agg(st, (SELECT count(*) FROM f WHERE f.status = st))
                        FROM unnest(ARRAY['open', 'response_submitted', 'accepted', 'rejected', 'verified',
                                          'recorded', 'closed']) st),
        'open_majors', (SELECT count(*) FROM f WHERE f.grade = 'major' AND f.status <> 'closed'),
        'minors_without_accepted_plan',
            (SELECT count(*) FROM f WHERE f.grade = 'minor' AND f.status NOT IN ('accepted', 'verified', 'closed')
                                      AND f.last_decision IS DISTINCT FROM 'accepted'),
        'overdue', (SELECT count(*) FROM f WHERE f.overdue),
        'overdue_findings', coalesce((
            SELECT jsonb_agg(jsonb_build_object('finding_id', f.id, 'audit_id', f.audit_id, 'grade', f.grade,
                                                'status', f.status, 'plan_due', f.plan_due,
                                                'closure_due', f.closure_due) ORDER BY f.closure_due, f.id)
              FROM f WHERE f.overdue), '[]'),
        'earliest_deadline', (
            SELECT jsonb_build_object('finding_id', d.id, 'kind', d.kind, 'due', d.due)
              FROM deadlines d ORDER BY d.due, d.k, d.id LIMIT 1),
        'minor_cluster', cc_findings_minor_cluster(),
        'minor_clusters', coalesce((
            SELECT jsonb_agg(jsonb_build_object('requirement_id', c.requirement_id, 'audit_id', c.audit_id,
                                                'count', c.n) ORDER BY c.audit_id, c.requirement_id)
              FROM (SELECT f.audit_id, f.requirement_id, count(*) AS n FROM f
                     WHERE f.grade = 'minor' AND f.requirement_id IS NOT NULL
                     GROUP BY f.audit_id, f.requirement_id
                    HAVING count(*) >= cc_findings_minor_cluster()) c), '[]'),
        'stage2_majors', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'finding_id', f.id, 'audit_id', f.audit_id, 'status', f.status,
                       'decision_blocking_after', f.cutoff,
                       'past_cutoff', EXISTS (SELECT 1 FROM blockers b
                                               WHERE b.finding_id = f.id AND b.reason = 'stage2_major_past_cutoff'))
                       ORDER BY f.raised_at, f.id)
              FROM f WHERE f.grade = 'major' AND f.audit_type = 'stage2'), '[]'),
        'decision_blockers', coalesce((
            SELECT jsonb_agg(jsonb_build_object('finding_id', b.finding_id, 'audit_id', b.audit_id,
                                                'grade', b.grade, 'status', b.status, 'reason', b.reason,
                                                'decision_blocking_after', b.decision_blocking_after)
                             ORDER BY b.ordinality)
              FROM blockers b), '[]'))
      FROM scope s
$$;

REVOKE ALL ON FUNCTION cc_decision_blockers(uuid, date), cc_findings_minor_cluster(),
    cc_findings_summary(uuid, uuid, uuid, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_decision_blockers(uuid, date), cc_findings_minor_cluster(),
    cc_findings_summary(uuid, uuid, uuid, date) TO cc_app;
