/*
 * Clients that hang up mid-request leave the service whole (run under the
 * sanitizer build by deploy/test --sanitize, where a use after free aborts the
 * service and lands in its log). Two cases, each with several clients at
 * once so that some wait in queues too:
 *   - a read on the event loop: the owner locks the users table, GET /v1/me
 *     requests are sent on raw sockets and wait (in flight on the read
 *     connections or in the pool's queue), the sockets close, the lock goes;
 *   - a worker job: the owner locks a user's row, PATCH /v1/users/{id}
 *     requests wait in their transactions (or in the worker queue), the
 *     sockets close, the lock goes.
 * Afterwards the service answers /healthz, GET /v1/me and a PATCH normally.
 * Needs CC_TEST_IDENTITY_URL and DATABASE_URL.
 */
#include "cc_test_main.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cc_test_db.h"
#include "cc_test_http.h"

#define CLIENTS 24 /* more than one loop's read connections hold in flight (2 x 8) */

static int port_of(const char *base)
{
    const char *colon = strrchr(base, ':');
    ck_assert_ptr_nonnull(colon);
    return atoi(colon + 1);
}

/* Opens a connection to 127.0.0.1:port and writes the whole request; returns the socket. */
static int send_raw(int port, const char *request)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    size_t len = strlen(request), off = 0;
    while (off < len) {
        ssize_t n = write(fd, request + off, len - off);
        ck_assert_int_gt(n, 0);
        off += (size_t)n;
    }
    return fd;
}

static int status_of(const char *base, const char *method, const char *path, const char *auth,
                     const char *body)
{
    const char *headers[] = {auth, NULL};
    cc_test_request_t req = {method, base, path, auth != NULL ? headers : NULL, body, 0, 60, NULL, NULL};
    char *error = NULL;
    cc_test_response_t *resp = cc_test_http_send(&req, &error);
    int status = resp != NULL ? resp->status : -1;
    cc_test_response_free(resp);
    free(error);
    return status;
}

/* Closes each socket at once (RST: SO_LINGER 0 where the client has sent everything) after a pause. */
static void hang_up(int *fds, int n)
{
    for (int i = 0; i < n; i++) {
        struct linger abortive = {1, 0};
        if (i % 2 == 0) /* half reset, half an orderly close: h2o sees both kinds */
            setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive));
        close(fds[i]);
    }
}

START_TEST(hang_ups_during_reads_and_jobs)
{
    const char *base = cc_test_env("CC_TEST_IDENTITY_URL");
    int port = port_of(base);
    cc_test_tokens_t admin;
    cc_test_login(base, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *auth = cc_test_bearer(admin.access);
    char *email = cc_test_unique_email("hangup", "northcert");
    char *id = cc_test_create_user(base, admin.access, email, "auditor", NULL, "Hang-up-password-42");
    PGconn *locker = cc_test_db_connect("DATABASE_URL");
    PGconn *watcher = cc_test_db_connect("DATABASE_URL");
    int fds[CLIENTS];

    /* Reads on the loop. */
    cc_test_db_run(locker, "BEGIN", 0, NULL);
    cc_test_db_run(locker, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE", 0, NULL);
    char request[4096];
    snprintf(request, sizeof(request), "GET /v1/me HTTP/1.1\r\nHost: test\r\n%s\r\n\r\n", auth);
    for (int i = 0; i < CLIENTS; i++)
        fds[i] = send_raw(port, request);
    int reads_blocked = cc_test_db_wait_blocked(watcher, locker, 1);
    hang_up(fds, CLIENTS);
    usleep(200 * 1000); /* let the loop see the hang-ups before the results arrive */
    cc_test_db_run(locker, "COMMIT", 0, NULL);
    ck_assert_msg(reads_blocked >= 1, "no read waited on the lock");
    ck_assert_int_eq(status_of(base, "GET", "/healthz", NULL, NULL), 200);
    ck_assert_int_eq(status_of(base, "GET", "/v1/me", auth, NULL), 200);

    /* Worker jobs. */
    cc_test_db_run(locker, "BEGIN", 0, NULL);
    cc_test_db_run(locker, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0,
                   NULL);
    const char *idp[] = {id};
    cc_test_db_run(locker,
                   "SELECT id FROM users WHERE tenant_id = cc_current_tenant() AND id = $1::uuid FOR UPDATE",
                   1, idp);
    const char *patch = "{\"name\":\"Hung Up\"}";
    snprintf(request, sizeof(request),
             "PATCH /v1/users/%s HTTP/1.1\r\nHost: test\r\n%s\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             id, auth, strlen(patch), patch);
    for (int i = 0; i < CLIENTS; i++)
        fds[i] = send_raw(port, request);
    int jobs_blocked = cc_test_db_wait_blocked(watcher, locker, 1);
    hang_up(fds, CLIENTS);
    usleep(200 * 1000);
    cc_test_db_run(locker, "COMMIT", 0, NULL);
    ck_assert_msg(jobs_blocked >= 1, "no job waited on the lock");

    ck_assert_int_eq(status_of(base, "GET", "/healthz", NULL, NULL), 200);
    ck_assert_int_eq(status_of(base, "GET", "/v1/me", auth, NULL), 200);
    char path[128];
    snprintf(path, sizeof(path), "/v1/users/%s", id);
    ck_assert_int_eq(status_of(base, "PATCH", path, auth, "{\"name\":\"Answered\"}"), 200);

    PQfinish(watcher);
    PQfinish(locker);
    free(id);
    free(email);
    free(auth);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_disconnect");
    TCase *tc = tcase_create("hang_up");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hang_ups_during_reads_and_jobs);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
