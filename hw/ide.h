/*
 * hw/ide.h - one IDE (ATA) channel on the legacy ISA ports with a master and
 * a slave device: ATA hard disks and ATAPI CD-ROM drives, PIO and (with a
 * bus master such as the PIIX3 IDE function attached) DMA.
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

/*
 * Attach an ATAPI CD-ROM drive as unit 0 or 1, with the medium 'blk'
 * (2048-byte sectors; NULL = empty drive). 0 or -1.
 */
int ide_attach_cdrom(Ide *ide, int unit, BlockBackend *blk);
/* Change the CD-ROM's medium (NULL = eject); the drive then reports
 * UNIT ATTENTION (medium may have changed) once. */
void ide_cdrom_change(Ide *ide, int unit, BlockBackend *blk);

/*
 * A bus master (SFF-8038i, e.g. the PIIX3 IDE function) serving this
 * channel's DMA commands. rw moves up to len bytes between buf and guest
 * memory along its PRD table and returns how many it moved (0 when it is
 * stopped); running says whether its start bit is set; irq_raised is
 * called on each rising edge of the channel's INTRQ (the bus master's
 * interrupt status bit).
 */
typedef struct IdeBusMasterOps {
    uint32_t (*rw)(void *dev, uint8_t *buf, uint32_t len, bool to_memory);
    bool     (*running)(void *dev);
    void     (*irq_raised)(void *dev);
} IdeBusMasterOps;
void ide_set_bus_master(Ide *ide, const IdeBusMasterOps *ops, void *dev);
/* The bus master's start bit went 0 -> 1: a waiting DMA command proceeds. */
void ide_bus_master_started(Ide *ide);

/* The disk's default CHS translation (16 heads, 63 sectors, cylinders from
 * the size capped at 16383) as BIOS and CMOS should report it. */
bool ide_disk_geometry(Ide *ide, int unit, int *cyls, int *heads, int *spt);

#endif
