/*
 * A test double of tests/fakes/ (the IAF CertSearch double, the webhook
 * receiver) run from a test as a child process: /usr/bin/python3 <script>
 * on CC_TEST_FAKE_HOST (127.0.0.2, inside deploy/test's CC_OUTBOUND_ALLOW) at
 * a port it picks and prints ("listening HOST:PORT"), ended with the test
 * process; and its control API (/_fake/...), whose answers are not ours and
 * stay out of the OpenAPI response log. Every helper fails the current test
 * when the double does not start or answer as expected.
 */
#ifndef CC_TEST_DOUBLE_H
#define CC_TEST_DOUBLE_H

#include <jansson.h>
#include <sys/types.h>

#include "cc_test_http.h"

typedef struct cc_test_double {
    const char *name; /* "the registry double", for messages (borrowed) */
    pid_t pid;
    char *root; /* "http://127.0.0.2:<port>": the control API */
} cc_test_double_t;

/*
 * Starts script (a file name under $CC_TEST_FAKES_DIR, else the source tree's tests/fakes/) with
 * "--host H --port 0" and the NULL-terminated extra arguments args (may be NULL), reads the port it
 * prints and waits until GET /_fake/faults answers 200.
 */
void cc_test_double_start(cc_test_double_t *d, const char *name, const char *script, const char *const *args);

/* Stops the double (SIGTERM, then SIGKILL after 5 s) and frees what d holds. A double never started is a
 * no-op. */
void cc_test_double_stop(cc_test_double_t *d);

/* One control call (unlogged); the response (caller frees) or NULL on a transport failure (*error set). */
cc_test_response_t *cc_test_double_control(const cc_test_double_t *d, const char *method, const char *path,
                                           const char *body, char **error);

/* A control call that must answer 200 with JSON: that JSON (new reference). */
json_t *cc_test_double_control_json(const cc_test_double_t *d, const char *method, const char *path,
                                    const char *body);

#endif
