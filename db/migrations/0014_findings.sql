-- 0014_findings: nonconformities and other findings, the client's response rounds, the history of
-- every state change, and evidence files (issue 8; DOMAIN.md "Findings").
--
-- findings: one finding raised on one audit. programme_id and client_id are copied from the audit
-- (an audit never changes programme or client) so lists filter without joins and a client user's
-- reads need only client_id. Exactly one of requirement_id (a catalogue clause or control) and
-- client_requirement (the client's own documented requirement). The deadlines are computed by the
-- service (libccrules, finding_rules.h) when the finding is raised or regraded, from the audit's last
-- day and the tenant's policy at that time; `overdue` is computed at read time, never stored.
-- status: NCs (major, minor) go open -> response_submitted -> accepted | rejected,
-- rejected -> response_submitted, accepted -> verified -> closed (a minor may close from accepted
-- with verification 'deferred'); observations, OFIs and areas of concern go recorded -> closed.
-- The service guards each change with `UPDATE ... WHERE status = <expected>`.
-- finding_responses: every response round, never overwritten; the reviewer's decision is written
-- once onto its round (decision IS NULL until then).
-- finding_history: every state change and regrade with its actor, time and reason.
-- evidence_files / evidence_chunks: uploaded files, stored in chunks (the service streams them);
-- a file and its chunks are written in one transaction, so a refused upload leaves nothing.
--
-- The SQL helpers at the end are called per row, so each is written to be cheap to call.
-- A LANGUAGE sql function that is not inlined plans its body again in every statement that calls it
-- (cc_finding_json cost ~1.4 ms a call, cc_audit_decided with cc_audit_team_member ~1.2 ms, measured on
-- POST /v1/findings). One with its own SET search_path, or with a subquery, is never inlined. So: the two
-- one-expression helpers (cc_api_ts, cc_finding_overdue) have no SET and are inlined into the calling
-- statement (they name only pg_catalog's functions and operators, which every search_path reaches
-- first); the four with subqueries are PL/pgSQL, whose statements' plans are kept for the session
-- (with their SET search_path). cc_api_ts is STABLE, as to_char is.

CREATE TABLE findings (
    tenant_id               uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id                      uuid        NOT NULL DEFAULT gen_random_uuid(),
    audit_id                uuid        NOT NULL,
    programme_id            uuid        NOT NULL,
    client_id               uuid        NOT NULL,
    grade                   text        NOT NULL,
    status                  text        NOT NULL,
    requirement_id          text,
    client_requirement      text,
    site_id                 uuid,
    statement               text        NOT NULL,
    evidence                text        NOT NULL,
    plan_due                date,
    closure_due             date,
    decision_blocking_after date,
    verification            text,
    raised_by               uuid        NOT NULL,
    raised_at               timestamptz NOT NULL DEFAULT now(),
    closed_at               timestamptz,
    version                 integer     NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT findings_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT findings_audit_fkey FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id),
    CONSTRAINT findings_programme_fkey FOREIGN KEY (tenant_id, programme_id) REFERENCES programmes (tenant_id, id),
    CONSTRAINT findings_client_fkey FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT findings_site_fkey FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    CONSTRAINT findings_requirement_fkey FOREIGN KEY (requirement_id) REFERENCES requirements (id),
    CONSTRAINT findings_raised_by_fkey FOREIGN KEY (tenant_id, raised_by) REFERENCES users (tenant_id, id),
    CONSTRAINT findings_grade_check CHECK (grade IN ('major', 'minor', 'observation', 'ofi', 'area_of_concern')),
    CONSTRAINT findings_status_check CHECK (
        CASE WHEN grade IN ('major', 'minor')
             THEN status IN ('open', 'response_submitted', 'accepted', 'rejected', 'verified', 'closed')
             ELSE status IN ('recorded', 'closed') END),
    CONSTRAINT findings_requirement_check CHECK ((requirement_id IS NULL) <> (client_requirement IS NULL)),
    CONSTRAINT findings_client_requirement_check
        CHECK (client_requirement IS NULL OR (btrim(client_requirement) <> '' AND length(client_requirement) <= 500)),
    CONSTRAINT findings_statement_check CHECK (btrim(statement) <> '' AND length(statement) <= 10000),
    CONSTRAINT findings_evidence_check CHECK (btrim(evidence) <> '' AND length(evidence) <= 10000),
    CONSTRAINT findings_verification_check CHECK (verification IS NULL OR verification IN ('verified', 'deferred')),
    CONSTRAINT findings_deferred_check CHECK (verification IS DISTINCT FROM 'deferred' OR grade = 'minor'),
    CONSTRAINT findings_closed_check CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
    CONSTRAINT findings_version_check CHECK (version >= 1)
);
CREATE INDEX findings_audit_idx ON findings (tenant_id, audit_id, id);
CREATE INDEX findings_programme_idx ON findings (tenant_id, programme_id, id);
CREATE INDEX findings_client_idx ON findings (tenant_id, client_id, id);
CREATE INDEX findings_open_due_idx ON findings (tenant_id, closure_due) WHERE status <> 'closed';

