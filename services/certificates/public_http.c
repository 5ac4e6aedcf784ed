/*
 * The public answers' shared headers and conditional GET (public_http.h), and the public base URL
 * (public_index.h: public_base_url).
 */
#include "public_http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "public_index.h"

void public_headers(cc_request_t *r, const char *etag)
{
    char cache[48];
    snprintf(cache, sizeof(cache), "public, max-age=%d", PUBLIC_MAX_AGE);
    cc_set_header(r, "access-control-allow-origin", "*");
    cc_set_header(r, "access-control-expose-headers", "ETag, Retry-After");
    cc_set_header(r, "cache-control", cache);
    if (etag != NULL)
        cc_set_header(r, "etag", etag);
}

bool public_not_modified_or_respond(cc_request_t *r, const char *etag)
{
    if (!cc_etag_list_matches(cc_request_header(r, "if-none-match"), etag))
        return false;
    public_headers(r, etag);
    cc_respond_json(r, 304, NULL);
    return true;
}

void public_not_found(cc_request_t *r)
{
    cc_set_header(r, "access-control-allow-origin", "*");
    cc_set_header(r, "cache-control", "no-store");
    cc_respond_error(r, 404, "not_found", "no such certificate");
}

bool public_ready_or_respond(cc_request_t *r)
{
    if (public_index_loaded())
        return true;
    cc_set_header(r, "access-control-allow-origin", "*");
    cc_respond_error(r, 503, "service_unavailable", "the public index is loading; try again");
    return false;
}

/* CC_PUBLIC_URL without trailing slashes ("" when unset), read once. */
static char public_url[512];
static pthread_once_t public_url_once = PTHREAD_ONCE_INIT;

static void read_public_url(void)
{
    const char *v = getenv("CC_PUBLIC_URL");
    snprintf(public_url, sizeof(public_url), "%s", v != NULL ? v : "");
    size_t n = strlen(public_url);
    while (n > 0 && public_url[n - 1] == '/')
        public_url[--n] = '\0';
}

/* True when host is a plausible Host header: letters, digits, '.', '-', ':', '[' and ']' only. */
static bool sane_host(const char *host, size_t len)
{
    if (len == 0 || len > 255)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)host[i]) && strchr(".-:[]", host[i]) == NULL)
            return false;
    return true;
}

void public_base_url(const cc_request_t *r, char *out, size_t size)
{
    pthread_once(&public_url_once, read_public_url);
    if (public_url[0] != '\0') {
        snprintf(out, size, "%s", public_url);
        return;
    }
    const char *scheme = "http";
    h2o_req_t *req = r->req;
    ssize_t i = req != NULL ? h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-forwarded-proto"), -1) : -1;
    if (i != -1 && h2o_lcstris(req->headers.entries[i].value.base, req->headers.entries[i].value.len,
                               H2O_STRLIT("https")))
        scheme = "https";
    if (req != NULL && sane_host(req->authority.base, req->authority.len))
        snprintf(out, size, "%s://%.*s", scheme, (int)req->authority.len, req->authority.base);
    else
        snprintf(out, size, "%s://localhost", scheme);
}
