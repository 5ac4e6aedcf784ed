/*
 * The demo seed's parts (certcycle seed-demo). seed.c makes each demo CB's
 * staff and client organisations; seed_story.c then gives it what a newcomer
 * needs to see the product work (README.md "Try it: the seeded demo"): a
 * programme mid-cycle, one awaiting its decision, findings in every state with
 * response rounds and an evidence file, certificates active, suspended and
 * withdrawn, registry sync configured but disabled, and one webhook. Its
 * pieces: seed_programme.c (programmes, audits, the grant), seed_findings.c,
 * seed_certificates.c and seed_registry.c. Every date is relative to today
 * (UTC). Each story is one transaction under the tenant (RLS is forced for
 * the owner too), written with the SQL the services use, and is skipped when
 * its client organisation already has a programme: running it again changes
 * nothing.
 */
#ifndef SEED_H
#define SEED_H

#include <stdbool.h>
#include <stddef.h>

#include "cc_db.h"
#include "civil_date.h"

/* A demo client organisation's site (the first one is its central function). */
typedef struct demo_site {
    const char *name, *street, *city, *post_code, *country, *personnel, *activities;
} demo_site_t;

/* A demo client organisation; consent: it agreed to publication in IAF CertSearch. */
typedef struct demo_client {
    const char *legal_name, *street, *city, *post_code, *country, *personnel;
    demo_site_t sites[2];
    bool consent;
} demo_client_t;

/* What one demo CB's stories are made of: four client organisations of its own, each with one story. */
typedef struct demo_story_clients {
    demo_client_t certified; /* mid-cycle: certified, surveillance 1 scheduled (consent) */
    demo_client_t deciding;  /* Stage 2 done, findings being answered, no decision yet (no consent) */
    demo_client_t suspended; /* surveillance 1 missed: certificate suspended (consent) */
    demo_client_t withdrawn; /* certificate withdrawn (no consent) */
    const char *ab_name;     /* the accreditation body for the registry settings */
    const char *ab_acronym;
} demo_story_clients_t;

/* The tenant being seeded, its staff and today. */
typedef struct seed_ctx {
    cc_dbconn_t *db;
    const char *tenant_id, *slug;
    civil_date_t today;
    char admin[37], sm[37], dm[37];  /* user ids: admin, scheme manager, decision maker */
    char lead_user[37];              /* auditor1's user id (who raises and reviews findings) */
    char auditor1[37], auditor2[37]; /* auditor record ids */
} seed_ctx_t;

/* Finds or creates a client organisation with its sites, in its own transaction; writes its id. 0 or -1. */
int seed_client_ensure(cc_dbconn_t *db, const char *tenant_id, const demo_client_t *c, char client_id[37]);

/*
 * Runs sql in the open transaction. When out is not NULL, copies the first row's first value into it
 * (outsize bytes; a statement that returns no row is then an error). Returns 0, or -1 after printing
 * `what` and the database's message.
 */
int seed_exec(seed_ctx_t *s, const cc_sql_t *sql, int nparams, const char *const *params, char *out,
              size_t outsize, const char *what);

/* today + offset days as YYYY-MM-DD. */
void seed_day(const seed_ctx_t *s, int offset, char out[CIVIL_DATE_BUFSIZE]);

/* Gives the tenant its stories (seed_story.c). 0 or -1 (printed). */
int seed_stories(cc_dbconn_t *db, const char *tenant_id, const char *slug,
                 const demo_story_clients_t *clients);

/* ---- seed_programme.c ---- */

/*
 * An ISO/IEC 27001:2022 programme of client as POST /v1/programmes plans it on day `created` (an offset
 * from today): the audit time from the client's personnel and sites, provisional windows, one planned
 * audit per row. Writes its id. 0 or -1.
 */
int seed_programme_plan(seed_ctx_t *s, const char *client_id, const char *scope, int created, char id[37]);

/* How one audit of a programme was (or will be) conducted. */
typedef struct seed_audit {
    const char *type; /* stage1, stage2, surveillance */
    int sequence;
    int start, end;            /* offsets from today; start > 0 with status scheduled: dated in its window */
    const char *status;        /* completed or scheduled */
    const char *lead, *member; /* auditor record ids (member may be NULL) */
    const char *outcome;       /* the completion's body (JSON) for a completed audit */
} seed_audit_t;

/* Dates, staffs and moves the programme's audit a->type/sequence; writes its id. 0 or -1. */
int seed_audit_conduct(seed_ctx_t *s, const char *programme, const seed_audit_t *a, char id[37]);

/*
 * The initial grant decided on day `decided` on Stage 1 and Stage 2 (as POST /v1/decisions: the decision
 * row, the programme's expiry and windows from the cycle rules); writes the decision's id. 0 or -1.
 */
int seed_decision_grant(seed_ctx_t *s, const char *programme, const char *stage1, const char *stage2,
                        int decided, char decision[37]);

/* Cancels the programme's audits still planned (after a withdrawal), with reason. 0 or -1. */
int seed_programme_cancel_planned(seed_ctx_t *s, const char *programme, const char *reason);

/* The first day of the window of the programme's audit type/sequence, as an offset from today (*offset). */
int seed_window_start(seed_ctx_t *s, const char *programme, const char *type, int sequence, int *offset);

/* ---- seed_certificates.c ---- */

/* Issues the grant's certificate (revision 0, active, dated `decided`) and records it; writes its id. */
int seed_certificate_issue(seed_ctx_t *s, const char *programme, const char *decision, int decided,
                           char certificate[37]);

/* Suspends the active certificate since day `since` (trigger, reason) and records it. 0 or -1. */
int seed_certificate_suspend(seed_ctx_t *s, const char *certificate, int since, const char *trigger,
                             const char *reason);

/* Withdraws the certificate (from `from`: active or suspended) on day `on` and records it. 0 or -1. */
int seed_certificate_withdraw(seed_ctx_t *s, const char *certificate, const char *from, int on,
                              const char *reason);

/* ---- seed_findings.c ---- */

/*
 * The findings of the certified client's Stage 2 (last day `last`), dealt with before its grant: a major
 * closed after two rounds with the evidence PDF, a minor closed with verification deferred, an
 * observation recorded, an OFI closed. 0 or -1.
 */
int seed_findings_settled(seed_ctx_t *s, const char *stage2, int last);

/* The findings of an undecided Stage 2 (last day `last`): open, response_submitted, rejected, accepted,
 * verified and recorded, every deadline ahead. 0 or -1. */
int seed_findings_moving(seed_ctx_t *s, const char *stage2, int last);

/* ---- seed_registry.c ---- */

/* The registry settings (disabled, no key, the accreditation body) and the demo webhook. 0 or -1. */
int seed_registry(cc_dbconn_t *db, const char *tenant_id, const char *slug, const char *ab_name,
                  const char *ab_acronym);

#endif
