-- 0008_bookings: audit teams, how an audit is conducted, and conflict-free booking (issue 3).
--
-- audit_team: who audits, in which role; at most one lead per audit.
-- auditor_bookings: every period an auditor is taken, by an audit (its days, for each team member, while
-- the audit has dates and is not cancelled) or by unavailability. One exclusion constraint over both
-- means two concurrent transactions can never both book overlapping days: the loser waits for the
-- winner's commit and then fails with 23P01 on auditor_bookings_no_overlap. Triggers keep the table in
-- step with audit_team, audits and auditor_unavailability, so no code path can forget it.
-- audits gain: mode (remote work records its ICT arrangements), the days the calculation gave with any
-- override's justification, Stage 1 conclusions and the like (outcome), a cancellation reason, and the
-- team as the API shows it (maintained by trigger from audit_team).
-- auditors gain: the SHA-256 of their calendar feed token (rotatable; NULL: no feed).

ALTER TABLE audits
    ADD COLUMN mode               text         NOT NULL DEFAULT 'on_site',
    ADD COLUMN ict_arrangements   text,
    ADD COLUMN calculated_days    numeric(6,1),
    ADD COLUMN days_justification text,
    ADD COLUMN outcome            jsonb,
    ADD COLUMN cancel_reason      text,
    ADD COLUMN team               jsonb        NOT NULL DEFAULT '[]',
    ADD CONSTRAINT audits_mode_check CHECK (mode IN ('on_site', 'remote', 'hybrid')),
    ADD CONSTRAINT audits_ict_check
        CHECK (mode = 'on_site' OR (ict_arrangements IS NOT NULL AND btrim(ict_arrangements) <> '')),
    ADD CONSTRAINT audits_ict_length_check CHECK (length(ict_arrangements) <= 2000),
    ADD CONSTRAINT audits_days_override_check
        CHECK (calculated_days IS NULL OR planned_days >= calculated_days
               OR (days_justification IS NOT NULL AND btrim(days_justification) <> '')),
    ADD CONSTRAINT audits_days_justification_length_check CHECK (length(days_justification) <= 2000),
    ADD CONSTRAINT audits_outcome_check CHECK (outcome IS NULL OR jsonb_typeof(outcome) = 'object'),
    ADD CONSTRAINT audits_cancelled_check CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL));
-- Backfills: FORCE ROW LEVEL SECURITY binds the owner too, so lift it for this transaction.
ALTER TABLE audits NO FORCE ROW LEVEL SECURITY;
UPDATE audits SET calculated_days = planned_days;
ALTER TABLE audits FORCE ROW LEVEL SECURITY;
ALTER TABLE audits ALTER COLUMN calculated_days SET NOT NULL;

-- Without a calculation of its own, an audit's calculated days are its planned days.
CREATE FUNCTION cc_audits_calculated_default() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.calculated_days := COALESCE(NEW.calculated_days, NEW.planned_days);
    RETURN NEW;
END $$;
CREATE TRIGGER audits_calculated_default BEFORE INSERT ON audits
    FOR EACH ROW EXECUTE FUNCTION cc_audits_calculated_default();

ALTER TABLE auditors ADD COLUMN calendar_token_hash bytea;
CREATE UNIQUE INDEX auditors_calendar_token_idx ON auditors (tenant_id, calendar_token_hash)
    WHERE calendar_token_hash IS NOT NULL;

CREATE TABLE audit_team (
    tenant_id  uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    audit_id   uuid        NOT NULL,
    auditor_id uuid        NOT NULL,
    role       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_team_pkey PRIMARY KEY (tenant_id, audit_id, auditor_id),
    CONSTRAINT audit_team_audit_fkey FOREIGN KEY (tenant_id, audit_id) REFERENCES audits (tenant_id, id),
    CONSTRAINT audit_team_auditor_fkey FOREIGN KEY (tenant_id, auditor_id) REFERENCES auditors (tenant_id, id),
    CONSTRAINT audit_team_role_check CHECK (role IN ('lead', 'auditor', 'technical_expert'))
);
CREATE UNIQUE INDEX audit_team_one_lead ON audit_team (tenant_id, audit_id) WHERE role = 'lead';
CREATE INDEX audit_team_auditor_idx ON audit_team (tenant_id, auditor_id);

