/*
 * tests/test_atapi.c - the ATAPI CD-ROM on an IDE channel: signature and
 * IDENTIFY PACKET DEVICE, PACKET protocol phases with the interrupt reason
 * and byte count registers, INQUIRY, READ CAPACITY, READ(10)/(12), READ
 * TOC, MODE SENSE, GET CONFIGURATION, sense data (no medium, LBA out of
 * range, invalid command, unit attention), bus master DMA through the
 * PIIX3 IDE function into bench RAM, ATA disk DMA, and a fuzz loop.
 */
#include <check.h>

#include "hw/ide.h"
#include "hw/pci.h"
#include "hw/piix.h"
#include "tests/bench.h"

#define CMD 0x170
#define CTL 0x376
#define BM  0xc008                  /* secondary channel's bus master registers */
#define CD_SECTORS 64u

enum { R_DATA, R_ERR, R_NSECT, R_LBAL, R_LBAM, R_LBAH, R_DEV, R_STAT };

typedef struct Rig {
    Bench *b;
    IrqProbe *irq;
    Ide *ide;
    PciBus *bus;
    uint8_t *iso;
    BlockBackend *blk;
} Rig;

static uint8_t pat(uint32_t lba, unsigned i)
{
    return (uint8_t)(lba * 7 + (i ^ (i >> 8)) * 3 + 1);
}

static Rig *rig_new(bool with_medium)
{
    Rig *r = xzalloc(sizeof *r);
    r->b = bench_new(1024);
    Machine *m = bench_machine(r->b);
    r->irq = bench_irq_probe(r->b, "irq15");
    r->ide = ide_create(m, CMD, CTL, irq_probe_line(r->irq));
    r->bus = pci_bus_create(m, NULL);
    ck_assert_ptr_nonnull(piix_ide_create(m, r->bus, PCI_DEVFN(1, 1), NULL, r->ide));
    r->iso = xzalloc((size_t)CD_SECTORS * 2048);
    for (uint32_t s = 0; s < CD_SECTORS; s++)
        for (unsigned i = 0; i < 2048; i++)
            r->iso[s * 2048 + i] = pat(s, i);
    r->blk = blk_new_mem(r->iso, (uint64_t)CD_SECTORS * 2048, true);
    ck_assert_int_eq(ide_attach_cdrom(r->ide, 0, with_medium ? r->blk : NULL), 0);
    /* BAR4 at C000h, I/O space and bus master on. */
    pci_bus_config_write(r->bus, PCI_DEVFN(1, 1), 0x20, 0xc000, 4);
    pci_bus_config_write(r->bus, PCI_DEVFN(1, 1), 0x04, 0x0005, 2);
    return r;
}

static void rig_free(Rig *r)
{
    bench_free(r->b);
    blk_close(r->blk);
    free(r->iso);
    free(r);
}

static uint8_t alt_status(Rig *r) { return bench_in8(r->b, CTL); }

static uint8_t wait_ready(Rig *r)
{
    for (int i = 0; i < 200 && (alt_status(r) & 0x80); i++)
        bench_run_ns(r->b, 1000);
    return alt_status(r);
}

/* PACKET: byte count limit, DMA bit, then the 12 command bytes. */
static void send_packet(Rig *r, const uint8_t *cdb, uint16_t limit, bool dma)
{
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    bench_out8(r->b, CMD + R_ERR, dma ? 1 : 0);
    bench_out8(r->b, CMD + R_LBAM, (uint8_t)limit);
    bench_out8(r->b, CMD + R_LBAH, (uint8_t)(limit >> 8));
    irq_probe_clear(r->irq);
    bench_out8(r->b, CMD + R_STAT, 0xa0);
    uint8_t st = wait_ready(r);
    ck_assert_uint_eq(st & 0x89, 0x08);                  /* DRQ, no BSY/ERR */
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT) & 3, 1);   /* C/D=1, I/O=0 */
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 0);
    for (int i = 0; i < 12; i += 2)
        bench_out(r->b, CMD, cdb[i] | cdb[i + 1] << 8, 2);
}

