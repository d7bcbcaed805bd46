/*
 * tests/test_kbc.c - 8042 controller with PS/2 keyboard and mouse.
 */
#include <check.h>

#include "hw/kbc.h"
#include "tests/bench.h"

#define DATA 0x60
#define CMD  0x64
#define GAP_NS 200000u      /* more than the 8042's refill delay */

typedef struct Rig {
    Bench *b;
    IrqProbe *irq1, *irq12;
    Kbc *k;
    InputSink in;
} Rig;

static Rig *rig_new(void)
{
    Rig *r = xzalloc(sizeof *r);
    r->b = bench_new(2048);
    r->irq1 = bench_irq_probe(r->b, "irq1");
    r->irq12 = bench_irq_probe(r->b, "irq12");
    r->k = kbc_create(bench_machine(r->b), irq_probe_line(r->irq1), irq_probe_line(r->irq12));
    r->in = kbc_input(r->k);
    return r;
}

static void rig_free(Rig *r)
{
    bench_free(r->b);
    free(r);
}

/* Wait for the output buffer and read one byte; -1 if nothing came. */
static int read_byte(Rig *r)
{
    for (int i = 0; i < 4; i++) {
        if (bench_in8(r->b, CMD) & 1)
            return bench_in8(r->b, DATA);
        bench_run_ns(r->b, GAP_NS);
    }
    return -1;
}

static void key(Rig *r, uint16_t code, bool down)
{
    r->in.key(r->in.dev, code, down);
}

static void write_cb(Rig *r, uint8_t cb)
{
    bench_out8(r->b, CMD, 0x60);
    bench_out8(r->b, DATA, cb);
}

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->type != SF_T_END; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

START_TEST(kbc_command_byte_and_self_test)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    ck_assert_uint_eq(bench_in8(b, CMD) & 0x01, 0);
    bench_out8(b, CMD, 0xAA);
    ck_assert_uint_eq(bench_in8(b, CMD) & 0x09, 0x09);   /* OBF, A2 */
    ck_assert_int_eq(read_byte(r), 0x55);
    bench_out8(b, CMD, 0xAB);
    ck_assert_int_eq(read_byte(r), 0x00);
    write_cb(r, 0x45);
    ck_assert_uint_eq(bench_in8(b, CMD) & 0x0C, 0x04);   /* SYS, A2 = data */
    bench_out8(b, CMD, 0x20);
    ck_assert_int_eq(read_byte(r), 0x45);
    bench_out8(b, CMD, 0xAD);
    bench_out8(b, CMD, 0x20);
    ck_assert_int_eq(read_byte(r), 0x55);
    bench_out8(b, CMD, 0xAE);
    bench_out8(b, CMD, 0xA8);
    bench_out8(b, CMD, 0x20);
    ck_assert_int_eq(read_byte(r), 0x45);
    bench_out8(b, CMD, 0xA7);
    bench_out8(b, CMD, 0x20);
    ck_assert_int_eq(read_byte(r), 0x65);
    ck_assert_int_eq(read_byte(r), -1);
    rig_free(r);
}
END_TEST

