/*
 * The public lookup's in-memory index (issue 9 "Public verification"): every
 * certificate revision's public record across tenants, loaded at start through
 * cc_public_certificates() and kept current by the cc_certificates
 * notifications (migration 0017). Readers never block and never touch the
 * database: the public API, the verify page, the QR code and the attestation
 * all answer from here.
 */
#ifndef PUBLIC_INDEX_H
#define PUBLIC_INDEX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cc_http.h"

#define PUBLIC_ETAG_SIZE 40 /* a quoted strong ETag and its NUL */

/*
 * The body GET /public/v1/cbs/{cb_slug}/certificates/{number} answers, as of
 * now: number, revision, status, valid (computed on today's UTC date), holder,
 * standard, scope, sites, dates, certification_body, accreditation_body,
 * updated_at and verify_url (from base_url, see public_base_url); for a
 * confidential client only number, status, valid, standard and
 * certification_body; for a superseded revision status "superseded" and
 * current_number. NULL when no such certificate is known (cb_slug is matched
 * case-insensitively, number exactly). The caller owns the result. With etag
 * non-NULL, writes the body's strong ETag. Thread-safe.
 */
json_t *public_lookup(const char *cb_slug, const char *number, const char *base_url,
                      char etag[PUBLIC_ETAG_SIZE]);

/*
 * The base of the public URLs this deployment prints (verify_url, the QR code):
 * CC_PUBLIC_URL when set, else the request's scheme (X-Forwarded-Proto, else
 * http) and Host. Writes at most size bytes (NUL-terminated, no trailing slash).
 */
void public_base_url(const cc_request_t *r, char *out, size_t size);

#endif
