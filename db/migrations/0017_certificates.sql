-- 0017_certificates: certification decisions in full, certificates with their revisions and history,
-- the outbox the registry sync drains, and the public record (issue 9; DOMAIN.md "Certificates").
--
-- certification_decisions (from 0009) becomes the record of every decision the certificates service
-- takes: its type (initial | recertification | restoration | scope_extension), its outcome (grant |
-- refuse: a refusal is recorded with its reasons and issues nothing), the audits it rests on, and what
-- it granted (effective date, scope, sites, SoA version). Rows of 0009 are carried over (grant ->
-- initial, recertification -> recertification or restoration, both outcome grant).
-- certifications: one certification of one client to one standard, stable across revisions and cycles:
-- its id is what the registry calls the certificate identity number; base_number is the printed number
-- of revision 0 (later revisions add -R1, -R2, ...); outbox_seq numbers its outbox rows.
-- certificates: one row per revision of a certification. Exactly one revision of a certification is
-- not `superseded` (the current one); a superseded revision is never edited again. sites is a snapshot
-- of the certified sites as printed: [{site_id, name, street, city, state, post_code, country, scope}].
-- certificate_history: every issue, revision and transition with its actor (NULL for the expiry job),
-- role, reason and time. Insert-only.
-- certificate_outbox: every change of a certification's public state, numbered per certification
-- (1, 2, 3, ... with no gap, written in the changing transaction by cc_certificate_record); the
-- registry-sync worker drains it.
-- certificate_counters: the tenant's last certificate sequence ({SEQ} of the number pattern).
-- tenants.address and tenants.accreditation_body: the CB as its certificates print it.

--------------------------------------------------------------------------------
-- The certification body's printed identity
--------------------------------------------------------------------------------

ALTER TABLE tenants
    ADD COLUMN address            text,
    ADD COLUMN accreditation_body text,
    ADD CONSTRAINT tenants_address_check CHECK (btrim(address) <> '' AND length(address) <= 500),
    ADD CONSTRAINT tenants_accreditation_body_check
        CHECK (btrim(accreditation_body) <> '' AND length(accreditation_body) <= 200);
COMMENT ON COLUMN tenants.address IS 'the CB''s postal address as printed on its certificates';
COMMENT ON COLUMN tenants.accreditation_body IS 'the accreditation body that accredits the CB (e.g. UKAS)';

--------------------------------------------------------------------------------
-- Decisions
--------------------------------------------------------------------------------

ALTER TABLE certification_decisions
    ADD COLUMN type           text,
    ADD COLUMN audit_ids      uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN effective_date date,
    ADD COLUMN scope          text,
    ADD COLUMN site_ids       uuid[],
    ADD COLUMN soa_version    text,
    ADD COLUMN notes          text,
    ADD COLUMN reasons        jsonb  NOT NULL DEFAULT '[]';

UPDATE certification_decisions d
   SET type = CASE WHEN d.kind = 'grant' THEN 'initial'
                   WHEN d.outcome = 'restored' THEN 'restoration' ELSE 'recertification' END,
       audit_ids = ARRAY(SELECT a.id FROM audits a
                          WHERE a.tenant_id = d.tenant_id AND a.programme_id = d.programme_id
                            AND a.status = 'completed'
                            AND a.type = ANY (CASE WHEN d.kind = 'grant' THEN ARRAY['stage1', 'stage2']
                                                   ELSE ARRAY['recertification'] END)
                          ORDER BY a.position),
       effective_date = d.decided_on;

ALTER TABLE certification_decisions
    DROP CONSTRAINT certification_decisions_one_each,
    DROP CONSTRAINT certification_decisions_kind_check,
    DROP CONSTRAINT certification_decisions_outcome_check,
    DROP COLUMN kind;
