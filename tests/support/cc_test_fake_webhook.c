/*
 * The webhook receiver double from a test (cc_test_fake_webhook.h): tests/fakes/webhook_receiver.py run as
 * a child (cc_test_double.h), and its control API (/_fake/...).
 */
#include "cc_test_fake_webhook.h"

#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_double.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct cc_fake_webhook {
    cc_test_double_t d;
    char *url; /* where deliveries go */
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static json_t *control_json(cc_fake_webhook_t *f, const char *method, const char *path, const char *body)
{
    return cc_test_double_control_json(&f->d, method, path, body);
}

cc_fake_webhook_t *cc_fake_webhook_start(void)
{
    cc_fake_webhook_t *f = cc_calloc(1, sizeof(*f));
    cc_test_double_start(&f->d, "the webhook receiver", "webhook_receiver.py", NULL);
    f->url = cc_test_asprintf("%s/hooks/certcycle", f->d.root);
    return f;
}

void cc_fake_webhook_stop(cc_fake_webhook_t *f)
{
    if (f == NULL)
        return;
    cc_test_double_stop(&f->d);
    free(f->url);
    free(f);
}

const char *cc_fake_webhook_url(const cc_fake_webhook_t *f)
{
    return f->url;
}

void cc_fake_webhook_secret(cc_fake_webhook_t *f, const char *secret)
{
    json_t *doc = json_pack("{s:s}", "secret", secret);
    char *body = json_dumps(doc, JSON_COMPACT);
    json_decref(control_json(f, "POST", "/_fake/secret", body));
    free(body);
    json_decref(doc);
}

void cc_fake_webhook_faults(cc_fake_webhook_t *f, const char *plan_json)
{
    json_decref(control_json(f, "POST", "/_fake/faults", plan_json));
}

json_t *cc_fake_webhook_deliveries(cc_fake_webhook_t *f)
{
    return control_json(f, "GET", "/_fake/deliveries", NULL);
}

/* The deliveries of type whose data[key] is value (key NULL: any). */
static json_t *matching(const json_t *all, const char *type, const char *key, const char *value)
{
    json_t *out = json_array(), *d;
    size_t i;
    json_array_foreach(all, i, d)
    {
        const json_t *doc = json_object_get(d, "json");
        const char *t = json_string_value(json_object_get(doc, "type"));
        const char *v =
            key != NULL ? json_string_value(json_object_get(json_object_get(doc, "data"), key)) : NULL;
        if (t != NULL && strcmp(t, type) == 0 && (key == NULL || (v != NULL && strcmp(v, value) == 0)))
            json_array_append(out, d);
    }
    return out;
}

json_t *cc_fake_webhook_wait(cc_fake_webhook_t *f, const char *type, const char *key, const char *value,
                             size_t count, int timeout_s)
{
    long deadline = now_ms() + timeout_s * 1000L;
    for (;;) {
        json_t *all = cc_fake_webhook_deliveries(f);
        json_t *found = matching(all, type, key, value);
        json_decref(all);
        if (json_array_size(found) >= count || now_ms() > deadline)
            return found;
        json_decref(found);
        usleep(100000);
    }
}
