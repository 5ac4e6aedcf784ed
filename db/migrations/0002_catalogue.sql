-- 0002_catalogue.sql: the standards catalogue (standards, clauses, Annex A controls).
--
-- Runs as the owner role inside one transaction opened by `certcycle migrate`
-- (see 0001_foundation.sql). This file holds only the schema; the rows come
-- from db/catalogue/*.csv through 0003_catalogue_data.sql, which
-- db/catalogue/generate.py writes (the runner executes SQL only, and cc_owner
-- is not a superuser, so COPY FROM a server file is not available).
--
-- Global, not tenant-owned: the same catalogue serves every certification body,
-- so these tables have no tenant_id and no row-level security (like
-- signing_keys). On Citus they are reference tables, replicated to every node:
--   SELECT create_reference_table('standards');
--   SELECT create_reference_table('requirements');
-- cc_app may only read them; they change only through migrations.
--
-- Requirement ids are stable: findings reference them, so an id is never
-- changed, reused or deleted. An id is <standards.code>/<number>, e.g.
-- 'ISO27001:2022/6.1.2' or 'ISO27001:2022/A.5.1', unique across standards;
-- the bare number ('A.5.1') is kept in its own column.

--------------------------------------------------------------------------------
-- standards: one row per edition of a standard
--------------------------------------------------------------------------------

-- code: stable key without spaces or slashes ('ISO27001:2022'), the prefix of
--   requirement ids and the form used in URLs.
-- reference: the designation as printed on certificates ('ISO/IEC 27001:2022').
-- superseded_by: the edition that replaced a withdrawn one.
-- closed_to_new_audits_after: no initial or recertification audit on this
--   edition after this date (ISO/IEC 27001:2013: 2024-04-30).
-- certificates_valid_until: every certificate on this edition has expired or
--   been withdrawn by this date (ISO/IEC 27001:2013: 2025-10-31).
CREATE TABLE standards (
    code                       text     NOT NULL,
    reference                  text     NOT NULL,
    edition                    smallint NOT NULL,
    title                      text     NOT NULL,
    family                     text     NOT NULL,
    status                     text     NOT NULL,
    superseded_by              text,
    closed_to_new_audits_after date,
    certificates_valid_until   date,
    CONSTRAINT standards_pkey PRIMARY KEY (code),
    CONSTRAINT standards_reference_key UNIQUE (reference),
    CONSTRAINT standards_superseded_by_fkey FOREIGN KEY (superseded_by) REFERENCES standards (code),
    CONSTRAINT standards_code_check
        CHECK (code ~ '^[A-Z]+[0-9]+(-[0-9]+)*:[0-9]{4}$' AND code LIKE '%:' || edition::text),
    CONSTRAINT standards_reference_check
        CHECK (reference ~ '^ISO(/IEC)? [0-9]+(-[0-9]+)*:[0-9]{4}$' AND reference LIKE '%:' || edition::text),
    CONSTRAINT standards_edition_check CHECK (edition BETWEEN 1947 AND 2100),
    CONSTRAINT standards_title_check
        CHECK (title = btrim(title) AND title <> '' AND title !~ '\s\s' AND length(title) <= 300),
    CONSTRAINT standards_family_check CHECK (family IN ('isms', 'qms', 'ems', 'ohs')),
    CONSTRAINT standards_status_check CHECK (status IN ('current', 'withdrawn')),
    CONSTRAINT standards_superseded_check
        CHECK (superseded_by IS NULL OR (status = 'withdrawn' AND superseded_by <> code)),
    CONSTRAINT standards_dates_check
        CHECK (certificates_valid_until IS NULL OR closed_to_new_audits_after IS NULL
               OR certificates_valid_until >= closed_to_new_audits_after)
);
CREATE INDEX standards_superseded_by_idx ON standards (superseded_by) WHERE superseded_by IS NOT NULL;
COMMENT ON TABLE standards IS 'global catalogue of standards (one row per edition); Citus reference table';
COMMENT ON COLUMN standards.code IS 'stable key, prefix of requirement ids, e.g. ISO27001:2022';
COMMENT ON COLUMN standards.reference IS 'designation with edition as printed on certificates, e.g. ISO/IEC 27001:2022';
COMMENT ON COLUMN standards.closed_to_new_audits_after IS
    'no initial or recertification audit on this edition after this date';
COMMENT ON COLUMN standards.certificates_valid_until IS
    'every certificate on this edition expired or was withdrawn by this date';

--------------------------------------------------------------------------------
-- requirements: clauses and controls of each standard, as a tree
--------------------------------------------------------------------------------

-- kind 'clause': the numbered clauses 4-10 and their subclauses; the parent is
--   the clause one level up ('6.1.2' -> '6.1'), none for the top level ('6').
-- kind 'control': Annex A controls ('A.5.1'), no parent; theme says which of
--   the four groups of ISO/IEC 27001:2022 Annex A it belongs to.
-- position: document order within the standard (numbers do not sort as text).
-- The parent foreign key includes standard_code, so a parent always belongs to
-- the same standard; the CHECKs tie id, number and parent_id together so a
-- row cannot name a parent other than its enclosing clause.
CREATE TABLE requirements (
    id            text    NOT NULL,
    standard_code text    NOT NULL,
    number        text    NOT NULL,
    parent_id     text,
    kind          text    NOT NULL,
    title         text    NOT NULL,
    theme         text,
    position      integer NOT NULL,
    CONSTRAINT requirements_pkey PRIMARY KEY (id),
    CONSTRAINT requirements_standard_fkey FOREIGN KEY (standard_code) REFERENCES standards (code),
    CONSTRAINT requirements_standard_id_key UNIQUE (standard_code, id),
    CONSTRAINT requirements_standard_number_key UNIQUE (standard_code, number),
    CONSTRAINT requirements_standard_position_key UNIQUE (standard_code, position),
    CONSTRAINT requirements_parent_fkey FOREIGN KEY (standard_code, parent_id)
        REFERENCES requirements (standard_code, id),
    CONSTRAINT requirements_id_check CHECK (id = standard_code || '/' || number),
    CONSTRAINT requirements_kind_check CHECK (kind IN ('clause', 'control')),
    CONSTRAINT requirements_number_check
        CHECK (CASE kind
                   WHEN 'clause' THEN number ~ '^[1-9][0-9]*(\.[1-9][0-9]*)*$'
                   WHEN 'control' THEN number ~ '^A\.[1-9][0-9]*(\.[1-9][0-9]*)+$'
               END),
    CONSTRAINT requirements_parent_check
        CHECK (CASE
                   WHEN kind = 'control' THEN parent_id IS NULL
                   WHEN number !~ '\.' THEN parent_id IS NULL
                   ELSE parent_id IS NOT NULL
                        AND parent_id = standard_code || '/' || regexp_replace(number, '\.[0-9]+$', '')
               END),
    CONSTRAINT requirements_title_check
        CHECK (title = btrim(title) AND title <> '' AND title !~ '\s\s' AND length(title) <= 300),
    CONSTRAINT requirements_theme_check
        CHECK (theme IS NULL
               OR (kind = 'control' AND theme IN ('organizational', 'people', 'physical', 'technological'))),
    CONSTRAINT requirements_position_check CHECK (position >= 1)
);
CREATE INDEX requirements_parent_idx ON requirements (standard_code, parent_id) WHERE parent_id IS NOT NULL;
COMMENT ON TABLE requirements IS
    'global catalogue of clauses and controls; id is stable (findings reference it); Citus reference table';
COMMENT ON COLUMN requirements.id IS 'stable id <standard code>/<number>, e.g. ISO27001:2022/A.5.1';
COMMENT ON COLUMN requirements.number IS 'bare number as printed in the standard, e.g. 6.1.2 or A.5.1';
COMMENT ON COLUMN requirements.position IS 'document order within the standard';

--------------------------------------------------------------------------------
-- Privileges: read-only for cc_app, nothing for PUBLIC
--------------------------------------------------------------------------------

REVOKE ALL ON standards, requirements FROM PUBLIC;
GRANT SELECT ON standards, requirements TO cc_app;
