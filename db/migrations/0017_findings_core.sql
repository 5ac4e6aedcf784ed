-- 0017_findings_core: the findings helpers of 0014, the same answers, made cheap to call per row.
--
-- A LANGUAGE sql function that is not inlined plans its body again in every statement that calls it
-- (cc_finding_json cost ~1.4 ms a call, cc_audit_decided with cc_audit_team_member ~1.2 ms, measured on
-- POST /v1/findings). One with its own SET search_path, or with a subquery, is never inlined. So: the two
-- one-expression helpers (cc_api_ts, cc_finding_overdue) lose their SET and are inlined into the calling
-- statement (they name only pg_catalog's functions and operators, which every search_path reaches
-- first); the four with subqueries become PL/pgSQL, whose statements' plans are kept for the session
-- (keeping their SET search_path). cc_api_ts is STABLE, as to_char is.

CREATE OR REPLACE FUNCTION cc_api_ts(p timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT pg_catalog.to_char(p AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

CREATE OR REPLACE FUNCTION cc_finding_overdue(p_grade text, p_status text, p_plan_due date, p_closure_due date,
                                              p_today date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- coalesce: a nonconformity without deadlines (none is raised so) is not overdue, never NULL
    SELECT p_grade IN ('major', 'minor') AND p_status <> 'closed'
       AND coalesce(p_closure_due < p_today OR (p_status IN ('open', 'rejected') AND p_plan_due < p_today), false)
$$;

CREATE OR REPLACE FUNCTION cc_audit_decided(p_audit uuid) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1
          FROM audits a
          JOIN certification_decisions d ON d.tenant_id = a.tenant_id AND d.programme_id = a.programme_id
         WHERE a.tenant_id = cc_current_tenant() AND a.id = p_audit
           AND ((d.kind = 'grant' AND a.type IN ('stage1', 'stage2'))
                OR (d.kind = 'recertification' AND a.type = 'recertification'))
           AND (a.end_date IS NULL OR a.end_date <= d.decided_on));
END
$$;

CREATE OR REPLACE FUNCTION cc_audit_team_member(p_audit uuid, p_user uuid, p_lead_only boolean DEFAULT false)
RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1
          FROM audit_team t
          JOIN auditors au ON au.tenant_id = t.tenant_id AND au.id = t.auditor_id
         WHERE t.tenant_id = cc_current_tenant() AND t.audit_id = p_audit AND au.user_id = p_user
           AND (t.role = 'lead' OR (NOT p_lead_only AND t.role = 'auditor')));
END
$$;

CREATE OR REPLACE FUNCTION cc_audit_next(p_audit uuid) RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
BEGIN
    RETURN coalesce(
        (SELECT n.id FROM audits a
           JOIN audits n ON n.tenant_id = a.tenant_id AND n.programme_id = a.programme_id
          WHERE a.tenant_id = cc_current_tenant() AND a.id = p_audit
            AND n.position > a.position AND n.status <> 'cancelled'
          ORDER BY n.position LIMIT 1),
        (SELECT n.id FROM audits a
           JOIN programmes p ON p.tenant_id = a.tenant_id AND p.previous_programme_id = a.programme_id
           JOIN audits n ON n.tenant_id = p.tenant_id AND n.programme_id = p.id
          WHERE a.tenant_id = cc_current_tenant() AND a.id = p_audit AND n.status <> 'cancelled'
          ORDER BY n.position LIMIT 1));
END
$$;

CREATE OR REPLACE FUNCTION cc_finding_json(f findings, p_today date, p_full boolean) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v jsonb;
BEGIN
    v := jsonb_build_object(
        'id', f.id, 'audit_id', f.audit_id,
        'audit_type', (SELECT a.type FROM audits a WHERE a.tenant_id = f.tenant_id AND a.id = f.audit_id),
        'programme_id', f.programme_id, 'client_id', f.client_id, 'grade', f.grade, 'status', f.status,
        'requirement_id', f.requirement_id, 'client_requirement', f.client_requirement, 'site_id', f.site_id,
        'statement', f.statement, 'evidence', f.evidence, 'plan_due', f.plan_due, 'closure_due', f.closure_due,
        'decision_blocking_after', f.decision_blocking_after,
        'overdue', cc_finding_overdue(f.grade, f.status, f.plan_due, f.closure_due, p_today),
        'verification', f.verification, 'raised_by', f.raised_by, 'raised_at', cc_api_ts(f.raised_at),
        'closed_at', cc_api_ts(f.closed_at), 'version', f.version, 'created_at', cc_api_ts(f.created_at),
        'updated_at', cc_api_ts(f.updated_at));
    IF NOT p_full THEN
        RETURN v;
    END IF;
    RETURN v || jsonb_build_object(
        'responses', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'id', r.id, 'round', r.round, 'correction', r.correction, 'root_cause', r.root_cause,
                       'corrective_action', r.corrective_action, 'responsible', r.responsible,
                       'target_date', r.target_date, 'submitted_by', r.submitted_by, 'on_behalf', r.on_behalf,
                       'submitted_at', cc_api_ts(r.submitted_at), 'decision', r.decision,
                       'decision_reason', r.decision_reason, 'decided_by', r.decided_by,
                       'decided_at', cc_api_ts(r.decided_at)) ORDER BY r.round)
              FROM finding_responses r WHERE r.tenant_id = f.tenant_id AND r.finding_id = f.id), '[]'),
        'history', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'action', h.action, 'from_status', h.from_status, 'to_status', h.to_status,
                       'from_grade', h.from_grade, 'to_grade', h.to_grade, 'reason', h.reason,
                       'detail', h.detail, 'actor_id', h.actor_id, 'actor_role', h.actor_role,
                       'at', cc_api_ts(h.occurred_at)) ORDER BY h.occurred_at, h.id)
              FROM finding_history h WHERE h.tenant_id = f.tenant_id AND h.finding_id = f.id), '[]'));
END
$$;
