/*
 * Integration test of the IAF CertSearch double (tests/fakes/iafcertsearch.py) through its harness
 * (cc_test_fake_registry.h): the contract it speaks (DOMAIN.md "IAF CertSearch": the key header, single
 * and bulk upload, read one, list, delete, the three error shapes), its validation of every record
 * (each rule names the field), its state keyed by certificate_identity_number, every fault mode, and
 * the calls it records. Each test starts a double of its own on CC_TEST_FAKE_HOST; no stack needed.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_fake_registry.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY "fake-key-1"

/* A valid flat record (new reference). */
static json_t *record(const char *identity, const char *number, const char *status)
{
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:[{s:s, "
        "s:[{s:s}]}], s:[{s:s, s:s, s:s, s:s, s:s, s:s}]}",
        "certificate_number", number, "certificate_identity_number", identity, "certification_status", status,
        "certificate_accreditation_status", "Accredited", "certification_type", "Management System",
        "certification_scope", "ISMS", "certification_original_issue_date", "20250115",
        "certification_issue_date", "20260115", "certification_expiry_date", "20280114",
        "certified_entity_name", "Acme GmbH", "certified_entity_unique_id", "client-1",
        "certified_entity_street_address", "1 Road", "certified_entity_street_city", "Berlin",
        "certified_entity_country", "DE", "accreditation_body_name", "Deutsche Akkreditierungsstelle",
        "confidential_certified_entity", 0, "schemes", "scheme_name", "ISO/IEC 27001", "standard_list",
        "standards_name", "ISO/IEC 27001:2022", "sites", "street", "1 Road", "city", "Berlin", "state", "BE",
        "country", "DE", "postcode", "10115", "scope_description", "ISMS");
}

static json_t *full_record(const char *identity, const char *number, const char *status)
{
    json_t *r = record(identity, number, status);
    json_object_set_new(r, "accreditation_body_acronym_name", json_string("DAkkS"));
    return r;
}

/* Calls the registry API with the right key and a JSON body (borrowed, may be NULL). */
static cc_test_response_t *call(cc_fake_registry_t *f, const char *method, const char *path,
                                const json_t *body)
{
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    cc_test_response_t *r = cc_fake_registry_call(f, method, path, text, KEY);
    free(text);
    ck_assert_msg(r != NULL, "%s %s: no answer", method, path);
    return r;
}

static cc_test_response_t *bulk(cc_fake_registry_t *f, json_t *records /* stolen */)
{
    json_t *body = json_pack("{s:o}", "certifications", records);
    cc_test_response_t *r = call(f, "POST", "/cb/bulk-upload-cert", body);
    json_decref(body);
    return r;
}

/* The {"error": true, "errors": {"code": code, ...}} shape. */
static void assert_flat_error(const cc_test_response_t *r, int status, const char *code)
{
    ck_assert_int_eq(r->status, status);
    ck_assert_ptr_nonnull(r->json);
    ck_assert(json_is_true(json_object_get(r->json, "error")));
    ck_assert_str_eq(cc_test_json_string(json_object_get(r->json, "errors"), "code"), code);
}

/* The {"errors": [{"code": code, ...}]} shape. */
static void assert_list_error(const cc_test_response_t *r, int status, const char *code)
{
    ck_assert_int_eq(r->status, status);
    ck_assert_ptr_nonnull(r->json);
    ck_assert_str_eq(cc_test_json_string(json_array_get(json_object_get(r->json, "errors"), 0), "code"),
                     code);
}

/* The RFC 9457-like {type, title, status, detail, code} shape. */
static void assert_problem_shape(const cc_test_response_t *r, int status, const char *code)
{
    ck_assert_int_eq(r->status, status);
    ck_assert_ptr_nonnull(r->json);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "status")), status);
    ck_assert_ptr_nonnull(cc_test_json_string(r->json, "title"));
    ck_assert_str_eq(cc_test_json_string(r->json, "code"), code);
}

