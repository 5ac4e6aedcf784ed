/*
 * Tenant-carrying tokens (refresh and calendar tokens): they round-trip the
 * tenant, hash consistently, and reject anything malformed.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_tenant_token.h"

START_TEST(round_trip)
{
    const char *tenant = "1a1c98ea-4deb-469f-bf6a-3243583cd896";
    char *token, hash[68], parsed_tenant[37], parsed_hash[68];
    ck_assert_int_eq(cc_tenant_token_new(tenant, &token, hash), 0);
    ck_assert_uint_eq(strlen(token), 64);
    ck_assert_int_eq(strncmp(hash, "\\x", 2), 0);
    ck_assert_uint_eq(strlen(hash), 66);
    ck_assert_int_eq(cc_tenant_token_parse(token, parsed_tenant, parsed_hash), 0);
    ck_assert_str_eq(parsed_tenant, tenant);
    ck_assert_str_eq(parsed_hash, hash);
    free(token);
}
END_TEST

START_TEST(tokens_are_unique)
{
    char *a, *b, ha[68], hb[68];
    cc_tenant_token_new("00000000-0000-4000-8000-000000000001", &a, ha);
    cc_tenant_token_new("00000000-0000-4000-8000-000000000001", &b, hb);
    ck_assert_str_ne(a, b);
    ck_assert_str_ne(ha, hb);
    free(a);
    free(b);
}
END_TEST

START_TEST(malformed_tokens_are_rejected)
{
    char tenant[37], hash[68];
    ck_assert_int_eq(cc_tenant_token_parse("", tenant, hash), -1);
    ck_assert_int_eq(cc_tenant_token_parse("short", tenant, hash), -1);
    char bad[65];
    memset(bad, '!', 64);
    bad[64] = '\0';
    ck_assert_int_eq(cc_tenant_token_parse(bad, tenant, hash), -1);
    ck_assert_int_eq(cc_tenant_token_new("not-a-uuid", (char **)&bad, hash), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("refresh_tokens");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, tokens_are_unique);
    tcase_add_test(tc, malformed_tokens_are_rejected);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
