/*
 * Programme rules: the live warnings of a programme and the Stage 2 predicate. Pure:
 * no I/O, no clock. The rules are in programme_rules.h; the cycle arithmetic they use
 * is libccrules' (shared/rules/cycle_rules.c).
 */
#include "programme_rules.h"

#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"

/* ---- warnings ---- */

void programme_warnings_init(programme_warnings_t *w)
{
    w->items = NULL;
    w->count = 0;
    w->capacity = 0;
}

void programme_warnings_free(programme_warnings_t *w)
{
    free(w->items);
    programme_warnings_init(w);
}

const char *programme_warning_code_name(programme_warning_code_t code)
{
    switch (code) {
    case PROGRAMME_WARN_WINDOW_CLOSING:
        return "window_closing";
    case PROGRAMME_WARN_WINDOW_MISSED:
        return "window_missed";
    case PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE:
        return "year_without_surveillance";
    case PROGRAMME_WARN_STAGE1_STALE:
        return "stage1_stale";
    case PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS:
        return "multiple_pre_assessments";
    }
    return NULL;
}

static void warn(programme_warnings_t *out, programme_warning_code_t code, int audit, int year,
                 civil_date_t date)
{
    programme_warning_t *w;

    if (out->count == out->capacity) {
        out->capacity = out->capacity == 0 ? 8 : out->capacity * 2;
        out->items = cc_realloc(out->items, out->capacity * sizeof(*out->items));
    }
    w = &out->items[out->count++];
    w->code = code;
    w->audit = audit;
    w->year = year;
    w->date = date;
}

static bool is_open(const programme_audit_t *a)
{
    return a->status != PROGRAMME_STATUS_COMPLETED && a->status != PROGRAMME_STATUS_CANCELLED;
}

static bool in_window(const programme_audit_t *a, civil_date_t d)
{
    return civil_date_compare(d, a->window.start) >= 0 && civil_date_compare(d, a->window.end) <= 0;
}

/* True when an audit's dates and window, as far as present, are valid and ordered. */
static bool audit_is_valid(const programme_audit_t *a)
{
    if (a->has_window && (!civil_date_is_valid(a->window.start) || !civil_date_is_valid(a->window.end) ||
                          civil_date_compare(a->window.start, a->window.end) > 0))
        return false;
    if (a->has_dates && (!civil_date_is_valid(a->start_date) || !civil_date_is_valid(a->end_date) ||
                         civil_date_compare(a->start_date, a->end_date) > 0))
        return false;
    if (a->has_conclusions && !civil_date_is_valid(a->conclusions_date))
        return false;
    return true;
}

/* True when a surveillance audit is certainly in calendar year y. */
static bool surveillance_in_year(const programme_audit_t *a, int y)
{
    if (a->type != PROGRAMME_AUDIT_SURVEILLANCE || a->status == PROGRAMME_STATUS_CANCELLED)
        return false;
    if (a->has_dates)
        return a->start_date.year == y || a->end_date.year == y;
    if (a->has_window)
        return a->window.start.year == y && a->window.end.year == y;
    return false;
}

static void warn_windows(const programme_t *p, civil_date_t today, const programme_settings_t *s,
                         programme_warnings_t *out)
{
    for (size_t i = 0; i < p->naudits; i++) {
        const programme_audit_t *a = &p->audits[i];
        int64_t left;

        if (!a->has_window || !is_open(a))
            continue;
        left = civil_date_days_between(today, a->window.end);
        if (left < 0) {
            if (a->status == PROGRAMME_STATUS_IN_PROGRESS && a->has_dates && in_window(a, a->start_date))
                continue;
            warn(out, PROGRAMME_WARN_WINDOW_MISSED, (int)i, 0, a->window.end);
        } else if (left <= s->window_closing_days && a->status != PROGRAMME_STATUS_IN_PROGRESS &&
                   !(a->has_dates && in_window(a, a->start_date) && in_window(a, a->end_date))) {
            warn(out, PROGRAMME_WARN_WINDOW_CLOSING, (int)i, 0, a->window.end);
        }
    }
}

