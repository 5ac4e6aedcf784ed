/*
 * The notification listener (shared/cc_notify.c) with the revocation table
 * (shared/cc_revocations.c) against the real database: it loads the users'
 * token state at start; when its connection is killed (pg_terminate_backend
 * as the superuser) it reconnects and reloads, picking up a change made
 * without any notification (triggers off); and notifications flow again on
 * the new connection; a deleted user's token is refused; it also reloads
 * periodically on the same connection. And the services do
 * the same: when their listeners' connections are killed, a user disabled
 * without a notification meanwhile is refused by identity and scheduling once
 * they have reloaded. Needs DATABASE_URL, CC_APP_DATABASE_URL,
 * CC_TEST_PG_SUPERUSER_URL and CC_TEST_GATEWAY_URL.
 */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cc_notify.h"
#include "cc_revocations.h"
#include "cc_test_db.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

#define WAIT_STEPS 200 /* x 50 ms: generous, the outcome is what is asserted */

static atomic_int backend_pid;

static void on_users(PGconn *pg, const char *channel, const char *payload, void *arg)
{
    cc_revocations_apply_json(arg, payload);
}

static int on_reload(PGconn *pg, void *arg)
{
    atomic_store(&backend_pid, PQbackendPID(pg));
    return cc_revocations_load(arg, pg, time(NULL));
}

static bool token_passes(cc_revocations_t *t, const char *user_id, const char *tenant_id)
{
    cc_claims_t c;
    memset(&c, 0, sizeof(c));
    snprintf(c.sub, sizeof(c.sub), "%s", user_id);
    snprintf(c.tid, sizeof(c.tid), "%s", tenant_id);
    strcpy(c.role, "auditor");
    c.iat = time(NULL);
    c.exp = c.iat + 900;
    return cc_revocations_check(t, &c);
}

static void wait_reloads(cc_notify_t *n, unsigned want)
{
    for (int i = 0; i < WAIT_STEPS && cc_notify_reloads(n) < want; i++)
        usleep(50 * 1000);
    ck_assert_uint_ge(cc_notify_reloads(n), want);
}

