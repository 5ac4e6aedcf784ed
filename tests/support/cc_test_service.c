/*
 * Killing and restarting one service of the stack (cc_test_service.h). The pid file's start time (field 22
 * of /proc/PID/stat) is what deploy/lib.sh checks before it signals a pid, so it is written the same way.
 */
#include "cc_test_service.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_test_caller.h"
#include "cc_test_http.h"

/* The whole of a /proc file (they report size 0, so read until EOF). */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "cannot open %s: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(fp);
    *len = n;
    return buf;
}

static char *pidfile_path(const char *name)
{
    return cc_test_asprintf("%s/run/%s.pid", cc_test_env("CC_TEST_STATE_DIR"), name);
}

void cc_test_service_find(cc_test_service_t *s, const char *name)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->name, sizeof(s->name), "%s", name);
    char *path = pidfile_path(name);
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "no pid file %s", path);
    long pid = 0, start = 0;
    ck_assert_int_eq(fscanf(fp, "%ld %ld %d %511s", &pid, &start, &s->port, s->exe), 4);
    fclose(fp);
    free(path);
    s->pid = (pid_t)pid;
    ck_assert_msg(kill(s->pid, 0) == 0, "%s (pid %d) is not running", name, (int)s->pid);
    char *p = cc_test_asprintf("/proc/%d/cmdline", (int)s->pid);
    s->cmdline = slurp(p, &s->cmdline_len);
    free(p);
    p = cc_test_asprintf("/proc/%d/environ", (int)s->pid);
    s->environ = slurp(p, &s->environ_len);
    free(p);
}

void cc_test_service_kill(cc_test_service_t *s)
{
    ck_assert_int_eq(kill(s->pid, SIGKILL), 0);
    /* Not our child: wait until /proc shows it gone (or a zombie of its parent). */
    for (int i = 0; i < 500; i++) {
        char *p = cc_test_asprintf("/proc/%d/stat", (int)s->pid);
        size_t len = 0;
        FILE *fp = fopen(p, "r");
        free(p);
        if (fp == NULL)
            return;
        char buf[512];
        len = fread(buf, 1, sizeof(buf) - 1, fp);
        fclose(fp);
        buf[len] = '\0';
        const char *state = strrchr(buf, ')');
        if (state != NULL && state[2] == 'Z')
            return;
        usleep(10 * 1000);
    }
    ck_abort_msg("%s (pid %d) survived SIGKILL", s->name, (int)s->pid);
}

/* A NULL-terminated vector over NUL-separated strings (pointing into buf). */
static char **vector(char *buf, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += buf[i] == '\0';
    char **v = calloc(n + 1, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < len && k < n; i += strlen(buf + i) + 1)
        v[k++] = buf + i;
    return v;
}

/* Field 22 of /proc/PID/stat (the start time in clock ticks). */
static long starttime(pid_t pid)
{
    char *p = cc_test_asprintf("/proc/%d/stat", (int)pid);
    size_t len = 0;
    char *stat = slurp(p, &len);
    free(p);
    stat = realloc(stat, len + 1);
    stat[len] = '\0';
    const char *at = strrchr(stat, ')');
    long value = 0;
    for (int field = 2; at != NULL && field < 22; field++)
        at = strchr(at + 1, ' ');
    if (at != NULL)
        value = atol(at + 1);
    free(stat);
    return value;
}

static void wait_ready(const cc_test_service_t *s)
{
    char *base = cc_test_asprintf("http://127.0.0.1:%d", s->port);
    int status = -1;
    for (int i = 0; i < 300 && status != 200; i++) {
        cc_test_request_t req = {.method = "GET", .base_url = base, .path = "/readyz", .timeout_seconds = 5};
        cc_test_response_t *resp = cc_test_http_send_unlogged(&req, NULL);
        status = resp != NULL ? resp->status : -1;
        cc_test_response_free(resp);
        if (status != 200)
            usleep(100 * 1000);
    }
    free(base);
    ck_assert_msg(status == 200, "%s did not become ready after its restart", s->name);
}

void cc_test_service_restart(cc_test_service_t *s)
{
    char *log = cc_test_asprintf("%s/log/%s.log", cc_test_env("CC_TEST_STATE_DIR"), s->name);
    char **argv = vector(s->cmdline, s->cmdline_len);
    char **envp = vector(s->environ, s->environ_len);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setsid();
        int out = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || in < 0)
            _exit(126);
        dup2(in, 0), dup2(out, 1), dup2(out, 2);
        execve(s->exe, argv, envp);
        _exit(127);
    }
    free(argv), free(envp);
    s->pid = pid;
    char *path = pidfile_path(s->name);
    FILE *fp = fopen(path, "w");
    ck_assert_msg(fp != NULL, "cannot write %s", path);
    fprintf(fp, "%d %ld %d %s\n", (int)pid, starttime(pid), s->port, s->exe);
    fclose(fp);
    free(path);
    free(log);
    wait_ready(s);
}

void cc_test_service_free(cc_test_service_t *s)
{
    free(s->cmdline);
    free(s->environ);
    s->cmdline = s->environ = NULL;
}
