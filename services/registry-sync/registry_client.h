/*
 * The IAF CertSearch API client (DOMAIN.md "IAF CertSearch"): single and bulk
 * upload, read one, list, delete, each one blocking call through the outbound
 * guard (cc_outbound.h) with the key in `x-http-authorization`. Every answer is
 * classified into what the worker must do about it; the registry's three error
 * shapes are normalised into one list. The paths live here and nowhere else.
 */
#ifndef REGISTRY_CLIENT_H
#define REGISTRY_CLIENT_H

#include <jansson.h>
#include <stdatomic.h>
#include <time.h>

#define REGISTRY_BULK_MAX 100 /* records per bulk upload (IAF: "at most 100") */
#define REGISTRY_LIST_MAX 100 /* records per list page */

typedef struct registry_conn {
    const char *base_url;      /* e.g. https://api.iafcertsearch.org/api/client/v1 (no trailing slash) */
    const char *api_key;       /* never logged, never stored in a reply */
    int timeout_ms;            /* per call; 0: the outbound default */
    const atomic_bool *cancel; /* may be NULL */
} registry_conn_t;

typedef enum {
    REGISTRY_OK,           /* 2xx */
    REGISTRY_REJECTED,     /* 400/422 naming records or fields: record_errors says which (no retry helps) */
    REGISTRY_UNAUTHORIZED, /* 401/403: the key is bad: pause the tenant */
    REGISTRY_THROTTLED,    /* 429: wait retry_after_s */
    REGISTRY_NOT_FOUND,    /* 404 */
    REGISTRY_TRANSIENT,    /* 5xx, timeout, refused or dropped connection, unparseable answer: retry later */
    REGISTRY_REFUSED,      /* the outbound guard refused the URL or address: no retry helps */
} registry_outcome_t;

typedef struct registry_reply {
    registry_outcome_t outcome;
    int http_status;                 /* 0 when no answer arrived */
    int retry_after_s;               /* THROTTLED: Retry-After in seconds (60 when absent or unreadable) */
    char *company_certifications_id; /* a single upload's id for the record, or NULL */
    /* REJECTED: [{"record_index": i, "errors": [{"field", "code", "message"}]}], one entry per record named
     * (a single upload's record is index 0; a refusal naming no record has record_index -1). NULL otherwise.
     */
    json_t *record_errors;
    json_t *data;     /* get: the record; list: the page's array; NULL otherwise */
    json_t *meta;     /* list: {"total_rows", "total_pages", "limit", "offset"}; NULL otherwise */
    char detail[512]; /* what happened, for status and dead letters (never the key) */
} registry_reply_t;

/* POST /cb/upload-cert with one record. */
void registry_upload_one(const registry_conn_t *conn, const json_t *record, registry_reply_t *reply);

/* POST /cb/bulk-upload-cert with {"certifications": records} (1..REGISTRY_BULK_MAX records). */
void registry_upload_bulk(const registry_conn_t *conn, const json_t *records, registry_reply_t *reply);

/* GET /cb/cert/{company_certifications_id}. */
void registry_get(const registry_conn_t *conn, const char *company_certifications_id,
                  registry_reply_t *reply);

/* GET /cb/cert?limit=&offset= (limit 1..REGISTRY_LIST_MAX). */
void registry_list(const registry_conn_t *conn, int limit, int offset, registry_reply_t *reply);

/* DELETE /cb/cert/{company_certifications_id}. */
void registry_delete(const registry_conn_t *conn, const char *company_certifications_id,
                     registry_reply_t *reply);

/* Frees what a reply holds (not the reply itself). */
void registry_reply_free(registry_reply_t *reply);

/*
 * Pure: the registry's error body in any of its three shapes ({"errors": [...]}, {"error": true, "errors":
 * {...}}, RFC 9457-like; bulk errors {"data": {"errors": ...}} with record_index) as the normalised list
 * described at record_errors. Returns a new array (empty when nothing could be read).
 */
json_t *registry_parse_errors(const char *body, size_t len);

/*
 * Pure: what one HTTP answer means, as the calls above classify it. Sets reply's outcome, http_status,
 * retry_after_s (THROTTLED: retry_after, the Retry-After value or NULL, read relative to now; 60 when
 * absent or unreadable), record_errors (REJECTED: never empty; a refusal naming no record is one entry
 * with record_index -1) and detail; leaves data, meta and company_certifications_id alone. 2xx is OK
 * unless its body names per-record errors ({"data": {"errors": ...}}), then REJECTED; 400, 409, 422 and
 * the other 4xx no retry helps are REJECTED; 401/403 UNAUTHORIZED; 404 NOT_FOUND; 429 THROTTLED;
 * 408, 425, 3xx (never followed) and 5xx TRANSIENT.
 */
void registry_classify(int status, const char *body, size_t len, const char *retry_after, time_t now,
                       registry_reply_t *reply);

#endif
