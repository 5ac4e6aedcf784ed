/*
 * End-to-end tests of GET /v1/registry/dead-letters and POST /v1/registry/dead-letters/{id}/retry through
 * the gateway (dead letters made with owner SQL, as the worker writes them): every field, newest first
 * across pages, open ones only unless ?all=true, a retry closes the letter and makes its certification
 * pending again with no failed attempts, a second retry is 409 already_retried, an unknown id 404, and
 * southcert neither lists nor retries northcert's letters (404).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_certificates.h"
#include "cc_test_main.h"
#include "cc_test_registry_api.h"

static cc_test_cb_t cb;

static void setup(void)
{
    cc_test_cb_login(&cb);
}

static void teardown(void)
{
    cc_test_cb_free(&cb);
}

/* A dead letter of a new certification of northcert, as the worker records a rejection; returns its id. */
static char *new_dead_letter(json_t **certificate_out)
{
    json_t *certificate = cc_test_issue_certificate(&cb, NULL);
    const char *p[] = {cc_test_json_string(certificate, "certification_id"),
                       cc_test_json_string(certificate, "id"), cc_test_json_string(certificate, "number")};
    /* the sync state as after exhausted attempts: due later, attempts counted */
    cc_test_regapi_sql("northcert",
                       "UPDATE registry_certifications SET done = wanted, attempts = 3, outcome = 'dead', "
                       "reason = 'rejected', next_attempt_at = now() + interval '1 day' "
                       "WHERE certification_id = $1::uuid",
                       1, p);
    char *id = cc_test_regapi_value(
        "northcert",
        "INSERT INTO registry_dead_letters (certification_id, certificate_id, number, kind, reason, errors, "
        "attempts, http_status, record) VALUES ($1::uuid, $2::uuid, $3, 'rejected', 'the registry refused "
        "it', "
        "'[{\"field\": \"certified_entity_post_code\", \"code\": \"invalid\", \"message\": \"bad post "
        "code\"}]', "
        "3, 422, jsonb_build_object('certificate_number', $3::text)) RETURNING id",
        3, p);
    ck_assert_ptr_nonnull(id);
    if (certificate_out != NULL)
        *certificate_out = certificate;
    else
        json_decref(certificate);
    return id;
}

static const json_t *find(const json_t *items, const char *id)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (strcmp(cc_test_json_string(item, "id"), id) == 0)
            return item;
    }
    return NULL;
}

static cc_test_response_t *retry(const cc_test_caller_t *c, const char *id)
{
    char *path = cc_test_asprintf("/v1/registry/dead-letters/%s/retry", id);
    cc_test_response_t *resp = cc_test_call(c, "POST", path, NULL, NULL);
    free(path);
    return resp;
}

