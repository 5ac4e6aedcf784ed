/*
 * Calendar arithmetic for tests; see cc_test_dates.h.
 */
#include "cc_test_dates.h"

#include <stdio.h>
#include <time.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cc_test_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int64_t cc_test_days_from_civil(cc_test_ymd_t c)
{
    int64_t y = c.m <= 2 ? c.y - 1 : c.y;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = c.m > 2 ? c.m - 3 : c.m + 9;
    int64_t doy = (153 * mp + 2) / 5 + c.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

cc_test_ymd_t cc_test_civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2));
    return (cc_test_ymd_t){y, m, d};
}

int64_t cc_test_add_months(int64_t days, int n)
{
    cc_test_ymd_t c = cc_test_civil_from_days(days);
    int total = c.y * 12 + (c.m - 1) + n;
    cc_test_ymd_t r = {total / 12, total % 12 + 1, 0};
    int dim = cc_test_days_in_month(r.y, r.m);
    r.d = c.d < dim ? c.d : dim;
    return cc_test_days_from_civil(r);
}

int64_t cc_test_today_utc(void)
{
    return (int64_t)time(NULL) / 86400;
}

void cc_test_format_days(int64_t days, char out[16])
{
    cc_test_ymd_t c = cc_test_civil_from_days(days);
    snprintf(out, 16, "%04d-%02d-%02d", c.y, c.m, c.d);
}
