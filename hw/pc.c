/*
 * hw/pc.c - the PC/AT-compatible board (see pc.h).
 *
 * Models: the ISA part of a PC: RAM below 640 KiB and above 1 MiB, the VGA
 * window at A0000-BFFFF, the BIOS ROM at F0000 (aliased at 4 GiB - 64 KiB),
 * the 8259A pair, 8254 PIT, MC146818 RTC/CMOS, 8237 DMA pair, port 61h/92h,
 * 8042 with PS/2 keyboard and mouse, 82077AA floppy controller, two IDE
 * channels, COM1/COM2, the debug console (0xE9), the exit port (0xF4) and the
 * POST port (0x80); the PCI part of an i440FX/PIIX3 board: configuration
 * ports 0xCF8/0xCFC, the host bridge at 00:00.0, the PIIX3 ISA bridge at
 * 00:01.0 (PIRQ routing onto the PIC inputs) and IDE at 00:01.1 (bus
 * master DMA for both channels); -cdrom is an ATAPI drive on the secondary
 * master, as in QEMU. IRQ map as on every AT: 0 PIT, 1 keyboard, 2 cascade,
 * 3 COM2, 4 COM1, 6 floppy, 8 RTC, 12 mouse, 14/15 IDE.
 * Not modelled yet: APIC, ACPI.
 * Spec: IBM PC/AT Technical Reference (system board I/O map, CMOS layout).
 */
#include "hw/pc.h"

#include <time.h>

#include "bios/bios.h"
#include "hw/dma.h"
#include "hw/fdc.h"
#include "hw/ferr.h"
#include "hw/i440fx.h"
#include "hw/ide.h"
#include "hw/isadebug.h"
#include "hw/kbc.h"
#include "hw/pci.h"
#include "hw/pic.h"
#include "hw/piix.h"
#include "hw/pit.h"
#include "hw/port61.h"
#include "hw/port92.h"
#include "hw/rtc.h"
#include "hw/uart.h"
#include "hw/vga.h"

struct PcDevices {
    Pic *pic;
    Pit *pit;
    Rtc *rtc;
    Dma *dma;
    Fdc *fdc;
    Ide *ide[2];
    PciBus *pci;
    Uart *uart[2];
    Bios *bios;
};

/* The PIC's INT output drives the CPU's INTR pin. */
static void pc_set_intr(void *opaque, int n, int level)
{
    Pc *pc = opaque;
    cpu_set_intr(pc->cpu, level != 0);
}

static void pc_kick(void *opaque)
{
    Pc *pc = opaque;
    cpu_request_exit(pc->cpu);
}

static uint64_t pc_clock_ns(void *opaque)
{
    return clock_now_ns(opaque);
}

static void pc_a20_changed(void *opaque)
{
    Pc *pc = opaque;
    cpu_tlb_flush(pc->cpu);
}

/* CMOS contents the BIOS and DOS read (IBM AT CMOS map). */
static void pc_fill_cmos(Pc *pc, const PcConfig *cfg)
{
    Rtc *rtc = pc->dev->rtc;
    uint32_t ext_kb = pc->ram_size > (1u << 20) ? (pc->ram_size >> 10) - 1024 : 0;
    uint32_t ext16 = ext_kb > 0xffff ? 0xffff : ext_kb;
    uint32_t above16m = pc->ram_size > (16u << 20) ? (pc->ram_size - (16u << 20)) >> 16 : 0;
    if (above16m > 0xffff)
        above16m = 0xffff;

    rtc_set_cmos(rtc, 0x15, 640 & 0xff);
    rtc_set_cmos(rtc, 0x16, 640 >> 8);
    rtc_set_cmos(rtc, 0x17, ext16 & 0xff);
    rtc_set_cmos(rtc, 0x18, ext16 >> 8);
    rtc_set_cmos(rtc, 0x30, ext16 & 0xff);
    rtc_set_cmos(rtc, 0x31, ext16 >> 8);
    rtc_set_cmos(rtc, 0x34, above16m & 0xff);
    rtc_set_cmos(rtc, 0x35, above16m >> 8);

    int fa = fdc_drive_type(pc->dev->fdc, 0), fb = fdc_drive_type(pc->dev->fdc, 1);
    rtc_set_cmos(rtc, 0x10, (uint8_t)(fa << 4 | fb));
    int nfloppies = (fa != 0) + (fb != 0);
    /* Equipment byte: bit 0 floppies present, bits 6-7 count-1, bit 1 FPU,
     * bits 4-5 primary display (00 = EGA/VGA with its own BIOS). */
    uint8_t equip = nfloppies ? (uint8_t)(1 | (nfloppies - 1) << 6) : 0;
    rtc_set_cmos(rtc, 0x14, equip);
    /* Hard disks: type 0Fh in 0x12 means "see 0x19/0x1A", 47 = user type. */
    uint8_t hdtypes = (cfg->hd[0] ? 0xf0 : 0) | (cfg->hd[1] ? 0x0f : 0);
    rtc_set_cmos(rtc, 0x12, hdtypes);
    rtc_set_cmos(rtc, 0x19, cfg->hd[0] ? 47 : 0);
    rtc_set_cmos(rtc, 0x1a, cfg->hd[1] ? 47 : 0);
    rtc_set_cmos(rtc, 0x32, 0x20);       /* century, BCD */
    rtc_update_checksum(rtc);
}

/* Host local time as seconds since 1970 (the RTC keeps local time). */
static int64_t host_local_epoch(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return (int64_t)now + tm.tm_gmtoff;
}

