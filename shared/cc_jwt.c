/*
 * ES256 access tokens over libjwt 1.10: the refcounted signing key set, its
 * JWKS, issuing, and verification. libjwt 1.10 trusts the token's header for
 * the algorithm and validates no claims, so verification reads the header
 * itself first (alg must be exactly ES256, kid must name a key of the set),
 * lets libjwt check the signature with that key alone, compares jwt_get_alg()
 * again, and then checks exp, nbf/iat, iss, aud and every claim's type.
 * See cc_jwt.h.
 */
#include "cc_jwt.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cc_crypto.h"
#include "cc_mem.h"
#include "cc_roles.h"

#define MAX_TOKEN_LEN 8192
#define CLOCK_SKEW_SECONDS 60
#define ES256_COORD_LEN 32
#define ES256_SIG_LEN 64
#define COORD_B64_LEN 43 /* unpadded base64url of 32 bytes */

/* jwt_add_grant_int() takes a long: times must fit. */
_Static_assert(sizeof(long) >= sizeof(int64_t), "long must hold a 64-bit time");

typedef struct {
    char *kid;
    char *public_pem;
    char *private_pem; /* NULL for a verify-only key */
    char x[COORD_B64_LEN + 1];
    char y[COORD_B64_LEN + 1];
} cc_key_t;

struct cc_keyset {
    atomic_uint refs;
    cc_key_t *keys;
    size_t count;
    size_t capacity;
    long signer; /* index of the signing key, or -1 */
};

cc_keyset_t *cc_keyset_new(void)
{
    cc_keyset_t *ks = cc_calloc(1, sizeof(*ks));

    atomic_init(&ks->refs, 1);
    ks->signer = -1;
    return ks;
}

/* A passphrase callback that refuses, so that an encrypted PEM fails instead of prompting on a terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static EVP_PKEY *read_pem_key(const char *pem, bool is_private)
{
    EVP_PKEY *pkey;
    BIO *bio = BIO_new_mem_buf(pem, -1);

    if (bio == NULL)
        return NULL;
    pkey = is_private ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL)
                      : PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
    BIO_free(bio);
    return pkey;
}

static bool is_p256(EVP_PKEY *pkey)
{
    char group[64];

    return EVP_PKEY_is_a(pkey, "EC") && EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) == 1 &&
           strcmp(group, "prime256v1") == 0;
}

/* Writes the unpadded base64url of a public coordinate, left-padded to 32 bytes, into out. */
static int coordinate_b64(EVP_PKEY *pkey, const char *param, char out[COORD_B64_LEN + 1])
{
    BIGNUM *bn = NULL;
    uint8_t raw[ES256_COORD_LEN];
    char *b64;

    if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
        return -1;
    if (BN_bn2binpad(bn, raw, sizeof(raw)) != (int)sizeof(raw)) {
        BN_free(bn);
        return -1;
    }
    BN_free(bn);
    b64 = cc_base64url_encode(raw, sizeof(raw));
    memcpy(out, b64, COORD_B64_LEN + 1);
    free(b64);
    return 0;
}

static const cc_key_t *find_key(const cc_keyset_t *ks, const char *kid)
{
    for (size_t i = 0; i < ks->count; i++) {
        if (strcmp(ks->keys[i].kid, kid) == 0)
            return &ks->keys[i];
    }
    return NULL;
}

