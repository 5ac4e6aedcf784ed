/*
 * Client organisations: POST/GET /v1/clients, GET/PATCH /v1/clients/{id}.
 * Staff read every organisation of their tenant; a client user reads only its
 * own (any other id is simply not found). Writes run on the worker pool with
 * their event-log entry; PATCH replaces nested objects whole and re-checks
 * the merged organisation by the same rules as a new one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_list.h"
#include "cc_problem.h"
#include "cc_roles.h"
#include "cc_write.h"
#include "scheduling.h"

static const cc_field_t client_fields[] = {
    {"legal_name", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 300, NULL},
    {"trading_name", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 300, NULL},
    {"identifiers", CC_FIELD_OBJECT, 0, 0, 0, NULL},
    {"address", CC_FIELD_OBJECT, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"personnel", CC_FIELD_INT, CC_FIELD_REQUIRED, 1, 10000000, NULL},
    {"confidential", CC_FIELD_BOOL, 0, 0, 0, NULL},
    {"registry_consent", CC_FIELD_OBJECT, 0, 0, 0, NULL},
};
static const cc_field_t identifier_fields[] = {
    {"vat", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 40, NULL},
    {"registration_number", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 60, NULL},
    {"duns", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 9, NULL},
};
static const cc_field_t consent_fields[] = {
    {"given", CC_FIELD_BOOL, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"date", CC_FIELD_DATE, CC_FIELD_NULLABLE, 0, 0, NULL},
    {"reference", CC_FIELD_STRING, CC_FIELD_NULLABLE, 1, 200, NULL},
};

/* Checks the whole organisation (a new one, or an existing one merged with a patch). Returns the error count.
 */
static size_t check_client(const json_t *client, json_t *problem)
{
    size_t errors = 0;
    json_t *identifiers = json_object_get(client, "identifiers");
    if (json_is_object(identifiers)) {
        errors += cc_json_validate_at(identifiers, "identifiers", identifier_fields,
                                      CC_NFIELDS(identifier_fields), problem);
        const char *duns = cc_json_str(identifiers, "duns");
        if (duns != NULL && (strlen(duns) != 9 || strspn(duns, "0123456789") != 9)) {
            cc_problem_add_error(problem, "identifiers.duns", "invalid_duns",
                                 "must be the 9 digits of a D-U-N-S number");
            errors++;
        }
    }
    json_t *address = json_object_get(client, "address");
    if (json_is_object(address))
        errors += check_address(address, "address", problem);
    json_t *consent = json_object_get(client, "registry_consent");
    if (json_is_object(consent)) {
        size_t consent_errors = cc_json_validate_at(consent, "registry_consent", consent_fields,
                                                    CC_NFIELDS(consent_fields), problem);
        if (consent_errors == 0 && json_is_true(json_object_get(consent, "given")) &&
            cc_json_str(consent, "date") == NULL) {
            cc_problem_add_error(problem, "registry_consent.date", "required",
                                 "is required when consent is given (the date of the written consent)");
            consent_errors++;
        }
        errors += consent_errors;
    }
    return errors;
}

/* The client's columns as statement parameters, in CLIENT_WRITE_COLUMNS order (strings borrowed from client).
 */
#define CLIENT_NPARAMS 15
static void client_params(const json_t *client, const char *params[CLIENT_NPARAMS], char personnel[16])
{
    json_t *ids = json_object_get(client, "identifiers"), *address = json_object_get(client, "address");
    json_t *consent = json_object_get(client, "registry_consent");
    snprintf(personnel, 16, "%lld", (long long)json_integer_value(json_object_get(client, "personnel")));
    params[0] = cc_json_str(client, "legal_name");
    params[1] = cc_json_str(client, "trading_name");
    params[2] = cc_json_str(ids, "vat");
    params[3] = cc_json_str(ids, "registration_number");
    params[4] = cc_json_str(ids, "duns");
    params[5] = cc_json_str(address, "street");
    params[6] = cc_json_str(address, "city");
    params[7] = cc_json_str(address, "state");
    params[8] = cc_json_str(address, "post_code");
    params[9] = cc_json_str(address, "country");
    params[10] = json_is_integer(json_object_get(client, "personnel")) ? personnel : NULL;
    params[11] = json_is_true(json_object_get(client, "confidential")) ? "true" : "false";
    params[12] = json_is_true(json_object_get(consent, "given")) ? "true" : "false";
    params[13] = cc_json_str(consent, "date");
    params[14] = cc_json_str(consent, "reference");
}

static json_t *text_or_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

