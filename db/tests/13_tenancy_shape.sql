-- The tenancy shape of every table in public with a tenant_id column, read from the catalog so that
-- no later table can miss it: a primary key that starts with tenant_id, every foreign key to another
-- such table carrying tenant_id (to that table's tenant_id), row-level security enabled and forced,
-- and a policy. Two deliberately wrong probe tables, made and dropped inside this transaction, show
-- that the check sees each kind of problem.
BEGIN;
SELECT plan(8);

CREATE TEMPORARY VIEW tenant_tables AS
SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity, a.attnum AS tenant_attnum
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p');

CREATE TEMPORARY VIEW shape_problems AS
SELECT t.relname, 'no primary key' AS kind, NULL::name AS detail
  FROM tenant_tables t
 WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'p')
UNION ALL
SELECT t.relname, 'primary key does not start with tenant_id', k.conname
  FROM tenant_tables t JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'p'
 WHERE k.conkey[1] <> t.tenant_attnum
UNION ALL
SELECT t.relname, 'foreign key to a tenant table without tenant_id', k.conname
  FROM tenant_tables t
  JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f'
  JOIN tenant_tables r ON r.oid = k.confrelid
 WHERE NOT EXISTS (SELECT 1 FROM generate_subscripts(k.conkey, 1) i
                    WHERE k.conkey[i] = t.tenant_attnum AND k.confkey[i] = r.tenant_attnum)
UNION ALL
SELECT t.relname, 'row-level security not enabled', NULL FROM tenant_tables t WHERE NOT t.relrowsecurity
UNION ALL
SELECT t.relname, 'row-level security not forced', NULL FROM tenant_tables t WHERE NOT t.relforcerowsecurity
UNION ALL
SELECT t.relname, 'no policy', NULL
  FROM tenant_tables t WHERE NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = t.oid);

CREATE FUNCTION pg_temp.problems(want_kind text) RETURNS text[]
LANGUAGE sql AS $$
    SELECT ARRAY(SELECT relname || coalesce(' (' || detail || ')', '') FROM shape_problems
                  WHERE kind = want_kind ORDER BY 1)
$$;

SELECT ok((SELECT count(*) FROM tenant_tables) >= 15, 'the catalog query finds the tenant tables');
SELECT is(pg_temp.problems('no primary key'), '{}', 'every tenant table has a primary key');
SELECT is(pg_temp.problems('primary key does not start with tenant_id'), '{}',
          'every tenant table''s primary key starts with tenant_id');
SELECT is(pg_temp.problems('foreign key to a tenant table without tenant_id'), '{}',
          'every foreign key to a tenant table carries tenant_id');
SELECT is(pg_temp.problems('row-level security not enabled'), '{}', 'row-level security is enabled everywhere');
SELECT is(pg_temp.problems('row-level security not forced'), '{}', 'row-level security is forced everywhere');
SELECT is(pg_temp.problems('no policy'), '{}', 'every tenant table has a policy');

-- The check itself: wrong on purpose, each of them is seen.
CREATE TABLE zz_shape_probe_parent (tenant_id uuid NOT NULL, id uuid, PRIMARY KEY (id, tenant_id), UNIQUE (id));
CREATE TABLE zz_shape_probe_child (tenant_id uuid NOT NULL, parent_id uuid REFERENCES zz_shape_probe_parent (id));
SELECT is(ARRAY(SELECT DISTINCT kind FROM shape_problems WHERE relname LIKE 'zz_shape_probe_%' ORDER BY 1),
          ARRAY['foreign key to a tenant table without tenant_id', 'no policy', 'no primary key',
                'primary key does not start with tenant_id', 'row-level security not enabled',
                'row-level security not forced'],
          'the check sees every kind of problem');
DROP TABLE zz_shape_probe_child, zz_shape_probe_parent;

SELECT * FROM finish();
ROLLBACK;
