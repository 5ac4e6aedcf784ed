/*
 * Integration test of the expiry job's safety with several instances (0019 cc_certificates_expire, issue 9
 * "safe with several instances running"): while another transaction holds some certificates locked, a run
 * (as cc_app) neither waits for them nor touches them and expires the others; once they are released, two
 * runs at once expire the rest; every certificate ends with exactly one `expired` history row, one
 * certificate.expired outbox row and one event. The certificates expire on today, so the service's own job
 * (run on today) leaves them alone and the test's runs name tomorrow. They live in a tenant of the test's
 * own (its client and programme are bare rows no API made). Needs DATABASE_URL (owner) and
 * CC_APP_DATABASE_URL.
 */
#include "cc_test_db.h"
#include "cc_test_http.h"
#include "cc_test_lifecycle.h"
#include "cc_test_main.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCERTS 10
#define TOMORROW "SELECT cc_certificates_expire(current_date + 1)"

static char *ids[NCERTS];
static char slug[40]; /* a tenant of the test's own, so no other test lists its rows */

/* The ids as a PostgreSQL array literal, of the first n; the caller frees. */
static char *id_array(int from, int n)
{
    char *out = cc_test_asprintf("{");
    for (int i = from; i < from + n; i++) {
        char *next = cc_test_asprintf("%s%s%s", out, i > from ? "," : "", ids[i]);
        free(out);
        out = next;
    }
    char *done = cc_test_asprintf("%s}", out);
    free(out);
    return done;
}

/* Owner SQL: how many of the n certificates from `from` are in status. */
static int count_status(int from, int n, const char *status)
{
    char *array = id_array(from, n);
    const char *params[] = {array, status};
    char *v = cc_test_lc_sql(slug,
                             "SELECT count(*)::text FROM certificates WHERE id = ANY ($1::uuid[]) "
                             "AND status = $2",
                             2, params);
    int count = atoi(v);
    free(v);
    free(array);
    return count;
}

static PGconn *app_connection(void)
{
    PGconn *db = cc_test_db_connect("CC_APP_DATABASE_URL");
    cc_test_db_run(db, "SET statement_timeout = '20s'", 0, NULL); /* a run that waited on a lock fails */
    return db;
}

/* Owner SQL: a new tenant named slug (RLS checks a new tenants row against app.tenant_id). */
static void make_tenant(const char *suffix)
{
    snprintf(slug, sizeof(slug), "expiry-race-%s", suffix);
    PGconn *db = cc_test_db_connect("DATABASE_URL");
    const char *params[] = {slug};
    cc_test_db_run(db, "SELECT set_config('app.tenant_id', gen_random_uuid()::text, false)", 0, NULL);
    cc_test_db_run(
        db, "INSERT INTO tenants (id, slug, name) VALUES (current_setting('app.tenant_id')::uuid, $1, $1)", 1,
        params);
    PQfinish(db);
}

static void make_certificates(void)
{
    char suffix[17];
    cc_test_random_suffix(suffix);
    make_tenant(suffix);
    char *name = cc_test_asprintf("Expiry race %s Ltd", suffix);
    const char *c_params[] = {name};
    char *client = cc_test_lc_sql(slug,
                                  "INSERT INTO clients (legal_name, street, city, country, personnel) "
                                  "VALUES ($1, '1 Road', 'Leeds', 'GB', 10) RETURNING id::text",
                                  1, c_params);
    const char *p_params[] = {client};
    char *programme =
        cc_test_lc_sql(slug,
                       "INSERT INTO programmes (client_id, standards, scope, expiry_date, audit_time) "
                       "VALUES ($1::uuid, ARRAY['ISO/IEC 27001:2022'], 'ISMS', current_date, '{}') "
                       "RETURNING id::text",
                       1, p_params);
    const char *none[] = {NULL};
    char *today = cc_test_lc_sql(slug, "SELECT current_date::text", 0, none);
    for (int i = 0; i < NCERTS; i++)
        ids[i] = cc_test_lc_certificate(slug, client, programme, "ISO27001:2022", "2024-01-01", today);
    free(today), free(programme), free(client), free(name);
}

START_TEST(test_several_instances)
{
    make_certificates();
    /* another instance (or a request) holds the first half */
    PGconn *holder = cc_test_db_connect("DATABASE_URL");
    const char *tenant[] = {slug};
    cc_test_db_run(holder, "BEGIN", 0, NULL);
    cc_test_db_run(holder,
                   "SELECT set_config('app.tenant_id', (SELECT id::text FROM tenants WHERE slug = $1), true)",
                   1, tenant);
    char *held = id_array(0, NCERTS / 2);
    const char *lock[] = {held};
    cc_test_db_run(holder, "SELECT id FROM certificates WHERE id = ANY ($1::uuid[]) FOR UPDATE", 1, lock);
    PGconn *one = app_connection();
    char *n = cc_test_db_value(one, TOMORROW, 0, NULL); /* returns: it does not wait for the held rows */
    ck_assert_int_ge(atoi(n), NCERTS / 2);
    free(n);
    ck_assert_int_eq(count_status(NCERTS / 2, NCERTS / 2, "expired"), NCERTS / 2);
    ck_assert_int_eq(count_status(0, NCERTS / 2, "active"), NCERTS / 2);
    cc_test_db_run(holder, "COMMIT", 0, NULL);

    /* two runs at once: each certificate expires once */
    PGconn *two = app_connection();
    ck_assert_int_eq(PQsendQuery(one, TOMORROW), 1);
    ck_assert_int_eq(PQsendQuery(two, TOMORROW), 1);
    int total = 0;
    PGconn *both[] = {one, two};
    for (int k = 0; k < 2; k++) {
        PGresult *res;
        while ((res = PQgetResult(both[k])) != NULL) {
            ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "run %d: %s", k, PQresultErrorMessage(res));
            total += atoi(PQgetvalue(res, 0, 0));
            PQclear(res);
        }
    }
    ck_assert_int_ge(total, NCERTS / 2);
    ck_assert_int_eq(count_status(0, NCERTS, "expired"), NCERTS);

    char *all = id_array(0, NCERTS);
    const char *params[] = {all};
    char *records = cc_test_lc_sql(
        slug,
        "SELECT (SELECT count(*) FROM certificate_history WHERE certificate_id = ANY ($1::uuid[]) "
        "AND action = 'expired') || '/' || (SELECT count(*) FROM certificate_outbox WHERE certificate_id = "
        "ANY "
        "($1::uuid[]) AND event_type = 'certificate.expired') || '/' || (SELECT count(*) FROM event_log "
        "WHERE "
        "entity_id = ANY ($1::uuid[]) AND action = 'certificate.expired')",
        1, params);
    char *want = cc_test_asprintf("%d/%d/%d", NCERTS, NCERTS, NCERTS);
    ck_assert_str_eq(records, want);
    free(want), free(records), free(all), free(held);
    PQfinish(one);
    PQfinish(two);
    PQfinish(holder);
    for (int i = 0; i < NCERTS; i++)
        free(ids[i]);
}
END_TEST

static Suite *race_suite(void)
{
    Suite *s = suite_create("certificate_expiry_race");
    TCase *tc = tcase_create("race");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_several_instances);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(race_suite());
}
