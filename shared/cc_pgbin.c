/*
 * PostgreSQL binary values as the API's text; see cc_pgbin.h. Big-endian on the wire (the server's send
 * functions: uuid_send, date_send, timestamptz_send, int4send, boolsend).
 */
#include "cc_pgbin.h"

#include "civil_date.h"

/* 2000-01-01, PostgreSQL's epoch, in days since 1970-01-01 (civil_date's). */
#define PG_EPOCH_DAYS 10957
#define USECS_PER_DAY 86400000000LL

static uint64_t be(const char *v, int n)
{
    uint64_t x = 0;
    for (int i = 0; i < n; i++)
        x = (x << 8) | (unsigned char)v[i];
    return x;
}

bool cc_pgbin_types_ok(const PGresult *res, const unsigned *types, int n)
{
    if (PQnfields(res) < n)
        return false;
    for (int i = 0; i < n; i++)
        if (PQftype(res, i) != types[i] || PQfformat(res, i) != 1)
            return false;
    return true;
}

int cc_pgbin_uuid(const char *v, int len, char out[CC_PGBIN_UUID_BUFSIZE])
{
    static const char hex[] = "0123456789abcdef";
    out[0] = '\0';
    if (len != 16)
        return -1;
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        unsigned char b = (unsigned char)v[i];
        *p++ = hex[b >> 4];
        *p++ = hex[b & 0xf];
    }
    *p = '\0';
    return 0;
}

/* Days since 2000-01-01 as YYYY-MM-DD into out (at least CIVIL_DATE_BUFSIZE). */
static int format_days(int64_t days, char *out)
{
    return civil_date_format(civil_date_from_days(days + PG_EPOCH_DAYS), out);
}

int cc_pgbin_date(const char *v, int len, char out[CC_PGBIN_DATE_BUFSIZE])
{
    out[0] = '\0';
    if (len != 4)
        return -1;
    int32_t days = (int32_t)(uint32_t)be(v, 4);
    if (days == INT32_MIN || days == INT32_MAX) /* -infinity, infinity */
        return -1;
    return format_days(days, out);
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

int cc_pgbin_timestamptz(const char *v, int len, char out[CC_PGBIN_TS_BUFSIZE])
{
    out[0] = '\0';
    if (len != 8)
        return -1;
    int64_t us = (int64_t)be(v, 8);
    if (us == INT64_MIN || us == INT64_MAX) /* -infinity, infinity */
        return -1;
    int64_t days = us / USECS_PER_DAY, rem = us % USECS_PER_DAY;
    if (rem < 0) { /* before 2000: floor, so the time of day stays positive */
        days -= 1;
        rem += USECS_PER_DAY;
    }
    if (format_days(days, out) != 0)
        return -1;
    int64_t secs = rem / 1000000;
    int ms = (int)(rem % 1000000 / 1000);
    out[10] = 'T';
    put2(out + 11, (int)(secs / 3600));
    out[13] = ':';
    put2(out + 14, (int)(secs / 60 % 60));
    out[16] = ':';
    put2(out + 17, (int)(secs % 60));
    out[19] = '.';
    out[20] = (char)('0' + ms / 100);
    put2(out + 21, ms % 100);
    out[23] = 'Z';
    out[24] = '\0';
    return 0;
}

int32_t cc_pgbin_int4(const char *v)
{
    return (int32_t)(uint32_t)be(v, 4);
}

bool cc_pgbin_bool(const char *v)
{
    return v[0] != 0;
}
