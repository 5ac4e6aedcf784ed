/*
 * Unit tests of shared/cc_token_cache.c: hits and misses, expiry, keys that
 * leave the key set, eviction, capacity rounding, and that a lookup needs the
 * exact token (the whole hash is compared).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_token_cache.h"
#include "cc_mem.h"

#define NOW ((int64_t)1700000000)

static struct {
    char *priv;
    char *pub;
    cc_keyset_t *ks;
} fx;

static void setup(void)
{
    ck_assert_int_eq(cc_ec_keygen(&fx.priv, &fx.pub), 0);
    fx.ks = cc_keyset_new();
    ck_assert_int_eq(cc_keyset_add(fx.ks, "k1", fx.pub, NULL, false), 0);
}

static void teardown(void)
{
    cc_keyset_release(fx.ks);
    free(fx.priv);
    free(fx.pub);
}

static cc_claims_t claims_for(int n, int64_t exp)
{
    cc_claims_t c;

    memset(&c, 0, sizeof(c));
    snprintf(c.sub, sizeof(c.sub), "00000000-0000-4000-8000-%012d", n);
    strcpy(c.tid, "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    strcpy(c.role, "auditor");
    snprintf(c.jti, sizeof(c.jti), "11111111-0000-4000-8000-%012d", n);
    strcpy(c.kid, "k1");
    c.iat = NOW;
    c.exp = exp;
    return c;
}

START_TEST(test_put_get)
{
    cc_token_cache_t *cache = cc_token_cache_new(64);
    const char *token = "header.payload.signature";
    cc_claims_t c = claims_for(1, NOW + 900), out;

    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW, &out), -1);
    cc_token_cache_put(cache, token, strlen(token), &c);
    memset(&out, 0, sizeof(out));
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW, &out), 0);
    ck_assert_mem_eq(&out, &c, sizeof(c));
    /* Still there on a second look. */
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW + 899, &out), 0);
    cc_token_cache_free(cache);
}
END_TEST

START_TEST(test_exact_token_only)
{
    cc_token_cache_t *cache = cc_token_cache_new(1); /* one slot: every token maps to it */
    const char *token = "header.payload.signature";
    cc_claims_t c = claims_for(1, NOW + 900), out;

    cc_token_cache_put(cache, token, strlen(token), &c);
    ck_assert_int_eq(cc_token_cache_get(cache, "header.payload.signaturf", 24, fx.ks, NOW, &out), -1);
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token) - 1, fx.ks, NOW, &out), -1);
    ck_assert_int_eq(cc_token_cache_get(cache, "", 0, fx.ks, NOW, &out), -1);
    /* A miss on a different token does not drop the entry. */
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW, &out), 0);
    cc_token_cache_free(cache);
}
END_TEST

START_TEST(test_expiry_drops)
{
    cc_token_cache_t *cache = cc_token_cache_new(8);
    const char *token = "a.b.c";
    cc_claims_t c = claims_for(1, NOW + 10), out;

    cc_token_cache_put(cache, token, strlen(token), &c);
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW + 9, &out), 0);
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW + 10, &out), -1);
    /* Dropped, not merely hidden: even an earlier clock no longer finds it. */
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW, &out), -1);
    cc_token_cache_free(cache);
}
END_TEST

START_TEST(test_deleted_key_drops)
{
    cc_token_cache_t *cache = cc_token_cache_new(8);
    cc_keyset_t *without_k1 = cc_keyset_new();
    const char *token = "a.b.c";
    cc_claims_t c = claims_for(1, NOW + 900), out;

    ck_assert_int_eq(cc_keyset_add(without_k1, "k2", fx.pub, NULL, false), 0);
    cc_token_cache_put(cache, token, strlen(token), &c);
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), without_k1, NOW, &out), -1);
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW, &out), -1);
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), NULL, NOW, &out), -1);
    cc_keyset_release(without_k1);
    cc_token_cache_free(cache);
}
END_TEST

