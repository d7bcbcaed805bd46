/*
 * tests/test_fdc.c - 82077AA: resets, seeks, DMA and PIO transfers, errors.
 */
#include <check.h>

#include "hw/dma.h"
#include "hw/fdc.h"
#include "tests/bench.h"

#define BASE 0x3F0
#define DOR  (BASE + 2)
#define MSR  (BASE + 4)
#define FIFO (BASE + 5)
#define DIR  (BASE + 7)
#define SIZE_144 1474560u
#define BUF_PHYS 0x10000u

typedef struct Rig {
    Bench *b;
    IrqProbe *irq;
    Dma *dma;
    Fdc *f;
    uint8_t *img;
    BlockBackend *blk;
} Rig;

static uint8_t pat(uint32_t lba, unsigned i) { return (uint8_t)(lba * 13u + i * 7u + (i >> 8)); }

static Rig *rig_new(bool read_only)
{
    Rig *r = xzalloc(sizeof *r);
    r->b = bench_new(1024);
    r->irq = bench_irq_probe(r->b, "irq6");
    r->dma = dma_create(bench_machine(r->b));
    r->f = fdc_create(bench_machine(r->b), BASE, irq_probe_line(r->irq), r->dma, 2);
    r->img = xzalloc(SIZE_144);
    for (uint32_t s = 0; s < SIZE_144 / 512; s++)
        for (unsigned i = 0; i < 512; i++)
            r->img[s * 512 + i] = pat(s, i);
    r->blk = blk_new_mem(r->img, SIZE_144, read_only);
    ck_assert_int_eq(fdc_attach(r->f, 0, r->blk), 0);
    return r;
}

static void rig_free(Rig *r)
{
    bench_free(r->b);
    blk_close(r->blk);
    free(r->img);
    free(r);
}

static void send(Rig *r, const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        ck_assert_uint_eq(bench_in8(r->b, MSR) & 0xC0, 0x80);   /* RQM, to FDC */
        bench_out8(r->b, FIFO, bytes[i]);
    }
}

/* Wait (bounded) for the result phase and read it; returns the count. */
static int result(Rig *r, uint8_t *out, int max)
{
    for (int i = 0; i < 200 && (bench_in8(r->b, MSR) & 0xC0) != 0xC0; i++)
        bench_run_ns(r->b, 5000);
    int n = 0;
    while ((bench_in8(r->b, MSR) & 0xC0) == 0xC0 && n < max)
        out[n++] = bench_in8(r->b, FIFO);
    return n;
}

static void sense(Rig *r, uint8_t *st0, uint8_t *pcn)
{
    uint8_t c = 0x08, res[2] = { 0, 0 };
    send(r, &c, 1);
    ck_assert_int_eq(result(r, res, 2), 2);
    *st0 = res[0];
    *pcn = res[1];
}

/* Controller out of reset and the four polling interrupts consumed. */
static void bring_up(Rig *r)
{
    uint8_t st0, pcn;
    bench_out8(r->b, DOR, 0x00);
    bench_out8(r->b, DOR, 0x1C);
    bench_run_ns(r->b, 100000);
    for (int i = 0; i < 4; i++)
        sense(r, &st0, &pcn);
}

static void dma_setup(Rig *r, uint32_t phys, uint16_t count, bool to_memory)
{
    Bench *b = r->b;
    bench_out8(b, 0x0A, 0x06);                  /* mask channel 2 */
    bench_out8(b, 0x0C, 0x00);
    bench_out8(b, 0x0B, to_memory ? 0x46 : 0x4A);
    bench_out8(b, 0x04, (uint8_t)phys);
    bench_out8(b, 0x04, (uint8_t)(phys >> 8));
    bench_out8(b, 0x81, (uint8_t)(phys >> 16));
    bench_out8(b, 0x05, (uint8_t)(count - 1));
    bench_out8(b, 0x05, (uint8_t)((count - 1) >> 8));
    bench_out8(b, 0x0A, 0x02);                  /* unmask */
}

static uint32_t lba_of(int c, int h, int s) { return (uint32_t)((c * 2 + h) * 18 + s - 1); }

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->type != SF_T_END; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

