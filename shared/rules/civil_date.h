/*
 * Civil dates: days in the proleptic Gregorian calendar with no time zone, their
 * arithmetic, "YYYY-MM-DD" parsing and formatting, and today's date in UTC (the one
 * clock every service reads "today" from). Part of libccrules: no I/O, no
 * allocation. Dates convert to a day count with Howard Hinnant's days_from_civil
 * algorithm. Month arithmetic clamps to the end of the month (31 Jan + 1 month =
 * 28/29 Feb), and each addition is computed from the original date.
 */
#ifndef CIVIL_DATE_H
#define CIVIL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A date in the proleptic Gregorian calendar, no time zone. Valid years: 1..9999. */
typedef struct {
    int year;
    int month; /* 1..12 */
    int day;   /* 1..days in month */
} civil_date_t;

/* Bytes needed by civil_date_format(): "YYYY-MM-DD" and the NUL. */
#define CIVIL_DATE_BUFSIZE 11

/* True when year is a Gregorian leap year (divisible by 4, except centuries not divisible by 400). */
bool civil_date_is_leap_year(int year);

/* Days in month (1..12) of year; 0 for a month out of range. */
int civil_date_days_in_month(int year, int month);

/* True when d names a real day with a year in 1..9999. */
bool civil_date_is_valid(civil_date_t d);

/* Builds a date from its parts; does not validate (see civil_date_is_valid()). */
civil_date_t civil_date_make(int year, int month, int day);

/*
 * Days since 1970-01-01 (negative before it); Hinnant's days_from_civil. d must have a
 * month in 1..12; any year, and days out of range, are arithmetic (2025-01-32 is 1 Feb).
 */
int64_t civil_date_to_days(civil_date_t d);

/* The date days after 1970-01-01; Hinnant's civil_from_days. Inverse of civil_date_to_days(). */
civil_date_t civil_date_from_days(int64_t days);

/*
 * Parses exactly "YYYY-MM-DD" (four, two, two ASCII digits, nothing before or after)
 * into *out. Returns 0, or -1 (and leaves *out alone) for NULL, any other shape, or a
 * date that does not exist (2025-02-29, 2025-13-01, 0000-01-01).
 */
int civil_date_parse(const char *s, civil_date_t *out);

/* As civil_date_parse() for the len bytes at s (not NUL-terminated, e.g. a JSON string). */
int civil_date_parse_n(const char *s, size_t len, civil_date_t *out);

/*
 * Writes d as "YYYY-MM-DD" and a NUL into buf (CIVIL_DATE_BUFSIZE bytes). Returns 0, or
 * -1 for an invalid date (then buf holds the empty string).
 */
int civil_date_format(civil_date_t d, char buf[CIVIL_DATE_BUFSIZE]);

/* d plus n days (n may be negative). */
civil_date_t civil_date_add_days(civil_date_t d, int64_t n);

/*
 * d plus n months (n may be negative), the day clamped to the end of the target month:
 * 2025-01-31 + 1 = 2025-02-28, 2024-02-29 + 12 = 2025-02-28, + 48 = 2028-02-29.
 */
civil_date_t civil_date_add_months(civil_date_t d, int n);

/* d plus n years (n may be negative): civil_date_add_months(d, 12 * n), so 29 Feb clamps to 28 Feb. */
civil_date_t civil_date_add_years(civil_date_t d, int n);

/* Negative, 0 or positive as a is before, the same day as, or after b. */
int civil_date_compare(civil_date_t a, civil_date_t b);

/* Days from a to b (b - a): positive when b is later. */
int64_t civil_date_days_between(civil_date_t a, civil_date_t b);

/* The earlier / later of a and b. */
civil_date_t civil_date_min(civil_date_t a, civil_date_t b);
civil_date_t civil_date_max(civil_date_t a, civil_date_t b);

/*
 * The UTC date of unix_seconds (seconds since 1970-01-01T00:00:00Z, negative before):
 * pure, so "today" can be tested for any instant.
 */
civil_date_t civil_date_from_unix(int64_t unix_seconds);

/* Today's date in UTC, read from the system's real-time clock. */
civil_date_t civil_date_today_utc(void);

#endif
