/*
 * Prometheus metrics for a service: requests by route, method and status, a
 * latency histogram per route, and gauges supplied at render time (pool use,
 * queue depth). Counters are relaxed atomics: no lock on the request path.
 */
#ifndef CC_METRICS_H
#define CC_METRICS_H

#include <stddef.h>

#include "cc_router.h"

typedef struct cc_metrics cc_metrics_t;

/* Creates counters for nroutes routes plus one slot for unmatched requests (index nroutes). */
cc_metrics_t *cc_metrics_new(size_t nroutes);

void cc_metrics_free(cc_metrics_t *m);

/* Records one request: route_index (nroutes = unmatched), status, duration in seconds. */
void cc_metrics_observe(cc_metrics_t *m, size_t route_index, int status, double seconds);

/*
 * Renders the text exposition format for the routes plus extra (already
 * formatted gauge lines, may be NULL). Returns a caller-freed string.
 */
char *cc_metrics_render(const cc_metrics_t *m, const cc_route_t *routes, size_t nroutes, const char *extra);

#endif
