/*
 * tests/test_ide.c - IDE channel + ATA disk: IDENTIFY, CHS/LBA28/LBA48 PIO,
 * multiple mode, resets, errors, absent devices.
 */
#include <check.h>

#include "hw/ide.h"
#include "tests/bench.h"

#define CMD 0x1F0
#define CTL 0x3F6
#define DISK_SECTORS 8192u          /* 4 MiB: 8 cylinders of 16 x 63 */

enum { R_DATA, R_ERR, R_NSECT, R_LBAL, R_LBAM, R_LBAH, R_DEV, R_STAT };

typedef struct Rig {
    Bench *b;
    IrqProbe *irq;
    Ide *ide;
    uint8_t *img;
    BlockBackend *blk;
} Rig;

static uint8_t pat(uint32_t lba, unsigned i)
{
    return (uint8_t)(lba ^ (lba >> 8) ^ (i * 31u) ^ (i >> 8));
}

static Rig *rig_new(bool read_only)
{
    Rig *r = xzalloc(sizeof *r);
    r->b = bench_new(0);
    r->irq = bench_irq_probe(r->b, "irq14");
    r->ide = ide_create(bench_machine(r->b), CMD, CTL, irq_probe_line(r->irq));
    r->img = xzalloc((size_t)DISK_SECTORS * 512);
    for (uint32_t s = 0; s < DISK_SECTORS; s++)
        for (unsigned i = 0; i < 512; i++)
            r->img[s * 512 + i] = pat(s, i);
    r->blk = blk_new_mem(r->img, (uint64_t)DISK_SECTORS * 512, read_only);
    ck_assert_int_eq(ide_attach_disk(r->ide, 0, r->blk), 0);
    return r;
}

static void rig_free(Rig *r)
{
    bench_free(r->b);
    blk_close(r->blk);
    free(r->img);
    free(r);
}

static uint8_t status(Rig *r) { return bench_in8(r->b, CMD + R_STAT); }
static uint8_t alt_status(Rig *r) { return bench_in8(r->b, CTL); }

/* Step guest time until BSY clears (bounded). */
static uint8_t wait_ready(Rig *r)
{
    for (int i = 0; i < 100 && (alt_status(r) & 0x80); i++)
        bench_run_ns(r->b, 1000);
    return alt_status(r);
}

static void set_lba28(Rig *r, uint32_t lba, uint8_t count)
{
    bench_out8(r->b, CMD + R_DEV, (uint8_t)(0xE0 | (lba >> 24)));
    bench_out8(r->b, CMD + R_NSECT, count);
    bench_out8(r->b, CMD + R_LBAL, (uint8_t)lba);
    bench_out8(r->b, CMD + R_LBAM, (uint8_t)(lba >> 8));
    bench_out8(r->b, CMD + R_LBAH, (uint8_t)(lba >> 16));
}

static void read_words(Rig *r, uint8_t *dst, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i += 2) {
        uint16_t w = (uint16_t)bench_in(r->b, CMD, 2);
        dst[i] = (uint8_t)w;
        dst[i + 1] = (uint8_t)(w >> 8);
    }
}

static void check_sector(const uint8_t *buf, uint32_t lba)
{
    for (unsigned i = 0; i < 512; i++)
        ck_assert_uint_eq(buf[i], pat(lba, i));
}

static uint16_t word(const uint8_t *id, unsigned w) { return (uint16_t)(id[2 * w] | id[2 * w + 1] << 8); }

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->type != SF_T_END; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