int cc_keyset_add(cc_keyset_t *ks, const char *kid, const char *public_pem, const char *private_pem,
                  bool is_signing)
{
    EVP_PKEY *pub, *priv = NULL;
    cc_key_t key;
    size_t kid_len;
    int ret = -1;

    if (ks == NULL || kid == NULL || public_pem == NULL)
        return -1;
    kid_len = strlen(kid);
    if (kid_len == 0 || kid_len >= sizeof(((cc_claims_t *)0)->kid) || find_key(ks, kid) != NULL)
        return -1;

    memset(&key, 0, sizeof(key));
    if ((pub = read_pem_key(public_pem, false)) == NULL)
        return -1;
    if (!is_p256(pub) || coordinate_b64(pub, OSSL_PKEY_PARAM_EC_PUB_X, key.x) != 0 ||
        coordinate_b64(pub, OSSL_PKEY_PARAM_EC_PUB_Y, key.y) != 0)
        goto out_free_pub;
    if (private_pem != NULL) {
        if ((priv = read_pem_key(private_pem, true)) == NULL)
            goto out_free_pub;
        /* The private key must be the one whose public half verifies, or tokens would never verify. */
        if (!is_p256(priv) || EVP_PKEY_eq(pub, priv) != 1)
            goto out_free_priv;
    }

    if (ks->count == ks->capacity) {
        ks->capacity = ks->capacity == 0 ? 4 : ks->capacity * 2;
        ks->keys = cc_realloc(ks->keys, ks->capacity * sizeof(ks->keys[0]));
    }
    key.kid = cc_strdup(kid);
    key.public_pem = cc_strdup(public_pem);
    key.private_pem = private_pem != NULL ? cc_strdup(private_pem) : NULL;
    ks->keys[ks->count] = key;
    if (is_signing && private_pem != NULL)
        ks->signer = (long)ks->count;
    ks->count++;
    ret = 0;

out_free_priv:
    EVP_PKEY_free(priv);
out_free_pub:
    EVP_PKEY_free(pub);
    return ret;
}

bool cc_keyset_has(const cc_keyset_t *ks, const char *kid)
{
    return ks != NULL && kid != NULL && find_key(ks, kid) != NULL;
}

size_t cc_keyset_count(const cc_keyset_t *ks)
{
    return ks != NULL ? ks->count : 0;
}

cc_keyset_t *cc_keyset_retain(cc_keyset_t *ks)
{
    if (ks != NULL)
        atomic_fetch_add_explicit(&ks->refs, 1, memory_order_relaxed);
    return ks;
}

void cc_keyset_release(cc_keyset_t *ks)
{
    if (ks == NULL || atomic_fetch_sub_explicit(&ks->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < ks->count; i++) {
        cc_key_t *key = &ks->keys[i];
        if (key->private_pem != NULL) {
            OPENSSL_cleanse(key->private_pem, strlen(key->private_pem));
            free(key->private_pem);
        }
        free(key->public_pem);
        free(key->kid);
    }
    free(ks->keys);
    free(ks);
}

json_t *cc_keyset_jwks(const cc_keyset_t *ks)
{
    json_t *keys = json_array();

    for (size_t i = 0; ks != NULL && i < ks->count; i++) {
        const cc_key_t *key = &ks->keys[i];
        json_array_append_new(keys, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv",
                                              "P-256", "x", key->x, "y", key->y, "kid", key->kid, "alg",
                                              "ES256", "use", "sig"));
    }
    return json_pack("{s:o}", "keys", keys);
}

static bool is_uuid_str(const char *s)
{
    return s != NULL && cc_is_uuid(s, strnlen(s, 37));
}

/* The claims a token may carry: sub/tid UUIDs, a known role, and a cid exactly when the role is client. */
static bool are_subject_claims_valid(const char *sub, const char *tid, const char *role, const char *cid)
{
    cc_role_t r = cc_role_parse(role);

    if (!is_uuid_str(sub) || !is_uuid_str(tid) || r == CC_ROLE_NONE)
        return false;
    if (cid[0] != '\0' && !is_uuid_str(cid))
        return false;
    return (r == CC_ROLE_CLIENT) == (cid[0] != '\0');
}

