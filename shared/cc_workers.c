/*
 * The worker pools; see cc_workers.h. Each a plain mutex-and-condition queue: jobs
 * are coarse (a transaction, an argon2 hash), so the queue is never the
 * bottleneck.
 */
#include "cc_workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cc_log.h"
#include "cc_mem.h"
#include "cc_problem.h"
#include "cc_server.h"

#define MAX_RETRIES 3
/* Request jobs waiting on the transactions pool; beyond, new ones answer 503 at once. */
#define MAX_QUEUED 1024

struct cc_workers {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    h2o_linklist_t queue; /* of cc_job_t via super.link */
    int queued, busy, total;
    int stopping;
    const char *url; /* NULL: no connection (the connecting pool) */
    int nice;
    int max_queued;
    cc_pool_t kind;
    pthread_t *threads;
};

static cc_workers_t *pools[CC_POOL_COUNT]; /* one of each per process */

static void run_job(cc_job_t *job, cc_dbconn_t *db)
{
    if (job->request != NULL && atomic_load(&job->request->client_gone))
        return; /* nobody is waiting for the answer: do not spend a transaction or an argon2 on it */
    if (db == NULL) {
        job->run(job, NULL);
        return;
    }
    for (int attempt = 0;; attempt++) {
        if (cc_dbconn_ensure(db) != 0) {
            cc_job_fail(job, 503, "service_unavailable", "the database is unavailable; try again");
            return;
        }
        cc_db_take_retry(); /* forget what an earlier job left */
        int rc = job->run(job, db);
        cc_db_rollback(db); /* a job that did not commit leaves nothing behind */
        /* a serialization failure or deadlock is retried whatever the job made of it */
        if (cc_db_take_retry())
            rc = CC_JOB_RETRY;
        if (rc != CC_JOB_RETRY)
            return;
        cc_job_clear_headers(job);
        if (attempt + 1 == MAX_RETRIES) {
            cc_job_fail(job, 503, "service_unavailable", "the request conflicted with others; try again");
            return;
        }
        json_decref(job->body);
        job->body = NULL;
    }
}

static void *worker_main(void *arg)
{
    cc_workers_t *w = arg;
    /*
     * Workers do the CPU-heavy work (argon2 takes ~0.2 s of a core): below the
     * event loops' priority, a burst of logins cannot starve the requests that
     * only wait on a quick read. Linux applies nice per thread.
     */
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), w->nice) != 0)
        cc_log(CC_LOG_WARN, "could not lower the worker threads' priority");
    cc_dbconn_t db = {0};
    if (w->url != NULL)
        cc_dbconn_open(&db, w->url); /* failure is retried per job */
    pthread_mutex_lock(&w->mutex);
    for (;;) {
        while (h2o_linklist_is_empty(&w->queue) && !w->stopping)
            pthread_cond_wait(&w->cond, &w->mutex);
        if (h2o_linklist_is_empty(&w->queue))
            break;
        cc_job_t *job = H2O_STRUCT_FROM_MEMBER(cc_job_t, super.link, w->queue.next);
        h2o_linklist_unlink(&job->super.link);
        w->queued--;
        w->busy++;
        pthread_mutex_unlock(&w->mutex);

        run_job(job, w->url != NULL ? &db : NULL);
        h2o_multithread_send_message(&job->thread->job_receiver, &job->super);

        pthread_mutex_lock(&w->mutex);
        w->busy--;
    }
    pthread_mutex_unlock(&w->mutex);
    cc_dbconn_close(&db);
    return NULL;
}

cc_workers_t *cc_workers_start(int n, const char *url, int nice)
{
    return cc_workers_start_pool(CC_POOL_TRANSACTIONS, n, url, nice, MAX_QUEUED);
}

cc_workers_t *cc_workers_start_pool(cc_pool_t kind, int n, const char *url, int nice, int max_queued)
{
    cc_workers_t *w = cc_calloc(1, sizeof(*w));
    w->kind = kind;
    w->nice = nice;
    w->max_queued = max_queued;
    pthread_mutex_init(&w->mutex, NULL);
    pthread_cond_init(&w->cond, NULL);
    h2o_linklist_init_anchor(&w->queue);
    w->url = url;
    w->total = n;
    w->threads = cc_calloc((size_t)n, sizeof(pthread_t));
    for (int i = 0; i < n; i++)
        pthread_create(&w->threads[i], NULL, worker_main, w);
    pools[kind] = w;
    return w;
}

void cc_workers_stop(cc_workers_t *w)
{
    pthread_mutex_lock(&w->mutex);
    w->stopping = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mutex);
    for (int i = 0; i < w->total; i++)
        pthread_join(w->threads[i], NULL);
    if (pools[w->kind] == w)
        pools[w->kind] = NULL;
    free(w->threads);
    free(w);
}

static void enqueue(cc_pool_t kind, cc_job_t *job)
{
    cc_workers_t *w = pools[kind] != NULL ? pools[kind] : pools[CC_POOL_TRANSACTIONS];
    pthread_mutex_lock(&w->mutex);
    bool full = job->request != NULL && w->queued >= w->max_queued;
    if (!full) {
        h2o_linklist_insert(&w->queue, &job->super.link);
        w->queued++;
        pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&w->mutex);
    if (full) {
        /* straight to completion, so that the job's own done frees its data and answers */
        cc_job_fail(job, 503, "service_unavailable", "the service is overloaded; try again");
        h2o_multithread_send_message(&job->thread->job_receiver, &job->super);
    }
}

