/*
 * Integration test of the event log's SHA-256 chain. The test makes a tenant
 * of its own (so it breaks no chain another test relies on, in any order):
 * after a login appends events, `certcycle eventlog verify` succeeds; after a
 * superuser edits one row (the append-only trigger switched off and on again
 * inside one transaction) it fails with exit 1 and names that row's seq,
 * while northcert's chain still verifies. Needs CC_BIN_DIR, DATABASE_URL (the
 * CLI's owner connection), CC_TEST_PG_SUPERUSER_URL and CC_TEST_IDENTITY_URL.
 */
#include "cc_mem.h"
#include "cc_test_db.h"
#include "cc_test_http.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Runs `certcycle <args>`; returns its exit status and its output in *output. */
static int run_cli(const char *args, char **output)
{
    const char *bin_dir = cc_test_env("CC_BIN_DIR");
    (void)cc_test_env("DATABASE_URL"); /* the CLI's connection */
    ck_assert_msg(strchr(bin_dir, '\'') == NULL, "CC_BIN_DIR contains a quote");
    char *cmd = NULL;
    if (asprintf(&cmd, "'%s/certcycle' %s 2>&1", bin_dir, args) < 0)
        abort();
    FILE *p = popen(cmd, "r");
    ck_assert_msg(p != NULL, "could not run %s", cmd);
    size_t len = 0, cap = 4096;
    char *out = cc_malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 1024) {
            cap *= 2;
            out = cc_realloc(out, cap);
        }
    }
    out[len] = '\0';
    int status = pclose(p);
    free(cmd);
    ck_assert_msg(status != -1 && WIFEXITED(status), "certcycle %s did not exit normally: %s", args, out);
    *output = out;
    return WEXITSTATUS(status);
}

static int run_verify(const char *slug, char **output)
{
    char args[128];
    snprintf(args, sizeof(args), "eventlog verify --tenant %s", slug);
    return run_cli(args, output);
}

/* True when text contains number as a whole token (not inside a longer run of digits). */
static bool mentions_number(const char *text, const char *number)
{
    size_t n = strlen(number);
    for (const char *p = strstr(text, number); p != NULL; p = strstr(p + 1, number)) {
        bool before_ok = p == text || !isdigit((unsigned char)p[-1]);
        bool after_ok = !isdigit((unsigned char)p[n]);
        if (before_ok && after_ok)
            return true;
    }
    return false;
}

START_TEST(test_verify_detects_edited_row)
{
    const char *identity = cc_test_env("CC_TEST_IDENTITY_URL");

    /* A tenant of this test's own; creating it and logging in append events. */
    char slug[64], email[96], args[256], suffix[17];
    cc_test_random_suffix(suffix);
    snprintf(slug, sizeof(slug), "evlog-%s", suffix);
    snprintf(email, sizeof(email), "admin@%s.example", slug);
    snprintf(args, sizeof(args), "tenant create --slug %s --name 'Event Log Test CB' --admin-email %s", slug,
             email);
    char *out = NULL;
    setenv("CC_PASSWORD", CC_TEST_DEMO_PASSWORD, 1); /* never on the command line */
    int rc = run_cli(args, &out);
    unsetenv("CC_PASSWORD");
    ck_assert_msg(rc == 0, "certcycle tenant create exited %d: %s", rc, out);
    free(out);
    cc_test_tokens_t tokens, north;
    cc_test_login(identity, slug, email, CC_TEST_DEMO_PASSWORD, &tokens);
    cc_test_login(identity, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &north);
    cc_test_tokens_free(&tokens);
    cc_test_tokens_free(&north);

    rc = run_verify(slug, &out);
    ck_assert_msg(rc == 0, "verify of an intact chain exited %d: %s", rc, out);
    ck_assert_msg(strstr(out, "ok") != NULL, "verify did not say ok: %s", out);
    free(out);

    /* As the superuser: tamper with the test tenant's newest event inside one transaction. */
    PGconn *su = cc_test_db_connect("CC_TEST_PG_SUPERUSER_URL");
    cc_test_db_run(su, "BEGIN", 0, NULL);
    const char *sp[] = {slug};
    char *tenant_id = cc_test_db_value(su, "SELECT cc_tenant_id($1)::text", 1, sp);
    ck_assert_msg(tenant_id != NULL, "no tenant %s", slug);
    const char *tp[] = {tenant_id};
    cc_test_db_run(su, "SELECT set_config('app.tenant_id', $1, true)", 1, tp);
    char *seq =
        cc_test_db_value(su, "SELECT max(seq)::text FROM event_log WHERE tenant_id = $1::uuid", 1, tp);
    ck_assert_msg(seq != NULL, "the tenant has no events after a login");
    cc_test_db_run(su, "ALTER TABLE event_log DISABLE TRIGGER USER", 0, NULL);
    const char *up[] = {tenant_id, seq};
    PGresult *res = cc_test_db_exec(su,
                                    "UPDATE event_log SET detail = detail || '{\"tampered\": true}'::jsonb "
                                    "WHERE tenant_id = $1::uuid AND seq = $2::bigint",
                                    2, up);
    ck_assert_str_eq(PQcmdTuples(res), "1");
    PQclear(res);
    cc_test_db_run(su, "ALTER TABLE event_log ENABLE TRIGGER USER", 0, NULL);
    cc_test_db_run(su, "COMMIT", 0, NULL);

    /* The append-only trigger is back: even the owner cannot edit a row now. */
    PGconn *owner = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(owner, "BEGIN", 0, NULL);
    cc_test_db_run(owner, "SELECT set_config('app.tenant_id', $1, true)", 1, tp);
    res = PQexecParams(owner,
                       "UPDATE event_log SET detail = '{}' WHERE tenant_id = $1::uuid AND seq = $2::bigint",
                       2, NULL, up, NULL, NULL, 0);
    ck_assert_msg(PQresultStatus(res) == PGRES_FATAL_ERROR,
                  "the owner could update event_log after re-enabling");
    PQclear(res);
    cc_test_db_run(owner, "ROLLBACK", 0, NULL);
    PQfinish(owner);
    PQfinish(su);

    rc = run_verify(slug, &out);
    ck_assert_msg(rc == 1, "verify of an edited chain exited %d (want 1): %s", rc, out);
    ck_assert_msg(mentions_number(out, seq), "verify output does not name seq %s: %s", seq, out);
    free(out);

    rc = run_verify("northcert", &out);
    ck_assert_msg(rc == 0, "northcert's chain no longer verifies (exit %d): %s", rc, out);
    free(out);

    free(seq);
    free(tenant_id);
}
END_TEST

static Suite *eventlog_suite(void)
{
    Suite *s = suite_create("eventlog");
    TCase *tc = tcase_create("chain");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_verify_detects_edited_row);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(eventlog_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