START_TEST(test_key_header)
{
    cc_fake_registry_t *f = cc_fake_registry_start(KEY);
    ck_assert(strncmp(cc_fake_registry_url(f), "http://", 7) == 0);
    ck_assert(strstr(cc_fake_registry_url(f), "/api/client/v1") != NULL);
    const char *keys[] = {NULL, "wrong", "Bearer " KEY};
    for (size_t i = 0; i < 3; i++) {
        cc_test_response_t *r = cc_fake_registry_call(f, "GET", "/cb/cert", NULL, keys[i]);
        ck_assert_ptr_nonnull(r);
        assert_flat_error(r, 401, "invalid_session_token");
        cc_test_response_free(r);
    }
    cc_test_response_t *r = call(f, "GET", "/cb/cert", NULL);
    ck_assert_int_eq(r->status, 200);
    cc_test_response_free(r);
    r = call(f, "GET", "/cb/nothing", NULL);
    assert_problem_shape(r, 404, "not_found");
    cc_test_response_free(r);
    r = call(f, "GET", "/cb/upload-cert", NULL);
    assert_problem_shape(r, 405, "method_not_allowed");
    cc_test_response_free(r);
    cc_fake_registry_stop(f);
}
END_TEST

/* Single upload, read back, re-upload of the same identity (an update keeping its id), delete. */
START_TEST(test_single_get_update_delete)
{
    cc_fake_registry_t *f = cc_fake_registry_start(KEY);
    json_t *rec = full_record("cert-1", "NC-1", "active");
    cc_test_response_t *r = call(f, "POST", "/cb/upload-cert", rec);
    ck_assert_int_eq(r->status, 200);
    ck_assert(json_is_true(json_object_get(r->json, "data")));
    char *cid = cc_strdup(cc_test_json_string(r->json, "company_certifications_id"));
    cc_test_response_free(r);

    char *path = cc_test_asprintf("/cb/cert/%s", cid);
    r = call(f, "GET", path, NULL);
    ck_assert_int_eq(r->status, 200);
    json_t *got = json_object_get(r->json, "data");
    ck_assert_str_eq(cc_test_json_string(got, "company_certifications_id"), cid);
    json_object_del(got, "company_certifications_id");
    ck_assert(json_equal(got, rec));
    cc_test_response_free(r);

    json_object_set_new(rec, "certification_status", json_string("suspended"));
    r = call(f, "POST", "/cb/upload-cert", rec);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(cc_test_json_string(r->json, "company_certifications_id"), cid);
    cc_test_response_free(r);
    json_t *state = cc_fake_registry_records(f);
    ck_assert_int_eq(json_object_size(state), 1);
    json_t *held = json_object_get(state, "cert-1");
    ck_assert_str_eq(cc_test_json_string(held, "certification_status"), "suspended");
    ck_assert_str_eq(cc_test_json_string(held, "company_certifications_id"), cid);
    json_decref(state);

    r = call(f, "DELETE", path, NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "data")), 1);
    cc_test_response_free(r);
    r = call(f, "DELETE", path, NULL);
    assert_list_error(r, 404, "not_found");
    cc_test_response_free(r);
    r = call(f, "GET", path, NULL);
    assert_flat_error(r, 404, "not_found");
    cc_test_response_free(r);
    state = cc_fake_registry_records(f);
    ck_assert_int_eq(json_object_size(state), 0);
    json_decref(state);
    json_decref(rec);
    free(path);
    free(cid);
    cc_fake_registry_stop(f);
}
END_TEST