UPDATE certification_decisions SET outcome = 'grant';
ALTER TABLE certification_decisions
    ALTER COLUMN type SET NOT NULL,
    ADD CONSTRAINT certification_decisions_type_check
        CHECK (type IN ('initial', 'recertification', 'restoration', 'scope_extension')),
    ADD CONSTRAINT certification_decisions_outcome_check CHECK (outcome IN ('grant', 'refuse')),
    ADD CONSTRAINT certification_decisions_effective_check
        CHECK (outcome = 'refuse' OR (effective_date IS NOT NULL AND effective_date >= decided_on)),
    ADD CONSTRAINT certification_decisions_scope_check CHECK (btrim(scope) <> '' AND length(scope) <= 2000),
    ADD CONSTRAINT certification_decisions_soa_check
        CHECK (btrim(soa_version) <> '' AND length(soa_version) <= 100),
    ADD CONSTRAINT certification_decisions_notes_check CHECK (length(notes) <= 10000),
    ADD CONSTRAINT certification_decisions_reasons_check CHECK (jsonb_typeof(reasons) = 'array');
-- One granted initial, recertification or restoration decision per cycle (scope extensions and
-- refusals may be many).
CREATE UNIQUE INDEX certification_decisions_one_grant ON certification_decisions (tenant_id, programme_id, type)
    WHERE outcome = 'grant' AND type <> 'scope_extension';
CREATE INDEX certification_decisions_programme_idx ON certification_decisions (tenant_id, programme_id, created_at);

-- Whether a granted certification decision included the audit (then no finding may be raised on it):
-- every audit it names in audit_ids, and as before (0014) an initial grant's Stage 1 and Stage 2 and a
-- recertification's or restoration's recertification audit, each if it ended on or before the decision.
CREATE OR REPLACE FUNCTION cc_audit_decided(p_audit uuid) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1
          FROM audits a
          JOIN certification_decisions d ON d.tenant_id = a.tenant_id AND d.programme_id = a.programme_id
         WHERE a.tenant_id = cc_current_tenant() AND a.id = p_audit AND d.outcome = 'grant'
           AND (a.id = ANY (d.audit_ids)
                OR (((d.type = 'initial' AND a.type IN ('stage1', 'stage2'))
                     OR (d.type IN ('recertification', 'restoration') AND a.type = 'recertification'))
                    AND (a.end_date IS NULL OR a.end_date <= d.decided_on))));
END
$$;

--------------------------------------------------------------------------------
-- Certifications and their certificates
--------------------------------------------------------------------------------

CREATE TABLE certificate_counters (
    tenant_id     uuid    NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    last_sequence integer NOT NULL,
    CONSTRAINT certificate_counters_pkey PRIMARY KEY (tenant_id),
    CONSTRAINT certificate_counters_sequence_check CHECK (last_sequence >= 1)
);

CREATE TABLE certifications (
    tenant_id           uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
    client_id           uuid        NOT NULL,
    standard            text        NOT NULL,
    sequence            integer     NOT NULL,
    base_number         text        NOT NULL,
    original_issue_date date        NOT NULL,
    outbox_seq          bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certifications_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT certifications_client_fkey FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT certifications_standard_fkey FOREIGN KEY (standard) REFERENCES standards (code),
    CONSTRAINT certifications_number_key UNIQUE (tenant_id, base_number),
    CONSTRAINT certifications_sequence_check CHECK (sequence >= 1),
    CONSTRAINT certifications_number_check
        CHECK (base_number ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,58}[A-Za-z0-9]$'),
    CONSTRAINT certifications_outbox_seq_check CHECK (outbox_seq >= 0)
);
CREATE INDEX certifications_client_idx ON certifications (tenant_id, client_id);