START_TEST(test_eviction)
{
    cc_token_cache_t *cache = cc_token_cache_new(1);
    cc_claims_t a = claims_for(1, NOW + 900), b = claims_for(2, NOW + 900), out;

    cc_token_cache_put(cache, "token-a", 7, &a);
    cc_token_cache_put(cache, "token-b", 7, &b);
    ck_assert_int_eq(cc_token_cache_get(cache, "token-a", 7, fx.ks, NOW, &out), -1);
    ck_assert_int_eq(cc_token_cache_get(cache, "token-b", 7, fx.ks, NOW, &out), 0);
    ck_assert_str_eq(out.sub, b.sub);
    /* Putting the same token again replaces its claims. */
    cc_token_cache_put(cache, "token-b", 7, &a);
    ck_assert_int_eq(cc_token_cache_get(cache, "token-b", 7, fx.ks, NOW, &out), 0);
    ck_assert_str_eq(out.sub, a.sub);
    cc_token_cache_free(cache);
}
END_TEST

START_TEST(test_many_tokens)
{
    cc_token_cache_t *cache = cc_token_cache_new(1024);
    char token[64];
    cc_claims_t c, out;
    int hits = 0;

    for (int i = 0; i < 256; i++) {
        snprintf(token, sizeof(token), "tok.%d.sig", i);
        c = claims_for(i, NOW + 900);
        cc_token_cache_put(cache, token, strlen(token), &c);
    }
    for (int i = 0; i < 256; i++) {
        snprintf(token, sizeof(token), "tok.%d.sig", i);
        if (cc_token_cache_get(cache, token, strlen(token), fx.ks, NOW, &out) == 0) {
            c = claims_for(i, NOW + 900);
            ck_assert_str_eq(out.sub, c.sub); /* a hit is always the right token's claims */
            hits++;
        }
    }
    /* Direct-mapped: collisions evict, but most of 256 tokens fit in 1024 slots. */
    ck_assert_int_gt(hits, 200);
    cc_token_cache_free(cache);
}
END_TEST

START_TEST(test_capacity_rounding)
{
    static const struct {
        size_t asked, got;
    } cases[] = {{0, 1}, {1, 1}, {2, 2}, {3, 4}, {1000, 1024}, {1024, 1024}, {1025, 2048}};

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cc_token_cache_t *cache = cc_token_cache_new(cases[i].asked);
        ck_assert_uint_eq(cc_token_cache_capacity(cache), cases[i].got);
        cc_token_cache_free(cache);
    }
    {
        cc_token_cache_t *cache = cc_token_cache_new((size_t)-1);
        ck_assert_uint_eq(cc_token_cache_capacity(cache), (size_t)1 << 20);
        cc_token_cache_free(cache);
    }
    cc_token_cache_free(NULL);
}
END_TEST

START_TEST(test_with_real_token)
{
    cc_keyset_t *ks = cc_keyset_new();
    cc_token_cache_t *cache = cc_token_cache_new(16);
    cc_claims_t c = claims_for(7, 0), verified, cached;
    char *token;

    ck_assert_int_eq(cc_keyset_add(ks, "k1", fx.pub, fx.priv, true), 0);
    c.cid[0] = '\0';
    ck_assert_int_eq(cc_jwt_issue(ks, &c, "certcycle", 900, NOW, &token), 0);
    ck_assert_int_eq(cc_jwt_verify(ks, token, "certcycle", NOW, &verified), CC_JWT_OK);
    cc_token_cache_put(cache, token, strlen(token), &verified);
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), ks, NOW + 1, &cached), 0);
    ck_assert_mem_eq(&cached, &verified, sizeof(cached));
    ck_assert_int_eq(cc_token_cache_get(cache, token, strlen(token), ks, NOW + 900, &cached), -1);
    free(token);
    cc_token_cache_free(cache);
    cc_keyset_release(ks);
}
END_TEST

static Suite *token_cache_suite(void)
{
    Suite *s = suite_create("token_cache");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_put_get);
    tcase_add_test(tc, test_exact_token_only);
    tcase_add_test(tc, test_expiry_drops);
    tcase_add_test(tc, test_deleted_key_drops);
    tcase_add_test(tc, test_eviction);
    tcase_add_test(tc, test_many_tokens);
    tcase_add_test(tc, test_capacity_rounding);
    tcase_add_test(tc, test_with_real_token);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(token_cache_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
