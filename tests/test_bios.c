/*
 * tests/test_bios.c - unit tests for the built-in BIOS: services are called
 * directly through bios_call() on a bench machine with 1 MiB of RAM, a
 * CPU, a synthetic 1.44 MB diskette and a synthetic hard disk held in
 * memory (no disk image files, no other devices: ports read as all ones).
 */
#include <check.h>

#include "bios/internal.h"
#include "cpu/cpu.h"
#include "hw/backend.h"
#include "tests/bench.h"

#define FD_SIZE (1440 * 1024)
/* Hard disk: 300 cylinders x 2 heads x 2 sectors, with an MBR whose
 * partition ends at CHS 299/1/2 so the BIOS picks that geometry. */
#define HD_SECTORS 1200

typedef struct Rig {
    Bench *bench;
    Machine *m;
    CpuState *cpu;
    Bios *bios;
    uint8_t *fd, *hd;
    BlockBackend *fdb, *hdb;
} Rig;

static uint8_t fd_byte(uint32_t off) { return (uint8_t)(off * 7 + (off >> 9) * 13); }
static uint8_t hd_byte(uint32_t off) { return (uint8_t)(off * 3 + (off >> 9) * 5 + 1); }

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static Rig *rig_new_ro(bool fd_read_only)
{
    Rig *r = xzalloc(sizeof *r);
    r->bench = bench_new(1024);
    r->m = bench_machine(r->bench);
    r->cpu = cpu_create(machine_mem(r->m), machine_io(r->m));
    r->fd = xzalloc(FD_SIZE);
    for (uint32_t i = 0; i < FD_SIZE; i++)
        r->fd[i] = fd_byte(i);
    r->hd = xzalloc(HD_SECTORS * 512);
    for (uint32_t i = 0; i < HD_SECTORS * 512; i++)
        r->hd[i] = hd_byte(i);
    uint8_t *e = r->hd + 446;
    memset(r->hd + 446, 0, 64);
    e[0] = 0x80;
    e[1] = 0; e[2] = 3; e[3] = 0;                 /* start CHS 0/0/3 */
    e[4] = 0x06;
    e[5] = 1; e[6] = (uint8_t)(2 | (299 >> 8) << 6); e[7] = (uint8_t)299;
    put32(e + 8, 2);
    put32(e + 12, HD_SECTORS - 2);
    r->hd[510] = 0x55;
    r->hd[511] = 0xaa;
    r->fdb = blk_new_mem(r->fd, FD_SIZE, fd_read_only);
    r->hdb = blk_new_mem(r->hd, HD_SECTORS * 512, false);
    BiosConfig cfg = {
        .ram_size = 64u << 20, .fd = { r->fdb, NULL }, .hd = { r->hdb, NULL },
        .boot_order = "ac",
    };
    r->bios = bios_create(r->m, r->cpu, &cfg);
    ck_assert_ptr_nonnull(r->bios);
    cpu_set_seg_real(r->cpu, SEG_SS, 0);
    r->cpu->regs[R_ESP] = 0x7000;
    return r;
}

static Rig *rig_new(void) { return rig_new_ro(false); }

static void rig_free(Rig *r)
{
    bench_free(r->bench);         /* frees the BIOS through machine_free */
    cpu_free(r->cpu);
    blk_close(r->fdb);
    blk_close(r->hdb);
    free(r->fd);
    free(r->hd);
    free(r);
}

static uint8_t *ram(Rig *r) { return bench_ram(r->bench); }

/* Call a service as INT would: an IRET frame with FLAGS = 0202h at SS:SP.
 * Returns the FLAGS the stub's IRET would restore. */
static uint16_t call(Rig *r, uint8_t svc)
{
    uint8_t *sp = ram(r) + 0x7000;
    sp[0] = 0x34; sp[1] = 0x12; sp[2] = 0; sp[3] = 0; sp[4] = 0x02; sp[5] = 0x02;
    ck_assert(bios_call(r->bios, r->cpu, svc));
    return (uint16_t)(sp[4] | sp[5] << 8);
}

