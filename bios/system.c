/*
 * bios/system.c - INT 15h system services: A20 gate, waits, block move,
 * extended memory size and map, configuration table.
 *
 * Models:      AH=24h (A20 through port 92h and the 8042 output port),
 *              4Fh (keyboard intercept: CF left as the caller set it), 83h
 *              and 86h (RTC periodic-interrupt waits, see bios/time.c; the
 *              AH=86h stub HLTs until done, with a tick-count safety net),
 *              87h (block move between the GDT's source and destination
 *              descriptors with A20 on), 88h, 89h (refused), 90h/91h, C0h,
 *              C1h, C2h (bios/mouse.c; the stub then polls for the
 *              device's answer), E801h, E820h.
 * Not modeled: 89h switch to protected mode, APM (53h), 85h SysRq, 4Fh
 *              handling of its own, 8Ah/DA88h big-memory variants, C3h
 *              watchdog.
 * Spec:        IBM PC/AT Technical Reference, CASSETTE_IO (INT 15h) listing;
 *              Ralf Brown's Interrupt List INT 15h; ACPI spec "INT 15H,
 *              E820H - Query System Address Map".
 */
#include "bios/internal.h"

enum { SYS_UNSUPPORTED = 0x86, SMAP = 0x534d4150 };

static void sys_status(Bios *b, uint8_t ah)
{
    ret_status(b, ah);
}

/* ---- A20 ------------------------------------------------------------------- */

void a20_set(Bios *b, bool on)
{
    uint8_t p92 = inb(b, 0x92);
    outb(b, 0x92, (uint8_t)((p92 & ~0x03) | (on ? 0x02 : 0)));
    /* 8042 "write output port": bit 1 = A20, bit 0 = not in reset. */
    for (int i = 0; i < 1000 && (inb(b, 0x64) & 0x02); i++)
        ;
    outb(b, 0x64, 0xd1);
    for (int i = 0; i < 1000 && (inb(b, 0x64) & 0x02); i++)
        ;
    outb(b, 0x60, on ? 0xdf : 0xdd);
}

static void a20_service(Bios *b)
{
    switch (reg8(b, R8_AL)) {
    case 0x00: a20_set(b, false); sys_status(b, 0); break;
    case 0x01: a20_set(b, true); sys_status(b, 0); break;
    case 0x02:                        /* status: the gate as the bus applies it */
        set_reg8(b, R8_AL, mem_a20(b->mem));
        sys_status(b, 0);
        break;
    case 0x03:                        /* supported: 8042 and port 92h */
        set_reg16(b, R_EBX, 0x0003);
        sys_status(b, 0);
        break;
    default:
        sys_status(b, SYS_UNSUPPORTED);
    }
}

/* ---- Waits ------------------------------------------------------------------- */

static void rtc_periodic_on(Bios *b)
{
    cmos_write(b, 0x0b, cmos_read(b, 0x0b) | 0x40);
    outb(b, 0xa1, inb(b, 0xa1) & 0xfe);           /* unmask IRQ8 */
    outb(b, 0x21, inb(b, 0x21) & 0xfb);           /* and the cascade */
}

static void rtc_periodic_off(Bios *b)
{
    cmos_write(b, 0x0b, cmos_read(b, 0x0b) & (uint8_t)~0x40);
}

/* Start a wait of CX:DX microseconds that posts bit 7 of the byte at
 * seg:off; false if one is already running. */
static bool wait_start(Bios *b, uint16_t seg, uint16_t off)
{
    if (bda8(b, BDA_WAIT_ACTIVE) & 0x01)
        return false;
    uint32_t us = (uint32_t)reg16(b, R_ECX) << 16 | reg16(b, R_EDX);
    set_bda32(b, BDA_WAIT_PTR, (uint32_t)seg << 16 | off);
    set_bda32(b, BDA_WAIT_US, us);
    set_bda8(b, BDA_WAIT_ACTIVE, 0x01);
    rtc_periodic_on(b);
    return true;
}

