/*
 * Answering requests and reading their inputs; see cc_http.h.
 */
#include "cc_http.h"
#include "cc_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cc_crypto.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_server.h"

uint64_t cc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cc_request_retain(cc_request_t *r)
{
    r->refs++;
}

void cc_request_release(cc_request_t *r)
{
    if (--r->refs == 0) {
        pthread_mutex_destroy(&r->body_lock);
        free(r);
    }
}

void cc_request_init(cc_request_t *r)
{
    pthread_mutex_init(&r->body_lock, NULL);
}

void cc_request_detach(cc_request_t *r)
{
    pthread_mutex_lock(&r->body_lock);
    r->req = NULL;
    atomic_store(&r->client_gone, true);
    pthread_mutex_unlock(&r->body_lock);
}

ssize_t cc_request_body_read(cc_request_t *r, size_t offset, void *buf, size_t len)
{
    ssize_t n = -1;
    pthread_mutex_lock(&r->body_lock);
    if (r->req != NULL) {
        h2o_iovec_t body = r->req->entity;
        size_t left = offset < body.len ? body.len - offset : 0;
        n = (ssize_t)(len < left ? len : left);
        if (n > 0)
            memcpy(buf, body.base + offset, (size_t)n);
    }
    pthread_mutex_unlock(&r->body_lock);
    return n;
}

void cc_actor_from_request(const cc_request_t *r, cc_actor_t *out)
{
    memcpy(out->tenant_id, r->claims.tid, sizeof(out->tenant_id));
    memcpy(out->user_id, r->claims.sub, sizeof(out->user_id));
    memcpy(out->role, r->claims.role, sizeof(out->role));
    memcpy(out->client_id, r->claims.cid, sizeof(out->client_id));
    memcpy(out->remote_addr, r->remote_addr, sizeof(out->remote_addr));
    memcpy(out->request_id, r->request_id, sizeof(out->request_id));
}

bool cc_request_is_live(const cc_request_t *r)
{
    return r->req != NULL && !r->responded;
}

void cc_set_header(cc_request_t *r, const char *name, const char *value)
{
    if (r->req == NULL)
        return;
    h2o_mem_pool_t *pool = &r->req->pool;
    size_t name_len = strlen(name);
    h2o_iovec_t v = h2o_strdup(pool, value, strlen(value));
    h2o_add_header_by_str(pool, &r->req->res.headers, h2o_strdup(pool, name, name_len).base, name_len, 1,
                          NULL, v.base, v.len);
}

static void log_request(cc_request_t *r, int status, double seconds)
{
    cc_log_level_t level = status >= 500 ? CC_LOG_ERROR : CC_LOG_INFO;
    if (!cc_log_enabled(level)) /* the line is built only to be written: not on every request at warn */
        return;
    json_t *fields = json_pack("{s:s, s:s%, s:s, s:i, s:f, s:s}", "request_id", r->request_id, "method",
                               r->req->method.base, r->req->method.len, "route",
                               r->route != NULL ? r->route->pattern : "unmatched", "status", status,
                               "duration_ms", seconds * 1000.0, "remote", r->remote_addr);
    if (r->has_claims)
        json_object_set_new(fields, "tenant", json_string(r->claims.tid));
    cc_log_fields(level, "request", fields);
}

void cc_respond_begin(cc_request_t *r, int status, const char *content_type, size_t len)
{
    h2o_req_t *req = r->req;
    r->responded = true;
    req->res.status = status;
    req->res.reason = cc_http_reason(status);
    if (content_type != NULL)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type,
                       strlen(content_type));
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, NULL,
                          h2o_strdup(&req->pool, r->request_id, SIZE_MAX).base, strlen(r->request_id));
    req->res.content_length = len;
    double seconds = (double)(cc_now_ns() - r->started_ns) / 1e9;
    cc_server_t *server = cc_request_server(r);
    cc_metrics_observe(server->metrics, r->route != NULL ? r->route_index : server->nroutes, status, seconds);
    log_request(r, status, seconds);
}

