/*
 * Prometheus rendering: counters by route/method/status and cumulative
 * histogram buckets.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_metrics.h"

static const cc_route_t routes[] = {{"GET", "/v1/me", NULL, 0}, {"POST", "/v1/users", NULL, 0}};

START_TEST(renders_counters_and_histograms)
{
    cc_metrics_t *m = cc_metrics_new(2);
    cc_metrics_observe(m, 0, 200, 0.0004);
    cc_metrics_observe(m, 0, 200, 0.003);
    cc_metrics_observe(m, 0, 401, 0.0001);
    cc_metrics_observe(m, 2, 404, 0.0001);
    cc_metrics_observe(m, 1, 418, 0.2);
    char *text = cc_metrics_render(m, routes, 2, "extra_gauge 1\n");
    ck_assert_ptr_nonnull(
        strstr(text, "cc_http_requests_total{route=\"/v1/me\",method=\"GET\",status=\"200\"} 2\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "cc_http_requests_total{route=\"/v1/me\",method=\"GET\",status=\"401\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "{route=\"unmatched\",method=\"any\",status=\"404\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "{route=\"/v1/users\",method=\"POST\",status=\"418\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "cc_http_request_duration_seconds_bucket{route=\"/v1/me\",method=\"GET\",le=\"0.0005\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "cc_http_request_duration_seconds_bucket{route=\"/v1/me\",method=\"GET\",le=\"0.005\"} 3\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "cc_http_request_duration_seconds_bucket{route=\"/v1/me\",method=\"GET\",le=\"+Inf\"} 3\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "cc_http_request_duration_seconds_count{route=\"/v1/me\",method=\"GET\"} 3\n"));
    ck_assert_ptr_nonnull(strstr(text, "extra_gauge 1\n"));
    free(text);
    cc_metrics_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("render");
    tcase_add_test(tc, renders_counters_and_histograms);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
