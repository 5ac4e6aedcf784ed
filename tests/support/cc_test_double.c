/*
 * Test doubles as child processes (cc_test_double.h): fork, exec
 * /usr/bin/python3 with the script, read the "listening HOST:PORT" line from a
 * pipe, poll the control API until it answers; stop by signal.
 */
#include "cc_test_double.h"

#include "cc_test_caller.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CC_SOURCE_DIR
#define CC_SOURCE_DIR "."
#endif

/* How long a double may take to print its address and then to answer (Python starts in ~50 ms). */
#define START_TIMEOUT_MS 15000
#define MAX_ARGS 16

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* $CC_TEST_FAKES_DIR/<script>, or <source>/tests/fakes/<script> (CMake passes CC_SOURCE_DIR). */
static char *script_path(const char *script)
{
    const char *dir = getenv("CC_TEST_FAKES_DIR");
    if (dir != NULL && *dir != '\0')
        return cc_test_asprintf("%s/%s", dir, script);
    return cc_test_asprintf("%s/tests/fakes/%s", CC_SOURCE_DIR, script);
}

/* In the child: the double on host:0, stdout to the pipe, ended with the test process that started it. */
static void exec_double(int out_fd, const char *path, const char *host, const char *const *args)
{
    const char *argv[MAX_ARGS + 7] = {"python3", path, "--host", host, "--port", "0"};
    size_t n = 6;
    for (size_t i = 0; args != NULL && args[i] != NULL && i < MAX_ARGS; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(out_fd, STDOUT_FILENO);
    close(out_fd);
    execv("/usr/bin/python3", (char *const *)argv);
    fprintf(stderr, "cc_test_double: exec /usr/bin/python3 %s: %s\n", path, strerror(errno));
    _exit(127);
}

/* The first line the double prints ("listening HOST:PORT") within the start-up timeout: the port, or 0. */
static int read_port(int fd)
{
    char line[256];
    size_t len = 0;
    long deadline = now_ms() + START_TIMEOUT_MS;
    while (len < sizeof(line) - 1) {
        long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return 0;
        if (read(fd, line + len, 1) <= 0)
            return 0;
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    const char *colon = strrchr(line, ':');
    if (strncmp(line, "listening ", 10) != 0 || colon == NULL)
        return 0;
    return atoi(colon + 1);
}

static bool answers(const cc_test_double_t *d)
{
    cc_test_response_t *r = cc_test_double_control(d, "GET", "/_fake/faults", NULL, NULL);
    bool ok = r != NULL && r->status == 200;
    cc_test_response_free(r);
    return ok;
}

void cc_test_double_start(cc_test_double_t *d, const char *name, const char *script, const char *const *args)
{
    const char *host = getenv("CC_TEST_FAKE_HOST");
    if (host == NULL || *host == '\0')
        host = "127.0.0.2";
    char *path = script_path(script);
    ck_assert_msg(access(path, R_OK) == 0, "%s %s is missing (set CC_TEST_FAKES_DIR)", name, path);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        exec_double(fds[1], path, host, args);
    }
    free(path);
    close(fds[1]);
    int port = read_port(fds[0]);
    close(fds[0]); /* it prints nothing else */
    d->name = name;
    d->pid = pid;
    d->root = cc_test_asprintf("http://%s:%d", host, port);
    if (port <= 0) {
        cc_test_double_stop(d);
        ck_abort_msg("%s did not print its address", name);
    }
    long deadline = now_ms() + START_TIMEOUT_MS;
    while (!answers(d)) {
        if (now_ms() > deadline) {
            cc_test_double_stop(d);
            ck_abort_msg("%s does not answer", name);
        }
        usleep(20000);
    }
}

void cc_test_double_stop(cc_test_double_t *d)
{
    if (d->pid > 0 && kill(d->pid, SIGTERM) == 0) {
        int status;
        bool gone = false;
        for (int i = 0; i < 100 && !gone; i++) { /* up to 5 s */
            if (waitpid(d->pid, &status, WNOHANG) == d->pid)
                gone = true;
            else
                usleep(50000);
        }
        if (!gone) {
            kill(d->pid, SIGKILL);
            waitpid(d->pid, &status, 0);
        }
    }
    d->pid = 0;
    free(d->root);
    d->root = NULL;
}

cc_test_response_t *cc_test_double_control(const cc_test_double_t *d, const char *method, const char *path,
                                           const char *body, char **error)
{
    cc_test_request_t req = {
        .method = method, .base_url = d->root, .path = path, .body = body, .timeout_seconds = 10};
    return cc_test_http_send_unlogged(&req, error);
}

json_t *cc_test_double_control_json(const cc_test_double_t *d, const char *method, const char *path,
                                    const char *body)
{
    char *error = NULL;
    cc_test_response_t *r = cc_test_double_control(d, method, path, body, &error);
    ck_assert_msg(r != NULL, "%s %s %s: %s", d->name, method, path, error ? error : "?");
    ck_assert_msg(r->status == 200 && r->json != NULL, "%s %s %s answered %d: %s", d->name, method, path,
                  r->status, r->body);
    json_t *out = json_incref(r->json);
    cc_test_response_free(r);
    return out;
}
