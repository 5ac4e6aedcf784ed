-- 0013_housekeeping: purging what has expired, so tables do not grow for ever.
--
-- cc_housekeeping_purge(batch) deletes, at most `batch` rows per statement:
--   * login_throttle rows whose 15-minute window is over (global table);
--   * idempotency keys older than 24 hours (they may be claimed again anyway,
--     see 0004), per tenant;
--   * refresh tokens past their expiry, and revoked ones a day after their
--     revocation (a late replay meanwhile still reads as a revoked family), per
--     tenant;
--   * login_failures rows (0011) whose 15-minute window is over and whose lock,
--     if any, has ended, per tenant: such a row counts nothing any more (the
--     next failure starts a fresh window), so deleting it changes no answer.
-- The identity service calls it every CC_HOUSEKEEPING_INTERVAL seconds, again
-- at once while a statement filled its batch. Row-level security is forced
-- even for the owner, so the function (SECURITY DEFINER: runs as cc_owner,
-- which sees every tenants row through tenants_owner_lookup) names each tenant
-- in turn in app.tenant_id and restores the caller's value at the end.

CREATE FUNCTION cc_housekeeping_purge(batch integer DEFAULT 1000)
RETURNS TABLE (idempotency_keys bigint, login_throttle bigint, refresh_tokens bigint, login_failures bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_saved  text := current_setting('app.tenant_id', true);
    v_tenant uuid;
    v_n      bigint;
BEGIN
    IF batch IS NULL OR batch < 1 OR batch > 100000 THEN
        RAISE EXCEPTION 'batch must be between 1 and 100000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    idempotency_keys := 0;
    refresh_tokens := 0;
    login_failures := 0;

    -- Each DELETE repeats its age test on the outer row: a row renewed by a concurrent transaction
    -- after the inner SELECT saw it is re-checked when the DELETE reaches it, and kept.
    DELETE FROM public.login_throttle t
    WHERE t.window_start <= now() - interval '15 minutes'
      AND t.address IN (SELECT o.address FROM public.login_throttle o
                        WHERE o.window_start <= now() - interval '15 minutes' LIMIT batch);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    login_throttle := v_n;

    FOR v_tenant IN SELECT id FROM public.tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', v_tenant::text, true);
        DELETE FROM public.idempotency_keys k
        WHERE k.tenant_id = v_tenant AND k.created_at < now() - interval '24 hours'
          AND (k.actor_id, k.key) IN (SELECT o.actor_id, o.key FROM public.idempotency_keys o
                                      WHERE o.tenant_id = v_tenant
                                        AND o.created_at < now() - interval '24 hours' LIMIT batch);
        GET DIAGNOSTICS v_n = ROW_COUNT;
        idempotency_keys := idempotency_keys + v_n;
        DELETE FROM public.refresh_tokens r
        WHERE r.tenant_id = v_tenant AND (r.expires_at < now() OR r.revoked_at < now() - interval '1 day')
          AND r.id IN (SELECT o.id FROM public.refresh_tokens o
                       WHERE o.tenant_id = v_tenant
                         AND (o.expires_at < now() OR o.revoked_at < now() - interval '1 day') LIMIT batch);
        GET DIAGNOSTICS v_n = ROW_COUNT;
        refresh_tokens := refresh_tokens + v_n;
        DELETE FROM public.login_failures f
        WHERE f.tenant_id = v_tenant AND f.window_start <= now() - interval '15 minutes'
          AND (f.locked_until IS NULL OR f.locked_until <= now())
          AND f.email IN (SELECT o.email FROM public.login_failures o
                          WHERE o.tenant_id = v_tenant
                            AND o.window_start <= now() - interval '15 minutes'
                            AND (o.locked_until IS NULL OR o.locked_until <= now()) LIMIT batch);
        GET DIAGNOSTICS v_n = ROW_COUNT;
        login_failures := login_failures + v_n;
    END LOOP;

    PERFORM set_config('app.tenant_id', coalesce(v_saved, ''), true);
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION cc_housekeeping_purge(integer)
    IS 'purges expired login throttles, idempotency keys, refresh tokens and login failures, at most batch rows per statement';

GRANT EXECUTE ON FUNCTION cc_housekeeping_purge(integer) TO cc_app;
