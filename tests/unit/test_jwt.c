/*
 * Unit tests of shared/cc_jwt.c: the key set, issuing, the JWKS (checked by
 * verifying a token with plain OpenSSL from the JWK's x and y), and every
 * forgery we know of: alg none, HS256 keyed with the public key, unknown and
 * deleted keys, a wrong key under a known kid, tampered payloads, truncated or
 * DER signatures, expiry, nbf/iat in the future, wrong iss/aud, ill-typed
 * claims and malformed tokens. Forged tokens are built by hand with OpenSSL so
 * that their header and payload are exactly what the test says.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "cc_crypto.h"
#include "cc_jwt.h"
#include "cc_mem.h"

#define NOW ((int64_t)1700000000)
#define TTL 900
#define ISSUER "certcycle"
#define SUB "0b7a3c1e-5d2f-4e8a-9c6b-1f2e3d4c5b6a"
#define TID "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
#define CID "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d"
#define JTI "11111111-2222-4333-8444-555555555555"

static struct {
    char *priv[3];
    char *pub[3];
} keys; /* k1, k2 in the sets below; k3 in none */

static void keys_setup(void)
{
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(cc_ec_keygen(&keys.priv[i], &keys.pub[i]), 0);
}

static void keys_teardown(void)
{
    for (int i = 0; i < 3; i++) {
        free(keys.priv[i]);
        free(keys.pub[i]);
    }
}

/* A set of k1 (signing) alone. */
static cc_keyset_t *keyset_k1(void)
{
    cc_keyset_t *ks = cc_keyset_new();

    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], keys.priv[0], true), 0);
    return ks;
}

static void staff_claims(cc_claims_t *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->sub, SUB);
    strcpy(c->tid, TID);
    strcpy(c->role, "auditor");
}

/* Not inlined: gcc 12 -O3 mistakes the token for a pointer into this frame (-Wdangling-pointer). */
__attribute__((noinline)) static char *issue(const cc_keyset_t *ks, int64_t now, cc_claims_t *c)
{
    char *token = NULL;

    ck_assert_int_eq(cc_jwt_issue(ks, c, ISSUER, TTL, now, &token), 0);
    ck_assert_ptr_nonnull(token);
    return token;
}

static char *b64_json(json_t *obj)
{
    char *text = json_dumps(obj, JSON_COMPACT), *b64;

    ck_assert_ptr_nonnull(text);
    b64 = cc_base64url_encode(text, strlen(text));
    free(text);
    return b64;
}

static char *join3(const char *a, const char *b, const char *c)
{
    size_t len = strlen(a) + strlen(b) + strlen(c) + 3;
    char *out = malloc(len);

    snprintf(out, len, "%s.%s.%s", a, b, c);
    return out;
}

/* Signs "h.p" with a P-256 private key; raw R||S (JOSE) unless der is set. */
static char *es256_sign_input(const char *priv_pem, const char *input, bool der)
{
    BIO *bio = BIO_new_mem_buf(priv_pem, -1);
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der_sig[128], raw[64];
    const unsigned char *p = der_sig;
    size_t der_len = sizeof(der_sig);
    ECDSA_SIG *sig;
    const BIGNUM *r, *s;
    char *out;

    ck_assert_ptr_nonnull(pkey);
    ck_assert_int_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey), 1);
    ck_assert_int_eq(EVP_DigestSign(md, der_sig, &der_len, (const unsigned char *)input, strlen(input)), 1);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    if (der)
        return cc_base64url_encode(der_sig, der_len);

    sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    ck_assert_ptr_nonnull(sig);
    ECDSA_SIG_get0(sig, &r, &s);
    ck_assert_int_eq(BN_bn2binpad(r, raw, 32), 32);
    ck_assert_int_eq(BN_bn2binpad(s, raw + 32, 32), 32);
    ECDSA_SIG_free(sig);
    out = cc_base64url_encode(raw, sizeof(raw));
    return out;
}

/* Builds a token of exactly this header and payload, signed ES256 by priv_pem. Steals both objects. */
static char *forge(const char *priv_pem, json_t *header, json_t *payload, bool der)
{
    char *h = b64_json(header), *p = b64_json(payload), *input, *sig, *token;
    size_t len = strlen(h) + strlen(p) + 2;

    input = malloc(len);
    snprintf(input, len, "%s.%s", h, p);
    sig = es256_sign_input(priv_pem, input, der);
    token = join3(h, p, sig);
    free(input);
    free(sig);
    free(h);
    free(p);
    json_decref(header);
    json_decref(payload);
    return token;
}

static json_t *std_header(const char *kid)
{
    return json_pack("{s:s, s:s, s:s}", "alg", "ES256", "typ", "JWT", "kid", kid);
}

/* The payload cc_jwt_issue would produce for an auditor at NOW. */
static json_t *std_payload(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "sub", SUB, "tid", TID, "role", "auditor",
                     "jti", JTI, "iss", ISSUER, "aud", CC_JWT_AUDIENCE, "iat", (json_int_t)NOW, "exp",
                     (json_int_t)(NOW + TTL));
}

static cc_jwt_status_t verify_at(const cc_keyset_t *ks, const char *token, int64_t now)
{
    cc_claims_t out;

    return cc_jwt_verify(ks, token, ISSUER, now, &out);
}

/* Verifies a forged payload (k1 header, k1 signature) against a k1 set at NOW. Steals payload. */
static cc_jwt_status_t verify_payload(json_t *payload)
{
    cc_keyset_t *ks = keyset_k1();
    char *token = forge(keys.priv[0], std_header("k1"), payload, false);
    cc_jwt_status_t st = verify_at(ks, token, NOW);

    free(token);
    cc_keyset_release(ks);
    return st;
}

/* Decodes part (0 header, 1 payload, 2 signature) of a token. */
static uint8_t *token_part(const char *token, int part, size_t *len)
{
    const char *start = token, *end;
    uint8_t *out;

    for (int i = 0; i < part; i++)
        start = strchr(start, '.') + 1;
    end = strchr(start, '.');
    if (end == NULL)
        end = start + strlen(start);
    ck_assert_int_eq(cc_base64url_decode(start, (size_t)(end - start), &out, len), 0);
    return out;
}

static json_t *token_json_part(const char *token, int part)
{
    size_t len;
    uint8_t *raw = token_part(token, part, &len);
    json_t *obj = json_loadb((const char *)raw, len, 0, NULL);

    free(raw);
    ck_assert_ptr_nonnull(obj);
    return obj;
}

/* --- key set ------------------------------------------------------------------------------------------ */