/* PIO data-in until the status phase; returns the bytes read (at most
 * max), and the final status. */
static unsigned read_reply(Rig *r, uint8_t *buf, unsigned max, uint8_t *status, unsigned *blocks)
{
    unsigned got = 0, nblocks = 0;
    for (;;) {
        uint8_t st = wait_ready(r);
        if (!(st & 0x08))
            break;
        ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT) & 3, 2);   /* I/O=1, C/D=0 */
        unsigned n = bench_in8(r->b, CMD + R_LBAM) | bench_in8(r->b, CMD + R_LBAH) << 8;
        ck_assert_uint_gt(n, 0);
        for (unsigned i = 0; i < n; i += 2) {
            uint16_t w = (uint16_t)bench_in(r->b, CMD, 2);
            if (got < max)
                buf[got] = (uint8_t)w;
            if (got + 1 < max)
                buf[got + 1] = (uint8_t)(w >> 8);
            got += 2;
        }
        nblocks++;
    }
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT) & 3, 3);       /* status phase */
    *status = bench_in8(r->b, CMD + R_STAT);
    if (blocks)
        *blocks = nblocks;
    return got;
}

static uint8_t run_cmd(Rig *r, const uint8_t *cdb, uint8_t *buf, unsigned max, unsigned *len)
{
    uint8_t st;
    send_packet(r, cdb, 0xfffe, false);
    unsigned n = read_reply(r, buf, max, &st, NULL);
    if (len)
        *len = n;
    return st;
}

/* REQUEST SENSE: key << 16 | ASC << 8 | ASCQ. */
static uint32_t sense(Rig *r)
{
    uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 }, s[18];
    unsigned n;
    ck_assert_uint_eq(run_cmd(r, cdb, s, sizeof s, &n) & 0x01, 0);
    ck_assert_uint_eq(n, 18);
    ck_assert_uint_eq(s[0], 0x70);
    return (uint32_t)(s[2] & 15) << 16 | s[12] << 8 | s[13];
}

START_TEST(atapi_signature_and_identify)
{
    Rig *r = rig_new(true);
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT), 1);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAL), 1);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0x14);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0xeb);
    /* IDENTIFY DEVICE aborts and leaves the signature. */
    bench_out8(r->b, CMD + R_STAT, 0xec);
    uint8_t st = wait_ready(r);
    ck_assert_uint_eq(st & 0x01, 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR) & 0x04, 0x04);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0x14);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0xeb);
    /* IDENTIFY PACKET DEVICE. */
    bench_out8(r->b, CMD + R_STAT, 0xa1);
    st = wait_ready(r);
    ck_assert_uint_eq(st & 0x08, 0x08);
    uint16_t id[256];
    for (int i = 0; i < 256; i++)
        id[i] = (uint16_t)bench_in(r->b, CMD, 2);
    ck_assert_uint_eq(id[0], 0x85c0);
    ck_assert_uint_eq(id[49] & 0x0100, 0x0100);
    ck_assert_uint_eq(id[82] & 0x0010, 0x0010);
    ck_assert_uint_eq(id[27], ('E' << 8) | 'M');
    ck_assert_uint_eq(alt_status(r) & 0x08, 0);
    /* SRST: the signature again; DEVICE RESET works while BSY. */
    bench_out8(r->b, CTL, 0x04);
    bench_out8(r->b, CTL, 0x00);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0xeb);
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    bench_out8(r->b, CMD + R_STAT, 0xa1);
    ck_assert_uint_eq(alt_status(r) & 0x80, 0x80);
    bench_out8(r->b, CMD + R_STAT, 0x08);
    wait_ready(r);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0x14);
    ck_assert_uint_eq(alt_status(r) & 0x09, 0);
    rig_free(r);
}
END_TEST

