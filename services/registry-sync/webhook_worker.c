/*
 * The webhook worker threads (webhook_worker.h). Each has its own blocking connection (config->app_db_url):
 * it asks which tenants have deliveries due (cc_webhook_due_tenants, the only cross-tenant read), delivers
 * them tenant by tenant (webhook_delivery.c), and when nothing is due sleeps until woken (NOTIFY
 * cc_webhooks), until its own earliest retry, or for CC_WEBHOOK_POLL seconds (the fallback, and how it
 * sees another instance's retries). A failed database is retried after a wait that doubles up to 30 s:
 * never a spin.
 */
#include "webhook_worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_db.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "webhook_delivery.h"

struct webhook_workers {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned long wakes; /* bumped by every wake: a worker that saw it change looks again */
    atomic_bool stopping;
    int poll_s;
    const char *db_url;
    webhook_settings_t settings;
    int n;
    pthread_t *threads;
};

static const cc_sql_t sql_due_tenants = {"webhook_due_tenants", "SELECT t FROM cc_webhook_due_tenants() t"};

/* Sleeps up to ms, until stopped, or (when wakeable) until a wake newer than seen. */
static void sleep_ms(webhook_workers_t *w, int64_t ms, bool wakeable, unsigned long seen)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->lock);
    while (!atomic_load(&w->stopping) && !(wakeable && w->wakes != seen))
        if (pthread_cond_timedwait(&w->cond, &w->lock, &until) != 0)
            break; /* timed out */
    pthread_mutex_unlock(&w->lock);
}

/* One pass over the tenants with work due: >0 when something was attempted, 0 when nothing was due, -1 when
 * the database failed. */
static int pass(webhook_workers_t *w, cc_dbconn_t *db, int64_t *next_due_ms, unsigned *seed)
{
    if (cc_dbconn_ensure(db) != 0)
        return -1;
    PGresult *res = cc_db_exec(db, &sql_due_tenants, 0, NULL);
    if (!cc_db_is_ok(res)) {
        cc_db_problem_log(res, "webhook due tenants");
        PQclear(res);
        return -1;
    }
    int done = 0;
    for (int i = 0; i < PQntuples(res) && !atomic_load(&w->stopping); i++) {
        int n = webhook_deliver_due(db, &w->settings, PQgetvalue(res, i, 0), next_due_ms, seed);
        if (n < 0) {
            done = -1;
            break;
        }
        done += n;
    }
    PQclear(res);
    return done;
}

static void *worker_main(void *arg)
{
    webhook_workers_t *w = arg;
    cc_dbconn_t db = {.url = w->db_url}; /* connected by the first pass (cc_dbconn_ensure) */
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&db;
    int64_t failure_wait = 0;
    while (!atomic_load(&w->stopping)) {
        pthread_mutex_lock(&w->lock);
        unsigned long seen = w->wakes;
        pthread_mutex_unlock(&w->lock);
        int64_t next_due = (int64_t)w->poll_s * 1000;
        int done = pass(w, &db, &next_due, &seed);
        if (done < 0) { /* the database: wait, longer each time, and not for a wake (never spin) */
            failure_wait = failure_wait == 0 ? 500 : (failure_wait * 2 > 30000 ? 30000 : failure_wait * 2);
            cc_log(CC_LOG_WARN, "webhooks: the database failed; trying again in %lld ms",
                   (long long)failure_wait);
            sleep_ms(w, failure_wait, false, seen);
            continue;
        }
        failure_wait = 0;
        if (done == 0) /* nothing was due: until a wake, our own next retry, or the poll */
            sleep_ms(w, next_due, true, seen);
    }
    cc_dbconn_close(&db);
    return NULL;
}

static int env(const char *name, int fallback, int min, int max)
{
    int bad = 0, v = cc_env_int(name, fallback, min, max, &bad);
    if (bad) {
        cc_log(CC_LOG_WARN, "%s is not a number in [%d, %d]: using %d", name, min, max, fallback);
        return fallback;
    }
    return v;
}

webhook_workers_t *webhook_workers_start(const cc_config_t *config)
{
    int n = env("CC_WEBHOOK_WORKERS", 1, 0, 64);
    if (n == 0)
        return NULL;
    if (!config->has_master_key) {
        cc_log(CC_LOG_ERROR,
               "webhooks: no CC_MASTER_KEY, so no secret opens: the webhook workers do not start");
        return NULL;
    }
    webhook_workers_t *w = cc_calloc(1, sizeof(*w));
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    atomic_init(&w->stopping, false);
    w->poll_s = env("CC_WEBHOOK_POLL", 5, 1, 3600);
    w->db_url = config->app_db_url;
    w->settings.timeout_ms = env("CC_WEBHOOK_TIMEOUT", 10000, 100, 600000);
    w->settings.backoff_ms = env("CC_WEBHOOK_BACKOFF", 1000, 1, 3600000);
    w->settings.max_attempts = env("CC_WEBHOOK_MAX_ATTEMPTS", 8, 1, 100);
    w->settings.lease_s = WEBHOOK_BATCH * (w->settings.timeout_ms / 1000 + 1) + 30;
    memcpy(w->settings.master_key, config->master_key, sizeof(w->settings.master_key));
    w->settings.cancel = &w->stopping;
    w->threads = cc_calloc((size_t)n, sizeof(pthread_t));
    for (int i = 0; i < n; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0) {
            cc_log(CC_LOG_ERROR, "webhooks: could not start worker %d", i);
            break;
        }
        w->n++;
    }
    cc_log(CC_LOG_INFO, "webhooks: %d worker(s)", w->n);
    return w;
}

void webhook_workers_wake(webhook_workers_t *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->wakes++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void webhook_workers_stop(webhook_workers_t *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    atomic_store(&w->stopping, true);
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    for (int i = 0; i < w->n; i++)
        pthread_join(w->threads[i], NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    memset(w->settings.master_key, 0, sizeof(w->settings.master_key));
    free(w->threads);
    free(w);
}
