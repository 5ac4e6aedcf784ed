/*
 * GET /v1/certificates/{id}/document.pdf: the printed certificate (DOMAIN.md "Certificates"; issue 9 "The
 * printed certificate") for staff and the client's own users (another organisation's or tenant's
 * certificate is 404). One worker job reads the revision with its holder and CB in the caller's tenant and
 * renders it (certificate_pdf.c), so neither the read nor cairo's work runs on a loop thread. The QR code
 * below the details encodes the revision's verify_url, <public_base_url>/verify/<cb_slug>/<number>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"
#include "cc_roles.h"
#include "cc_workers.h"
#include "certificate_pdf.h"
#include "certificates.h"
#include "public_index.h"

/* The revision as the API shows it, with the holder and the CB as the certificate prints them. */
static const cc_sql_t sql_certificate_document = {
    "certificate_document",
    "SELECT cc_certificate_json(c, false) || jsonb_build_object("
    "  'holder', jsonb_build_object('legal_name', cl.legal_name, 'street', cl.street, 'city', cl.city, "
    "                               'state', cl.state, 'post_code', cl.post_code, 'country', cl.country), "
    "  'certification_body', jsonb_build_object('name', t.name, 'slug', t.slug, 'address', t.address, "
    "                                           'accreditation_body', t.accreditation_body)) "
    "FROM certificates c JOIN clients cl ON cl.tenant_id = c.tenant_id AND cl.id = c.client_id "
    "JOIN tenants t ON t.id = c.tenant_id "
    "WHERE c.tenant_id = $1 AND c.id = $2 AND ($3::uuid IS NULL OR c.client_id = $3::uuid)"};

typedef struct {
    char tenant_id[37], id[37], client_id[37]; /* client_id "" for staff */
    char base_url[512];
    char filename[128];
    unsigned char *pdf;
    size_t len;
} document_job_t;

static int document_run(cc_job_t *job, cc_dbconn_t *db)
{
    document_job_t *in = job->data;
    if (cc_db_begin(db, in->tenant_id) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is not available");
        return CC_JOB_DONE;
    }
    const char *params[] = {in->tenant_id, in->id, in->client_id[0] != '\0' ? in->client_id : NULL};
    PGresult *res = cc_db_exec(db, &sql_certificate_document, 3, params);
    if (!cc_db_is_ok(res)) {
        cc_db_rollback(db);
        return cc_job_fail_db(job, res, "read the certificate for its document");
    }
    cc_db_rollback(db); /* read only */
    if (PQntuples(res) != 1) {
        PQclear(res);
        cc_job_fail(job, 404, "not_found", "no such certificate");
        return CC_JOB_DONE;
    }
    json_t *doc = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    const char *number = json_string_value(json_object_get(doc, "number"));
    const char *slug = json_string_value(json_object_get(json_object_get(doc, "certification_body"), "slug"));
    char verify_url[1024];
    snprintf(verify_url, sizeof(verify_url), "%s/verify/%s/%s", in->base_url, slug != NULL ? slug : "",
             number != NULL ? number : "");
    snprintf(in->filename, sizeof(in->filename), "inline; filename=\"%s.pdf\"",
             number != NULL ? number : "c");
    if (doc == NULL || certificate_pdf_render(doc, verify_url, &in->pdf, &in->len) != 0)
        cc_job_fail(job, 500, "internal_error", "the certificate could not be rendered");
    json_decref(doc);
    return CC_JOB_DONE;
}

static void document_done(cc_job_t *job)
{
    document_job_t *in = job->data;
    cc_request_t *r = job->request;
    if (in->pdf == NULL) {
        cc_job_respond(job);
    } else if (r != NULL && cc_request_is_live(r)) {
        cc_set_header(r, "content-disposition", in->filename);
        cc_set_header(r, "cache-control", "private, no-cache");
        cc_respond_text(r, 200, "application/pdf", (const char *)in->pdf, in->len);
    }
    free(in->pdf);
    free(in);
}

void certificates_document_handle(cc_request_t *r)
{
    const char *id = cc_path_uuid_or_respond(r, "id");
    if (id == NULL)
        return;
    document_job_t *in = cc_calloc(1, sizeof(*in));
    snprintf(in->tenant_id, sizeof(in->tenant_id), "%s", r->claims.tid);
    snprintf(in->id, sizeof(in->id), "%s", id);
    if (cc_role_parse(r->claims.role) == CC_ROLE_CLIENT)
        snprintf(in->client_id, sizeof(in->client_id), "%s", r->claims.cid);
    public_base_url(r, in->base_url, sizeof(in->base_url)); /* reads the request: on the loop thread */
    cc_job_submit(r, document_run, document_done, in);
}
