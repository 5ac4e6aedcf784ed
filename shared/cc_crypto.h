/*
 * Small cryptographic primitives over OpenSSL: randomness, SHA-256, base64url,
 * hex, AES-256-GCM sealing of secrets at rest, constant-time comparison, and
 * P-256 key generation for the token signing keys.
 */
#ifndef CC_CRYPTO_H
#define CC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_SHA256_LEN 32
#define CC_AEAD_KEY_LEN 32

/* Fills buf with len cryptographically secure random bytes; aborts if the CSPRNG fails. */
void cc_random_bytes(void *buf, size_t len);

/* out = SHA-256(data). */
void cc_sha256(const void *data, size_t len, uint8_t out[CC_SHA256_LEN]);

/* out = HMAC-SHA256(key, data) (RFC 2104; any key length). */
void cc_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    uint8_t out[CC_SHA256_LEN]);

/* An incremental SHA-256 (for data that arrives in pieces, e.g. an uploaded file). */
typedef struct cc_sha256_ctx cc_sha256_ctx_t;

/* A new digest in progress; never NULL (aborts when OpenSSL cannot make one). Free with cc_sha256_final. */
cc_sha256_ctx_t *cc_sha256_begin(void);

/* Adds len bytes of data. */
void cc_sha256_update(cc_sha256_ctx_t *ctx, const void *data, size_t len);

/* Writes the digest to out (when out is not NULL) and frees ctx. */
void cc_sha256_final(cc_sha256_ctx_t *ctx, uint8_t out[CC_SHA256_LEN]);

/* Unpadded base64url of data; returns a NUL-terminated string the caller frees. */
char *cc_base64url_encode(const void *data, size_t len);

/*
 * Decodes unpadded (or padded) base64url. On success returns 0 and sets *out to
 * a buffer of *out_len bytes the caller frees (it is NUL-terminated one past the
 * end for convenience). Returns -1 on any invalid character or length.
 */
int cc_base64url_decode(const char *s, size_t len, uint8_t **out, size_t *out_len);

/* Writes 2*len lowercase hex digits and a NUL into out. */
void cc_hex_encode(const void *data, size_t len, char *out);

/* The value of one hex digit (either case), or -1. */
int cc_hex_digit_value(int c);

/* Decodes exactly 2*out_len hex digits from hex into out; returns 0, or -1 if hex is not that. */
int cc_hex_decode(const char *hex, uint8_t *out, size_t out_len);

/*
 * AES-256-GCM. Seal writes nonce(12) || ciphertext || tag(16) to a new buffer
 * *out (caller frees). Open reverses it and fails (-1) when the tag does not
 * verify. Both return 0 on success. *plain is NUL-terminated one past the end
 * for convenience (a sealed PEM opens as a C string).
 */
int cc_aead_seal(const uint8_t key[CC_AEAD_KEY_LEN], const void *plain, size_t plain_len, uint8_t **out,
                 size_t *out_len);
int cc_aead_open(const uint8_t key[CC_AEAD_KEY_LEN], const void *sealed, size_t sealed_len, uint8_t **plain,
                 size_t *plain_len);

/* Compares n bytes in time independent of their contents. */
bool cc_is_equal_ct(const void *a, const void *b, size_t n);

/*
 * Generates a P-256 key pair. On success returns 0 and sets *private_pem
 * (PKCS#8 PEM) and *public_pem (SubjectPublicKeyInfo PEM), both caller-freed.
 */
int cc_ec_keygen(char **private_pem, char **public_pem);

/* Formats a random (v4) UUID into out (37 bytes incl. NUL). */
void cc_uuid_v4(char out[37]);

/* True when s is a canonical 36-character UUID (any case). */
bool cc_is_uuid(const char *s, size_t len);

#endif
