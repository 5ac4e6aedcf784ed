/*
 * Every SQL statement of the scheduling service. The catalogue is global (a
 * reference table, no tenant); tenant reads set app.tenant_id like all others.
 */
#include "scheduling.h"

const cc_sql_t sql_standards_list = {
    "scheduling_standards_list",
    "SELECT s.code, s.reference, s.edition, s.title, s.family, s.status, s.superseded_by, "
    "       s.closed_to_new_audits_after::text, s.certificates_valid_until::text, "
    "       count(*) FILTER (WHERE r.kind = 'clause'), count(*) FILTER (WHERE r.kind = 'control') "
    "FROM standards s LEFT JOIN requirements r ON r.standard_code = s.code "
    "GROUP BY s.code ORDER BY s.family, s.edition DESC, s.code"};

/* One row with a NULL id when the standard exists but has no requirement of that kind; none when it does not.
 */
const cc_sql_t sql_standard_requirements = {"scheduling_standard_requirements",
                                            "SELECT r.id, r.number, r.parent_id, r.kind, r.title, r.theme "
                                            "FROM standards s LEFT JOIN requirements r ON r.standard_code = "
                                            "s.code AND ($2::text IS NULL OR r.kind = $2) "
                                            "WHERE s.code = $1 ORDER BY r.position"};

/* The tenant's [P] audit-time settings; 0 (the default) where a setting is absent or not a number. */
#define AUDIT_TIME_SETTING(name)                                                                             \
    "CASE WHEN jsonb_typeof(settings #> '{audit_time," name "}') = 'number' "                                \
    "THEN (settings #>> '{audit_time," name "}')::float8 ELSE 0 END"
const cc_sql_t sql_tenant_audit_time_settings = {
    "scheduling_tenant_audit_time_settings",
    "SELECT " AUDIT_TIME_SETTING("surveillance_fraction") ", " AUDIT_TIME_SETTING(
        "recertification_fraction") ", " AUDIT_TIME_SETTING("stage1_fraction") " FROM tenants WHERE id = $1"};

const cc_sql_t *const scheduling_read_statements[] = {&sql_standards_list, &sql_standard_requirements,
                                                      &sql_tenant_audit_time_settings};
const size_t scheduling_nread_statements =
    sizeof(scheduling_read_statements) / sizeof(scheduling_read_statements[0]);
