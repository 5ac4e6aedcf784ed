/*
 * The outbound guard against real sockets (cc_outbound.h): two tiny HTTP
 * servers of this test's own, one on CC_TEST_FAKE_HOST (127.0.0.2, inside
 * deploy/test's CC_OUTBOUND_ALLOW) and one on 127.0.0.1 (loopback, refused),
 * each counting the connections it accepted. Proves: http to the allowed
 * address works; loopback (by address and by a name resolving to it), the
 * cloud metadata address and a private address are refused without the
 * loopback server seeing a connection; a redirect to loopback is answered, not
 * followed; http to a public literal is refused; a hanging server times out, a
 * server closing mid-answer is "dropped", a too large answer is cut, a closed
 * port is "connect", and a call can be cancelled.
 */
#include "cc_test_main.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cc_outbound.h"

typedef struct server {
    int fd;
    int port;
    char host[64];
    char redirect_to[128];
    atomic_int connections;
    atomic_bool stop;
    pthread_t thread;
} server_t;

static server_t allowed, loopback;

static const char *fake_host(void)
{
    const char *h = getenv("CC_TEST_FAKE_HOST");
    return h != NULL && *h != '\0' ? h : "127.0.0.2";
}

/* Reads the request head (and a Content-Length body) into buf; returns its length, 0 when none came. */
static size_t read_request(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    while (len + 1 < cap) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 2000) <= 0)
            break;
        ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end == NULL)
            continue;
        const char *cl = strcasestr(buf, "\r\nContent-Length:");
        size_t want = (size_t)(end + 4 - buf) + (cl != NULL && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
        if (len >= want)
            break;
    }
    buf[len] = '\0';
    return len;
}

static void send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

/* Waits until the peer hangs up (or the server stops): a server that never answers. */
static void hang(server_t *s, int fd)
{
    char buf[256];
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) > 0 && recv(fd, buf, sizeof(buf), 0) <= 0)
            return;
    }
}

static void answer(server_t *s, int fd, const char *req)
{
    char out[512];
    if (strncmp(req, "GET /ok ", 8) == 0) {
        snprintf(out, sizeof(out),
                 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nRetry-After: 7\r\n"
                 "Connection: close\r\n\r\nhello");
    } else if (strncmp(req, "GET /redirect ", 14) == 0) {
        snprintf(out, sizeof(out), "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n",
                 s->redirect_to);
    } else if (strncmp(req, "GET /hang ", 10) == 0) {
        hang(s, fd);
        return;
    } else if (strncmp(req, "GET /drop ", 10) == 0) {
        snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"partial\":");
    } else if (strncmp(req, "GET /big ", 9) == 0) {
        static char big[100000];
        memset(big, 'x', sizeof(big));
        snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", sizeof(big));
        send_all(fd, out, strlen(out));
        send_all(fd, big, sizeof(big));
        return;
    } else { /* echo: the method and the body */
        const char *body = strstr(req, "\r\n\r\n");
        char echo[256];
        snprintf(echo, sizeof(echo), "%.*s %s", (int)strcspn(req, " "), req, body != NULL ? body + 4 : "");
        snprintf(out, sizeof(out), "HTTP/1.1 201 Created\r\nContent-Length: %zu\r\n\r\n%s", strlen(echo),
                 echo);
    }
    send_all(fd, out, strlen(out));
}

static void *serve(void *arg)
{
    server_t *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            continue;
        atomic_fetch_add(&s->connections, 1);
        char req[4096];
        if (read_request(c, req, sizeof(req)) > 0)
            answer(s, c, req);
        close(c);
    }
    return NULL;
}

static void server_start(server_t *s, const char *host)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->host, sizeof(s->host), "%s", host);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->fd, 0);
    int one = 1;
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET};
    ck_assert_int_eq(inet_pton(AF_INET, host, &a.sin_addr), 1);
    ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(s->fd, 16), 0);
    socklen_t len = sizeof(a);
    ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(server_t *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    close(s->fd);
}

