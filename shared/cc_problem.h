/*
 * RFC 9457 problem details. Every error a service answers is one of these,
 * with a stable machine `code` that clients may switch on; validation errors
 * list the offending fields in `errors`.
 */
#ifndef CC_PROBLEM_H
#define CC_PROBLEM_H

#include <jansson.h>

#define CC_PROBLEM_TYPE_BASE "https://certcycle.dev/problems/"

/*
 * Returns a new problem object {type, title, status, code, detail}; detail may
 * be NULL (the title is used). The caller owns the result.
 */
json_t *cc_problem_new(int status, const char *code, const char *detail);

/* Appends {field, code, message} to the problem's `errors` array (created on first use). */
void cc_problem_add_error(json_t *problem, const char *field, const char *code, const char *message);

/* Number of entries in `errors`. */
size_t cc_problem_error_count(const json_t *problem);

/* The HTTP status stored in a problem (500 when absent). */
int cc_problem_status(const json_t *problem);

/* The standard reason phrase of an HTTP status ("Not Found"), "Error" when unknown. */
const char *cc_http_reason(int status);

#endif
