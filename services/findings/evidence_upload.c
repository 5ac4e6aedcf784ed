/*
 * POST /v1/findings/{id}/evidence: a file uploaded as the raw body (DOMAIN.md
 * "Findings", ARCHITECTURE.md "Evidence files"). On the loop: the declared
 * type (allow-list), the file name (Content-Disposition), an empty body and
 * the magic bytes. In the transaction: who may upload, the tenant's size
 * limit, then the body read in chunks (never copied whole), each chunk
 * hashed, checked (text) and inserted, and last the file's row with its size
 * and SHA-256, linked to the open response round if there is one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_settings.h"
#include "cc_upload.h"
#include "findings.h"

#define CHUNK_SIZE (256 * 1024)
#define HEAD_SIZE 512 /* the magic bytes; for a ZIP, its first entry's name too */

/* The finding if the caller may see it ($3: a client user's organisation), whether the caller may upload
 * (an auditor: on the audit's team in any role), the open round (the latest, while undecided) and the
 * tenant's findings settings. */
static const cc_sql_t sql_evidence_target = {
    "findings_evidence_target",
    "SELECT f.id, "
    "       $4 <> 'auditor' OR EXISTS (SELECT 1 FROM audit_team t JOIN auditors au "
    "            ON au.tenant_id = t.tenant_id AND au.id = t.auditor_id "
    "            WHERE t.tenant_id = f.tenant_id AND t.audit_id = f.audit_id AND au.user_id = $5::uuid), "
    "       (SELECT CASE WHEN r.decision IS NULL THEN r.id END FROM finding_responses r "
    "         WHERE r.tenant_id = f.tenant_id AND r.finding_id = f.id ORDER BY r.round DESC LIMIT 1), "
    "       (SELECT jsonb_build_object('findings', t.settings->'findings')::text FROM tenants t WHERE t.id = "
    "$1) "
    "  FROM findings f "
    " WHERE f.tenant_id = $1 AND f.id = $2 AND ($3::uuid IS NULL OR f.client_id = $3::uuid) "
    "   FOR KEY SHARE OF f"};

static const cc_sql_t sql_evidence_chunk_insert = {
    "findings_evidence_chunk_insert",
    "INSERT INTO evidence_chunks (tenant_id, file_id, seq, data) VALUES ($1, $2, $3::int, $4::bytea)"};

static const cc_sql_t sql_evidence_insert = {
    "findings_evidence_insert",
    "INSERT INTO evidence_files AS e (tenant_id, id, finding_id, response_id, name, content_type, size, "
    "sha256, "
    "                                 chunk_size, uploaded_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, decode($8, 'hex'), $9::int, $10) "
    "RETURNING cc_evidence_json(e)::text"};

/* ---- on the loop thread ---- */

/* The type, the name, an empty body and the magic bytes; w->body becomes {"type", "name"}. */
static cc_step_t upload_check(cc_request_t *r, cc_write_t *w)
{
    const char *ct = cc_request_header(r, "content-type");
    int type = cc_upload_type_parse(ct, ct != NULL ? strlen(ct) : 0);
    if (type < 0) {
        cc_respond_error(
            r, 415, "unsupported_media_type",
            "the file must be PDF, PNG, JPEG, plain text, CSV, XLSX or DOCX, named by Content-Type");
        return CC_ANSWERED;
    }
    const char *cd = cc_request_header(r, "content-disposition");
    char name[CC_UPLOAD_NAME_MAX + 1];
    cc_upload_name_status_t st = cc_upload_filename(cd, cd != NULL ? strlen(cd) : 0, name);
    if (st != CC_UPLOAD_NAME_OK) {
        json_t *problem =
            cc_problem_new(400, "validation_failed", "the file name is not acceptable; see errors");
        cc_problem_add_error(problem, "filename", cc_upload_name_code(st), cc_upload_name_message(st));
        cc_respond_problem(r, problem);
        return CC_ANSWERED;
    }
    if (w->body_len == 0) {
        cc_respond_error(r, 400, "empty_file", "the file is empty");
        return CC_ANSWERED;
    }
    uint8_t head[HEAD_SIZE];
    ssize_t head_len = cc_request_body_read(r, 0, head, sizeof(head));
    size_t tail_len = cc_upload_tail_wanted((cc_upload_type_t)type);
    tail_len = tail_len < w->body_len ? tail_len : w->body_len;
    uint8_t *tail = tail_len > 0 ? cc_request_alloc(r, tail_len) : NULL;
    if (tail_len > 0)
        cc_request_body_read(r, w->body_len - tail_len, tail, tail_len);
    if (head_len < 0 || !cc_upload_magic_ok((cc_upload_type_t)type, head, (size_t)head_len, tail, tail_len)) {
        cc_respond_error(r, 415, "content_mismatch", "the file's content is not of the type it declares");
        return CC_ANSWERED;
    }
    w->body = json_pack("{s:i, s:s}", "type", type, "name", name);
    return CC_GO_ON;
}

/* ---- on a worker, in the transaction ---- */

/* The tenant's findings.evidence_max_bytes (or its default) from the settings document text. */
static long long max_bytes(const char *settings)
{
    json_t *stored = settings != NULL ? json_loads(settings, 0, NULL) : NULL;
    json_t *effective = cc_settings_effective(stored);
    long long max =
        json_integer_value(json_object_get(json_object_get(effective, "findings"), "evidence_max_bytes"));
    json_decref(effective);
    json_decref(stored);
    return max;
}

