/*
 * tests/test_port92.c - System Control Port A: fast A20 through bench
 * memory aliasing, fast reset on a rising bit 0, stored bits, fuzz, state.
 */
#include <check.h>

#include "hw/port92.h"
#include "tests/bench.h"

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->name; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

START_TEST(port92_a20_aliasing)
{
    Bench *b = bench_new(2048);
    Machine *m = bench_machine(b);
    AddrSpace *mem = machine_mem(m);
    port92_create(m);
    bench_ram(b)[0x10] = 0x77;
    bench_ram(b)[0x100010] = 0x88;
    ck_assert_uint_eq(bench_in8(b, 0x92) & 0x02, 0x02);      /* A20 on at start */
    bench_out8(b, 0x92, 0x00);
    ck_assert(!mem_a20(mem));
    ck_assert_uint_eq(mem_read(mem, 0x100010, 1), 0x77);     /* wraps at 1 MiB */
    ck_assert_uint_eq(bench_in8(b, 0x92) & 0x02, 0x00);
    bench_out8(b, 0x92, 0x02);
    ck_assert_uint_eq(mem_read(mem, 0x100010, 1), 0x88);
    ck_assert_uint_eq(bench_in8(b, 0x92) & 0x02, 0x02);
    /* Someone else (the keyboard controller) moves the gate: reads follow. */
    mem_set_a20(mem, false);
    ck_assert_uint_eq(bench_in8(b, 0x92) & 0x02, 0x00);
    mem_set_a20(mem, true);
    /* Other bits are stored. */
    bench_out8(b, 0x92, 0xca);
    ck_assert_uint_eq(bench_in8(b, 0x92), 0xca);
    ck_assert(!machine_take_reset_request(m));
    bench_free(b);
}
END_TEST

START_TEST(port92_fast_reset)
{
    Bench *b = bench_new(0);
    Machine *m = bench_machine(b);
    port92_create(m);
    bench_out8(b, 0x92, 0x03);
    ck_assert(machine_take_reset_request(m));
    ck_assert_uint_eq(bench_in8(b, 0x92) & 0x01, 0x01);      /* reads as written */
    bench_out8(b, 0x92, 0x03);                               /* no new edge */
    ck_assert(!machine_take_reset_request(m));
    bench_out8(b, 0x92, 0x02);
    bench_out8(b, 0x92, 0x03);
    ck_assert(machine_take_reset_request(m));
    const DeviceInfo *info;
    void *dev = machine_device(m, 0, &info);
    info->reset(dev);
    ck_assert_uint_eq(bench_in8(b, 0x92) & 0x01, 0x00);
    bench_out8(b, 0x92, 0x03);
    ck_assert(machine_take_reset_request(m));
    bench_free(b);
}
END_TEST

START_TEST(port92_fuzz_and_state)
{
    Bench *b = bench_new(2048);
    Machine *m = bench_machine(b);
    port92_create(m);
    uint32_t seed = 31;
    for (int i = 0; i < 10000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        if (r & 1)
            bench_out8(b, 0x92, (uint8_t)(r >> 4));
        else
            ck_assert_uint_eq((bench_in8(b, 0x92) >> 1) & 1, mem_a20(machine_mem(m)));
        (void)machine_take_reset_request(m);
    }
    const DeviceInfo *info;
    void *dev = machine_device(m, 0, &info);
    ck_assert_str_eq(info->name, "port92");
    ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
    info->post_load(dev);
    bench_free(b);
}
END_TEST

Suite *port92_suite(void)
{
    Suite *s = suite_create("port92");
    TCase *tc = tcase_create("port92");
    tcase_add_test(tc, port92_a20_aliasing);
    tcase_add_test(tc, port92_fast_reset);
    tcase_add_test(tc, port92_fuzz_and_state);
    suite_add_tcase(s, tc);
    return s;
}
