/*
 * The certificates service's route table (method, path, handler, roles
 * allowed; 0 = public) and the statements its reads prepare on the read
 * connections. A client user sees only its own organisation's certificates
 * (each handler's SQL).
 */
#include "cc_roles.h"
#include "certificate_store.h"
#include "certificates.h"
#include "decisions.h"

#define DECIDING (CC_ROLE_ADMIN | CC_ROLE_DECISION_MAKER)

const cc_route_t certificates_routes[] = {
    {"POST", "/v1/decisions", decisions_create_handle, DECIDING},
    {"GET", "/v1/decisions", decisions_list_handle, CC_ROLES_STAFF},
    {"GET", "/v1/certificates", certificates_list_handle, CC_ROLES_ANY},
    {"GET", "/v1/certificates/{id}", certificates_get_handle, CC_ROLES_ANY},
    {"POST", "/v1/certificates/{id}/suspend", certificates_suspend_handle, DECIDING},
    {"POST", "/v1/certificates/{id}/restore", certificates_restore_handle, DECIDING},
    {"POST", "/v1/certificates/{id}/withdraw", certificates_withdraw_handle, DECIDING},
    {"POST", "/v1/certificates/{id}/reduce-scope", certificates_reduce_scope_handle, DECIDING},
    {"GET", "/v1/certificates/{id}/document.pdf", certificates_document_handle, CC_ROLES_ANY},
    {"GET", "/public/v1/certificates", public_search_handle, 0},
    {"GET", "/public/v1/cbs/{cb_slug}/certificates/{number}", public_certificate_handle, 0},
    {"GET", "/public/v1/cbs/{cb_slug}/certificates/{number}/qr.svg", public_qr_handle, 0},
    {"GET", "/public/v1/cbs/{cb_slug}/certificates/{number}/attestation", public_attestation_handle, 0},
    {"GET", "/verify", verify_form_handle, 0},
    {"GET", "/verify/{cb_slug}/{number}", verify_page_handle, 0},
};

const size_t certificates_nroutes = sizeof(certificates_routes) / sizeof(certificates_routes[0]);

/* Each slice adds its read statements here (one line each). */
const cc_sql_t *const certificates_read_statements[] = {
    &sql_certificate_get,
    &sql_certificates_list,
    &sql_decision_list,
};

const size_t certificates_nread_statements =
    sizeof(certificates_read_statements) / sizeof(certificates_read_statements[0]);
