/*
 * The findings service's route table (method, path, handler, roles allowed)
 * and the statements its reads prepare on the read connections. The rules of
 * who may act on which finding (the audit's team, the client's own
 * organisation) are each handler's, in its SQL.
 */
#include "cc_roles.h"
#include "findings.h"

#define STAFF_ACTING (CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER | CC_ROLE_AUDITOR)

const cc_route_t findings_routes[] = {
    {"GET", "/v1/findings", findings_list_handle, CC_ROLES_ANY},
    {"POST", "/v1/findings", findings_create_handle, STAFF_ACTING},
    {"GET", "/v1/findings/summary", findings_summary_handle, CC_ROLES_ANY},
    {"GET", "/v1/findings/{id}", findings_get_handle, CC_ROLES_ANY},
    {"PATCH", "/v1/findings/{id}", findings_patch_handle, STAFF_ACTING},
    {"POST", "/v1/findings/{id}/regrade", findings_regrade_handle, STAFF_ACTING},
    {"POST", "/v1/findings/{id}/responses", findings_respond_handle, STAFF_ACTING | CC_ROLE_CLIENT},
    {"POST", "/v1/findings/{id}/review", findings_review_handle, STAFF_ACTING},
    {"POST", "/v1/findings/{id}/verify", findings_verify_handle, STAFF_ACTING},
    {"POST", "/v1/findings/{id}/close", findings_close_handle, STAFF_ACTING},
    {"POST", "/v1/findings/{id}/evidence", evidence_upload_handle, STAFF_ACTING | CC_ROLE_CLIENT},
    {"GET", "/v1/findings/{id}/evidence", evidence_list_handle, CC_ROLES_ANY},
    {"GET", "/v1/evidence/{id}", evidence_download_handle, CC_ROLES_ANY},
};

const size_t findings_nroutes = sizeof(findings_routes) / sizeof(findings_routes[0]);

const cc_sql_t *const findings_read_statements[] = {
    &sql_finding_get,
    &sql_findings_list_by_audit,
    &sql_findings_list_by_programme,
    &sql_findings_list_by_client,
    &sql_findings_list,
};

const size_t findings_nread_statements =
    sizeof(findings_read_statements) / sizeof(findings_read_statements[0]);