static void setup(void)
{
    const char *env = getenv("CC_OUTBOUND_ALLOW");
    cc_proxies_t allow;
    ck_assert_int_eq(cc_proxies_parse(&allow, env != NULL ? env : "127.0.0.2/32"), 0);
    ck_assert_int_eq(cc_outbound_init(&allow), 0);
    server_start(&allowed, fake_host());
    server_start(&loopback, "127.0.0.1");
    snprintf(allowed.redirect_to, sizeof(allowed.redirect_to), "http://127.0.0.1:%d/ok", loopback.port);
}

static void teardown(void)
{
    server_stop(&allowed);
    server_stop(&loopback);
    cc_outbound_cleanup();
}

/* One call; res must be freed by the caller. */
static cc_outbound_result_t call(const char *method, const char *url, int timeout_ms,
                                 cc_outbound_response_t *res)
{
    cc_outbound_request_t req = {.method = method, .url = url, .timeout_ms = timeout_ms};
    return cc_outbound_call(&req, res);
}

static void url_of(char *buf, size_t len, const char *scheme, const char *host, int port, const char *path)
{
    snprintf(buf, len, "%s://%s:%d%s", scheme, host, port, path);
}

START_TEST(http_to_the_allowed_address_works)
{
    char url[256];
    cc_outbound_response_t res;
    url_of(url, sizeof(url), "http", allowed.host, allowed.port, "/ok");
    ck_assert_int_eq(call("GET", url, 5000, &res), CC_OUTBOUND_OK);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.body, "hello");
    ck_assert_uint_eq(res.body_len, 5);
    ck_assert_str_eq(res.retry_after, "7");
    cc_outbound_response_free(&res);

    const char *headers[] = {"Content-Type: application/json", "x-http-authorization: secret-key", NULL};
    url_of(url, sizeof(url), "http", allowed.host, allowed.port, "/echo");
    cc_outbound_request_t req = {
        .method = "POST", .url = url, .headers = headers, .body = "{\"a\":1}", .body_len = 7};
    ck_assert_int_eq(cc_outbound_call(&req, &res), CC_OUTBOUND_OK);
    ck_assert_int_eq(res.status, 201);
    ck_assert_str_eq(res.body, "POST {\"a\":1}");
    cc_outbound_response_free(&res);
    req.method = "DELETE", req.body = NULL, req.body_len = 0;
    ck_assert_int_eq(cc_outbound_call(&req, &res), CC_OUTBOUND_OK);
    ck_assert_str_eq(res.body, "DELETE ");
    cc_outbound_response_free(&res);

    char error[256];
    ck_assert_int_eq(cc_outbound_check_url(url, error, sizeof(error)), CC_OUTBOUND_OK);
    ck_assert_int_eq(atomic_load(&loopback.connections), 0);
}
END_TEST

START_TEST(loopback_metadata_and_private_addresses_are_refused)
{
    char url[256], error[256];
    cc_outbound_response_t res;
    const char *hosts[] = {"127.0.0.1", "localhost"};
    for (size_t i = 0; i < 2; i++) {
        for (int https = 0; https < 2; https++) {
            url_of(url, sizeof(url), https ? "https" : "http", hosts[i], loopback.port, "/ok");
            ck_assert_int_eq(call("GET", url, 3000, &res), CC_OUTBOUND_REFUSED_ADDRESS);
            ck_assert_int_eq(res.status, 0);
            ck_assert_ptr_nonnull(strstr(res.error, "not public"));
            cc_outbound_response_free(&res);
            ck_assert_int_eq(cc_outbound_check_url(url, error, sizeof(error)), CC_OUTBOUND_REFUSED_ADDRESS);
        }
    }
    const char *others[] = {"https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/",
                            "http://169.254.169.254/", "https://[::1]/", "https://0.0.0.0/"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        ck_assert_int_eq(call("GET", others[i], 3000, &res), CC_OUTBOUND_REFUSED_ADDRESS);
        cc_outbound_response_free(&res);
    }
    ck_assert_int_eq(atomic_load(&loopback.connections), 0);
    ck_assert_int_eq(atomic_load(&allowed.connections), 0);
}
END_TEST

