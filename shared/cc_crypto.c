/*
 * Small cryptographic primitives over OpenSSL 3: the CSPRNG, SHA-256, strict
 * HMAC-SHA256, base64url and hex codecs, AES-256-GCM sealing of secrets at rest,
 * constant-time comparison, P-256 key generation and UUIDs. See cc_crypto.h.
 */
#include "cc_crypto.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "cc_mem.h"

#define AEAD_NONCE_LEN 12
#define AEAD_TAG_LEN 16

static const char b64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void cc_random_bytes(void *buf, size_t len)
{
    unsigned char *p = buf;

    while (len > 0) {
        int chunk = len > (size_t)INT_MAX ? INT_MAX : (int)len;
        if (RAND_bytes(p, chunk) != 1) {
            fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"could not read from the csprng\"}\n");
            abort();
        }
        p += chunk;
        len -= (size_t)chunk;
    }
}

void cc_sha256(const void *data, size_t len, uint8_t out[CC_SHA256_LEN])
{
    unsigned int out_len = 0;

    if (EVP_Digest(data, len, out, &out_len, EVP_sha256(), NULL) != 1 || out_len != CC_SHA256_LEN) {
        fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"could not compute sha-256\"}\n");
        abort();
    }
}

void cc_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[CC_SHA256_LEN])
{
    unsigned int out_len = 0;
    static const unsigned char empty = 0; /* HMAC() takes a NULL key to mean "reuse the last one" */
    if (key_len > INT_MAX ||
        HMAC(EVP_sha256(), key_len > 0 ? key : &empty, (int)key_len, data, len, out, &out_len) == NULL ||
        out_len != CC_SHA256_LEN) {
        fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"could not compute hmac-sha256\"}\n");
        abort();
    }
}

static void sha256_abort(void)
{
    fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"could not compute sha-256\"}\n");
    abort();
}

cc_sha256_ctx_t *cc_sha256_begin(void)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        sha256_abort();
    return (cc_sha256_ctx_t *)ctx;
}

void cc_sha256_update(cc_sha256_ctx_t *ctx, const void *data, size_t len)
{
    if (len > 0 && EVP_DigestUpdate((EVP_MD_CTX *)ctx, data, len) != 1)
        sha256_abort();
}

void cc_sha256_final(cc_sha256_ctx_t *ctx, uint8_t out[CC_SHA256_LEN])
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex((EVP_MD_CTX *)ctx, digest, &n) != 1 || n != CC_SHA256_LEN)
        sha256_abort();
    if (out != NULL)
        memcpy(out, digest, CC_SHA256_LEN);
    EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
}

char *cc_base64url_encode(const void *data, size_t len)
{
    const uint8_t *in = data;
    char *out = cc_malloc(len / 3 * 4 + 4 + 1);
    char *o = out;
    size_t i = 0;

    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *o++ = b64url_alphabet[v >> 18 & 63];
        *o++ = b64url_alphabet[v >> 12 & 63];
        *o++ = b64url_alphabet[v >> 6 & 63];
        *o++ = b64url_alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        *o++ = b64url_alphabet[v >> 18 & 63];
        *o++ = b64url_alphabet[v >> 12 & 63];
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        *o++ = b64url_alphabet[v >> 18 & 63];
        *o++ = b64url_alphabet[v >> 12 & 63];
        *o++ = b64url_alphabet[v >> 6 & 63];
    }
    *o = '\0';
    return out;
}

/* Value of one base64url character, or -1. */
static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

