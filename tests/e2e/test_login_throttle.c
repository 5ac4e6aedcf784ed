/*
 * The per-address login throttle: after CC_LOGIN_ADDRESS_LIMIT (default 100)
 * failed logins from one client address within fifteen minutes, that address
 * answers 429 too_many_requests with Retry-After, even for the right password,
 * while another address still logs in. The client address is the last
 * X-Forwarded-For hop added by a trusted proxy (CC_TRUSTED_PROXIES, loopback
 * by default): this test talks to identity directly from loopback, as the
 * gateway does, naming a random documentation address (2001:db8::/32) per run
 * so it disturbs no other test. Through the gateway, a client's own
 * X-Forwarded-For names nobody: the gateway appends the real peer. Needs
 * CC_TEST_IDENTITY_URL and CC_TEST_GATEWAY_URL.
 */
#include "cc_test_main.h"
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_http.h"

#define THREADS 4

typedef struct sender {
    const char *base;
    const char *address;
    int first, count;
    int unauthorized, other;
} sender_t;

static cc_test_response_t *login_from(const char *base, const char *address, const char *email,
                                      const char *password, char **error)
{
    char xff[128], body[512];
    snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", address);
    snprintf(body, sizeof(body), "{\"tenant\":\"northcert\",\"email\":\"%s\",\"password\":\"%s\"}", email,
             password);
    const char *headers[] = {xff, NULL};
    cc_test_request_t req = {"POST", base, "/v1/auth/login", headers, body, 0, 0, NULL, NULL};
    return cc_test_http_send(&req, error);
}

/* Sends count wrong logins, each at an unknown address of its own (so no e-mail address locks). */
static void *send_failures(void *arg)
{
    sender_t *s = arg;
    for (int i = s->first; i < s->first + s->count; i++) {
        char email[96], suffix[17];
        cc_test_random_suffix(suffix);
        snprintf(email, sizeof(email), "throttle-%d-%s@northcert.example", i, suffix);
        char *error = NULL;
        cc_test_response_t *resp = login_from(s->base, s->address, email, "not-the-password", &error);
        if (resp != NULL && resp->status == 401)
            s->unauthorized++;
        else
            s->other++;
        cc_test_response_free(resp);
        free(error);
    }
    return NULL;
}

static int address_limit(void)
{
    const char *v = getenv("CC_LOGIN_ADDRESS_LIMIT");
    int limit = v != NULL && v[0] != '\0' ? atoi(v) : 100;
    ck_assert_msg(limit >= 1 && limit <= 500, "CC_LOGIN_ADDRESS_LIMIT=%d: this test sends that many logins",
                  limit);
    return limit;
}

static void random_address(char out[64])
{
    char h[17];
    cc_test_random_suffix(h);
    snprintf(out, 64, "2001:db8:%.4s:%.4s:%.4s:%.4s::1", h, h + 4, h + 8, h + 12);
}

START_TEST(address_throttled_after_the_limit)
{
    const char *identity = cc_test_env("CC_TEST_IDENTITY_URL");
    const char *gateway = cc_test_env("CC_TEST_GATEWAY_URL");
    int limit = address_limit();
    char address[64], other[64];
    random_address(address);
    random_address(other);

    sender_t senders[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        int first = limit * t / THREADS, next = limit * (t + 1) / THREADS;
        senders[t] = (sender_t){identity, address, first, next - first, 0, 0};
        pthread_create(&threads[t], NULL, send_failures, &senders[t]);
    }
    int unauthorized = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        unauthorized += senders[t].unauthorized;
        ck_assert_msg(senders[t].other == 0, "%d failed logins below the limit did not answer 401",
                      senders[t].other);
    }
    ck_assert_int_eq(unauthorized, limit);

    /* The limit reached: the address is refused, the right password included. */
    cc_test_response_t *resp =
        login_from(identity, address, "admin@northcert.example", CC_TEST_DEMO_PASSWORD, NULL);
    ck_assert_ptr_nonnull(resp);
    cc_test_assert_problem(resp, 429, "too_many_requests");
    const char *retry = cc_test_response_header(resp, "Retry-After");
    ck_assert_msg(retry != NULL && atoi(retry) >= 1 && atoi(retry) <= 900, "Retry-After: %s",
                  retry != NULL ? retry : "(none)");
    cc_test_response_free(resp);

    /* Another address is not affected. */
    resp = login_from(identity, other, "admin@northcert.example", CC_TEST_DEMO_PASSWORD, NULL);
    ck_assert_ptr_nonnull(resp);
    ck_assert_msg(resp->status == 200, "another address answered %d: %s", resp->status, resp->body);
    cc_test_response_free(resp);

    /* Through the gateway a client cannot claim the throttled address (nor escape its own). */
    resp = login_from(gateway, address, "admin@northcert.example", CC_TEST_DEMO_PASSWORD, NULL);
    ck_assert_ptr_nonnull(resp);
    ck_assert_msg(resp->status == 200, "a forged X-Forwarded-For through the gateway answered %d: %s",
                  resp->status, resp->body);
    cc_test_response_free(resp);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("login_throttle");
    TCase *tc = tcase_create("throttle");
    /* limit argon2 verifications (~0.2 s each, far more under the sanitizers) */
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, address_throttled_after_the_limit);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
