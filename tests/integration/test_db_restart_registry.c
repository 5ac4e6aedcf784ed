/*
 * The registry workers outlive a database outage (ARCHITECTURE.md "Registry sync"): PostgreSQL is stopped
 * (CC_TEST_PG_STOP) while a drain is in flight (the double answers slowly), kept down for a few polls, and
 * started again (CC_TEST_PG_START). The service stays up throughout, its workers reconnect
 * (cc_dbconn_ensure) and finish, and the double's state ends equal to ours. Runs last and alone (named
 * test_db_restart*: it disturbs the database). Needs the e2e environment and both commands.
 */
#include "cc_test_main.h"
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_mem.h"
#include "cc_test_db.h"
#include "cc_test_lifecycle.h"
#include "cc_test_scheduling.h"
#include "cc_test_registry.h"
#include "cc_test_service.h"

#define CERTS 250

static char *ids[CERTS];

/* Reconnects the fixture's owner connection after the restart (bounded wait for the cluster). */
static void reconnect(cc_test_registry_t *reg)
{
    PQfinish(reg->db);
    reg->db = NULL;
    for (int i = 0; i < 300 && reg->db == NULL; i++) {
        PGconn *pg = PQconnectdb(cc_test_env("DATABASE_URL"));
        if (PQstatus(pg) == CONNECTION_OK)
            reg->db = pg;
        else {
            PQfinish(pg);
            usleep(100 * 1000);
        }
    }
    ck_assert_msg(reg->db != NULL, "the database did not come back");
    cc_test_db_run(reg->db, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, false)", 0,
                   NULL);
}

START_TEST(test_registry_survives_database_restart)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    cc_test_registry_t reg;
    cc_test_registry_begin(&reg);
    cc_test_registry_make_consented(&reg, &cb, CERTS, NULL, ids);
    cc_test_service_t svc;
    cc_test_service_find(&svc, "registry-sync");

    cc_fake_registry_faults(reg.fake, "{\"mode\": \"hang\", \"hang_ms\": 1500, \"count\": 2}");
    cc_test_registry_enable(&reg, true);
    cc_test_registry_wait_in_flight(&reg);

    const char *stop = cc_test_env("CC_TEST_PG_STOP");
    ck_assert_msg(system(stop) == 0, "the stop command failed: %s", stop);
    sleep(4); /* several polls and a failed outcome write with the database down */
    ck_assert_msg(kill(svc.pid, 0) == 0, "registry-sync died with the database down");
    const char *start = cc_test_env("CC_TEST_PG_START");
    ck_assert_msg(system(start) == 0, "the start command failed: %s", start);
    reconnect(&reg);

    cc_test_registry_settle(&reg, (const char *const *)ids, CERTS);
    cc_test_registry_assert_equal(&reg, (const char *const *)ids, CERTS);
    ck_assert_msg(kill(svc.pid, 0) == 0, "registry-sync is not running");

    cc_test_registry_end(&reg);
    cc_test_service_free(&svc);
    for (int i = 0; i < CERTS; i++)
        free(ids[i]);
    cc_test_cb_free(&cb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("db_restart_registry");
    TCase *tc = tcase_create("restart");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_registry_survives_database_restart);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
