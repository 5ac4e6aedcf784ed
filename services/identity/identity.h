/*
 * The identity service: tenants' users, login, token refresh and logout,
 * the caller's profile, and the public signing keys (JWKS).
 */
#ifndef IDENTITY_H
#define IDENTITY_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdint.h>

#include "cc_db.h"
#include "cc_http.h"
#include "cc_step.h"
#include "cc_workers.h"

/* ---- routes (routes.c) ---- */
extern const cc_route_t identity_routes[];
extern const size_t identity_nroutes;

/* ---- handlers ---- */
void login_handle(cc_request_t *r);        /* POST /v1/auth/login */
void refresh_handle(cc_request_t *r);      /* POST /v1/auth/refresh */
void logout_handle(cc_request_t *r);       /* POST /v1/auth/logout */
void me_handle(cc_request_t *r);           /* GET /v1/me */
void users_list_handle(cc_request_t *r);   /* GET /v1/users */
void users_create_handle(cc_request_t *r); /* POST /v1/users */
void users_get_handle(cc_request_t *r);    /* GET /v1/users/{id} */
void users_patch_handle(cc_request_t *r);  /* PATCH /v1/users/{id} */
void jwks_handle(cc_request_t *r);         /* GET /.well-known/jwks.json */

/* ---- tenant settings (settings.c) ---- */
void settings_get_handle(cc_request_t *r);   /* GET /v1/settings */
void settings_patch_handle(cc_request_t *r); /* PATCH /v1/settings */

/* ---- SQL (store.c) ---- */
extern const cc_sql_t sql_tenant_id, sql_user_for_login, sql_user_recheck_for_login, sql_login_failures_lock,
    sql_login_failed, sql_login_succeeded;
extern const cc_sql_t sql_throttle_check, sql_throttle_record;
extern const cc_sql_t sql_refresh_insert, sql_refresh_rotate, sql_refresh_lookup, sql_refresh_revoke_family,
    sql_refresh_revoke_user, sql_refresh_family_lock, sql_refresh_user_lock, sql_refresh_family_revoked;
extern const cc_sql_t sql_me, sql_users_list, sql_user_get, sql_user_insert, sql_user_lock, sql_user_update;
extern const cc_sql_t sql_settings_get, sql_settings_lock, sql_settings_update;
extern const cc_sql_t *const identity_read_statements[];
extern const size_t identity_nread_statements;

/* Builds the public User object from row `row` of a result whose columns are USER_COLUMNS. */
json_t *user_from_row(const PGresult *res, int row);

/* ---- issuing (tokens.c) ---- */

/*
 * Issues a token pair for a user inside the open transaction of db: inserts a
 * refresh token in family_id (NULL: a new family) and signs an access token.
 * and commits. Sets the job's answer (200 with the pair, or the failure) and
 * returns CC_ANSWERED, or CC_RETRY when the transaction should run again
 * (deadlock, serialization failure).
 */
cc_step_t issue_token_pair(cc_job_t *job, cc_dbconn_t *db, const char *tenant_id, const char *user_id,
                           const char *role, const char *client_id, const char *family_id);

/* ---- housekeeping (housekeeping.c) ---- */

/* Purges what has expired (cc_housekeeping_purge), in bounded batches; logs what it did. Blocking. */
void housekeeping_run(cc_dbconn_t *db);

/* ---- argon2 gate (passwords.c): at most one hash per core at a time ---- */
void passwords_init(int concurrency);
char *passwords_hash(const char *password);
int passwords_verify(const char *encoded, const char *password);
void passwords_burn(const char *password);

#endif