int cc_jwt_issue(const cc_keyset_t *ks, cc_claims_t *claims, const char *issuer, int ttl_seconds, int64_t now,
                 char **token)
{
    const cc_key_t *key;
    jwt_t *jwt = NULL;
    char jti[37], *encoded, *sig;
    int64_t exp;
    int ret = -1;

    if (ks == NULL || claims == NULL || issuer == NULL || token == NULL || ks->signer < 0 || ttl_seconds <= 0)
        return -1;
    if (!are_subject_claims_valid(claims->sub, claims->tid, claims->role, claims->cid))
        return -1;
    if (now > INT64_MAX - ttl_seconds)
        return -1;
    key = &ks->keys[ks->signer];
    exp = now + ttl_seconds;
    cc_uuid_v4(jti);

    if (jwt_new(&jwt) != 0)
        return -1;
    if (jwt_add_grant(jwt, "sub", claims->sub) != 0 || jwt_add_grant(jwt, "tid", claims->tid) != 0 ||
        jwt_add_grant(jwt, "role", claims->role) != 0 ||
        (claims->cid[0] != '\0' && jwt_add_grant(jwt, "cid", claims->cid) != 0) ||
        jwt_add_grant(jwt, "jti", jti) != 0 || jwt_add_grant(jwt, "iss", issuer) != 0 ||
        jwt_add_grant(jwt, "aud", CC_JWT_AUDIENCE) != 0 || jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
        jwt_add_grant_int(jwt, "exp", (long)exp) != 0)
        goto out_free_jwt;
    if (jwt_add_header(jwt, "kid", key->kid) != 0 || jwt_add_header(jwt, "typ", "JWT") != 0)
        goto out_free_jwt;
    if (jwt_set_alg(jwt, JWT_ALG_ES256, (const unsigned char *)key->private_pem,
                    (int)strlen(key->private_pem)) != 0)
        goto out_free_jwt;
    if ((encoded = jwt_encode_str(jwt)) == NULL)
        goto out_free_jwt;

    /*
     * JOSE wants the raw 64-byte R||S signature (86 base64url characters), not
     * DER. libjwt 1.10.2 with OpenSSL emits R||S; refuse anything else rather
     * than hand out tokens other verifiers reject.
     */
    sig = strrchr(encoded, '.');
    if (sig == NULL || strlen(sig + 1) != (ES256_SIG_LEN * 4 + 2) / 3) {
        free(encoded);
        goto out_free_jwt;
    }

    memcpy(claims->jti, jti, sizeof(jti));
    memcpy(claims->kid, key->kid, strlen(key->kid) + 1);
    claims->iat = now;
    claims->exp = exp;
    *token = encoded;
    ret = 0;

out_free_jwt:
    jwt_free(jwt);
    return ret;
}

/* Decodes one base64url part of a token (no padding allowed) as a JSON object; NULL if it is not one. */
static json_t *decode_json_part(const char *part, size_t len)
{
    uint8_t *raw;
    size_t raw_len;
    json_t *obj;

    if (len == 0 || memchr(part, '=', len) != NULL || cc_base64url_decode(part, len, &raw, &raw_len) != 0)
        return NULL;
    obj = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, NULL);
    free(raw);
    if (obj != NULL && !json_is_object(obj)) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* True when v lies more than the allowed clock skew after now. */
static bool is_beyond_skew(int64_t v, int64_t now)
{
    return v > now && (uint64_t)v - (uint64_t)now > CLOCK_SKEW_SECONDS;
}

/* Copies a string claim into dst (of size dst_size) when it is a string that fits; returns 0 or -1. */
static int copy_string_claim(json_t *payload, const char *name, char *dst, size_t dst_size)
{
    json_t *v = json_object_get(payload, name);
    size_t len;

    if (!json_is_string(v))
        return -1;
    len = json_string_length(v);
    if (len >= dst_size || strlen(json_string_value(v)) != len)
        return -1;
    memcpy(dst, json_string_value(v), len + 1);
    return 0;
}

static bool is_audience_ours(json_t *aud)
{
    size_t i;
    json_t *v;

    if (json_is_string(aud))
        return strcmp(json_string_value(aud), CC_JWT_AUDIENCE) == 0;
    if (!json_is_array(aud))
        return false;
    json_array_foreach(aud, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), CC_JWT_AUDIENCE) == 0)
            return true;
    }
    return false;
}

