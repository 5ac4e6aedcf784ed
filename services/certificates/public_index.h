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
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "cc_http.h"

#define PUBLIC_ETAG_SIZE 40  /* a quoted strong ETag and its NUL */
#define PUBLIC_SEARCH_MAX 10 /* items a search answers at most */

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
 * As public_lookup, the body as compact JSON text (what the JSON API sends without parsing it again):
 * a malloc'd NUL-terminated string the caller frees, its length in *len; NULL when unknown.
 */
char *public_lookup_text(const char *cb_slug, const char *number, const char *base_url,
                         char etag[PUBLIC_ETAG_SIZE], size_t *len);

/*
 * The body of GET /public/v1/certificates: {"items": [...]} with at most PUBLIC_SEARCH_MAX records (each as
 * public_lookup answers it), ordered by CB slug then number. Exactly one way is used: number non-NULL (that
 * exact number under any CB, whatever its status), or holder and country non-NULL (the current revision of
 * every certification whose holder's legal name equals holder, case-insensitively, in country (ISO code,
 * any case); a confidential client is never found this way). Malloc'd text the caller frees; writes its
 * strong ETag and length. Thread-safe.
 */
char *public_search_text(const char *number, const char *holder, const char *country, const char *base_url,
                         char etag[PUBLIC_ETAG_SIZE], size_t *len);

/* True once the index has been loaded (after the listener's first connect); until then lookups know
 * nothing and the public routes answer 503. */
bool public_index_loaded(void);

/*
 * The base of the public URLs this deployment prints (verify_url, the QR code):
 * CC_PUBLIC_URL when set, else the request's scheme (X-Forwarded-Proto, else
 * http) and Host. Writes at most size bytes (NUL-terminated, no trailing slash).
 */
void public_base_url(const cc_request_t *r, char *out, size_t size);

/* ---- the writer side (the notification listener's thread; also reached by tests) ---- */

/* Replaces the whole index by the rows of `SELECT tenant_slug, number, record FROM
 * cc_public_certificates()` in res (borrowed). Returns 0, or -1 when res is not such a result. */
int public_index_load(const PGresult *res);

/*
 * Applies one cc_certificates notification payload ({"tenant_id", "certification_id"} or {"tenant_id",
 * "client_id"}): res (borrowed) holds cc_public_certificates(tenant, certification, client)'s rows; every
 * certification named by the payload or by a row is replaced by its rows (a revision gone is removed).
 */
void public_index_apply(const char *payload, const PGresult *res);

/* Frees the index (tests; the service keeps it for its life). */
void public_index_clear(void);

#endif
