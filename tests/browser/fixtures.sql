-- tests/browser/fixtures.sql: one certificate of tenant northcert in each state the verify page shows,
-- made with owner SQL the way the certificates service writes them (a row per revision, then
-- cc_certificate_record: history + outbox; a revision through cc_certificate_revise), each for a client
-- of its own. Run by tests/browser/verify.mjs:
--   psql -X -q -At -v ON_ERROR_STOP=1 -v tag=<hex> -f tests/browser/fixtures.sql "$DATABASE_URL"
-- Prints one JSON object: {"valid": "<number>", "suspended": ..., "superseded_current": ...}.
-- Numbers are BRW-<tag>-<KIND> (unique per run), so the script can run again on the same database.

SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, false) \gset
UPDATE tenants SET accreditation_body = coalesce(accreditation_body, 'UKAS') WHERE id = cc_current_tenant();

-- Issues an active certificate (revision 0) to a new client named p_holder and moves it to p_kind:
-- valid | suspended | withdrawn | expired | superseded (then a scope reduction made revision 1) |
-- confidential (a confidential client) | script (valid, the holder's name is markup). Returns its number.
CREATE FUNCTION pg_temp.browser_certificate(p_tag text, p_kind text, p_holder text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
    std text := 'ISO27001:2022';
    num text := 'BRW-' || p_tag || '-' || upper(p_kind);
    first date := CASE WHEN p_kind = 'expired' THEN today - 1200 ELSE today - 400 END;
    expiry date := CASE WHEN p_kind = 'expired' THEN today - 105 ELSE today + 690 END;
    scope text := 'Design, development and hosting of logistics software';
    sites jsonb := jsonb_build_array(
        jsonb_build_object('site_id', gen_random_uuid(), 'name', 'Head office', 'street', '1 Quay Street',
                           'city', 'Leeds', 'country', 'GB', 'central', true, 'scope', scope),
        jsonb_build_object('site_id', gen_random_uuid(), 'name', 'Data centre', 'street', '9 Dock Road',
                           'city', 'Hull', 'country', 'GB', 'central', false, 'scope', 'Hosting operations'));
    cl uuid;
    pr uuid;
    cn uuid;
    ce uuid;
BEGIN
    INSERT INTO clients (legal_name, street, city, post_code, country, confidential)
    VALUES (p_holder, '1 Quay Street', 'Leeds', 'LS1 4AP', 'GB', p_kind = 'confidential') RETURNING id INTO cl;
    INSERT INTO programmes (client_id, standards, scope, expiry_date, audit_time)
    VALUES (cl, ARRAY[std], scope, expiry, '{}') RETURNING id INTO pr;
    INSERT INTO certifications (client_id, standard, sequence, base_number, original_issue_date)
    VALUES (cl, std, cc_certificate_next_sequence(), num, first) RETURNING id INTO cn;
    INSERT INTO certificates (certification_id, revision, number, client_id, programme_id, standard, scope, sites,
                              soa_version, original_issue_date, issue_date, effective_date, expiry_date, status)
    VALUES (cn, 0, num, cl, pr, std, scope, sites, 'SoA v3', first, first, first, expiry, 'active')
    RETURNING id INTO ce;
    PERFORM cc_certificate_record(ce, 'issued', NULL, NULL, NULL, NULL, NULL);
    IF p_kind = 'suspended' THEN
        UPDATE certificates SET status = 'suspended', suspended_since = today - 2, suspended_until = today + 180,
                                suspension_trigger = 'client_request', suspension_reason = 'Relocation',
                                version = version + 1, updated_at = now()
         WHERE id = ce;
        PERFORM cc_certificate_record(ce, 'suspended', 'active', 'Relocation', 'client_request', NULL, NULL);
    ELSIF p_kind = 'withdrawn' THEN
        UPDATE certificates SET status = 'withdrawn', withdrawn_on = today - 1, version = version + 1,
                                updated_at = now()
         WHERE id = ce;
        PERFORM cc_certificate_record(ce, 'withdrawn', 'active', 'Ceased trading', NULL, NULL, NULL);
    ELSIF p_kind = 'expired' THEN
        UPDATE certificates SET status = 'expired', expired_on = expiry + 1, version = version + 1,
                                updated_at = now()
         WHERE id = ce;
        PERFORM cc_certificate_record(ce, 'expired', 'active', NULL, NULL, NULL, NULL);
    ELSIF p_kind = 'superseded' THEN
        PERFORM cc_certificate_revise(ce, 'scope_reduced', NULL, NULL, 'Hosting of logistics software',
                                      sites - 0, NULL, today, expiry, 'Design moved out of scope', NULL, NULL);
    END IF;
    RETURN num;
END
$$;

SELECT json_build_object(
           'valid', pg_temp.browser_certificate(:'tag', 'valid', 'Aurora Logistics Ltd'),
           'suspended', pg_temp.browser_certificate(:'tag', 'suspended', 'Borealis Freight plc'),
           'withdrawn', pg_temp.browser_certificate(:'tag', 'withdrawn', 'Cirrus Storage Ltd'),
           'expired', pg_temp.browser_certificate(:'tag', 'expired', 'Drift Haulage Ltd'),
           'superseded', pg_temp.browser_certificate(:'tag', 'superseded', 'Eddy Couriers Ltd'),
           'superseded_current', 'BRW-' || :'tag' || '-SUPERSEDED-R1',
           'confidential', pg_temp.browser_certificate(:'tag', 'confidential', 'Fog Secret Works Ltd'),
           'script', pg_temp.browser_certificate(:'tag', 'script', '<script>alert(1)</script>'),
           'not_found', 'BRW-' || :'tag' || '-NEVER-ISSUED');
