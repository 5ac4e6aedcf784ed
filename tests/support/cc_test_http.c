/*
 * A tiny blocking HTTP/1.1 client for tests, and the helpers HTTP tests share.
 * One TCP connection per request to a loopback address, Connection: close;
 * the response body is read by Content-Length, chunked transfer coding, or to
 * the end of the connection. Each response is logged as one JSON line to the
 * file named by CC_TEST_RESPONSES for the OpenAPI response checker.
 */
#include "cc_test_http.h"

#include "cc_buf.h"
#include "cc_mem.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Serialises appends to the responses log between threads of one test process. */
static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;

static char *format_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return s;
}

/* Splits "http://host:port/prefix" into host, port and prefix (without a trailing slash). */
static int parse_base_url(const char *base, char **host, char **port, char **prefix)
{
    if (strncmp(base, "http://", 7) != 0)
        return -1;
    const char *p = base + 7;
    const char *host_start, *host_end;
    if (*p == '[') {
        host_start = p + 1;
        host_end = strchr(host_start, ']');
        if (host_end == NULL)
            return -1;
        p = host_end + 1;
    } else {
        host_start = p;
        while (*p != '\0' && *p != ':' && *p != '/')
            p++;
        host_end = p;
    }
    if (host_end == host_start)
        return -1;
    const char *port_start = "80";
    size_t port_len = 2;
    if (*p == ':') {
        port_start = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        port_len = (size_t)(p - port_start);
        if (port_len == 0)
            return -1;
    }
    if (*p != '\0' && *p != '/')
        return -1;
    size_t prefix_len = strlen(p);
    while (prefix_len > 0 && p[prefix_len - 1] == '/')
        prefix_len--;
    *host = cc_strndup(host_start, (size_t)(host_end - host_start));
    *port = cc_strndup(port_start, port_len);
    *prefix = cc_strndup(p, prefix_len);
    return 0;
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

/* Connects to host:port (loopback only) with a bounded wait. Returns the socket or -1 with *error set. */
static int connect_loopback(const char *host, const char *port, int timeout, char **error)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        *error = format_error("could not resolve %s:%s: %s", host, port, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    *error = NULL;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        if (!is_loopback(ai->ai_addr)) {
            free(*error);
            *error = format_error("refusing to connect to %s: not a loopback address", host);
            continue;
        }
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno == EINPROGRESS) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            int so_error = ETIMEDOUT;
            socklen_t len = sizeof(so_error);
            if (poll(&pfd, 1, timeout * 1000) == 1)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
            errno = so_error;
        } else {
            errno = 0;
        }
        if (errno == 0) {
            int flags = fcntl(fd, F_GETFL);
            fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
            struct timeval tv = {.tv_sec = timeout};
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
            free(*error);
            *error = NULL;
            break;
        }
        free(*error);
        *error = format_error("could not connect to %s:%s: %s", host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0 && *error == NULL)
        *error = format_error("could not connect to %s:%s", host, port);
    return fd;
}

static bool has_header(const char *const *headers, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
        if (strncasecmp(headers[i], name, n) == 0 && headers[i][n] == ':')
            return true;
    return false;
}

/* Writes all of data; returns 0, or -1 when the peer stopped reading (it may have answered early). */
static int send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads more bytes into b. Returns bytes read, 0 at end of stream, -1 on error or timeout. */
static ssize_t recv_more(int fd, cc_buf_t *b)
{
    cc_buf_reserve(b, 16384);
    for (;;) {
        ssize_t n = recv(fd, b->data + b->len, 16384, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0) {
            b->len += (size_t)n;
            b->data[b->len] = '\0';
        }
        return n;
    }
}

/*
 * Decodes a chunked body starting at in[0..len). Returns 1 and fills out when
 * complete, 0 when more bytes are needed, -1 when malformed.
 */
static int dechunk(const char *in, size_t len, cc_buf_t *out)
{
    size_t pos = 0;
    out->len = 0;
    for (;;) {
        const char *eol = memmem(in + pos, len - pos, "\r\n", 2);
        if (eol == NULL)
            return 0;
        char *end;
        unsigned long size = strtoul(in + pos, &end, 16);
        if (end == in + pos)
            return -1;
        pos = (size_t)(eol - in) + 2;
        if (size == 0) {
            /* Trailers end with an empty line. */
            for (;;) {
                const char *tl = memmem(in + pos, len - pos, "\r\n", 2);
                if (tl == NULL)
                    return 0;
                if (tl == in + pos)
                    return 1;
                pos = (size_t)(tl - in) + 2;
            }
        }
        if (len - pos < size + 2)
            return 0;
        cc_buf_append(out, in + pos, size);
        if (memcmp(in + pos + size, "\r\n", 2) != 0)
            return -1;
        pos += size + 2;
    }
}

