/*
 * Issuing a token pair: a refresh token stored (hashed) in the caller's
 * transaction, and an ES256 access token signed with the current key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_jwt.h"
#include "cc_log.h"
#include "cc_tenant_token.h"
#include "identity.h"

cc_step_t issue_token_pair(cc_job_t *job, cc_dbconn_t *db, const char *tenant_id, const char *user_id,
                           const char *role, const char *client_id, const char *family_id)
{
    const cc_config_t *cfg = cc_job_config(job);
    char *refresh = NULL, *access = NULL, ttl[16], hash[68];
    cc_step_t step = CC_ANSWERED;
    if (cc_tenant_token_new(tenant_id, &refresh, hash) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "tokens cannot be issued right now");
        goto out;
    }
    snprintf(ttl, sizeof(ttl), "%d", cfg->refresh_ttl);
    const char *params[] = {tenant_id, user_id, family_id, hash, ttl};
    PGresult *res = cc_db_exec(db, &sql_refresh_insert, 5, params);
    if (!cc_db_is_ok(res)) {
        step = cc_job_fail_db_step(job, res, "refresh token insert");
        goto out;
    }
    PQclear(res);

    cc_claims_t claims;
    memset(&claims, 0, sizeof(claims));
    snprintf(claims.sub, sizeof(claims.sub), "%s", user_id);
    snprintf(claims.tid, sizeof(claims.tid), "%s", tenant_id);
    snprintf(claims.role, sizeof(claims.role), "%s", role);
    snprintf(claims.cid, sizeof(claims.cid), "%s", client_id != NULL ? client_id : "");
    cc_keyset_t *keys = cc_job_keys(job);
    int signed_ok = cc_jwt_issue(keys, &claims, cfg->jwt_issuer, cfg->access_ttl, time(NULL), &access);
    cc_keyset_release(keys);
    if (signed_ok != 0) {
        cc_log(CC_LOG_ERROR, "cannot sign an access token: no signing key (run certcycle keys rotate)");
        cc_job_fail(job, 503, "service_unavailable", "tokens cannot be issued right now");
        goto out;
    }
    if (cc_db_commit(db) != 0) {
        cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
        goto out;
    }
    cc_job_answer(job, 200,
                  json_pack("{s:s, s:s, s:i, s:s}", "access_token", access, "token_type", "Bearer",
                            "expires_in", cfg->access_ttl, "refresh_token", refresh));
    cc_job_header(job, "cache-control", "no-store");
out:
    free(refresh);
    free(access);
    return step;
}
