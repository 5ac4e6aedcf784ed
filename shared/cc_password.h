/*
 * Password hashing with argon2id (t=3, m=64 MiB, p=1). Each call takes about
 * 0.2 s of one core: call these from the worker pool, never a loop thread.
 */
#ifndef CC_PASSWORD_H
#define CC_PASSWORD_H

#include <stddef.h>

#define CC_PASSWORD_MIN_LEN 12
#define CC_PASSWORD_MAX_LEN 256

/*
 * Returns the encoded argon2id hash ($argon2id$v=19$m=65536,t=3,p=1$...) of
 * password; the caller frees. NULL if password is NULL or argon2 fails.
 */
char *cc_password_hash(const char *password);

/* Returns 0 when password matches the encoded hash, -1 when it does not or the hash is malformed. */
int cc_password_verify(const char *encoded, const char *password);

/*
 * Spends the same time as a real verification against a fixed dummy hash, so
 * that an unknown account fails as slowly as a wrong password.
 */
void cc_password_burn(const char *password);

/*
 * The encoded hash cc_password_burn verifies against (made on first use, with
 * the parameters of cc_password_hash; never freed), or NULL when argon2 could
 * not make it (burn then hashes instead). Borrowed; for tests.
 */
const char *cc_password_burn_hash(void);

#endif
