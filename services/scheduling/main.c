/*
 * certcycle-scheduling: the standards catalogue and audit time (issue 3 adds
 * clients, programmes, auditors and booking). Configuration: README.md.
 */
#include "cc_server.h"
#include "scheduling.h"

int main(void)
{
    const cc_service_t service = {
        .name = "scheduling",
        .default_port = 8102,
        .routes = scheduling_routes,
        .nroutes = scheduling_nroutes,
        .read_statements = scheduling_read_statements,
        .nread_statements = scheduling_nread_statements,
        .signs_tokens = false,
    };
    return cc_service_main(&service);
}