CREATE TABLE finding_responses (
    tenant_id         uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id                uuid        NOT NULL DEFAULT gen_random_uuid(),
    finding_id        uuid        NOT NULL,
    round             integer     NOT NULL,
    correction        text        NOT NULL,
    root_cause        text        NOT NULL,
    corrective_action text        NOT NULL,
    responsible       text        NOT NULL,
    target_date       date        NOT NULL,
    submitted_by      uuid        NOT NULL,
    on_behalf         boolean     NOT NULL, -- CB staff answered for the client
    submitted_at      timestamptz NOT NULL DEFAULT now(),
    decision          text,
    decision_reason   text,
    decided_by        uuid,
    decided_at        timestamptz,
    CONSTRAINT finding_responses_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT finding_responses_round_key UNIQUE (tenant_id, finding_id, round),
    CONSTRAINT finding_responses_finding_fkey FOREIGN KEY (tenant_id, finding_id) REFERENCES findings (tenant_id, id),
    CONSTRAINT finding_responses_submitted_by_fkey FOREIGN KEY (tenant_id, submitted_by) REFERENCES users (tenant_id, id),
    CONSTRAINT finding_responses_decided_by_fkey FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id),
    CONSTRAINT finding_responses_round_check CHECK (round >= 1),
    CONSTRAINT finding_responses_text_check CHECK (
        btrim(correction) <> '' AND length(correction) <= 10000 AND
        btrim(root_cause) <> '' AND length(root_cause) <= 10000 AND
        btrim(corrective_action) <> '' AND length(corrective_action) <= 10000 AND
        btrim(responsible) <> '' AND length(responsible) <= 200),
    CONSTRAINT finding_responses_decision_check CHECK (decision IS NULL OR decision IN ('accepted', 'rejected')),
    CONSTRAINT finding_responses_decided_check
        CHECK ((decision IS NULL) = (decided_by IS NULL) AND (decision IS NULL) = (decided_at IS NULL)),
    CONSTRAINT finding_responses_reason_check
        CHECK (decision IS DISTINCT FROM 'rejected' OR btrim(coalesce(decision_reason, '')) <> '')
);

CREATE TABLE finding_history (
    tenant_id   uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    finding_id  uuid        NOT NULL,
    action      text        NOT NULL,
    from_status text,
    to_status   text        NOT NULL,
    from_grade  text,
    to_grade    text,
    reason      text,
    detail      jsonb,
    actor_id    uuid        NOT NULL,
    actor_role  text        NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT finding_history_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT finding_history_finding_fkey FOREIGN KEY (tenant_id, finding_id) REFERENCES findings (tenant_id, id),
    CONSTRAINT finding_history_actor_fkey FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id),
    CONSTRAINT finding_history_action_check
        CHECK (action IN ('raised', 'regraded', 'responded', 'accepted', 'rejected', 'verified', 'closed'))
);
CREATE INDEX finding_history_finding_idx ON finding_history (tenant_id, finding_id, occurred_at);

CREATE TABLE evidence_files (
    tenant_id    uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id           uuid        NOT NULL DEFAULT gen_random_uuid(),
    finding_id   uuid        NOT NULL,
    response_id  uuid,
    name         text        NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL,
    sha256       bytea       NOT NULL,
    chunk_size   integer     NOT NULL,
    uploaded_by  uuid        NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT evidence_files_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT evidence_files_finding_fkey FOREIGN KEY (tenant_id, finding_id) REFERENCES findings (tenant_id, id),
    CONSTRAINT evidence_files_response_fkey FOREIGN KEY (tenant_id, response_id)
        REFERENCES finding_responses (tenant_id, id),
    CONSTRAINT evidence_files_uploaded_by_fkey FOREIGN KEY (tenant_id, uploaded_by) REFERENCES users (tenant_id, id),
    CONSTRAINT evidence_files_name_check
        CHECK (btrim(name) <> '' AND length(name) <= 255 AND name !~ '[/\\[:cntrl:]]'),
    CONSTRAINT evidence_files_size_check CHECK (size > 0),
    CONSTRAINT evidence_files_sha256_check CHECK (length(sha256) = 32),
    CONSTRAINT evidence_files_chunk_size_check CHECK (chunk_size > 0)
);
CREATE INDEX evidence_files_finding_idx ON evidence_files (tenant_id, finding_id, id);

