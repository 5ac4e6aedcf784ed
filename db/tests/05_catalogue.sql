-- The standards catalogue of 0002_catalogue / 0003_catalogue_data: shape, contents
-- (ISO/IEC 27001:2022 clauses and its 93 Annex A controls, the 2013 edition and its
-- transition dates, ISO 9001, 14001 and 45001 clause trees), the integrity of the
-- requirement tree, and that cc_app may read but never write it. The tables are
-- global (no tenant_id, no RLS), like signing_keys. Run as the owner (cc_owner).
BEGIN;
SELECT plan(81);

-- Shape -----------------------------------------------------------------------

SELECT has_table('standards');
SELECT has_table('requirements');
SELECT columns_are('standards', ARRAY['code', 'reference', 'edition', 'title', 'family', 'status',
    'superseded_by', 'closed_to_new_audits_after', 'certificates_valid_until']);
SELECT columns_are('requirements', ARRAY['id', 'standard_code', 'number', 'parent_id', 'kind', 'title', 'theme',
    'position']);
SELECT col_is_pk('standards', 'code');
SELECT col_is_pk('requirements', 'id');
SELECT col_is_unique('standards', 'reference');
SELECT col_is_unique('requirements', ARRAY['standard_code', 'number']);
SELECT col_is_unique('requirements', ARRAY['standard_code', 'position']);
SELECT fk_ok('requirements', 'standard_code', 'standards', 'code');
SELECT fk_ok('requirements', ARRAY['standard_code', 'parent_id'], 'requirements', ARRAY['standard_code', 'id']);
SELECT fk_ok('standards', 'superseded_by', 'standards', 'code');
SELECT has_index('requirements', 'requirements_parent_idx', ARRAY['standard_code', 'parent_id']);
SELECT col_type_is('standards', 'closed_to_new_audits_after', 'date');
SELECT has_check('requirements');

-- Global tables: no tenant, no RLS, read-only for cc_app ----------------------

SELECT hasnt_column('standards', 'tenant_id', 'standards is global (no tenant_id)');
SELECT hasnt_column('requirements', 'tenant_id', 'requirements is global (no tenant_id)');
SELECT ok(NOT c.relrowsecurity, 'no RLS on ' || c.relname || ' (global catalogue)')
  FROM pg_class c
 WHERE c.oid IN ('public.requirements'::regclass, 'public.standards'::regclass)
 ORDER BY c.relname;
SELECT table_privs_are('public', 'standards', 'cc_app', ARRAY['SELECT']);
SELECT table_privs_are('public', 'requirements', 'cc_app', ARRAY['SELECT']);
SELECT is((SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid IN ('public.standards'::regclass, 'public.requirements'::regclass) AND a.grantee = 0),
          0::bigint, 'PUBLIC has no privilege on the catalogue');
SELECT ok(NOT pg_has_role('cc_app', (SELECT relowner FROM pg_class WHERE oid = 'public.requirements'::regclass),
                          'MEMBER'),
          'cc_app does not own the catalogue (nor is a member of its owner)');

-- Standards -----------------------------------------------------------------

SELECT set_eq($$SELECT code, reference, edition, family, status FROM standards$$,
              $$VALUES ('ISO27001:2022', 'ISO/IEC 27001:2022', 2022::smallint, 'isms', 'current'),
                       ('ISO27001:2013', 'ISO/IEC 27001:2013', 2013::smallint, 'isms', 'withdrawn'),
                       ('ISO9001:2015', 'ISO 9001:2015', 2015::smallint, 'qms', 'current'),
                       ('ISO14001:2015', 'ISO 14001:2015', 2015::smallint, 'ems', 'current'),
                       ('ISO45001:2018', 'ISO 45001:2018', 2018::smallint, 'ohs', 'current')$$,
              'the five standards with their references, editions, families and status');
