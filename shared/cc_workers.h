/*
 * The worker pools: threads with blocking database connections for
 * multi-statement transactions, argon2 and anything else that may block. A
 * job runs on a worker and then completes on the loop thread that submitted
 * it (h2o_multithread_send_message), where it may answer its request.
 *
 * Three pools, so that one kind of work cannot starve another: transactions
 * (cc_job_submit), password hashing (cc_job_submit_hashing: a flood of logins
 * fills only its own bounded queue) and read-pool reconnections
 * (cc_job_submit_connect: one thread without a connection of its own, so a
 * reconnect never waits behind argon2 or a transaction). A full queue answers
 * 503 service_unavailable with Retry-After at once.
 */
#ifndef CC_WORKERS_H
#define CC_WORKERS_H

#include <h2o.h>
#include <jansson.h>

#include "cc_config.h"
#include "cc_db.h"
#include "cc_jwt.h"
#include "cc_step.h"

struct cc_request;
struct cc_thread;
typedef struct cc_job cc_job_t;
typedef struct cc_workers cc_workers_t;

#define CC_JOB_DONE 0
#define CC_JOB_RETRY 1 /* roll back and run again (serialization failure, deadlock) */

/* Runs on a worker thread with a usable connection; returns CC_JOB_DONE or CC_JOB_RETRY. */
typedef int (*cc_job_run_fn)(cc_job_t *job, cc_dbconn_t *db);
/* Runs on the submitting loop thread afterwards; must free job->data. NULL: the default, which answers the
 * request. */
typedef void (*cc_job_done_fn)(cc_job_t *job);

#define CC_JOB_MAX_HEADERS 4

struct cc_job {
    h2o_multithread_message_t super; /* must be first */
    struct cc_thread *thread;
    struct cc_request *request; /* retained while the job lives; NULL for background jobs */
    cc_job_run_fn run;
    cc_job_done_fn done;
    void *data; /* the job's own input, malloc'ed, freed by done or by the default done (free()) */
    /* The answer the default done sends: body is a JSON document or a problem (when status >= 400). */
    int status;
    json_t *body;
    size_t nheaders;
    struct {
        char *name, *value;
    } headers[CC_JOB_MAX_HEADERS];
};

/* The pools a job may run on. */
typedef enum {
    CC_POOL_TRANSACTIONS, /* cc_job_submit, cc_job_submit_background */
    CC_POOL_HASHING,      /* cc_job_submit_hashing: jobs that run argon2 */
    CC_POOL_CONNECTING,   /* cc_job_submit_connect: reconnections; jobs get db == NULL */
    CC_POOL_COUNT
} cc_pool_t;

/* Starts the transactions pool: n worker threads connecting to url, at the given nice value (0 = the loops'
 * priority), at most 1024 request jobs waiting. */
cc_workers_t *cc_workers_start(int n, const char *url, int nice);

/*
 * Starts pool kind with n threads at the given nice value. url NULL: the
 * threads open no connection and run jobs with db == NULL. max_queued bounds
 * the request jobs waiting (background jobs always queue). A pool that is not
 * started hands its jobs to the transactions pool.
 */
cc_workers_t *cc_workers_start_pool(cc_pool_t kind, int n, const char *url, int nice, int max_queued);

/* Stops the pool's workers after its queued jobs (used at shutdown). */
void cc_workers_stop(cc_workers_t *w);

/*
 * Creates and queues a job for request r (retained) on r's loop thread. data
 * is owned by the job. done may be NULL for the default answer.
 */
void cc_job_submit(struct cc_request *r, cc_job_run_fn run, cc_job_done_fn done, void *data);

/* As cc_job_submit, on the password-hashing pool: for jobs that run argon2. */
void cc_job_submit_hashing(struct cc_request *r, cc_job_run_fn run, cc_job_done_fn done, void *data);

/* Queues a background job (no request) that completes on thread. */
void cc_job_submit_background(struct cc_thread *thread, cc_job_run_fn run, cc_job_done_fn done, void *data);

/* Queues a background job on the connecting pool: run gets db == NULL and opens what it needs itself. */
void cc_job_submit_connect(struct cc_thread *thread, cc_job_run_fn run, cc_job_done_fn done, void *data);

/* Sets the answer of a job: status and body (stolen). */
void cc_job_answer(cc_job_t *job, int status, json_t *body);

/* Sets the answer to a resource with its ETag "<version>" (from the resource's `version`); steals resource.
 * A NULL resource (a json_pack that failed) answers 500. */
void cc_job_answer_versioned(cc_job_t *job, int status, json_t *resource);

/* Sets a problem answer. */
void cc_job_fail(cc_job_t *job, int status, const char *code, const char *detail);

/*
 * Answers a failed statement by its SQLSTATE (cc_db_problem) and clears res.
 * Returns CC_JOB_RETRY for a serialization failure or deadlock (the job runs again), else CC_JOB_DONE.
 */
int cc_job_fail_db(cc_job_t *job, PGresult *res, const char *context);

/* As cc_job_fail_db, for a step function (cc_step.h): returns CC_RETRY or CC_ANSWERED. */
cc_step_t cc_job_fail_db_step(cc_job_t *job, PGresult *res, const char *context);

/* A job's return for the outcome of its steps: CC_JOB_RETRY for CC_RETRY, else CC_JOB_DONE. */
int cc_job_outcome(cc_step_t step);

/* The configuration of the server the job runs for (borrowed: lives as long as the server). Any thread. */
const cc_config_t *cc_job_config(const cc_job_t *job);

/* A retained reference to the server's current signing keys (any thread); release it with
 * cc_keyset_release. */
cc_keyset_t *cc_job_keys(const cc_job_t *job);

/* Adds a response header (copied) to the answer. */
void cc_job_header(cc_job_t *job, const char *name, const char *value);

/* Drops the response headers set so far (e.g. when a late failure replaces the answer). */
void cc_job_clear_headers(cc_job_t *job);

/* Sends the job's answer to its request if the client is still there (what the default done does). */
void cc_job_respond(cc_job_t *job);

/* Number of jobs waiting and running, for the metrics. */
void cc_workers_usage(cc_workers_t *w, int *queued, int *busy, int *total);

/* Called by the server on the loop thread when job messages arrive. */
void cc_workers_on_complete(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages);

#endif
