/*
 * Outbound HTTP behind the address guard (cc_outbound.h; ARCHITECTURE.md
 * "Outbound calls"), over one fresh libcurl easy handle per call.
 *
 * Where the guard sits: in CURLOPT_OPENSOCKETFUNCTION. libcurl calls it with
 * the very address it is about to connect() to, after its own DNS resolution,
 * for every connection attempt (each address of a multi-address name, each
 * happy-eyeballs attempt). Refusing there leaves no window between the check
 * and the connect (resolving ourselves and pinning with CURLOPT_RESOLVE would
 * check one answer and trust libcurl to use it; a DNS-rebinding name cannot
 * slip past a check of the connected address). Redirects are never followed,
 * proxies from the environment are disabled (http_proxy would otherwise make
 * libcurl connect to the proxy, not the host), and each call has its own
 * handle, so no pooled connection escapes the check.
 */
#include "cc_outbound.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_CONNECT_TIMEOUT_MS 5000
#define DEFAULT_MAX_RESPONSE (1024 * 1024)

static cc_proxies_t allow_list; /* CC_OUTBOUND_ALLOW, copied once by cc_outbound_init */

int cc_outbound_init(const cc_proxies_t *allow)
{
    if (allow != NULL)
        allow_list = *allow;
    else
        memset(&allow_list, 0, sizeof(allow_list));
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void cc_outbound_cleanup(void)
{
    curl_global_cleanup();
}

const char *cc_outbound_result_name(cc_outbound_result_t result)
{
    switch (result) {
    case CC_OUTBOUND_OK:
        return "ok";
    case CC_OUTBOUND_REFUSED_URL:
        return "refused_url";
    case CC_OUTBOUND_REFUSED_ADDRESS:
        return "refused_address";
    case CC_OUTBOUND_DNS:
        return "dns";
    case CC_OUTBOUND_CONNECT:
        return "connect";
    case CC_OUTBOUND_TIMEOUT:
        return "timeout";
    case CC_OUTBOUND_DROPPED:
        return "dropped";
    case CC_OUTBOUND_TLS:
        return "tls";
    case CC_OUTBOUND_TOO_LARGE:
        return "too_large";
    case CC_OUTBOUND_CANCELLED:
        return "cancelled";
    case CC_OUTBOUND_ERROR:
        break;
    }
    return "error";
}

/* ---- address classification ---- */

static bool v4_in(uint32_t a, uint32_t net, int prefix)
{
    uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    return (a & mask) == (net & mask);
}

/* a in host byte order. The special-purpose blocks of RFC 6890 and its successors that no public host
 * uses. */
static bool v4_public(uint32_t a)
{
    static const struct {
        uint32_t net;
        int prefix;
    } refused[] = {
        {0x00000000, 8},  /* 0/8 "this network", 0.0.0.0 unspecified */
        {0x0a000000, 8},  /* 10/8 private */
        {0x64400000, 10}, /* 100.64/10 carrier-grade NAT */
        {0x7f000000, 8},  /* 127/8 loopback */
        {0xa9fe0000, 16}, /* 169.254/16 link-local (cloud metadata) */
        {0xac100000, 12}, /* 172.16/12 private */
        {0xc0000000, 24}, /* 192.0.0/24 IETF protocol assignments */
        {0xc0000200, 24}, /* 192.0.2/24 documentation */
        {0xc0586300, 24}, /* 192.88.99/24 6to4 relay anycast (deprecated) */
        {0xc0a80000, 16}, /* 192.168/16 private */
        {0xc6120000, 15}, /* 198.18/15 benchmarking */
        {0xc6336400, 24}, /* 198.51.100/24 documentation */
        {0xcb007100, 24}, /* 203.0.113/24 documentation */
        {0xe0000000, 4},  /* 224/4 multicast */
        {0xf0000000, 4},  /* 240/4 reserved, 255.255.255.255 broadcast */
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (v4_in(a, refused[i].net, refused[i].prefix))
            return false;
    return true;
}

static uint32_t v4_at(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* IPv6 is judged by allowing, not refusing: only global unicast (2000::/3) is public, minus its special
 * blocks; addresses that embed an IPv4 address are judged as that address. */
static bool v6_public(const uint8_t *b)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0) /* ::ffff:a.b.c.d, 64:ff9b::a.b.c.d */
        return v4_public(v4_at(b + 12));
    if ((b[0] & 0xe0) != 0x20) /* outside 2000::/3: ::, ::1, fc00::/7, fe80::/10, ff00::/8, ... */
        return false;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) /* 2001::/23 IETF protocol assignments (Teredo, ...) */
        return false;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* 2001:db8::/32 documentation */
        return false;
    if (b[0] == 0x20 && b[1] == 0x02) /* 2002::/16 6to4: the IPv4 address it embeds */
        return v4_public(v4_at(b + 2));
    return true;
}

