/*
 * ES256 access tokens, and compact ES256 JWS of any payload (attestations).
 * A key set holds the signing keys (of one purpose, cc_keys.h) loaded from the
 * database: the newest active key signs, every key present verifies, so a
 * token signed before a rotation stays valid until it expires, and a token of
 * a deleted key fails. libjwt 1.10 trusts the header's alg, so verification
 * checks the header before decoding and jwt_get_alg() after, and checks
 * exp/nbf/iss/aud itself.
 */
#ifndef CC_JWT_H
#define CC_JWT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define CC_JWT_AUDIENCE "certcycle-api"

typedef struct cc_claims {
    char sub[37];  /* user id */
    char tid[37];  /* tenant id */
    char role[24]; /* role name */
    char cid[37];  /* client organisation id; "" when none */
    char jti[37];  /* token id */
    char kid[64];  /* key that signed it */
    int64_t iat;
    int64_t exp;
} cc_claims_t;

typedef enum {
    CC_JWT_OK = 0,
    CC_JWT_MALFORMED = -1,     /* not three base64url parts of JSON */
    CC_JWT_BAD_ALG = -2,       /* header or decoded alg is not ES256 (none, HS256, ...) */
    CC_JWT_UNKNOWN_KEY = -3,   /* kid missing or not in the key set (e.g. a deleted key) */
    CC_JWT_BAD_SIGNATURE = -4, /* signature does not verify */
    CC_JWT_EXPIRED = -5,       /* now >= exp */
    CC_JWT_NOT_YET_VALID = -6, /* now < nbf (or iat) beyond a 60 s skew */
    CC_JWT_BAD_CLAIMS = -7,    /* iss/aud wrong, or a required claim missing or ill-typed */
} cc_jwt_status_t;

/* An immutable-after-build, refcounted set of keys; share between threads by retain/release. */
typedef struct cc_keyset cc_keyset_t;

/* Returns an empty key set with one reference. */
cc_keyset_t *cc_keyset_new(void);

/*
 * Adds a key. public_pem is required; private_pem may be NULL (verify only).
 * The last key added with is_signing set (and a private key) signs new tokens.
 * Strings are copied. Returns 0, or -1 if a PEM does not parse as a P-256 key,
 * the private key is not the public key's pair, or kid is empty, longer than
 * 63 bytes, or already in the set.
 */
int cc_keyset_add(cc_keyset_t *ks, const char *kid, const char *public_pem, const char *private_pem,
                  bool is_signing);

/* True when kid names a key in the set. */
bool cc_keyset_has(const cc_keyset_t *ks, const char *kid);

/* Number of keys. */
size_t cc_keyset_count(const cc_keyset_t *ks);

/* Atomically adds / drops a reference; the last release frees. Both accept NULL. */
cc_keyset_t *cc_keyset_retain(cc_keyset_t *ks);
void cc_keyset_release(cc_keyset_t *ks);

/* Returns a new JWKS object {"keys":[{kty,crv,x,y,kid,alg,use}]} of every key; the caller owns it. */
json_t *cc_keyset_jwks(const cc_keyset_t *ks);

/*
 * Issues a token for claims->sub/tid/role/cid; sets claims->jti (random UUID),
 * ->iat = now, ->exp = now + ttl_seconds and ->kid. Returns 0 and a
 * caller-freed *token, or -1 (no signing key, ttl_seconds <= 0, or claims that
 * could not verify: sub/tid not UUIDs, an unknown role, or a cid that is not a
 * UUID or is not present exactly when the role is client).
 */
int cc_jwt_issue(const cc_keyset_t *ks, cc_claims_t *claims, const char *issuer, int ttl_seconds, int64_t now,
                 char **token);

/* Verifies token at time now; fills *out on CC_JWT_OK. Never trusts the token's header for the algorithm. */
cc_jwt_status_t cc_jwt_verify(const cc_keyset_t *ks, const char *token, const char *issuer, int64_t now,
                              cc_claims_t *out);

/*
 * Signs payload (a JSON object, borrowed) as a compact ES256 JWS (RFC 7515)
 * with the header {alg: ES256, typ, kid} and the set's signing key (e.g. an
 * attestation, typ "vc+jwt"). Returns 0 and a caller-freed *jws, or -1 (no
 * signing key, payload not an object).
 */
int cc_jws_sign(const cc_keyset_t *ks, const char *typ, const json_t *payload, char **jws);

/*
 * Verifies a compact ES256 JWS: its signature with the key its kid names in ks
 * (the same checks as cc_jwt_verify), and that its header's typ is typ. Checks
 * no claims (the caller reads them). On CC_JWT_OK sets *payload to a new
 * object the caller owns; CC_JWT_BAD_CLAIMS for another typ.
 */
cc_jwt_status_t cc_jws_verify(const cc_keyset_t *ks, const char *jws, const char *typ, json_t **payload);

/* A short lowercase description of a status, for logs. */
const char *cc_jwt_status_text(cc_jwt_status_t status);

#endif