CREATE TABLE certificates (
    tenant_id           uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
    certification_id    uuid        NOT NULL,
    revision            integer     NOT NULL,
    number              text        NOT NULL,
    client_id           uuid        NOT NULL,
    programme_id        uuid        NOT NULL,
    decision_id         uuid,
    standard            text        NOT NULL,
    scope               text        NOT NULL,
    sites               jsonb       NOT NULL DEFAULT '[]',
    soa_version         text,
    original_issue_date date        NOT NULL,
    issue_date          date        NOT NULL,
    effective_date      date        NOT NULL,
    expiry_date         date        NOT NULL,
    status              text        NOT NULL,
    suspended_since     date,
    suspended_until     date,
    suspension_trigger  text,
    suspension_reason   text,
    withdrawn_on        date,
    expired_on          date,
    superseded_by       uuid,
    version             integer     NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certificates_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT certificates_certification_fkey FOREIGN KEY (tenant_id, certification_id)
        REFERENCES certifications (tenant_id, id),
    CONSTRAINT certificates_client_fkey FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT certificates_programme_fkey FOREIGN KEY (tenant_id, programme_id) REFERENCES programmes (tenant_id, id),
    CONSTRAINT certificates_decision_fkey FOREIGN KEY (tenant_id, decision_id)
        REFERENCES certification_decisions (tenant_id, id),
    CONSTRAINT certificates_superseded_by_fkey FOREIGN KEY (tenant_id, superseded_by)
        REFERENCES certificates (tenant_id, id) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT certificates_standard_fkey FOREIGN KEY (standard) REFERENCES standards (code),
    CONSTRAINT certificates_number_key UNIQUE (tenant_id, number),
    CONSTRAINT certificates_revision_key UNIQUE (tenant_id, certification_id, revision),
    CONSTRAINT certificates_revision_check CHECK (revision >= 0),
    CONSTRAINT certificates_scope_check CHECK (btrim(scope) <> '' AND length(scope) <= 2000),
    CONSTRAINT certificates_sites_check CHECK (jsonb_typeof(sites) = 'array'),
    CONSTRAINT certificates_soa_check CHECK (btrim(soa_version) <> '' AND length(soa_version) <= 100),
    CONSTRAINT certificates_dates_check CHECK (original_issue_date <= issue_date AND effective_date <= expiry_date),
    CONSTRAINT certificates_status_check
        CHECK (status IN ('draft', 'active', 'suspended', 'withdrawn', 'expired', 'superseded')),
    CONSTRAINT certificates_suspended_check CHECK (
        (status = 'suspended') = (suspended_since IS NOT NULL)
        AND (suspended_since IS NULL OR (suspended_until IS NOT NULL AND suspension_trigger IS NOT NULL
                                         AND suspended_until >= suspended_since))),
    CONSTRAINT certificates_trigger_check CHECK (suspension_trigger IN
        ('missed_surveillance', 'serious_failure', 'client_request', 'mark_misuse', 'non_payment', 'other')),
    CONSTRAINT certificates_withdrawn_check CHECK ((status = 'withdrawn') = (withdrawn_on IS NOT NULL)),
    CONSTRAINT certificates_expired_check CHECK ((status = 'expired') = (expired_on IS NOT NULL)),
    CONSTRAINT certificates_superseded_check CHECK ((status = 'superseded') = (superseded_by IS NOT NULL)),
    CONSTRAINT certificates_version_check CHECK (version >= 1)
);
-- The current revision: one per certification.
CREATE UNIQUE INDEX certificates_current_key ON certificates (tenant_id, certification_id)
    WHERE status <> 'superseded';
CREATE INDEX certificates_client_idx ON certificates (tenant_id, client_id, id);
CREATE INDEX certificates_programme_idx ON certificates (tenant_id, programme_id);
-- The expiry job's scan.
CREATE INDEX certificates_expiry_idx ON certificates (expiry_date) WHERE status IN ('active', 'suspended');

CREATE TABLE certificate_history (
    tenant_id        uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id               uuid        NOT NULL DEFAULT gen_random_uuid(),
    certificate_id   uuid        NOT NULL,
    certification_id uuid        NOT NULL,
    action           text        NOT NULL,
    from_status      text,
    to_status        text        NOT NULL,
    reason           text,
    trigger          text,
    actor            uuid,
    actor_role       text,
    occurred_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT certificate_history_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT certificate_history_certificate_fkey FOREIGN KEY (tenant_id, certificate_id)
        REFERENCES certificates (tenant_id, id),
    CONSTRAINT certificate_history_certification_fkey FOREIGN KEY (tenant_id, certification_id)
        REFERENCES certifications (tenant_id, id),
    CONSTRAINT certificate_history_actor_fkey FOREIGN KEY (tenant_id, actor) REFERENCES users (tenant_id, id),
    CONSTRAINT certificate_history_action_check CHECK (action IN
        ('issued', 'revised', 'superseded', 'suspended', 'restored', 'withdrawn', 'expired', 'scope_reduced',
         'reinstated')),
    CONSTRAINT certificate_history_reason_check CHECK (length(reason) <= 2000),
    CONSTRAINT certificate_history_actor_check CHECK ((actor IS NULL) = (actor_role IS NULL))
);
CREATE INDEX certificate_history_certification_idx
    ON certificate_history (tenant_id, certification_id, occurred_at);

