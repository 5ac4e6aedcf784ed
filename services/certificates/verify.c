/*
 * The verify page (issue 9 "Public verification", web page; no login):
 *   GET /verify                      the form; submitted (?cb=&number=) it answers 303 to the page
 *   GET /verify/{cb_slug}/{number}   the certificate's page (404 when unknown)
 * Both answer from the in-memory public index (public_lookup(), never the
 * database) as HTML rendered by verify_html.c, with a Content-Security-Policy
 * that lets nothing run or load but the page's own stylesheet. Rate limited
 * per client address like every public route (public_rate.h).
 */
#include <pthread.h>
#include <string.h>

#include "cc_buf.h"
#include "certificates.h"
#include "public_http.h"
#include "public_index.h"
#include "public_rate.h"
#include "verify_html.h"

#define VERIFY_FIELD_CAP 256 /* a form field beyond this is not a slug or a number */

static char csp[256];
static pthread_once_t csp_once = PTHREAD_ONCE_INIT;

static void csp_init(void)
{
    if (!verify_html_csp(csp, sizeof(csp)))
        strcpy(csp, "default-src 'none'"); /* unreachable with a 256-byte buffer; the page is then unstyled */
}

/* Answers the page in out (freed here) with the headers every verify page carries. */
static void respond_html(cc_request_t *r, int status, cc_buf_t *out)
{
    pthread_once(&csp_once, csp_init);
    cc_set_header(r, "Content-Security-Policy", csp);
    cc_set_header(r, "X-Content-Type-Options", "nosniff");
    cc_set_header(r, "X-Frame-Options", "DENY");
    cc_set_header(r, "Referrer-Policy", "no-referrer");
    /* A status can change at any moment: the browser asks again each time (the index answers in memory). */
    cc_set_header(r, "Cache-Control", "no-cache");
    cc_respond_text(r, status, "text/html; charset=utf-8", out->data, out->len);
    free(out->data);
}

/* Removes leading and trailing white space in place (people paste numbers with spaces around them). */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Reads form field name into buf (trimmed): "" when absent or empty, NULL when too long to be valid. */
static char *form_field(cc_request_t *r, const char *name, char buf[VERIFY_FIELD_CAP])
{
    int n = cc_query_param(r, name, buf, VERIFY_FIELD_CAP);
    if (n == -2)
        return NULL;
    if (n < 0)
        buf[0] = '\0';
    return trim(buf);
}

void verify_form_handle(cc_request_t *r)
{
    if (!public_rate_admit(r))
        return;
    char cb_buf[VERIFY_FIELD_CAP], number_buf[VERIFY_FIELD_CAP];
    char *cb = form_field(r, "cb", cb_buf), *number = form_field(r, "number", number_buf);
    bool submitted = r->req->query_at != SIZE_MAX;
    unsigned errors = 0;
    if (submitted) {
        if (cb != NULL && cb[0] == '\0')
            errors |= VERIFY_FORM_CB_MISSING;
        else if (cb == NULL || !verify_html_is_slug(cb))
            errors |= VERIFY_FORM_CB_INVALID;
        if (number != NULL && number[0] == '\0')
            errors |= VERIFY_FORM_NUMBER_MISSING;
        else if (number == NULL || !verify_html_is_number(number))
            errors |= VERIFY_FORM_NUMBER_INVALID;
    }
    cc_buf_t out = {0};
    if (submitted && errors == 0) {
        for (char *c = cb; *c != '\0'; c++) /* slugs are lower case: one address per certificate */
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        cc_buf_append(&out, "/verify/", 8);
        verify_html_path_segment(&out, cb);
        cc_buf_append(&out, "/", 1);
        verify_html_path_segment(&out, number);
        cc_set_header(r, "Location", out.data);
        cc_set_header(r, "Cache-Control", "no-store");
        cc_respond_text(r, 303, NULL, "", 0);
        free(out.data);
        return;
    }
    verify_html_form(&out, cb != NULL ? cb : "", number != NULL ? number : "", errors);
    respond_html(r, errors != 0 ? 400 : 200, &out);
}

/*
 * A path parameter as a request-lived string (the router matches h2o's normalised path, so escapes are
 * already decoded). NULL when it holds a control character: no certificate has such a number.
 */
static char *path_segment(cc_request_t *r, const char *name)
{
    size_t len = 0;
    const char *raw = cc_path_param(&r->params, name, &len);
    if (raw == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7f)
            return NULL;
    return cc_request_strdup(r, raw, len);
}

void verify_page_handle(cc_request_t *r)
{
    /* While the index loads at start, 503 (try again) rather than a false "Not found". */
    if (!public_rate_admit(r) || !public_ready_or_respond(r))
        return;
    char *slug = path_segment(r, "cb_slug"), *number = path_segment(r, "number");
    json_t *record = NULL;
    if (slug != NULL && number != NULL && verify_html_is_slug(slug) && verify_html_is_number(number)) {
        char base[512];
        public_base_url(r, base, sizeof(base));
        record = public_lookup(slug, number, base, NULL);
    }
    cc_buf_t out = {0};
    verify_html_certificate(&out, record, slug != NULL ? slug : "", number != NULL ? number : "");
    respond_html(r, record != NULL ? 200 : 404, &out);
    json_decref(record);
}
