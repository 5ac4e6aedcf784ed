/*
 * Cycle rules: programme settings, certificate validity and recertification, planned
 * audit windows, audit types and the ISO/IEC 27001:2013 transition. Pure: no I/O, no
 * clock, no allocation. The rules and the conventions chosen where DOMAIN.md is silent
 * are in cycle_rules.h.
 */
#include "cycle_rules.h"

#include <string.h>

/* ---- settings ---- */

#define COUNT_MEMBER(name, lo, hi, def) +1
_Static_assert(sizeof(programme_settings_t) == (0 PROGRAMME_SETTINGS(COUNT_MEMBER)) * sizeof(int),
               "programme_settings_t has one int member per PROGRAMME_SETTINGS line");

void programme_settings_default(programme_settings_t *s)
{
#define SET_DEFAULT(name, lo, hi, def) s->name = (def);
    PROGRAMME_SETTINGS(SET_DEFAULT)
#undef SET_DEFAULT
}

/* Appends a fault when there is room; counts it always. */
static void add_fault(programme_settings_fault_t *out, size_t max, size_t *n, const char *setting,
                      const char *message)
{
    if (*n < max)
        out[*n] = (programme_settings_fault_t){setting, message};
    (*n)++;
}

size_t programme_settings_faults(const programme_settings_t *s, programme_settings_fault_t *out, size_t max)
{
    size_t n = 0;
#define CHECK_RANGE(name, lo, hi, def)                                                                       \
    if (s->name < (lo) || s->name > (hi))                                                                    \
        add_fault(out, max, &n, #name, "must be from " #lo " to " #hi);
    PROGRAMME_SETTINGS(CHECK_RANGE)
#undef CHECK_RANGE
    if (s->surveillance2_start_months <= s->surveillance1_start_months)
        add_fault(out, max, &n, "surveillance2_start_months",
                  "must be greater than surveillance1_start_months");
    if (s->surveillance2_end_months < s->surveillance2_start_months)
        add_fault(out, max, &n, "surveillance2_end_months", "must be at least surveillance2_start_months");
    /* The shortest month span is 28 days per month: the window must keep at least a day. */
    if (s->recertification_lead_days >= 28 * s->recertification_window_months)
        add_fault(out, max, &n, "recertification_lead_days",
                  "must be less than 28 days per month of recertification_window_months");
    return n;
}

int programme_settings_validate(const programme_settings_t *s)
{
    return s != NULL && programme_settings_faults(s, NULL, 0) == 0 ? 0 : -1;
}

/* ---- certificate validity and recertification ---- */

civil_date_t programme_cycle_expiry(civil_date_t start)
{
    civil_date_t anniversary = {start.year + PROGRAMME_CYCLE_YEARS, start.month, start.day};

    /* 29 February has its anniversary on 1 March in a common year: the cycle is not shortened. */
    if (anniversary.day > civil_date_days_in_month(anniversary.year, anniversary.month))
        anniversary = civil_date_make(anniversary.year, 3, 1);
    return civil_date_add_days(anniversary, -1);
}

civil_date_t programme_continued_expiry(civil_date_t old_expiry)
{
    return programme_cycle_expiry(civil_date_add_days(old_expiry, 1));
}

civil_date_t programme_restore_limit(civil_date_t expiry)
{
    return civil_date_add_months(expiry, PROGRAMME_RESTORE_MONTHS);
}

int programme_recert_decide(civil_date_t old_expiry, civil_date_t decision, programme_recert_t *out)
{
    if (out == NULL || !civil_date_is_valid(old_expiry) || !civil_date_is_valid(decision))
        return -1;
    memset(out, 0, sizeof(*out));
    out->restore_limit = programme_restore_limit(old_expiry);
    if (civil_date_compare(decision, old_expiry) <= 0)
        out->outcome = PROGRAMME_RECERT_ON_TIME;
    else if (civil_date_compare(decision, out->restore_limit) <= 0)
        out->outcome = PROGRAMME_RECERT_RESTORED;
    else {
        out->outcome = PROGRAMME_RECERT_NOT_RESTORABLE;
        return 0;
    }
    out->effective = decision;
    out->expiry = programme_continued_expiry(old_expiry);
    return 0;
}

/* ---- windows ---- */

/* Clips w to bounds; returns -1 (and leaves w alone) when nothing is left. */
static int clip_to(programme_window_t *w, programme_window_t bounds)
{
    programme_window_t r;

    r.start = civil_date_max(w->start, bounds.start);
    r.end = civil_date_min(w->end, bounds.end);
    if (civil_date_compare(r.start, r.end) > 0)
        return -1;
    *w = r;
    return 0;
}

/* Clips w to calendar year y; returns -1 (and leaves w alone) when nothing is left. */
static int clip_to_year(programme_window_t *w, int y)
{
    programme_window_t year = {civil_date_make(y, 1, 1), civil_date_make(y, 12, 31)};

    return clip_to(w, year);
}

civil_date_t programme_recertification_end(civil_date_t expiry, const programme_settings_t *s)
{
    return civil_date_add_days(expiry, -s->recertification_lead_days);
}

int programme_windows_compute(civil_date_t anchor, civil_date_t expiry, const programme_settings_t *s,
                              programme_windows_t *out)
{
    programme_windows_t w;
    civil_date_t before_recert;
    int recert_year, n;

    if (out == NULL || programme_settings_validate(s) != 0 || !civil_date_is_valid(anchor) ||
        !civil_date_is_valid(expiry) || civil_date_compare(anchor, expiry) > 0)
        return -1;
    memset(&w, 0, sizeof(w));
    w.anchor = anchor;
    w.expiry = expiry;
    w.recertification.start = civil_date_add_months(expiry, -s->recertification_window_months);
    w.recertification.end = programme_recertification_end(expiry, s);

    /* Years strictly between the decision year and the (latest possible) recertification year. */
    recert_year = w.recertification.end.year;
    for (int y = anchor.year + 1; y < recert_year; y++) {
        if (w.nrequired_years == PROGRAMME_MAX_SURVEILLANCES)
            return -1;
        w.required_years[w.nrequired_years++] = y;
    }

    n = w.nrequired_years > 2 ? w.nrequired_years : 2;
    w.surveillance[0].start = civil_date_add_months(anchor, s->surveillance1_start_months);
    w.surveillance[0].end = civil_date_add_months(anchor, PROGRAMME_SURVEILLANCE1_MAX_MONTHS);
    for (int k = 1; k < n; k++) {
        w.surveillance[k].start = civil_date_add_months(anchor, s->surveillance2_start_months + 12 * (k - 1));
        w.surveillance[k].end = civil_date_add_months(anchor, s->surveillance2_end_months + 12 * (k - 1));
    }
    w.nsurveillances = n;

    before_recert = civil_date_add_days(w.recertification.start, -1);
    if (w.nrequired_years >= 2) {
        for (int k = 0; k < w.nrequired_years; k++) {
            /* Surveillance 1 keeps the 12-month limit; each later one follows the previous and precedes the
             * recertification window. When the natural window misses its year inside those bounds, it takes
             * the whole year inside them. */
            programme_window_t bounds;

            bounds.start = k == 0 ? anchor : civil_date_add_days(w.surveillance[k - 1].end, 1);
            bounds.end = k == 0 ? w.surveillance[0].end : before_recert;
            if (clip_to(&w.surveillance[k], bounds) != 0 ||
                clip_to_year(&w.surveillance[k], w.required_years[k]) != 0) {
                w.surveillance[k] = bounds;
                if (clip_to_year(&w.surveillance[k], w.required_years[k]) != 0)
                    return -1;
            }
        }
    } else if (w.nrequired_years == 1) {
        if (clip_to_year(&w.surveillance[1], w.required_years[0]) != 0 &&
            clip_to_year(&w.surveillance[0], w.required_years[0]) != 0)
            return -1;
    }
    for (int k = 0; k < n; k++) {
        w.surveillance[k].end = civil_date_min(w.surveillance[k].end, before_recert);
        if (civil_date_compare(w.surveillance[k].start, w.surveillance[k].end) > 0)
            return -1;
    }
    *out = w;
    return 0;
}

int programme_windows_initial(civil_date_t decision, const programme_settings_t *s, programme_windows_t *out)
{
    if (!civil_date_is_valid(decision))
        return -1;
    return programme_windows_compute(decision, programme_cycle_expiry(decision), s, out);
}

int programme_windows_provisional(civil_date_t stage2_end, const programme_settings_t *s,
                                  programme_windows_t *out)
{
    civil_date_t anchor;

    if (!civil_date_is_valid(stage2_end) || programme_settings_validate(s) != 0)
        return -1;
    anchor = civil_date_add_days(stage2_end, s->provisional_decision_lag_days);
    if (programme_windows_compute(anchor, programme_cycle_expiry(anchor), s, out) != 0)
        return -1;
    out->provisional = true;
    return 0;
}

int programme_windows_next_cycle(const programme_recert_t *r, const programme_settings_t *s,
                                 programme_windows_t *out)
{
    if (r == NULL || r->outcome == PROGRAMME_RECERT_NOT_RESTORABLE)
        return -1;
    return programme_windows_compute(r->effective, r->expiry, s, out);
}

/* ---- audit types and the 2013 transition ---- */

/* ASCII case-insensitive: does s start with prefix? */
static bool has_prefix_nocase(const char *s, const char *prefix, size_t *len)
{
    size_t i;

    for (i = 0; prefix[i] != '\0'; i++) {
        char a = s[i], b = prefix[i];

        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    *len = i;
    return true;
}

programme_audit_type_t programme_audit_type_from_name(const char *name)
{
    static const char *const names[] = {"pre_assessment", "stage1", "stage2", "surveillance",
                                        "recertification"};
    for (int i = 0; i < 5; i++)
        if (name != NULL && strcmp(name, names[i]) == 0)
            return (programme_audit_type_t)i;
    return PROGRAMME_AUDIT_SPECIAL;
}

bool programme_is_iso27001_2013(const char *standard)
{
    size_t n;

    if (standard == NULL || (!has_prefix_nocase(standard, PROGRAMME_ISO27001_2013, &n) &&
                             !has_prefix_nocase(standard, PROGRAMME_ISO27001_2013_CODE, &n)))
        return false;
    return standard[n] == '\0' || standard[n] == '/' || standard[n] == ' ';
}

bool programme_is_iso27001_2013_refused(const char *standard, programme_audit_type_t type,
                                        civil_date_t audit_date)
{
    const civil_date_t last = {PROGRAMME_ISO27001_2013_LAST_YEAR, PROGRAMME_ISO27001_2013_LAST_MONTH,
                               PROGRAMME_ISO27001_2013_LAST_DAY};

    if (!programme_is_iso27001_2013(standard))
        return false;
    if (type != PROGRAMME_AUDIT_STAGE1 && type != PROGRAMME_AUDIT_STAGE2 &&
        type != PROGRAMME_AUDIT_RECERTIFICATION)
        return false;
    return civil_date_compare(audit_date, last) > 0;
}

civil_date_t programme_certificate_expiry_cap(const char *standard, civil_date_t expiry)
{
    const civil_date_t last = {PROGRAMME_ISO27001_2013_CERT_LAST_YEAR,
                               PROGRAMME_ISO27001_2013_CERT_LAST_MONTH,
                               PROGRAMME_ISO27001_2013_CERT_LAST_DAY};

    return programme_is_iso27001_2013(standard) ? civil_date_min(expiry, last) : expiry;
}
