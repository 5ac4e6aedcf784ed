/*
 * The common end of every Check binary: run the suite, print Check's normal
 * summary, exit non-zero on any failure.
 */
#ifndef CC_TEST_MAIN_H
#define CC_TEST_MAIN_H

#include <check.h>
#include <stdlib.h>

#include "cc_mem.h"

/* Routes jansson through cc_mem, runs s (and frees it); returns EXIT_SUCCESS when every test passed. */
static inline int cc_test_run(Suite *s)
{
    cc_mem_init();
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
