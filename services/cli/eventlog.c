/*
 * certcycle eventlog verify --tenant SLUG: walks the tenant's hash chain and
 * reports the first row whose link or digest does not match.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cc_sql_t verify_sql = {"cli_eventlog_verify",
                                    "SELECT checked, first_bad_seq, problem FROM cc_event_verify()"};

int cli_eventlog(const cli_args_t *args)
{
    if (args->argc < 2 || strcmp(args->argv[1], "verify") != 0) {
        fprintf(stderr, "usage: certcycle eventlog verify --tenant SLUG\n");
        return 2;
    }
    const char *slug = cli_required(args, "tenant");
    if (slug == NULL)
        return 2;
    cc_dbconn_t db;
    if (cli_connect(&db) != 0)
        return 1;
    char tenant_id[37];
    int rc = 1;
    if (cli_tenant_id(&db, slug, tenant_id) != 0) {
        fprintf(stderr, "certcycle: no tenant %s\n", slug);
        goto out;
    }
    if (cc_db_begin(&db, tenant_id) != 0)
        goto out;
    PGresult *res = cc_db_exec(&db, &verify_sql, 0, NULL);
    if (!cc_db_is_ok(res) || PQntuples(res) != 1) {
        fprintf(stderr, "certcycle: could not verify: %s", PQresultErrorMessage(res));
    } else if (PQgetisnull(res, 0, 1)) {
        printf("ok: %s events, chain intact\n", PQgetvalue(res, 0, 0));
        rc = 0;
    } else {
        printf("broken: event seq %s: %s (checked %s)\n", PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
               PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    cc_db_rollback(&db);
out:
    cc_dbconn_close(&db);
    return rc;
}
