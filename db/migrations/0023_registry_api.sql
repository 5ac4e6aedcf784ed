-- 0023_registry_api: what the registry API shows and requests (issue 10; ARCHITECTURE.md "Registry sync",
-- DOMAIN.md "IAF CertSearch"). Read-only views of the current tenant's registry settings, sync status and
-- dead letters, the resync request shared by POST /v1/registry/resync and the monthly duty, and the
-- complete-sync rule the worker and the housekeeping share. No table changes; nothing of 0022 is replaced.

-- A tenant's registry settings as GET /v1/registry/settings shows them (p_tenant: the current one; RLS
-- hides the others); an absent row shows the defaults with version 0. The API key never leaves through
-- here: only whether one is set.
CREATE FUNCTION cc_registry_settings_json(p_tenant uuid) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    SELECT jsonb_build_object(
               'enabled', coalesce(s.enabled, false),
               'base_url', coalesce(s.base_url, 'https://api.iafcertsearch.org/api/client/v1'),
               'api_key_set', s.api_key_sealed IS NOT NULL,
               'accreditation_body_name', s.accreditation_body_name,
               'accreditation_body_acronym', s.accreditation_body_acronym,
               'accredited', coalesce(s.accredited, true),
               'single_interval_s', coalesce(s.single_interval_s, 60),
               'bulk_interval_s', coalesce(s.bulk_interval_s, 600),
               'paused', s.paused_reason IS NOT NULL,
               'paused_reason', s.paused_reason,
               'paused_at', cc_api_ts(s.paused_at),
               'version', coalesce(s.version, 0),
               'updated_at', cc_api_ts(s.updated_at))
      FROM (SELECT p_tenant AS tenant_id) t
      LEFT JOIN registry_settings s ON s.tenant_id = t.tenant_id
$$;

-- The sync's state as GET /v1/registry/status shows it, without the month's duty (the service decides it
-- on its own clock: registry_month.c). backlog: pending and not in flight; in_flight: claimed under a live
-- lease; synced: in the registry with nothing pending; skipped_for_consent: certifications whose client
-- has not consented (never sent); deleted_for_consent: removed from the registry when consent went.
CREATE FUNCTION cc_registry_status_json(p_tenant uuid) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    SELECT jsonb_build_object(
               'enabled', coalesce(s.enabled, false),
               'paused', s.paused_reason IS NOT NULL,
               'paused_reason', s.paused_reason,
               'paused_detail', s.paused_detail,
               'paused_at', cc_api_ts(s.paused_at),
               'retry_after', CASE WHEN s.retry_after > now() THEN cc_api_ts(s.retry_after) END,
               'backlog', (SELECT count(*) FROM registry_certifications r
                            WHERE r.tenant_id = t.tenant_id AND r.wanted > r.done
                              AND (r.lease_until IS NULL OR r.lease_until < now())),
               'in_flight', (SELECT count(*) FROM registry_certifications r
                              WHERE r.tenant_id = t.tenant_id AND r.lease_until >= now()),
               'synced', (SELECT count(*) FROM registry_certifications r
                           WHERE r.tenant_id = t.tenant_id AND r.in_registry AND r.wanted = r.done),
               'last_success_at', cc_api_ts(s.last_success_at),
               'last_complete_sync_at', cc_api_ts(s.last_complete_sync_at),
               'resync_in_progress', s.resync_requested_at IS NOT NULL,
               'dead_letters', (SELECT count(*) FROM registry_dead_letters d
                                 WHERE d.tenant_id = t.tenant_id AND d.retried_at IS NULL),
               'skipped_for_consent', (SELECT count(*) FROM registry_certifications r
                                         JOIN clients c ON c.tenant_id = r.tenant_id AND c.id = r.client_id
                                        WHERE r.tenant_id = t.tenant_id AND NOT c.registry_consent_given),
               'deleted_for_consent', (SELECT count(*) FROM registry_certifications r
                                        WHERE r.tenant_id = t.tenant_id AND r.outcome = 'deleted'))
      FROM (SELECT p_tenant AS tenant_id) t
      LEFT JOIN registry_settings s ON s.tenant_id = t.tenant_id
$$;

