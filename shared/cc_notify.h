/*
 * A PostgreSQL notification listener: its own thread with its own blocking
 * connection that LISTENs on named channels and hands each notification to
 * the channel's callback. After every (re)connect, once listening, it calls
 * each handler's reload callback, so a process can reload whatever it keeps
 * in memory and miss nothing that changed while it was disconnected; and,
 * as the fallback should a notification ever be lost, every reload_seconds
 * while connected. A lost connection is reopened with backoff (100 ms
 * doubling to 5 s). Callbacks run
 * on the listener thread: they must be quick and thread-safe towards the loops.
 */
#ifndef CC_NOTIFY_H
#define CC_NOTIFY_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct cc_notify cc_notify_t;

/* A notification on channel with its payload ("" when none); both borrowed for the call. pg is the
 * listener's own connection: a callback may run a quick query on it (e.g. read what changed). */
typedef void (*cc_notify_fn)(PGconn *pg, const char *channel, const char *payload, void *arg);

/* After a (re)connect, on the listener's connection (blocking use is fine). Returns 0, or -1 to reconnect. */
typedef int (*cc_notify_reload_fn)(PGconn *pg, void *arg);

typedef struct cc_notify_handler {
    const char *channel; /* a plain lowercase identifier, e.g. "cc_users"; borrowed for the listener's life */
    cc_notify_fn on_notify;        /* may be NULL */
    cc_notify_reload_fn on_reload; /* may be NULL */
    void *arg;
} cc_notify_handler_t;

/*
 * Starts a listener on url (libpq URL; application_name defaults to
 * "certcycle-notify") for the n handlers (the array is copied), reloading
 * every reload_seconds besides after each connect (0: only after a connect).
 * Returns the listener; it keeps trying to connect in the background.
 */
cc_notify_t *cc_notify_start(const char *url, const cc_notify_handler_t *handlers, size_t n,
                             int reload_seconds);

/* Stops the thread (within about 200 ms), closes the connection and frees the listener. Accepts NULL. */
void cc_notify_stop(cc_notify_t *notify);

/* The number of times the listener has connected and completed its reloads (for tests and metrics). */
unsigned cc_notify_reloads(cc_notify_t *notify);

#endif