/* Every answer but a streamed one ends here. */
static void send_response(cc_request_t *r, int status, const char *content_type, const char *body, size_t len)
{
    if (!cc_request_is_live(r))
        return;
    cc_respond_begin(r, status, content_type, len);
    h2o_send_inline(r->req, body, len);
}

void cc_respond_text(cc_request_t *r, int status, const char *content_type, const char *body, size_t len)
{
    send_response(r, status, content_type, body, len);
}

char *cc_json_answer_text(int status, json_t *body)
{
    if (body == NULL && (status == 204 || status == 304))
        return cc_strdup("");
    char *text =
        body != NULL ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(body);
    if (text == NULL) /* e.g. a json_pack that failed: never an empty 200 */
        cc_log_fields(CC_LOG_ERROR, "an answer had no body to send", json_pack("{s:i}", "status", status));
    return text;
}

void cc_respond_json(cc_request_t *r, int status, json_t *body)
{
    char *text = cc_json_answer_text(status, body);
    if (text == NULL) {
        cc_respond_error(r, 500, "internal_error", "the answer could not be built");
        return;
    }
    send_response(r, status, text[0] != '\0' ? "application/json" : NULL, text, strlen(text));
    free(text);
}

void cc_respond_problem(cc_request_t *r, json_t *problem)
{
    if (!cc_request_is_live(r)) {
        json_decref(problem);
        return;
    }
    h2o_req_t *req = r->req;
    json_object_set_new(problem, "instance",
                        json_stringn(req->path_normalized.base, req->path_normalized.len));
    json_object_set_new(problem, "request_id", json_string(r->request_id));
    int status = cc_problem_status(problem);
    if (status == 401)
        cc_set_header(r, "www-authenticate", "Bearer realm=\"certcycle\"");
    /* every 503 is temporary: tell the client when to come back unless the answer already says */
    if (status == 503 && h2o_find_header_by_str(&req->res.headers, H2O_STRLIT("retry-after"), -1) == -1)
        cc_set_header(r, "retry-after", "1");
    char *text = json_dumps(problem, JSON_COMPACT);
    json_decref(problem);
    send_response(r, status, "application/problem+json", text, strlen(text));
    free(text);
}

void cc_respond_error(cc_request_t *r, int status, const char *code, const char *detail)
{
    cc_respond_problem(r, cc_problem_new(status, code, detail));
}

const char *cc_request_header(cc_request_t *r, const char *name)
{
    ssize_t i = h2o_find_header_by_str(&r->req->headers, name, strlen(name), -1);
    if (i == -1)
        return NULL;
    h2o_iovec_t v = r->req->headers.entries[i].value;
    return h2o_strdup(&r->req->pool, v.base, v.len).base;
}

bool cc_etag_list_matches(const char *list, const char *etag)
{
    if (list == NULL)
        return false;
    size_t n = strlen(etag);
    for (const char *p = list; *p != '\0';) {
        p += strspn(p, " \t,");
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || strchr(" \t,", p[n]) != NULL))
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

static bool is_json_content_type(const char *ct)
{
    if (ct == NULL)
        return false;
    size_t n = strcspn(ct, ";");
    while (n > 0 && ct[n - 1] == ' ')
        n--;
    return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
           (n == 28 && strncasecmp(ct, "application/merge-patch+json", 28) == 0); /* RFC 7396 */
}

