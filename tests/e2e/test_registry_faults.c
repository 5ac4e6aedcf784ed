/*
 * The registry workers against every fault mode of the double (tests/fakes/README.md; BRIEF "Worker
 * outcomes", ARCHITECTURE.md "Registry sync"): 500s retried then delivered; 500 forever a dead letter kind
 * failed; 429 with Retry-After honoured (retry_after set, no call before it); 401 pauses the tenant with one
 * call and no retry storm, and sync resumes once the pause is cleared; a hang past the timeout and a
 * dropped connection retried; a rejected record dead-lettered with the registry's words while the rest of
 * its batch is sent; 20 % of calls failing at random still ends with every record in the double.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_mem.h"
#include "cc_test_lifecycle.h"
#include "cc_test_scheduling.h"
#include "cc_test_registry.h"

#define MAX_CERTS 30

typedef struct fixture {
    cc_test_cb_t cb;
    cc_test_registry_t reg;
    char *client, *programme;
    char *ids[MAX_CERTS]; /* certification ids */
    char *numbers[MAX_CERTS];
    int n;
} fixture_t;

static fixture_t f;

static void setup(void)
{
    memset(&f, 0, sizeof(f));
    cc_test_cb_login(&f.cb);
    cc_test_registry_begin(&f.reg);
    f.client = cc_test_lc_client(&f.cb.sm);
    json_t *p = cc_test_new_programme(&f.cb.sm, f.client, "[]");
    f.programme = cc_strdup(cc_test_json_string(p, "id"));
    json_decref(p);
    cc_test_registry_consent(&f.reg, f.client, true);
}

static void teardown(void)
{
    cc_test_registry_end(&f.reg);
    cc_test_cb_free(&f.cb);
    for (int i = 0; i < f.n; i++)
        free(f.ids[i]), free(f.numbers[i]);
    free(f.client), free(f.programme);
}

/* n certificates of the consenting client, made while sync is off. */
static void certificates(int n)
{
    for (int i = 0; i < n && f.n < MAX_CERTS; i++) {
        char *id = cc_test_lc_certificate("northcert", f.client, f.programme, "ISO27001:2022", "2026-01-10",
                                          "2029-01-09");
        const char *params[] = {id};
        f.ids[f.n] = cc_test_registry_sql(
            &f.reg, "SELECT certification_id::text FROM certificates WHERE id = $1::uuid", 1, params);
        f.numbers[f.n] =
            cc_test_registry_sql(&f.reg, "SELECT number FROM certificates WHERE id = $1::uuid", 1, params);
        f.n++;
        free(id);
    }
}

static const char *const *ids(void)
{
    return (const char *const *)f.ids;
}

static json_t *ours(int i)
{
    return cc_test_registry_ours(&f.reg, f.ids[i]);
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "(null)";
}

/* Calls the double answered with status (0: none), and all calls. */
static int calls_with(int status, int *all)
{
    json_t *calls = cc_fake_registry_calls(f.reg.fake);
    int n = 0;
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c) n += json_integer_value(json_object_get(c, "status")) == status;
    if (all != NULL)
        *all = (int)json_array_size(calls);
    json_decref(calls);
    return n;
}

/* Every certification sent, the double equal to ours, and none left with a failed attempt. */
static void assert_all_sent(void)
{
    cc_test_registry_settle(&f.reg, ids(), f.n);
    cc_test_registry_assert_equal(&f.reg, ids(), f.n);
    for (int i = 0; i < f.n; i++) {
        json_t *o = ours(i);
        ck_assert_msg(strcmp(str(o, "outcome"), "sent") == 0, "%s: %s (%s)", f.ids[i], str(o, "outcome"),
                      str(o, "reason"));
        json_decref(o);
    }
}

START_TEST(test_500_then_delivered)
{
    certificates(3);
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"500\", \"count\": 2}");
    cc_test_registry_enable(&f.reg, true);
    assert_all_sent();
    ck_assert_int_eq(calls_with(500, NULL), 2);
}
END_TEST

START_TEST(test_500_forever_dead_letter)
{
    certificates(2);
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"500\"}");
    cc_test_registry_enable(&f.reg, true);
    cc_test_registry_settle(&f.reg, ids(), f.n);
    for (int i = 0; i < f.n; i++) {
        json_t *o = ours(i);
        ck_assert_str_eq(str(o, "outcome"), "dead");
        json_decref(o);
        const char *params[] = {f.ids[i]};
        char *dl = cc_test_registry_sql(
            &f.reg,
            "SELECT kind || ' ' || attempts || ' ' || http_status FROM registry_dead_letters "
            "WHERE certification_id = $1::uuid AND retried_at IS NULL",
            1, params);
        ck_assert_str_eq(dl, "failed 4 500"); /* CC_REGISTRY_MAX_ATTEMPTS=4 in deploy/test */
        free(dl);
    }
    json_t *records = cc_fake_registry_records(f.reg.fake);
    ck_assert_ptr_null(json_object_get(records, f.ids[0]));
    json_decref(records);
}
END_TEST