CREATE TABLE auditor_bookings (
    tenant_id         uuid      NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    auditor_id        uuid      NOT NULL,
    period            daterange NOT NULL,
    audit_id          uuid,
    unavailability_id uuid,
    CONSTRAINT auditor_bookings_auditor_fkey FOREIGN KEY (tenant_id, auditor_id)
        REFERENCES auditors (tenant_id, id),
    CONSTRAINT auditor_bookings_source_check CHECK ((audit_id IS NULL) <> (unavailability_id IS NULL)),
    CONSTRAINT auditor_bookings_period_check
        CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
    CONSTRAINT auditor_bookings_no_overlap
        EXCLUDE USING gist (tenant_id WITH =, auditor_id WITH =, period WITH &&)
);
CREATE INDEX auditor_bookings_audit_idx ON auditor_bookings (tenant_id, audit_id) WHERE audit_id IS NOT NULL;

-- A team change books or frees the member's days and refreshes audits.team, the team as the API shows it
-- (kept on the row so reading an audit needs no join).
CREATE FUNCTION cc_audit_team_booked() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_tenant uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
    v_audit  uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.audit_id ELSE NEW.audit_id END;
BEGIN
    -- lock the audit first, so the team below is read after any concurrent change to it has committed
    PERFORM 1 FROM audits WHERE tenant_id = v_tenant AND id = v_audit FOR UPDATE;
    UPDATE audits SET team = COALESCE((
        SELECT jsonb_agg(jsonb_build_object('auditor_id', t.auditor_id, 'role', t.role)
                         ORDER BY t.role <> 'lead', t.created_at, t.auditor_id)
          FROM audit_team t WHERE t.tenant_id = v_tenant AND t.audit_id = v_audit), '[]')
     WHERE tenant_id = v_tenant AND id = v_audit;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM auditor_bookings
         WHERE tenant_id = OLD.tenant_id AND audit_id = OLD.audit_id AND auditor_id = OLD.auditor_id;
        RETURN OLD;
    END IF;
    INSERT INTO auditor_bookings (tenant_id, auditor_id, period, audit_id)
    SELECT a.tenant_id, NEW.auditor_id, daterange(a.start_date, a.end_date, '[]'), a.id
      FROM audits a
     WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.audit_id
       AND a.start_date IS NOT NULL AND a.end_date IS NOT NULL AND a.status <> 'cancelled';
    RETURN NEW;
END $$;
CREATE TRIGGER audit_team_booked AFTER INSERT OR DELETE ON audit_team
    FOR EACH ROW EXECUTE FUNCTION cc_audit_team_booked();

-- An audit's bookings follow its days: one per team member while it has dates and is not cancelled.
CREATE FUNCTION cc_audit_dates_booked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM auditor_bookings WHERE tenant_id = NEW.tenant_id AND audit_id = NEW.id;
    INSERT INTO auditor_bookings (tenant_id, auditor_id, period, audit_id)
    SELECT t.tenant_id, t.auditor_id, daterange(NEW.start_date, NEW.end_date, '[]'), NEW.id
      FROM audit_team t
     WHERE t.tenant_id = NEW.tenant_id AND t.audit_id = NEW.id
       AND NEW.start_date IS NOT NULL AND NEW.end_date IS NOT NULL AND NEW.status <> 'cancelled';
    RETURN NEW;
END $$;
CREATE TRIGGER audit_dates_booked AFTER UPDATE OF start_date, end_date, status ON audits
    FOR EACH ROW
    WHEN (OLD.start_date IS DISTINCT FROM NEW.start_date OR OLD.end_date IS DISTINCT FROM NEW.end_date
          OR (OLD.status = 'cancelled') <> (NEW.status = 'cancelled'))
    EXECUTE FUNCTION cc_audit_dates_booked();

CREATE FUNCTION cc_unavailability_booked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO auditor_bookings (tenant_id, auditor_id, period, unavailability_id)
    VALUES (NEW.tenant_id, NEW.auditor_id, NEW.period, NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER unavailability_booked AFTER INSERT ON auditor_unavailability
    FOR EACH ROW EXECUTE FUNCTION cc_unavailability_booked();

ALTER TABLE auditor_unavailability NO FORCE ROW LEVEL SECURITY;
INSERT INTO auditor_bookings (tenant_id, auditor_id, period, unavailability_id)
SELECT tenant_id, auditor_id, period, id FROM auditor_unavailability;
ALTER TABLE auditor_unavailability FORCE ROW LEVEL SECURITY;

ALTER TABLE audit_team ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_team FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_team_isolation ON audit_team
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE auditor_bookings ENABLE ROW LEVEL SECURITY;
ALTER TABLE auditor_bookings FORCE ROW LEVEL SECURITY;
CREATE POLICY auditor_bookings_isolation ON auditor_bookings
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON audit_team, auditor_bookings FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON audit_team TO cc_app;
GRANT SELECT, INSERT, DELETE ON auditor_bookings TO cc_app;