static void set_ax(Rig *r, uint16_t v) { cpu_set_reg16(r->cpu, R_EAX, v); }
static void set_bx(Rig *r, uint16_t v) { cpu_set_reg16(r->cpu, R_EBX, v); }
static void set_cx(Rig *r, uint16_t v) { cpu_set_reg16(r->cpu, R_ECX, v); }
static void set_dx(Rig *r, uint16_t v) { cpu_set_reg16(r->cpu, R_EDX, v); }
static uint16_t ax(Rig *r) { return cpu_reg16(r->cpu, R_EAX); }
static uint8_t ah(Rig *r) { return cpu_reg8(r->cpu, R8_AH); }

static void post(Rig *r)
{
    r->cpu->regs[R_EDX] = 1;      /* CPUID.1 EDX: FPU */
    ck_assert(bios_call(r->bios, r->cpu, SVC_POST));
}

static uint16_t rd16_ram(Rig *r, uint32_t lin) { return (uint16_t)(ram(r)[lin] | ram(r)[lin + 1] << 8); }

START_TEST(rom_reset_vector_and_checksum)
{
    Rig *r = rig_new();
    AddrSpace *mem = machine_mem(r->m);
    ck_assert_uint_eq(mem_read(mem, 0xffff0, 1), 0xea);
    ck_assert_uint_eq(mem_read(mem, 0xffff1, 4), 0xf000e05bu);
    ck_assert_uint_eq(mem_read(mem, 0xfffffff0u, 1), 0xea);
    ck_assert_uint_eq(mem_read(mem, 0xffffe, 1), 0xfc);
    uint8_t sum = 0;
    for (uint32_t i = 0xf0000; i < 0x100000; i++)
        sum = (uint8_t)(sum + mem_read(mem, i, 1));
    ck_assert_uint_eq(sum, 0);
    /* The hook only accepts traps inside the ROM. */
    ck_assert(!r->cpu->bios_hook(r->cpu->bios_opaque, r->cpu, 0x7c00, SVC_INT11));
    ck_assert(r->cpu->bios_hook(r->cpu->bios_opaque, r->cpu, 0xff000, SVC_INT11));
    ck_assert(!r->cpu->bios_hook(r->cpu->bios_opaque, r->cpu, 0xff000, 0x42));
    rig_free(r);
}
END_TEST

START_TEST(post_fills_ivt_bda_ebda)
{
    Rig *r = rig_new();
    post(r);
    ck_assert_uint_eq(rd16_ram(r, 0x13 * 4), 0xec59);
    ck_assert_uint_eq(rd16_ram(r, 0x13 * 4 + 2), 0xf000);
    ck_assert_uint_eq(rd16_ram(r, 0x10 * 4), 0xf065);
    ck_assert_uint_eq(rd16_ram(r, 0x08 * 4), 0xfea5);
    ck_assert_uint_eq(rd16_ram(r, 0x1e * 4), 0xefc7);
    ck_assert_uint_eq(rd16_ram(r, 0x00 * 4), 0xff53);
    ck_assert_uint_eq(rd16_ram(r, 0x60 * 4 + 2), 0);
    ck_assert_uint_eq(rd16_ram(r, 0x41 * 4 + 2), 0xf000);
    ck_assert_uint_eq(rd16_ram(r, 0x413), 639);
    ck_assert_uint_eq(rd16_ram(r, 0x40e), 0x9fc0);
    ck_assert_uint_eq(ram(r)[0x9fc00], 1);
    uint16_t equip = rd16_ram(r, 0x410);
    ck_assert_uint_eq(equip & 0x01, 1);           /* diskette */
    ck_assert_uint_eq(equip & 0x02, 2);           /* FPU */
    ck_assert_uint_eq(equip & 0xc0, 0);           /* one drive */
    ck_assert_uint_eq(equip & 0x30, 0x20);        /* 80x25 colour */
    ck_assert_uint_eq(ram(r)[0x475], 1);
    ck_assert_uint_eq(ram(r)[0x449], 3);
    ck_assert_uint_eq(rd16_ram(r, 0x41a), 0x1e);
    /* The banner is on the first line. */
    ck_assert_uint_eq(ram(r)[0xb8000], 'e');
    ck_assert_uint_eq(ram(r)[0xb8002], 'm');
    ck_assert_uint_eq(ram(r)[0xb8001], 0x07);
    set_ax(r, 0);
    call(r, SVC_INT12);
    ck_assert_uint_eq(ax(r), 639);
    call(r, SVC_INT11);
    ck_assert_uint_eq(ax(r), equip);
    rig_free(r);
}
END_TEST

