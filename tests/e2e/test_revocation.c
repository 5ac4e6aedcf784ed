/*
 * End-to-end tests of access-token revocation through the gateway: a user's
 * change reaches every service's memory by LISTEN/NOTIFY, so a token verified
 * and cached before the change stops working within a second, on identity
 * (/v1/me, /v1/users) and on scheduling (/v1/clients). Disabled: 401. New
 * password: the old token 401, a new login works. Demoted admin: admin routes
 * 403 while the token still works for what the new role may do. Each check
 * polls for at most a second and asserts the final answer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_test_http.h"
#include "cc_test_main.h"

#define PASSWORD "Revocation-test-password-42"
#define NEW_PASSWORD "Revocation-test-password-43"
#define POLL_STEP_US (50 * 1000)
#define POLL_STEPS 20 /* 20 x 50 ms: the one second the issue allows */

static const char *gateway(void)
{
    return cc_test_env("CC_TEST_GATEWAY_URL");
}

static cc_test_response_t *call(const char *access, const char *method, const char *path, const char *body)
{
    char *auth = cc_test_bearer(access);
    const char *headers[] = {auth, NULL};
    cc_test_response_t *resp = cc_test_http(method, gateway(), path, headers, body);
    free(auth);
    return resp;
}

static int status_of(const char *access, const char *method, const char *path, const char *body)
{
    cc_test_response_t *resp = call(access, method, path, body);
    int status = resp->status;
    cc_test_response_free(resp);
    return status;
}

/* Polls until the request answers want (at most a second); returns the last response. */
static cc_test_response_t *poll_for(const char *access, const char *method, const char *path,
                                    const char *body, int want)
{
    cc_test_response_t *resp = call(access, method, path, body);
    for (int i = 0; i < POLL_STEPS && resp->status != want; i++) {
        cc_test_response_free(resp);
        usleep(POLL_STEP_US);
        resp = call(access, method, path, body);
    }
    return resp;
}

static void admin_login(cc_test_tokens_t *admin)
{
    cc_test_login(gateway(), "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, admin);
}

/* Creates a user with role in northcert, logs them in; returns the caller-freed id. */
static char *new_user(const char *admin_access, const char *role, cc_test_tokens_t *tokens, char **email_out)
{
    char *email = cc_test_unique_email("revoke", "northcert");
    char *id = cc_test_create_user(gateway(), admin_access, email, role, NULL, PASSWORD);
    cc_test_login(gateway(), "northcert", email, PASSWORD, tokens);
    if (email_out != NULL)
        *email_out = email;
    else
        free(email);
    return id;
}

static void patch_user(const char *admin_access, const char *id, const char *body)
{
    char path[80];
    snprintf(path, sizeof(path), "/v1/users/%s", id);
    cc_test_response_t *resp = call(admin_access, "PATCH", path, body);
    cc_test_assert_json(resp, 200);
    cc_test_response_free(resp);
}

START_TEST(disabled_user_token_answers_401_everywhere)
{
    cc_test_tokens_t admin, user;
    admin_login(&admin);
    char *id = new_user(admin.access, "scheme_manager", &user, NULL);
    /* Both services have verified (and cached) the token. */
    ck_assert_int_eq(status_of(user.access, "GET", "/v1/me", NULL), 200);
    ck_assert_int_eq(status_of(user.access, "GET", "/v1/clients", NULL), 200);
    sleep(1); /* so the token's iat (whole seconds) is before the change, for the re-enable below */

    patch_user(admin.access, id, "{\"disabled\":true}");

    cc_test_response_t *resp = poll_for(user.access, "GET", "/v1/me", NULL, 401);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    resp = poll_for(user.access, "GET", "/v1/clients", NULL, 401);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);

    /* Enabled again, the old token stays refused: it was issued before the account was disabled. */
    patch_user(admin.access, id, "{\"disabled\":false}");
    usleep(200 * 1000);
    resp = call(user.access, "GET", "/v1/clients", NULL);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    free(id);
    cc_test_tokens_free(&user);
    cc_test_tokens_free(&admin);
}
END_TEST

START_TEST(new_password_ends_old_tokens_not_new_ones)
{
    cc_test_tokens_t admin, user, again;
    char *email = NULL;
    admin_login(&admin);
    char *id = new_user(admin.access, "auditor", &user, &email);
    ck_assert_int_eq(status_of(user.access, "GET", "/v1/clients", NULL), 200);
    sleep(1); /* so the old token's iat (whole seconds) is before the change */

    patch_user(admin.access, id, "{\"password\":\"" NEW_PASSWORD "\"}");

    cc_test_response_t *resp = poll_for(user.access, "GET", "/v1/clients", NULL, 401);
    cc_test_assert_problem(resp, 401, "unauthorized");
    cc_test_response_free(resp);
    cc_test_login(gateway(), "northcert", email, NEW_PASSWORD, &again);
    ck_assert_int_eq(status_of(again.access, "GET", "/v1/me", NULL), 200);
    ck_assert_int_eq(status_of(again.access, "GET", "/v1/clients", NULL), 200);
    free(id);
    free(email);
    cc_test_tokens_free(&again);
    cc_test_tokens_free(&user);
    cc_test_tokens_free(&admin);
}
END_TEST

START_TEST(demoted_admin_gets_403_on_admin_routes)
{
    cc_test_tokens_t admin, user;
    admin_login(&admin);
    char *id = new_user(admin.access, "admin", &user, NULL);
    ck_assert_int_eq(status_of(user.access, "GET", "/v1/users?limit=1", NULL), 200);
    ck_assert_int_ne(status_of(user.access, "POST", "/v1/clients", "{}"), 403);

    patch_user(admin.access, id, "{\"role\":\"auditor\"}");

    cc_test_response_t *resp = poll_for(user.access, "GET", "/v1/users?limit=1", NULL, 403);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    resp = poll_for(user.access, "POST", "/v1/clients", "{}", 403);
    cc_test_assert_problem(resp, 403, "forbidden");
    cc_test_response_free(resp);
    /* The token still works for what an auditor may do, and /v1/me shows the current role. */
    resp = call(user.access, "GET", "/v1/me", NULL);
    cc_test_assert_json(resp, 200);
    ck_assert_str_eq(cc_test_json_string(resp->json, "role"), "auditor");
    cc_test_response_free(resp);
    ck_assert_int_eq(status_of(user.access, "GET", "/v1/auditors?limit=1", NULL), 200);
    free(id);
    cc_test_tokens_free(&user);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("revocation");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, disabled_user_token_answers_401_everywhere);
    tcase_add_test(tc, new_password_ends_old_tokens_not_new_ones);
    tcase_add_test(tc, demoted_admin_gets_403_on_admin_routes);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
