/*
 * Calendar arithmetic for tests, independent of the code under test: civil
 * dates as days since 1970-01-01 (Howard Hinnant's algorithms), months added
 * with the day clamped to the end of the target month.
 */
#ifndef CC_TEST_DATES_H
#define CC_TEST_DATES_H

#include <stdbool.h>
#include <stdint.h>

typedef struct cc_test_ymd {
    int y, m, d;
} cc_test_ymd_t;

/* Days in month m (1..12) of year y. */
int cc_test_days_in_month(int y, int m);

/* Days since 1970-01-01 of a civil date, and back. */
int64_t cc_test_days_from_civil(cc_test_ymd_t c);
cc_test_ymd_t cc_test_civil_from_days(int64_t days);

/* days plus n months, the day clamped to the end of the target month (31 Jan + 1 month = 28/29 Feb). */
int64_t cc_test_add_months(int64_t days, int n);

/* Today in UTC as days since 1970-01-01. */
int64_t cc_test_today_utc(void);

/* Writes days as YYYY-MM-DD. */
void cc_test_format_days(int64_t days, char out[16]);

#endif
