/*
 * What a client meets at the gateway is the contract's one error format:
 * query parameters with control characters, bodies over a route's limit (through
 * the gateway and sent to a service directly), and the gateway's own answers
 * when a service cannot be reached (a second gateway, started by deploy/test
 * with the same configuration, whose upstreams are a dead port).
 */
#include "cc_test_caller.h"
#include "cc_test_http.h"
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

/* Fails unless resp is 400 validation_failed whose first error names field with code control_character. */
static void assert_control_character(cc_test_response_t *resp, const char *field)
{
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, field);
    json_t *error = json_array_get(json_object_get(resp->json, "errors"), 0);
    ck_assert_str_eq(cc_test_json_string(error, "code"), "control_character");
}

START_TEST(test_query_control_characters)
{
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, "northcert", "admin");
    /* identity and scheduling alike; a NUL no longer cuts the value short. */
    const char *paths[] = {"/v1/users?limit=1%00", "/v1/clients?limit=1%00", "/v1/clients?cursor=%0a",
                           "/v1/auditors?active=true%1f", "/v1/programmes?limit=2&client_id=%7F"};
    const char *fields[] = {"limit", "limit", "cursor", "active", "client_id"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_test_response_t *resp = cc_test_call(&admin, "GET", paths[i], NULL, NULL);
        assert_control_character(resp, fields[i]);
        cc_test_response_free(resp);
    }
    /* A parameter no route reads is refused too, named as sent. */
    cc_test_response_t *resp = cc_test_call(&admin, "GET", "/v1/me?x%00y=1", NULL, NULL);
    assert_control_character(resp, "x%00y");
    cc_test_response_free(resp);
    /* Printable and non-ASCII values still pass. */
    resp = cc_test_call(&admin, "GET", "/v1/users?limit=1&role=admin", NULL, NULL);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
    cc_test_caller_free(&admin);
}
END_TEST

/* POSTs len bytes of JSON-typed junk to base+path (as caller's Authorization line, or NULL). */
static cc_test_response_t *post_bytes(const char *base, const char *path, const char *auth, size_t len)
{
    char *body = malloc(len);
    memset(body, 'x', len);
    const char *headers[] = {auth, NULL};
    cc_test_request_t req = {
        .method = "POST", .base_url = base, .path = path, .headers = headers, .body = body, .body_len = len};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    ck_assert_msg(resp != NULL, "POST %s%s: %s", base, path, error);
    free(body);
    return resp;
}

/*
 * A JSON body over 1 MiB answers 413 problem+json wherever it is sent: through the gateway (which
 * used to answer 502 for 4-24 MiB, the service closing at its 4 MiB cap) and to a service directly.
 */
START_TEST(test_body_limits)
{
    cc_test_caller_t admin;
    cc_test_caller_login(&admin, "northcert", "admin");
    const char *gateway = cc_test_env("CC_TEST_GATEWAY_URL"), *identity = cc_test_env("CC_TEST_IDENTITY_URL");
    const size_t sizes[] = {1024 * 1024 + 1, 5 * 1024 * 1024, 20 * 1024 * 1024};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        cc_test_response_t *resp = post_bytes(gateway, "/v1/auth/login", NULL, sizes[i]);
        cc_test_assert_problem(resp, 413, "payload_too_large");
        cc_test_response_free(resp);
        resp = post_bytes(gateway, "/v1/clients", admin.auth, sizes[i]);
        cc_test_assert_problem(resp, 413, "payload_too_large");
        cc_test_response_free(resp);
        resp = post_bytes(identity, "/v1/auth/login", NULL, sizes[i]);
        cc_test_assert_problem(resp, 413, "payload_too_large");
        cc_test_response_free(resp);
    }
    cc_test_caller_free(&admin);
}
END_TEST