/* Bulk upload of 5, listing in pages, the 100-record and limit bounds. */
START_TEST(test_bulk_and_list)
{
    cc_fake_registry_t *f = cc_fake_registry_start(KEY);
    json_t *records = json_array();
    for (int i = 0; i < 5; i++) {
        char id[32], num[32];
        snprintf(id, sizeof(id), "cert-%d", i);
        snprintf(num, sizeof(num), "NC-%d", i);
        json_array_append_new(records, full_record(id, num, "active"));
    }
    cc_test_response_t *r = bulk(f, records);
    ck_assert_int_eq(r->status, 200);
    ck_assert(json_is_true(json_object_get(json_object_get(r->json, "data"), "success")));
    cc_test_response_free(r);

    r = call(f, "GET", "/cb/cert?limit=2&offset=0", NULL);
    ck_assert_int_eq(r->status, 200);
    json_t *meta = json_object_get(r->json, "meta");
    ck_assert_int_eq(json_integer_value(json_object_get(meta, "total_rows")), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(meta, "total_pages")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(meta, "limit")), 2);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "data")), 2);
    ck_assert_str_eq(
        cc_test_json_string(json_array_get(json_object_get(r->json, "data"), 0), "certificate_number"),
        "NC-0");
    cc_test_response_free(r);
    r = call(f, "GET", "/cb/cert?limit=2&offset=4", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "data")), 1);
    ck_assert_ptr_nonnull(cc_test_json_string(json_array_get(json_object_get(r->json, "data"), 0),
                                              "company_certifications_id"));
    cc_test_response_free(r);
    r = call(f, "GET", "/cb/cert", NULL); /* default limit 20 */
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r->json, "meta"), "limit")), 20);
    cc_test_response_free(r);
    r = call(f, "GET", "/cb/cert?limit=101", NULL);
    assert_flat_error(r, 400, "validation_error");
    cc_test_response_free(r);

    json_t *many = json_array();
    for (int i = 0; i < 101; i++) {
        char id[32];
        snprintf(id, sizeof(id), "many-%d", i);
        json_array_append_new(many, full_record(id, id, "active"));
    }
    r = bulk(f, many);
    assert_flat_error(r, 422, "validation_error");
    cc_test_response_free(r);
    json_t *state = cc_fake_registry_records(f);
    ck_assert_int_eq(json_object_size(state), 5); /* nothing of the refused call */
    json_decref(state);
    cc_fake_registry_stop(f);
}
END_TEST

/* One broken rule per case: the field it breaks (JSON value; NULL removes it), the field named, the code. */
static const struct {
    const char *field;
    const char *value;
    const char *named;
    const char *code;
} CASES[] = {
    {"certificate_number", NULL, "certificate_number", "required"},
    {"certificate_number", "\"\"", "certificate_number", "required"},
    {"certificate_number", "7", "certificate_number", "invalid_type"},
    {"certificate_number", "\"1234567890123456789012345678901234567890123456789012345678901\"",
     "certificate_number", "too_long"},
    {"certificate_identity_number", "\"1234567890123456789012345678901234567890123456789012345678901\"",
     "certificate_identity_number", "too_long"},
    {"certified_entity_unique_id", "\"1234567890123456789012345678901234567890123456\"",
     "certified_entity_unique_id", "too_long"},
    {"certification_status", "\"draft\"", "certification_status", "invalid_value"},
    {"certificate_accreditation_status", "\"accredited\"", "certificate_accreditation_status",
     "invalid_value"},
    {"certification_type", "\"Product\"", "certification_type", "invalid_value"},
    {"certification_issue_date", "\"2026-01-15\"", "certification_issue_date", "invalid_date"},
    {"certification_expiry_date", "\"20270230\"", "certification_expiry_date", "invalid_date"},
    {"certification_original_issue_date", "20250115", "certification_original_issue_date", "invalid_date"},
    {"certified_entity_name", NULL, "certified_entity_name", "required"},
    {"certified_entity_street_address", NULL, "certified_entity_street_address", "required"},
    {"certified_entity_street_city", NULL, "certified_entity_street_city", "required"},
    {"certified_entity_country", NULL, "certified_entity_country", "required"},
    {"accreditation_body_name", NULL, "accreditation_body_name", "required"},
    {"accreditation_body_acronym_name", NULL, "accreditation_body_acronym_name", "required"},
    {"confidential_certified_entity", "\"yes\"", "confidential_certified_entity", "invalid_type"},
    {"schemes", NULL, "schemes", "required"},
    {"schemes", "[]", "schemes", "invalid_type"},
    {"schemes", "[{\"scheme_name\": \"ISO/IEC 27001\", \"standard_list\": [{}]}]",
     "schemes[0].standard_list[0].standards_name", "required"},
    {"sites", "{}", "sites", "invalid_type"},
    {"sites", "[{\"street\": 1}]", "sites[0].street", "invalid_type"},
    {"sites", "[{\"town\": \"Berlin\"}]", "sites[0].town", "unknown_field"},
    {"colour", "\"blue\"", "colour", "unknown_field"},
};

