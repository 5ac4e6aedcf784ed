-- 0007_programmes: certification cycles and their planned audits (issue 3).
--
-- programmes: one three-year cycle of one client organisation for one or more standards
-- (catalogue references). Until a certification decision exists, its windows are provisional.
-- audits: the audits a programme plans (pre-assessment, Stage 1, Stage 2, surveillances,
-- recertification), each with its window, planned days and the audit-time calculation it used.

CREATE TABLE programmes (
    tenant_id      uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id             uuid        NOT NULL DEFAULT gen_random_uuid(),
    client_id      uuid        NOT NULL,
    standards      text[]      NOT NULL,
    scope          text        NOT NULL,
    site_ids       uuid[]      NOT NULL DEFAULT '{}',
    sector_codes   text[]      NOT NULL DEFAULT '{}',
    pre_assessment boolean     NOT NULL DEFAULT false,
    cycle          integer     NOT NULL DEFAULT 1,
    decision_date  date,
    expiry_date    date        NOT NULL,
    audit_time     jsonb       NOT NULL,
    version        integer     NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT programmes_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT programmes_client_fkey FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT programmes_standards_check CHECK (cardinality(standards) BETWEEN 1 AND 4),
    CONSTRAINT programmes_scope_check CHECK (btrim(scope) <> '' AND length(scope) <= 2000),
    CONSTRAINT programmes_cycle_check CHECK (cycle >= 1),
    CONSTRAINT programmes_version_check CHECK (version >= 1)
);
CREATE INDEX programmes_client_idx ON programmes (tenant_id, client_id, id);

CREATE TABLE audits (
    tenant_id    uuid         NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id           uuid         NOT NULL DEFAULT gen_random_uuid(),
    programme_id uuid         NOT NULL,
    client_id    uuid         NOT NULL,
    type         text         NOT NULL,
    sequence     integer      NOT NULL DEFAULT 1,
    position     integer      NOT NULL,
    window_start date         NOT NULL,
    window_end   date         NOT NULL,
    provisional  boolean      NOT NULL,
    planned_days numeric(6,1) NOT NULL,
    status       text         NOT NULL DEFAULT 'planned',
    start_date   date,
    end_date     date,
    version      integer      NOT NULL DEFAULT 1,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    updated_at   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT audits_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT audits_programme_fkey FOREIGN KEY (tenant_id, programme_id) REFERENCES programmes (tenant_id, id),
    CONSTRAINT audits_client_fkey FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT audits_type_check
        CHECK (type IN ('pre_assessment', 'stage1', 'stage2', 'surveillance', 'recertification', 'special')),
    CONSTRAINT audits_status_check CHECK (status IN ('planned', 'scheduled', 'in_progress', 'completed', 'cancelled')),
    CONSTRAINT audits_window_check CHECK (window_start <= window_end),
    CONSTRAINT audits_dates_check CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date),
    CONSTRAINT audits_planned_days_check CHECK (planned_days >= 0),
    CONSTRAINT audits_position_key UNIQUE (tenant_id, programme_id, position)
);
CREATE INDEX audits_window_idx ON audits (tenant_id, window_end) WHERE status IN ('planned', 'scheduled');

ALTER TABLE programmes ENABLE ROW LEVEL SECURITY;
ALTER TABLE programmes FORCE ROW LEVEL SECURITY;
CREATE POLICY programmes_isolation ON programmes
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE audits ENABLE ROW LEVEL SECURITY;
ALTER TABLE audits FORCE ROW LEVEL SECURITY;
CREATE POLICY audits_isolation ON audits
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON programmes, audits FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON programmes, audits TO cc_app;
