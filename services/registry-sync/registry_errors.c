/*
 * The pure half of the registry client (registry_client.h): what an answer of
 * IAF CertSearch means (registry_classify) and its error bodies, in every
 * shape DOMAIN.md "IAF CertSearch" lists, normalised into one list of
 * per-record errors (registry_parse_errors), and freeing a reply. No I/O:
 * unit-tested on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_outbound.h"
#include "registry_client.h"

#define DEFAULT_RETRY_AFTER_S 60

static json_t *string_or_null(const json_t *v)
{
    return json_is_string(v) ? json_string(json_string_value(v)) : json_null();
}

/* One error item's field: "field", "field_name" or "meta": {"field_name"}. */
static json_t *field_of(const json_t *item)
{
    const json_t *f = json_object_get(item, "field");
    if (!json_is_string(f))
        f = json_object_get(item, "field_name");
    if (!json_is_string(f))
        f = json_object_get(json_object_get(item, "meta"), "field_name");
    return string_or_null(f);
}

static json_t *error_entry(json_t *field, const char *code, const char *message)
{
    return json_pack("{s:o, s:s, s:s}", "field", field, "code", code, "message", message);
}

/*
 * Appends the normalised errors of one item {code, message, meta?} to out. A message that is an object
 * ({field: text}, the validation_error shape) becomes one error per field.
 */
static void add_error_item(json_t *out, const json_t *item)
{
    const json_t *c = json_object_get(item, "code");
    const char *code = json_is_string(c) ? json_string_value(c) : "invalid";
    const json_t *m = json_object_get(item, "message");
    if (json_is_object(m)) {
        const char *field;
        const json_t *text;
        json_object_foreach((json_t *)m, field, text)
        {
            char *dumped = json_is_string(text) ? NULL : json_dumps(text, JSON_COMPACT | JSON_ENCODE_ANY);
            json_array_append_new(out, error_entry(json_string(field), code,
                                                   dumped != NULL ? dumped : json_string_value(text)));
            free(dumped);
        }
        if (json_object_size(m) > 0)
            return;
    }
    const char *message = json_is_string(m) ? json_string_value(m) : NULL;
    if (message == NULL) { /* RFC 9457-like: detail, else title */
        const json_t *d = json_object_get(item, "detail");
        if (!json_is_string(d))
            d = json_object_get(item, "title");
        message = json_is_string(d) ? json_string_value(d) : code;
    }
    json_array_append_new(out, error_entry(field_of(item), code, message));
}

/* The entry for record_index in the normalised list, created when absent. */
static json_t *entry_for(json_t *list, json_int_t index)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        if (json_integer_value(json_object_get(e, "record_index")) == index)
            return json_object_get(e, "errors");
    }
    json_t *errors = json_array();
    json_array_append_new(list, json_pack("{s:I, s:o}", "record_index", index, "errors", errors));
    return errors;
}

static void add_items(json_t *list, json_int_t index, const json_t *items);

/* One element of an errors list or object: a record's {"record_index", "errors"}, or a plain error. */
static void add_item(json_t *list, json_int_t index, const json_t *item)
{
    if (!json_is_object(item))
        return;
    const json_t *ri = json_object_get(item, "record_index");
    if (json_is_integer(ri) && json_integer_value(ri) >= 0) {
        const json_t *inner = json_object_get(item, "errors");
        json_t *errors = entry_for(list, json_integer_value(ri));
        if (inner == NULL || json_is_null(inner) || (json_is_array(inner) && json_array_size(inner) == 0))
            json_array_append_new(errors,
                                  error_entry(json_null(), "rejected", "the registry refused this record"));
        else
            add_items(list, json_integer_value(ri), inner);
        return;
    }
    add_error_item(entry_for(list, index), item);
}

/* items: an array of items, or one item. */
static void add_items(json_t *list, json_int_t index, const json_t *items)
{
    if (json_is_array(items)) {
        size_t i;
        const json_t *item;
        json_array_foreach((json_t *)items, i, item) add_item(list, index, item);
    } else {
        add_item(list, index, items);
    }
}

