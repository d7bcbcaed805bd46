/*
 * bios/bios.c - emu's built-in BIOS: creation, the CPU hook, the service
 * dispatcher and the helpers every service file shares.
 *
 * Models:      the glue between ROM stubs and C services (see below).
 * Not modeled: ROM shadowing into RAM (a shadowed copy would raise #UD at
 *              its 0F FF traps), option ROM scanning, SMM.
 * Spec:        IBM PC/AT Technical Reference, BIOS listing; Ralf Brown's
 *              Interrupt List for function numbers and register use.
 *
 * Design.
 *
 * emu ships no ROM file. At bios_create() we assemble a 64 KiB image in
 * host memory (bios/rom.c) and map it read-only at 0xF0000 and at the top
 * of the 4 GiB space (0xFFFF0000), where the reset vector FFFF:0000 =
 * physical FFFFFFF0h holds "jmp F000:E05B" like every PC BIOS. The image is
 * almost entirely data: fonts, the diskette and fixed-disk parameter
 * tables, the INT 15h configuration table, and short stubs at the classic
 * IBM entry points (INT 13h at F000:EC59, INT 10h at F000:F065, ...).
 *
 * A stub is x86 code whose interesting part is the three bytes 0F FF nn.
 * The CPU treats them as UD0 unless its bios hook accepts the fetch address;
 * ours accepts only addresses inside the ROM, looks up service nn and runs
 * the C function for it, then the guest continues after the trap. A plain
 * service is just "0F FF nn / IRET". How a call flows, e.g. INT 13h:
 *   guest INT 13h -> IVT -> F000:EC59 jmp -> stub: 0F FF 13 -> bios_hook
 *   -> int13_service() reads registers, the disk image and writes guest
 *   memory -> the stub's IRET returns to the caller.
 * Results in flags (CF, ZF) are written both to the live EFLAGS and into
 * the FLAGS word of the caller's interrupt frame on the stack (b->frame
 * says where it is relative to SP), so the stub's IRET hands them back.
 *
 * C never blocks, sleeps or waits for guest time to pass: a service that
 * must wait (INT 16h AH=00h with an empty buffer, INT 15h AH=86h, the
 * Pause key) returns "would block" in the live ZF and its stub loops on
 * STI; HLT; 0F FF nn until the condition changes. Where the BIOS must call
 * guest code (INT 1Ch from the timer tick, INT 1Bh on Ctrl-Break, the
 * PS/2 mouse handler, INT 15h AH=4Fh from INT 09h, INT 18h/19h) the stub
 * does it with ordinary INT or CALL FAR instructions around the trap.
 *
 * Why this works from virtual-8086 mode: when EMM386 or a DOS extender
 * reflects an interrupt to the BIOS, the CPU is in V86 mode with paging on.
 * The services therefore never touch host RAM pointers or physical
 * addresses directly. They reach guest memory only through cpu_read_lin/
 * cpu_write_lin with linear addresses made from the segment bases in the
 * CPU's registers (the same translation the guest's own MOVs get), and they
 * touch devices only through the port space (PIC EOI, PIT, RTC, 8042, VGA,
 * UART), exactly as a ROM BIOS would. The only exception is INT 15h AH=87h,
 * whose job is to copy physical memory.
 *
 * What lives in guest memory: everything with state. The IVT, the BIOS
 * data area at 40:00 (keyboard buffer and shift flags, video mode and
 * cursors, tick count, disk status bytes, the AH=86h wait), and the 1 KiB
 * extended BIOS data area at 9FC0:0000 (PS/2 mouse handler and packet).
 * The Bios struct holds only configuration and wiring, so a snapshot of RAM
 * and the devices captures the BIOS completely; its state table is empty.
 *
 * Design choice for disks: INT 13h reads and writes the BlockBackends
 * directly instead of driving the emulated FDC/IDE controllers. That is
 * faster, needs no interrupt round trips, and keeps geometry translation in
 * one place; a guest that programs the controllers itself (Linux, Windows)
 * still sees the same images through hw/fdc.c and hw/ide.c.
 *
 * Kernel loading (-kernel, -initrd, -append; bios/loader.c, linuxboot.c,
 * multiboot.c) is a boot device like the disks, the way QEMU's option ROMs
 * make it one: bios_create() reads and checks the files once (a bad file
 * stops emu before the guest starts), and INT 19h, when a kernel is given,
 * copies the images into RAM instead of reading a boot sector. That
 * happens after POST, so the kernel finds the IVT, the BDA and every
 * service ready, and again on every reboot, so a kernel that overwrote its
 * own image restarts from a clean copy. In place of a boot sector, INT 19h
 * leaves a few bytes of real-mode code at 0000:7C00 and its stub jumps
 * there as usual: for Linux they load the setup segment into DS/ES/FS/GS/SS
 * and far-jump into the 16-bit setup code, which then calls INT 15h E820h,
 * INT 10h and INT 16h like on any PC and enters protected mode itself
 * (memtest86+ boots the same way); for Multiboot they load a flat GDT, set
 * CR0.PE and jump to 32-bit code that sets EAX = 2BADB002h and EBX = the
 * information structure. Neither path touches CPU internals: the guest's
 * own instructions make every mode switch, so the CPU sees what it would
 * see from GRUB.
 */
