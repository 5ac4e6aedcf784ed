/*
 * Unit tests of shared/cc_password.c: the argon2id parameters in the encoded
 * form, round trips, wrong passwords, malformed hashes and the burn.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "cc_password.h"
#include "cc_mem.h"

/* argon2id with 64 MiB is slow, slower still under sanitizers. */
#define SLOW_TIMEOUT 120

START_TEST(test_hash_format)
{
    char *h = cc_password_hash("correct horse battery staple");

    ck_assert_ptr_nonnull(h);
    ck_assert_msg(strncmp(h, "$argon2id$v=19$m=65536,t=3,p=1$", 31) == 0, "unexpected parameters: %s", h);
    /* 16-byte salt and 32-byte hash: 22 and 43 unpadded base64 characters. */
    {
        const char *salt = h + 31, *dollar = strchr(salt, '$');
        ck_assert_ptr_nonnull(dollar);
        ck_assert_int_eq((int)(dollar - salt), 22);
        ck_assert_uint_eq(strlen(dollar + 1), 43);
    }
    free(h);
}
END_TEST

START_TEST(test_round_trip_and_wrong_password)
{
    const char *pw = "correct horse battery staple";
    char *h = cc_password_hash(pw);

    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(cc_password_verify(h, pw), 0);
    ck_assert_int_eq(cc_password_verify(h, "correct horse battery stapl"), -1);
    ck_assert_int_eq(cc_password_verify(h, "Correct horse battery staple"), -1);
    ck_assert_int_eq(cc_password_verify(h, ""), -1);
    free(h);
}
END_TEST

START_TEST(test_salted)
{
    char *a = cc_password_hash("the same password twice"), *b = cc_password_hash("the same password twice");

    ck_assert_str_ne(a, b);
    ck_assert_int_eq(cc_password_verify(b, "the same password twice"), 0);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_unicode_and_long_passwords)
{
    char long_pw[CC_PASSWORD_MAX_LEN + 1];
    char *h;

    memset(long_pw, 'x', CC_PASSWORD_MAX_LEN);
    long_pw[CC_PASSWORD_MAX_LEN] = '\0';
    h = cc_password_hash(long_pw);
    ck_assert_int_eq(cc_password_verify(h, long_pw), 0);
    long_pw[CC_PASSWORD_MAX_LEN - 1] = 'y';
    ck_assert_int_eq(cc_password_verify(h, long_pw), -1);
    free(h);

    h = cc_password_hash("pässwörd-ünïcødé-✓");
    ck_assert_int_eq(cc_password_verify(h, "pässwörd-ünïcødé-✓"), 0);
    ck_assert_int_eq(cc_password_verify(h, "passwford-unicode-"), -1);
    free(h);
}
END_TEST

START_TEST(test_malformed_hash)
{
    char *h = cc_password_hash("a password of some length"), *bad;
    size_t len = strlen(h);

    ck_assert_int_eq(cc_password_verify(NULL, "x"), -1);
    ck_assert_int_eq(cc_password_verify(h, NULL), -1);
    ck_assert_int_eq(cc_password_verify("", "x"), -1);
    ck_assert_int_eq(cc_password_verify("garbage", "x"), -1);
    ck_assert_int_eq(cc_password_verify("$argon2id$", "x"), -1);
    ck_assert_int_eq(cc_password_verify("$argon2id$v=19$m=65536,t=3,p=1$", "x"), -1);

    /* Truncated. */
    bad = strndup(h, len - 10);
    ck_assert_int_eq(cc_password_verify(bad, "a password of some length"), -1);
    free(bad);

    /* Another variant's label on an argon2id hash. */
    bad = strdup(h);
    memcpy(bad, "$argon2i$", 9);
    memmove(bad + 9, h + 10, len - 10 + 1);
    ck_assert_int_eq(cc_password_verify(bad, "a password of some length"), -1);
    free(bad);

    /* A changed hash byte. */
    bad = strdup(h);
    bad[len - 2] = bad[len - 2] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(cc_password_verify(bad, "a password of some length"), -1);
    free(bad);
    free(h);
}
END_TEST

START_TEST(test_argon2i_hash_not_accepted)
{
    char encoded[128];
    const char salt[] = "0123456789abcdef";

    ck_assert_int_eq(argon2i_hash_encoded(3, 1024, 1, "pw", 2, salt, 16, 32, encoded, sizeof(encoded)),
                     ARGON2_OK);
    ck_assert_int_eq(cc_password_verify(encoded, "pw"), -1);
}
END_TEST

/* The argon2 parameters of an encoded hash: "$argon2id$v=19$m=...,t=...,p=...$" (through the 4th '$'). */
static size_t params_len(const char *encoded)
{
    const char *p = encoded;
    for (int dollars = 0; *p != '\0'; p++)
        if (*p == '$' && ++dollars == 4)
            return (size_t)(p - encoded) + 1;
    return 0;
}

START_TEST(test_burn)
{
    /*
     * The burn makes an unknown account cost what a wrong password costs: one
     * verification against a hash with the very parameters (variant, memory,
     * passes, lanes) and salt and hash lengths of a real one. (Timing is not
     * asserted; the work is.) No password a caller sends matches it.
     */
    char *real = cc_password_hash("a real user's password");
    const char *burn = cc_password_burn_hash();
    ck_assert_ptr_nonnull(burn);
    ck_assert_uint_gt(params_len(real), 0);
    ck_assert_uint_eq(params_len(burn), params_len(real));
    ck_assert_msg(strncmp(burn, real, params_len(real)) == 0, "burn hash %s, real hash %s", burn, real);
    ck_assert_uint_eq(strlen(burn), strlen(real));
    ck_assert_ptr_eq(cc_password_burn_hash(), burn); /* made once */
    ck_assert_int_eq(cc_password_verify(burn, "a real user's password"), -1);
    ck_assert_int_eq(cc_password_verify(burn, ""), -1);

    /* Any input, NULL included, runs to the end. */
    cc_password_burn("some password");
    cc_password_burn("");
    cc_password_burn(NULL);
    free(real);
}
END_TEST

static Suite *password_suite(void)
{
    Suite *s = suite_create("password");
    TCase *tc = tcase_create("argon2id");

    tcase_set_timeout(tc, SLOW_TIMEOUT);
    tcase_add_test(tc, test_hash_format);
    tcase_add_test(tc, test_round_trip_and_wrong_password);
    tcase_add_test(tc, test_salted);
    tcase_add_test(tc, test_unicode_and_long_passwords);
    tcase_add_test(tc, test_malformed_hash);
    tcase_add_test(tc, test_argon2i_hash_not_accepted);
    tcase_add_test(tc, test_burn);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(password_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