START_TEST(kbc_typed_key_set1_with_irq)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    ck_assert(kbc_queue_empty(r->k));
    key(r, 0x1E, true);                         /* 'A' */
    ck_assert(!kbc_queue_empty(r->k));
    ck_assert_int_eq(irq_probe_level(r->irq1), 1);
    ck_assert_uint_eq(bench_in8(b, DATA), 0x1E);
    ck_assert_int_eq(irq_probe_level(r->irq1), 0);
    ck_assert(kbc_queue_empty(r->k));
    key(r, 0x1E, false);                        /* set 2 F0 1C -> 9E */
    ck_assert_uint_eq(bench_in8(b, CMD) & 1, 0);    /* refill gap */
    bench_run_ns(b, GAP_NS);
    ck_assert_int_eq(irq_probe_level(r->irq1), 1);
    ck_assert_uint_eq(bench_in8(b, DATA), 0x9E);
    bench_run_ns(b, GAP_NS);
    irq_probe_clear(r->irq1);
    key(r, 0xE048, true);                       /* cursor up: E0 48 */
    key(r, 0xE048, false);                      /* E0 C8 */
    ck_assert_int_eq(irq_probe_rising_edges(r->irq1), 1);
    ck_assert_uint_eq(bench_in8(b, DATA), 0xE0);
    ck_assert_uint_eq(bench_in8(b, CMD) & 1, 0);
    bench_run_ns(b, GAP_NS);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq1), 2);
    ck_assert_uint_eq(bench_in8(b, DATA), 0x48);
    ck_assert_int_eq(read_byte(r), 0xE0);
    ck_assert_int_eq(read_byte(r), 0xC8);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq1), 4);
    key(r, 0xE11D, true);                       /* Pause */
    key(r, 0xE11D, false);                      /* no break code */
    static const int pause1[] = { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 };
    for (size_t i = 0; i < 6; i++)
        ck_assert_int_eq(read_byte(r), pause1[i]);
    ck_assert_int_eq(read_byte(r), -1);
    key(r, 0x41, true);                         /* F7: set 2 83 -> 41 */
    ck_assert_int_eq(read_byte(r), 0x41);
    key(r, 0xE037, true);                       /* Print Screen */
    static const int prtsc[] = { 0xE0, 0x2A, 0xE0, 0x37 };
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(read_byte(r), prtsc[i]);
    ck_assert(kbc_queue_empty(r->k));
    rig_free(r);
}
END_TEST

START_TEST(kbc_translation_off_gives_set2)
{
    Rig *r = rig_new();
    write_cb(r, 0x01);
    key(r, 0x1E, true);
    key(r, 0x1E, false);
    key(r, 0xE048, false);
    static const int want[] = { 0x1C, 0xF0, 0x1C, 0xE0, 0xF0, 0x75 };
    for (size_t i = 0; i < 6; i++)
        ck_assert_int_eq(read_byte(r), want[i]);
    /* keyboard in set 1 sends set-1 codes itself */
    bench_out8(r->b, DATA, 0xF0);
    ck_assert_int_eq(read_byte(r), 0xFA);
    bench_out8(r->b, DATA, 0x01);
    ck_assert_int_eq(read_byte(r), 0xFA);
    bench_out8(r->b, DATA, 0xF0);
    bench_out8(r->b, DATA, 0x00);
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 0x01);
    key(r, 0x1E, false);
    ck_assert_int_eq(read_byte(r), 0x9E);
    rig_free(r);
}
END_TEST

START_TEST(kbc_keyboard_commands)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    bench_out8(b, DATA, 0xFF);
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 0xAA);
    bench_out8(b, DATA, 0xF2);                  /* translated ID: AB 41 */
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 0xAB);
    ck_assert_int_eq(read_byte(r), 0x41);
    write_cb(r, 0x01);
    bench_out8(b, DATA, 0xF2);
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 0xAB);
    ck_assert_int_eq(read_byte(r), 0x83);
    bench_out8(b, DATA, 0xED);
    ck_assert_int_eq(read_byte(r), 0xFA);
    bench_out8(b, DATA, 0x07);
    ck_assert_int_eq(read_byte(r), 0xFA);
    bench_out8(b, DATA, 0xF3);
    bench_out8(b, DATA, 0x20);
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 0xFA);
    bench_out8(b, DATA, 0xEE);
    ck_assert_int_eq(read_byte(r), 0xEE);
    bench_out8(b, DATA, 0xFE);                  /* resend the last byte */
    ck_assert_int_eq(read_byte(r), 0xEE);
    bench_out8(b, DATA, 0x42);                  /* unknown */
    ck_assert_int_eq(read_byte(r), 0xFE);
    bench_out8(b, DATA, 0xF5);                  /* disable scanning */
    ck_assert_int_eq(read_byte(r), 0xFA);
    key(r, 0x1E, true);
    ck_assert_int_eq(read_byte(r), -1);
    bench_out8(b, DATA, 0xF4);
    ck_assert_int_eq(read_byte(r), 0xFA);
    key(r, 0x1E, true);
    ck_assert_int_eq(read_byte(r), 0x1C);
    /* 16-byte buffer: overrun code replaces the last byte */
    for (int i = 0; i < 20; i++)
        key(r, 0x10, true);
    int n = 0, last = 0, v;
    while ((v = read_byte(r)) >= 0) {
        last = v;
        n++;
    }
    ck_assert_int_eq(n, 16);
    ck_assert_int_eq(last, 0x00);
    rig_free(r);
}
END_TEST

