/*
 * The public routes' rate limit per client address: a certcycle-certificates process of its own (CC_BIN_DIR,
 * a free port) with CC_PUBLIC_RATE=6 (one token per 10 s), CC_PUBLIC_BURST=2 and CC_PUBLIC_RATE_EXEMPT
 * naming an IPv4 and an IPv6 block. Requests come from loopback, a trusted proxy, so the right-most
 * X-Forwarded-For entry is the client: its third request is 429 rate_limited with Retry-After and a
 * problem body, on either public route (one bucket per address); an entry the client wrote to the left
 * changes nothing; another address is unaffected; an exempt address (IPv4 or IPv6) is never limited.
 */
#include "cc_test_main.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cc_test_http.h"

#define POLL_ROUNDS 600 /* x 50 ms */
#define SEARCH "/public/v1/certificates?number=NONE-000001"

static pid_t child = -1;
static char base[64];

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    close(fd);
    return ntohs(addr.sin_port);
}

/* GET path with X-Forwarded-For: xff (NULL: none). */
static cc_test_response_t *get(const char *path, const char *xff)
{
    char line[256];
    snprintf(line, sizeof(line), "X-Forwarded-For: %s", xff != NULL ? xff : "");
    const char *headers[] = {line, NULL};
    cc_test_request_t req = {"GET", base, path, xff != NULL ? headers : NULL, NULL, 0, 10, NULL, NULL};
    return cc_test_http_send(&req, NULL);
}

static int status_of(const char *path, const char *xff)
{
    cc_test_response_t *resp = get(path, xff);
    int status = resp != NULL ? resp->status : -1;
    cc_test_response_free(resp);
    return status;
}

static void start_certificates(void)
{
    int port = free_port();
    char listen[32], log[512], bin[512];
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    const char *state = getenv("CC_TEST_STATE_DIR");
    snprintf(log, sizeof(log), "%s/log/rate-certificates.log", state != NULL ? state : "/tmp");
    snprintf(bin, sizeof(bin), "%s/certcycle-certificates", cc_test_env("CC_BIN_DIR"));
    child = fork();
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed assertion ends the test's process, and this one */
        setenv("CC_LISTEN", listen, 1);
        setenv("CC_THREADS", "2", 1); /* one bucket per address whichever loop takes the request */
        setenv("CC_PUBLIC_RATE", "6", 1);
        setenv("CC_PUBLIC_BURST", "2", 1);
        setenv("CC_PUBLIC_RATE_EXEMPT", "192.0.2.0/24, 2001:db8::/32", 1);
        unsetenv("CC_TRUSTED_PROXIES"); /* the default: loopback, where these requests come from */
        setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
        FILE *out = freopen(log, "a", stdout);
        if (out != NULL)
            dup2(fileno(out), STDERR_FILENO);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    ck_assert_int_gt(child, 0);
    /* ready once the public index is loaded: an exempt address's search answers 200 */
    int status = -1;
    for (int i = 0; i < POLL_ROUNDS && status != 200; i++) {
        status = status_of(SEARCH, "192.0.2.1");
        if (status != 200)
            usleep(50 * 1000);
    }
    ck_assert_msg(status == 200, "the separate certificates service did not come up (%d)", status);
}

static void stop_certificates(void)
{
    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
        child = -1;
    }
}

/* Fails unless resp is the limiter's 429: problem rate_limited, Retry-After 1..10 s, open to any origin. */
static void assert_limited(cc_test_response_t *resp)
{
    ck_assert_ptr_nonnull(resp);
    cc_test_assert_problem(resp, 429, "rate_limited");
    const char *retry = cc_test_response_header(resp, "retry-after");
    ck_assert_ptr_nonnull(retry);
    int seconds = atoi(retry);
    ck_assert_msg(seconds >= 1 && seconds <= 10, "Retry-After %s", retry);
    ck_assert_str_eq(cc_test_response_header(resp, "access-control-allow-origin"), "*");
    cc_test_response_free(resp);
}

START_TEST(test_limit_per_address)
{
    start_certificates();
    /* the burst, then 429 on either public route */
    ck_assert_int_eq(status_of(SEARCH, "203.0.113.5"), 200);
    ck_assert_int_eq(status_of("/public/v1/cbs/northcert/certificates/NONE-000001", "203.0.113.5"), 404);
    assert_limited(get(SEARCH, "203.0.113.5"));
    assert_limited(get("/public/v1/cbs/northcert/certificates/NONE-000001", "203.0.113.5"));
    /* a left-hand entry is the client's own claim: the right-most one counts */
    assert_limited(get(SEARCH, "198.51.100.1, 203.0.113.5"));
    assert_limited(get(SEARCH, "192.0.2.1,203.0.113.5"));
    /* another address has its own bucket */
    ck_assert_int_eq(status_of(SEARCH, "203.0.113.6"), 200);
    ck_assert_int_eq(status_of(SEARCH, "203.0.113.6"), 200);
    assert_limited(get(SEARCH, "203.0.113.6"));
    /* IPv6 likewise */
    ck_assert_int_eq(status_of(SEARCH, "2001:db9::1"), 200);
    ck_assert_int_eq(status_of(SEARCH, "2001:db9::1"), 200);
    assert_limited(get(SEARCH, "2001:db9::1"));
    /* exempt blocks are never limited */
    for (int i = 0; i < 30; i++) {
        ck_assert_int_eq(status_of(SEARCH, "192.0.2.77"), 200);
        ck_assert_int_eq(status_of(SEARCH, "2001:db8:5::9"), 200);
    }
    /* and the limited address is still limited */
    assert_limited(get(SEARCH, "203.0.113.5"));
    stop_certificates();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("public_rate");
    TCase *tc = tcase_create("limit");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_limit_per_address);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