CREATE TABLE certificate_outbox (
    tenant_id        uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    certification_id uuid        NOT NULL,
    seq              bigint      NOT NULL,
    certificate_id   uuid        NOT NULL,
    event_type       text        NOT NULL,
    state            jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certificate_outbox_pkey PRIMARY KEY (tenant_id, certification_id, seq),
    CONSTRAINT certificate_outbox_certification_fkey FOREIGN KEY (tenant_id, certification_id)
        REFERENCES certifications (tenant_id, id),
    CONSTRAINT certificate_outbox_certificate_fkey FOREIGN KEY (tenant_id, certificate_id)
        REFERENCES certificates (tenant_id, id),
    CONSTRAINT certificate_outbox_seq_check CHECK (seq >= 1),
    CONSTRAINT certificate_outbox_event_check CHECK (event_type ~ '^certificate\.[a-z_]+$'),
    CONSTRAINT certificate_outbox_state_check CHECK (jsonb_typeof(state) = 'object')
);
CREATE INDEX certificate_outbox_created_idx ON certificate_outbox (tenant_id, created_at);

ALTER TABLE certificate_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE certificate_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY certificate_counters_isolation ON certificate_counters
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE certifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE certifications FORCE ROW LEVEL SECURITY;
CREATE POLICY certifications_isolation ON certifications
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE certificates ENABLE ROW LEVEL SECURITY;
ALTER TABLE certificates FORCE ROW LEVEL SECURITY;
CREATE POLICY certificates_isolation ON certificates
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE certificate_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE certificate_history FORCE ROW LEVEL SECURITY;
CREATE POLICY certificate_history_isolation ON certificate_history
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE certificate_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE certificate_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY certificate_outbox_isolation ON certificate_outbox
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON certificate_counters, certifications, certificates, certificate_history, certificate_outbox
    FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON certificate_counters, certifications, certificates TO cc_app;
GRANT SELECT, INSERT ON certificate_history, certificate_outbox TO cc_app;

--------------------------------------------------------------------------------
-- Helpers
--------------------------------------------------------------------------------

-- The next {SEQ} of the current tenant's certificate numbers (1, 2, ...; the counter row serialises
-- concurrent issues and rolls back with a refused one).
CREATE FUNCTION cc_certificate_next_sequence() RETURNS integer
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, public
AS $$
    INSERT INTO certificate_counters AS c (tenant_id, last_sequence) VALUES (cc_current_tenant(), 1)
        ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = c.last_sequence + 1
    RETURNING last_sequence
$$;

-- The sites a certificate prints: the client's sites in p_site_ids (all of the client's sites when
-- p_site_ids is NULL or empty), central function first, each with its scope: what the site does
-- (sites.activities) when recorded, else the certificate's scope.
CREATE FUNCTION cc_certificate_sites(p_client uuid, p_site_ids uuid[], p_scope text) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'site_id', s.id, 'name', s.name, 'street', s.street, 'city', s.city, 'state', s.state,
               'post_code', s.post_code, 'country', s.country, 'central', s.central,
               'scope', coalesce(s.activities, p_scope)) ORDER BY s.central DESC, s.name, s.id), '[]')
      FROM sites s
     WHERE s.tenant_id = cc_current_tenant() AND s.client_id = p_client
       AND (p_site_ids IS NULL OR cardinality(p_site_ids) = 0 OR s.id = ANY (p_site_ids))
$$;

