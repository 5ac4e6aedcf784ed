/*
 * The IAF CertSearch double from a test (cc_test_fake_registry.h):
 * tests/fakes/iafcertsearch.py run as a child (cc_test_double.h) with the key
 * it accepts, and its control API (/_fake/...).
 */
#include "cc_test_fake_registry.h"

#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_double.h"

#include <stdlib.h>

struct cc_fake_registry {
    cc_test_double_t d;
    char *api_key;
    char *url; /* the control API's root + "/api/client/v1": the registry */
};

cc_fake_registry_t *cc_fake_registry_start(const char *api_key)
{
    return cc_fake_registry_start_with(api_key, NULL);
}

cc_fake_registry_t *cc_fake_registry_start_with(const char *api_key, const char *faults_json)
{
    const char *args[] = {"--api-key", api_key, faults_json != NULL ? "--faults" : NULL, faults_json, NULL};
    cc_fake_registry_t *f = cc_calloc(1, sizeof(*f));
    cc_test_double_start(&f->d, "the registry double", "iafcertsearch.py", args);
    f->api_key = cc_strdup(api_key);
    f->url = cc_test_asprintf("%s/api/client/v1", f->d.root);
    return f;
}

void cc_fake_registry_stop(cc_fake_registry_t *f)
{
    if (f == NULL)
        return;
    cc_test_double_stop(&f->d);
    free(f->api_key);
    free(f->url);
    free(f);
}

const char *cc_fake_registry_url(const cc_fake_registry_t *f)
{
    return f->url;
}

static json_t *control_json(cc_fake_registry_t *f, const char *method, const char *path, const char *body)
{
    return cc_test_double_control_json(&f->d, method, path, body);
}

void cc_fake_registry_faults(cc_fake_registry_t *f, const char *plan_json)
{
    json_decref(control_json(f, "POST", "/_fake/faults", plan_json));
}

json_t *cc_fake_registry_records(cc_fake_registry_t *f)
{
    return control_json(f, "GET", "/_fake/state", NULL);
}

json_t *cc_fake_registry_calls(cc_fake_registry_t *f)
{
    return control_json(f, "GET", "/_fake/calls", NULL);
}

json_t *cc_fake_registry_stats(cc_fake_registry_t *f)
{
    return control_json(f, "GET", "/_fake/stats", NULL);
}

void cc_fake_registry_reset(cc_fake_registry_t *f)
{
    json_decref(control_json(f, "POST", "/_fake/reset", NULL));
}

cc_test_response_t *cc_fake_registry_call(cc_fake_registry_t *f, const char *method, const char *path,
                                          const char *body, const char *api_key)
{
    char *header = api_key != NULL ? cc_test_asprintf("x-http-authorization: %s", api_key) : NULL;
    const char *headers[] = {header, NULL};
    cc_test_request_t req = {.method = method,
                             .base_url = f->url,
                             .path = path,
                             .headers = headers,
                             .body = body,
                             .timeout_seconds = 10};
    cc_test_response_t *r = cc_test_http_send_unlogged(&req, NULL);
    free(header);
    return r;
}
