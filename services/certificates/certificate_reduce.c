/*
 * POST /v1/certificates/{id}/reduce-scope {scope, site_ids, reason} (DOMAIN.md "Certificates": a scope
 * reduction makes a new revision; 17021-1 9.6.4): by a decision maker or an admin, with If-Match. The
 * current revision (active or suspended) is superseded by a new active revision <base>-R<n> through
 * cc_certificate_revise (0017), printing the sites named in site_ids, which must be a non-empty subset of
 * the sites the current revision prints (else 422 invalid_site_selection naming site_ids; empty only when
 * it prints none, as for a client without recorded sites). The new revision
 * takes effect today and keeps the old expiry date. A suspended certificate's reduction ends its
 * suspension: reducing the scope is one of the ways a suspension is resolved (17021-1 9.6.5.2).
 *
 * Answers 201 with the NEW revision (cc_certificate_json(new, true)), its ETag, and Location
 * /v1/certificates/{new id}; the event certificate.scope_reduced names the new revision, its detail the
 * old one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_problem.h"
#include "certificate_store.h"
#include "certificates.h"

static const cc_field_t reduce_fields[] = {
    {"scope", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
    {"site_ids", CC_FIELD_ARRAY, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"reason", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
};

/* How many of $3's sites the certificate $2 does not print (0: a subset). */
static const cc_sql_t sql_sites_outside = {
    "certificates_reduce_sites_outside",
    "SELECT (SELECT count(*) FROM unnest($3::uuid[]) x WHERE NOT EXISTS ("
    "  SELECT 1 FROM certificates c, jsonb_array_elements(c.sites) s"
    "  WHERE c.tenant_id = $1 AND c.id = $2 AND s->>'site_id' = x::text)), "
    " (SELECT jsonb_array_length(c.sites) FROM certificates c WHERE c.tenant_id = $1 AND c.id = $2)"};

/* $4 scope, $5 site ids, $6 reason, $7 actor, $8 role: the new revision's id. */
static const cc_sql_t sql_revise = {
    "certificates_reduce_revise",
    "SELECT cc_certificate_revise(c.id, 'scope_reduced', NULL, NULL, $4,"
    " cc_certificate_sites(c.client_id, $5::uuid[], $4), NULL, current_date, c.expiry_date, $6, $7::uuid, "
    "$8) "
    "FROM certificates c WHERE c.tenant_id = $1 AND c.id = $2 AND c.status = $3"};

/* site_ids: UUIDs (whether they are the certificate's is the run's: 422). */
static cc_step_t check_reduce(cc_request_t *r, const json_t *body, json_t *problem)
{
    if (certificate_require_if_match(r) != CC_GO_ON)
        return CC_ANSWERED;
    const json_t *ids = json_object_get(body, "site_ids");
    if (json_array_size(ids) > 1000)
        cc_problem_add_error(problem, "site_ids", "too_long", "at most 1000 sites");
    size_t i;
    const json_t *v;
    json_array_foreach(ids, i, v)
    {
        char field[32];
        snprintf(field, sizeof(field), "site_ids[%zu]", i);
        if (!json_is_string(v) || !cc_is_uuid(json_string_value(v), json_string_length(v)))
            cc_problem_add_error(problem, field, "invalid_uuid", "must be a site's id (a UUID)");
    }
    return CC_GO_ON;
}

/* The site ids as a PostgreSQL array literal {a,b,...} (each checked a UUID), allocated for the write. */
static char *site_array(const json_t *ids)
{
    size_t n = json_array_size(ids), i;
    char *out = malloc(n * 37 + 3), *p = out;
    *p++ = '{';
    const json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (i > 0)
            *p++ = ',';
        memcpy(p, json_string_value(v), 36);
        p += 36;
    }
    *p++ = '}';
    *p = '\0';
    return out;
}

static cc_step_t sites_check(cc_write_t *w, const char *sites)
{
    const char *params[] = {w->actor.tenant_id, w->ids[0], sites};
    PGresult *res = cc_db_exec(w->db, &sql_sites_outside, 3, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "certificate sites");
    long long outside = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    long long printed = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    /* A certificate that prints no site (a client without recorded sites) is reduced by its scope alone. */
    bool none = json_array_size(json_object_get(w->body, "site_ids")) == 0;
    if (outside > 0 || (none && printed > 0))
        return cc_write_fail_field(w, 422, "invalid_site_selection", "site_ids",
                                   "name at least one site, each one the certificate prints (its `sites`)");
    return CC_GO_ON;
}

static cc_step_t revise(cc_write_t *w, const certificate_move_t *m, const char *sites)
{
    const char *params[] = {w->actor.tenant_id,
                            w->ids[0],
                            certificate_status_name(m->from),
                            cc_json_str(w->body, "scope"),
                            sites,
                            cc_json_str(w->body, "reason"),
                            w->actor.user_id,
                            w->actor.role};
    PGresult *res = cc_db_exec(w->db, &sql_revise, 8, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "certificate revise");
    if (PQntuples(res) != 1) { /* the lock holds it: this is not expected */
        PQclear(res);
        return certificate_refuse(w, certificate_status_name(m->from),
                                  "the certificate has changed meanwhile");
    }
    char id[37];
    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    json_t *detail = json_pack("{s:s, s:s, s:s, s:s}", "previous_id", w->ids[0], "from_status",
                               certificate_status_name(m->from), "scope", cc_json_str(w->body, "scope"),
                               "reason", cc_json_str(w->body, "reason"));
    return certificate_answer(w, id, detail);
}

static cc_step_t reduce_run(cc_write_t *w)
{
    certificate_move_t m;
    cc_step_t step = certificate_move_begin(w, CERTIFICATE_ACTION_REDUCE_SCOPE, &m);
    if (step != CC_GO_ON)
        return step;
    char *sites = site_array(json_object_get(w->body, "site_ids"));
    step = sites_check(w, sites);
    if (step == CC_GO_ON)
        step = revise(w, &m, sites);
    free(sites);
    return step;
}

static const cc_write_spec_t reduce_spec = {
    .fields = reduce_fields,
    .nfields = CC_NFIELDS(reduce_fields),
    .flags = CC_WRITE_IF_MATCH | CC_WRITE_IDEMPOTENT,
    .path_ids = {"id"},
    .check = check_reduce,
    .run = reduce_run,
    .status = 201,
    .event_action = "certificate.scope_reduced",
    .event_entity = "certificate",
    .location = "/v1/certificates/",
};

CC_WRITE_HANDLER(certificates_reduce_scope_handle, reduce_spec);
