/*
 * hw/ide.c: one IDE/ATA channel on the legacy ISA ports (controller side).
 *
 * Models:      the command block (data, error/features, sector count, LBA
 *              low/mid/high, device/head, status/command) and the control
 *              block (alternate status, device control with nIEN, SRST and
 *              HOB); master/slave selection through DEV with every command
 *              block write reaching both devices; 48-bit "previous content"
 *              registers read back with HOB; 16-bit and 32-bit PIO through
 *              the data port; INTRQ of the selected device gated by nIEN,
 *              cleared by reading the status register (not alternate
 *              status); software reset leaving the ATA signature
 *              (01 01 00 00) and diagnostic code 01; reads of any command
 *              block register while BSY return status; a unit with no
 *              device reads status 0; DEVICE RESET accepted while BSY for
 *              packet devices; the hook to an SFF-8038i bus master (the PCI
 *              IDE function) for DMA data phases, told of INTRQ rising
 *              edges. Commands are in hw/ata.c (disks, and the DMA loop)
 *              and hw/atapi.c (CD-ROM).
 * Not modeled: the floating-bus 0x7F/0xFF values of an empty channel;
 *              PDIAG/DASP timing between the two devices; separate
 *              command block registers per device (one shared set).
 * Spec:        ATA/ATAPI-6 (T13/1410D rev 3b), 7.15 "I/O register
 *              descriptions", 9.2 "Software reset protocol", 9.5-9.6
 *              "PIO data-in/data-out command protocols".
 */
#include "hw/ide.h"

#include "hw/ata.h"

/* ---- Registers (ATA/ATAPI-6 names) ------------------------------------------- */
enum {
    IDE_REG_DATA = 0, IDE_REG_ERROR = 1, IDE_REG_FEATURE = 1,
    IDE_REG_NSECTOR = 2, IDE_REG_LBA_LOW = 3, IDE_REG_LBA_MID = 4,
    IDE_REG_LBA_HIGH = 5, IDE_REG_DEVICE = 6, IDE_REG_STATUS = 7,
    IDE_REG_COMMAND = 7,
};

#define IDE_DC_NIEN  0x02
#define IDE_DC_SRST  0x04
#define IDE_DC_HOB   0x80

/* ---- State ---------------------------------------------------------------------- */
struct Ide {
    IdeTaskFile tf;
    uint8_t     dev_ctl;
    IdeUnit     unit[2];
    /* wiring: never saved */
    Machine    *m;
    IrqLine     irq;
    IoRegion    io_cmd, io_ctl;
    const IdeBusMasterOps *bm;
    void       *bm_dev;
    bool        irq_out;        /* INTRQ level last driven (edge detection) */
    uint16_t    cmd_base;       /* for the LOG_IDE trace */
};

/* ---- Snapshot ------------------------------------------------------------------- */
static const StateField ide_tf_fields[] = {
    SF_INT(IdeTaskFile, feature), SF_INT(IdeTaskFile, nsector),
    SF_INT(IdeTaskFile, sector), SF_INT(IdeTaskFile, lcyl),
    SF_INT(IdeTaskFile, hcyl), SF_INT(IdeTaskFile, select),
    SF_INT(IdeTaskFile, hob_feature), SF_INT(IdeTaskFile, hob_nsector),
    SF_INT(IdeTaskFile, hob_sector), SF_INT(IdeTaskFile, hob_lcyl),
    SF_INT(IdeTaskFile, hob_hcyl),
    SF_END
};
static const StateField ide_unit_fields[] = {
    SF_INT(IdeUnit, status), SF_INT(IdeUnit, error), SF_INT(IdeUnit, intrq),
    SF_INT(IdeUnit, cmd), SF_INT(IdeUnit, action), SF_INT(IdeUnit, deadline_ns),
    SF_INT(IdeUnit, xfer), SF_INT(IdeUnit, data_pos), SF_INT(IdeUnit, data_end),
    SF_BYTES(IdeUnit, buf), SF_INT(IdeUnit, lba), SF_INT(IdeUnit, sectors_left),
    SF_INT(IdeUnit, block_sectors), SF_INT(IdeUnit, mult_sectors),
    SF_INT(IdeUnit, cur_cyls), SF_INT(IdeUnit, cur_heads),
    SF_INT(IdeUnit, cur_spt), SF_INT(IdeUnit, lba48),
    SF_INT(IdeUnit, dma), SF_INT(IdeUnit, dma_wait),
    SF_BYTES(IdeUnit, packet), SF_INT(IdeUnit, sense_key),
    SF_INT(IdeUnit, asc), SF_INT(IdeUnit, ascq), SF_INT(IdeUnit, byte_limit),
    SF_INT(IdeUnit, packet_features),
    SF_INT(IdeUnit, buf_len), SF_INT(IdeUnit, unit_attention),
    SF_INT(IdeUnit, media_event), SF_INT(IdeUnit, locked),
    SF_INT(IdeUnit, tray_open),
    SF_END
};
static const StateField ide_fields[] = {
    SF_STRUCT(Ide, tf, ide_tf_fields),
    SF_INT(Ide, dev_ctl),
    SF_STRUCTS(Ide, unit, ide_unit_fields),
    SF_END
};