START_TEST(fdc_reset_four_sense_interrupts)
{
    Rig *r = rig_new(false);
    uint8_t st0, pcn;
    bench_out8(r->b, DOR, 0x00);
    ck_assert_uint_eq(bench_in8(r->b, MSR), 0x00);
    bench_out8(r->b, DOR, 0x0C);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);       /* not inside the OUT */
    bench_run_ns(r->b, 100000);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    for (int d = 0; d < 4; d++) {
        sense(r, &st0, &pcn);
        ck_assert_uint_eq(st0, 0xC0 | d);
        ck_assert_uint_eq(pcn, 0);
    }
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    uint8_t c = 0x08, res[2];
    send(r, &c, 1);
    ck_assert_int_eq(result(r, res, 2), 1);
    ck_assert_uint_eq(res[0], 0x80);
    /* DSR software reset does the same */
    bench_out8(r->b, MSR, 0x80);
    bench_run_ns(r->b, 100000);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    sense(r, &st0, &pcn);
    ck_assert_uint_eq(st0, 0xC0);
    rig_free(r);
}
END_TEST

START_TEST(fdc_recalibrate_seek_sense)
{
    Rig *r = rig_new(false);
    uint8_t st0, pcn;
    bring_up(r);
    ck_assert_uint_eq(bench_in8(r->b, DIR) & 0x80, 0x80);  /* changed at attach */
    uint8_t recal[] = { 0x07, 0x00 };
    send(r, recal, 2);
    ck_assert_uint_eq(bench_in8(r->b, MSR) & 0x01, 0x01);  /* drive 0 busy */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    bench_run_ns(r->b, 100000);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    sense(r, &st0, &pcn);
    ck_assert_uint_eq(st0, 0x20);
    ck_assert_uint_eq(pcn, 0);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_uint_eq(bench_in8(r->b, DIR) & 0x80, 0);      /* cleared by a seek */
    uint8_t seek[] = { 0x0F, 0x04, 10 };
    send(r, seek, 3);
    bench_run_ns(r->b, 100000);
    sense(r, &st0, &pcn);
    ck_assert_uint_eq(st0, 0x24);
    ck_assert_uint_eq(pcn, 10);
    uint8_t rel_in[] = { 0xCF, 0x00, 5 };
    send(r, rel_in, 3);
    bench_run_ns(r->b, 100000);
    sense(r, &st0, &pcn);
    ck_assert_uint_eq(pcn, 15);
    uint8_t rel_out[] = { 0x8F, 0x00, 20 };
    send(r, rel_out, 3);
    bench_run_ns(r->b, 100000);
    sense(r, &st0, &pcn);
    ck_assert_uint_eq(pcn, 0);
    uint8_t sds[] = { 0x04, 0x00 }, st3 = 0;
    send(r, sds, 2);
    ck_assert_int_eq(result(r, &st3, 1), 1);
    ck_assert_uint_eq(st3 & 0x78, 0x38);        /* RDY T0 TS, not WP */
    /* eject raises the change line again */
    fdc_attach(r->f, 0, NULL);
    ck_assert_uint_eq(bench_in8(r->b, DIR) & 0x80, 0x80);
    rig_free(r);
}
END_TEST