json_t *cc_read_json_or_respond(cc_request_t *r, const cc_field_t *fields, size_t nfields)
{
    h2o_req_t *req = r->req;
    if (req->entity.len > cc_request_config(r)->max_json_body) {
        cc_respond_error(r, 413, "payload_too_large", "the body is larger than the 1 MiB limit");
        return NULL;
    }
    if (!is_json_content_type(cc_request_header(r, "content-type"))) {
        cc_respond_error(r, 415, "unsupported_media_type", "the body must be application/json");
        return NULL;
    }
    json_error_t err;
    json_t *body = json_loadb(req->entity.base != NULL ? req->entity.base : "", req->entity.len,
                              JSON_REJECT_DUPLICATES, &err);
    if (body == NULL) {
        char detail[256];
        snprintf(detail, sizeof(detail), "the body is not valid JSON: %s (at byte %d)", err.text,
                 err.position);
        cc_respond_error(r, 400, "malformed_json", detail);
        return NULL;
    }
    json_t *problem = cc_problem_new(400, "validation_failed", "the body has invalid fields; see errors");
    if (cc_json_validate(body, fields, nfields, problem) != 0) {
        json_decref(body);
        cc_respond_problem(r, problem);
        return NULL;
    }
    json_decref(problem);
    return body;
}

static void on_held_json_dispose(void *p)
{
    json_decref(*(json_t **)p);
}

void cc_request_hold_json(cc_request_t *r, json_t *json)
{
    json_t **slot = h2o_mem_alloc_shared(&r->req->pool, sizeof(*slot), on_held_json_dispose);
    *slot = json;
}

const char *cc_path_uuid_or_respond(cc_request_t *r, const char *name)
{
    size_t len;
    const char *v = cc_path_param(&r->params, name, &len);
    if (v == NULL || !cc_is_uuid(v, len)) {
        json_t *problem = cc_problem_new(400, "validation_failed", "the path has an invalid identifier");
        cc_problem_add_error(problem, name, "invalid_uuid", "must be a UUID");
        cc_respond_problem(r, problem);
        return NULL;
    }
    return h2o_strdup(&r->req->pool, v, len).base;
}

/* The character of src[0..len) at *i, percent-decoded ('+' is a space); advances *i past it. */
static char decode_at(const char *src, size_t len, size_t *i)
{
    char c = src[*i];
    if (c == '+')
        c = ' ';
    else if (c == '%' && *i + 2 < len && cc_hex_digit_value(src[*i + 1]) >= 0 &&
             cc_hex_digit_value(src[*i + 2]) >= 0) {
        c = (char)(cc_hex_digit_value(src[*i + 1]) * 16 + cc_hex_digit_value(src[*i + 2]));
        *i += 2;
    }
    (*i)++;
    return c;
}

/* Percent-decodes src[0..len) into buf. Returns the length or -2 when it does not fit. */
static int url_decode(const char *src, size_t len, char *buf, size_t cap)
{
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        char c = decode_at(src, len, &i);
        if (out + 1 >= cap) {
            buf[0] = '\0'; /* never leave a partial, unterminated value behind */
            return -2;
        }
        buf[out++] = c;
    }
    buf[out] = '\0';
    return (int)out;
}

int cc_query_param(cc_request_t *r, const char *name, char *buf, size_t cap)
{
    h2o_req_t *req = r->req;
    if (req->query_at == SIZE_MAX)
        return -1;
    const char *q = req->path.base + req->query_at + 1, *end = req->path.base + req->path.len;
    size_t name_len = strlen(name);
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pair_end = amp != NULL ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(pair_end - q));
        const char *key_end = eq != NULL ? eq : pair_end;
        if ((size_t)(key_end - q) == name_len && memcmp(q, name, name_len) == 0) {
            const char *v = eq != NULL ? eq + 1 : pair_end;
            return url_decode(v, (size_t)(pair_end - v), buf, cap);
        }
        q = pair_end + 1;
    }
    return -1;
}

/* True when src[0..len), percent-decoded, holds a control character (C0 or DEL): a NUL would cut a value
 * short. */
static bool has_control_character(const char *src, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)decode_at(src, len, &i);
        if (c < 0x20 || c == 0x7f)
            return true;
    }
    return false;
}

/* Answers 400 naming the parameter and returns -1 when its decoded name or value holds a control character.
 */
static int check_query_pair(cc_request_t *r, const char *key, size_t key_len, const char *v, size_t v_len)
{
    if (!has_control_character(key, key_len) && !has_control_character(v, v_len))
        return 0;
    char *field = h2o_strdup(&r->req->pool, key, key_len).base; /* as sent (still encoded): printable */
    json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
    cc_problem_add_error(problem, field, "control_character", "must not contain control characters");
    cc_respond_problem(r, problem);
    return -1;
}