/* True when r's per-record errors name index and field with code. */
static bool names(const json_t *errors, size_t index, const char *field, const char *code)
{
    size_t i, j;
    json_t *entry, *e;
    json_array_foreach(errors, i, entry)
    {
        if ((size_t)json_integer_value(json_object_get(entry, "record_index")) != index)
            continue;
        json_array_foreach(json_object_get(entry, "errors"), j, e)
        {
            const char *name = cc_test_json_string(json_object_get(e, "meta"), "field_name");
            if (name != NULL && strcmp(name, field) == 0 &&
                strcmp(cc_test_json_string(e, "code"), code) == 0 &&
                cc_test_json_string(e, "message") != NULL)
                return true;
        }
    }
    return false;
}

START_TEST(test_validation)
{
    cc_fake_registry_t *f = cc_fake_registry_start(KEY);
    for (size_t c = 0; c < sizeof(CASES) / sizeof(CASES[0]); c++) {
        json_t *bad = full_record("bad", "NC-bad", "active");
        if (CASES[c].value == NULL)
            json_object_del(bad, CASES[c].field);
        else
            json_object_set_new(bad, CASES[c].field, json_loads(CASES[c].value, JSON_DECODE_ANY, NULL));
        /* In a bulk: 422, the record named by index and field; the valid one beside it is stored. */
        cc_fake_registry_reset(f);
        cc_test_response_t *r = bulk(f, json_pack("[o, O]", full_record("good", "NC-good", "active"), bad));
        ck_assert_msg(r->status == 422, "case %zu: %d", c, r->status);
        ck_assert_msg(names(json_object_get(json_object_get(r->json, "data"), "errors"), 1, CASES[c].named,
                            CASES[c].code),
                      "case %zu (%s): %s", c, CASES[c].named, r->body);
        cc_test_response_free(r);
        json_t *state = cc_fake_registry_records(f);
        ck_assert_int_eq(json_object_size(state), 1);
        ck_assert_ptr_nonnull(json_object_get(state, "good"));
        json_decref(state);
        /* Alone: 400 in the {"error": true} shape, its message naming the field. */
        r = call(f, "POST", "/cb/upload-cert", bad);
        assert_flat_error(r, 400, "validation_error");
        ck_assert_msg(json_object_get(json_object_get(json_object_get(r->json, "errors"), "message"),
                                      CASES[c].named) != NULL,
                      "case %zu: %s", c, r->body);
        cc_test_response_free(r);
        json_decref(bad);
    }
    cc_test_response_t *r = cc_fake_registry_call(f, "POST", "/cb/upload-cert", "{not json", KEY);
    assert_flat_error(r, 400, "validation_error");
    cc_test_response_free(r);
    r = bulk(f, json_array());
    assert_flat_error(r, 422, "validation_error");
    cc_test_response_free(r);
    cc_fake_registry_stop(f);
}
END_TEST

/* The status of every call of calls from index `from`, as "500,500,200". */
static char *statuses(cc_fake_registry_t *f, size_t from)
{
    json_t *calls = cc_fake_registry_calls(f);
    char *out = cc_strdup("");
    for (size_t i = from; i < json_array_size(calls); i++) {
        char *next =
            cc_test_asprintf("%s%s%lld", out, *out ? "," : "",
                             json_integer_value(json_object_get(json_array_get(calls, i), "status")));
        free(out);
        out = next;
    }
    json_decref(calls);
    return out;
}

static void upload_expect(cc_fake_registry_t *f, const char *identity, int status)
{
    json_t *rec = full_record(identity, identity, "active");
    cc_test_response_t *r = call(f, "POST", "/cb/upload-cert", rec);
    ck_assert_msg(r->status == status, "%s: %d, not %d: %s", identity, r->status, status, r->body);
    json_decref(rec);
    cc_test_response_free(r);
}

