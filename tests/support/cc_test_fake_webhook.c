/*
 * The webhook receiver double from a test (cc_test_fake_webhook.h): runs /usr/bin/python3
 * tests/fakes/webhook_receiver.py as a child on CC_TEST_FAKE_HOST, reads the "listening HOST:PORT" line it
 * prints, waits until its control API answers, and talks to that API (/_fake/...) with cc_test_http,
 * unlogged (its answers are not ours: they stay out of the OpenAPI response log). The script is found
 * under $CC_TEST_FAKES_DIR when set, else under the source tree (CC_SOURCE_DIR).
 */
#include "cc_test_fake_webhook.h"

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

#define START_TIMEOUT_MS 15000

struct cc_fake_webhook {
    pid_t pid;
    char *root; /* "http://127.0.0.2:<port>": the control API */
    char *url;  /* where deliveries go */
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static char *script_path(void)
{
    const char *dir = getenv("CC_TEST_FAKES_DIR");
    if (dir != NULL && *dir != '\0')
        return cc_test_asprintf("%s/webhook_receiver.py", dir);
    return cc_test_asprintf("%s/tests/fakes/webhook_receiver.py", CC_SOURCE_DIR);
}

/* The first line the receiver prints ("listening HOST:PORT") within the start-up timeout: the port, or 0. */
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
    return strncmp(line, "listening ", 10) == 0 && colon != NULL ? atoi(colon + 1) : 0;
}

static cc_test_response_t *control(const cc_fake_webhook_t *f, const char *method, const char *path,
                                   const char *body, char **error)
{
    cc_test_request_t req = {
        .method = method, .base_url = f->root, .path = path, .body = body, .timeout_seconds = 10};
    return cc_test_http_send_unlogged(&req, error);
}

static json_t *control_json(cc_fake_webhook_t *f, const char *method, const char *path, const char *body)
{
    char *error = NULL;
    cc_test_response_t *r = control(f, method, path, body, &error);
    ck_assert_msg(r != NULL, "webhook receiver %s %s: %s", method, path, error ? error : "?");
    ck_assert_msg(r->status == 200 && r->json != NULL, "webhook receiver %s %s answered %d: %s", method, path,
                  r->status, r->body);
    json_t *out = json_incref(r->json);
    cc_test_response_free(r);
    return out;
}

static bool answers(const cc_fake_webhook_t *f)
{
    cc_test_response_t *r = control(f, "GET", "/_fake/faults", NULL, NULL);
    bool ok = r != NULL && r->status == 200;
    cc_test_response_free(r);
    return ok;
}

cc_fake_webhook_t *cc_fake_webhook_start(void)
{
    const char *host = getenv("CC_TEST_FAKE_HOST");
    if (host == NULL || *host == '\0')
        host = "127.0.0.2";
    char *script = script_path();
    ck_assert_msg(access(script, R_OK) == 0, "the webhook receiver %s is missing (set CC_TEST_FAKES_DIR)",
                  script);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        execl("/usr/bin/python3", "python3", script, "--host", host, "--port", "0", (char *)NULL);
        fprintf(stderr, "cc_fake_webhook: exec /usr/bin/python3 %s: %s\n", script, strerror(errno));
        _exit(127);
    }
    free(script);
    close(fds[1]);
    int port = read_port(fds[0]);
    close(fds[0]);
    cc_fake_webhook_t *f = cc_calloc(1, sizeof(*f));
    f->pid = pid;
    f->root = cc_test_asprintf("http://%s:%d", host, port);
    f->url = cc_test_asprintf("%s/hooks/certcycle", f->root);
    if (port <= 0) {
        cc_fake_webhook_stop(f);
        ck_abort_msg("the webhook receiver did not print its address");
    }
    long deadline = now_ms() + START_TIMEOUT_MS;
    while (!answers(f)) {
        if (now_ms() > deadline) {
            cc_fake_webhook_stop(f);
            ck_abort_msg("the webhook receiver does not answer");
        }
        usleep(20000);
    }
    return f;
}

void cc_fake_webhook_stop(cc_fake_webhook_t *f)
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
    free(f->root);
    free(f->url);
    free(f);
}

const char *cc_fake_webhook_url(const cc_fake_webhook_t *f)
{
    return f->url;
}

void cc_fake_webhook_secret(cc_fake_webhook_t *f, const char *secret)
{
    json_t *doc = json_pack("{s:s}", "secret", secret);
    char *body = json_dumps(doc, JSON_COMPACT);
    json_decref(control_json(f, "POST", "/_fake/secret", body));
    free(body);
    json_decref(doc);
}

void cc_fake_webhook_faults(cc_fake_webhook_t *f, const char *plan_json)
{
    json_decref(control_json(f, "POST", "/_fake/faults", plan_json));
}

json_t *cc_fake_webhook_deliveries(cc_fake_webhook_t *f)
{
    return control_json(f, "GET", "/_fake/deliveries", NULL);
}

/* The deliveries of type whose data[key] is value (key NULL: any). */
static json_t *matching(const json_t *all, const char *type, const char *key, const char *value)
{
    json_t *out = json_array(), *d;
    size_t i;
    json_array_foreach(all, i, d)
    {
        const json_t *doc = json_object_get(d, "json");
        const char *t = json_string_value(json_object_get(doc, "type"));
        const char *v =
            key != NULL ? json_string_value(json_object_get(json_object_get(doc, "data"), key)) : NULL;
        if (t != NULL && strcmp(t, type) == 0 && (key == NULL || (v != NULL && strcmp(v, value) == 0)))
            json_array_append(out, d);
    }
    return out;
}

json_t *cc_fake_webhook_wait(cc_fake_webhook_t *f, const char *type, const char *key, const char *value,
                             size_t count, int timeout_s)
{
    long deadline = now_ms() + timeout_s * 1000L;
    for (;;) {
        json_t *all = cc_fake_webhook_deliveries(f);
        json_t *found = matching(all, type, key, value);
        json_decref(all);
        if (json_array_size(found) >= count || now_ms() > deadline)
            return found;
        json_decref(found);
        usleep(100000);
    }
}