int cc_query_check_or_respond(cc_request_t *r)
{
    h2o_req_t *req = r->req;
    if (req->query_at == SIZE_MAX)
        return 0;
    const char *q = req->path.base + req->query_at + 1, *end = req->path.base + req->path.len;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pair_end = amp != NULL ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(pair_end - q));
        const char *key_end = eq != NULL ? eq : pair_end;
        const char *v = eq != NULL ? eq + 1 : pair_end;
        if (check_query_pair(r, q, (size_t)(key_end - q), v, (size_t)(pair_end - v)) != 0)
            return -1;
        q = pair_end + 1;
    }
    return 0;
}

int cc_query_limit_or_respond(cc_request_t *r)
{
    char buf[16];
    int n = cc_query_param(r, "limit", buf, sizeof(buf));
    if (n == -1)
        return 50;
    char *end;
    long limit = strtol(buf, &end, 10);
    if (n <= 0 || *end != '\0' || limit < 1 || limit > 500) {
        json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
        cc_problem_add_error(problem, "limit", "out_of_range", "must be an integer from 1 to 500");
        cc_respond_problem(r, problem);
        return -1;
    }
    return (int)limit;
}

int cc_query_cursor_or_respond(cc_request_t *r, char after[37])
{
    return cc_query_cursor_key_or_respond(r, after, cc_is_uuid);
}

int cc_query_cursor_key_or_respond(cc_request_t *r, char after[37],
                                   bool (*valid)(const char *key, size_t len))
{
    char cursor[128];
    after[0] = '\0';
    int n = cc_query_param(r, "cursor", cursor, sizeof(cursor));
    if (n == -1)
        return 0;
    uint8_t *decoded = NULL;
    size_t len = 0;
    bool ok = n >= 0 && cc_base64url_decode(cursor, (size_t)n, &decoded, &len) == 0 && len <= 36 &&
              valid((char *)decoded, len);
    if (ok) {
        memcpy(after, decoded, len);
        after[len] = '\0';
    }
    free(decoded);
    if (!ok) {
        json_t *problem = cc_problem_new(400, "validation_failed", "the query has an invalid parameter");
        cc_problem_add_error(problem, "cursor", "invalid_cursor", "is not a cursor this API returned");
        cc_respond_problem(r, problem);
        return -1;
    }
    return 0;
}

long long cc_if_match(cc_request_t *r)
{
    const char *v = cc_request_header(r, "if-match");
    if (v == NULL || strcmp(v, "*") == 0)
        return -1;
    char *end;
    if (v[0] != '"')
        return -2;
    long long n = strtoll(v + 1, &end, 10);
    return end != v + 1 && end[0] == '"' && end[1] == '\0' && n >= 0 ? n : -2;
}

static void version_etag(const json_t *resource, char etag[32])
{
    snprintf(etag, 32, "\"%lld\"", (long long)json_integer_value(json_object_get(resource, "version")));
}

void cc_respond_versioned(cc_request_t *r, int status, json_t *resource)
{
    if (resource == NULL) { /* a json_pack that failed: cc_respond_json answers 500 */
        cc_respond_json(r, status, NULL);
        return;
    }
    char etag[32];
    version_etag(resource, etag);
    cc_set_header(r, "etag", etag);
    cc_respond_json(r, status, resource);
}

void cc_respond_page(cc_request_t *r, json_t *items, const PGresult *res, int limit, int id_column)
{
    cc_page_t page = {.limit = limit, .id_column = id_column};
    cc_page_respond(r, &page, items, res, NULL);
}

void *cc_request_alloc(cc_request_t *r, size_t size)
{
    return h2o_mem_alloc_pool(&r->req->pool, size);
}

char *cc_request_strdup(cc_request_t *r, const char *s, size_t len)
{
    return h2o_strdup(&r->req->pool, s, len).base;
}