START_TEST(fdc_read_data_dma)
{
    Rig *r = rig_new(false);
    uint8_t res[7];
    bring_up(r);
    dma_setup(r, BUF_PHYS, 3 * 512, true);
    uint8_t rd[] = { 0x66, 0x00, 1, 0, 1, 2, 18, 0x1B, 0xFF };
    send(r, rd, 9);
    ck_assert_uint_eq(bench_in8(r->b, MSR) & 0x90, 0x10);   /* busy, no RQM */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x00);
    ck_assert_uint_eq(res[1], 0x00);
    ck_assert_uint_eq(res[2], 0x00);
    ck_assert_uint_eq(res[3], 1);
    ck_assert_uint_eq(res[4], 0);
    ck_assert_uint_eq(res[5], 4);
    ck_assert_uint_eq(res[6], 2);
    const uint8_t *ram = bench_ram(r->b) + BUF_PHYS;
    for (int s = 0; s < 3; s++)
        for (unsigned i = 0; i < 512; i++)
            ck_assert_uint_eq(ram[s * 512 + i], pat(lba_of(1, 0, 1 + s), i));
    ck_assert_uint_eq(ram[3 * 512], 0);
    /* multi-track: head 0 sectors 17-18 then head 1 sectors 1-2 */
    dma_setup(r, BUF_PHYS, 4 * 512, true);
    uint8_t mt[] = { 0xE6, 0x00, 0, 0, 17, 2, 18, 0x1B, 0xFF };
    send(r, mt, 9);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x04);            /* ended on head 1 */
    ck_assert_uint_eq(res[4], 1);
    ck_assert_uint_eq(res[5], 3);
    static const int order[4][2] = { { 0, 17 }, { 0, 18 }, { 1, 1 }, { 1, 2 } };
    for (int s = 0; s < 4; s++)
        ck_assert_uint_eq(ram[s * 512 + 5], pat(lba_of(0, order[s][0], order[s][1]), 5));
    /* without MT the read stops at EOT: AT + EN */
    dma_setup(r, BUF_PHYS, 4 * 512, true);
    mt[0] = 0x66;
    send(r, mt, 9);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x40);
    ck_assert_uint_eq(res[1], 0x80);
    /* sector 19 does not exist: ND */
    dma_setup(r, BUF_PHYS, 512, true);
    uint8_t bad[] = { 0x66, 0x00, 0, 0, 19, 2, 19, 0x1B, 0xFF };
    send(r, bad, 9);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x40);
    ck_assert_uint_eq(res[1], 0x04);
    rig_free(r);
}
END_TEST

START_TEST(fdc_write_and_format_dma)
{
    Rig *r = rig_new(false);
    uint8_t res[7];
    bring_up(r);
    uint8_t *ram = bench_ram(r->b);
    for (unsigned i = 0; i < 1024; i++)
        ram[BUF_PHYS + i] = (uint8_t)(0xA0 ^ i);
    dma_setup(r, BUF_PHYS, 1024, false);
    uint8_t wr[] = { 0x45, 0x04, 5, 1, 3, 2, 18, 0x1B, 0xFF };
    send(r, wr, 9);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x04);
    ck_assert_uint_eq(res[5], 5);
    for (unsigned i = 0; i < 1024; i++)
        ck_assert_uint_eq(r->img[lba_of(5, 1, 3) * 512 + i], (uint8_t)(0xA0 ^ i));
    ck_assert_uint_eq(r->img[lba_of(5, 1, 5) * 512], pat(lba_of(5, 1, 5), 0));
    /* FORMAT TRACK cylinder 2 head 0 (after a seek) with filler F6 */
    uint8_t seek[] = { 0x0F, 0x00, 2 }, st0, pcn;
    send(r, seek, 3);
    bench_run_ns(r->b, 100000);
    sense(r, &st0, &pcn);
    for (int s = 0; s < 18; s++) {
        ram[BUF_PHYS + 4 * s] = 2;
        ram[BUF_PHYS + 4 * s + 1] = 0;
        ram[BUF_PHYS + 4 * s + 2] = (uint8_t)(s + 1);
        ram[BUF_PHYS + 4 * s + 3] = 2;
    }
    dma_setup(r, BUF_PHYS, 18 * 4, false);
    uint8_t fmt[] = { 0x4D, 0x00, 2, 18, 0x54, 0xF6 };
    send(r, fmt, 6);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0] & 0xC0, 0x00);
    for (int s = 1; s <= 18; s++)
        ck_assert_uint_eq(r->img[lba_of(2, 0, s) * 512 + 100], 0xF6);
    ck_assert_uint_eq(r->img[lba_of(2, 1, 1) * 512], pat(lba_of(2, 1, 1), 0));
    rig_free(r);
}
END_TEST

