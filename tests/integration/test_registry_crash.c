/*
 * Crash safety of the registry workers (ARCHITECTURE.md "Registry sync"): certcycle-registry-sync is
 * SIGKILLed in the middle of a bulk drain (the double hangs for less than the client's timeout, so a batch
 * is in flight), some certificates change while it is down, and it is started again with the same command
 * line and environment (its pid file rewritten as deploy/lib.sh writes it). Its leases lapse, the next
 * claims send again, and the double's state ends equal to ours: nothing lost (every consented certificate
 * there), nothing stale (the changes made during the outage there too). Needs the e2e environment
 * (CC_TEST_GATEWAY_URL, CC_TEST_STATE_DIR, DATABASE_URL, CC_MASTER_KEY).
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
#include "cc_test_service.h"

#define CERTS 250 /* three bulk uploads */
#define CHANGED 5

static char *ids[CERTS], *certs[CERTS];

START_TEST(test_sigkill_mid_drain)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    cc_test_caller_t dm;
    cc_test_caller_login(&dm, "northcert", "decision_maker");
    cc_test_registry_t reg;
    cc_test_registry_begin(&reg);
    cc_test_registry_make_consented(&reg, &cb, CERTS, certs, ids);
    cc_test_service_t svc;
    cc_test_service_find(&svc, "registry-sync");

    /* Slow answers (1.5 s, under the 2 s timeout): a batch stays in flight long enough to be killed in. */
    cc_fake_registry_faults(reg.fake, "{\"mode\": \"hang\", \"hang_ms\": 1500, \"count\": 2}");
    cc_test_registry_enable(&reg, true);
    cc_test_registry_wait_in_flight(&reg);
    cc_test_service_kill(&svc);

    /* While it is down, some certificates change: the registry must end with these states, not older. */
    for (int i = 0; i < CHANGED; i++) {
        json_t *c = cc_test_lc_get(&dm, certs[i]);
        int version = (int)json_integer_value(json_object_get(c, "version"));
        json_decref(c);
        cc_test_response_t *resp = cc_test_lc_act(&dm, certs[i], "suspend", version,
                                                  "{\"reason\":\"Surveillance 1 not held\","
                                                  "\"trigger\":\"missed_surveillance\"}");
        ck_assert_msg(resp->status == 200, "suspend: %d %s", resp->status, resp->body);
        cc_test_response_free(resp);
    }
    cc_test_service_restart(&svc);

    cc_test_registry_settle(&reg, (const char *const *)ids, CERTS);
    cc_test_registry_assert_equal(&reg, (const char *const *)ids, CERTS);
    char *suspended = cc_test_registry_status(&reg, ids[0]);
    ck_assert_ptr_nonnull(strstr(suspended, "suspended"));
    free(suspended);

    cc_test_registry_end(&reg);
    cc_test_service_free(&svc);
    for (int i = 0; i < CERTS; i++)
        free(ids[i]), free(certs[i]);
    cc_test_caller_free(&dm);
    cc_test_cb_free(&cb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry_crash");
    TCase *tc = tcase_create("crash");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sigkill_mid_drain);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
