/*
 * Structured logging: one JSON object per line on stderr, so that log
 * shippers need no parsing rules. Messages follow PostgreSQL's style:
 * lowercase, no trailing period, "could not ..." / "cannot ...".
 * Never pass a token or a password to these functions.
 */
#ifndef CC_LOG_H
#define CC_LOG_H

#include <jansson.h>

typedef enum { CC_LOG_DEBUG = 0, CC_LOG_INFO, CC_LOG_WARN, CC_LOG_ERROR } cc_log_level_t;

/* Sets the service name stamped on every line and the minimum level written. */
void cc_log_init(const char *service, cc_log_level_t min_level);

/* Parses "debug", "info", "warn" or "error"; anything else is info. */
cc_log_level_t cc_log_level_parse(const char *name);

/* True when lines at level would be written. */
int cc_log_enabled(cc_log_level_t level);

/* Writes {"ts","level","service","msg"} with msg formatted printf-style. */
void cc_log(cc_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes {"ts","level","service","msg", ...fields}; steals fields (may be NULL). */
void cc_log_fields(cc_log_level_t level, const char *msg, json_t *fields);

#endif
