/*
 * The services survive a database restart: after PostgreSQL restarts
 * (CC_TEST_PG_RESTART, a shell command deploy/test provides), /readyz comes
 * back, reads on the event loop (GET /v1/me) and transactions on the worker
 * pool (login) work again, without restarting the service. Requests during
 * the outage may fail with 503; the test polls, bounded, for recovery.
 * Needs CC_TEST_IDENTITY_URL and CC_TEST_PG_RESTART.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_test_http.h"

#define POLL_ROUNDS 150 /* x 200 ms */

static int get_status(const char *base, const char *path, const char *access)
{
    char *auth = access != NULL ? cc_test_bearer(access) : NULL;
    const char *headers[] = {auth, NULL};
    cc_test_request_t req = {"GET", base, path, auth != NULL ? headers : NULL, NULL, 0, 0, NULL, NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    int status = resp != NULL ? resp->status : -1;
    cc_test_response_free(resp);
    free(error);
    free(auth);
    return status;
}

static int poll_until_ok(const char *base, const char *path, const char *access)
{
    int status = -1;
    for (int i = 0; i < POLL_ROUNDS && status != 200; i++) {
        status = get_status(base, path, access);
        if (status != 200)
            usleep(200 * 1000);
    }
    return status;
}

START_TEST(service_recovers_after_database_restart)
{
    const char *base = cc_test_env("CC_TEST_IDENTITY_URL");
    const char *restart = cc_test_env("CC_TEST_PG_RESTART");
    cc_test_tokens_t tokens;
    cc_test_login(base, "northcert", "scheme_manager@northcert.example", CC_TEST_DEMO_PASSWORD, &tokens);
    ck_assert_int_eq(get_status(base, "/v1/me", tokens.access), 200);

    ck_assert_msg(system(restart) == 0, "the restart command failed: %s", restart);

    /* The service process itself stayed up throughout. */
    ck_assert_int_eq(get_status(base, "/healthz", NULL), 200);
    ck_assert_int_eq(poll_until_ok(base, "/readyz", NULL), 200);
    ck_assert_int_eq(poll_until_ok(base, "/v1/me", tokens.access), 200);

    /* Every worker connection is reused after the restart: each login must succeed. */
    for (int i = 0; i < 6; i++) {
        cc_test_tokens_t again;
        cc_test_login(base, "northcert", "scheme_manager@northcert.example", CC_TEST_DEMO_PASSWORD, &again);
        cc_test_tokens_free(&again);
    }
    cc_test_tokens_free(&tokens);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("db_restart");
    TCase *tc = tcase_create("restart");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, service_recovers_after_database_restart);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
