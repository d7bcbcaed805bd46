/*
 * tests/test_rtc.c - MC146818A: time from the host epoch, BCD/binary and
 * 12/24-hour formats, leap day and year rollovers, UIP timing, update-ended,
 * periodic and alarm interrupts, register C clearing, SET and divider
 * reset, CMOS RAM and checksum, RESET, long gaps, fuzz and state table.
 */
#include <check.h>

#include "hw/rtc.h"
#include "tests/bench.h"

#define T_2024_02_28_235959 INT64_C(1709164799)
#define MS 1000000ull

typedef struct RtcBench {
    Bench *b;
    IrqProbe *irq;
    Rtc *rtc;
} RtcBench;

static RtcBench rtc_bench(int64_t epoch)
{
    RtcBench rb;
    rb.b = bench_new(0);
    rb.irq = bench_irq_probe(rb.b, "irq8");
    rb.rtc = rtc_create(bench_machine(rb.b), 0x70, irq_probe_line(rb.irq), epoch);
    return rb;
}

static uint8_t cmos_in(Bench *b, uint8_t index)
{
    bench_out8(b, 0x70, index);
    return bench_in8(b, 0x71);
}

static void cmos_out(Bench *b, uint8_t index, uint8_t v)
{
    bench_out8(b, 0x70, index);
    bench_out8(b, 0x71, v);
}

static void run_to(Bench *b, uint64_t t_ns)
{
    if (t_ns > bench_now_ns(b))
        bench_run_ns(b, t_ns - bench_now_ns(b));
}

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->name; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

static void assert_date(Bench *b, uint8_t y, uint8_t mon, uint8_t d, uint8_t dow,
                        uint8_t h, uint8_t min, uint8_t s)
{
    ck_assert_uint_eq(cmos_in(b, 9), y);
    ck_assert_uint_eq(cmos_in(b, 8), mon);
    ck_assert_uint_eq(cmos_in(b, 7), d);
    ck_assert_uint_eq(cmos_in(b, 6), dow);
    ck_assert_uint_eq(cmos_in(b, 4), h);
    ck_assert_uint_eq(cmos_in(b, 2), min);
    ck_assert_uint_eq(cmos_in(b, 0), s);
}

START_TEST(rtc_host_time_and_leap_day)
{
    RtcBench rb = rtc_bench(T_2024_02_28_235959);
    assert_date(rb.b, 0x24, 0x02, 0x28, 4, 0x23, 0x59, 0x59);    /* Wednesday */
    ck_assert_uint_eq(cmos_in(rb.b, 0x32), 0x20);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0a), 0x26);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0b), 0x02);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0d), 0x80);                /* VRT */
    bench_run_ns(rb.b, 2 * NS_PER_SEC);
    assert_date(rb.b, 0x24, 0x02, 0x29, 5, 0x00, 0x00, 0x01);
    /* 2023 is not a leap year: Feb 28 rolls to Mar 1. */
    cmos_out(rb.b, 0x0b, 0x82);
    cmos_out(rb.b, 9, 0x23);
    cmos_out(rb.b, 7, 0x28);
    cmos_out(rb.b, 4, 0x23);
    cmos_out(rb.b, 2, 0x59);
    cmos_out(rb.b, 0, 0x59);
    cmos_out(rb.b, 0x0b, 0x02);
    bench_run_ns(rb.b, NS_PER_SEC);
    ck_assert_uint_eq(cmos_in(rb.b, 8), 0x03);
    ck_assert_uint_eq(cmos_in(rb.b, 7), 0x01);
    /* Dec 31 rolls the year; 99 wraps to 00. */
    cmos_out(rb.b, 0x0b, 0x82);
    cmos_out(rb.b, 9, 0x99);
    cmos_out(rb.b, 8, 0x12);
    cmos_out(rb.b, 7, 0x31);
    cmos_out(rb.b, 4, 0x23);
    cmos_out(rb.b, 2, 0x59);
    cmos_out(rb.b, 0, 0x59);
    cmos_out(rb.b, 6, 0x07);
    cmos_out(rb.b, 0x0b, 0x02);
    bench_run_ns(rb.b, NS_PER_SEC);
    assert_date(rb.b, 0x00, 0x01, 0x01, 1, 0x00, 0x00, 0x00);
    bench_free(rb.b);
}
END_TEST

