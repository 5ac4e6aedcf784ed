/*
 * certcycle-identity: users, login and tokens. See README.md for its
 * configuration (environment variables).
 */
#include <unistd.h>

#include "cc_server.h"
#include "identity.h"

int main(void)
{
    const cc_service_t service = {
        .name = "identity",
        .default_port = 8101,
        .routes = identity_routes,
        .nroutes = identity_nroutes,
        .read_statements = identity_read_statements,
        .nread_statements = identity_nread_statements,
        .signs_tokens = true,
        .attestation_keys = true, /* published beside the access keys at /.well-known/jwks.json */
        .hashes_passwords = true,
        .housekeeping = housekeeping_run,
    };
    /* One core is always left to the event loops: argon2 may use the others. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    passwords_init(cores > 1 ? (int)cores - 1 : 1);
    return cc_service_main(&service);
}
