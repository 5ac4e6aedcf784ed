/*
 * Password hashing with argon2id (t=3, m=64 MiB, p=1, 16-byte salt, 32-byte
 * hash) in the PHC encoded form, and the burn that makes an unknown account
 * cost as much as a wrong password. See cc_password.h.
 */
#include "cc_password.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "cc_crypto.h"
#include "cc_mem.h"

#define PW_T_COST 3
#define PW_M_COST_KIB 65536
#define PW_PARALLELISM 1
#define PW_SALT_LEN 16
#define PW_HASH_LEN 32

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char *dummy_hash; /* written once under dummy_once, then only read; never freed */

char *cc_password_hash(const char *password)
{
    uint8_t salt[PW_SALT_LEN];
    size_t encoded_len;
    char *encoded;
    int rc;

    if (password == NULL)
        return NULL;
    cc_random_bytes(salt, sizeof(salt));
    encoded_len =
        argon2_encodedlen(PW_T_COST, PW_M_COST_KIB, PW_PARALLELISM, PW_SALT_LEN, PW_HASH_LEN, Argon2_id);
    encoded = cc_malloc(encoded_len);
    rc = argon2id_hash_encoded(PW_T_COST, PW_M_COST_KIB, PW_PARALLELISM, password, strlen(password), salt,
                               sizeof(salt), PW_HASH_LEN, encoded, encoded_len);
    if (rc != ARGON2_OK) {
        free(encoded);
        return NULL;
    }
    return encoded;
}

int cc_password_verify(const char *encoded, const char *password)
{
    if (encoded == NULL || password == NULL)
        return -1;
    /* argon2id_verify compares in constant time and rejects other variants and malformed strings. */
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK ? 0 : -1;
}

static void make_dummy_hash(void)
{
    dummy_hash = cc_password_hash("certcycle burn: no account has this password");
}

const char *cc_password_burn_hash(void)
{
    pthread_once(&dummy_once, make_dummy_hash);
    return dummy_hash;
}

void cc_password_burn(const char *password)
{
    const char *pw = password != NULL ? password : "";

    pthread_once(&dummy_once, make_dummy_hash);
    if (dummy_hash != NULL) {
        (void)argon2id_verify(dummy_hash, pw, strlen(pw));
    } else {
        /* Could not build the dummy: spend the same work on a raw hash instead. */
        uint8_t salt[PW_SALT_LEN] = {0}, out[PW_HASH_LEN];
        (void)argon2id_hash_raw(PW_T_COST, PW_M_COST_KIB, PW_PARALLELISM, pw, strlen(pw), salt, sizeof(salt),
                                out, sizeof(out));
    }
}