/*
 * Linux 6.1 libata's probe of a channel with an ATAPI master and no
 * slave: SRST, classify device 0 (packet signature 14h EBh, status 00h),
 * classify device 1 (selects it: absent, all 00h), then DEV=0 and
 * IDENTIFY PACKET DEVICE must still reach the drive.
 */
START_TEST(atapi_libata_softreset_probe)
{
    Rig *r = rig_new(true);
    bench_out8(r->b, CTL, 0x0a);
    bench_out8(r->b, CMD + R_DEV, 0xb0);
    ck_assert_uint_eq(alt_status(r), 0x00);
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    bench_out8(r->b, CTL, 0x0a);
    bench_out8(r->b, CTL, 0x0e);
    bench_run_ns(r->b, 20000);
    bench_out8(r->b, CTL, 0x0a);
    bench_run_ns(r->b, 150000000);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_STAT), 0x00);   /* no DRDY: packet device */
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT), 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAL), 0x01);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0x14);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0xeb);
    bench_out8(r->b, CMD + R_DEV, 0xb0);
    ck_assert_uint_eq(alt_status(r), 0x00);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0x00);
    bench_out8(r->b, CTL, 0x08);
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_DEV), 0xa0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 0x14);
    for (unsigned reg = R_ERR; reg <= R_LBAH; reg++)
        bench_out8(r->b, CMD + reg, 0);
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    irq_probe_clear(r->irq);
    bench_out8(r->b, CMD + R_STAT, 0xa1);
    ck_assert_uint_eq(wait_ready(r) & 0x89, 0x08);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 1);
    ck_assert_uint_eq(bench_in(r->b, CMD, 2), 0x85c0);
    rig_free(r);
}
END_TEST

START_TEST(atapi_inquiry_phases)
{
    Rig *r = rig_new(true);
    uint8_t cdb[12] = { 0x12, 0, 0, 0, 36 };
    send_packet(r, cdb, 0xfffe, false);
    ck_assert_uint_eq(alt_status(r) & 0x80, 0x80);       /* BSY while it works */
    uint8_t st = wait_ready(r);
    ck_assert_uint_eq(st & 0x88, 0x08);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 1);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_STAT) & 0x88, 0x08);   /* the ISR's read */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT) & 3, 2);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAM), 36);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0);
    uint8_t d[36];
    for (int i = 0; i < 36; i += 2) {
        uint16_t w = (uint16_t)bench_in(r->b, CMD, 2);
        d[i] = (uint8_t)w;
        d[i + 1] = (uint8_t)(w >> 8);
    }
    ck_assert_uint_eq(d[0], 0x05);
    ck_assert_uint_eq(d[1], 0x80);
    ck_assert_int_eq(memcmp(d + 8, "EMU     ", 8), 0);
    st = wait_ready(r);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 2);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT) & 3, 3);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_STAT) & 0x59, 0x50);   /* DRDY DSC, no DRQ/ERR */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    /* Allocation length cuts the reply. */
    cdb[4] = 5;
    unsigned n;
    run_cmd(r, cdb, d, sizeof d, &n);
    ck_assert_uint_eq(n, 6);                             /* 5 bytes, read as words */
    rig_free(r);
}
END_TEST

