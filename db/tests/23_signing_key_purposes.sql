-- Signing keys by purpose (0021): every key has a purpose, access by default; at most one active key
-- per purpose; a purpose is access or attestation; cc_app still only reads the keys.
BEGIN;
SELECT plan(9);

SELECT has_column('signing_keys', 'purpose', 'signing_keys.purpose exists');
SELECT col_not_null('signing_keys', 'purpose', 'purpose is required');
SELECT col_default_is('signing_keys', 'purpose', 'access', 'a key without a purpose signs access tokens');

DELETE FROM signing_keys;
SET CONSTRAINTS signing_keys_one_active IMMEDIATE;
SELECT lives_ok($$INSERT INTO signing_keys (kid, public_pem, private_enc, state)
                  VALUES ('pgtap-access-1', '-----BEGIN PUBLIC KEY-----', decode(repeat('00', 40), 'hex'), 'active')$$,
                'an active access key');
SELECT lives_ok($$INSERT INTO signing_keys (kid, public_pem, private_enc, state, purpose)
                  VALUES ('pgtap-att-1', '-----BEGIN PUBLIC KEY-----', decode(repeat('00', 40), 'hex'), 'active',
                          'attestation')$$,
                'an active attestation key beside it: one active key per purpose');
SELECT throws_ok($$INSERT INTO signing_keys (kid, public_pem, private_enc, state)
                   VALUES ('pgtap-access-2', '-----BEGIN PUBLIC KEY-----', decode(repeat('00', 40), 'hex'), 'active')$$,
                 '23P01', NULL, 'a second active access key is refused');
SELECT throws_ok($$INSERT INTO signing_keys (kid, public_pem, private_enc, state, purpose)
                   VALUES ('pgtap-att-2', '-----BEGIN PUBLIC KEY-----', decode(repeat('00', 40), 'hex'), 'active',
                           'attestation')$$,
                 '23P01', NULL, 'a second active attestation key is refused');
SELECT throws_ok($$INSERT INTO signing_keys (kid, public_pem, private_enc, state, purpose)
                   VALUES ('pgtap-x', '-----BEGIN PUBLIC KEY-----', decode(repeat('00', 40), 'hex'), 'previous',
                           'refresh')$$,
                 '23514', NULL, 'an unknown purpose is refused');

SET LOCAL ROLE cc_app;
SELECT throws_ok($$UPDATE signing_keys SET purpose = 'attestation'$$, '42501', NULL,
                 'cc_app cannot change a key''s purpose');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
