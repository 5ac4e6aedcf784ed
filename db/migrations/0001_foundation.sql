-- 0001_foundation.sql: tenancy, identity and the tamper-evident event log.
--
-- Runs as the owner role (cc_owner: NOSUPERUSER, owns the database and every
-- object here) inside one transaction opened by `certcycle migrate`; hence no
-- BEGIN/COMMIT, no CREATE DATABASE and no extension that needs a superuser.
--
-- Tenancy model (DESIGN.md "Tenancy and data"):
--   * every tenant-owned table has tenant_id uuid NOT NULL as the first column
--     of its primary key and of every foreign key that stays inside the tenant;
--   * row-level security is ENABLEd and FORCEd on each of them, so even the
--     owner sees and writes only the rows of the tenant named by the
--     transaction-local setting app.tenant_id (services run
--     `SELECT set_config('app.tenant_id', $1, true)` first in each transaction);
--   * services connect as cc_app: no superuser, no BYPASSRLS, owns nothing and
--     gets only the grants at the end of this file.
--
-- Global (not tenant-owned) tables: signing_keys, login_throttle.
-- The migration runner owns schema_migrations; cc_app gets nothing on it.

--------------------------------------------------------------------------------
-- Roles and default privileges
--------------------------------------------------------------------------------

-- cc_app is normally created by the deploy scripts (as superuser). Create it
-- only if missing (needs CREATEROLE), and refuse to go on if it exists with
-- powers that would make row-level security meaningless.
DO $$
DECLARE
    r pg_roles%ROWTYPE;
BEGIN
    SELECT * INTO r FROM pg_catalog.pg_roles WHERE rolname = 'cc_app';
    IF NOT FOUND THEN
        BEGIN
            CREATE ROLE cc_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'role cc_app does not exist and % cannot create it', current_user
                USING HINT = 'As a superuser: CREATE ROLE cc_app LOGIN NOSUPERUSER NOBYPASSRLS;';
        END;
    ELSIF r.rolsuper OR r.rolbypassrls THEN
        RAISE EXCEPTION 'role cc_app must be NOSUPERUSER NOBYPASSRLS (row-level security would not apply)';
    END IF;
END
$$;

-- Nothing implicit for PUBLIC (and so for cc_app): functions created by this
-- role from now on are not executable by PUBLIC, the database accepts
-- connections only from the roles named here, no temporary tables (cc_app has
-- no use for them), and the public schema is usable only by cc_app.
-- Later migrations must GRANT EXECUTE to cc_app on functions it needs.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO cc_app', current_database());
END
$$;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO cc_app;

--------------------------------------------------------------------------------
-- The current tenant
--------------------------------------------------------------------------------

-- The tenant of the current transaction, or NULL when none is set (never set,
-- or set to ''). Every policy calls it, so it stays a plain STABLE SQL
-- function without SET/SECURITY DEFINER: the planner inlines it and compares
-- tenant_id against a per-query constant (index scans on the PK work).
-- A malformed value raises 22P02 invalid_text_representation.
CREATE FUNCTION cc_current_tenant() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(pg_catalog.current_setting('app.tenant_id', true), '')::uuid $$;

COMMENT ON FUNCTION cc_current_tenant() IS 'tenant of the current transaction (app.tenant_id), NULL when unset';

--------------------------------------------------------------------------------
-- Tables
--------------------------------------------------------------------------------

-- tenants: one row per certification body. Its own row is its tenant row, so
-- the policy is on id. A tenant is created by the owner (CLI) after setting
-- app.tenant_id to the new id, e.g.
--   SELECT set_config('app.tenant_id', gen_random_uuid()::text, true);
--   INSERT INTO tenants (id, slug, name) VALUES (cc_current_tenant(), $1, $2);
CREATE TABLE tenants (
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    slug       text        NOT NULL,
    name       text        NOT NULL,
    settings   jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_pkey PRIMARY KEY (id),
    CONSTRAINT tenants_slug_key UNIQUE (slug),
    CONSTRAINT tenants_slug_check CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    CONSTRAINT tenants_name_check CHECK (btrim(name) <> '' AND length(name) <= 200),
    CONSTRAINT tenants_settings_check CHECK (jsonb_typeof(settings) = 'object')
);
COMMENT ON TABLE tenants IS 'certification bodies; each is one tenant (RLS on id)';

