/*
 * Aborting allocators: see cc_mem.h.
 */
#include "cc_mem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t size)
{
    fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory allocating %zu bytes\"}\n", size);
    abort();
}

void *cc_malloc(size_t size)
{
    void *p = malloc(size == 0 ? 1 : size);
    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *cc_calloc(size_t count, size_t size)
{
    void *p = calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
    if (p == NULL)
        out_of_memory(count * size);
    return p;
}

void *cc_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size == 0 ? 1 : size);
    if (p == NULL)
        out_of_memory(size);
    return p;
}

char *cc_strndup(const char *s, size_t len)
{
    char *p = cc_malloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *cc_strdup(const char *s)
{
    return cc_strndup(s, strlen(s));
}

void cc_mem_init(void)
{
    /* jansson checks for NULL, but we never hand it one: exhaustion aborts here instead. */
    json_set_alloc_funcs(cc_malloc, free);
}
