-- 0006_auditors: the CB's auditors, when they cannot audit, and whom they may not audit (issue 3).
--
-- auditors: one record per staff user, with competences [{standard, sector_codes, role}] (a catalogue
-- reference per entry, checked by the service against `standards`).
-- auditor_unavailability: periods (inclusive date ranges) an auditor cannot be booked; an
-- exclusion constraint refuses overlapping periods of one auditor even under concurrency (bookings
-- will join the same mechanism).
-- auditor_conflicts: impartiality conflicts (e.g. consulted for the client) until a date.

CREATE EXTENSION IF NOT EXISTS btree_gist; -- trusted: the database owner may create it

CREATE TABLE auditors (
    tenant_id   uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id     uuid        NOT NULL,
    competences jsonb       NOT NULL DEFAULT '[]',
    active      boolean     NOT NULL DEFAULT true,
    version     integer     NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT auditors_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT auditors_user_key UNIQUE (tenant_id, user_id),
    CONSTRAINT auditors_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    CONSTRAINT auditors_competences_check CHECK (jsonb_typeof(competences) = 'array'),
    CONSTRAINT auditors_version_check CHECK (version >= 1)
);
CREATE INDEX auditors_competences_idx ON auditors USING gin (competences jsonb_path_ops);

CREATE TABLE auditor_unavailability (
    tenant_id  uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    auditor_id uuid        NOT NULL,
    period     daterange   NOT NULL,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT auditor_unavailability_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT auditor_unavailability_auditor_fkey FOREIGN KEY (tenant_id, auditor_id)
        REFERENCES auditors (tenant_id, id),
    CONSTRAINT auditor_unavailability_period_check
        CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
    CONSTRAINT auditor_unavailability_reason_check CHECK (btrim(reason) <> '' AND length(reason) <= 500),
    CONSTRAINT auditor_unavailability_no_overlap
        EXCLUDE USING gist (tenant_id WITH =, auditor_id WITH =, period WITH &&)
);

CREATE TABLE auditor_conflicts (
    tenant_id  uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    auditor_id uuid        NOT NULL,
    client_id  uuid        NOT NULL,
    reason     text        NOT NULL,
    until      date        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT auditor_conflicts_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT auditor_conflicts_auditor_fkey FOREIGN KEY (tenant_id, auditor_id) REFERENCES auditors (tenant_id, id),
    CONSTRAINT auditor_conflicts_client_fkey FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT auditor_conflicts_reason_check CHECK (btrim(reason) <> '' AND length(reason) <= 500)
);
CREATE INDEX auditor_conflicts_auditor_idx ON auditor_conflicts (tenant_id, auditor_id, until);

ALTER TABLE auditors ENABLE ROW LEVEL SECURITY;
ALTER TABLE auditors FORCE ROW LEVEL SECURITY;
CREATE POLICY auditors_isolation ON auditors
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE auditor_unavailability ENABLE ROW LEVEL SECURITY;
ALTER TABLE auditor_unavailability FORCE ROW LEVEL SECURITY;
CREATE POLICY auditor_unavailability_isolation ON auditor_unavailability
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE auditor_conflicts ENABLE ROW LEVEL SECURITY;
ALTER TABLE auditor_conflicts FORCE ROW LEVEL SECURITY;
CREATE POLICY auditor_conflicts_isolation ON auditor_conflicts
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON auditors, auditor_unavailability, auditor_conflicts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON auditors TO cc_app;
GRANT SELECT, INSERT ON auditor_unavailability TO cc_app;
GRANT SELECT, INSERT ON auditor_conflicts TO cc_app;