bool cc_outbound_address_public(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return v4_public(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6)
        return v6_public(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
    return false;
}

/* An IPv4-mapped IPv6 address as the sockaddr_in it stands for (so the allow list sees 127.0.0.2, not
 * ::ffff:127.0.0.2); anything else copied as it is. */
static void normalise(const struct sockaddr *sa, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof(*out));
    if (sa->sa_family == AF_INET6) {
        const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, mapped, 12) == 0) {
            struct sockaddr_in *s4 = (struct sockaddr_in *)out;
            s4->sin_family = AF_INET;
            memcpy(&s4->sin_addr, b + 12, 4);
            return;
        }
        memcpy(out, sa, sizeof(struct sockaddr_in6));
    } else if (sa->sa_family == AF_INET) {
        memcpy(out, sa, sizeof(struct sockaddr_in));
    }
}

static void address_text(const struct sockaddr *sa, char *buf, size_t len)
{
    const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                                             : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
        snprintf(buf, len, "?");
}

/*
 * The guard's one rule: CC_OUTBOUND_ALLOW admits an address over http and https; otherwise only https
 * to a public address. Returns OK, REFUSED_ADDRESS (not public) or REFUSED_URL (http to a public
 * address), explaining in error.
 */
static cc_outbound_result_t judge(const struct sockaddr *sa, bool https, char *error, size_t errlen)
{
    struct sockaddr_storage n;
    normalise(sa, &n);
    if (n.ss_family != AF_INET && n.ss_family != AF_INET6) {
        snprintf(error, errlen, "not an IP address");
        return CC_OUTBOUND_REFUSED_ADDRESS;
    }
    if (cc_proxies_contains(&allow_list, (struct sockaddr *)&n))
        return CC_OUTBOUND_OK;
    char text[INET6_ADDRSTRLEN];
    address_text((struct sockaddr *)&n, text, sizeof(text));
    if (!cc_outbound_address_public((struct sockaddr *)&n)) {
        snprintf(error, errlen, "address %s is not public and not in CC_OUTBOUND_ALLOW", text);
        return CC_OUTBOUND_REFUSED_ADDRESS;
    }
    if (!https) {
        snprintf(error, errlen, "http to %s: only https, or http inside CC_OUTBOUND_ALLOW", text);
        return CC_OUTBOUND_REFUSED_URL;
    }
    return CC_OUTBOUND_OK;
}

/* ---- URLs ---- */

typedef struct parsed_url {
    bool https;
    char host[256]; /* without IPv6 brackets */
    char port[8];
} parsed_url_t;

static cc_outbound_result_t parse_url(const char *url, parsed_url_t *p, char *error, size_t errlen)
{
    memset(p, 0, sizeof(*p));
    if (url == NULL || (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0)) {
        snprintf(error, errlen, "not an absolute http(s) URL");
        return CC_OUTBOUND_REFUSED_URL;
    }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    cc_outbound_result_t r = CC_OUTBOUND_REFUSED_URL;
    if (u == NULL) {
        snprintf(error, errlen, "out of memory");
        return CC_OUTBOUND_ERROR;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        snprintf(error, errlen, "malformed URL");
        goto done;
    }
    const char *h = host;
    size_t hl = strlen(h);
    if (h[0] == '[' && hl >= 2) { /* [::1] → ::1 */
        h++;
        hl -= 2;
    }
    if (hl == 0 || hl >= sizeof(p->host) || strlen(port) >= sizeof(p->port)) {
        snprintf(error, errlen, "malformed URL");
        goto done;
    }
    memcpy(p->host, h, hl);
    snprintf(p->port, sizeof(p->port), "%s", port);
    p->https = strcasecmp(scheme, "https") == 0;
    r = CC_OUTBOUND_OK;
done:
    curl_free(host);
    curl_free(scheme);
    curl_free(port);
    curl_url_cleanup(u);
    return r;
}

cc_outbound_result_t cc_outbound_check_url(const char *url, char *error, size_t errlen)
{
    parsed_url_t p;
    cc_outbound_result_t r = parse_url(url, &p, error, errlen);
    if (r != CC_OUTBOUND_OK)
        return r;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(p.host, p.port, &hints, &res);
    if (rc != 0) {
        snprintf(error, errlen, "host does not resolve: %s", gai_strerror(rc));
        return CC_OUTBOUND_DNS;
    }
    /* Every address must pass: a name with one private address among public ones is refused. */
    r = CC_OUTBOUND_OK;
    for (struct addrinfo *ai = res; ai != NULL && r == CC_OUTBOUND_OK; ai = ai->ai_next)
        r = judge(ai->ai_addr, p.https, error, errlen);
    freeaddrinfo(res);
    return r;
}

