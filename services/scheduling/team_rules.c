/*
 * Audit team competence rules (see team_rules.h).
 */
#include <string.h>

#include "team_rules.h"

int team_role_rank(const char *role)
{
    if (role == NULL)
        return 0;
    if (strcmp(role, "lead") == 0)
        return 3;
    if (strcmp(role, "auditor") == 0)
        return 2;
    if (strcmp(role, "technical_expert") == 0)
        return 1;
    return 0;
}

static bool array_has_string(const json_t *array, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(array, i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return true;
    return false;
}

static const char *competence_standard(const json_t *c)
{
    return json_string_value(json_object_get(c, "standard"));
}

static int competence_rank(const json_t *c)
{
    return team_role_rank(json_string_value(json_object_get(c, "role")));
}

bool team_role_competent(const json_t *competences, const char *role, const json_t *standards)
{
    int needed = team_role_rank(role);
    if (needed == 0)
        return false;
    size_t i;
    json_t *c;
    json_array_foreach(competences, i, c)
    {
        const char *standard = competence_standard(c);
        if (standard != NULL && array_has_string(standards, standard) && competence_rank(c) >= needed)
            return true;
    }
    return false;
}

/* A member who audits (lead or auditor) and holds an auditor-or-lead competence for standard. */
static bool covers_standard(const team_member_t *m, const char *standard)
{
    if (team_role_rank(m->role) < 2)
        return false;
    size_t i;
    json_t *c;
    json_array_foreach(m->competences, i, c)
    {
        const char *s = competence_standard(c);
        if (s != NULL && strcmp(s, standard) == 0 && competence_rank(c) >= 2)
            return true;
    }
    return false;
}

static bool covers_sector(const team_member_t *m, const json_t *standards, const char *code)
{
    size_t i;
    json_t *c;
    json_array_foreach(m->competences, i, c)
    {
        const char *s = competence_standard(c);
        if (s != NULL && array_has_string(standards, s) &&
            array_has_string(json_object_get(c, "sector_codes"), code))
            return true;
    }
    return false;
}

json_t *team_coverage_gaps(const json_t *standards, const json_t *sector_codes, const team_member_t *members,
                           size_t n)
{
    json_t *gaps = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(standards, i, v)
    {
        bool covered = false;
        for (size_t k = 0; k < n && !covered; k++)
            covered = covers_standard(&members[k], json_string_value(v));
        if (!covered)
            json_array_append_new(gaps, json_pack("{s:O}", "standard", v));
    }
    json_array_foreach(sector_codes, i, v)
    {
        bool covered = false;
        for (size_t k = 0; k < n && !covered; k++)
            covered = covers_sector(&members[k], standards, json_string_value(v));
        if (!covered)
            json_array_append_new(gaps, json_pack("{s:O}", "sector_code", v));
    }
    return gaps;
}
