/*
 * Streamed answers: a body sent piece by piece as the client takes it (an
 * h2o generator), for content too large to hold whole, such as an evidence
 * file read chunk by chunk from PostgreSQL (GET /v1/evidence/{id};
 * ARCHITECTURE.md "Evidence files"). At most one piece is held at a time.
 *
 *   static void next_piece(cc_request_t *r, cc_stream_t *s, void *data)
 *   {
 *       ... cc_db_query(r, tenant, &sql_piece, n, params, on_piece, s);
 *   }
 *   static void on_piece(cc_request_t *r, PGresult *res, void *data)
 *   {
 *       cc_stream_send(data, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
 *   }
 *   ... cc_respond_stream(r, 200, "application/pdf", size, next_piece, NULL);
 *
 * Everything runs on the request's loop thread. A read that fails while the
 * stream is open ends it short (cc_stream_fail; cc_dbasync does so itself).
 */
#ifndef CC_STREAM_H
#define CC_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "cc_http.h"

typedef struct cc_stream cc_stream_t;

/* Asked for the next piece; answers it with cc_stream_send (at once or from a later callback). */
typedef void (*cc_stream_next_fn)(cc_request_t *r, cc_stream_t *s, void *data);

/*
 * Starts answering r (live) with status, content_type and a body of exactly length bytes (length > 0);
 * headers set before with cc_set_header go with it, and the request is logged and counted now. next is
 * called for the first piece at once and for each further piece when the client has taken the last one.
 * data must live as long as the request.
 */
void cc_respond_stream(cc_request_t *r, int status, const char *content_type, size_t length,
                       cc_stream_next_fn next, void *data);

/*
 * Sends the next len bytes of the body (copied: buf may go when this returns). A piece beyond the length
 * announced, or an empty one before its end, fails the stream. The piece that completes the length ends
 * the answer.
 */
void cc_stream_send(cc_stream_t *s, const void *buf, size_t len);

/* Ends the answer short: h2o closes the connection, so the client sees a body shorter than Content-Length. */
void cc_stream_fail(cc_stream_t *s);

/* True while r has a stream that still expects pieces (and the client is there). */
bool cc_stream_is_open(const cc_request_t *r);

#endif