/* AH=83h: AL=0 start (ES:BX flag byte), AL=1 cancel. */
static void event_wait(Bios *b)
{
    if (reg8(b, R8_AL) == 0x01) {
        set_bda8(b, BDA_WAIT_ACTIVE, 0);
        rtc_periodic_off(b);
        set_cf(b, false);
        return;
    }
    if (!wait_start(b, b->cpu->seg[SEG_ES].sel, reg16(b, R_EBX))) {
        set_cf(b, true);
        return;
    }
    set_cf(b, false);
}

/* AH=86h: wait CX:DX microseconds. The stub HLTs and calls wait_poll. */
static void wait_us(Bios *b)
{
    uint32_t us = (uint32_t)reg16(b, R_ECX) << 16 | reg16(b, R_EDX);
    if (us == 0) {
        sys_status(b, 0);
        return;
    }
    if (!wait_start(b, 0x40, BDA_WAIT_ACTIVE)) {
        sys_status(b, 0x83);          /* a wait is already in progress */
        return;
    }
    /* Safety net if the RTC never interrupts: the tick count (55 ms). */
    uint32_t e = ebda_lin(b);
    wr32(b, e + EBDA_WAIT_DEADLINE, bda32(b, BDA_TICKS));
    wr32(b, e + EBDA_WAIT_DEADLINE + 4, us / 54925 + 2);
    set_cf(b, false);
    set_live_zf(b, true);
}

void wait_poll(Bios *b)
{
    uint32_t e = ebda_lin(b);
    uint32_t start = rd32(b, e + EBDA_WAIT_DEADLINE), need = rd32(b, e + EBDA_WAIT_DEADLINE + 4);
    uint32_t elapsed = (bda32(b, BDA_TICKS) + 0x1800b0u - start) % 0x1800b0u;
    if (!(bda8(b, BDA_WAIT_ACTIVE) & 0x80) && elapsed < need) {
        set_live_zf(b, true);
        return;
    }
    set_bda8(b, BDA_WAIT_ACTIVE, 0);
    rtc_periodic_off(b);
    sys_status(b, 0);
    set_live_zf(b, false);
}

/* ---- Memory ----------------------------------------------------------------- */

/* AH=87h: move CX words; ES:SI = GDT with source at +10h, destination at
 * +18h (base bits 0-23 in bytes 2-4, bits 24-31 in byte 7). */
static void block_move(Bios *b)
{
    uint32_t gdt = seg_lin(b, SEG_ES, reg16(b, R_ESI));
    uint32_t words = reg16(b, R_ECX);
    if (words > 0x8000) {
        sys_status(b, 0x02);
        return;
    }
    uint8_t d[16];
    rd_buf(b, gdt + 0x10, d, 16);
    uint32_t src = d[2] | d[3] << 8 | d[4] << 16 | (uint32_t)d[7] << 24;
    uint32_t dst = d[10] | d[11] << 8 | d[12] << 16 | (uint32_t)d[15] << 24;
    bool a20 = mem_a20(b->mem);
    mem_set_a20(b->mem, true);
    uint8_t buf[4096];
    for (uint32_t done = 0, len = words * 2; done < len; ) {
        uint32_t n = len - done < sizeof buf ? len - done : (uint32_t)sizeof buf;
        mem_read_buf(b->mem, src + done, buf, n);
        mem_write_buf(b->mem, dst + done, buf, n);
        done += n;
    }
    mem_set_a20(b->mem, a20);
    sys_status(b, 0);
    set_zf(b, true);
}

static uint32_t ext_kb(Bios *b)
{
    return b->ram_size > 0x100000u ? (b->ram_size - 0x100000u) >> 10 : 0;
}