-- clients: the certified organisations of a tenant. Placeholder for issue 3,
-- which extends it; here so users.client_id has something to reference.
CREATE TABLE clients (
    tenant_id  uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    legal_name text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT clients_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT clients_legal_name_check CHECK (btrim(legal_name) <> '' AND length(legal_name) <= 300)
);
COMMENT ON TABLE clients IS 'client organisations of a tenant (placeholder, extended by issue 3)';

-- users: people who log in, staff of the CB or of a client organisation
-- (role client, and then only then client_id is set). Email is unique per
-- tenant ignoring case (users_tenant_email_key); look up with lower(email) =
-- lower($1) so that index is used. password_hash is an encoded argon2id hash.
-- failed_login_count/first_failed_login_at/locked_until are login bookkeeping;
-- version is bumped by the application on each change (ETag / If-Match).
CREATE TABLE users (
    tenant_id             uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id                    uuid        NOT NULL DEFAULT gen_random_uuid(),
    email                 text        NOT NULL,
    name                  text        NOT NULL,
    role                  text        NOT NULL,
    client_id             uuid,
    password_hash         text        NOT NULL,
    disabled              boolean     NOT NULL DEFAULT false,
    failed_login_count    integer     NOT NULL DEFAULT 0,
    first_failed_login_at timestamptz,
    locked_until          timestamptz,
    version               integer     NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT users_client_fkey FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT users_email_check
        CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CONSTRAINT users_name_check CHECK (btrim(name) <> '' AND length(name) <= 200),
    CONSTRAINT users_role_check
        CHECK (role IN ('admin', 'scheme_manager', 'auditor', 'decision_maker', 'client')),
    CONSTRAINT users_client_role_check CHECK ((role = 'client') = (client_id IS NOT NULL)),
    CONSTRAINT users_password_hash_check CHECK (password_hash LIKE '$argon2id$%'),
    CONSTRAINT users_failed_login_count_check CHECK (failed_login_count >= 0),
    CONSTRAINT users_version_check CHECK (version >= 1)
);
CREATE UNIQUE INDEX users_tenant_email_key ON users (tenant_id, lower(email));
CREATE INDEX users_tenant_client_idx ON users (tenant_id, client_id) WHERE client_id IS NOT NULL;
COMMENT ON TABLE users IS 'login accounts of a tenant; role client <=> client_id set';

-- updated_at follows every change a person would call an edit. Pure login
-- bookkeeping (failed_login_count, first_failed_login_at, locked_until) does
-- not count, so a wrong password does not look like an edit of the user.
CREATE FUNCTION cc_users_touch() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    IF (NEW.tenant_id, NEW.id, NEW.email, NEW.name, NEW.role, NEW.client_id, NEW.password_hash,
        NEW.disabled, NEW.version)
       IS DISTINCT FROM
       (OLD.tenant_id, OLD.id, OLD.email, OLD.name, OLD.role, OLD.client_id, OLD.password_hash,
        OLD.disabled, OLD.version) THEN
        NEW.updated_at := now();
    ELSE
        NEW.updated_at := OLD.updated_at;
    END IF;
    NEW.created_at := OLD.created_at;
    RETURN NEW;
END
$$;

CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION cc_users_touch();

-- refresh_tokens: one row per issued refresh token, stored as SHA-256 of the
-- token (never the token). Rotation marks used_at and issues a successor in
-- the same family_id; presenting a used token revokes the whole family.
CREATE TABLE refresh_tokens (
    tenant_id  uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id    uuid        NOT NULL,
    family_id  uuid        NOT NULL,
    token_hash bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT refresh_tokens_user_fkey FOREIGN KEY (tenant_id, user_id)
        REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT refresh_tokens_tenant_token_hash_key UNIQUE (tenant_id, token_hash),
    CONSTRAINT refresh_tokens_token_hash_check CHECK (octet_length(token_hash) = 32),
    CONSTRAINT refresh_tokens_expires_check CHECK (expires_at > created_at)
);
CREATE INDEX refresh_tokens_tenant_family_idx ON refresh_tokens (tenant_id, family_id);
CREATE INDEX refresh_tokens_tenant_user_idx ON refresh_tokens (tenant_id, user_id);
COMMENT ON TABLE refresh_tokens IS 'hashed refresh tokens; rotated on use, reuse revokes the family';

