/*
 * Signing keys in the database; see cc_keys.h.
 */
#include "cc_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_crypto.h"
#include "cc_log.h"
#include "cc_mem.h"

static const cc_sql_t load_sql = {
    "cc_keys_load", "SELECT kid, public_pem, encode(private_enc, 'hex'), state = 'active' FROM signing_keys "
                    "WHERE purpose = $1 ORDER BY (state = 'active'), created_at"};
static const cc_sql_t demote_sql = {
    "cc_keys_demote",
    "UPDATE signing_keys SET state = 'previous', retired_at = now() WHERE state = 'active' AND purpose = $1"};
static const cc_sql_t insert_sql = {
    "cc_keys_insert", "INSERT INTO signing_keys (kid, alg, public_pem, private_enc, state, purpose) "
                      "VALUES ($1, 'ES256', $2, decode($3, 'hex'), 'active', $4)"};

const char *cc_key_purpose_name(cc_key_purpose_t purpose)
{
    return purpose == CC_KEYS_ATTESTATION ? "attestation" : "access";
}

int cc_key_purpose_parse(const char *name, cc_key_purpose_t *out)
{
    if (name != NULL && strcmp(name, "access") == 0)
        *out = CC_KEYS_ACCESS;
    else if (name != NULL && strcmp(name, "attestation") == 0)
        *out = CC_KEYS_ATTESTATION;
    else
        return -1;
    return 0;
}

/* Decrypts a hex-encoded sealed private key into a caller-freed PEM string, or NULL. */
static char *unseal_private(const uint8_t *master_key, const char *sealed_hex)
{
    size_t hex_len = strlen(sealed_hex);
    size_t sealed_len = hex_len / 2;
    uint8_t *sealed = cc_malloc(sealed_len + 1);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    char *pem = NULL;
    if (cc_hex_decode(sealed_hex, sealed, sealed_len) == 0 &&
        cc_aead_open(master_key, sealed, sealed_len, &plain, &plain_len) == 0) {
        pem = cc_strndup((const char *)plain, plain_len);
        memset(plain, 0, plain_len);
        free(plain);
    }
    free(sealed);
    return pem;
}

cc_keyset_t *cc_keys_load(cc_dbconn_t *db, cc_key_purpose_t purpose, const uint8_t *master_key)
{
    const char *name = cc_key_purpose_name(purpose);
    PGresult *res = cc_db_exec(db, &load_sql, 1, &name);
    if (!cc_db_is_ok(res)) {
        cc_log(CC_LOG_WARN, "could not load signing keys: %s",
               res != NULL ? PQresultErrorMessage(res) : "no connection");
        PQclear(res);
        return NULL;
    }
    cc_keyset_t *ks = cc_keyset_new();
    for (int i = 0; i < PQntuples(res); i++) {
        const char *kid = PQgetvalue(res, i, 0);
        bool active = PQgetvalue(res, i, 3)[0] == 't';
        char *private_pem = NULL;
        if (active && master_key != NULL) {
            private_pem = unseal_private(master_key, PQgetvalue(res, i, 2));
            if (private_pem == NULL)
                cc_log(CC_LOG_ERROR, "cannot decrypt signing key %s: wrong CC_MASTER_KEY?", kid);
        }
        if (cc_keyset_add(ks, kid, PQgetvalue(res, i, 1), private_pem, active && private_pem != NULL) != 0)
            cc_log(CC_LOG_ERROR, "cannot use signing key %s: not a P-256 key", kid);
        if (private_pem != NULL) {
            memset(private_pem, 0, strlen(private_pem));
            free(private_pem);
        }
    }
    PQclear(res);
    return ks;
}

int cc_keys_rotate(cc_dbconn_t *db, cc_key_purpose_t purpose, const uint8_t master_key[32], char kid[64])
{
    const char *name = cc_key_purpose_name(purpose);
    char *private_pem = NULL, *public_pem = NULL, *sealed_hex = NULL;
    uint8_t *sealed = NULL;
    size_t sealed_len;
    int rc = -1;
    if (cc_ec_keygen(&private_pem, &public_pem) != 0)
        return -1;
    if (cc_aead_seal(master_key, private_pem, strlen(private_pem), &sealed, &sealed_len) != 0)
        goto out;
    sealed_hex = cc_malloc(sealed_len * 2 + 1);
    cc_hex_encode(sealed, sealed_len, sealed_hex);

    /* kid: the date for people reading the JWKS, then random bits for uniqueness */
    uint8_t rnd[6];
    char rnd_hex[13], date[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%Y%m%d", &tm);
    cc_random_bytes(rnd, sizeof(rnd));
    cc_hex_encode(rnd, sizeof(rnd), rnd_hex);
    snprintf(kid, 64, "%s%s-%s", purpose == CC_KEYS_ATTESTATION ? CC_KEYS_ATTESTATION_KID_PREFIX : "k", date,
             rnd_hex);

    if (cc_db_begin(db, NULL) != 0)
        goto out;
    PGresult *res = cc_db_exec(db, &demote_sql, 1, &name);
    int ok = cc_db_is_ok(res);
    PQclear(res);
    if (ok) {
        const char *params[] = {kid, public_pem, sealed_hex, name};
        res = cc_db_exec(db, &insert_sql, 4, params);
        ok = cc_db_is_ok(res);
        if (!ok)
            cc_log(CC_LOG_ERROR, "could not store the signing key: %s", PQresultErrorMessage(res));
        PQclear(res);
    }
    if (ok && cc_db_commit(db) == 0)
        rc = 0;
    else
        cc_db_rollback(db);
out:
    if (private_pem != NULL)
        memset(private_pem, 0, strlen(private_pem));
    free(private_pem);
    free(public_pem);
    free(sealed);
    free(sealed_hex);
    return rc;
}
