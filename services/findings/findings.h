/*
 * The findings service (issue 8; DOMAIN.md "Findings"): findings raised on
 * audits, response rounds, review, verification and closure, evidence files
 * and the audit summary. The schema is db/migrations/0014_findings.sql.
 */
#ifndef FINDINGS_H
#define FINDINGS_H

#include "cc_db.h"
#include "cc_http.h"
#include "cc_write.h"

/* ---- routes (routes.c) ---- */
extern const cc_route_t findings_routes[];
extern const size_t findings_nroutes;
extern const cc_sql_t *const findings_read_statements[];
extern const size_t findings_nread_statements;

/* ---- handlers ---- */
void findings_get_handle(cc_request_t *r);      /* GET /v1/findings/{id} */
void findings_list_handle(cc_request_t *r);     /* GET /v1/findings */
void findings_create_handle(cc_request_t *r);   /* POST /v1/findings */
void findings_patch_handle(cc_request_t *r);    /* PATCH /v1/findings/{id} */
void findings_regrade_handle(cc_request_t *r);  /* POST /v1/findings/{id}/regrade */
void findings_summary_handle(cc_request_t *r);  /* GET /v1/findings/summary */
void findings_respond_handle(cc_request_t *r);  /* POST /v1/findings/{id}/responses */
void findings_review_handle(cc_request_t *r);   /* POST /v1/findings/{id}/review */
void findings_verify_handle(cc_request_t *r);   /* POST /v1/findings/{id}/verify */
void findings_close_handle(cc_request_t *r);    /* POST /v1/findings/{id}/close */
void evidence_upload_handle(cc_request_t *r);   /* POST /v1/findings/{id}/evidence */
void evidence_list_handle(cc_request_t *r);     /* GET /v1/findings/{id}/evidence */
void evidence_download_handle(cc_request_t *r); /* GET /v1/evidence/{id} */

/* ---- shared by the handlers (finding_store.c) ---- */

/* The caller's client scope: its own organisation's id for a client user, NULL (every one) for staff. */
const char *finding_client_scope(const cc_request_t *r);

/* The same for the caller of a write. */
const char *finding_actor_scope(const cc_write_t *w);

/* SELECT the finding $2 of tenant $1 as cc_finding_json (with rounds and history) when the client scope $3
 * (NULL: any) allows, FOR UPDATE when locking: the statements the handlers share. */
extern const cc_sql_t sql_finding_get;
extern const cc_sql_t sql_finding_lock;

/*
 * In a write's transaction: the finding w->ids[0] as the API shows it, locked FOR UPDATE when lock is set.
 * Returns a new reference, or NULL after answering: 404 `not_found` (no such finding, or not the caller's
 * organisation's) or the database's problem (*step then says CC_ANSWERED or CC_RETRY).
 */
json_t *finding_load(cc_write_t *w, bool lock, cc_step_t *step);

/* ---- evidence files (evidence_read.c): the statements its reads prepare on the read connections ---- */

/* A finding's files, one keyset page: $1 tenant, $2 finding, $3 client scope, $4 after, $5 limit + 1. */
extern const cc_sql_t sql_evidence_list;
/* One file's name, type, size and SHA-256 (hex) when the client scope $3 allows. */
extern const cc_sql_t sql_evidence_get;
/* One chunk's bytes (read in binary): $1 tenant, $2 file, $3 seq. */
extern const cc_sql_t sql_evidence_chunk;

#endif
