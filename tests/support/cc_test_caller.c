/*
 * Logged-in callers for e2e tests; see cc_test_caller.h.
 */
#include "cc_test_caller.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *gateway(void)
{
    return cc_test_env("CC_TEST_GATEWAY_URL");
}

void cc_test_caller_login_as(cc_test_caller_t *c, const char *tenant, const char *email, const char *password)
{
    cc_test_login(gateway(), tenant, email, password, &c->tokens);
    c->auth = cc_test_bearer(c->tokens.access);
}

void cc_test_caller_login(cc_test_caller_t *c, const char *tenant, const char *local_part)
{
    char email[128];
    snprintf(email, sizeof(email), "%s@%s.example", local_part, tenant);
    cc_test_caller_login_as(c, tenant, email, CC_TEST_DEMO_PASSWORD);
}

void cc_test_caller_free(cc_test_caller_t *c)
{
    cc_test_tokens_free(&c->tokens);
    free(c->auth);
    c->auth = NULL;
}

cc_test_response_t *cc_test_call(const cc_test_caller_t *c, const char *method, const char *path,
                                 const char *extra, const char *body)
{
    const char *headers[3] = {NULL, NULL, NULL};
    size_t n = 0;
    if (c != NULL)
        headers[n++] = c->auth;
    if (extra != NULL)
        headers[n++] = extra;
    return cc_test_http(method, gateway(), path, headers, body);
}

cc_test_response_t *cc_test_call_json(const cc_test_caller_t *c, const char *method, const char *path,
                                      const char *extra, const json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    cc_test_response_t *resp = cc_test_call(c, method, path, extra, text);
    free(text);
    return resp;
}

json_int_t cc_test_version_of(const cc_test_response_t *resp)
{
    return json_integer_value(json_object_get(resp->json, "version"));
}

void cc_test_assert_etag(const cc_test_response_t *resp, int version)
{
    char want[32];
    snprintf(want, sizeof(want), "\"%d\"", version);
    const char *etag = cc_test_response_header(resp, "ETag");
    ck_assert_msg(etag != NULL && strcmp(etag, want) == 0, "ETag is %s, want %s",
                  etag != NULL ? etag : "(none)", want);
}

char *cc_test_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    return s;
}

json_t *cc_test_list_all(const cc_test_caller_t *c, const char *base_path, int limit)
{
    return cc_test_list_walk(c, base_path, limit, true);
}

json_t *cc_test_list_walk(const cc_test_caller_t *c, const char *base_path, int limit, bool by_id)
{
    json_t *all = json_array(), *seen = json_object();
    const char *sep = strchr(base_path, '?') != NULL ? "&" : "?";
    char *cursor = NULL, *last = NULL;
    for (int pages = 0;; pages++) {
        ck_assert_msg(pages < 100000, "pagination of %s does not end", base_path);
        char *path;
        if (cursor == NULL) {
            path = cc_test_asprintf("%s%slimit=%d", base_path, sep, limit);
        } else {
            char *enc = cc_test_url_encode(cursor);
            path = cc_test_asprintf("%s%slimit=%d&cursor=%s", base_path, sep, limit, enc);
            free(enc);
        }
        cc_test_response_t *resp = cc_test_call(c, "GET", path, NULL, NULL);
        cc_test_assert_json(resp, 200);
        json_t *items = json_object_get(resp->json, "items"), *item;
        ck_assert_msg(json_is_array(items) && json_array_size(items) <= (size_t)limit, "%s: %s", path,
                      resp->body);
        size_t i;
        json_array_foreach(items, i, item)
        {
            const char *id = cc_test_json_string(item, "id");
            ck_assert_msg(cc_test_is_uuid(id), "an item without an id: %s", resp->body);
            ck_assert_msg(json_object_get(seen, id) == NULL, "%s listed twice (%s)", id, path);
            ck_assert_msg(!by_id || last == NULL || strcmp(last, id) < 0,
                          "%s listed after %s: not ordered by id", id, last);
            json_object_set_new(seen, id, json_true());
            json_array_append(all, item);
            free(last);
            last = strdup(id);
        }
        json_t *next = json_object_get(resp->json, "next_cursor");
        ck_assert_msg(next != NULL && (json_is_null(next) || json_is_string(next)), "next_cursor: %s",
                      resp->body);
        free(cursor);
        cursor = json_is_string(next) ? strdup(json_string_value(next)) : NULL;
        if (cursor != NULL)
            ck_assert_msg(json_array_size(items) > 0, "an empty page with a next_cursor: %s", path);
        cc_test_response_free(resp);
        free(path);
        if (cursor == NULL)
            break;
    }
    free(last);
    json_decref(seen);
    return all;
}

void cc_test_assert_location(const cc_test_response_t *resp, const char *path)
{
    const char *location = cc_test_response_header(resp, "Location");
    size_t ll = location != NULL ? strlen(location) : 0, pl = strlen(path);
    ck_assert_msg(location != NULL && ll >= pl && strcmp(location + ll - pl, path) == 0,
                  "Location %s does not end with %s", location != NULL ? location : "(none)", path);
}