START_TEST(ide_identify_words)
{
    Rig *r = rig_new(false);
    uint8_t id[512];
    bench_out8(r->b, CMD + R_DEV, 0xA0);
    bench_out8(r->b, CMD + R_STAT, 0xEC);
    ck_assert_uint_eq(alt_status(r) & 0x88, 0x80);      /* BSY, no DRQ yet */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_uint_eq(wait_ready(r) & 0xC9, 0x48);      /* DRDY DRQ */
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    ck_assert_uint_eq(alt_status(r) & 0x08, 0x08);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);       /* alt status keeps it */
    status(r);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    read_words(r, id, 512);
    ck_assert_uint_eq(status(r) & 0x89, 0x00);
    ck_assert_uint_eq(word(id, 0), 0x0040);
    ck_assert_uint_eq(word(id, 1), 8);
    ck_assert_uint_eq(word(id, 3), 16);
    ck_assert_uint_eq(word(id, 6), 63);
    ck_assert_uint_eq(word(id, 27), ('E' << 8) | 'M');
    ck_assert_uint_eq(word(id, 28), ('U' << 8) | ' ');
    ck_assert_uint_eq(word(id, 29), ('H' << 8) | 'A');
    ck_assert_uint_eq(word(id, 46), 0x2020);
    ck_assert_uint_eq(word(id, 10), ('E' << 8) | 'M');
    ck_assert_uint_eq(word(id, 47) & 0xff, 16);
    ck_assert_uint_eq(word(id, 49) & 0x0200, 0x0200);
    ck_assert_uint_eq(word(id, 53) & 1, 1);
    ck_assert_uint_eq(word(id, 54), 8);
    ck_assert_uint_eq(word(id, 55), 16);
    ck_assert_uint_eq(word(id, 56), 63);
    ck_assert_uint_eq(word(id, 57) | (uint32_t)word(id, 58) << 16, 8 * 16 * 63);
    ck_assert_uint_eq(word(id, 60) | (uint32_t)word(id, 61) << 16, DISK_SECTORS);
    ck_assert_uint_eq(word(id, 83) & 0x0400, 0x0400);
    ck_assert_uint_eq(word(id, 86) & 0x0400, 0x0400);
    ck_assert_uint_eq(word(id, 100), DISK_SECTORS);
    ck_assert_uint_eq(word(id, 101) | word(id, 102) | word(id, 103), 0);
    rig_free(r);
}
END_TEST

START_TEST(ide_chs_and_lba28_read)
{
    Rig *r = rig_new(false);
    uint8_t buf[512];
    /* CHS: cylinder 1, head 2, sector 5 -> LBA (1*16+2)*63+4 = 1138 */
    bench_out8(r->b, CMD + R_DEV, 0xA2);
    bench_out8(r->b, CMD + R_NSECT, 2);
    bench_out8(r->b, CMD + R_LBAL, 5);
    bench_out8(r->b, CMD + R_LBAM, 1);
    bench_out8(r->b, CMD + R_LBAH, 0);
    bench_out8(r->b, CMD + R_STAT, 0x20);
    ck_assert_uint_eq(wait_ready(r) & 0x08, 0x08);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 1);
    status(r);
    read_words(r, buf, 512);
    check_sector(buf, 1138);
    ck_assert_uint_eq(alt_status(r) & 0x88, 0x80);      /* BSY between blocks */
    ck_assert_uint_eq(wait_ready(r) & 0x08, 0x08);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 2);
    status(r);
    read_words(r, buf, 512);
    check_sector(buf, 1139);
    ck_assert_uint_eq(status(r), 0x50);
    /* LBA28 with 32-bit data port reads */
    set_lba28(r, 4000, 1);
    bench_out8(r->b, CMD + R_STAT, 0x20);
    wait_ready(r);
    for (unsigned i = 0; i < 512; i += 4) {
        uint32_t v = bench_in(r->b, CMD, 4);
        for (unsigned k = 0; k < 4; k++)
            buf[i + k] = (uint8_t)(v >> (8 * k));
    }
    check_sector(buf, 4000);
    ck_assert_uint_eq(status(r), 0x50);
    rig_free(r);
}
END_TEST

