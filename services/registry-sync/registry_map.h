/*
 * Pure mapping of a certification to its IAF CertSearch record (DOMAIN.md "IAF
 * CertSearch": every mandatory field, dates as YYYYMMDD, our status as
 * theirs, lengths). The source is what cc_registry_source (migration 0022)
 * returns: the current revision, its client, standard and the tenant's
 * registry settings. No I/O.
 */
#ifndef REGISTRY_MAP_H
#define REGISTRY_MAP_H

#include <jansson.h>
#include <stdbool.h>

typedef struct registry_map_problem {
    char field[64];    /* the registry field that cannot be filled, e.g. "certified_entity_street_address" */
    char message[200]; /* why, e.g. "the client has no street address" */
} registry_map_problem_t;

/*
 * The registry record of source, or NULL when it cannot be mapped (a mandatory value missing, a value over
 * the registry's limit): then *problem says which field and why, and the certification goes to the dead
 * letters unsent. Returns a new reference.
 */
json_t *registry_map(const json_t *source, registry_map_problem_t *problem);

/* Our certificate status as the registry's: draft -> "hidden", active, suspended, withdrawn and expired as
 * themselves; NULL for anything else (superseded revisions are never sent). */
const char *registry_map_status(const char *status);

/* "2026-12-07" -> "20261207" into out (9 bytes); false when date is not YYYY-MM-DD. */
bool registry_map_date(const char *date, char out[9]);

/* Whether the client of source has recorded consent to publication (DOMAIN.md "IAF CertSearch"). */
bool registry_map_consented(const json_t *source);

#endif
