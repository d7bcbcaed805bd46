/*
 * tests/test_pic.c - 8259A pair: initialisation, priority, EOI flavours,
 * IRR/ISR/IMR reads, spurious IR7/IR15, level mode through the ELCR,
 * cascade, AEOI, rotation, poll, special mask mode, fuzz, state table.
 */
#include <check.h>

#include "hw/pic.h"
#include "tests/bench.h"

typedef struct PicBench {
    Bench *b;
    IrqProbe *intr;
    Pic *pic;
} PicBench;

/* The BIOS's programming: master vectors 08h, slave 70h, 8086 mode. */
static void pic_bios_init(Bench *b, uint8_t icw4)
{
    bench_out8(b, 0x20, 0x11);
    bench_out8(b, 0x21, 0x08);
    bench_out8(b, 0x21, 0x04);
    bench_out8(b, 0x21, icw4);
    bench_out8(b, 0xa0, 0x11);
    bench_out8(b, 0xa1, 0x70);
    bench_out8(b, 0xa1, 0x02);
    bench_out8(b, 0xa1, icw4);
    bench_out8(b, 0x21, 0x00);
    bench_out8(b, 0xa1, 0x00);
}

static PicBench pic_bench(uint8_t icw4)
{
    PicBench pb;
    pb.b = bench_new(0);
    pb.intr = bench_irq_probe(pb.b, "intr");
    pb.pic = pic_create(bench_machine(pb.b), irq_probe_line(pb.intr));
    pic_bios_init(pb.b, icw4);
    return pb;
}

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->name; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

static uint8_t read_isr(Bench *b, uint16_t port)
{
    bench_out8(b, port, 0x0b);
    uint8_t v = bench_in8(b, port);
    bench_out8(b, port, 0x0a);
    return v;
}

START_TEST(pic_priority_and_nonspecific_eoi)
{
    PicBench pb = pic_bench(0x01);
    IrqLine irq1 = pic_irq(pb.pic, 1), irq3 = pic_irq(pb.pic, 3);
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    irq_raise(irq3);
    irq_raise(irq1);
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);
    ck_assert_uint_eq(bench_in8(pb.b, 0x20), 0x0a);         /* IRR */
    ck_assert_int_eq(pic_intack(pb.pic), 0x09);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x02);
    ck_assert_uint_eq(bench_in8(pb.b, 0x20), 0x08);         /* IRR1 cleared */
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);          /* IR3 waits */
    ck_assert(!pic_intr_pending(pb.pic));
    /* IR0 outranks IR1 in service: nested interrupt. */
    irq_raise(pic_irq(pb.pic, 0));
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);
    ck_assert_int_eq(pic_intack(pb.pic), 0x08);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x03);
    bench_out8(pb.b, 0x20, 0x20);                          /* EOI IR0 */
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x02);
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    bench_out8(pb.b, 0x20, 0x20);                          /* EOI IR1 */
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);
    ck_assert_int_eq(pic_intack(pb.pic), 0x0b);
    bench_out8(pb.b, 0x20, 0x63);                          /* specific EOI 3 */
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x00);
    /* Edge triggered: a line held high does not request again. */
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    bench_free(pb.b);
}
END_TEST

START_TEST(pic_imr_masks_and_reads_back)
{
    PicBench pb = pic_bench(0x01);
    bench_out8(pb.b, 0x21, 0xfb);
    ck_assert_uint_eq(bench_in8(pb.b, 0x21), 0xfb);
    irq_raise(pic_irq(pb.pic, 4));
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    ck_assert_uint_eq(bench_in8(pb.b, 0x20), 0x10);          /* still in IRR */
    bench_out8(pb.b, 0x21, 0xeb);
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);
    ck_assert_int_eq(pic_intack(pb.pic), 0x0c);
    bench_free(pb.b);
}
END_TEST

/* The slave's INT reaches master IR2 as a level and INTA is atomic, so a
 * slave request that vanishes before INTA gives the master's IR7 too (the
 * 8259A's IR15 case needs the request to drop between the INTA pulses). */
START_TEST(pic_spurious_ir7)
{
    PicBench pb = pic_bench(0x01);
    /* Level-triggered IRQ5 goes away before INTA: spurious IR7. */
    bench_out8(pb.b, 0x4d0, 0x20);
    irq_raise(pic_irq(pb.pic, 5));
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);
    irq_lower(pic_irq(pb.pic, 5));
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    ck_assert_int_eq(pic_intack(pb.pic), 0x0f);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x00);          /* no ISR bit */
    /* Same through the slave. */
    bench_out8(pb.b, 0x4d1, 0x08);                           /* IRQ11 level */
    irq_raise(pic_irq(pb.pic, 11));
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);
    bench_out8(pb.b, 0xa1, 0x08);       /* masked between INT and INTA */
    ck_assert_int_eq(pic_intack(pb.pic), 0x0f);              /* master idle now */
    bench_out8(pb.b, 0xa1, 0x00);
    /* Unmasked again: the slave request is serviced normally. */
    ck_assert_int_eq(pic_intack(pb.pic), 0x73);
    bench_out8(pb.b, 0xa0, 0x20);
    bench_out8(pb.b, 0x20, 0x20);
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);           /* level: again */
    irq_lower(pic_irq(pb.pic, 11));
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    bench_free(pb.b);
}
END_TEST

