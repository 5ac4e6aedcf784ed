-- Sites and the extended clients (0005): row-level security, the one-central rule, privileges.
BEGIN;
SELECT plan(12);

SELECT has_table('sites');
SELECT columns_are('sites', ARRAY['tenant_id', 'id', 'client_id', 'name', 'street', 'city', 'state', 'post_code',
    'country', 'personnel', 'central', 'activities', 'version', 'created_at', 'updated_at']);
SELECT col_is_pk('sites', ARRAY['tenant_id', 'id']);
SELECT fk_ok('sites', ARRAY['tenant_id', 'client_id'], 'clients', ARRAY['tenant_id', 'id']);
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'sites'::regclass),
          'sites has row-level security enabled and forced');
SELECT table_privs_are('public', 'sites', 'cc_app', ARRAY['SELECT', 'INSERT', 'UPDATE']);

-- fixtures: two tenants, one client each (as the owner, tenant by tenant: RLS is forced)
SELECT set_config('app.tenant_id', 'a0000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('a0000000-0000-4000-8000-00000000000a', 'site-test-a', 'Site Test A');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('c0000000-0000-4000-8000-00000000000a', 'Client A', '1 Road', 'Town', 'GB', 10);
INSERT INTO sites (client_id, name, street, city, country, personnel, central)
VALUES ('c0000000-0000-4000-8000-00000000000a', 'A central', '1 Road', 'Town', 'GB', 5, true);
SELECT set_config('app.tenant_id', 'b0000000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('b0000000-0000-4000-8000-00000000000b', 'site-test-b', 'Site Test B');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('c0000000-0000-4000-8000-00000000000b', 'Client B', '2 Road', 'City', 'DE', 20);
INSERT INTO sites (client_id, name, street, city, country, personnel, central)
VALUES ('c0000000-0000-4000-8000-00000000000b', 'B central', '2 Road', 'City', 'DE', 20, true);

SELECT throws_ok($$INSERT INTO sites (client_id, name, street, city, country, personnel, central)
                   VALUES ('c0000000-0000-4000-8000-00000000000b', 'B second central', '3 Road', 'City', 'DE', 1, true)$$,
                 '23505', NULL, 'a client has at most one central function');
SELECT throws_ok($$INSERT INTO sites (client_id, name, street, city, country, personnel)
                   VALUES ('c0000000-0000-4000-8000-00000000000b', 'lowercase', '3 Road', 'City', 'de', 1)$$,
                 '23514', NULL, 'the country is an ISO 3166-1 alpha-2 code');

SET LOCAL ROLE cc_app;
SELECT set_config('app.tenant_id', 'a0000000-0000-4000-8000-00000000000a', true);
SELECT results_eq($$SELECT name FROM sites ORDER BY name$$, ARRAY['A central'], 'cc_app sees only its tenant''s sites');
SELECT throws_ok($$INSERT INTO sites (tenant_id, client_id, name, street, city, country, personnel)
                   VALUES ('b0000000-0000-4000-8000-00000000000b', 'c0000000-0000-4000-8000-00000000000b', 'x',
                           '1', 'y', 'DE', 1)$$,
                 '42501', NULL, 'cc_app cannot add a site to another tenant');
SELECT set_config('app.tenant_id', '', true);
SELECT is((SELECT count(*) FROM sites), 0::bigint, 'with no tenant set cc_app sees no site');
SELECT throws_ok($$DELETE FROM sites$$, '42501', NULL, 'cc_app cannot delete sites (history is kept)');

SELECT * FROM finish();
ROLLBACK;
