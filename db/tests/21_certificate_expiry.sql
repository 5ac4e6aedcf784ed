-- The expiry job (0019 cc_certificates_expire): in every tenant, active and suspended current revisions past
-- their expiry date, and every ISO/IEC 27001:2013 certificate after 2025-10-31, become expired, each with its
-- history row, outbox row and event; what is already expired, withdrawn, superseded or still valid stays;
-- a second run finds nothing; cc_app may call it and nothing else may; its search_path is fixed; the
-- caller's app.tenant_id is kept; the certificate tables stay row-level secured (cc_app in one tenant sees
-- none of another's rows).
BEGIN;
SELECT plan(26);

SELECT has_function('cc_certificates_expire', ARRAY['date']);
SELECT ok((SELECT prosecdef FROM pg_proc WHERE oid = 'cc_certificates_expire(date)'::regprocedure),
          'cc_certificates_expire is SECURITY DEFINER');
SELECT ok((SELECT 'search_path=pg_catalog, public' = ANY (proconfig) FROM pg_proc
            WHERE oid = 'cc_certificates_expire(date)'::regprocedure), 'its search_path is fixed');
SELECT function_privs_are('public', 'cc_certificates_expire', ARRAY['date'], 'cc_app', ARRAY['EXECUTE']);
SELECT function_privs_are('public', 'cc_certificates_expire', ARRAY['date'], 'public', ARRAY[]::text[]);
SELECT ok((SELECT bool_and(relrowsecurity AND relforcerowsecurity) FROM pg_class
            WHERE oid IN ('certificates'::regclass, 'certifications'::regclass, 'certificate_history'::regclass,
                          'certificate_outbox'::regclass, 'certificate_counters'::regclass)),
          'row-level security is enabled and forced on every certificate table');

-- Two tenants, each with a client, a programme and certifications; A has one of each case.
CREATE TEMP TABLE cert_case (tenant uuid, id uuid, label text) ON COMMIT DROP;
GRANT SELECT ON cert_case TO cc_app;

