/*
 * A logged-in caller for e2e tests through the gateway (CC_TEST_GATEWAY_URL):
 * its tokens and ready-made Authorization line, and requests made as it.
 */
#ifndef CC_TEST_CALLER_H
#define CC_TEST_CALLER_H

#include <jansson.h>
#include <stdbool.h>

#include "cc_test_http.h"

typedef struct cc_test_caller {
    cc_test_tokens_t tokens;
    char *auth; /* "Authorization: Bearer ..." */
} cc_test_caller_t;

/* Logs in <local_part>@<tenant>.example with the demo password; fails the test otherwise. */
void cc_test_caller_login(cc_test_caller_t *c, const char *tenant, const char *local_part);

/* Logs in with an explicit e-mail and password. */
void cc_test_caller_login_as(cc_test_caller_t *c, const char *tenant, const char *email,
                             const char *password);

void cc_test_caller_free(cc_test_caller_t *c);

/* Sends a request as c (NULL: anonymous) with an optional extra header line and body. */
cc_test_response_t *cc_test_call(const cc_test_caller_t *c, const char *method, const char *path,
                                 const char *extra, const char *body);

/* As cc_test_call with a JSON body (borrowed), serialised compactly. */
cc_test_response_t *cc_test_call_json(const cc_test_caller_t *c, const char *method, const char *path,
                                      const char *extra, const json_t *body);

/* vasprintf that aborts on failure; the caller frees. */
char *cc_test_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Walks a list endpoint as c (base_path may already hold a query) with the
 * given page size until next_cursor is null, asserting every page's shape,
 * the page size, ascending ids (every list pages by id) and that no item is
 * repeated. Returns every item (the caller decrefs).
 */
json_t *cc_test_list_all(const cc_test_caller_t *c, const char *base_path, int limit);

/* As cc_test_list_all; the ids must ascend only when by_id (other lists order by a date, then id). */
json_t *cc_test_list_walk(const cc_test_caller_t *c, const char *base_path, int limit, bool by_id);

/* Fails unless resp has a Location header ending with path. */
void cc_test_assert_location(const cc_test_response_t *resp, const char *path);

/* The `version` member of a response's body. */
json_int_t cc_test_version_of(const cc_test_response_t *resp);

/* Fails unless resp carries the ETag "<version>". */
void cc_test_assert_etag(const cc_test_response_t *resp, int version);

#endif
