-- 0022_registry_sync: IAF CertSearch synchronisation and webhooks (issue 10; ARCHITECTURE.md "Registry
-- sync", DOMAIN.md "IAF CertSearch").
--
-- registry_settings: a tenant's registry connection (absent row = the defaults, disabled). The API key is
--   sealed with AES-256-GCM under the deployment's master key (cc_aead_seal); only the service opens it.
--   paused_*: set when the registry refused the key (401/403), cleared when an admin saves new settings.
--   retry_after: a 429's Retry-After; no call before it. last_*: pacing and the monthly duty (IAF MD 28).
-- registry_certifications: the sync state of one certification (the registry's certificate_identity_number).
--   `wanted` counts the changes that alter its registry record (an outbox row, a change of its client's
--   published details or consent, a resync); `done` is the `wanted` the last finished attempt covered, so
--   the certification is pending while wanted > done. A worker claims it (FOR UPDATE SKIP LOCKED, then a
--   lease: lease_until/claimed) in a short transaction, builds the record from the CURRENT data (so
--   several pending changes coalesce into the latest state, and a later send never carries an older
--   state: one lease at a time per certification), calls the registry outside any transaction, and
--   records the outcome with done = greatest(done, claimed). A worker killed mid-call leaves its lease to
--   lapse; the next claim sends again (uploads match on the identity number, so a duplicate is harmless).
-- registry_dead_letters: what could not be sent (unmappable, refused by the registry, or retries
--   exhausted), with the reason in the registry's words; at most one open per certification.
-- webhooks, webhook_events, webhook_deliveries, webhook_attempts: the CB's own receivers. An event is
--   written in the transaction of the change (certificate events by a trigger on certificate_outbox), with
--   one delivery per subscribed webhook; every attempt is kept.

--------------------------------------------------------------------------------
-- Registry settings
--------------------------------------------------------------------------------

CREATE TABLE registry_settings (
    tenant_id                  uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    enabled                    boolean     NOT NULL DEFAULT false,
    base_url                   text        NOT NULL DEFAULT 'https://api.iafcertsearch.org/api/client/v1',
    api_key_sealed             bytea,
    accreditation_body_name    text,
    accreditation_body_acronym text,
    accredited                 boolean     NOT NULL DEFAULT true,
    single_interval_s          integer     NOT NULL DEFAULT 60,
    bulk_interval_s            integer     NOT NULL DEFAULT 600,
    paused_reason              text,
    paused_detail              text,
    paused_at                  timestamptz,
    retry_after                timestamptz,
    last_single_at             timestamptz,
    last_bulk_at               timestamptz,
    last_success_at            timestamptz,
    last_complete_sync_at      timestamptz,
    resync_requested_at        timestamptz,
    version                    integer     NOT NULL DEFAULT 1,
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT registry_settings_pkey PRIMARY KEY (tenant_id),
    CONSTRAINT registry_settings_base_url_check CHECK (base_url ~ '^https?://[^\s]+$' AND length(base_url) <= 500),
    CONSTRAINT registry_settings_ab_name_check
        CHECK (btrim(accreditation_body_name) <> '' AND length(accreditation_body_name) <= 200),
    CONSTRAINT registry_settings_ab_acronym_check
        CHECK (btrim(accreditation_body_acronym) <> '' AND length(accreditation_body_acronym) <= 50),
    CONSTRAINT registry_settings_intervals_check
        CHECK (single_interval_s BETWEEN 0 AND 86400 AND bulk_interval_s BETWEEN 0 AND 86400),
    CONSTRAINT registry_settings_paused_check CHECK ((paused_reason IS NULL) = (paused_at IS NULL)),
    CONSTRAINT registry_settings_version_check CHECK (version >= 1)
);
COMMENT ON TABLE registry_settings IS 'a tenant''s IAF CertSearch connection; the key sealed under the master key';

--------------------------------------------------------------------------------
-- Per-certification sync state and dead letters
--------------------------------------------------------------------------------

CREATE TABLE registry_certifications (
    tenant_id                 uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    certification_id          uuid        NOT NULL,
    client_id                 uuid        NOT NULL,
    wanted                    bigint      NOT NULL DEFAULT 1,
    done                      bigint      NOT NULL DEFAULT 0,
    claimed                   bigint,
    lease_until               timestamptz,
    next_attempt_at           timestamptz NOT NULL DEFAULT now(),
    attempts                  integer     NOT NULL DEFAULT 0,
    queued_at                 timestamptz NOT NULL DEFAULT now(),
    outcome                   text,
    reason                    text,
    company_certifications_id text,
    in_registry               boolean     NOT NULL DEFAULT false,
    sent_status               text,
    sent_record               jsonb,
    sent_at                   timestamptz,
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT registry_certifications_pkey PRIMARY KEY (tenant_id, certification_id),
    CONSTRAINT registry_certifications_certification_fkey FOREIGN KEY (tenant_id, certification_id)
        REFERENCES certifications (tenant_id, id),
    CONSTRAINT registry_certifications_client_fkey FOREIGN KEY (tenant_id, client_id)
        REFERENCES clients (tenant_id, id),
    CONSTRAINT registry_certifications_seq_check CHECK (wanted >= 1 AND done >= 0 AND done <= wanted),
    CONSTRAINT registry_certifications_claim_check CHECK ((claimed IS NULL) = (lease_until IS NULL)),
    CONSTRAINT registry_certifications_outcome_check
        CHECK (outcome IN ('sent', 'skipped', 'dead', 'deleted')),
    CONSTRAINT registry_certifications_attempts_check CHECK (attempts >= 0),
    CONSTRAINT registry_certifications_company_id_check CHECK (length(company_certifications_id) <= 200)
);
-- The backlog: what a worker may claim, in the claim's own order (oldest due first), so that a claim reads
-- its hundred rows off the index instead of sorting the whole backlog (tests/bench/registry.sh).
CREATE INDEX registry_certifications_due_idx
    ON registry_certifications (tenant_id, next_attempt_at, queued_at, certification_id) WHERE wanted > done;
CREATE INDEX registry_certifications_client_idx ON registry_certifications (tenant_id, client_id);
COMMENT ON TABLE registry_certifications IS
    'IAF CertSearch sync state per certification: pending while wanted > done; claimed by lease';

CREATE TABLE registry_dead_letters (
    tenant_id        uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id               uuid        NOT NULL DEFAULT gen_random_uuid(),
    certification_id uuid        NOT NULL,
    certificate_id   uuid,
    number           text,
    kind             text        NOT NULL,
    reason           text        NOT NULL,
    errors           jsonb       NOT NULL DEFAULT '[]',
    attempts         integer     NOT NULL DEFAULT 0,
    http_status      integer,
    record           jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    retried_at       timestamptz,
    CONSTRAINT registry_dead_letters_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT registry_dead_letters_certification_fkey FOREIGN KEY (tenant_id, certification_id)
        REFERENCES certifications (tenant_id, id),
    CONSTRAINT registry_dead_letters_kind_check CHECK (kind IN ('unmappable', 'rejected', 'failed')),
    CONSTRAINT registry_dead_letters_errors_check CHECK (jsonb_typeof(errors) = 'array')
);
CREATE UNIQUE INDEX registry_dead_letters_open_idx ON registry_dead_letters (tenant_id, certification_id)
    WHERE retried_at IS NULL;
CREATE INDEX registry_dead_letters_list_idx ON registry_dead_letters (tenant_id, created_at DESC, id);
COMMENT ON TABLE registry_dead_letters IS 'registry records that could not be sent, with the reason';

-- A change that alters a certification's registry record makes it pending. A row that was not pending
-- starts afresh (due now, no failed attempts); one that is pending keeps its backoff.
CREATE FUNCTION cc_registry_touch(p_certification uuid, p_client uuid) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, public
AS $$
    INSERT INTO registry_certifications (certification_id, client_id) VALUES (p_certification, p_client)
    ON CONFLICT (tenant_id, certification_id) DO UPDATE
       SET wanted = registry_certifications.wanted + 1,
           queued_at = CASE WHEN registry_certifications.wanted > registry_certifications.done
                            THEN registry_certifications.queued_at ELSE now() END,
           next_attempt_at = CASE WHEN registry_certifications.wanted > registry_certifications.done
                                  THEN registry_certifications.next_attempt_at ELSE now() END,
           attempts = CASE WHEN registry_certifications.wanted > registry_certifications.done
                           THEN registry_certifications.attempts ELSE 0 END,
           updated_at = now()
$$;

-- Every outbox row (a change of a certificate's public state, cc_certificate_record) makes its
-- certification pending for the registry and fans out to the tenant's webhooks (cc_webhook_emit).
CREATE FUNCTION cc_certificate_outbox_fanout() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
DECLARE
    client uuid;
    hook_type text;
BEGIN
    SELECT c.client_id INTO STRICT client FROM certifications c
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.certification_id;
    PERFORM cc_registry_touch(NEW.certification_id, client);
    -- The outbox's actions as webhook event types (ARCHITECTURE.md "Webhooks"); a superseded revision
    -- announces nothing of its own: the new revision's event carries the change.
    hook_type := CASE NEW.event_type
                     WHEN 'certificate.issued' THEN 'certificate.issued'
                     WHEN 'certificate.suspended' THEN 'certificate.suspended'
                     WHEN 'certificate.restored' THEN 'certificate.restored'
                     WHEN 'certificate.reinstated' THEN 'certificate.restored'
                     WHEN 'certificate.withdrawn' THEN 'certificate.withdrawn'
                     WHEN 'certificate.expired' THEN 'certificate.expired'
                     WHEN 'certificate.revised' THEN 'certificate.revised'
                     WHEN 'certificate.scope_reduced' THEN 'certificate.revised'
                 END;
    IF hook_type IS NOT NULL THEN
        PERFORM cc_webhook_emit(hook_type, 'certificate:' || NEW.certification_id || ':' || NEW.seq,
                                jsonb_build_object('certificate_id', NEW.certificate_id, 'action',
                                                   substr(NEW.event_type, 13), 'certificate', NEW.state));
    END IF;
    RETURN NULL;
END
$$;

-- A change of what a client publishes (name, address, confidentiality) or of its consent makes its
-- certifications pending: consent given sends them, consent withdrawn deletes them from the registry.
CREATE FUNCTION cc_client_registry_touch() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM cc_registry_touch(r.certification_id, r.client_id)
       FROM registry_certifications r
      WHERE r.tenant_id = NEW.tenant_id AND r.client_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_registry_touch AFTER UPDATE OF legal_name, trading_name, street, city, state, post_code,
    country, confidential, registry_consent_given ON clients
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION cc_client_registry_touch();

-- Workers learn of new work at once (the poll is the fallback): one notification per tenant and
-- transaction (identical payloads are folded by PostgreSQL).
CREATE FUNCTION cc_registry_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM pg_notify('cc_registry', NEW.tenant_id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER registry_certifications_notify AFTER INSERT OR UPDATE OF wanted ON registry_certifications
    FOR EACH ROW EXECUTE FUNCTION cc_registry_notify();

--------------------------------------------------------------------------------
-- Webhooks
--------------------------------------------------------------------------------

CREATE TABLE webhooks (
    tenant_id     uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id            uuid        NOT NULL DEFAULT gen_random_uuid(),
    url           text        NOT NULL,
    events        text[]      NOT NULL,
    secret_sealed bytea       NOT NULL,
    description   text,
    created_by    uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhooks_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT webhooks_url_check CHECK (url ~ '^https?://[^\s]+$' AND length(url) <= 2000),
    CONSTRAINT webhooks_events_check CHECK (
        cardinality(events) >= 1 AND events <@ ARRAY['certificate.issued', 'certificate.suspended',
            'certificate.restored', 'certificate.withdrawn', 'certificate.expired', 'certificate.revised',
            'finding.overdue']),
    CONSTRAINT webhooks_description_check CHECK (btrim(description) <> '' AND length(description) <= 200)
);
COMMENT ON TABLE webhooks IS 'the CB''s own receivers of certificate and finding events (signed deliveries)';

CREATE TABLE webhook_events (
    tenant_id   uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    type        text        NOT NULL,
    subject     text        NOT NULL,
    data        jsonb       NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_events_pkey PRIMARY KEY (tenant_id, id),
    -- once per subject: a finding becomes overdue once; an outbox row is announced once
    CONSTRAINT webhook_events_subject_key UNIQUE (tenant_id, type, subject),
    CONSTRAINT webhook_events_data_check CHECK (jsonb_typeof(data) = 'object')
);

CREATE TABLE webhook_deliveries (
    tenant_id        uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id               uuid        NOT NULL DEFAULT gen_random_uuid(),
    webhook_id       uuid        NOT NULL,
    event_id         uuid        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_until      timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT webhook_deliveries_webhook_fkey FOREIGN KEY (tenant_id, webhook_id)
        REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT webhook_deliveries_event_fkey FOREIGN KEY (tenant_id, event_id) REFERENCES webhook_events (tenant_id, id),
    CONSTRAINT webhook_deliveries_once UNIQUE (tenant_id, webhook_id, event_id),
    CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed')),
    CONSTRAINT webhook_deliveries_attempts_check CHECK (attempts >= 0)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (tenant_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (tenant_id, webhook_id, created_at DESC, id);

CREATE TABLE webhook_attempts (
    tenant_id    uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    delivery_id  uuid        NOT NULL,
    n            integer     NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code  integer,
    error        text,
    duration_ms  integer,
    CONSTRAINT webhook_attempts_pkey PRIMARY KEY (tenant_id, delivery_id, n),
    CONSTRAINT webhook_attempts_delivery_fkey FOREIGN KEY (tenant_id, delivery_id)
        REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT webhook_attempts_n_check CHECK (n >= 1)
);

-- Records an event of the current tenant once per (type, subject) and queues one delivery for each
-- webhook subscribed to its type. Returns the event's id, or NULL when it was already recorded.
CREATE FUNCTION cc_webhook_emit(p_type text, p_subject text, p_data jsonb) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    event uuid;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.tenant_id = cc_current_tenant() AND p_type = ANY (w.events)) THEN
        RETURN NULL; -- nobody listens: nothing to keep
    END IF;
    INSERT INTO webhook_events (type, subject, data) VALUES (p_type, p_subject, p_data)
    ON CONFLICT (tenant_id, type, subject) DO NOTHING RETURNING id INTO event;
    IF event IS NOT NULL THEN
        INSERT INTO webhook_deliveries (webhook_id, event_id)
        SELECT w.id, event FROM webhooks w WHERE w.tenant_id = cc_current_tenant() AND p_type = ANY (w.events);
        PERFORM pg_notify('cc_webhooks', cc_current_tenant()::text);
    END IF;
    RETURN event;
END
$$;

CREATE TRIGGER certificate_outbox_fanout AFTER INSERT ON certificate_outbox
    FOR EACH ROW EXECUTE FUNCTION cc_certificate_outbox_fanout();

--------------------------------------------------------------------------------
-- Cross-tenant: which tenants have work (the workers' only cross-tenant read)
--------------------------------------------------------------------------------

-- The tenants whose registry sync has something to do now: enabled, not paused, past any Retry-After,
-- with a pending certification due. RLS (forced) hides every row until a tenant is set, so this
-- SECURITY DEFINER function looks at one tenant at a time under its own policy and returns ids only.
CREATE FUNCTION cc_registry_due_tenants() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    saved text := current_setting('app.tenant_id', true);
    t uuid;
BEGIN
    FOR t IN SELECT id FROM public.tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        IF EXISTS (SELECT 1 FROM public.registry_settings s
                    WHERE s.tenant_id = t AND s.enabled AND s.paused_reason IS NULL
                      AND (s.retry_after IS NULL OR s.retry_after <= now()))
           AND EXISTS (SELECT 1 FROM public.registry_certifications r
                        WHERE r.tenant_id = t AND r.wanted > r.done AND r.next_attempt_at <= now()) THEN
            RETURN NEXT t;
        END IF;
    END LOOP;
    PERFORM set_config('app.tenant_id', coalesce(saved, ''), true);
END
$$;

-- The tenants with a webhook delivery due now.
CREATE FUNCTION cc_webhook_due_tenants() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    saved text := current_setting('app.tenant_id', true);
    t uuid;
BEGIN
    FOR t IN SELECT id FROM public.tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        IF EXISTS (SELECT 1 FROM public.webhook_deliveries d
                    WHERE d.tenant_id = t AND d.status = 'pending' AND d.next_attempt_at <= now()
                      AND (d.lease_until IS NULL OR d.lease_until < now())) THEN
            RETURN NEXT t;
        END IF;
    END LOOP;
    PERFORM set_config('app.tenant_id', coalesce(saved, ''), true);
END
$$;

-- Every tenant's id (the workers' per-tenant housekeeping: overdue findings, the monthly duty).
CREATE FUNCTION cc_tenant_ids() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$ SELECT id FROM public.tenants ORDER BY id $$;

--------------------------------------------------------------------------------
-- The registry record's source
--------------------------------------------------------------------------------

-- Everything the registry record of a certification is mapped from (services/registry-sync/
-- registry_map.c maps it; DOMAIN.md "IAF CertSearch"): the current revision, its client (with consent),
-- its standard, the tenant's registry settings, and the sync state. NULL when the certification is not
-- the current tenant's.
CREATE FUNCTION cc_registry_source(p_certification uuid) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    SELECT jsonb_build_object(
               'certification_id', f.id, 'certificate_id', c.id, 'number', c.number, 'revision', c.revision,
               'status', c.status, 'scope', c.scope, 'sites', c.sites,
               'original_issue_date', c.original_issue_date, 'issue_date', c.issue_date,
               'effective_date', c.effective_date, 'expiry_date', c.expiry_date,
               'standard', jsonb_build_object('code', st.code, 'reference', st.reference, 'family', st.family,
                                              'title', st.title),
               'client', jsonb_build_object(
                   'id', cl.id, 'legal_name', cl.legal_name, 'trading_name', cl.trading_name,
                   'street', cl.street, 'city', cl.city, 'state', cl.state, 'post_code', cl.post_code,
                   'country', cl.country, 'confidential', cl.confidential,
                   'registry_consent_given', cl.registry_consent_given,
                   'registry_consent_date', cl.registry_consent_date),
               'registry', jsonb_build_object(
                   'accreditation_body_name', coalesce(rs.accreditation_body_name, t.accreditation_body),
                   'accreditation_body_acronym', rs.accreditation_body_acronym,
                   'accredited', coalesce(rs.accredited, true)),
               'sync', jsonb_build_object(
                   'company_certifications_id', rc.company_certifications_id,
                   'in_registry', coalesce(rc.in_registry, false)))
      FROM certifications f
      JOIN certificates c ON c.tenant_id = f.tenant_id AND c.certification_id = f.id AND c.status <> 'superseded'
      JOIN clients cl ON cl.tenant_id = f.tenant_id AND cl.id = f.client_id
      JOIN standards st ON st.code = c.standard
      JOIN tenants t ON t.id = f.tenant_id
      LEFT JOIN registry_settings rs ON rs.tenant_id = f.tenant_id
      LEFT JOIN registry_certifications rc ON rc.tenant_id = f.tenant_id AND rc.certification_id = f.id
     WHERE f.tenant_id = cc_current_tenant() AND f.id = p_certification
$$;

-- Certifications issued before this migration join the backlog (not sent until sync is enabled).
INSERT INTO registry_certifications (tenant_id, certification_id, client_id)
SELECT f.tenant_id, f.id, f.client_id FROM certifications f
ON CONFLICT DO NOTHING;

--------------------------------------------------------------------------------
-- Row-level security and grants
--------------------------------------------------------------------------------

ALTER TABLE registry_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE registry_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY registry_settings_isolation ON registry_settings
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE registry_certifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE registry_certifications FORCE ROW LEVEL SECURITY;
CREATE POLICY registry_certifications_isolation ON registry_certifications
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE registry_dead_letters ENABLE ROW LEVEL SECURITY;
ALTER TABLE registry_dead_letters FORCE ROW LEVEL SECURITY;
CREATE POLICY registry_dead_letters_isolation ON registry_dead_letters
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;
CREATE POLICY webhooks_isolation ON webhooks
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE webhook_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_events FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_events_isolation ON webhook_events
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_deliveries_isolation ON webhook_deliveries
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());
ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_attempts_isolation ON webhook_attempts
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON registry_settings, registry_certifications, registry_dead_letters, webhooks, webhook_events,
    webhook_deliveries, webhook_attempts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON registry_settings, registry_certifications, registry_dead_letters,
    webhook_deliveries TO cc_app;
GRANT SELECT, INSERT, DELETE ON webhooks TO cc_app;
GRANT SELECT, INSERT ON webhook_events, webhook_attempts TO cc_app;

REVOKE ALL ON FUNCTION cc_registry_due_tenants(), cc_webhook_due_tenants(), cc_tenant_ids(),
    cc_registry_touch(uuid, uuid), cc_webhook_emit(text, text, jsonb), cc_registry_source(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_registry_due_tenants(), cc_webhook_due_tenants(), cc_tenant_ids(),
    cc_registry_touch(uuid, uuid), cc_webhook_emit(text, text, jsonb), cc_registry_source(uuid) TO cc_app;
