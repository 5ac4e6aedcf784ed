/*
 * The service process; see cc_server.h. Request flow: guard the request's
 * lifetime, assign a request id, match the route (404/405), authenticate and
 * authorise when the route needs a role (401/403), then call the handler.
 */
#include "cc_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cc_crypto.h"
#include "cc_early_errors.h"
#include "cc_keys.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_roles.h"
#include "cc_tenant_epochs.h"

#define TOKEN_CACHE_ENTRIES 4096
#define NOTIFY_RELOAD_SECONDS 60 /* the fallback, should a notification ever be lost */

static const cc_sql_t ready_sql = {"cc_ready", "SELECT 1"};

/* ---- built-in endpoints ---- */

static void on_healthz(cc_request_t *r)
{
    cc_respond_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static void on_ready_result(cc_request_t *r, PGresult *res, void *data)
{
    cc_respond_json(r, 200, json_pack("{s:s}", "status", "ready"));
}

static void on_readyz(cc_request_t *r)
{
    if (!cc_revocations_is_loaded(cc_request_server(r)->revocations)) { /* tokens cannot be checked yet */
        cc_respond_error(r, 503, "service_unavailable", "the users' token state is not loaded yet");
        return;
    }
    cc_db_query(r, NULL, &ready_sql, 0, NULL, on_ready_result, NULL);
}

static void on_metrics(cc_request_t *r)
{
    cc_server_t *s = cc_request_server(r);
    int idle = 0, busy = 0, down = 0, waiting = 0, jobs_queued, jobs_busy, workers;
    for (int i = 0; i < s->config.threads; i++)
        cc_dbpool_usage(s->threads[i].db, &idle, &busy, &down, &waiting);
    cc_workers_usage(s->workers, &jobs_queued, &jobs_busy, &workers);
    char extra[1536];
    snprintf(extra, sizeof(extra),
             "# HELP cc_db_pool_connections Async read connections by state.\n"
             "# TYPE cc_db_pool_connections gauge\n"
             "cc_db_pool_connections{state=\"idle\"} %d\n"
             "cc_db_pool_connections{state=\"busy\"} %d\n"
             "cc_db_pool_connections{state=\"down\"} %d\n"
             "# HELP cc_db_pool_waiting Queries waiting for a read connection.\n"
             "# TYPE cc_db_pool_waiting gauge\n"
             "cc_db_pool_waiting %d\n"
             "# HELP cc_workers Worker-pool threads and jobs.\n"
             "# TYPE cc_workers gauge\n"
             "cc_workers{state=\"total\"} %d\n"
             "cc_workers{state=\"busy\"} %d\n"
             "cc_workers{state=\"queued\"} %d\n",
             idle, busy, down, waiting, workers, jobs_busy, jobs_queued);
    if (s->hashers != NULL) {
        cc_workers_usage(s->hashers, &jobs_queued, &jobs_busy, &workers);
        size_t used = strlen(extra);
        snprintf(extra + used, sizeof(extra) - used,
                 "# HELP cc_hash_workers Password-hashing threads and jobs.\n"
                 "# TYPE cc_hash_workers gauge\n"
                 "cc_hash_workers{state=\"total\"} %d\n"
                 "cc_hash_workers{state=\"busy\"} %d\n"
                 "cc_hash_workers{state=\"queued\"} %d\n",
                 workers, jobs_busy, jobs_queued);
    }
    char *text = cc_metrics_render(s->metrics, s->routes, s->nroutes, extra);
    cc_respond_text(r, 200, "text/plain; version=0.0.4", text, strlen(text));
    free(text);
}

static const cc_route_t builtin_routes[] = {
    {"GET", "/healthz", on_healthz, 0},
    {"GET", "/readyz", on_readyz, 0},
    {"GET", "/metrics", on_metrics, 0},
};

/* ---- accessors ---- */

const cc_config_t *cc_server_config(const cc_server_t *server)
{
    return &server->config;
}

cc_server_t *cc_request_server(const cc_request_t *r)
{
    return r->thread->server;
}

const cc_config_t *cc_request_config(const cc_request_t *r)
{
    return &r->thread->server->config;
}

cc_keyset_t *cc_server_keys(cc_server_t *s)
{
    pthread_mutex_lock(&s->keys_mutex);
    cc_keyset_t *ks = cc_keyset_retain(s->keys);
    pthread_mutex_unlock(&s->keys_mutex);
    return ks;
}

cc_keyset_t *cc_server_attestation_keys(cc_server_t *s)
{
    pthread_mutex_lock(&s->keys_mutex);
    cc_keyset_t *ks = cc_keyset_retain(s->attestation_keys);
    pthread_mutex_unlock(&s->keys_mutex);
    return ks;
}

cc_keyset_t *cc_request_attestation_keys(cc_request_t *r)
{
    return cc_server_attestation_keys(r->thread->server);
}

const cc_keyset_t *cc_request_keys(cc_request_t *r)
{
    cc_thread_t *t = r->thread;
    unsigned generation = atomic_load(&t->server->keys_generation);
    if (t->keys == NULL || t->keys_generation != generation) {
        cc_keyset_release(t->keys);
        t->keys = cc_server_keys(t->server);
        t->keys_generation = generation;
    }
    return t->keys;
}

/* ---- key reloading ---- */

/* Swaps in a freshly loaded key set (NULL: the load failed, keep the old one). */
static void keys_swap(cc_server_t *s, cc_keyset_t **slot, cc_keyset_t *ks)
{
    if (ks == NULL)
        return;
    pthread_mutex_lock(&s->keys_mutex);
    cc_keyset_t *old = *slot;
    *slot = ks;
    pthread_mutex_unlock(&s->keys_mutex);
    cc_keyset_release(old);
    atomic_fetch_add(&s->keys_generation, 1);
}

/* Reloads the access keys (and the attestation keys when the service uses them) every CC_KEYS_REFRESH. */
static void *keys_main(void *arg)
{
    cc_server_t *s = arg;
    const uint8_t *master = s->config.has_master_key ? s->config.master_key : NULL;
    cc_dbconn_t db;
    cc_dbconn_open(&db, s->config.app_db_url);
    while (!atomic_load(&s->stopping)) {
        if (cc_dbconn_ensure(&db) == 0) {
            keys_swap(s, &s->keys,
                      cc_keys_load(&db, CC_KEYS_ACCESS, s->service->signs_tokens ? master : NULL));
            if (s->service->attestation_keys || s->service->signs_attestations)
                keys_swap(
                    s, &s->attestation_keys,
                    cc_keys_load(&db, CC_KEYS_ATTESTATION, s->service->signs_attestations ? master : NULL));
        }
        for (int i = 0; i < s->config.keys_refresh * 10 && !atomic_load(&s->stopping); i++)
            usleep(100 * 1000);
    }
    cc_dbconn_close(&db);
    return NULL;
}

/* ---- changes pushed by the database (migration 0012) ---- */

static void on_users_notify(PGconn *pg, const char *channel, const char *payload, void *arg)
{
    if (cc_revocations_apply_json(arg, payload) != 0)
        cc_log(CC_LOG_WARN, "ignored a malformed %s notification", channel);
}

static int on_users_reload(PGconn *pg, void *arg)
{
    return cc_revocations_load(arg, pg, time(NULL));
}

static void on_settings_notify(PGconn *pg, const char *channel, const char *payload, void *arg)
{
    json_t *j = json_loads(payload, 0, NULL);
    const char *tenant_id = json_string_value(json_object_get(j, "tenant_id"));
    if (tenant_id != NULL)
        cc_tenant_epoch_bump(tenant_id);
    else
        cc_tenant_epoch_bump_all();
    json_decref(j);
}

static int on_settings_reload(PGconn *pg, void *arg)
{
    cc_tenant_epoch_bump_all(); /* a change may have been missed while disconnected */
    return 0;
}

/* The listener of every service (users, settings) with the service's own channels after them. */
static void start_notify(cc_server_t *s)
{
    s->revocations = cc_revocations_new();
    const cc_service_t *service = s->service;
    size_t n = 2 + service->nnotify_handlers;
    cc_notify_handler_t *handlers = cc_calloc(n, sizeof(*handlers));
    handlers[0] = (cc_notify_handler_t){"cc_users", on_users_notify, on_users_reload, s->revocations};
    handlers[1] = (cc_notify_handler_t){"cc_settings", on_settings_notify, on_settings_reload, NULL};
    for (size_t i = 0; i < service->nnotify_handlers; i++)
        handlers[2 + i] = service->notify_handlers[i];
    s->notify = cc_notify_start(s->config.app_db_url, handlers, n, NOTIFY_RELOAD_SECONDS);
    free(handlers);
}

/* ---- housekeeping ---- */

static void *housekeeping_main(void *arg)
{
    cc_server_t *s = arg;
    cc_dbconn_t db;
    cc_dbconn_open(&db, s->config.app_db_url);
    int interval = s->config.housekeeping_interval;
    if (s->service->housekeeping_max_interval > 0 && interval > s->service->housekeeping_max_interval)
        interval = s->service->housekeeping_max_interval;
    for (bool first = true;; first = false) {
        for (int i = 0;
             !(first && s->service->housekeeping_at_start) && i < interval * 10 && !atomic_load(&s->stopping);
             i++)
            usleep(100 * 1000);
        if (atomic_load(&s->stopping))
            break;
        if (cc_dbconn_ensure(&db) == 0)
            s->service->housekeeping(&db);
    }
    cc_dbconn_close(&db);
    return NULL;
}

/* ---- request handling ---- */

typedef struct guard {
    cc_request_t *r;
} guard_t;

static void on_guard_dispose(void *p)
{
    guard_t *g = p;
    cc_server_t *s = g->r->thread->server;
    cc_request_detach(g->r); /* before h2o frees the body a worker may be copying */
    cc_request_release(g->r);
    atomic_fetch_sub(&s->inflight, 1);
}

static bool is_sane_request_id(const char *s, size_t len)
{
    if (len == 0 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.'))
            return false;
    }
    return true;
}

static void assign_request_id(cc_request_t *r)
{
    ssize_t i = h2o_find_header_by_str(&r->req->headers, H2O_STRLIT("x-request-id"), -1);
    if (i != -1 &&
        is_sane_request_id(r->req->headers.entries[i].value.base, r->req->headers.entries[i].value.len)) {
        memcpy(r->request_id, r->req->headers.entries[i].value.base, r->req->headers.entries[i].value.len);
        r->request_id[r->req->headers.entries[i].value.len] = '\0';
        return;
    }
    /* A random prefix per thread and a counter: unique without a getrandom() per request. */
    static __thread char prefix[17];
    static __thread uint64_t counter;
    if (prefix[0] == '\0') {
        uint8_t rnd[8];
        cc_random_bytes(rnd, sizeof(rnd));
        cc_hex_encode(rnd, sizeof(rnd), prefix);
    }
    snprintf(r->request_id, sizeof(r->request_id), "%s%08" PRIx64, prefix, ++counter);
}

/* The peer address; behind a trusted proxy, the last X-Forwarded-For hop (the one the proxy added). */
static void assign_remote_addr(cc_request_t *r)
{
    struct sockaddr_storage ss;
    socklen_t len = r->req->conn->callbacks->get_peername(r->req->conn, (struct sockaddr *)&ss);
    strcpy(r->remote_addr, "unknown");
    if (len == 0)
        return;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, r->remote_addr, sizeof(r->remote_addr));
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, r->remote_addr, sizeof(r->remote_addr));
    ssize_t i = h2o_find_header(&r->req->headers, H2O_TOKEN_X_FORWARDED_FOR, -1);
    if (i == -1 || !cc_proxies_contains(&r->thread->server->config.trusted_proxies, (struct sockaddr *)&ss))
        return;
    h2o_iovec_t xff = r->req->headers.entries[i].value;
    const char *last;
    size_t n = cc_xff_last(xff.base, xff.len, &last);
    if (n > 0 && n < sizeof(r->remote_addr)) {
        memcpy(r->remote_addr, last, n);
        r->remote_addr[n] = '\0';
    }
}