START_TEST(atapi_capacity_and_read)
{
    Rig *r = rig_new(true);
    uint8_t buf[16384];
    unsigned n, blocks;
    uint8_t st;
    uint8_t cap[12] = { 0x25 };
    ck_assert_uint_eq(run_cmd(r, cap, buf, sizeof buf, &n) & 1, 0);
    ck_assert_uint_eq(n, 8);
    ck_assert_uint_eq(buf[3], CD_SECTORS - 1);
    ck_assert_uint_eq(buf[6] << 8 | buf[7], 2048);
    /* READ(10): 3 sectors at 5, maximum byte count. */
    uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 5, 0, 0, 3 };
    send_packet(r, rd, 0xfffe, false);
    n = read_reply(r, buf, sizeof buf, &st, &blocks);
    ck_assert_uint_eq(st & 1, 0);
    ck_assert_uint_eq(n, 3 * 2048);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq(buf[i], pat(5 + i / 2048, i % 2048));
    /* READ(12) of 5 sectors at 58 with a small byte count: many DRQ blocks. */
    uint8_t rd12[12] = { 0xa8, 0, 0, 0, 0, 58, 0, 0, 0, 5 };
    send_packet(r, rd12, 1000, false);
    n = read_reply(r, buf, sizeof buf, &st, &blocks);
    ck_assert_uint_eq(st & 1, 0);
    ck_assert_uint_eq(n, 5 * 2048);
    ck_assert_uint_ge(blocks, 10);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq(buf[i], pat(58 + i / 2048, i % 2048));
    /* Past the end: ILLEGAL REQUEST / LBA out of range. */
    uint8_t bad[12] = { 0x28, 0, 0, 0, 0, CD_SECTORS - 1, 0, 0, 2 };
    st = run_cmd(r, bad, buf, sizeof buf, &n);
    ck_assert_uint_eq(st & 1, 1);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR) >> 4, 0x05);
    ck_assert_uint_eq(sense(r), 0x052100);
    ck_assert_uint_eq(sense(r), 0);                     /* sense is consumed */
    rig_free(r);
}
END_TEST

START_TEST(atapi_toc)
{
    Rig *r = rig_new(true);
    uint8_t b[64];
    unsigned n;
    uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 64 };
    ck_assert_uint_eq(run_cmd(r, toc, b, sizeof b, &n) & 1, 0);
    ck_assert_uint_eq(n, 20);
    ck_assert_uint_eq(b[0] << 8 | b[1], 18);
    ck_assert_uint_eq(b[2], 1);
    ck_assert_uint_eq(b[3], 1);
    ck_assert_uint_eq(b[5], 0x14);
    ck_assert_uint_eq(b[6], 1);
    ck_assert_uint_eq(b[8] | b[9] | b[10] | b[11], 0);
    ck_assert_uint_eq(b[14], 0xaa);
    ck_assert_uint_eq(b[19], CD_SECTORS);
    /* MSF: track 1 at 00:02:00, lead-out at 64 + 150 frames = 00:02:64. */
    toc[1] = 0x02;
    run_cmd(r, toc, b, sizeof b, &n);
    ck_assert_uint_eq(b[9], 0);
    ck_assert_uint_eq(b[10], 2);
    ck_assert_uint_eq(b[11], 0);
    ck_assert_uint_eq(b[17], 0);
    ck_assert_uint_eq(b[18], 2);
    ck_assert_uint_eq(b[19], 64);
    /* Format 1: session info. */
    uint8_t ses[12] = { 0x43, 0, 1, 0, 0, 0, 0, 0, 12 };
    run_cmd(r, ses, b, sizeof b, &n);
    ck_assert_uint_eq(n, 12);
    ck_assert_uint_eq(b[1], 10);
    ck_assert_uint_eq(b[6], 1);
    /* Track 2 does not exist. */
    uint8_t bad[12] = { 0x43, 0, 0, 0, 0, 0, 2, 0, 64 };
    ck_assert_uint_eq(run_cmd(r, bad, b, sizeof b, &n) & 1, 1);
    ck_assert_uint_eq(sense(r), 0x052400);
    rig_free(r);
}
END_TEST