static void add_header(cc_test_response_t *resp, const char *name, size_t name_len, const char *value,
                       size_t value_len)
{
    while (value_len > 0 && (*value == ' ' || *value == '\t')) {
        value++;
        value_len--;
    }
    while (value_len > 0 && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
        value_len--;
    resp->header_names = cc_realloc(resp->header_names, (resp->nheaders + 1) * sizeof(char *));
    resp->header_values = cc_realloc(resp->header_values, (resp->nheaders + 1) * sizeof(char *));
    resp->header_names[resp->nheaders] = cc_strndup(name, name_len);
    resp->header_values[resp->nheaders] = cc_strndup(value, value_len);
    resp->nheaders++;
}

static void clear_headers(cc_test_response_t *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        free(resp->header_names[i]);
        free(resp->header_values[i]);
    }
    free(resp->header_names);
    free(resp->header_values);
    resp->header_names = NULL;
    resp->header_values = NULL;
    resp->nheaders = 0;
}

/* Parses the status line and header fields of head (without the blank line). Returns 0 or -1. */
static int parse_head(cc_test_response_t *resp, const char *head, size_t len)
{
    const char *end = head + len;
    const char *eol = memmem(head, len, "\r\n", 2);
    if (eol == NULL)
        eol = end;
    if (eol - head < 12 || strncmp(head, "HTTP/1.", 7) != 0 || head[8] != ' ')
        return -1;
    resp->status = atoi(head + 9);
    if (resp->status < 100 || resp->status > 599)
        return -1;
    clear_headers(resp);
    const char *line = eol == end ? end : eol + 2;
    while (line < end) {
        const char *le = memmem(line, (size_t)(end - line), "\r\n", 2);
        if (le == NULL)
            le = end;
        const char *colon = memchr(line, ':', (size_t)(le - line));
        if (colon == NULL || colon == line)
            return -1;
        add_header(resp, line, (size_t)(colon - line), colon + 1, (size_t)(le - colon - 1));
        line = le == end ? end : le + 2;
    }
    return 0;
}

static bool content_type_is_json(const char *ct)
{
    if (ct == NULL)
        return false;
    size_t n = strcspn(ct, ";");
    return (n >= 4 && strncasecmp(ct + n - 4, "json", 4) == 0);
}

/* Appends one JSON line describing resp to $CC_TEST_RESPONSES, if set. */
static void log_response(const char *method, const char *path, const cc_test_response_t *resp)
{
    const char *file = getenv("CC_TEST_RESPONSES");
    if (file == NULL || *file == '\0')
        return;
    json_t *headers = json_object();
    for (size_t i = 0; i < resp->nheaders; i++) {
        char *lower = cc_strdup(resp->header_names[i]);
        for (char *c = lower; *c != '\0'; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        json_t *prev = json_object_get(headers, lower);
        if (prev != NULL) {
            /* Repeated fields combine as a comma-separated list (RFC 9110 5.3). */
            char *joined = format_error("%s, %s", json_string_value(prev), resp->header_values[i]);
            json_object_set_new(headers, lower, json_string(joined));
            free(joined);
        } else {
            json_object_set_new(headers, lower, json_string(resp->header_values[i]));
        }
        free(lower);
    }
    const char *ct = cc_test_response_header(resp, "Content-Type");
    json_t *line = json_object();
    json_object_set_new(line, "method", json_string(method));
    json_object_set_new(line, "path", json_string(path));
    json_object_set_new(line, "status", json_integer(resp->status));
    json_object_set_new(line, "content_type", ct != NULL ? json_string(ct) : json_null());
    json_object_set_new(line, "body", resp->json != NULL ? json_incref(resp->json) : json_null());
    json_object_set_new(line, "headers", headers);
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (text == NULL)
        return;
    size_t text_len = strlen(text);
    text = cc_realloc(text, text_len + 2);
    text[text_len++] = '\n';
    text[text_len] = '\0';
    pthread_mutex_lock(&log_mutex);
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        /* One write per line with O_APPEND: lines from parallel test processes do not interleave. */
        ssize_t n = write(fd, text, text_len);
        (void)n;
        close(fd);
    }
    pthread_mutex_unlock(&log_mutex);
    free(text);
}

