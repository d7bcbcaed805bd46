/*
 * hw/ata.h - the seam between the IDE channel (hw/ide.c: registers, IRQ,
 * PIO data port, resets) and a device's command set (hw/ata.c: ATA disk
 * commands; hw/atapi.c: ATAPI packet devices), and the DMA loop both
 * share (ata.c) over the channel's bus master (ide_dma_rw). Only those
 * files include this header; the board uses hw/ide.h.
 */
#ifndef HW_ATA_H
#define HW_ATA_H

#include "hw/backend.h"
#include "hw/clock.h"

#define ATA_SECTOR_SIZE   512
#define ATA_MAX_MULTIPLE  16
#define ATAPI_SECTOR_SIZE 2048
#define ATAPI_PACKET_SIZE 12

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
    IDE_ACT_DMA,                /* move the DMA data through the bus master */
    IDE_ACT_PACKET,             /* ATAPI: the command packet has arrived */
    IDE_ACT_PACKET_BLOCK,       /* ATAPI: next PIO data block is ready */
} IdeAction;

/* What sits on a unit (wiring, from the board's attach calls). */
typedef enum IdeKind { IDE_KIND_NONE, IDE_KIND_DISK, IDE_KIND_CDROM } IdeKind;

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
    bool     dma;               /* current command moves its data by DMA */
    bool     dma_wait;          /* ... and waits for the bus master */
    /* ATAPI (hw/atapi.c) */
    uint8_t  packet[ATAPI_PACKET_SIZE];
    uint8_t  sense_key, asc, ascq;
    uint16_t byte_limit;        /* byte count limit of the PACKET command */
    uint8_t  packet_features;   /* features register of the PACKET command */
    uint32_t buf_len;           /* valid bytes in buf for the data phase */
    bool     unit_attention;    /* medium changed, not yet reported */
    uint8_t  media_event;       /* GET EVENT STATUS media event code */
    bool     locked;            /* PREVENT ALLOW MEDIUM REMOVAL */
    bool     tray_open;
    /* wiring: never saved */
    uint8_t       kind;         /* IdeKind */
    BlockBackend *blk;          /* disk image, CD medium; NULL: none */
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
/* A bus master is attached to the channel (DMA commands are possible). */
bool ide_dma_capable(Ide *ide);
/* The bus master is started (its transfers would move data now). */
bool ide_dma_running(Ide *ide);
/* Move up to len bytes between buf and guest memory through the bus
 * master's PRD table; returns the bytes moved (fewer: table exhausted or
 * engine stopped). */
uint32_t ide_dma_rw(Ide *ide, uint8_t *buf, uint32_t len, bool to_memory);

/* ata.c: the ATA disk command set. */
void ata_attach(IdeUnit *u, BlockBackend *blk);
void ata_start_command(IdeUnit *u, uint8_t cmd);   /* guest wrote the command */
void ata_pio_block_done(IdeUnit *u);     /* the host emptied/filled 'buf' */
void ata_timer_fire(void *dev);          /* the unit's timer callback */
void ata_set_signature(IdeUnit *u);      /* after reset/diagnostics */
void ata_abort_transfer(IdeUnit *u);
void ata_arm(IdeUnit *u, IdeAction act, uint64_t delay_ns);
/* Start the DMA data phase of the current command (xfer says which way;
 * buf/data_pos/data_end and lba/sectors_left describe the data). */
void ata_dma_begin(IdeUnit *u);
/* The bus master was (re)started: resume a waiting DMA data phase. */
void ata_dma_kick(IdeUnit *u);

/* atapi.c: the packet command set of a CD-ROM drive. */
void atapi_attach(IdeUnit *u, BlockBackend *blk);
void atapi_change_medium(IdeUnit *u, BlockBackend *blk);
void atapi_set_signature(IdeUnit *u);
void atapi_execute(IdeUnit *u);          /* an ATA command after its BSY delay */
void atapi_pio_block_done(IdeUnit *u);
void atapi_timer_action(IdeUnit *u, IdeAction act);
/* DMA hooks: next sectors into buf (false: no more data, or an error that
 * already completed the command), and the status phase after the data. */
bool atapi_dma_refill(IdeUnit *u);
void atapi_dma_done(IdeUnit *u);

#endif
