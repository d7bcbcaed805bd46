/*
 * tests/test_cdboot.c - the BIOS's CD-ROM support: El Torito boot record
 * and catalog parsing, INT 19h booting a no-emulation image (07C0h and
 * other load segments), and INT 13h for the CD drive E0h (41h, 42h with
 * 2048-byte sectors, 48h, 4B01h, refusals). The disc is built in memory.
 */
#include <check.h>

#include "bios/internal.h"
#include "cpu/cpu.h"
#include "hw/backend.h"
#include "tests/bench.h"

#define ISO_SECTORS 40u
#define CATALOG_LBA 20u
#define IMAGE_LBA   21u

typedef struct Rig {
    Bench *bench;
    CpuState *cpu;
    Bios *bios;
    uint8_t *iso;
    BlockBackend *blk;
} Rig;

static uint8_t img_byte(uint32_t off) { return (uint8_t)(off * 5 + (off >> 11) * 3 + 7); }

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Boot record at 17, catalog at 20, image from 21. */
static uint8_t *make_iso(uint16_t load_seg, uint8_t media, uint8_t indicator, bool bad_sum)
{
    uint8_t *iso = xzalloc((size_t)ISO_SECTORS * 2048);
    for (uint32_t i = IMAGE_LBA * 2048; i < ISO_SECTORS * 2048; i++)
        iso[i] = img_byte(i - IMAGE_LBA * 2048);
    uint8_t *br = iso + 17 * 2048;
    memcpy(br + 1, "CD001", 5);
    br[6] = 1;
    memcpy(br + 7, "EL TORITO SPECIFICATION", 23);
    put32(br + 0x47, CATALOG_LBA);
    uint8_t *cat = iso + CATALOG_LBA * 2048;
    memset(cat, 0, 64);
    cat[0] = 0x01;
    memcpy(cat + 4, "EMU TEST", 8);
    cat[0x1e] = 0x55;
    cat[0x1f] = 0xaa;
    uint16_t sum = 0;
    for (int i = 0; i < 32; i += 2)
        sum = (uint16_t)(sum + (cat[i] | cat[i + 1] << 8));
    put16(cat + 0x1c, (uint16_t)(-sum + (bad_sum ? 1 : 0)));
    uint8_t *e = cat + 0x20;
    e[0] = indicator;
    e[1] = media;
    put16(e + 2, load_seg);
    put16(e + 6, 4);                              /* 4 x 512 bytes */
    put32(e + 8, IMAGE_LBA);
    return iso;
}

static Rig *rig_new_iso(uint8_t *iso)
{
    Rig *r = xzalloc(sizeof *r);
    r->bench = bench_new(1024);
    Machine *m = bench_machine(r->bench);
    r->cpu = cpu_create(machine_mem(m), machine_io(m));
    r->iso = iso;
    r->blk = blk_new_mem(iso, (uint64_t)ISO_SECTORS * 2048, true);
    BiosConfig cfg = { .ram_size = 1u << 20, .boot_order = "d", .cd = r->blk };
    r->bios = bios_create(m, r->cpu, &cfg);
    ck_assert_ptr_nonnull(r->bios);
    cpu_set_seg_real(r->cpu, SEG_SS, 0);
    r->cpu->regs[R_ESP] = 0x7000;
    r->cpu->regs[R_EDX] = 1;
    ck_assert(bios_call(r->bios, r->cpu, SVC_POST));
    cpu_set_seg_real(r->cpu, SEG_SS, 0);
    r->cpu->regs[R_ESP] = 0x7000;
    return r;
}

static Rig *rig_new(void) { return rig_new_iso(make_iso(0, 0, 0x88, false)); }

static void rig_free(Rig *r)
{
    bench_free(r->bench);
    cpu_free(r->cpu);
    blk_close(r->blk);
    free(r->iso);
    free(r);
}

