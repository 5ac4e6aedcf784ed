/*
 * Programme date rules: civil-date arithmetic, certificate validity and
 * recertification, planned audit windows, live warnings, finding deadlines and the
 * certification-cycle predicates. Pure: no I/O, no clock, no time zones. The rules
 * and the conventions chosen where DOMAIN.md is silent are in programme_rules.h.
 */
#include "programme_rules.h"

#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"

/* ---- civil dates ---- */

bool civil_date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int civil_date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && civil_date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

bool civil_date_is_valid(civil_date_t d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= civil_date_days_in_month(d.year, d.month);
}

civil_date_t civil_date_make(int year, int month, int day)
{
    civil_date_t d = {year, month, day};
    return d;
}

/* Floor division and modulo for a positive divisor. */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t civil_date_to_days(civil_date_t d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                                         /* [0, 399] */
    int64_t doy = (153 * (d.month > 2 ? d.month - 3 : d.month + 9) + 2) / 5 + d.day - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                                 /* [0, 146096] */

    return era * 146097 + doe - 719468;
}

civil_date_t civil_date_from_days(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    civil_date_t d;

    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

static int parse_digits(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int civil_date_parse_n(const char *s, size_t len, civil_date_t *out)
{
    civil_date_t d;

    if (s == NULL || out == NULL || len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    d.year = parse_digits(s, 4);
    d.month = parse_digits(s + 5, 2);
    d.day = parse_digits(s + 8, 2);
    if (d.year < 0 || d.month < 0 || d.day < 0 || !civil_date_is_valid(d))
        return -1;
    *out = d;
    return 0;
}

int civil_date_parse(const char *s, civil_date_t *out)
{
    if (s == NULL)
        return -1;
    return civil_date_parse_n(s, strlen(s), out);
}

static void put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

int civil_date_format(civil_date_t d, char buf[CIVIL_DATE_BUFSIZE])
{
    if (!civil_date_is_valid(d)) {
        buf[0] = '\0';
        return -1;
    }
    put_digits(buf, d.year, 4);
    buf[4] = '-';
    put_digits(buf + 5, d.month, 2);
    buf[7] = '-';
    put_digits(buf + 8, d.day, 2);
    buf[10] = '\0';
    return 0;
}

civil_date_t civil_date_add_days(civil_date_t d, int64_t n)
{
    return civil_date_from_days(civil_date_to_days(d) + n);
}

civil_date_t civil_date_add_months(civil_date_t d, int n)
{
    int64_t total = (int64_t)d.year * 12 + (d.month - 1) + n;
    civil_date_t r;
    int last;

    r.year = (int)floor_div(total, 12);
    r.month = (int)(total - (int64_t)r.year * 12) + 1;
    last = civil_date_days_in_month(r.year, r.month);
    r.day = d.day > last ? last : d.day;
    return r;
}

civil_date_t civil_date_add_years(civil_date_t d, int n)
{
    return civil_date_add_months(d, 12 * n);
}

int civil_date_compare(civil_date_t a, civil_date_t b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

int64_t civil_date_days_between(civil_date_t a, civil_date_t b)
{
    return civil_date_to_days(b) - civil_date_to_days(a);
}

civil_date_t civil_date_min(civil_date_t a, civil_date_t b)
{
    return civil_date_compare(a, b) <= 0 ? a : b;
}

civil_date_t civil_date_max(civil_date_t a, civil_date_t b)
{
    return civil_date_compare(a, b) >= 0 ? a : b;
}

/* ---- settings ---- */

void programme_settings_default(programme_settings_t *s)
{
    s->surveillance1_start_months = 9;
    s->surveillance2_start_months = 21;
    s->surveillance2_end_months = 24;
    s->recertification_window_months = 6;
    s->recertification_lead_days = 30;
    s->provisional_decision_lag_days = 30;
    s->window_closing_days = 30;
    s->stage1_validity_months = 6;
    s->finding_plan_days = 30;
    s->finding_closure_days = 90;
}

static bool in_range(int v, int lo, int hi)
{
    return v >= lo && v <= hi;
}

int programme_settings_validate(const programme_settings_t *s)
{
    if (s == NULL)
        return -1;
    if (!in_range(s->surveillance1_start_months, 0, PROGRAMME_SURVEILLANCE1_MAX_MONTHS - 1) ||
        !in_range(s->surveillance2_start_months, s->surveillance1_start_months + 1, 36) ||
        !in_range(s->surveillance2_end_months, s->surveillance2_start_months, 36) ||
        !in_range(s->recertification_window_months, 1, 36) ||
        !in_range(s->recertification_lead_days, 0, 3650) ||
        !in_range(s->provisional_decision_lag_days, 0, 3650) || !in_range(s->window_closing_days, 0, 3650) ||
        !in_range(s->stage1_validity_months, 0, 36) || !in_range(s->finding_plan_days, 0, 3650) ||
        !in_range(s->finding_closure_days, 0, 3650))
        return -1;
    /* The shortest month span is 28 days per month: the window must keep at least a day. */
    if (s->recertification_lead_days >= 28 * s->recertification_window_months)
        return -1;
    return 0;
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

/* The latest end of the recertification window for expiry. */
static civil_date_t recertification_end(civil_date_t expiry, const programme_settings_t *s)
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
    w.recertification.end = recertification_end(expiry, s);

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
        recert_year = recertification_end(p->expiry, s).year;
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

int programme_finding_deadlines(civil_date_t audit_last_day, bool at_recertification,
                                civil_date_t cert_expiry, const programme_settings_t *s,
                                programme_finding_deadlines_t *out)
{
    civil_date_t bound;

    if (out == NULL || programme_settings_validate(s) != 0 || !civil_date_is_valid(audit_last_day) ||
        (at_recertification && !civil_date_is_valid(cert_expiry)))
        return -1;
    memset(out, 0, sizeof(*out));
    out->plan_due = civil_date_add_days(audit_last_day, s->finding_plan_days);
    out->closure_due = civil_date_add_days(audit_last_day, s->finding_closure_days);
    if (!at_recertification)
        return 0;
    bound = civil_date_compare(audit_last_day, cert_expiry) <= 0 ? cert_expiry
                                                                 : programme_restore_limit(cert_expiry);
    if (civil_date_compare(out->plan_due, bound) > 0) {
        out->plan_due = bound;
        out->plan_clamped = true;
    }
    if (civil_date_compare(out->closure_due, bound) > 0) {
        out->closure_due = bound;
        out->closure_clamped = true;
    }
    return 0;
}

civil_date_t programme_major_nc_cutoff(civil_date_t stage2_last_day)
{
    return civil_date_add_months(stage2_last_day, PROGRAMME_MAJOR_NC_CUTOFF_MONTHS);
}

bool programme_is_major_nc_blocking(civil_date_t stage2_last_day, bool verified_closed,
                                    civil_date_t verified_on, civil_date_t as_of, civil_date_t *cutoff)
{
    civil_date_t c = programme_major_nc_cutoff(stage2_last_day);

    if (cutoff != NULL)
        *cutoff = c;
    if (verified_closed)
        return civil_date_compare(verified_on, c) > 0;
    return civil_date_compare(as_of, c) > 0;
}

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

bool programme_is_iso27001_2013_refused(const char *standard, programme_audit_type_t type,
                                        civil_date_t audit_date)
{
    const civil_date_t last = {PROGRAMME_ISO27001_2013_LAST_YEAR, PROGRAMME_ISO27001_2013_LAST_MONTH,
                               PROGRAMME_ISO27001_2013_LAST_DAY};
    size_t n;

    if (standard == NULL || !has_prefix_nocase(standard, PROGRAMME_ISO27001_2013, &n))
        return false;
    if (standard[n] != '\0' && standard[n] != '/' && standard[n] != ' ')
        return false;
    if (type != PROGRAMME_AUDIT_STAGE1 && type != PROGRAMME_AUDIT_STAGE2 &&
        type != PROGRAMME_AUDIT_RECERTIFICATION)
        return false;
    return civil_date_compare(audit_date, last) > 0;
}