json_t *registry_parse_errors(const char *body, size_t len)
{
    json_t *list = json_array();
    json_t *doc = body != NULL && len > 0 ? json_loadb(body, len, 0, NULL) : NULL;
    if (json_is_array(doc)) { /* a bare list of errors */
        add_items(list, -1, doc);
    } else if (json_is_object(doc)) {
        const json_t *data = json_object_get(doc, "data");
        const json_t *errors = json_object_get(doc, "errors");
        if (json_is_object(data) && json_object_get(data, "errors") != NULL)
            add_items(list, -1, json_object_get(data, "errors")); /* bulk: {"data": {"errors": ...}} */
        else if (json_is_array(errors) || json_is_object(errors))
            add_items(list, -1, errors); /* {"errors": [...]} and {"error": true, "errors": {...}} */
        else if (json_object_get(doc, "code") != NULL || json_object_get(doc, "title") != NULL ||
                 json_object_get(doc, "detail") != NULL)
            add_error_item(entry_for(list, -1), doc); /* RFC 9457-like */
    }
    json_decref(doc);
    /* An entry whose errors could not be read (a record named with junk) still names its record. */
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        json_t *errors = json_object_get(e, "errors");
        if (json_array_size(errors) == 0)
            json_array_append_new(errors,
                                  error_entry(json_null(), "rejected", "the registry refused this record"));
    }
    return list;
}

/* The first error's message, for detail. */
static const char *first_message(const json_t *record_errors)
{
    const json_t *e = json_array_get(json_object_get(json_array_get(record_errors, 0), "errors"), 0);
    const char *m = json_string_value(json_object_get(e, "message"));
    return m != NULL ? m : "";
}

static bool names_records(const char *body, size_t len)
{
    json_t *doc = body != NULL && len > 0 ? json_loadb(body, len, 0, NULL) : NULL;
    const json_t *errors = json_object_get(json_object_get(doc, "data"), "errors");
    bool named = (json_is_array(errors) && json_array_size(errors) > 0) || json_is_object(errors);
    json_decref(doc);
    return named;
}

static registry_outcome_t outcome_of(int status, const char *body, size_t len)
{
    if (status >= 200 && status < 300)
        return names_records(body, len) ? REGISTRY_REJECTED : REGISTRY_OK;
    if (status == 401 || status == 403)
        return REGISTRY_UNAUTHORIZED;
    if (status == 404)
        return REGISTRY_NOT_FOUND;
    if (status == 429)
        return REGISTRY_THROTTLED;
    if (status == 408 || status == 425 || status < 200 || (status >= 300 && status < 400) || status >= 500)
        return REGISTRY_TRANSIENT;
    return REGISTRY_REJECTED; /* 400, 405, 406, 409, 413, 422, ...: the request itself is refused */
}

void registry_classify(int status, const char *body, size_t len, const char *retry_after, time_t now,
                       registry_reply_t *reply)
{
    reply->http_status = status;
    reply->outcome = outcome_of(status, body, len);
    json_decref(reply->record_errors);
    reply->record_errors = NULL;
    switch (reply->outcome) {
    case REGISTRY_OK:
        snprintf(reply->detail, sizeof(reply->detail), "HTTP %d", status);
        break;
    case REGISTRY_REJECTED: {
        json_t *errors = registry_parse_errors(body, len);
        if (json_array_size(errors) == 0) {
            char code[16];
            snprintf(code, sizeof(code), "http_%d", status);
            json_array_append_new(
                errors, json_pack("{s:i, s:[o]}", "record_index", -1, "errors",
                                  error_entry(json_null(), code, "the registry refused the request")));
        }
        reply->record_errors = errors;
        snprintf(reply->detail, sizeof(reply->detail), "HTTP %d: %zu record(s) refused: %s", status,
                 json_array_size(errors), first_message(errors));
        break;
    }
    case REGISTRY_UNAUTHORIZED:
        snprintf(reply->detail, sizeof(reply->detail), "HTTP %d: the registry refused the API key", status);
        break;
    case REGISTRY_THROTTLED: {
        int s = cc_outbound_retry_after(retry_after, now);
        reply->retry_after_s = s >= 0 ? s : DEFAULT_RETRY_AFTER_S;
        snprintf(reply->detail, sizeof(reply->detail), "HTTP 429: retry after %d s", reply->retry_after_s);
        break;
    }
    case REGISTRY_NOT_FOUND:
        snprintf(reply->detail, sizeof(reply->detail), "HTTP 404: not found");
        break;
    default:
        snprintf(reply->detail, sizeof(reply->detail), "HTTP %d%s", status,
                 status >= 300 && status < 400 ? ": a redirect (not followed)" : ": the registry failed");
        break;
    }
}

void registry_reply_free(registry_reply_t *reply)
{
    if (reply == NULL)
        return;
    free(reply->company_certifications_id);
    json_decref(reply->record_errors);
    json_decref(reply->data);
    json_decref(reply->meta);
    reply->company_certifications_id = NULL;
    reply->record_errors = reply->data = reply->meta = NULL;
}
