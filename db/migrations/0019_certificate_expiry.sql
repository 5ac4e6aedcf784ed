-- 0019_certificate_expiry: the certificates service's expiry job (issue 9; DOMAIN.md "Certificates":
-- `active` -> `expired` at expiry, automatically; and ISO/IEC 27001:2013, whose every certificate
-- expired after 2025-10-31, shared/rules/cycle_rules.h PROGRAMME_ISO27001_2013_*).
--
-- cc_certificates_expire(p_today) expires, in every tenant, each current (not superseded) revision that is
-- active or suspended and either past its expiry date (expiry_date < p_today: a certificate is valid
-- through its expiry date) or of ISO/IEC 27001:2013 once p_today is after 2025-10-31. Each one: status
-- expired with expired_on (the first day it was no longer valid), recorded by cc_certificate_record
-- ('expired', no actor: the job) and in the event log (certificate.expired, no actor) in the caller's
-- transaction. Returns how many it expired.
--
-- Safe with several service instances running it at once: the rows are taken FOR UPDATE SKIP LOCKED (a
-- row another instance, or a request, holds is left to it: a request moving it is guarded by its
-- status, and a later run sees what is left), and the UPDATE repeats the status and date test. Row-level
-- security binds the owner too, so this SECURITY DEFINER function names each tenant in turn in
-- app.tenant_id (as cc_public_certificates in 0017) and restores the caller's value.

CREATE FUNCTION cc_certificates_expire(p_today date) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    saved text := current_setting('app.tenant_id', true);
    closed_2013 constant date := date '2025-10-31'; -- the last day a 27001:2013 certificate was valid
    t uuid;
    c record;
    n integer := 0;
    reason text;
BEGIN
    IF p_today IS NULL THEN
        RAISE EXCEPTION 'p_today must be a date' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR t IN SELECT id FROM public.tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        FOR c IN
            SELECT x.id, x.status, x.number, x.expiry_date, x.standard
              FROM public.certificates x
             WHERE x.tenant_id = t AND x.status IN ('active', 'suspended')
               AND (x.expiry_date < p_today OR (x.standard = 'ISO27001:2013' AND p_today > closed_2013))
             ORDER BY x.id
               FOR UPDATE SKIP LOCKED
        LOOP
            reason := CASE WHEN c.standard = 'ISO27001:2013' AND p_today > closed_2013
                           THEN 'ISO/IEC 27001:2013 certificates expired after 2025-10-31'
                           ELSE 'expiry date passed' END;
            UPDATE public.certificates
               SET status = 'expired', suspended_since = NULL, suspended_until = NULL, suspension_trigger = NULL,
                   suspension_reason = NULL,
                   expired_on = CASE WHEN c.standard = 'ISO27001:2013' AND p_today > closed_2013
                                     THEN least(c.expiry_date, closed_2013) + 1 ELSE c.expiry_date + 1 END,
                   version = version + 1, updated_at = now()
             WHERE tenant_id = t AND id = c.id AND status = c.status;
            IF FOUND THEN
                PERFORM public.cc_certificate_record(c.id, 'expired', c.status, reason, NULL, NULL, NULL);
                PERFORM public.cc_event_append(NULL, NULL, 'certificate.expired', 'certificate', c.id, NULL, NULL,
                                               jsonb_build_object('number', c.number, 'from_status', c.status,
                                                                  'to_status', 'expired', 'reason', reason));
                n := n + 1;
            END IF;
        END LOOP;
    END LOOP;
    PERFORM set_config('app.tenant_id', coalesce(saved, ''), true);
    RETURN n;
END
$$;
COMMENT ON FUNCTION cc_certificates_expire(date) IS
    'the expiry job: expires every tenant''s active or suspended certificates past expiry (and 27001:2013 after 2025-10-31)';

REVOKE ALL ON FUNCTION cc_certificates_expire(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_certificates_expire(date) TO cc_app;