json_t *client_from_row(const PGresult *res, int row)
{
    json_t *address = json_null();
    if (!PQgetisnull(res, row, 6))
        address = json_pack("{s:s, s:s, s:o, s:o, s:s}", "street", PQgetvalue(res, row, 6), "city",
                            PQgetvalue(res, row, 7), "state", text_or_null(res, row, 8), "post_code",
                            text_or_null(res, row, 9), "country", PQgetvalue(res, row, 10));
    return json_pack("{s:s, s:s, s:o, s:{s:o, s:o, s:o}, s:o, s:o, s:b, s:{s:b, s:o, s:o}, s:i, s:s, s:s}",
                     "id", PQgetvalue(res, row, 0), "legal_name", PQgetvalue(res, row, 1), "trading_name",
                     text_or_null(res, row, 2), "identifiers", "vat", text_or_null(res, row, 3),
                     "registration_number", text_or_null(res, row, 4), "duns", text_or_null(res, row, 5),
                     "address", address, "personnel",
                     PQgetisnull(res, row, 11) ? json_null() : json_integer(atoll(PQgetvalue(res, row, 11))),
                     "confidential", PQgetvalue(res, row, 12)[0] == 't', "registry_consent", "given",
                     PQgetvalue(res, row, 13)[0] == 't', "date", text_or_null(res, row, 14), "reference",
                     text_or_null(res, row, 15), "version", atoi(PQgetvalue(res, row, 16)), "created_at",
                     PQgetvalue(res, row, 17), "updated_at", PQgetvalue(res, row, 18));
}

/* The caller's client scope: its own organisation for a client user, NULL (every one) for staff. */
const char *client_scope(const cc_request_t *r)
{
    return cc_role_parse(r->claims.role) == CC_ROLE_CLIENT ? r->claims.cid : NULL;
}

/* ---- reads ---- */

void clients_list_handle(cc_request_t *r)
{
    cc_page_t *page = cc_page_or_respond(r, client_from_row, 0);
    if (page == NULL)
        return;
    const char *params[] = {r->claims.tid, cc_page_after(page), client_scope(r), page->fetch};
    cc_page_query(r, page, &sql_clients_list, 4, params);
}

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such client organisation");
        return;
    }
    json_t *client = client_from_row(res, 0);
    cc_respond_versioned(r, 200, client);
}

void clients_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id, client_scope(r)};
    cc_db_query(r, r->claims.tid, &sql_client_get, 3, params, on_get, NULL);
}

/* ---- writes ---- */

static cc_step_t check_body(cc_request_t *r, const json_t *body, json_t *problem)
{
    check_client(body, problem);
    return CC_GO_ON;
}

static json_t *event_detail(const json_t *client)
{
    return json_pack("{s:s}", "legal_name", cc_json_str(client, "legal_name"));
}

static cc_step_t create_client(cc_write_t *w)
{
    const char *params[CLIENT_NPARAMS + 1];
    char personnel[16];
    params[0] = w->actor.tenant_id;
    client_params(w->body, params + 1, personnel);
    PGresult *res = cc_db_exec(w->db, &sql_client_insert, CLIENT_NPARAMS + 1, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "client insert");
    json_t *client = client_from_row(res, 0);
    PQclear(res);
    cc_write_result(w, client, event_detail(client));
    return CC_GO_ON;
}

/* The stored organisation merged with the patch must be a valid organisation; answers 400 when not. */
static cc_step_t check_merged(cc_write_t *w, const json_t *merged)
{
    json_t *problem =
        cc_problem_new(400, "validation_failed", "the organisation would be invalid; see errors");
    if (json_is_null(json_object_get(merged, "address")) ||
        !json_is_integer(json_object_get(merged, "personnel"))) {
        cc_problem_add_error(problem,
                             json_is_null(json_object_get(merged, "address")) ? "address" : "personnel",
                             "required", "is required");
    }
    if (cc_problem_error_count(problem) != 0 || check_client(merged, problem) != 0) {
        cc_job_answer(w->job, 400, problem);
        return CC_ANSWERED;
    }
    json_decref(problem);
    return CC_GO_ON;
}

static cc_step_t patch_client(cc_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_client_lock, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "client lock");
    if (PQntuples(res) != 1) {
        PQclear(res);
        return cc_write_fail(w, 404, "not_found", "no such client organisation");
    }
    json_t *merged = client_from_row(res, 0);
    PQclear(res);
    cc_step_t step =
        cc_write_check_version(w, json_integer_value(json_object_get(merged, "version")), "organisation");
    json_object_update(merged, w->body); /* nested objects are replaced whole */
    if (step == CC_GO_ON)
        step = check_merged(w, merged);
    if (step != CC_GO_ON) {
        json_decref(merged);
        return step;
    }
    const char *params[CLIENT_NPARAMS + 2];
    char personnel[16];
    params[0] = w->actor.tenant_id;
    params[1] = w->ids[0];
    client_params(merged, params + 2, personnel);
    res = cc_db_exec(w->db, &sql_client_update, CLIENT_NPARAMS + 2, params);
    json_decref(merged);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "client update");
    json_t *client = client_from_row(res, 0);
    PQclear(res);
    cc_write_result(w, client, event_detail(client));
    return CC_GO_ON;
}

static const cc_write_spec_t create_spec = {
    .fields = client_fields,
    .nfields = CC_NFIELDS(client_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .check = check_body,
    .run = create_client,
    .status = 201,
    .event_action = "client.created",
    .location = "/v1/clients/",
};

static const cc_write_spec_t patch_spec = {
    .fields = client_fields,
    .nfields = CC_NFIELDS(client_fields),
    .flags = CC_WRITE_IF_MATCH | CC_WRITE_PATCH,
    .path_ids = {"id"},
    .check = check_body,
    .run = patch_client,
    .event_action = "client.updated",
};

CC_WRITE_HANDLER(clients_create_handle, create_spec);
CC_WRITE_HANDLER(clients_patch_handle, patch_spec);
