/*
 * hw/pc.h - the PC board: builds a Machine with RAM, the CPU, the chipset,
 * the peripherals and the BIOS, and wires their IRQ lines (the only file
 * that knows which device is connected to which).
 */
#ifndef HW_PC_H
#define HW_PC_H

#include "emu.h"
#include "cpu/cpu.h"
#include "hw/backend.h"
#include "hw/machine.h"

typedef struct Vga Vga;
typedef struct Kbc Kbc;

typedef struct PcConfig {
    uint32_t ram_mb;
    BlockBackend *fd[2];
    BlockBackend *hd[2];
    BlockBackend *cd;             /* -cdrom: ATAPI secondary master, or NULL */
    const char *boot_order;       /* NULL: "ca" if a hard disk, else "ac"
                                     ('d' appended when there is a CD) */
    const char *kernel, *initrd, *append;   /* -kernel boot (bios/loader.h) or NULL */
    CharBackend *serial[2];       /* COM1, COM2 host sides (may be NULL) */
    CharBackend *debugcon;        /* port 0xE9 */
    ClockMode clock_mode;
} PcConfig;

typedef struct Pc {
    Machine *m;
    CpuState *cpu;
    Vga *vga;
    Kbc *kbc;
    uint8_t *ram;
    uint32_t ram_size;
    struct PcDevices *dev;        /* the rest of the board */
} Pc;

/* Build the board. Returns NULL with a one-line reason in err, or with err
 * empty when the reason has been printed already (kernel files). */
Pc *pc_create(const PcConfig *cfg, char *err, size_t errlen);
/* Power-on/RESET: every device, the A20 gate and the CPU. */
void pc_reset(Pc *pc);
void pc_free(Pc *pc);

#endif