START_TEST(int13_floppy_read_chs)
{
    Rig *r = rig_new();
    post(r);
    cpu_set_seg_real(r->cpu, SEG_ES, 0x1000);
    set_bx(r, 0x0010);
    set_ax(r, 0x0202);                            /* read 2 sectors */
    set_cx(r, 0x0103);                            /* cylinder 1, sector 3 */
    set_dx(r, 0x0100);                            /* head 1, drive 0 */
    uint16_t f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(ax(r), 0x0002);
    uint32_t lba = (1 * 2 + 1) * 18 + 2;
    for (uint32_t i = 0; i < 1024; i++)
        ck_assert_uint_eq(ram(r)[0x10010 + i], fd_byte(lba * 512 + i));
    /* Sector 19 does not exist on a 1.44M track. */
    set_ax(r, 0x0201);
    set_cx(r, 0x0013);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, EFLAGS_CF);
    ck_assert_uint_eq(ah(r), 0x04);
    ck_assert_uint_eq(ram(r)[0x441], 0x04);
    set_ax(r, 0x0100);                            /* last status */
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(ah(r), 0x04);
    ck_assert_uint_eq(f & EFLAGS_CF, EFLAGS_CF);
    /* Past the end of the cylinder: partial transfer, AL = count done. */
    set_ax(r, 0x0205);
    set_cx(r, 0x0011);                            /* sector 17 of head 1 */
    set_dx(r, 0x0100);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(ah(r), 0x04);
    ck_assert_uint_eq(ax(r) & 0xff, 2);
    rig_free(r);
}
END_TEST

START_TEST(int13_write_and_protect)
{
    Rig *r = rig_new();
    post(r);
    memset(ram(r) + 0x20000, 0xab, 512);
    cpu_set_seg_real(r->cpu, SEG_ES, 0x2000);
    set_bx(r, 0);
    set_ax(r, 0x0301);
    set_cx(r, 0x0001);
    set_dx(r, 0x0000);
    uint16_t f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(r->fd[0], 0xab);
    ck_assert_uint_eq(r->fd[511], 0xab);
    ck_assert_uint_eq(r->fd[512], fd_byte(512));
    rig_free(r);

    r = rig_new_ro(true);
    post(r);
    cpu_set_seg_real(r->cpu, SEG_ES, 0x2000);
    set_bx(r, 0);
    set_ax(r, 0x0301);
    set_cx(r, 0x0001);
    set_dx(r, 0x0000);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, EFLAGS_CF);
    ck_assert_uint_eq(ah(r), 0x03);
    rig_free(r);
}
END_TEST

