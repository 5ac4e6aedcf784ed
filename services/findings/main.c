/*
 * certcycle-findings: nonconformities and other findings raised on audits, the
 * client's corrective-action responses and their review, verification and
 * closure, evidence files, and the audit summary. Configuration: README.md.
 */
#include "cc_server.h"
#include "findings.h"

int main(void)
{
    const cc_service_t service = {
        .name = "findings",
        .default_port = 8103,
        .routes = findings_routes,
        .nroutes = findings_nroutes,
        .read_statements = findings_read_statements,
        .nread_statements = findings_nread_statements,
        .signs_tokens = false,
    };
    return cc_service_main(&service);
}
