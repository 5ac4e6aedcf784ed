/*
 * Idempotent POSTs; see cc_idempotency.h.
 */
#include "cc_idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_mem.h"
#include "cc_problem.h"

static const cc_sql_t claim_sql = {
    "cc_idempotency_claim",
    "INSERT INTO idempotency_keys AS k (tenant_id, actor_id, key, method, path, request_hash) "
    "VALUES ($1, $2, $3, $4, $5, $6::bytea) "
    "ON CONFLICT (tenant_id, actor_id, key) DO UPDATE SET method = EXCLUDED.method, path = EXCLUDED.path, "
    "  request_hash = EXCLUDED.request_hash, status = NULL, response = NULL, headers = '{}', created_at = "
    "now() "
    "  WHERE k.created_at < now() - interval '24 hours' " /* an expired key may be claimed again */
    "RETURNING true"};

static const cc_sql_t stored_sql = {
    "cc_idempotency_stored",
    "SELECT request_hash = $4::bytea, status, response, headers FROM idempotency_keys "
    "WHERE tenant_id = $1 AND actor_id = $2 AND key = $3"};

static const cc_sql_t store_sql = {
    "cc_idempotency_store",
    "UPDATE idempotency_keys SET status = $4::int, response = $5, headers = $6::jsonb "
    "WHERE tenant_id = $1 AND actor_id = $2 AND key = $3"};

int cc_idempotency_read_or_respond(cc_request_t *r, cc_idempotency_t *out)
{
    memset(out, 0, sizeof(*out));
    const char *key = cc_request_header(r, "idempotency-key");
    if (key == NULL)
        return 0;
    size_t len = strlen(key);
    bool ok = len >= 1 && len <= CC_IDEMPOTENCY_KEY_MAX;
    for (size_t i = 0; ok && i < len; i++)
        ok = key[i] > ' ' && key[i] < 0x7f;
    if (!ok) {
        json_t *problem = cc_problem_new(400, "validation_failed", "the Idempotency-Key header is not valid");
        cc_problem_add_error(problem, "Idempotency-Key", "invalid",
                             "must be 1 to 255 printable ASCII characters");
        cc_respond_problem(r, problem);
        return -1;
    }
    h2o_req_t *req = r->req;
    out->present = true;
    memcpy(out->key, key, len + 1);
    snprintf(out->method, sizeof(out->method), "%.*s", (int)req->method.len, req->method.base);
    snprintf(out->path, sizeof(out->path), "%.*s", (int)req->path_normalized.len, req->path_normalized.base);

    /* method NUL path NUL body: the request the key stands for */
    size_t n = req->method.len + 1 + req->path_normalized.len + 1 + req->entity.len;
    char *buf = cc_malloc(n);
    memcpy(buf, req->method.base, req->method.len);
    buf[req->method.len] = '\0';
    memcpy(buf + req->method.len + 1, req->path_normalized.base, req->path_normalized.len);
    buf[req->method.len + 1 + req->path_normalized.len] = '\0';
    if (req->entity.len > 0)
        memcpy(buf + req->method.len + req->path_normalized.len + 2, req->entity.base, req->entity.len);
    uint8_t digest[CC_SHA256_LEN];
    cc_sha256(buf, n, digest);
    free(buf);
    out->request_hash[0] = '\\';
    out->request_hash[1] = 'x';
    cc_hex_encode(digest, sizeof(digest), out->request_hash + 2);
    return 0;
}

/* Sets the job's answer to the stored response (status, body, headers) and marks it replayed. */
static void replay(cc_job_t *job, const PGresult *res)
{
    json_t *body = PQgetisnull(res, 0, 2) ? NULL : json_loads(PQgetvalue(res, 0, 2), 0, NULL);
    json_t *headers = json_loads(PQgetvalue(res, 0, 3), 0, NULL);
    cc_job_answer(job, atoi(PQgetvalue(res, 0, 1)), body);
    const char *name;
    json_t *value;
    json_object_foreach(headers, name, value) cc_job_header(job, name, json_string_value(value));
    cc_job_header(job, "idempotent-replayed", "true");
    json_decref(headers);
}

int cc_idempotency_claim(cc_job_t *job, cc_dbconn_t *db, const cc_idempotency_t *idem, const char *tenant_id,
                         const char *actor_id)
{
    if (!idem->present)
        return 0;
    const char *params[] = {tenant_id, actor_id, idem->key, idem->method, idem->path, idem->request_hash};
    PGresult *res = cc_db_exec(db, &claim_sql, 6, params);
    if (!cc_db_is_ok(res)) {
        cc_job_answer(job, 503, cc_db_problem(res, "idempotency claim"));
        PQclear(res);
        return -1;
    }
    bool claimed = PQntuples(res) == 1;
    PQclear(res);
    if (claimed)
        return 0;

    /* Taken: by a request that committed (we waited for it if it was running). */
    const char *lookup[] = {tenant_id, actor_id, idem->key, idem->request_hash};
    res = cc_db_exec(db, &stored_sql, 4, lookup);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1) {
        cc_job_answer(job, 503, cc_db_problem(res, "idempotency lookup"));
        PQclear(res);
        return -1;
    }
    if (PQgetvalue(res, 0, 0)[0] != 't')
        cc_job_fail(job, 422, "idempotency_key_reused",
                    "this Idempotency-Key was used with a different request; use a new key");
    else if (PQgetisnull(res, 0, 1))
        cc_job_fail(job, 409, "conflict", "a request with this Idempotency-Key has not finished");
    else
        replay(job, res);
    PQclear(res);
    return 1;
}

int cc_idempotency_store(cc_job_t *job, cc_dbconn_t *db, const cc_idempotency_t *idem, const char *tenant_id,
                         const char *actor_id)
{
    if (!idem->present)
        return 0;
    char status[8];
    snprintf(status, sizeof(status), "%d", job->status);
    char *body = job->body != NULL ? json_dumps(job->body, JSON_COMPACT) : NULL;
    json_t *headers = json_object();
    for (size_t i = 0; i < job->nheaders; i++)
        json_object_set_new(headers, job->headers[i].name, json_string(job->headers[i].value));
    char *headers_text = json_dumps(headers, JSON_COMPACT);
    json_decref(headers);
    const char *params[] = {tenant_id, actor_id, idem->key, status, body, headers_text};
    PGresult *res = cc_db_exec(db, &store_sql, 6, params);
    int ok = cc_db_is_ok(res);
    if (!ok)
        cc_db_problem_log(res, "idempotency store");
    PQclear(res);
    free(body);
    free(headers_text);
    return ok ? 0 : -1;
}
