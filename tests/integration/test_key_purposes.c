/*
 * Signing keys by purpose (migration 0021) against the real database and
 * identity: the access and attestation sets hold only their own keys; an
 * attestation signed with an access key does not verify against the
 * attestation set; an access token signed with the attestation key is refused
 * by identity (401); rotating the attestation key keeps the previous one
 * verifying, and the JWKS publishes both purposes (attestation kids "att-").
 * Needs DATABASE_URL, CC_MASTER_KEY, CC_TEST_IDENTITY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cc_crypto.h"
#include "cc_keys.h"
#include "cc_test_http.h"

#define POLL_ROUNDS 150 /* x 200 ms: well beyond the test deployment's key refresh */

static uint8_t master[32];

static void open_db(cc_dbconn_t *db)
{
    ck_assert_int_eq(cc_hex_decode(cc_test_env("CC_MASTER_KEY"), master, sizeof(master)), 0);
    ck_assert_int_eq(cc_dbconn_open(db, cc_test_env("DATABASE_URL")), 0);
    ck_assert_int_eq(cc_dbconn_ensure(db), 0);
}

/* An access token for a made-up admin, signed by ks's signing key. */
static char *token_signed_by(const cc_keyset_t *ks)
{
    cc_claims_t c;
    memset(&c, 0, sizeof(c));
    cc_uuid_v4(c.sub);
    cc_uuid_v4(c.tid);
    strcpy(c.role, "admin");
    char *token = NULL;
    ck_assert_int_eq(cc_jwt_issue(ks, &c, "certcycle", 900, time(NULL), &token), 0);
    return token;
}

static int me_status(const char *token)
{
    char *auth = cc_test_bearer(token);
    const char *headers[] = {auth, NULL};
    cc_test_request_t req = {"GET", cc_test_env("CC_TEST_IDENTITY_URL"), "/v1/me", headers, NULL, 0, 0, NULL,
                             NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    ck_assert_msg(resp != NULL, "GET /v1/me failed: %s", error);
    int status = resp->status;
    cc_test_response_free(resp);
    free(auth);
    return status;
}

START_TEST(each_purpose_verifies_only_its_own)
{
    cc_dbconn_t db;
    open_db(&db);
    cc_keyset_t *access = cc_keys_load(&db, CC_KEYS_ACCESS, master);
    cc_keyset_t *attestation = cc_keys_load(&db, CC_KEYS_ATTESTATION, master);
    ck_assert_ptr_nonnull(access);
    ck_assert_ptr_nonnull(attestation);
    ck_assert_uint_gt(cc_keyset_count(attestation), 0);

    /* An attestation signed with the access key: unknown to the attestation set. */
    json_t *payload = json_pack("{s:s}", "iss", "https://cb.example");
    char *jws = NULL;
    json_t *out = NULL;
    ck_assert_int_eq(cc_jws_sign(access, "vc+jwt", payload, &jws), 0);
    ck_assert_int_eq(cc_jws_verify(attestation, jws, "vc+jwt", &out), CC_JWT_UNKNOWN_KEY);
    free(jws);
    ck_assert_int_eq(cc_jws_sign(attestation, "vc+jwt", payload, &jws), 0);
    ck_assert_int_eq(cc_jws_verify(attestation, jws, "vc+jwt", &out), CC_JWT_OK);
    json_decref(out);
    free(jws);
    json_decref(payload);

    /* An access token signed with the attestation key: refused by the access set and by identity. */
    char *forged = token_signed_by(attestation);
    cc_claims_t claims;
    ck_assert_int_eq(cc_jwt_verify(access, forged, "certcycle", time(NULL), &claims), CC_JWT_UNKNOWN_KEY);
    ck_assert_int_eq(me_status(forged), 401);
    free(forged);

    cc_keyset_release(access);
    cc_keyset_release(attestation);
    cc_dbconn_close(&db);
}
END_TEST

/* True when identity's JWKS lists kid. */
static bool jwks_has(const char *kid)
{
    cc_test_response_t *resp =
        cc_test_http("GET", cc_test_env("CC_TEST_IDENTITY_URL"), "/.well-known/jwks.json", NULL, NULL);
    ck_assert_int_eq(resp->status, 200);
    bool found = false;
    size_t i;
    json_t *key;
    json_array_foreach(json_object_get(resp->json, "keys"), i, key)
    {
        ck_assert_str_eq(json_string_value(json_object_get(key, "use")), "sig");
        found = found || strcmp(json_string_value(json_object_get(key, "kid")), kid) == 0;
    }
    cc_test_response_free(resp);
    return found;
}

START_TEST(attestation_rotation_keeps_the_previous_key)
{
    cc_dbconn_t db;
    open_db(&db);
    cc_keyset_t *before = cc_keys_load(&db, CC_KEYS_ATTESTATION, master);
    json_t *payload = json_pack("{s:s}", "iss", "https://cb.example");
    char *old_jws = NULL, kid[64];
    ck_assert_int_eq(cc_jws_sign(before, "vc+jwt", payload, &old_jws), 0);

    ck_assert_int_eq(cc_keys_rotate(&db, CC_KEYS_ATTESTATION, master, kid), 0);
    ck_assert_int_eq(strncmp(kid, CC_KEYS_ATTESTATION_KID_PREFIX, strlen(CC_KEYS_ATTESTATION_KID_PREFIX)), 0);
    cc_keyset_t *after = cc_keys_load(&db, CC_KEYS_ATTESTATION, master);
    cc_keyset_t *access = cc_keys_load(&db, CC_KEYS_ACCESS, NULL);
    ck_assert(cc_keyset_has(after, kid));
    ck_assert(!cc_keyset_has(access, kid));
    json_t *out = NULL;
    ck_assert_int_eq(cc_jws_verify(after, old_jws, "vc+jwt", &out),
                     CC_JWT_OK); /* the previous key verifies */
    json_decref(out);

    /* The JWKS publishes the new attestation key once identity has reloaded (bounded poll). */
    bool published = false;
    for (int i = 0; i < POLL_ROUNDS && !(published = jwks_has(kid)); i++)
        usleep(200 * 1000);
    ck_assert_msg(published, "the JWKS does not list %s", kid);

    free(old_jws);
    json_decref(payload);
    cc_keyset_release(before);
    cc_keyset_release(after);
    cc_keyset_release(access);
    cc_dbconn_close(&db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("key_purposes");
    TCase *tc = tcase_create("purposes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, each_purpose_verifies_only_its_own);
    tcase_add_test(tc, attestation_rotation_keeps_the_previous_key);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