START_TEST(atapi_mode_sense_and_config)
{
    Rig *r = rig_new(true);
    uint8_t b[128];
    unsigned n;
    uint8_t ms[12] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 128 };
    ck_assert_uint_eq(run_cmd(r, ms, b, sizeof b, &n) & 1, 0);
    ck_assert_uint_eq(n, 8 + 22);
    ck_assert_uint_eq(b[0] << 8 | b[1], n - 2);
    ck_assert_uint_eq(b[8], 0x2a);
    ck_assert_uint_eq(b[9], 0x14);
    ms[2] = 0x3f;
    run_cmd(r, ms, b, sizeof b, &n);
    ck_assert_uint_eq(n, 8 + 12 + 22);
    ms[2] = 0x05;                                   /* no such page */
    ck_assert_uint_eq(run_cmd(r, ms, b, sizeof b, &n) & 1, 1);
    ck_assert_uint_eq(sense(r), 0x052400);
    uint8_t ms6[12] = { 0x1a, 0, 0x01, 0, 64 };
    run_cmd(r, ms6, b, sizeof b, &n);
    ck_assert_uint_eq(n, 4 + 12);
    ck_assert_uint_eq(b[0], 15);
    /* GET CONFIGURATION: profile CD-ROM current. */
    uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 128 };
    run_cmd(r, gc, b, sizeof b, &n);
    ck_assert_uint_eq(b[6] << 8 | b[7], 0x0008);
    ck_assert_uint_eq(b[8] << 8 | b[9], 0x0000);    /* profile list first */
    ck_assert_uint_eq(b[12] << 8 | b[13], 0x0008);
    uint8_t gc2[12] = { 0x46, 2, 0x00, 0x1e, 0, 0, 0, 0, 128 };
    run_cmd(r, gc2, b, sizeof b, &n);
    ck_assert_uint_eq(n, 16);
    ck_assert_uint_eq(b[8] << 8 | b[9], 0x001e);
    /* GESN polled, media class; async refused. */
    uint8_t ev[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };
    run_cmd(r, ev, b, sizeof b, &n);
    ck_assert_uint_eq(n, 8);
    ck_assert_uint_eq(b[2], 0x04);
    ck_assert_uint_eq(b[5], 0x02);                  /* media present */
    ev[1] = 0;
    ck_assert_uint_eq(run_cmd(r, ev, b, sizeof b, &n) & 1, 1);
    /* The rest answer sensibly. */
    uint8_t di[12] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34 };
    ck_assert_uint_eq(run_cmd(r, di, b, sizeof b, &n) & 1, 0);
    ck_assert_uint_eq(n, 34);
    ck_assert_uint_eq(b[2], 0x0e);
    uint8_t mech[12] = { 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8 };
    ck_assert_uint_eq(run_cmd(r, mech, b, sizeof b, &n) & 1, 0);
    ck_assert_uint_eq(n, 8);
    uint8_t speed[12] = { 0xbb, 0, 0xff, 0xff };
    ck_assert_uint_eq(run_cmd(r, speed, b, sizeof b, &n) & 1, 0);
    rig_free(r);
}
END_TEST

