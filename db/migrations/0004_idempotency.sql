-- 0004_idempotency: Idempotency-Key for POST requests (DESIGN.md, API conventions).
--
-- A key is claimed by inserting its row inside the same transaction as the
-- effect it guards, and the response is stored in that transaction too: a
-- retry with the same key replays the stored response, a concurrent duplicate
-- waits on the primary key until the first commits and then replays, and a
-- request that fails leaves no claim behind. Keys are per tenant and per
-- caller; a key older than 24 hours may be claimed again.

CREATE TABLE idempotency_keys (
    tenant_id    uuid        NOT NULL DEFAULT cc_current_tenant() REFERENCES tenants (id),
    actor_id     uuid        NOT NULL,
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    method       text        NOT NULL,
    path         text        NOT NULL,
    request_hash bytea       NOT NULL CHECK (length(request_hash) = 32),
    status       integer     CHECK (status BETWEEN 100 AND 599),
    response     text,
    headers      jsonb       NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, actor_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (tenant_id, created_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY idempotency_keys_tenant ON idempotency_keys
    USING (tenant_id = cc_current_tenant())
    WITH CHECK (tenant_id = cc_current_tenant());

REVOKE ALL ON idempotency_keys FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO cc_app;
