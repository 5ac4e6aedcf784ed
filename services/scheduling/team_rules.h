/*
 * Who may sit on an audit team, and whether a team covers its programme.
 * Pure functions over jansson values (competences as stored on auditors:
 * [{standard, sector_codes, role}]); no I/O.
 *
 * Roles rank lead > auditor > technical_expert: a competence in a higher
 * role qualifies for a lower one. A programme's standards are covered by
 * team members auditing (lead or auditor) who hold an auditor-or-lead
 * competence for them; its sector codes by any member competent for one of
 * the programme's standards in that sector (technical experts included).
 */
#ifndef TEAM_RULES_H
#define TEAM_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct team_member {
    const char *role;          /* lead | auditor | technical_expert */
    const json_t *competences; /* borrowed */
} team_member_t;

/* The rank of a team role (lead 3, auditor 2, technical_expert 1), or 0 when it is none of them. */
int team_role_rank(const char *role);

/* True when competences qualify for `role` on a programme of these standards (an array of references). */
bool team_role_competent(const json_t *competences, const char *role, const json_t *standards);

/*
 * What the team leaves uncovered: a new array of {"standard": ref} and {"sector_code": code}
 * objects, in the programme's order; empty when the team covers everything.
 */
json_t *team_coverage_gaps(const json_t *standards, const json_t *sector_codes, const team_member_t *members,
                           size_t n);

#endif