START_TEST(atapi_sense_and_media)
{
    Rig *r = rig_new(false);
    uint8_t b[64];
    unsigned n;
    uint8_t tur[12] = { 0x00 };
    uint8_t st = run_cmd(r, tur, b, sizeof b, &n);
    ck_assert_uint_eq(st & 1, 1);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_ERR), 0x20);
    ck_assert_uint_eq(sense(r) >> 8, 0x023a);
    uint8_t cap[12] = { 0x25 };
    ck_assert_uint_eq(run_cmd(r, cap, b, sizeof b, &n) & 1, 1);
    ck_assert_uint_eq(sense(r) >> 8, 0x023a);
    uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
    ck_assert_uint_eq(run_cmd(r, inq, b, sizeof b, &n) & 1, 0);   /* works without a disc */
    uint8_t unk[12] = { 0xff };
    ck_assert_uint_eq(run_cmd(r, unk, b, sizeof b, &n) & 1, 1);
    ck_assert_uint_eq(sense(r), 0x052000);
    /* Insert a disc: one UNIT ATTENTION, then ready. */
    ide_cdrom_change(r->ide, 0, r->blk);
    ck_assert_uint_eq(run_cmd(r, tur, b, sizeof b, &n) & 1, 1);
    ck_assert_uint_eq(sense(r), 0x062800);
    ck_assert_uint_eq(run_cmd(r, tur, b, sizeof b, &n) & 1, 0);
    /* Lock, then eject is refused; unlock, eject, no medium. */
    uint8_t lock[12] = { 0x1e, 0, 0, 0, 1 }, eject[12] = { 0x1b, 0, 0, 0, 0x02 };
    ck_assert_uint_eq(run_cmd(r, lock, b, sizeof b, &n) & 1, 0);
    ck_assert_uint_eq(run_cmd(r, eject, b, sizeof b, &n) & 1, 1);
    ck_assert_uint_eq(sense(r), 0x055302);
    lock[4] = 0;
    run_cmd(r, lock, b, sizeof b, &n);
    ck_assert_uint_eq(run_cmd(r, eject, b, sizeof b, &n) & 1, 0);
    ck_assert_uint_eq(run_cmd(r, tur, b, sizeof b, &n) & 1, 1);
    ck_assert_uint_eq(sense(r), 0x023a02);
    eject[4] = 0x03;                                /* load */
    run_cmd(r, eject, b, sizeof b, &n);
    ck_assert_uint_eq(run_cmd(r, tur, b, sizeof b, &n) & 1, 0);
    rig_free(r);
}
END_TEST

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* PRD table at 1000h: 2 KiB at 20000h, then 4 KiB + 'extra' at 30000h (EOT). */
static void setup_prd(Rig *r, uint32_t extra)
{
    uint8_t *ram = bench_ram(r->b);
    put32(ram + 0x1000, 0x20000);
    put32(ram + 0x1004, 2048);
    put32(ram + 0x1008, 0x30000);
    put32(ram + 0x100c, 0x80000000u | (4096 + extra));
    bench_out(r->b, BM + 4, 0x1000, 4);
    bench_out8(r->b, BM + 2, 0x06);                 /* clear interrupt, error */
}

START_TEST(atapi_dma_read)
{
    Rig *r = rig_new(true);
    uint8_t *ram = bench_ram(r->b);
    setup_prd(r, 0);
    bench_out8(r->b, BM, 0x08);                     /* direction: to memory */
    uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 7, 0, 0, 3 };
    send_packet(r, rd, 0, true);
    bench_run_ns(r->b, 20000);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 0);   /* waits for the bus master */
    ck_assert_uint_eq(alt_status(r) & 0x08, 0x08);
    bench_out8(r->b, BM, 0x09);                     /* start */
    ck_assert_uint_eq(bench_in8(r->b, BM + 2) & 1, 1);
    bench_run_ns(r->b, 20000);
    ck_assert_uint_eq(bench_in8(r->b, BM + 2) & 0x07, 0x04);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 1);
    uint8_t bmsta = bench_in8(r->b, BM + 2);
    ck_assert_uint_eq(bmsta & 0x07, 0x04);          /* interrupt, not active, no error */
    bench_out8(r->b, BM, 0x08);                     /* stop */
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_NSECT) & 3, 3);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_STAT) & 0x89, 0);
    for (unsigned i = 0; i < 2048; i++)
        ck_assert_uint_eq(ram[0x20000 + i], pat(7, i));
    for (unsigned i = 0; i < 4096; i++)
        ck_assert_uint_eq(ram[0x30000 + i], pat(8 + i / 2048, i % 2048));
    bench_out8(r->b, BM + 2, 0x04);
    ck_assert_uint_eq(bench_in8(r->b, BM + 2) & 0x04, 0);
    /* A table longer than the data: interrupt with active still set. */
    setup_prd(r, 8192);
    uint8_t inq[12] = { 0x12, 0, 0, 0, 36 };
    send_packet(r, inq, 0, true);
    bench_out8(r->b, BM, 0x09);
    bench_run_ns(r->b, 20000);
    ck_assert_uint_eq(bench_in8(r->b, BM + 2) & 0x05, 0x05);
    ck_assert_uint_eq(ram[0x20000], 0x05);
    bench_out8(r->b, BM, 0x08);
    /* A table too short stalls the drive until restarted with more. */
    memset(ram + 0x40000, 0, 6144);
    uint8_t *t = ram + 0x1000;
    put32(t, 0x40000);
    put32(t + 4, 0x80000000u | 1024);
    bench_out8(r->b, BM + 2, 0x06);
    uint8_t rd2[12] = { 0x28, 0, 0, 0, 0, 20, 0, 0, 3 };
    irq_probe_clear(r->irq);
    send_packet(r, rd2, 0, true);
    bench_out8(r->b, BM, 0x09);
    bench_run_ns(r->b, 20000);
    ck_assert_uint_eq(bench_in8(r->b, BM + 2) & 0x05, 0x00);    /* no interrupt, inactive */
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 0);
    bench_out8(r->b, BM, 0x08);
    put32(t, 0x40400);
    put32(t + 4, 0x80000000u | 5120);
    bench_out8(r->b, BM, 0x09);
    bench_run_ns(r->b, 20000);
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 1);
    for (unsigned i = 0; i < 6144; i++)
        ck_assert_uint_eq(ram[0x40000 + i], pat(20 + i / 2048, i % 2048));
    rig_free(r);
}
END_TEST