bool cc_outbound_url_storable(const char *url, char *error, size_t errlen)
{
    cc_outbound_result_t r = cc_outbound_check_url(url, error, errlen);
    if (r != CC_OUTBOUND_DNS)
        return r == CC_OUTBOUND_OK;
    /* A name that does not resolve today (offline, not yet published) is no address the guard refuses: it
     * is judged on every call. Only over https: http needs an address inside CC_OUTBOUND_ALLOW. */
    parsed_url_t p;
    if (parse_url(url, &p, error, errlen) == CC_OUTBOUND_OK && p.https)
        return true;
    snprintf(error, errlen,
             "http is allowed only to an address in CC_OUTBOUND_ALLOW, and this host does not "
             "resolve");
    return false;
}

/* ---- Retry-After ---- */

int cc_outbound_retry_after(const char *value, time_t now)
{
    if (value == NULL)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (*value >= '0' && *value <= '9') { /* delta-seconds */
        char *end;
        long n = strtol(value, &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end != '\0' || n < 0)
            return -1;
        return n > 86400 * 365 ? 86400 * 365 : (int)n;
    }
    /* HTTP-date, IMF-fixdate form: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7). */
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    const char *end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == NULL)
        return -1;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0')
        return -1;
    time_t at = timegm(&tm);
    if (at == (time_t)-1)
        return -1;
    return at <= now ? 0 : (at - now > 86400 * 365 ? 86400 * 365 : (int)(at - now));
}

/* ---- the call ---- */

typedef struct call_ctx {
    const cc_outbound_request_t *req;
    cc_outbound_response_t *res;
    bool https;
    cc_outbound_result_t guard; /* set when the guard refused a connection */
    char guard_error[200];
    size_t cap, alloc;
    bool too_large;
} call_ctx_t;

static curl_socket_t open_socket(void *userp, curlsocktype purpose, struct curl_sockaddr *addr)
{
    call_ctx_t *c = userp;
    if (purpose != CURLSOCKTYPE_IPCXN) {
        c->guard = CC_OUTBOUND_REFUSED_ADDRESS;
        snprintf(c->guard_error, sizeof(c->guard_error), "unexpected socket purpose");
        return CURL_SOCKET_BAD;
    }
    cc_outbound_result_t r = judge(&addr->addr, c->https, c->guard_error, sizeof(c->guard_error));
    if (r != CC_OUTBOUND_OK) {
        /* A later attempt (another address of the name) may still pass; REFUSED_ADDRESS is kept over
         * REFUSED_URL as the more telling refusal. */
        if (c->guard != CC_OUTBOUND_REFUSED_ADDRESS)
            c->guard = r;
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
    call_ctx_t *c = userp;
    size_t len = size * n;
    cc_outbound_response_t *res = c->res;
    if (res->body_len + len > c->cap) {
        c->too_large = true;
        return 0; /* CURLE_WRITE_ERROR */
    }
    if (res->body_len + len + 1 > c->alloc) {
        size_t want = c->alloc < 4096 ? 4096 : c->alloc;
        while (want < res->body_len + len + 1)
            want *= 2;
        char *grown = realloc(res->body, want);
        if (grown == NULL)
            return 0;
        res->body = grown;
        c->alloc = want;
    }
    memcpy(res->body + res->body_len, data, len);
    res->body_len += len;
    res->body[res->body_len] = '\0';
    return len;
}

/* Keeps the value of "Name: value" when the line's name is name; values are never logged. */
static void keep_header(const char *line, size_t len, const char *name, char **out)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    free(*out);
    *out = strndup(v, (size_t)(end - v));
}

static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
    call_ctx_t *c = userp;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) { /* a new answer (after a 100 Continue): forget */
        free(c->res->retry_after);
        free(c->res->location);
        c->res->retry_after = c->res->location = NULL;
    }
    keep_header(data, len, "Retry-After", &c->res->retry_after);
    keep_header(data, len, "Location", &c->res->location);
    return len;
}

static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    call_ctx_t *c = userp;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return c->req->cancel != NULL && atomic_load(c->req->cancel) ? 1 : 0;
}

