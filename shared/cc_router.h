/*
 * The route table: method + path pattern with `{name}` segments -> handler and
 * the roles allowed. Matching is pure (no h2o), so it is unit tested alone.
 * Routes are tried in table order: put specific patterns before general ones.
 */
#ifndef CC_ROUTER_H
#define CC_ROUTER_H

#include <stddef.h>

#define CC_MAX_PATH_PARAMS 4
#define CC_ALLOW_CAP 64

struct cc_request;
typedef void (*cc_handler_fn)(struct cc_request *r);

typedef struct cc_route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/v1/users/{id}" */
    cc_handler_fn handler;
    unsigned roles; /* cc_role_t bits allowed; 0 = public, no token needed */
} cc_route_t;

typedef struct cc_path_params {
    size_t count;
    struct {
        const char *name; /* points into the pattern */
        size_t name_len;
        const char *value; /* points into the request path */
        size_t value_len;
    } items[CC_MAX_PATH_PARAMS];
} cc_path_params_t;

typedef enum {
    CC_ROUTE_FOUND = 0,
    CC_ROUTE_NOT_FOUND = -1,
    CC_ROUTE_METHOD_NOT_ALLOWED = -2
} cc_route_result_t;

/*
 * Matches method and path (no query string) against routes. On CC_ROUTE_FOUND
 * sets *index and fills params. On CC_ROUTE_METHOD_NOT_ALLOWED writes the
 * comma-separated methods the path does allow into allow (NUL-terminated).
 */
cc_route_result_t cc_router_match(const cc_route_t *routes, size_t nroutes, const char *method,
                                  size_t method_len, const char *path, size_t path_len, size_t *index,
                                  cc_path_params_t *params, char allow[CC_ALLOW_CAP]);

/* Finds a parameter by name; returns its value and length, or NULL. */
const char *cc_path_param(const cc_path_params_t *params, const char *name, size_t *len);

#endif
