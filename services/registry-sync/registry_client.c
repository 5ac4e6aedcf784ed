/*
 * The IAF CertSearch API client (registry_client.h; DOMAIN.md "IAF
 * CertSearch"): each call builds its URL from the tenant's base URL and one
 * of the paths below (the only place they are written), sends JSON with the
 * key in `x-http-authorization` through the outbound guard (cc_outbound.h),
 * and turns the answer into a registry_reply_t (registry_errors.c says what
 * each status means). The key is never logged and never copied into a reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_outbound.h"
#include "registry_client.h"

#define PATH_UPLOAD_ONE "/cb/upload-cert"
#define PATH_UPLOAD_BULK "/cb/bulk-upload-cert"
#define PATH_RECORD "/cb/cert/"                 /* + company_certifications_id: get, delete */
#define PATH_LIST "/cb/cert?limit=%d&offset=%d" /* assumed by DOMAIN.md: IAF documents no list path */

#define READ_MAX_RESPONSE (8 * 1024 * 1024) /* a list page of 100 full records */

/* base + path, without doubling the slash between them; NULL when it does not fit. */
static char *url_of(const char *base, const char *path)
{
    size_t bl = base != NULL ? strlen(base) : 0;
    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    char *url = malloc(bl + strlen(path) + 1);
    if (url != NULL) {
        memcpy(url, base, bl);
        strcpy(url + bl, path);
    }
    return url;
}

/* PATH_RECORD + the id, percent-encoded (it is the registry's, not ours to trust). */
static char *record_path(const char *id)
{
    size_t len = id != NULL ? strlen(id) : 0;
    char *path = malloc(sizeof(PATH_RECORD) + len * 3);
    if (path == NULL)
        return NULL;
    char *p = path + sprintf(path, "%s", PATH_RECORD);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~')
            *p++ = (char)c;
        else
            p += sprintf(p, "%%%02X", c);
    }
    *p = '\0';
    return path;
}

/* Replaces every occurrence of the key in detail (a registry may echo what it was sent). */
static void scrub_key(char *detail, const char *key)
{
    size_t kl = key != NULL ? strlen(key) : 0;
    char *at;
    while (kl > 0 && (at = strstr(detail, key)) != NULL) {
        memset(at, '*', kl);
    }
}

/* Fills a reply for a call that got no HTTP answer. */
static void no_answer(cc_outbound_result_t r, const cc_outbound_response_t *res, registry_reply_t *reply)
{
    reply->http_status = 0;
    reply->outcome = r == CC_OUTBOUND_REFUSED_URL || r == CC_OUTBOUND_REFUSED_ADDRESS ? REGISTRY_REFUSED
                                                                                      : REGISTRY_TRANSIENT;
    snprintf(reply->detail, sizeof(reply->detail), "%s: %s", cc_outbound_result_name(r), res->error);
}

/*
 * One exchange: method on base_url + path with body (or NULL). On an HTTP answer, classifies it and
 * returns the parsed body (a new reference, NULL when it is not JSON); otherwise NULL.
 */
static json_t *exchange(const registry_conn_t *conn, const char *method, const char *path, const char *body,
                        size_t max_response, registry_reply_t *reply)
{
    memset(reply, 0, sizeof(*reply));
    char *url = url_of(conn->base_url, path);
    size_t kl = conn->api_key != NULL ? strlen(conn->api_key) : 0;
    char *auth = malloc(sizeof("x-http-authorization: ") + kl);
    if (url == NULL || auth == NULL) {
        free(url), free(auth);
        reply->outcome = REGISTRY_TRANSIENT;
        snprintf(reply->detail, sizeof(reply->detail), "out of memory");
        return NULL;
    }
    sprintf(auth, "x-http-authorization: %s", conn->api_key != NULL ? conn->api_key : "");
    const char *headers[] = {"Accept: application/json", auth,
                             body != NULL ? "Content-Type: application/json" : NULL, NULL};
    cc_outbound_request_t req = {.method = method,
                                 .url = url,
                                 .headers = headers,
                                 .body = body,
                                 .body_len = body != NULL ? strlen(body) : 0,
                                 .timeout_ms = conn->timeout_ms,
                                 .max_response = max_response,
                                 .cancel = conn->cancel};
    cc_outbound_response_t res;
    cc_outbound_result_t r = cc_outbound_call(&req, &res);
    json_t *doc = NULL;
    if (r == CC_OUTBOUND_OK) {
        registry_classify(res.status, res.body, res.body_len, res.retry_after, time(NULL), reply);
        doc = json_loadb(res.body, res.body_len, 0, NULL);
    } else {
        no_answer(r, &res, reply);
    }
    scrub_key(reply->detail, conn->api_key);
    cc_outbound_response_free(&res);
    memset(auth, 0, strlen(auth));
    free(auth);
    free(url);
    return doc;
}

