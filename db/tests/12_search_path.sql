-- Every trigger function and every SECURITY DEFINER function of the schema sets its own search_path
-- (0011), read from the catalog so that a later function cannot miss it: a caller's search_path (a
-- schema or temporary table of the same name first, or none at all) must not change what it reads
-- or writes. No SECURITY DEFINER function may be run by PUBLIC. Then the triggers and cc_tenant_id
-- are run with an empty search_path.
BEGIN;
SELECT plan(6);

CREATE TEMPORARY VIEW checked_functions AS
SELECT p.oid, p.oid::regprocedure::text AS name, p.prosecdef, p.proacl,
       (SELECT substr(c, length('search_path=') + 1) FROM unnest(p.proconfig) c
         WHERE c LIKE 'search_path=%') AS search_path
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public'
   AND (p.prorettype = 'trigger'::regtype OR p.prosecdef)
   AND NOT EXISTS (SELECT 1 FROM pg_depend d                 -- not an extension's own (btree_gist, pgtap)
                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');

SELECT ok((SELECT count(*) FROM checked_functions) >= 9,
          'the catalog query finds the schema''s trigger and SECURITY DEFINER functions');
SELECT is(ARRAY(SELECT name FROM checked_functions WHERE search_path IS NULL ORDER BY name), '{}'::text[],
          'every trigger and SECURITY DEFINER function sets search_path');
SELECT is(ARRAY(SELECT name FROM checked_functions
                 WHERE prosecdef
                   AND (proacl IS NULL                               -- NULL: the default, PUBLIC may run it
                        OR EXISTS (SELECT 1 FROM aclexplode(proacl) a
                                    WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
                 ORDER BY name),
          '{}'::text[], 'no SECURITY DEFINER function may be run by PUBLIC');

-- The triggers and cc_tenant_id work whatever the caller's search_path.
SELECT set_config('app.tenant_id', 'af000000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('af000000-0000-4000-8000-00000000000a', 'path-test-a', 'Path Test A');
INSERT INTO clients (id, legal_name, street, city, country, personnel)
VALUES ('af300000-0000-4000-8000-00000000000a', 'Old Name Ltd', '1 Road', 'Town', 'GB', 10);
INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
VALUES ('af400000-0000-4000-8000-00000000000a', 'af300000-0000-4000-8000-00000000000a',
        ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2030-01-01', '{}');

SET LOCAL ROLE cc_app;
SET LOCAL search_path = '';
INSERT INTO public.audits (id, programme_id, client_id, type, position, window_start, window_end, provisional,
                           planned_days)
VALUES ('af500000-0000-4000-8000-000000000001', 'af400000-0000-4000-8000-00000000000a',
        'af300000-0000-4000-8000-00000000000a', 'stage1', 1, '2027-01-01', '2027-03-31', true, 2);
UPDATE public.clients SET legal_name = 'New Name Ltd' WHERE id = 'af300000-0000-4000-8000-00000000000a';
SELECT pg_catalog.set_config('test.tenant_id', public.cc_tenant_id('path-test-a')::text, true);
RESET search_path; -- pgTAP's own functions need it

SELECT is((SELECT client_name FROM audits WHERE id = 'af500000-0000-4000-8000-000000000001'),
          'New Name Ltd', 'the audit triggers run with an empty search_path');
SELECT is((SELECT calculated_days FROM audits WHERE id = 'af500000-0000-4000-8000-000000000001'),
          2.0, 'the calculated-days default runs with an empty search_path');
SELECT is(current_setting('test.tenant_id'), 'af000000-0000-4000-8000-00000000000a',
          'cc_tenant_id runs with an empty search_path');

SELECT * FROM finish();
ROLLBACK;
