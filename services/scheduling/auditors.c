/*
 * The CB's auditors: POST/GET /v1/auditors, GET/PATCH /v1/auditors/{id}.
 * An auditor is a staff user with competences [{standard, sector_codes,
 * role}]; each standard must be a reference of the catalogue (checked on the
 * worker, where the transaction is). Client users see no auditor (403).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_dbasync.h"
#include "cc_list.h"
#include "cc_problem.h"
#include "cc_write.h"
#include "scheduling.h"

#define MAX_COMPETENCES 20
#define MAX_SECTOR_CODES 50

static const char *const competence_roles[] = {"lead", "auditor", "technical_expert", NULL};

static const cc_field_t create_fields[] = {
    {"user_id", CC_FIELD_UUID, CC_FIELD_REQUIRED, 0, 0, NULL},
    {"competences", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"active", CC_FIELD_BOOL, 0, 0, 0, NULL},
};
static const cc_field_t patch_fields[] = {
    {"competences", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"active", CC_FIELD_BOOL, 0, 0, 0, NULL},
};
static const cc_field_t competence_fields[] = {
    {"standard", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 60, NULL},
    {"sector_codes", CC_FIELD_ARRAY, 0, 0, 0, NULL},
    {"role", CC_FIELD_ENUM, CC_FIELD_REQUIRED, 0, 0, competence_roles},
};

/* Checks the shape of the body's competences (the standards against the catalogue come later). */
static cc_step_t check_competences(cc_request_t *r, const json_t *body, json_t *problem)
{
    size_t i;
    json_t *c, *competences = json_object_get(body, "competences");
    if (json_array_size(competences) > MAX_COMPETENCES) {
        cc_problem_add_error(problem, "competences", "too_many", "must have at most 20 entries");
        return CC_GO_ON;
    }
    json_array_foreach(competences, i, c)
    {
        char path[96];
        snprintf(path, sizeof(path), "competences[%zu]", i);
        size_t e = cc_json_validate_at(c, path, competence_fields, CC_NFIELDS(competence_fields), problem);
        json_t *codes = json_object_get(c, "sector_codes"), *code;
        size_t k;
        if (e == 0 && json_array_size(codes) > MAX_SECTOR_CODES) {
            snprintf(path, sizeof(path), "competences[%zu].sector_codes", i);
            cc_problem_add_error(problem, path, "too_many", "must have at most 50 entries");
        }
        json_array_foreach(codes, k, code)
        {
            if (!json_is_string(code) || !check_sector_code(json_string_value(code))) {
                snprintf(path, sizeof(path), "competences[%zu].sector_codes[%zu]", i, k);
                cc_problem_add_error(problem, path, "invalid",
                                     "must be 1 to 20 letters, digits, spaces, . or -");
            }
        }
    }
    return CC_GO_ON;
}

/* Normalises each competence (sector_codes defaults to []) so stored documents have one shape. */
static json_t *normalised_competences(const json_t *competences)
{
    json_t *out = json_array(), *c;
    size_t i;
    json_array_foreach(competences, i, c)
    {
        json_t *codes = json_object_get(c, "sector_codes");
        json_array_append_new(out,
                              json_pack("{s:s, s:o, s:s}", "standard", cc_json_str(c, "standard"),
                                        "sector_codes", codes != NULL ? json_incref(codes) : json_array(),
                                        "role", cc_json_str(c, "role")));
    }
    return out;
}

/* In the write's transaction: answers 400 naming the first competence whose standard the catalogue lacks. */
static cc_step_t check_standards(cc_write_t *w, const json_t *competences)
{
    PGresult *res = cc_db_exec(w->db, &sql_standard_references, 0, NULL);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "standard references");
    json_t *c;
    size_t i;
    cc_step_t step = CC_GO_ON;
    json_array_foreach(competences, i, c)
    {
        const char *standard = cc_json_str(c, "standard");
        bool known = false;
        for (int k = 0; k < PQntuples(res) && !known; k++)
            known = strcmp(PQgetvalue(res, k, 0), standard) == 0;
        if (!known) {
            char field[48];
            snprintf(field, sizeof(field), "competences[%zu].standard", i);
            step = cc_write_fail_field(
                w, 400, "unknown_standard", field,
                "is not a standard of the catalogue (see GET /v1/standards, `reference`)");
            break;
        }
    }
    PQclear(res);
    return step;
}

/* The competences given, normalised and checked against the catalogue, as JSON text in *out (NULL when none
 * were given; the caller frees it). */
static cc_step_t competences_text(cc_write_t *w, char **out)
{
    *out = NULL;
    json_t *given = json_object_get(w->body, "competences");
    if (given == NULL)
        return CC_GO_ON;
    json_t *competences = normalised_competences(given);
    cc_step_t step = check_standards(w, competences);
    if (step == CC_GO_ON)
        *out = json_dumps(competences, JSON_COMPACT);
    json_decref(competences);
    return step;
}

