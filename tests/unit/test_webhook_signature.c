/*
 * Unit tests of the webhook signature (services/registry-sync/webhook_signature.c): the header's shape and
 * HMAC-SHA256 over "<t>.<body>" keyed with the secret string, against values computed independently with
 * Python's hmac (python3 -c "import hmac, hashlib; print(hmac.new(b'whsec_test', b'1700000000.' + body,
 * hashlib.sha256).hexdigest())").
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "registry-sync/webhook_signature.c"

static const char body[] = "{\"id\":\"e1\",\"type\":\"certificate.issued\"}";

START_TEST(test_signature_matches_python_hmac)
{
    char sig[WEBHOOK_SIGNATURE_BUFSIZE];
    ck_assert_int_eq(webhook_signature("whsec_test", 1700000000, body, strlen(body), sig), 0);
    ck_assert_str_eq(sig, "t=1700000000,v1=f74cc1c3b4e2a326375f170a27cfdd01e522b794094f2fb3076fa20a033610f9");
}
END_TEST

START_TEST(test_signature_empty_body)
{
    char sig[WEBHOOK_SIGNATURE_BUFSIZE];
    ck_assert_int_eq(webhook_signature("whsec_test", 1700000000, "", 0, sig), 0);
    ck_assert_str_eq(sig, "t=1700000000,v1=5967f3c560522fa40cf2876ebc3c3a08551dd6959aaade3b413460591895bdcc");
}
END_TEST

START_TEST(test_signature_depends_on_secret_time_and_body)
{
    char a[WEBHOOK_SIGNATURE_BUFSIZE], b[WEBHOOK_SIGNATURE_BUFSIZE], c[WEBHOOK_SIGNATURE_BUFSIZE],
        d[WEBHOOK_SIGNATURE_BUFSIZE];
    webhook_signature("whsec_test", 1700000000, body, strlen(body), a);
    webhook_signature("whsec_other", 1700000000, body, strlen(body), b);
    webhook_signature("whsec_test", 1700000001, body, strlen(body), c);
    webhook_signature("whsec_test", 1700000000, body, strlen(body) - 1, d);
    ck_assert_str_eq(b, "t=1700000000,v1=7196fe93d252344d5278df0437a2a652f3d2d506b683b161097cc00e4cca428a");
    ck_assert_str_ne(a + 16, c + 16);
    ck_assert_str_ne(a, d);
    ck_assert(strncmp(c, "t=1700000001,v1=", 16) == 0);
}
END_TEST

START_TEST(test_signature_refuses_negative_time)
{
    char sig[WEBHOOK_SIGNATURE_BUFSIZE];
    ck_assert_int_eq(webhook_signature("whsec_test", -1, body, strlen(body), sig), -1);
}
END_TEST

static Suite *signature_suite(void)
{
    Suite *s = suite_create("webhook_signature");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_signature_matches_python_hmac);
    tcase_add_test(tc, test_signature_empty_body);
    tcase_add_test(tc, test_signature_depends_on_secret_time_and_body);
    tcase_add_test(tc, test_signature_refuses_negative_time);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(signature_suite());
}