static cc_jwt_status_t check_claims(json_t *payload, const char *issuer, int64_t now, cc_claims_t *out)
{
    json_t *exp = json_object_get(payload, "exp"), *iat = json_object_get(payload, "iat");
    json_t *nbf = json_object_get(payload, "nbf"), *iss = json_object_get(payload, "iss");

    if (!json_is_integer(exp) || !json_is_integer(iat) || (nbf != NULL && !json_is_integer(nbf)))
        return CC_JWT_BAD_CLAIMS;
    if (now >= json_integer_value(exp))
        return CC_JWT_EXPIRED;
    if (is_beyond_skew(json_integer_value(iat), now) ||
        (nbf != NULL && is_beyond_skew(json_integer_value(nbf), now)))
        return CC_JWT_NOT_YET_VALID;
    if (!json_is_string(iss) || strcmp(json_string_value(iss), issuer) != 0)
        return CC_JWT_BAD_CLAIMS;
    if (!is_audience_ours(json_object_get(payload, "aud")))
        return CC_JWT_BAD_CLAIMS;

    if (copy_string_claim(payload, "sub", out->sub, sizeof(out->sub)) != 0 ||
        copy_string_claim(payload, "tid", out->tid, sizeof(out->tid)) != 0 ||
        copy_string_claim(payload, "role", out->role, sizeof(out->role)) != 0 ||
        copy_string_claim(payload, "jti", out->jti, sizeof(out->jti)) != 0 || !is_uuid_str(out->jti))
        return CC_JWT_BAD_CLAIMS;
    if (json_object_get(payload, "cid") == NULL)
        out->cid[0] = '\0';
    else if (copy_string_claim(payload, "cid", out->cid, sizeof(out->cid)) != 0 || out->cid[0] == '\0')
        return CC_JWT_BAD_CLAIMS;
    if (!are_subject_claims_valid(out->sub, out->tid, out->role, out->cid))
        return CC_JWT_BAD_CLAIMS;

    out->iat = json_integer_value(iat);
    out->exp = json_integer_value(exp);
    return CC_JWT_OK;
}

/* The unpadded base64url of the raw R||S ES256 signature of input with a PEM private key; caller frees. */
static char *es256_sign(const char *private_pem, const char *input, size_t len)
{
    EVP_PKEY *pkey = read_pem_key(private_pem, true);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t der[ES256_SIG_LEN + 16], raw[ES256_SIG_LEN];
    size_t der_len = sizeof(der);
    ECDSA_SIG *sig = NULL;
    char *out = NULL;

    if (pkey != NULL && md != NULL && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
        EVP_DigestSign(md, der, &der_len, (const unsigned char *)input, len) == 1) {
        const unsigned char *p = der;
        const BIGNUM *r, *s;
        if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) != NULL) {
            ECDSA_SIG_get0(sig, &r, &s);
            if (BN_bn2binpad(r, raw, ES256_COORD_LEN) == ES256_COORD_LEN &&
                BN_bn2binpad(s, raw + ES256_COORD_LEN, ES256_COORD_LEN) == ES256_COORD_LEN)
                out = cc_base64url_encode(raw, sizeof(raw));
            ECDSA_SIG_free(sig);
        }
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    return out;
}

/* True when the base64url raw R||S signature sig64 (sig_len characters) of input verifies with public_pem. */
static bool es256_verify(const char *public_pem, const char *input, size_t len, const char *sig64,
                         size_t sig_len)
{
    uint8_t *raw = NULL, *der = NULL;
    size_t raw_len;
    bool ok = false;

    if (cc_base64url_decode(sig64, sig_len, &raw, &raw_len) != 0)
        return false;
    EVP_PKEY *pkey = read_pem_key(public_pem, false);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, ES256_COORD_LEN, NULL),
           *s = BN_bin2bn(raw + ES256_COORD_LEN, ES256_COORD_LEN, NULL);
    if (raw_len == ES256_SIG_LEN && pkey != NULL && md != NULL && sig != NULL && r != NULL && s != NULL &&
        ECDSA_SIG_set0(sig, r, s) == 1) {
        r = s = NULL; /* owned by sig now */
        int der_len = i2d_ECDSA_SIG(sig, &der);
        ok = der_len > 0 && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
             EVP_DigestVerify(md, der, (size_t)der_len, (const unsigned char *)input, len) == 1;
    }
    BN_free(r);
    BN_free(s);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    free(raw);
    return ok;
}

