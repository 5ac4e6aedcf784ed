/*
 * The outbound guard's pure parts (cc_outbound.h): which addresses are public
 * (every refused IPv4 and IPv6 range, IPv4-mapped and embedded addresses), the
 * allow list, Retry-After in both forms, and URL checks on literal addresses
 * (no DNS needed).
 */
#include "cc_test_main.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "cc_outbound.h"

static bool is_public(const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (strchr(ip, ':') != NULL) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        ck_assert_int_eq(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
    }
    return cc_outbound_address_public((struct sockaddr *)&ss);
}

static const char *const refused_v4[] = {
    "127.0.0.1",      "127.255.255.254", "10.0.0.1",        "10.255.255.255",  "172.16.0.1",
    "172.31.255.255", "192.168.0.1",     "192.168.255.255", "169.254.169.254", "169.254.0.1",
    "100.64.0.1",     "100.127.255.255", "224.0.0.1",       "239.255.255.250", "0.0.0.0",
    "0.1.2.3",        "240.0.0.1",       "255.255.255.255", "192.0.2.1",       "198.51.100.7",
    "203.0.113.9",    "198.18.0.1",      "198.19.255.1",    "192.0.0.8",       "192.88.99.1",
};

static const char *const public_v4[] = {
    "8.8.8.8",     "1.1.1.1",       "93.184.216.34", "172.15.255.255",  "172.32.0.1", "100.63.255.255",
    "100.128.0.1", "169.253.255.1", "192.167.1.1",   "223.255.255.254", "11.0.0.1",   "126.255.255.255",
    "198.17.0.1",  "198.20.0.1",    "203.0.114.1",   "192.0.3.1",
};

START_TEST(ipv4_ranges)
{
    for (size_t i = 0; i < sizeof(refused_v4) / sizeof(refused_v4[0]); i++)
        ck_assert_msg(!is_public(refused_v4[i]), "%s should be refused", refused_v4[i]);
    for (size_t i = 0; i < sizeof(public_v4) / sizeof(public_v4[0]); i++)
        ck_assert_msg(is_public(public_v4[i]), "%s should be public", public_v4[i]);
}
END_TEST

START_TEST(ipv6_ranges)
{
    static const char *const refused[] = {
        "::1",     "::",          "fe80::1", "febf:ffff::1", "fc00::1", "fd12:3456::1", "ff02::1",
        "ff0e::1", "2001:db8::1", "2001::1", "2001:1ff::1",  "::2",     "100::1",       "4000::1",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        ck_assert_msg(!is_public(refused[i]), "%s should be refused", refused[i]);
    ck_assert(is_public("2a00:1450:4001:82b::200e"));
    ck_assert(is_public("2606:4700::1111"));
    ck_assert(is_public("2001:200::1"));
    ck_assert(is_public("3fff::1:0:0")); /* the end of 2000::/3 */
}
END_TEST

START_TEST(ipv4_inside_ipv6)
{
    /* IPv4-mapped: judged as the IPv4 address */
    ck_assert(!is_public("::ffff:127.0.0.1"));
    ck_assert(!is_public("::ffff:169.254.169.254"));
    ck_assert(!is_public("::ffff:10.0.0.1"));
    ck_assert(!is_public("::ffff:192.168.1.1"));
    ck_assert(!is_public("::ffff:100.64.0.1"));
    ck_assert(!is_public("::ffff:0.0.0.0"));
    ck_assert(is_public("::ffff:8.8.8.8"));
    /* NAT64 and 6to4 embed one too */
    ck_assert(!is_public("64:ff9b::7f00:1"));
    ck_assert(is_public("64:ff9b::808:808"));
    ck_assert(!is_public("2002:7f00:1::1"));
    ck_assert(!is_public("2002:a9fe:a9fe::1"));
    ck_assert(is_public("2002:808:808::1"));
}
END_TEST

START_TEST(retry_after_forms)
{
    time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    ck_assert_int_eq(cc_outbound_retry_after("120", now), 120);
    ck_assert_int_eq(cc_outbound_retry_after(" 0 ", now), 0);
    ck_assert_int_eq(cc_outbound_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now), 60);
    ck_assert_int_eq(cc_outbound_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 0);
    ck_assert_int_eq(cc_outbound_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now), 0); /* past */
    ck_assert_int_eq(cc_outbound_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", now), 86400);
    ck_assert_int_eq(cc_outbound_retry_after(NULL, now), -1);
    ck_assert_int_eq(cc_outbound_retry_after("", now), -1);
    ck_assert_int_eq(cc_outbound_retry_after("soon", now), -1);
    ck_assert_int_eq(cc_outbound_retry_after("12s", now), -1);
    ck_assert_int_eq(cc_outbound_retry_after("-5", now), -1);
    ck_assert_int_eq(cc_outbound_retry_after("Sun, 06 Nov 1994 08:49:37", now), -1);
    ck_assert_int_eq(cc_outbound_retry_after("99999999999", now), 86400 * 365);
}
END_TEST

