-- 0005_clients_sites: client organisations in full, and their sites (issue 3).
--
-- clients (a placeholder until now) gets the organisation's identity,
-- address, personnel (persons doing work under its control, the input of
-- audit time), confidentiality and its consent to publication in IAF
-- CertSearch. Rows created before this migration keep NULL address and
-- personnel; the API requires both for new organisations.
-- sites: where the organisation works; at most one central function per
-- client (a partial unique index), needed for multi-site sampling (IAF MD 1).

ALTER TABLE clients
    ADD COLUMN trading_name               text,
    ADD COLUMN vat                        text,
    ADD COLUMN registration_number        text,
    ADD COLUMN duns                       text,
    ADD COLUMN street                     text,
    ADD COLUMN city                       text,
    ADD COLUMN state                      text,
    ADD COLUMN post_code                  text,
    ADD COLUMN country                    text,
    ADD COLUMN personnel                  integer,
    ADD COLUMN confidential               boolean     NOT NULL DEFAULT false,
    ADD COLUMN registry_consent_given     boolean     NOT NULL DEFAULT false,
    ADD COLUMN registry_consent_date      date,
    ADD COLUMN registry_consent_reference text,
    ADD COLUMN version                    integer     NOT NULL DEFAULT 1,
    ADD COLUMN updated_at                 timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT clients_trading_name_check CHECK (btrim(trading_name) <> '' AND length(trading_name) <= 300),
    ADD CONSTRAINT clients_vat_check CHECK (btrim(vat) <> '' AND length(vat) <= 40),
    ADD CONSTRAINT clients_registration_number_check
        CHECK (btrim(registration_number) <> '' AND length(registration_number) <= 60),
    ADD CONSTRAINT clients_duns_check CHECK (duns ~ '^[0-9]{9}$'),
    ADD CONSTRAINT clients_address_check CHECK (
        (street IS NULL AND city IS NULL AND state IS NULL AND post_code IS NULL AND country IS NULL)
        OR (street IS NOT NULL AND city IS NOT NULL AND country IS NOT NULL
            AND btrim(street) <> '' AND btrim(city) <> '' AND country ~ '^[A-Z]{2}$')),
    ADD CONSTRAINT clients_personnel_check CHECK (personnel BETWEEN 1 AND 10000000),
    ADD CONSTRAINT clients_registry_consent_check
        CHECK (NOT registry_consent_given OR registry_consent_date IS NOT NULL),
    ADD CONSTRAINT clients_version_check CHECK (version >= 1);

CREATE TABLE sites (
    tenant_id  uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    client_id  uuid        NOT NULL,
    name       text        NOT NULL,
    street     text        NOT NULL,
    city       text        NOT NULL,
    state      text,
    post_code  text,
    country    text        NOT NULL,
    personnel  integer     NOT NULL,
    central    boolean     NOT NULL DEFAULT false,
    activities text,
    version    integer     NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sites_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT sites_client_fkey FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT sites_name_check CHECK (btrim(name) <> '' AND length(name) <= 200),
    CONSTRAINT sites_address_check CHECK (btrim(street) <> '' AND btrim(city) <> '' AND country ~ '^[A-Z]{2}$'),
    CONSTRAINT sites_personnel_check CHECK (personnel BETWEEN 1 AND 10000000),
    CONSTRAINT sites_activities_check CHECK (btrim(activities) <> '' AND length(activities) <= 2000),
    CONSTRAINT sites_version_check CHECK (version >= 1)
);
CREATE INDEX sites_client_idx ON sites (tenant_id, client_id, id);
-- At most one central function per client organisation.
CREATE UNIQUE INDEX sites_one_central ON sites (tenant_id, client_id) WHERE central;
COMMENT ON TABLE sites IS 'where a client organisation works; at most one central function each';

ALTER TABLE sites ENABLE ROW LEVEL SECURITY;
ALTER TABLE sites FORCE ROW LEVEL SECURITY;
CREATE POLICY sites_isolation ON sites
    USING (tenant_id = cc_current_tenant())
    WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON sites FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON sites TO cc_app; -- no DELETE (history)
