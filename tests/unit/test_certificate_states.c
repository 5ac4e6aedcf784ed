/*
 * Unit tests of the certificate state machine (shared/rules/certificate_states.c): every
 * (status, action) combination, legal and illegal, against a table of the legal moves written out by
 * hand from DOMAIN.md "Certificates"; the names both ways; the final statuses; the reasons given.
 */
#include "cc_test_main.h"
#include <check.h>
#include <string.h>

#include "certificate_states.h"

typedef struct {
    certificate_status_t from;
    certificate_action_t action;
    certificate_status_t to;
} move_t;

/* Every legal move; anything else is refused. */
static const move_t legal[] = {
    {CERTIFICATE_STATUS_DRAFT, CERTIFICATE_ACTION_ISSUE, CERTIFICATE_STATUS_ACTIVE},
    {CERTIFICATE_STATUS_ACTIVE, CERTIFICATE_ACTION_SUSPEND, CERTIFICATE_STATUS_SUSPENDED},
    {CERTIFICATE_STATUS_SUSPENDED, CERTIFICATE_ACTION_RESTORE, CERTIFICATE_STATUS_ACTIVE},
    {CERTIFICATE_STATUS_ACTIVE, CERTIFICATE_ACTION_WITHDRAW, CERTIFICATE_STATUS_WITHDRAWN},
    {CERTIFICATE_STATUS_SUSPENDED, CERTIFICATE_ACTION_WITHDRAW, CERTIFICATE_STATUS_WITHDRAWN},
    {CERTIFICATE_STATUS_ACTIVE, CERTIFICATE_ACTION_EXPIRE, CERTIFICATE_STATUS_EXPIRED},
    {CERTIFICATE_STATUS_SUSPENDED, CERTIFICATE_ACTION_EXPIRE, CERTIFICATE_STATUS_EXPIRED},
    {CERTIFICATE_STATUS_ACTIVE, CERTIFICATE_ACTION_REDUCE_SCOPE, CERTIFICATE_STATUS_SUPERSEDED},
    {CERTIFICATE_STATUS_SUSPENDED, CERTIFICATE_ACTION_REDUCE_SCOPE, CERTIFICATE_STATUS_SUPERSEDED},
    {CERTIFICATE_STATUS_ACTIVE, CERTIFICATE_ACTION_REVISE, CERTIFICATE_STATUS_SUPERSEDED},
    {CERTIFICATE_STATUS_SUSPENDED, CERTIFICATE_ACTION_REVISE, CERTIFICATE_STATUS_SUPERSEDED},
    {CERTIFICATE_STATUS_EXPIRED, CERTIFICATE_ACTION_REVISE, CERTIFICATE_STATUS_SUPERSEDED},
};

static const move_t *find_legal(certificate_status_t from, certificate_action_t action)
{
    for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
        if (legal[i].from == from && legal[i].action == action)
            return &legal[i];
    return NULL;
}

START_TEST(test_every_combination)
{
    for (int s = 0; s < CERTIFICATE_NSTATUSES; s++) {
        for (int a = 0; a < CERTIFICATE_NACTIONS; a++) {
            const move_t *m = find_legal((certificate_status_t)s, (certificate_action_t)a);
            certificate_status_t next = (certificate_status_t)99;
            const char *reason = NULL;
            int rc = certificate_transition((certificate_status_t)s, (certificate_action_t)a, &next, &reason);
            if (m != NULL) {
                ck_assert_msg(rc == 0, "%s from %s refused", certificate_action_name(a),
                              certificate_status_name(s));
                ck_assert_int_eq(next, m->to);
                ck_assert_ptr_null(reason);
            } else {
                ck_assert_msg(rc == -1, "%s from %s allowed", certificate_action_name(a),
                              certificate_status_name(s));
                ck_assert_int_eq(next, 99);
                ck_assert_ptr_nonnull(reason);
            }
        }
    }
}
END_TEST

