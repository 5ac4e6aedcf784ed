/*
 * Secret tokens that carry their tenant: base64url(tenant uuid bytes || 32
 * random bytes), 64 characters. Only their SHA-256 is stored.
 */
#ifndef CC_TENANT_TOKEN_H
#define CC_TENANT_TOKEN_H

#define CC_TENANT_TOKEN_RANDOM_LEN 32
#define CC_TENANT_TOKEN_RAW_LEN (16 + CC_TENANT_TOKEN_RANDOM_LEN)

/* Makes a new token for tenant_id: caller-freed *token and the hex of its SHA-256 as "\\x..." (67 bytes). */
int cc_tenant_token_new(const char *tenant_id, char **token, char hash_param[68]);

/* Parses token: writes its tenant id (canonical UUID) and hash parameter. Returns 0, or -1 when malformed. */
int cc_tenant_token_parse(const char *token, char tenant_id[37], char hash_param[68]);

#endif