START_TEST(int13_geometry)
{
    Rig *r = rig_new();
    post(r);
    set_ax(r, 0x0800);
    set_dx(r, 0x0000);
    uint16_t f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(cpu_reg8(r->cpu, R8_BL), 4);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_ECX), 0x4f12);    /* 79, 18 */
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_EDX), 0x0101);    /* head 1, 1 drive */
    ck_assert_uint_eq(r->cpu->seg[SEG_ES].sel, 0xf000);
    uint16_t di = cpu_reg16(r->cpu, R_EDI);
    ck_assert_uint_eq(mem_read(machine_mem(r->m), 0xf0000 + di + 4, 1), 18);
    /* Hard disk: 300 cylinders -> CH = 2Bh, CL = 2 | (1 << 6). */
    set_ax(r, 0x0800);
    set_dx(r, 0x0080);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_ECX), 0x2b42);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_EDX), 0x0101);
    /* AH=15h: type 3, CX:DX sectors. */
    set_ax(r, 0x1500);
    set_dx(r, 0x0080);
    call(r, SVC_INT13);
    ck_assert_uint_eq(ah(r), 3);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_EDX), 1200);
    /* No second hard disk. */
    set_ax(r, 0x0800);
    set_dx(r, 0x0081);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, EFLAGS_CF);
    /* Hard disk CHS read across a cylinder boundary: C299 H1 S2 is the
     * last sector. */
    cpu_set_seg_real(r->cpu, SEG_ES, 0x3000);
    set_bx(r, 0);
    set_ax(r, 0x0201);
    set_cx(r, 0x2b42);
    set_dx(r, 0x0180);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(ram(r)[0x30000], hd_byte(1199 * 512));
    rig_free(r);
}
END_TEST

START_TEST(int13_edd_read_and_params)
{
    Rig *r = rig_new();
    post(r);
    set_ax(r, 0x4100);
    set_bx(r, 0x55aa);
    set_dx(r, 0x0080);
    uint16_t f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_EBX), 0xaa55);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_ECX) & 1, 1);
    /* DAP at 0000:0600: 3 sectors from LBA 100 to 2000:0000. */
    uint8_t *dap = ram(r) + 0x600;
    memset(dap, 0, 0x18);
    dap[0] = 0x10; dap[2] = 3; dap[6] = 0x00; dap[7] = 0x20; dap[8] = 100;
    cpu_set_seg_real(r->cpu, SEG_DS, 0);
    cpu_set_reg16(r->cpu, R_ESI, 0x600);
    set_ax(r, 0x4200);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    for (uint32_t i = 0; i < 3 * 512; i++)
        ck_assert_uint_eq(ram(r)[0x20000 + i], hd_byte(100 * 512 + i));
    /* 64-bit flat buffer variant. */
    dap[0] = 0x18; dap[2] = 1; dap[4] = dap[5] = dap[6] = dap[7] = 0xff; dap[8] = 7;
    put32(dap + 0x10, 0x50000);
    set_ax(r, 0x4200);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(ram(r)[0x50000], hd_byte(7 * 512));
    /* Beyond the end: error, count rewritten to what was done. */
    dap[0] = 0x10; dap[2] = 4; dap[4] = 0; dap[5] = 0; dap[6] = 0; dap[7] = 0x20;
    put32(dap + 8, HD_SECTORS - 2);
    set_ax(r, 0x4200);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, EFLAGS_CF);
    ck_assert_uint_eq(dap[2], 2);
    /* AH=48h with a v2 buffer. */
    uint8_t *res = ram(r) + 0x700;
    memset(res, 0, 0x20);
    res[0] = 0x1e;
    cpu_set_reg16(r->cpu, R_ESI, 0x700);
    set_ax(r, 0x4800);
    f = call(r, SVC_INT13);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(res[0], 0x1e);
    ck_assert_uint_eq(rd16_ram(r, 0x704), 300);
    ck_assert_uint_eq(rd16_ram(r, 0x710), HD_SECTORS);
    ck_assert_uint_eq(rd16_ram(r, 0x718), 512);
    ck_assert_uint_eq(rd16_ram(r, 0x71a), 0xffff);
    rig_free(r);
}
END_TEST