START_TEST(rtc_binary_and_12_hour)
{
    RtcBench rb = rtc_bench(T_2024_02_28_235959);
    /* Binary, 12-hour: 11:59:59 PM -> 12:00:00 AM next day. */
    cmos_out(rb.b, 0x0b, 0x84);
    cmos_out(rb.b, 4, 0x80 | 11);
    cmos_out(rb.b, 2, 59);
    cmos_out(rb.b, 0, 59);
    cmos_out(rb.b, 7, 10);
    cmos_out(rb.b, 8, 6);
    cmos_out(rb.b, 0x0b, 0x04);
    bench_run_ns(rb.b, NS_PER_SEC);
    ck_assert_uint_eq(cmos_in(rb.b, 4), 12);
    ck_assert_uint_eq(cmos_in(rb.b, 7), 11);
    ck_assert_uint_eq(cmos_in(rb.b, 0), 0);
    /* 11:59:59 AM -> 12 PM; 12:59:59 PM -> 1 PM (BCD). */
    cmos_out(rb.b, 0x0b, 0x80);
    cmos_out(rb.b, 4, 0x11);
    cmos_out(rb.b, 2, 0x59);
    cmos_out(rb.b, 0, 0x59);
    cmos_out(rb.b, 0x0b, 0x00);
    bench_run_ns(rb.b, NS_PER_SEC);
    ck_assert_uint_eq(cmos_in(rb.b, 4), 0x92);
    cmos_out(rb.b, 2, 0x59);
    cmos_out(rb.b, 0, 0x59);
    bench_run_ns(rb.b, NS_PER_SEC);
    ck_assert_uint_eq(cmos_in(rb.b, 4), 0x81);
    bench_free(rb.b);
}
END_TEST

START_TEST(rtc_uip_and_update_interrupt)
{
    RtcBench rb = rtc_bench(T_2024_02_28_235959);
    cmos_out(rb.b, 0x0a, 0x20);                  /* RS = 0: only UF/AF below */
    /* First update 500 ms after the divider started; UIP 244 us before. */
    run_to(rb.b, 500 * MS - 250000);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0a) & 0x80, 0);
    run_to(rb.b, 500 * MS - 200000);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0a) & 0x80, 0x80);
    ck_assert_uint_eq(cmos_in(rb.b, 0), 0x59);
    run_to(rb.b, 500 * MS);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0a) & 0x80, 0);
    ck_assert_uint_eq(cmos_in(rb.b, 0), 0x00);
    /* Flags are set with the enables off, without IRQ8; the power-on alarm
     * bytes 00:00:00 match this midnight, so AF comes with UF. */
    ck_assert_uint_eq(cmos_in(rb.b, 0x0c), 0x30);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0c), 0x00);
    ck_assert_int_eq(irq_probe_rising_edges(rb.irq), 0);
    /* UIE: one IRQ8 per second, lowered by reading C. */
    cmos_out(rb.b, 0x0b, 0x12);
    for (int i = 1; i <= 10; i++) {
        run_to(rb.b, 500 * MS + (uint64_t)i * NS_PER_SEC - 1);
        ck_assert_int_eq(irq_probe_level(rb.irq), 0);
        run_to(rb.b, 500 * MS + (uint64_t)i * NS_PER_SEC);
        ck_assert_int_eq(irq_probe_level(rb.irq), 1);
        ck_assert_uint_eq(cmos_in(rb.b, 0x0c), 0x90);
        ck_assert_int_eq(irq_probe_level(rb.irq), 0);
    }
    ck_assert_int_eq(irq_probe_rising_edges(rb.irq), 10);
    /* SET stops updates and clears UIE. */
    cmos_out(rb.b, 0x0b, 0x92);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0b), 0x82);
    uint8_t sec = cmos_in(rb.b, 0);
    bench_run_ns(rb.b, 3 * NS_PER_SEC);
    ck_assert_uint_eq(cmos_in(rb.b, 0), sec);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0c), 0x00);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0a) & 0x80, 0);
    bench_free(rb.b);
}
END_TEST

