/*
 * The public verification API (no login; issue 9 "Public verification"):
 * GET /public/v1/cbs/{cb_slug}/certificates/{number} and GET /public/v1/certificates?number= |
 * ?holder=&country=. Both answer from the in-memory index (public_index.h), never from the database, rate
 * limited per client address (public_rate.h), open to any origin and cacheable for a minute with a strong
 * ETag (public_http.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cc_problem.h"
#include "certificates.h"
#include "public_http.h"
#include "public_index.h"
#include "public_rate.h"

#define NUMBER_MAX 60 /* certificates_number_key's pattern: 2..60 of [A-Za-z0-9._-] */
#define HOLDER_MAX 300

/* A certificate number's shape (0017's certifications_number_check, plus -R<n>). */
static bool is_number(const char *s, size_t len)
{
    if (len < 2 || len > NUMBER_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '.' || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

static bool is_slug(const char *s, size_t len)
{
    if (len < 2 || len > 63)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '-'))
            return false;
    return true;
}

/* Sends a public JSON answer: 304 when If-None-Match names etag, else 200 with text (freed here). */
static void answer_text(cc_request_t *r, char *text, size_t len, const char *etag)
{
    if (!public_not_modified_or_respond(r, etag)) {
        public_headers(r, etag);
        cc_respond_text(r, 200, "application/json", text, len);
    }
    free(text);
}

void public_certificate_handle(cc_request_t *r)
{
    if (!public_rate_admit(r) || !public_ready_or_respond(r))
        return;
    size_t slug_len, number_len;
    const char *slug = cc_path_param(&r->params, "cb_slug", &slug_len);
    const char *number = cc_path_param(&r->params, "number", &number_len);
    if (slug == NULL || number == NULL || !is_slug(slug, slug_len) || !is_number(number, number_len)) {
        public_not_found(r);
        return;
    }
    char base[512], etag[PUBLIC_ETAG_SIZE];
    public_base_url(r, base, sizeof(base));
    size_t len;
    char *text = public_lookup_text(cc_request_strdup(r, slug, slug_len),
                                    cc_request_strdup(r, number, number_len), base, etag, &len);
    if (text == NULL) {
        public_not_found(r);
        return;
    }
    answer_text(r, text, len, etag);
}

/* Reads query parameter name into buf: 1 when present and non-empty, 0 when absent; -1 after adding an
 * error to *problem (too long, empty or holding a wildcard). */
static int query_value(cc_request_t *r, const char *name, char *buf, size_t cap, json_t **problem)
{
    int n = cc_query_param(r, name, buf, cap);
    const char *why = NULL, *code = NULL;
    if (n == -1)
        return 0;
    if (n == -2)
        code = "too_long", why = "is too long";
    else if (n == 0)
        code = "required", why = "must not be empty";
    else if (strpbrk(buf, "*%?") != NULL)
        code = "wildcard_not_allowed", why = "must be the exact value: no wildcard or partial match";
    if (code == NULL)
        return 1;
    if (*problem == NULL)
        *problem = cc_problem_new(400, "validation_failed", "the search is not valid");
    cc_problem_add_error(*problem, name, code, why);
    return -1;
}

static void add_error(json_t **problem, const char *field, const char *code, const char *message)
{
    if (*problem == NULL)
        *problem = cc_problem_new(400, "validation_failed", "the search is not valid");
    cc_problem_add_error(*problem, field, code, message);
}

/* Checks the search's parameters (public_index.h: public_search_text); answers 400 and returns -1. */
static int search_query_or_respond(cc_request_t *r, char *number, char *holder, char *country)
{
    json_t *problem = NULL;
    int has_number = query_value(r, "number", number, NUMBER_MAX + 1, &problem);
    int has_holder = query_value(r, "holder", holder, HOLDER_MAX + 1, &problem);
    int has_country = query_value(r, "country", country, 3, &problem);
    if (has_number == 1 && !is_number(number, strlen(number)))
        add_error(&problem, "number", "invalid_format", "must be a whole certificate number");
    if (has_country == 1 &&
        (strlen(country) != 2 || !isalpha((unsigned char)country[0]) || !isalpha((unsigned char)country[1])))
        add_error(&problem, "country", "invalid_format", "must be an ISO 3166-1 alpha-2 code");
    if (has_number == 1 && (has_holder != 0 || has_country != 0))
        add_error(&problem, has_holder != 0 ? "holder" : "country", "not_allowed",
                  "search by number, or by holder and country, not both");
    else if (has_number == 0 && has_holder == 1 && has_country == 0)
        add_error(&problem, "country", "required", "a search by holder needs the country");
    else if (has_number == 0 && has_holder == 0 && has_country == 1)
        add_error(&problem, "holder", "required", "a search by country needs the holder's exact legal name");
    else if (has_number == 0 && has_holder == 0 && has_country == 0)
        add_error(&problem, "number", "required", "give number, or holder and country: there is no listing");
    if (problem == NULL)
        return 0;
    cc_set_header(r, "access-control-allow-origin", "*");
    cc_respond_problem(r, problem);
    return -1;
}

void public_search_handle(cc_request_t *r)
{
    if (!public_rate_admit(r) || !public_ready_or_respond(r))
        return;
    char number[NUMBER_MAX + 1], holder[HOLDER_MAX + 1], country[3];
    number[0] = holder[0] = country[0] = '\0';
    if (search_query_or_respond(r, number, holder, country) != 0)
        return;
    char base[512], etag[PUBLIC_ETAG_SIZE];
    public_base_url(r, base, sizeof(base));
    size_t len;
    char *text = number[0] != '\0' ? public_search_text(number, NULL, NULL, base, etag, &len)
                                   : public_search_text(NULL, holder, country, base, etag, &len);
    answer_text(r, text, len, etag);
}
