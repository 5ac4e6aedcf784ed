/*
 * Identity's housekeeping: purges expired idempotency keys, finished
 * login-throttle windows, expired or long-revoked refresh tokens and
 * per-address login failures whose window and lock have ended through
 * cc_housekeeping_purge (0013), a bounded batch per statement, again at once
 * while a batch came back full, so that no run holds locks for long.
 */
#include <stdlib.h>

#include "cc_log.h"
#include "identity.h"

#define BATCH "1000"
#define BATCH_ROWS 1000
#define MAX_ROUNDS 100 /* per run: a backlog larger than this waits for the next run */

static const cc_sql_t purge_sql = {"identity_housekeeping_purge",
                                   "SELECT idempotency_keys, login_throttle, refresh_tokens, login_failures "
                                   "FROM cc_housekeeping_purge($1::integer)"};

void housekeeping_run(cc_dbconn_t *db)
{
    long long totals[4] = {0, 0, 0, 0};
    bool full = true;
    for (int round = 0; round < MAX_ROUNDS && full; round++) {
        const char *params[] = {BATCH};
        PGresult *res = cc_db_exec(db, &purge_sql, 1, params);
        if (!cc_db_is_ok(res) || PQntuples(res) != 1) {
            cc_db_problem_log(res, "housekeeping purge");
            PQclear(res);
            return;
        }
        full = false;
        for (int i = 0; i < 4; i++) {
            long long n = atoll(PQgetvalue(res, 0, i));
            totals[i] += n;
            full = full || n >= BATCH_ROWS; /* a batch or more: some statement may have filled its own */
        }
        PQclear(res);
    }
    if (totals[0] + totals[1] + totals[2] + totals[3] > 0)
        cc_log_fields(CC_LOG_INFO, "housekeeping purged",
                      json_pack("{s:I, s:I, s:I, s:I}", "idempotency_keys", totals[0], "login_throttle",
                                totals[1], "refresh_tokens", totals[2], "login_failures", totals[3]));
}
