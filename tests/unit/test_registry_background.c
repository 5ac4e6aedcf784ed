/*
 * Unit test of the registry-sync service's background (services/registry-sync/background.c): a
 * notification racing shutdown never reaches workers that are being stopped. libcc stops the LISTEN thread
 * only after background_stop, so the notify handlers may run while it stops and frees the workers. Here
 * the workers are stubs whose wake lingers and records whether its workers were stopped under it; a thread
 * fires the handlers without pause while the main thread starts and stops the background many times.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdatomic.h>
#include <unistd.h>

#include "registry-sync/background.c"

#define CYCLES 200

struct registry_workers {
    atomic_bool stopped;
};
struct webhook_workers {
    atomic_bool stopped;
};

static struct registry_workers registry_pool[CYCLES];
static struct webhook_workers webhook_pool[CYCLES];
static atomic_int violations, wakes;
static atomic_bool done;

/* A wake that takes a while and then checks its workers are still running (a use after stop). */
static void linger_and_check(atomic_bool *stopped)
{
    atomic_fetch_add(&wakes, 1);
    usleep(50);
    if (atomic_load(stopped))
        atomic_fetch_add(&violations, 1);
}

registry_workers_t *registry_workers_start(const cc_config_t *config)
{
    (void)config;
    return NULL;
}
void registry_workers_wake(registry_workers_t *w)
{
    linger_and_check(&w->stopped);
}
void registry_workers_stop(registry_workers_t *w)
{
    atomic_store(&w->stopped, true);
}
webhook_workers_t *webhook_workers_start(const cc_config_t *config)
{
    (void)config;
    return NULL;
}
void webhook_workers_wake(webhook_workers_t *w)
{
    linger_and_check(&w->stopped);
}
void webhook_workers_stop(webhook_workers_t *w)
{
    atomic_store(&w->stopped, true);
}

/* The LISTEN thread: every handler, over and over. */
static void *listener(void *arg)
{
    (void)arg;
    while (!atomic_load(&done)) {
        registry_sync_notify_handlers[0].on_notify(NULL, "cc_registry", "", NULL);
        registry_sync_notify_handlers[1].on_notify(NULL, "cc_webhooks", "", NULL);
        registry_sync_notify_handlers[0].on_reload(NULL, NULL);
        usleep(20); /* lets the stopping thread take the mutex (it is not fair) on a loaded machine */
    }
    return NULL;
}

START_TEST(test_notify_racing_stop)
{
    pthread_t t;
    pthread_create(&t, NULL, listener, NULL);
    for (int i = 0; i < CYCLES; i++) {
        background_t *b = cc_calloc(1, sizeof(*b)); /* as registry_sync_background_start makes it */
        b->registry = &registry_pool[i];
        b->webhooks = &webhook_pool[i];
        pthread_mutex_lock(&lock);
        running = b;
        pthread_mutex_unlock(&lock);
        usleep(200);
        registry_sync_background_stop(b);
    }
    atomic_store(&done, true);
    pthread_join(t, NULL);
    ck_assert_int_gt(atomic_load(&wakes), 0);
    ck_assert_int_eq(atomic_load(&violations), 0);
    registry_sync_background_stop(NULL); /* accepted */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry_background");
    TCase *tc = tcase_create("background");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_notify_racing_stop);
    suite_add_tcase(s, tc);
    return cc_test_run(s);
}