-- The public record of one revision: what anyone may learn about it (DOMAIN.md "Certificates": status,
-- client name, standard, scope and location), plus what the public service needs to answer (whether
-- the client is confidential, the current number of a superseded revision, the effective date for
-- `valid`). The same object is the outbox's state. Nothing else of the client or the CB is in it.
CREATE FUNCTION cc_certificate_public(c certificates) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v jsonb;
BEGIN
    SELECT jsonb_build_object(
               'certification_id', c.certification_id, 'number', c.number, 'revision', c.revision,
               'status', c.status,
               'current_number', (SELECT n.number FROM certificates n
                                   WHERE n.tenant_id = c.tenant_id AND n.certification_id = c.certification_id
                                     AND n.status <> 'superseded'),
               'confidential', cl.confidential,
               'holder', jsonb_build_object('name', cl.legal_name, 'city', cl.city, 'country', cl.country),
               'standard', st.reference, 'standard_code', st.code, 'scope', c.scope,
               'sites', coalesce((SELECT jsonb_agg(jsonb_build_object('city', s->>'city', 'country', s->>'country',
                                                                     'scope', s->>'scope'))
                                    FROM jsonb_array_elements(c.sites) s), '[]'),
               'original_issue_date', c.original_issue_date, 'issue_date', c.issue_date,
               'effective_date', c.effective_date, 'expiry_date', c.expiry_date,
               'suspended_since', c.suspended_since, 'withdrawn_on', c.withdrawn_on,
               'certification_body', jsonb_build_object('name', t.name, 'slug', t.slug),
               'accreditation_body', t.accreditation_body,
               'updated_at', cc_api_ts(c.updated_at))
      INTO v
      FROM clients cl, standards st, tenants t
     WHERE cl.tenant_id = c.tenant_id AND cl.id = c.client_id AND st.code = c.standard AND t.id = c.tenant_id;
    RETURN v;
END
$$;

-- One certificate revision as the API shows it (GET /v1/certificates/{id} and every write's answer);
-- with p_full, every revision of its certification and the certification's history, in order.
CREATE FUNCTION cc_certificate_json(c certificates, p_full boolean) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v jsonb;
BEGIN
    v := jsonb_build_object(
        'id', c.id, 'number', c.number, 'revision', c.revision, 'certification_id', c.certification_id,
        'client_id', c.client_id, 'programme_id', c.programme_id, 'decision_id', c.decision_id,
        'standard', (SELECT st.reference FROM standards st WHERE st.code = c.standard),
        'standard_code', c.standard, 'scope', c.scope, 'sites', c.sites, 'soa_version', c.soa_version,
        'original_issue_date', c.original_issue_date, 'issue_date', c.issue_date,
        'effective_date', c.effective_date, 'expiry_date', c.expiry_date, 'status', c.status,
        'suspended_since', c.suspended_since, 'suspended_until', c.suspended_until,
        'suspension_trigger', c.suspension_trigger, 'suspension_reason', c.suspension_reason,
        'withdrawn_on', c.withdrawn_on, 'expired_on', c.expired_on, 'superseded_by', c.superseded_by,
        'version', c.version, 'created_at', cc_api_ts(c.created_at), 'updated_at', cc_api_ts(c.updated_at));
    IF NOT p_full THEN
        RETURN v;
    END IF;
    RETURN v || jsonb_build_object(
        'revisions', (
            SELECT jsonb_agg(jsonb_build_object(
                       'id', r.id, 'revision', r.revision, 'number', r.number, 'status', r.status,
                       'decision_id', r.decision_id, 'scope', r.scope, 'issue_date', r.issue_date,
                       'effective_date', r.effective_date, 'expiry_date', r.expiry_date,
                       'created_at', cc_api_ts(r.created_at)) ORDER BY r.revision)
              FROM certificates r WHERE r.tenant_id = c.tenant_id AND r.certification_id = c.certification_id),
        'history', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'certificate_id', h.certificate_id, 'action', h.action, 'from_status', h.from_status,
                       'to_status', h.to_status, 'reason', h.reason, 'trigger', h.trigger, 'actor', h.actor,
                       'actor_role', h.actor_role, 'occurred_at', cc_api_ts(h.occurred_at))
                       ORDER BY h.occurred_at, h.id)
              FROM certificate_history h
             WHERE h.tenant_id = c.tenant_id AND h.certification_id = c.certification_id), '[]'));
