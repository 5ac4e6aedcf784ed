/*
 * GET /v1/certificates: one keyset page of certificate revisions (cc_list.h), ordered by id, each as
 * cc_certificate_json(c, false) shows it (GET /v1/certificates/{id} without revisions and history).
 * By default the current revisions (every status but superseded); ?status=superseded lists the superseded
 * ones. Filters, each optional and each refused with a 400 naming it:
 *   client_id        a client organisation (UUID);
 *   status           draft | active | suspended | withdrawn | expired | superseded;
 *   standard         a catalogue code (ISO27001:2022) or reference (ISO/IEC 27001:2022), either case;
 *   expiring_before  a date: expiry_date before it;
 *   attention        true | false: whether a decision is owed (DOMAIN.md "Certificates"): a suspension past
 *                    its due date (suspended_until before today), or an active certificate whose programme
 *                    has a surveillance or recertification audit whose window ended before today and that
 *                    is neither completed nor cancelled (a missed surveillance, 17021-1 9.6.5).
 * A client user sees only its own organisation's certificates.
 */
#include <string.h>

#include "cc_list.h"
#include "certificate_store.h"
#include "certificates.h"

#define ATTENTION                                                                                            \
    "((c.status = 'suspended' AND c.suspended_until < current_date)"                                         \
    " OR (c.status = 'active' AND EXISTS (SELECT 1 FROM audits a"                                            \
    "  WHERE a.tenant_id = c.tenant_id AND a.programme_id = c.programme_id"                                  \
    "    AND a.type IN ('surveillance', 'recertification') AND a.window_end < current_date"                  \
    "    AND a.status NOT IN ('completed', 'cancelled'))))"

/* $1 tenant, $2 cursor, $3 limit + 1, $4 client scope, $5 client, $6 status, $7 standard, $8 expiring
 * before, $9 attention. */
const cc_sql_t sql_certificates_list = {
    "certificates_list",
    "SELECT c.id, cc_certificate_json(c, false)::text FROM certificates c "
    "WHERE c.tenant_id = $1 AND ($2::uuid IS NULL OR c.id > $2::uuid)"
    "  AND ($4::uuid IS NULL OR c.client_id = $4::uuid) AND ($5::uuid IS NULL OR c.client_id = $5::uuid)"
    "  AND (CASE WHEN $6::text IS NULL THEN c.status <> 'superseded' ELSE c.status = $6::text END)"
    "  AND ($7::text IS NULL OR c.standard IN (SELECT s.code FROM standards s"
    "       WHERE lower(s.code) = lower($7::text) OR lower(s.reference) = lower($7::text)))"
    "  AND ($8::date IS NULL OR c.expiry_date < $8::date)"
    "  AND ($9::boolean IS NULL OR " ATTENTION " = $9::boolean) "
    "ORDER BY c.id LIMIT $3"};

static json_t *certificate_from_row(const PGresult *res, int row)
{
    return json_loads(PQgetvalue(res, row, 1), 0, NULL);
}

static const char *const statuses[] = {"draft",   "active",     "suspended", "withdrawn",
                                       "expired", "superseded", NULL};
static const char *const booleans[] = {"true", "false", NULL};

/* Reads ?standard= (1 to 64 characters) into out ("" when absent); -1 after a 400. */
static int standard_or_respond(cc_request_t *r, char out[65])
{
    int n = cc_query_param(r, "standard", out, 65);
    if (n == -1) {
        out[0] = '\0';
        return 0;
    }
    if (n > 0)
        return 0;
    cc_respond_query_error(
        r, "standard", "invalid_value",
        "must be a standard's code or reference of 1 to 64 characters (e.g. ISO27001:2022)");
    return -1;
}

static const char *or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

void certificates_list_handle(cc_request_t *r)
{
    char client[37], standard[65], expiring[11];
    const char *status, *attention;
    cc_page_t *page = cc_page_or_respond(r, certificate_from_row, 0);
    if (page == NULL || cc_query_uuid_or_respond(r, "client_id", client) != 0 ||
        cc_query_enum_or_respond(r, "status", statuses, &status) != 0 ||
        standard_or_respond(r, standard) != 0 ||
        cc_query_date_or_respond(r, "expiring_before", expiring) != 0 ||
        cc_query_enum_or_respond(r, "attention", booleans, &attention) != 0)
        return;
    const char *params[] = {r->claims.tid,     cc_page_after(page),
                            page->fetch,       certificate_client_scope(r),
                            or_null(client),   status,
                            or_null(standard), or_null(expiring),
                            attention};
    cc_page_query(r, page, &sql_certificates_list, 9, params);
}