SELECT is((SELECT closed_to_new_audits_after FROM standards WHERE code = 'ISO27001:2013'), DATE '2024-04-30',
          'ISO/IEC 27001:2013 is closed to new audits after 2024-04-30');
SELECT is((SELECT certificates_valid_until FROM standards WHERE code = 'ISO27001:2013'), DATE '2025-10-31',
          'every ISO/IEC 27001:2013 certificate ended by 2025-10-31');
SELECT is((SELECT superseded_by FROM standards WHERE code = 'ISO27001:2013'), 'ISO27001:2022',
          'ISO/IEC 27001:2013 is superseded by the 2022 edition');
SELECT is_empty($$SELECT code FROM standards WHERE status = 'current'
                   AND (closed_to_new_audits_after IS NOT NULL OR superseded_by IS NOT NULL)$$,
                'current standards are open to audits and not superseded');
SELECT is((SELECT title FROM standards WHERE code = 'ISO27001:2022'),
          'Information security, cybersecurity and privacy protection — Information security management systems — Requirements',
          'ISO/IEC 27001:2022 title');

-- ISO/IEC 27001:2022 ------------------------------------------------------------

SELECT is((SELECT count(*) FROM requirements WHERE standard_code = 'ISO27001:2022' AND kind = 'control'),
          93::bigint, '27001:2022 has exactly 93 Annex A controls');
SELECT set_eq($$SELECT theme, count(*) FROM requirements
                 WHERE standard_code = 'ISO27001:2022' AND kind = 'control' GROUP BY theme$$,
              $$VALUES ('organizational', 37::bigint), ('people', 8), ('physical', 14), ('technological', 34)$$,
              '37 organizational, 8 people, 14 physical, 34 technological controls');
SELECT set_eq($$SELECT number FROM requirements WHERE standard_code = 'ISO27001:2022' AND kind = 'control'$$,
              $$SELECT 'A.' || g || '.' || n
                  FROM (VALUES (5, 37), (6, 8), (7, 14), (8, 34)) AS t (g, last), generate_series(1, last) AS n$$,
              'controls are numbered A.5.1-A.5.37, A.6.1-A.6.8, A.7.1-A.7.14, A.8.1-A.8.34');
SELECT is_empty($$SELECT number FROM requirements WHERE standard_code = 'ISO27001:2022' AND kind = 'control'
                   AND theme IS DISTINCT FROM (CASE split_part(number, '.', 2)
                       WHEN '5' THEN 'organizational' WHEN '6' THEN 'people'
                       WHEN '7' THEN 'physical' WHEN '8' THEN 'technological' END)$$,
                'each control''s theme follows its group (5 organizational ... 8 technological)');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO27001:2022/A.5.1'), 'Policies for information security',
          'A.5.1 Policies for information security');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO27001:2022/A.8.34'),
          'Protection of information systems during audit testing',
          'A.8.34 Protection of information systems during audit testing');
SELECT set_eq($$SELECT number, title FROM requirements
                 WHERE id IN ('ISO27001:2022/A.5.21', 'ISO27001:2022/A.5.22', 'ISO27001:2022/A.5.36',
                              'ISO27001:2022/A.6.3', 'ISO27001:2022/A.7.3', 'ISO27001:2022/A.8.31')$$,
              $$VALUES ('A.5.21', 'Managing information security in the ICT supply chain'),
                       ('A.5.22', 'Monitoring, review and change management of supplier services'),
                       ('A.5.36', 'Compliance with policies, rules and standards for information security'),
                       ('A.6.3', 'Information security awareness, education and training'),
                       ('A.7.3', 'Securing offices, rooms and facilities'),
                       ('A.8.31', 'Separation of development, test and production environments')$$,
              'the seed''s artefacts (periods for commas, a double space) are fixed');
SELECT is_empty($$SELECT id FROM requirements WHERE title ~ '[a-z]\. [a-z]' OR title ~ '\s\s'$$,
                'no title has a period for a comma or a double space');