START_TEST(ide_lba28_write_and_chs_translation)
{
    Rig *r = rig_new(false);
    set_lba28(r, 1000, 3);
    bench_out8(r->b, CMD + R_STAT, 0x30);
    ck_assert_uint_eq(wait_ready(r) & 0x08, 0x08);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 0);   /* none before block 1 */
    for (int s = 0; s < 3; s++) {
        for (unsigned i = 0; i < 512; i += 2)
            bench_out(r->b, CMD, (uint32_t)((s + 1) * 0x1111 + i) & 0xffff, 2);
        wait_ready(r);
        ck_assert_int_eq(irq_probe_rising_edges(r->irq), s + 1);
        status(r);
    }
    ck_assert_uint_eq(status(r), 0x50);
    for (int s = 0; s < 3; s++)
        for (unsigned i = 0; i < 512; i += 2) {
            uint16_t w = (uint16_t)((s + 1) * 0x1111 + i);
            ck_assert_uint_eq(r->img[(1000 + s) * 512 + i], w & 0xff);
            ck_assert_uint_eq(r->img[(1000 + s) * 512 + i + 1], w >> 8);
        }
    ck_assert_uint_eq(r->img[1003 * 512], pat(1003, 0));
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors; C0 H1 S2 = LBA 18 */
    bench_out8(r->b, CMD + R_DEV, 0xA3);
    bench_out8(r->b, CMD + R_NSECT, 17);
    bench_out8(r->b, CMD + R_STAT, 0x91);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    bench_out8(r->b, CMD + R_DEV, 0xA1);
    bench_out8(r->b, CMD + R_NSECT, 1);
    bench_out8(r->b, CMD + R_LBAL, 2);
    bench_out8(r->b, CMD + R_LBAM, 0);
    bench_out8(r->b, CMD + R_LBAH, 0);
    bench_out8(r->b, CMD + R_STAT, 0x20);
    wait_ready(r);
    uint8_t buf[512];
    read_words(r, buf, 512);
    check_sector(buf, 18);
    /* sector 18 does not exist on a 17-sector track */
    bench_out8(r->b, CMD + R_LBAL, 18);
    bench_out8(r->b, CMD + R_STAT, 0x20);
    ck_assert_uint_eq(wait_ready(r) & 0x01, 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR) & 0x10, 0x10);
    rig_free(r);
}
END_TEST

START_TEST(ide_lba48_read_write_and_hob)
{
    Rig *r = rig_new(false);
    uint8_t buf[512];
    /* LBA 0x000000001F40 = 8000, count 0x0002: high bytes first */
    bench_out8(r->b, CMD + R_DEV, 0x40);
    bench_out8(r->b, CMD + R_NSECT, 0x00);
    bench_out8(r->b, CMD + R_NSECT, 0x02);
    bench_out8(r->b, CMD + R_LBAL, 0x00);
    bench_out8(r->b, CMD + R_LBAL, 0x40);
    bench_out8(r->b, CMD + R_LBAM, 0x00);
    bench_out8(r->b, CMD + R_LBAM, 0x1F);
    bench_out8(r->b, CMD + R_LBAH, 0x00);
    bench_out8(r->b, CMD + R_LBAH, 0x00);
    bench_out8(r->b, CTL, 0x80);                    /* HOB */
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT), 0x00);
    bench_out8(r->b, CTL, 0x00);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT), 0x02);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0x1F);
    bench_out8(r->b, CMD + R_STAT, 0x24);
    wait_ready(r);
    read_words(r, buf, 512);
    check_sector(buf, 8000);
    wait_ready(r);
    read_words(r, buf, 512);
    check_sector(buf, 8001);
    ck_assert_uint_eq(status(r), 0x50);
    /* WRITE SECTORS EXT one sector at 8191 (the last) */
    bench_out8(r->b, CMD + R_NSECT, 0x00);
    bench_out8(r->b, CMD + R_NSECT, 0x01);
    bench_out8(r->b, CMD + R_LBAL, 0x00);
    bench_out8(r->b, CMD + R_LBAL, 0xFF);
    bench_out8(r->b, CMD + R_LBAM, 0x00);
    bench_out8(r->b, CMD + R_LBAM, 0x1F);
    bench_out8(r->b, CMD + R_STAT, 0x34);
    wait_ready(r);
    for (unsigned i = 0; i < 256; i++)
        bench_out(r->b, CMD, 0xBEEF, 2);
    wait_ready(r);
    ck_assert_uint_eq(status(r), 0x50);
    ck_assert_uint_eq(r->img[8191 * 512], 0xEF);
    ck_assert_uint_eq(r->img[8191 * 512 + 511], 0xBE);
    /* a high LBA48 address is past the end: IDNF */
    bench_out8(r->b, CMD + R_LBAH, 0x01);
    bench_out8(r->b, CMD + R_LBAH, 0x00);
    bench_out8(r->b, CMD + R_STAT, 0x24);
    ck_assert_uint_eq(wait_ready(r) & 0x09, 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x10);
    rig_free(r);
}
END_TEST

