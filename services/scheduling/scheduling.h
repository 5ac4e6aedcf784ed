/*
 * The scheduling service: the standards catalogue and audit time now; clients,
 * sites, programmes, auditors and booking follow (issue 3).
 */
#ifndef SCHEDULING_H
#define SCHEDULING_H

#include "cc_db.h"
#include "cc_http.h"

/* ---- routes (routes.c) ---- */
extern const cc_route_t scheduling_routes[];
extern const size_t scheduling_nroutes;

/* ---- handlers ---- */
void standards_list_handle(cc_request_t *r);         /* GET /v1/standards */
void standards_requirements_handle(cc_request_t *r); /* GET /v1/standards/{code}/requirements */
void audit_time_handle(cc_request_t *r);             /* POST /v1/audit-time */

/* ---- SQL (store.c) ---- */
extern const cc_sql_t sql_standards_list, sql_standard_requirements, sql_tenant_audit_time_settings;
extern const cc_sql_t *const scheduling_read_statements[];
extern const size_t scheduling_nread_statements;

#endif