START_TEST(pic_level_mode_via_elcr)
{
    PicBench pb = pic_bench(0x01);
    bench_out8(pb.b, 0x4d0, 0xff);
    bench_out8(pb.b, 0x4d1, 0xff);
    ck_assert_uint_eq(bench_in8(pb.b, 0x4d0), 0xf8);         /* IRQ0-2 edge */
    ck_assert_uint_eq(bench_in8(pb.b, 0x4d1), 0xde);         /* IRQ8, 13 edge */
    IrqLine irq10 = pic_irq(pb.pic, 10);
    irq_raise(irq10);
    ck_assert_int_eq(pic_intack(pb.pic), 0x72);
    ck_assert_uint_eq(read_isr(pb.b, 0xa0), 0x04);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x04);
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    bench_out8(pb.b, 0xa0, 0x20);
    bench_out8(pb.b, 0x20, 0x20);
    /* Still asserted: a level input requests again after EOI. */
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);
    ck_assert_int_eq(pic_intack(pb.pic), 0x72);
    irq_lower(irq10);
    bench_out8(pb.b, 0xa0, 0x20);
    bench_out8(pb.b, 0x20, 0x20);
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    ck_assert_uint_eq(bench_in8(pb.b, 0xa0), 0x00);
    /* Edge input pulsed: latched in IRR although the line is low again. */
    irq_pulse(pic_irq(pb.pic, 8));
    ck_assert_int_eq(pic_intack(pb.pic), 0x70);
    bench_free(pb.b);
}
END_TEST

START_TEST(pic_cascade_priority)
{
    PicBench pb = pic_bench(0x01);
    irq_raise(pic_irq(pb.pic, 12));
    irq_raise(pic_irq(pb.pic, 3));
    irq_raise(pic_irq(pb.pic, 9));
    ck_assert_uint_eq(bench_in8(pb.b, 0xa0), 0x12);
    /* IRQ8-15 rank between IRQ1 and IRQ3 (master IR2). */
    ck_assert_int_eq(pic_intack(pb.pic), 0x71);
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    bench_out8(pb.b, 0xa0, 0x20);
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);          /* master IR2 busy */
    bench_out8(pb.b, 0x20, 0x20);
    ck_assert_int_eq(pic_intack(pb.pic), 0x74);
    bench_out8(pb.b, 0xa0, 0x20);
    bench_out8(pb.b, 0x20, 0x20);
    ck_assert_int_eq(pic_intack(pb.pic), 0x0b);
    /* ISA IRQ2 is redirected to IRQ9 on an AT. */
    bench_out8(pb.b, 0x20, 0x20);
    irq_lower(pic_irq(pb.pic, 9));
    irq_raise(pic_irq(pb.pic, 2));
    ck_assert_int_eq(pic_intack(pb.pic), 0x71);
    bench_free(pb.b);
}
END_TEST

START_TEST(pic_aeoi_and_rotation)
{
    PicBench pb = pic_bench(0x03);                           /* AEOI */
    irq_raise(pic_irq(pb.pic, 6));
    ck_assert_int_eq(pic_intack(pb.pic), 0x0e);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x00);
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    /* Rotate in AEOI: the serviced IR becomes the lowest priority. */
    bench_out8(pb.b, 0x20, 0x80);
    irq_raise(pic_irq(pb.pic, 1));
    ck_assert_int_eq(pic_intack(pb.pic), 0x09);
    irq_raise(pic_irq(pb.pic, 0));
    irq_raise(pic_irq(pb.pic, 4));
    ck_assert_int_eq(pic_intack(pb.pic), 0x0c);             /* IR2..IR0 order */
    bench_out8(pb.b, 0x20, 0x00);                           /* stop rotating */
    ck_assert_int_eq(pic_intack(pb.pic), 0x08);
    bench_free(pb.b);

    pb = pic_bench(0x01);
    /* Set priority: IR3 lowest, so IR4 is the highest. */
    bench_out8(pb.b, 0x20, 0xc3);
    irq_raise(pic_irq(pb.pic, 1));
    irq_raise(pic_irq(pb.pic, 5));
    ck_assert_int_eq(pic_intack(pb.pic), 0x0d);
    /* Rotate on non-specific EOI: IR5 becomes lowest, IR6 highest. */
    bench_out8(pb.b, 0x20, 0xa0);
    irq_raise(pic_irq(pb.pic, 7));
    ck_assert_int_eq(pic_intack(pb.pic), 0x0f);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x80);
    /* Rotate on specific EOI 7: IR0 highest again. */
    bench_out8(pb.b, 0x20, 0xe7);
    irq_raise(pic_irq(pb.pic, 0));
    ck_assert_int_eq(pic_intack(pb.pic), 0x08);
    bench_free(pb.b);
}
END_TEST

