/*
 * tests/check_main.c - runs every Check suite in tests/test_*.c. The suite
 * list (obj/tests/suites.h) is collected by the Makefile from lines of the
 * form 'Suite *NAME_suite(void)'.
 */
#include <check.h>
#include <stdlib.h>

#define SUITE(fn) Suite *fn(void);
#include "obj/tests/suites.h"
#undef SUITE

int main(void)
{
    SRunner *sr = srunner_create(NULL);
#define SUITE(fn) srunner_add_suite(sr, fn());
#include "obj/tests/suites.h"
#undef SUITE
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
