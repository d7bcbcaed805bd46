/*
 * tests/test_port61.c - System Control Port B: refresh toggle rate, PIT
 * counter 2 gate and OUT, speaker enable, read-only bits, fuzz, state.
 */
#include <check.h>

#include "hw/pit.h"
#include "hw/port61.h"
#include "tests/bench.h"

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->name; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

START_TEST(port61_refresh_toggle_rate)
{
    Bench *b = bench_new(0);
    port61_create(bench_machine(b), NULL);
    /* A BIOS delay loop: count bit 4 changes over 1 ms of guest time. */
    uint8_t last = bench_in8(b, 0x61) & 0x10;
    int toggles = 0;
    for (int i = 0; i < 1000; i++) {
        bench_run_ns(b, 1000);
        uint8_t v = bench_in8(b, 0x61) & 0x10;
        toggles += v != last;
        last = v;
    }
    ck_assert_int_eq(toggles, 1000000 / 15085);
    /* Two reads 15 us apart always differ. */
    for (int i = 0; i < 100; i++) {
        uint8_t a = bench_in8(b, 0x61) & 0x10;
        bench_run_ns(b, 15085);
        ck_assert_uint_ne(bench_in8(b, 0x61) & 0x10, a);
        bench_run_ns(b, 3331);
    }
    bench_free(b);
}
END_TEST

START_TEST(port61_gate_out_and_speaker)
{
    Bench *b = bench_new(0);
    Pit *pit = pit_create(bench_machine(b), 0x40, (IrqLine){ 0 });
    Port61 *p = port61_create(bench_machine(b), pit);
    /* Counter 2, mode 0, count 100: OUT goes high 100 CLKs after GATE. */
    bench_out8(b, 0x43, 0xb0);
    bench_out8(b, 0x42, 100);
    bench_out8(b, 0x42, 0);
    bench_run_ns(b, 1000000);
    ck_assert_uint_eq(bench_in8(b, 0x61) & 0x20, 0);          /* gate low */
    bench_out8(b, 0x61, 0x01);
    ck_assert_uint_eq(bench_in8(b, 0x61) & 0x0f, 0x01);
    bench_run_ns(b, 100 * 1000000000ull / PIT_HZ + 1);
    ck_assert_uint_eq(bench_in8(b, 0x61) & 0x20, 0x20);
    ck_assert(!port61_speaker_on(p));                          /* data off */
    bench_out8(b, 0x61, 0x03);
    ck_assert(port61_speaker_on(p));
    /* Mode 3 square wave at 1 kHz-ish: bit 5 follows OUT. */
    bench_out8(b, 0x43, 0xb6);
    bench_out8(b, 0x42, 0xa9);
    bench_out8(b, 0x42, 0x04);                                 /* 1193 */
    int highs = 0;
    for (int i = 0; i < 1000; i++) {
        bench_run_ns(b, 10000);
        bool out = (bench_in8(b, 0x61) & 0x20) != 0;
        ck_assert_int_eq(out, pit_out(pit, 2));
        ck_assert_int_eq(port61_speaker_on(p), out);
        highs += out;
    }
    ck_assert_int_ge(highs, 480);
    ck_assert_int_le(highs, 520);
    /* Bits 4-7 are read-only; 6 and 7 always read 0. */
    bench_out8(b, 0x61, 0xfc);
    ck_assert_uint_eq(bench_in8(b, 0x61) & 0xcf, 0x0c);
    ck_assert(!port61_speaker_on(p));
    bench_free(b);
}
END_TEST

START_TEST(port61_fuzz_reset_state)
{
    Bench *b = bench_new(0);
    Pit *pit = pit_create(bench_machine(b), 0x40, (IrqLine){ 0 });
    port61_create(bench_machine(b), pit);
    uint32_t seed = 5;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        if (r & 1)
            bench_out8(b, (r & 2) ? 0x61 : (uint16_t)(0x40 + (r >> 2) % 4), (uint8_t)(r >> 8));
        else
            (void)bench_in8(b, 0x61);
        bench_run_ns(b, (r >> 16) % 5000);
    }
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(b), 1, &info);
    ck_assert_str_eq(info->name, "port61");
    ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
    info->post_load(dev);
    info->reset(dev);
    ck_assert_uint_eq(bench_in8(b, 0x61) & 0x0f, 0);
    /* Reset dropped the gate: counter 2 in mode 0 stops counting. */
    bench_out8(b, 0x43, 0xb0);
    bench_out8(b, 0x42, 10);
    bench_out8(b, 0x42, 0);
    bench_run_ns(b, 1000000);
    ck_assert(!pit_out(pit, 2));
    bench_free(b);
}
END_TEST

Suite *port61_suite(void)
{
    Suite *s = suite_create("port61");
    TCase *tc = tcase_create("port61");
    tcase_add_test(tc, port61_refresh_toggle_rate);
    tcase_add_test(tc, port61_gate_out_and_speaker);
    tcase_add_test(tc, port61_fuzz_reset_state);
    suite_add_tcase(s, tc);
    return s;
}
