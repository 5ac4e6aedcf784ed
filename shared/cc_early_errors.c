/*
 * libh2o's own early answers rewritten as problem+json; see cc_early_errors.h.
 */
#include "cc_early_errors.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_problem.h"

typedef struct problem_ostream {
    h2o_ostream_t super;
    h2o_iovec_t body;
    bool sent;
} problem_ostream_t;

/* Sends the problem in place of libh2o's text, whatever it sends. */
static void on_problem_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt,
                            h2o_send_state_t state)
{
    problem_ostream_t *o = (problem_ostream_t *)self;
    bool first = !o->sent;
    o->sent = true;
    h2o_ostream_send_next(&o->super, req, first ? &o->body : NULL, first ? 1 : 0, state);
}

static json_t *early_problem(int status)
{
    switch (status) {
    case 413:
        return cc_problem_new(413, "payload_too_large",
                              "the body is larger than any route of this service accepts");
    case 417:
        return cc_problem_new(417, "expectation_failed", "the only expectation supported is 100-continue");
    default:
        return cc_problem_new(status, "bad_request",
                              "the request's body framing (Content-Length, chunks) is invalid");
    }
}

static void on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    if (req->res.status < 400) {
        h2o_setup_next_ostream(req, slot);
        return;
    }
    uint8_t rnd[16];
    char request_id[33];
    cc_random_bytes(rnd, sizeof(rnd));
    cc_hex_encode(rnd, sizeof(rnd), request_id);
    json_t *problem = early_problem(req->res.status);
    json_object_set_new(problem, "instance",
                        json_stringn(req->path_normalized.base, req->path_normalized.len));
    json_object_set_new(problem, "request_id", json_string(request_id));
    char *text = json_dumps(problem, JSON_COMPACT);
    json_decref(problem);
    problem_ostream_t *o = (problem_ostream_t *)h2o_add_ostream(req, sizeof(*o), slot);
    o->super.do_send = on_problem_send;
    o->body = h2o_strdup(&req->pool, text, strlen(text));
    o->sent = false;
    free(text);
    req->res.content_length = o->body.len;
    h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
                   H2O_STRLIT("application/problem+json"), 1);
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, NULL,
                          h2o_strdup(&req->pool, request_id, SIZE_MAX).base, strlen(request_id));
    h2o_setup_next_ostream(req, &o->super.next);
}

void cc_early_errors_register(h2o_hostconf_t *host)
{
    h2o_filter_t *filter = h2o_create_filter(&host->fallback_path, sizeof(*filter));
    filter->on_setup_ostream = on_setup_ostream;
}