START_TEST(int15_e820_map_and_sizes)
{
    Rig *r = rig_new();
    post(r);
    uint64_t usable = 0;
    uint32_t ebx = 0;
    int n = 0;
    cpu_set_seg_real(r->cpu, SEG_ES, 0);
    do {
        r->cpu->regs[R_EAX] = 0xe820;
        r->cpu->regs[R_EBX] = ebx;
        r->cpu->regs[R_ECX] = 24;
        r->cpu->regs[R_EDX] = 0x534d4150;
        cpu_set_reg16(r->cpu, R_EDI, 0x800);
        uint16_t f = call(r, SVC_INT15);
        ck_assert_uint_eq(f & EFLAGS_CF, 0);
        ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x534d4150);
        ck_assert_uint_eq(r->cpu->regs[R_ECX], 20);
        uint8_t *e = ram(r) + 0x800;
        uint64_t len = 0;
        for (int i = 7; i >= 0; i--)
            len = len << 8 | e[8 + i];
        if (e[16] == 1)
            usable += len;
        ebx = r->cpu->regs[R_EBX];
        n++;
    } while (ebx && n < 16);
    ck_assert_int_eq(n, 5);
    ck_assert_uint_eq(usable, 0x9fc00u + (64u << 20) - 0x100000u);
    /* Bad signature. */
    r->cpu->regs[R_EAX] = 0xe820;
    r->cpu->regs[R_EBX] = 0;
    r->cpu->regs[R_EDX] = 0;
    ck_assert_uint_eq(call(r, SVC_INT15) & EFLAGS_CF, EFLAGS_CF);
    set_ax(r, 0xe801);
    call(r, SVC_INT15);
    ck_assert_uint_eq(ax(r), 0x3c00);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_EBX), (64 - 16) * 16);
    set_ax(r, 0x8800);
    call(r, SVC_INT15);
    ck_assert_uint_eq(ax(r), 63 * 1024);
    set_ax(r, 0xc000);
    ck_assert_uint_eq(call(r, SVC_INT15) & EFLAGS_CF, 0);
    ck_assert_uint_eq(r->cpu->seg[SEG_ES].sel, 0xf000);
    ck_assert_uint_eq(mem_read(machine_mem(r->m), 0xf0000 + cpu_reg16(r->cpu, R_EBX) + 5, 1) & 0x40, 0x40);
    set_ax(r, 0x4100);                            /* unsupported */
    ck_assert_uint_eq(call(r, SVC_INT15) & EFLAGS_CF, EFLAGS_CF);
    ck_assert_uint_eq(ah(r), 0x86);
    rig_free(r);
}
END_TEST

START_TEST(int15_block_move)
{
    Rig *r = rig_new();
    post(r);
    for (int i = 0; i < 256; i++)
        ram(r)[0x30000 + i] = (uint8_t)i;
    uint8_t *gdt = ram(r) + 0x900;
    memset(gdt, 0, 48);
    gdt[0x10] = 0xff; gdt[0x11] = 0xff; gdt[0x12] = 0x00; gdt[0x13] = 0x00; gdt[0x14] = 0x03;
    gdt[0x15] = 0x93;
    gdt[0x18] = 0xff; gdt[0x19] = 0xff; gdt[0x1a] = 0x00; gdt[0x1b] = 0x80; gdt[0x1c] = 0x04;
    gdt[0x1d] = 0x93;
    cpu_set_seg_real(r->cpu, SEG_ES, 0);
    cpu_set_reg16(r->cpu, R_ESI, 0x900);
    set_ax(r, 0x8700);
    set_cx(r, 128);
    uint16_t f = call(r, SVC_INT15);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(ah(r), 0);
    for (int i = 0; i < 256; i++)
        ck_assert_uint_eq(ram(r)[0x48000 + i], (uint8_t)i);
    rig_free(r);
}
END_TEST

