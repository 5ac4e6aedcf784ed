/*
 * The expiry job (issue 9 "Expiry runs by itself"; DOMAIN.md "Certificates": active -> expired at expiry,
 * automatically): the service's housekeeping, run at start and at least every minute (main.c), calls
 * cc_certificates_expire(today) (0019), which in every tenant expires the active and suspended current
 * revisions past their expiry date and every ISO/IEC 27001:2013 certificate after 2025-10-31, each with its
 * history row, outbox row and event, in one transaction. Several instances may run it at once: the rows are
 * taken FOR UPDATE SKIP LOCKED, so each certificate is expired once.
 */
#include <stdlib.h>

#include "cc_log.h"
#include "certificates.h"

/* current_date is UTC on every connection (ARCHITECTURE.md "One clock"). */
static const cc_sql_t sql_expire = {"certificates_expire", "SELECT cc_certificates_expire(current_date)"};

void certificates_housekeeping(cc_dbconn_t *db)
{
    PGresult *res = cc_db_exec(db, &sql_expire, 0, NULL);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1) {
        cc_db_problem_log(res, "certificate expiry");
        PQclear(res);
        return;
    }
    long long n = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (n > 0)
        cc_log_fields(CC_LOG_INFO, "certificates expired", json_pack("{s:I}", "count", (json_int_t)n));
}
