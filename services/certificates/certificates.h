/*
 * The certificates service (issue 9; DOMAIN.md "Certificates"): certification
 * decisions, certificates with their revisions and transitions, the expiry
 * job, the printed certificate, and public verification. The schema is
 * db/migrations/0017_certificates.sql.
 */
#ifndef CERTIFICATES_H
#define CERTIFICATES_H

#include "cc_db.h"
#include "cc_http.h"
#include "cc_notify.h"
#include "cc_write.h"

/* ---- routes (routes.c) ---- */
extern const cc_route_t certificates_routes[];
extern const size_t certificates_nroutes;
extern const cc_sql_t *const certificates_read_statements[];
extern const size_t certificates_nread_statements;

/* ---- decisions ---- */
void decisions_create_handle(cc_request_t *r); /* POST /v1/decisions */
void decisions_list_handle(cc_request_t *r);   /* GET /v1/decisions?programme_id= */

/* ---- certificates ---- */
void certificates_list_handle(cc_request_t *r);         /* GET /v1/certificates */
void certificates_get_handle(cc_request_t *r);          /* GET /v1/certificates/{id} */
void certificates_suspend_handle(cc_request_t *r);      /* POST /v1/certificates/{id}/suspend */
void certificates_restore_handle(cc_request_t *r);      /* POST /v1/certificates/{id}/restore */
void certificates_withdraw_handle(cc_request_t *r);     /* POST /v1/certificates/{id}/withdraw */
void certificates_reduce_scope_handle(cc_request_t *r); /* POST /v1/certificates/{id}/reduce-scope */
void certificates_document_handle(cc_request_t *r);     /* GET /v1/certificates/{id}/document.pdf */

/* The expiry job (the service's housekeeping: at start and at least every minute). */
void certificates_housekeeping(cc_dbconn_t *db);

/* ---- public verification (no login) ---- */
void public_certificate_handle(cc_request_t *r); /* GET /public/v1/cbs/{cb_slug}/certificates/{number} */
void public_search_handle(cc_request_t *r);      /* GET /public/v1/certificates?number= | ?holder=&country= */
void public_qr_handle(cc_request_t *r); /* GET /public/v1/cbs/{cb_slug}/certificates/{number}/qr.svg */
void public_attestation_handle(
    cc_request_t *r);                     /* GET /public/v1/cbs/{cb_slug}/certificates/{number}/attestation */
void verify_form_handle(cc_request_t *r); /* GET /verify */
void verify_page_handle(cc_request_t *r); /* GET /verify/{cb_slug}/{number} */

/* The public index's LISTEN channel (cc_certificates), kept current by notifications. */
#define CERTIFICATES_NNOTIFY_HANDLERS 1
extern const cc_notify_handler_t certificates_notify_handlers[CERTIFICATES_NNOTIFY_HANDLERS];

#endif
