/*
 * GET /v1/registry/certifications: each certification's registry sync as it
 * stands (issue 10 "Consent": a client without consent is listed as skipped
 * with the reason; a withdrawal shows as deleted). Its current certificate and
 * client, the last outcome (null when never tried) and reason, whether a
 * change is pending, what the registry holds of it. Keyset pages by
 * certification id; ?outcome=sent|skipped|dead|deleted|pending filters
 * (pending: a change not yet settled, whatever the last outcome).
 */
#include "cc_list.h"
#include "registry_api.h"
#include "registry_sync.h"

/* $1 tenant, $2 cursor (the last certification id of the previous page), $3 limit + 1, $4 the filter.
 * The current certificate: the certification's one revision that is not superseded. */
const cc_sql_t sql_registry_certifications_list = {
    "registry_certifications_list",
    "SELECT r.certification_id, jsonb_build_object("
    "  'certification_id', r.certification_id, 'certificate_id', c.id, 'number', c.number, "
    "  'client_id', r.client_id, 'client_name', k.legal_name, 'status', c.status, "
    "  'outcome', r.outcome, 'reason', r.reason, 'pending', r.wanted > r.done, "
    "  'in_registry', r.in_registry, 'company_certifications_id', r.company_certifications_id, "
    "  'sent_status', r.sent_status, 'sent_at', cc_api_ts(r.sent_at), "
    "  'next_attempt_at', CASE WHEN r.wanted > r.done THEN cc_api_ts(r.next_attempt_at) END, "
    "  'attempts', r.attempts)::text "
    "FROM registry_certifications r "
    "JOIN clients k ON k.tenant_id = r.tenant_id AND k.id = r.client_id "
    "LEFT JOIN LATERAL (SELECT x.id, x.number, x.status FROM certificates x "
    "                    WHERE x.tenant_id = r.tenant_id AND x.certification_id = r.certification_id "
    "                      AND x.status <> 'superseded' ORDER BY x.revision DESC LIMIT 1) c ON true "
    "WHERE r.tenant_id = $1 AND ($2::uuid IS NULL OR r.certification_id > $2::uuid) "
    "  AND ($4::text IS NULL OR ($4 = 'pending' AND r.wanted > r.done) OR r.outcome = $4) "
    "ORDER BY r.certification_id LIMIT $3"};

static json_t *certification_from_row(const PGresult *res, int row)
{
    return json_loads(PQgetvalue(res, row, 1), 0, NULL);
}

void registry_certifications_list_handle(cc_request_t *r)
{
    static const char *const outcomes[] = {"sent", "skipped", "dead", "deleted", "pending", NULL};
    const char *outcome;
    cc_page_t *page = cc_page_or_respond(r, certification_from_row, 0);
    if (page == NULL || cc_query_enum_or_respond(r, "outcome", outcomes, &outcome) != 0)
        return;
    const char *params[] = {r->claims.tid, cc_page_after(page), page->fetch, outcome};
    cc_page_query(r, page, &sql_registry_certifications_list, 4, params);
}