START_TEST(fdc_write_protect_and_no_disk)
{
    Rig *r = rig_new(true);
    uint8_t res[7];
    bring_up(r);
    dma_setup(r, BUF_PHYS, 512, false);
    uint8_t wr[] = { 0x45, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF };
    send(r, wr, 9);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x40);
    ck_assert_uint_eq(res[1], 0x02);            /* NW */
    ck_assert_uint_eq(r->img[0], pat(0, 0));
    uint8_t sds[] = { 0x04, 0x00 }, st3 = 0;
    send(r, sds, 2);
    result(r, &st3, 1);
    ck_assert_uint_eq(st3 & 0x40, 0x40);
    /* drive 1 is empty */
    uint8_t rd[] = { 0x46, 0x01, 0, 0, 1, 2, 18, 0x1B, 0xFF };
    send(r, rd, 9);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x49);            /* AT, NR, drive 1 */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);   /* cleared by the read */
    uint8_t rid[] = { 0x4A, 0x00 };
    send(r, rid, 2);
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x00);
    ck_assert_uint_eq(res[6], 2);
    rig_free(r);
}
END_TEST

START_TEST(fdc_pio_read_through_fifo)
{
    Rig *r = rig_new(false);
    uint8_t res[7];
    bring_up(r);
    uint8_t spec[] = { 0x03, 0xDF, 0x03 };      /* ND = 1 */
    send(r, spec, 3);
    uint8_t rd[] = { 0x46, 0x00, 3, 0, 7, 2, 8, 0x1B, 0xFF };
    send(r, rd, 9);
    ck_assert_uint_eq(bench_in8(r->b, MSR) & 0xB0, 0x30);   /* NDMA, CB */
    bench_run_ns(r->b, 100000);
    uint8_t buf[1024];
    for (int i = 0; i < 1024; i++) {
        ck_assert_uint_eq(bench_in8(r->b, MSR) & 0xE0, 0xE0);   /* RQM DIO NDMA */
        buf[i] = bench_in8(r->b, FIFO);
    }
    for (int s = 0; s < 2; s++)
        for (unsigned i = 0; i < 512; i++)
            ck_assert_uint_eq(buf[s * 512 + i], pat(lba_of(3, 0, 7 + s), i));
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(res[0], 0x40);            /* no TC in PIO: AT + EN */
    ck_assert_uint_eq(res[1], 0x80);
    ck_assert_uint_eq(res[3], 4);
    ck_assert_uint_eq(res[5], 1);
    /* PIO write of one sector */
    uint8_t wr[] = { 0x45, 0x00, 3, 0, 9, 2, 9, 0x1B, 0xFF };
    send(r, wr, 9);
    bench_run_ns(r->b, 100000);
    for (int i = 0; i < 512; i++) {
        ck_assert_uint_eq(bench_in8(r->b, MSR) & 0xE0, 0xA0);
        bench_out8(r->b, FIFO, 0x3C);
    }
    ck_assert_int_eq(result(r, res, 7), 7);
    ck_assert_uint_eq(r->img[lba_of(3, 0, 9) * 512 + 511], 0x3C);
    rig_free(r);
}
END_TEST

START_TEST(fdc_misc_commands)
{
    Rig *r = rig_new(false);
    uint8_t res[10];
    bring_up(r);
    uint8_t v = 0x10;
    send(r, &v, 1);
    ck_assert_int_eq(result(r, res, 10), 1);
    ck_assert_uint_eq(res[0], 0x90);
    uint8_t cfg[] = { 0x13, 0x00, 0x47, 0x05 };
    send(r, cfg, 4);
    ck_assert_uint_eq(bench_in8(r->b, MSR) & 0xD0, 0x80);
    uint8_t lock = 0x94;
    send(r, &lock, 1);
    ck_assert_int_eq(result(r, res, 10), 1);
    ck_assert_uint_eq(res[0], 0x10);
    uint8_t perp[] = { 0x12, 0x03 };
    send(r, perp, 2);
    uint8_t dump = 0x0E;
    send(r, &dump, 1);
    ck_assert_int_eq(result(r, res, 10), 10);
    ck_assert_uint_eq(res[7], 0x83);
    ck_assert_uint_eq(res[8], 0x47);
    ck_assert_uint_eq(res[9], 0x05);
    /* locked configuration survives a reset */
    bring_up(r);
    send(r, &dump, 1);
    ck_assert_int_eq(result(r, res, 10), 10);
    ck_assert_uint_eq(res[8], 0x47);
    uint8_t inval = 0x1F;
    send(r, &inval, 1);
    ck_assert_int_eq(result(r, res, 10), 1);
    ck_assert_uint_eq(res[0], 0x80);
    rig_free(r);
}
END_TEST

