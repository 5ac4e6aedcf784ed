/*
 * The verify page's HTML (issue 9 "Public verification", web page): pure
 * rendering of a public record (the JSON public_lookup() answers) and of the
 * form, into a cc_buf. No I/O and no clock: verify.c serves what these write.
 *
 * Every value from the record or the request is HTML-escaped (a holder named
 * "<script>" shows as text); links carry percent-encoded path segments. The
 * page needs no JavaScript and has one inline <style>, which the page's
 * Content-Security-Policy allows by its hash (verify_html_csp) and nothing
 * else: no script, no remote resource.
 */
#ifndef VERIFY_HTML_H
#define VERIFY_HTML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cc_buf.h"

/* What the banner says about a certificate. */
typedef enum {
    VERIFY_VALID,      /* active, and today within effective..expiry */
    VERIFY_NOT_VALID,  /* active, but outside its dates (not yet effective, or past expiry before the job ran)
                        */
    VERIFY_SUSPENDED,  /* suspended */
    VERIFY_WITHDRAWN,  /* withdrawn (terminal) */
    VERIFY_EXPIRED,    /* expired */
    VERIFY_SUPERSEDED, /* an older revision: the record names the current number */
    VERIFY_NOT_FOUND,  /* no such certificate */
    VERIFY_UNKNOWN     /* a status this page does not know: never shown as valid */
} verify_status_t;

/* The banner for record (NULL: not found), from its `status` and `valid`. */
verify_status_t verify_html_status(const json_t *record);

/* The status's word as the banner shows it ("Valid", "Suspended", ...): a static string. */
const char *verify_html_status_label(verify_status_t status);

/*
 * Appends the complete page (<!DOCTYPE html> ... </html>) for record, the public record of certificate
 * number at the CB cb_slug (both as asked, shown on the not-found page and used for the links). record
 * NULL: the not-found page, with the form filled in to try again. Only what the record holds is shown
 * (a confidential client's record has no holder, scope, sites or dates).
 */
void verify_html_certificate(cc_buf_t *out, const json_t *record, const char *cb_slug, const char *number);

/* What was wrong with a submitted form (bits). */
#define VERIFY_FORM_CB_MISSING 0x1u
#define VERIFY_FORM_CB_INVALID 0x2u
#define VERIFY_FORM_NUMBER_MISSING 0x4u
#define VERIFY_FORM_NUMBER_INVALID 0x8u

/*
 * Appends the form page: two labelled fields (certification body, certificate number) submitted with GET
 * to /verify. cb and number (may be NULL) fill the fields in; errors (VERIFY_FORM_* bits, 0 for none)
 * adds an error summary linking to each field and marks the fields invalid.
 */
void verify_html_form(cc_buf_t *out, const char *cb, const char *number, unsigned errors);

/* Appends s (NUL-terminated, UTF-8) HTML-escaped for text and for quoted attribute values: & < > " ' become
 * entities, and control characters other than tab and newline become U+FFFD. */
void verify_html_escape(cc_buf_t *out, const char *s);

/* Appends s percent-encoded as one URL path segment (only RFC 3986 unreserved characters stay as they are).
 */
void verify_html_path_segment(cc_buf_t *out, const char *s);

/* Whether s is a CB slug as tenants have them (DOMAIN: a-z, 0-9, '-'; upper case accepted, 2..63). */
bool verify_html_is_slug(const char *s);

/* Whether s may be a certificate number: 1..80 of letters, digits, '.', '_' and '-'. */
bool verify_html_is_number(const char *s);

/*
 * Writes the pages' Content-Security-Policy (NUL-terminated) into out: nothing may load or run but the
 * page's own inline style (allowed by its SHA-256), forms submit only to this origin, no framing.
 * Returns false when size is too small.
 */
bool verify_html_csp(char *out, size_t size);

#endif