END
$$;

-- Records one change of the certificate p_certificate (already written): its history row, and an
-- outbox row numbered next for its certification, carrying the public state after the change and the
-- event type 'certificate.<p_action>'. Every write of a certificate calls it in the same transaction,
-- so the history, the outbox and the certificate never disagree. p_actor NULL: the expiry job.
CREATE FUNCTION cc_certificate_record(p_certificate uuid, p_action text, p_from text, p_reason text,
                                      p_trigger text, p_actor uuid, p_role text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    c certificates;
    n bigint;
BEGIN
    SELECT * INTO STRICT c FROM certificates WHERE tenant_id = cc_current_tenant() AND id = p_certificate;
    INSERT INTO certificate_history (certificate_id, certification_id, action, from_status, to_status, reason,
                                     trigger, actor, actor_role)
        VALUES (c.id, c.certification_id, p_action, p_from, c.status, p_reason, p_trigger, p_actor, p_role);
    UPDATE certifications SET outbox_seq = outbox_seq + 1
     WHERE tenant_id = c.tenant_id AND id = c.certification_id RETURNING outbox_seq INTO STRICT n;
    INSERT INTO certificate_outbox (certification_id, seq, certificate_id, event_type, state)
        VALUES (c.certification_id, n, c.id, 'certificate.' || p_action, cc_certificate_public(c));
END
$$;

-- Replaces the current revision p_old (active, suspended or expired) by a new active revision: the old
-- one becomes `superseded` (pointing at the new one) and is never edited again; the new one takes the
-- next revision number and the printed number <base_number>-R<revision>, keeps the certification's
-- original issue date and is issued today. Both changes are recorded (cc_certificate_record: the old
-- as 'superseded', the new as p_action). Returns the new revision's id; raises when p_old is not the
-- current revision of this tenant (the caller has checked that, under FOR UPDATE).
CREATE FUNCTION cc_certificate_revise(p_old uuid, p_action text, p_decision uuid, p_programme uuid,
                                      p_scope text, p_sites jsonb, p_soa text, p_effective date, p_expiry date,
                                      p_reason text, p_actor uuid, p_role text) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    o certificates;
    base text;
    new_id uuid := gen_random_uuid();
BEGIN
    SELECT * INTO STRICT o FROM certificates
     WHERE tenant_id = cc_current_tenant() AND id = p_old AND status IN ('active', 'suspended', 'expired')
       FOR UPDATE;
    SELECT base_number INTO STRICT base FROM certifications
     WHERE tenant_id = o.tenant_id AND id = o.certification_id;
    -- The old revision leaves the current-revision index before the new one enters it (superseded_by
    -- points at a row inserted next: its foreign key is checked at commit).
    UPDATE certificates SET status = 'superseded', superseded_by = new_id, suspended_since = NULL,
                            suspended_until = NULL, suspension_trigger = NULL, suspension_reason = NULL,
                            withdrawn_on = NULL, expired_on = NULL, version = version + 1, updated_at = now()
     WHERE tenant_id = o.tenant_id AND id = o.id;
    INSERT INTO certificates (id, certification_id, revision, number, client_id, programme_id, decision_id,
                              standard, scope, sites, soa_version, original_issue_date, issue_date,
                              effective_date, expiry_date, status)
    SELECT new_id, o.certification_id, o.revision + 1, base || '-R' || (o.revision + 1), o.client_id,
           coalesce(p_programme, o.programme_id), p_decision, o.standard, p_scope, p_sites,
           coalesce(p_soa, o.soa_version), o.original_issue_date, (now() AT TIME ZONE 'UTC')::date,
           p_effective, p_expiry, 'active';
    PERFORM cc_certificate_record(o.id, 'superseded', o.status, p_reason, NULL, p_actor, p_role);
    PERFORM cc_certificate_record(new_id, p_action, NULL, p_reason, NULL, p_actor, p_role);
    RETURN new_id;
END
$$;

--------------------------------------------------------------------------------
-- The public record, across tenants, and its change notifications
--------------------------------------------------------------------------------

-- Every revision's public record (cc_certificate_public) for the public lookup's in-memory index,
-- across tenants: all of them (both arguments NULL), one tenant's, one certification's, or one client's
-- (after a change of its name, address or confidentiality). RLS (forced, binding the owner too) hides
-- every row before a tenant is set, so this SECURITY DEFINER function reads one tenant at a time under
-- that tenant's own policy, returns public fields only, and leaves app.tenant_id as it found it. cc_app
-- has no other way to read another tenant's certificates.
CREATE FUNCTION cc_public_certificates(p_tenant uuid DEFAULT NULL, p_certification uuid DEFAULT NULL,
                                       p_client uuid DEFAULT NULL)
RETURNS TABLE (tenant_slug text, number text, record jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    saved text := current_setting('app.tenant_id', true);
    t record;
BEGIN
    FOR t IN SELECT id, slug FROM public.tenants WHERE p_tenant IS NULL OR id = p_tenant ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t.id::text, true);
        RETURN QUERY
            SELECT t.slug, c.number, public.cc_certificate_public(c)
              FROM public.certificates c
             WHERE c.tenant_id = t.id AND c.status <> 'draft'
               AND (p_certification IS NULL OR c.certification_id = p_certification)
               AND (p_client IS NULL OR c.client_id = p_client);
    END LOOP;
    PERFORM set_config('app.tenant_id', coalesce(saved, ''), true);
END
$$;
COMMENT ON FUNCTION cc_public_certificates(uuid, uuid, uuid) IS
    'public records of certificate revisions across tenants (the public lookup''s index)';

-- A change of a certificate, or of a certified client's public details, is announced on cc_certificates
-- with {"tenant_id", "certification_id"} or {"tenant_id", "client_id"}; NOTIFY is delivered at commit,
-- so the public index never sees an uncommitted state.
CREATE FUNCTION cc_certificates_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_TABLE_NAME = 'clients' THEN
        PERFORM pg_notify('cc_certificates', json_build_object('tenant_id', NEW.tenant_id, 'client_id', NEW.id)::text);
    ELSE
        PERFORM pg_notify('cc_certificates',
                          json_build_object('tenant_id', NEW.tenant_id, 'certification_id', NEW.certification_id)::text);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER certificates_notify AFTER INSERT OR UPDATE ON certificates
    FOR EACH ROW EXECUTE FUNCTION cc_certificates_notify();
CREATE TRIGGER clients_certificates_notify AFTER UPDATE OF legal_name, city, country, confidential ON clients
    FOR EACH ROW
    WHEN (ROW(OLD.legal_name, OLD.city, OLD.country, OLD.confidential)
          IS DISTINCT FROM ROW(NEW.legal_name, NEW.city, NEW.country, NEW.confidential))
    EXECUTE FUNCTION cc_certificates_notify();

REVOKE ALL ON FUNCTION cc_certificate_next_sequence(), cc_certificate_sites(uuid, uuid[], text),
    cc_certificate_public(certificates), cc_certificate_json(certificates, boolean),
    cc_certificate_record(uuid, text, text, text, text, uuid, text),
    cc_certificate_revise(uuid, text, uuid, uuid, text, jsonb, text, date, date, text, uuid, text),
    cc_public_certificates(uuid, uuid, uuid), cc_certificates_notify() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_certificate_next_sequence(), cc_certificate_sites(uuid, uuid[], text),
    cc_certificate_public(certificates), cc_certificate_json(certificates, boolean),
    cc_certificate_record(uuid, text, text, text, text, uuid, text),
    cc_certificate_revise(uuid, text, uuid, uuid, text, jsonb, text, date, date, text, uuid, text),
    cc_public_certificates(uuid, uuid, uuid) TO cc_app;
