/*
 * The registry workers' decisions, pure (no I/O; tests/unit/test_registry_outcome.c): what a claimed
 * certification needs (consent, the mapping), which upload a claim makes under pacing, and what each
 * answer of the registry makes of each certification (ARCHITECTURE.md "Registry
 * sync"): sent, a dead letter with the registry's words, a retry with backoff and jitter, or a release with
 * the tenant paused (401/403, the outbound guard) or told to wait (429).
 */
#include <stdio.h>
#include <string.h>

#include "registry_worker_int.h"

#define BACKOFF_CAP_MS 3600000L /* an hour */

void registry_send_classify(registry_item_t *it)
{
    it->out = OUT_RELEASE;
    if (it->source == NULL) { /* no current certificate (cc_registry_source): nothing to publish */
        it->kind = ITEM_GONE;
        it->out = OUT_SKIPPED;
        snprintf(it->reason, sizeof(it->reason), "no_certificate");
        return;
    }
    if (!registry_map_consented(it->source)) {
        bool in_registry = json_is_true(json_object_get(json_object_get(it->source, "sync"), "in_registry"));
        it->kind = in_registry ? ITEM_DELETE : ITEM_SKIP;
        if (!in_registry) {
            it->out = OUT_SKIPPED;
            snprintf(it->reason, sizeof(it->reason), "no_consent");
        }
        return;
    }
    it->record = registry_map(it->source, &it->problem);
    if (it->record != NULL) {
        it->kind = ITEM_UPLOAD;
        return;
    }
    it->kind = ITEM_UNMAPPABLE;
    it->out = OUT_DEAD;
    it->dead_kind = "unmappable";
    snprintf(it->reason, sizeof(it->reason), "%s: %s", it->problem.field, it->problem.message);
    it->errors = json_pack("[{s:s, s:s, s:s}]", "field", it->problem.field, "code", "unmappable", "message",
                           it->problem.message);
}

char registry_send_plan(registry_batch_t *b, bool single_ok, bool bulk_ok)
{
    registry_item_t *uploads[REGISTRY_BULK_MAX];
    int n = 0;
    registry_item_t *solo = NULL;
    for (int i = 0; i < b->n; i++) {
        if (b->items[i].kind != ITEM_UPLOAD)
            continue;
        uploads[n++] = &b->items[i];
        if (b->items[i].solo && solo == NULL)
            solo = &b->items[i];
    }
    char mode = 0;
    registry_item_t *single = NULL;
    if (solo != NULL)
        single = single_ok ? solo : NULL;
    else if (n >= 2 && bulk_ok)
        mode = 'b';
    else if (n >= 1 && single_ok)
        single = uploads[0];
    if (single != NULL)
        mode = 's';
    /* Every upload stays OUT_RELEASE until its answer comes; what is not chosen is released by the claim
     * (claimed again once pacing allows). */
    for (int i = 0; i < n; i++) {
        uploads[i]->out = OUT_RELEASE;
        uploads[i]->chosen = mode == 'b' || uploads[i] == single;
    }
    return mode;
}

long registry_backoff_ms(int base_ms, int attempts, uint32_t r)
{
    long d = base_ms;
    for (int i = 1; i < attempts && d < BACKOFF_CAP_MS; i++)
        d *= 2;
    if (d > BACKOFF_CAP_MS)
        d = BACKOFF_CAP_MS;
    long half = d / 2;
    return half + (half > 0 ? (long)(r % (uint32_t)(half + 1)) : 0);
}

/* A transient failure: retried with backoff, a dead letter (kind failed) once attempts are spent. */
static void transient(registry_item_t *it, const registry_reply_t *reply, int max_attempts)
{
    snprintf(it->reason, sizeof(it->reason), "%s",
             reply->detail[0] != '\0' ? reply->detail : "transient failure");
    it->http_status = reply->http_status;
    if (it->attempts + 1 >= max_attempts) {
        it->attempts++;
        it->out = OUT_DEAD;
        it->dead_kind = "failed";
        it->errors = json_pack("[{s:s, s:s, s:s}]", "field", "", "code", "failed", "message", it->reason);
    } else {
        it->out = OUT_RETRY;
    }
}

