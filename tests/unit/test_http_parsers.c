/*
 * The request parsers of cc_http.c: percent-decoding of query parameters,
 * the control-character check, ?limit=, ?cursor= and If-Match. The static
 * helpers are reached by including the .c; requests are fake h2o_req_t
 * carrying only a path, a query and headers. A failing *_or_respond helper is
 * called on a request marked as answered already, so it returns its error
 * without sending anything (the e2e tests check the answers themselves).
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_http.c"

typedef struct fake {
    h2o_req_t req;
    cc_request_t r;
} fake_t;

/* A request for path (with its query, if any) and an optional If-Match header; free with fake_free. */
static fake_t *fake_new(const char *path, const char *if_match)
{
    fake_t *f = calloc(1, sizeof(*f));
    h2o_mem_init_pool(&f->req.pool);
    f->req.path = h2o_strdup(&f->req.pool, path, SIZE_MAX);
    const char *q = strchr(path, '?');
    f->req.query_at = q != NULL ? (size_t)(q - path) : SIZE_MAX;
    if (if_match != NULL)
        h2o_add_header_by_str(&f->req.pool, &f->req.headers, H2O_STRLIT("if-match"), 1, NULL, if_match,
                              strlen(if_match));
    f->r.req = &f->req;
    f->r.responded = true; /* an answer is built and dropped, never sent */
    return f;
}

static void fake_free(fake_t *f)
{
    h2o_mem_clear_pool(&f->req.pool);
    free(f);
}

/* cc_query_param of name in path's query: the result and the decoded value in out. */
static int param(const char *path, const char *name, char *out, size_t cap)
{
    fake_t *f = fake_new(path, NULL);
    int n = cc_query_param(&f->r, name, out, cap);
    fake_free(f);
    return n;
}