-- signing_keys: the ES256 token signing keys, global (tokens of every tenant
-- are signed by the same key set). private_enc is the PKCS#8 PEM sealed with
-- AES-256-GCM under CC_MASTER_KEY: nonce(12) || ciphertext || tag(16).
-- 'active' signs, 'previous' only verifies. At most one key is active once a
-- transaction commits (the check is deferred, so a rotation may insert the new
-- key before demoting the old one).
CREATE TABLE signing_keys (
    kid         text        NOT NULL,
    alg         text        NOT NULL DEFAULT 'ES256',
    public_pem  text        NOT NULL,
    private_enc bytea       NOT NULL,
    state       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (kid),
    -- printable ASCII without space, quote or backslash; fits cc_claims_t.kid[64]
    CONSTRAINT signing_keys_kid_check CHECK (kid ~ '^[\x21-\x7e]{1,63}$' AND kid !~ '["\\]'),
    CONSTRAINT signing_keys_alg_check CHECK (alg = 'ES256'),
    CONSTRAINT signing_keys_public_pem_check CHECK (public_pem LIKE '-----BEGIN PUBLIC KEY-----%'),
    CONSTRAINT signing_keys_private_enc_check CHECK (octet_length(private_enc) > 12 + 16),
    CONSTRAINT signing_keys_state_check CHECK (state IN ('active', 'previous')),
    CONSTRAINT signing_keys_retired_check CHECK (retired_at IS NULL OR state = 'previous'),
    CONSTRAINT signing_keys_one_active EXCLUDE USING btree (state WITH =) WHERE (state = 'active')
        DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE signing_keys IS 'global ES256 signing keys; private key sealed with CC_MASTER_KEY';

-- login_throttle: failed logins per client address in a fixed window, across
-- tenants (an attacker spraying tenants is still one address). Global.
CREATE TABLE login_throttle (
    address      text        NOT NULL,
    window_start timestamptz NOT NULL DEFAULT now(),
    failures     integer     NOT NULL DEFAULT 0,
    CONSTRAINT login_throttle_pkey PRIMARY KEY (address),
    CONSTRAINT login_throttle_address_check CHECK (length(address) BETWEEN 1 AND 100),
    CONSTRAINT login_throttle_failures_check CHECK (failures >= 0)
);
COMMENT ON TABLE login_throttle IS 'global per-address failed-login counter';

-- event_log: who did what, when, from where; append-only and hash-chained per
-- tenant so that editing, deleting or reordering a row is detectable by
-- cc_event_verify(). Write it only through cc_event_append().
CREATE TABLE event_log (
    tenant_id   uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    seq         bigint      NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id    uuid,
    actor_role  text,
    action      text        NOT NULL,
    entity_type text,
    entity_id   uuid,
    source_ip   text,
    request_id  text,
    detail      jsonb       NOT NULL DEFAULT '{}',
    prev_hash   bytea       NOT NULL,
    hash        bytea       NOT NULL,
    CONSTRAINT event_log_pkey PRIMARY KEY (tenant_id, seq),
    CONSTRAINT event_log_seq_check CHECK (seq >= 1),
    CONSTRAINT event_log_action_check CHECK (btrim(action) <> ''),
    CONSTRAINT event_log_prev_hash_check CHECK (octet_length(prev_hash) = 32),
    CONSTRAINT event_log_hash_check CHECK (octet_length(hash) = 32)
);
COMMENT ON TABLE event_log IS 'append-only audit trail, SHA-256 chained per tenant';

-- Append-only for everyone, the owner included (cc_app also lacks the
-- privileges). Disabling the trigger needs the owner and shows in the logs.
CREATE FUNCTION cc_event_log_refuse() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    RAISE EXCEPTION 'event_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON event_log
    FOR EACH ROW EXECUTE FUNCTION cc_event_log_refuse();
CREATE TRIGGER event_log_no_truncate BEFORE TRUNCATE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION cc_event_log_refuse();

--------------------------------------------------------------------------------
-- Event log chain
--------------------------------------------------------------------------------

-- The hash of one event: sha256(prev_hash || convert_to(canonical, 'UTF8'))
-- where canonical is the text of the JSON array
--   [tenant_id, seq, occurred_at, actor_id, actor_role, action, entity_type,
--    entity_id, source_ip, request_id, detail]
-- (uuids as lowercase text, occurred_at as YYYY-MM-DDTHH:MI:SS.ffffffZ in UTC,
-- NULLs as null, detail as its jsonb text). A JSON array keeps field
-- boundaries and NULL vs '' unambiguous; jsonb text output is deterministic.
CREATE FUNCTION cc_event_digest(prev_hash bytea, tenant_id uuid, seq bigint, occurred_at timestamptz,
                                actor_id uuid, actor_role text, action text, entity_type text,
                                entity_id uuid, source_ip text, request_id text, detail jsonb)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
AS $$
    SELECT sha256($1 || convert_to(jsonb_build_array(
        $2::text, $3,
        to_char($4 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        $5::text, $6, $7, $8, $9::text, $10, $11, $12)::text, 'UTF8'))
$$;
COMMENT ON FUNCTION cc_event_digest(bytea, uuid, bigint, timestamptz, uuid, text, text, text, uuid, text, text, jsonb)
    IS 'SHA-256 of prev_hash || canonical event text; see the migration for the canonical form';

-- Appends one event for the current tenant and returns its seq. A per-tenant
-- transaction-scoped advisory lock (key pair 1667458422 = 'ccev',
-- hashtext(tenant_id)) serialises appenders of the same tenant until commit,
-- so seq is gap-free and each row chains to the one before it. Call it in
-- READ COMMITTED (the default): under REPEATABLE READ/SERIALIZABLE a
-- concurrent append can make it fail with 23505/40001 (retry the transaction).
CREATE FUNCTION cc_event_append(actor_id uuid, actor_role text, action text, entity_type text,
                                entity_id uuid, source_ip text, request_id text, detail jsonb)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_tenant uuid := cc_current_tenant();
    v_seq    bigint;
    v_prev   bytea;
    v_at     timestamptz;
    v_detail jsonb := coalesce(cc_event_append.detail, '{}'::jsonb);
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'cannot append to the event log: no tenant set'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'SELECT set_config(''app.tenant_id'', <tenant uuid>, true) first';
    END IF;

    PERFORM pg_advisory_xact_lock(1667458422, hashtext(v_tenant::text));

    SELECT e.seq, e.hash INTO v_seq, v_prev
      FROM event_log e
     WHERE e.tenant_id = v_tenant
     ORDER BY e.seq DESC
     LIMIT 1;
    IF NOT FOUND THEN
        v_seq := 0;
        v_prev := decode(repeat('00', 32), 'hex');
    END IF;
    v_seq := v_seq + 1;
    v_at := clock_timestamp();

    INSERT INTO event_log (tenant_id, seq, occurred_at, actor_id, actor_role, action, entity_type,
                           entity_id, source_ip, request_id, detail, prev_hash, hash)
    VALUES (v_tenant, v_seq, v_at, cc_event_append.actor_id, cc_event_append.actor_role,
            cc_event_append.action, cc_event_append.entity_type, cc_event_append.entity_id,
            cc_event_append.source_ip, cc_event_append.request_id, v_detail, v_prev,
            cc_event_digest(v_prev, v_tenant, v_seq, v_at, cc_event_append.actor_id,
                            cc_event_append.actor_role, cc_event_append.action,
                            cc_event_append.entity_type, cc_event_append.entity_id,
                            cc_event_append.source_ip, cc_event_append.request_id, v_detail));
    RETURN v_seq;
END
$$;
COMMENT ON FUNCTION cc_event_append(uuid, text, text, text, uuid, text, text, jsonb)
    IS 'append one event for the current tenant; returns its seq';

-- Walks the current tenant's chain in seq order. Returns one row: checked =
-- rows examined (all of them when intact, up to and including the first bad
-- one otherwise), first_bad_seq = the first row whose seq is out of sequence,
-- whose prev_hash is not the previous row's hash (32 zero bytes for seq 1) or
-- whose hash is not the recomputed digest; problem = a short text. Both are
-- NULL when the chain is intact. Removing the newest rows is not detectable
-- from the chain itself (compare the count with an external record).
CREATE FUNCTION cc_event_verify()
RETURNS TABLE (checked bigint, first_bad_seq bigint, problem text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_tenant uuid := cc_current_tenant();
    v_prev   bytea := decode(repeat('00', 32), 'hex');
    v_expect bigint := 1;
    v_n      bigint := 0;
    r        record;
BEGIN
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'cannot verify the event log: no tenant set'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'SELECT set_config(''app.tenant_id'', <tenant uuid>, true) first';
    END IF;

    FOR r IN
        SELECT e.* FROM event_log e WHERE e.tenant_id = v_tenant ORDER BY e.seq
    LOOP
        v_n := v_n + 1;
        IF r.seq <> v_expect THEN
            problem := format('seq %s where %s was expected (events missing)', r.seq, v_expect);
        ELSIF r.prev_hash IS DISTINCT FROM v_prev THEN
            problem := 'prev_hash does not match the previous event''s hash';
        ELSIF r.hash IS DISTINCT FROM cc_event_digest(r.prev_hash, r.tenant_id, r.seq, r.occurred_at,
                                                      r.actor_id, r.actor_role, r.action, r.entity_type,
                                                      r.entity_id, r.source_ip, r.request_id, r.detail) THEN
            problem := 'hash does not match the recomputed digest (event altered)';
        END IF;
        IF problem IS NOT NULL THEN
            checked := v_n;
            first_bad_seq := r.seq;
            RETURN NEXT;
            RETURN;
        END IF;
        v_prev := r.hash;
        v_expect := r.seq + 1;
    END LOOP;

    checked := v_n;
    first_bad_seq := NULL;
    problem := NULL;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION cc_event_verify() IS 'verify the current tenant''s event chain';

--------------------------------------------------------------------------------
-- Tenant lookup before a tenant is set
--------------------------------------------------------------------------------

-- Login names the tenant by slug before any tenant is set, and RLS hides every
-- tenants row then. This SECURITY DEFINER function (runs as the owner) maps a
-- slug to its id and nothing else; slugs are lowercase, so the argument is
-- lowercased. NULL when there is no such tenant. The owner can read it because
-- of the tenants_owner_lookup policy below (FORCE would hide the rows from the
-- owner too).
CREATE FUNCTION cc_tenant_id(slug text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$ SELECT t.id FROM public.tenants t WHERE t.slug = lower($1) $$;
COMMENT ON FUNCTION cc_tenant_id(text) IS 'tenant id of a slug, usable before a tenant is set';

--------------------------------------------------------------------------------
-- Row-level security
--------------------------------------------------------------------------------

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_isolation ON tenants
    USING (id = cc_current_tenant()) WITH CHECK (id = cc_current_tenant());
-- The owner (this role: migrations, CLI, cc_tenant_id) may read the tenant
-- directory; it still writes only the tenant that is set. cc_app is not a
-- member of the owner role, so this does not apply to it.
CREATE POLICY tenants_owner_lookup ON tenants FOR SELECT TO CURRENT_USER USING (true);

ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE clients FORCE ROW LEVEL SECURITY;
CREATE POLICY clients_isolation ON clients
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_isolation ON users
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY refresh_tokens_isolation ON refresh_tokens
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

ALTER TABLE event_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_log FORCE ROW LEVEL SECURITY;
CREATE POLICY event_log_isolation ON event_log
    USING (tenant_id = cc_current_tenant()) WITH CHECK (tenant_id = cc_current_tenant());

--------------------------------------------------------------------------------
-- Privileges of cc_app (least privilege; nothing else is granted)
--------------------------------------------------------------------------------

REVOKE ALL ON tenants, clients, users, refresh_tokens, signing_keys, login_throttle, event_log FROM PUBLIC;

GRANT SELECT ON tenants TO cc_app;                                    -- created by the CLI
GRANT SELECT, INSERT, UPDATE ON clients TO cc_app;                    -- no DELETE (history)
GRANT SELECT, INSERT, UPDATE ON users TO cc_app;                      -- disable, never delete
GRANT SELECT, INSERT, UPDATE, DELETE ON refresh_tokens TO cc_app;     -- DELETE purges expired
GRANT SELECT ON signing_keys TO cc_app;                               -- written by the CLI
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO cc_app;
GRANT SELECT, INSERT ON event_log TO cc_app;                          -- append-only

REVOKE ALL ON FUNCTION cc_current_tenant(), cc_users_touch(), cc_event_log_refuse(),
    cc_event_digest(bytea, uuid, bigint, timestamptz, uuid, text, text, text, uuid, text, text, jsonb),
    cc_event_append(uuid, text, text, text, uuid, text, text, jsonb), cc_event_verify(), cc_tenant_id(text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_current_tenant(),
    cc_event_digest(bytea, uuid, bigint, timestamptz, uuid, text, text, text, uuid, text, text, jsonb),
    cc_event_append(uuid, text, text, text, uuid, text, text, jsonb), cc_event_verify(), cc_tenant_id(text)
    TO cc_app;

-- The runner normally creates schema_migrations before applying this file;
-- make sure nobody but the owner can read it.
DO $$
BEGIN
    IF to_regclass('public.schema_migrations') IS NOT NULL THEN
        REVOKE ALL ON public.schema_migrations FROM PUBLIC, cc_app;
    END IF;
END
$$;