START_TEST(test_final_and_reasons)
{
    const char *reason = NULL;
    certificate_status_t next;
    for (int a = 0; a < CERTIFICATE_NACTIONS; a++) {
        ck_assert_int_eq(certificate_transition(CERTIFICATE_STATUS_WITHDRAWN, a, &next, &reason), -1);
        ck_assert_str_eq(reason, "a withdrawn certificate is never changed again");
        ck_assert_int_eq(certificate_transition(CERTIFICATE_STATUS_SUPERSEDED, a, &next, &reason), -1);
        ck_assert_str_eq(reason, "a superseded revision is never changed again");
    }
    ck_assert(certificate_status_is_final(CERTIFICATE_STATUS_WITHDRAWN));
    ck_assert(certificate_status_is_final(CERTIFICATE_STATUS_SUPERSEDED));
    ck_assert(!certificate_status_is_final(CERTIFICATE_STATUS_EXPIRED));
    ck_assert(!certificate_status_is_final(CERTIFICATE_STATUS_SUSPENDED));
    ck_assert_int_eq(
        certificate_transition(CERTIFICATE_STATUS_EXPIRED, CERTIFICATE_ACTION_RESTORE, &next, &reason), -1);
    ck_assert_str_eq(reason, "only a suspended certificate is restored");
    ck_assert_int_eq(
        certificate_transition(CERTIFICATE_STATUS_SUSPENDED, CERTIFICATE_ACTION_SUSPEND, &next, &reason), -1);
    ck_assert_str_eq(reason, "only an active certificate is suspended");
    /* NULL out-pointers and values outside the enums */
    ck_assert_int_eq(
        certificate_transition(CERTIFICATE_STATUS_ACTIVE, CERTIFICATE_ACTION_SUSPEND, NULL, NULL), 0);
    ck_assert_int_eq(certificate_transition(CERTIFICATE_STATUS_DRAFT, CERTIFICATE_ACTION_SUSPEND, NULL, NULL),
                     -1);
    ck_assert_int_eq(certificate_transition((certificate_status_t)CERTIFICATE_NSTATUSES,
                                            CERTIFICATE_ACTION_ISSUE, &next, &reason),
                     -1);
    ck_assert_int_eq(
        certificate_transition(CERTIFICATE_STATUS_ACTIVE, (certificate_action_t)-1, &next, &reason), -1);
    ck_assert_str_eq(reason, "unknown status or action");
}
END_TEST

START_TEST(test_names)
{
    for (int s = 0; s < CERTIFICATE_NSTATUSES; s++) {
        certificate_status_t back;
        ck_assert_int_eq(certificate_status_from_name(certificate_status_name(s), &back), 0);
        ck_assert_int_eq(back, s);
    }
    for (int a = 0; a < CERTIFICATE_NACTIONS; a++) {
        certificate_action_t back;
        ck_assert_int_eq(certificate_action_from_name(certificate_action_name(a), &back), 0);
        ck_assert_int_eq(back, a);
    }
    ck_assert_str_eq(certificate_status_name(CERTIFICATE_STATUS_SUPERSEDED), "superseded");
    ck_assert_str_eq(certificate_action_name(CERTIFICATE_ACTION_REDUCE_SCOPE), "reduce_scope");
    certificate_status_t s = CERTIFICATE_STATUS_EXPIRED;
    certificate_action_t a = CERTIFICATE_ACTION_EXPIRE;
    ck_assert_int_eq(certificate_status_from_name("Active", &s), -1);
    ck_assert_int_eq(certificate_status_from_name(NULL, &s), -1);
    ck_assert_int_eq(certificate_status_from_name("active", NULL), -1);
    ck_assert_int_eq(s, CERTIFICATE_STATUS_EXPIRED);
    ck_assert_int_eq(certificate_action_from_name("reduce-scope", &a), -1);
    ck_assert_int_eq(certificate_action_from_name(NULL, &a), -1);
    ck_assert_int_eq(a, CERTIFICATE_ACTION_EXPIRE);
    ck_assert_ptr_null(certificate_status_name((certificate_status_t)CERTIFICATE_NSTATUSES));
    ck_assert_ptr_null(certificate_status_name((certificate_status_t)-1));
    ck_assert_ptr_null(certificate_action_name((certificate_action_t)CERTIFICATE_NACTIONS));
    ck_assert_ptr_null(certificate_action_name((certificate_action_t)-1));
}
END_TEST

static Suite *certificate_states_suite(void)
{
    Suite *s = suite_create("certificate_states");
    TCase *tc = tcase_create("states");
    tcase_add_test(tc, test_every_combination);
    tcase_add_test(tc, test_final_and_reasons);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cc_test_run(certificate_states_suite());
}
