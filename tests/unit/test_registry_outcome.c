/*
 * Unit tests of the registry workers' decisions (services/registry-sync/registry_outcome.c; ARCHITECTURE.md
 * "Registry sync"): consent gating and the mapping of a claimed certification, the upload a claim makes
 * under pacing (bulk for 2+, single for one, a solo record alone), the backoff with jitter, and what each
 * answer of the registry makes of each certification: sent, rejected records dead-lettered with the
 * registry's words and the rest sent, a refusal naming no record sending each alone next, 401/403 and the
 * outbound guard pausing without an attempt, 429 waiting, transient failures retried then dead-lettered.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "registry-sync/registry_map.c"
#include "registry-sync/registry_outcome.c"

static json_t *source(bool consent, bool in_registry, const char *street)
{
    return json_pack(
        "{s:s, s:s, s:s, s:i, s:s, s:s, s:[], s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:n, "
        "s:s?, s:s, s:n, s:n, s:s, s:b, s:b, s:n}, s:{s:s, s:s, s:b}, s:{s:n, s:b}}",
        "certification_id", "5f0c3c1e-9a7b-4a53-9d53-0f3e1d2c4b5a", "certificate_id",
        "c2d0a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "number", "NC-1", "revision", 0, "status", "active", "scope",
        "Software", "sites", "original_issue_date", "2026-02-03", "issue_date", "2026-02-03",
        "effective_date", "2026-02-03", "expiry_date", "2029-02-02", "standard", "code", "ISO27001:2022",
        "reference", "ISO/IEC 27001:2022", "family", "isms", "title", "ISMS", "client", "id",
        "0b6e4c2a-1d3f-4e5a-8b7c-9d0e1f2a3b4c", "legal_name", "Harbour Pay Ltd", "trading_name", "street",
        street, "city", "Aberdeen", "state", "post_code", "country", "GB", "confidential", 0,
        "registry_consent_given", consent, "registry_consent_date", "registry", "accreditation_body_name",
        "UKAS full", "accreditation_body_acronym", "UKAS", "accredited", 1, "sync",
        "company_certifications_id", "in_registry", in_registry);
}

static void item_init(registry_item_t *it, json_t *src)
{
    memset(it, 0, sizeof(*it));
    strcpy(it->id, "5f0c3c1e-9a7b-4a53-9d53-0f3e1d2c4b5a");
    strcpy(it->claimed, "3");
    it->source = src;
    registry_send_classify(it);
}

static void item_free(registry_item_t *it)
{
    json_decref(it->source);
    json_decref(it->record);
    json_decref(it->errors);
}

START_TEST(test_classify)
{
    registry_item_t it;
    item_init(&it, source(true, false, "1 Harbour Road"));
    ck_assert_int_eq(it.kind, ITEM_UPLOAD);
    ck_assert_ptr_nonnull(it.record);
    item_free(&it);

    item_init(&it, source(false, false, "1 Harbour Road")); /* no consent: never sent, skipped */
    ck_assert_int_eq(it.kind, ITEM_SKIP);
    ck_assert_int_eq(it.out, OUT_SKIPPED);
    ck_assert_str_eq(it.reason, "no_consent");
    ck_assert_ptr_null(it.record);
    item_free(&it);

    item_init(&it, source(false, true, "1 Harbour Road")); /* consent withdrawn after a send: delete */
    ck_assert_int_eq(it.kind, ITEM_DELETE);
    ck_assert_int_eq(it.out, OUT_RELEASE);
    item_free(&it);

    item_init(&it, source(true, false, NULL)); /* unmappable: a dead letter naming the field */
    ck_assert_int_eq(it.kind, ITEM_UNMAPPABLE);
    ck_assert_int_eq(it.out, OUT_DEAD);
    ck_assert_str_eq(it.dead_kind, "unmappable");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(it.errors, 0), "field")),
                     "certified_entity_street_address");
    ck_assert_ptr_nonnull(strstr(it.reason, "certified_entity_street_address"));
    item_free(&it);

    item_init(&it, NULL); /* no current certificate */
    ck_assert_int_eq(it.out, OUT_SKIPPED);
    item_free(&it);
}
END_TEST

static registry_batch_t *batch(int uploads, int skips)
{
    registry_batch_t *b = calloc(1, sizeof(*b));
    for (int i = 0; i < uploads + skips; i++) {
        item_init(&b->items[i], source(i < uploads, false, "1 Harbour Road"));
        b->n++;
    }
    return b;
}

static void batch_free(registry_batch_t *b)
{
    for (int i = 0; i < b->n; i++)
        item_free(&b->items[i]);
    free(b);
}

static int chosen(const registry_batch_t *b)
{
    int n = 0;
    for (int i = 0; i < b->n; i++)
        n += b->items[i].chosen;
    return n;
}

START_TEST(test_plan)
{
    registry_batch_t *b = batch(3, 2);
    ck_assert_int_eq(registry_send_plan(b, true, true), 'b');
    ck_assert_int_eq(chosen(b), 3);
    ck_assert_int_eq(registry_send_plan(b, true, false), 's'); /* bulk paced: the first alone */
    ck_assert_int_eq(chosen(b), 1);
    ck_assert(b->items[0].chosen);
    ck_assert_int_eq(registry_send_plan(b, false, false), 0);
    ck_assert_int_eq(chosen(b), 0);
    b->items[2].solo = true; /* a solo record goes alone, as a single upload */
    ck_assert_int_eq(registry_send_plan(b, true, true), 's');
    ck_assert(b->items[2].chosen);
    ck_assert_int_eq(chosen(b), 1);
    ck_assert_int_eq(b->items[3].out, OUT_SKIPPED); /* what needs no upload keeps its outcome */
    batch_free(b);

    b = batch(1, 0);
    ck_assert_int_eq(registry_send_plan(b, true, true), 's'); /* one record: a single upload */
    ck_assert_int_eq(registry_send_plan(b, false, true), 0);  /* ... only when single pacing allows */
    batch_free(b);
}
END_TEST