START_TEST(test_list_fields_and_order)
{
    json_t *certificate;
    char *older = new_dead_letter(&certificate);
    char *newer = new_dead_letter(NULL);
    json_t *items = cc_test_list_walk(&cb.admin, "/v1/registry/dead-letters", 1, false);
    const json_t *letter = find(items, older);
    ck_assert_ptr_nonnull(letter);
    ck_assert_ptr_nonnull(find(items, newer));
    /* newest first */
    size_t i_old = 0, i_new = 0, i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (strcmp(cc_test_json_string(item, "id"), older) == 0)
            i_old = i;
        if (strcmp(cc_test_json_string(item, "id"), newer) == 0)
            i_new = i;
    }
    ck_assert_uint_lt(i_new, i_old);
    ck_assert_str_eq(cc_test_json_string(letter, "certification_id"),
                     cc_test_json_string(certificate, "certification_id"));
    ck_assert_str_eq(cc_test_json_string(letter, "certificate_id"), cc_test_json_string(certificate, "id"));
    ck_assert_str_eq(cc_test_json_string(letter, "number"), cc_test_json_string(certificate, "number"));
    ck_assert_str_eq(cc_test_json_string(letter, "kind"), "rejected");
    ck_assert_str_eq(cc_test_json_string(letter, "reason"), "the registry refused it");
    const json_t *e = json_array_get(json_object_get(letter, "errors"), 0);
    ck_assert_str_eq(cc_test_json_string(e, "field"), "certified_entity_post_code");
    ck_assert_str_eq(cc_test_json_string(e, "code"), "invalid");
    ck_assert_str_eq(cc_test_json_string(e, "message"), "bad post code");
    ck_assert_int_eq(json_integer_value(json_object_get(letter, "attempts")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(letter, "http_status")), 422);
    ck_assert(json_is_object(json_object_get(letter, "record")));
    ck_assert_ptr_nonnull(cc_test_json_string(letter, "created_at"));
    ck_assert(json_is_null(json_object_get(letter, "retried_at")));
    json_decref(items);
    /* the status counts the open ones */
    json_t *status = cc_test_regapi_status(&cb.admin);
    ck_assert_int_ge(json_integer_value(json_object_get(status, "dead_letters")), 2);
    json_decref(status);
    /* southcert sees none of them */
    items = cc_test_list_walk(&cb.other_admin, "/v1/registry/dead-letters?all=true", 50, false);
    ck_assert_ptr_null(find(items, older));
    ck_assert_ptr_null(find(items, newer));
    json_decref(items);
    json_decref(certificate);
    free(older);
    free(newer);
}
END_TEST

START_TEST(test_retry)
{
    json_t *certificate;
    char *id = new_dead_letter(&certificate);
    const char *p[] = {cc_test_json_string(certificate, "certification_id")};
    /* southcert cannot retry it */
    cc_test_response_t *resp = retry(&cb.other_admin, id);
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = retry(&cb.sm, id);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);

    resp = retry(&cb.admin, id);
    cc_test_assert_json(resp, 200);
    ck_assert_str_eq(cc_test_json_string(resp->json, "id"), id);
    ck_assert_ptr_nonnull(cc_test_json_string(resp->json, "retried_at"));
    cc_test_response_free(resp);
    char *state = cc_test_regapi_value(
        "northcert",
        "SELECT (wanted > done)::text || ' ' || attempts || ' ' || (next_attempt_at <= now())::text "
        "FROM registry_certifications WHERE certification_id = $1::uuid",
        1, p);
    ck_assert_str_eq(state, "true 0 true");
    free(state);

    resp = retry(&cb.admin, id);
    cc_test_assert_problem(resp, 409, "already_retried");
    cc_test_response_free(resp);

    /* closed: listed only with ?all=true */
    json_t *open = cc_test_list_walk(&cb.admin, "/v1/registry/dead-letters", 50, false);
    ck_assert_ptr_null(find(open, id));
    json_decref(open);
    json_t *all = cc_test_list_walk(&cb.admin, "/v1/registry/dead-letters?all=true", 50, false);
    const json_t *letter = find(all, id);
    ck_assert_ptr_nonnull(letter);
    ck_assert_ptr_nonnull(cc_test_json_string(letter, "retried_at"));
    json_decref(all);
    json_decref(certificate);
    free(id);
}
END_TEST

START_TEST(test_unknown_and_bad_ids)
{
    cc_test_response_t *resp = retry(&cb.admin, "7d1e9a52-3b4c-4d5e-8f60-718293a4b5c6");
    cc_test_assert_problem(resp, 404, "not_found");
    cc_test_response_free(resp);
    resp = retry(&cb.admin, "not-a-uuid");
    ck_assert_int_eq(resp->status, 400);
    cc_test_response_free(resp);
    resp = cc_test_call(&cb.admin, "GET", "/v1/registry/dead-letters?all=maybe", NULL, NULL);
    cc_test_assert_problem(resp, 400, "validation_failed");
    cc_test_assert_first_error_field(resp, "all");
    cc_test_response_free(resp);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("registry_dead_letters");
    TCase *tc = tcase_create("dead_letters");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_list_fields_and_order);
    tcase_add_test(tc, test_retry);
    tcase_add_test(tc, test_unknown_and_bad_ids);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
