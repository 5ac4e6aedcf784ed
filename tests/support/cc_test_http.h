/*
 * A tiny blocking HTTP/1.1 client for the integration and e2e tests: plain
 * sockets, loopback only, one connection per request (Connection: close).
 * Every response received is appended as one JSON line to the file named by
 * CC_TEST_RESPONSES (when set), for the OpenAPI response checker. Also the
 * small helpers every HTTP test needs: required environment variables, login,
 * problem+json assertions and random names.
 */
#ifndef CC_TEST_HTTP_H
#define CC_TEST_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Default seconds a request may wait for connect, send and each receive before it fails. */
#define CC_TEST_HTTP_TIMEOUT 60

/* The demo password of every seeded user. */
#define CC_TEST_DEMO_PASSWORD "demo-password-1"

typedef struct cc_test_response {
    int status;          /* HTTP status code */
    size_t nheaders;     /* number of header fields, in received order */
    char **header_names; /* as received */
    char **header_values;
    char *body; /* the (de-chunked) body, NUL-terminated; "" when there is none */
    size_t body_len;
    json_t *json; /* the body parsed when the Content-Type says JSON and it parses; else NULL; owned */
} cc_test_response_t;

typedef struct cc_test_request {
    const char *method;         /* "GET", "POST", ... */
    const char *base_url;       /* "http://127.0.0.1:8080" (an optional path prefix is kept) */
    const char *path;           /* "/v1/users?limit=2" */
    const char *const *headers; /* NULL-terminated array of "Name: value" lines, or NULL */
    const char *body;           /* request body or NULL; Content-Type defaults to application/json */
    size_t body_len;            /* bytes of body; 0 means strlen(body) */
    int timeout_seconds;        /* 0 means CC_TEST_HTTP_TIMEOUT */
    void (*on_sent)(void *arg); /* optional: called once the whole request has been written */
    void *on_sent_arg;
    bool unlogged; /* true: not recorded for the OpenAPI checker (a test double's answer, not ours) */
} cc_test_request_t;

/*
 * Sends one request and reads the whole response. Returns a response the
 * caller frees with cc_test_response_free, or NULL on a transport failure
 * (refused, timed out, not loopback, unparsable answer) with a caller-freed
 * message in *error (when error is not NULL). Never calls Check's assertions,
 * so it may be used from any thread.
 */
cc_test_response_t *cc_test_http_send(const cc_test_request_t *req, char **error);

/* As cc_test_http_send with the default timeout, but a transport failure fails the current test. */
cc_test_response_t *cc_test_http(const char *method, const char *base_url, const char *path,
                                 const char *const *headers, const char *body);

/* As cc_test_http with body serialised compactly from a JSON value (borrowed; NULL for no body). */
cc_test_response_t *cc_test_http_json(const char *method, const char *base_url, const char *path,
                                      const char *const *headers, const json_t *body);

/* Frees a response; accepts NULL. */
void cc_test_response_free(cc_test_response_t *resp);

/* The value of the first header named name (case-insensitive), or NULL. Borrowed from resp. */
const char *cc_test_response_header(const cc_test_response_t *resp, const char *name);

/* Returns a caller-freed "Authorization: Bearer <token>" header line. */
char *cc_test_bearer(const char *token);

/*
 * The value of environment variable name; when it is missing or empty the
 * current test fails with a message naming it. Borrowed from the environment.
 */
const char *cc_test_env(const char *name);

/* Access and refresh tokens of one login; both caller-owned. */
typedef struct cc_test_tokens {
    char *access;
    char *refresh;
} cc_test_tokens_t;

/*
 * POST {base}/v1/auth/login; fails the current test unless it answers 200
 * with both tokens. Fills *out; free with cc_test_tokens_free.
 */
void cc_test_login(const char *base, const char *tenant, const char *email, const char *password,
                   cc_test_tokens_t *out);

/* Frees both tokens and clears them; accepts NULL members. */
void cc_test_tokens_free(cc_test_tokens_t *tokens);

/* Returns a caller-freed unique address "<label>-<16 hex>@<slug>.example". */
char *cc_test_unique_email(const char *label, const char *slug);

/*
 * POST {base}/v1/users as the admin whose access token is given, with name
 * "Test user <email>"; client_id may be NULL. Fails the current test unless it
 * answers 201. Returns the caller-freed id of the new user.
 */
char *cc_test_create_user(const char *base, const char *admin_access, const char *email, const char *role,
                          const char *client_id, const char *password);

/*
 * Fails the current test unless resp is an RFC 9457 problem: the given status,
 * Content-Type application/problem+json, an object with type
 * "https://certcycle.dev/problems/<code>", a title, a numeric status equal to
 * the HTTP status and the given code, and an X-Request-Id header (equal to
 * request_id in the body when the body has one).
 */
void cc_test_assert_problem(const cc_test_response_t *resp, int status, const char *code);

/* Fails the current test unless resp's body has errors[0].field equal to field. */
void cc_test_assert_first_error_field(const cc_test_response_t *resp, const char *field);

/* Fails the current test unless resp has the status and Content-Type application/json with a JSON body. */
void cc_test_assert_json(const cc_test_response_t *resp, int status);

/* A borrowed string member of a JSON object, or NULL when absent or not a string. */
const char *cc_test_json_string(const json_t *obj, const char *key);

/* True when s is a canonical textual UUID (8-4-4-4-12 hex digits). */
bool cc_test_is_uuid(const char *s);

/* Writes 16 random lowercase hex characters and a NUL to out, for unique test names. */
void cc_test_random_suffix(char out[17]);

/* Returns a caller-freed copy of s percent-encoded for a query value (unreserved characters kept). */
char *cc_test_url_encode(const char *s);

#endif