/* ---- Helpers ------------------------------------------------------------------ */
static IdeUnit *selected(Ide *ide)
{
    return &ide->unit[(ide->tf.select & ATA_DEV_DEV) ? 1 : 0];
}

static bool present(const IdeUnit *u)
{
    return u->kind != IDE_KIND_NONE;
}

void ide_update_irq(Ide *ide)
{
    IdeUnit *u = selected(ide);
    bool level = present(u) && u->intrq && !(ide->dev_ctl & IDE_DC_NIEN);
    if (level && !ide->irq_out && ide->bm)
        ide->bm->irq_raised(ide->bm_dev);
    ide->irq_out = level;
    irq_set(ide->irq, level);
}

bool ide_dma_capable(Ide *ide)
{
    return ide->bm != NULL;
}

bool ide_dma_running(Ide *ide)
{
    return ide->bm && ide->bm->running(ide->bm_dev);
}

uint32_t ide_dma_rw(Ide *ide, uint8_t *buf, uint32_t len, bool to_memory)
{
    return ide->bm ? ide->bm->rw(ide->bm_dev, buf, len, to_memory) : 0;
}

uint64_t ide_now_ns(Ide *ide)
{
    return clock_now_ns(machine_clock(ide->m));
}

/* Host side of a PIO transfer: 'size' bytes in or out of the buffer. */
static uint32_t data_read(Ide *ide, unsigned size)
{
    IdeUnit *u = selected(ide);
    if (!present(u) || u->dma || u->xfer != IDE_XFER_IN || !(u->status & ATA_SR_DRQ))
        return 0xffffffffu >> (32 - 8 * size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size && u->data_pos < u->data_end; i++)
        v |= (uint32_t)u->buf[u->data_pos++] << (8 * i);
    if (u->data_pos >= u->data_end)
        ata_pio_block_done(u);
    return v;
}

static void data_write(Ide *ide, uint32_t val, unsigned size)
{
    IdeUnit *u = selected(ide);
    if (!present(u) || u->dma || u->xfer != IDE_XFER_OUT || !(u->status & ATA_SR_DRQ))
        return;
    for (unsigned i = 0; i < size && u->data_pos < u->data_end; i++)
        u->buf[u->data_pos++] = (uint8_t)(val >> (8 * i));
    if (u->data_pos >= u->data_end)
        ata_pio_block_done(u);
}

/* ---- Guest-visible registers --------------------------------------------------- */
static uint8_t reg_read(Ide *ide, uint32_t off)
{
    IdeUnit *u = selected(ide);
    bool hob = ide->dev_ctl & IDE_DC_HOB;
    IdeTaskFile *tf = &ide->tf;
    if (off == IDE_REG_DEVICE)
        return tf->select | 0xA0;   /* bits 7 and 5 are obsolete, read 1 */
    if (!present(u))
        return 0;
    if (u->status & ATA_SR_BSY)
        return u->status;           /* 7.15: BSY makes every register status */
    switch (off) {
    case IDE_REG_ERROR:    return hob ? tf->hob_feature : u->error;
    case IDE_REG_NSECTOR:  return hob ? tf->hob_nsector : tf->nsector;
    case IDE_REG_LBA_LOW:  return hob ? tf->hob_sector : tf->sector;
    case IDE_REG_LBA_MID:  return hob ? tf->hob_lcyl : tf->lcyl;
    case IDE_REG_LBA_HIGH: return hob ? tf->hob_hcyl : tf->hcyl;
    case IDE_REG_STATUS:
        u->intrq = false;
        ide_update_irq(ide);
        return u->status;
    }
    return 0xff;
}

static void tf_write(uint8_t *cur, uint8_t *hob, uint8_t v)
{
    *hob = *cur;
    *cur = v;
}