START_TEST(a_redirect_to_loopback_is_not_followed)
{
    char url[256];
    cc_outbound_response_t res;
    url_of(url, sizeof(url), "http", allowed.host, allowed.port, "/redirect");
    ck_assert_int_eq(call("GET", url, 5000, &res), CC_OUTBOUND_OK);
    ck_assert_int_eq(res.status, 302);
    ck_assert_str_eq(res.location, allowed.redirect_to);
    cc_outbound_response_free(&res);
    ck_assert_int_eq(atomic_load(&allowed.connections), 1);
    ck_assert_int_eq(atomic_load(&loopback.connections), 0);
}
END_TEST

START_TEST(http_to_a_public_address_is_refused)
{
    cc_outbound_response_t res;
    ck_assert_int_eq(call("GET", "http://93.184.216.34/", 3000, &res), CC_OUTBOUND_REFUSED_URL);
    ck_assert_int_eq(res.status, 0);
    ck_assert_ptr_nonnull(strstr(res.error, "https"));
    cc_outbound_response_free(&res);
}
END_TEST

START_TEST(failures_are_classified)
{
    char url[256];
    cc_outbound_response_t res;
    url_of(url, sizeof(url), "http", allowed.host, allowed.port, "/hang");
    ck_assert_int_eq(call("GET", url, 500, &res), CC_OUTBOUND_TIMEOUT);
    ck_assert_int_eq(res.status, 0);
    cc_outbound_response_free(&res);

    url_of(url, sizeof(url), "http", allowed.host, allowed.port, "/drop");
    ck_assert_int_eq(call("GET", url, 5000, &res), CC_OUTBOUND_DROPPED);
    cc_outbound_response_free(&res);

    url_of(url, sizeof(url), "http", allowed.host, allowed.port, "/big");
    cc_outbound_request_t req = {.method = "GET", .url = url, .timeout_ms = 5000, .max_response = 1000};
    ck_assert_int_eq(cc_outbound_call(&req, &res), CC_OUTBOUND_TOO_LARGE);
    ck_assert_int_eq(res.status, 200);
    cc_outbound_response_free(&res);

    /* a port nothing listens on: bind one, note it, close it */
    server_t closed;
    server_start(&closed, allowed.host);
    server_stop(&closed);
    url_of(url, sizeof(url), "http", allowed.host, closed.port, "/ok");
    ck_assert_int_eq(call("GET", url, 5000, &res), CC_OUTBOUND_CONNECT);
    cc_outbound_response_free(&res);
    ck_assert_int_eq(atomic_load(&loopback.connections), 0);
}
END_TEST

static void *cancel_later(void *arg)
{
    usleep(300 * 1000);
    atomic_store((atomic_bool *)arg, true);
    return NULL;
}

START_TEST(a_call_can_be_cancelled)
{
    char url[256];
    cc_outbound_response_t res;
    atomic_bool cancel = false;
    url_of(url, sizeof(url), "http", allowed.host, allowed.port, "/hang");
    cc_outbound_request_t req = {.method = "GET", .url = url, .timeout_ms = 30000, .cancel = &cancel};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, cancel_later, &cancel), 0);
    ck_assert_int_eq(cc_outbound_call(&req, &res), CC_OUTBOUND_CANCELLED);
    pthread_join(t, NULL);
    cc_outbound_response_free(&res);
    /* already cancelled: ends without an answer */
    ck_assert_int_eq(cc_outbound_call(&req, &res), CC_OUTBOUND_CANCELLED);
    cc_outbound_response_free(&res);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("outbound_guard");
    TCase *tc = tcase_create("guard");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, http_to_the_allowed_address_works);
    tcase_add_test(tc, loopback_metadata_and_private_addresses_are_refused);
    tcase_add_test(tc, a_redirect_to_loopback_is_not_followed);
    tcase_add_test(tc, http_to_a_public_address_is_refused);
    tcase_add_test(tc, failures_are_classified);
    tcase_add_test(tc, a_call_can_be_cancelled);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