SELECT is((SELECT count(*) FROM requirements WHERE standard_code = 'ISO27001:2022' AND kind = 'clause'),
          41::bigint, '27001:2022 has 41 clauses and subclauses');
SELECT set_eq($$SELECT number FROM requirements WHERE standard_code = 'ISO27001:2022' AND kind = 'clause'$$,
              ARRAY['4', '4.1', '4.2', '4.3', '4.4', '5', '5.1', '5.2', '5.3',
                    '6', '6.1', '6.1.1', '6.1.2', '6.1.3', '6.2', '6.3',
                    '7', '7.1', '7.2', '7.3', '7.4', '7.5', '7.5.1', '7.5.2', '7.5.3',
                    '8', '8.1', '8.2', '8.3', '9', '9.1', '9.2', '9.2.1', '9.2.2', '9.3', '9.3.1', '9.3.2', '9.3.3',
                    '10', '10.1', '10.2'],
              '27001:2022 clause tree as DOMAIN.md lists it');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO27001:2022/6.3'), 'Planning of changes',
          '6.3 Planning of changes exists in 27001:2022');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO27001:2022/10.1'), 'Continual improvement',
          '27001:2022 10.1 is Continual improvement');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO27001:2022/10.2'), 'Nonconformity and corrective action',
          '27001:2022 10.2 is Nonconformity and corrective action');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO27001:2022/9.3.3'), 'Management review results',
          '27001:2022 9.3.3 Management review results');
SELECT is((SELECT parent_id FROM requirements WHERE id = 'ISO27001:2022/6.1.2'), 'ISO27001:2022/6.1',
          '6.1.2 sits under 6.1');

-- ISO/IEC 27001:2013 ------------------------------------------------------------

SELECT is((SELECT count(*) FROM requirements WHERE standard_code = 'ISO27001:2013' AND kind = 'clause'),
          35::bigint, '27001:2013 has 35 clauses and subclauses');
SELECT is_empty($$SELECT id FROM requirements WHERE id = 'ISO27001:2013/6.3'$$, 'no 6.3 in 27001:2013');
SELECT is_empty($$SELECT id FROM requirements WHERE standard_code = 'ISO27001:2013'
                   AND (number LIKE '9.2.%' OR number LIKE '9.3.%')$$,
                '27001:2013 9.2 and 9.3 have no subclauses');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO27001:2013/10.1'), 'Nonconformity and corrective action',
          '27001:2013 10.1 is Nonconformity and corrective action');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO27001:2013/10.2'), 'Continual improvement',
          '27001:2013 10.2 is Continual improvement');

-- ISO 9001, 14001, 45001 --------------------------------------------------------

SELECT set_eq($$SELECT standard_code, count(*) FROM requirements
                 WHERE standard_code IN ('ISO9001:2015', 'ISO14001:2015', 'ISO45001:2018') GROUP BY 1$$,
              $$VALUES ('ISO9001:2015', 75::bigint), ('ISO14001:2015', 45), ('ISO45001:2018', 56)$$,
              'clause counts of ISO 9001:2015, ISO 14001:2015 and ISO 45001:2018');
SELECT is_empty($$SELECT id FROM requirements WHERE standard_code <> 'ISO27001:2022' AND kind = 'control'$$,
                'only 27001:2022 has Annex A controls in the catalogue');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO9001:2015/8.7'), 'Control of nonconforming outputs',
          '9001 8.7 Control of nonconforming outputs');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO14001:2015/6.1.2'), 'Environmental aspects',
          '14001 6.1.2 Environmental aspects');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO45001:2018/5.4'), 'Consultation and participation of workers',
          '45001 5.4 Consultation and participation of workers');
SELECT is((SELECT title FROM requirements WHERE id = 'ISO45001:2018/10.2'),
          'Incident, nonconformity and corrective action', '45001 10.2 Incident, nonconformity and corrective action');

-- Every standard has clauses 4-10 at the top -------------------------------------

