/*
 * Unit tests of the finding state machine (shared/rules/finding_states.c): every
 * (grade, status, action) combination, legal and illegal, against a table of the legal
 * moves written out by hand from DOMAIN.md "Findings"; the names both ways; the initial
 * status and the statuses of each grade; the reasons given for the refusals that matter.
 */
#include "cc_test_main.h"
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "finding_states.h"

#define NGRADES 5

typedef struct {
    finding_grade_t grade;
    finding_status_t from;
    finding_action_t action;
    finding_status_t to;
} move_t;

/* Every legal move; anything else is refused. */
static const move_t legal[] = {
    {FINDING_MAJOR, FINDING_STATUS_OPEN, FINDING_ACTION_RESPOND, FINDING_STATUS_RESPONSE_SUBMITTED},
    {FINDING_MAJOR, FINDING_STATUS_REJECTED, FINDING_ACTION_RESPOND, FINDING_STATUS_RESPONSE_SUBMITTED},
    {FINDING_MAJOR, FINDING_STATUS_RESPONSE_SUBMITTED, FINDING_ACTION_ACCEPT, FINDING_STATUS_ACCEPTED},
    {FINDING_MAJOR, FINDING_STATUS_RESPONSE_SUBMITTED, FINDING_ACTION_REJECT, FINDING_STATUS_REJECTED},
    {FINDING_MAJOR, FINDING_STATUS_ACCEPTED, FINDING_ACTION_VERIFY, FINDING_STATUS_VERIFIED},
    {FINDING_MAJOR, FINDING_STATUS_VERIFIED, FINDING_ACTION_CLOSE, FINDING_STATUS_CLOSED},
    {FINDING_MINOR, FINDING_STATUS_OPEN, FINDING_ACTION_RESPOND, FINDING_STATUS_RESPONSE_SUBMITTED},
    {FINDING_MINOR, FINDING_STATUS_REJECTED, FINDING_ACTION_RESPOND, FINDING_STATUS_RESPONSE_SUBMITTED},
    {FINDING_MINOR, FINDING_STATUS_RESPONSE_SUBMITTED, FINDING_ACTION_ACCEPT, FINDING_STATUS_ACCEPTED},
    {FINDING_MINOR, FINDING_STATUS_RESPONSE_SUBMITTED, FINDING_ACTION_REJECT, FINDING_STATUS_REJECTED},
    {FINDING_MINOR, FINDING_STATUS_ACCEPTED, FINDING_ACTION_VERIFY, FINDING_STATUS_VERIFIED},
    {FINDING_MINOR, FINDING_STATUS_VERIFIED, FINDING_ACTION_CLOSE, FINDING_STATUS_CLOSED},
    {FINDING_MINOR, FINDING_STATUS_ACCEPTED, FINDING_ACTION_CLOSE_DEFERRED, FINDING_STATUS_CLOSED},
    {FINDING_OBSERVATION, FINDING_STATUS_RECORDED, FINDING_ACTION_CLOSE, FINDING_STATUS_CLOSED},
    {FINDING_OFI, FINDING_STATUS_RECORDED, FINDING_ACTION_CLOSE, FINDING_STATUS_CLOSED},
    {FINDING_AREA_OF_CONCERN, FINDING_STATUS_RECORDED, FINDING_ACTION_CLOSE, FINDING_STATUS_CLOSED},
};

static const move_t *legal_move(finding_grade_t g, finding_status_t s, finding_action_t a)
{
    for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
        if (legal[i].grade == g && legal[i].from == s && legal[i].action == a)
            return &legal[i];
    return NULL;
}