/* Sends raw bytes to base's host and port and returns everything answered until the server closes. */
static char *raw_exchange(const char *base, const char *request)
{
    const char *port = strrchr(base, ':');
    ck_assert_msg(port != NULL, "no port in %s", base);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port + 1))};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {CC_TEST_HTTP_TIMEOUT, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ck_assert_msg(connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0, "connect %s", base);
    ck_assert_int_eq(send(fd, request, strlen(request), MSG_NOSIGNAL), (ssize_t)strlen(request));
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    ssize_t n;
    while ((n = recv(fd, out + len, cap - len - 1, 0)) > 0) {
        len += (size_t)n;
        if (cap - len < 2)
            out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    close(fd);
    return out;
}

/* Fails unless the raw answer has the status, a problem+json body with code and instance, and an
 * X-Request-Id. */
static void assert_raw_problem(const char *answer, int status, const char *code, const char *instance)
{
    char line[32];
    snprintf(line, sizeof(line), "HTTP/1.1 %d ", status);
    ck_assert_msg(strncmp(answer, line, strlen(line)) == 0, "expected %d: %s", status, answer);
    ck_assert_msg(strcasestr(answer, "\r\ncontent-type: application/problem+json\r\n") != NULL, "%s", answer);
    ck_assert_msg(strcasestr(answer, "\r\nx-request-id: ") != NULL, "no X-Request-Id: %s", answer);
    const char *body = strstr(answer, "\r\n\r\n");
    ck_assert_msg(body != NULL, "no body: %s", answer);
    json_t *problem = json_loads(body + 4, 0, NULL);
    ck_assert_msg(problem != NULL, "not JSON: %s", body + 4);
    ck_assert_str_eq(cc_test_json_string(problem, "code"), code);
    ck_assert_str_eq(cc_test_json_string(problem, "instance"), instance);
    ck_assert_int_eq(json_integer_value(json_object_get(problem, "status")), status);
    json_decref(problem);
}

/* What libh2o refuses before any handler runs, sent to a service directly, is problem+json too. */
START_TEST(test_service_early_errors)
{
    const char *identity = cc_test_env("CC_TEST_IDENTITY_URL");
    /* Over the largest body any route accepts (24 MiB): refused on the headers alone. */
    char *answer =
        raw_exchange(identity, "POST /v1/auth/login HTTP/1.1\r\nHost: t\r\n"
                               "Content-Type: application/json\r\nContent-Length: 25165825\r\n\r\n");
    assert_raw_problem(answer, 413, "payload_too_large", "/v1/auth/login");
    free(answer);
    answer = raw_exchange(identity, "POST /v1/auth/login HTTP/1.1\r\nHost: t\r\n"
                                    "Transfer-Encoding: chunked\r\n\r\nzz\r\n");
    assert_raw_problem(answer, 400, "bad_request", "/v1/auth/login");
    free(answer);
    answer = raw_exchange(identity, "POST /v1/auth/login HTTP/1.1\r\nHost: t\r\nExpect: nothing\r\n"
                                    "Content-Length: 2\r\n\r\n{}");
    assert_raw_problem(answer, 417, "expectation_failed", "/v1/auth/login");
    free(answer);
}
END_TEST

/* Fails unless resp is the gateway's 502 problem for path, with request_id rid (NULL: any sane one). */
static void assert_bad_gateway(const cc_test_response_t *resp, const char *path, const char *rid)
{
    ck_assert_msg(resp->status == 502, "expected 502, got %d: %s", resp->status, resp->body);
    const char *ct = cc_test_response_header(resp, "Content-Type");
    ck_assert_msg(ct != NULL && strcmp(ct, "application/problem+json") == 0, "content type %s", ct);
    ck_assert_msg(resp->json != NULL, "not JSON: %s", resp->body);
    ck_assert_str_eq(cc_test_json_string(resp->json, "type"), "https://certcycle.dev/problems/bad_gateway");
    ck_assert_str_eq(cc_test_json_string(resp->json, "code"), "bad_gateway");
    ck_assert_int_eq(json_integer_value(json_object_get(resp->json, "status")), 502);
    ck_assert_str_eq(cc_test_json_string(resp->json, "instance"), path);
    const char *got = cc_test_json_string(resp->json, "request_id");
    ck_assert_msg(got != NULL && strlen(got) >= 1 && strlen(got) <= 64, "request_id %s", got);
    if (rid != NULL)
        ck_assert_str_eq(got, rid);
}

/* Every proxied prefix, with any method and body, when its service cannot be reached. */
START_TEST(test_unreachable_service)
{
    const char *base = cc_test_env("CC_TEST_DEAD_GATEWAY_URL");
    const char *paths[] = {"/v1/auth/login",      "/v1/me",
                           "/v1/users",           "/.well-known/jwks.json",
                           "/v1/standards",       "/v1/audit-time",
                           "/v1/clients/x/sites", "/v1/auditors",
                           "/v1/programmes",      "/v1/audits",
                           "/v1/schedule/due",    "/v1/settings",
                           "/v1/findings",        "/v1/findings/x/evidence",
                           "/v1/evidence/x",      "/v1/decisions",
                           "/v1/certificates/x",  "/public/v1/certificates",
                           "/verify/northcert/x", "/v1/registry/status",
                           "/v1/webhooks"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        cc_test_response_t *resp = cc_test_http("GET", base, paths[i], NULL, NULL);
        assert_bad_gateway(resp, paths[i], NULL);
        cc_test_response_free(resp);
    }
    /* A write with a body; the caller's sane X-Request-Id is kept, a query is not the instance. */
    const char *headers[] = {"X-Request-Id: gw-test.1_A", NULL};
    cc_test_response_t *resp = cc_test_http("POST", base, "/v1/clients?x=1", headers, "{\"name\":\"x\"}");
    assert_bad_gateway(resp, "/v1/clients", "gw-test.1_A");
    cc_test_response_free(resp);
    /* An insane one is replaced. */
    const char *insane[] = {"X-Request-Id: a b", NULL};
    resp = cc_test_http("PATCH", base, "/v1/users/1", insane, "{}");
    assert_bad_gateway(resp, "/v1/users/1", NULL);
    ck_assert_str_ne(cc_test_json_string(resp->json, "request_id"), "a b");
    cc_test_response_free(resp);
    /* The error document's path is nothing a client can reach. */
    resp = cc_test_http("GET", base, "/.cc-gateway-error/502", NULL, NULL);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
}
END_TEST

/*
 * A service that accepts the connection and never answers: the gateway gives up after
 * proxy.timeout.io (1 s in deploy/test's second gateway) with the same 502 problem.
 */
START_TEST(test_silent_service)
{
    const char *base = cc_test_env("CC_TEST_DEAD_GATEWAY_URL");
    int port = atoi(cc_test_env("CC_TEST_DEAD_UPSTREAM_PORT"));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    ck_assert_msg(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(fd, 16) == 0,
                  "cannot listen on the dead upstream port %d", port);
    /* The kernel completes the handshake; nobody reads or answers. */
    cc_test_response_t *resp = cc_test_http("GET", base, "/v1/schedule/due", NULL, NULL);
    assert_bad_gateway(resp, "/v1/schedule/due", NULL);
    cc_test_response_free(resp);
    close(fd);
}
END_TEST

/* The gateway's own 404 (no route), on the live gateway and on one whose services are down. */
START_TEST(test_gateway_not_found)
{
    const char *bases[] = {cc_test_env("CC_TEST_GATEWAY_URL"), cc_test_env("CC_TEST_DEAD_GATEWAY_URL")};
    for (size_t i = 0; i < 2; i++) {
        cc_test_response_t *resp = cc_test_http("DELETE", bases[i], "/v2/nothing", NULL, NULL);
        cc_test_assert_problem(resp, 404, "not_found");
        ck_assert_str_eq(cc_test_json_string(resp->json, "instance"), "/v2/nothing");
        cc_test_response_free(resp);
    }
}
END_TEST

/*
 * The files the gateway serves itself, the contract (/openapi.yaml) and its rendered reference (/docs): on
 * the live gateway and on the one whose services are all down (no service is behind them).
 */
START_TEST(test_gateway_files)
{
    const char *bases[] = {cc_test_env("CC_TEST_GATEWAY_URL"), cc_test_env("CC_TEST_DEAD_GATEWAY_URL")};
    for (size_t i = 0; i < 2; i++) {
        cc_test_response_t *resp = cc_test_http("GET", bases[i], "/openapi.yaml", NULL, NULL);
        ck_assert_int_eq(resp->status, 200);
        ck_assert_str_eq(cc_test_response_header(resp, "Content-Type"), "application/yaml");
        ck_assert_str_eq(cc_test_response_header(resp, "X-Content-Type-Options"), "nosniff");
        ck_assert_msg(strncmp(resp->body, "openapi: 3.1", 12) == 0, "%.40s", resp->body);
        ck_assert_ptr_nonnull(strstr(resp->body, "\n  /verify/{cb_slug}/{number}:\n"));
        cc_test_response_free(resp);
        resp = cc_test_http("GET", bases[i], "/docs", NULL, NULL);
        ck_assert_int_eq(resp->status, 200);
        ck_assert_str_eq(cc_test_response_header(resp, "Content-Type"), "text/html");
        ck_assert_ptr_nonnull(strstr(resp->body, "<title>certcycle API reference</title>"));
        /* Self-contained: Redoc's bundle is inlined, nothing is loaded from a CDN. */
        ck_assert_ptr_null(strstr(resp->body, "<script src="));
        ck_assert_ptr_null(strstr(resp->body, "cdn.redoc"));
        cc_test_response_free(resp);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gateway");
    TCase *tc = tcase_create("gateway");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_query_control_characters);
    tcase_add_test(tc, test_unreachable_service);
    tcase_add_test(tc, test_silent_service);
    tcase_add_test(tc, test_body_limits);
    tcase_add_test(tc, test_service_early_errors);
    tcase_add_test(tc, test_gateway_not_found);
    tcase_add_test(tc, test_gateway_files);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