Pc *pc_create(const PcConfig *cfg, char *err, size_t errlen)
{
    if (cfg->ram_mb < 1 || cfg->ram_mb > 3584) {
        snprintf(err, errlen, "RAM size %u MiB out of range", cfg->ram_mb);
        return NULL;
    }
    Pc *pc = xzalloc(sizeof *pc);
    pc->dev = xzalloc(sizeof *pc->dev);
    struct PcDevices *d = pc->dev;
    pc->m = machine_new(cfg->clock_mode);
    Machine *m = pc->m;
    AddrSpace *mem = machine_mem(m);

    pc->ram_size = cfg->ram_mb << 20;
    pc->ram = calloc(1, pc->ram_size);
    if (!pc->ram) {
        snprintf(err, errlen, "cannot allocate %u MiB of guest RAM", cfg->ram_mb);
        machine_free(pc->m);
        free(pc->dev);
        free(pc);
        return NULL;
    }
    uint32_t low = pc->ram_size < 0xa0000 ? pc->ram_size : 0xa0000;
    mem_map_ram(mem, 0, low, pc->ram);
    if (pc->ram_size > 0x100000)
        mem_map_ram(mem, 0x100000, pc->ram_size - 0x100000, pc->ram + 0x100000);

    pc->cpu = cpu_create(mem, machine_io(m));
    pc->cpu->clock_ns = pc_clock_ns;
    pc->cpu->clock_opaque = machine_clock(m);
    mem_set_a20_listener(mem, pc_a20_changed, pc);
    machine_set_kick(m, pc_kick, pc);

    d->pic = pic_create(m, irq_line(pc_set_intr, pc, 0));
    pc->cpu->intack = pic_intack;
    pc->cpu->intack_opaque = d->pic;
    d->pit = pit_create(m, 0x40, pic_irq(d->pic, 0));
    port61_create(m, d->pit);
    d->rtc = rtc_create(m, 0x70, pic_irq(d->pic, 8), host_local_epoch());
    d->dma = dma_create(m);
    port92_create(m);
    pc->kbc = kbc_create(m, pic_irq(d->pic, 1), pic_irq(d->pic, 12));
    d->uart[0] = uart_create(m, 0x3f8, pic_irq(d->pic, 4), cfg->serial[0]);
    d->uart[1] = uart_create(m, 0x2f8, pic_irq(d->pic, 3), cfg->serial[1]);
    /* Instant wire, as on QEMU: see tx_load_tsr in hw/uart.c. */
    uart_set_paced(d->uart[0], false);
    uart_set_paced(d->uart[1], false);
    d->fdc = fdc_create(m, 0x3f0, pic_irq(d->pic, 6), d->dma, 2);
    for (int i = 0; i < 2; i++) {
        if (cfg->fd[i] && fdc_attach(d->fdc, i, cfg->fd[i]) < 0) {
            snprintf(err, errlen, "%s: size %llu is not a floppy size (160K to 2.88M)",
                     blk_name(cfg->fd[i]), (unsigned long long)blk_size(cfg->fd[i]));
            pc_free(pc);
            return NULL;
        }
    }
    d->ide[0] = ide_create(m, 0x1f0, 0x3f6, pic_irq(d->pic, 14));
    d->ide[1] = ide_create(m, 0x170, 0x376, pic_irq(d->pic, 15));
    for (int i = 0; i < 2; i++) {
        if (cfg->hd[i] && ide_attach_disk(d->ide[0], i, cfg->hd[i]) < 0) {
            snprintf(err, errlen, "%s: cannot use as a hard disk (size %llu)",
                     blk_name(cfg->hd[i]), (unsigned long long)blk_size(cfg->hd[i]));
            pc_free(pc);
            return NULL;
        }
    }
    if (cfg->cd)
        ide_attach_cdrom(d->ide[1], 0, cfg->cd);
    IrqLine isa_irq[16];
    for (int i = 0; i < 16; i++)
        isa_irq[i] = pic_irq(d->pic, i);
    d->pci = pci_bus_create(m, isa_irq);
    i440fx_create(m, d->pci, pc->ram_size);
    piix3_create(m, d->pci, PCI_DEVFN(1, 0));
    piix_ide_create(m, d->pci, PCI_DEVFN(1, 1), d->ide[0], d->ide[1]);
    Ferr *ferr = ferr_create(m, 0xf0, pic_irq(d->pic, 13));
    pc->cpu->ferr = ferr_set;
    pc->cpu->ferr_opaque = ferr;
    pc->vga = vga_create(m);
    debugcon_create(m, 0xe9, cfg->debugcon);
    debug_exit_create(m, 0xf4);
    post_port_create(m, 0x80);

    BiosConfig bc = {
        .ram_size = pc->ram_size,
        .fd = { cfg->fd[0], cfg->fd[1] },
        .hd = { cfg->hd[0], cfg->hd[1] },
        .cd = cfg->cd,
        .boot_order = cfg->boot_order ? cfg->boot_order
                    : cfg->hd[0] && !cfg->fd[0] ? (cfg->cd ? "cad" : "ca") : (cfg->cd ? "acd" : "ac"),
        .kernel = cfg->kernel, .initrd = cfg->initrd, .append = cfg->append,
    };
    d->bios = bios_create(m, pc->cpu, &bc);
    if (!d->bios) {
        snprintf(err, errlen, "%s", "");   /* bios_create printed why */
        pc_free(pc);
        return NULL;
    }
    pc_fill_cmos(pc, cfg);
    pc_reset(pc);
    return pc;
}

void pc_reset(Pc *pc)
{
    mem_set_a20(machine_mem(pc->m), true);
    machine_reset_devices(pc->m);
    cpu_reset(pc->cpu);
}

void pc_free(Pc *pc)
{
    if (!pc)
        return;
    machine_free(pc->m);
    if (pc->cpu)
        cpu_free(pc->cpu);
    free(pc->ram);
    free(pc->dev);
    free(pc);
}