static void warn_years(const programme_t *p, const programme_settings_t *s, programme_warnings_t *out)
{
    int recert_year = 0;

    for (size_t i = 0; i < p->naudits; i++) {
        const programme_audit_t *a = &p->audits[i];
        int y;

        if (a->type != PROGRAMME_AUDIT_RECERTIFICATION || a->status == PROGRAMME_STATUS_CANCELLED)
            continue;
        if (a->has_dates)
            y = a->start_date.year;
        else if (a->has_window)
            y = a->window.end.year;
        else
            continue;
        if (y > recert_year)
            recert_year = y;
    }
    if (recert_year == 0)
        recert_year = programme_recertification_end(p->expiry, s).year;
    for (int y = p->anchor.year + 1; y < recert_year; y++) {
        bool covered = false;

        for (size_t i = 0; i < p->naudits && !covered; i++)
            covered = surveillance_in_year(&p->audits[i], y);
        if (!covered)
            warn(out, PROGRAMME_WARN_YEAR_WITHOUT_SURVEILLANCE, -1, y, (civil_date_t){0, 0, 0});
    }
}

static void warn_stage1(const programme_t *p, civil_date_t today, const programme_settings_t *s,
                        programme_warnings_t *out)
{
    const programme_audit_t *stage2 = NULL;
    civil_date_t reference = today;

    if (p->stage1_validity_justified)
        return;
    for (size_t i = 0; i < p->naudits; i++) {
        const programme_audit_t *a = &p->audits[i];

        if (a->type != PROGRAMME_AUDIT_STAGE2 || a->status == PROGRAMME_STATUS_CANCELLED)
            continue;
        if (a->status == PROGRAMME_STATUS_COMPLETED)
            return;
        stage2 = a;
    }
    if (stage2 != NULL && stage2->has_dates)
        reference = stage2->start_date;
    for (size_t i = 0; i < p->naudits; i++) {
        const programme_audit_t *a = &p->audits[i];
        civil_date_t last, stale;

        if (a->type != PROGRAMME_AUDIT_STAGE1 || a->status == PROGRAMME_STATUS_CANCELLED ||
            !a->has_conclusions)
            continue;
        last = a->has_dates ? a->end_date : a->conclusions_date;
        stale = civil_date_add_months(last, s->stage1_validity_months);
        if (civil_date_compare(reference, stale) > 0)
            warn(out, PROGRAMME_WARN_STAGE1_STALE, (int)i, 0, stale);
    }
}

static void warn_pre_assessments(const programme_t *p, programme_warnings_t *out)
{
    int n = p->other_pre_assessments > 0 ? p->other_pre_assessments : 0;

    for (size_t i = 0; i < p->naudits; i++)
        if (p->audits[i].type == PROGRAMME_AUDIT_PRE_ASSESSMENT &&
            p->audits[i].status != PROGRAMME_STATUS_CANCELLED)
            n++;
    if (n > PROGRAMME_MAX_PRE_ASSESSMENTS)
        warn(out, PROGRAMME_WARN_MULTIPLE_PRE_ASSESSMENTS, -1, n, (civil_date_t){0, 0, 0});
}

int programme_warnings_compute(const programme_t *p, civil_date_t today, const programme_settings_t *s,
                               programme_warnings_t *out)
{
    if (p == NULL || out == NULL || (p->naudits > 0 && p->audits == NULL) ||
        programme_settings_validate(s) != 0 || !civil_date_is_valid(today))
        return -1;
    if (p->has_anchor && (!civil_date_is_valid(p->anchor) || !civil_date_is_valid(p->expiry) ||
                          civil_date_compare(p->anchor, p->expiry) > 0))
        return -1;
    for (size_t i = 0; i < p->naudits; i++)
        if (!audit_is_valid(&p->audits[i]))
            return -1;
    warn_windows(p, today, s, out);
    if (p->has_anchor)
        warn_years(p, s, out);
    warn_stage1(p, today, s, out);
    warn_pre_assessments(p, out);
    return 0;
}

/* ---- predicates ---- */

bool programme_is_stage2_allowed(const programme_audit_t *stage1, civil_date_t stage2_start)
{
    return stage1 != NULL && stage1->type == PROGRAMME_AUDIT_STAGE1 &&
           stage1->status != PROGRAMME_STATUS_CANCELLED && stage1->has_conclusions &&
           civil_date_is_valid(stage1->conclusions_date) && civil_date_is_valid(stage2_start) &&
           civil_date_compare(stage1->conclusions_date, stage2_start) <= 0;
}
