/*
 * Unit tests of the webhook retry delay (services/registry-sync/webhook_delivery.c webhook_backoff_ms):
 * base · 2^attempts with jitter between half of it and all of it, capped at an hour.
 */
#include "cc_test_main.h"
#include <check.h>

#include "registry-sync/webhook_delivery.c"
#include "registry-sync/webhook_signature.c"

START_TEST(test_backoff_doubles_with_jitter)
{
    unsigned seed = 42;
    for (int attempts = 0; attempts < 8; attempts++) {
        int64_t full = (int64_t)200 << attempts;
        for (int i = 0; i < 200; i++) {
            int64_t d = webhook_backoff_ms(200, attempts, &seed);
            ck_assert_msg(d >= full / 2 && d <= full, "attempt %d: %lld not in [%lld, %lld]", attempts,
                          (long long)d, (long long)(full / 2), (long long)full);
        }
    }
}
END_TEST

START_TEST(test_backoff_jitters)
{
    unsigned seed = 7;
    int64_t first = webhook_backoff_ms(1000, 3, &seed);
    int differ = 0;
    for (int i = 0; i < 50; i++)
        differ += webhook_backoff_ms(1000, 3, &seed) != first;
    ck_assert_int_gt(differ, 0);
}
END_TEST

START_TEST(test_backoff_capped_at_an_hour)
{
    unsigned seed = 1;
    for (int attempts = 20; attempts < 100; attempts += 7) {
        int64_t d = webhook_backoff_ms(1000, attempts, &seed);
        ck_assert(d >= 1800 * 1000 && d <= 3600 * 1000);
    }
    ck_assert(webhook_backoff_ms(0, 0, &seed) <= 1); /* a zero base still waits a little, never negative */
}
END_TEST

static Suite *backoff_suite(void)
{
    Suite *s = suite_create("webhook_backoff");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_backoff_doubles_with_jitter);
    tcase_add_test(tc, test_backoff_jitters);
    tcase_add_test(tc, test_backoff_capped_at_an_hour);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(backoff_suite());
}
