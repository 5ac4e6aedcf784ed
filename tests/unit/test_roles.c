/*
 * Unit tests of shared/cc_roles.c: parsing role names, naming roles, and the
 * role sets routes use.
 */
#include <check.h>
#include <stdlib.h>

#include "cc_roles.h"
#include "cc_mem.h"

START_TEST(test_parse_known)
{
    ck_assert_int_eq(cc_role_parse("admin"), CC_ROLE_ADMIN);
    ck_assert_int_eq(cc_role_parse("scheme_manager"), CC_ROLE_SCHEME_MANAGER);
    ck_assert_int_eq(cc_role_parse("auditor"), CC_ROLE_AUDITOR);
    ck_assert_int_eq(cc_role_parse("decision_maker"), CC_ROLE_DECISION_MAKER);
    ck_assert_int_eq(cc_role_parse("client"), CC_ROLE_CLIENT);
}
END_TEST

START_TEST(test_parse_rejects)
{
    ck_assert_int_eq(cc_role_parse(NULL), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse(""), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse("Admin"), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse("ADMIN"), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse("admin "), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse(" admin"), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse("adm"), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse("administrator"), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse("scheme-manager"), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse("none"), CC_ROLE_NONE);
    ck_assert_int_eq(cc_role_parse("superuser"), CC_ROLE_NONE);
}
END_TEST

START_TEST(test_name_round_trip)
{
    const cc_role_t all[] = {CC_ROLE_ADMIN, CC_ROLE_SCHEME_MANAGER, CC_ROLE_AUDITOR, CC_ROLE_DECISION_MAKER,
                             CC_ROLE_CLIENT};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        const char *name = cc_role_name(all[i]);
        ck_assert_ptr_nonnull(name);
        ck_assert_int_eq(cc_role_parse(name), all[i]);
    }
    ck_assert_str_eq(cc_role_name(CC_ROLE_SCHEME_MANAGER), "scheme_manager");
}
END_TEST

START_TEST(test_name_rejects_none_and_sets)
{
    ck_assert_ptr_null(cc_role_name(CC_ROLE_NONE));
    ck_assert_ptr_null(cc_role_name(CC_ROLE_ADMIN | CC_ROLE_AUDITOR));
    ck_assert_ptr_null(cc_role_name(CC_ROLES_ANY));
    ck_assert_ptr_null(cc_role_name(CC_ROLES_STAFF));
    ck_assert_ptr_null(cc_role_name((cc_role_t)(1 << 5)));
}
END_TEST

START_TEST(test_role_sets)
{
    ck_assert((CC_ROLES_STAFF & CC_ROLE_CLIENT) == 0);
    ck_assert((CC_ROLES_ANY & CC_ROLE_CLIENT) != 0);
    ck_assert((CC_ROLES_STAFF & CC_ROLE_ADMIN) != 0);
    ck_assert((CC_ROLES_STAFF & CC_ROLE_DECISION_MAKER) != 0);
    ck_assert((CC_ROLES_ANY & CC_ROLE_NONE) == 0);
}
END_TEST

static Suite *roles_suite(void)
{
    Suite *s = suite_create("roles");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_parse_known);
    tcase_add_test(tc, test_parse_rejects);
    tcase_add_test(tc, test_name_round_trip);
    tcase_add_test(tc, test_name_rejects_none_and_sets);
    tcase_add_test(tc, test_role_sets);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    cc_mem_init(); /* jansson through cc_mem, as in every binary */
    SRunner *sr = srunner_create(roles_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
