/*
 * GET /v1/findings/{id}/evidence (a finding's files, one keyset page) and
 * GET /v1/evidence/{id} (one file, streamed chunk by chunk from PostgreSQL:
 * each chunk is read when the client has taken the last, so a download holds
 * one chunk, never the file; ARCHITECTURE.md "Evidence files"). Visibility is
 * the finding's: a client user sees only its own organisation's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_dbasync.h"
#include "cc_list.h"
#include "cc_stream.h"
#include "findings.h"

const cc_sql_t sql_evidence_list = {
    "findings_evidence_list",
    "SELECT f.id, e.id, cc_evidence_json(e)::text FROM findings f "
    "LEFT JOIN evidence_files e ON e.tenant_id = f.tenant_id AND e.finding_id = f.id "
    "     AND ($4::uuid IS NULL OR e.id > $4::uuid) "
    "WHERE f.tenant_id = $1 AND f.id = $2 AND ($3::uuid IS NULL OR f.client_id = $3::uuid) "
    "ORDER BY e.id LIMIT $5::int"};

const cc_sql_t sql_evidence_get = {
    "findings_evidence_get",
    "SELECT e.name, e.content_type, e.size, encode(e.sha256, 'hex') FROM evidence_files e "
    "JOIN findings f ON f.tenant_id = e.tenant_id AND f.id = e.finding_id "
    "WHERE e.tenant_id = $1 AND e.id = $2 AND ($3::uuid IS NULL OR f.client_id = $3::uuid)"};

const cc_sql_t sql_evidence_chunk = {
    "findings_evidence_chunk",
    "SELECT data FROM evidence_chunks WHERE tenant_id = $1 AND file_id = $2 AND seq = $3::int"};

/* ---- the list ---- */

static json_t *listed_file(const PGresult *res, int row)
{
    return json_loads(PQgetvalue(res, row, 2), 0, NULL);
}

void evidence_list_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    cc_page_t *page = id != NULL ? cc_page_or_respond(r, listed_file, 1) : NULL;
    if (page == NULL)
        return;
    page->parent = "no such finding";
    const char *params[] = {r->claims.tid, id, finding_client_scope(r), cc_page_after(page), page->fetch};
    cc_page_query(r, page, &sql_evidence_list, 5, params);
}

/* ---- the download ---- */

typedef struct download {
    const char *file_id;
    int seq; /* the next chunk */
    cc_stream_t *stream;
} download_t;

static void on_chunk(cc_request_t *r, PGresult *res, void *data)
{
    (void)r;
    download_t *d = data;
    if (PQntuples(res) != 1 || PQgetlength(res, 0, 0) == 0) { /* a file's chunks never go: a bug */
        cc_stream_fail(d->stream);
        return;
    }
    d->seq++;
    cc_stream_send(d->stream, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
}

static void next_chunk(cc_request_t *r, cc_stream_t *s, void *data)
{
    download_t *d = data;
    d->stream = s;
    char seq[16];
    snprintf(seq, sizeof(seq), "%d", d->seq);
    const char *params[] = {r->claims.tid, d->file_id, seq};
    cc_db_query_binary(r, r->claims.tid, &sql_evidence_chunk, 3, params, on_chunk, d);
}

/* attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded> (RFC 6266, RFC 8187). */
static const char *disposition_of(cc_request_t *r, const char *name)
{
    size_t n = strlen(name);
    char *out = cc_request_alloc(r, 48 + n * 4), *o = out;
    o += sprintf(o, "attachment; filename=\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if ((c & 0xc0) == 0x80)
            continue; /* a UTF-8 continuation: its lead byte became one '_' */
        *o++ = c >= 0x80 || c == '"' || c == '\\' ? '_' : (char)c;
    }
    o += sprintf(o, "\"; filename*=UTF-8''");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("!#$&+-.^_`|~", c) != NULL)
            *o++ = (char)c;
        else
            o += sprintf(o, "%%%02X", c);
    }
    *o = '\0';
    return out;
}

static void on_file(cc_request_t *r, PGresult *res, void *data)
{
    download_t *d = data;
    if (PQntuples(res) != 1) {
        cc_respond_error(r, 404, "not_found", "no such evidence file");
        return;
    }
    char etag[72];
    snprintf(etag, sizeof(etag), "\"%s\"", PQgetvalue(res, 0, 3));
    cc_set_header(r, "etag", etag);
    cc_set_header(r, "cache-control", "private, no-cache");
    if (cc_etag_list_matches(cc_request_header(r, "if-none-match"), etag)) {
        cc_respond_json(r, 304, NULL);
        return;
    }
    cc_set_header(r, "content-disposition", disposition_of(r, PQgetvalue(res, 0, 0)));
    cc_set_header(r, "x-content-type-options", "nosniff");
    cc_set_header(r, "content-security-policy", "sandbox");
    size_t size = (size_t)strtoull(PQgetvalue(res, 0, 2), NULL, 10);
    cc_respond_stream(r, 200, cc_request_strdup(r, PQgetvalue(res, 0, 1), SIZE_MAX), size, next_chunk, d);
}

void evidence_download_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    download_t *d = cc_request_alloc(r, sizeof(*d));
    d->file_id = id;
    d->seq = 0;
    d->stream = NULL;
    const char *params[] = {r->claims.tid, id, finding_client_scope(r)};
    cc_db_query(r, r->claims.tid, &sql_evidence_get, 3, params, on_file, d);
}