/* Inserts an auditor into northcert as the owner; fills its id and tenant id. */
static void insert_user(char user_id[37], char tenant_id[37])
{
    PGconn *owner = cc_test_db_connect("DATABASE_URL");
    char suffix[17], email[80];
    cc_test_random_suffix(suffix);
    snprintf(email, sizeof(email), "notify-%s@northcert.example", suffix);
    cc_test_db_run(owner, "BEGIN", 0, NULL);
    cc_test_db_run(owner, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0,
                   NULL);
    const char *params[] = {email};
    PGresult *res =
        cc_test_db_exec(owner,
                        "INSERT INTO users (email, name, role, password_hash) "
                        "VALUES ($1, 'Notify Test', 'auditor', '$argon2id$x') RETURNING id, tenant_id",
                        1, params);
    snprintf(user_id, 37, "%s", PQgetvalue(res, 0, 0));
    snprintf(tenant_id, 37, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    cc_test_db_run(owner, "COMMIT", 0, NULL);
    PQfinish(owner);
}

START_TEST(listener_reloads_after_its_connection_is_killed)
{
    char user_id[37], tenant_id[37];
    cc_revocations_t *t = cc_revocations_new();
    cc_notify_handler_t handler = {"cc_users", on_users, on_reload, t};
    cc_notify_t *n = cc_notify_start(cc_test_env("CC_APP_DATABASE_URL"), &handler, 1, 0);
    wait_reloads(n, 1);
    insert_user(user_id, tenant_id);
    ck_assert(token_passes(t, user_id, tenant_id));

    /* Disabled without any trigger, so without a notification: only a reload can learn it. */
    PGconn *super = cc_test_db_connect("CC_TEST_PG_SUPERUSER_URL");
    const char *id[] = {user_id};
    cc_test_db_run(super, "SET session_replication_role = replica", 0, NULL);
    cc_test_db_run(super, "UPDATE users SET disabled = true WHERE id = $1", 1, id);
    cc_test_db_run(super, "RESET session_replication_role", 0, NULL);
    usleep(300 * 1000);
    ck_assert(token_passes(t, user_id, tenant_id));

    char pid[16];
    snprintf(pid, sizeof(pid), "%d", atomic_load(&backend_pid));
    const char *pid_param[] = {pid};
    char *killed = cc_test_db_value(super, "SELECT pg_terminate_backend($1::int)::text", 1, pid_param);
    ck_assert_str_eq(killed, "true");
    free(killed);
    wait_reloads(n, 2);
    ck_assert_int_ne(atomic_load(&backend_pid), atoi(pid));
    ck_assert(!token_passes(t, user_id, tenant_id));

    /* Notifications arrive on the new connection. */
    cc_test_db_run(super, "UPDATE users SET disabled = false WHERE id = $1", 1, id);
    bool passes = false;
    for (int i = 0; i < WAIT_STEPS && !passes; i++) {
        usleep(50 * 1000);
        passes = token_passes(t, user_id, tenant_id);
    }
    ck_assert(passes);

    cc_test_db_run(super, "DELETE FROM users WHERE id = $1", 1, id);
    for (int i = 0; i < WAIT_STEPS && passes; i++) {
        usleep(50 * 1000);
        passes = token_passes(t, user_id, tenant_id);
    }
    ck_assert(!passes);
    PQfinish(super);
    cc_notify_stop(n);
    cc_revocations_free(t);
}
END_TEST

START_TEST(listener_reloads_periodically_as_the_fallback)
{
    cc_revocations_t *t = cc_revocations_new();
    cc_notify_handler_t handler = {"cc_users", on_users, on_reload, t};
    cc_notify_t *n = cc_notify_start(cc_test_env("CC_APP_DATABASE_URL"), &handler, 1, 1);
    wait_reloads(n, 1);
    int pid = atomic_load(&backend_pid);
    wait_reloads(n, 3);
    ck_assert_int_eq(atomic_load(&backend_pid), pid); /* on the same connection: not a reconnect */
    ck_assert_uint_gt(cc_revocations_count(t), 0);
    cc_notify_stop(n);
    cc_revocations_free(t);
}
END_TEST

static int status_of(const char *access, const char *path)
{
    char *auth = cc_test_bearer(access);
    const char *headers[] = {auth, NULL};
    cc_test_response_t *resp = cc_test_http("GET", cc_test_env("CC_TEST_GATEWAY_URL"), path, headers, NULL);
    int status = resp->status;
    cc_test_response_free(resp);
    free(auth);
    return status;
}

START_TEST(services_reload_after_their_listeners_are_killed)
{
    const char *gw = cc_test_env("CC_TEST_GATEWAY_URL");
    cc_test_tokens_t admin, user;
    cc_test_login(gw, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *email = cc_test_unique_email("notify", "northcert");
    char *id = cc_test_create_user(gw, admin.access, email, "admin", NULL, "Notify-test-password-42");
    cc_test_login(gw, "northcert", email, "Notify-test-password-42", &user);
    ck_assert_int_eq(status_of(user.access, "/v1/users?limit=1"), 200);
    ck_assert_int_eq(status_of(user.access, "/v1/clients?limit=1"), 200);

    /* Disabled without a notification (the test above shows that only a reload learns such a change)... */
    PGconn *super = cc_test_db_connect("CC_TEST_PG_SUPERUSER_URL");
    const char *params[] = {id};
    cc_test_db_run(super, "SET session_replication_role = replica", 0, NULL);
    cc_test_db_run(super, "UPDATE users SET disabled = true WHERE id = $1", 1, params);
    cc_test_db_run(super, "RESET session_replication_role", 0, NULL);

    /* ...is learnt when their listeners lose their connections, reconnect and reload. */
    char *killed = cc_test_db_value(super,
                                    "SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity "
                                    "WHERE application_name = 'certcycle-notify' AND usename = 'cc_app'",
                                    0, NULL);
    ck_assert_int_ge(atoi(killed), 2); /* identity's and scheduling's */
    free(killed);
    int identity = 200, scheduling = 200;
    for (int i = 0; i < WAIT_STEPS && (identity != 401 || scheduling != 401); i++) {
        usleep(50 * 1000);
        identity = status_of(user.access, "/v1/users?limit=1");
        scheduling = status_of(user.access, "/v1/clients?limit=1");
    }
    ck_assert_int_eq(identity, 401);
    ck_assert_int_eq(scheduling, 401);
    PQfinish(super);
    free(id);
    free(email);
    cc_test_tokens_free(&user);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("notify_reload");
    TCase *tc = tcase_create("integration");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, listener_reloads_after_its_connection_is_killed);
    tcase_add_test(tc, listener_reloads_periodically_as_the_fallback);
    tcase_add_test(tc, services_reload_after_their_listeners_are_killed);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