SELECT is_empty($$SELECT s.code, g.n FROM standards s, generate_series(4, 10) g (n)
                   WHERE NOT EXISTS (SELECT 1 FROM requirements r
                                      WHERE r.standard_code = s.code AND r.number = g.n::text
                                        AND r.kind = 'clause' AND r.parent_id IS NULL)$$,
                'every standard has top-level clauses 4 to 10');
SELECT is_empty($$SELECT id FROM requirements WHERE kind = 'clause' AND parent_id IS NULL
                   AND number NOT IN ('4', '5', '6', '7', '8', '9', '10')$$,
                'no other top-level clause');

-- Tree integrity ------------------------------------------------------------------

SELECT is_empty($$SELECT c.id FROM requirements c
                   LEFT JOIN requirements p ON p.id = c.parent_id
                   WHERE c.parent_id IS NOT NULL AND (p.id IS NULL OR p.standard_code <> c.standard_code)$$,
                'every parent exists and belongs to the same standard');
SELECT is_empty($$SELECT c.id FROM requirements c JOIN requirements p ON p.id = c.parent_id
                   WHERE c.number NOT LIKE p.number || '.%' OR c.number ~ ('^' || p.number || '\.[0-9]+\.')
                      OR p.kind <> 'clause' OR p.position >= c.position$$,
                'each parent is the enclosing clause, one level up, earlier in the document');
SELECT is_empty($$SELECT c.id FROM requirements c
                   WHERE c.kind = 'clause' AND c.number ~ '\.' AND c.parent_id IS NULL$$,
                'every subclause has a parent');
SELECT is((SELECT count(DISTINCT id) FROM requirements), (SELECT count(*) FROM requirements), 'ids are unique');
SELECT is_empty($$SELECT id FROM requirements WHERE id <> standard_code || '/' || number$$,
                'every id is <standard code>/<number>');
SELECT is_empty($$SELECT standard_code FROM requirements GROUP BY standard_code
                   HAVING min(position) <> 1 OR max(position) <> count(*)$$,
                'positions are 1..n within each standard');
SELECT is_empty($$SELECT id FROM requirements WHERE (kind = 'control') <> (theme IS NOT NULL)
                   AND standard_code = 'ISO27001:2022'$$,
                '27001:2022: every control has a theme and no clause has one');

-- Constraints (as the owner; rolled back) ------------------------------------------

SELECT throws_ok($$INSERT INTO requirements (id, standard_code, number, parent_id, kind, title, position)
                   VALUES ('ISO9001:2015/4.9.1', 'ISO9001:2015', '4.9.1', 'ISO9001:2015/4.9', 'clause', 'X', 1000)$$,
                 '23503', NULL, 'a parent that does not exist is refused');
SELECT throws_ok($$INSERT INTO requirements (id, standard_code, number, parent_id, kind, title, position)
                   VALUES ('ISO9001:2015/4.9', 'ISO9001:2015', '4.9', 'ISO27001:2022/4', 'clause', 'X', 1000)$$,
                 '23514', 'new row for relation "requirements" violates check constraint "requirements_parent_check"',
                 'a parent of another standard is refused');
SELECT throws_ok($$INSERT INTO requirements (id, standard_code, number, parent_id, kind, title, position)
                   VALUES ('ISO9001:2015/4.9', 'ISO14001:2015', '4.9', 'ISO14001:2015/4', 'clause', 'X', 1000)$$,
                 '23514', 'new row for relation "requirements" violates check constraint "requirements_id_check"',
                 'an id that is not <standard code>/<number> is refused');
SELECT throws_ok($$INSERT INTO requirements (id, standard_code, number, kind, title, theme, position)
                   VALUES ('ISO9001:2015/11', 'ISO9001:2015', '11', 'clause', 'X', 'people', 1000)$$,
                 '23514', 'new row for relation "requirements" violates check constraint "requirements_theme_check"',
                 'a theme on a clause is refused');