static bool status_has_no_body(const char *method, int status)
{
    return strcmp(method, "HEAD") == 0 || status == 204 || status == 304 || (status >= 100 && status < 200);
}

/* Reads and parses one final response from fd. Returns 0 or -1 with *error set. */
static int read_response(int fd, const char *method, cc_test_response_t *resp, char **error)
{
    cc_buf_t in = {0};
    cc_buf_t body = {0};
    int rc = -1;
    size_t head_end = 0;
    for (;;) {
        /* Find the end of a head, skipping interim 1xx responses. */
        const char *blank;
        while ((blank = memmem(in.data != NULL ? in.data + head_end : "", in.len - head_end, "\r\n\r\n",
                               4)) == NULL) {
            ssize_t n = recv_more(fd, &in);
            if (n <= 0) {
                *error = n == 0 ? format_error("connection closed before a complete response head")
                                : format_error("could not read the response head: %s", strerror(errno));
                goto out;
            }
        }
        if (parse_head(resp, in.data + head_end, (size_t)(blank - (in.data + head_end))) != 0) {
            *error = format_error("malformed response head");
            goto out;
        }
        head_end = (size_t)(blank - in.data) + 4;
        if (resp->status >= 200)
            break;
    }

    const char *te = cc_test_response_header(resp, "Transfer-Encoding");
    const char *cl = cc_test_response_header(resp, "Content-Length");
    if (status_has_no_body(method, resp->status)) {
        cc_buf_append(&body, "", 0);
    } else if (te != NULL && strcasestr(te, "chunked") != NULL) {
        int done;
        while ((done = dechunk(in.data + head_end, in.len - head_end, &body)) == 0) {
            ssize_t n = recv_more(fd, &in);
            if (n <= 0) {
                *error = format_error("truncated chunked body");
                goto out;
            }
        }
        if (done < 0) {
            *error = format_error("malformed chunked body");
            goto out;
        }
        cc_buf_append(&body, "", 0);
    } else if (cl != NULL) {
        char *end;
        unsigned long long want = strtoull(cl, &end, 10);
        if (end == cl) {
            *error = format_error("malformed Content-Length: %s", cl);
            goto out;
        }
        while (in.len - head_end < want) {
            ssize_t n = recv_more(fd, &in);
            if (n <= 0) {
                *error = format_error("truncated body: %zu of %llu bytes", in.len - head_end, want);
                goto out;
            }
        }
        cc_buf_append(&body, in.data + head_end, (size_t)want);
    } else {
        ssize_t n;
        while ((n = recv_more(fd, &in)) > 0)
            ;
        if (n < 0) {
            *error = format_error("could not read the body: %s", strerror(errno));
            goto out;
        }
        cc_buf_append(&body, in.data + head_end, in.len - head_end);
    }
    resp->body = body.data;
    resp->body_len = body.len;
    body.data = NULL;
    if (resp->body_len > 0 && content_type_is_json(cc_test_response_header(resp, "Content-Type")))
        resp->json = json_loadb(resp->body, resp->body_len, JSON_DECODE_ANY, NULL);
    rc = 0;
out:
    free(in.data);
    free(body.data);
    return rc;
}