START_TEST(test_keyset_add_and_lookup)
{
    cc_keyset_t *ks = cc_keyset_new();

    ck_assert_uint_eq(cc_keyset_count(ks), 0);
    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], keys.priv[0], true), 0);
    ck_assert_int_eq(cc_keyset_add(ks, "k2", keys.pub[1], NULL, false), 0);
    ck_assert_uint_eq(cc_keyset_count(ks), 2);
    ck_assert(cc_keyset_has(ks, "k1"));
    ck_assert(cc_keyset_has(ks, "k2"));
    ck_assert(!cc_keyset_has(ks, "k3"));
    ck_assert(!cc_keyset_has(ks, ""));
    ck_assert(!cc_keyset_has(ks, NULL));
    ck_assert(!cc_keyset_has(NULL, "k1"));
    ck_assert_uint_eq(cc_keyset_count(NULL), 0);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_keyset_add_rejects)
{
    cc_keyset_t *ks = cc_keyset_new();
    EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    BIO *bio = BIO_new(BIO_s_mem());
    char *p384_pem, *data, long_kid[65];
    long len;

    ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, p384), 1);
    len = BIO_get_mem_data(bio, &data);
    p384_pem = strndup(data, (size_t)len);
    BIO_free(bio);
    EVP_PKEY_free(p384);

    ck_assert_int_eq(cc_keyset_add(ks, "k1", "not a pem", NULL, false), -1);
    ck_assert_int_eq(cc_keyset_add(ks, "k1", "", NULL, false), -1);
    ck_assert_int_eq(cc_keyset_add(ks, "k1", p384_pem, NULL, false), -1);     /* wrong curve */
    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.priv[0], NULL, false), -1); /* a private key as public */
    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], keys.pub[0], true), -1);
    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], "garbage", true), -1);
    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], keys.priv[1], true), -1); /* not its pair */
    ck_assert_int_eq(cc_keyset_add(ks, "", keys.pub[0], NULL, false), -1);
    memset(long_kid, 'k', 64);
    long_kid[64] = '\0';
    ck_assert_int_eq(cc_keyset_add(ks, long_kid, keys.pub[0], NULL, false), -1);
    long_kid[63] = '\0';
    ck_assert_int_eq(cc_keyset_add(ks, long_kid, keys.pub[0], NULL, false), 0); /* 63 fits */
    ck_assert_int_eq(cc_keyset_add(ks, NULL, keys.pub[0], NULL, false), -1);
    ck_assert_int_eq(cc_keyset_add(ks, "k1", NULL, NULL, false), -1);
    ck_assert_int_eq(cc_keyset_add(NULL, "k1", keys.pub[0], NULL, false), -1);
    ck_assert_uint_eq(cc_keyset_count(ks), 1);

    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], NULL, false), 0);
    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[1], NULL, false), -1); /* duplicate kid */
    ck_assert_uint_eq(cc_keyset_count(ks), 2);
    free(p384_pem);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_keyset_many_keys)
{
    cc_keyset_t *ks = cc_keyset_new();
    char kid[16];

    for (int i = 0; i < 20; i++) {
        snprintf(kid, sizeof(kid), "key-%d", i);
        ck_assert_int_eq(cc_keyset_add(ks, kid, keys.pub[i % 3], NULL, false), 0);
    }
    ck_assert_uint_eq(cc_keyset_count(ks), 20);
    ck_assert(cc_keyset_has(ks, "key-0"));
    ck_assert(cc_keyset_has(ks, "key-19"));
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_keyset_refcount)
{
    cc_keyset_t *ks = keyset_k1();

    ck_assert_ptr_eq(cc_keyset_retain(ks), ks);
    ck_assert_ptr_eq(cc_keyset_retain(ks), ks);
    cc_keyset_release(ks);
    cc_keyset_release(ks);
    ck_assert(cc_keyset_has(ks, "k1")); /* one reference left */
    cc_keyset_release(ks);              /* frees: LeakSanitizer checks nothing is left */
    ck_assert_ptr_null(cc_keyset_retain(NULL));
    cc_keyset_release(NULL);
}
END_TEST

static void *retain_release_many(void *arg)
{
    cc_keyset_t *ks = arg;

    for (int i = 0; i < 20000; i++) {
        cc_keyset_t *mine = cc_keyset_retain(ks);
        if (!cc_keyset_has(mine, "k1"))
            abort();
        cc_keyset_release(mine);
    }
    cc_keyset_release(ks); /* the reference the spawner took for this thread */
    return NULL;
}

START_TEST(test_keyset_refcount_threads)
{
    cc_keyset_t *ks = keyset_k1();
    pthread_t threads[4];

    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, retain_release_many, cc_keyset_retain(ks)), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    ck_assert(cc_keyset_has(ks, "k1"));
    cc_keyset_release(ks);
}
END_TEST

/* --- issuing ------------------------------------------------------------------------------------------ */

START_TEST(test_issue_verify_round_trip)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c, out;
    char *token;

    staff_claims(&c);
    token = issue(ks, NOW, &c);
    ck_assert(cc_is_uuid(c.jti, strlen(c.jti)));
    ck_assert_str_eq(c.kid, "k1");
    ck_assert_int_eq(c.iat, NOW);
    ck_assert_int_eq(c.exp, NOW + TTL);

    memset(&out, 0x5a, sizeof(out));
    ck_assert_int_eq(cc_jwt_verify(ks, token, ISSUER, NOW, &out), CC_JWT_OK);
    ck_assert_str_eq(out.sub, SUB);
    ck_assert_str_eq(out.tid, TID);
    ck_assert_str_eq(out.role, "auditor");
    ck_assert_str_eq(out.cid, "");
    ck_assert_str_eq(out.jti, c.jti);
    ck_assert_str_eq(out.kid, "k1");
    ck_assert_int_eq(out.iat, NOW);
    ck_assert_int_eq(out.exp, NOW + TTL);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_issue_token_shape)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c;
    char *token;
    json_t *header, *payload;

    staff_claims(&c);
    token = issue(ks, NOW, &c);
    header = token_json_part(token, 0);
    payload = token_json_part(token, 1);

    ck_assert_uint_eq(json_object_size(header), 3);
    ck_assert_str_eq(json_string_value(json_object_get(header, "alg")), "ES256");
    ck_assert_str_eq(json_string_value(json_object_get(header, "typ")), "JWT");
    ck_assert_str_eq(json_string_value(json_object_get(header, "kid")), "k1");

    ck_assert_uint_eq(json_object_size(payload), 8); /* no cid for a staff user */
    ck_assert_str_eq(json_string_value(json_object_get(payload, "sub")), SUB);
    ck_assert_str_eq(json_string_value(json_object_get(payload, "tid")), TID);
    ck_assert_str_eq(json_string_value(json_object_get(payload, "role")), "auditor");
    ck_assert_str_eq(json_string_value(json_object_get(payload, "jti")), c.jti);
    ck_assert_str_eq(json_string_value(json_object_get(payload, "iss")), ISSUER);
    ck_assert_str_eq(json_string_value(json_object_get(payload, "aud")), CC_JWT_AUDIENCE);
    ck_assert(json_is_integer(json_object_get(payload, "iat")));
    ck_assert_int_eq(json_integer_value(json_object_get(payload, "iat")), NOW);
    ck_assert_int_eq(json_integer_value(json_object_get(payload, "exp")), NOW + TTL);
    ck_assert_ptr_null(json_object_get(payload, "cid"));
    json_decref(header);
    json_decref(payload);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