-- A dead letter as the API shows it.
CREATE FUNCTION cc_registry_dead_letter_json(d registry_dead_letters) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    SELECT jsonb_build_object(
               'id', d.id, 'certification_id', d.certification_id, 'certificate_id', d.certificate_id,
               'number', d.number, 'kind', d.kind, 'reason', d.reason, 'errors', d.errors,
               'attempts', d.attempts, 'http_status', d.http_status, 'record', d.record,
               'created_at', cc_api_ts(d.created_at), 'retried_at', cc_api_ts(d.retried_at))
$$;

-- The complete-sync rule (README "Registry sync", IAF MD 28): a requested resync is complete when no
-- certification queued at or before it is still pending or has an open dead letter (one of a certification
-- that may not be published now, outcome skipped or deleted, does not count: nothing of it is to be in the
-- registry; the letter stays open for an admin to see); then
-- last_complete_sync_at = now() and the request is cleared. Run after each worker pass, by the
-- housekeeping (a resync whose last work settled without a new pass) and by the request itself (nothing
-- to send). Returns whether it completed one. Locks only the settings row: callers that lock
-- certifications take them first (the workers' order).
CREATE FUNCTION cc_registry_complete_sync(p_tenant uuid) RETURNS boolean
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, public
AS $$
    WITH done AS (
        UPDATE registry_settings s SET last_complete_sync_at = now(), resync_requested_at = NULL
         WHERE s.tenant_id = p_tenant AND s.resync_requested_at IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM registry_certifications r
                WHERE r.tenant_id = p_tenant AND r.queued_at <= s.resync_requested_at
                  AND (r.wanted > r.done OR (
                       r.outcome IS DISTINCT FROM 'skipped' AND r.outcome IS DISTINCT FROM 'deleted' AND EXISTS (
                       SELECT 1 FROM registry_dead_letters d
                        WHERE d.tenant_id = p_tenant AND d.certification_id = r.certification_id
                          AND d.retried_at IS NULL))))
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM done)
$$;

-- Requests a resync ("Update All", IAF MD 28) of the current tenant: every certification made pending
-- again (cc_registry_touch) and resync_requested_at set; the worker records the complete sync when none
-- queued by then is left pending or dead-lettered. Only when sync is enabled, and with p_only_if_idle only
-- when no resync is in progress (the monthly duty asks once). A tenant with nothing left to send (no
-- certification, or none still pending) completes at once: last_complete_sync_at set, no request left
-- in progress (cc_registry_complete_sync). Returns {"queued", "resync_requested_at"} (when it was
-- requested), or NULL when nothing was requested.
-- Lock order: the certifications (by id) before the settings row, as the workers' outcome transaction
-- takes them (its certifications, then the settings): the other order deadlocks with a draining worker.
-- The settings are read unlocked first; a change of them in between only makes the request early or late.
CREATE FUNCTION cc_registry_request_resync(p_tenant uuid, p_only_if_idle boolean) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    requested timestamptz;
    queued bigint := 0;
    f record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM registry_settings s
                    WHERE s.tenant_id = p_tenant AND s.enabled
                      AND (NOT p_only_if_idle OR s.resync_requested_at IS NULL)) THEN
        RETURN NULL;
    END IF;
    FOR f IN SELECT c.id, c.client_id FROM certifications c WHERE c.tenant_id = p_tenant ORDER BY c.id LOOP
        PERFORM cc_registry_touch(f.id, f.client_id);
        queued := queued + 1;
    END LOOP;
    UPDATE registry_settings s SET resync_requested_at = now() WHERE s.tenant_id = p_tenant
    RETURNING s.resync_requested_at INTO requested;
    PERFORM cc_registry_complete_sync(p_tenant);
    RETURN jsonb_build_object('queued', queued, 'resync_requested_at', cc_api_ts(requested));
END
$$;

REVOKE ALL ON FUNCTION cc_registry_settings_json(uuid), cc_registry_status_json(uuid),
    cc_registry_dead_letter_json(registry_dead_letters), cc_registry_request_resync(uuid, boolean),
    cc_registry_complete_sync(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_registry_settings_json(uuid), cc_registry_status_json(uuid),
    cc_registry_dead_letter_json(registry_dead_letters), cc_registry_request_resync(uuid, boolean),
    cc_registry_complete_sync(uuid) TO cc_app;
