/*
 * Signing-key rotation as an operator does it with the CLI: after
 * `certcycle keys rotate` new tokens carry the new kid while tokens signed by
 * the previous key stay valid; after `certcycle keys delete` of the previous
 * key its tokens answer 401. Services reload keys every CC_KEYS_REFRESH
 * seconds, so the test polls (bounded) for each change instead of sleeping a
 * fixed time. Needs CC_BIN_DIR, DATABASE_URL, CC_MASTER_KEY, CC_TEST_IDENTITY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_crypto.h"
#include "cc_test_http.h"

#define POLL_ROUNDS 150 /* x 200 ms: well beyond the test deployment's key refresh */

/* Runs `certcycle <args>`, asserting exit 0; returns its first output line (caller frees). */
static char *cli(const char *args)
{
    char cmd[512], line[256] = "";
    snprintf(cmd, sizeof(cmd), "'%s/certcycle' %s 2>&1", cc_test_env("CC_BIN_DIR"), args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    if (fgets(line, sizeof(line), p) == NULL)
        line[0] = '\0';
    char rest[256];
    while (fgets(rest, sizeof(rest), p) != NULL)
        ;
    int status = pclose(p);
    ck_assert_msg(status == 0, "certcycle %s failed: %s", args, line);
    line[strcspn(line, "\n")] = '\0';
    return strdup(line);
}

/* The kid in a JWT's header. */
static char *token_kid(const char *token)
{
    const char *dot = strchr(token, '.');
    ck_assert_ptr_nonnull(dot);
    uint8_t *header = NULL;
    size_t len = 0;
    ck_assert_int_eq(cc_base64url_decode(token, (size_t)(dot - token), &header, &len), 0);
    json_t *h = json_loadb((const char *)header, len, 0, NULL);
    ck_assert_ptr_nonnull(h);
    char *kid = strdup(json_string_value(json_object_get(h, "kid")));
    json_decref(h);
    free(header);
    return kid;
}

static int me_status(const char *base, const char *access)
{
    char *auth = cc_test_bearer(access);
    const char *headers[] = {auth, NULL};
    cc_test_request_t req = {"GET", base, "/v1/me", headers, NULL, 0, 0, NULL, NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    ck_assert_msg(resp != NULL, "GET /v1/me failed: %s", error);
    int status = resp->status;
    cc_test_response_free(resp);
    free(auth);
    return status;
}

START_TEST(rotation_keeps_old_tokens_until_the_key_is_deleted)
{
    const char *base = cc_test_env("CC_TEST_IDENTITY_URL");
    cc_test_tokens_t before, after;
    cc_test_login(base, "southcert", "auditor1@southcert.example", CC_TEST_DEMO_PASSWORD, &before);
    char *old_kid = token_kid(before.access);

    free(cli("keys rotate"));

    /* New logins switch to the new key once the service has reloaded. */
    char *new_kid = NULL;
    for (int i = 0; i < POLL_ROUNDS; i++) {
        cc_test_login(base, "southcert", "auditor1@southcert.example", CC_TEST_DEMO_PASSWORD, &after);
        new_kid = token_kid(after.access);
        if (strcmp(new_kid, old_kid) != 0)
            break;
        free(new_kid);
        new_kid = NULL;
        cc_test_tokens_free(&after);
        usleep(200 * 1000);
    }
    ck_assert_msg(new_kid != NULL, "new tokens are still signed by %s after the rotation", old_kid);

    /* Both keys verify: the token issued before the rotation still works. */
    ck_assert_int_eq(me_status(base, before.access), 200);
    ck_assert_int_eq(me_status(base, after.access), 200);

    char args[128];
    snprintf(args, sizeof(args), "keys delete --kid %s", old_kid);
    free(cli(args));

    int status = 200;
    for (int i = 0; i < POLL_ROUNDS && status == 200; i++) {
        status = me_status(base, before.access);
        if (status == 200)
            usleep(200 * 1000);
    }
    ck_assert_msg(status == 401, "a token of the deleted key %s still answers %d", old_kid, status);
    ck_assert_int_eq(me_status(base, after.access), 200);

    free(old_kid);
    free(new_kid);
    cc_test_tokens_free(&before);
    cc_test_tokens_free(&after);
}
END_TEST

START_TEST(the_active_key_cannot_be_deleted)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "'%s/certcycle' keys list", cc_test_env("CC_BIN_DIR"));
    FILE *p = popen(cmd, "r");
    char line[256], active[128] = "";
    while (fgets(line, sizeof(line), p) != NULL)
        if (strstr(line, "\tactive\t") != NULL)
            sscanf(line, "%127s", active);
    pclose(p);
    ck_assert_msg(active[0] != '\0', "no active key listed");
    snprintf(cmd, sizeof(cmd), "'%s/certcycle' keys delete --kid %s >/dev/null 2>&1",
             cc_test_env("CC_BIN_DIR"), active);
    ck_assert_int_ne(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("key_rotation");
    TCase *tc = tcase_create("rotation");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rotation_keeps_old_tokens_until_the_key_is_deleted);
    tcase_add_test(tc, the_active_key_cannot_be_deleted);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