static uint8_t *ram(Rig *r) { return bench_ram(r->bench); }

/* INT-style call; returns the FLAGS the stub's IRET would restore. */
static uint16_t call(Rig *r, uint8_t svc)
{
    uint8_t *sp = ram(r) + 0x7000;
    sp[0] = 0x34; sp[1] = 0x12; sp[2] = 0; sp[3] = 0; sp[4] = 0x02; sp[5] = 0x02;
    ck_assert(bios_call(r->bios, r->cpu, svc));
    return (uint16_t)(sp[4] | sp[5] << 8);
}

static uint16_t int13(Rig *r, uint16_t ax)
{
    cpu_set_reg16(r->cpu, R_EAX, ax);
    cpu_set_reg8(r->cpu, R8_DL, 0xe0);
    return call(r, SVC_INT13);
}

START_TEST(eltorito_parse_catalog)
{
    ElTorito et;
    uint8_t *iso = make_iso(0, 0, 0x88, false);
    BlockBackend *blk = blk_new_mem(iso, (uint64_t)ISO_SECTORS * 2048, true);
    ck_assert_ptr_null(eltorito_parse(blk, &et));
    ck_assert_uint_eq(et.catalog, CATALOG_LBA);
    ck_assert_uint_eq(et.load_seg, 0x07c0);
    ck_assert_uint_eq(et.count, 4);
    ck_assert_uint_eq(et.rba, IMAGE_LBA);
    ck_assert_uint_eq(et.media, 0);
    blk_close(blk);
    free(iso);

    const struct { uint16_t seg; uint8_t media, ind; bool bad; } bad[] = {
        { 0, 0, 0x88, true },         /* checksum */
        { 0, 0, 0x00, false },        /* not bootable */
        { 0, 2, 0x88, false },        /* 1.44M floppy emulation */
        { 0x9fff, 0, 0x88, false },   /* past conventional memory */
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        iso = make_iso(bad[i].seg, bad[i].media, bad[i].ind, bad[i].bad);
        blk = blk_new_mem(iso, (uint64_t)ISO_SECTORS * 2048, true);
        ck_assert_ptr_nonnull(eltorito_parse(blk, &et));
        blk_close(blk);
        free(iso);
    }
    /* No boot record at all. */
    iso = xzalloc((size_t)ISO_SECTORS * 2048);
    blk = blk_new_mem(iso, (uint64_t)ISO_SECTORS * 2048, true);
    ck_assert_ptr_nonnull(eltorito_parse(blk, &et));
    blk_close(blk);
    free(iso);
}
END_TEST

START_TEST(int19_boots_cd)
{
    Rig *r = rig_new();
    call(r, SVC_INT19);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_ZF, 0);
    ck_assert_uint_eq(cpu_reg8(r->cpu, R8_DL), 0xe0);
    for (uint32_t i = 0; i < 2048; i++)
        ck_assert_uint_eq(ram(r)[0x7c00 + i], img_byte(i));
    ck_assert_uint_eq(ram(r)[0x7c00 + 2048], 0);  /* only count x 512 bytes */
    rig_free(r);
}
END_TEST

START_TEST(int19_boots_cd_other_segment)
{
    Rig *r = rig_new_iso(make_iso(0x2000, 0, 0x88, false));
    call(r, SVC_INT19);
    ck_assert_uint_eq(cpu_reg8(r->cpu, R8_DL), 0xe0);
    ck_assert_uint_eq(r->cpu->seg[SEG_CS].sel, 0x2000);
    ck_assert_uint_eq(r->cpu->eip, 0);
    ck_assert_uint_eq(ram(r)[0x20000 + 100], img_byte(100));
    rig_free(r);
}
END_TEST

START_TEST(int19_refuses_bad_cd)
{
    Rig *r = rig_new_iso(make_iso(0, 0, 0x88, true));
    call(r, SVC_INT19);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_ZF, EFLAGS_ZF);
    rig_free(r);
}
END_TEST