/*
 * Checks a compact ES256 JWS: three base64url parts of JSON, a header naming exactly ES256 and a kid
 * of the set and no crit, a 64-byte signature that verifies with that key alone. On CC_JWT_OK sets
 * *header and *payload (new references) and *key.
 */
static cc_jwt_status_t verify_signed(const cc_keyset_t *ks, const char *token, bool with_libjwt,
                                     json_t **header_out, json_t **payload_out, const cc_key_t **key_out)
{
    const char *dot1, *dot2, *sig_part;
    const cc_key_t *key;
    json_t *header = NULL, *payload = NULL, *alg, *kid;
    uint8_t *sig = NULL;
    size_t len, sig_len, sig_len_b64;
    jwt_t *jwt = NULL;
    cc_jwt_status_t status = CC_JWT_OK;

    len = strnlen(token, MAX_TOKEN_LEN + 1);
    if (len == 0 || len > MAX_TOKEN_LEN)
        return CC_JWT_MALFORMED;

    /* Exactly three parts: header.payload.signature. */
    if ((dot1 = memchr(token, '.', len)) == NULL)
        return CC_JWT_MALFORMED;
    if ((dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token))) == NULL)
        return CC_JWT_MALFORMED;
    sig_part = dot2 + 1;
    if (memchr(sig_part, '.', len - (size_t)(sig_part - token)) != NULL)
        return CC_JWT_MALFORMED;

    /* The header, read by us: the token does not choose the algorithm or a key outside the set. */
    if ((header = decode_json_part(token, (size_t)(dot1 - token))) == NULL)
        return CC_JWT_MALFORMED;
    if (json_object_get(header, "crit") != NULL) {
        status = CC_JWT_MALFORMED; /* no extension is understood, so none may be critical */
        goto out_free_header;
    }
    alg = json_object_get(header, "alg");
    if (!json_is_string(alg) || strcmp(json_string_value(alg), "ES256") != 0) {
        status = CC_JWT_BAD_ALG;
        goto out_free_header;
    }
    kid = json_object_get(header, "kid");
    if (!json_is_string(kid) || (key = find_key(ks, json_string_value(kid))) == NULL) {
        status = CC_JWT_UNKNOWN_KEY;
        goto out_free_header;
    }

    if ((payload = decode_json_part(dot1 + 1, (size_t)(dot2 - dot1 - 1))) == NULL) {
        status = CC_JWT_MALFORMED;
        goto out_free_header;
    }
    sig_len = sig_len_b64 = len - (size_t)(sig_part - token);
    if (memchr(sig_part, '=', sig_len) != NULL ||
        cc_base64url_decode(sig_part, sig_len, &sig, &sig_len) != 0) {
        status = CC_JWT_MALFORMED;
        goto out_free_payload;
    }
    free(sig);
    if (sig_len != ES256_SIG_LEN) {
        status = CC_JWT_BAD_SIGNATURE;
        goto out_free_payload;
    }

    /* The signature, checked with the one key the kid names: by libjwt for access tokens, by OpenSSL for
     * any other typ (libjwt 1.10 refuses a typ other than JWT). */
    if (!with_libjwt) {
        if (!es256_verify(key->public_pem, token, (size_t)(dot2 - token), sig_part, sig_len_b64))
            status = CC_JWT_BAD_SIGNATURE;
    } else if (jwt_decode(&jwt, token, (const unsigned char *)key->public_pem,
                          (int)strlen(key->public_pem)) != 0) {
        status = CC_JWT_BAD_SIGNATURE;
    } else {
        if (jwt_get_alg(jwt) != JWT_ALG_ES256)
            status = CC_JWT_BAD_ALG;
        jwt_free(jwt);
    }
    if (status == CC_JWT_OK) {
        *header_out = header;
        *payload_out = payload;
        *key_out = key;
        return CC_JWT_OK;
    }

out_free_payload:
    json_decref(payload);
out_free_header:
    json_decref(header);
    return status;
}