START_TEST(ata_disk_dma)
{
    Bench *b = bench_new(1024);
    Machine *m = bench_machine(b);
    IrqProbe *irq = bench_irq_probe(b, "irq14");
    Ide *ide = ide_create(m, 0x1f0, 0x3f6, irq_probe_line(irq));
    PciBus *bus = pci_bus_create(m, NULL);
    ck_assert_ptr_nonnull(piix_ide_create(m, bus, PCI_DEVFN(1, 1), ide, NULL));
    pci_bus_config_write(bus, PCI_DEVFN(1, 1), 0x20, 0xc000, 4);
    pci_bus_config_write(bus, PCI_DEVFN(1, 1), 0x04, 0x0005, 2);
    uint8_t *img = xzalloc(256 * 512);
    for (unsigned i = 0; i < 256 * 512; i++)
        img[i] = (uint8_t)(i * 13 + (i >> 9));
    BlockBackend *blk = blk_new_mem(img, 256 * 512, false);
    ck_assert_int_eq(ide_attach_disk(ide, 0, blk), 0);
    uint8_t *ram = bench_ram(b);
    put32(ram + 0x1000, 0x10000);
    put32(ram + 0x1004, 0x80000000u | (20 * 512));
    bench_out(b, 0xc004, 0x1000, 4);
    /* READ DMA: 20 sectors from LBA 3. */
    bench_out8(b, 0xc000, 0x08);
    bench_out8(b, 0x1f6, 0xe0);
    bench_out8(b, 0x1f2, 20);
    bench_out8(b, 0x1f3, 3);
    bench_out8(b, 0x1f4, 0);
    bench_out8(b, 0x1f5, 0);
    bench_out8(b, 0x1f7, 0xc8);
    bench_out8(b, 0xc000, 0x09);
    bench_run_ns(b, 50000);
    ck_assert_int_eq(irq_probe_rising_edges(irq), 1);
    ck_assert_uint_eq(bench_in8(b, 0xc002) & 0x07, 0x04);
    ck_assert_uint_eq(bench_in8(b, 0x1f7) & 0x89, 0);
    ck_assert_int_eq(memcmp(ram + 0x10000, img + 3 * 512, 20 * 512), 0);
    bench_out8(b, 0xc000, 0x00);
    /* WRITE DMA EXT: 4 sectors from RAM to LBA 100. */
    memset(ram + 0x10000, 0x5a, 4 * 512);
    put32(ram + 0x1004, 0x80000000u | (4 * 512));
    bench_out8(b, 0xc002, 0x04);
    bench_out8(b, 0x1f2, 0);
    bench_out8(b, 0x1f2, 4);
    bench_out8(b, 0x1f3, 0);
    bench_out8(b, 0x1f3, 100);
    bench_out8(b, 0x1f4, 0);
    bench_out8(b, 0x1f4, 0);
    bench_out8(b, 0x1f5, 0);
    bench_out8(b, 0x1f5, 0);
    bench_out8(b, 0x1f6, 0x40);
    bench_out8(b, 0x1f7, 0x35);
    bench_out8(b, 0xc000, 0x01);
    bench_run_ns(b, 50000);
    ck_assert_uint_eq(bench_in8(b, 0x1f7) & 0x89, 0);
    for (unsigned i = 0; i < 4 * 512; i++)
        ck_assert_uint_eq(img[100 * 512 + i], 0x5a);
    ck_assert_uint_eq(img[104 * 512], (uint8_t)(104 * 512 * 13 + 104));
    bench_free(b);
    blk_close(blk);
    free(img);
}
END_TEST

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->name; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