START_TEST(test_every_combination)
{
    int allowed = 0, refused = 0;
    for (int g = 0; g < NGRADES; g++) {
        for (int s = 0; s < FINDING_NSTATUSES; s++) {
            for (int a = 0; a < FINDING_NACTIONS; a++) {
                const move_t *want = legal_move((finding_grade_t)g, (finding_status_t)s, (finding_action_t)a);
                finding_status_t next = (finding_status_t)99;
                const char *reason = NULL;
                int rc = finding_transition((finding_grade_t)g, (finding_status_t)s, (finding_action_t)a,
                                            &next, &reason);
                char what[120];
                snprintf(what, sizeof(what), "%s %s %s", finding_grade_name((finding_grade_t)g),
                         finding_status_name((finding_status_t)s), finding_action_name((finding_action_t)a));
                if (want != NULL) {
                    ck_assert_msg(rc == 0, "%s should be allowed", what);
                    ck_assert_msg(next == want->to, "%s goes to %s", what, finding_status_name(next));
                    ck_assert_msg(reason == NULL, "%s gave a reason", what);
                    allowed++;
                } else {
                    ck_assert_msg(rc == -1, "%s should be refused", what);
                    ck_assert_msg((int)next == 99, "%s wrote a next status", what);
                    ck_assert_msg(reason != NULL && reason[0] != '\0', "%s gave no reason", what);
                    refused++;
                }
                /* reason and next may be NULL */
                ck_assert_int_eq(finding_transition((finding_grade_t)g, (finding_status_t)s,
                                                    (finding_action_t)a, NULL, NULL),
                                 rc);
            }
        }
    }
    ck_assert_int_eq(allowed, 16);
    ck_assert_int_eq(allowed + refused, NGRADES * FINDING_NSTATUSES * FINDING_NACTIONS);
}
END_TEST

static const char *reason_of(finding_grade_t g, finding_status_t s, finding_action_t a)
{
    const char *reason = NULL;
    ck_assert_int_eq(finding_transition(g, s, a, NULL, &reason), -1);
    return reason;
}

START_TEST(test_reasons)
{
    ck_assert_str_eq(reason_of(FINDING_MAJOR, FINDING_STATUS_ACCEPTED, FINDING_ACTION_CLOSE),
                     "a major closes only after verified");
    ck_assert_str_eq(reason_of(FINDING_MAJOR, FINDING_STATUS_ACCEPTED, FINDING_ACTION_CLOSE_DEFERRED),
                     "only a minor closes with its verification deferred");
    ck_assert_str_eq(reason_of(FINDING_MINOR, FINDING_STATUS_ACCEPTED, FINDING_ACTION_CLOSE),
                     "a minor closes from accepted only with its verification deferred");
    ck_assert_str_eq(reason_of(FINDING_MINOR, FINDING_STATUS_VERIFIED, FINDING_ACTION_CLOSE_DEFERRED),
                     "a minor defers its verification only once its response is accepted");
    ck_assert_str_eq(reason_of(FINDING_OBSERVATION, FINDING_STATUS_RECORDED, FINDING_ACTION_RESPOND),
                     "observations, OFIs and areas of concern take no response");
    ck_assert_str_eq(reason_of(FINDING_OFI, FINDING_STATUS_RECORDED, FINDING_ACTION_VERIFY),
                     "observations, OFIs and areas of concern are only recorded and closed");
    ck_assert_str_eq(reason_of(FINDING_MINOR, FINDING_STATUS_CLOSED, FINDING_ACTION_RESPOND),
                     "the finding is closed");
    ck_assert_str_eq(reason_of(FINDING_AREA_OF_CONCERN, FINDING_STATUS_CLOSED, FINDING_ACTION_CLOSE),
                     "the finding is closed");
    ck_assert_str_eq(reason_of(FINDING_MAJOR, FINDING_STATUS_RESPONSE_SUBMITTED, FINDING_ACTION_RESPOND),
                     "a response is taken only while the finding is open or its last response was rejected");
    ck_assert_str_eq(reason_of(FINDING_MAJOR, FINDING_STATUS_REJECTED, FINDING_ACTION_ACCEPT),
                     "only a submitted response is reviewed");
    ck_assert_str_eq(reason_of(FINDING_MINOR, FINDING_STATUS_OPEN, FINDING_ACTION_VERIFY),
                     "only an accepted corrective action is verified");
    ck_assert_str_eq(reason_of(FINDING_MAJOR, FINDING_STATUS_RECORDED, FINDING_ACTION_CLOSE),
                     "not a status a finding of this grade can be in");
    ck_assert_str_eq(reason_of(FINDING_OBSERVATION, FINDING_STATUS_OPEN, FINDING_ACTION_CLOSE),
                     "not a status a finding of this grade can be in");
    /* values outside the enums */
    ck_assert_str_eq(reason_of((finding_grade_t)9, FINDING_STATUS_OPEN, FINDING_ACTION_RESPOND),
                     "unknown grade, status or action");
    ck_assert_str_eq(reason_of(FINDING_MAJOR, (finding_status_t)-1, FINDING_ACTION_RESPOND),
                     "unknown grade, status or action");
    ck_assert_str_eq(reason_of(FINDING_MAJOR, FINDING_STATUS_OPEN, (finding_action_t)FINDING_NACTIONS),
                     "unknown grade, status or action");
}
END_TEST

