-- 0012_revocation_settings: changes every service must learn within a second (issue 7).
--
-- Access tokens are verified once and then cached per thread, trusting their claims. A change to a user
-- that must end or narrow their access (disabled, deleted, role, client, password) is pushed to every
-- service process with NOTIFY on channel cc_users, and each process keeps the current state in memory
-- (shared/cc_revocations.h): loaded at start through cc_user_token_states() and after every reconnect of
-- its listener, updated from each notification's payload. Tenant settings changes go the same way on
-- channel cc_settings. NOTIFY is transactional: a rolled-back change announces nothing.

--------------------------------------------------------------------------------
-- Users: tokens_not_before
--------------------------------------------------------------------------------

-- Access tokens issued (iat, whole seconds) before this instant are refused. Set when the user is disabled,
-- their password or client organisation changes. A role change among staff roles does not set it: the
-- token then acts with the current role (a demoted admin gets 403, not 401).
ALTER TABLE users ADD COLUMN tokens_not_before timestamptz;
COMMENT ON COLUMN users.tokens_not_before IS 'access tokens issued before this are refused (NULL: none)';

CREATE FUNCTION cc_users_tokens_not_before() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    IF (NEW.disabled AND NOT OLD.disabled)
       OR NEW.password_hash IS DISTINCT FROM OLD.password_hash
       OR NEW.client_id IS DISTINCT FROM OLD.client_id THEN
        NEW.tokens_not_before := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER users_tokens_not_before BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION cc_users_tokens_not_before();

-- The payload carries the user's new state, so a listener needs no query per change. Notifications of
-- different transactions arrive in commit order, so the last one a listener sees is the current state.
-- tokens_not_before is in whole epoch seconds, rounded down, like a token's iat.
CREATE FUNCTION cc_users_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('cc_users', json_build_object('tenant_id', OLD.tenant_id, 'user_id', OLD.id,
                                                        'deleted', true)::text);
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.role, NEW.client_id, NEW.disabled, NEW.tokens_not_before)
                            IS NOT DISTINCT FROM (OLD.role, OLD.client_id, OLD.disabled, OLD.tokens_not_before) THEN
        RETURN NEW;
    END IF;
    PERFORM pg_notify('cc_users', json_build_object(
        'tenant_id', NEW.tenant_id, 'user_id', NEW.id, 'role', NEW.role, 'client_id', NEW.client_id,
        'disabled', NEW.disabled,
        'tokens_not_before', floor(extract(epoch FROM NEW.tokens_not_before))::bigint)::text);
    RETURN NEW;
END
$$;
CREATE TRIGGER users_notify AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION cc_users_notify();

-- Every service loads every user's token state at start, before any tenant is set; RLS (forced, so it
-- binds the owner too) hides every row then. This SECURITY DEFINER function reads one tenant at a time
-- under that tenant's own policy and returns only what the check needs. It leaves app.tenant_id as it
-- found it.
CREATE FUNCTION cc_user_token_states()
RETURNS TABLE (user_id uuid, tenant_id uuid, tokens_not_before bigint, role text, client_id uuid,
               disabled boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    saved text := current_setting('app.tenant_id', true);
    t uuid;
BEGIN
    FOR t IN SELECT id FROM public.tenants ORDER BY id LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        RETURN QUERY
            SELECT u.id, u.tenant_id, floor(extract(epoch FROM u.tokens_not_before))::bigint, u.role,
                   u.client_id, u.disabled
            FROM public.users u WHERE u.tenant_id = t;
    END LOOP;
    PERFORM set_config('app.tenant_id', coalesce(saved, ''), true);
END
$$;
COMMENT ON FUNCTION cc_user_token_states() IS
    'every user''s token state (id, tenant, tokens_not_before in epoch seconds, role, client, disabled)';

--------------------------------------------------------------------------------
-- Tenant settings: a version for If-Match, written by the service, announced on change
--------------------------------------------------------------------------------

ALTER TABLE tenants ADD COLUMN settings_version integer NOT NULL DEFAULT 1;
ALTER TABLE tenants ADD CONSTRAINT tenants_settings_version_check CHECK (settings_version >= 1);
COMMENT ON COLUMN tenants.settings_version IS 'bumped on each change of settings (ETag / If-Match)';

-- The admin changes their own tenant's settings (the isolation policy keeps them to it); nothing else of
-- the tenants row.
GRANT UPDATE (settings, settings_version) ON tenants TO cc_app;

CREATE FUNCTION cc_tenants_settings_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM pg_notify('cc_settings', json_build_object('tenant_id', NEW.id)::text);
    RETURN NEW;
END
$$;
CREATE TRIGGER tenants_settings_notify AFTER UPDATE OF settings ON tenants
    FOR EACH ROW WHEN (OLD.settings IS DISTINCT FROM NEW.settings)
    EXECUTE FUNCTION cc_tenants_settings_notify();

REVOKE ALL ON FUNCTION cc_users_tokens_not_before(), cc_users_notify(), cc_user_token_states(),
    cc_tenants_settings_notify() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_user_token_states() TO cc_app;
