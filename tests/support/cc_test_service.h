/*
 * A running service of deploy/test's stack, for crash tests: found through its pid file
 * (CC_TEST_STATE_DIR/run/<name>.pid, "PID STARTTIME PORT EXE" as deploy/lib.sh writes it), killed with
 * SIGKILL, and started again with the very command line and environment it had, its output appended to
 * its log, and its pid file rewritten the way deploy/lib.sh does, so deploy/test's clean-up still stops it.
 */
#ifndef CC_TEST_SERVICE_H
#define CC_TEST_SERVICE_H

#include <sys/types.h>

typedef struct cc_test_service {
    char name[64];
    pid_t pid;
    int port;
    char exe[512];
    char *cmdline; /* NUL-separated, cmdline_len bytes (from /proc/PID/cmdline) */
    size_t cmdline_len;
    char *environ; /* NUL-separated, environ_len bytes (from /proc/PID/environ) */
    size_t environ_len;
} cc_test_service_t;

/* Reads the service's pid file and its /proc command line and environment; fails the test when it is not
 * running. */
void cc_test_service_find(cc_test_service_t *s, const char *name);

/* SIGKILLs it and waits until it is gone. */
void cc_test_service_kill(cc_test_service_t *s);

/* Starts it again (same executable, arguments, environment; in its own session; output appended to
 * CC_TEST_STATE_DIR/log/<name>.log), rewrites the pid file, and waits (bounded) for its /readyz. */
void cc_test_service_restart(cc_test_service_t *s);

/* Frees what s holds. */
void cc_test_service_free(cc_test_service_t *s);

#endif
