/*
 * Route matching: segment by segment, `{name}` captures exactly one non-empty
 * segment. A trailing slash is a different path (no silent redirects).
 */
#include "cc_router.h"

#include <string.h>

static int match_pattern(const char *pattern, const char *path, size_t path_len, cc_path_params_t *params)
{
    const char *p = pattern, *s = path, *end = path + path_len;
    params->count = 0;
    while (*p != '\0') {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *seg_end = memchr(s, '/', (size_t)(end - s));
            if (seg_end == NULL)
                seg_end = end;
            if (close == NULL || seg_end == s || params->count == CC_MAX_PATH_PARAMS)
                return 0;
            params->items[params->count].name = p + 1;
            params->items[params->count].name_len = (size_t)(close - p - 1);
            params->items[params->count].value = s;
            params->items[params->count].value_len = (size_t)(seg_end - s);
            params->count++;
            p = close + 1;
            s = seg_end;
            continue;
        }
        if (s == end || *p != *s)
            return 0;
        p++;
        s++;
    }
    return s == end;
}

static void append_allow(char *allow, const char *method)
{
    if (strstr(allow, method) != NULL)
        return;
    size_t used = strlen(allow);
    if (used + strlen(method) + 3 >= CC_ALLOW_CAP)
        return;
    if (used != 0)
        strcat(allow, ", ");
    strcat(allow, method);
}

cc_route_result_t cc_router_match(const cc_route_t *routes, size_t nroutes, const char *method,
                                  size_t method_len, const char *path, size_t path_len, size_t *index,
                                  cc_path_params_t *params, char allow[CC_ALLOW_CAP])
{
    cc_path_params_t scratch;
    int path_known = 0;
    allow[0] = '\0';
    for (size_t i = 0; i < nroutes; i++) {
        if (!match_pattern(routes[i].pattern, path, path_len, &scratch))
            continue;
        if (strlen(routes[i].method) == method_len && memcmp(routes[i].method, method, method_len) == 0) {
            *index = i;
            *params = scratch;
            return CC_ROUTE_FOUND;
        }
        path_known = 1;
        append_allow(allow, routes[i].method);
    }
    return path_known ? CC_ROUTE_METHOD_NOT_ALLOWED : CC_ROUTE_NOT_FOUND;
}

const char *cc_path_param(const cc_path_params_t *params, const char *name, size_t *len)
{
    size_t name_len = strlen(name);
    for (size_t i = 0; i < params->count; i++) {
        if (params->items[i].name_len == name_len && memcmp(params->items[i].name, name, name_len) == 0) {
            *len = params->items[i].value_len;
            return params->items[i].value;
        }
    }
    return NULL;
}
