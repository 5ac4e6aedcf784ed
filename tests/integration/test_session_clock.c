/*
 * One clock: every connection the services open (cc_db_connect, blocking
 * and async alike) runs in UTC, so SQL's current_date is C's "today" whatever
 * the server's time zone. Proved with a URL that asks for Pacific/Kiritimati
 * (UTC+14, a different date for most of the UTC day): a plain libpq
 * connection gets that zone, cc_db_connect's gets UTC and today's UTC date.
 * (deploy/test --sanitize also runs the whole suite against a cluster in that
 * zone.) Needs CC_APP_DATABASE_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_db.h"
#include "cc_test_http.h"

#define FAR_ZONE "Pacific/Kiritimati"

static char *value(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(pg));
    char *v = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return v;
}

START_TEST(connections_run_in_utc)
{
    const char *app = cc_test_env("CC_APP_DATABASE_URL");
    char url[512];
    snprintf(url, sizeof(url), "%s%soptions=-c%%20TimeZone%%3D%s", app, strchr(app, '?') != NULL ? "&" : "?",
             FAR_ZONE);

    PGconn *plain = PQconnectdb(url);
    ck_assert_msg(PQstatus(plain) == CONNECTION_OK, "%s", PQerrorMessage(plain));
    char *zone = value(plain, "SHOW TimeZone");
    ck_assert_str_eq(zone, FAR_ZONE); /* the premise: the URL's zone takes effect */
    free(zone);
    PQfinish(plain);

    PGconn *pg = cc_db_connect(url);
    ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "%s", PQerrorMessage(pg));
    zone = value(pg, "SHOW TimeZone");
    ck_assert_str_eq(zone, "UTC");
    free(zone);
    /* current_date is the UTC date; compared in SQL so that midnight cannot fall between two clocks */
    char *same = value(pg, "SELECT (current_date = (now() AT TIME ZONE 'UTC')::date)::text");
    ck_assert_str_eq(same, "true");
    free(same);
    char *rendered = value(pg, "SELECT to_char(timestamptz '2026-01-01 12:00:00+00', 'YYYY-MM-DD HH24:MI')");
    ck_assert_str_eq(rendered, "2026-01-01 12:00");
    free(rendered);
    PQfinish(pg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("session_clock");
    TCase *tc = tcase_create("utc");
    tcase_add_test(tc, connections_run_in_utc);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
