/*
 * JSON-lines logger. Each line is built in memory and written with a single
 * write(2) so that lines from concurrent threads never interleave.
 */
#include "cc_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *service_name = "certcycle";
static cc_log_level_t min_level = CC_LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void cc_log_init(const char *service, cc_log_level_t level)
{
    service_name = service;
    min_level = level;
}

cc_log_level_t cc_log_level_parse(const char *name)
{
    for (int i = 0; name != NULL && i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return (cc_log_level_t)i;
    return CC_LOG_INFO;
}

int cc_log_enabled(cc_log_level_t level)
{
    return level >= min_level;
}

static void format_timestamp(char *buf, size_t cap)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void cc_log_fields(cc_log_level_t level, const char *msg, json_t *fields)
{
    if (!cc_log_enabled(level)) {
        json_decref(fields);
        return;
    }
    char ts[40];
    format_timestamp(ts, sizeof(ts));
    json_t *line = json_pack("{s:s, s:s, s:s, s:s}", "ts", ts, "level", level_names[level], "service",
                             service_name, "msg", msg);
    if (fields != NULL) {
        json_object_update_missing(line, fields);
        json_decref(fields);
    }
    char *text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(line);
    if (text == NULL)
        return;
    size_t len = strlen(text);
    text[len] = '\n'; /* json_dumps leaves room for the NUL, which becomes the newline */
    ssize_t written = write(STDERR_FILENO, text, len + 1);
    (void)written;
    free(text);
}

void cc_log(cc_log_level_t level, const char *fmt, ...)
{
    if (!cc_log_enabled(level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cc_log_fields(level, msg, NULL);
}
