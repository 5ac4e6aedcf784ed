/*
 * The scheduling service: the standards catalogue, audit time, clients and
 * sites, auditors, programmes, audits with their teams and bookings, and
 * auditors' calendar feeds.
 */
#ifndef SCHEDULING_H
#define SCHEDULING_H

#include "cc_db.h"
#include "cc_http.h"
#include "cc_json.h"
#include "programme_settings.h"

/* ---- routes (routes.c) ---- */
extern const cc_route_t scheduling_routes[];
extern const size_t scheduling_nroutes;

/* ---- handlers ---- */
void standards_list_handle(cc_request_t *r);         /* GET /v1/standards */
void standards_requirements_handle(cc_request_t *r); /* GET /v1/standards/{code}/requirements */
void audit_time_handle(cc_request_t *r);             /* POST /v1/audit-time */
void clients_list_handle(cc_request_t *r);           /* GET /v1/clients */
void clients_create_handle(cc_request_t *r);         /* POST /v1/clients */
void clients_get_handle(cc_request_t *r);            /* GET /v1/clients/{id} */
void clients_patch_handle(cc_request_t *r);          /* PATCH /v1/clients/{id} */
void sites_list_handle(cc_request_t *r);             /* GET /v1/clients/{id}/sites */
void sites_create_handle(cc_request_t *r);           /* POST /v1/clients/{id}/sites */
void sites_get_handle(cc_request_t *r);              /* GET /v1/clients/{id}/sites/{site_id} */
void auditors_list_handle(cc_request_t *r);          /* GET /v1/auditors */
void auditors_create_handle(cc_request_t *r);        /* POST /v1/auditors */
void auditors_get_handle(cc_request_t *r);           /* GET /v1/auditors/{id} */
void auditors_patch_handle(cc_request_t *r);         /* PATCH /v1/auditors/{id} */
void unavailability_list_handle(cc_request_t *r);    /* GET /v1/auditors/{id}/unavailability */
void unavailability_create_handle(cc_request_t *r);  /* POST /v1/auditors/{id}/unavailability */
void conflicts_list_handle(cc_request_t *r);         /* GET /v1/auditors/{id}/conflicts */
void conflicts_create_handle(cc_request_t *r);       /* POST /v1/auditors/{id}/conflicts */
void programmes_list_handle(cc_request_t *r);        /* GET /v1/programmes */
void programmes_create_handle(cc_request_t *r);      /* POST /v1/programmes */
void programmes_get_handle(cc_request_t *r);         /* GET /v1/programmes/{id} */
void audits_list_handle(cc_request_t *r);            /* GET /v1/audits */
void audits_get_handle(cc_request_t *r);             /* GET /v1/audits/{id} */
void schedule_due_handle(cc_request_t *r);           /* GET /v1/schedule/due */
void audits_patch_handle(cc_request_t *r);           /* PATCH /v1/audits/{id} */
void audit_team_add_handle(cc_request_t *r);         /* POST /v1/audits/{id}/team */
void audit_team_remove_handle(cc_request_t *r);      /* DELETE /v1/audits/{id}/team/{auditor_id} */
void audit_schedule_handle(cc_request_t *r);         /* POST /v1/audits/{id}/schedule */
void audit_start_handle(cc_request_t *r);            /* POST /v1/audits/{id}/start */
void audit_complete_handle(cc_request_t *r);         /* POST /v1/audits/{id}/complete */
void audit_cancel_handle(cc_request_t *r);           /* POST /v1/audits/{id}/cancel */
void auditor_calendar_token_handle(cc_request_t *r); /* POST /v1/auditors/{id}/calendar-token */
void auditor_calendar_handle(cc_request_t *r);       /* GET /v1/auditors/{id}/calendar.ics?token= */

/* ---- shared by the handlers ---- */

/* Checks a postal address object; errors name fields under path ("address.country"). Returns the error count.
 */
size_t check_address(const json_t *address, const char *path, json_t *problem);

/* True when s is a sector code: 1 to 20 letters, digits, spaces, '.' or '-'. */
bool check_sector_code(const char *s);

/* A client organisation from row `row` of a result with CLIENT_COLUMNS (store.c). */
json_t *client_from_row(const PGresult *res, int row);

/* An auditor from a row of AUDITOR_COLUMNS (store.c). */
json_t *auditor_from_row(const PGresult *res, int row);

/* An audit from a row of AUDIT_COLUMNS (store.c), with its team. */
json_t *audit_from_row(const PGresult *res, int row);

/* The tenant's programme settings [P] read in db's open transaction (the defaults when unset or invalid). */
void tenant_programme_settings(cc_dbconn_t *db, const char *tenant_id, programme_settings_t *out);

/* The caller's client scope: its own organisation (a client user), or NULL (staff see every one). */
const char *client_scope(const cc_request_t *r);

/* ---- SQL (store.c) ---- */
extern const cc_sql_t sql_standards_list, sql_standard_requirements, sql_tenant_audit_time_settings;
extern const cc_sql_t sql_clients_list, sql_client_get, sql_client_insert, sql_client_lock, sql_client_update;
extern const cc_sql_t sql_sites_list, sql_site_get, sql_client_lock_for_sites, sql_client_sites_census,
    sql_site_insert;
extern const cc_sql_t sql_auditors_list, sql_auditor_get, sql_auditor_insert, sql_auditor_lock,
    sql_auditor_update, sql_auditor_user, sql_user_role, sql_standard_references;
extern const cc_sql_t sql_unavailability_list, sql_unavailability_insert, sql_conflicts_list,
    sql_conflict_insert;
extern const cc_sql_t sql_programmes_list, sql_programme_get, sql_client_for_programme, sql_client_site_ids,
    sql_programme_insert, sql_audit_insert;
extern const cc_sql_t sql_audits_list, sql_audit_get, sql_audit_get_for_client, sql_schedule_due;
extern const cc_sql_t sql_audit_lock, sql_audit_update_plan, sql_audit_update_status, sql_audit_touch,
    sql_programme_stage1, sql_team_candidate, sql_live_conflict, sql_team_insert, sql_team_delete,
    sql_team_members, sql_team_size, sql_auditor_user_lock;
extern const cc_sql_t sql_auditor_calendar_token_set, sql_auditor_calendar;
extern const cc_sql_t sql_tenant_programme_settings;
extern const cc_sql_t *const scheduling_read_statements[];
extern const size_t scheduling_nread_statements;

#endif
