/*
 * The write path: one owner for the life of every request that changes data.
 * A route describes itself with a const cc_write_spec_t and its handler is one
 * line, cc_write_handle(r, &spec). cc_write then, in this order:
 *
 *   on the loop thread   the path ids (400 unless UUIDs), If-Match (412 unless
 *                        an ETag this API issued), Idempotency-Key (400), the
 *                        body against the field table (415/413/400) and the
 *                        spec's check (400 validation_failed naming fields),
 *                        or for a raw body (CC_WRITE_RAW_BODY: a file) the
 *                        spec's raw_check, the run reading the body in pieces;
 *   on a worker          BEGIN with the caller's tenant, the Idempotency-Key
 *                        claim (a replay answers the stored response), the
 *                        spec's run (its SQL and its rules), then the answer
 *                        with its ETag (when the resource has a `version`) and
 *                        Location (spec.location), the stored answer for the
 *                        key, and last the event (spec.event_action on
 *                        spec.event_entity) with COMMIT in one round trip
 *                        (the tenant's event lock is held from the append to
 *                        the commit). A failed BEGIN, event or COMMIT answers
 *                        503; CC_RETRY (serialization failure, deadlock) runs
 *                        the transaction again from BEGIN (3 attempts, then
 *                        503);
 *   back on the loop     the answer, if the client is still there.
 *
 * Writing a new handler:
 *
 *   static const cc_field_t note_fields[] = {
 *       {"text", CC_FIELD_STRING, CC_FIELD_REQUIRED, 1, 2000, NULL},
 *   };
 *
 *   static cc_step_t note_create(cc_write_t *w)      // in the open transaction
 *   {
 *       const char *params[] = {w->actor.tenant_id, w->ids[0], cc_json_str(w->body, "text")};
 *       PGresult *res = cc_db_exec(w->db, &sql_note_insert, 3, params);
 *       if (!cc_db_is_ok(res))
 *           return cc_write_fail_db(w, res, "note insert");   // 503/409/.., or CC_RETRY
 *       cc_write_result(w, note_from_row(res, 0), NULL);      // the answer, and the event's detail
 *       PQclear(res);
 *       return CC_GO_ON;
 *   }
 *
 *   static const cc_write_spec_t note_create_spec = {
 *       .fields = note_fields, .nfields = CC_NFIELDS(note_fields), .flags = CC_WRITE_IDEMPOTENT,
 *       .path_ids = {"id"}, .run = note_create, .status = 201,
 *       .event_action = "note.created", .event_entity = "note", .location = "/v1/things/{id}/notes/",
 *   };
 *
 *   void notes_create_handle(cc_request_t *r) { cc_write_handle(r, &note_create_spec); }
 *
 * A run function reports every outcome as a cc_step_t (cc_step.h): CC_GO_ON
 * after cc_write_result, CC_ANSWERED after cc_write_fail*, CC_RETRY to run
 * again. It must not COMMIT, and it must tolerate running again (it gets a
 * fresh transaction and a cleared answer).
 */
#ifndef CC_WRITE_H
#define CC_WRITE_H

#include <jansson.h>

#include "cc_db.h"
#include "cc_http.h"
#include "cc_idempotency.h"
#include "cc_json.h"
#include "cc_step.h"
#include "cc_workers.h"

#define CC_NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

#define CC_WRITE_IF_MATCH 0x1      /* reads If-Match into w->if_match (cc_write_check_version compares) */
#define CC_WRITE_IDEMPOTENT 0x2    /* honours Idempotency-Key: one effect, the same answer on a retry */
#define CC_WRITE_PATCH 0x4         /* no field is required, and an empty body is refused (400 `empty`) */
#define CC_WRITE_EVENT_ON_PATH 0x8 /* the event names the {id} of the path (ids[0]), not the new resource */
/* The write's target is the caller's tenant itself (e.g. PATCH /v1/settings: no path id, the resource has no
 * `id`): the event names the tenant's id. */
#define CC_WRITE_EVENT_ON_TENANT 0x10
/*
 * The body is the raw content (a file), not JSON: no field table; spec.raw_check reads the headers and may
 * look at the body on the loop thread; the run reads it in pieces with cc_write_body_read (never whole:
 * ARCHITECTURE.md "Evidence files"). Not for CC_WRITE_IDEMPOTENT (the key's fingerprint copies the body).
 */
#define CC_WRITE_RAW_BODY 0x20

typedef struct cc_write cc_write_t;

/*
 * Checks a valid body further, on the loop thread before anything is queued: adds one error per fault to
 * problem (a 400 validation_failed, answered when it has errors) and returns CC_GO_ON; or answers r itself
 * (another problem, e.g. a 422) and returns CC_ANSWERED. Called only for routes with a body.
 */
typedef cc_step_t (*cc_write_check_fn)(cc_request_t *r, const json_t *body, json_t *problem);

