/*
 * certcycle-certificates: certification decisions, certificates and their
 * life cycle, the printed certificate, and public verification (API, web page,
 * QR code and signed attestation). Configuration: README.md.
 */
#include "cc_server.h"
#include "certificates.h"

int main(void)
{
    const cc_service_t service = {
        .name = "certificates",
        .default_port = 8104,
        .routes = certificates_routes,
        .nroutes = certificates_nroutes,
        .read_statements = certificates_read_statements,
        .nread_statements = certificates_nread_statements,
        .signs_tokens = false,
        .signs_attestations = true, /* the attestation keys only sign here (migration 0021) */
        .housekeeping = certificates_housekeeping,
        .housekeeping_at_start = true,
        .housekeeping_max_interval = 60,
        .notify_handlers = certificates_notify_handlers,
        .nnotify_handlers = CERTIFICATES_NNOTIFY_HANDLERS,
    };
    return cc_service_main(&service);
}
