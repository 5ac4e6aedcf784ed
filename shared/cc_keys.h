/*
 * The token signing keys in the database (table signing_keys): loading them
 * into a key set, and rotating. Private keys are stored sealed with
 * AES-256-GCM under CC_MASTER_KEY, so a database dump alone cannot mint tokens.
 */
#ifndef CC_KEYS_H
#define CC_KEYS_H

#include <stdint.h>

#include "cc_db.h"
#include "cc_jwt.h"

/*
 * Loads every key. With master_key, decrypts the private key of the active
 * key, which then signs; without, the set only verifies. Returns a new key
 * set (one reference), or NULL when the database cannot be read.
 */
cc_keyset_t *cc_keys_load(cc_dbconn_t *db, const uint8_t *master_key);

/*
 * Generates a P-256 key, stores it sealed as the active key and demotes the
 * previous active key to `previous` (it keeps verifying). Writes the new kid.
 * Returns 0 or -1.
 */
int cc_keys_rotate(cc_dbconn_t *db, const uint8_t master_key[32], char kid[64]);

#endif
