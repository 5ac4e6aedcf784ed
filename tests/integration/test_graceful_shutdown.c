/*
 * Graceful shutdown: an identity process of its own (CC_BIN_DIR, a free port,
 * so the suite's services are not disturbed) receives SIGTERM while a PATCH
 * /v1/users/{id} waits on a row lock the owner holds. The process must stop
 * accepting (a new connection is refused), and once the lock is released the
 * PATCH must complete with its normal 200 and the process exit 0. Once SIGTERM
 * ended the loops at once and the request was lost. Needs
 * CC_TEST_IDENTITY_URL, CC_BIN_DIR, DATABASE_URL and the services' environment
 * (CC_APP_DATABASE_URL, CC_MASTER_KEY).
 */
#include "cc_test_main.h"
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cc_test_db.h"
#include "cc_test_http.h"

#define NEW_NAME "Patched During Shutdown"
#define POLL_ROUNDS 600 /* x 50 ms */

typedef struct patch {
    char base[64];
    char path[128];
    const char *auth;
    atomic_int sent;
    cc_test_response_t *resp;
    char *error;
} patch_t;

static void on_sent(void *arg)
{
    atomic_store(&((patch_t *)arg)->sent, 1);
}

static void *run_patch(void *arg)
{
    patch_t *p = arg;
    const char *headers[] = {p->auth, NULL};
    cc_test_request_t req = {"PATCH", p->base, p->path, headers, "{\"name\":\"" NEW_NAME "\"}",
                             0,       120,     on_sent, p};
    p->resp = cc_test_http_send(&req, &p->error);
    atomic_store(&p->sent, 1);
    return NULL;
}

static void pause_briefly(void)
{
    usleep(50 * 1000);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    close(fd);
    return ntohs(addr.sin_port);
}

/* True when a TCP connection to the port is refused. */
static bool refused(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool no = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 && errno == ECONNREFUSED;
    close(fd);
    return no;
}

static pid_t start_identity(int port)
{
    char listen[32], log[512];
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
    const char *state = getenv("CC_TEST_STATE_DIR");
    snprintf(log, sizeof(log), "%s/log/shutdown-identity.log", state != NULL ? state : "/tmp");
    char bin[512];
    snprintf(bin, sizeof(bin), "%s/certcycle-identity", cc_test_env("CC_BIN_DIR"));
    pid_t pid = fork();
    if (pid == 0) {
        setenv("CC_LISTEN", listen, 1);
        setenv("CC_THREADS", "1", 1);
        setenv("CC_SHUTDOWN_TIMEOUT", "60", 1);
        setenv("ASAN_OPTIONS", "detect_leaks=0", 1); /* like the suite's services */
        FILE *out = freopen(log, "a", stdout);
        if (out != NULL)
            dup2(fileno(out), STDERR_FILENO);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int status_of(const char *base, const char *path, const char *auth)
{
    const char *headers[] = {auth, NULL};
    cc_test_request_t req = {"GET", base, path, auth != NULL ? headers : NULL, NULL, 0, 10, NULL, NULL};
    cc_test_response_t *resp = cc_test_http_send(&req, NULL);
    int status = resp != NULL ? resp->status : -1;
    cc_test_response_free(resp);
    return status;
}

/* Waits (bounded) for the child to exit; returns its wait status, or -1 (after SIGKILL) when it did not. */
static int wait_exit(pid_t pid)
{
    int status;
    for (int i = 0; i < POLL_ROUNDS; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return status;
        pause_briefly();
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

START_TEST(sigterm_finishes_a_request_held_on_a_lock)
{
    const char *identity = cc_test_env("CC_TEST_IDENTITY_URL");
    cc_test_tokens_t admin;
    cc_test_login(identity, "northcert", "admin@northcert.example", CC_TEST_DEMO_PASSWORD, &admin);
    char *email = cc_test_unique_email("shutdown", "northcert");
    char *id = cc_test_create_user(identity, admin.access, email, "auditor", NULL, "Shutdown-password-42");
    char *auth = cc_test_bearer(admin.access);

    int port = free_port();
    pid_t child = start_identity(port);
    ck_assert_int_gt(child, 0);
    patch_t p = {.auth = auth};
    snprintf(p.base, sizeof(p.base), "http://127.0.0.1:%d", port);
    snprintf(p.path, sizeof(p.path), "/v1/users/%s", id);
    int me = -1; /* ready once it has loaded the signing keys */
    for (int i = 0; i < POLL_ROUNDS && me != 200; i++) {
        me = status_of(p.base, "/v1/me", auth);
        if (me != 200)
            pause_briefly();
    }
    if (me != 200)
        kill(child, SIGKILL);
    ck_assert_msg(me == 200, "the separate identity did not come up (GET /v1/me: %d)", me);

    PGconn *locker = cc_test_db_connect("DATABASE_URL");
    PGconn *watcher = cc_test_db_connect("DATABASE_URL");
    cc_test_db_run(locker, "BEGIN", 0, NULL);
    cc_test_db_run(locker, "SELECT set_config('app.tenant_id', cc_tenant_id('northcert')::text, true)", 0,
                   NULL);
    const char *idp[] = {id};
    cc_test_db_run(locker,
                   "SELECT id FROM users WHERE tenant_id = cc_current_tenant() AND id = $1::uuid FOR UPDATE",
                   1, idp);

    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, run_patch, &p), 0);
    while (!atomic_load(&p.sent))
        pause_briefly();
    bool blocked = cc_test_db_wait_blocked(watcher, locker, 1) >= 1;

    kill(child, SIGTERM);
    bool stopped_accepting = false;
    for (int i = 0; i < POLL_ROUNDS && !stopped_accepting; i++) {
        stopped_accepting = refused(port);
        if (!stopped_accepting)
            pause_briefly();
    }
    bool answered_early = p.resp != NULL; /* before the lock was released */

    cc_test_db_run(locker, "COMMIT", 0, NULL);
    pthread_join(thread, NULL);
    int status = wait_exit(child);
    PQfinish(watcher);
    PQfinish(locker);

    ck_assert_msg(blocked, "the PATCH never waited on the row lock");
    ck_assert_msg(stopped_accepting, "the service still accepted connections after SIGTERM");
    ck_assert_msg(!answered_early, "the PATCH was answered before the lock was released: %d", p.resp->status);
    ck_assert_msg(p.resp != NULL, "the PATCH got no answer: %s", p.error);
    cc_test_assert_json(p.resp, 200);
    ck_assert_str_eq(cc_test_json_string(p.resp->json, "name"), NEW_NAME);
    ck_assert_msg(status != -1, "the service did not exit after SIGTERM");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the service ended with wait status %d",
                  status);

    cc_test_response_free(p.resp);
    free(p.error);
    free(auth);
    free(id);
    free(email);
    cc_test_tokens_free(&admin);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("graceful_shutdown");
    TCase *tc = tcase_create("sigterm");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sigterm_finishes_a_request_held_on_a_lock);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
