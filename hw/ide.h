/*
 * hw/ide.h - one IDE (ATA) channel on the legacy ISA ports with a master and
 * a slave device.
 */
#ifndef HW_IDE_H
#define HW_IDE_H

#include "hw/backend.h"
#include "hw/irq.h"
#include "hw/machine.h"

typedef struct Ide Ide;

/*
 * A channel with its command block at cmd_base..cmd_base+7 (0x1F0 or 0x170)
 * and its control block (alternate status / device control) at ctl_base
 * (0x3F6 or 0x376), raising 'irq' (14 or 15). Units start empty.
 */
Ide *ide_create(Machine *m, uint16_t cmd_base, uint16_t ctl_base, IrqLine irq);

/* Attach a hard disk image as unit 0 (master) or 1 (slave). 0 or -1. */
int ide_attach_disk(Ide *ide, int unit, BlockBackend *blk);

/* The disk's default CHS translation (16 heads, 63 sectors, cylinders from
 * the size capped at 16383) as BIOS and CMOS should report it. */
bool ide_disk_geometry(Ide *ide, int unit, int *cyls, int *heads, int *spt);

#endif