START_TEST(pic_poll_and_special_mask)
{
    PicBench pb = pic_bench(0x01);
    bench_out8(pb.b, 0x21, 0xff);
    irq_raise(pic_irq(pb.pic, 3));
    bench_out8(pb.b, 0x21, 0x00);
    bench_out8(pb.b, 0x20, 0x0c);                           /* poll */
    ck_assert_uint_eq(bench_in8(pb.b, 0x20), 0x83);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x08);
    bench_out8(pb.b, 0x20, 0x0c);
    ck_assert_uint_eq(bench_in8(pb.b, 0x20), 0x00);         /* nothing left */
    /* Special mask mode: mask IR3 in service, IR5 gets through. */
    irq_raise(pic_irq(pb.pic, 5));
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    bench_out8(pb.b, 0x21, 0x08);
    bench_out8(pb.b, 0x20, 0x68);                           /* ESMM|SMM */
    ck_assert_int_eq(irq_probe_level(pb.intr), 1);
    ck_assert_int_eq(pic_intack(pb.pic), 0x0d);
    bench_out8(pb.b, 0x20, 0x48);                           /* SMM off */
    bench_out8(pb.b, 0x20, 0x65);
    bench_out8(pb.b, 0x20, 0x63);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x00);
    bench_free(pb.b);
}
END_TEST

START_TEST(pic_icw1_resets_state)
{
    PicBench pb = pic_bench(0x01);
    irq_raise(pic_irq(pb.pic, 4));
    ck_assert_int_eq(pic_intack(pb.pic), 0x0c);
    bench_out8(pb.b, 0x21, 0x55);
    bench_out8(pb.b, 0x20, 0x13);           /* single, ICW4 */
    bench_out8(pb.b, 0x21, 0x20);
    bench_out8(pb.b, 0x21, 0x01);
    ck_assert_uint_eq(bench_in8(pb.b, 0x21), 0x00);
    ck_assert_uint_eq(read_isr(pb.b, 0x20), 0x00);
    ck_assert_uint_eq(bench_in8(pb.b, 0x20), 0x00);         /* edge sense reset */
    irq_lower(pic_irq(pb.pic, 4));
    irq_raise(pic_irq(pb.pic, 4));
    ck_assert_int_eq(pic_intack(pb.pic), 0x24);
    bench_free(pb.b);
}
END_TEST

START_TEST(pic_fuzz_and_state)
{
    PicBench pb = pic_bench(0x01);
    static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };
    uint32_t seed = 12345;
    for (int i = 0; i < 200000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        switch (r % 5) {
        case 0: bench_out8(pb.b, ports[(r >> 3) % 6], (uint8_t)(r >> 11)); break;
        case 1: (void)bench_in8(pb.b, ports[(r >> 3) % 6]); break;
        case 2: irq_set(pic_irq(pb.pic, (int)((r >> 3) % 18) - 1), (r >> 9) & 1); break;
        case 3: {
            int v = pic_intack(pb.pic);
            ck_assert(v >= 0 && v <= 255);
            break;
        }
        default: (void)pic_intr_pending(pb.pic); break;
        }
        /* INT output and the probe always agree. */
        ck_assert_int_eq(irq_probe_level(pb.intr), pic_intr_pending(pb.pic));
    }
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(pb.b), 0, &info);
    ck_assert_str_eq(info->name, "pic");
    ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
    info->post_load(dev);
    info->reset(dev);
    ck_assert_int_eq(irq_probe_level(pb.intr), 0);
    bench_free(pb.b);
}
END_TEST

Suite *pic_suite(void)
{
    Suite *s = suite_create("pic");
    TCase *tc = tcase_create("pic");
    tcase_add_test(tc, pic_priority_and_nonspecific_eoi);
    tcase_add_test(tc, pic_imr_masks_and_reads_back);
    tcase_add_test(tc, pic_spurious_ir7);
    tcase_add_test(tc, pic_level_mode_via_elcr);
    tcase_add_test(tc, pic_cascade_priority);
    tcase_add_test(tc, pic_aeoi_and_rotation);
    tcase_add_test(tc, pic_poll_and_special_mask);
    tcase_add_test(tc, pic_icw1_resets_state);
    tcase_add_test(tc, pic_fuzz_and_state);
    suite_add_tcase(s, tc);
    return s;
}
