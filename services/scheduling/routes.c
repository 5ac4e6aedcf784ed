/*
 * The scheduling service's route table: method, path, handler, roles allowed.
 */
#include "cc_roles.h"
#include "scheduling.h"

const cc_route_t scheduling_routes[] = {
    {"GET", "/v1/standards", standards_list_handle, CC_ROLES_ANY},
    {"GET", "/v1/standards/{code}/requirements", standards_requirements_handle, CC_ROLES_ANY},
    {"POST", "/v1/audit-time", audit_time_handle, CC_ROLES_STAFF},
    {"GET", "/v1/clients", clients_list_handle, CC_ROLES_ANY},
    {"POST", "/v1/clients", clients_create_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"GET", "/v1/clients/{id}", clients_get_handle, CC_ROLES_ANY},
    {"PATCH", "/v1/clients/{id}", clients_patch_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"GET", "/v1/clients/{id}/sites", sites_list_handle, CC_ROLES_ANY},
    {"GET", "/v1/clients/{id}/sites/{site_id}", sites_get_handle, CC_ROLES_ANY},
    {"POST", "/v1/clients/{id}/sites", sites_create_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"GET", "/v1/auditors", auditors_list_handle, CC_ROLES_STAFF},
    {"POST", "/v1/auditors", auditors_create_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"GET", "/v1/auditors/{id}", auditors_get_handle, CC_ROLES_STAFF},
    {"PATCH", "/v1/auditors/{id}", auditors_patch_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"GET", "/v1/auditors/{id}/unavailability", unavailability_list_handle, CC_ROLES_STAFF},
    {"POST", "/v1/auditors/{id}/unavailability", unavailability_create_handle,
     CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER | CC_ROLE_AUDITOR},
    {"GET", "/v1/auditors/{id}/conflicts", conflicts_list_handle, CC_ROLES_STAFF},
    {"POST", "/v1/auditors/{id}/conflicts", conflicts_create_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"POST", "/v1/auditors/{id}/calendar-token", auditor_calendar_token_handle,
     CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER | CC_ROLE_AUDITOR},
    {"GET", "/v1/auditors/{id}/calendar.ics", auditor_calendar_handle, 0}, /* the URL's token authorises */
    {"GET", "/v1/programmes", programmes_list_handle, CC_ROLES_ANY},
    {"POST", "/v1/programmes", programmes_create_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"GET", "/v1/programmes/{id}", programmes_get_handle, CC_ROLES_ANY},
    {"GET", "/v1/audits", audits_list_handle, CC_ROLES_ANY},
    {"GET", "/v1/audits/{id}", audits_get_handle, CC_ROLES_ANY},
    {"PATCH", "/v1/audits/{id}", audits_patch_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"POST", "/v1/audits/{id}/team", audit_team_add_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"DELETE", "/v1/audits/{id}/team/{auditor_id}", audit_team_remove_handle,
     CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"POST", "/v1/audits/{id}/schedule", audit_schedule_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"POST", "/v1/audits/{id}/start", audit_start_handle,
     CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER | CC_ROLE_AUDITOR},
    {"POST", "/v1/audits/{id}/complete", audit_complete_handle,
     CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER | CC_ROLE_AUDITOR},
    {"POST", "/v1/audits/{id}/cancel", audit_cancel_handle, CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER},
    {"GET", "/v1/schedule/due", schedule_due_handle, CC_ROLES_STAFF},
};

const size_t scheduling_nroutes = sizeof(scheduling_routes) / sizeof(scheduling_routes[0]);