static cc_outbound_result_t classify(CURLcode rc, const call_ctx_t *c)
{
    switch (rc) {
    case CURLE_OK:
        return CC_OUTBOUND_OK;
    case CURLE_COULDNT_CONNECT:
        return c->guard != CC_OUTBOUND_OK ? c->guard : CC_OUTBOUND_CONNECT;
    case CURLE_COULDNT_RESOLVE_HOST:
        return CC_OUTBOUND_DNS;
    case CURLE_OPERATION_TIMEDOUT:
        return CC_OUTBOUND_TIMEOUT;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return CC_OUTBOUND_DROPPED;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
        return CC_OUTBOUND_TLS;
    case CURLE_WRITE_ERROR:
        return c->too_large ? CC_OUTBOUND_TOO_LARGE : CC_OUTBOUND_ERROR;
    case CURLE_ABORTED_BY_CALLBACK:
        return CC_OUTBOUND_CANCELLED;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return CC_OUTBOUND_REFUSED_URL;
    default:
        return CC_OUTBOUND_ERROR;
    }
}

/* Everything but the method, URL, headers and body: the guard, limits and callbacks. */
static void set_guard_options(CURL *h, call_ctx_t *c)
{
    const cc_outbound_request_t *req = c->req;
    long timeout = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout < DEFAULT_CONNECT_TIMEOUT_MS ? timeout : (long)DEFAULT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, c);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "certcycle");
}

static struct curl_slist *build_headers(const cc_outbound_request_t *req)
{
    struct curl_slist *list = NULL;
    for (size_t i = 0; req->headers != NULL && req->headers[i] != NULL; i++) {
        struct curl_slist *next = curl_slist_append(list, req->headers[i]);
        if (next == NULL) {
            curl_slist_free_all(list);
            return NULL;
        }
        list = next;
    }
    /* No "Expect: 100-continue" round trip before a large body. */
    struct curl_slist *next = curl_slist_append(list, "Expect:");
    if (next == NULL)
        curl_slist_free_all(list);
    return next;
}

static cc_outbound_result_t perform(CURL *h, call_ctx_t *c, struct curl_slist *headers)
{
    const cc_outbound_request_t *req = c->req;
    cc_outbound_response_t *res = c->res;
    const char *method = req->method != NULL ? req->method : "GET";
    set_guard_options(h, c);
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (req->body != NULL) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    if (strcmp(method, "GET") != 0 && (strcmp(method, "POST") != 0 || req->body == NULL))
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    char curl_error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    cc_outbound_result_t r = classify(rc, c);
    if (r == CC_OUTBOUND_OK) {
        res->status = (int)status;
        return r;
    }
    res->status = r == CC_OUTBOUND_TOO_LARGE ? (int)status : 0;
    if (r == CC_OUTBOUND_REFUSED_ADDRESS || (r == CC_OUTBOUND_REFUSED_URL && c->guard_error[0] != '\0'))
        snprintf(res->error, sizeof(res->error), "%s", c->guard_error);
    else if (r == CC_OUTBOUND_TOO_LARGE)
        snprintf(res->error, sizeof(res->error), "answer over %zu bytes", c->cap);
    else /* libcurl's message names the host and the failure, never a header's value */
        snprintf(res->error, sizeof(res->error), "%s: %.200s", cc_outbound_result_name(r),
                 curl_error[0] != '\0' ? curl_error : curl_easy_strerror(rc));
    return r;
}

cc_outbound_result_t cc_outbound_call(const cc_outbound_request_t *req, cc_outbound_response_t *res)
{
    memset(res, 0, sizeof(*res));
    res->body = calloc(1, 1);
    call_ctx_t c = {.req = req, .res = res, .guard = CC_OUTBOUND_OK};
    c.cap = req->max_response > 0 ? req->max_response : DEFAULT_MAX_RESPONSE;
    c.alloc = 1;
    if (res->body == NULL) {
        snprintf(res->error, sizeof(res->error), "out of memory");
        return CC_OUTBOUND_ERROR;
    }
    parsed_url_t p;
    cc_outbound_result_t r = parse_url(req->url, &p, res->error, sizeof(res->error));
    if (r != CC_OUTBOUND_OK)
        return r;
    c.https = p.https;
    CURL *h = curl_easy_init();
    struct curl_slist *headers = build_headers(req);
    if (h == NULL || headers == NULL) {
        snprintf(res->error, sizeof(res->error), "out of memory");
        r = CC_OUTBOUND_ERROR;
    } else {
        r = perform(h, &c, headers);
    }
    curl_slist_free_all(headers);
    if (h != NULL)
        curl_easy_cleanup(h);
    return r;
}

void cc_outbound_response_free(cc_outbound_response_t *res)
{
    if (res == NULL)
        return;
    free(res->body);
    free(res->retry_after);
    free(res->location);
    res->body = res->retry_after = res->location = NULL;
    res->body_len = 0;
}
