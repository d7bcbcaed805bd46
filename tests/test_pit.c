/*
 * tests/test_pit.c - 8254: IRQ0 edges in modes 0/2/3/4, OUT waveforms,
 * gate semantics on counter 2, access modes, latch and read-back, BCD,
 * count 0 = 65536, new counts in mode 2, fuzz, state table and restore.
 */
#include <check.h>

#include "hw/pit.h"
#include "tests/bench.h"

/* Guest time at which 'ticks' CLK periods have elapsed (rounded up). */
static uint64_t pit_ns(uint64_t ticks)
{
    return (ticks * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
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

static void program(Bench *b, int ch, uint8_t control, uint16_t count)
{
    bench_out8(b, 0x43, (uint8_t)(ch << 6 | control));
    bench_out8(b, (uint16_t)(0x40 + ch), (uint8_t)count);
    bench_out8(b, (uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

static uint16_t read_count16(Bench *b, int ch)
{
    uint8_t lo = bench_in8(b, (uint16_t)(0x40 + ch));
    return (uint16_t)(lo | bench_in8(b, (uint16_t)(0x40 + ch)) << 8);
}

START_TEST(pit_mode2_interrupts_once_per_period)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq0");
    pit_create(bench_machine(b), 0x40, irq_probe_line(irq));
    program(b, 0, 0x34, 0x1000);         /* counter 0, LSB/MSB, mode 2 */
    irq_probe_clear(irq);                /* OUT went high with the control word */
    run_to(b, pit_ns(10 * 0x1000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 10);
    for (int k = 0; k < 10; k++)
        ck_assert_uint_eq(irq_probe_edge_ns(irq, k), pit_ns((uint64_t)(k + 1) * 0x1000));
    /* The low pulse lasts one CLK, at count 1. */
    run_to(b, pit_ns(11 * 0x1000 - 1));
    ck_assert_int_eq(irq_probe_level(irq), 0);
    run_to(b, pit_ns(11 * 0x1000));
    ck_assert_int_eq(irq_probe_level(irq), 1);
    ck_assert_int_eq(irq_probe_rising_edges(irq), 11);
    bench_free(b);
}
END_TEST

START_TEST(pit_mode3_square_wave_halves)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq0");
    Pit *pit = pit_create(bench_machine(b), 0x40, irq_probe_line(irq));
    program(b, 0, 0x36, 1000);
    irq_probe_clear(irq);
    run_to(b, pit_ns(499));
    ck_assert(pit_out(pit, 0));
    ck_assert_uint_eq(read_count16(b, 0), 1000 - 2 * 499);   /* counts by two */
    run_to(b, pit_ns(500));
    ck_assert(!pit_out(pit, 0));
    ck_assert_int_eq(irq_probe_level(irq), 0);
    run_to(b, pit_ns(100 * 1000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 100);
    /* Odd count: high (N+1)/2, low (N-1)/2. */
    program(b, 0, 0x36, 1001);
    uint64_t t0 = bench_now_ns(b);
    irq_probe_clear(irq);
    run_to(b, t0 + pit_ns(500));
    ck_assert(pit_out(pit, 0));
    run_to(b, t0 + pit_ns(501));
    ck_assert(!pit_out(pit, 0));
    run_to(b, t0 + pit_ns(1001));
    ck_assert(pit_out(pit, 0));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);
    bench_free(b);
}
END_TEST

START_TEST(pit_mode0_and_mode4)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq0");
    pit_create(bench_machine(b), 0x40, irq_probe_line(irq));
    program(b, 0, 0x30, 100);
    ck_assert_int_eq(irq_probe_level(irq), 0);
    run_to(b, pit_ns(30));
    ck_assert_uint_eq(read_count16(b, 0), 70);
    run_to(b, pit_ns(100) - 1);
    ck_assert_int_eq(irq_probe_level(irq), 0);
    run_to(b, pit_ns(100));
    ck_assert_int_eq(irq_probe_level(irq), 1);
    run_to(b, pit_ns(5000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);       /* one shot */
    ck_assert_int_eq(irq_probe_level(irq), 1);
    ck_assert_uint_eq(read_count16(b, 0), (uint16_t)(100 - 5000));  /* wraps */
    /* Mode 0 LSB/MSB: the first byte stops the count and drops OUT. */
    bench_out8(b, 0x40, 0x20);
    ck_assert_int_eq(irq_probe_level(irq), 0);
    run_to(b, bench_now_ns(b) + pit_ns(1000));
    ck_assert_int_eq(irq_probe_level(irq), 0);
    uint64_t t0 = bench_now_ns(b);
    bench_out8(b, 0x40, 0x00);                               /* count 0x20 */
    run_to(b, t0 + pit_ns(0x20));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 2);
    /* Mode 4: OUT high, one CLK low at terminal count. */
    program(b, 0, 0x38, 50);
    t0 = bench_now_ns(b);
    irq_probe_clear(irq);
    ck_assert_int_eq(irq_probe_level(irq), 1);
    run_to(b, t0 + pit_ns(50));
    ck_assert_int_eq(irq_probe_level(irq), 0);
    run_to(b, t0 + pit_ns(51));
    ck_assert_int_eq(irq_probe_level(irq), 1);
    run_to(b, t0 + pit_ns(200000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);
    bench_free(b);
}
END_TEST

START_TEST(pit_gate_semantics)
{
    Bench *b = bench_new(0);
    Pit *pit = pit_create(bench_machine(b), 0x40, (IrqLine){ 0 });
    /* Mode 1: nothing until a GATE rising edge, then OUT low N CLKs. */
    program(b, 2, 0x32, 50);
    run_to(b, pit_ns(1000));
    ck_assert(pit_out(pit, 2));
    uint64_t t0 = bench_now_ns(b);
    pit_set_gate(pit, 2, true);
    ck_assert(!pit_out(pit, 2));
    run_to(b, t0 + pit_ns(40));
    pit_set_gate(pit, 2, false);
    pit_set_gate(pit, 2, true);                  /* retrigger */
    t0 = bench_now_ns(b);
    run_to(b, t0 + pit_ns(49));
    ck_assert(!pit_out(pit, 2));
    run_to(b, t0 + pit_ns(50));
    ck_assert(pit_out(pit, 2));
    /* Mode 5: strobe one CLK after N, triggered by GATE. */
    program(b, 2, 0x3a, 10);
    pit_set_gate(pit, 2, false);
    pit_set_gate(pit, 2, true);
    t0 = bench_now_ns(b);
    run_to(b, t0 + pit_ns(10));
    ck_assert(!pit_out(pit, 2));
    run_to(b, t0 + pit_ns(11));
    ck_assert(pit_out(pit, 2));
    /* Mode 3 with GATE low: OUT high, no counting; rising edge reloads. */
    pit_set_gate(pit, 2, false);
    program(b, 2, 0x36, 100);
    run_to(b, bench_now_ns(b) + pit_ns(75));
    ck_assert(pit_out(pit, 2));
    ck_assert_uint_eq(read_count16(b, 2), 100);
    pit_set_gate(pit, 2, true);
    t0 = bench_now_ns(b);
    run_to(b, t0 + pit_ns(50));
    ck_assert(!pit_out(pit, 2));
    pit_set_gate(pit, 2, false);                 /* low forces OUT high */
    ck_assert(pit_out(pit, 2));
    /* Mode 0: GATE low suspends counting. */
    program(b, 2, 0x30, 100);
    run_to(b, bench_now_ns(b) + pit_ns(500));
    ck_assert_uint_eq(read_count16(b, 2), 100);
    pit_set_gate(pit, 2, true);
    t0 = bench_now_ns(b);
    run_to(b, t0 + pit_ns(60));
    pit_set_gate(pit, 2, false);
    run_to(b, bench_now_ns(b) + pit_ns(1000));
    ck_assert_uint_eq(read_count16(b, 2), 40);
    ck_assert(!pit_out(pit, 2));
    pit_set_gate(pit, 2, true);
    t0 = bench_now_ns(b);
    run_to(b, t0 + pit_ns(40));
    ck_assert(pit_out(pit, 2));
    bench_free(b);
}
END_TEST

START_TEST(pit_access_modes_and_latch)
{
    Bench *b = bench_new(0);
    pit_create(bench_machine(b), 0x40, (IrqLine){ 0 });
    bench_out8(b, 0x43, 0x50);                   /* counter 1, LSB only, mode 0 */
    bench_out8(b, 0x41, 0x80);
    run_to(b, pit_ns(0x10));
    ck_assert_uint_eq(bench_in8(b, 0x41), 0x70);
    bench_out8(b, 0x43, 0x60);                   /* MSB only */
    bench_out8(b, 0x41, 0x02);
    uint64_t t0 = bench_now_ns(b);
    run_to(b, t0 + pit_ns(1));
    ck_assert_uint_eq(bench_in8(b, 0x41), 0x01); /* 0x1ff */
    /* Counter latch: frozen while time passes, LSB then MSB. */
    program(b, 0, 0x34, 0x3000);
    t0 = bench_now_ns(b);
    run_to(b, t0 + pit_ns(0x100));
    bench_out8(b, 0x43, 0x00);
    run_to(b, t0 + pit_ns(0x800));
    bench_out8(b, 0x43, 0x00);                   /* ignored: still latched */
    ck_assert_uint_eq(read_count16(b, 0), 0x2f00);
    ck_assert_uint_eq(read_count16(b, 0), 0x2800);  /* live again */
    /* Reading LSB, latching, then MSB: the byte pointer is shared. */
    ck_assert_uint_eq(bench_in8(b, 0x40), 0x00);
    ck_assert_uint_eq(bench_in8(b, 0x40), 0x28);
    ck_assert_uint_eq(bench_in8(b, 0x43), 0xff); /* control is write-only */
    bench_free(b);
}
END_TEST

START_TEST(pit_read_back)
{
    Bench *b = bench_new(0);
    Pit *pit = pit_create(bench_machine(b), 0x40, (IrqLine){ 0 });
    bench_out8(b, 0x43, 0x34);
    bench_out8(b, 0x43, 0xe2);                   /* status of counter 0 */
    ck_assert_uint_eq(bench_in8(b, 0x40), 0xf4); /* OUT, NULL COUNT, rw 3, mode 2 */
    bench_out8(b, 0x40, 0x00);
    bench_out8(b, 0x40, 0x10);
    bench_out8(b, 0x43, 0xe2);
    ck_assert_uint_eq(bench_in8(b, 0x40), 0xb4); /* count loaded */
    program(b, 1, 0x31, 0x0500);                 /* BCD, mode 0 */
    program(b, 2, 0x1a, 0x0009);                 /* LSB only, mode 5 */
    run_to(b, bench_now_ns(b) + pit_ns(0x100));
    /* Count and status of all three counters at once. */
    bench_out8(b, 0x43, 0xce);
    run_to(b, bench_now_ns(b) + pit_ns(0x200));
    ck_assert_uint_eq(bench_in8(b, 0x40), 0xb4);
    ck_assert_uint_eq(read_count16(b, 0), 0x1000 - 0x100);
    ck_assert_uint_eq(bench_in8(b, 0x41), 0x31); /* OUT low, mode 0, BCD */
    ck_assert_uint_eq(read_count16(b, 1), 0x0244);   /* 500 - 256 in BCD */
    ck_assert_uint_eq(bench_in8(b, 0x42), 0xda); /* OUT high, NULL (no trigger) */
    (void)bench_in8(b, 0x42);                    /* CE undefined before a trigger */
    ck_assert_uint_eq(bench_in8(b, 0x43), 0xff);
    /* Count only: no status byte first. */
    bench_out8(b, 0x43, 0xd2);
    ck_assert_uint_eq(read_count16(b, 0), (0x1000 - 0x300) & 0xffff);
    ck_assert(pit_out(pit, 0));
    bench_free(b);
}
END_TEST

START_TEST(pit_bcd_zero_and_new_count)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq0");
    pit_create(bench_machine(b), 0x40, irq_probe_line(irq));
    /* BCD count 0 is 10000. */
    program(b, 0, 0x35, 0x0000);
    irq_probe_clear(irq);
    run_to(b, pit_ns(1));
    ck_assert_uint_eq(read_count16(b, 0), 0x9999);
    run_to(b, pit_ns(30000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 3);
    /* Binary count 0 is 65536. */
    program(b, 0, 0x34, 0);
    uint64_t t0 = bench_now_ns(b);
    irq_probe_clear(irq);
    run_to(b, t0 + pit_ns(65535));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 0);
    run_to(b, t0 + pit_ns(65536));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);
    /* Mode 2: a new count takes effect at the end of the current cycle. */
    program(b, 0, 0x34, 1000);
    t0 = bench_now_ns(b);
    irq_probe_clear(irq);
    run_to(b, t0 + pit_ns(300));
    bench_out8(b, 0x40, 0xd0);
    bench_out8(b, 0x40, 0x07);                   /* 2000 */
    bench_out8(b, 0x43, 0xe2);
    ck_assert_uint_eq(bench_in8(b, 0x40) & 0x40, 0x40);     /* NULL COUNT */
    run_to(b, t0 + pit_ns(1000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);
    bench_out8(b, 0x43, 0xe2);
    ck_assert_uint_eq(bench_in8(b, 0x40) & 0x40, 0);
    run_to(b, t0 + pit_ns(2999));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);
    run_to(b, t0 + pit_ns(3000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 2);
    bench_free(b);
}
END_TEST

START_TEST(pit_fuzz_and_state)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq0");
    Pit *pit = pit_create(bench_machine(b), 0x40, irq_probe_line(irq));
    uint32_t seed = 777;
    for (int i = 0; i < 100000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        switch (r % 6) {
        case 0: bench_out8(b, 0x43, (uint8_t)(r >> 4)); break;
        case 1: bench_out8(b, (uint16_t)(0x40 + (r >> 4) % 4), (uint8_t)(r >> 8)); break;
        case 2: (void)bench_in8(b, (uint16_t)(0x40 + (r >> 4) % 4)); break;
        case 3: pit_set_gate(pit, (int)((r >> 4) % 5) - 1, (r >> 9) & 1); break;
        case 4: bench_run_ns(b, (r >> 4) % 20000); break;
        default: (void)pit_out(pit, (int)((r >> 4) % 3)); break;
        }
    }
    /* IRQ0 follows counter 0's OUT after any sequence. */
    ck_assert_int_eq(irq_probe_level(irq), pit_out(pit, 0));
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(b), 0, &info);
    ck_assert_str_eq(info->name, "pit");
    ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
    bench_free(b);
}
END_TEST

/* Save mid-period, restore into a fresh machine at the same guest time:
 * IRQ0 keeps its phase. */
START_TEST(pit_restore_keeps_phase)
{
    Bench *a = bench_new(0);
    pit_create(bench_machine(a), 0x40, (IrqLine){ 0 });
    program(a, 0, 0x34, 1000);
    run_to(a, pit_ns(2500));
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(a), 0, &info);
    StateBuf buf = { 0 };
    state_save(info->state, dev, &buf);

    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq0");
    pit_create(bench_machine(b), 0x40, irq_probe_line(irq));
    clock_set_ns(machine_clock(bench_machine(b)), bench_now_ns(a));
    void *dev_b = machine_device(bench_machine(b), 0, NULL);
    ck_assert_int_eq(state_load(info->state, dev_b, buf.data, buf.len), 0);
    info->post_load(dev_b);
    irq_probe_clear(irq);
    ck_assert_uint_eq(read_count16(b, 0), 500);
    run_to(b, pit_ns(5000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 3);
    ck_assert_uint_eq(irq_probe_edge_ns(irq, 0), pit_ns(3000));
    statebuf_free(&buf);
    bench_free(a);
    bench_free(b);
}
END_TEST

/* A host that runs the timer late still gets one IRQ0 edge per missed
 * burst of periods, never none. */
START_TEST(pit_late_timer_replays_pulse)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq0");
    pit_create(bench_machine(b), 0x40, irq_probe_line(irq));
    program(b, 0, 0x34, 1000);
    irq_probe_clear(irq);
    Clock *c = machine_clock(bench_machine(b));
    clock_set_ns(c, pit_ns(3500));              /* jump without firing */
    clock_run_timers(c);
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);
    ck_assert_int_eq(irq_probe_level(irq), 1);
    run_to(b, pit_ns(5000));
    ck_assert_int_eq(irq_probe_rising_edges(irq), 3);
    /* Mode 3, late by more than a whole period. */
    program(b, 0, 0x36, 1000);
    uint64_t t0 = bench_now_ns(b);
    irq_probe_clear(irq);
    clock_set_ns(c, t0 + pit_ns(2250));
    clock_run_timers(c);
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);
    ck_assert_int_eq(irq_probe_level(irq), 1);
    bench_free(b);
}
END_TEST

