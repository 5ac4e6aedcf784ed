/*
 * The shapes several bodies share, one check each: postal addresses of
 * organisations and sites, and IAF sector codes.
 */
#include <string.h>

#include "cc_problem.h"
#include "scheduling.h"

static const cc_field_t address_fields[] = {
    {"street", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 300, NULL},
    {"city", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 120, NULL},
    {"state", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 120, NULL},
    {"post_code", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 20, NULL},
    {"country", CC_FIELD_STRING, CC_FIELD_REQUIRED, 0, 0, NULL}, /* the format check below names it */
};

size_t check_address(const json_t *address, const char *path, json_t *problem)
{
    size_t errors = cc_json_validate_at(address, path, address_fields,
                                        sizeof(address_fields) / sizeof(address_fields[0]), problem);
    const char *country = cc_json_str(address, "country");
    if (country != NULL && !(strlen(country) == 2 && country[0] >= 'A' && country[0] <= 'Z' &&
                             country[1] >= 'A' && country[1] <= 'Z')) {
        char field[64];
        snprintf(field, sizeof(field), "%s.country", path);
        cc_problem_add_error(problem, field, "invalid_country",
                             "must be an ISO 3166-1 alpha-2 code, e.g. GB");
        errors++;
    }
    return errors;
}

bool check_sector_code(const char *s)
{
    size_t len = strlen(s);
    if (len < 1 || len > 20)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' ||
              c == '.' || c == '-'))
            return false;
    }
    return true;
}
