/*
 * The streaming JSON writer: nesting and commas, string escaping, and reals
 * printed exactly as jansson prints them (JSON_REAL_PRECISION(15)), so the
 * text reads back to the same values and types.
 */
#include "cc_test_main.h"
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cc_jsonw.h"

START_TEST(nesting_and_commas)
{
    cc_jsonw_t w;
    cc_jsonw_init(&w);
    cc_jsonw_object(&w);
    cc_jsonw_kstring(&w, "a", "x");
    cc_jsonw_karray(&w, "list");
    cc_jsonw_int(&w, 1);
    cc_jsonw_object(&w);
    cc_jsonw_kbool(&w, "t", true);
    cc_jsonw_end(&w);
    cc_jsonw_null(&w);
    cc_jsonw_end(&w);
    cc_jsonw_kobject(&w, "empty");
    cc_jsonw_end(&w);
    cc_jsonw_karray(&w, "none");
    cc_jsonw_end(&w);
    cc_jsonw_kstring(&w, "nothing", NULL);
    cc_jsonw_end(&w);
    size_t len;
    char *text = cc_jsonw_finish(&w, &len);
    ck_assert_str_eq(
        text, "{\"a\":\"x\",\"list\":[1,{\"t\":true},null],\"empty\":{},\"none\":[],\"nothing\":null}");
    ck_assert_uint_eq(len, strlen(text));
    free(text);
}
END_TEST

START_TEST(integers)
{
    cc_jsonw_t w;
    cc_jsonw_init(&w);
    cc_jsonw_array(&w);
    const long long values[] = {0, 7, -7, 1000000, -9223372036854775807LL - 1, 9223372036854775807LL};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        cc_jsonw_int(&w, values[i]);
    cc_jsonw_end(&w);
    char *text = cc_jsonw_finish(&w, NULL);
    ck_assert_str_eq(text, "[0,7,-7,1000000,-9223372036854775808,9223372036854775807]");
    free(text);
}
END_TEST

START_TEST(strings_are_escaped)
{
    const char *s = "quote\" backslash\\ nl\n cr\r tab\t bell\x07 ü";
    cc_jsonw_t w;
    cc_jsonw_init(&w);
    cc_jsonw_string(&w, s);
    char *text = cc_jsonw_finish(&w, NULL);
    json_error_t e;
    json_t *back = json_loads(text, JSON_DECODE_ANY, &e);
    ck_assert_msg(back != NULL, "%s: %s", text, e.text);
    ck_assert_str_eq(json_string_value(back), s);
    json_decref(back);
    free(text);
}
END_TEST

START_TEST(reals_print_as_jansson_does)
{
    const double values[] = {0,          0.5,     1,    4,      4.5,       46.8,    0.3333,  0.6667,
                             -12.5,      -0.0001, 1e-7, 123456, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e15,
                             12345.6789, 999.5,   -30,  0.25,   1e22,      -1e-5,   8.125,   1234567890.5};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        cc_jsonw_t w;
        cc_jsonw_init(&w);
        cc_jsonw_real(&w, values[i]);
        char *mine = cc_jsonw_finish(&w, NULL);
        json_t *real = json_real(values[i]);
        char *theirs = json_dumps(real, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
        ck_assert_msg(strcmp(mine, theirs) == 0, "%.17g: writer %s, jansson %s", values[i], mine, theirs);
        free(mine);
        free(theirs);
        json_decref(real);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jsonw");
    TCase *tc = tcase_create("writer");
    tcase_add_test(tc, nesting_and_commas);
    tcase_add_test(tc, integers);
    tcase_add_test(tc, strings_are_escaped);
    tcase_add_test(tc, reals_print_as_jansson_does);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
