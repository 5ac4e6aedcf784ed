/*
 * certcycle keys rotate|list|delete. Rotation adds a new active key of one
 * purpose (access tokens by default, `--purpose attestation` for signed
 * attestations; migration 0021); the old one keeps verifying until it is
 * deleted, so tokens signed before a rotation stay valid until they expire.
 * Services pick changes up within CC_KEYS_REFRESH seconds.
 */
#include <stdio.h>
#include <string.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_keys.h"
#include "cli.h"

static const cc_sql_t list_sql = {
    "cli_keys_list",
    "SELECT kid, state, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), purpose "
    "FROM signing_keys ORDER BY created_at"};
static const cc_sql_t delete_sql = {
    "cli_keys_delete", "DELETE FROM signing_keys WHERE kid = $1 AND state <> 'active' RETURNING kid"};

static int rotate(cc_dbconn_t *db, cc_key_purpose_t purpose)
{
    uint8_t master_key[32];
    const char *hex = cc_env("CC_MASTER_KEY", "");
    if (strlen(hex) != 64 || cc_hex_decode(hex, master_key, sizeof(master_key)) != 0) {
        fprintf(stderr, "certcycle: keys rotate needs CC_MASTER_KEY (64 hex digits)\n");
        return 1;
    }
    char kid[64];
    if (cc_keys_rotate(db, purpose, master_key, kid) != 0) {
        fprintf(stderr, "certcycle: could not rotate the %s signing key\n", cc_key_purpose_name(purpose));
        return 1;
    }
    printf("new signing key %s\n", kid);
    return 0;
}

static int list(cc_dbconn_t *db)
{
    PGresult *res = cc_db_exec(db, &list_sql, 0, NULL);
    if (!cc_db_is_ok(res)) {
        fprintf(stderr, "certcycle: could not list keys: %s", PQresultErrorMessage(res));
        PQclear(res);
        return 1;
    }
    for (int i = 0; i < PQntuples(res); i++)
        printf("%s\t%s\t%s\t%s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
               PQgetvalue(res, i, 3));
    PQclear(res);
    return 0;
}

static int delete_key(cc_dbconn_t *db, const char *kid)
{
    PGresult *res = cc_db_exec(db, &delete_sql, 1, &kid);
    int deleted = cc_db_is_ok(res) && PQntuples(res) == 1;
    PQclear(res);
    if (!deleted) {
        fprintf(stderr, "certcycle: no previous key %s (the active key cannot be deleted: rotate first)\n",
                kid);
        return 1;
    }
    printf("deleted key %s: tokens it signed are no longer accepted\n", kid);
    return 0;
}

int cli_keys(const cli_args_t *args)
{
    const char *sub = args->argc >= 2 ? args->argv[1] : "";
    const char *kid = cli_opt(args, "kid");
    const char *purpose_name = cli_opt(args, "purpose");
    cc_key_purpose_t purpose = CC_KEYS_ACCESS;
    if ((strcmp(sub, "rotate") != 0 && strcmp(sub, "list") != 0 &&
         !(strcmp(sub, "delete") == 0 && kid != NULL)) ||
        (purpose_name != NULL && cc_key_purpose_parse(purpose_name, &purpose) != 0)) {
        fprintf(stderr, "usage: certcycle keys rotate [--purpose access|attestation] | keys list | "
                        "keys delete --kid K\n");
        return 2;
    }
    cc_dbconn_t db;
    if (cli_connect(&db) != 0)
        return 1;
    int rc = strcmp(sub, "rotate") == 0 ? rotate(&db, purpose)
             : strcmp(sub, "list") == 0 ? list(&db)
                                        : delete_key(&db, kid);
    cc_dbconn_close(&db);
    return rc;
}