START_TEST(ide_read_multiple_blocks)
{
    Rig *r = rig_new(false);
    uint8_t buf[512];
    set_lba28(r, 10, 10);
    bench_out8(r->b, CMD + R_STAT, 0xC4);           /* no multiple mode yet */
    ck_assert_uint_eq(wait_ready(r) & 0x01, 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x04);
    bench_out8(r->b, CMD + R_NSECT, 3);             /* not a power of two */
    bench_out8(r->b, CMD + R_STAT, 0xC6);
    ck_assert_uint_eq(wait_ready(r) & 0x01, 0x01);
    bench_out8(r->b, CMD + R_NSECT, 4);
    bench_out8(r->b, CMD + R_STAT, 0xC6);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    status(r);
    irq_probe_clear(r->irq);
    set_lba28(r, 10, 10);
    bench_out8(r->b, CMD + R_STAT, 0xC4);
    static const int blocks[] = { 4, 4, 2 };
    uint32_t lba = 10;
    for (int blk = 0; blk < 3; blk++) {
        ck_assert_uint_eq(wait_ready(r) & 0x08, 0x08);
        ck_assert_int_eq(irq_probe_rising_edges(r->irq), blk + 1);
        status(r);
        for (int s = 0; s < blocks[blk]; s++) {
            if (s)
                ck_assert_uint_eq(alt_status(r) & 0x08, 0x08);   /* DRQ stays up */
            read_words(r, buf, 512);
            check_sector(buf, lba++);
        }
    }
    ck_assert_uint_eq(status(r), 0x50);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 3);
    /* WRITE MULTIPLE: 6 sectors = blocks of 4 and 2 */
    set_lba28(r, 100, 6);
    bench_out8(r->b, CMD + R_STAT, 0xC5);
    wait_ready(r);
    for (unsigned i = 0; i < 4 * 256; i++)
        bench_out(r->b, CMD, 0x1234, 2);
    ck_assert_uint_eq(wait_ready(r) & 0x08, 0x08);
    for (unsigned i = 0; i < 2 * 256; i++)
        bench_out(r->b, CMD, 0x1234, 2);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    ck_assert_uint_eq(r->img[105 * 512 + 510], 0x34);
    ck_assert_uint_eq(r->img[106 * 512], pat(106, 0));
    rig_free(r);
}
END_TEST

START_TEST(ide_srst_signature_and_errors)
{
    Rig *r = rig_new(false);
    set_lba28(r, 5, 7);
    bench_out8(r->b, CMD + R_STAT, 0x20);
    wait_ready(r);
    bench_out8(r->b, CTL, 0x04);
    ck_assert_uint_eq(alt_status(r) & 0x80, 0x80);
    bench_out8(r->b, CTL, 0x00);
    ck_assert_uint_eq(status(r), 0x50);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT), 1);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAL), 1);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 1);
    /* IDNF past the end */
    set_lba28(r, DISK_SECTORS - 1, 2);
    bench_out8(r->b, CMD + R_STAT, 0x20);
    ck_assert_uint_eq(wait_ready(r), 0x51);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x10);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    /* unknown command and IDENTIFY PACKET DEVICE abort */
    bench_out8(r->b, CMD + R_STAT, 0xFD);
    ck_assert_uint_eq(wait_ready(r), 0x51);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x04);
    bench_out8(r->b, CMD + R_STAT, 0xA1);
    ck_assert_uint_eq(wait_ready(r), 0x51);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x04);
    /* nIEN masks INTRQ */
    status(r);
    bench_out8(r->b, CTL, 0x02);
    bench_out8(r->b, CMD + R_STAT, 0xE7);           /* FLUSH CACHE */
    ck_assert_uint_eq(wait_ready(r), 0x50);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    bench_out8(r->b, CTL, 0x00);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    /* CHECK POWER MODE, IDLE IMMEDIATE, SET FEATURES, VERIFY, SEEK, DIAG */
    bench_out8(r->b, CMD + R_STAT, 0xE5);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT), 0xFF);
    bench_out8(r->b, CMD + R_STAT, 0xE1);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    bench_out8(r->b, CMD + R_ERR, 0x03);
    bench_out8(r->b, CMD + R_NSECT, 0x0C);
    bench_out8(r->b, CMD + R_STAT, 0xEF);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    set_lba28(r, 100, 50);
    bench_out8(r->b, CMD + R_STAT, 0x40);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    bench_out8(r->b, CMD + R_STAT, 0x70);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    bench_out8(r->b, CMD + R_STAT, 0x10);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    bench_out8(r->b, CMD + R_STAT, 0x90);
    ck_assert_uint_eq(wait_ready(r), 0x50);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAL), 0x01);
    rig_free(r);
}
END_TEST