START_TEST(int13_cd_services)
{
    Rig *r = rig_new();
    CpuState *cpu = r->cpu;
    /* 41h: extensions present. */
    cpu_set_reg16(cpu, R_EBX, 0x55aa);
    ck_assert_uint_eq(int13(r, 0x4100) & 1, 0);
    ck_assert_uint_eq(cpu_reg16(cpu, R_EBX), 0xaa55);
    ck_assert_uint_eq(cpu_reg16(cpu, R_ECX) & 1, 1);
    /* 42h: two 2048-byte sectors from 22 to 1000:0000. */
    uint8_t *dap = ram(r) + 0x6000;
    memset(dap, 0, 16);
    dap[0] = 16;
    put16(dap + 2, 2);
    put16(dap + 6, 0x1000);
    put32(dap + 8, IMAGE_LBA + 1);
    cpu_set_seg_real(cpu, SEG_DS, 0);
    cpu_set_reg16(cpu, R_ESI, 0x6000);
    ck_assert_uint_eq(int13(r, 0x4200) & 1, 0);
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0);
    for (uint32_t i = 0; i < 4096; i++)
        ck_assert_uint_eq(ram(r)[0x10000 + i], img_byte(2048 + i));
    /* Past the end: error, and the count says what was read. */
    put32(dap + 8, ISO_SECTORS - 1);
    put16(dap + 2, 3);
    ck_assert_uint_eq(int13(r, 0x4200) & 1, 1);
    ck_assert_uint_eq(dap[2], 1);
    /* 48h: 2048-byte sectors. */
    uint8_t *res = ram(r) + 0x6100;
    memset(res, 0, 0x1e);
    put16(res, 0x1e);
    cpu_set_reg16(cpu, R_ESI, 0x6100);
    ck_assert_uint_eq(int13(r, 0x4800) & 1, 0);
    ck_assert_uint_eq(res[0x18] | res[0x19] << 8, 2048);
    ck_assert_uint_eq(res[0x10], ISO_SECTORS);
    /* 4B01h: specification packet. */
    uint8_t *spec = ram(r) + 0x6200;
    memset(spec, 0, 0x13);
    cpu_set_reg16(cpu, R_ESI, 0x6200);
    ck_assert_uint_eq(int13(r, 0x4b01) & 1, 0);
    ck_assert_uint_eq(spec[0], 0x13);
    ck_assert_uint_eq(spec[1], 0);
    ck_assert_uint_eq(spec[2], 0xe0);
    ck_assert_uint_eq(spec[4], IMAGE_LBA);
    ck_assert_uint_eq(spec[0x0c] | spec[0x0d] << 8, 0x07c0);
    ck_assert_uint_eq(spec[0x0e], 4);
    /* Refusals: CHS read, write, geometry. */
    ck_assert_uint_eq(int13(r, 0x0201) & 1, 1);
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0x01);
    cpu_set_reg16(cpu, R_ESI, 0x6000);
    ck_assert_uint_eq(int13(r, 0x4300) & 1, 1);
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0x03);
    ck_assert_uint_eq(int13(r, 0x0800) & 1, 1);
    ck_assert_uint_eq(int13(r, 0x0000) & 1, 0);
    ck_assert_uint_eq(int13(r, 0x1500) & 1, 0);
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0x02);
    rig_free(r);
}
END_TEST

Suite *cdboot_suite(void)
{
    Suite *s = suite_create("cdboot");
    TCase *tc = tcase_create("cdboot");
    tcase_add_test(tc, eltorito_parse_catalog);
    tcase_add_test(tc, int19_boots_cd);
    tcase_add_test(tc, int19_boots_cd_other_segment);
    tcase_add_test(tc, int19_refuses_bad_cd);
    tcase_add_test(tc, int13_cd_services);
    suite_add_tcase(s, tc);
    return s;
}
