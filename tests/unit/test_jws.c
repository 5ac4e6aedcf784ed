/*
 * Unit tests of cc_jws_sign / cc_jws_verify (shared/cc_jwt.c) and of the
 * separation of key purposes (migration 0021): an attestation signed with an
 * access key does not verify against the attestation set, and an access token
 * signed with an attestation key is refused by access-token verification.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_jwt.h"

#define NOW ((int64_t)1700000000)

static char *priv[2], *pub[2]; /* [0] the access key, [1] the attestation key */

static void setup(void)
{
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(cc_ec_keygen(&priv[i], &pub[i]), 0);
}

static void teardown(void)
{
    for (int i = 0; i < 2; i++) {
        free(priv[i]);
        free(pub[i]);
    }
}

static cc_keyset_t *set_of(int i, const char *kid, bool signing)
{
    cc_keyset_t *ks = cc_keyset_new();
    ck_assert_int_eq(cc_keyset_add(ks, kid, pub[i], signing ? priv[i] : NULL, signing), 0);
    return ks;
}

/* The JSON of one base64url part of a compact JWS (0 header, 1 payload); caller decrefs. */
static json_t *part(const char *jws, int which)
{
    const char *start = jws;
    for (int i = 0; i < which; i++)
        start = strchr(start, '.') + 1;
    const char *end = strchr(start, '.');
    uint8_t *raw;
    size_t len;
    ck_assert_int_eq(cc_base64url_decode(start, (size_t)(end - start), &raw, &len), 0);
    json_t *v = json_loadb((const char *)raw, len, 0, NULL);
    free(raw);
    ck_assert_ptr_nonnull(v);
    return v;
}

START_TEST(sign_and_verify_round_trip)
{
    cc_keyset_t *signer = set_of(1, "att-1", true), *verifier = set_of(1, "att-1", false);
    json_t *payload =
        json_pack("{s:s, s:I, s:{s:[s,s]}}", "iss", "https://cb.example", "iat", (json_int_t)NOW, "vc",
                  "type", "VerifiableCredential", "DigitalConformityCredential");
    char *jws = NULL;
    ck_assert_int_eq(cc_jws_sign(signer, "vc+jwt", payload, &jws), 0);

    json_t *header = part(jws, 0);
    ck_assert_str_eq(json_string_value(json_object_get(header, "alg")), "ES256");
    ck_assert_str_eq(json_string_value(json_object_get(header, "typ")), "vc+jwt");
    ck_assert_str_eq(json_string_value(json_object_get(header, "kid")), "att-1");
    ck_assert_int_eq(strlen(strrchr(jws, '.') + 1), 86); /* raw R||S */

    json_t *out = NULL;
    ck_assert_int_eq(cc_jws_verify(verifier, jws, "vc+jwt", &out), CC_JWT_OK);
    ck_assert(json_equal(out, payload));
    json_decref(out);
    /* Another typ is not this kind of document. */
    ck_assert_int_eq(cc_jws_verify(verifier, jws, "JWT", &out), CC_JWT_BAD_CLAIMS);

    json_decref(header);
    json_decref(payload);
    free(jws);
    cc_keyset_release(signer);
    cc_keyset_release(verifier);
}
END_TEST

START_TEST(tampered_payload_fails)
{
    cc_keyset_t *ks = set_of(1, "att-1", true);
    json_t *payload = json_pack("{s:s}", "status", "suspended");
    char *jws = NULL;
    ck_assert_int_eq(cc_jws_sign(ks, "vc+jwt", payload, &jws), 0);
    /* Replace the payload with {"status":"active"} and keep header and signature. */
    char *fake = cc_base64url_encode((const uint8_t *)"{\"status\":\"active\"}", 19);
    const char *dot1 = strchr(jws, '.'), *dot2 = strrchr(jws, '.');
    char forged[1024];
    snprintf(forged, sizeof(forged), "%.*s.%s%s", (int)(dot1 - jws), jws, fake, dot2);
    json_t *out = NULL;
    ck_assert_int_eq(cc_jws_verify(ks, forged, "vc+jwt", &out), CC_JWT_BAD_SIGNATURE);
    free(fake);
    free(jws);
    json_decref(payload);
    cc_keyset_release(ks);
}
END_TEST

START_TEST(attestation_signed_with_an_access_key_does_not_verify)
{
    cc_keyset_t *access = set_of(0, "k-access", true), *attestation = set_of(1, "att-1", false);
    json_t *payload = json_pack("{s:s}", "iss", "https://cb.example");
    char *jws = NULL;
    ck_assert_int_eq(cc_jws_sign(access, "vc+jwt", payload, &jws), 0);
    json_t *out = NULL;
    ck_assert_int_eq(cc_jws_verify(attestation, jws, "vc+jwt", &out), CC_JWT_UNKNOWN_KEY);
    free(jws);
    json_decref(payload);
    cc_keyset_release(access);
    cc_keyset_release(attestation);
}
END_TEST

START_TEST(access_token_signed_with_an_attestation_key_is_refused)
{
    cc_keyset_t *attestation = set_of(1, "att-1", true), *access = set_of(0, "k-access", false);
    cc_claims_t c;
    memset(&c, 0, sizeof(c));
    strcpy(c.sub, "0b7a3c1e-5d2f-4e8a-9c6b-1f2e3d4c5b6a");
    strcpy(c.tid, "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    strcpy(c.role, "admin");
    char *token = NULL;
    ck_assert_int_eq(cc_jwt_issue(attestation, &c, "certcycle", 900, NOW, &token), 0);
    cc_claims_t out;
    ck_assert_int_eq(cc_jwt_verify(access, token, "certcycle", NOW, &out), CC_JWT_UNKNOWN_KEY);
    /* Even a kid that names the access key does not help: the signature is the attestation key's. */
    cc_keyset_t *same_kid = set_of(0, "att-1", false);
    ck_assert_int_eq(cc_jwt_verify(same_kid, token, "certcycle", NOW, &out), CC_JWT_BAD_SIGNATURE);
    free(token);
    cc_keyset_release(same_kid);
    cc_keyset_release(attestation);
    cc_keyset_release(access);
}
END_TEST

START_TEST(sign_refuses)
{
    cc_keyset_t *verify_only = set_of(1, "att-1", false);
    json_t *payload = json_object(), *array = json_array();
    char *jws = NULL;
    ck_assert_int_eq(cc_jws_sign(verify_only, "vc+jwt", payload, &jws), -1); /* no signing key */
    cc_keyset_t *ks = set_of(1, "att-2", true);
    ck_assert_int_eq(cc_jws_sign(ks, "vc+jwt", array, &jws), -1); /* not an object */
    ck_assert_int_eq(cc_jws_sign(ks, NULL, payload, &jws), -1);
    ck_assert_ptr_null(jws);
    json_decref(payload);
    json_decref(array);
    cc_keyset_release(ks);
    cc_keyset_release(verify_only);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jws");
    TCase *tc = tcase_create("jws");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, sign_and_verify_round_trip);
    tcase_add_test(tc, tampered_payload_fails);
    tcase_add_test(tc, attestation_signed_with_an_access_key_does_not_verify);
    tcase_add_test(tc, access_token_signed_with_an_attestation_key_is_refused);
    tcase_add_test(tc, sign_refuses);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