cc_test_response_t *cc_test_http_send(const cc_test_request_t *req, char **error)
{
    char *host = NULL, *port = NULL, *prefix = NULL, *err = NULL;
    cc_test_response_t *resp = NULL;
    cc_buf_t out = {0};
    int fd = -1;
    int timeout = req->timeout_seconds > 0 ? req->timeout_seconds : CC_TEST_HTTP_TIMEOUT;

    if (parse_base_url(req->base_url, &host, &port, &prefix) != 0) {
        err = format_error("cannot parse base URL \"%s\" (want http://host:port)", req->base_url);
        goto out;
    }
    fd = connect_loopback(host, port, timeout, &err);
    if (fd < 0)
        goto out;

    size_t body_len = req->body == NULL ? 0 : (req->body_len > 0 ? req->body_len : strlen(req->body));
    bool ipv6 = strchr(host, ':') != NULL;
    cc_buf_printf(&out, "%s %s%s HTTP/1.1\r\nHost: %s%s%s:%s\r\nConnection: close\r\nUser-Agent: cc-test\r\n",
                  req->method, prefix, req->path, ipv6 ? "[" : "", host, ipv6 ? "]" : "", port);
    for (size_t i = 0; req->headers != NULL && req->headers[i] != NULL; i++)
        cc_buf_printf(&out, "%s\r\n", req->headers[i]);
    if (req->body != NULL) {
        if (!has_header(req->headers, "Content-Type"))
            cc_buf_printf(&out, "Content-Type: application/json\r\n");
        cc_buf_printf(&out, "Content-Length: %zu\r\n", body_len);
    } else if (strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0 ||
               strcmp(req->method, "PATCH") == 0) {
        cc_buf_printf(&out, "Content-Length: 0\r\n");
    }
    cc_buf_append(&out, "\r\n", 2);
    if (req->body != NULL)
        cc_buf_append(&out, req->body, body_len);
    /* A server may answer (413, 401) before reading all of a large body: read the answer anyway. */
    (void)send_all(fd, out.data, out.len);
    if (req->on_sent != NULL)
        req->on_sent(req->on_sent_arg);

    resp = cc_calloc(1, sizeof(*resp));
    if (read_response(fd, req->method, resp, &err) != 0) {
        cc_test_response_free(resp);
        resp = NULL;
        char *full = format_error("%s %s%s: %s", req->method, req->base_url, req->path, err);
        free(err);
        err = full;
        goto out;
    }
    if (!req->unlogged)
        log_response(req->method, req->path, resp);
out:
    if (fd >= 0)
        close(fd);
    free(out.data);
    free(host);
    free(port);
    free(prefix);
    if (error != NULL)
        *error = err;
    else
        free(err);
    return resp;
}

cc_test_response_t *cc_test_http(const char *method, const char *base_url, const char *path,
                                 const char *const *headers, const char *body)
{
    cc_test_request_t req = {
        .method = method, .base_url = base_url, .path = path, .headers = headers, .body = body};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    if (resp == NULL) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", error != NULL ? error : "request failed");
        free(error);
        ck_abort_msg("%s", msg);
    }
    return resp;
}

cc_test_response_t *cc_test_http_json(const char *method, const char *base_url, const char *path,
                                      const char *const *headers, const json_t *body)
{
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    cc_test_response_t *resp = cc_test_http(method, base_url, path, headers, text);
    free(text);
    return resp;
}

void cc_test_response_free(cc_test_response_t *resp)
{
    if (resp == NULL)
        return;
    clear_headers(resp);
    free(resp->body);
    json_decref(resp->json);
    free(resp);
}

const char *cc_test_response_header(const cc_test_response_t *resp, const char *name)
{
    for (size_t i = 0; i < resp->nheaders; i++)
        if (strcasecmp(resp->header_names[i], name) == 0)
            return resp->header_values[i];
    return NULL;
}

char *cc_test_bearer(const char *token)
{
    return format_error("Authorization: Bearer %s", token);
}

const char *cc_test_env(const char *name)
{
    const char *v = getenv(name);
    ck_assert_msg(v != NULL && *v != '\0',
                  "environment variable %s is not set: run this test through deploy/test, which sets it",
                  name);
    return v;
}

void cc_test_login(const char *base, const char *tenant, const char *email, const char *password,
                   cc_test_tokens_t *out)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "tenant", tenant, "email", email, "password", password);
    cc_test_response_t *resp = cc_test_http_json("POST", base, "/v1/auth/login", NULL, body);
    json_decref(body);
    ck_assert_msg(resp->status == 200, "login of %s in %s answered %d: %s", email, tenant, resp->status,
                  resp->body);
    const char *access = cc_test_json_string(resp->json, "access_token");
    const char *refresh = cc_test_json_string(resp->json, "refresh_token");
    ck_assert_msg(access != NULL && refresh != NULL, "login of %s answered without tokens: %s", email,
                  resp->body);
    out->access = cc_strdup(access);
    out->refresh = cc_strdup(refresh);
    cc_test_response_free(resp);
}

void cc_test_tokens_free(cc_test_tokens_t *tokens)
{
    free(tokens->access);
    free(tokens->refresh);
    tokens->access = NULL;
    tokens->refresh = NULL;
}

char *cc_test_unique_email(const char *label, const char *slug)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    return format_error("%s-%s@%s.example", label, suffix, slug);
}

