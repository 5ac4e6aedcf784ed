/*
 * The roles of DOMAIN.md, as bits so that a route can name the set it allows.
 */
#ifndef CC_ROLES_H
#define CC_ROLES_H

typedef enum {
    CC_ROLE_NONE = 0,
    CC_ROLE_ADMIN = 1 << 0,
    CC_ROLE_SCHEME_MANAGER = 1 << 1,
    CC_ROLE_AUDITOR = 1 << 2,
    CC_ROLE_DECISION_MAKER = 1 << 3,
    CC_ROLE_CLIENT = 1 << 4,
} cc_role_t;

#define CC_ROLES_ANY                                                                                         \
    (CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER | CC_ROLE_AUDITOR | CC_ROLE_DECISION_MAKER | CC_ROLE_CLIENT)
#define CC_ROLES_STAFF (CC_ROLE_ADMIN | CC_ROLE_SCHEME_MANAGER | CC_ROLE_AUDITOR | CC_ROLE_DECISION_MAKER)

/* Returns the role named by name (exact, lowercase: "admin", "scheme_manager", ...), or CC_ROLE_NONE. */
cc_role_t cc_role_parse(const char *name);

/* Returns the canonical name of a single role, or NULL for CC_ROLE_NONE or a combination. */
const char *cc_role_name(cc_role_t role);

#endif
