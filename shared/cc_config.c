/*
 * Reading cc_config_t from environment variables.
 */
#include "cc_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_crypto.h"

const char *cc_env(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : fallback;
}

int cc_env_int(const char *name, int fallback, int min, int max, int *bad)
{
    const char *v = cc_env(name, NULL);
    if (v == NULL)
        return fallback;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end != '\0' || n < min || n > max) {
        cc_log(CC_LOG_ERROR, "invalid value for %s: must be an integer from %d to %d", name, min, max);
        *bad = 1;
        return fallback;
    }
    return (int)n;
}

static int parse_listen(cc_config_t *cfg, const char *listen)
{
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || (size_t)(colon - listen) >= sizeof(cfg->listen_host) || colon == listen)
        return -1;
    memcpy(cfg->listen_host, listen, (size_t)(colon - listen));
    cfg->listen_host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535)
        return -1;
    cfg->listen_port = (int)port;
    return 0;
}

int cc_config_load(cc_config_t *cfg, int default_port)
{
    int bad = 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    char default_listen[32];
    memset(cfg, 0, sizeof(*cfg));
    cfg->log_level = cc_log_level_parse(cc_env("CC_LOG_LEVEL", "info"));
    snprintf(default_listen, sizeof(default_listen), "127.0.0.1:%d", default_port);
    if (parse_listen(cfg, cc_env("CC_LISTEN", default_listen)) != 0) {
        cc_log(CC_LOG_ERROR, "invalid value for CC_LISTEN: expected host:port");
        bad = 1;
    }
    cfg->threads = cc_env_int("CC_THREADS", cores > 0 ? (int)cores : 2, 1, 256, &bad);
    cfg->workers = cc_env_int("CC_WORKERS", 4, 1, 256, &bad);
    cfg->worker_nice = cc_env_int("CC_WORKER_NICE", 10, 0, 19, &bad);
    cfg->db_pool = cc_env_int("CC_DB_POOL", 2, 1, 64, &bad);
    cfg->app_db_url = cc_env("CC_APP_DATABASE_URL", "postgresql://cc_app@127.0.0.1:5433/certcycle");
    cfg->owner_db_url = cc_env("DATABASE_URL", "postgresql://cc_owner@127.0.0.1:5433/certcycle");
    cfg->jwt_issuer = cc_env("CC_JWT_ISSUER", "certcycle");
    cfg->access_ttl = cc_env_int("CC_ACCESS_TTL", 900, 30, 86400, &bad);
    cfg->refresh_ttl = cc_env_int("CC_REFRESH_TTL", 30 * 86400, 60, 365 * 86400, &bad);
    cfg->keys_refresh = cc_env_int("CC_KEYS_REFRESH", 10, 1, 3600, &bad);
    cfg->max_json_body = 1024 * 1024;
    /* Every route decides its own limit below this one (JSON 1 MiB; evidence uploads, later, their
       tenant's, 20 MiB by default); it equals deploy/h2o.conf's limit-request-body, so that what
       the gateway lets through is read whole and answered by the route, never cut off mid-body. */
    cfg->max_body = CC_MAX_BODY;
    cfg->login_address_limit = cc_env_int("CC_LOGIN_ADDRESS_LIMIT", 100, 1, 1000000, &bad);
    cfg->hash_workers = cc_env_int("CC_HASH_WORKERS", cores > 1 ? (int)cores - 1 : 1, 1, 256, &bad);
    cfg->hash_queue = cc_env_int("CC_HASH_QUEUE", 64, 1, 100000, &bad);
    cfg->shutdown_timeout = cc_env_int("CC_SHUTDOWN_TIMEOUT", 10, 0, 3600, &bad);
    cfg->housekeeping_interval = cc_env_int("CC_HOUSEKEEPING_INTERVAL", 300, 1, 86400, &bad);
    if (cc_proxies_parse(&cfg->trusted_proxies, cc_env("CC_TRUSTED_PROXIES", CC_DEFAULT_TRUSTED_PROXIES)) !=
        0) {
        cc_log(CC_LOG_ERROR,
               "invalid value for CC_TRUSTED_PROXIES: expected a comma-separated list of CIDR blocks");
        bad = 1;
    }
    if (cc_proxies_parse(&cfg->outbound_allow, cc_env("CC_OUTBOUND_ALLOW", "")) != 0) {
        cc_log(CC_LOG_ERROR,
               "invalid value for CC_OUTBOUND_ALLOW: expected a comma-separated list of CIDR blocks");
        bad = 1;
    }
    const char *master = cc_env("CC_MASTER_KEY", NULL);
    if (master != NULL) {
        if (strlen(master) != 64 || cc_hex_decode(master, cfg->master_key, sizeof(cfg->master_key)) != 0) {
            cc_log(CC_LOG_ERROR, "invalid value for CC_MASTER_KEY: expected 64 hex digits");
            bad = 1;
        } else {
            cfg->has_master_key = true;
        }
    }
    return bad ? -1 : 0;
}
