/*
 * certcycle migrate: applies db/migrations/NNNN_name.sql in order, each once,
 * each in its own transaction, recording its name and SHA-256. A migration
 * edited after it was applied is an error: write a new one instead.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_mem.h"
#include "cli.h"

static const cc_sql_t applied_sql = {"cli_migrations_applied",
                                     "SELECT name, checksum FROM schema_migrations"};
static const cc_sql_t record_sql = {"cli_migration_record",
                                    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)"};

static int is_migration_name(const char *name)
{
    size_t len = strlen(name);
    if (len < 10 || strcmp(name + len - 4, ".sql") != 0 || name[4] != '_')
        return 0;
    for (int i = 0; i < 4; i++)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    return 1;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = cc_malloc((size_t)size + 1);
    *len = fread(buf, 1, (size_t)size, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Returns the recorded checksum of name, or NULL when it was never applied. */
static const char *applied_checksum(PGresult *applied, const char *name)
{
    for (int i = 0; i < PQntuples(applied); i++)
        if (strcmp(PQgetvalue(applied, i, 0), name) == 0)
            return PQgetvalue(applied, i, 1);
    return NULL;
}

static int apply(cc_dbconn_t *db, const char *dir, const char *name, PGresult *applied)
{
    char path[4096], checksum[2 * CC_SHA256_LEN + 1];
    uint8_t digest[CC_SHA256_LEN];
    size_t len;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *sql = read_file(path, &len);
    if (sql == NULL) {
        fprintf(stderr, "certcycle: could not read %s\n", path);
        return -1;
    }
    cc_sha256(sql, len, digest);
    cc_hex_encode(digest, sizeof(digest), checksum);
    const char *recorded = applied_checksum(applied, name);
    int rc = 0;
    if (recorded != NULL) {
        if (strcmp(recorded, checksum) != 0) {
            fprintf(stderr,
                    "certcycle: migration %s was changed after it was applied (checksum %s, recorded %s)\n",
                    name, checksum, recorded);
            rc = -1;
        }
        goto out;
    }
    rc = -1;
    if (cc_db_command(db, "BEGIN") != 0)
        goto out;
    PGresult *res = PQexec(db->pg, sql);
    if (!cc_db_is_ok(res)) {
        fprintf(stderr, "certcycle: migration %s failed: %s", name, PQresultErrorMessage(res));
        PQclear(res);
        cc_db_rollback(db);
        goto out;
    }
    PQclear(res);
    const char *params[] = {name, checksum};
    res = cc_db_exec(db, &record_sql, 2, params);
    if (cc_db_is_ok(res) && cc_db_commit(db) == 0) {
        printf("applied %s\n", name);
        rc = 0;
    } else {
        cc_db_rollback(db);
    }
    PQclear(res);
out:
    free(sql);
    return rc;
}

int cli_migrate(const cli_args_t *args)
{
    const char *dir = cc_env("CC_MIGRATIONS_DIR", "db/migrations");
    cc_dbconn_t db;
    if (cli_connect(&db) != 0)
        return 1;
    int rc = 1;
    /* one migrator at a time; a session lock, released when we disconnect */
    if (cc_db_command(&db, "SELECT pg_advisory_lock(7403001)") != 0 ||
        cc_db_command(&db, "SET client_min_messages = warning") != 0 ||
        cc_db_command(&db, "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, "
                           "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())") != 0 ||
        cc_db_command(&db, "REVOKE ALL ON schema_migrations FROM PUBLIC") != 0)
        goto out_close;

    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "certcycle: could not open the migrations directory %s\n", dir);
        goto out_close;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_migration_name(e->d_name))
            continue;
        names = cc_realloc(names, (n + 1) * sizeof(*names));
        names[n++] = cc_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), compare_names);

    PGresult *applied = cc_db_exec(&db, &applied_sql, 0, NULL);
    if (cc_db_is_ok(applied)) {
        rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++)
            if (apply(&db, dir, names[i], applied) != 0)
                rc = 1;
    }
    PQclear(applied);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == 0)
        printf("migrations up to date (%zu files)\n", n);
out_close:
    cc_dbconn_close(&db);
    return rc;
}