/* libata's ata_devchk(): a 55h/AAh pattern through the sector count and LBA
 * low registers, read back only if a device holds them. */
static bool libata_devchk(Rig *r, uint8_t dev)
{
    bench_out8(r->b, CMD + R_DEV, dev);
    alt_status(r);
    bench_out8(r->b, CMD + R_NSECT, 0x55);
    bench_out8(r->b, CMD + R_LBAL, 0xaa);
    bench_out8(r->b, CMD + R_NSECT, 0xaa);
    bench_out8(r->b, CMD + R_LBAL, 0x55);
    bench_out8(r->b, CMD + R_NSECT, 0x55);
    bench_out8(r->b, CMD + R_LBAL, 0xaa);
    return bench_in8(r->b, CMD + R_NSECT) == 0x55 && bench_in8(r->b, CMD + R_LBAL) == 0xaa;
}

/*
 * The register sequence of Linux 6.1 ata_sff_softreset() + classification
 * + IDENTIFY on a channel with a master disk and no slave, as traced from
 * ata_piix. Classifying device 1 after the SRST selects it; the channel
 * must still take DEV=0 and the IDENTIFY afterwards (it used to keep the
 * absent slave BSY from the SRST and drop every later write).
 */
START_TEST(ide_libata_softreset_probe)
{
    Rig *r = rig_new(false);
    bench_out8(r->b, CTL, 0x0a);                    /* freeze: nIEN */
    ck_assert_uint_eq(status(r), 0x50);
    ck_assert(libata_devchk(r, 0xa0));
    ck_assert(!libata_devchk(r, 0xb0));
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    ck_assert_uint_eq(alt_status(r), 0x50);
    /* ata_bus_softreset: ctl, ctl|SRST, ctl with 20 us between */
    bench_out8(r->b, CTL, 0x0a);
    bench_run_ns(r->b, 20000);
    bench_out8(r->b, CTL, 0x0e);
    bench_run_ns(r->b, 20000);
    bench_out8(r->b, CTL, 0x0a);
    bench_run_ns(r->b, 150000000);                  /* ATA_WAIT_AFTER_RESET */
    ck_assert_uint_eq(status(r), 0x50);
    /* ata_sff_dev_classify(dev 0): diagnostic 01, ATA signature */
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT), 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAL), 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0x00);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0x00);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_DEV), 0xa0);
    /* dev 1: nothing there, every register but DEV reads 00h */
    bench_out8(r->b, CMD + R_DEV, 0xb0);
    ck_assert_uint_eq(alt_status(r), 0x00);
    ck_assert_uint_eq(status(r), 0x00);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x00);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0x00);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_DEV), 0xb0);
    /* thaw, then back to device 0 for IDENTIFY */
    bench_out8(r->b, CTL, 0x08);
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_DEV), 0xa0);
    ck_assert_uint_eq(alt_status(r), 0x50);
    for (unsigned reg = R_ERR; reg <= R_LBAH; reg++)
        bench_out8(r->b, CMD + reg, 0);
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    irq_probe_clear(r->irq);
    bench_out8(r->b, CMD + R_STAT, 0xec);
    ck_assert_uint_eq(wait_ready(r) & 0x89, 0x08);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 1);
    status(r);
    uint8_t id[512];
    read_words(r, id, 512);
    ck_assert_uint_eq(word(id, 0), 0x0040);
    ck_assert_uint_eq(status(r), 0x50);
    rig_free(r);
}
END_TEST

START_TEST(ide_absent_slave_and_read_only)
{
    Rig *r = rig_new(true);
    bench_out8(r->b, CMD + R_DEV, 0xB0);
    ck_assert_uint_eq(status(r), 0);
    ck_assert_uint_eq(alt_status(r), 0);
    bench_out8(r->b, CMD + R_STAT, 0xEC);
    bench_run_ns(r->b, 100000);
    ck_assert_uint_eq(status(r), 0);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_uint_eq(bench_in(r->b, CMD, 2), 0xffff);
    int c, h, s;
    ck_assert(!ide_disk_geometry(r->ide, 1, &c, &h, &s));
    ck_assert(ide_disk_geometry(r->ide, 0, &c, &h, &s));
    ck_assert_int_eq(c, 8);
    /* a write to a read-only image fails and leaves it untouched */
    bench_out8(r->b, CMD + R_DEV, 0xA0);
    set_lba28(r, 0, 1);
    bench_out8(r->b, CMD + R_STAT, 0x30);
    wait_ready(r);
    for (unsigned i = 0; i < 256; i++)
        bench_out(r->b, CMD, 0, 2);
    ck_assert_uint_eq(wait_ready(r) & 0x01, 0x01);
    ck_assert_uint_eq(r->img[1], pat(0, 1));
    rig_free(r);
}
END_TEST

