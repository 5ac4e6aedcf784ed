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

/* One command's work on the database, with the password read; returns the exit status. */
typedef int (*db_step_fn)(cc_dbconn_t *db, const char *password, const void *in);

/* Reads the password, connects, runs step and cleans up: step's exit status, 2 without a password, 1 without
 * a database. */
static int with_password_and_db(db_step_fn step, const void *in)
{
    char *password = cli_password();
    if (password == NULL)
        return 2;
    cc_dbconn_t db;
    int rc = 1;
    if (cli_connect(&db) == 0) {
        rc = step(&db, password, in);
        cc_dbconn_close(&db);
    }
    cli_password_free(password);
    return rc;
}

typedef struct {
    const char *slug, *name, *email;
} tenant_in_t;

static int create_tenant(cc_dbconn_t *db, const char *password, const void *data)
{
    const tenant_in_t *in = data;
    char tenant_id[37];
    if (cli_tenant_id(db, in->slug, tenant_id) == 0) {
        fprintf(stderr, "certcycle: tenant %s exists already\n", in->slug);
        return 1;
    }
    if (cli_create_tenant(db, in->slug, in->name, tenant_id) != 0 ||
        cli_create_user(db, tenant_id, in->email, "Administrator", "admin", NULL, password) != 0)
        return 1;
    printf("tenant %s created (%s), admin %s\n", in->slug, tenant_id, in->email);
    return 0;
}

int cli_tenant(const cli_args_t *args)
{
    if (!is_create(args,
                   "certcycle tenant create --slug S --name N --admin-email E  (admin password on stdin "
                   "or in CC_PASSWORD)"))
        return 2;
    if (cli_password_flag_refused(args, "admin-password"))
        return 2;
    tenant_in_t in; /* read in order: a missing flag is reported in the order of the usage */
    in.slug = cli_required(args, "slug");
    in.name = cli_required(args, "name");
    in.email = cli_required(args, "admin-email");
    if (in.slug == NULL || in.name == NULL || in.email == NULL)
        return 2;
    return with_password_and_db(create_tenant, &in);
}

typedef struct {
    const char *slug, *email, *name, *role, *client_id;
} user_in_t;

static int create_user(cc_dbconn_t *db, const char *password, const void *data)
{
    const user_in_t *in = data;
    char tenant_id[37];
    if (cli_tenant_id(db, in->slug, tenant_id) != 0) {
        fprintf(stderr, "certcycle: no tenant %s\n", in->slug);
        return 1;
    }
    int created = cli_create_user(db, tenant_id, in->email, in->name, in->role, in->client_id, password);
    if (created == 1)
        fprintf(stderr, "certcycle: user %s exists already in %s\n", in->email, in->slug);
    else if (created == 0)
        printf("user %s created in %s\n", in->email, in->slug);
    return created == 0 ? 0 : 1;
}

int cli_user(const cli_args_t *args)
{
    if (!is_create(args, "certcycle user create --tenant S --email E --name N --role R [--client-id UUID]  "
                         "(password on stdin or in CC_PASSWORD)"))
        return 2;
    if (cli_password_flag_refused(args, "password"))
        return 2;
    user_in_t in;
    in.slug = cli_required(args, "tenant");
    in.email = cli_required(args, "email");
    in.name = cli_required(args, "name");
    in.role = cli_required(args, "role");
    in.client_id = cli_opt(args, "client-id");
    if (in.slug == NULL || in.email == NULL || in.name == NULL || in.role == NULL)
        return 2;
    return with_password_and_db(create_user, &in);
}
