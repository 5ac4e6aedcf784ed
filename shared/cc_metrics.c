/*
 * Request counters and latency histograms in the Prometheus text format.
 */
#include "cc_metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_mem.h"

static const int tracked_statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                                       409, 412, 413, 415, 422, 429, 500, 503};
#define NSTATUS (sizeof(tracked_statuses) / sizeof(tracked_statuses[0]) + 1) /* + "other" */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

typedef struct route_metrics {
    atomic_ulong by_status[NSTATUS];
    atomic_ulong other_status_code; /* the last untracked code seen, for the label */
    atomic_ulong le[NBUCKETS];      /* cumulative at render time: stored per bucket */
    atomic_ulong count;
    atomic_ulong sum_us;
} route_metrics_t;

struct cc_metrics {
    size_t nroutes;
    route_metrics_t *routes; /* nroutes + 1 */
};

cc_metrics_t *cc_metrics_new(size_t nroutes)
{
    cc_metrics_t *m = cc_calloc(1, sizeof(*m));
    m->nroutes = nroutes;
    m->routes = cc_calloc(nroutes + 1, sizeof(*m->routes));
    return m;
}

void cc_metrics_free(cc_metrics_t *m)
{
    if (m == NULL)
        return;
    free(m->routes);
    free(m);
}

static size_t status_slot(int status)
{
    for (size_t i = 0; i < NSTATUS - 1; i++)
        if (tracked_statuses[i] == status)
            return i;
    return NSTATUS - 1;
}

void cc_metrics_observe(cc_metrics_t *m, size_t route_index, int status, double seconds)
{
    route_metrics_t *rm = &m->routes[route_index <= m->nroutes ? route_index : m->nroutes];
    size_t slot = status_slot(status);
    atomic_fetch_add_explicit(&rm->by_status[slot], 1, memory_order_relaxed);
    if (slot == NSTATUS - 1)
        atomic_store_explicit(&rm->other_status_code, (unsigned long)status, memory_order_relaxed);
    for (size_t b = 0; b < NBUCKETS; b++) {
        if (seconds <= buckets[b]) {
            atomic_fetch_add_explicit(&rm->le[b], 1, memory_order_relaxed);
            break;
        }
    }
    atomic_fetch_add_explicit(&rm->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&rm->sum_us, (unsigned long)(seconds * 1e6), memory_order_relaxed);
}

char *cc_metrics_render(const cc_metrics_t *m, const cc_route_t *routes, size_t nroutes, const char *extra)
{
    cc_buf_t t = {0};
    cc_buf_append(&t, "", 0);
    cc_buf_printf(&t, "# HELP cc_http_requests_total HTTP requests answered, by route, method and status.\n"
                      "# TYPE cc_http_requests_total counter\n");
    for (size_t i = 0; i <= nroutes && i <= m->nroutes; i++) {
        const route_metrics_t *rm = &m->routes[i];
        const char *route = i < nroutes ? routes[i].pattern : "unmatched";
        const char *method = i < nroutes ? routes[i].method : "any";
        for (size_t s = 0; s < NSTATUS; s++) {
            unsigned long n = atomic_load_explicit(&rm->by_status[s], memory_order_relaxed);
            if (n == 0)
                continue;
            int code = s < NSTATUS - 1
                           ? tracked_statuses[s]
                           : (int)atomic_load_explicit(&rm->other_status_code, memory_order_relaxed);
            cc_buf_printf(&t, "cc_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %lu\n", route,
                          method, code, n);
        }
    }
    cc_buf_printf(&t, "# HELP cc_http_request_duration_seconds Time from request to answer, by route.\n"
                      "# TYPE cc_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= nroutes && i <= m->nroutes; i++) {
        const route_metrics_t *rm = &m->routes[i];
        unsigned long count = atomic_load_explicit(&rm->count, memory_order_relaxed);
        if (count == 0)
            continue;
        const char *route = i < nroutes ? routes[i].pattern : "unmatched";
        const char *method = i < nroutes ? routes[i].method : "any";
        unsigned long cumulative = 0;
        for (size_t b = 0; b < NBUCKETS; b++) {
            cumulative += atomic_load_explicit(&rm->le[b], memory_order_relaxed);
            cc_buf_printf(
                &t, "cc_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} %lu\n",
                route, method, buckets[b], cumulative);
        }
        cc_buf_printf(&t,
                      "cc_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %lu\n",
                      route, method, count);
        cc_buf_printf(&t, "cc_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n", route,
                      method, (double)atomic_load_explicit(&rm->sum_us, memory_order_relaxed) / 1e6);
        cc_buf_printf(&t, "cc_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %lu\n", route,
                      method, count);
    }
    if (extra != NULL)
        cc_buf_printf(&t, "%s", extra);
    return t.data;
}
