/*
 * The IAF CertSearch double from a test (cc_test_fake_registry.h): runs
 * /usr/bin/python3 tests/fakes/iafcertsearch.py as a child on CC_TEST_FAKE_HOST,
 * reads the "listening HOST:PORT" line it prints, waits until its control API
 * answers, and talks to that API (/_fake/...) with cc_test_http. The script is
 * found under $CC_TEST_FAKES_DIR when set, else under the source tree CMake
 * compiled this file from (CC_SOURCE_DIR). The double's answers are not ours:
 * they are kept out of the OpenAPI response log (unlogged requests).
 */
#include "cc_test_fake_registry.h"

#include "cc_mem.h"
#include "cc_test_caller.h"
#include "cc_test_http.h"

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

/* How long the double may take to print its address and then to answer (Python starts in ~50 ms). */
#define START_TIMEOUT_MS 15000

struct cc_fake_registry {
    pid_t pid;
    char *api_key;
    char *root; /* "http://127.0.0.2:<port>": the control API */
    char *url;  /* root + "/api/client/v1": the registry */
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The double's script: $CC_TEST_FAKES_DIR/iafcertsearch.py or <source>/tests/fakes/iafcertsearch.py. */
static char *script_path(void)
{
    const char *dir = getenv("CC_TEST_FAKES_DIR");
    if (dir != NULL && *dir != '\0')
        return cc_test_asprintf("%s/iafcertsearch.py", dir);
    return cc_test_asprintf("%s/tests/fakes/iafcertsearch.py", CC_SOURCE_DIR);
}

/* In the child: the double on host:0, stdout to the pipe, ended with the test process that started it. */
static void exec_double(int out_fd, const char *script, const char *host, const char *api_key,
                        const char *faults)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(out_fd, STDOUT_FILENO);
    close(out_fd);
    if (faults != NULL)
        execl("/usr/bin/python3", "python3", script, "--host", host, "--port", "0", "--api-key", api_key,
              "--faults", faults, (char *)NULL);
    else
        execl("/usr/bin/python3", "python3", script, "--host", host, "--port", "0", "--api-key", api_key,
              (char *)NULL);
    fprintf(stderr, "cc_fake_registry: exec /usr/bin/python3 %s: %s\n", script, strerror(errno));
    _exit(127);
}

/* Reads the first line the double prints ("listening HOST:PORT") within the start-up timeout; returns
 * the port or 0. */
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
        ssize_t n = read(fd, line + len, 1);
        if (n <= 0)
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

/* One control call (no key, unlogged); returns the response or NULL on a transport failure. */
static cc_test_response_t *control(const cc_fake_registry_t *f, const char *method, const char *path,
                                   const char *body, char **error)
{
    cc_test_request_t req = {.method = method,
                             .base_url = f->root,
                             .path = path,
                             .body = body,
                             .timeout_seconds = 10,
                             .unlogged = true};
    return cc_test_http_send(&req, error);
}

static bool answers(const cc_fake_registry_t *f)
{
    cc_test_response_t *r = control(f, "GET", "/_fake/faults", NULL, NULL);
    bool ok = r != NULL && r->status == 200;
    cc_test_response_free(r);
    return ok;
}

cc_fake_registry_t *cc_fake_registry_start(const char *api_key)
{
    return cc_fake_registry_start_with(api_key, NULL);
}

cc_fake_registry_t *cc_fake_registry_start_with(const char *api_key, const char *faults_json)
{
    const char *host = getenv("CC_TEST_FAKE_HOST");
    if (host == NULL || *host == '\0')
        host = "127.0.0.2";
    char *script = script_path();
    ck_assert_msg(access(script, R_OK) == 0, "the registry double %s is missing (set CC_TEST_FAKES_DIR)",
                  script);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        exec_double(fds[1], script, host, api_key, faults_json);
    }
    free(script);
    close(fds[1]);
    int port = read_port(fds[0]);
    close(fds[0]); /* it prints nothing else */
    cc_fake_registry_t *f = cc_calloc(1, sizeof(*f));
    f->pid = pid;
    f->api_key = cc_strdup(api_key);
    f->root = cc_test_asprintf("http://%s:%d", host, port);
    f->url = cc_test_asprintf("%s/api/client/v1", f->root);
    if (port <= 0) {
        cc_fake_registry_stop(f);
        ck_abort_msg("the registry double did not print its address");
    }
    long deadline = now_ms() + START_TIMEOUT_MS;
    while (!answers(f)) {
        if (now_ms() > deadline) {
            cc_fake_registry_stop(f);
            ck_abort_msg("the registry double does not answer");
        }
        usleep(20000);
    }
    return f;
}

void cc_fake_registry_stop(cc_fake_registry_t *f)
{
    if (f == NULL)
        return;
    if (f->pid > 0 && kill(f->pid, SIGTERM) == 0) {
        int status;
        bool gone = false;
        for (int i = 0; i < 100 && !gone; i++) { /* up to 5 s */
            if (waitpid(f->pid, &status, WNOHANG) == f->pid)
                gone = true;
            else
                usleep(50000);
        }
        if (!gone) {
            kill(f->pid, SIGKILL);
            waitpid(f->pid, &status, 0);
        }
    }
    free(f->api_key);
    free(f->root);
    free(f->url);
    free(f);
}

const char *cc_fake_registry_url(const cc_fake_registry_t *f)
{
    return f->url;
}

/* A control call that must answer 200 with JSON; returns that JSON (new reference). */
static json_t *control_json(cc_fake_registry_t *f, const char *method, const char *path, const char *body)
{
    char *error = NULL;
    cc_test_response_t *r = control(f, method, path, body, &error);
    ck_assert_msg(r != NULL, "registry double %s %s: %s", method, path, error ? error : "?");
    ck_assert_msg(r->status == 200 && r->json != NULL, "registry double %s %s answered %d: %s", method, path,
                  r->status, r->body);
    json_t *out = json_incref(r->json);
    cc_test_response_free(r);
    return out;
}

void cc_fake_registry_faults(cc_fake_registry_t *f, const char *plan_json)
{
    json_decref(control_json(f, "POST", "/_fake/faults", plan_json));
}

json_t *cc_fake_registry_records(cc_fake_registry_t *f)
{
    return control_json(f, "GET", "/_fake/state", NULL);
}

json_t *cc_fake_registry_calls(cc_fake_registry_t *f)
{
    return control_json(f, "GET", "/_fake/calls", NULL);
}

void cc_fake_registry_reset(cc_fake_registry_t *f)
{
    json_decref(control_json(f, "POST", "/_fake/reset", NULL));
}

cc_test_response_t *cc_fake_registry_call(cc_fake_registry_t *f, const char *method, const char *path,
                                          const char *body, const char *api_key)
{
    char *header = api_key != NULL ? cc_test_asprintf("x-http-authorization: %s", api_key) : NULL;
    const char *headers[] = {header, NULL};
    cc_test_request_t req = {.method = method,
                             .base_url = f->url,
                             .path = path,
                             .headers = headers,
                             .body = body,
                             .timeout_seconds = 10,
                             .unlogged = true};
    cc_test_response_t *r = cc_test_http_send(&req, NULL);
    free(header);
    return r;
}