/* 500 (count 2, RFC 9457 shape), 429 with Retry-After, 401, 403; control calls never faulted. */
START_TEST(test_fault_statuses)
{
    cc_fake_registry_t *f = cc_fake_registry_start(KEY);
    cc_fake_registry_faults(f, "{\"mode\": \"500\", \"count\": 2}");
    json_t *rec = full_record("a", "NC-a", "active");
    cc_test_response_t *r = call(f, "POST", "/cb/upload-cert", rec);
    assert_problem_shape(r, 500, "internal_error");
    cc_test_response_free(r);
    json_t *state = cc_fake_registry_records(f); /* not faulted */
    ck_assert_int_eq(json_object_size(state), 0);
    json_decref(state);
    upload_expect(f, "a", 500);
    upload_expect(f, "a", 200);
    char *s = statuses(f, 0);
    ck_assert_str_eq(s, "500,500,200");
    free(s);
    json_t *calls = cc_fake_registry_calls(f);
    json_t *first = json_array_get(calls, 0);
    ck_assert_str_eq(cc_test_json_string(first, "method"), "POST");
    ck_assert_str_eq(cc_test_json_string(first, "path"), "/api/client/v1/cb/upload-cert");
    ck_assert_int_eq(json_integer_value(json_object_get(first, "records")), 1);
    ck_assert_str_eq(cc_test_json_string(first, "fault"), "500");
    ck_assert(json_is_null(json_object_get(json_array_get(calls, 2), "fault")));
    json_decref(calls);
    json_t *stats = cc_fake_registry_stats(f);
    ck_assert_int_eq(json_integer_value(json_object_get(stats, "records")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(stats, "calls")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(stats, "faulted")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(stats, "records_received")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(stats, "statuses"), "500")), 2);
    json_decref(stats);

    cc_fake_registry_faults(f, "{\"mode\": \"429\", \"retry_after\": 7}");
    r = call(f, "POST", "/cb/upload-cert", rec);
    assert_list_error(r, 429, "too_many_requests");
    ck_assert_str_eq(cc_test_response_header(r, "Retry-After"), "7");
    cc_test_response_free(r);
    cc_fake_registry_faults(f, "{\"mode\": \"401\"}");
    r = call(f, "GET", "/cb/cert", NULL);
    assert_flat_error(r, 401, "invalid_session_token");
    cc_test_response_free(r);
    cc_fake_registry_faults(f, "{\"mode\": \"403\", \"paths\": [\"/cb/bulk-upload-cert\"]}");
    r = bulk(f, json_pack("[O]", rec));
    assert_flat_error(r, 403, "forbidden");
    cc_test_response_free(r);
    upload_expect(f, "b", 200); /* not a path the plan names */
    cc_fake_registry_faults(f, "{\"mode\": \"none\"}");
    r = bulk(f, json_pack("[O]", rec));
    ck_assert_int_eq(r->status, 200);
    cc_test_response_free(r);
    json_decref(rec);
    cc_fake_registry_stop(f);
}
END_TEST

/* hang: no answer within the client's timeout, nothing stored; drop: the answer cut off, the call carried
 * out. */
START_TEST(test_fault_hang_and_drop)
{
    cc_fake_registry_t *f = cc_fake_registry_start(KEY);
    cc_fake_registry_faults(f, "{\"mode\": \"hang\", \"hang_ms\": 2500, \"count\": 1}");
    json_t *rec = full_record("h", "NC-h", "active");
    char *text = json_dumps(rec, JSON_COMPACT);
    const char *headers[] = {"x-http-authorization: " KEY, NULL};
    char *path = cc_test_asprintf("%s", "/cb/upload-cert");
    cc_test_request_t req = {.method = "POST",
                             .base_url = cc_fake_registry_url(f),
                             .path = path,
                             .headers = headers,
                             .body = text,
                             .timeout_seconds = 1};
    char *error = NULL;
    cc_test_response_t *r = cc_test_http_send_unlogged(&req, &error);
    ck_assert_ptr_null(r);
    free(error);
    json_t *hanging = cc_fake_registry_calls(f); /* listed while it still hangs */
    ck_assert_int_eq(json_array_size(hanging), 1);
    ck_assert_str_eq(cc_test_json_string(json_array_get(hanging, 0), "fault"), "hang");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(hanging, 0), "status")), 0);
    json_decref(hanging);
    sleep(2); /* the hang ends: the double closes without answering */
    json_t *state = cc_fake_registry_records(f);
    ck_assert_int_eq(json_object_size(state), 0);
    json_decref(state);

    cc_fake_registry_faults(f, "{\"mode\": \"drop\", \"count\": 1}");
    r = cc_fake_registry_call(f, "POST", "/cb/upload-cert", text, KEY);
    ck_assert_ptr_null(r); /* a truncated answer is a transport failure */
    state = cc_fake_registry_records(f);
    ck_assert_ptr_nonnull(json_object_get(state, "h"));
    json_decref(state);
    upload_expect(f, "h", 200); /* count 1: the next call is answered */
    json_t *calls = cc_fake_registry_calls(f);
    ck_assert_str_eq(cc_test_json_string(json_array_get(calls, 0), "fault"), "hang");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(calls, 0), "status")), 0);
    ck_assert_str_eq(cc_test_json_string(json_array_get(calls, 1), "fault"), "drop");
    json_decref(calls);
    free(path);
    free(text);
    json_decref(rec);
    cc_fake_registry_stop(f);
}
END_TEST