static int count_periodic(RtcBench *rb, uint64_t span_ns, bool read_c)
{
    uint64_t end = bench_now_ns(rb->b) + span_ns;
    irq_probe_clear(rb->irq);
    while (bench_now_ns(rb->b) < end) {
        bench_run_ns(rb->b, 50000);
        if (read_c && irq_probe_level(rb->irq))
            ck_assert_uint_eq(cmos_in(rb->b, 0x0c) & 0xc0, 0xc0);
    }
    return irq_probe_rising_edges(rb->irq);
}

START_TEST(rtc_periodic_rates)
{
    RtcBench rb = rtc_bench(T_2024_02_28_235959);
    cmos_out(rb.b, 0x0b, 0x42);                  /* PIE, rate 6 = 1024 Hz */
    ck_assert_int_eq(count_periodic(&rb, NS_PER_SEC, true), 1024);
    /* Without reading C, IRQ8 stays high: a single edge. */
    (void)cmos_in(rb.b, 0x0c);
    ck_assert_int_eq(count_periodic(&rb, NS_PER_SEC, false), 1);
    (void)cmos_in(rb.b, 0x0c);
    cmos_out(rb.b, 0x0a, 0x2f);                  /* 2 Hz */
    ck_assert_int_eq(count_periodic(&rb, 2 * NS_PER_SEC, true), 4);
    cmos_out(rb.b, 0x0a, 0x23);                  /* 8192 Hz */
    ck_assert_int_eq(count_periodic(&rb, 10 * MS, false), 1);
    (void)cmos_in(rb.b, 0x0c);
    cmos_out(rb.b, 0x0a, 0x20);                  /* RS = 0: none */
    ck_assert_int_eq(count_periodic(&rb, NS_PER_SEC, true), 0);
    /* PF is set with PIE off and seen on the next read of C. */
    cmos_out(rb.b, 0x0b, 0x02);
    cmos_out(rb.b, 0x0a, 0x26);
    (void)cmos_in(rb.b, 0x0c);
    bench_run_ns(rb.b, 2 * MS);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0c) & 0x40, 0x40);
    ck_assert_int_eq(irq_probe_level(rb.irq), 0);
    /* Enabling PIE with PF pending raises IRQ8 at once. */
    bench_run_ns(rb.b, 2 * MS);
    cmos_out(rb.b, 0x0b, 0x42);
    ck_assert_int_eq(irq_probe_level(rb.irq), 1);
    bench_free(rb.b);
}
END_TEST

