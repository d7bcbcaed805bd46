/*
 * bios/bios.h - emu's built-in PC BIOS: a ROM image of small stubs that
 * trap into BIOS services written in C (see bios/bios.c for the design).
 *
 * Models:      POST, the IBM PC/AT BIOS interrupt services (INT 08h-1Ah,
 *              INT 70h-76h), the VGA text-mode video BIOS, INT 13h disk
 *              services with the EDD extensions, and INT 19h boot (disks,
 *              or a Linux/Multiboot kernel loaded directly).
 *              El Torito no-emulation CD-ROM boot with INT 13h for the CD
 *              drive (E0h), the PCI BIOS (INT 1Ah AH=B1h) and PCI resource
 *              assignment at POST.
 * Not modeled: graphics video modes, CD emulation modes, APM, SMBIOS.
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
    const char *boot_order;       /* e.g. "ac", "c", "a", "ca", "d" (d = CD-ROM) */
    BlockBackend *cd;             /* CD-ROM medium (2048-byte sectors) or NULL */
    /* Direct kernel boot (QEMU's -kernel/-initrd/-append): a Linux bzImage
     * or a Multiboot kernel, booted by INT 19h before any disk. initrd is
     * the Linux initrd, or the Multiboot modules "FILE ARGS,FILE2". */
    const char *kernel, *initrd, *append;
} BiosConfig;

/*
 * Build the 64 KiB ROM image, map it at 0xF0000 and 0xFFFF0000, install
 * the CPU's BIOS hook and register the device (reset hook) on m. Returns
 * NULL (after a one-line error) when a floppy image has a size that is not
 * a known PC diskette format, or when the kernel, initrd or modules cannot
 * be read or cannot boot in ram_size bytes (bios/loader.h).
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