START_TEST(int16_buffer_wraps)
{
    Rig *r = rig_new();
    post(r);
    /* 15 keys fit (one slot always stays free). */
    for (int i = 0; i < 16; i++) {
        set_ax(r, 0x0500);
        set_cx(r, (uint16_t)(0x1e00 + 'a' + i));
        call(r, SVC_INT16);
        ck_assert_uint_eq(ax(r) & 0xff, i < 15 ? 0 : 1);
    }
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 10; i++) {
            set_ax(r, 0x0000);
            call(r, SVC_INT16);
            ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_ZF, 0);
            ck_assert_uint_eq(ax(r), 0x1e00 + 'a' + (round * 10 + i) % 26);
        }
        for (int i = 0; i < 10; i++) {
            set_ax(r, 0x0500);
            set_cx(r, (uint16_t)(0x1e00 + 'a' + (round * 10 + i + 15) % 26));
            call(r, SVC_INT16);
            ck_assert_uint_eq(ax(r) & 0xff, 0);
        }
    }
    /* Drain: 15 left, then empty. */
    for (int i = 0; i < 15; i++) {
        set_ax(r, 0x1000);
        call(r, SVC_INT16);
        ck_assert_uint_eq(ax(r), 0x1e00 + 'a' + (30 + i) % 26);
    }
    set_ax(r, 0x0100);                            /* peek: nothing, ZF=1 */
    uint16_t f = call(r, SVC_INT16);
    ck_assert_uint_eq(f & EFLAGS_ZF, EFLAGS_ZF);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_ZF, 0);   /* stub: no wait */
    set_ax(r, 0x0000);                            /* read: stub must wait */
    call(r, SVC_INT16);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_ZF, EFLAGS_ZF);
    rig_free(r);
}
END_TEST

static void scan(Rig *r, uint8_t code)
{
    set_ax(r, code);
    call(r, SVC_INT09);
}

static uint16_t next_key(Rig *r, uint8_t fn)
{
    set_ax(r, (uint16_t)(fn << 8));
    call(r, SVC_INT16);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_ZF, 0);
    return ax(r);
}

START_TEST(int09_translates_scan_codes)
{
    Rig *r = rig_new();
    post(r);
    scan(r, 0x1e); scan(r, 0x9e);                 /* a */
    scan(r, 0x2a); scan(r, 0x1e); scan(r, 0x9e); scan(r, 0xaa);   /* A */
    scan(r, 0x3a); scan(r, 0xba); scan(r, 0x1e);  /* Caps Lock, A */
    scan(r, 0x3a); scan(r, 0xba);
    scan(r, 0x1d); scan(r, 0x2e); scan(r, 0x9d);  /* Ctrl-C */
    scan(r, 0xe0); scan(r, 0x48);                 /* grey Up */
    scan(r, 0x57);                                /* F11 */
    scan(r, 0x38); scan(r, 0x4f); scan(r, 0x51); scan(r, 0xb8);   /* Alt 1 3 */
    ck_assert_uint_eq(next_key(r, 0x00), 0x1e61);
    ck_assert_uint_eq(next_key(r, 0x00), 0x1e41);
    ck_assert_uint_eq(next_key(r, 0x00), 0x1e41);
    ck_assert_uint_eq(next_key(r, 0x00), 0x2e03);
    ck_assert_uint_eq(next_key(r, 0x10), 0x48e0);
    ck_assert_uint_eq(next_key(r, 0x10), 0x8500);
    ck_assert_uint_eq(next_key(r, 0x00), 0x000d);  /* Alt+013 */
    ck_assert_uint_eq(ram(r)[0x417] & 0x40, 0);   /* Caps Lock off again */
    /* AH=00h skips F11 and maps grey keys to the old codes. */
    scan(r, 0x57); scan(r, 0xe0); scan(r, 0x4b);
    ck_assert_uint_eq(next_key(r, 0x00), 0x4b00);
    /* Ctrl-Break: buffer flushed, 0000h stored, AH=1 asks for INT 1Bh. */
    scan(r, 0x1e);
    scan(r, 0x1d); scan(r, 0xe0); scan(r, 0x46);
    ck_assert_uint_eq(ah(r), 1);
    ck_assert_uint_eq(ram(r)[0x471] & 0x80, 0x80);
    ck_assert_uint_eq(next_key(r, 0x10), 0x0000);
    rig_free(r);
}
END_TEST