#include "bios/internal.h"
#include "bios/loader.h"

/* ---- Guest memory, ports, flags ------------------------------------------- */

uint8_t rd8(Bios *b, uint32_t lin)
{
    uint8_t v = 0xff;
    cpu_read_lin(b->cpu, lin, &v, 1);
    return v;
}

uint16_t rd16(Bios *b, uint32_t lin)
{
    uint8_t v[2] = { 0xff, 0xff };
    cpu_read_lin(b->cpu, lin, v, 2);
    return (uint16_t)(v[0] | v[1] << 8);
}

uint32_t rd32(Bios *b, uint32_t lin)
{
    return rd16(b, lin) | (uint32_t)rd16(b, lin + 2) << 16;
}

void wr8(Bios *b, uint32_t lin, uint8_t v)
{
    cpu_write_lin(b->cpu, lin, &v, 1);
}

void wr16(Bios *b, uint32_t lin, uint16_t v)
{
    uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    cpu_write_lin(b->cpu, lin, p, 2);
}

void wr32(Bios *b, uint32_t lin, uint32_t v)
{
    wr16(b, lin, (uint16_t)v);
    wr16(b, lin + 2, (uint16_t)(v >> 16));
}

bool rd_buf(Bios *b, uint32_t lin, void *buf, size_t len)
{
    return cpu_read_lin(b->cpu, lin, buf, len) == 0;
}

bool wr_buf(Bios *b, uint32_t lin, const void *buf, size_t len)
{
    return cpu_write_lin(b->cpu, lin, buf, len) == 0;
}

uint32_t ebda_lin(Bios *b)
{
    return (uint32_t)bda16(b, BDA_EBDA) << 4;
}

uint8_t inb(Bios *b, uint16_t port)
{
    return (uint8_t)io_read(b->io, port, 1);
}

void outb(Bios *b, uint16_t port, uint8_t v)
{
    io_write(b->io, port, v, 1);
}

uint8_t bcd_to_bin(uint8_t v)
{
    return (uint8_t)((v >> 4) * 10 + (v & 15));
}

uint8_t bin_to_bcd(unsigned v)
{
    return (uint8_t)(((v / 10) % 10) << 4 | v % 10);
}

/* Linear address of the caller's FLAGS image, SP + b->frame (16-bit SP
 * unless SS is a 32-bit segment: D/B is bit 14 of SegCache.flags). */
static uint32_t frame_flags_lin(Bios *b)
{
    const SegCache *ss = &b->cpu->seg[SEG_SS];
    uint32_t sp = b->cpu->regs[R_ESP] + b->frame;
    if (!(ss->flags & 0x4000))
        sp &= 0xffff;
    return ss->base + sp;
}

static void set_result_flag(Bios *b, uint32_t bit, bool on)
{
    uint32_t f = cpu_get_eflags(b->cpu);
    cpu_set_eflags(b->cpu, on ? f | bit : f & ~bit);
    if (b->frame) {
        uint32_t lin = frame_flags_lin(b);
        uint16_t sf = rd16(b, lin);
        wr16(b, lin, on ? (uint16_t)(sf | bit) : (uint16_t)(sf & ~bit));
    }
}

void set_cf(Bios *b, bool on) { set_result_flag(b, EFLAGS_CF, on); }
void set_zf(Bios *b, bool on) { set_result_flag(b, EFLAGS_ZF, on); }

void set_live_zf(Bios *b, bool on)
{
    uint32_t f = cpu_get_eflags(b->cpu);
    cpu_set_eflags(b->cpu, on ? f | EFLAGS_ZF : f & ~EFLAGS_ZF);
}

void set_live_cf(Bios *b, bool on)
{
    uint32_t f = cpu_get_eflags(b->cpu);
    cpu_set_eflags(b->cpu, on ? f | EFLAGS_CF : f & ~EFLAGS_CF);
}

void ret_status(Bios *b, uint8_t status)
{
    set_reg8(b, R8_AH, status);
    set_cf(b, status != 0);
}

/* ---- Dispatch --------------------------------------------------------------- */

typedef struct Service {
    uint8_t nn;
    uint8_t frame;            /* SP offset of the caller's FLAGS, 0 = none */
    bool quiet;               /* not logged under -d bios (too frequent) */
    void (*fn)(Bios *b);
} Service;

/* Frame offsets follow from the stubs in bios/rom.c: 4 means the stub has
 * pushed nothing before the trap (IP, CS, FLAGS on top of the stack). */
