/*
 * certcycle: command dispatch and the helpers the commands share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_events.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_password.h"
#include "cc_roles.h"
#include "cli.h"

static const cc_sql_t tenant_id_sql = {"cli_tenant_id", "SELECT cc_tenant_id($1)"};
static const cc_sql_t tenant_insert_sql = {"cli_tenant_insert",
                                           "INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)"};
static const cc_sql_t user_insert_sql = {
    "cli_user_insert", "INSERT INTO users (tenant_id, email, name, role, client_id, password_hash) "
                       "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id"};

static void usage(void)
{
    fputs("usage: certcycle <command>\n"
          "  migrate                                   apply db/migrations (CC_MIGRATIONS_DIR)\n"
          "  tenant create --slug S --name N --admin-email E\n"
          "  user create --tenant S --email E --name N --role R [--client-id UUID]\n"
          "      (the password: one line on standard input, or CC_PASSWORD; never on the command line)\n"
          "  seed-demo                                 the demo CBs northcert and southcert\n"
          "  keys rotate [--purpose access|attestation] (needs CC_MASTER_KEY) | keys list | keys delete "
          "--kid K\n"
          "  eventlog verify --tenant S                exit 1 and the first broken link if tampered\n"
          "environment: DATABASE_URL (owner role), CC_MASTER_KEY, CC_PASSWORD\n",
          stderr);
}

const char *cli_opt(const cli_args_t *args, const char *name)
{
    for (int i = 0; i + 1 < args->argc; i++)
        if (strncmp(args->argv[i], "--", 2) == 0 && strcmp(args->argv[i] + 2, name) == 0)
            return args->argv[i + 1];
    return NULL;
}

const char *cli_required(const cli_args_t *args, const char *name)
{
    const char *v = cli_opt(args, name);
    if (v == NULL)
        fprintf(stderr, "certcycle: missing --%s\n", name);
    return v;
}

int cli_connect(cc_dbconn_t *db)
{
    const char *url = cc_env("DATABASE_URL", "postgresql://cc_owner@127.0.0.1:5433/certcycle");
    if (cc_dbconn_open(db, url) != 0) {
        fprintf(stderr, "certcycle: could not connect to DATABASE_URL\n");
        return -1;
    }
    return 0;
}

int cli_tenant_id(cc_dbconn_t *db, const char *slug, char tenant_id[37])
{
    PGresult *res = cc_db_exec(db, &tenant_id_sql, 1, &slug);
    int found = cc_db_is_ok(res) && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0);
    if (found)
        snprintf(tenant_id, 37, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return found ? 0 : -1;
}

int cli_create_tenant(cc_dbconn_t *db, const char *slug, const char *name, char tenant_id[37])
{
    cc_uuid_v4(tenant_id);
    const char *params[] = {tenant_id, slug, name};
    if (cc_db_begin(db, tenant_id) != 0)
        return -1;
    PGresult *res = cc_db_exec(db, &tenant_insert_sql, 3, params);
    int ok = cc_db_is_ok(res);
    if (!ok)
        fprintf(stderr, "certcycle: could not create tenant %s: %s", slug, PQresultErrorMessage(res));
    PQclear(res);
    json_t *detail = json_pack("{s:s, s:s}", "slug", slug, "name", name);
    cc_event_t ev = {NULL, "system", "tenant.created", "tenant", tenant_id, "cli", NULL, detail};
    ok = ok && cc_event_append(db, &ev) == 0 && cc_db_commit(db) == 0;
    json_decref(detail);
    if (!ok)
        cc_db_rollback(db);
    return ok ? 0 : -1;
}

int cli_create_user(cc_dbconn_t *db, const char *tenant_id, const char *email, const char *name,
                    const char *role, const char *client_id, const char *password)
{
    if (cc_role_parse(role) == CC_ROLE_NONE) {
        fprintf(stderr, "certcycle: unknown role %s\n", role);
        return -1;
    }
    if (strlen(password) < CC_PASSWORD_MIN_LEN) {
        fprintf(stderr, "certcycle: the password must have at least %d characters\n", CC_PASSWORD_MIN_LEN);
        return -1;
    }
    char *hash = cc_password_hash(password);
    const char *params[] = {tenant_id, email, name, role, client_id, hash};
    int rc = -1;
    if (cc_db_begin(db, tenant_id) != 0)
        goto out;
    PGresult *res = cc_db_exec(db, &user_insert_sql, 6, params);
    if (!cc_db_is_ok(res)) {
        fprintf(stderr, "certcycle: could not create user %s: %s", email, PQresultErrorMessage(res));
    } else if (PQntuples(res) == 0) {
        rc = 1; /* exists already */
    } else {
        json_t *detail = json_pack("{s:s, s:s}", "email", email, "role", role);
        cc_event_t ev = {NULL, "system", "user.created", "user", PQgetvalue(res, 0, 0), "cli", NULL, detail};
        if (cc_event_append(db, &ev) == 0 && cc_db_commit(db) == 0)
            rc = 0;
        json_decref(detail);
    }
    PQclear(res);
    cc_db_rollback(db);
out:
    free(hash);
    return rc;
}

int main(int argc, char **argv)
{
    cc_mem_init();
    cc_log_init("cli", cc_log_level_parse(cc_env("CC_LOG_LEVEL", "warn")));
    if (argc < 2) {
        usage();
        return 2;
    }
    cli_args_t args = {argc - 1, argv + 1};
    const char *cmd = argv[1];
    if (strcmp(cmd, "migrate") == 0)
        return cli_migrate(&args);
    if (strcmp(cmd, "tenant") == 0)
        return cli_tenant(&args);
    if (strcmp(cmd, "user") == 0)
        return cli_user(&args);
    if (strcmp(cmd, "seed-demo") == 0)
        return cli_seed_demo(&args);
    if (strcmp(cmd, "keys") == 0)
        return cli_keys(&args);
    if (strcmp(cmd, "eventlog") == 0)
        return cli_eventlog(&args);
    usage();
    return 2;
}
