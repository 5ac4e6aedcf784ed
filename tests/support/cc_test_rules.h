/*
 * Assertions shared by the unit tests of the domain rules (libccrules and
 * scheduling's programme rules): dates as YYYY-MM-DD in failure messages, and quiet
 * asserts for the sweeps (Check's own ck_assert_* report every passing check to the
 * runner, which costs a system call each; these only speak on failure).
 */
#ifndef CC_TEST_RULES_H
#define CC_TEST_RULES_H

#include <check.h>
#include <stdio.h>

#include "civil_date.h"
#include "cycle_rules.h"

#define D(y, m, d) civil_date_make((y), (m), (d))
#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* d as YYYY-MM-DD (or "invalid") in buf, which is returned. */
static inline const char *cc_test_rules_fmt(civil_date_t d, char *buf)
{
    if (civil_date_format(d, buf) != 0)
        snprintf(buf, CIVIL_DATE_BUFSIZE, "invalid");
    return buf;
}

#define ck_assert_date_eq(actual, expected)                                                                  \
    do {                                                                                                     \
        civil_date_t a_ = (actual), e_ = (expected);                                                         \
        char ba_[CIVIL_DATE_BUFSIZE], be_[CIVIL_DATE_BUFSIZE];                                               \
        if (civil_date_compare(a_, e_) != 0)                                                                 \
            ck_abort_msg("%s:%d: %s: got %s, expected %s", __FILE__, __LINE__, #actual,                      \
                         cc_test_rules_fmt(a_, ba_), cc_test_rules_fmt(e_, be_));                            \
    } while (0)

#define quick_assert(cond)                                                                                   \
    do {                                                                                                     \
        if (!(cond))                                                                                         \
            ck_abort_msg("%s:%d: assertion '%s' failed", __FILE__, __LINE__, #cond);                         \
    } while (0)

#define quick_assert_int_eq(a, b)                                                                            \
    do {                                                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                                                  \
        if (a_ != b_)                                                                                        \
            ck_abort_msg("%s:%d: %s == %s failed: %lld != %lld", __FILE__, __LINE__, #a, #b, a_, b_);        \
    } while (0)

/* The default programme settings. */
static inline programme_settings_t defaults(void)
{
    programme_settings_t s;

    programme_settings_default(&s);
    return s;
}

#endif
