/*
 * Trusted-proxy lists: parsing CIDR blocks and matching IPv4/IPv6 peers.
 */
#include "cc_test_main.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "cc_proxies.h"

static bool contains(const cc_proxies_t *p, const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (strchr(ip, ':') != NULL) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        inet_pton(AF_INET6, ip, &s6->sin6_addr);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        inet_pton(AF_INET, ip, &s4->sin_addr);
    }
    return cc_proxies_contains(p, (struct sockaddr *)&ss);
}

START_TEST(default_is_loopback)
{
    cc_proxies_t p;
    ck_assert_int_eq(cc_proxies_parse(&p, CC_DEFAULT_TRUSTED_PROXIES), 0);
    ck_assert(contains(&p, "127.0.0.1"));
    ck_assert(contains(&p, "127.255.0.9"));
    ck_assert(contains(&p, "::1"));
    ck_assert(!contains(&p, "128.0.0.1"));
    ck_assert(!contains(&p, "10.0.0.1"));
    ck_assert(!contains(&p, "::2"));
}
END_TEST

START_TEST(blocks_and_hosts)
{
    cc_proxies_t p;
    ck_assert_int_eq(cc_proxies_parse(&p, "172.28.0.0/16, 192.0.2.7,fd00::/8"), 0);
    ck_assert_uint_eq(p.count, 3);
    ck_assert(contains(&p, "172.28.3.4"));
    ck_assert(!contains(&p, "172.29.0.1"));
    ck_assert(contains(&p, "192.0.2.7"));
    ck_assert(!contains(&p, "192.0.2.8"));
    ck_assert(contains(&p, "fd12::1"));
    ck_assert(!contains(&p, "fe80::1"));
    ck_assert_int_eq(cc_proxies_parse(&p, "10.0.0.0/12"), 0);
    ck_assert(contains(&p, "10.15.255.255"));
    ck_assert(!contains(&p, "10.16.0.0"));
    ck_assert_int_eq(cc_proxies_parse(&p, ""), 0);
    ck_assert(!contains(&p, "127.0.0.1"));
}
END_TEST

START_TEST(malformed_lists_are_rejected)
{
    cc_proxies_t p;
    ck_assert_int_eq(cc_proxies_parse(&p, "10.0.0.0/33"), -1);
    ck_assert_int_eq(cc_proxies_parse(&p, "10.0.0/8"), -1);
    ck_assert_int_eq(cc_proxies_parse(&p, "example.com"), -1);
    ck_assert_int_eq(cc_proxies_parse(&p, "10.0.0.0/"), -1);
    ck_assert_int_eq(cc_proxies_parse(&p, "::1/129"), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("proxies");
    TCase *tc = tcase_create("proxies");
    tcase_add_test(tc, default_is_loopback);
    tcase_add_test(tc, blocks_and_hosts);
    tcase_add_test(tc, malformed_lists_are_rejected);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