/* libjwt 1.10.2 must emit the JOSE signature (raw R||S, 64 bytes), not DER (70-72 bytes). */
START_TEST(test_issue_signature_is_raw_r_s)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c;

    staff_claims(&c);
    for (int i = 0; i < 20; i++) {
        char *token = issue(ks, NOW, &c);
        size_t len;
        uint8_t *sig = token_part(token, 2, &len);
        ck_assert_uint_eq(len, 64);
        ck_assert_uint_eq(strlen(strrchr(token, '.') + 1), 86);
        free(sig);
        free(token);
    }
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_issue_client_has_cid)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c, out;
    char *token;
    json_t *payload;

    staff_claims(&c);
    strcpy(c.role, "client");
    strcpy(c.cid, CID);
    token = issue(ks, NOW, &c);
    payload = token_json_part(token, 1);
    ck_assert_str_eq(json_string_value(json_object_get(payload, "cid")), CID);
    ck_assert_int_eq(cc_jwt_verify(ks, token, ISSUER, NOW, &out), CC_JWT_OK);
    ck_assert_str_eq(out.role, "client");
    ck_assert_str_eq(out.cid, CID);
    json_decref(payload);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_issue_refuses)
{
    cc_keyset_t *ks = keyset_k1(), *verify_only = cc_keyset_new(), *flagged_without_private = cc_keyset_new();
    cc_claims_t c;
    char *token = NULL;

    staff_claims(&c);
    ck_assert_int_eq(cc_keyset_add(verify_only, "k1", keys.pub[0], keys.priv[0], false), 0);
    ck_assert_int_eq(cc_jwt_issue(verify_only, &c, ISSUER, TTL, NOW, &token), -1);
    ck_assert_int_eq(cc_keyset_add(flagged_without_private, "k1", keys.pub[0], NULL, true), 0);
    ck_assert_int_eq(cc_jwt_issue(flagged_without_private, &c, ISSUER, TTL, NOW, &token), -1);
    ck_assert_int_eq(cc_jwt_issue(NULL, &c, ISSUER, TTL, NOW, &token), -1);
    ck_assert_int_eq(cc_jwt_issue(ks, NULL, ISSUER, TTL, NOW, &token), -1);
    ck_assert_int_eq(cc_jwt_issue(ks, &c, NULL, TTL, NOW, &token), -1);
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, 0, NOW, &token), -1);
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, -5, NOW, &token), -1);
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, TTL, INT64_MAX - 10, &token), -1);

    strcpy(c.sub, "not-a-uuid");
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, TTL, NOW, &token), -1);
    staff_claims(&c);
    strcpy(c.tid, "");
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, TTL, NOW, &token), -1);
    staff_claims(&c);
    strcpy(c.role, "superuser");
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, TTL, NOW, &token), -1);
    staff_claims(&c);
    strcpy(c.role, "client"); /* a client without its organisation */
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, TTL, NOW, &token), -1);
    staff_claims(&c);
    strcpy(c.cid, CID); /* staff with an organisation */
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, TTL, NOW, &token), -1);
    staff_claims(&c);
    strcpy(c.role, "client");
    strcpy(c.cid, "nope");
    ck_assert_int_eq(cc_jwt_issue(ks, &c, ISSUER, TTL, NOW, &token), -1);
    ck_assert_ptr_null(token);

    cc_keyset_release(ks);
    cc_keyset_release(verify_only);
    cc_keyset_release(flagged_without_private);
}
END_TEST

START_TEST(test_last_signing_key_signs)
{
    cc_keyset_t *ks = cc_keyset_new();
    cc_claims_t c;
    char *token;

    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], keys.priv[0], true), 0);
    ck_assert_int_eq(cc_keyset_add(ks, "k2", keys.pub[1], keys.priv[1], true), 0);
    ck_assert_int_eq(cc_keyset_add(ks, "k3", keys.pub[2], keys.priv[2], false), 0);
    staff_claims(&c);
    token = issue(ks, NOW, &c);
    ck_assert_str_eq(c.kid, "k2");
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_OK);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

/* --- rotation and deletion ---------------------------------------------------------------------------- */

START_TEST(test_rotation_old_verifies_new_signs)
{
    cc_keyset_t *before = keyset_k1(), *after = cc_keyset_new();
    cc_claims_t c, out;
    char *old_token, *new_token;

    staff_claims(&c);
    old_token = issue(before, NOW, &c);

    /* Rotation: k1 becomes "previous" (verify only), k2 is the new active key. */
    ck_assert_int_eq(cc_keyset_add(after, "k1", keys.pub[0], NULL, false), 0);
    ck_assert_int_eq(cc_keyset_add(after, "k2", keys.pub[1], keys.priv[1], true), 0);
    new_token = issue(after, NOW + 10, &c);
    ck_assert_str_eq(c.kid, "k2");

    ck_assert_int_eq(cc_jwt_verify(after, old_token, ISSUER, NOW + 20, &out), CC_JWT_OK);
    ck_assert_str_eq(out.kid, "k1");
    ck_assert_int_eq(cc_jwt_verify(after, new_token, ISSUER, NOW + 20, &out), CC_JWT_OK);
    ck_assert_str_eq(out.kid, "k2");
    /* A server that has not reloaded yet does not know k2. */
    ck_assert_int_eq(verify_at(before, new_token, NOW + 20), CC_JWT_UNKNOWN_KEY);
    free(old_token);
    free(new_token);
    cc_keyset_release(before);
    cc_keyset_release(after);
}
END_TEST

