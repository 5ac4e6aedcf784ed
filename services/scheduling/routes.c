/*
 * The scheduling service's route table: method, path, handler, roles allowed.
 */
#include "cc_roles.h"
#include "scheduling.h"

const cc_route_t scheduling_routes[] = {
    {"GET", "/v1/standards", standards_list_handle, CC_ROLES_ANY},
    {"GET", "/v1/standards/{code}/requirements", standards_requirements_handle, CC_ROLES_ANY},
    {"POST", "/v1/audit-time", audit_time_handle, CC_ROLES_STAFF},
};

const size_t scheduling_nroutes = sizeof(scheduling_routes) / sizeof(scheduling_routes[0]);
