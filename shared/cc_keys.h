/*
 * The signing keys in the database (table signing_keys): loading them into a
 * key set, and rotating. Private keys are stored sealed with AES-256-GCM under
 * CC_MASTER_KEY, so a database dump alone cannot mint tokens. Each key has a
 * purpose (migration 0021): access tokens or attestations; a key set holds the
 * keys of one purpose only, so a token signed for one purpose never verifies
 * as the other.
 */
#ifndef CC_KEYS_H
#define CC_KEYS_H

#include <stdint.h>

#include "cc_db.h"
#include "cc_jwt.h"

typedef enum {
    CC_KEYS_ACCESS = 0,  /* access tokens (identity signs, every service verifies) */
    CC_KEYS_ATTESTATION, /* signed certificate attestations (the certificates service signs) */
} cc_key_purpose_t;

/* The kid prefix of attestation keys, so that a JWKS reader can tell the purposes apart. */
#define CC_KEYS_ATTESTATION_KID_PREFIX "att-"

/* The purpose's name as stored ("access", "attestation"). */
const char *cc_key_purpose_name(cc_key_purpose_t purpose);

/* Parses a purpose name into *out; returns 0, or -1 for anything else. */
int cc_key_purpose_parse(const char *name, cc_key_purpose_t *out);

/*
 * Loads every key of one purpose. With master_key, decrypts the private key of
 * the purpose's active key, which then signs; without, the set only verifies.
 * Returns a new key set (one reference), or NULL when the database cannot be
 * read.
 */
cc_keyset_t *cc_keys_load(cc_dbconn_t *db, cc_key_purpose_t purpose, const uint8_t *master_key);

/*
 * Generates a P-256 key for the purpose, stores it sealed as its active key
 * and demotes the purpose's previous active key to `previous` (it keeps
 * verifying). Writes the new kid (attestation kids start with
 * CC_KEYS_ATTESTATION_KID_PREFIX). Returns 0 or -1.
 */
int cc_keys_rotate(cc_dbconn_t *db, cc_key_purpose_t purpose, const uint8_t master_key[32], char kid[64]);

#endif