START_TEST(test_deleted_key_fails)
{
    cc_keyset_t *before = cc_keyset_new(), *after = cc_keyset_new();
    cc_claims_t c;
    char *token;

    ck_assert_int_eq(cc_keyset_add(before, "k1", keys.pub[0], keys.priv[0], true), 0);
    ck_assert_int_eq(cc_keyset_add(before, "k2", keys.pub[1], NULL, false), 0);
    staff_claims(&c);
    token = issue(before, NOW, &c);
    ck_assert_int_eq(verify_at(before, token, NOW), CC_JWT_OK);

    /* k1 deleted: only k2 remains. */
    ck_assert_int_eq(cc_keyset_add(after, "k2", keys.pub[1], keys.priv[1], true), 0);
    ck_assert_int_eq(verify_at(after, token, NOW), CC_JWT_UNKNOWN_KEY);
    free(token);
    cc_keyset_release(before);
    cc_keyset_release(after);
}
END_TEST

START_TEST(test_unknown_kid)
{
    cc_keyset_t *ks = keyset_k1();
    char *token;

    token = forge(keys.priv[2], std_header("k3"), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_UNKNOWN_KEY);
    free(token);

    token = forge(keys.priv[0], json_pack("{s:s, s:s}", "alg", "ES256", "typ", "JWT"), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_UNKNOWN_KEY); /* no kid */
    free(token);

    token = forge(keys.priv[0], json_pack("{s:s, s:i}", "alg", "ES256", "kid", 1), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_UNKNOWN_KEY); /* kid not a string */
    free(token);

    token = forge(keys.priv[0], json_pack("{s:s, s:s}", "alg", "ES256", "kid", ""), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_UNKNOWN_KEY);
    free(token);

    token = forge(keys.priv[0], json_pack("{s:s, s:s}", "alg", "ES256", "kid", "K1"), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_UNKNOWN_KEY); /* kids are exact */
    free(token);
    cc_keyset_release(ks);
}
END_TEST

/* --- forged signatures -------------------------------------------------------------------------------- */

START_TEST(test_hand_forged_control_verifies)
{
    /* The forging helper itself makes valid tokens: every failure below is due to the forgery alone. */
    ck_assert_int_eq(verify_payload(std_payload()), CC_JWT_OK);
}
END_TEST

START_TEST(test_alg_none)
{
    cc_keyset_t *ks = keyset_k1();
    json_t *none = json_pack("{s:s}", "alg", "none");
    json_t *none_kid = json_pack("{s:s, s:s, s:s}", "alg", "none", "typ", "JWT", "kid", "k1");
    json_t *payload = std_payload();
    char *h = b64_json(none), *hk = b64_json(none_kid), *p = b64_json(payload);
    char *t1 = join3(h, p, ""), *t2 = join3(hk, p, ""), *t3 = join3(hk, p, "AAAA");

    ck_assert_int_eq(verify_at(ks, t1, NOW), CC_JWT_BAD_ALG);
    ck_assert_int_eq(verify_at(ks, t2, NOW), CC_JWT_BAD_ALG);
    ck_assert_int_eq(verify_at(ks, t3, NOW), CC_JWT_BAD_ALG);

    free(t1);
    free(t2);
    free(t3);
    free(h);
    free(hk);
    free(p);
    json_decref(none);
    json_decref(none_kid);
    json_decref(payload);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_other_algs_rejected)
{
    static const char *algs[] = {"NONE",  "None",  "es256", "ES256 ", "ES384",
                                 "ES512", "RS256", "PS256", "EdDSA"};
    cc_keyset_t *ks = keyset_k1();
    char *token;

    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        /* Correctly signed ES256 bytes under a header that names another algorithm. */
        token =
            forge(keys.priv[0], json_pack("{s:s, s:s}", "alg", algs[i], "kid", "k1"), std_payload(), false);
        ck_assert_msg(verify_at(ks, token, NOW) == CC_JWT_BAD_ALG, "alg %s accepted", algs[i]);
        free(token);
    }
    token = forge(keys.priv[0], json_pack("{s:s}", "kid", "k1"), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_BAD_ALG); /* no alg */
    free(token);
    token = forge(keys.priv[0], json_pack("{s:n, s:s}", "alg", "kid", "k1"), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_BAD_ALG); /* alg null */
    free(token);
    token = forge(keys.priv[0], json_pack("{s:[s], s:s}", "alg", "ES256", "kid", "k1"), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_BAD_ALG); /* alg an array */
    free(token);
    cc_keyset_release(ks);
}
END_TEST

