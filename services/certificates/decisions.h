/*
 * Certification decisions (POST /v1/decisions; DOMAIN.md "Certificates",
 * ARCHITECTURE.md "Certification decisions"): what the decision files share.
 * One decision is recorded in one transaction (cc_write's run, decide() in
 * decision_fields.c): the rules (decision_rules.c) refuse it or collect a
 * refusal's reasons, the programme's windows are recomputed and the next cycle
 * opened (decision_windows.c), the decision row written, and the certificate
 * issued or revised (decision_issue.c). The statements are decision_store.c's.
 */
#ifndef DECISIONS_H
#define DECISIONS_H

#include <stdbool.h>

#include "certificates.h"
#include "civil_date.h"
#include "cycle_rules.h"

#define DECISION_MAX_STANDARDS 4 /* programmes_standards_check */

typedef enum {
    DECISION_INITIAL = 0,
    DECISION_RECERTIFICATION,
    DECISION_RESTORATION,
    DECISION_SCOPE_EXTENSION
} decision_type_t;

/* One standard of the programme, from the catalogue. */
typedef struct {
    char code[40];      /* ISO27001:2022 */
    char reference[48]; /* ISO/IEC 27001:2022 */
    bool isms;          /* family 'isms': a grant needs a soa_version */
} decision_standard_t;

/* One current certificate revision of the programme (recertification, restoration, scope extension). */
typedef struct {
    char id[37];
    char status[16];
    char standard[40];
    civil_date_t expiry;
} decision_certificate_t;

/* A decision in progress: the body read, the programme locked, the rules' findings. */
typedef struct decision {
    cc_write_t *w;
    decision_type_t type;
    const char *type_name;              /* the body's type */
    bool grant;                         /* outcome grant (else refuse) */
    civil_date_t decided_on, effective; /* effective: zero when absent (a refusal) */
    char audit_ids[1024];               /* the body's audit_ids as a uuid[] literal */
    char site_ids[1024];                /* the body's site_ids as a uuid[] literal, "" when absent */
    /* the programme */
    char client_id[37];
    char *scope, *programme_sites; /* the programme's scope and site_ids literal (owned, any length) */
    bool decided;                  /* programmes.decision_date set */
    civil_date_t expiry;           /* programmes.expiry_date */
    decision_standard_t standards[DECISION_MAX_STANDARDS];
    int nstandards;
    decision_certificate_t certificates[DECISION_MAX_STANDARDS];
    int ncertificates;
    civil_date_t last_audit_day; /* the latest last day of an included audit (zero: none dated) */
    bool stage2_completed;       /* a completed Stage 2 is among the included audits */
    /* the tenant */
    char slug[64], number_pattern[128];
    programme_settings_t settings;
    /* the outcome */
    json_t *reasons;           /* a refusal's reasons (rule results), owned */
    programme_recert_t recert; /* recertification / restoration: the new cycle's dates */
    char next_programme[37];   /* the next cycle, "" when none */
    char decision_id[37];
} decision_t;

/*
 * A rule's verdict. For a grant (or a rule every decision obeys, `always`) it answers the 422 problem
 * `code` naming `field` and returns CC_ANSWERED; for a refusal it appends {code, field, detail} to
 * d->reasons and returns CC_GO_ON. extra (stolen, may be NULL) is merged into the problem / the reason.
 */
cc_step_t decision_rule_fails(decision_t *d, bool always, const char *code, const char *field,
                              const char *detail, json_t *extra);

/* Reads the included audits and applies every refusal rule (decision_rules.c). */
cc_step_t decision_rules_check(decision_t *d);

/* Reads the tenant's slug, number pattern and programme settings into d (decision_windows.c). */
cc_step_t decision_tenant_load(decision_t *d);

/* Recomputes the programme's windows (initial) or opens the next cycle (recertification, restoration). */
cc_step_t decision_windows_apply(decision_t *d);

/* Issues (initial) or revises (the others) the programme's certificates for a grant. */
cc_step_t decision_issue(decision_t *d);

/* The certificate revision id as the API shows it (cc_certificate_json, full), or NULL. */
json_t *decision_certificate_json(decision_t *d, const char *id);

/* Answers a failed statement (clears res). */
cc_step_t decision_statement_failed(decision_t *d, PGresult *res, const char *context);

/* Runs a statement that must succeed; CC_GO_ON or the failure's step. */
cc_step_t decision_exec(decision_t *d, const cc_sql_t *sql, int n, const char *const *params,
                        const char *what);

/* ---- statements (decision_store.c) ---- */
extern const cc_sql_t sql_decision_programme_lock, sql_decision_audits, sql_decision_team,
    sql_decision_granted, sql_decision_blockers, sql_decision_certificates, sql_decision_tenant,
    sql_decision_insert, sql_decision_answer, sql_decision_list, sql_decision_programme_decided,
    sql_decision_window_set, sql_decision_surveillance_add, sql_decision_surveillance_surplus,
    sql_decision_next_programme, sql_decision_next_audit, sql_certificate_sequence, sql_certificate_issue,
    sql_certificate_record, sql_certificate_revise, sql_certificate_json;

#endif
