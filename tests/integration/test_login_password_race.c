/*
 * A login must not outrun a password change. The login reads the account,
 * runs argon2 (about 0.2 s) and only then issues tokens; a password change
 * that commits meanwhile revokes the user's refresh tokens, but cannot see
 * tokens not yet issued. So the login re-reads the account under a row lock
 * before it issues any (services/identity/login.c, recheck_account).
 *
 * The test holds the user row with an uncommitted password change, sends a
 * login with the old password, waits until the login is blocked on that row,
 * then commits: the login must answer 401, not hand out a session that
 * survives the change.
 */
#include "cc_test_main.h"

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_test_db.h"
#include "cc_test_http.h"

#define OLD_PASSWORD "Race-old-password-42"

typedef struct login {
    const char *base;
    char body[256];
    atomic_int sent;
    cc_test_response_t *resp;
    char *error;
} login_t;

static void on_sent(void *arg)
{
    atomic_store(&((login_t *)arg)->sent, 1);
}

static void *run_login(void *arg)
{
    login_t *l = arg;
    cc_test_request_t req = {"POST", l->base, "/v1/auth/login", NULL, l->body, 0, 120, on_sent, l};
    l->resp = cc_test_http_send(&req, &l->error);
    atomic_store(&l->sent, 1);
    return NULL;
}

static void pause_briefly(void)
{
    usleep(50 * 1000);
}

START_TEST(login_racing_a_password_change_fails)
{
    const char *identity = cc_test_env("CC_TEST_IDENTITY_URL");
    cc_test_tokens_t admin;
    cc_test_login(identity, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *email = cc_test_unique_email("pwrace", "northcert");
    char *id = cc_test_create_user(identity, admin.access, email, "auditor", NULL, OLD_PASSWORD);

    /* The change, uncommitted: another hash (the admin's) over the user's row, holding its lock. */
    PGconn *locker = cc_test_db_connect("DATABASE_URL");
    PGconn *watcher = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(locker, "BEGIN", 0, NULL);
    cc_test_db_run(locker, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0,
                   NULL);
    const char *idp[] = {id};
    cc_test_db_run(locker,
                   "UPDATE users SET password_hash = (SELECT password_hash FROM users a WHERE a.tenant_id = "
                   "cc_current_tenant() AND a.email = 'admin@northcert.example') "
                   "WHERE tenant_id = cc_current_tenant() AND id = $1::uuid",
                   1, idp);

    login_t l = {.base = identity};
    snprintf(l.body, sizeof(l.body), "{\"tenant\":\"northcert\",\"email\":\"%s\",\"password\":\"%s\"}", email,
             OLD_PASSWORD);
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, run_login, &l), 0);
    while (!atomic_load(&l.sent))
        pause_briefly();
    bool blocked = cc_test_db_wait_blocked(watcher, locker, 1) >= 1;
    cc_test_db_run(locker, "COMMIT", 0, NULL);
    pthread_join(thread, NULL);
    PQfinish(watcher);
    PQfinish(locker);

    ck_assert_msg(blocked,
                  "the login never waited on the user's row (it issued tokens without re-reading it)");
    ck_assert_msg(l.resp != NULL, "the login got no answer: %s", l.error);
    cc_test_assert_problem(l.resp, 401, "invalid_credentials");

    /* and the old password stays refused afterwards */
    cc_test_response_t *again = cc_test_http("POST", identity, "/v1/auth/login", NULL, l.body);
    cc_test_assert_problem(again, 401, "invalid_credentials");

    cc_test_response_free(again);
    cc_test_response_free(l.resp);
    free(l.error);
    free(id);
    free(email);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("login_password_race");
    TCase *tc = tcase_create("race");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, login_racing_a_password_change_fails);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