START_TEST(test_statuses_of_grades)
{
    for (int g = 0; g < NGRADES; g++) {
        bool nc = g == FINDING_MAJOR || g == FINDING_MINOR;
        ck_assert_int_eq(finding_initial_status((finding_grade_t)g),
                         nc ? FINDING_STATUS_OPEN : FINDING_STATUS_RECORDED);
        for (int s = 0; s < FINDING_NSTATUSES; s++) {
            bool want = s == FINDING_STATUS_CLOSED ||
                        (nc ? s != FINDING_STATUS_RECORDED : s == FINDING_STATUS_RECORDED);
            ck_assert_msg(finding_is_status_of_grade((finding_grade_t)g, (finding_status_t)s) == want,
                          "%d %d", g, s);
        }
    }
    ck_assert(!finding_is_status_of_grade((finding_grade_t)5, FINDING_STATUS_CLOSED));
    ck_assert(!finding_is_status_of_grade(FINDING_MAJOR, (finding_status_t)7));
}
END_TEST

START_TEST(test_names)
{
    static const char *const statuses[] = {
        "open", "response_submitted", "accepted", "rejected", "verified", "closed", "recorded"};
    static const char *const actions[] = {"respond", "accept", "reject", "verify", "close", "close_deferred"};
    for (int i = 0; i < FINDING_NSTATUSES; i++) {
        finding_status_t s = FINDING_STATUS_CLOSED;
        ck_assert_int_eq(finding_status_from_name(statuses[i], &s), 0);
        ck_assert_int_eq(s, i);
        ck_assert_str_eq(finding_status_name(s), statuses[i]);
    }
    for (int i = 0; i < FINDING_NACTIONS; i++) {
        finding_action_t a = FINDING_ACTION_CLOSE;
        ck_assert_int_eq(finding_action_from_name(actions[i], &a), 0);
        ck_assert_int_eq(a, i);
        ck_assert_str_eq(finding_action_name(a), actions[i]);
    }
    finding_status_t s = FINDING_STATUS_VERIFIED;
    finding_action_t a = FINDING_ACTION_VERIFY;
    ck_assert_int_eq(finding_status_from_name("Open", &s), -1);
    ck_assert_int_eq(finding_status_from_name("", &s), -1);
    ck_assert_int_eq(finding_status_from_name(NULL, &s), -1);
    ck_assert_int_eq(finding_status_from_name("open", NULL), -1);
    ck_assert_int_eq(s, FINDING_STATUS_VERIFIED);
    ck_assert_int_eq(finding_action_from_name("closed", &a), -1);
    ck_assert_int_eq(finding_action_from_name(NULL, &a), -1);
    ck_assert_int_eq(finding_action_from_name("close", NULL), -1);
    ck_assert_int_eq(a, FINDING_ACTION_VERIFY);
    ck_assert_ptr_null(finding_status_name((finding_status_t)FINDING_NSTATUSES));
    ck_assert_ptr_null(finding_status_name((finding_status_t)-1));
    ck_assert_ptr_null(finding_action_name((finding_action_t)FINDING_NACTIONS));
    ck_assert_ptr_null(finding_action_name((finding_action_t)-1));
}
END_TEST

static Suite *finding_states_suite(void)
{
    Suite *s = suite_create("finding_states");
    TCase *tc = tcase_create("states");
    tcase_add_test(tc, test_every_combination);
    tcase_add_test(tc, test_reasons);
    tcase_add_test(tc, test_statuses_of_grades);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(finding_states_suite());
}
