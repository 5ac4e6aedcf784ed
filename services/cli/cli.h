/*
 * certcycle, the admin CLI: migrations, tenants and users, the demo seed,
 * signing keys and event-log verification. It connects as the owner role
 * (DATABASE_URL); row-level security is forced for the owner too, so every
 * tenant write sets app.tenant_id like the services do.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>

#include "cc_db.h"

typedef struct cli_args {
    int argc;
    char **argv;
} cli_args_t;

/* Returns the value after --name, or NULL. */
const char *cli_opt(const cli_args_t *args, const char *name);

/* Like cli_opt, but prints an error naming --name and returns NULL when it is missing. */
const char *cli_required(const cli_args_t *args, const char *name);

/*
 * True, after saying why, when the command line carries the password flag
 * --flag (the old way, refused: see cli_password).
 */
bool cli_password_flag_refused(const cli_args_t *args, const char *flag);

/*
 * The password a command needs, from CC_PASSWORD or else one line of standard
 * input (no echo on a terminal). Returns the password (caller frees with
 * cli_password_free), or NULL after printing why there is none.
 */
char *cli_password(void);

/* Wipes and frees a password from cli_password; accepts NULL. */
void cli_password_free(char *password);

/* Connects to DATABASE_URL; prints the error and returns -1 on failure. */
int cli_connect(cc_dbconn_t *db);

/* Looks a tenant up by slug; writes its id. Returns 0, or -1 (printed) when there is none. */
int cli_tenant_id(cc_dbconn_t *db, const char *slug, char tenant_id[37]);

/*
 * Creates a user in tenant_id with an event-log entry, in its own transaction.
 * Returns 0, 1 when the e-mail exists already, -1 on error (printed).
 */
int cli_create_user(cc_dbconn_t *db, const char *tenant_id, const char *email, const char *name,
                    const char *role, const char *client_id, const char *password);

/* Creates a tenant (and no users). Returns 0, or -1 (printed). */
int cli_create_tenant(cc_dbconn_t *db, const char *slug, const char *name, char tenant_id[37]);

int cli_migrate(const cli_args_t *args);
int cli_tenant(const cli_args_t *args);
int cli_user(const cli_args_t *args);
int cli_seed_demo(const cli_args_t *args);
int cli_keys(const cli_args_t *args);
int cli_eventlog(const cli_args_t *args);

#endif