static const Service services[] = {
    { SVC_INT08, 0, true, int08_service },
    { SVC_INT09, 0, false, int09_service },
    { SVC_INT0E, 0, false, int0e_irq6 },
    { SVC_INT10, 4, false, int10_service },
    { SVC_INT11, 4, false, int11_service },
    { SVC_INT12, 4, false, int12_service },
    { SVC_INT13, 4, false, int13_service },
    { SVC_INT14, 4, false, int14_service },
    { SVC_INT15, 4, false, int15_service },
    { SVC_INT16, 4, true, int16_service },
    { SVC_INT17, 4, false, int17_service },
    { SVC_INT18, 0, false, int18_service },
    { SVC_INT19, 0, false, int19_service },
    { SVC_INT1A, 4, true, int1a_service },
    { SVC_INT70, 0, true, int70_service },
    { SVC_INT74, 0, true, int74_service },
    { SVC_INT76, 0, false, int76_irq14 },
    { SVC_POST_ENTRY, 0, false, post_entry },
    { SVC_POST, 0, false, post_main },
    { SVC_WAIT_POLL, 4, true, wait_poll },
    { SVC_PAUSE_POLL, 0, true, pause_poll },
    { SVC_IRQ_OTHER, 0, false, irq_other },
    { SVC_SERIAL_POLL, 4, true, serial_poll },
    { SVC_MOUSE_POLL, 4, true, mouse_poll },
};

bool bios_call(Bios *b, CpuState *cpu, uint8_t service)
{
    for (size_t i = 0; i < ARRAY_SIZE(services); i++) {
        const Service *s = &services[i];
        if (s->nn != service)
            continue;
        b->cpu = cpu;
        b->frame = s->frame;
        if (!s->quiet)
            LOG(LOG_BIOS, "bios: svc %02x AX=%04x BX=%04x CX=%04x DX=%04x ES=%04x DS=%04x\n",
                service, reg16(b, R_EAX), reg16(b, R_EBX), reg16(b, R_ECX),
                reg16(b, R_EDX), cpu->seg[SEG_ES].sel, cpu->seg[SEG_DS].sel);
        s->fn(b);
        return true;
    }
    return false;
}

static bool in_rom(uint32_t phys)
{
    return (phys >= 0xf0000u && phys <= 0xfffffu) || phys >= 0xffff0000u;
}

static bool bios_hook(void *opaque, CpuState *cpu, uint32_t phys_eip, uint8_t service)
{
    Bios *b = opaque;
    if (!in_rom(phys_eip))
        return false;
    return bios_call(b, cpu, service);
}

/* ---- Lifecycle -------------------------------------------------------------- */

static const StateField bios_fields[] = { SF_END };

static void bios_reset(void *dev)
{
    /* Nothing to do: the CPU restarts at the reset vector and POST rebuilds
     * the guest-memory state. Keep the ROM hook installed across resets. */
    Bios *b = dev;
    b->cpu->bios_hook = bios_hook;
    b->cpu->bios_opaque = b;
}

static void bios_destroy(void *dev)
{
    Bios *b = dev;
    boot_image_free(b->boot);
    free(b->rom);
    free(b);
}

static const DeviceInfo bios_info = {
    .name = "bios", .version = 1, .state = bios_fields,
    .reset = bios_reset, .destroy = bios_destroy,
};

Bios *bios_create(Machine *m, CpuState *cpu, const BiosConfig *cfg)
{
    for (int i = 0; i < 2; i++) {
        if (cfg->fd[i] && !bios_floppy_size_ok(blk_size(cfg->fd[i]))) {
            emu_error("bios", "%s: size %llu is not a diskette format",
                      blk_name(cfg->fd[i]), (unsigned long long)blk_size(cfg->fd[i]));
            return NULL;
        }
    }
    BootImage *boot = NULL;
    if (cfg->kernel && !(boot = boot_image_open(cfg->kernel, cfg->initrd, cfg->append,
                                                cfg->ram_size)))
        return NULL;
    Bios *b = xzalloc(sizeof *b);
    b->boot = boot;
    b->m = m;
    b->cpu = cpu;
    b->mem = machine_mem(m);
    b->io = machine_io(m);
    b->ram_size = cfg->ram_size;
    snprintf(b->boot_order, sizeof b->boot_order, "%s",
             cfg->boot_order && *cfg->boot_order ? cfg->boot_order : "ac");
    disk_init(b, cfg);
    b->rom = xzalloc(ROM_SIZE);
    rom_build(b);
    mem_map_rom(b->mem, 0xf0000u, ROM_SIZE, b->rom);
    mem_map_rom(b->mem, 0xffff0000u, ROM_SIZE, b->rom);
    cpu->bios_hook = bios_hook;
    cpu->bios_opaque = b;
    machine_add(m, &bios_info, b);
    return b;
}

bool bios_floppy_change(Bios *b, int drive, BlockBackend *blk)
{
    if (drive < 0 || drive > 1)
        return false;
    BiosDisk *d = &b->fd[drive];
    memset(d, 0, sizeof *d);
    d->present = true;
    d->changed = true;
    return !blk || disk_geometry_floppy(d, blk);
}
