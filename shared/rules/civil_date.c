/*
 * Civil dates: see civil_date.h. Pure arithmetic, plus the one read of the
 * real-time clock that "today" needs.
 */
#include "civil_date.h"

#include <string.h>
#include <time.h>

bool civil_date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int civil_date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && civil_date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

bool civil_date_is_valid(civil_date_t d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= civil_date_days_in_month(d.year, d.month);
}

civil_date_t civil_date_make(int year, int month, int day)
{
    civil_date_t d = {year, month, day};
    return d;
}

/* Floor division and modulo for a positive divisor. */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t civil_date_to_days(civil_date_t d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                                         /* [0, 399] */
    int64_t doy = (153 * (d.month > 2 ? d.month - 3 : d.month + 9) + 2) / 5 + d.day - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                                 /* [0, 146096] */

    return era * 146097 + doe - 719468;
}

civil_date_t civil_date_from_days(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    civil_date_t d;

    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

static int parse_digits(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int civil_date_parse_n(const char *s, size_t len, civil_date_t *out)
{
    civil_date_t d;

    if (s == NULL || out == NULL || len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    d.year = parse_digits(s, 4);
    d.month = parse_digits(s + 5, 2);
    d.day = parse_digits(s + 8, 2);
    if (d.year < 0 || d.month < 0 || d.day < 0 || !civil_date_is_valid(d))
        return -1;
    *out = d;
    return 0;
}

int civil_date_parse(const char *s, civil_date_t *out)
{
    if (s == NULL)
        return -1;
    return civil_date_parse_n(s, strlen(s), out);
}

static void put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

int civil_date_format(civil_date_t d, char buf[CIVIL_DATE_BUFSIZE])
{
    if (!civil_date_is_valid(d)) {
        buf[0] = '\0';
        return -1;
    }
    put_digits(buf, d.year, 4);
    buf[4] = '-';
    put_digits(buf + 5, d.month, 2);
    buf[7] = '-';
    put_digits(buf + 8, d.day, 2);
    buf[10] = '\0';
    return 0;
}

civil_date_t civil_date_add_days(civil_date_t d, int64_t n)
{
    return civil_date_from_days(civil_date_to_days(d) + n);
}

civil_date_t civil_date_add_months(civil_date_t d, int n)
{
    int64_t total = (int64_t)d.year * 12 + (d.month - 1) + n;
    civil_date_t r;
    int last;

    r.year = (int)floor_div(total, 12);
    r.month = (int)(total - (int64_t)r.year * 12) + 1;
    last = civil_date_days_in_month(r.year, r.month);
    r.day = d.day > last ? last : d.day;
    return r;
}

civil_date_t civil_date_add_years(civil_date_t d, int n)
{
    return civil_date_add_months(d, 12 * n);
}

int civil_date_compare(civil_date_t a, civil_date_t b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

int64_t civil_date_days_between(civil_date_t a, civil_date_t b)
{
    return civil_date_to_days(b) - civil_date_to_days(a);
}

civil_date_t civil_date_min(civil_date_t a, civil_date_t b)
{
    return civil_date_compare(a, b) <= 0 ? a : b;
}

civil_date_t civil_date_max(civil_date_t a, civil_date_t b)
{
    return civil_date_compare(a, b) >= 0 ? a : b;
}

/* Floor division of seconds into days, so instants before 1970 fall on the right day. */
civil_date_t civil_date_from_unix(int64_t unix_seconds)
{
    return civil_date_from_days(floor_div(unix_seconds, 86400));
}

civil_date_t civil_date_today_utc(void)
{
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    return civil_date_from_unix((int64_t)now.tv_sec);
}