/* reject: 422 naming the records whose number is listed, the others stored; as one object on request. */
START_TEST(test_fault_reject)
{
    cc_fake_registry_t *f = cc_fake_registry_start(KEY);
    cc_fake_registry_faults(f, "{\"mode\": \"reject\", \"numbers\": [\"NC-2\"]}");
    cc_test_response_t *r =
        bulk(f, json_pack("[o, o, o]", full_record("c1", "NC-1", "active"),
                          full_record("c2", "NC-2", "active"), full_record("c3", "NC-3", "active")));
    ck_assert_int_eq(r->status, 422);
    json_t *errors = json_object_get(json_object_get(r->json, "data"), "errors");
    ck_assert_int_eq(json_array_size(errors), 1);
    ck_assert(names(errors, 1, "certificate_number", "rejected"));
    cc_test_response_free(r);
    json_t *state = cc_fake_registry_records(f);
    ck_assert_int_eq(json_object_size(state), 2);
    ck_assert_ptr_null(json_object_get(state, "c2"));
    json_decref(state);
    upload_expect(f, "c4", 200); /* NC-c4 is not named: the plan does not apply */
    json_t *two = full_record("c2", "NC-2", "active");
    r = call(f, "POST", "/cb/upload-cert", two);
    assert_flat_error(r, 400, "validation_error");
    cc_test_response_free(r);
    json_decref(two);

    cc_fake_registry_faults(f,
                            "{\"mode\": \"reject\", \"numbers\": [\"NC-2\"], \"record_errors\": \"object\"}");
    r = bulk(f,
             json_pack("[o, o]", full_record("c2", "NC-2", "active"), full_record("c5", "NC-5", "active")));
    ck_assert_int_eq(r->status, 422);
    json_t *one = json_object_get(json_object_get(r->json, "data"), "errors");
    ck_assert(json_is_object(one));
    ck_assert_int_eq(json_integer_value(json_object_get(one, "record_index")), 0);
    cc_test_response_free(r);
    cc_fake_registry_stop(f);
}
END_TEST

/* fraction: some calls, not all; a plan given at start; reset forgets records, calls and plan. */
START_TEST(test_fault_fraction_start_reset)
{
    cc_fake_registry_t *f = cc_fake_registry_start_with(KEY, "{\"mode\": \"500\", \"fraction\": 0.5}");
    int failed = 0;
    for (int i = 0; i < 40; i++) {
        cc_test_response_t *r = call(f, "GET", "/cb/cert?limit=1", NULL);
        ck_assert(r->status == 200 || r->status == 500);
        failed += r->status == 500;
        cc_test_response_free(r);
    }
    ck_assert_msg(failed > 0 && failed < 40, "%d of 40 failed", failed);
    json_t *calls = cc_fake_registry_calls(f);
    ck_assert_int_eq(json_array_size(calls), 40);
    json_decref(calls);
    cc_fake_registry_reset(f);
    calls = cc_fake_registry_calls(f);
    ck_assert_int_eq(json_array_size(calls), 0);
    json_decref(calls);
    json_t *state = cc_fake_registry_records(f);
    ck_assert_int_eq(json_object_size(state), 0);
    json_decref(state);
    for (int i = 0; i < 10; i++)
        upload_expect(f, "x", 200); /* the plan is gone */
    cc_fake_registry_stop(f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fake_registry");
    TCase *tc = tcase_create("double");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_key_header);
    tcase_add_test(tc, test_single_get_update_delete);
    tcase_add_test(tc, test_bulk_and_list);
    tcase_add_test(tc, test_validation);
    tcase_add_test(tc, test_fault_statuses);
    tcase_add_test(tc, test_fault_hang_and_drop);
    tcase_add_test(tc, test_fault_reject);
    tcase_add_test(tc, test_fault_fraction_start_reset);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