void registry_send_apply_failure(registry_item_t *it, const registry_reply_t *reply, registry_tenant_t *t,
                                 int max_attempts)
{
    switch (reply->outcome) {
    case REGISTRY_UNAUTHORIZED: /* the key is bad: pause, no attempt counted, no retry storm */
        it->out = OUT_RELEASE;
        snprintf(t->pause, sizeof(t->pause), "unauthorized");
        snprintf(t->pause_detail, sizeof(t->pause_detail), "%s", reply->detail);
        break;
    case REGISTRY_REFUSED: /* the outbound guard refused base_url: pause until an admin fixes it */
        it->out = OUT_RELEASE;
        snprintf(t->pause, sizeof(t->pause), "outbound_refused");
        snprintf(t->pause_detail, sizeof(t->pause_detail), "%s", reply->detail);
        break;
    case REGISTRY_THROTTLED:
        it->out = OUT_RELEASE;
        if (reply->retry_after_s > t->retry_after_s)
            t->retry_after_s = reply->retry_after_s > 0 ? reply->retry_after_s : 60;
        break;
    case REGISTRY_REJECTED: { /* a single upload refused: its record, in the registry's words */
        it->attempts++;
        it->out = OUT_DEAD;
        it->dead_kind = "rejected";
        it->http_status = reply->http_status;
        json_t *entry = json_array_get(reply->record_errors, 0);
        json_t *errors = json_object_get(entry, "errors");
        it->errors = json_is_array(errors) ? json_incref(errors) : json_array();
        json_t *first = json_array_get(it->errors, 0);
        const char *msg = json_string_value(json_object_get(first, "message"));
        snprintf(it->reason, sizeof(it->reason), "the registry refused the record: %s",
                 msg != NULL ? msg : reply->detail);
        break;
    }
    case REGISTRY_OK:
    case REGISTRY_NOT_FOUND:
    case REGISTRY_TRANSIENT:
    default:
        transient(it, reply, max_attempts);
        break;
    }
}

/* The entry of errors naming record i, or NULL. */
static json_t *errors_of(const json_t *record_errors, int i)
{
    size_t k;
    json_t *e;
    json_array_foreach(record_errors, k, e)
    {
        if (json_integer_value(json_object_get(e, "record_index")) == i &&
            json_is_integer(json_object_get(e, "record_index")))
            return e;
    }
    return NULL;
}

void registry_send_apply_bulk(registry_item_t **uploads, int n, const registry_reply_t *reply,
                              registry_tenant_t *t, int max_attempts)
{
    if (reply->outcome == REGISTRY_OK) {
        for (int i = 0; i < n; i++)
            uploads[i]->out = OUT_SENT;
        t->success = true;
        return;
    }
    if (reply->outcome != REGISTRY_REJECTED) {
        for (int i = 0; i < n; i++)
            registry_send_apply_failure(uploads[i], reply, t, max_attempts);
        return;
    }
    /* Per-record errors: those records are dead letters, the others were accepted (DOMAIN.md "IAF
     * CertSearch"). A refusal naming no record of the batch: each is sent alone next (solo), so the
     * registry names the culprit and only it is dead-lettered. */
    int named = 0;
    for (int i = 0; i < n; i++)
        named += errors_of(reply->record_errors, i) != NULL;
    for (int i = 0; i < n; i++) {
        json_t *entry = errors_of(reply->record_errors, i);
        if (named == 0) {
            uploads[i]->out = OUT_SOLO;
        } else if (entry == NULL) {
            uploads[i]->out = OUT_SENT;
            t->success = true;
        } else {
            registry_reply_t one = *reply;
            json_t *list = json_pack("[O]", entry);
            one.record_errors = list;
            registry_send_apply_failure(uploads[i], &one, t, max_attempts);
            json_decref(list);
        }
    }
}
