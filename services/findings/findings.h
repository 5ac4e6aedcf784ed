/*
 * The findings service (issue 8; DOMAIN.md "Findings"): findings raised on
 * audits, response rounds, review, verification and closure, evidence files
 * and the audit summary. The schema is db/migrations/0014_findings.sql.
 */
#ifndef FINDINGS_H
#define FINDINGS_H

#include "cc_db.h"
#include "cc_http.h"
#include "cc_write.h"

/* ---- routes (routes.c) ---- */
extern const cc_route_t findings_routes[];
extern const size_t findings_nroutes;
extern const cc_sql_t *const findings_read_statements[];
extern const size_t findings_nread_statements;

/* ---- handlers ---- */
void findings_get_handle(cc_request_t *r);      /* GET /v1/findings/{id} */
void findings_list_handle(cc_request_t *r);     /* GET /v1/findings */
void findings_create_handle(cc_request_t *r);   /* POST /v1/findings */
void findings_patch_handle(cc_request_t *r);    /* PATCH /v1/findings/{id} */
void findings_regrade_handle(cc_request_t *r);  /* POST /v1/findings/{id}/regrade */
void findings_summary_handle(cc_request_t *r);  /* GET /v1/findings/summary */
void findings_respond_handle(cc_request_t *r);  /* POST /v1/findings/{id}/responses */
void findings_review_handle(cc_request_t *r);   /* POST /v1/findings/{id}/review */
void findings_verify_handle(cc_request_t *r);   /* POST /v1/findings/{id}/verify */
void findings_close_handle(cc_request_t *r);    /* POST /v1/findings/{id}/close */
void evidence_upload_handle(cc_request_t *r);   /* POST /v1/findings/{id}/evidence */
void evidence_list_handle(cc_request_t *r);     /* GET /v1/findings/{id}/evidence */
void evidence_download_handle(cc_request_t *r); /* GET /v1/evidence/{id} */

/* ---- shared by the handlers (finding_store.c) ---- */

/* The caller's client scope: its own organisation's id for a client user, NULL (every one) for staff. */
const char *finding_client_scope(const cc_request_t *r);

/* The same for the caller of a write. */
const char *finding_actor_scope(const cc_write_t *w);

/* SELECT the finding $2 of tenant $1 as cc_finding_json (with rounds and history) when the client scope $3
 * (NULL: any) allows, FOR UPDATE when locking: the statements the handlers share. */
extern const cc_sql_t sql_finding_get;
extern const cc_sql_t sql_finding_lock;

/*
 * In a write's transaction: the finding w->ids[0] as the API shows it, locked FOR UPDATE when lock is set.
 * Returns a new reference, or NULL after answering: 404 `not_found` (no such finding, or not the caller's
 * organisation's) or the database's problem (*step then says CC_ANSWERED or CC_RETRY).
 */
json_t *finding_load(cc_write_t *w, bool lock, cc_step_t *step);

/* ---- GET /v1/findings (finding_list.c): its statements, one per narrowest filter (read connections) ---- */
extern const cc_sql_t sql_findings_list_by_audit;
extern const cc_sql_t sql_findings_list_by_programme;
extern const cc_sql_t sql_findings_list_by_client;
extern const cc_sql_t sql_findings_list;

/* ---- raising, editing and regrading (finding_facts.c) ---- */

#include "raise_rules.h"

/* What finding_audit_facts asks besides the audit's facts (NULL members: not asked). */
typedef struct {
    bool lead_only;             /* the caller's place on the team: as the lead only (regrading) */
    const char *requirement_id; /* must be a clause or control of the programme's standards */
    const char *site_id;        /* must be one of the programme's sites */
} finding_facts_query_t;

/* The audit's facts as finding_audit_facts read them. */
typedef struct {
    bool found; /* the audit exists in the tenant; nothing else is set otherwise */
    raise_facts_t raise;
    char status[24]; /* raise.status points here */
    char programme_id[37], client_id[37];
    bool on_team;        /* the caller may act for the team: always for admin and scheme manager */
    bool requirement_ok; /* the query's requirement_id belongs to the programme (true when not asked) */
    bool site_ok;        /* likewise its site_id */
} finding_facts_t;

/* One finding_history row's change (NULL members are SQL NULL). */
typedef struct {
    const char *from_status, *to_status, *from_grade, *to_grade, *reason;
} finding_change_t;

/* Reads the tenant's `findings` settings group (JSON text, NULL: none) into *out: a member absent or out of
 * range takes its default, as the settings API says. */
void finding_settings_from_json(const char *json_text, finding_settings_t *out);

/* True when the caller of w is an auditor (whose place on the audit's team decides what it may write). */
bool finding_caller_is_auditor(const cc_write_t *w);

/*
 * In a write's transaction: locks the audit and its programme FOR KEY SHARE (a decision or an audit
 * transition waits for this write) and reads *out. An unknown audit leaves out->found false and returns
 * CC_GO_ON. The caller's place on the team is asked only of an auditor. Returns CC_GO_ON, or CC_ANSWERED /
 * CC_RETRY after answering the database's problem.
 */
cc_step_t finding_audit_facts(cc_write_t *w, const char *audit, const finding_facts_query_t *q,
                              finding_facts_t *out);

/* 403 `not_on_team` unless the caller may act for the audit's team (as q asked). CC_GO_ON or CC_ANSWERED. */
cc_step_t finding_check_team(cc_write_t *w, const finding_facts_t *facts, const finding_facts_query_t *q);

/* 400 naming requirement_id (`unknown_requirement`) or site_id (`unknown_site`) when q's is not the
 * programme's. CC_GO_ON or CC_ANSWERED. */
cc_step_t finding_check_refs(cc_write_t *w, const finding_facts_t *facts, const finding_facts_query_t *q);

/* Answers the problem {status, code, detail} with one more string member (e.g. "current_status"):
 * CC_ANSWERED.
 */
cc_step_t finding_fail_with(cc_write_t *w, int status, const char *code, const char *detail,
                            const char *member, const char *value);

/* Inserts the finding_history row of finding's change `action` by the caller. CC_GO_ON, or the db's problem.
 */
cc_step_t finding_history_add(cc_write_t *w, const char *finding, const char *action,
                              const finding_change_t *c);

/* *param = d written into buf as YYYY-MM-DD when has, else NULL (SQL NULL). */
void finding_format_date(bool has, civil_date_t d, char buf[CIVIL_DATE_BUFSIZE], const char **param);

#endif
