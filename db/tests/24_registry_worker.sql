-- The registry workers' state (0022, 0024; ARCHITECTURE.md "Registry sync"): registry_certifications.solo
-- exists, required, false by default; a claim records claimed = wanted, and a change made while the claim
-- is in flight (cc_registry_touch) leaves the certification pending once the outcome sets done =
-- greatest(done, claimed), so the newer state is sent next (coalescing without loss).
BEGIN;
SELECT plan(7);

SELECT has_column('registry_certifications', 'solo', 'registry_certifications.solo exists');
SELECT col_not_null('registry_certifications', 'solo', 'solo is required');
SELECT col_default_is('registry_certifications', 'solo', 'false', 'a certification is sent in bulk by default');

SELECT set_config('app.tenant_id', 'a2400000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('a2400000-0000-4000-8000-00000000000a', 'registry-worker-a', 'RW A');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('a2410000-0000-4000-8000-00000000000a', 'Holder Ltd', '1 Street', 'Leeds', 'GB', 10);
INSERT INTO certifications (id, client_id, standard, sequence, base_number, original_issue_date)
VALUES ('a2440000-0000-4000-8000-00000000000a', 'a2410000-0000-4000-8000-00000000000a', 'ISO27001:2022', 1,
        'RW-ISMS-000001', '2026-01-10');

SET LOCAL ROLE cc_app;
SELECT cc_registry_touch('a2440000-0000-4000-8000-00000000000a', 'a2410000-0000-4000-8000-00000000000a');
-- The claim, as registry_claim.c makes it.
UPDATE registry_certifications SET claimed = wanted, lease_until = now() + interval '5 seconds'
 WHERE tenant_id = 'a2400000-0000-4000-8000-00000000000a' AND wanted > done;
SELECT is((SELECT claimed FROM registry_certifications), 1::bigint, 'the claim covers wanted = 1');
-- A change while the call is in flight.
SELECT cc_registry_touch('a2440000-0000-4000-8000-00000000000a', 'a2410000-0000-4000-8000-00000000000a');
-- The outcome, as registry_claim.c records a sent one.
UPDATE registry_certifications SET done = greatest(done, claimed), claimed = NULL, lease_until = NULL,
       outcome = 'sent', in_registry = true, solo = false
 WHERE tenant_id = 'a2400000-0000-4000-8000-00000000000a' AND claimed = 1;
SELECT is((SELECT wanted > done FROM registry_certifications), true,
          'the change made in flight keeps the certification pending');
SELECT is((SELECT done FROM registry_certifications), 1::bigint, 'done is what the claim covered');
SELECT throws_ok($$UPDATE registry_certifications SET claimed = 2$$, '23514', NULL,
                 'a claim always has a lease (claimed and lease_until together)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