static cc_job_t *job_new(cc_thread_t *thread, cc_job_run_fn run, cc_job_done_fn done, void *data)
{
    cc_job_t *job = cc_calloc(1, sizeof(*job));
    job->thread = thread;
    job->run = run;
    job->done = done;
    job->data = data;
    job->status = 500;
    return job;
}

static void submit_request(cc_pool_t kind, cc_request_t *r, cc_job_run_fn run, cc_job_done_fn done,
                           void *data)
{
    cc_job_t *job = job_new(r->thread, run, done, data);
    cc_request_retain(r);
    job->request = r;
    enqueue(kind, job);
}

void cc_job_submit(cc_request_t *r, cc_job_run_fn run, cc_job_done_fn done, void *data)
{
    submit_request(CC_POOL_TRANSACTIONS, r, run, done, data);
}

void cc_job_submit_hashing(cc_request_t *r, cc_job_run_fn run, cc_job_done_fn done, void *data)
{
    submit_request(CC_POOL_HASHING, r, run, done, data);
}

void cc_job_submit_background(cc_thread_t *thread, cc_job_run_fn run, cc_job_done_fn done, void *data)
{
    enqueue(CC_POOL_TRANSACTIONS, job_new(thread, run, done, data));
}

void cc_job_submit_connect(cc_thread_t *thread, cc_job_run_fn run, cc_job_done_fn done, void *data)
{
    enqueue(CC_POOL_CONNECTING, job_new(thread, run, done, data));
}

void cc_job_answer(cc_job_t *job, int status, json_t *body)
{
    json_decref(job->body);
    job->status = status;
    job->body = body;
}

void cc_job_answer_versioned(cc_job_t *job, int status, json_t *resource)
{
    if (resource == NULL) { /* a json_pack that failed: cc_job_respond answers 500 */
        cc_job_answer(job, status, NULL);
        return;
    }
    char etag[32];
    snprintf(etag, sizeof(etag), "\"%lld\"",
             (long long)json_integer_value(json_object_get(resource, "version")));
    cc_job_header(job, "etag", etag);
    cc_job_answer(job, status, resource);
}

int cc_job_fail_db(cc_job_t *job, PGresult *res, const char *context)
{
    int rc =
        cc_db_is_retryable(cc_db_sqlstate(res)) ? CC_JOB_RETRY : CC_JOB_DONE; /* the state lives in res */
    json_t *problem = cc_db_problem(res, context);
    cc_job_answer(job, cc_problem_status(problem), problem);
    PQclear(res);
    return rc;
}

cc_step_t cc_job_fail_db_step(cc_job_t *job, PGresult *res, const char *context)
{
    return cc_job_fail_db(job, res, context) == CC_JOB_RETRY ? CC_RETRY : CC_ANSWERED;
}

int cc_job_outcome(cc_step_t step)
{
    return step == CC_RETRY ? CC_JOB_RETRY : CC_JOB_DONE;
}

const cc_config_t *cc_job_config(const cc_job_t *job)
{
    return &job->thread->server->config;
}

cc_keyset_t *cc_job_keys(const cc_job_t *job)
{
    return cc_server_keys(job->thread->server);
}

void cc_job_fail(cc_job_t *job, int status, const char *code, const char *detail)
{
    cc_job_answer(job, status, cc_problem_new(status, code, detail));
}

void cc_job_header(cc_job_t *job, const char *name, const char *value)
{
    if (job->nheaders == CC_JOB_MAX_HEADERS)
        return;
    job->headers[job->nheaders].name = cc_strdup(name);
    job->headers[job->nheaders].value = cc_strdup(value);
    job->nheaders++;
}

void cc_job_respond(cc_job_t *job)
{
    cc_request_t *r = job->request;
    if (r == NULL || !cc_request_is_live(r))
        return;
    for (size_t i = 0; i < job->nheaders; i++)
        cc_set_header(r, job->headers[i].name, job->headers[i].value);
    json_t *body = job->body;
    job->body = NULL;
    if (job->status >= 400 && body != NULL)
        cc_respond_problem(r, body);
    else
        cc_respond_json(r, job->status, body);
}

void cc_job_clear_headers(cc_job_t *job)
{
    for (size_t i = 0; i < job->nheaders; i++) {
        free(job->headers[i].name);
        free(job->headers[i].value);
    }
    job->nheaders = 0;
}

static void job_free(cc_job_t *job)
{
    cc_job_clear_headers(job);
    json_decref(job->body);
    if (job->request != NULL)
        cc_request_release(job->request);
    free(job);
}

void cc_workers_on_complete(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    while (!h2o_linklist_is_empty(messages)) {
        cc_job_t *job = H2O_STRUCT_FROM_MEMBER(cc_job_t, super.link, messages->next);
        h2o_linklist_unlink(&job->super.link);
        if (job->done != NULL) {
            job->done(job);
        } else {
            cc_job_respond(job);
            free(job->data);
        }
        job_free(job);
    }
}

void cc_workers_usage(cc_workers_t *w, int *queued, int *busy, int *total)
{
    pthread_mutex_lock(&w->mutex);
    *queued = w->queued;
    *busy = w->busy;
    *total = w->total;
    pthread_mutex_unlock(&w->mutex);
}