START_TEST(ide_geometry_by_size)
{
    Bench *b = bench_new(0);
    Ide *ide = ide_create(bench_machine(b), 0x170, 0x376, irq_probe_line(bench_irq_probe(b, "i")));
    static uint8_t dummy[512];
    int c, h, s;
    /* dos.img: 65 x 16 x 63 */
    BlockBackend *k = blk_new_mem(dummy, 65ull * 16 * 63 * 512, false);
    ck_assert_int_eq(ide_attach_disk(ide, 0, k), 0);
    ck_assert(ide_disk_geometry(ide, 0, &c, &h, &s));
    ck_assert_int_eq(c, 65); ck_assert_int_eq(h, 16); ck_assert_int_eq(s, 63);
    /* a classic 615 x 4 x 17 image still gets 16/63 */
    BlockBackend *k2 = blk_new_mem(dummy, 615ull * 4 * 17 * 512, false);
    ck_assert_int_eq(ide_attach_disk(ide, 1, k2), 0);
    ck_assert(ide_disk_geometry(ide, 1, &c, &h, &s));
    ck_assert_int_eq(c, 41); ck_assert_int_eq(h, 16); ck_assert_int_eq(s, 63);
    /* 40 GB caps at 16383 cylinders */
    BlockBackend *k3 = blk_new_mem(dummy, 40000000000ull, false);
    ck_assert_int_eq(ide_attach_disk(ide, 1, k3), 0);
    ck_assert(ide_disk_geometry(ide, 1, &c, &h, &s));
    ck_assert_int_eq(c, 16383);
    ck_assert_int_eq(ide_attach_disk(ide, 2, k3), -1);
    bench_free(b);
    blk_close(k);
    blk_close(k2);
    blk_close(k3);
}
END_TEST

START_TEST(ide_fuzz_and_state)
{
    Rig *r = rig_new(false);
    uint32_t x = 4242;
    for (int i = 0; i < 40000; i++) {
        x = x * 1103515245u + 12345u;
        unsigned reg = (x >> 16) & 7;
        uint8_t v = (uint8_t)(x >> 8);
        switch ((x >> 28) & 7) {
        case 0: case 1:
            /* avoid huge transfers dominating: small counts */
            bench_out8(r->b, CMD + reg, reg == R_NSECT ? (v & 7) : v);
            break;
        case 2: (void)bench_in(r->b, CMD + reg, 1); break;
        case 3: (void)bench_in(r->b, CMD, 1u << ((x >> 4) % 3)); break;
        case 4: bench_out(r->b, CMD, x, 1u << ((x >> 4) % 3)); break;
        case 5: bench_out8(r->b, CTL, v & 0x86); break;
        case 6: (void)bench_in8(r->b, CTL); break;
        case 7: bench_run_ns(r->b, (x >> 4) & 0x3fff); break;
        }
    }
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(r->b), 0, &info);
    ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
    info->post_load(dev);
    bench_out8(r->b, CTL, 0x04);
    bench_out8(r->b, CTL, 0x00);
    ck_assert_uint_eq(status(r), 0x50);
    rig_free(r);
}
END_TEST

Suite *ide_suite(void)
{
    Suite *s = suite_create("ide");
    TCase *tc = tcase_create("ide");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, ide_identify_words);
    tcase_add_test(tc, ide_chs_and_lba28_read);
    tcase_add_test(tc, ide_lba28_write_and_chs_translation);
    tcase_add_test(tc, ide_lba48_read_write_and_hob);
    tcase_add_test(tc, ide_read_multiple_blocks);
    tcase_add_test(tc, ide_srst_signature_and_errors);
    tcase_add_test(tc, ide_libata_softreset_probe);
    tcase_add_test(tc, ide_absent_slave_and_read_only);
    tcase_add_test(tc, ide_geometry_by_size);
    tcase_add_test(tc, ide_fuzz_and_state);
    suite_add_tcase(s, tc);
    return s;
}
