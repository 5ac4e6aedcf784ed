/*
 * The signature of a webhook delivery (README.md "Webhooks", ARCHITECTURE.md "Webhooks"): the header
 *
 *     Certcycle-Signature: t=<unix seconds>,v1=<lowercase hex HMAC-SHA256(secret, "<t>.<body>")>
 *
 * where the key is the webhook's secret string as shown at creation ("whsec_..."), its bytes as they are.
 * Signing the timestamp with the body lets a receiver refuse an old delivery replayed later.
 */
#ifndef WEBHOOK_SIGNATURE_H
#define WEBHOOK_SIGNATURE_H

#include <stddef.h>
#include <time.h>

/* "t=" + 20 digits + ",v1=" + 64 hex digits + NUL, with room to spare. */
#define WEBHOOK_SIGNATURE_BUFSIZE 96

/*
 * Writes the header's value for body (body_len bytes) signed with secret at time t into out. Returns 0, or
 * -1 when t is negative.
 */
int webhook_signature(const char *secret, time_t t, const char *body, size_t body_len,
                      char out[WEBHOOK_SIGNATURE_BUFSIZE]);

#endif
