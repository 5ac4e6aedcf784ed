/*
 * Logged-in callers for e2e tests; see cc_test_caller.h.
 */
#include "cc_test_caller.h"

#include <check.h>
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
