/*
 * The identity service's route table: method, path, handler, roles allowed
 * (0 = public). Specific paths before general ones.
 */
#include "cc_roles.h"
#include "identity.h"

const cc_route_t identity_routes[] = {
    {"POST", "/v1/auth/login", login_handle, 0},
    {"POST", "/v1/auth/refresh", refresh_handle, 0},
    {"POST", "/v1/auth/logout", logout_handle, 0},
    {"GET", "/v1/me", me_handle, CC_ROLES_ANY},
    {"GET", "/v1/users", users_list_handle, CC_ROLE_ADMIN},
    {"POST", "/v1/users", users_create_handle, CC_ROLE_ADMIN},
    {"GET", "/v1/users/{id}", users_get_handle, CC_ROLE_ADMIN},
    {"PATCH", "/v1/users/{id}", users_patch_handle, CC_ROLE_ADMIN},
    {"GET", "/v1/settings", settings_get_handle, CC_ROLE_ADMIN},
    {"PATCH", "/v1/settings", settings_patch_handle, CC_ROLE_ADMIN},
    {"GET", "/.well-known/jwks.json", jwks_handle, 0},
};

const size_t identity_nroutes = sizeof(identity_routes) / sizeof(identity_routes[0]);