/* The classic confusion: HS256 keyed with the server's public key PEM, which any client can fetch. */
START_TEST(test_hs256_with_public_key_as_secret)
{
    cc_keyset_t *ks = keyset_k1();
    json_t *header = json_pack("{s:s, s:s, s:s}", "alg", "HS256", "typ", "JWT", "kid", "k1");
    json_t *payload = std_payload();
    char *h = b64_json(header), *p = b64_json(payload), *input, *sig, *token;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    size_t len = strlen(h) + strlen(p) + 2;
    jwt_t *jwt;

    /* By hand with OpenSSL's HMAC. */
    input = malloc(len);
    snprintf(input, len, "%s.%s", h, p);
    ck_assert_ptr_nonnull(HMAC(EVP_sha256(), keys.pub[0], (int)strlen(keys.pub[0]), (unsigned char *)input,
                               strlen(input), mac, &mac_len));
    sig = cc_base64url_encode(mac, mac_len);
    token = join3(h, p, sig);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_BAD_ALG);
    free(token);
    free(sig);
    free(input);

    /* And with libjwt itself. */
    ck_assert_int_eq(jwt_new(&jwt), 0);
    ck_assert_int_eq(jwt_add_grant(jwt, "sub", SUB), 0);
    ck_assert_int_eq(jwt_add_grant(jwt, "tid", TID), 0);
    ck_assert_int_eq(jwt_add_grant(jwt, "role", "admin"), 0);
    ck_assert_int_eq(jwt_add_grant(jwt, "jti", JTI), 0);
    ck_assert_int_eq(jwt_add_grant(jwt, "iss", ISSUER), 0);
    ck_assert_int_eq(jwt_add_grant(jwt, "aud", CC_JWT_AUDIENCE), 0);
    ck_assert_int_eq(jwt_add_grant_int(jwt, "iat", (long)NOW), 0);
    ck_assert_int_eq(jwt_add_grant_int(jwt, "exp", (long)(NOW + TTL)), 0);
    ck_assert_int_eq(jwt_add_header(jwt, "kid", "k1"), 0);
    ck_assert_int_eq(
        jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)keys.pub[0], (int)strlen(keys.pub[0])), 0);
    token = jwt_encode_str(jwt);
    ck_assert_ptr_nonnull(token);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_BAD_ALG);
    free(token);
    jwt_free(jwt);

    free(h);
    free(p);
    json_decref(header);
    json_decref(payload);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_wrong_key_under_known_kid)
{
    cc_keyset_t *ks = cc_keyset_new();
    char *token;

    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], keys.priv[0], true), 0);
    ck_assert_int_eq(cc_keyset_add(ks, "k2", keys.pub[1], NULL, false), 0);
    /* Says k1, signed by k2: only k1's public key is tried. */
    token = forge(keys.priv[1], std_header("k1"), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_BAD_SIGNATURE);
    free(token);
    /* Signed by a key in no set at all. */
    token = forge(keys.priv[2], std_header("k1"), std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_BAD_SIGNATURE);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_tampered_payload)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c;
    char *token, *h, *p, *s, *forged, *dot1, *dot2;
    json_t *payload;

    staff_claims(&c);
    token = issue(ks, NOW, &c);
    payload = token_json_part(token, 1);
    json_object_set_new(payload, "role", json_string("admin"));
    dot1 = strchr(token, '.');
    dot2 = strchr(dot1 + 1, '.');
    h = strndup(token, (size_t)(dot1 - token));
    s = strdup(dot2 + 1);
    p = b64_json(payload);
    forged = join3(h, p, s);
    ck_assert_int_eq(verify_at(ks, forged, NOW), CC_JWT_BAD_SIGNATURE);
    free(forged);
    free(p);

    /* A longer lifetime. */
    json_object_set_new(payload, "role", json_string("auditor"));
    json_object_set_new(payload, "exp", json_integer(NOW + 86400 * 365));
    p = b64_json(payload);
    forged = join3(h, p, s);
    ck_assert_int_eq(verify_at(ks, forged, NOW), CC_JWT_BAD_SIGNATURE);
    free(forged);
    free(p);

    /* The header changed (kid swapped to a key that exists). */
    free(h);
    json_decref(payload);
    payload = json_pack("{s:s, s:s, s:s}", "alg", "ES256", "kid", "k1", "typ", "jwt");
    h = b64_json(payload);
    json_decref(payload);
    payload = token_json_part(token, 1);
    p = b64_json(payload);
    forged = join3(h, p, s);
    ck_assert_int_eq(verify_at(ks, forged, NOW), CC_JWT_BAD_SIGNATURE);
    free(forged);
    free(p);

    free(h);
    free(s);
    json_decref(payload);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_bad_signatures)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c;
    char *token, *copy, *sig;
    size_t len;

    staff_claims(&c);
    token = issue(ks, NOW, &c);
    len = strlen(token);
    sig = strrchr(token, '.') + 1;

    /* Truncated to 63 or 32 bytes, to nothing, or to an impossible length. */
    for (size_t keep = 32; keep <= 63; keep += 31) {
        size_t raw_len, head_len = (size_t)(sig - token);
        uint8_t *raw = token_part(token, 2, &raw_len);
        char *shorter = cc_base64url_encode(raw, keep);
        copy = malloc(head_len + strlen(shorter) + 1);
        memcpy(copy, token, head_len);
        strcpy(copy + head_len, shorter);
        ck_assert_int_eq(verify_at(ks, copy, NOW), CC_JWT_BAD_SIGNATURE);
        free(copy);
        free(shorter);
        free(raw);
    }
    for (size_t cut = 1; cut <= 8; cut++) {
        copy = strndup(token, len - cut);
        ck_assert_int_ne(verify_at(ks, copy, NOW), CC_JWT_OK);
        free(copy);
    }
    copy = strndup(token, (size_t)(sig - token));
    ck_assert_int_eq(verify_at(ks, copy, NOW), CC_JWT_BAD_SIGNATURE);
    free(copy);
    copy = strndup(token, len - 1);
    ck_assert_int_eq(verify_at(ks, copy, NOW), CC_JWT_MALFORMED);
    free(copy);

    /* One changed character. */
    copy = strdup(token);
    copy[sig - token] = copy[sig - token] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(verify_at(ks, copy, NOW), CC_JWT_BAD_SIGNATURE);
    free(copy);

    /* 64 zero bytes. */
    {
        uint8_t zero[64] = {0};
        char *z = cc_base64url_encode(zero, sizeof(zero));
        size_t head_len = (size_t)(sig - token);
        copy = malloc(head_len + strlen(z) + 1);
        memcpy(copy, token, head_len);
        strcpy(copy + head_len, z);
        ck_assert_int_eq(verify_at(ks, copy, NOW), CC_JWT_BAD_SIGNATURE);
        free(copy);
        free(z);
    }

    /* The last character changed in bits the decoding drops: a second spelling of the same signature. */
    copy = strdup(token);
    {
        char *last = copy + len - 1;
        char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int v = (int)(strchr(alphabet, *last) - alphabet);
        *last = alphabet[v ^ 1];
    }
    ck_assert_int_eq(verify_at(ks, copy, NOW), CC_JWT_MALFORMED);
    free(copy);

    /* A signature followed by padding. */
    len = strlen(token) + 3;
    copy = malloc(len);
    snprintf(copy, len, "%s==", token);
    ck_assert_int_eq(verify_at(ks, copy, NOW), CC_JWT_MALFORMED);
    free(copy);

    free(token);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_der_signature_rejected)
{
    cc_keyset_t *ks = keyset_k1();
    char *token = forge(keys.priv[0], std_header("k1"), std_payload(), true);

    /* A valid signature, but DER-encoded as ECDSA libraries emit it: not JOSE. */
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_BAD_SIGNATURE);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

/* --- time --------------------------------------------------------------------------------------------- */

