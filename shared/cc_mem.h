/*
 * Allocation helpers. Allocation failure is not a recoverable condition for a
 * service: these abort, so call sites never test for NULL (as Redis's zmalloc).
 */
#ifndef CC_MEM_H
#define CC_MEM_H

#include <stddef.h>

/*
 * Routes the allocations of the libraries that accept allocators (jansson) through
 * cc_malloc() and free(), so they abort on exhaustion like ours. Call once at process
 * start, before any thread or JSON value exists: cc_service_main(), the CLI and every
 * test main (cc_test_run()) do. Idempotent.
 */
void cc_mem_init(void);

/* malloc that aborts on failure. */
void *cc_malloc(size_t size);
/* calloc that aborts on failure. */
void *cc_calloc(size_t count, size_t size);
/* realloc that aborts on failure. */
void *cc_realloc(void *ptr, size_t size);
/* strdup that aborts on failure; the caller frees. */
char *cc_strdup(const char *s);
/* Copies at most len bytes of s and NUL-terminates; the caller frees. */
char *cc_strndup(const char *s, size_t len);

#endif
