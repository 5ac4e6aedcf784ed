/*
 * What every public answer (no login) shares, for the JSON API, the verify page, the QR code and the
 * attestation: open to any origin (Access-Control-Allow-Origin: *), cacheable for at most a minute, a strong
 * ETag with If-None-Match answered 304 (issue 9 "Public verification").
 */
#ifndef PUBLIC_HTTP_H
#define PUBLIC_HTTP_H

#include <stdbool.h>

#include "cc_http.h"

#define PUBLIC_MAX_AGE 60 /* seconds: Cache-Control max-age of every public answer */

/* Sets Access-Control-Allow-Origin: * and Cache-Control: public, max-age=PUBLIC_MAX_AGE, and ETag when etag
 * is not NULL. Call before answering. */
void public_headers(cc_request_t *r, const char *etag);

/* When If-None-Match names etag (or is "*"), answers 304 with public_headers and returns true. */
bool public_not_modified_or_respond(cc_request_t *r, const char *etag);

/* Answers 404 not_found for an unknown certificate, with CORS and no-store: a certificate issued a moment
 * later must not look unknown to a cache for a minute. */
void public_not_found(cc_request_t *r);

/* Answers 503 service_unavailable (Retry-After: 1) and returns false while the public index has not been
 * loaded yet; true once it has. */
bool public_ready_or_respond(cc_request_t *r);

#endif
