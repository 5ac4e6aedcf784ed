/*
 * A request as handlers see it, and the ways to answer it. Every answer goes
 * through cc_respond_*, which adds X-Request-Id and Content-Length, counts the
 * request in the metrics and writes its log line. Errors are problem+json.
 *
 * Lifetime: a cc_request_t is refcounted. The h2o request holds one
 * reference; an asynchronous operation (a query, a job) holds another. When
 * the client goes away first, r->req becomes NULL and the late completion
 * answers nobody.
 *
 * The body: h2o 2.2.5 reads the whole body before the handler runs and keeps
 * it in the connection's input buffer (req->entity), which it frees right
 * after the request is disposed, when the client goes. A worker therefore
 * never touches req->entity itself: cc_request_body_read copies a piece under
 * body_lock, which the dispose path also takes before the memory goes, and
 * fails once the client is gone (ARCHITECTURE.md "Evidence files").
 */
#ifndef CC_HTTP_H
#define CC_HTTP_H

#include <h2o.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cc_config.h"
#include "cc_json.h"
#include "cc_jwt.h"
#include "cc_router.h"

struct cc_thread;

typedef struct cc_request {
    h2o_req_t *req; /* NULL once the client is gone */
    struct cc_thread *thread;
    const cc_route_t *route; /* NULL when no route matched */
    size_t route_index;
    cc_path_params_t params;
    bool has_claims;
    cc_claims_t claims; /* the verified caller, when has_claims */
    char request_id[65];
    char remote_addr[64]; /* the client's address (X-Forwarded-For from a trusted proxy) */
    uint64_t started_ns;
    int refs;
    bool responded;
    atomic_bool client_gone;   /* set on the loop thread when the client goes; read by workers */
    pthread_mutex_t body_lock; /* held while a piece of the body is copied, and while req is cleared */
    struct cc_stream *stream;  /* the streamed answer under way (cc_stream.h), else NULL */
} cc_request_t;

/* Who made a request, copied for work that outlives it (a worker job): for the event log and the tenant.
 * client_id is the caller's organisation for a client user, "" for staff. */
typedef struct cc_actor {
    char tenant_id[37], user_id[37], role[24], client_id[37], remote_addr[64], request_id[65];
} cc_actor_t;

/* Copies r's verified caller, address and request id into *out. */
void cc_actor_from_request(const cc_request_t *r, cc_actor_t *out);

/* Adds / drops a reference (loop thread only). */
void cc_request_retain(cc_request_t *r);
void cc_request_release(cc_request_t *r);

/* True when the client is still there and nothing has been answered yet. */
bool cc_request_is_live(const cc_request_t *r);

/* Sets up a new request's body lock (the server, when it creates r). */
void cc_request_init(cc_request_t *r);

/*
 * The client has gone: clears r->req and sets client_gone under the body lock, so no copy of the body is
 * under way once it returns (the server's dispose path, loop thread, before h2o frees the body).
 */
void cc_request_detach(cc_request_t *r);

/*
 * Copies up to len bytes of the request body from offset into buf: safe on any thread while the caller holds
 * a reference to r (a job does). Returns the bytes copied (0 at or past the end), or -1 once the client has
 * gone (the body's memory may be freed: nothing was copied).
 */
ssize_t cc_request_body_read(cc_request_t *r, size_t offset, void *buf, size_t len);

/* Adds a response header (copied). Call before cc_respond_*. */
void cc_set_header(cc_request_t *r, const char *name, const char *value);

/*
 * Answers status with body as application/json; steals body. A NULL body sends no content for 204 and 304;
 * for any other status (a json_pack that failed, say) it answers 500 internal_error instead.
 */
void cc_respond_json(cc_request_t *r, int status, json_t *body);

/*
 * The text cc_respond_json sends for status and body (stolen): the JSON, "" for a 204 or 304 without body,
 * or NULL (logged) when a status that needs a body has none or it cannot be serialised. Caller frees.
 */
char *cc_json_answer_text(int status, json_t *body);

/* Answers a problem (application/problem+json); steals problem; fills instance and request_id. */
void cc_respond_problem(cc_request_t *r, json_t *problem);

/* Answers status with a resource and its ETag "<version>" (from the resource's `version`); steals resource.
 * A NULL resource answers 500 (cc_respond_json). */
void cc_respond_versioned(cc_request_t *r, int status, json_t *resource);

/*
 * Answers 200 {"items", "next_cursor"} for a keyset page: the query fetched
 * limit + 1 rows, so a further row means another page, whose cursor encodes
 * the id (column id_column) of the last row shown. Steals items. Lists use
 * cc_list.h (cc_page_or_respond, cc_page_query), which answers through this same page.
 */
