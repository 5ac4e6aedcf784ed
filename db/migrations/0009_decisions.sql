-- 0009_decisions: certification decisions on a cycle, and the cycle that follows (issue 3).
--
-- certification_decisions: the grant that starts a cycle's clock (surveillance and recertification windows
-- are provisional until it exists) and the recertification (or restoration) decision that ends it and
-- opens the next cycle. One of each kind per programme. Recording one recomputes the programme's windows
-- in the same transaction (services/scheduling/decisions.c), so no reader sees a decision with stale
-- windows; the certificates service will record them through the same code path.
-- programmes.previous_programme_id: the cycle a recertification continued (at most one successor).
-- audits_client_type_idx: reading a programme counts the client's pre-assessments in its other programmes.

ALTER TABLE programmes
    ADD COLUMN previous_programme_id uuid,
    ADD CONSTRAINT programmes_previous_fkey FOREIGN KEY (tenant_id, previous_programme_id)
        REFERENCES programmes (tenant_id, id),
    ADD CONSTRAINT programmes_previous_key UNIQUE (tenant_id, previous_programme_id);

-- A client's audits by type, across its programmes (pre-assessments are counted per client).
CREATE INDEX audits_client_type_idx ON audits (tenant_id, client_id, type);

CREATE TABLE certification_decisions (
    tenant_id         uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id                uuid        NOT NULL DEFAULT gen_random_uuid(),
    programme_id      uuid        NOT NULL,
    kind              text        NOT NULL,
    decided_on        date        NOT NULL,
    decided_by        uuid        NOT NULL,
    outcome           text        NOT NULL,
    next_programme_id uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certification_decisions_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT certification_decisions_programme_fkey FOREIGN KEY (tenant_id, programme_id)
        REFERENCES programmes (tenant_id, id),
    CONSTRAINT certification_decisions_next_fkey FOREIGN KEY (tenant_id, next_programme_id)
        REFERENCES programmes (tenant_id, id),
    CONSTRAINT certification_decisions_user_fkey FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id),
    CONSTRAINT certification_decisions_kind_check CHECK (kind IN ('grant', 'recertification')),
    CONSTRAINT certification_decisions_outcome_check CHECK (outcome IN ('granted', 'continued', 'restored')),
    CONSTRAINT certification_decisions_one_each UNIQUE (tenant_id, programme_id, kind)
);

ALTER TABLE certification_decisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE certification_decisions FORCE ROW LEVEL SECURITY;
CREATE POLICY certification_decisions_isolation ON certification_decisions
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON certification_decisions FROM PUBLIC;
GRANT SELECT, INSERT ON certification_decisions TO cc_app;