static void reg_write(Ide *ide, uint32_t off, uint8_t v)
{
    IdeTaskFile *tf = &ide->tf;
    /* Writes while the selected device is busy are ignored (7.15), except
     * DEVICE RESET to a packet device (6.8: it is accepted while BSY). A
     * device that is not there is never busy: with device 1 absent,
     * device 0 takes the command block writes (7.1), so DEV can always be
     * set back to 0. */
    IdeUnit *sel = selected(ide);
    bool busy = present(sel) && (sel->status & ATA_SR_BSY);
    if (busy && off != IDE_REG_DEVICE &&
        !(off == IDE_REG_COMMAND && v == 0x08 && sel->kind == IDE_KIND_CDROM))
        return;
    ide->dev_ctl &= ~IDE_DC_HOB;    /* any command block write clears HOB */
    switch (off) {
    case IDE_REG_FEATURE:  tf_write(&tf->feature, &tf->hob_feature, v); break;
    case IDE_REG_NSECTOR:  tf_write(&tf->nsector, &tf->hob_nsector, v); break;
    case IDE_REG_LBA_LOW:  tf_write(&tf->sector, &tf->hob_sector, v); break;
    case IDE_REG_LBA_MID:  tf_write(&tf->lcyl, &tf->hob_lcyl, v); break;
    case IDE_REG_LBA_HIGH: tf_write(&tf->hcyl, &tf->hob_hcyl, v); break;
    case IDE_REG_DEVICE:
        if (busy)
            return;
        tf->select = v & ~0xA0;
        ide_update_irq(ide);
        break;
    case IDE_REG_COMMAND: {
        IdeUnit *u = selected(ide);
        /* EXECUTE DEVICE DIAGNOSTIC addresses both devices. */
        if (v == 0x90) {
            for (int i = 0; i < 2; i++)
                if (present(&ide->unit[i]))
                    ata_start_command(&ide->unit[i], v);
        } else if (present(u)) {
            ata_start_command(u, v);
        }
        ide_update_irq(ide);
        break;
    }
    }
}

static uint32_t ide_cmd_read(void *dev, uint32_t off, unsigned size)
{
    Ide *ide = dev;
    if (off == IDE_REG_DATA)
        return data_read(ide, size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)(off + i < 8 ? reg_read(ide, off + i) : 0xff) << (8 * i);
    LOG(LOG_IDE, "ide %x: in  +%u/%u -> %02x\n", ide->cmd_base, off, size, v);
    return v;
}

static void ide_cmd_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Ide *ide = dev;
    if (off == IDE_REG_DATA) {
        data_write(ide, val, size);
        return;
    }
    LOG(LOG_IDE, "ide %x: out +%u/%u <- %02x\n", ide->cmd_base, off, size, val);
    for (unsigned i = 0; i < size && off + i < 8; i++)
        reg_write(ide, off + i, (uint8_t)(val >> (8 * i)));
}

static uint32_t ide_ctl_read(void *dev, uint32_t off, unsigned size)
{
    Ide *ide = dev;
    IdeUnit *u = selected(ide);
    LOG(LOG_IDE, "ide %x: in  altstatus -> %02x\n", ide->cmd_base, present(u) ? u->status : 0);
    return present(u) ? u->status : 0;  /* alternate status: no INTRQ side effect */
}

/* 9.2: SRST 0->1 puts both devices in reset (BSY); 1->0 lets them finish
 * with the signature in the command block and no interrupt. Only devices
 * that are there go busy: an absent device 1 has no status of its own
 * (reads as 00h, 7.1), and a BSY left on it would make the channel ignore
 * every later write, DEV=0 included, once the host selects it (libata's
 * classification of device 1 after SRST does exactly that). */
static void ide_ctl_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Ide *ide = dev;
    uint8_t old = ide->dev_ctl;
    LOG(LOG_IDE, "ide %x: out devctl <- %02x\n", ide->cmd_base, val);
    ide->dev_ctl = (uint8_t)val & (IDE_DC_NIEN | IDE_DC_SRST | IDE_DC_HOB);
    if (!(old & IDE_DC_SRST) && (val & IDE_DC_SRST)) {
        for (int i = 0; i < 2; i++) {
            IdeUnit *u = &ide->unit[i];
            ata_abort_transfer(u);
            u->status = present(u) ? ATA_SR_BSY : 0;
            u->intrq = false;
        }
    } else if ((old & IDE_DC_SRST) && !(val & IDE_DC_SRST)) {
        for (int i = 0; i < 2; i++)
            if (present(&ide->unit[i]))
                ata_set_signature(&ide->unit[i]);
        ide->tf.select = 0;
    }
    ide_update_irq(ide);
}

static const IoOps ide_cmd_ops = { ide_cmd_read, ide_cmd_write, 4 };
static const IoOps ide_ctl_ops = { ide_ctl_read, ide_ctl_write, 1 };

