/*
 * The registry client's pure half (registry-sync/registry_errors.c): every
 * error shape of DOMAIN.md "IAF CertSearch" normalised into per-record errors
 * (partial and whole refusals, one record object or a list, junk), and what
 * each answer means (registry_classify): statuses, Retry-After, per-record
 * errors in a 2xx.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "registry-sync/registry_errors.c"

static json_t *parse(const char *body)
{
    return registry_parse_errors(body, strlen(body));
}

/* The n-th error of the entry for record_index index; fails when absent. */
static const json_t *error_of(const json_t *list, json_int_t index, size_t n)
{
    size_t i;
    const json_t *e;
    json_array_foreach((json_t *)list, i, e)
    {
        if (json_integer_value(json_object_get(e, "record_index")) == index) {
            const json_t *err = json_array_get(json_object_get(e, "errors"), n);
            ck_assert_ptr_nonnull(err);
            return err;
        }
    }
    ck_abort_msg("no entry for record %lld", (long long)index);
    return NULL;
}

static void assert_error(const json_t *err, const char *field, const char *code, const char *message)
{
    const json_t *f = json_object_get(err, "field");
    if (field == NULL)
        ck_assert(json_is_null(f));
    else
        ck_assert_str_eq(json_string_value(f), field);
    ck_assert_str_eq(json_string_value(json_object_get(err, "code")), code);
    ck_assert_str_eq(json_string_value(json_object_get(err, "message")), message);
}

START_TEST(errors_list_shape)
{
    json_t *l =
        parse("{\"errors\": [{\"code\": \"invalid_value\", \"message\": \"bad date\"},"
              " {\"code\": \"too_long\", \"message\": \"too long\", \"meta\": {\"field_name\": \"x\"}}]}");
    ck_assert_uint_eq(json_array_size(l), 1);
    assert_error(error_of(l, -1, 0), NULL, "invalid_value", "bad date");
    assert_error(error_of(l, -1, 1), "x", "too_long", "too long");
    json_decref(l);
}
END_TEST

START_TEST(error_true_shape)
{
    json_t *l = parse(
        "{\"error\": true, \"errors\": {\"code\": \"invalid_session_token\", \"message\": \"expired\"}}");
    ck_assert_uint_eq(json_array_size(l), 1);
    assert_error(error_of(l, -1, 0), NULL, "invalid_session_token", "expired");
    json_decref(l);
    /* validation_error: message is {field: text} */
    l = parse(
        "{\"error\": true, \"errors\": {\"code\": \"validation_error\", \"message\": "
        "{\"certification_expiry_date\": \"must be YYYYMMDD\", \"certified_entity_name\": \"required\"}}}");
    ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(l, 0), "errors")), 2);
    assert_error(error_of(l, -1, 0), "certification_expiry_date", "validation_error", "must be YYYYMMDD");
    assert_error(error_of(l, -1, 1), "certified_entity_name", "validation_error", "required");
    json_decref(l);
}
END_TEST

START_TEST(problem_shape)
{
    json_t *l = parse("{\"type\": \"about:blank\", \"title\": \"Unprocessable\", \"status\": 422,"
                      " \"detail\": \"schemes is empty\", \"code\": \"validation_error\"}");
    ck_assert_uint_eq(json_array_size(l), 1);
    assert_error(error_of(l, -1, 0), NULL, "validation_error", "schemes is empty");
    json_decref(l);
    l = parse("{\"title\": \"Bad Request\", \"status\": 400}");
    assert_error(error_of(l, -1, 0), NULL, "invalid", "Bad Request");
    json_decref(l);
}
END_TEST

START_TEST(bulk_shapes)
{
    /* one record, as an object */
    json_t *l = parse("{\"data\": {\"errors\": {\"record_index\": 3, \"errors\": [{\"code\": \"required\","
                      " \"message\": \"missing\", \"meta\": {\"field_name\": \"certificate_number\"}}]}}}");
    ck_assert_uint_eq(json_array_size(l), 1);
    assert_error(error_of(l, 3, 0), "certificate_number", "required", "missing");
    json_decref(l);
    /* a list: partial refusal naming records 0 and 7; two errors for 7, also when split */
    l = parse("{\"data\": {\"errors\": ["
              "{\"record_index\": 0, \"errors\": [{\"code\": \"a\", \"message\": \"m0\"}]},"
              "{\"record_index\": 7, \"errors\": [{\"code\": \"b\", \"message\": \"m7\", \"meta\": "
              "{\"field_name\": \"f\"}}]},"
              "{\"record_index\": 7, \"errors\": [{\"code\": \"c\", \"message\": \"m7b\"}]}]}}");
    ck_assert_uint_eq(json_array_size(l), 2);
    assert_error(error_of(l, 0, 0), NULL, "a", "m0");
    assert_error(error_of(l, 7, 0), "f", "b", "m7");
    assert_error(error_of(l, 7, 1), NULL, "c", "m7b");
    json_decref(l);
    /* a record named without readable errors still names it */
    l = parse("{\"data\": {\"errors\": [{\"record_index\": 2}]}}");
    assert_error(error_of(l, 2, 0), NULL, "rejected", "the registry refused this record");
    json_decref(l);
    /* record entries inside the top-level errors list */
    l = parse("{\"errors\": [{\"record_index\": 5, \"errors\": [{\"code\": \"x\", \"message\": \"y\"}]}]}");
    assert_error(error_of(l, 5, 0), NULL, "x", "y");
    json_decref(l);
}
END_TEST

