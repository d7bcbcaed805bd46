/*
 * tests/test_ferr.c - FERR# latch to IRQ13 and the port F0h clear.
 */
#include <check.h>

#include "hw/ferr.h"
#include "tests/bench.h"

START_TEST(ferr_latches_irq13_until_port_f0)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq13");
    Ferr *f = ferr_create(bench_machine(b), 0xf0, irq_probe_line(irq));
    ferr_set(f, true);
    ck_assert_int_eq(irq_probe_level(irq), 1);
    ferr_set(f, false);                     /* FERR# drops: the latch holds */
    ck_assert_int_eq(irq_probe_level(irq), 1);
    bench_out8(b, 0xf0, 0);
    ck_assert_int_eq(irq_probe_level(irq), 0);
    ferr_set(f, true);
    ferr_set(f, true);                      /* level, not a new edge */
    ck_assert_int_eq(irq_probe_rising_edges(irq), 2);
    bench_out8(b, 0xf0, 0);
    ferr_set(f, true);                      /* still asserted: no new edge */
    ck_assert_int_eq(irq_probe_level(irq), 0);
    bench_free(b);
}
END_TEST

Suite *ferr_suite(void)
{
    Suite *s = suite_create("ferr");
    TCase *tc = tcase_create("ferr");
    tcase_add_test(tc, ferr_latches_irq13_until_port_f0);
    suite_add_tcase(s, tc);
    return s;
}
