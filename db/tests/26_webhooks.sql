-- Webhooks (0022; services/registry-sync/webhook_*.c), as the service's role cc_app sees them:
-- cc_webhook_emit records nothing while no webhook subscribes to the type, then one event per (type, subject)
-- with one delivery per subscribed webhook (and never again for that subject); cc_webhook_due_tenants names
-- the tenants with a due, unleased delivery; a webhook deleted by cc_app takes its deliveries and their
-- attempts with it (ON DELETE CASCADE, though cc_app may not delete them itself); one tenant sees none of
-- another's webhooks, events or deliveries.
BEGIN;
SELECT plan(16);

-- tenants is row-level secured for its owner too: each row is inserted as itself
SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-00000000a026', true);
INSERT INTO tenants (id, slug, name) VALUES ('00000000-0000-4000-8000-00000000a026', 'wh-a', 'Webhooks A');
SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-00000000b026', true);
INSERT INTO tenants (id, slug, name) VALUES ('00000000-0000-4000-8000-00000000b026', 'wh-b', 'Webhooks B');

SET LOCAL ROLE cc_app;
SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-00000000a026', true);

SELECT is(cc_webhook_emit('finding.overdue', 'finding:1', '{}'), NULL, 'nobody subscribes: no event');
SELECT is((SELECT count(*) FROM webhook_events)::int, 0, '... and nothing kept');

INSERT INTO webhooks (id, url, events, secret_sealed) VALUES
    ('00000000-0000-4000-8000-0000000000a1', 'https://a.example/1', ARRAY['finding.overdue'], '\x00'),
    ('00000000-0000-4000-8000-0000000000a2', 'https://a.example/2',
     ARRAY['finding.overdue', 'certificate.issued'], '\x00');

SELECT isnt(cc_webhook_emit('finding.overdue', 'finding:1', '{"n": 1}'), NULL, 'subscribed: an event');
SELECT is((SELECT count(*) FROM webhook_deliveries)::int, 2, 'one delivery per subscribed webhook');
SELECT is(cc_webhook_emit('finding.overdue', 'finding:1', '{"n": 2}'), NULL, 'the same subject: nothing new');
SELECT is((SELECT count(*) FROM webhook_events WHERE subject = 'finding:1')::int, 1, 'once per subject');
SELECT isnt(cc_webhook_emit('certificate.issued', 'certificate:x:1', '{}'), NULL, 'another type');
SELECT is((SELECT count(*) FROM webhook_deliveries)::int, 3, '... only to its subscriber');

SELECT is(ARRAY(SELECT cc_webhook_due_tenants()), ARRAY['00000000-0000-4000-8000-00000000a026'::uuid],
          'the tenant with due deliveries');
UPDATE webhook_deliveries SET lease_until = now() + interval '1 minute';
SELECT is(ARRAY(SELECT cc_webhook_due_tenants()), ARRAY[]::uuid[], 'leased deliveries are not due');

INSERT INTO webhook_attempts (delivery_id, n, status_code, error, duration_ms)
SELECT id, 1, 500, 'the receiver answered HTTP 500', 12 FROM webhook_deliveries;
SELECT throws_ok($$DELETE FROM webhook_deliveries$$, '42501', NULL, 'cc_app may not delete deliveries');

-- another tenant sees nothing of A's
SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-00000000b026', true);
SELECT is((SELECT count(*) FROM webhooks)::int + (SELECT count(*) FROM webhook_events)::int
          + (SELECT count(*) FROM webhook_deliveries)::int + (SELECT count(*) FROM webhook_attempts)::int, 0,
          'tenant B sees none of A''s webhooks, events, deliveries or attempts');
SELECT is((SELECT count(*) FROM webhooks WHERE id = '00000000-0000-4000-8000-0000000000a1')::int, 0,
          '... nor one by its id');
DELETE FROM webhooks WHERE id = '00000000-0000-4000-8000-0000000000a1';

SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-00000000a026', true);
SELECT is((SELECT count(*) FROM webhooks)::int, 2, 'B''s delete removed nothing of A''s');
DELETE FROM webhooks WHERE id = '00000000-0000-4000-8000-0000000000a2';
SELECT is((SELECT count(*) FROM webhook_deliveries)::int, 1, 'a deleted webhook takes its deliveries');
SELECT is((SELECT count(*) FROM webhook_attempts)::int, 1, '... and their attempts');

RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