CREATE TABLE evidence_chunks (
    tenant_id uuid    NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    file_id   uuid    NOT NULL,
    seq       integer NOT NULL,
    data      bytea   NOT NULL,
    CONSTRAINT evidence_chunks_pkey PRIMARY KEY (tenant_id, file_id, seq),
    CONSTRAINT evidence_chunks_file_fkey FOREIGN KEY (tenant_id, file_id) REFERENCES evidence_files (tenant_id, id),
    CONSTRAINT evidence_chunks_seq_check CHECK (seq >= 0),
    CONSTRAINT evidence_chunks_data_check CHECK (length(data) > 0)
);
-- Uploads are mostly compressed already (PDF, PNG, JPEG, XLSX, DOCX): store out of line, uncompressed.
ALTER TABLE evidence_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

ALTER TABLE findings ENABLE ROW LEVEL SECURITY;
ALTER TABLE findings FORCE ROW LEVEL SECURITY;
CREATE POLICY findings_isolation ON findings
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE finding_responses ENABLE ROW LEVEL SECURITY;
ALTER TABLE finding_responses FORCE ROW LEVEL SECURITY;
CREATE POLICY finding_responses_isolation ON finding_responses
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE finding_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE finding_history FORCE ROW LEVEL SECURITY;
CREATE POLICY finding_history_isolation ON finding_history
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE evidence_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE evidence_files FORCE ROW LEVEL SECURITY;
CREATE POLICY evidence_files_isolation ON evidence_files
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE evidence_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE evidence_chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY evidence_chunks_isolation ON evidence_chunks
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON findings, finding_responses, finding_history, evidence_files, evidence_chunks FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON findings, finding_responses TO cc_app;
GRANT SELECT, INSERT ON finding_history, evidence_files, evidence_chunks TO cc_app;

-- Whether a certification decision has included the audit (then no finding may be raised on it):
-- a grant decision includes the programme's Stage 1 and Stage 2, a recertification decision its
-- recertification audit; a decision includes only audits that ended on or before its date.
CREATE FUNCTION cc_audit_decided(p_audit uuid) RETURNS boolean
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

-- Whether a user acts for an audit's team as lead or auditor (technical experts do not raise or
-- review findings). p_lead_only: only the lead (regrading).
CREATE FUNCTION cc_audit_team_member(p_audit uuid, p_user uuid, p_lead_only boolean DEFAULT false)
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

-- The audit at which a finding raised on p_audit is next looked at: the programme's next audit by
-- position that is not cancelled, else the first such audit of the cycle that continued it. NULL
-- while none is planned.
CREATE FUNCTION cc_audit_next(p_audit uuid) RETURNS uuid
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

REVOKE ALL ON FUNCTION cc_audit_decided(uuid), cc_audit_team_member(uuid, uuid, boolean), cc_audit_next(uuid)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_audit_decided(uuid), cc_audit_team_member(uuid, uuid, boolean), cc_audit_next(uuid)
    TO cc_app;

-- Whether a finding is overdue on p_today (computed at read time, never stored): a nonconformity that is
-- not closed, past its closure deadline, or past its plan deadline with no plan standing (open, or its
-- last plan rejected). Observations, OFIs and areas of concern are never overdue.
CREATE FUNCTION cc_finding_overdue(p_grade text, p_status text, p_plan_due date, p_closure_due date,
                                              p_today date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- coalesce: a nonconformity without deadlines (none is raised so) is not overdue, never NULL
    SELECT p_grade IN ('major', 'minor') AND p_status <> 'closed'
       AND coalesce(p_closure_due < p_today OR (p_status IN ('open', 'rejected') AND p_plan_due < p_today), false)
$$;
GRANT EXECUTE ON FUNCTION cc_finding_overdue(text, text, date, date, date) TO cc_app;

-- A timestamp as the API writes it: UTC, milliseconds, RFC 3339 ("2026-12-07T09:30:00.000Z").
CREATE FUNCTION cc_api_ts(p timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT pg_catalog.to_char(p AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- One finding as the API shows it (GET /v1/findings/{id} and every write's answer): its columns, the
-- audit's type, `overdue` on p_today, and with p_full its response rounds and history in order.
CREATE FUNCTION cc_finding_json(f findings, p_today date, p_full boolean) RETURNS jsonb
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

REVOKE ALL ON FUNCTION cc_finding_json(findings, date, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_api_ts(timestamptz), cc_finding_json(findings, date, boolean) TO cc_app;
