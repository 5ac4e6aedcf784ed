/*
 * The lockout holds under parallel guessing: of twelve wrong passwords sent at
 * once for one account exactly five are answered 401 (each counted one after
 * another; the fifth failure locks the account), every other attempt answers
 * 429 account_locked, and the right password is then refused too. (A
 * check-then-count login once let every parallel guess through.) Needs
 * CC_TEST_GATEWAY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_http.h"

#define GUESSES 12

typedef struct guess {
    const char *base;
    const char *body;
    int status;
    char code[64];
} guess_t;

static void *send_guess(void *arg)
{
    guess_t *g = arg;
    cc_test_request_t req = {"POST", g->base, "/v1/auth/login", NULL, g->body, 0, 0, NULL, NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    g->status = resp != NULL ? resp->status : -1;
    if (resp != NULL && resp->json != NULL)
        snprintf(g->code, sizeof(g->code), "%s", cc_test_json_string(resp->json, "code"));
    cc_test_response_free(resp);
    free(error);
    return NULL;
}

START_TEST(parallel_guesses_cannot_outrun_the_lockout)
{
    const char *base = cc_test_env("CC_TEST_GATEWAY_URL");
    cc_test_tokens_t admin;
    cc_test_login(base, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *email = cc_test_unique_email("race", "northcert");
    char *id = cc_test_create_user(base, admin.access, email, "auditor", NULL, "race-password-123");

    char wrong[256], right[256];
    snprintf(wrong, sizeof(wrong),
             "{\"tenant\":\"northcert\",\"email\":\"%s\",\"password\":\"not-the-password\"}", email);
    snprintf(right, sizeof(right),
             "{\"tenant\":\"northcert\",\"email\":\"%s\",\"password\":\"race-password-123\"}", email);
    guess_t guesses[GUESSES];
    pthread_t threads[GUESSES];
    for (int i = 0; i < GUESSES; i++) {
        guesses[i] = (guess_t){base, wrong, 0, ""};
        pthread_create(&threads[i], NULL, send_guess, &guesses[i]);
    }
    int unauthorized = 0, locked = 0;
    for (int i = 0; i < GUESSES; i++) {
        pthread_join(threads[i], NULL);
        if (guesses[i].status == 401 && strcmp(guesses[i].code, "invalid_credentials") == 0)
            unauthorized++;
        else if (guesses[i].status == 429 && strcmp(guesses[i].code, "account_locked") == 0)
            locked++;
        else
            ck_abort_msg("guess %d answered %d %s", i, guesses[i].status, guesses[i].code);
    }
    ck_assert_msg(unauthorized == 5, "%d parallel wrong guesses answered 401 (exactly 5 must)", unauthorized);
    ck_assert_int_eq(unauthorized + locked, GUESSES);

    guess_t last = {base, right, 0, ""};
    send_guess(&last);
    ck_assert_int_eq(last.status, 429);
    ck_assert_str_eq(last.code, "account_locked");

    free(id);
    free(email);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lockout_race");
    TCase *tc = tcase_create("race");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parallel_guesses_cannot_outrun_the_lockout);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