static cc_outbound_result_t check(const char *url)
{
    char error[256] = "";
    cc_outbound_result_t r = cc_outbound_check_url(url, error, sizeof(error));
    ck_assert(r == CC_OUTBOUND_OK || error[0] != '\0');
    return r;
}

START_TEST(urls_with_literal_addresses)
{
    cc_proxies_t allow;
    ck_assert_int_eq(cc_proxies_parse(&allow, "127.0.0.2/32, fd00:1::/64"), 0);
    ck_assert_int_eq(cc_outbound_init(&allow), 0);
    /* https to a public address */
    ck_assert_int_eq(check("https://93.184.216.34/api/client/v1"), CC_OUTBOUND_OK);
    ck_assert_int_eq(check("https://[2606:4700::1111]:8443/x"), CC_OUTBOUND_OK);
    /* http to a public address: https only */
    ck_assert_int_eq(check("http://93.184.216.34/"), CC_OUTBOUND_REFUSED_URL);
    /* non-public addresses, whatever the scheme */
    ck_assert_int_eq(check("https://127.0.0.1/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("http://127.0.0.1:8080/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("https://169.254.169.254/latest/meta-data/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("https://10.0.0.1/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("https://[::1]/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("https://[::ffff:127.0.0.1]/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("https://[fe80::1]/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("https://0.0.0.0/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("https://2130706433/"), CC_OUTBOUND_REFUSED_ADDRESS); /* 127.0.0.1 as a number */
    /* the allow list: http too, IPv4-mapped judged as IPv4 */
    ck_assert_int_eq(check("http://127.0.0.2:9000/api"), CC_OUTBOUND_OK);
    ck_assert_int_eq(check("https://127.0.0.2/"), CC_OUTBOUND_OK);
    ck_assert_int_eq(check("http://[::ffff:127.0.0.2]:9000/"), CC_OUTBOUND_OK);
    ck_assert_int_eq(check("http://[fd00:1::5]/"), CC_OUTBOUND_OK);
    ck_assert_int_eq(check("http://[fd00:2::5]/"), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(check("http://127.0.0.3/"), CC_OUTBOUND_REFUSED_ADDRESS);
    /* not http(s), or not a URL */
    ck_assert_int_eq(check("ftp://93.184.216.34/"), CC_OUTBOUND_REFUSED_URL);
    ck_assert_int_eq(check("file:///etc/passwd"), CC_OUTBOUND_REFUSED_URL);
    ck_assert_int_eq(check("gopher://127.0.0.2/"), CC_OUTBOUND_REFUSED_URL);
    ck_assert_int_eq(check("//93.184.216.34/"), CC_OUTBOUND_REFUSED_URL);
    ck_assert_int_eq(check("https://"), CC_OUTBOUND_REFUSED_URL);
    ck_assert_int_eq(check(""), CC_OUTBOUND_REFUSED_URL);
    ck_assert_int_eq(check(NULL), CC_OUTBOUND_REFUSED_URL);
    /* an empty allow list admits nothing non-public */
    ck_assert_int_eq(cc_outbound_init(NULL), 0);
    ck_assert_int_eq(check("http://127.0.0.2:9000/api"), CC_OUTBOUND_REFUSED_ADDRESS);
    cc_outbound_cleanup();
}
END_TEST

/* A URL to store: the guard's verdict, but an https name that does not resolve now is accepted (judged on
 * every call); .invalid never resolves (RFC 6761). */
START_TEST(urls_to_store)
{
    ck_assert_int_eq(cc_outbound_init(NULL), 0);
    char error[256] = "";
    ck_assert(cc_outbound_url_storable("https://93.184.216.34/api/client/v1", error, sizeof(error)));
    ck_assert(cc_outbound_url_storable("https://hooks.certcycle-test.invalid/x", error, sizeof(error)));
    error[0] = '\0';
    ck_assert(!cc_outbound_url_storable("http://hooks.certcycle-test.invalid/x", error, sizeof(error)));
    ck_assert(error[0] != '\0');
    ck_assert(!cc_outbound_url_storable("https://127.0.0.1/", error, sizeof(error)));
    ck_assert(!cc_outbound_url_storable("https://localhost/", error, sizeof(error)));
    ck_assert(!cc_outbound_url_storable("ftp://93.184.216.34/", error, sizeof(error)));
    ck_assert(!cc_outbound_url_storable(NULL, error, sizeof(error)));
    cc_outbound_cleanup();
}
END_TEST

START_TEST(result_names)
{
    ck_assert_str_eq(cc_outbound_result_name(CC_OUTBOUND_OK), "ok");
    ck_assert_str_eq(cc_outbound_result_name(CC_OUTBOUND_REFUSED_ADDRESS), "refused_address");
    ck_assert_str_eq(cc_outbound_result_name(CC_OUTBOUND_REFUSED_URL), "refused_url");
    ck_assert_str_eq(cc_outbound_result_name(CC_OUTBOUND_TIMEOUT), "timeout");
    ck_assert_str_eq(cc_outbound_result_name(CC_OUTBOUND_DROPPED), "dropped");
    ck_assert_str_eq(cc_outbound_result_name(CC_OUTBOUND_CANCELLED), "cancelled");
    ck_assert_str_eq(cc_outbound_result_name((cc_outbound_result_t)99), "error");
}
END_TEST

START_TEST(a_refused_url_is_not_called)
{
    ck_assert_int_eq(cc_outbound_init(NULL), 0);
    cc_outbound_request_t req = {.method = "GET", .url = "https://10.0.0.1/", .timeout_ms = 2000};
    cc_outbound_response_t res;
    ck_assert_int_eq(cc_outbound_call(&req, &res), CC_OUTBOUND_REFUSED_ADDRESS);
    ck_assert_int_eq(res.status, 0);
    ck_assert_ptr_nonnull(strstr(res.error, "10.0.0.1"));
    ck_assert_str_eq(res.body, "");
    cc_outbound_response_free(&res);
    req.url = "http://93.184.216.34/";
    ck_assert_int_eq(cc_outbound_call(&req, &res), CC_OUTBOUND_REFUSED_URL);
    cc_outbound_response_free(&res);
    req.url = "ftp://93.184.216.34/";
    ck_assert_int_eq(cc_outbound_call(&req, &res), CC_OUTBOUND_REFUSED_URL);
    cc_outbound_response_free(&res);
    cc_outbound_cleanup();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("outbound");
    TCase *tc = tcase_create("guard");
    tcase_add_test(tc, ipv4_ranges);
    tcase_add_test(tc, ipv6_ranges);
    tcase_add_test(tc, ipv4_inside_ipv6);
    tcase_add_test(tc, retry_after_forms);
    tcase_add_test(tc, urls_with_literal_addresses);
    tcase_add_test(tc, urls_to_store);
    tcase_add_test(tc, result_names);
    tcase_add_test(tc, a_refused_url_is_not_called);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
