/*
 * The CLI never takes a password on its command line (every local user can
 * read it in ps and /proc, and shells keep it in their history): `certcycle
 * user create` and `tenant create` refuse --password / --admin-password with
 * a message saying where to give it instead, take it as one line of standard
 * input or from CC_PASSWORD, and the user so created logs in with it. Needs
 * CC_BIN_DIR, DATABASE_URL (the CLI's owner connection) and
 * CC_TEST_IDENTITY_URL.
 */
#include "cc_mem.h"
#include "cc_test_http.h"
#include "cc_test_main.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PASSWORD "cli-password-from-stdin-1"

/*
 * Runs `certcycle <args>` with input (or nothing: /dev/null) on its standard
 * input; returns its exit status, its output (stdout and stderr) in *output.
 */
static int run_cli(const char *args, const char *input, char **output)
{
    const char *bin_dir = cc_test_env("CC_BIN_DIR");
    (void)cc_test_env("DATABASE_URL");
    ck_assert_msg(strchr(bin_dir, '\'') == NULL, "CC_BIN_DIR contains a quote");
    char out_path[] = "/tmp/cc-cli-output-XXXXXX";
    int fd = mkstemp(out_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char *cmd = NULL;
    if (asprintf(&cmd, "'%s/certcycle' %s >'%s' 2>&1%s", bin_dir, args, out_path,
                 input == NULL ? " </dev/null" : "") < 0)
        abort();
    FILE *p = popen(cmd, "w");
    ck_assert_msg(p != NULL, "could not run %s", cmd);
    if (input != NULL)
        fputs(input, p);
    int status = pclose(p);
    ck_assert_msg(status != -1 && WIFEXITED(status), "certcycle %s did not exit normally", args);
    FILE *f = fopen(out_path, "r");
    ck_assert_ptr_nonnull(f);
    char *out = cc_calloc(1, 8192);
    size_t n = fread(out, 1, 8191, f);
    out[n] = '\0';
    fclose(f);
    unlink(out_path);
    free(cmd);
    *output = out;
    return WEXITSTATUS(status);
}

static char *user_args(const char *email, const char *extra)
{
    char *args = NULL;
    if (asprintf(&args, "user create --tenant northcert --email %s --name 'CLI user' --role auditor%s", email,
                 extra) < 0)
        abort();
    return args;
}

START_TEST(test_password_flags_are_refused)
{
    char *email = cc_test_unique_email("cliflag", "northcert");
    char *args = user_args(email, " --password " PASSWORD);
    char *out = NULL;
    int rc = run_cli(args, PASSWORD "\n", &out);
    ck_assert_msg(rc == 2, "user create --password exited %d: %s", rc, out);
    ck_assert_msg(strstr(out, "--password is refused") != NULL && strstr(out, "standard input") != NULL &&
                      strstr(out, "CC_PASSWORD") != NULL,
                  "the refusal does not say where the password goes: %s", out);
    free(out);
    free(args);

    char slug[64], suffix[17];
    cc_test_random_suffix(suffix);
    snprintf(slug, sizeof(slug), "cliflag-%s", suffix);
    if (asprintf(&args,
                 "tenant create --slug %s --name 'Flag CB' --admin-email admin@%s.example "
                 "--admin-password " PASSWORD,
                 slug, slug) < 0)
        abort();
    rc = run_cli(args, NULL, &out);
    ck_assert_msg(rc == 2, "tenant create --admin-password exited %d: %s", rc, out);
    ck_assert_msg(strstr(out, "--admin-password is refused") != NULL, "no refusal: %s", out);
    free(out);
    free(args);

    /* Refused means nothing was created: the address does not log in. */
    json_t *body = json_pack("{s:s, s:s, s:s}", "tenant", "northcert", "email", email, "password", PASSWORD);
    cc_test_response_t *resp =
        cc_test_http_json("POST", cc_test_env("CC_TEST_IDENTITY_URL"), "/v1/auth/login", NULL, body);
    cc_test_assert_problem(resp, 401, "invalid_credentials");
    cc_test_response_free(resp);
    json_decref(body);
    free(email);
}
END_TEST

START_TEST(test_password_from_stdin)
{
    char *email = cc_test_unique_email("clistdin", "northcert");
    char *args = user_args(email, "");
    char *out = NULL;
    unsetenv("CC_PASSWORD");
    int rc = run_cli(args, PASSWORD "\n", &out);
    ck_assert_msg(rc == 0, "user create with the password on stdin exited %d: %s", rc, out);
    ck_assert_msg(strstr(out, PASSWORD) == NULL, "the password was echoed: %s", out);
    free(out);
    cc_test_tokens_t tokens;
    cc_test_login(cc_test_env("CC_TEST_IDENTITY_URL"), "northcert", email, PASSWORD, &tokens);
    cc_test_tokens_free(&tokens);
    free(args);
    free(email);
}
END_TEST

START_TEST(test_password_from_environment)
{
    char *email = cc_test_unique_email("clienv", "northcert");
    char *args = user_args(email, "");
    char *out = NULL;
    setenv("CC_PASSWORD", PASSWORD, 1);
    int rc = run_cli(args, NULL, &out);
    unsetenv("CC_PASSWORD");
    ck_assert_msg(rc == 0, "user create with CC_PASSWORD exited %d: %s", rc, out);
    free(out);
    cc_test_tokens_t tokens;
    cc_test_login(cc_test_env("CC_TEST_IDENTITY_URL"), "northcert", email, PASSWORD, &tokens);
    cc_test_tokens_free(&tokens);
    free(args);
    free(email);
}
END_TEST

START_TEST(test_no_password_at_all)
{
    char *email = cc_test_unique_email("clinone", "northcert");
    char *args = user_args(email, "");
    char *out = NULL;
    unsetenv("CC_PASSWORD");
    int rc = run_cli(args, NULL, &out);
    ck_assert_msg(rc == 2, "user create without a password exited %d: %s", rc, out);
    ck_assert_msg(strstr(out, "no password") != NULL, "no explanation: %s", out);
    free(out);
    free(args);
    free(email);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli_password");
    TCase *tc = tcase_create("cli_password");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_password_flags_are_refused);
    tcase_add_test(tc, test_password_from_stdin);
    tcase_add_test(tc, test_password_from_environment);
    tcase_add_test(tc, test_no_password_at_all);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