static int authenticate_or_respond(cc_request_t *r)
{
    const char *auth = NULL;
    size_t auth_len = 0;
    ssize_t i = h2o_find_header(&r->req->headers, H2O_TOKEN_AUTHORIZATION, -1);
    if (i != -1) {
        auth = r->req->headers.entries[i].value.base;
        auth_len = r->req->headers.entries[i].value.len;
    }
    if (auth == NULL || auth_len <= 7 || strncasecmp(auth, "Bearer ", 7) != 0) {
        cc_respond_error(r, 401, "unauthorized", "a Bearer access token is required");
        return -1;
    }
    const char *token = auth + 7;
    size_t token_len = auth_len - 7;
    const cc_keyset_t *ks = cc_request_keys(r);
    time_t now = time(NULL);
    if (cc_token_cache_get(r->thread->tokens, token, token_len, ks, now, &r->claims) != 0) {
        char *copy = cc_strndup(token, token_len);
        cc_jwt_status_t st = cc_jwt_verify(ks, copy, r->thread->server->config.jwt_issuer, now, &r->claims);
        free(copy);
        if (st != CC_JWT_OK) {
            char detail[96];
            snprintf(detail, sizeof(detail), "the access token is not valid: %s", cc_jwt_status_text(st));
            cc_respond_error(r, 401, "unauthorized", detail);
            return -1;
        }
        cc_token_cache_put(r->thread->tokens, token, token_len, &r->claims);
    }
    /* The cache trusts the claims; the user may have been disabled or demoted since (may rewrite role). */
    if (!cc_revocations_is_loaded(r->thread->server->revocations)) {
        cc_respond_error(r, 503, "service_unavailable", "the service is starting; try again");
        return -1;
    }
    if (!cc_revocations_check(r->thread->server->revocations, &r->claims)) {
        cc_respond_error(r, 401, "unauthorized", "the access token has been revoked");
        return -1;
    }
    r->has_claims = true;
    if ((cc_role_parse(r->claims.role) & r->route->roles) == 0) {
        cc_respond_error(r, 403, "forbidden", "your role may not do this");
        return -1;
    }
    return 0;
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    cc_thread_t *t = H2O_STRUCT_FROM_MEMBER(cc_thread_t, ctx, req->conn->ctx);
    cc_server_t *s = t->server;
    atomic_fetch_add(&s->inflight, 1); /* until the guard is disposed */
    if (atomic_load(&s->draining))
        req->http1_is_persistent = 0; /* answer, then close: the process is going away */
    cc_request_t *r = cc_calloc(1, sizeof(*r));
    cc_request_init(r);
    r->req = req;
    r->thread = t;
    r->refs = 1; /* the guard's */
    r->started_ns = cc_now_ns();
    guard_t *g = h2o_mem_alloc_shared(&req->pool, sizeof(*g), on_guard_dispose);
    g->r = r;
    assign_request_id(r);
    assign_remote_addr(r);

    char allow[CC_ALLOW_CAP];
    switch (cc_router_match(s->routes, s->nroutes, req->method.base, req->method.len,
                            req->path_normalized.base, req->path_normalized.len, &r->route_index, &r->params,
                            allow)) {
    case CC_ROUTE_NOT_FOUND:
        cc_respond_error(r, 404, "not_found", "no such resource");
        return 0;
    case CC_ROUTE_METHOD_NOT_ALLOWED:
        cc_set_header(r, "allow", allow);
        cc_respond_error(r, 405, "method_not_allowed", "the resource does not support this method");
        return 0;
    case CC_ROUTE_FOUND:
        break;
    }
    r->route = &s->routes[r->route_index];
    if (r->route->roles != 0 && authenticate_or_respond(r) != 0)
        return 0;
    if (cc_query_check_or_respond(r) != 0)
        return 0;
    r->route->handler(r);
    return 0;
}

