-- 0021_signing_key_purposes: signing keys by purpose (issue 9 "Public verification": attestations use
-- their own signing keys, rotated the same way as the access-token keys).
--
-- signing_keys.purpose: 'access' (access tokens; every key before this migration) or 'attestation'
-- (the certificates service's signed attestations). One active key per purpose once a transaction
-- commits (deferred, as before, so a rotation may insert before it demotes). Identity signs and every
-- service verifies access tokens with the access keys only, and the certificates service signs
-- attestations with the attestation keys only, so a token of one purpose never verifies as the other.
-- The JWKS publishes both (ARCHITECTURE.md "Security").

ALTER TABLE signing_keys
    ADD COLUMN purpose text NOT NULL DEFAULT 'access',
    ADD CONSTRAINT signing_keys_purpose_check CHECK (purpose IN ('access', 'attestation')),
    DROP CONSTRAINT signing_keys_one_active,
    ADD CONSTRAINT signing_keys_one_active EXCLUDE USING btree (purpose WITH =, state WITH =)
        WHERE (state = 'active') DEFERRABLE INITIALLY DEFERRED;
COMMENT ON COLUMN signing_keys.purpose IS
    'access: access tokens; attestation: signed certificate attestations (one active key each)';
