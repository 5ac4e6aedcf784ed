/*
 * The registry workers' threads (registry_worker.h; ARCHITECTURE.md "Registry sync"): each has its own
 * blocking database connection, looks for tenants with due work (cc_registry_due_tenants) and runs one
 * pass per tenant (registry_send.c) until nothing is left, then sleeps until woken (NOTIFY cc_registry,
 * via registry_workers_wake) or for CC_REGISTRY_POLL seconds. A database that is down is waited out:
 * the thread sleeps a poll interval and reconnects (cc_dbconn_ensure); it never spins and never exits.
 */
#include "registry_worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_log.h"
#include "cc_mem.h"
#include "registry_worker_int.h"

struct registry_workers {
    registry_cfg_t cfg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned long wakes; /* bumped by every wake: a wake during a pass is not lost */
    atomic_bool stopping;
    int n;
    pthread_t *threads;
};

static int env_int(const char *name, int fallback, int min, int max)
{
    int bad = 0;
    int v = cc_env_int(name, fallback, min, max, &bad);
    if (bad) {
        cc_log(CC_LOG_WARN, "%s is not an integer in [%d, %d]: using %d", name, min, max, fallback);
        return fallback;
    }
    return v;
}

static void load_cfg(registry_cfg_t *cfg, const cc_config_t *config)
{
    cfg->db_url = config->app_db_url;
    cfg->has_master_key = config->has_master_key;
    memcpy(cfg->master_key, config->master_key, sizeof(cfg->master_key));
    cfg->poll_s = env_int("CC_REGISTRY_POLL", 5, 1, 3600);
    cfg->lease_s = env_int("CC_REGISTRY_LEASE", 120, 2, 86400);
    cfg->timeout_ms = env_int("CC_REGISTRY_TIMEOUT", 30000, 100, 600000);
    cfg->backoff_ms = env_int("CC_REGISTRY_BACKOFF", 1000, 1, 3600000);
    cfg->max_attempts = env_int("CC_REGISTRY_MAX_ATTEMPTS", 8, 1, 100);
    /* A call must end well inside its lease, or a lapsed lease could let another worker send a newer
     * state before this call's older one lands (ordering, ARCHITECTURE.md "Registry sync"). */
    if (cfg->timeout_ms > cfg->lease_s * 1000 / 2) {
        cc_log(CC_LOG_WARN, "CC_REGISTRY_TIMEOUT is over half of CC_REGISTRY_LEASE: using %d ms",
               cfg->lease_s * 1000 / 2);
        cfg->timeout_ms = cfg->lease_s * 1000 / 2;
    }
}

/* One look at every tenant with due work; returns how many outcomes were recorded, or -1 when the
 * database failed. */
static int look(cc_dbconn_t *db, const registry_cfg_t *cfg)
{
    json_t *tenants = registry_claim_due_tenants(db);
    if (tenants == NULL)
        return -1;
    int done = 0;
    size_t i;
    json_t *t;
    json_array_foreach(tenants, i, t)
    {
        if (atomic_load(cfg->stopping))
            break;
        int n = registry_send_pass(db, cfg, json_string_value(t));
        if (n < 0) {
            done = -1;
            break;
        }
        done += n;
    }
    json_decref(tenants);
    return done;
}

/* Sleeps until a wake newer than seen, a stop, or seconds have passed. */
static void sleep_until_woken(registry_workers_t *w, unsigned long seen, int seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&w->mu);
    while (w->wakes == seen && !atomic_load(&w->stopping))
        if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&w->mu);
}

static void *worker_main(void *arg)
{
    registry_workers_t *w = arg;
    cc_dbconn_t db = {.url = w->cfg.db_url};
    bool down = false;
    while (!atomic_load(&w->stopping)) {
        pthread_mutex_lock(&w->mu);
        unsigned long seen = w->wakes;
        pthread_mutex_unlock(&w->mu);
        int done = cc_dbconn_ensure(&db) == 0 ? look(&db, &w->cfg) : -1;
        if (done < 0 && !down)
            cc_log(CC_LOG_WARN, "registry worker: the database failed; retrying every %d s", w->cfg.poll_s);
        else if (done >= 0 && down)
            cc_log(CC_LOG_INFO, "registry worker: the database is back");
        down = done < 0;
        if (done > 0)
            continue; /* more may be due at once */
        sleep_until_woken(w, seen, w->cfg.poll_s);
    }
    cc_dbconn_close(&db);
    return NULL;
}

registry_workers_t *registry_workers_start(const cc_config_t *config)
{
    int n = env_int("CC_REGISTRY_WORKERS", 2, 0, 64);
    if (n == 0)
        return NULL;
    registry_workers_t *w = cc_calloc(1, sizeof(*w));
    load_cfg(&w->cfg, config);
    w->cfg.stopping = &w->stopping;
    if (!w->cfg.has_master_key)
        cc_log(CC_LOG_WARN, "CC_MASTER_KEY is not set: no tenant's registry key can be opened");
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->threads = cc_calloc((size_t)n, sizeof(*w->threads));
    for (int i = 0; i < n; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0) {
            cc_log(CC_LOG_ERROR, "could not start registry worker %d", i);
            break;
        }
        w->n++;
    }
    cc_log(CC_LOG_INFO, "registry workers: %d (poll %d s, lease %d s, timeout %d ms)", w->n, w->cfg.poll_s,
           w->cfg.lease_s, w->cfg.timeout_ms);
    return w;
}

void registry_workers_wake(registry_workers_t *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    w->wakes++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void registry_workers_stop(registry_workers_t *w)
{
    if (w == NULL)
        return;
    atomic_store(&w->stopping, true); /* also cancels calls in flight (registry_conn_t.cancel) */
    registry_workers_wake(w);
    for (int i = 0; i < w->n; i++)
        pthread_join(w->threads[i], NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    memset(&w->cfg.master_key, 0, sizeof(w->cfg.master_key));
    free(w->threads);
    free(w);
}