/* ---- threads and listeners ---- */

static void on_accept(h2o_socket_t *listener, const char *err)
{
    cc_thread_t *t = listener->data;
    h2o_socket_t *sock;
    if (err != NULL)
        return;
    if ((sock = h2o_evloop_socket_accept(listener)) != NULL)
        h2o_accept(&t->accept_ctx, sock);
}

static int open_listener(const cc_config_t *cfg)
{
    struct sockaddr_in addr;
    int fd, on = 1;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->listen_port);
    if (inet_pton(AF_INET, cfg->listen_host, &addr.sin_addr) != 1) {
        cc_log(CC_LOG_ERROR, "invalid listen address %s: an IPv4 address is required", cfg->listen_host);
        return -1;
    }
    if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, SOMAXCONN) != 0) {
        cc_log(CC_LOG_ERROR, "could not listen on %s:%d: %s", cfg->listen_host, cfg->listen_port,
               strerror(errno));
        if (fd != -1)
            close(fd);
        return -1;
    }
    return fd;
}

/* Draining: no new connections on this loop, idle keep-alive connections closed. */
static void stop_accepting(cc_thread_t *t)
{
    h2o_socket_read_stop(t->listener);
    h2o_socket_close(t->listener);
    t->listener = NULL;
    h2o_context_request_shutdown(&t->ctx);
}

