/*
 * The answers libh2o gives before any handler runs, as problem+json like
 * every other answer: 413 for a body over the service's cap (max_body), 400
 * for a broken Content-Length or chunked body or an unknown Transfer-Encoding,
 * 417 for an unknown Expect. libh2o writes them in text/plain on the host's
 * fallback path; a filter there rewrites them. (A request line or header
 * block libh2o cannot parse at all is answered with a fixed text/plain 400
 * written straight to the socket, which no filter sees.)
 */
#ifndef CC_EARLY_ERRORS_H
#define CC_EARLY_ERRORS_H

#include <h2o.h>

/* Registers the rewriting filter on host's fallback path (at start-up, before the loops run). */
void cc_early_errors_register(h2o_hostconf_t *host);

#endif
