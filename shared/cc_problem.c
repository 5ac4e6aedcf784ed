/*
 * Building RFC 9457 problem+json bodies.
 */
#include "cc_problem.h"

#include <stdio.h>

const char *cc_http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Content";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

json_t *cc_problem_new(int status, const char *code, const char *detail)
{
    char type[128];
    snprintf(type, sizeof(type), "%s%s", CC_PROBLEM_TYPE_BASE, code);
    const char *title = cc_http_reason(status);
    return json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title", title, "status", status, "code",
                     code, "detail", detail != NULL ? detail : title);
}

void cc_problem_add_error(json_t *problem, const char *field, const char *code, const char *message)
{
    json_t *errors = json_object_get(problem, "errors");
    if (errors == NULL) {
        errors = json_array();
        json_object_set_new(problem, "errors", errors);
    }
    json_array_append_new(errors,
                          json_pack("{s:s, s:s, s:s}", "field", field, "code", code, "message", message));
}

size_t cc_problem_error_count(const json_t *problem)
{
    return json_array_size(json_object_get(problem, "errors"));
}

int cc_problem_status(const json_t *problem)
{
    json_t *status = json_object_get(problem, "status");
    return json_is_integer(status) ? (int)json_integer_value(status) : 500;
}