START_TEST(rtc_alarm)
{
    RtcBench rb = rtc_bench(T_2024_02_28_235959);
    cmos_out(rb.b, 0x0a, 0x20);                  /* RS = 0 */
    /* Alarm at 00:00:03 (BCD), AIE. */
    cmos_out(rb.b, 1, 0x03);
    cmos_out(rb.b, 3, 0x00);
    cmos_out(rb.b, 5, 0x00);
    cmos_out(rb.b, 0x0b, 0x22);
    run_to(rb.b, 500 * MS + 2 * NS_PER_SEC);    /* 00:00:02 */
    ck_assert_int_eq(irq_probe_level(rb.irq), 0);
    run_to(rb.b, 500 * MS + 3 * NS_PER_SEC);    /* 00:00:03 */
    ck_assert_int_eq(irq_probe_level(rb.irq), 1);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0c), 0xb0);   /* IRQF, AF, UF */
    run_to(rb.b, 500 * MS + 10 * NS_PER_SEC);
    ck_assert_int_eq(irq_probe_level(rb.irq), 0);
    /* Don't-care hours and minutes: every minute at :30. */
    cmos_out(rb.b, 1, 0x30);
    cmos_out(rb.b, 3, 0xc0);
    cmos_out(rb.b, 5, 0xff);
    irq_probe_clear(rb.irq);
    for (int i = 0; i < 180; i++) {
        bench_run_ns(rb.b, NS_PER_SEC);
        if (irq_probe_level(rb.irq))
            (void)cmos_in(rb.b, 0x0c);
    }
    ck_assert_int_eq(irq_probe_rising_edges(rb.irq), 3);
    /* All don't care: every second. */
    cmos_out(rb.b, 1, 0xc0);
    irq_probe_clear(rb.irq);
    for (int i = 0; i < 5; i++) {
        bench_run_ns(rb.b, NS_PER_SEC);
        ck_assert_uint_eq(cmos_in(rb.b, 0x0c), 0xb0);
    }
    ck_assert_int_eq(irq_probe_rising_edges(rb.irq), 5);
    bench_free(rb.b);
}
END_TEST

START_TEST(rtc_divider_reset_and_long_gaps)
{
    RtcBench rb = rtc_bench(T_2024_02_28_235959);
    cmos_out(rb.b, 0x0a, 0x76);                  /* divider in reset */
    bench_run_ns(rb.b, 5 * NS_PER_SEC);
    ck_assert_uint_eq(cmos_in(rb.b, 0), 0x59);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0a), 0x76);
    uint64_t t0 = bench_now_ns(rb.b);
    cmos_out(rb.b, 0x0a, 0x26);
    run_to(rb.b, t0 + 500 * MS - 1);
    ck_assert_uint_eq(cmos_in(rb.b, 0), 0x59);
    run_to(rb.b, t0 + 500 * MS);
    ck_assert_uint_eq(cmos_in(rb.b, 0), 0x00);
    bench_free(rb.b);

    /* Jumps of the clock (a restored snapshot, a paused host) catch up. */
    rb = rtc_bench(T_2024_02_28_235959);
    Clock *c = machine_clock(bench_machine(rb.b));
    clock_set_ns(c, 500 * MS + (5 * 86400 + 3 * 3600 + 6) * NS_PER_SEC);
    assert_date(rb.b, 0x24, 0x03, 0x05, 3, 0x03, 0x00, 0x06);
    bench_free(rb.b);
    rb = rtc_bench(T_2024_02_28_235959);
    c = machine_clock(bench_machine(rb.b));
    clock_set_ns(c, 500 * MS + (400ull * 86400 - 1) * NS_PER_SEC);
    assert_date(rb.b, 0x25, 0x04, 0x03, 5, 0x23, 0x59, 0x59);
    bench_free(rb.b);
}
END_TEST