START_TEST(test_429_retry_after)
{
    certificates(2);
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"429\", \"retry_after\": 3, \"count\": 1}");
    cc_test_registry_enable(&f.reg, true);
    for (int i = 0; i < 300 && calls_with(429, NULL) == 0; i++)
        usleep(20 * 1000);
    ck_assert_int_eq(calls_with(429, NULL), 1);
    /* The tenant waits: retry_after is set, and no call is made while it is in the future. */
    char *waiting = NULL;
    for (int i = 0; i < 50; i++) {
        free(waiting);
        waiting = cc_test_registry_sql(&f.reg, "SELECT (retry_after > now())::text FROM registry_settings", 0,
                                       NULL);
        if (waiting != NULL && strcmp(waiting, "true") == 0)
            break;
        usleep(20 * 1000);
    }
    ck_assert_str_eq(waiting, "true");
    free(waiting);
    int before = 0, after = 0;
    calls_with(0, &before);
    usleep(1000 * 1000);
    char *still =
        cc_test_registry_sql(&f.reg, "SELECT (retry_after > now())::text FROM registry_settings", 0, NULL);
    calls_with(0, &after);
    if (strcmp(still, "true") == 0)
        ck_assert_int_eq(after, before);
    free(still);
    assert_all_sent();
}
END_TEST

START_TEST(test_401_pauses_then_resumes)
{
    certificates(2);
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"401\"}");
    cc_test_registry_enable(&f.reg, true);
    char *paused = NULL;
    for (int i = 0; i < 300; i++) {
        free(paused);
        paused = cc_test_registry_sql(&f.reg, "SELECT paused_reason FROM registry_settings", 0, NULL);
        if (paused != NULL)
            break;
        usleep(50 * 1000);
    }
    ck_assert_msg(paused != NULL && strcmp(paused, "unauthorized") == 0, "not paused: %s", paused);
    free(paused);
    sleep(3); /* three polls: a paused tenant is left alone */
    int all = 0;
    ck_assert_int_eq(calls_with(401, &all), 1);
    ck_assert_int_eq(all, 1); /* no retry storm */
    for (int i = 0; i < f.n; i++) {
        json_t *o = ours(i);
        ck_assert(json_is_true(json_object_get(o, "pending")));
        ck_assert_int_eq((int)json_integer_value(json_object_get(o, "attempts")), 0); /* no attempt counted */
        json_decref(o);
    }
    /* An admin saves the settings (the key fixed): the pause is cleared and sync resumes. */
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"none\"}");
    cc_test_registry_enable(&f.reg, true);
    assert_all_sent();
}
END_TEST

START_TEST(test_hang_and_drop_retried)
{
    certificates(2);
    /* A hang past CC_REGISTRY_TIMEOUT (2 s), then a connection dropped mid-answer: both retried. */
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"hang\", \"hang_ms\": 4000, \"count\": 1}");
    cc_test_registry_enable(&f.reg, true);
    assert_all_sent();
    ck_assert_int_ge(calls_with(0, NULL), 1);

    cc_test_registry_enable(&f.reg, false);
    certificates(2);
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"drop\", \"count\": 1}");
    cc_test_registry_enable(&f.reg, true);
    assert_all_sent();
}
END_TEST

START_TEST(test_reject_one_of_batch)
{
    certificates(3);
    char *plan = cc_test_asprintf("{\"mode\": \"reject\", \"numbers\": [\"%s\"]}", f.numbers[1]);
    cc_fake_registry_faults(f.reg.fake, plan);
    free(plan);
    cc_test_registry_enable(&f.reg, true);
    cc_test_registry_settle(&f.reg, ids(), f.n);
    for (int i = 0; i < f.n; i++) {
        json_t *o = ours(i);
        ck_assert_str_eq(str(o, "outcome"), i == 1 ? "dead" : "sent");
        json_decref(o);
    }
    const char *params[] = {f.ids[1]};
    char *dl = cc_test_registry_sql(
        &f.reg,
        "SELECT kind || ' ' || (errors -> 0 ->> 'field') || ' ' || reason "
        "FROM registry_dead_letters WHERE certification_id = $1::uuid AND retried_at IS NULL",
        1, params);
    ck_assert_msg(dl != NULL && strncmp(dl, "rejected certificate_number ", 28) == 0, "dead letter: %s", dl);
    free(dl);
    json_t *records = cc_fake_registry_records(f.reg.fake);
    ck_assert_ptr_nonnull(json_object_get(records, f.ids[0]));
    ck_assert_ptr_null(json_object_get(records, f.ids[1]));
    ck_assert_ptr_nonnull(json_object_get(records, f.ids[2]));
    json_decref(records);
}
END_TEST

START_TEST(test_fraction_failing)
{
    certificates(MAX_CERTS);
    cc_fake_registry_faults(f.reg.fake, "{\"mode\": \"500\", \"fraction\": 0.2}");
    cc_test_registry_enable(&f.reg, true);
    assert_all_sent();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry_faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_500_then_delivered);
    tcase_add_test(tc, test_500_forever_dead_letter);
    tcase_add_test(tc, test_429_retry_after);
    tcase_add_test(tc, test_401_pauses_then_resumes);
    tcase_add_test(tc, test_hang_and_drop_retried);
    tcase_add_test(tc, test_reject_one_of_batch);
    tcase_add_test(tc, test_fraction_failing);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
