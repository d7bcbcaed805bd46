/*
 * hw/fdc.h - Intel 82077AA floppy disk controller with two drives.
 */
#ifndef HW_FDC_H
#define HW_FDC_H

#include "hw/backend.h"
#include "hw/dma.h"
#include "hw/irq.h"
#include "hw/machine.h"

typedef struct Fdc Fdc;

/*
 * The controller at base..base+5 and base+7 (base+6 belongs to the IDE
 * channel), raising irq6, moving data through 8237 channel dma_channel of
 * 'dma' (NULL: PIO only).
 */
Fdc *fdc_create(Machine *m, uint16_t base, IrqLine irq6, Dma *dma, int dma_channel);

/*
 * Insert (blk) or eject (NULL) the medium of drive 0 or 1. The geometry
 * comes from the image size (160K ... 2.88M, DMF 1.68M/1.72M); -1 and an
 * empty drive for a size that is not a floppy. Raises the disk change line.
 */
int fdc_attach(Fdc *f, int drive, BlockBackend *blk);

/* CMOS register 0x10 nibble for the drive: 1=360K 2=1.2M 3=720K 4=1.44M
 * 5=2.88M, 0 = no medium attached. */
int fdc_drive_type(Fdc *f, int drive);

/* The attached medium's geometry; false for an empty drive. */
bool fdc_geometry(Fdc *f, int drive, int *cyls, int *heads, int *spt);

#endif
