/*
 * The demo's registry sync and webhook (seed.h; 0022_registry_sync.sql,
 * ARCHITECTURE.md "Registry sync", "Webhooks"): a registry_settings row that
 * names the CB's accreditation body but stays disabled with no API key (an
 * admin adds the key and enables it: PUT /v1/registry/settings), and one
 * webhook to the CB's own (placeholder) receiver for every certificate event.
 * Its secret is sealed under CC_MASTER_KEY as POST /v1/webhooks seals it, and
 * shown nowhere (the demo's receiver does not exist); without the master key
 * the webhook is skipped, saying so. Neither is touched once it exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_config.h"
#include "cc_crypto.h"
#include "seed.h"

#define WEBHOOK_EVENTS                                                                                       \
    "{certificate.issued,certificate.suspended,certificate.restored,certificate.withdrawn,"                  \
    "certificate.expired,certificate.revised}"

static const cc_sql_t sql_settings = {
    "seed_registry_settings",
    "INSERT INTO registry_settings (tenant_id, enabled, accreditation_body_name, accreditation_body_acronym) "
    "VALUES ($1, false, $2, $3) ON CONFLICT (tenant_id) DO NOTHING"};

static const cc_sql_t sql_webhook_exists = {
    "seed_webhook_exists", "SELECT count(*) FROM webhooks WHERE tenant_id = $1 AND url = $2"};

static const cc_sql_t sql_webhook_insert = {
    "seed_webhook_insert",
    "INSERT INTO webhooks (tenant_id, url, events, secret_sealed, description, created_by) "
    "SELECT $1, $2, '" WEBHOOK_EVENTS "'::text[], $3::bytea, 'Certificate register of the CB (demo)', u.id "
    "FROM users u WHERE u.tenant_id = $1 AND u.email = $4"};

/* A new webhook secret ("whsec_" + base64url of 32 random bytes, as POST /v1/webhooks makes them), sealed
 * under the master key into *sealed (caller frees). 0, or -1 when CC_MASTER_KEY is not set. */
static int sealed_secret(uint8_t **sealed, size_t *len)
{
    uint8_t key[CC_AEAD_KEY_LEN], raw[32];
    const char *hex = cc_env("CC_MASTER_KEY", "");
    if (strlen(hex) != 2 * CC_AEAD_KEY_LEN || cc_hex_decode(hex, key, sizeof(key)) != 0)
        return -1;
    cc_random_bytes(raw, sizeof(raw));
    char *encoded = cc_base64url_encode(raw, sizeof(raw));
    size_t n = strlen("whsec_") + strlen(encoded);
    char *secret = malloc(n + 1);
    snprintf(secret, n + 1, "whsec_%s", encoded);
    int rc = cc_aead_seal(key, secret, n, sealed, len);
    memset(secret, 0, n);
    free(secret);
    free(encoded);
    memset(key, 0, sizeof(key));
    return rc == 0 ? 0 : -1;
}

static int ensure_webhook(seed_ctx_t *s)
{
    char url[128], admin[128], count[16];
    snprintf(url, sizeof(url), "https://hooks.%s.example/certcycle", s->slug);
    snprintf(admin, sizeof(admin), "admin@%s.example", s->slug);
    const char *find[] = {s->tenant_id, url};
    if (seed_exec(s, &sql_webhook_exists, 2, find, count, sizeof(count), "webhook lookup") != 0)
        return -1;
    if (strcmp(count, "0") != 0)
        return 0;
    uint8_t *sealed = NULL;
    size_t len = 0;
    if (sealed_secret(&sealed, &len) != 0) {
        printf("demo tenant %s: no webhook (its secret is sealed under CC_MASTER_KEY, which is not set)\n",
               s->slug);
        return 0;
    }
    const char *values[] = {s->tenant_id, url, (const char *)sealed, admin};
    const int lengths[] = {0, 0, (int)len, 0}, formats[] = {0, 0, 1, 0};
    PGresult *res = cc_db_exec_params(s->db, &sql_webhook_insert, 4, values, lengths, formats);
    int ok = cc_db_is_ok(res);
    if (!ok)
        fprintf(stderr, "certcycle: seed-demo (%s, webhook): %s", s->slug, PQresultErrorMessage(res));
    PQclear(res);
    free(sealed);
    return ok ? 0 : -1;
}

int seed_registry(cc_dbconn_t *db, const char *tenant_id, const char *slug, const char *ab_name,
                  const char *ab_acronym)
{
    seed_ctx_t s;
    memset(&s, 0, sizeof(s));
    s.db = db, s.tenant_id = tenant_id, s.slug = slug;
    const char *params[] = {tenant_id, ab_name, ab_acronym};
    if (cc_db_begin(db, tenant_id) != 0)
        return -1;
    int rc = seed_exec(&s, &sql_settings, 3, params, NULL, 0, "registry settings") == 0 &&
                     ensure_webhook(&s) == 0 && cc_db_commit(db) == 0
                 ? 0
                 : -1;
    cc_db_rollback(db);
    return rc;
}
