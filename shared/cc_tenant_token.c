/*
 * Secret tokens that name their tenant (refresh tokens, calendar feed
 * tokens): base64url of the tenant's UUID bytes followed by 32 random bytes.
 * Carrying the tenant lets a lookup run inside that tenant's row-level
 * security without a cross-tenant query; only the SHA-256 is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_crypto.h"
#include "cc_mem.h"
#include "cc_tenant_token.h"

static int uuid_to_bytes(const char *uuid, uint8_t out[16])
{
    char hex[33];
    size_t n = 0;
    for (const char *p = uuid; *p != '\0' && n < 32; p++)
        if (*p != '-')
            hex[n++] = *p;
    hex[n] = '\0';
    return n == 32 ? cc_hex_decode(hex, out, 16) : -1;
}

static void bytes_to_uuid(const uint8_t in[16], char out[37])
{
    char hex[33];
    cc_hex_encode(in, 16, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static void hash_param(const uint8_t *raw, size_t len, char out[68])
{
    uint8_t digest[CC_SHA256_LEN];
    cc_sha256(raw, len, digest);
    out[0] = '\\';
    out[1] = 'x';
    cc_hex_encode(digest, sizeof(digest), out + 2);
}

int cc_tenant_token_new(const char *tenant_id, char **token, char hash[68])
{
    uint8_t raw[CC_TENANT_TOKEN_RAW_LEN];
    if (uuid_to_bytes(tenant_id, raw) != 0)
        return -1;
    cc_random_bytes(raw + 16, CC_TENANT_TOKEN_RANDOM_LEN);
    *token = cc_base64url_encode(raw, sizeof(raw));
    hash_param(raw, sizeof(raw), hash);
    return 0;
}

int cc_tenant_token_parse(const char *token, char tenant_id[37], char hash[68])
{
    uint8_t *raw = NULL;
    size_t len = 0;
    if (strlen(token) != 64 || cc_base64url_decode(token, 64, &raw, &len) != 0)
        return -1;
    int rc = -1;
    if (len == CC_TENANT_TOKEN_RAW_LEN) {
        bytes_to_uuid(raw, tenant_id);
        hash_param(raw, len, hash);
        rc = 0;
    }
    free(raw);
    return rc;
}