json_t *auditor_from_row(const PGresult *res, int row)
{
    json_t *competences = json_loads(PQgetvalue(res, row, 4), 0, NULL);
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:i, s:s, s:s}", "id", PQgetvalue(res, row, 0),
                     "user_id", PQgetvalue(res, row, 1), "name", PQgetvalue(res, row, 2), "email",
                     PQgetvalue(res, row, 3), "competences", competences != NULL ? competences : json_array(),
                     "active", PQgetvalue(res, row, 5)[0] == 't', "version", atoi(PQgetvalue(res, row, 6)),
                     "created_at", PQgetvalue(res, row, 7), "updated_at", PQgetvalue(res, row, 8));
}

/* ---- reads ---- */

static const char *const booleans[] = {"true", "false", NULL};

void auditors_list_handle(cc_request_t *r)
{
    char standard[64];
    const char *active;
    cc_page_t *page = cc_page_or_respond(r, auditor_from_row, 0);
    if (page == NULL)
        return;
    int has_standard = cc_query_param(r, "standard", standard, sizeof(standard));
    if (has_standard == -2 || has_standard == 0) {
        cc_respond_query_error(r, "standard", "invalid_value",
                               "must be a catalogue reference such as ISO/IEC 27001:2022");
        return;
    }
    if (cc_query_enum_or_respond(r, "active", booleans, &active) != 0)
        return;
    const char *params[] = {r->claims.tid, cc_page_after(page), has_standard > 0 ? standard : NULL, active,
                            page->fetch};
    cc_page_query(r, page, &sql_auditors_list, 5, params);
}

static void on_get(cc_request_t *r, PGresult *res, void *data)
{
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such auditor");
        return;
    }
    json_t *auditor = auditor_from_row(res, 0);
    cc_respond_versioned(r, 200, auditor);
}

void auditors_get_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    const char *params[] = {r->claims.tid, id};
    cc_db_query(r, r->claims.tid, &sql_auditor_get, 2, params, on_get, NULL);
}

/* ---- writes ---- */

/* Reads the stored auditor (with its user's name and e-mail) as the write's result. */
static cc_step_t result(cc_write_t *w, const char *id)
{
    const char *key[] = {w->actor.tenant_id, id};
    PGresult *res = cc_db_exec(w->db, &sql_auditor_get, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "auditor read");
    if (PQntuples(res) == 1)
        cc_write_result(w, auditor_from_row(res, 0), NULL);
    PQclear(res);
    return CC_GO_ON;
}

static cc_step_t create_auditor(cc_write_t *w)
{
    const char *user_key[] = {w->actor.tenant_id, cc_json_str(w->body, "user_id")};
    PGresult *res = cc_db_exec(w->db, &sql_user_role, 2, user_key);
    bool staff = cc_db_is_ok(res) && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "client") != 0;
    PQclear(res);
    if (!staff)
        return cc_write_fail_field(w, 400, "unknown_user", "user_id",
                                   "is not a staff user of this certification body");
    char *competences = NULL;
    cc_step_t step = competences_text(w, &competences);
    if (step != CC_GO_ON)
        return step;
    json_t *active = json_object_get(w->body, "active");
    const char *params[] = {w->actor.tenant_id, user_key[1], competences != NULL ? competences : "[]",
                            active == NULL || json_is_true(active) ? "true" : "false"};
    res = cc_db_exec(w->db, &sql_auditor_insert, 4, params);
    free(competences);
    if (!cc_db_is_ok(res) && strcmp(cc_db_sqlstate(res), "23505") == 0) {
        PQclear(res);
        return cc_write_fail(w, 409, "auditor_exists", "this user already has an auditor record");
    }
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "auditor insert");
    char id[37];
    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return result(w, id);
}

static cc_step_t patch_auditor(cc_write_t *w)
{
    const char *key[] = {w->actor.tenant_id, w->ids[0]};
    PGresult *res = cc_db_exec(w->db, &sql_auditor_lock, 2, key);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "auditor lock");
    if (PQntuples(res) != 1) {
        PQclear(res);
        return cc_write_fail(w, 404, "not_found", "no such auditor");
    }
    long long version = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    char *competences = NULL;
    cc_step_t step = cc_write_check_version(w, version, "auditor");
    if (step == CC_GO_ON)
        step = competences_text(w, &competences);
    if (step != CC_GO_ON)
        return step;
    json_t *active = json_object_get(w->body, "active");
    const char *params[] = {w->actor.tenant_id, w->ids[0], competences,
                            active == NULL ? NULL : (json_is_true(active) ? "true" : "false")};
    res = cc_db_exec(w->db, &sql_auditor_update, 4, params);
    free(competences);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "auditor update");
    PQclear(res);
    return result(w, w->ids[0]);
}

static const cc_write_spec_t create_spec = {
    .fields = create_fields,
    .nfields = CC_NFIELDS(create_fields),
    .flags = CC_WRITE_IDEMPOTENT,
    .check = check_competences,
    .run = create_auditor,
    .status = 201,
    .event_action = "auditor.created",
    .location = "/v1/auditors/",
};

static const cc_write_spec_t patch_spec = {
    .fields = patch_fields,
    .nfields = CC_NFIELDS(patch_fields),
    .flags = CC_WRITE_IF_MATCH | CC_WRITE_PATCH,
    .path_ids = {"id"},
    .check = check_competences,
    .run = patch_auditor,
    .event_action = "auditor.updated",
};

CC_WRITE_HANDLER(auditors_create_handle, create_spec);
CC_WRITE_HANDLER(auditors_patch_handle, patch_spec);
