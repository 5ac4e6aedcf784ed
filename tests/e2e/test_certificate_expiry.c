/*
 * End-to-end test of the expiry job running in the certificates service (issue 9 "Expiry runs by itself"):
 * with no call at all, an active certificate whose expiry date was yesterday, a suspended one likewise and
 * an ISO/IEC 27001:2013 one (after 2025-10-31) become expired, each with its history row (no actor), its
 * outbox row and its event; one valid through today stays active. The certificates are made, and backdated,
 * with owner SQL; the test polls GET /v1/certificates/{id} with a generous bound (the service runs the job
 * every CC_HOUSEKEEPING_INTERVAL seconds, at most 60; deploy/test sets 2).
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"
#include "cc_test_lifecycle.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_SECONDS 150 /* more than two runs at the longest interval (60 s) */

/* Polls GET /v1/certificates/{id} until its status is `want` (or time runs out); the last body. */
static json_t *wait_status(const cc_test_caller_t *c, const char *id, const char *want)
{
    time_t end = time(NULL) + POLL_SECONDS;
    for (;;) {
        json_t *cert = cc_test_lc_get(c, id);
        if (strcmp(cc_test_json_string(cert, "status"), want) == 0 || time(NULL) > end)
            return cert;
        json_decref(cert);
        struct timespec pause = {0, 200 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

START_TEST(test_expiry_job)
{
    cc_test_cb_t cb;
    cc_test_caller_t dm;
    cc_test_cb_login(&cb);
    cc_test_caller_login(&dm, "northcert", "decision_maker");
    char *client = cc_test_lc_client(&cb.sm);
    json_t *p = cc_test_new_programme(&cb.sm, client, "[]");
    const char *programme = cc_test_json_string(p, "id");
    const char *none[] = {NULL};
    char *yesterday = cc_test_lc_sql("northcert", "SELECT (current_date - 1)::text", 0, none);
    char *today = cc_test_lc_sql("northcert", "SELECT current_date::text", 0, none);
    /* valid through today: stays; expired yesterday (active, and suspended): expire; 27001:2013: expires */
    char *valid =
        cc_test_lc_certificate("northcert", client, programme, "ISO27001:2022", "2024-01-01", today);
    char *past =
        cc_test_lc_certificate("northcert", client, programme, "ISO9001:2015", "2024-01-01", yesterday);
    /* made valid through today, then suspended and backdated in one statement: the running job must not
     * expire it as an active certificate in between */
    char *suspended =
        cc_test_lc_certificate("northcert", client, programme, "ISO14001:2015", "2024-01-01", today);
    char *old =
        cc_test_lc_certificate("northcert", client, programme, "ISO27001:2013", "2024-01-01", "2026-12-31");
    const char *s_params[] = {suspended};
    free(cc_test_lc_sql(
        "northcert",
        "UPDATE certificates SET status = 'suspended', suspended_since = current_date - 30, "
        "suspended_until = current_date + 30, suspension_trigger = 'other', expiry_date = current_date - 1 "
        "WHERE id = $1::uuid "
        "RETURNING id::text",
        1, s_params));

    const char *expiring[] = {past, suspended, old};
    for (int i = 0; i < 3; i++) {
        json_t *cert = wait_status(&dm, expiring[i], "expired");
        char *text = json_dumps(cert, JSON_COMPACT);
        ck_assert_msg(strcmp(cc_test_json_string(cert, "status"), "expired") == 0, "not expired: %s", text);
        ck_assert(json_is_string(json_object_get(cert, "expired_on")));
        ck_assert(json_is_null(json_object_get(cert, "suspended_since")));
        json_t *last = json_array_get(json_object_get(cert, "history"), 1);
        ck_assert_msg(last != NULL && strcmp(cc_test_json_string(last, "action"), "expired") == 0,
                      "history: %s", text);
        ck_assert(json_is_null(json_object_get(last, "actor")));
        free(text);
        json_decref(cert);
        const char *params[] = {expiring[i]};
        char *outbox =
            cc_test_lc_sql("northcert",
                           "SELECT string_agg(seq || ':' || event_type || ':' || (state->>'status'), ',' "
                           "ORDER BY seq) FROM certificate_outbox WHERE certificate_id = $1::uuid",
                           1, params);
        ck_assert_str_eq(outbox, "1:certificate.issued:active,2:certificate.expired:expired");
        free(outbox);
        char *events =
            cc_test_lc_sql("northcert",
                           "SELECT string_agg(action || ':' || coalesce(actor_id::text, 'job'), ',') "
                           "FROM event_log WHERE entity_type = 'certificate' AND entity_id = $1::uuid",
                           1, params);
        ck_assert_str_eq(events, "certificate.expired:job");
        free(events);
    }
    json_t *cert = cc_test_lc_get(&dm, past);
    ck_assert_str_eq(cc_test_json_string(cert, "expired_on"), today);
    json_decref(cert);
    cert = cc_test_lc_get(&dm, old);
    ck_assert_str_eq(cc_test_json_string(cert, "expired_on"), "2025-11-01");
    json_decref(cert);
    /* the job has run since (the three expired): one valid through today is still active */
    cert = cc_test_lc_get(&dm, valid);
    ck_assert_str_eq(cc_test_json_string(cert, "status"), "active");
    json_decref(cert);

    free(valid), free(past), free(suspended), free(old), free(yesterday), free(today), free(client);
    json_decref(p);
    cc_test_caller_free(&dm);
    cc_test_cb_free(&cb);
}
END_TEST

static Suite *expiry_suite(void)
{
    Suite *s = suite_create("certificate_expiry");
    TCase *tc = tcase_create("job");
    tcase_set_timeout(tc, 3 * POLL_SECONDS + 60);
    tcase_add_test(tc, test_expiry_job);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(expiry_suite());
}
