/*
 * The notification listener (see cc_notify.h): connect, LISTEN, reload, then
 * wait on the socket and dispatch notifications until the connection breaks
 * or the listener stops. Nothing here runs on an event loop.
 */
#include "cc_notify.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cc_log.h"
#include "cc_mem.h"

#define POLL_MS 200
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

struct cc_notify {
    char *url;
    cc_notify_handler_t *handlers;
    size_t nhandlers;
    int reload_seconds;
    pthread_t tid;
    atomic_bool stopping;
    atomic_uint reloads;
};

static PGconn *connect_listener(const char *url)
{
    const char *keywords[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
    const char *values[] = {"5", "certcycle-notify", url, NULL};
    PGconn *pg = PQconnectdbParams(keywords, values, 1);
    if (PQstatus(pg) != CONNECTION_OK) {
        cc_log(CC_LOG_WARN, "notification listener could not connect: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

/* LISTEN takes no parameters: the channel is a constant of the program, quoted as an identifier. */
static int listen_on(PGconn *pg, const char *channel)
{
    char *quoted = PQescapeIdentifier(pg, channel, strlen(channel));
    if (quoted == NULL)
        return -1;
    size_t len = strlen(quoted) + sizeof("LISTEN ");
    char *command = cc_malloc(len);
    memcpy(command, "LISTEN ", 7);
    memcpy(command + 7, quoted, strlen(quoted) + 1);
    PQfreemem(quoted);
    PGresult *res = PQexec(pg, command);
    free(command);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc != 0)
        cc_log(CC_LOG_WARN, "LISTEN %s failed: %s", channel, PQerrorMessage(pg));
    PQclear(res);
    return rc;
}

/* Runs every reload callback. Returns 0, or -1 when the connection must be replaced. */
static int reload(cc_notify_t *n, PGconn *pg)
{
    for (size_t i = 0; i < n->nhandlers; i++)
        if (n->handlers[i].on_reload != NULL && n->handlers[i].on_reload(pg, n->handlers[i].arg) != 0)
            return -1;
    atomic_fetch_add(&n->reloads, 1);
    return 0;
}

/* LISTENs on every channel, then reloads. Returns 0, or -1 when the connection must be replaced. */
static int prepare(cc_notify_t *n, PGconn *pg)
{
    for (size_t i = 0; i < n->nhandlers; i++)
        if (listen_on(pg, n->handlers[i].channel) != 0)
            return -1;
    return reload(n, pg);
}

static void dispatch(cc_notify_t *n, PGconn *pg)
{
    PGnotify *note;
    /* A burst (a bulk change notifies once per row) must not hold up a stop: check between notifications. */
    while (!atomic_load(&n->stopping) && (note = PQnotifies(pg)) != NULL) {
        for (size_t i = 0; i < n->nhandlers; i++)
            if (n->handlers[i].on_notify != NULL && strcmp(n->handlers[i].channel, note->relname) == 0)
                n->handlers[i].on_notify(pg, note->relname, note->extra != NULL ? note->extra : "",
                                         n->handlers[i].arg);
        PQfreemem(note);
    }
}

/* Waits on pg until it breaks or the listener stops, dispatching what arrives. */
static void listen_loop(cc_notify_t *n, PGconn *pg)
{
    dispatch(n, pg); /* whatever arrived during the reloads */
    time_t reloaded = time(NULL);
    while (!atomic_load(&n->stopping)) {
        if (n->reload_seconds > 0 && time(NULL) - reloaded >= n->reload_seconds) {
            if (reload(n, pg) != 0)
                return;
            reloaded = time(NULL);
        }
        struct pollfd pfd = {PQsocket(pg), POLLIN, 0};
        int ready = poll(&pfd, 1, POLL_MS);
        if (ready < 0)
            continue; /* EINTR */
        if (ready > 0 && PQconsumeInput(pg) == 0) {
            cc_log(CC_LOG_WARN, "notification listener lost its connection: %s", PQerrorMessage(pg));
            return;
        }
        dispatch(n, pg);
        if (PQstatus(pg) != CONNECTION_OK)
            return;
    }
}

static void sleep_ms(cc_notify_t *n, int ms)
{
    for (int waited = 0; waited < ms && !atomic_load(&n->stopping); waited += 50)
        usleep(50 * 1000);
}

static void *notify_main(void *arg)
{
    cc_notify_t *n = arg;
    int backoff = BACKOFF_MIN_MS;
    while (!atomic_load(&n->stopping)) {
        PGconn *pg = connect_listener(n->url);
        if (pg != NULL && prepare(n, pg) == 0) {
            backoff = BACKOFF_MIN_MS;
            listen_loop(n, pg);
        }
        if (pg != NULL)
            PQfinish(pg);
        if (atomic_load(&n->stopping))
            break;
        sleep_ms(n, backoff);
        backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
    }
    return NULL;
}

cc_notify_t *cc_notify_start(const char *url, const cc_notify_handler_t *handlers, size_t nhandlers,
                             int reload_seconds)
{
    cc_notify_t *n = cc_calloc(1, sizeof(*n));
    n->reload_seconds = reload_seconds;
    n->url = cc_strdup(url);
    n->handlers = cc_calloc(nhandlers > 0 ? nhandlers : 1, sizeof(*handlers));
    memcpy(n->handlers, handlers, nhandlers * sizeof(*handlers));
    n->nhandlers = nhandlers;
    pthread_create(&n->tid, NULL, notify_main, n);
    return n;
}

void cc_notify_stop(cc_notify_t *n)
{
    if (n == NULL)
        return;
    atomic_store(&n->stopping, true);
    pthread_join(n->tid, NULL);
    free(n->handlers);
    free(n->url);
    free(n);
}

unsigned cc_notify_reloads(cc_notify_t *n)
{
    return atomic_load(&n->reloads);
}