/* An OK answer whose body lacks what the call needs: retry later. */
static void unreadable(registry_reply_t *reply, const char *what)
{
    reply->outcome = REGISTRY_TRANSIENT;
    snprintf(reply->detail, sizeof(reply->detail), "HTTP %d: unreadable answer (%s)", reply->http_status,
             what);
}

void registry_upload_one(const registry_conn_t *conn, const json_t *record, registry_reply_t *reply)
{
    char *body = json_dumps(record, JSON_COMPACT);
    if (body == NULL) {
        memset(reply, 0, sizeof(*reply));
        reply->outcome = REGISTRY_TRANSIENT;
        snprintf(reply->detail, sizeof(reply->detail), "the record cannot be encoded");
        return;
    }
    json_t *doc = exchange(conn, "POST", PATH_UPLOAD_ONE, body, 0, reply);
    free(body);
    if (reply->outcome == REGISTRY_OK) {
        /* {"data": true, "company_certifications_id": "..."}; also read inside data, and as a number */
        const json_t *id = json_object_get(doc, "company_certifications_id");
        if (id == NULL)
            id = json_object_get(json_object_get(doc, "data"), "company_certifications_id");
        if (json_is_string(id) && json_string_length(id) > 0)
            reply->company_certifications_id = strdup(json_string_value(id));
        else if (json_is_integer(id)) {
            char text[32];
            snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
            reply->company_certifications_id = strdup(text);
        }
    } else if (reply->outcome == REGISTRY_REJECTED) {
        /* one record: every error is record 0's */
        size_t i;
        json_t *e;
        json_array_foreach(reply->record_errors, i, e)
            json_object_set_new(e, "record_index", json_integer(0));
    }
    json_decref(doc);
}

void registry_upload_bulk(const registry_conn_t *conn, const json_t *records, registry_reply_t *reply)
{
    json_t *wrapper = json_pack("{s:O}", "certifications", (json_t *)records);
    char *body = wrapper != NULL ? json_dumps(wrapper, JSON_COMPACT) : NULL;
    json_decref(wrapper);
    if (body == NULL) {
        memset(reply, 0, sizeof(*reply));
        reply->outcome = REGISTRY_TRANSIENT;
        snprintf(reply->detail, sizeof(reply->detail), "the records cannot be encoded");
        return;
    }
    json_decref(exchange(conn, "POST", PATH_UPLOAD_BULK, body, 0, reply));
    free(body);
}

void registry_get(const registry_conn_t *conn, const char *company_certifications_id, registry_reply_t *reply)
{
    char *path = record_path(company_certifications_id);
    if (path == NULL) {
        memset(reply, 0, sizeof(*reply));
        reply->outcome = REGISTRY_TRANSIENT;
        snprintf(reply->detail, sizeof(reply->detail), "out of memory");
        return;
    }
    json_t *doc = exchange(conn, "GET", path, NULL, READ_MAX_RESPONSE, reply);
    free(path);
    if (reply->outcome == REGISTRY_OK) {
        /* {"data": record}; a bare record is taken as it is */
        json_t *data = json_object_get(doc, "data");
        if (json_is_object(data))
            reply->data = json_incref(data);
        else if (json_is_object(doc) && json_object_get(doc, "certificate_identity_number") != NULL)
            reply->data = json_incref(doc);
        else
            unreadable(reply, "no record");
    }
    json_decref(doc);
}

void registry_list(const registry_conn_t *conn, int limit, int offset, registry_reply_t *reply)
{
    char path[sizeof(PATH_LIST) + 32];
    limit = limit < 1 ? 1 : limit > REGISTRY_LIST_MAX ? REGISTRY_LIST_MAX : limit;
    snprintf(path, sizeof(path), PATH_LIST, limit, offset < 0 ? 0 : offset);
    json_t *doc = exchange(conn, "GET", path, NULL, READ_MAX_RESPONSE, reply);
    if (reply->outcome == REGISTRY_OK) {
        /* {"data": [...], "meta": {"total_rows", "total_pages", "limit", "offset"}} */
        json_t *data = json_object_get(doc, "data"), *meta = json_object_get(doc, "meta");
        if (!json_is_array(data)) {
            unreadable(reply, "no data array");
        } else {
            reply->data = json_incref(data);
            reply->meta = json_is_object(meta) ? json_incref(meta) : NULL;
        }
    }
    json_decref(doc);
}

void registry_delete(const registry_conn_t *conn, const char *company_certifications_id,
                     registry_reply_t *reply)
{
    char *path = record_path(company_certifications_id);
    if (path == NULL) {
        memset(reply, 0, sizeof(*reply));
        reply->outcome = REGISTRY_TRANSIENT;
        snprintf(reply->detail, sizeof(reply->detail), "out of memory");
        return;
    }
    json_decref(exchange(conn, "DELETE", path, NULL, 0, reply));
    free(path);
}
