/*
 * The public rate limit end to end, through the h2o gateway: deploy/test exempts 127.0.0.1 only (every other
 * e2e test comes from there), so requests sent from other loopback addresses (127.0.0.2, 127.0.0.3) are
 * limited as a verifier's would be. The gateway appends the caller's address to X-Forwarded-For and the
 * service trusts the gateway, so each source address has its bucket: 127.0.0.2 gets 429 rate_limited with
 * Retry-After and a problem body once its burst (CC_PUBLIC_BURST, 20) is spent, on the JSON lookup and the
 * verify page alike; 127.0.0.3 is unaffected; 127.0.0.1 (exempt) is never limited.
 */
#include "cc_test_main.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cc_test_http.h"

#define LOOKUP "/public/v1/cbs/northcert/certificates/NO-SUCH-NUMBER"
#define MAX_TRIES 200 /* far more than a burst: the limit must show long before */

/* The gateway's port, from CC_TEST_GATEWAY_URL (http://127.0.0.1:<port>). */
static int gateway_port(void)
{
    const char *url = cc_test_env("CC_TEST_GATEWAY_URL");
    const char *colon = strrchr(url, ':');
    ck_assert_msg(colon != NULL && atoi(colon + 1) > 0, "no port in %s", url);
    return atoi(colon + 1);
}

/*
 * One GET of path from source address `from` to the gateway, Connection: close. Writes the whole answer
 * (head and body) into out (NUL-terminated, truncated to size) and returns the status.
 */
static int get_from(const char *from, const char *path, char *out, size_t size)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET};
    inet_pton(AF_INET, from, &src.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    dst.sin_port = htons((uint16_t)gateway_port());
    ck_assert_msg(bind(fd, (struct sockaddr *)&src, sizeof(src)) == 0, "bind %s", from);
    ck_assert_msg(connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0, "connect from %s", from);
    char req[512];
    int n =
        snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    ck_assert_int_eq(write(fd, req, (size_t)n), n);
    size_t len = 0;
    ssize_t got;
    while (len + 1 < size && (got = read(fd, out + len, size - 1 - len)) > 0)
        len += (size_t)got;
    out[len] = '\0';
    close(fd);
    int status = 0;
    ck_assert_msg(sscanf(out, "HTTP/1.%*d %d", &status) == 1, "no status line: %.80s", out);
    return status;
}

/* How many requests from `from` pass before the first 429 (MAX_TRIES when none). */
static int passes_before_limit(const char *from, const char *path, char *answer, size_t size)
{
    for (int i = 0; i < MAX_TRIES; i++)
        if (get_from(from, path, answer, size) == 429)
            return i;
    return MAX_TRIES;
}

START_TEST(test_a_verifier_is_limited_through_the_gateway)
{
    static char answer[16384];
    int passed = passes_before_limit("127.0.0.2", LOOKUP, answer, sizeof(answer));
    ck_assert_msg(passed <= 21, "127.0.0.2 was limited after %d requests", passed);
    ck_assert_msg(strcasestr(answer, "\r\nretry-after: ") != NULL, "no Retry-After: %s", answer);
    ck_assert_msg(strcasestr(answer, "\r\ncontent-type: application/problem+json") != NULL, "%s", answer);
    ck_assert_msg(strstr(answer, "\"code\":\"rate_limited\"") != NULL, "%s", answer);
    /* one bucket per address, whatever the route: the verify page is limited too */
    ck_assert_int_eq(get_from("127.0.0.2", "/verify/northcert/NO-SUCH-NUMBER", answer, sizeof(answer)), 429);
    /* another address has its own bucket */
    ck_assert_int_eq(get_from("127.0.0.3", LOOKUP, answer, sizeof(answer)), 404);
}
END_TEST

START_TEST(test_the_exempt_address_is_never_limited)
{
    static char answer[16384];
    ck_assert_int_eq(passes_before_limit("127.0.0.1", LOOKUP, answer, sizeof(answer)), MAX_TRIES);
}
END_TEST

static Suite *rate_suite(void)
{
    Suite *s = suite_create("public_rate_gateway");
    TCase *tc = tcase_create("public_rate_gateway");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_a_verifier_is_limited_through_the_gateway);
    tcase_add_test(tc, test_the_exempt_address_is_never_limited);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(rate_suite());
}
