/*
 * Unit tests of the monthly duty's date rule (services/registry-sync/registry_month.c; IAF MD 28): due
 * from 7 days before the month's end (UTC) when the month has no complete sync, in months of 28, 29, 30
 * and 31 days and across the year's end; and on the status only while sync is enabled (a disabled
 * tenant cannot resync).
 */
#include "cc_test_main.h"
#include <check.h>

#include "registry-sync/registry_month.c"

/* Seconds since the epoch of a UTC date and time. */
static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm t = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s};
    return timegm(&t);
}

START_TEST(test_last_seven_days)
{
    /* December: 31 days, due from the 25th at 00:00 UTC (7 days before 1 January) */
    ck_assert(!registry_month_sync_due(utc(2026, 12, 1, 0, 0, 0), NULL));
    ck_assert(!registry_month_sync_due(utc(2026, 12, 24, 23, 59, 59), NULL));
    ck_assert(registry_month_sync_due(utc(2026, 12, 25, 0, 0, 0), NULL));
    ck_assert(registry_month_sync_due(utc(2026, 12, 31, 23, 59, 59), NULL));
    /* the new month starts over */
    ck_assert(!registry_month_sync_due(utc(2027, 1, 1, 0, 0, 0), NULL));
    /* 30 days: from the 24th; 28 days: from the 22nd; 29 days: from the 23rd */
    ck_assert(!registry_month_sync_due(utc(2026, 11, 23, 12, 0, 0), NULL));
    ck_assert(registry_month_sync_due(utc(2026, 11, 24, 0, 0, 0), NULL));
    ck_assert(!registry_month_sync_due(utc(2027, 2, 21, 23, 0, 0), NULL));
    ck_assert(registry_month_sync_due(utc(2027, 2, 22, 0, 0, 0), NULL));
    ck_assert(!registry_month_sync_due(utc(2028, 2, 22, 23, 0, 0), NULL));
    ck_assert(registry_month_sync_due(utc(2028, 2, 23, 0, 0, 0), NULL));
}
END_TEST

START_TEST(test_complete_sync_this_month)
{
    time_t late = utc(2026, 12, 28, 10, 0, 0);
    ck_assert(!registry_month_sync_due(late, "2026-12-02T08:00:00.000Z"));
    ck_assert(!registry_month_sync_due(late, "2026-12-28T09:59:00.000Z"));
    /* last month's, or last year's same month, do not count */
    ck_assert(registry_month_sync_due(late, "2026-11-30T23:59:59.999Z"));
    ck_assert(registry_month_sync_due(late, "2025-12-28T10:00:00.000Z"));
    ck_assert(registry_month_sync_due(late, NULL));
    /* early in the month nothing is due, whatever the last sync */
    ck_assert(!registry_month_sync_due(utc(2026, 12, 3, 0, 0, 0), "2026-10-01T00:00:00.000Z"));
}
END_TEST

/* The status's view: due and warned only while enabled; "paused" warned whatever the month. */
static json_t *status_at(bool enabled, bool paused, time_t now)
{
    json_t *status =
        json_pack("{s:b, s:b, s:n}", "enabled", enabled, "paused", paused, "last_complete_sync_at");
    registry_month_status(status, now);
    return status;
}

START_TEST(test_status_only_when_enabled)
{
    time_t late = utc(2026, 12, 28, 10, 0, 0);
    json_t *on = status_at(true, false, late);
    ck_assert(json_is_true(json_object_get(on, "monthly_sync_due")));
    ck_assert_int_eq(json_array_size(json_object_get(on, "warnings")), 1);
    ck_assert_str_eq(cc_json_str(json_array_get(json_object_get(on, "warnings"), 0), "code"),
                     "monthly_sync_due");
    json_t *off = status_at(false, false, late);
    ck_assert(json_is_false(json_object_get(off, "monthly_sync_due")));
    ck_assert_int_eq(json_array_size(json_object_get(off, "warnings")), 0);
    json_t *paused = status_at(false, true, utc(2026, 12, 3, 0, 0, 0));
    ck_assert(json_is_false(json_object_get(paused, "monthly_sync_due")));
    ck_assert_int_eq(json_array_size(json_object_get(paused, "warnings")), 1);
    ck_assert_str_eq(cc_json_str(json_array_get(json_object_get(paused, "warnings"), 0), "code"), "paused");
    json_decref(on);
    json_decref(off);
    json_decref(paused);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("registry_month");
    TCase *tc = tcase_create("due");
    tcase_add_test(tc, test_last_seven_days);
    tcase_add_test(tc, test_complete_sync_this_month);
    tcase_add_test(tc, test_status_only_when_enabled);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(suite());
}
