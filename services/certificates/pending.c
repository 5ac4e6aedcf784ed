/*
 * TEMPORARY: 501 answers for the routes not built yet. Each slice deletes the
 * lines of the handlers (and functions) it implements; the last one deletes
 * this file.
 */
#include <stdio.h>

#include "certificates.h"
#include "public_index.h"

#define PENDING(fn)                                                                                          \
    void fn(cc_request_t *r)                                                                                 \
    {                                                                                                        \
        cc_respond_error(r, 501, "not_implemented", "not built yet");                                        \
    }

PENDING(certificates_document_handle)
PENDING(public_certificate_handle)
PENDING(public_search_handle)
PENDING(public_qr_handle)
PENDING(public_attestation_handle)
PENDING(verify_form_handle)
PENDING(verify_page_handle)

const cc_notify_handler_t certificates_notify_handlers[CERTIFICATES_NNOTIFY_HANDLERS] = {
    {"cc_certificates", NULL, NULL, NULL},
};

json_t *public_lookup(const char *cb_slug, const char *number, const char *base_url,
                      char etag[PUBLIC_ETAG_SIZE])
{
    (void)cb_slug, (void)number, (void)base_url, (void)etag;
    return NULL;
}

void public_base_url(const cc_request_t *r, char *out, size_t size)
{
    (void)r;
    snprintf(out, size, "http://localhost:8080");
}
