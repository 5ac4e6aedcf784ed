/*
 * The printed certificate (DOMAIN.md "Certificates"; issue 9 "The printed
 * certificate"): an A4 PDF rendered with cairo from the certificate as the API
 * shows it plus its holder and CB. Pure rendering: no I/O, no database.
 */
#ifndef CERTIFICATE_PDF_H
#define CERTIFICATE_PDF_H

#include <jansson.h>
#include <stddef.h>

/*
 * Renders the certificate doc into a PDF. doc (borrowed) is
 * cc_certificate_json(c, false) (number, revision, certification_id,
 * standard, scope, sites [{name, street, city, state, post_code, country,
 * scope}], soa_version, original_issue_date, issue_date, effective_date,
 * expiry_date, status, suspended_since, withdrawn_on, expired_on) with
 * "holder" {legal_name, street, city, state, post_code, country} and
 * "certification_body" {name, address, accreditation_body}; verify_url is what
 * the QR code below the details encodes. Long texts wrap; more sites than fit
 * go on to further pages; a status other than active is printed across every
 * page ("SUSPENDED", ...) and beside the number. Returns 0 and a caller-freed
 * *pdf of *len bytes, or -1 (cairo failed, or verify_url cannot be encoded).
 */
int certificate_pdf_render(const json_t *doc, const char *verify_url, unsigned char **pdf, size_t *len);

#endif