cc_jwt_status_t cc_jwt_verify(const cc_keyset_t *ks, const char *token, const char *issuer, int64_t now,
                              cc_claims_t *out)
{
    const cc_key_t *key;
    json_t *header, *payload;
    cc_claims_t claims;
    cc_jwt_status_t status;

    if (ks == NULL || token == NULL || issuer == NULL || out == NULL)
        return CC_JWT_MALFORMED;
    if ((status = verify_signed(ks, token, true, &header, &payload, &key)) != CC_JWT_OK)
        return status;
    memset(&claims, 0, sizeof(claims));
    if ((status = check_claims(payload, issuer, now, &claims)) == CC_JWT_OK) {
        memcpy(claims.kid, key->kid, strlen(key->kid) + 1);
        *out = claims;
    }
    json_decref(payload);
    json_decref(header);
    return status;
}

/*
 * libjwt 1.10 always writes typ "JWT", so a JWS with its own typ (vc+jwt) is put together here: the
 * header and payload as compact JSON, base64url, and OpenSSL's signature turned from DER into R||S.
 */
int cc_jws_sign(const cc_keyset_t *ks, const char *typ, const json_t *payload, char **jws)
{
    if (ks == NULL || typ == NULL || !json_is_object(payload) || jws == NULL || ks->signer < 0)
        return -1;
    const cc_key_t *key = &ks->keys[ks->signer];
    json_t *header = json_pack("{s:s, s:s, s:s}", "alg", "ES256", "typ", typ, "kid", key->kid);
    char *header_json = json_dumps(header, JSON_COMPACT), *payload_json = json_dumps(payload, JSON_COMPACT);
    json_decref(header);
    char *h64 = cc_base64url_encode(header_json, strlen(header_json));
    char *p64 = cc_base64url_encode(payload_json, strlen(payload_json));
    free(header_json);
    free(payload_json);
    size_t input_len = strlen(h64) + 1 + strlen(p64);
    char *out = cc_malloc(input_len + 1 + (ES256_SIG_LEN * 4 + 2) / 3 + 1);
    snprintf(out, input_len + 1, "%s.%s", h64, p64);
    free(h64);
    free(p64);
    char *sig = es256_sign(key->private_pem, out, input_len);
    if (sig == NULL || input_len + 1 + strlen(sig) > MAX_TOKEN_LEN) {
        free(sig);
        free(out);
        return -1;
    }
    out[input_len] = '.';
    strcpy(out + input_len + 1, sig);
    free(sig);
    *jws = out;
    return 0;
}

cc_jwt_status_t cc_jws_verify(const cc_keyset_t *ks, const char *jws, const char *typ, json_t **payload)
{
    const cc_key_t *key;
    json_t *header, *body;
    cc_jwt_status_t status;

    if (ks == NULL || jws == NULL || typ == NULL || payload == NULL)
        return CC_JWT_MALFORMED;
    if ((status = verify_signed(ks, jws, false, &header, &body, &key)) != CC_JWT_OK)
        return status;
    json_t *t = json_object_get(header, "typ");
    bool typ_ok = json_is_string(t) && strcmp(json_string_value(t), typ) == 0;
    json_decref(header);
    if (!typ_ok) {
        json_decref(body);
        return CC_JWT_BAD_CLAIMS;
    }
    *payload = body;
    return CC_JWT_OK;
}

const char *cc_jwt_status_text(cc_jwt_status_t status)
{
    switch (status) {
    case CC_JWT_OK:
        return "ok";
    case CC_JWT_MALFORMED:
        return "malformed token";
    case CC_JWT_BAD_ALG:
        return "algorithm not allowed";
    case CC_JWT_UNKNOWN_KEY:
        return "unknown signing key";
    case CC_JWT_BAD_SIGNATURE:
        return "bad signature";
    case CC_JWT_EXPIRED:
        return "token expired";
    case CC_JWT_NOT_YET_VALID:
        return "token not yet valid";
    case CC_JWT_BAD_CLAIMS:
        return "bad claims";
    }
    return "unknown status";
}