START_TEST(kbc_a20_and_reset)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    AddrSpace *mem = machine_mem(bench_machine(b));
    Machine *m = bench_machine(b);
    mem_set_a20(mem, true);
    bench_out8(b, CMD, 0xD1);
    bench_out8(b, DATA, 0xDD);
    ck_assert(!mem_a20(mem));
    bench_out8(b, CMD, 0xD0);
    ck_assert_int_eq(read_byte(r) & 0x03, 0x01);
    bench_out8(b, CMD, 0xD1);
    bench_out8(b, DATA, 0xDF);
    ck_assert(mem_a20(mem));
    bench_out8(b, CMD, 0xD0);
    ck_assert_int_eq(read_byte(r) & 0x03, 0x03);
    bench_out8(b, CMD, 0xDD);
    ck_assert(!mem_a20(mem));
    bench_out8(b, CMD, 0xDF);
    ck_assert(mem_a20(mem));
    ck_assert(!machine_take_reset_request(m));
    bench_out8(b, CMD, 0xFF);                   /* pulses nothing */
    ck_assert(!machine_take_reset_request(m));
    bench_out8(b, CMD, 0xFE);
    ck_assert(machine_take_reset_request(m));
    bench_out8(b, CMD, 0xD1);
    bench_out8(b, DATA, 0x02);                  /* bit 0 low: reset */
    ck_assert(machine_take_reset_request(m));
    ck_assert(mem_a20(mem));
    bench_out8(b, CMD, 0xC0);
    ck_assert_int_eq(read_byte(r) & 0x80, 0x80);
    rig_free(r);
}
END_TEST

