/*
 * What cc_respond_json sends: the JSON text, nothing for a 204 or 304, and
 * no text at all (so the request answers 500 internal_error, never an empty
 * 200) when a status that needs a body has none, as after a failed json_pack.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_http.h"

START_TEST(a_body_is_its_compact_json)
{
    char *text = cc_json_answer_text(200, json_pack("{s:i, s:s}", "a", 1, "b", "x"));
    ck_assert_str_eq(text, "{\"a\":1,\"b\":\"x\"}");
    free(text);
}
END_TEST

START_TEST(no_content_statuses_send_nothing)
{
    char *text = cc_json_answer_text(204, NULL);
    ck_assert_str_eq(text, "");
    free(text);
    text = cc_json_answer_text(304, NULL);
    ck_assert_str_eq(text, "");
    free(text);
}
END_TEST

START_TEST(a_failed_json_pack_is_no_answer)
{
    const char *missing = NULL;
    json_t *body = json_pack("{s:s}", "name", missing); /* fails: NULL for s */
    ck_assert_ptr_null(body);
    ck_assert_ptr_null(cc_json_answer_text(200, body));
    ck_assert_ptr_null(cc_json_answer_text(201, NULL));
    ck_assert_ptr_null(cc_json_answer_text(500, NULL));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json_answer");
    TCase *tc = tcase_create("json_answer");
    tcase_add_test(tc, a_body_is_its_compact_json);
    tcase_add_test(tc, no_content_statuses_send_nothing);
    tcase_add_test(tc, a_failed_json_pack_is_no_answer);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