static void *thread_main(void *arg)
{
    cc_thread_t *t = arg;
    while (!atomic_load(&t->server->stopping)) {
        if (t->listener != NULL && atomic_load(&t->server->draining))
            stop_accepting(t);
        h2o_evloop_run(t->ctx.loop, 100);
    }
    cc_dbpool_close(t->db);
    return NULL;
}

/* Waits until no request is in flight or timeout seconds passed; returns the requests left. */
static int wait_for_requests(cc_server_t *s, int timeout)
{
    for (int waited_ms = 0; waited_ms < timeout * 1000; waited_ms += 50) {
        if (atomic_load(&s->inflight) == 0)
            return 0;
        usleep(50 * 1000);
    }
    return atomic_load(&s->inflight);
}

/* After SIGTERM: stop accepting, finish what is in flight (bounded), close the connections. */
static void shut_down(cc_server_t *s, pthread_t keys_thread)
{
    atomic_store(&s->draining, true);
    int left = wait_for_requests(s, s->config.shutdown_timeout);
    atomic_store(&s->stopping, true);
    for (int i = 0; i < s->config.threads; i++)
        pthread_join(s->threads[i].tid, NULL);
    pthread_join(keys_thread, NULL);
    if (left > 0) {
        /* a worker may still be stuck on a lock: joining it could wait for ever */
        cc_log(CC_LOG_WARN, "shutdown timeout (CC_SHUTDOWN_TIMEOUT): %d requests abandoned", left);
        _exit(0); /* no exit handlers: they would race the workers still running */
    }
    cc_workers_stop(
        s->workers); /* what remains queued is background work; each pool closes its connections */
    if (s->hashers != NULL)
        cc_workers_stop(s->hashers);
    cc_workers_stop(s->connectors);
    cc_log(CC_LOG_INFO, "stopped");
}