/* Who may upload and how much: the open round's id into response_id ("" when none). */
static cc_step_t check_target(cc_write_t *w, char response_id[37])
{
    const char *params[] = {w->actor.tenant_id, w->ids[0], finding_actor_scope(w), w->actor.role,
                            w->actor.user_id};
    PGresult *res = cc_db_exec(w->db, &sql_evidence_target, 5, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "evidence target");
    cc_step_t step = CC_GO_ON;
    long long max =
        PQntuples(res) == 1 ? max_bytes(PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3)) : 0;
    char detail[128];
    if (PQntuples(res) != 1) {
        step = cc_write_fail(w, 404, "not_found", "no such finding");
    } else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0) {
        step = cc_write_fail(w, 403, "not_on_team", "only the audit's team may add evidence to its findings");
    } else if ((long long)w->body_len > max) {
        snprintf(detail, sizeof(detail), "the file is larger than this tenant's limit of %lld bytes", max);
        step = cc_write_fail(w, 413, "payload_too_large", detail);
    } else {
        snprintf(response_id, 37, "%s", PQgetvalue(res, 0, 2)); /* "" when NULL */
    }
    PQclear(res);
    return step;
}

/* Reads the body chunk by chunk into evidence_chunks, hashing it and checking text as it goes. */
static cc_step_t store_chunks(cc_write_t *w, const char *file_id, uint8_t digest[CC_SHA256_LEN])
{
    cc_upload_type_t type = (cc_upload_type_t)json_integer_value(json_object_get(w->body, "type"));
    cc_upload_text_t text = {0};
    cc_sha256_ctx_t *sha = cc_sha256_begin();
    char *chunk = cc_malloc(CHUNK_SIZE);
    cc_step_t step = CC_GO_ON;
    for (size_t offset = 0, seq = 0; step == CC_GO_ON && offset < w->body_len; seq++) {
        ssize_t n = cc_write_body_read(w, offset, chunk, CHUNK_SIZE);
        if (n <= 0) { /* the client has gone: nobody hears the answer, nothing is kept */
            step = cc_write_fail(w, 503, "service_unavailable", "the upload was interrupted");
            break;
        }
        cc_sha256_update(sha, chunk, (size_t)n);
        if (cc_upload_type_is_text(type) &&
            (!cc_upload_text_feed(&text, (const uint8_t *)chunk, (size_t)n) ||
             (offset + (size_t)n == w->body_len && !cc_upload_text_end(&text)))) {
            step = cc_write_fail(w, 415, "content_mismatch",
                                 "the file is not UTF-8 text without control characters");
            break;
        }
        char seq_text[16];
        snprintf(seq_text, sizeof(seq_text), "%zu", seq);
        const char *values[] = {w->actor.tenant_id, file_id, seq_text, chunk};
        const int lengths[] = {0, 0, 0, (int)n}, formats[] = {0, 0, 0, 1};
        PGresult *res = cc_db_exec_params(w->db, &sql_evidence_chunk_insert, 4, values, lengths, formats);
        if (!cc_db_is_ok(res)) {
            step = cc_write_fail_db(w, res, "evidence chunk insert");
            break;
        }
        PQclear(res);
        offset += (size_t)n;
    }
    free(chunk);
    cc_sha256_final(sha, step == CC_GO_ON ? digest : NULL);
    return step;
}

static cc_step_t upload_run(cc_write_t *w)
{
    char response_id[37] = "", file_id[37], sha_hex[2 * CC_SHA256_LEN + 1], size[24], chunk_size[16];
    uint8_t digest[CC_SHA256_LEN];
    cc_step_t step = check_target(w, response_id);
    if (step != CC_GO_ON)
        return step;
    cc_uuid_v4(file_id);
    if ((step = store_chunks(w, file_id, digest)) != CC_GO_ON)
        return step;
    cc_hex_encode(digest, sizeof(digest), sha_hex);
    snprintf(size, sizeof(size), "%zu", w->body_len);
    snprintf(chunk_size, sizeof(chunk_size), "%d", CHUNK_SIZE);
    cc_upload_type_t type = (cc_upload_type_t)json_integer_value(json_object_get(w->body, "type"));
    const char *params[] = {w->actor.tenant_id,
                            file_id,
                            w->ids[0],
                            response_id[0] != '\0' ? response_id : NULL,
                            cc_json_str(w->body, "name"),
                            cc_upload_type_name(type),
                            size,
                            sha_hex,
                            chunk_size,
                            w->actor.user_id};
    PGresult *res = cc_db_exec(w->db, &sql_evidence_insert, 10, params);
    if (!cc_db_is_ok(res))
        return cc_write_fail_db(w, res, "evidence insert");
    json_t *file = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    cc_write_result(w, file,
                    json_pack("{s:s, s:s, s:s, s:s, s:s}", "finding_id", w->ids[0], "name",
                              cc_json_str(w->body, "name"), "content_type", cc_upload_type_name(type), "size",
                              size, "sha256", sha_hex));
    return CC_GO_ON;
}

static const cc_write_spec_t upload_spec = {
    .flags = CC_WRITE_RAW_BODY,
    .path_ids = {"id"},
    .raw_check = upload_check,
    .run = upload_run,
    .status = 201,
    .event_action = "evidence.uploaded",
    .event_entity = "evidence",
    .location = "/v1/evidence/",
};

CC_WRITE_HANDLER(evidence_upload_handle, upload_spec);