SELECT throws_ok($$INSERT INTO requirements (id, standard_code, number, kind, title, theme, position)
                   VALUES ('ISO27001:2022/A.9.1', 'ISO27001:2022', 'A.9.1', 'control', 'X', 'cyber', 1000)$$,
                 '23514', 'new row for relation "requirements" violates check constraint "requirements_theme_check"',
                 'an unknown theme is refused');
SELECT throws_ok($$INSERT INTO requirements (id, standard_code, number, kind, title, position)
                   VALUES ('ISO27001:2022/A.9.1', 'ISO27001:2022', 'A.9.1', 'control', 'Monitoring.  review', 1000)$$,
                 '23514', 'new row for relation "requirements" violates check constraint "requirements_title_check"',
                 'a title with a double space is refused');
SELECT throws_ok($$INSERT INTO requirements (id, standard_code, number, kind, title, position)
                   VALUES ('ISO27001:2022/A.9.1', 'ISO27001:2022', 'A.9.1', 'control', 'X', 5)$$,
                 '23505', NULL, 'two requirements of a standard cannot share a position');
SELECT throws_ok($$INSERT INTO standards (code, reference, edition, title, family, status)
                   VALUES ('ISO50001:2018', 'ISO 50001:2018', 2018, 'Energy management systems', 'enms', 'current')$$,
                 '23514', 'new row for relation "standards" violates check constraint "standards_family_check"',
                 'an unknown family is refused');
SELECT throws_ok($$INSERT INTO standards (code, reference, edition, title, family, status, superseded_by)
                   VALUES ('ISO9001:2008', 'ISO 9001:2008', 2008, 'Quality management systems', 'qms', 'current',
                           'ISO9001:2015')$$,
                 '23514', 'new row for relation "standards" violates check constraint "standards_superseded_check"',
                 'a current standard cannot be superseded');

-- cc_app: reads, never writes ------------------------------------------------------

SET LOCAL ROLE cc_app;
SELECT is((SELECT count(*) FROM requirements r JOIN standards s ON s.code = r.standard_code
            WHERE s.reference = 'ISO/IEC 27001:2022'),
          134::bigint, 'cc_app reads the catalogue (27001:2022: 41 clauses + 93 controls)');
SELECT throws_ok($$INSERT INTO standards (code, reference, edition, title, family, status)
                   VALUES ('ISO22301:2019', 'ISO 22301:2019', 2019, 'Business continuity', 'isms', 'current')$$,
                 '42501', 'permission denied for table standards', 'cc_app cannot INSERT a standard');
SELECT throws_ok($$INSERT INTO requirements (id, standard_code, number, kind, title, position)
                   VALUES ('ISO27001:2022/11', 'ISO27001:2022', '11', 'clause', 'X', 1000)$$,
                 '42501', 'permission denied for table requirements', 'cc_app cannot INSERT a requirement');
SELECT throws_ok($$UPDATE requirements SET title = 'X' WHERE id = 'ISO27001:2022/A.5.1'$$,
                 '42501', 'permission denied for table requirements', 'cc_app cannot UPDATE a requirement');
SELECT throws_ok($$UPDATE standards SET closed_to_new_audits_after = NULL WHERE code = 'ISO27001:2013'$$,
                 '42501', 'permission denied for table standards', 'cc_app cannot UPDATE a standard');
SELECT throws_ok($$DELETE FROM requirements WHERE id = 'ISO27001:2022/A.5.1'$$,
                 '42501', 'permission denied for table requirements', 'cc_app cannot DELETE a requirement');
SELECT throws_ok($$DELETE FROM standards WHERE code = 'ISO27001:2013'$$,
                 '42501', 'permission denied for table standards', 'cc_app cannot DELETE a standard');
SELECT throws_ok($$TRUNCATE requirements$$, '42501', 'permission denied for table requirements',
                 'cc_app cannot TRUNCATE the catalogue');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
