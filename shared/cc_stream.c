/*
 * Streamed answers over an h2o generator; see cc_stream.h. h2o keeps a
 * reference to the piece sent until it calls proceed, so the stream owns one
 * buffer (the largest piece so far), reused for every piece.
 */
#include "cc_stream.h"

#include <stdlib.h>
#include <string.h>

#include "cc_log.h"
#include "cc_mem.h"

struct cc_stream {
    h2o_generator_t super; /* must be first */
    cc_request_t *r;       /* retained until the request's pool goes */
    size_t length, sent;
    cc_stream_next_fn next;
    void *data;
    char *buf;
    size_t cap;
    bool open; /* pieces still expected */
};

static void on_proceed(h2o_generator_t *generator, h2o_req_t *req)
{
    (void)req;
    cc_stream_t *s = (cc_stream_t *)generator;
    if (s->open)
        s->next(s->r, s, s->data);
}

static void on_stop(h2o_generator_t *generator, h2o_req_t *req)
{
    (void)req;
    ((cc_stream_t *)generator)->open = false; /* the client has gone */
}

/* The request's pool is going: the stream with it. */
static void on_dispose(void *p)
{
    cc_stream_t *s = p;
    s->open = false;
    if (s->r->stream == s)
        s->r->stream = NULL;
    free(s->buf);
    cc_request_release(s->r);
}

void cc_respond_stream(cc_request_t *r, int status, const char *content_type, size_t length,
                       cc_stream_next_fn next, void *data)
{
    if (!cc_request_is_live(r))
        return;
    cc_stream_t *s = h2o_mem_alloc_shared(&r->req->pool, sizeof(*s), on_dispose);
    memset(s, 0, sizeof(*s));
    s->super.proceed = on_proceed;
    s->super.stop = on_stop;
    s->r = r;
    cc_request_retain(r);
    s->length = length;
    s->next = next;
    s->data = data;
    s->open = true;
    r->stream = s;
    cc_respond_begin(r, status, content_type, length);
    h2o_start_response(r->req, &s->super);
    next(r, s, data);
}

void cc_stream_send(cc_stream_t *s, const void *buf, size_t len)
{
    if (!s->open || s->r->req == NULL)
        return;
    if (len > s->length - s->sent || (len == 0 && s->sent < s->length)) {
        cc_log(CC_LOG_ERROR, "a streamed piece does not fit the length announced");
        cc_stream_fail(s);
        return;
    }
    if (len > s->cap) {
        free(s->buf);
        s->buf = cc_malloc(len);
        s->cap = len;
    }
    memcpy(s->buf, buf, len);
    s->sent += len;
    bool last = s->sent == s->length;
    if (last)
        s->open = false;
    h2o_iovec_t piece = h2o_iovec_init(s->buf, len);
    h2o_send(s->r->req, &piece, 1, last ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

void cc_stream_fail(cc_stream_t *s)
{
    if (!s->open || s->r->req == NULL)
        return;
    s->open = false;
    h2o_send(s->r->req, NULL, 0, H2O_SEND_STATE_ERROR);
}

bool cc_stream_is_open(const cc_request_t *r)
{
    return r->req != NULL && r->stream != NULL && r->stream->open;
}