START_TEST(atapi_fuzz_and_state)
{
    Rig *r = rig_new(true);
    uint8_t *ram = bench_ram(r->b);
    put32(ram + 0x1000, 0x20000);
    put32(ram + 0x1004, 0x80000000u | 0x8000);
    bench_out(r->b, BM + 4, 0x1000, 4);
    uint32_t x = 99;
    for (int i = 0; i < 60000; i++) {
        x = x * 1103515245u + 12345u;
        unsigned reg = (x >> 16) & 7;
        uint8_t v = (uint8_t)(x >> 8);
        switch ((x >> 28) & 7) {
        case 0:
            if (reg == R_STAT)
                v = (x >> 12) & 1 ? 0xa0 : (x >> 13) & 1 ? 0xa1 : v;
            bench_out8(r->b, CMD + reg, reg == R_DEV ? (v & 0x10) | 0xa0 : v);
            break;
        case 1: {
            /* Command bytes that the drive knows, with random fields. */
            static const uint8_t ops[] = { 0x00, 0x03, 0x12, 0x1a, 0x1b, 0x1e, 0x25, 0x28,
                                           0x2b, 0x43, 0x46, 0x4a, 0x51, 0x5a, 0xa8, 0xbb, 0xbd };
            uint16_t w = (uint16_t)(x >> 3);
            if ((x >> 6) & 1)
                w = (uint16_t)((w & 0xff00) | ops[(x >> 9) % sizeof ops]);
            bench_out(r->b, CMD, w, 2);
            break;
        }
        case 2: (void)bench_in(r->b, CMD + reg, 1); break;
        case 3: (void)bench_in(r->b, CMD, 1u << ((x >> 4) % 3)); break;
        case 4: bench_out8(r->b, (uint16_t)(BM + ((x >> 5) & 7)), v); break;
        case 5: bench_out8(r->b, CTL, v & 0x86); break;
        case 6: (void)bench_in8(r->b, (uint16_t)(BM + ((x >> 5) & 7))); break;
        case 7: bench_run_ns(r->b, (x >> 4) & 0x3fff); break;
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
    bench_out8(r->b, CTL, 0x04);
    bench_out8(r->b, CTL, 0x00);
    bench_out8(r->b, CMD + R_DEV, 0xa0);
    ck_assert_uint_eq(bench_in8(r->b, CMD + R_LBAH), 0xeb);
    rig_free(r);
}
END_TEST

Suite *atapi_suite(void)
{
    Suite *s = suite_create("atapi");
    TCase *tc = tcase_create("atapi");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, atapi_signature_and_identify);
    tcase_add_test(tc, atapi_libata_softreset_probe);
    tcase_add_test(tc, atapi_inquiry_phases);
    tcase_add_test(tc, atapi_capacity_and_read);
    tcase_add_test(tc, atapi_toc);
    tcase_add_test(tc, atapi_mode_sense_and_config);
    tcase_add_test(tc, atapi_sense_and_media);
    tcase_add_test(tc, atapi_dma_read);
    tcase_add_test(tc, ata_disk_dma);
    tcase_add_test(tc, atapi_fuzz_and_state);
    suite_add_tcase(s, tc);
    return s;
}
