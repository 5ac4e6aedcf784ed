/*
 * certcycle tenant create and certcycle user create. The password comes from
 * CC_PASSWORD or standard input (cli_password), never the command line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* True when the subcommand is `create`; prints usage otherwise. */
static bool is_create(const cli_args_t *args, const char *usage)
{
    if (args->argc >= 2 && strcmp(args->argv[1], "create") == 0)
        return true;
    fprintf(stderr, "usage: %s\n", usage);
    return false;
}

/*
 * Reads the password and connects db: the password (the caller closes db and cli_password_free's it), or NULL
 * with *status the exit status (2: no password, 1: no database).
 */
static char *password_and_db(cc_dbconn_t *db, int *status)
{
    char *password = cli_password();
    if (password == NULL) {
        *status = 2;
        return NULL;
    }
    if (cli_connect(db) != 0) {
        cli_password_free(password);
        *status = 1;
        return NULL;
    }
    return password;
}

int cli_tenant(const cli_args_t *args)
{
    if (!is_create(args,
                   "certcycle tenant create --slug S --name N --admin-email E  (admin password on stdin "
                   "or in CC_PASSWORD)"))
        return 2;
    if (cli_password_flag_refused(args, "admin-password"))
        return 2;
    const char *slug = cli_required(args, "slug"), *name = cli_required(args, "name");
    const char *email = cli_required(args, "admin-email");
    if (slug == NULL || name == NULL || email == NULL)
        return 2;
    cc_dbconn_t db;
    int rc = 1;
    char *password = password_and_db(&db, &rc);
    if (password == NULL)
        return rc;
    char tenant_id[37];
    if (cli_tenant_id(&db, slug, tenant_id) == 0)
        fprintf(stderr, "certcycle: tenant %s exists already\n", slug);
    else if (cli_create_tenant(&db, slug, name, tenant_id) == 0 &&
             cli_create_user(&db, tenant_id, email, "Administrator", "admin", NULL, password) == 0) {
        printf("tenant %s created (%s), admin %s\n", slug, tenant_id, email);
        rc = 0;
    }
    cc_dbconn_close(&db);
    cli_password_free(password);
    return rc;
}

int cli_user(const cli_args_t *args)
{
    if (!is_create(args, "certcycle user create --tenant S --email E --name N --role R [--client-id UUID]  "
                         "(password on stdin or in CC_PASSWORD)"))
        return 2;
    if (cli_password_flag_refused(args, "password"))
        return 2;
    const char *slug = cli_required(args, "tenant"), *email = cli_required(args, "email");
    const char *name = cli_required(args, "name"), *role = cli_required(args, "role");
    const char *client_id = cli_opt(args, "client-id");
    if (slug == NULL || email == NULL || name == NULL || role == NULL)
        return 2;
    cc_dbconn_t db;
    int rc = 1;
    char *password = password_and_db(&db, &rc);
    if (password == NULL)
        return rc;
    char tenant_id[37];
    if (cli_tenant_id(&db, slug, tenant_id) != 0) {
        fprintf(stderr, "certcycle: no tenant %s\n", slug);
    } else {
        int created = cli_create_user(&db, tenant_id, email, name, role, client_id, password);
        if (created == 1)
            fprintf(stderr, "certcycle: user %s exists already in %s\n", email, slug);
        else if (created == 0)
            printf("user %s created in %s\n", email, slug);
        rc = created == 0 ? 0 : 1;
    }
    cc_dbconn_close(&db);
    cli_password_free(password);
    return rc;
}