char *cc_test_create_user(const char *base, const char *admin_access, const char *email, const char *role,
                          const char *client_id, const char *password)
{
    char *name = format_error("Test user %s", email);
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:s}", "email", email, "name", name, "role", role, "password", password);
    if (client_id != NULL)
        json_object_set_new(body, "client_id", json_string(client_id));
    char *auth = cc_test_bearer(admin_access);
    const char *headers[] = {auth, NULL};
    cc_test_response_t *resp = cc_test_http_json("POST", base, "/v1/users", headers, body);
    json_decref(body);
    free(auth);
    free(name);
    ck_assert_msg(resp->status == 201, "creating %s (%s) answered %d: %s", email, role, resp->status,
                  resp->body);
    const char *id = cc_test_json_string(resp->json, "id");
    ck_assert_msg(cc_test_is_uuid(id), "created user has no UUID id: %s", resp->body);
    char *copy = cc_strdup(id);
    cc_test_response_free(resp);
    return copy;
}

void cc_test_assert_problem(const cc_test_response_t *resp, int status, const char *code)
{
    ck_assert_msg(resp->status == status, "expected %d %s, got %d: %s", status, code, resp->status,
                  resp->body);
    const char *ct = cc_test_response_header(resp, "Content-Type");
    ck_assert_msg(ct != NULL && strncasecmp(ct, "application/problem+json", 24) == 0,
                  "a %d answer has Content-Type %s, not application/problem+json", status,
                  ct != NULL ? ct : "(none)");
    ck_assert_msg(json_is_object(resp->json), "a problem body is not a JSON object: %s", resp->body);
    const char *type = cc_test_json_string(resp->json, "type");
    char want_type[256];
    snprintf(want_type, sizeof(want_type), "https://certcycle.dev/problems/%s", code);
    ck_assert_msg(type != NULL && strcmp(type, want_type) == 0, "problem type is %s, want %s", type,
                  want_type);
    const char *title = cc_test_json_string(resp->json, "title");
    ck_assert_msg(title != NULL && *title != '\0', "problem without a title: %s", resp->body);
    json_t *st = json_object_get(resp->json, "status");
    ck_assert_msg(json_is_integer(st) && json_integer_value(st) == status,
                  "problem status member is not %d: %s", status, resp->body);
    const char *got = cc_test_json_string(resp->json, "code");
    ck_assert_msg(got != NULL && strcmp(got, code) == 0, "problem code is %s, want %s: %s", got, code,
                  resp->body);
    const char *rid = cc_test_response_header(resp, "X-Request-Id");
    ck_assert_msg(rid != NULL && *rid != '\0', "a %d answer without X-Request-Id", status);
    const char *body_rid = cc_test_json_string(resp->json, "request_id");
    if (body_rid != NULL)
        ck_assert_msg(strcmp(body_rid, rid) == 0, "request_id %s differs from X-Request-Id %s", body_rid,
                      rid);
}

void cc_test_assert_first_error_field(const cc_test_response_t *resp, const char *field)
{
    json_t *errors = json_object_get(resp->json, "errors");
    ck_assert_msg(json_is_array(errors) && json_array_size(errors) > 0, "no errors[] in %s", resp->body);
    const char *got = cc_test_json_string(json_array_get(errors, 0), "field");
    ck_assert_msg(got != NULL && strcmp(got, field) == 0, "errors[0].field is %s, want %s: %s", got, field,
                  resp->body);
}

void cc_test_assert_json(const cc_test_response_t *resp, int status)
{
    ck_assert_msg(resp->status == status, "expected %d, got %d: %s", status, resp->status, resp->body);
    const char *ct = cc_test_response_header(resp, "Content-Type");
    ck_assert_msg(ct != NULL && strncasecmp(ct, "application/json", 16) == 0,
                  "a %d answer has Content-Type %s, not application/json", status,
                  ct != NULL ? ct : "(none)");
    ck_assert_msg(resp->json != NULL, "a %d answer is not JSON: %s", status, resp->body);
}

const char *cc_test_json_string(const json_t *obj, const char *key)
{
    if (!json_is_object(obj))
        return NULL;
    return json_string_value(json_object_get(obj, key));
}

bool cc_test_is_uuid(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

void cc_test_random_suffix(char out[17])
{
    unsigned char raw[8];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        abort();
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

char *cc_test_url_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(s);
    char *out = cc_malloc(3 * len + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}
