/*
 * hw/ata.h - the seam between the IDE channel (hw/ide.c: registers, IRQ,
 * PIO data port, resets) and a device's command set (hw/ata.c: ATA disk
 * commands; hw/atapi.c will add packet devices). Only those files include
 * this header; the board uses hw/ide.h.
 */
#ifndef HW_ATA_H
#define HW_ATA_H

#include "hw/backend.h"
#include "hw/clock.h"

#define ATA_SECTOR_SIZE   512
#define ATA_MAX_MULTIPLE  16

/* Status register (ATA/ATAPI-6 7.15.6). */
#define ATA_SR_ERR   0x01
#define ATA_SR_DRQ   0x08
#define ATA_SR_DSC   0x10
#define ATA_SR_DF    0x20
#define ATA_SR_DRDY  0x40
#define ATA_SR_BSY   0x80

/* Error register. */
#define ATA_ER_ABRT  0x04
#define ATA_ER_IDNF  0x10
#define ATA_ER_UNC   0x40

/* Device/Head register. */
#define ATA_DEV_LBA  0x40
#define ATA_DEV_DEV  0x10

typedef struct Ide Ide;

/* The command block registers; writes reach both devices, as on the cable.
 * The hob_ copies hold the previous value for 48-bit commands. */
typedef struct IdeTaskFile {
    uint8_t feature, nsector, sector, lcyl, hcyl, select;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
} IdeTaskFile;

typedef enum IdeXfer { IDE_XFER_NONE, IDE_XFER_IN, IDE_XFER_OUT } IdeXfer;

/* What the unit's timer does when it fires. */
typedef enum IdeAction {
    IDE_ACT_NONE, IDE_ACT_COMMAND, IDE_ACT_READ_BLOCK, IDE_ACT_WRITE_BLOCK,
} IdeAction;

typedef struct IdeUnit {
    uint8_t  status, error;
    bool     intrq;             /* the device's INTRQ, before nIEN */
    uint8_t  cmd;               /* command in progress */
    uint8_t  action;            /* IdeAction armed on 'timer' */
    uint64_t deadline_ns;
    uint8_t  xfer;              /* IdeXfer of the current DRQ block */
    uint32_t data_pos, data_end;
    uint8_t  buf[ATA_MAX_MULTIPLE * ATA_SECTOR_SIZE];
    uint64_t lba;               /* next sector of the transfer */
    uint32_t sectors_left;
    uint8_t  block_sectors;     /* sectors per DRQ block of this command */
    uint8_t  mult_sectors;      /* SET MULTIPLE MODE; 0 = off */
    uint16_t cur_cyls;          /* INITIALIZE DEVICE PARAMETERS translation */
    uint8_t  cur_heads, cur_spt;
    bool     lba48;             /* current command uses 48-bit addressing */
    /* wiring: never saved */
    BlockBackend *blk;          /* NULL: no device */
    Ide          *ide;
    IdeTaskFile  *tf;
    int           index;        /* 0 master, 1 slave */
    uint64_t      sectors;      /* capacity */
    uint16_t      def_cyls;     /* default translation (16 x 63) */
    uint8_t       def_heads, def_spt;
    Timer         timer;
} IdeUnit;

/* ide.c services for the command sets. */
void ide_update_irq(Ide *ide);
uint64_t ide_now_ns(Ide *ide);

/* ata.c: the ATA disk command set. */
void ata_attach(IdeUnit *u, BlockBackend *blk);
void ata_start_command(IdeUnit *u, uint8_t cmd);   /* guest wrote the command */
void ata_pio_block_done(IdeUnit *u);     /* the host emptied/filled 'buf' */
void ata_timer_fire(void *dev);          /* the unit's timer callback */
void ata_set_signature(IdeUnit *u);      /* after reset/diagnostics */
void ata_abort_transfer(IdeUnit *u);

#endif
