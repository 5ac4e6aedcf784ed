/*
 * Unit tests of shared/cc_crypto.c: SHA-256, HMAC-SHA256 and base64url test vectors, strict
 * decoding, hex, AES-256-GCM sealing and tamper detection, constant-time
 * comparison, P-256 key generation and UUIDs.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cc_crypto.h"
#include "cc_mem.h"

START_TEST(test_random_bytes_differ)
{
    uint8_t a[32], b[32], zero[32] = {0};

    cc_random_bytes(a, sizeof(a));
    cc_random_bytes(b, sizeof(b));
    ck_assert(memcmp(a, b, sizeof(a)) != 0);
    ck_assert(memcmp(a, zero, sizeof(a)) != 0);
    cc_random_bytes(a, 0);
}
END_TEST

START_TEST(test_sha256_vectors)
{
    uint8_t out[CC_SHA256_LEN];
    char hex[2 * CC_SHA256_LEN + 1];

    cc_sha256("abc", 3, out);
    cc_hex_encode(out, sizeof(out), hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    cc_sha256("", 0, out);
    cc_hex_encode(out, sizeof(out), hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

/* The incremental digest, fed in pieces, equals the one-shot digest. */
/* RFC 4231 section 4: test cases 1, 2, 4, 6 and 7 (a key longer than the block, data longer than it). */
START_TEST(test_hmac_sha256_rfc4231)
{
    static const struct {
        const char *key_hex, *data, *mac;
    } cases[] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"4a656665", "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819", NULL,
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {NULL,
         "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
         "to be hashed before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t key[131], data[50], mac[CC_SHA256_LEN];
        size_t key_len = 131;
        if (cases[i].key_hex != NULL) {
            key_len = strlen(cases[i].key_hex) / 2;
            ck_assert_int_eq(cc_hex_decode(cases[i].key_hex, key, key_len), 0);
        } else {
            memset(key, 0xaa, sizeof(key));
        }
        const void *msg = cases[i].data;
        size_t msg_len = msg != NULL ? strlen(cases[i].data) : sizeof(data);
        if (msg == NULL) {
            memset(data, 0xcd, sizeof(data));
            msg = data;
        }
        cc_hmac_sha256(key, key_len, msg, msg_len, mac);
        char hex[2 * CC_SHA256_LEN + 1];
        cc_hex_encode(mac, sizeof(mac), hex);
        ck_assert_str_eq(hex, cases[i].mac);
    }
}
END_TEST

START_TEST(test_sha256_incremental)
{
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t one[CC_SHA256_LEN], pieces[CC_SHA256_LEN];
    cc_sha256(msg, strlen(msg), one);
    cc_sha256_ctx_t *ctx = cc_sha256_begin();
    for (size_t i = 0; i < strlen(msg); i += 7)
        cc_sha256_update(ctx, msg + i, strlen(msg) - i < 7 ? strlen(msg) - i : 7);
    cc_sha256_update(ctx, "", 0);
    cc_sha256_final(ctx, pieces);
    ck_assert_mem_eq(one, pieces, CC_SHA256_LEN);
    cc_sha256_final(cc_sha256_begin(), NULL); /* an abandoned digest is freed */
}
END_TEST