START_TEST(rtc_cmos_ram_nmi_and_reset)
{
    RtcBench rb = rtc_bench(T_2024_02_28_235959);
    cmos_out(rb.b, 0x40, 0xa5);
    ck_assert_uint_eq(cmos_in(rb.b, 0x40), 0xa5);
    ck_assert_uint_eq(rtc_get_cmos(rb.rtc, 0x40), 0xa5);
    bench_out8(rb.b, 0x70, 0x80 | 0x40);
    ck_assert(rtc_nmi_masked(rb.rtc));
    ck_assert_uint_eq(bench_in8(rb.b, 0x71), 0xa5);
    ck_assert_uint_eq(bench_in8(rb.b, 0x70), 0xff);
    bench_out8(rb.b, 0x70, 0x0f);
    ck_assert(!rtc_nmi_masked(rb.rtc));
    rtc_set_cmos(rb.rtc, 0x10, 0x40);
    rtc_set_cmos(rb.rtc, 0x15, 0x80);
    rtc_set_cmos(rb.rtc, 0x16, 0x02);
    rtc_set_cmos(rb.rtc, 0x2d, 0xff);
    rtc_update_checksum(rb.rtc);
    ck_assert_uint_eq(cmos_in(rb.b, 0x2e), 0x01);     /* 40+80+02+FF */
    ck_assert_uint_eq(cmos_in(rb.b, 0x2f), 0xc1);
    /* rtc_get_cmos does not clear register C. */
    cmos_out(rb.b, 0x0a, 0x20);                  /* no periodic flag */
    cmos_out(rb.b, 0x0b, 0x12);
    bench_run_ns(rb.b, NS_PER_SEC);
    ck_assert_uint_eq(rtc_get_cmos(rb.rtc, 0x0c), 0xb0);   /* alarm 00:00:00 */
    ck_assert_uint_eq(rtc_get_cmos(rb.rtc, 0x0c), 0xb0);
    ck_assert_int_eq(irq_probe_level(rb.irq), 1);
    /* RESET: enables and flags cleared, RAM and clock kept. */
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(rb.b), 0, &info);
    info->reset(dev);
    ck_assert_int_eq(irq_probe_level(rb.irq), 0);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0b), 0x02);
    ck_assert_uint_eq(cmos_in(rb.b, 0x0c), 0x00);
    ck_assert_uint_eq(cmos_in(rb.b, 0x40), 0xa5);
    ck_assert_uint_eq(cmos_in(rb.b, 0x2f), 0xc1);
    ck_assert_uint_eq(cmos_in(rb.b, 7), 0x29);
    bench_free(rb.b);
}
END_TEST

START_TEST(rtc_fuzz_and_state)
{
    RtcBench rb = rtc_bench(T_2024_02_28_235959);
    uint32_t seed = 4242;
    for (int i = 0; i < 100000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        switch (r % 5) {
        case 0: bench_out8(rb.b, 0x70, (uint8_t)(r >> 4)); break;
        case 1: bench_out8(rb.b, 0x71, (uint8_t)(r >> 12)); break;
        case 2: (void)bench_in8(rb.b, (uint16_t)(0x70 + ((r >> 4) & 1))); break;
        case 3: bench_run_ns(rb.b, (r >> 4) % (3 * MS)); break;
        default: cmos_out(rb.b, (uint8_t)((r >> 4) % 14), (uint8_t)(r >> 12)); break;
        }
    }
    /* Whatever happened, the clock still runs. */
    cmos_out(rb.b, 0x0a, 0x26);
    cmos_out(rb.b, 0x0b, 0x02);
    cmos_out(rb.b, 0, 0x10);
    bench_run_ns(rb.b, 3 * NS_PER_SEC);
    ck_assert_uint_eq(cmos_in(rb.b, 0), 0x13);
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(rb.b), 0, &info);
    ck_assert_str_eq(info->name, "rtc");
    ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
    info->post_load(dev);
    bench_free(rb.b);
}
END_TEST

Suite *rtc_suite(void)
{
    Suite *s = suite_create("rtc");
    TCase *tc = tcase_create("rtc");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, rtc_host_time_and_leap_day);
    tcase_add_test(tc, rtc_binary_and_12_hour);
    tcase_add_test(tc, rtc_uip_and_update_interrupt);
    tcase_add_test(tc, rtc_periodic_rates);
    tcase_add_test(tc, rtc_alarm);
    tcase_add_test(tc, rtc_divider_reset_and_long_gaps);
    tcase_add_test(tc, rtc_cmos_ram_nmi_and_reset);
    tcase_add_test(tc, rtc_fuzz_and_state);
    suite_add_tcase(s, tc);
    return s;
}