START_TEST(test_backoff)
{
    ck_assert_int_eq(registry_backoff_ms(200, 1, 0), 100);
    ck_assert_int_eq(registry_backoff_ms(200, 1, 100), 200);
    ck_assert_int_eq(registry_backoff_ms(200, 3, 0), 400);
    ck_assert_int_eq(registry_backoff_ms(200, 3, 400), 800);
    for (uint32_t r = 0; r < 1000; r += 7) {
        long d = registry_backoff_ms(1000, 4, r);
        ck_assert(d >= 4000 && d <= 8000);
    }
    ck_assert_int_le(registry_backoff_ms(1000, 60, 12345), 3600000);
}
END_TEST

static registry_item_t **uploads_of(registry_batch_t *b, registry_item_t **u)
{
    for (int i = 0; i < b->n; i++)
        u[i] = &b->items[i];
    return u;
}

START_TEST(test_bulk_partial_rejection)
{
    registry_batch_t *b = batch(3, 0);
    registry_item_t *u[3];
    registry_tenant_t t = {0};
    registry_reply_t reply = {.outcome = REGISTRY_REJECTED, .http_status = 422};
    reply.record_errors = json_pack("[{s:i, s:[{s:s, s:s, s:s}]}]", "record_index", 1, "errors", "field",
                                    "certificate_number", "code", "invalid", "message", "too long");
    registry_send_apply_bulk(uploads_of(b, u), 3, &reply, &t, 4);
    ck_assert_int_eq(b->items[0].out, OUT_SENT);
    ck_assert_int_eq(b->items[2].out, OUT_SENT);
    ck_assert_int_eq(b->items[1].out, OUT_DEAD);
    ck_assert_str_eq(b->items[1].dead_kind, "rejected");
    ck_assert_int_eq(b->items[1].http_status, 422);
    ck_assert_ptr_nonnull(strstr(b->items[1].reason, "too long"));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(b->items[1].errors, 0), "field")),
                     "certificate_number");
    ck_assert(t.success);
    json_decref(reply.record_errors);
    batch_free(b);
}
END_TEST

START_TEST(test_bulk_refused_naming_no_record)
{
    registry_batch_t *b = batch(3, 0);
    registry_item_t *u[3];
    registry_tenant_t t = {0};
    registry_reply_t reply = {.outcome = REGISTRY_REJECTED, .http_status = 400};
    reply.record_errors = json_pack("[{s:i, s:[]}]", "record_index", -1, "errors");
    registry_send_apply_bulk(uploads_of(b, u), 3, &reply, &t, 4);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(b->items[i].out, OUT_SOLO);
    ck_assert(!t.success);
    json_decref(reply.record_errors);
    batch_free(b);
}
END_TEST

START_TEST(test_bulk_failures)
{
    registry_batch_t *b = batch(2, 0);
    registry_item_t *u[2];
    registry_tenant_t t = {0};
    registry_reply_t reply = {.outcome = REGISTRY_UNAUTHORIZED, .http_status = 401, .detail = "bad key"};
    registry_send_apply_bulk(uploads_of(b, u), 2, &reply, &t, 4);
    ck_assert_int_eq(b->items[0].out, OUT_RELEASE); /* no attempt counted */
    ck_assert_int_eq(b->items[0].attempts, 0);
    ck_assert_str_eq(t.pause, "unauthorized");

    memset(&t, 0, sizeof(t));
    reply = (registry_reply_t){.outcome = REGISTRY_THROTTLED, .http_status = 429, .retry_after_s = 7};
    registry_send_apply_bulk(u, 2, &reply, &t, 4);
    ck_assert_int_eq(b->items[1].out, OUT_RELEASE);
    ck_assert_int_eq(t.retry_after_s, 7);
    ck_assert_str_eq(t.pause, "");

    memset(&t, 0, sizeof(t));
    reply = (registry_reply_t){.outcome = REGISTRY_REFUSED, .detail = "refused_address"};
    registry_send_apply_bulk(u, 2, &reply, &t, 4);
    ck_assert_str_eq(t.pause, "outbound_refused");

    reply = (registry_reply_t){.outcome = REGISTRY_TRANSIENT, .http_status = 500, .detail = "HTTP 500"};
    registry_send_apply_bulk(u, 2, &reply, &t, 4);
    ck_assert_int_eq(b->items[0].out, OUT_RETRY);
    b->items[1].attempts = 3; /* the fourth failure of four: a dead letter */
    registry_send_apply_bulk(u, 2, &reply, &t, 4);
    ck_assert_int_eq(b->items[1].out, OUT_DEAD);
    ck_assert_str_eq(b->items[1].dead_kind, "failed");
    ck_assert_int_eq(b->items[1].attempts, 4);
    ck_assert_str_eq(b->items[1].reason, "HTTP 500");

    reply = (registry_reply_t){.outcome = REGISTRY_OK, .http_status = 200};
    memset(&t, 0, sizeof(t));
    registry_send_apply_bulk(u, 2, &reply, &t, 4);
    ck_assert_int_eq(b->items[0].out, OUT_SENT);
    ck_assert(t.success);
    batch_free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry_outcome");
    TCase *tc = tcase_create("decisions");
    tcase_add_test(tc, test_classify);
    tcase_add_test(tc, test_plan);
    tcase_add_test(tc, test_backoff);
    tcase_add_test(tc, test_bulk_partial_rejection);
    tcase_add_test(tc, test_bulk_refused_naming_no_record);
    tcase_add_test(tc, test_bulk_failures);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