CREATE FUNCTION pg_temp.make_tenant(p_tenant uuid, p_slug text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    INSERT INTO tenants (id, slug, name) VALUES (p_tenant, p_slug, p_slug);
    INSERT INTO clients (id, legal_name, street, city, country, personnel)
    VALUES (p_tenant, 'Client ' || p_slug, '1 Road', 'Town', 'GB', 10);
    INSERT INTO programmes (id, client_id, standards, scope, expiry_date, audit_time)
    VALUES (p_tenant, p_tenant, ARRAY['ISO/IEC 27001:2022'], 'ISMS', '2029-03-01', '{}');
END
$$;

-- One certification of p_standard with its revision 0 in p_status, expiring p_expiry.
CREATE FUNCTION pg_temp.make_cert(p_tenant uuid, p_label text, p_standard text, p_status text, p_expiry date)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    cid uuid := gen_random_uuid();
    seq integer;
    id uuid := gen_random_uuid();
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    seq := cc_certificate_next_sequence();
    INSERT INTO certifications (id, client_id, standard, sequence, base_number, original_issue_date)
    VALUES (cid, p_tenant, p_standard, seq, 'EXP-' || seq || '-' || p_label, p_expiry - 1095);
    INSERT INTO certificates (id, certification_id, revision, number, client_id, programme_id, standard, scope,
                              original_issue_date, issue_date, effective_date, expiry_date, status,
                              suspended_since, suspended_until, suspension_trigger, withdrawn_on, expired_on)
    VALUES (id, cid, 0, 'EXP-' || seq || '-' || p_label, p_tenant, p_tenant, p_standard, 'ISMS',
            p_expiry - 1095, p_expiry - 1095, p_expiry - 1095, p_expiry, p_status,
            CASE WHEN p_status = 'suspended' THEN p_expiry - 100 END,
            CASE WHEN p_status = 'suspended' THEN p_expiry + 80 END,
            CASE WHEN p_status = 'suspended' THEN 'client_request' END,
            CASE WHEN p_status = 'withdrawn' THEN p_expiry - 10 END,
            CASE WHEN p_status = 'expired' THEN p_expiry + 1 END);
    PERFORM cc_certificate_record(id, 'issued', NULL, NULL, NULL, NULL, NULL);
    INSERT INTO cert_case VALUES (p_tenant, id, p_label);
    RETURN id;
END
$$;

SELECT pg_temp.make_tenant('a2100000-0000-4000-8000-00000000000a', 'exp-test-a');
SELECT pg_temp.make_tenant('a2100000-0000-4000-8000-00000000000b', 'exp-test-b');
SELECT pg_temp.make_cert('a2100000-0000-4000-8000-00000000000a', 'past', 'ISO27001:2022', 'active', '2026-06-30');
SELECT pg_temp.make_cert('a2100000-0000-4000-8000-00000000000a', 'suspended', 'ISO27001:2022', 'suspended', '2026-06-30');
SELECT pg_temp.make_cert('a2100000-0000-4000-8000-00000000000a', 'lastday', 'ISO27001:2022', 'active', '2026-07-01');
SELECT pg_temp.make_cert('a2100000-0000-4000-8000-00000000000a', 'valid', 'ISO27001:2022', 'active', '2028-01-01');
SELECT pg_temp.make_cert('a2100000-0000-4000-8000-00000000000a', 'old', 'ISO27001:2022', 'expired', '2026-01-01');
SELECT pg_temp.make_cert('a2100000-0000-4000-8000-00000000000a', 'withdrawn', 'ISO27001:2022', 'withdrawn', '2026-01-01');
SELECT pg_temp.make_cert('a2100000-0000-4000-8000-00000000000a', 'iso2013', 'ISO27001:2013', 'active', '2027-05-01');
SELECT pg_temp.make_cert('a2100000-0000-4000-8000-00000000000b', 'pastb', 'ISO9001:2015', 'active', '2026-06-01');

-- As the service: cc_app, in tenant B, on 2026-07-01.
SET LOCAL ROLE cc_app;
SELECT set_config('app.tenant_id', 'a2100000-0000-4000-8000-00000000000b', true);
SELECT is((SELECT count(*)::int FROM certificates WHERE tenant_id = 'a2100000-0000-4000-8000-00000000000a'), 0,
          'cc_app in tenant B sees none of A''s certificates');
SELECT is((SELECT count(*)::int FROM certificate_outbox WHERE tenant_id = 'a2100000-0000-4000-8000-00000000000a'),
          0, '... nor its outbox');
SELECT is(cc_certificates_expire('2026-07-01'), 4,
          'one run expires A''s past, suspended and 27001:2013 certificates and B''s past one');
SELECT is(current_setting('app.tenant_id'), 'a2100000-0000-4000-8000-00000000000b',
          'the caller''s tenant is restored');
SELECT is(cc_certificates_expire('2026-07-01'), 0, 'a second run finds nothing');
RESET ROLE;

CREATE FUNCTION pg_temp.status_of(p_label text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    s text;
BEGIN
    PERFORM set_config('app.tenant_id', (SELECT k.tenant::text FROM cert_case k WHERE k.label = p_label), true);
    SELECT c.status INTO s FROM cert_case k JOIN certificates c ON c.id = k.id WHERE k.label = p_label;
    RETURN s;
END
$$;
SELECT is(pg_temp.status_of('past'), 'expired', 'an active certificate past its expiry date expires');
SELECT is(pg_temp.status_of('suspended'), 'expired', 'so does a suspended one');
SELECT is(pg_temp.status_of('lastday'), 'active', 'a certificate is valid through its expiry date');
SELECT is(pg_temp.status_of('valid'), 'active', 'a valid one stays active');
SELECT is(pg_temp.status_of('withdrawn'), 'withdrawn', 'a withdrawn one stays withdrawn');
SELECT is(pg_temp.status_of('iso2013'), 'expired', 'a 27001:2013 certificate expires after 2025-10-31');
SELECT is(pg_temp.status_of('pastb'), 'expired', 'another tenant''s expires in the same run');

SELECT set_config('app.tenant_id', 'a2100000-0000-4000-8000-00000000000a', true);
SELECT results_eq(
    $$SELECT c.expired_on, c.suspended_since, c.version FROM certificates c JOIN cert_case k ON k.id = c.id
       WHERE k.label IN ('past', 'suspended', 'iso2013') ORDER BY k.label$$,
    $$VALUES ('2025-11-01'::date, NULL::date, 2), ('2026-07-01'::date, NULL::date, 2), ('2026-07-01'::date, NULL, 2)$$,
    'expired_on is the first day not valid; the suspension is cleared; the version moves on');
SELECT is((SELECT c.version FROM certificates c JOIN cert_case k ON k.id = c.id WHERE k.label = 'old'), 1,
          'an already expired certificate is untouched');
SELECT results_eq(
    $$SELECT h.action, h.from_status, h.to_status, h.actor IS NULL, h.actor_role IS NULL
        FROM certificate_history h JOIN cert_case k ON k.id = h.certificate_id
       WHERE k.label = 'suspended' ORDER BY h.occurred_at$$,
    $$VALUES ('issued', NULL, 'suspended', true, true), ('expired', 'suspended', 'expired', true, true)$$,
    'the history records the expiry with no actor');
SELECT results_eq(
    $$SELECT o.seq, o.event_type, o.state->>'status' FROM certificate_outbox o JOIN cert_case k ON k.id = o.certificate_id
       WHERE k.label = 'past' ORDER BY o.seq$$,
    $$VALUES (1::bigint, 'certificate.issued', 'active'), (2::bigint, 'certificate.expired', 'expired')$$,
    'the outbox carries the expiry as the next numbered row with the public state');
SELECT is((SELECT count(*)::int FROM certificate_outbox o JOIN cert_case k ON k.id = o.certificate_id
            WHERE k.label = 'old'), 1, 'nothing is recorded for an already expired certificate');
SELECT is((SELECT count(*)::int FROM event_log e JOIN cert_case k ON k.id = e.entity_id
            WHERE e.action = 'certificate.expired' AND e.entity_type = 'certificate' AND e.actor_id IS NULL),
          3, 'tenant A''s event log has one certificate.expired per expiry');
SELECT is((SELECT (cc_event_verify()).first_bad_seq), NULL::bigint, 'and its chain is intact');
SELECT throws_ok($$SELECT cc_certificates_expire(NULL)$$, '22023', NULL, 'a NULL day is refused');

SELECT * FROM finish();
ROLLBACK;
