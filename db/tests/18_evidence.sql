-- Evidence storage (0014, 0015): the chunks' foreign key to their file is checked at COMMIT (an upload
-- inserts its chunks before its file row), so a chunk without a file can never be committed; both tables
-- keep each tenant's rows to itself under the service's role; cc_evidence_json renders a file.
BEGIN;
SELECT plan(9);

SELECT ok((SELECT condeferrable AND condeferred FROM pg_constraint WHERE conname = 'evidence_chunks_file_fkey'),
          'evidence_chunks_file_fkey is DEFERRABLE INITIALLY DEFERRED');
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = 'evidence_files'),
          'evidence_files: row-level security enabled and forced');
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = 'evidence_chunks'),
          'evidence_chunks: row-level security enabled and forced');

SELECT set_config('app.tenant_id', 'e1800000-0000-4000-8000-00000000000a', true);
INSERT INTO tenants (id, slug, name) VALUES ('e1800000-0000-4000-8000-00000000000a', 'ev-test-a', 'EV A');
SELECT set_config('app.tenant_id', 'e1800000-0000-4000-8000-00000000000b', true);
INSERT INTO tenants (id, slug, name) VALUES ('e1800000-0000-4000-8000-00000000000b', 'ev-test-b', 'EV B');

SET LOCAL ROLE cc_app;
SELECT set_config('app.tenant_id', 'e1800000-0000-4000-8000-00000000000a', true);
SELECT lives_ok($$ INSERT INTO evidence_chunks (file_id, seq, data)
                   VALUES ('e1810000-0000-4000-8000-000000000001', 0, '\x25504446') $$,
                'a chunk goes in before its file row (the check waits for COMMIT)');
SELECT throws_ok($$ SET CONSTRAINTS evidence_chunks_file_fkey IMMEDIATE $$, '23503', NULL,
                 'without its file the chunk fails the foreign key once it is checked');
SELECT lives_ok($$ INSERT INTO evidence_chunks (file_id, seq, data)
                   VALUES ('e1810000-0000-4000-8000-000000000002', 0, '\x25504446') $$, 'tenant A''s chunk');
SELECT is((SELECT count(*)::int FROM evidence_chunks), 2, 'tenant A sees its own chunks (uncommitted)');
SELECT set_config('app.tenant_id', 'e1800000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*)::int FROM evidence_chunks), 0, 'tenant B does not see tenant A''s chunks');
RESET ROLE;

SELECT is(cc_evidence_json(ROW('e1800000-0000-4000-8000-00000000000a', 'e1810000-0000-4000-8000-000000000002',
                               'e1820000-0000-4000-8000-000000000001', NULL, 'r.pdf', 'application/pdf', 4,
                               sha256('x'), 262144, 'e1830000-0000-4000-8000-000000000001',
                               '2026-12-07T09:30:00Z')::evidence_files),
          jsonb_build_object('id', 'e1810000-0000-4000-8000-000000000002',
                             'finding_id', 'e1820000-0000-4000-8000-000000000001', 'response_id', NULL,
                             'name', 'r.pdf', 'content_type', 'application/pdf', 'size', 4,
                             'sha256', encode(sha256('x'), 'hex'),
                             'uploaded_by', 'e1830000-0000-4000-8000-000000000001',
                             'uploaded_at', '2026-12-07T09:30:00.000Z'),
          'cc_evidence_json: the API''s shape, the digest in hex, the time in UTC with milliseconds');

SELECT * FROM finish();
ROLLBACK;
