/*
 * Signs a webhook delivery (webhook_signature.h): HMAC-SHA256 over "<t>.<body>" keyed with the secret.
 */
#include "webhook_signature.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_mem.h"

int webhook_signature(const char *secret, time_t t, const char *body, size_t body_len,
                      char out[WEBHOOK_SIGNATURE_BUFSIZE])
{
    if (t < 0)
        return -1;
    char stamp[24];
    int stamp_len = snprintf(stamp, sizeof(stamp), "%lld", (long long)t);
    /* the signed message: the timestamp, a dot, the body exactly as sent */
    size_t len = (size_t)stamp_len + 1 + body_len;
    char *message = cc_malloc(len);
    memcpy(message, stamp, (size_t)stamp_len);
    message[stamp_len] = '.';
    if (body_len > 0)
        memcpy(message + stamp_len + 1, body, body_len);
    uint8_t mac[CC_SHA256_LEN];
    cc_hmac_sha256(secret, strlen(secret), message, len, mac);
    free(message);
    char hex[2 * CC_SHA256_LEN + 1];
    cc_hex_encode(mac, sizeof(mac), hex);
    snprintf(out, WEBHOOK_SIGNATURE_BUFSIZE, "t=%s,v1=%s", stamp, hex);
    return 0;
}