START_TEST(junk_is_an_empty_list)
{
    const char *junk[] = {"",
                          "not json",
                          "<html>502</html>",
                          "42",
                          "\"text\"",
                          "null",
                          "{}",
                          "{\"data\": true}",
                          "{\"data\": {\"success\": true}}",
                          "{\"errors\": 7}",
                          "[1, 2]",
                          "{\"data\": {\"errors\": []}}"};
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        json_t *l = parse(junk[i]);
        ck_assert_msg(json_is_array(l) && json_array_size(l) == 0, "%s", junk[i]);
        json_decref(l);
    }
    json_t *l = registry_parse_errors(NULL, 0);
    ck_assert_uint_eq(json_array_size(l), 0);
    json_decref(l);
}
END_TEST

static registry_outcome_t classify(int status, const char *body, const char *retry_after, registry_reply_t *r)
{
    memset(r, 0, sizeof(*r));
    registry_classify(status, body, strlen(body), retry_after, 784111777, r);
    ck_assert_int_eq(r->http_status, status);
    ck_assert(r->detail[0] != '\0');
    return r->outcome;
}

START_TEST(statuses)
{
    registry_reply_t r;
    ck_assert_int_eq(classify(200, "{\"data\": true, \"company_certifications_id\": \"c1\"}", NULL, &r),
                     REGISTRY_OK);
    ck_assert_ptr_null(r.record_errors);
    ck_assert_int_eq(classify(201, "", NULL, &r), REGISTRY_OK);
    ck_assert_int_eq(classify(202, "{\"data\": {\"success\": true}}", NULL, &r), REGISTRY_OK);
    ck_assert_int_eq(
        classify(401, "{\"error\": true, \"errors\": {\"code\": \"invalid_session_token\"}}", NULL, &r),
        REGISTRY_UNAUTHORIZED);
    ck_assert_int_eq(classify(403, "", NULL, &r), REGISTRY_UNAUTHORIZED);
    ck_assert_int_eq(classify(404, "{\"errors\": [{\"code\": \"not_found\"}]}", NULL, &r),
                     REGISTRY_NOT_FOUND);
    ck_assert_int_eq(classify(500, "oops", NULL, &r), REGISTRY_TRANSIENT);
    ck_assert_int_eq(classify(502, "", NULL, &r), REGISTRY_TRANSIENT);
    ck_assert_int_eq(classify(503, "", NULL, &r), REGISTRY_TRANSIENT);
    ck_assert_int_eq(classify(408, "", NULL, &r), REGISTRY_TRANSIENT);
    ck_assert_int_eq(classify(302, "", NULL, &r), REGISTRY_TRANSIENT);
    ck_assert_ptr_nonnull(strstr(r.detail, "redirect"));
    ck_assert_int_eq(classify(405, "", NULL, &r), REGISTRY_REJECTED);
    registry_reply_free(&r);
    ck_assert_int_eq(classify(406, "", NULL, &r), REGISTRY_REJECTED);
    registry_reply_free(&r);
}
END_TEST

START_TEST(throttled)
{
    registry_reply_t r;
    ck_assert_int_eq(classify(429, "", "30", &r), REGISTRY_THROTTLED);
    ck_assert_int_eq(r.retry_after_s, 30);
    ck_assert_int_eq(classify(429, "", "Sun, 06 Nov 1994 08:51:37 GMT", &r), REGISTRY_THROTTLED);
    ck_assert_int_eq(r.retry_after_s, 120);
    ck_assert_int_eq(classify(429, "", NULL, &r), REGISTRY_THROTTLED);
    ck_assert_int_eq(r.retry_after_s, 60);
    ck_assert_int_eq(classify(429, "", "later", &r), REGISTRY_THROTTLED);
    ck_assert_int_eq(r.retry_after_s, 60);
}
END_TEST

START_TEST(rejections)
{
    registry_reply_t r;
    /* a partial bulk refusal */
    ck_assert_int_eq(
        classify(
            422,
            "{\"data\": {\"errors\": [{\"record_index\": 4, \"errors\": [{\"code\": \"bad\","
            " \"message\": \"no city\", \"meta\": {\"field_name\": \"certified_entity_street_city\"}}]}]}}",
            NULL, &r),
        REGISTRY_REJECTED);
    assert_error(error_of(r.record_errors, 4, 0), "certified_entity_street_city", "bad", "no city");
    ck_assert_ptr_nonnull(strstr(r.detail, "no city"));
    registry_reply_free(&r);
    /* a whole refusal naming no record */
    ck_assert_int_eq(classify(400,
                              "{\"error\": true, \"errors\": {\"code\": \"validation_error\", \"message\":"
                              " {\"certifications\": \"at most 100\"}}}",
                              NULL, &r),
                     REGISTRY_REJECTED);
    assert_error(error_of(r.record_errors, -1, 0), "certifications", "validation_error", "at most 100");
    registry_reply_free(&r);
    /* a refusal whose body says nothing still names the request */
    ck_assert_int_eq(classify(422, "<html></html>", NULL, &r), REGISTRY_REJECTED);
    assert_error(error_of(r.record_errors, -1, 0), NULL, "http_422", "the registry refused the request");
    registry_reply_free(&r);
    /* a 2xx naming records: those are refused, the rest accepted */
    ck_assert_int_eq(classify(200,
                              "{\"data\": {\"errors\": {\"record_index\": 1, \"errors\": [{\"code\": \"x\","
                              " \"message\": \"y\"}]}}}",
                              NULL, &r),
                     REGISTRY_REJECTED);
    assert_error(error_of(r.record_errors, 1, 0), NULL, "x", "y");
    registry_reply_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry_errors");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, errors_list_shape);
    tcase_add_test(tc, error_true_shape);
    tcase_add_test(tc, problem_shape);
    tcase_add_test(tc, bulk_shapes);
    tcase_add_test(tc, junk_is_an_empty_list);
    tcase_add_test(tc, statuses);
    tcase_add_test(tc, throttled);
    tcase_add_test(tc, rejections);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
