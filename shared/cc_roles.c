/*
 * The role names of DOMAIN.md and their bits: parsing a stored or claimed role
 * name and naming a single role. See cc_roles.h.
 */
#include "cc_roles.h"

#include <stddef.h>
#include <string.h>

static const struct {
    cc_role_t role;
    const char *name;
} roles[] = {
    {CC_ROLE_ADMIN, "admin"},     {CC_ROLE_SCHEME_MANAGER, "scheme_manager"},
    {CC_ROLE_AUDITOR, "auditor"}, {CC_ROLE_DECISION_MAKER, "decision_maker"},
    {CC_ROLE_CLIENT, "client"},
};

cc_role_t cc_role_parse(const char *name)
{
    if (name == NULL)
        return CC_ROLE_NONE;
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (strcmp(name, roles[i].name) == 0)
            return roles[i].role;
    }
    return CC_ROLE_NONE;
}

const char *cc_role_name(cc_role_t role)
{
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (roles[i].role == role)
            return roles[i].name;
    }
    return NULL;
}