START_TEST(fdc_geometry_by_size)
{
    Bench *b = bench_new(0);
    Fdc *f = fdc_create(bench_machine(b), BASE, irq_probe_line(bench_irq_probe(b, "i")), NULL, 2);
    static uint8_t dummy[512];
    static const struct { uint64_t size; int c, h, s, type; } t[] = {
        { 163840, 40, 1, 8, 1 }, { 184320, 40, 1, 9, 1 }, { 327680, 40, 2, 8, 1 },
        { 368640, 40, 2, 9, 1 }, { 737280, 80, 2, 9, 3 }, { 1228800, 80, 2, 15, 2 },
        { 1474560, 80, 2, 18, 4 }, { 2949120, 80, 2, 36, 5 }, { 1720320, 80, 2, 21, 4 },
    };
    int c, h, s;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        BlockBackend *k = blk_new_mem(dummy, t[i].size, false);
        ck_assert_int_eq(fdc_attach(f, 1, k), 0);
        ck_assert(fdc_geometry(f, 1, &c, &h, &s));
        ck_assert_int_eq(c, t[i].c);
        ck_assert_int_eq(h, t[i].h);
        ck_assert_int_eq(s, t[i].s);
        ck_assert_int_eq(fdc_drive_type(f, 1), t[i].type);
        fdc_attach(f, 1, NULL);
        blk_close(k);
    }
    BlockBackend *k = blk_new_mem(dummy, 1000000, false);
    ck_assert_int_eq(fdc_attach(f, 0, k), -1);
    ck_assert(!fdc_geometry(f, 0, &c, &h, &s));
    ck_assert_int_eq(fdc_drive_type(f, 0), 0);
    ck_assert_int_eq(fdc_attach(f, 2, k), -1);
    bench_free(b);
    blk_close(k);
}
END_TEST

START_TEST(fdc_fuzz_and_state)
{
    Rig *r = rig_new(false);
    uint32_t x = 31337;
    for (int i = 0; i < 40000; i++) {
        x = x * 1103515245u + 12345u;
        unsigned off = (x >> 16) & 7;
        switch ((x >> 28) & 7) {
        case 0: case 1: case 2: bench_out8(r->b, FIFO, (uint8_t)(x >> 8)); break;
        case 3: bench_out8(r->b, BASE + off, (uint8_t)(x >> 8) | 0x04); break;
        case 4: case 5: (void)bench_in8(r->b, BASE + off); break;
        case 6: bench_out8(r->b, (uint16_t)((x >> 8) & 0x0F), (uint8_t)(x >> 20)); break;
        case 7: bench_run_ns(r->b, (x >> 4) & 0xffff); break;
        }
    }
    Machine *m = bench_machine(r->b);
    for (int i = 0; i < machine_device_count(m); i++) {
        const DeviceInfo *info;
        void *dev = machine_device(m, i, &info);
        ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
        if (info->post_load)
            info->post_load(dev);
    }
    bring_up(r);
    uint8_t v = 0x10, res[1];
    send(r, &v, 1);
    ck_assert_int_eq(result(r, res, 1), 1);
    ck_assert_uint_eq(res[0], 0x90);
    rig_free(r);
}
END_TEST

Suite *fdc_suite(void)
{
    Suite *s = suite_create("fdc");
    TCase *tc = tcase_create("fdc");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, fdc_reset_four_sense_interrupts);
    tcase_add_test(tc, fdc_recalibrate_seek_sense);
    tcase_add_test(tc, fdc_read_data_dma);
    tcase_add_test(tc, fdc_write_and_format_dma);
    tcase_add_test(tc, fdc_write_protect_and_no_disk);
    tcase_add_test(tc, fdc_pio_read_through_fifo);
    tcase_add_test(tc, fdc_misc_commands);
    tcase_add_test(tc, fdc_geometry_by_size);
    tcase_add_test(tc, fdc_fuzz_and_state);
    suite_add_tcase(s, tc);
    return s;
}