int cc_base64url_decode(const char *s, size_t len, uint8_t **out, size_t *out_len)
{
    size_t data_len = len, rem, n = 0;
    uint8_t *buf;
    uint32_t acc = 0;
    int bits = 0;

    /* Padding, if any, is only accepted as the canonical one or two '=' that complete a quantum. */
    if (len > 0 && len % 4 == 0 && s[len - 1] == '=') {
        data_len = len - 1;
        if (s[data_len - 1] == '=')
            data_len--;
    }
    rem = data_len % 4;
    if (rem == 1)
        return -1;
    if (data_len != len && rem == 0)
        return -1;

    buf = cc_malloc(data_len / 4 * 3 + rem + 1);
    for (size_t i = 0; i < data_len; i++) {
        int v = b64url_value((unsigned char)s[i]);
        if (v < 0)
            goto err_free_buf;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[n++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* The bits left over must be zero, so each byte string has exactly one encoding. */
    if (acc != 0)
        goto err_free_buf;

    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 0;

err_free_buf:
    free(buf);
    return -1;
}

void cc_hex_encode(const void *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *in = data;

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

int cc_hex_digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cc_hex_decode(const char *hex, uint8_t *out, size_t out_len)
{
    if (hex == NULL || strnlen(hex, 2 * out_len + 1) != 2 * out_len)
        return -1;
    for (size_t i = 0; i < out_len; i++) {
        int hi = cc_hex_digit_value((unsigned char)hex[2 * i]),
            lo = cc_hex_digit_value((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int cc_aead_seal(const uint8_t key[CC_AEAD_KEY_LEN], const void *plain, size_t plain_len, uint8_t **out,
                 size_t *out_len)
{
    EVP_CIPHER_CTX *ctx;
    uint8_t *buf;
    int len = 0, fin = 0, ret = -1;

    if (plain_len > (size_t)INT_MAX - AEAD_NONCE_LEN - AEAD_TAG_LEN)
        return -1;
    buf = cc_malloc(AEAD_NONCE_LEN + plain_len + AEAD_TAG_LEN);
    cc_random_bytes(buf, AEAD_NONCE_LEN);

    if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
        goto err_free_buf;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, buf) != 1)
        goto err_free_ctx;
    if (plain_len > 0 && EVP_EncryptUpdate(ctx, buf + AEAD_NONCE_LEN, &len, plain, (int)plain_len) != 1)
        goto err_free_ctx;
    if (EVP_EncryptFinal_ex(ctx, buf + AEAD_NONCE_LEN + len, &fin) != 1)
        goto err_free_ctx;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, AEAD_TAG_LEN, buf + AEAD_NONCE_LEN + plain_len) != 1)
        goto err_free_ctx;

    EVP_CIPHER_CTX_free(ctx);
    *out = buf;
    *out_len = AEAD_NONCE_LEN + plain_len + AEAD_TAG_LEN;
    return 0;

err_free_ctx:
    EVP_CIPHER_CTX_free(ctx);
err_free_buf:
    free(buf);
    return ret;
}

int cc_aead_open(const uint8_t key[CC_AEAD_KEY_LEN], const void *sealed, size_t sealed_len, uint8_t **plain,
                 size_t *plain_len)
{
    const uint8_t *in = sealed;
    EVP_CIPHER_CTX *ctx;
    uint8_t *buf, tag[AEAD_TAG_LEN];
    size_t ct_len;
    int len = 0, fin = 0;

    if (sealed_len < AEAD_NONCE_LEN + AEAD_TAG_LEN || sealed_len > (size_t)INT_MAX)
        return -1;
    ct_len = sealed_len - AEAD_NONCE_LEN - AEAD_TAG_LEN;
    memcpy(tag, in + AEAD_NONCE_LEN + ct_len, AEAD_TAG_LEN);
    buf = cc_malloc(ct_len + 1);

    if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
        goto err_free_buf;
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, in) != 1)
        goto err_free_ctx;
    if (ct_len > 0 && EVP_DecryptUpdate(ctx, buf, &len, in + AEAD_NONCE_LEN, (int)ct_len) != 1)
        goto err_free_ctx;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, AEAD_TAG_LEN, tag) != 1)
        goto err_free_ctx;
    if (EVP_DecryptFinal_ex(ctx, buf + len, &fin) != 1)
        goto err_free_ctx;

    EVP_CIPHER_CTX_free(ctx);
    buf[ct_len] = '\0';
    *plain = buf;
    *plain_len = ct_len;
    return 0;

err_free_ctx:
    EVP_CIPHER_CTX_free(ctx);
err_free_buf:
    OPENSSL_cleanse(buf, ct_len + 1);
    free(buf);
    return -1;
}

bool cc_is_equal_ct(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

/* Returns the contents of a memory BIO as a new NUL-terminated string. */
static char *bio_to_string(BIO *bio)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);

    return cc_strndup(data, len > 0 ? (size_t)len : 0);
}

int cc_ec_keygen(char **private_pem, char **public_pem)
{
    EVP_PKEY *pkey;
    BIO *priv_bio = NULL, *pub_bio = NULL;
    int ret = -1;

    if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
        return -1;
    if ((priv_bio = BIO_new(BIO_s_mem())) == NULL || (pub_bio = BIO_new(BIO_s_mem())) == NULL)
        goto out;
    if (PEM_write_bio_PrivateKey(priv_bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
        goto out;
    if (PEM_write_bio_PUBKEY(pub_bio, pkey) != 1)
        goto out;

    *private_pem = bio_to_string(priv_bio);
    *public_pem = bio_to_string(pub_bio);
    ret = 0;

out:
    /* The memory BIO held the private key in clear: BIO_free does not wipe it. */
    if (priv_bio != NULL) {
        char *data = NULL;
        long len = BIO_get_mem_data(priv_bio, &data);
        if (len > 0)
            OPENSSL_cleanse(data, (size_t)len);
    }
    BIO_free(priv_bio);
    BIO_free(pub_bio);
    EVP_PKEY_free(pkey);
    return ret;
}

void cc_uuid_v4(char out[37])
{
    uint8_t b[16];

    cc_random_bytes(b, sizeof(b));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

bool cc_is_uuid(const char *s, size_t len)
{
    if (s == NULL || len != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (cc_hex_digit_value((unsigned char)s[i]) < 0) {
            return false;
        }
    }
    return true;
}
