/*
 * Certificate fixtures for e2e tests through the gateway: an ACTIVE
 * certificate made the way production makes one (a client of its own, an
 * ISO/IEC 27001:2022 programme, Stage 1 and Stage 2 conducted and completed
 * by a fresh lead auditor, then POST /v1/decisions granted by northcert's
 * decision maker, who sat on no team). Every helper fails the current test
 * when an answer is not the expected one.
 */
#ifndef CC_TEST_CERTIFICATES_H
#define CC_TEST_CERTIFICATES_H

#include <jansson.h>
#include <stdbool.h>

#include "cc_test_scheduling.h"

/* What a test certificate looks like; zero-initialise, every member is optional. */
typedef struct cc_test_certificate_opts {
    const char *legal_name; /* the new client's legal name (NULL: a unique "Certified test <n> Ltd") */
    const char *city;       /* its address and site's city (NULL: "Leeds") */
    const char *country;    /* ISO 3166 alpha-2 (NULL: "GB") */
    bool confidential;      /* the client asked for confidentiality */
    const char *client_id;  /* an existing client instead of a new one (legal_name etc. then unused) */
    /* The decision's day (NULL: 30 days ago; Stage 1 and Stage 2 are conducted in the 60 days before it);
     * the certificate expires three years less a day later. */
    const char *decided_on;
    const char *scope;       /* the programme's scope (NULL: a unique test scope) */
    const char *soa_version; /* NULL: "SoA v1" */
} cc_test_certificate_opts_t;

/* A new client of northcert (POST /v1/clients as cb->sm, with one site at its address); its id, caller frees.
 */
char *cc_test_new_certified_client(const cc_test_cb_t *cb, const cc_test_certificate_opts_t *opts);

/*
 * Issues a certificate as described above (opts may be NULL: every default) and returns the answer's
 * `certificate` (cc_certificate_json: id, number, revision, certification_id, client_id, programme_id,
 * status "active", dates, sites, revisions, history, version); the caller decrefs. When decision is not
 * NULL, *decision receives the answer's `decision` (the caller decrefs).
 */
json_t *cc_test_issue_certificate_with(const cc_test_cb_t *cb, const cc_test_certificate_opts_t *opts,
                                       json_t **decision);

/* cc_test_issue_certificate_with for a new client named client_name (NULL: a unique name). */
json_t *cc_test_issue_certificate(const cc_test_cb_t *cb, const char *client_name);

/* POST /v1/decisions as c with the given JSON body. */
cc_test_response_t *cc_test_decide(const cc_test_caller_t *c, const char *body);

#endif
