/*
 * bios/bios.h - emu's built-in PC BIOS: a ROM image of small stubs that
 * trap into BIOS services written in C (see bios/bios.c for the design).
 *
 * Models:      POST, the IBM PC/AT BIOS interrupt services (INT 08h-1Ah,
 *              INT 70h-76h), the VGA text-mode video BIOS, INT 13h disk
 *              services with the EDD extensions, and INT 19h boot.
 * Not modeled: graphics video modes, CD-ROM boot, PCI BIOS, APM, SMBIOS.
 * Spec:        IBM PC/AT Technical Reference (BIOS listing), Ralf Brown's
 *              Interrupt List, Phoenix "BIOS Enhanced Disk Drive Spec" 1.1.
 */
#ifndef BIOS_BIOS_H
#define BIOS_BIOS_H

#include "emu.h"
#include "cpu/cpu.h"
#include "hw/backend.h"
#include "hw/machine.h"

typedef struct Bios Bios;

typedef struct BiosConfig {
    uint32_t ram_size;            /* bytes of RAM at 0 */
    BlockBackend *fd[2];          /* A:, B: or NULL */
    BlockBackend *hd[2];          /* 80h, 81h or NULL */
    const char *boot_order;       /* e.g. "ac", "c", "a", "ca" (d = CD-ROM, later) */
} BiosConfig;

/*
 * Build the 64 KiB ROM image, map it at 0xF0000 and 0xFFFF0000, install
 * the CPU's BIOS hook and register the device (reset hook) on m. Returns
 * NULL (after a one-line error) when a floppy image has a size that is not
 * a known PC diskette format.
 */
Bios *bios_create(Machine *m, CpuState *cpu, const BiosConfig *cfg);

/*
 * Run BIOS service 'service' (the nn of a 0F FF nn stub, e.g. 0x13 for
 * INT 13h) as if the stub had trapped: registers, flags and guest memory
 * change as the service defines. For unit tests, which must set SS:SP to
 * an interrupt frame (IP, CS, FLAGS) for services that return flags.
 * Returns false for an unknown service number.
 */
bool bios_call(Bios *b, CpuState *cpu, uint8_t service);

/*
 * Replace the medium in floppy drive 0 or 1 (NULL = eject). The next
 * INT 13h AH=16h reports "disk changed" once. Returns false if the size
 * is not a known diskette format (the drive then stays empty).
 */
bool bios_floppy_change(Bios *b, int drive, BlockBackend *blk);

/* True if 'bytes' is the size of a diskette format the BIOS knows. */
bool bios_floppy_size_ok(uint64_t bytes);

#endif