START_TEST(test_url_decode)
{
    char buf[32];
    ck_assert_int_eq(url_decode("a%20b+c", 7, buf, sizeof(buf)), 5);
    ck_assert_str_eq(buf, "a b c");
    ck_assert_int_eq(url_decode("%41%4a%4A", 9, buf, sizeof(buf)), 3);
    ck_assert_str_eq(buf, "AJJ");
    /* A '%' without two hex digits stays as it is. */
    ck_assert_int_eq(url_decode("100%", 4, buf, sizeof(buf)), 4);
    ck_assert_str_eq(buf, "100%");
    ck_assert_int_eq(url_decode("%4", 2, buf, sizeof(buf)), 2);
    ck_assert_str_eq(buf, "%4");
    ck_assert_int_eq(url_decode("%zz", 3, buf, sizeof(buf)), 3);
    ck_assert_str_eq(buf, "%zz");
    ck_assert_int_eq(url_decode("", 0, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "");
    /* A NUL decodes as a byte: the length says so, which is why the server refuses it first. */
    ck_assert_int_eq(url_decode("1%00", 4, buf, sizeof(buf)), 2);
    /* Too long for the buffer: -2 and an empty, terminated buffer. */
    ck_assert_int_eq(url_decode("abcd", 4, buf, 4), -2);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(url_decode("abc", 3, buf, 4), 3);
}
END_TEST

START_TEST(test_query_param)
{
    char buf[32];
    ck_assert_int_eq(param("/v1/users?role=admin&limit=5", "limit", buf, sizeof(buf)), 1);
    ck_assert_str_eq(buf, "5");
    ck_assert_int_eq(param("/v1/users?role=scheme%5Fmanager", "role", buf, sizeof(buf)), 14);
    ck_assert_str_eq(buf, "scheme_manager");
    /* The first of repeated parameters; a name matches whole, never a prefix. */
    ck_assert_int_eq(param("/v1/users?limit=1&limit=2", "limit", buf, sizeof(buf)), 1);
    ck_assert_str_eq(buf, "1");
    ck_assert_int_eq(param("/v1/users?limits=1", "limit", buf, sizeof(buf)), -1);
    ck_assert_int_eq(param("/v1/users?xlimit=1", "limit", buf, sizeof(buf)), -1);
    /* Absent, no query, a bare name and an empty value. */
    ck_assert_int_eq(param("/v1/users", "limit", buf, sizeof(buf)), -1);
    ck_assert_int_eq(param("/v1/users?", "limit", buf, sizeof(buf)), -1);
    ck_assert_int_eq(param("/v1/users?limit", "limit", buf, sizeof(buf)), 0);
    ck_assert_int_eq(param("/v1/users?limit=&x=1", "limit", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(param("/v1/users?limit=123456", "limit", buf, 4), -2);
}
END_TEST

/* cc_query_check_or_respond's verdict on path's query. */
static int check(const char *path)
{
    fake_t *f = fake_new(path, NULL);
    int rc = cc_query_check_or_respond(&f->r);
    fake_free(f);
    return rc;
}

START_TEST(test_query_control_characters)
{
    ck_assert_int_eq(check("/v1/users"), 0);
    ck_assert_int_eq(check("/v1/users?limit=1&cursor=abc&q=a+b%20c%7E"), 0);
    ck_assert_int_eq(check("/v1/users?limit=1%00"), -1);
    ck_assert_int_eq(check("/v1/users?limit=%0a1"), -1);
    ck_assert_int_eq(check("/v1/users?limit=1%1F"), -1);
    ck_assert_int_eq(check("/v1/users?limit=1%7f"), -1);
    ck_assert_int_eq(check("/v1/users?limit=1%09"), -1);
    /* In a name, in a bare name, and in a value longer than any handler's buffer. */
    ck_assert_int_eq(check("/v1/users?li%00mit=1"), -1);
    ck_assert_int_eq(check("/v1/users?ok=1&%0d"), -1);
    char path[2100] = "/v1/users?token=";
    memset(path + strlen(path), 'a', 2000);
    strcat(path, "%00");
    ck_assert_int_eq(check(path), -1);
    /* Bytes above 0x7f (UTF-8) are not control characters. */
    ck_assert_int_eq(check("/v1/users?name=%C3%A9"), 0);
}
END_TEST

/* cc_query_limit_or_respond on path's query. */
static int limit(const char *path)
{
    fake_t *f = fake_new(path, NULL);
    int n = cc_query_limit_or_respond(&f->r);
    fake_free(f);
    return n;
}

START_TEST(test_limit)
{
    ck_assert_int_eq(limit("/v1/clients"), 50);
    ck_assert_int_eq(limit("/v1/clients?limit=1"), 1);
    ck_assert_int_eq(limit("/v1/clients?limit=500"), 500);
    ck_assert_int_eq(limit("/v1/clients?limit=0"), -1);
    ck_assert_int_eq(limit("/v1/clients?limit=501"), -1);
    ck_assert_int_eq(limit("/v1/clients?limit=-1"), -1);
    ck_assert_int_eq(limit("/v1/clients?limit="), -1);
    ck_assert_int_eq(limit("/v1/clients?limit"), -1);
    ck_assert_int_eq(limit("/v1/clients?limit=5x"), -1);
    ck_assert_int_eq(limit("/v1/clients?limit=99999999999999999999"), -1);
}
END_TEST

/* cc_query_cursor_or_respond on path's query: the result and the id in after. */
static int cursor(const char *path, char after[37])
{
    fake_t *f = fake_new(path, NULL);
    int n = cc_query_cursor_or_respond(&f->r, after);
    fake_free(f);
    return n;
}

START_TEST(test_cursor)
{
    const char *id = "0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    char *encoded = cc_base64url_encode(id, strlen(id));
    char path[256], after[37];
    snprintf(path, sizeof(path), "/v1/clients?cursor=%s", encoded);
    ck_assert_int_eq(cursor(path, after), 0);
    ck_assert_str_eq(after, id);
    ck_assert_int_eq(cursor("/v1/clients", after), 0);
    ck_assert_str_eq(after, "");
    /* Not base64url, base64url of something else, empty, and too long. */
    ck_assert_int_eq(cursor("/v1/clients?cursor=!!!", after), -1);
    ck_assert_str_eq(after, "");
    char *not_uuid = cc_base64url_encode("not-a-uuid", 10);
    snprintf(path, sizeof(path), "/v1/clients?cursor=%s", not_uuid);
    ck_assert_int_eq(cursor(path, after), -1);
    ck_assert_int_eq(cursor("/v1/clients?cursor=", after), -1);
    char long_path[300] = "/v1/clients?cursor=";
    memset(long_path + strlen(long_path), 'A', 200);
    ck_assert_int_eq(cursor(long_path, after), -1);
    free(not_uuid);
    free(encoded);
}
END_TEST

/* Keys of up to 36 characters without a dot, for cc_query_cursor_key_or_respond. */
static bool dotless(const char *key, size_t len)
{
    return len > 0 && memchr(key, '.', len) == NULL;
}

START_TEST(test_cursor_key)
{
    char after[37], path[256];
    const char *keys[][2] = {
        {"ISO27001:2022/A.5", "-1"}, {"ISO27001:2022", "0"}, {"0123456789012345678901234567890123456", "-1"}};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char *encoded = cc_base64url_encode(keys[i][0], strlen(keys[i][0]));
        snprintf(path, sizeof(path), "/v1/standards?cursor=%s", encoded);
        fake_t *f = fake_new(path, NULL);
        ck_assert_int_eq(cc_query_cursor_key_or_respond(&f->r, after, dotless), atoi(keys[i][1]));
        ck_assert_str_eq(after, atoi(keys[i][1]) == 0 ? keys[i][0] : "");
        fake_free(f);
        free(encoded);
    }
}
END_TEST

/* cc_if_match with an If-Match header of value (NULL: none). */
static long long if_match(const char *value)
{
    fake_t *f = fake_new("/v1/users/x", value);
    long long v = cc_if_match(&f->r);
    fake_free(f);
    return v;
}

START_TEST(test_if_match)
{
    ck_assert_int_eq(if_match(NULL), -1);
    ck_assert_int_eq(if_match("*"), -1);
    ck_assert_int_eq(if_match("\"7\""), 7);
    ck_assert_int_eq(if_match("\"0\""), 0);
    ck_assert_int_eq(if_match("\"123456789012\""), 123456789012LL);
    /* A weak tag never matches; nor a list, an unquoted or empty tag, a sign or trailing text. */
    ck_assert_int_eq(if_match("W/\"7\""), -2);
    ck_assert_int_eq(if_match("\"7\", \"8\""), -2);
    ck_assert_int_eq(if_match("7"), -2);
    ck_assert_int_eq(if_match("\"\""), -2);
    ck_assert_int_eq(if_match("\"-1\""), -2);
    ck_assert_int_eq(if_match("\"7"), -2);
    ck_assert_int_eq(if_match("\"7\"x"), -2);
    ck_assert_int_eq(if_match(""), -2);
}
END_TEST

/* If-None-Match lists: weak comparison, lists with spaces, "*", and no match on a prefix or a near tag. */
START_TEST(test_if_none_match_list)
{
    ck_assert(cc_etag_list_matches("\"7\"", "\"7\""));
    ck_assert(cc_etag_list_matches("W/\"7\"", "\"7\""));
    ck_assert(cc_etag_list_matches("\"1\", \"7\"", "\"7\""));
    ck_assert(cc_etag_list_matches(" \"1\" ,W/\"7\" ", "\"7\""));
    ck_assert(cc_etag_list_matches("*", "\"7\""));
    ck_assert(!cc_etag_list_matches(NULL, "\"7\""));
    ck_assert(!cc_etag_list_matches("", "\"7\""));
    ck_assert(!cc_etag_list_matches("\"70\"", "\"7\""));
    ck_assert(!cc_etag_list_matches("\"1\", \"8\"", "\"7\""));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("http_parsers");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_url_decode);
    tcase_add_test(tc, test_query_param);
    tcase_add_test(tc, test_query_control_characters);
    tcase_add_test(tc, test_limit);
    tcase_add_test(tc, test_cursor);
    tcase_add_test(tc, test_cursor_key);
    tcase_add_test(tc, test_if_match);
    tcase_add_test(tc, test_if_none_match_list);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