void cc_respond_page(cc_request_t *r, json_t *items, const PGresult *res, int limit, int id_column);

/* Shorthand for cc_respond_problem(r, cc_problem_new(status, code, detail)). */
void cc_respond_error(cc_request_t *r, int status, const char *code, const char *detail);

/*
 * The start every answer shares (cc_respond_* and cc_stream.h): status, Content-Type (when not NULL; not
 * copied: static or request memory), X-Request-Id, Content-Length len, the metrics and the log line; marks r
 * answered. The caller sends the body. r must be live.
 */
void cc_respond_begin(cc_request_t *r, int status, const char *content_type, size_t len);

/* Answers with a body of the given content type (copied). */
void cc_respond_text(cc_request_t *r, int status, const char *content_type, const char *body, size_t len);

/*
 * Reads the body as a JSON object and validates it against fields. Answers
 * 415 (not JSON), 413 (over the cap), 400 malformed_json or 400
 * validation_failed itself and returns NULL; otherwise returns the object,
 * which the caller json_decref()s.
 */
json_t *cc_read_json_or_respond(cc_request_t *r, const cc_field_t *fields, size_t nfields);

/* Keeps json (a reference is stolen) alive until the request ends: for borrowed strings an async step still
 * reads. */
void cc_request_hold_json(cc_request_t *r, json_t *json);

/* Returns the path parameter `name` as a NUL-terminated pool string; answers 400 and returns NULL when it is
 * not a UUID. */
const char *cc_path_uuid_or_respond(cc_request_t *r, const char *name);

/* Returns the request header's value as a NUL-terminated pool string, or NULL. */
const char *cc_request_header(cc_request_t *r, const char *name);

/*
 * True when an If-None-Match value (a comma-separated list, or "*") names etag (a quoted entity tag),
 * compared weakly as RFC 9110 13.1.2 asks: a W/ prefix in the list is ignored. False for NULL.
 */
bool cc_etag_list_matches(const char *list, const char *etag);

/*
 * Copies the decoded query parameter `name` into buf (NUL-terminated).
 * Returns its length, -1 when absent, -2 when it does not fit.
 */
int cc_query_param(cc_request_t *r, const char *name, char *buf, size_t cap);

/*
 * Refuses a query whose parameter name or value holds a control character
 * (0x00-0x1f, 0x7f) once percent-decoded: answers 400 validation_failed with
 * the error on that parameter (code control_character) and returns -1;
 * returns 0 otherwise. The server calls it before every handler, so
 * cc_query_param never hands a handler such a value.
 */
int cc_query_check_or_respond(cc_request_t *r);

/* Parses ?limit= (default 50, 1..500); answers 400 naming `limit` and returns -1 when invalid. */
int cc_query_limit_or_respond(cc_request_t *r);

/*
 * Parses ?cursor= (an opaque cursor this API returned: base64url of the last
 * id) into after (a UUID, or "" when absent). Answers 400 naming `cursor` and
 * returns -1 when it is not one.
 */
int cc_query_cursor_or_respond(cc_request_t *r, char after[37]);

/* As cc_query_cursor_or_respond for a cursor naming another kind of key (at most 36 bytes) that valid
 * accepts. */
int cc_query_cursor_key_or_respond(cc_request_t *r, char after[37],
                                   bool (*valid)(const char *key, size_t len));

/*
 * Parses If-Match: the version of a single strong tag "N", -1 when absent or
 * "*" (any current version), -2 otherwise (a weak tag never matches: If-Match
 * compares strongly; a list is not a version this API issued).
 */
long long cc_if_match(cc_request_t *r);

/* Allocates size bytes (uninitialised) that live until r's h2o request ends; never NULL. Loop thread only. */
void *cc_request_alloc(cc_request_t *r, size_t size);

/* Copies len bytes of s (SIZE_MAX: up to its NUL), NUL-terminated, into memory that lives until r's h2o
 * request ends. Loop thread only. */
char *cc_request_strdup(cc_request_t *r, const char *s, size_t len);

/* The current key set as seen by r's thread (borrowed: valid during this loop iteration). Loop thread only.
 */
const cc_keyset_t *cc_request_keys(cc_request_t *r);

/* A retained reference to the attestation key set (migration 0021; empty unless the service loads it, see
 * cc_service_t.attestation_keys); the caller releases it with cc_keyset_release. Any thread. */
cc_keyset_t *cc_request_attestation_keys(cc_request_t *r);

/* The server's configuration (borrowed: lives as long as the server). */
const cc_config_t *cc_request_config(const cc_request_t *r);

/* Monotonic clock in nanoseconds. */
uint64_t cc_now_ns(void);

#endif