/*
 * For CC_WRITE_RAW_BODY, on the loop thread before anything is queued: reads what the run needs from r's
 * headers and body (cc_request_body_read) into w->body (a JSON object the write then owns). Answers r and
 * returns CC_ANSWERED to refuse, else CC_GO_ON.
 */
typedef cc_step_t (*cc_write_raw_check_fn)(cc_request_t *r, cc_write_t *w);

/* The route's own work, in w->db's open transaction (see the header comment). */
typedef cc_step_t (*cc_write_run_fn)(cc_write_t *w);

typedef struct cc_write_spec {
    const cc_field_t *fields; /* the body's field table; NULL: the route reads no body */
    size_t nfields;
    unsigned flags;                  /* CC_WRITE_* */
    const char *path_ids[2];         /* path parameters that must be UUIDs, copied to w->ids; NULL ends */
    cc_write_check_fn check;         /* optional */
    cc_write_raw_check_fn raw_check; /* optional, with CC_WRITE_RAW_BODY */
    cc_write_run_fn run;             /* required */
    int status; /* the status of success: 201, 204 (the result names the event's entity; no body), or 200 (0)
                 */
    const char *event_action; /* e.g. "client.created" */
    const char *event_entity; /* e.g. "client"; NULL: event_action up to its dot */
    const char *location;     /* the Location of success: this ("{id}" replaced by ids[0]) + the new id */
    const char *hashed_field; /* a body field the run hashes (a password): when present, the write runs on
                                 the password-hashing pool (cc_job_submit_hashing) */
} cc_write_spec_t;

/* A write in progress, as its run function sees it. */
struct cc_write {
    const cc_write_spec_t *spec;
    cc_job_t *job;      /* while running */
    cc_dbconn_t *db;    /* while running: the open transaction, tenant set */
    cc_actor_t actor;   /* the caller */
    char ids[2][37];    /* the path ids named by spec->path_ids ("" when unused) */
    json_t *body;       /* the validated body (owned by the write), NULL without one; with CC_WRITE_RAW_BODY
                           what spec.raw_check read */
    size_t body_len;    /* with CC_WRITE_RAW_BODY: the raw body's length */
    long long if_match; /* the version If-Match names; -1 without one (or "*") */
    cc_idempotency_t idem;
    json_t *resource, *detail; /* set by cc_write_result */
    const char *event_action;  /* set by cc_write_event_action; NULL: spec->event_action */
};

/* Runs spec's write for r: answers everything itself (see the header comment). */
void cc_write_handle(cc_request_t *r, const cc_write_spec_t *spec);

/*
 * Defines the route handler `void name(cc_request_t *r)` that runs the write spec (a cc_write_spec_t object):
 *     CC_WRITE_HANDLER(clients_create_handle, create_spec);
 */
#define CC_WRITE_HANDLER(name, spec)                                                                         \
    void name(cc_request_t *r)                                                                               \
    {                                                                                                        \
        cc_write_handle(r, &(spec));                                                                         \
    }                                                                                                        \
    void name(cc_request_t *r)

/* Sets the write's result: resource (stolen) is the answer's body; detail (stolen, may be NULL) the event's.
 * The event names resource's "id", or when it has none detail's "id". */
void cc_write_result(cc_write_t *w, json_t *resource, json_t *detail);

/*
 * With CC_WRITE_RAW_BODY, in the run: copies up to len bytes of the body from offset into buf. Returns the
 * bytes copied (0 at the end), or -1 when the client has gone (the run then answers and returns: nothing is
 * kept).
 */
ssize_t cc_write_body_read(cc_write_t *w, size_t offset, void *buf, size_t len);

/*
 * Names this write's event action (a static string, e.g. "finding.rejected") instead of spec->event_action,
 * for a route whose action depends on its body (a review accepts or rejects). Cleared on a retry.
 */
void cc_write_event_action(cc_write_t *w, const char *action);

/* Adds a response header (copied) to a successful answer, e.g. cache-control. */
void cc_write_header(cc_write_t *w, const char *name, const char *value);

/* Answers a problem {status, code, detail}. Returns CC_ANSWERED. */
cc_step_t cc_write_fail(cc_write_t *w, int status, const char *code, const char *detail);

/*
 * Answers a problem naming one field: status 400 is validation_failed with the error {field, code, detail};
 * any other status is the problem `code` itself with that one error. Returns CC_ANSWERED.
 */
cc_step_t cc_write_fail_field(cc_write_t *w, int status, const char *code, const char *field,
                              const char *detail);

/*
 * Answers a failed statement by its SQLSTATE (cc_db_problem) and clears res. Returns CC_RETRY for a
 * serialization failure or deadlock, else CC_ANSWERED.
 */
cc_step_t cc_write_fail_db(cc_write_t *w, PGresult *res, const char *context);

/*
 * With If-Match given, refuses (412 precondition_failed: "the <what> has changed since you read it") a row
 * whose version differs. Returns CC_GO_ON or CC_ANSWERED.
 */
cc_step_t cc_write_check_version(cc_write_t *w, long long version, const char *what);

#endif