/* ---- Lifecycle --------------------------------------------------------------- */
static void ide_reset(void *dev)
{
    Ide *ide = dev;
    memset(&ide->tf, 0, sizeof ide->tf);
    ide->dev_ctl = 0;
    for (int i = 0; i < 2; i++) {
        IdeUnit *u = &ide->unit[i];
        ata_abort_transfer(u);
        u->mult_sectors = 0;
        u->cur_cyls = u->def_cyls;
        u->cur_heads = u->def_heads;
        u->cur_spt = u->def_spt;
        u->status = 0;
        u->locked = false;
        if (present(u))
            ata_set_signature(u);
    }
    ide->tf.select = 0;
    ide_update_irq(ide);
}

static void ide_post_load(void *dev)
{
    Ide *ide = dev;
    for (int i = 0; i < 2; i++) {
        IdeUnit *u = &ide->unit[i];
        if (u->data_end > sizeof u->buf)
            u->data_end = sizeof u->buf;
        if (u->data_pos > u->data_end)
            u->data_pos = u->data_end;
        if (u->block_sectors > ATA_MAX_MULTIPLE)
            u->block_sectors = ATA_MAX_MULTIPLE;
        if (!u->block_sectors)
            u->block_sectors = 1;
        if (u->buf_len > sizeof u->buf)
            u->buf_len = sizeof u->buf;
        if (u->action != IDE_ACT_NONE)
            timer_mod(&u->timer, u->deadline_ns);
        else
            timer_del(&u->timer);
    }
    /* Re-drive INTRQ without reporting an edge to the bus master: its
     * interrupt bit was restored with its own state. */
    IdeUnit *u = selected(ide);
    ide->irq_out = present(u) && u->intrq && !(ide->dev_ctl & IDE_DC_NIEN);
    ide_update_irq(ide);
}

static const DeviceInfo ide_info = {
    .name = "ide", .version = 2, .state = ide_fields,
    .reset = ide_reset, .post_load = ide_post_load,
};

Ide *ide_create(Machine *m, uint16_t cmd_base, uint16_t ctl_base, IrqLine irq)
{
    Ide *ide = xzalloc(sizeof *ide);
    ide->m = m;
    ide->irq = irq;
    ide->cmd_base = cmd_base;
    for (int i = 0; i < 2; i++) {
        IdeUnit *u = &ide->unit[i];
        u->ide = ide;
        u->tf = &ide->tf;
        u->index = i;
        timer_init(&u->timer, machine_clock(m), "ide", ata_timer_fire, u);
    }
    io_region_init(&ide->io_cmd, "ide-cmd", &ide_cmd_ops, ide);
    io_region_init(&ide->io_ctl, "ide-ctl", &ide_ctl_ops, ide);
    io_map(machine_io(m), &ide->io_cmd, cmd_base, 8);
    io_map(machine_io(m), &ide->io_ctl, ctl_base, 1);
    ide_reset(ide);
    machine_add(m, &ide_info, ide);
    return ide;
}

int ide_attach_disk(Ide *ide, int unit, BlockBackend *blk)
{
    if (unit < 0 || unit > 1 || !blk || blk_size(blk) < ATA_SECTOR_SIZE)
        return -1;
    ata_attach(&ide->unit[unit], blk);
    ide_update_irq(ide);
    return 0;
}

int ide_attach_cdrom(Ide *ide, int unit, BlockBackend *blk)
{
    if (unit < 0 || unit > 1)
        return -1;
    atapi_attach(&ide->unit[unit], blk);
    ide_update_irq(ide);
    return 0;
}

void ide_cdrom_change(Ide *ide, int unit, BlockBackend *blk)
{
    if (unit < 0 || unit > 1 || ide->unit[unit].kind != IDE_KIND_CDROM)
        return;
    atapi_change_medium(&ide->unit[unit], blk);
    ide_update_irq(ide);
}

void ide_set_bus_master(Ide *ide, const IdeBusMasterOps *ops, void *dev)
{
    ide->bm = ops;
    ide->bm_dev = dev;
}

void ide_bus_master_started(Ide *ide)
{
    for (int i = 0; i < 2; i++)
        if (ide->unit[i].dma_wait)
            ata_dma_kick(&ide->unit[i]);
}

bool ide_disk_geometry(Ide *ide, int unit, int *cyls, int *heads, int *spt)
{
    if (unit < 0 || unit > 1 || ide->unit[unit].kind != IDE_KIND_DISK)
        return false;
    IdeUnit *u = &ide->unit[unit];
    *cyls = u->def_cyls;
    *heads = u->def_heads;
    *spt = u->def_spt;
    return true;
}