/* The memory map INT 15h E820h reports (also the Multiboot loader's). */
int e820_map(uint32_t ram_size, E820 *m)
{
    int n = 0;
    uint32_t low = ram_size < 0xa0000u ? ram_size : 0xa0000u;
    m[n++] = (E820){ 0, low - EBDA_KB * 1024, 1 };
    m[n++] = (E820){ low - EBDA_KB * 1024, EBDA_KB * 1024, 2 };
    m[n++] = (E820){ 0xf0000, 0x10000, 2 };
    if (ram_size > 0x100000u)
        m[n++] = (E820){ 0x100000, ram_size - 0x100000u, 1 };
    m[n++] = (E820){ 0xfffc0000u, 0x40000, 2 };
    return n;
}

static void e820(Bios *b)
{
    E820 map[E820_MAX];
    int n = e820_map(b->ram_size, map);
    uint32_t idx = b->cpu->regs[R_EBX];
    if (b->cpu->regs[R_EDX] != SMAP || b->cpu->regs[R_ECX] < 20 || idx >= (uint32_t)n) {
        sys_status(b, SYS_UNSUPPORTED);
        return;
    }
    uint8_t e[20];
    for (int k = 0; k < 8; k++) {
        e[k] = (uint8_t)(map[idx].base >> (8 * k));
        e[8 + k] = (uint8_t)(map[idx].len >> (8 * k));
    }
    for (int k = 0; k < 4; k++)
        e[16 + k] = (uint8_t)(map[idx].type >> (8 * k));
    wr_buf(b, seg_lin(b, SEG_ES, reg16(b, R_EDI)), e, sizeof e);
    b->cpu->regs[R_EAX] = SMAP;
    b->cpu->regs[R_ECX] = 20;
    b->cpu->regs[R_EBX] = idx + 1 < (uint32_t)n ? idx + 1 : 0;
    set_cf(b, false);
}

/* ---- INT 15h ------------------------------------------------------------------ */

void int15_service(Bios *b)
{
    uint8_t ah = reg8(b, R8_AH);
    bool collect = false;
    set_live_zf(b, false);
    switch (ah) {
    case 0x24: a20_service(b); break;
    case 0x4f: break;                 /* keyboard intercept: pass the key */
    case 0x83: event_wait(b); break;
    case 0x86: wait_us(b); break;
    case 0x87: block_move(b); break;
    case 0x88: {
        uint32_t kb = ext_kb(b);
        set_reg16(b, R_EAX, (uint16_t)(kb > 0xffff ? 0xffff : kb));
        set_cf(b, false);
        break;
    }
    case 0x90: case 0x91:             /* device busy / interrupt complete */
        sys_status(b, 0);
        break;
    case 0xc0:
        cpu_set_seg_real(b->cpu, SEG_ES, BIOS_SEG);
        set_reg16(b, R_EBX, ROM_CONFIG);
        sys_status(b, 0);
        break;
    case 0xc1:
        cpu_set_seg_real(b->cpu, SEG_ES, bda16(b, BDA_EBDA));
        set_cf(b, false);
        break;
    case 0xc2: collect = int15_mouse(b); break;
    case 0xe8:
        if (reg8(b, R8_AL) == 0x01) {
            uint32_t kb = ext_kb(b), above = b->ram_size > 0x1000000u ?
                          (b->ram_size - 0x1000000u) >> 16 : 0;
            uint16_t low = (uint16_t)(kb > 0x3c00 ? 0x3c00 : kb);
            set_reg16(b, R_EAX, low);
            set_reg16(b, R_ECX, low);
            set_reg16(b, R_EBX, (uint16_t)above);
            set_reg16(b, R_EDX, (uint16_t)above);
            set_cf(b, false);
        } else if (reg8(b, R8_AL) == 0x20) {
            e820(b);
        } else {
            sys_status(b, SYS_UNSUPPORTED);
        }
        break;
    default:                          /* includes 41h, 89h, C3h, 53h */
        sys_status(b, SYS_UNSUPPORTED);
        break;
    }
    /* The stub branches on the live CF: collect the mouse's answer bytes. */
    set_live_cf(b, collect);
}
