/*
 * The public rate limit's pure parts (services/certificates/public_rate.c): the token bucket's arithmetic
 * and Retry-After, the configuration (CC_PUBLIC_RATE, CC_PUBLIC_BURST, CC_PUBLIC_RATE_EXEMPT), exempt CIDR
 * blocks for IPv4 and IPv6, the address key, and the X-Forwarded-For entry the address is taken from.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "certificates/public_rate.c"

#define SEC 1000000000ULL

START_TEST(defaults)
{
    public_rate_config_t c;
    ck_assert_int_eq(public_rate_config_parse(&c, NULL, NULL, NULL), 0);
    ck_assert_double_eq_tol(c.per_second, 1.0, 1e-9);
    ck_assert_double_eq_tol(c.burst, 20, 1e-9);
    ck_assert_uint_eq(c.exempt.count, 0);
    ck_assert_int_eq(public_rate_config_parse(&c, "", "", ""), 0);
    ck_assert_double_eq_tol(c.burst, 20, 1e-9);
}
END_TEST

START_TEST(malformed_config)
{
    public_rate_config_t c;
    ck_assert_int_eq(public_rate_config_parse(&c, "0", "2", ""), -1);
    ck_assert_int_eq(public_rate_config_parse(&c, "6x", "2", ""), -1);
    ck_assert_int_eq(public_rate_config_parse(&c, "6", "-1", ""), -1);
    ck_assert_int_eq(public_rate_config_parse(&c, "6", "2", "10.0.0.0/33"), -1);
    ck_assert_int_eq(public_rate_config_parse(&c, "6", "2", "not-an-address"), -1);
    /* the defaults stay, with no exemption */
    ck_assert_double_eq_tol(c.per_second, 1.0, 1e-9);
    ck_assert_uint_eq(c.exempt.count, 0);
}
END_TEST

START_TEST(burst_then_refill)
{
    public_rate_config_t c;
    ck_assert_int_eq(public_rate_config_parse(&c, "6", "2", ""), 0); /* one token per 10 s */
    public_bucket_t b;
    uint64_t t = 1000 * SEC;
    public_bucket_init(&b, &c, t);
    ck_assert_int_eq(public_bucket_take(&b, &c, t), 0);
    ck_assert_int_eq(public_bucket_take(&b, &c, t), 0);
    ck_assert_int_eq(public_bucket_take(&b, &c, t), 10); /* empty: 10 s to the next token */
    ck_assert_int_eq(public_bucket_take(&b, &c, t + 4 * SEC), 6);
    ck_assert_int_eq(public_bucket_take(&b, &c, t + 9 * SEC + SEC / 2), 1); /* rounded up, never 0 */
    ck_assert_int_eq(public_bucket_take(&b, &c, t + 10 * SEC), 0);
    ck_assert_int_eq(public_bucket_take(&b, &c, t + 10 * SEC), 10);
    /* a long idle time refills to the burst, no further */
    ck_assert_int_eq(public_bucket_take(&b, &c, t + 3600 * SEC), 0);
    ck_assert_int_eq(public_bucket_take(&b, &c, t + 3600 * SEC), 0);
    ck_assert_int_ne(public_bucket_take(&b, &c, t + 3600 * SEC), 0);
}
END_TEST

START_TEST(steady_rate)
{
    public_rate_config_t c;
    ck_assert_int_eq(public_rate_config_parse(&c, "60", "20", ""), 0);
    public_bucket_t b;
    public_bucket_init(&b, &c, 0);
    int admitted = 0;
    for (int i = 0; i < 200; i++) /* 200 requests over 100 s: the burst and one per second */
        admitted += public_bucket_take(&b, &c, (uint64_t)i * SEC / 2) == 0;
    ck_assert_int_eq(admitted, 20 + 99);
    /* a clock that goes backwards never adds tokens */
    public_bucket_init(&b, &c, 50 * SEC);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(public_bucket_take(&b, &c, 50 * SEC), 0);
    ck_assert_int_ne(public_bucket_take(&b, &c, 10 * SEC), 0);
}
END_TEST

START_TEST(exempt_blocks)
{
    public_rate_config_t c;
    ck_assert_int_eq(public_rate_config_parse(&c, NULL, NULL, "192.0.2.0/24, 198.51.100.7,2001:db8::/32"), 0);
    ck_assert_uint_eq(c.exempt.count, 3);
    ck_assert(public_rate_is_exempt(&c, "192.0.2.1"));
    ck_assert(public_rate_is_exempt(&c, "192.0.2.255"));
    ck_assert(!public_rate_is_exempt(&c, "192.0.3.1"));
    ck_assert(public_rate_is_exempt(&c, "198.51.100.7"));
    ck_assert(!public_rate_is_exempt(&c, "198.51.100.8"));
    ck_assert(public_rate_is_exempt(&c, "2001:db8:1::5"));
    ck_assert(!public_rate_is_exempt(&c, "2001:db9::5"));
    ck_assert(!public_rate_is_exempt(&c, "unknown"));
    ck_assert(!public_rate_is_exempt(&c, ""));
    ck_assert_int_eq(public_rate_config_parse(&c, NULL, NULL, "10.1.0.0/16"), 0);
    ck_assert(public_rate_is_exempt(&c, "10.1.200.3"));
    ck_assert(!public_rate_is_exempt(&c, "10.2.0.1"));
    ck_assert_int_eq(public_rate_config_parse(&c, NULL, NULL, ""), 0);
    ck_assert(!public_rate_is_exempt(&c, "10.1.200.3"));
}
END_TEST

START_TEST(address_keys)
{
    uint8_t a[16], b[16];
    public_rate_key("192.0.2.1", a);
    public_rate_key("::ffff:192.0.2.1", b);
    ck_assert_mem_eq(a, b, 16); /* the same client either way */
    public_rate_key("192.0.2.2", b);
    ck_assert(memcmp(a, b, 16) != 0);
    public_rate_key("2001:db8::1", a);
    public_rate_key("2001:0db8:0000::0001", b);
    ck_assert_mem_eq(a, b, 16);
    public_rate_key("unknown", a);
    public_rate_key("unknown", b);
    ck_assert_mem_eq(a, b, 16);
    ck_assert_uint_eq(a[0], 1);
}
END_TEST

static const char *xff(const char *value)
{
    static char out[64];
    const char *start;
    size_t n = cc_xff_last(value, strlen(value), &start);
    memcpy(out, start, n);
    out[n] = '\0';
    return out;
}

START_TEST(forwarded_for_last_entry)
{
    ck_assert_str_eq(xff("203.0.113.9"), "203.0.113.9");
    ck_assert_str_eq(xff("198.51.100.1, 203.0.113.9"), "203.0.113.9"); /* a client's own claim is ignored */
    ck_assert_str_eq(xff("spoofed,203.0.113.9 "), "203.0.113.9");
    ck_assert_str_eq(xff("a, b,\t2001:db8::7\t"), "2001:db8::7");
    ck_assert_str_eq(xff("203.0.113.9,"), "");
    ck_assert_str_eq(xff(""), "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("public_rate");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, malformed_config);
    tcase_add_test(tc, burst_then_refill);
    tcase_add_test(tc, steady_rate);
    tcase_add_test(tc, exempt_blocks);
    tcase_add_test(tc, address_keys);
    tcase_add_test(tc, forwarded_for_last_entry);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
