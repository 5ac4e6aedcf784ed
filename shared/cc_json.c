/*
 * Field-table validation of JSON request bodies; see cc_json.h.
 */
#include "cc_json.h"

#include <stdio.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_problem.h"
#include "civil_date.h"

size_t cc_utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

bool cc_is_date(const char *s, size_t len)
{
    /* The calendar is libccrules'; a request's dates start in 1900. */
    civil_date_t d;
    return civil_date_parse_n(s, len, &d) == 0 && d.year >= 1900;
}

bool cc_is_email(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    if (at == NULL || at == s || memchr(at + 1, '@', len - (size_t)(at - s) - 1) != NULL)
        return false;
    const char *domain = at + 1;
    size_t domain_len = len - (size_t)(domain - s);
    const char *dot = memchr(domain, '.', domain_len);
    if (dot == NULL || dot == domain || domain[domain_len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return false;
    return true;
}

const char *cc_json_str(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const cc_field_t *find_field(const cc_field_t *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

static bool is_in(const char *const *values, const char *s)
{
    for (; values != NULL && *values != NULL; values++)
        if (strcmp(*values, s) == 0)
            return true;
    return false;
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

static int check_string(const cc_field_t *f, const json_t *v, json_t *problem)
{
    char msg[160];
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    size_t chars = cc_utf8_length(s, len);
    if (memchr(s, '\0', len) != NULL) {
        cc_problem_add_error(problem, f->name, "invalid", "must not contain NUL characters");
        return 1;
    }
    switch (f->type) {
    case CC_FIELD_UUID:
        if (!cc_is_uuid(s, len)) {
            cc_problem_add_error(problem, f->name, "invalid_uuid", "must be a UUID");
            return 1;
        }
        return 0;
    case CC_FIELD_DATE:
        if (!cc_is_date(s, len)) {
            cc_problem_add_error(problem, f->name, "invalid_date", "must be a date YYYY-MM-DD");
            return 1;
        }
        return 0;
    case CC_FIELD_ENUM:
        if (!is_in(f->values, s)) {
            size_t used = (size_t)snprintf(msg, sizeof(msg), "must be one of:");
            for (const char *const *e = f->values; e != NULL && *e != NULL && used < sizeof(msg); e++)
                used += (size_t)snprintf(msg + used, sizeof(msg) - used, " %s", *e);
            cc_problem_add_error(problem, f->name, "invalid_value", msg);
            return 1;
        }
        return 0;
    case CC_FIELD_EMAIL:
        if (!cc_is_email(s, len)) {
            cc_problem_add_error(problem, f->name, "invalid_email", "must be an e-mail address");
            return 1;
        }
        break;
    default:
        break;
    }
    if (f->type == CC_FIELD_STRING && f->min >= 1 && is_blank(s, len)) {
        cc_problem_add_error(problem, f->name, "empty", "must not be blank");
        return 1;
    }
    if ((double)chars < f->min) {
        snprintf(msg, sizeof(msg), "must be at least %.15g characters", f->min);
        cc_problem_add_error(problem, f->name, f->min == 1 ? "empty" : "too_short", msg);
        return 1;
    }
    if (f->max > 0 && (double)chars > f->max) {
        snprintf(msg, sizeof(msg), "must be at most %.15g characters", f->max);
        cc_problem_add_error(problem, f->name, "too_long", msg);
        return 1;
    }
    return 0;
}

/* An int or number within [min, max] (max 0: no upper bound); 1 after adding the error. */
static int check_range(const cc_field_t *f, double value, json_t *problem)
{
    char msg[96];
    if (value >= f->min && (f->max == 0 || value <= f->max))
        return 0;
    if (f->max == 0)
        snprintf(msg, sizeof(msg), "must be at least %.15g", f->min);
    else
        snprintf(msg, sizeof(msg), "must be between %.15g and %.15g", f->min, f->max);
    cc_problem_add_error(problem, f->name, "out_of_range", msg);
    return 1;
}

static int check_value(const cc_field_t *f, const json_t *v, json_t *problem)
{
    char msg[96];
    if (json_is_null(v)) {
        if (f->flags & CC_FIELD_NULLABLE)
            return 0;
        cc_problem_add_error(problem, f->name, "null", "must not be null");
        return 1;
    }
    switch (f->type) {
    case CC_FIELD_STRING:
    case CC_FIELD_EMAIL:
    case CC_FIELD_UUID:
    case CC_FIELD_DATE:
    case CC_FIELD_ENUM:
        if (!json_is_string(v))
            break;
        return check_string(f, v, problem);
    case CC_FIELD_BOOL:
        if (!json_is_boolean(v))
            break;
        return 0;
    case CC_FIELD_INT:
        if (!json_is_integer(v))
            break;
        return check_range(f, (double)json_integer_value(v), problem);
    case CC_FIELD_NUMBER:
        if (!json_is_number(v))
            break;
        return check_range(f, json_number_value(v), problem);
    case CC_FIELD_OBJECT:
        if (!json_is_object(v))
            break;
        return 0;
    case CC_FIELD_ARRAY:
        if (!json_is_array(v))
            break;
        return 0;
    }
    /* indexed by cc_field_type_t */
    static const char *const type_names[] = {"a string",   "a string", "a string", "a string",  "a boolean",
                                             "an integer", "a number", "a string", "an object", "an array"};
    snprintf(msg, sizeof(msg), "must be %s", type_names[f->type]);
    cc_problem_add_error(problem, f->name, "wrong_type", msg);
    return 1;
}

size_t cc_json_validate(const json_t *body, const cc_field_t *fields, size_t nfields, json_t *problem)
{
    size_t errors = 0;
    const char *key;
    json_t *value;
    if (!json_is_object(body)) {
        cc_problem_add_error(problem, "", "wrong_type", "the body must be a JSON object");
        return 1;
    }
    json_object_foreach((json_t *)body, key, value)
    {
        const cc_field_t *f = find_field(fields, nfields, key);
        if (f == NULL) {
            cc_problem_add_error(problem, key, "unknown_field", "is not a field of this resource");
            errors++;
            continue;
        }
        errors += (size_t)check_value(f, value, problem);
    }
    for (size_t i = 0; i < nfields; i++) {
        if ((fields[i].flags & CC_FIELD_REQUIRED) && json_object_get(body, fields[i].name) == NULL) {
            cc_problem_add_error(problem, fields[i].name, "required", "is required");
            errors++;
        }
    }
    return errors;
}

size_t cc_json_validate_at(const json_t *body, const char *path, const cc_field_t *fields, size_t nfields,
                           json_t *problem)
{
    json_t *scratch = json_object();
    size_t n = cc_json_validate(body, fields, nfields, scratch);
    json_t *errors = json_object_get(scratch, "errors"), *e;
    size_t i;
    json_array_foreach(errors, i, e)
    {
        const char *field = json_string_value(json_object_get(e, "field"));
        char name[256];
        snprintf(name, sizeof(name), field[0] != '\0' ? "%s.%s" : "%s%s", path, field);
        cc_problem_add_error(problem, name, json_string_value(json_object_get(e, "code")),
                             json_string_value(json_object_get(e, "message")));
    }
    json_decref(scratch);
    return n;
}