static const struct {
    const char *plain;
    const char *encoded;
} b64_vectors[] = {
    {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

START_TEST(test_base64url_rfc4648_vectors)
{
    for (size_t i = 0; i < sizeof(b64_vectors) / sizeof(b64_vectors[0]); i++) {
        const char *plain = b64_vectors[i].plain;
        char *enc = cc_base64url_encode(plain, strlen(plain));
        uint8_t *dec;
        size_t dec_len;

        ck_assert_str_eq(enc, b64_vectors[i].encoded);
        ck_assert_int_eq(cc_base64url_decode(enc, strlen(enc), &dec, &dec_len), 0);
        ck_assert_uint_eq(dec_len, strlen(plain));
        ck_assert_mem_eq(dec, plain, dec_len);
        ck_assert_int_eq(dec[dec_len], 0);
        free(dec);
        free(enc);
    }
}
END_TEST

START_TEST(test_base64url_alphabet)
{
    const uint8_t raw[] = {0xfb, 0xff, 0xbf};
    char *enc = cc_base64url_encode(raw, sizeof(raw));
    uint8_t *dec;
    size_t dec_len;

    ck_assert_str_eq(enc, "-_-_");
    ck_assert_int_eq(cc_base64url_decode(enc, strlen(enc), &dec, &dec_len), 0);
    ck_assert_uint_eq(dec_len, 3);
    ck_assert_mem_eq(dec, raw, 3);
    free(dec);
    free(enc);
}
END_TEST

START_TEST(test_base64url_padded_accepted)
{
    uint8_t *dec;
    size_t dec_len;

    ck_assert_int_eq(cc_base64url_decode("Zg==", 4, &dec, &dec_len), 0);
    ck_assert_uint_eq(dec_len, 1);
    ck_assert_int_eq(dec[0], 'f');
    free(dec);
    ck_assert_int_eq(cc_base64url_decode("Zm8=", 4, &dec, &dec_len), 0);
    ck_assert_uint_eq(dec_len, 2);
    ck_assert_mem_eq(dec, "fo", 2);
    free(dec);
}
END_TEST

START_TEST(test_base64url_rejects_invalid)
{
    static const char *bad[] = {
        "Z",        /* a length no encoding has */
        "Zm9vY",    /* same, longer */
        "Zm+v",     /* standard-alphabet characters */
        "Zm/v",     /* */
        "Zm9v\n",   /* whitespace */
        "Zg=",      /* short padding */
        "Z===",     /* too much padding */
        "Zg=A",     /* padding in the middle */
        "Zm9v====", /* a padded empty quantum */
        "Zh",       /* non-zero leftover bits: a second encoding of "f" */
        "Zm9",      /* non-zero leftover bits */
        "Zm9vYmF=",
    };
    uint8_t *dec = NULL;
    size_t dec_len = 0;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(cc_base64url_decode(bad[i], strlen(bad[i]), &dec, &dec_len) == -1, "accepted %s",
                      bad[i]);
    /* An embedded NUL is not a base64url character. */
    ck_assert_int_eq(cc_base64url_decode("Zm\0v", 4, &dec, &dec_len), -1);
    ck_assert_ptr_null(dec);
}
END_TEST

START_TEST(test_base64url_binary_round_trip)
{
    uint8_t raw[257], *dec;
    size_t dec_len;

    for (size_t i = 0; i < sizeof(raw); i++)
        raw[i] = (uint8_t)(i * 37 + 11);
    for (size_t n = 0; n <= sizeof(raw); n++) {
        char *enc = cc_base64url_encode(raw, n);
        ck_assert_uint_eq(strlen(enc), (n * 4 + 2) / 3);
        ck_assert_int_eq(cc_base64url_decode(enc, strlen(enc), &dec, &dec_len), 0);
        ck_assert_uint_eq(dec_len, n);
        ck_assert(n == 0 || memcmp(dec, raw, n) == 0);
        free(dec);
        free(enc);
    }
}
END_TEST

START_TEST(test_hex)
{
    const uint8_t raw[] = {0x00, 0x01, 0xab, 0xff};
    uint8_t out[4];
    char hex[9];

    cc_hex_encode(raw, sizeof(raw), hex);
    ck_assert_str_eq(hex, "0001abff");
    ck_assert_int_eq(cc_hex_decode("0001abff", out, 4), 0);
    ck_assert_mem_eq(out, raw, 4);
    ck_assert_int_eq(cc_hex_decode("0001ABFF", out, 4), 0);
    ck_assert_mem_eq(out, raw, 4);
    ck_assert_int_eq(cc_hex_decode("0001abf", out, 4), -1);    /* short */
    ck_assert_int_eq(cc_hex_decode("0001abff00", out, 4), -1); /* long */
    ck_assert_int_eq(cc_hex_decode("0001abfg", out, 4), -1);   /* not hex */
    ck_assert_int_eq(cc_hex_decode(" 001abff", out, 4), -1);
    ck_assert_int_eq(cc_hex_decode(NULL, out, 4), -1);
    ck_assert_int_eq(cc_hex_decode("", out, 0), 0);
}
END_TEST

static void test_key(uint8_t key[CC_AEAD_KEY_LEN])
{
    ck_assert_int_eq(cc_hex_decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key,
                                   CC_AEAD_KEY_LEN),
                     0);
}

START_TEST(test_aead_round_trip)
{
    uint8_t key[CC_AEAD_KEY_LEN], *sealed, *sealed2, *plain;
    size_t sealed_len, sealed2_len, plain_len;
    const char *secret = "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n";

    test_key(key);
    ck_assert_int_eq(cc_aead_seal(key, secret, strlen(secret), &sealed, &sealed_len), 0);
    ck_assert_uint_eq(sealed_len, 12 + strlen(secret) + 16);
    ck_assert(memmem(sealed, sealed_len, "secret", 6) == NULL);
    ck_assert_int_eq(cc_aead_open(key, sealed, sealed_len, &plain, &plain_len), 0);
    ck_assert_uint_eq(plain_len, strlen(secret));
    ck_assert_str_eq((char *)plain, secret);
    free(plain);

    /* A fresh nonce each time: the same plaintext seals differently. */
    ck_assert_int_eq(cc_aead_seal(key, secret, strlen(secret), &sealed2, &sealed2_len), 0);
    ck_assert_uint_eq(sealed2_len, sealed_len);
    ck_assert(memcmp(sealed, sealed2, sealed_len) != 0);
    free(sealed2);
    free(sealed);
}
END_TEST

START_TEST(test_aead_empty_plaintext)
{
    uint8_t key[CC_AEAD_KEY_LEN], *sealed, *plain;
    size_t sealed_len, plain_len;

    test_key(key);
    ck_assert_int_eq(cc_aead_seal(key, "", 0, &sealed, &sealed_len), 0);
    ck_assert_uint_eq(sealed_len, 28);
    ck_assert_int_eq(cc_aead_open(key, sealed, sealed_len, &plain, &plain_len), 0);
    ck_assert_uint_eq(plain_len, 0);
    ck_assert_int_eq(plain[0], 0);
    free(plain);
    free(sealed);
}
END_TEST

START_TEST(test_aead_tamper_detected)
{
    uint8_t key[CC_AEAD_KEY_LEN], other[CC_AEAD_KEY_LEN], *sealed, *plain = NULL;
    size_t sealed_len, plain_len;

    test_key(key);
    memcpy(other, key, sizeof(key));
    other[0] ^= 1;
    ck_assert_int_eq(cc_aead_seal(key, "attack at dawn", 14, &sealed, &sealed_len), 0);

    /* Every single-bit flip, in nonce, ciphertext or tag, fails. */
    for (size_t i = 0; i < sealed_len; i++) {
        sealed[i] ^= 0x01;
        ck_assert_int_eq(cc_aead_open(key, sealed, sealed_len, &plain, &plain_len), -1);
        sealed[i] ^= 0x01;
    }
    ck_assert_int_eq(cc_aead_open(other, sealed, sealed_len, &plain, &plain_len), -1);
    ck_assert_int_eq(cc_aead_open(key, sealed, sealed_len - 1, &plain, &plain_len), -1);
    ck_assert_int_eq(cc_aead_open(key, sealed, 27, &plain, &plain_len), -1);
    ck_assert_int_eq(cc_aead_open(key, sealed, 0, &plain, &plain_len), -1);
    ck_assert_ptr_null(plain);
    ck_assert_int_eq(cc_aead_open(key, sealed, sealed_len, &plain, &plain_len), 0);
    ck_assert_str_eq((char *)plain, "attack at dawn");
    free(plain);
    free(sealed);
}
END_TEST

START_TEST(test_equal_ct)
{
    ck_assert(cc_is_equal_ct("abcdef", "abcdef", 6));
    ck_assert(!cc_is_equal_ct("abcdef", "abcdeg", 6));
    ck_assert(!cc_is_equal_ct("xbcdef", "abcdef", 6));
    ck_assert(cc_is_equal_ct("a", "b", 0));
}
END_TEST

START_TEST(test_ec_keygen)
{
    char *priv_pem, *pub_pem, *priv2_pem, *pub2_pem, group[64];
    EVP_PKEY *priv, *pub;
    BIO *bio;

    ck_assert_int_eq(cc_ec_keygen(&priv_pem, &pub_pem), 0);
    ck_assert(strncmp(priv_pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
    ck_assert(strncmp(pub_pem, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);

    bio = BIO_new_mem_buf(priv_pem, -1);
    priv = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    bio = BIO_new_mem_buf(pub_pem, -1);
    pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    ck_assert_ptr_nonnull(priv);
    ck_assert_ptr_nonnull(pub);
    ck_assert(EVP_PKEY_is_a(pub, "EC"));
    ck_assert_int_eq(EVP_PKEY_get_group_name(pub, group, sizeof(group), NULL), 1);
    ck_assert_str_eq(group, "prime256v1");
    ck_assert_int_eq(EVP_PKEY_eq(pub, priv), 1);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);

    ck_assert_int_eq(cc_ec_keygen(&priv2_pem, &pub2_pem), 0);
    ck_assert_str_ne(pub_pem, pub2_pem);
    free(priv_pem);
    free(pub_pem);
    free(priv2_pem);
    free(pub2_pem);
}
END_TEST

START_TEST(test_uuid_v4)
{
    char a[37], b[37];

    cc_uuid_v4(a);
    cc_uuid_v4(b);
    ck_assert_uint_eq(strlen(a), 36);
    ck_assert(cc_is_uuid(a, strlen(a)));
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(a[14], '4');
    ck_assert(strchr("89ab", a[19]) != NULL);
    for (size_t i = 0; i < 36; i++)
        ck_assert(strchr("0123456789abcdef-", a[i]) != NULL);
}
END_TEST

START_TEST(test_is_uuid)
{
    ck_assert(cc_is_uuid("123e4567-e89b-12d3-a456-426614174000", 36));
    ck_assert(cc_is_uuid("123E4567-E89B-12D3-A456-426614174000", 36));
    ck_assert(!cc_is_uuid("123e4567-e89b-12d3-a456-42661417400", 35));
    ck_assert(!cc_is_uuid("123e4567-e89b-12d3-a456-4266141740000", 37));
    ck_assert(!cc_is_uuid("123e4567e89b-12d3-a456-4266141740000", 36));
    ck_assert(!cc_is_uuid("123e4567-e89b-12d3-a456-42661417400g", 36));
    ck_assert(!cc_is_uuid("{23e4567-e89b-12d3-a456-42661417400}", 36));
    ck_assert(!cc_is_uuid("", 0));
    ck_assert(!cc_is_uuid(NULL, 36));
    /* The length given is what counts: a longer buffer's prefix is not a UUID of 37 bytes. */
    ck_assert(cc_is_uuid("123e4567-e89b-12d3-a456-426614174000xyz", 36));
}
END_TEST

static Suite *crypto_suite(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_random_bytes_differ);
    tcase_add_test(tc, test_sha256_vectors);
    tcase_add_test(tc, test_sha256_incremental);
    tcase_add_test(tc, test_hmac_sha256_rfc4231);
    tcase_add_test(tc, test_base64url_rfc4648_vectors);
    tcase_add_test(tc, test_base64url_alphabet);
    tcase_add_test(tc, test_base64url_padded_accepted);
    tcase_add_test(tc, test_base64url_rejects_invalid);
    tcase_add_test(tc, test_base64url_binary_round_trip);
    tcase_add_test(tc, test_hex);
    tcase_add_test(tc, test_aead_round_trip);
    tcase_add_test(tc, test_aead_empty_plaintext);
    tcase_add_test(tc, test_aead_tamper_detected);
    tcase_add_test(tc, test_equal_ct);
    tcase_add_test(tc, test_ec_keygen);
    tcase_add_test(tc, test_uuid_v4);
    tcase_add_test(tc, test_is_uuid);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(crypto_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