START_TEST(int1a_tick_rollover)
{
    Rig *r = rig_new();
    post(r);
    set_ax(r, 0x0100);
    set_cx(r, 0x0018);
    set_dx(r, 0x00af);                            /* 1800AFh: last tick of the day */
    call(r, SVC_INT1A);
    call(r, SVC_INT08);
    set_ax(r, 0x0000);
    uint16_t f = call(r, SVC_INT1A);
    ck_assert_uint_eq(f & EFLAGS_CF, 0);
    ck_assert_uint_eq(ax(r) & 0xff, 1);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_ECX), 0);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_EDX), 0);
    call(r, SVC_INT08);
    set_ax(r, 0x0000);
    call(r, SVC_INT1A);
    ck_assert_uint_eq(ax(r) & 0xff, 0);           /* flag read once */
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_EDX), 1);
    rig_free(r);
}
END_TEST

START_TEST(int10_teletype_scrolls)
{
    Rig *r = rig_new();
    post(r);
    set_ax(r, 0x0003);                            /* mode 3: clear */
    call(r, SVC_INT10);
    char line[16];
    for (int i = 0; i < 26; i++) {
        snprintf(line, sizeof line, "line %d\r\n", i);
        for (char *p = line; *p; p++) {
            set_ax(r, (uint16_t)(0x0e00 | (uint8_t)*p));
            call(r, SVC_INT10);
        }
    }
    /* 26 lines + final newline: "line 2" is now on the top row. */
    const char *want = "line 2";
    for (int i = 0; want[i]; i++)
        ck_assert_uint_eq(ram(r)[0xb8000 + 2 * i], (uint8_t)want[i]);
    want = "line 25";
    for (int i = 0; want[i]; i++)
        ck_assert_uint_eq(ram(r)[0xb8000 + 23 * 160 + 2 * i], (uint8_t)want[i]);
    ck_assert_uint_eq(ram(r)[0xb8000 + 24 * 160], ' ');
    ck_assert_uint_eq(ram(r)[0xb8000 + 24 * 160 + 1], 0x07);
    set_ax(r, 0x0300);
    set_bx(r, 0);
    call(r, SVC_INT10);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_EDX), 24 << 8);
    /* AH=09h writes char+attr N times; AH=08h reads it back. */
    set_ax(r, 0x0200);
    set_dx(r, 0x0305);
    call(r, SVC_INT10);
    set_ax(r, 0x0941);
    set_bx(r, 0x001e);
    set_cx(r, 3);
    call(r, SVC_INT10);
    ck_assert_uint_eq(ram(r)[0xb8000 + 3 * 160 + 14], 'A');
    ck_assert_uint_eq(ram(r)[0xb8000 + 3 * 160 + 15], 0x1e);
    set_ax(r, 0x0800);
    set_bx(r, 0);
    call(r, SVC_INT10);
    ck_assert_uint_eq(ax(r), 0x1e41);
    /* AH=06h: clear a window with attribute 4Fh. */
    set_ax(r, 0x0600);
    set_bx(r, 0x4f00);
    set_cx(r, 0x0101);
    set_dx(r, 0x0202);
    call(r, SVC_INT10);
    ck_assert_uint_eq(ram(r)[0xb8000 + 160 + 3], 0x4f);
    ck_assert_uint_eq(ram(r)[0xb8000 + 160 + 7], 0x07);
    /* AH=0Fh. */
    set_ax(r, 0x0f00);
    call(r, SVC_INT10);
    ck_assert_uint_eq(ax(r), 0x5003);
    rig_free(r);
}
END_TEST