START_TEST(test_expiry)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c;
    char *token;

    staff_claims(&c);
    token = issue(ks, NOW, &c);
    ck_assert_int_eq(verify_at(ks, token, NOW + TTL - 1), CC_JWT_OK);
    ck_assert_int_eq(verify_at(ks, token, NOW + TTL), CC_JWT_EXPIRED);
    ck_assert_int_eq(verify_at(ks, token, NOW + TTL + 86400), CC_JWT_EXPIRED);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_iat_in_future)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c;
    char *token;

    staff_claims(&c);
    token = issue(ks, NOW + 120, &c); /* a clock two minutes ahead */
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_NOT_YET_VALID);
    ck_assert_int_eq(verify_at(ks, token, NOW + 59), CC_JWT_NOT_YET_VALID);
    ck_assert_int_eq(verify_at(ks, token, NOW + 60), CC_JWT_OK); /* within the 60 s skew */
    free(token);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_nbf_in_future)
{
    json_t *p = std_payload();

    json_object_set_new(p, "nbf", json_integer(NOW + 3600));
    ck_assert_int_eq(verify_payload(p), CC_JWT_NOT_YET_VALID);

    p = std_payload();
    json_object_set_new(p, "nbf", json_integer(NOW + 61));
    ck_assert_int_eq(verify_payload(p), CC_JWT_NOT_YET_VALID);

    p = std_payload();
    json_object_set_new(p, "nbf", json_integer(NOW + 60));
    ck_assert_int_eq(verify_payload(p), CC_JWT_OK);

    p = std_payload();
    json_object_set_new(p, "nbf", json_integer(NOW - 10));
    ck_assert_int_eq(verify_payload(p), CC_JWT_OK);

    p = std_payload();
    json_object_set_new(p, "nbf", json_string("later"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);

    p = std_payload();
    json_object_set_new(p, "nbf", json_integer(INT64_MAX));
    ck_assert_int_eq(verify_payload(p), CC_JWT_NOT_YET_VALID);
}
END_TEST

START_TEST(test_time_claims_types)
{
    json_t *p = std_payload();

    json_object_del(p, "exp");
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "exp", json_string("1700000900"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "exp", json_real(1700000900.0));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_del(p, "iat");
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "iat", json_true());
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "exp", json_integer(INT64_MIN));
    ck_assert_int_eq(verify_payload(p), CC_JWT_EXPIRED);
    p = std_payload();
    json_object_set_new(p, "iat", json_integer(INT64_MIN));
    ck_assert_int_eq(verify_payload(p), CC_JWT_OK);
}
END_TEST

/* --- iss, aud and the other claims -------------------------------------------------------------------- */

START_TEST(test_wrong_issuer)
{
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t c, out;
    char *token;
    json_t *p;

    staff_claims(&c);
    token = issue(ks, NOW, &c);
    ck_assert_int_eq(cc_jwt_verify(ks, token, "someone-else", NOW, &out), CC_JWT_BAD_CLAIMS);
    ck_assert_int_eq(cc_jwt_verify(ks, token, "certcycl", NOW, &out), CC_JWT_BAD_CLAIMS);
    ck_assert_int_eq(cc_jwt_verify(ks, token, "", NOW, &out), CC_JWT_BAD_CLAIMS);
    free(token);
    cc_keyset_release(ks);

    p = std_payload();
    json_object_del(p, "iss");
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "iss", json_pack("[s]", ISSUER));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
}
END_TEST