START_TEST(kbc_mouse_packet_irq12)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    write_cb(r, 0x43);                          /* XLAT, INT2, INT, aux on */
    bench_out8(b, CMD, 0xD4);
    bench_out8(b, DATA, 0xFF);
    ck_assert_int_eq(irq_probe_level(r->irq12), 1);
    ck_assert_int_eq(irq_probe_level(r->irq1), 0);
    ck_assert_uint_eq(bench_in8(b, CMD) & 0x21, 0x21);
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 0xAA);
    ck_assert_int_eq(read_byte(r), 0x00);
    /* IntelliMouse knock */
    static const uint8_t rates[] = { 200, 100, 80 };
    for (int i = 0; i < 3; i++) {
        bench_out8(b, CMD, 0xD4);
        bench_out8(b, DATA, 0xF3);
        ck_assert_int_eq(read_byte(r), 0xFA);
        bench_out8(b, CMD, 0xD4);
        bench_out8(b, DATA, rates[i]);
        ck_assert_int_eq(read_byte(r), 0xFA);
    }
    bench_out8(b, CMD, 0xD4);
    bench_out8(b, DATA, 0xF2);
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 3);
    bench_out8(b, CMD, 0xD4);
    bench_out8(b, DATA, 0xFF);                  /* back to a plain mouse */
    for (int i = 0; i < 3; i++)
        ck_assert(read_byte(r) >= 0);
    /* no packets while reporting is disabled */
    r->in.mouse(r->in.dev, 5, 5, 0, 0);
    ck_assert_int_eq(read_byte(r), -1);
    bench_out8(b, CMD, 0xD4);
    bench_out8(b, DATA, 0xF4);
    ck_assert_int_eq(read_byte(r), 0xFA);
    bench_run_ns(b, GAP_NS);
    irq_probe_clear(r->irq12);
    r->in.mouse(r->in.dev, 5, -3, 0, 1);        /* right 5, up 3, left button */
    ck_assert_int_eq(irq_probe_level(r->irq12), 1);
    ck_assert_int_eq(read_byte(r), 0x09);
    ck_assert_int_eq(read_byte(r), 0x05);
    ck_assert_int_eq(read_byte(r), 0x03);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq12), 3);
    r->in.mouse(r->in.dev, -2, 4, 0, 0);
    ck_assert_int_eq(read_byte(r), 0x38);       /* both signs */
    ck_assert_int_eq(read_byte(r), 0xFE);
    ck_assert_int_eq(read_byte(r), 0xFC);
    /* big motion splits into packets */
    r->in.mouse(r->in.dev, 300, 0, 0, 0);
    ck_assert_int_eq(read_byte(r), 0x08);
    ck_assert_int_eq(read_byte(r), 0xFF);
    ck_assert_int_eq(read_byte(r), 0x00);
    ck_assert_int_eq(read_byte(r), 0x08);
    ck_assert_int_eq(read_byte(r), 45);
    ck_assert_int_eq(read_byte(r), 0x00);
    /* status request */
    bench_out8(b, CMD, 0xD4);
    bench_out8(b, DATA, 0xE9);
    ck_assert_int_eq(read_byte(r), 0xFA);
    ck_assert_int_eq(read_byte(r), 0x20);
    ck_assert_int_eq(read_byte(r), 2);
    ck_assert_int_eq(read_byte(r), 100);
    /* controller-written aux byte */
    bench_out8(b, CMD, 0xD3);
    bench_out8(b, DATA, 0x77);
    bench_run_ns(b, GAP_NS);
    ck_assert_uint_eq(bench_in8(b, CMD) & 0x20, 0x20);
    ck_assert_int_eq(read_byte(r), 0x77);
    rig_free(r);
}
END_TEST

START_TEST(kbc_fuzz_and_state)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    uint32_t x = 7;
    for (int i = 0; i < 30000; i++) {
        x = x * 1103515245u + 12345u;
        switch ((x >> 28) & 7) {
        case 0: bench_out8(b, CMD, (uint8_t)(x >> 8)); break;
        case 1: case 2: bench_out8(b, DATA, (uint8_t)(x >> 8)); break;
        case 3: (void)bench_in8(b, DATA); break;
        case 4: (void)bench_in8(b, CMD); break;
        case 5: key(r, (x & 0x100) ? (uint16_t)(0xE000 | (x >> 16 & 0xff)) : (uint16_t)(x >> 16 & 0x1ff), x & 1); break;
        case 6: r->in.mouse(r->in.dev, (int)(x >> 8 & 0x3ff) - 512, (int)(x >> 4 & 0x3ff) - 512, (int)(x & 7) - 4, x >> 12); break;
        case 7: bench_run_ns(b, (x >> 8) & 0x3ffff); break;
        }
    }
    Machine *m = bench_machine(b);
    for (int i = 0; i < machine_device_count(m); i++) {
        const DeviceInfo *info;
        void *dev = machine_device(m, i, &info);
        ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
        if (info->post_load)
            info->post_load(dev);
    }
    machine_reset_devices(m);
    ck_assert_uint_eq(bench_in8(b, CMD) & 1, 0);
    rig_free(r);
}
END_TEST

Suite *kbc_suite(void)
{
    Suite *s = suite_create("kbc");
    TCase *tc = tcase_create("kbc");
    tcase_add_test(tc, kbc_command_byte_and_self_test);
    tcase_add_test(tc, kbc_typed_key_set1_with_irq);
    tcase_add_test(tc, kbc_translation_off_gives_set2);
    tcase_add_test(tc, kbc_keyboard_commands);
    tcase_add_test(tc, kbc_a20_and_reset);
    tcase_add_test(tc, kbc_mouse_packet_irq12);
    tcase_add_test(tc, kbc_fuzz_and_state);
    suite_add_tcase(s, tc);
    return s;
}