/* A clock that moves 500 ns every time anyone reads it, like the host
 * clock does between two reads inside one device callback. */
static uint64_t moving_clock(void *opaque)
{
    uint64_t *t = opaque;
    *t += 500;
    return *t;
}

START_TEST(pit_mode4_strobe_not_lost_when_time_moves)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq0");
    Machine *m = machine_new(CLOCK_ICOUNT);
    uint64_t t = 0;
    clock_set_source(machine_clock(m), moving_clock, &t);
    pit_create(m, 0x40, irq_probe_line(irq));
    AddrSpace *io = machine_io(m);
    io_write(io, 0x43, 0x38, 1);                 /* counter 0, LSB/MSB, mode 4 */
    /* Linux's one-shot clockevent: reprogram after every interrupt */
    for (int k = 0; k < 300; k++) {
        int before = irq_probe_rising_edges(irq);
        unsigned count = 15 + (unsigned)(k % 7);
        io_write(io, 0x40, count & 0xff, 1);
        io_write(io, 0x40, count >> 8, 1);
        for (int spin = 0; spin < 10000 && irq_probe_rising_edges(irq) == before; spin++)
            clock_run_timers(machine_clock(m));
        ck_assert_msg(irq_probe_rising_edges(irq) > before, "strobe %d lost", k);
    }
    machine_free(m);
    bench_free(b);
}
END_TEST

Suite *pit_suite(void)
{
    Suite *s = suite_create("pit");
    TCase *tc = tcase_create("pit");
    tcase_add_test(tc, pit_mode2_interrupts_once_per_period);
    tcase_add_test(tc, pit_mode3_square_wave_halves);
    tcase_add_test(tc, pit_mode0_and_mode4);
    tcase_add_test(tc, pit_gate_semantics);
    tcase_add_test(tc, pit_access_modes_and_latch);
    tcase_add_test(tc, pit_read_back);
    tcase_add_test(tc, pit_bcd_zero_and_new_count);
    tcase_add_test(tc, pit_fuzz_and_state);
    tcase_add_test(tc, pit_restore_keeps_phase);
    tcase_add_test(tc, pit_late_timer_replays_pulse);
    tcase_add_test(tc, pit_mode4_strobe_not_lost_when_time_moves);
    suite_add_tcase(s, tc);
    return s;
}
