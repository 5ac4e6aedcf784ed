-- 0011_identity_hardening.sql: login failures per (tenant, e-mail address); search_path of
-- trigger and SECURITY DEFINER functions; a primary key for auditor_bookings.
--
-- The lockout used to live on the users row, so only addresses with an account
-- ever locked (429 account_locked told an attacker which addresses exist).
-- login_failures counts failed logins per tenant and lower-cased address
-- whether an account exists or not: five failures within fifteen minutes lock
-- the address for fifteen minutes, alike for known and unknown ones. The row is
-- also what serialises parallel guesses at one address (the login locks it).
-- users.failed_login_count, first_failed_login_at and locked_until are no
-- longer written.

CREATE TABLE login_failures (
    tenant_id    uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    email        text        NOT NULL,
    failures     integer     NOT NULL DEFAULT 0,
    window_start timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz,
    CONSTRAINT login_failures_pkey PRIMARY KEY (tenant_id, email),
    CONSTRAINT login_failures_email_check CHECK (email = lower(email) AND length(email) BETWEEN 1 AND 254),
    CONSTRAINT login_failures_failures_check CHECK (failures >= 0)
);
COMMENT ON TABLE login_failures IS 'failed logins per tenant and lower-cased e-mail address, account or not';
COMMENT ON COLUMN users.failed_login_count IS 'unused since 0011 (see login_failures)';
COMMENT ON COLUMN users.first_failed_login_at IS 'unused since 0011 (see login_failures)';
COMMENT ON COLUMN users.locked_until IS 'unused since 0011 (see login_failures)';

ALTER TABLE login_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_failures FORCE ROW LEVEL SECURITY;
CREATE POLICY login_failures_isolation ON login_failures
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON login_failures FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures TO cc_app;

-- search_path: every trigger function and every SECURITY DEFINER function names its own, so what the
-- caller's search_path puts first (a schema with a known table name, or nothing at all) cannot change
-- what it reads or writes. Those of 0001 (cc_users_touch, cc_event_log_refuse, cc_tenant_id) have had
-- it from the start; these are the triggers of 0008 and 0010. (pg_temp is never searched for
-- functions once pg_catalog is named, and cc_app may not create temporary tables.)
-- db/tests/12_search_path.sql checks every such function from the catalog.
ALTER FUNCTION cc_audits_calculated_default() SET search_path = pg_catalog, public;
ALTER FUNCTION cc_audit_team_booked() SET search_path = pg_catalog, public;
ALTER FUNCTION cc_audit_dates_booked() SET search_path = pg_catalog, public;
ALTER FUNCTION cc_unavailability_booked() SET search_path = pg_catalog, public;
ALTER FUNCTION cc_audits_client_name() SET search_path = pg_catalog, public;
ALTER FUNCTION cc_clients_renamed() SET search_path = pg_catalog, public;

-- auditor_bookings had no primary key (logical replication and any distribution need one). A booking
-- is an auditor taken for a period, and auditor_bookings_no_overlap already makes the periods of one
-- auditor disjoint, so (tenant_id, auditor_id, period) is its natural key.
-- db/tests/13_tenancy_shape.sql checks the tenancy shape of every table with a tenant_id.
ALTER TABLE auditor_bookings
    ADD CONSTRAINT auditor_bookings_pkey PRIMARY KEY (tenant_id, auditor_id, period);
