-- The registry API's views and resync request (0023, issue 10): the settings' defaults (version 0) and that
-- the key never shows, the status counts (backlog, in flight, synced, dead letters, consent), a dead
-- letter's shape, and cc_registry_request_resync: refused while disabled, every certification touched,
-- once only with p_only_if_idle; cc_registry_complete_sync: not while a queued one is pending or
-- dead-lettered, then once; a resync with nothing to send completes at once; cc_app sees no other
-- tenant's settings through them.
BEGIN;
SELECT plan(22);

SELECT set_config('app.tenant_id', 'a2500000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name, accreditation_body)
VALUES ('a2500000-0000-4000-8000-00000000000a', 'registry-api-a', 'Registry A', 'UKAS');
INSERT INTO clients (id, legal_name, street, city, country, personnel, registry_consent_given, registry_consent_date)
VALUES ('a2510000-0000-4000-8000-00000000000a', 'Consented Ltd', '1 Road', 'Leeds', 'GB', 10, true, '2026-01-01'),
       ('a2510000-0000-4000-8000-00000000000b', 'Private Ltd', '2 Road', 'Leeds', 'GB', 10, false, NULL);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('a2530000-0000-4000-8000-00000000000a', 'a2510000-0000-4000-8000-00000000000a', ARRAY['ISO27001:2022'],
        'Widgets', '2029-01-01', '{}'),
       ('a2530000-0000-4000-8000-00000000000b', 'a2510000-0000-4000-8000-00000000000b', ARRAY['ISO9001:2015'],
        'Pumps', '2029-01-01', '{}');
INSERT INTO certifications (id, client_id, standard, sequence, base_number, original_issue_date)
VALUES ('a2540000-0000-4000-8000-00000000000a', 'a2510000-0000-4000-8000-00000000000a', 'ISO27001:2022', 1,
        'RA-ISMS-000001', '2026-01-10'),
       ('a2540000-0000-4000-8000-00000000000b', 'a2510000-0000-4000-8000-00000000000b', 'ISO9001:2015', 2,
        'RA-QMS-000002', '2026-01-10');
INSERT INTO registry_certifications (certification_id, client_id)
VALUES ('a2540000-0000-4000-8000-00000000000a', 'a2510000-0000-4000-8000-00000000000a'),
       ('a2540000-0000-4000-8000-00000000000b', 'a2510000-0000-4000-8000-00000000000b');

SET LOCAL ROLE cc_app;

SELECT is(cc_registry_settings_json('a2500000-0000-4000-8000-00000000000a') ->> 'version', '0',
          'no settings row: the defaults, version 0');
SELECT is(cc_registry_settings_json('a2500000-0000-4000-8000-00000000000a') ->> 'base_url',
          'https://api.iafcertsearch.org/api/client/v1', 'the default base URL is IAF''s v1');
SELECT is(cc_registry_request_resync('a2500000-0000-4000-8000-00000000000a', false), NULL,
          'no resync while sync is not enabled');

INSERT INTO registry_settings (enabled, api_key_sealed, accreditation_body_name, accreditation_body_acronym)
VALUES (true, convert_to('sealed-bytes-stand-in', 'UTF8'), 'United Kingdom Accreditation Service', 'UKAS');
SELECT is(cc_registry_settings_json('a2500000-0000-4000-8000-00000000000a') ->> 'api_key_set', 'true',
          'a stored key shows as api_key_set');
SELECT ok(position('sealed-bytes-stand-in' IN cc_registry_settings_json('a2500000-0000-4000-8000-00000000000a')::text) = 0
          AND NOT cc_registry_settings_json('a2500000-0000-4000-8000-00000000000a') ? 'api_key_sealed',
          'the key itself never shows');

SELECT is(cc_registry_status_json('a2500000-0000-4000-8000-00000000000a') ->> 'backlog', '2', 'both pending');
SELECT is(cc_registry_status_json('a2500000-0000-4000-8000-00000000000a') ->> 'skipped_for_consent', '1',
          'the client without consent is counted as skipped');
UPDATE registry_certifications SET claimed = wanted, lease_until = now() + interval '1 minute'
 WHERE certification_id = 'a2540000-0000-4000-8000-00000000000a';
SELECT is(cc_registry_status_json('a2500000-0000-4000-8000-00000000000a') ->> 'in_flight', '1', 'a live lease is in flight');
SELECT is(cc_registry_status_json('a2500000-0000-4000-8000-00000000000a') ->> 'backlog', '1', 'and not in the backlog');
UPDATE registry_certifications SET claimed = NULL, lease_until = NULL, done = wanted, in_registry = true,
       outcome = 'sent' WHERE certification_id = 'a2540000-0000-4000-8000-00000000000a';
SELECT is(cc_registry_status_json('a2500000-0000-4000-8000-00000000000a') ->> 'synced', '1', 'sent and nothing pending: synced');

INSERT INTO registry_dead_letters (certification_id, kind, reason)
VALUES ('a2540000-0000-4000-8000-00000000000b', 'unmappable', 'the client has no street address');
SELECT is(cc_registry_status_json('a2500000-0000-4000-8000-00000000000a') ->> 'dead_letters', '1', 'an open dead letter');
SELECT is((SELECT array_agg(k ORDER BY k) FROM registry_dead_letters d, jsonb_object_keys(cc_registry_dead_letter_json(d)) k),
          ARRAY['attempts', 'certificate_id', 'certification_id', 'created_at', 'errors', 'http_status', 'id', 'kind',
                'number', 'reason', 'record', 'retried_at'],
          'a dead letter''s members');

SELECT is(cc_registry_request_resync('a2500000-0000-4000-8000-00000000000a', false) ->> 'queued', '2',
          'a resync touches every certification');
SELECT is((SELECT count(*)::int FROM registry_certifications WHERE wanted > done), 2, 'both pending again');
SELECT is(cc_registry_request_resync('a2500000-0000-4000-8000-00000000000a', true), NULL,
          'the monthly duty does not ask again while a resync is in progress');

SELECT is(cc_registry_complete_sync('a2500000-0000-4000-8000-00000000000a'), false,
          'not complete while what the resync queued is pending');
UPDATE registry_certifications SET done = wanted, outcome = 'sent';
SELECT is(cc_registry_complete_sync('a2500000-0000-4000-8000-00000000000a'), false,
          'nor while one of them has an open dead letter');
UPDATE registry_dead_letters SET retried_at = now();
SELECT is(cc_registry_complete_sync('a2500000-0000-4000-8000-00000000000a'), true,
          'complete once every queued one settled');
SELECT ok((SELECT last_complete_sync_at = now() AND resync_requested_at IS NULL FROM registry_settings),
          'the complete sync is recorded and the request cleared');

-- A resync with nothing to send (no certification at all) completes at once: no pass would ever come.
RESET ROLE;
SELECT set_config('app.tenant_id', 'a2500000-0000-4000-8000-00000000000c', true);
INSERT INTO tenants (id, slug, name, accreditation_body)
VALUES ('a2500000-0000-4000-8000-00000000000c', 'registry-api-c', 'Registry C', 'UKAS');
INSERT INTO registry_settings (enabled, api_key_sealed, accreditation_body_name, accreditation_body_acronym)
VALUES (true, convert_to('sealed-bytes-stand-in', 'UTF8'), 'United Kingdom Accreditation Service', 'UKAS');
SET LOCAL ROLE cc_app;
SELECT is(cc_registry_request_resync('a2500000-0000-4000-8000-00000000000c', false) ->> 'queued', '0',
          'an empty tenant''s resync queues nothing');
SELECT ok((SELECT last_complete_sync_at IS NOT NULL AND resync_requested_at IS NULL FROM registry_settings
            WHERE tenant_id = 'a2500000-0000-4000-8000-00000000000c'),
          'and is complete at once, with no resync left in progress');

-- Another tenant sees the defaults, not tenant A's settings.
SELECT set_config('app.tenant_id', 'a2500000-0000-4000-8000-00000000000b', true);
SELECT is(cc_registry_settings_json('a2500000-0000-4000-8000-00000000000a') ->> 'api_key_set', 'false',
          'RLS hides another tenant''s settings from the view');

SELECT * FROM finish();
ROLLBACK;