START_TEST(int10_write_string_and_font_info)
{
    Rig *r = rig_new();
    post(r);
    memcpy(ram(r) + 0x600, "H\x1fi\x2f", 4);
    cpu_set_seg_real(r->cpu, SEG_ES, 0);
    cpu_set_reg16(r->cpu, R_EBP, 0x600);
    set_ax(r, 0x1303);                            /* attributes in string, move cursor */
    set_bx(r, 0);
    set_cx(r, 2);
    set_dx(r, 0x0a0a);
    call(r, SVC_INT10);
    ck_assert_uint_eq(ram(r)[0xb8000 + 10 * 160 + 20], 'H');
    ck_assert_uint_eq(ram(r)[0xb8000 + 10 * 160 + 21], 0x1f);
    ck_assert_uint_eq(ram(r)[0xb8000 + 10 * 160 + 23], 0x2f);
    ck_assert_uint_eq(rd16_ram(r, 0x450), 0x0a0c);
    set_ax(r, 0x1130);
    set_bx(r, 0x0600);
    call(r, SVC_INT10);
    ck_assert_uint_eq(r->cpu->seg[SEG_ES].sel, 0xf000);
    ck_assert_uint_eq(cpu_reg16(r->cpu, R_ECX), 16);
    ck_assert_uint_eq(cpu_reg8(r->cpu, R8_DL), 24);
    /* 8x8 font: 50 rows. */
    set_ax(r, 0x1112);
    set_bx(r, 0);
    call(r, SVC_INT10);
    ck_assert_uint_eq(ram(r)[0x484], 49);
    ck_assert_uint_eq(ram(r)[0x485], 8);
    set_ax(r, 0x1a00);
    call(r, SVC_INT10);
    ck_assert_uint_eq(ax(r) & 0xff, 0x1a);
    ck_assert_uint_eq(cpu_reg8(r->cpu, R8_BL), 0x08);
    rig_free(r);
}
END_TEST

START_TEST(int19_loads_boot_sector)
{
    Rig *r = rig_new();
    post(r);
    call(r, SVC_INT19);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_ZF, 0);
    ck_assert_uint_eq(cpu_reg8(r->cpu, R8_DL), 0);
    for (int i = 0; i < 512; i++)
        ck_assert_uint_eq(ram(r)[0x7c00 + i], fd_byte((uint32_t)i));
    rig_free(r);
}
END_TEST

START_TEST(bad_floppy_size_rejected)
{
    Bench *bn = bench_new(1024);
    Machine *m = bench_machine(bn);
    CpuState *cpu = cpu_create(machine_mem(m), machine_io(m));
    uint8_t *img = xzalloc(1000 * 1024);
    BlockBackend *blk = blk_new_mem(img, 1000 * 1024, false);
    BiosConfig cfg = { .ram_size = 1u << 20, .fd = { blk, NULL } };
    ck_assert_ptr_null(bios_create(m, cpu, &cfg));
    ck_assert(bios_floppy_size_ok(720 * 1024));
    ck_assert(!bios_floppy_size_ok(1000 * 1024));
    blk_close(blk);
    free(img);
    bench_free(bn);
    cpu_free(cpu);
}
END_TEST

Suite *bios_suite(void)
{
    Suite *s = suite_create("bios");
    TCase *tc = tcase_create("bios");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rom_reset_vector_and_checksum);
    tcase_add_test(tc, post_fills_ivt_bda_ebda);
    tcase_add_test(tc, int13_floppy_read_chs);
    tcase_add_test(tc, int13_write_and_protect);
    tcase_add_test(tc, int13_geometry);
    tcase_add_test(tc, int13_edd_read_and_params);
    tcase_add_test(tc, int15_e820_map_and_sizes);
    tcase_add_test(tc, int15_block_move);
    tcase_add_test(tc, int16_buffer_wraps);
    tcase_add_test(tc, int09_translates_scan_codes);
    tcase_add_test(tc, int1a_tick_rollover);
    tcase_add_test(tc, int10_teletype_scrolls);
    tcase_add_test(tc, int10_write_string_and_font_info);
    tcase_add_test(tc, int19_loads_boot_sector);
    tcase_add_test(tc, bad_floppy_size_rejected);
    suite_add_tcase(s, tc);
    return s;
}