static int setup_thread(cc_server_t *s, cc_thread_t *t, int index, const cc_sql_t *const *statements,
                        size_t nstatements)
{
    t->index = index;
    t->server = s;
    h2o_context_init(&t->ctx, h2o_evloop_create(), &s->globalconf);
    h2o_multithread_register_receiver(t->ctx.queue, &t->job_receiver, cc_workers_on_complete);
    t->accept_ctx.ctx = &t->ctx;
    t->accept_ctx.hosts = s->globalconf.hosts;
    t->tokens = cc_token_cache_new(TOKEN_CACHE_ENTRIES);
    int fd = open_listener(&s->config);
    if (fd == -1)
        return -1;
    t->listener = h2o_evloop_socket_create(t->ctx.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
    t->listener->data = t;
    h2o_socket_read_start(t->listener, on_accept);
    t->db = cc_dbpool_new(t, s->config.app_db_url, s->config.db_pool, statements, nstatements);
    return 0;
}

/*
 * What a large body costs (ARCHITECTURE.md "Evidence files"): libh2o reads a body into a buffer that doubles
 * as it fills, each step a copy, and glibc raises its mmap threshold to the largest block freed, after which
 * such blocks stay in the heap. A body over BODY_MMAP_THRESHOLD is therefore kept in an unlinked temporary
 * file mapped in memory, which grows without copying, and blocks over 1 MiB are always mmapped, so memory
 * freed returns to the system.
 */
#define BODY_MMAP_THRESHOLD (4 * 1024 * 1024)
static void limit_body_memory(void)
{
    h2o_socket_buffer_mmap_settings.threshold = BODY_MMAP_THRESHOLD;
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
}

int cc_service_main(const cc_service_t *service)
{
    static cc_server_t server;
    cc_server_t *s = &server;
    cc_mem_init();
    s->service = service;
    if (cc_config_load(&s->config, service->default_port) != 0)
        return 2;
    cc_log_init(service->name, s->config.log_level);
    if (service->signs_tokens && !s->config.has_master_key)
        cc_log(CC_LOG_WARN, "CC_MASTER_KEY is not set: this service cannot sign tokens");

    s->nroutes = service->nroutes + sizeof(builtin_routes) / sizeof(builtin_routes[0]);
    s->routes = cc_calloc(s->nroutes, sizeof(cc_route_t));
    memcpy(s->routes, builtin_routes, sizeof(builtin_routes));
    memcpy(s->routes + sizeof(builtin_routes) / sizeof(builtin_routes[0]), service->routes,
           service->nroutes * sizeof(cc_route_t));
    s->metrics = cc_metrics_new(s->nroutes);

    size_t nstatements = service->nread_statements + 1;
    const cc_sql_t **statements = cc_calloc(nstatements, sizeof(*statements));
    statements[0] = &ready_sql;
    for (size_t i = 0; i < service->nread_statements; i++)
        statements[i + 1] = service->read_statements[i];

    pthread_mutex_init(&s->keys_mutex, NULL);
    s->keys = cc_keyset_new();
    s->attestation_keys = cc_keyset_new();

    h2o_config_init(&s->globalconf);
    s->globalconf.max_request_entity_size = s->config.max_body; /* routes cap lower, with a problem */
    s->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("certcycle"));
    /* HTTP/1.1 only (the gateway speaks nothing else to us): libh2o's HTTP/2 frees a request's body before
     * disposing of the request, which cc_request_body_read's lock could not guard (cc_http.h). */
    s->globalconf.http1.upgrade_to_http2 = 0;
    limit_body_memory();
    h2o_hostconf_t *host =
        h2o_config_register_host(&s->globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    h2o_create_handler(path, sizeof(h2o_handler_t))->on_req = on_req;
    cc_early_errors_register(host);

    /* Signals are taken by the main thread alone (sigwait); the others block them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    s->workers = cc_workers_start(s->config.workers, s->config.app_db_url, s->config.worker_nice);
    if (service->hashes_passwords)
        s->hashers = cc_workers_start_pool(CC_POOL_HASHING, s->config.hash_workers, s->config.app_db_url,
                                           s->config.worker_nice, s->config.hash_queue);
    s->connectors = cc_workers_start_pool(CC_POOL_CONNECTING, 1, NULL, 0, 0);
    pthread_t keys_thread, housekeeping_thread;
    pthread_create(&keys_thread, NULL, keys_main, s);
    start_notify(s);
    if (service->housekeeping != NULL)
        pthread_create(&housekeeping_thread, NULL, housekeeping_main, s);

    s->threads = cc_calloc((size_t)s->config.threads, sizeof(cc_thread_t));
    for (int i = 0; i < s->config.threads; i++)
        if (setup_thread(s, &s->threads[i], i, statements, nstatements) != 0)
            return 1;
    for (int i = 0; i < s->config.threads; i++)
        pthread_create(&s->threads[i].tid, NULL, thread_main, &s->threads[i]);
    cc_log_fields(CC_LOG_INFO, "listening",
                  json_pack("{s:s, s:i, s:i, s:i}", "host", s->config.listen_host, "port",
                            s->config.listen_port, "threads", s->config.threads, "workers",
                            s->config.workers));

    void *background = service->background_start != NULL ? service->background_start(s) : NULL;

    int sig;
    sigwait(&stop_signals, &sig);
    cc_log(CC_LOG_INFO, "shutting down on signal %d", sig);
    if (service->background_stop != NULL)
        service->background_stop(background);
    shut_down(s, keys_thread);
    if (service->housekeeping != NULL)
        pthread_join(housekeeping_thread, NULL);
    cc_notify_stop(s->notify);
    return 0;
}