START_TEST(test_wrong_audience)
{
    json_t *p = std_payload();

    json_object_set_new(p, "aud", json_string("certcycle-admin"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_del(p, "aud");
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "aud", json_pack("[s, s]", "a", "b"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "aud", json_integer(1));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "aud", json_array());
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    /* RFC 7519 allows an array of audiences. */
    p = std_payload();
    json_object_set_new(p, "aud", json_pack("[s, s]", "other", CC_JWT_AUDIENCE));
    ck_assert_int_eq(verify_payload(p), CC_JWT_OK);
}
END_TEST

START_TEST(test_subject_claims)
{
    static const char *required[] = {"sub", "tid", "role", "jti"};
    json_t *p;

    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        p = std_payload();
        json_object_del(p, required[i]);
        ck_assert_msg(verify_payload(p) == CC_JWT_BAD_CLAIMS, "accepted without %s", required[i]);
        p = std_payload();
        json_object_set_new(p, required[i], json_integer(42));
        ck_assert_msg(verify_payload(p) == CC_JWT_BAD_CLAIMS, "accepted integer %s", required[i]);
        p = std_payload();
        json_object_set_new(p, required[i], json_null());
        ck_assert_msg(verify_payload(p) == CC_JWT_BAD_CLAIMS, "accepted null %s", required[i]);
    }
    p = std_payload();
    json_object_set_new(p, "sub", json_string("42"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "tid", json_string(SUB "0"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "jti", json_string("a-very-long-token-id-that-does-not-fit-the-claims"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "role", json_string("superuser"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "role", json_string("Admin"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "role", json_stringn("admin\0x", 7));
    ck_assert_int_eq(verify_payload(p), CC_JWT_MALFORMED); /* jansson refuses \u0000 when parsing */
    p = std_payload();
    json_object_set_new(p, "role", json_string("a-role-name-longer-than-the-field"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
}
END_TEST

START_TEST(test_client_claims)
{
    json_t *p = std_payload();

    /* Staff with a client organisation. */
    json_object_set_new(p, "cid", json_string(CID));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    /* A client without one. */
    p = std_payload();
    json_object_set_new(p, "role", json_string("client"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    /* A client whose cid is not a UUID, empty, or null. */
    p = std_payload();
    json_object_set_new(p, "role", json_string("client"));
    json_object_set_new(p, "cid", json_string("acme"));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "role", json_string("client"));
    json_object_set_new(p, "cid", json_string(""));
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    p = std_payload();
    json_object_set_new(p, "role", json_string("client"));
    json_object_set_new(p, "cid", json_null());
    ck_assert_int_eq(verify_payload(p), CC_JWT_BAD_CLAIMS);
    /* And the right shape. */
    p = std_payload();
    json_object_set_new(p, "role", json_string("client"));
    json_object_set_new(p, "cid", json_string(CID));
    ck_assert_int_eq(verify_payload(p), CC_JWT_OK);
}
END_TEST

START_TEST(test_header_oddities)
{
    cc_keyset_t *ks = keyset_k1();
    char *token, *h, *p;
    const char *dup = "{\"alg\":\"none\",\"alg\":\"ES256\",\"kid\":\"k1\"}";
    json_t *payload = std_payload();

    /* An unknown critical extension. */
    token = forge(keys.priv[0], json_pack("{s:s, s:s, s:[s]}", "alg", "ES256", "kid", "k1", "crit", "exp"),
                  std_payload(), false);
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_MALFORMED);
    free(token);

    /* A duplicated alg, which two parsers could read differently. */
    h = cc_base64url_encode(dup, strlen(dup));
    p = b64_json(payload);
    token = join3(h, p, "AAAA");
    ck_assert_int_eq(verify_at(ks, token, NOW), CC_JWT_MALFORMED);
    free(token);
    free(h);
    free(p);
    json_decref(payload);

    /* A typ libjwt objects to is still a bad token, never a crash. */
    token = forge(keys.priv[0], json_pack("{s:s, s:s, s:s}", "alg", "ES256", "kid", "k1", "typ", "JOSE+nope"),
                  std_payload(), false);
    ck_assert_int_ne(verify_at(ks, token, NOW), CC_JWT_OK);
    free(token);
    cc_keyset_release(ks);
}
END_TEST

/* --- malformed input ---------------------------------------------------------------------------------- */

START_TEST(test_malformed)
{
    static const char *bad[] = {
        "",
        ".",
        "..",
        "...",
        "abc",
        "abc.def",
        "a.b.c.d",
        "eyJhbGciOiJFUzI1NiJ9.e30.e30.e30",
        "!!!.###.$$$",
        "eyJhbGciOiJFUzI1NiJ9 .e30.AAAA",
        "aGVsbG8.e30.AAAA",               /* header "hello" is not JSON */
        "WzFd.e30.AAAA",                  /* header [1] is not an object */
        "eyJhbGciOiJFUzI1NiJ9=.e30.AAAA", /* padding */
        ".e30.AAAA",                      /* empty header */
        "Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA",
    };
    cc_keyset_t *ks = keyset_k1();
    cc_claims_t out;
    char *big;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(verify_at(ks, bad[i], NOW) == CC_JWT_MALFORMED, "not malformed: %s", bad[i]);
    ck_assert_int_eq(verify_at(ks, NULL, NOW), CC_JWT_MALFORMED);
    ck_assert_int_eq(cc_jwt_verify(NULL, "a.b.c", ISSUER, NOW, &out), CC_JWT_MALFORMED);
    ck_assert_int_eq(cc_jwt_verify(ks, "a.b.c", NULL, NOW, &out), CC_JWT_MALFORMED);

    big = malloc(100001);
    memset(big, 'A', 100000);
    big[100000] = '\0';
    big[10] = '.';
    big[20] = '.';
    ck_assert_int_eq(verify_at(ks, big, NOW), CC_JWT_MALFORMED);
    free(big);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_malformed_payload_with_good_header)
{
    cc_keyset_t *ks = keyset_k1();
    json_t *header = std_header("k1");
    char *h = b64_json(header), *t;

    json_decref(header);
    t = join3(h, "aGVsbG8", "AAAA"); /* payload "hello" */
    ck_assert_int_eq(verify_at(ks, t, NOW), CC_JWT_MALFORMED);
    free(t);
    t = join3(h, "WzFd", "AAAA"); /* payload [1] */
    ck_assert_int_eq(verify_at(ks, t, NOW), CC_JWT_MALFORMED);
    free(t);
    t = join3(h, "", "AAAA");
    ck_assert_int_eq(verify_at(ks, t, NOW), CC_JWT_MALFORMED);
    free(t);
    t = join3(h, "e30", "!!!!");
    ck_assert_int_eq(verify_at(ks, t, NOW), CC_JWT_MALFORMED);
    free(t);
    free(h);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_status_text)
{
    for (int st = CC_JWT_BAD_CLAIMS; st <= CC_JWT_OK; st++) {
        const char *text = cc_jwt_status_text((cc_jwt_status_t)st);
        ck_assert_ptr_nonnull(text);
        ck_assert_int_gt(strlen(text), 0);
    }
    ck_assert_str_eq(cc_jwt_status_text(CC_JWT_OK), "ok");
    ck_assert_str_eq(cc_jwt_status_text(CC_JWT_EXPIRED), "token expired");
}
END_TEST

/* --- JWKS --------------------------------------------------------------------------------------------- */

/* Verifies token's ES256 signature with plain OpenSSL, from nothing but the JWK's x and y. */
static bool verify_with_jwk(json_t *jwk, const char *token)
{
    uint8_t *x, *y, *raw_sig, point[65];
    size_t x_len, y_len, sig_len;
    const char *last_dot = strrchr(token, '.');
    OSSL_PARAM params[3];
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *pkey = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ECDSA_SIG *sig = ECDSA_SIG_new();
    unsigned char *der = NULL;
    int der_len, ok;

    const char *xs = json_string_value(json_object_get(jwk, "x")),
               *ys = json_string_value(json_object_get(jwk, "y"));
    ck_assert_int_eq(cc_base64url_decode(xs, strlen(xs), &x, &x_len), 0);
    ck_assert_int_eq(cc_base64url_decode(ys, strlen(ys), &y, &y_len), 0);
    ck_assert_uint_eq(x_len, 32);
    ck_assert_uint_eq(y_len, 32);
    point[0] = 0x04;
    memcpy(point + 1, x, 32);
    memcpy(point + 33, y, 32);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
    params[2] = OSSL_PARAM_construct_end();
    ck_assert_int_eq(EVP_PKEY_fromdata_init(pctx), 1);
    ck_assert_int_eq(EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params), 1);

    ck_assert_int_eq(cc_base64url_decode(last_dot + 1, strlen(last_dot + 1), &raw_sig, &sig_len), 0);
    ck_assert_uint_eq(sig_len, 64);
    ck_assert_int_eq(ECDSA_SIG_set0(sig, BN_bin2bn(raw_sig, 32, NULL), BN_bin2bn(raw_sig + 32, 32, NULL)), 1);
    der_len = i2d_ECDSA_SIG(sig, &der);
    ck_assert_int_gt(der_len, 0);

    ck_assert_int_eq(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey), 1);
    ok = EVP_DigestVerify(md, der, (size_t)der_len, (const unsigned char *)token, (size_t)(last_dot - token));

    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(pctx);
    free(raw_sig);
    free(x);
    free(y);
    return ok == 1;
}

START_TEST(test_jwks_shape)
{
    cc_keyset_t *ks = cc_keyset_new();
    json_t *jwks, *arr, *jwk;
    size_t i;

    ck_assert_int_eq(cc_keyset_add(ks, "k1", keys.pub[0], NULL, false), 0);
    ck_assert_int_eq(cc_keyset_add(ks, "k2", keys.pub[1], keys.priv[1], true), 0);
    jwks = cc_keyset_jwks(ks);
    ck_assert_ptr_nonnull(jwks);
    ck_assert_uint_eq(json_object_size(jwks), 1);
    arr = json_object_get(jwks, "keys");
    ck_assert(json_is_array(arr));
    ck_assert_uint_eq(json_array_size(arr), 2);
    json_array_foreach(arr, i, jwk)
    {
        const char *x = json_string_value(json_object_get(jwk, "x"));
        const char *y = json_string_value(json_object_get(jwk, "y"));
        ck_assert_uint_eq(json_object_size(jwk), 7);
        ck_assert_str_eq(json_string_value(json_object_get(jwk, "kty")), "EC");
        ck_assert_str_eq(json_string_value(json_object_get(jwk, "crv")), "P-256");
        ck_assert_str_eq(json_string_value(json_object_get(jwk, "alg")), "ES256");
        ck_assert_str_eq(json_string_value(json_object_get(jwk, "use")), "sig");
        ck_assert_str_eq(json_string_value(json_object_get(jwk, "kid")), i == 0 ? "k1" : "k2");
        ck_assert_ptr_nonnull(x);
        ck_assert_ptr_nonnull(y);
        ck_assert_uint_eq(strlen(x), 43);
        ck_assert_uint_eq(strlen(y), 43);
        ck_assert(strchr(x, '=') == NULL && strchr(x, '+') == NULL && strchr(x, '/') == NULL);
        ck_assert_ptr_null(json_object_get(jwk, "d")); /* never the private part */
    }
    json_decref(jwks);

    cc_keyset_release(ks);

    /* An empty set, or none, publishes an empty key list. */
    ks = cc_keyset_new();
    jwks = cc_keyset_jwks(ks);
    ck_assert_uint_eq(json_array_size(json_object_get(jwks, "keys")), 0);
    json_decref(jwks);
    jwks = cc_keyset_jwks(NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(jwks, "keys")), 0);
    json_decref(jwks);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(test_jwks_matches_public_key)
{
    cc_keyset_t *ks = keyset_k1();
    json_t *jwks = cc_keyset_jwks(ks), *jwk = json_array_get(json_object_get(jwks, "keys"), 0);
    BIO *bio = BIO_new_mem_buf(keys.pub[0], -1);
    EVP_PKEY *pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    uint8_t point[65], *x, *y;
    size_t point_len = 0, x_len, y_len;
    const char *xs = json_string_value(json_object_get(jwk, "x")),
               *ys = json_string_value(json_object_get(jwk, "y"));

    ck_assert_int_eq(EVP_PKEY_get_octet_string_param(pub, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                                     sizeof(point), &point_len),
                     1);
    ck_assert_uint_eq(point_len, 65);
    ck_assert_int_eq(cc_base64url_decode(xs, strlen(xs), &x, &x_len), 0);
    ck_assert_int_eq(cc_base64url_decode(ys, strlen(ys), &y, &y_len), 0);
    ck_assert_mem_eq(x, point + 1, 32);
    ck_assert_mem_eq(y, point + 33, 32);
    free(x);
    free(y);
    EVP_PKEY_free(pub);
    BIO_free(bio);
    json_decref(jwks);
    cc_keyset_release(ks);
}
END_TEST

/* Interop: a verifier holding only the JWKS accepts our tokens, across many keys and signatures. */
START_TEST(test_jwks_verifies_issued_tokens)
{
    for (int round = 0; round < 8; round++) {
        char *priv, *pub, *token;
        cc_keyset_t *ks = cc_keyset_new();
        cc_claims_t c;
        json_t *jwks, *jwk;

        ck_assert_int_eq(cc_ec_keygen(&priv, &pub), 0);
        ck_assert_int_eq(cc_keyset_add(ks, "rot", pub, priv, true), 0);
        staff_claims(&c);
        token = issue(ks, NOW, &c);
        jwks = cc_keyset_jwks(ks);
        jwk = json_array_get(json_object_get(jwks, "keys"), 0);
        ck_assert(verify_with_jwk(jwk, token));
        /* And the same check notices a different token's signature. */
        token[strlen(token) - 43] = token[strlen(token) - 43] == 'A' ? 'B' : 'A';
        ck_assert(!verify_with_jwk(jwk, token));
        json_decref(jwks);
        free(token);
        free(priv);
        free(pub);
        cc_keyset_release(ks);
    }
}
END_TEST

static Suite *jwt_suite(void)
{
    Suite *s = suite_create("jwt");
    TCase *keyset = tcase_create("keyset"), *issuing = tcase_create("issue"),
          *forged = tcase_create("forged");
    TCase *claims = tcase_create("claims"), *jwks = tcase_create("jwks");
    TCase *all[] = {keyset, issuing, forged, claims, jwks};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        tcase_add_unchecked_fixture(all[i], keys_setup, keys_teardown);
        tcase_set_timeout(all[i], 60);
        suite_add_tcase(s, all[i]);
    }
    tcase_add_test(keyset, test_keyset_add_and_lookup);
    tcase_add_test(keyset, test_keyset_add_rejects);
    tcase_add_test(keyset, test_keyset_many_keys);
    tcase_add_test(keyset, test_keyset_refcount);
    tcase_add_test(keyset, test_keyset_refcount_threads);

    tcase_add_test(issuing, test_issue_verify_round_trip);
    tcase_add_test(issuing, test_issue_token_shape);
    tcase_add_test(issuing, test_issue_signature_is_raw_r_s);
    tcase_add_test(issuing, test_issue_client_has_cid);
    tcase_add_test(issuing, test_issue_refuses);
    tcase_add_test(issuing, test_last_signing_key_signs);
    tcase_add_test(issuing, test_rotation_old_verifies_new_signs);
    tcase_add_test(issuing, test_deleted_key_fails);

    tcase_add_test(forged, test_hand_forged_control_verifies);
    tcase_add_test(forged, test_unknown_kid);
    tcase_add_test(forged, test_alg_none);
    tcase_add_test(forged, test_other_algs_rejected);
    tcase_add_test(forged, test_hs256_with_public_key_as_secret);
    tcase_add_test(forged, test_wrong_key_under_known_kid);
    tcase_add_test(forged, test_tampered_payload);
    tcase_add_test(forged, test_bad_signatures);
    tcase_add_test(forged, test_der_signature_rejected);
    tcase_add_test(forged, test_header_oddities);
    tcase_add_test(forged, test_malformed);
    tcase_add_test(forged, test_malformed_payload_with_good_header);

    tcase_add_test(claims, test_expiry);
    tcase_add_test(claims, test_iat_in_future);
    tcase_add_test(claims, test_nbf_in_future);
    tcase_add_test(claims, test_time_claims_types);
    tcase_add_test(claims, test_wrong_issuer);
    tcase_add_test(claims, test_wrong_audience);
    tcase_add_test(claims, test_subject_claims);
    tcase_add_test(claims, test_client_claims);
    tcase_add_test(claims, test_status_text);

    tcase_add_test(jwks, test_jwks_shape);
    tcase_add_test(jwks, test_jwks_matches_public_key);
    tcase_add_test(jwks, test_jwks_verifies_issued_tokens);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(jwt_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
