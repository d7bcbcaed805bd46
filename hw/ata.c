/*
 * hw/ata.c: ATA hard disk command set behind an IDE channel (hw/ide.c).
 *
 * Models:      IDENTIFY DEVICE (CHS words 1/3/6 and 54-58, serial, firmware
 *              and model strings byte-swapped per word, LBA28 and LBA48
 *              capacity, feature-set words 82-87, multiple-mode words 47
 *              and 59); READ/WRITE SECTORS with CHS and LBA28 addressing
 *              and their EXT forms; READ/WRITE MULTIPLE (+EXT) honouring SET
 *              MULTIPLE MODE; READ VERIFY (+EXT); SEEK; RECALIBRATE;
 *              INITIALIZE DEVICE PARAMETERS (changes the CHS translation);
 *              SET FEATURES; FLUSH CACHE (+EXT); CHECK POWER MODE; the IDLE,
 *              STANDBY and SLEEP families as no-ops; EXECUTE DEVICE
 *              DIAGNOSTIC; READ NATIVE MAX ADDRESS (+EXT); READ/WRITE DMA
 *              (+EXT) through the channel's bus master, with the DMA data
 *              loop ATAPI shares (stalls when the PRD table runs out and
 *              resumes when the bus master is restarted); everything else
 *              (IDENTIFY PACKET DEVICE, PACKET, DEVICE RESET, NOP, and DMA
 *              without a bus master) aborts. BSY for a few microseconds of guest
 *              time before each DRQ block and each completion; INTRQ at every
 *              data-in block once the data is ready and after every data-out
 *              block; IDNF for addresses past the end (the transfer is
 *              refused whole, the failing address is in the task file).
 * Not modeled: Ultra DMA (IDENTIFY offers multiword DMA 0-2 only, which
 *              is all the PIIX3 does); DMA timing (the whole transfer
 *              happens at once after a short BSY); power states (STANDBY only completes); security, SMART, HPA
 *              (SET MAX), write cache (writes go straight to the backend).
 * Spec:        ATA/ATAPI-6 (T13/1410D rev 3b), 6 "Command descriptions",
 *              8.15 IDENTIFY DEVICE (Table 27), 9.5/9.6 PIO protocols.
 */
#include "hw/ata.h"

/* ---- Commands (ATA/ATAPI-6 names) ------------------------------------------------ */
enum {
    ATA_CMD_NOP = 0x00, ATA_CMD_DEVICE_RESET = 0x08,
    ATA_CMD_READ_SECTORS = 0x20, ATA_CMD_READ_SECTORS_NR = 0x21,
    ATA_CMD_READ_SECTORS_EXT = 0x24, ATA_CMD_READ_DMA_EXT = 0x25,
    ATA_CMD_READ_NATIVE_MAX_EXT = 0x27,
    ATA_CMD_READ_MULTIPLE_EXT = 0x29,
    ATA_CMD_WRITE_SECTORS = 0x30, ATA_CMD_WRITE_SECTORS_NR = 0x31,
    ATA_CMD_WRITE_SECTORS_EXT = 0x34, ATA_CMD_WRITE_DMA_EXT = 0x35,
    ATA_CMD_WRITE_MULTIPLE_EXT = 0x39,
    ATA_CMD_READ_VERIFY = 0x40, ATA_CMD_READ_VERIFY_NR = 0x41,
    ATA_CMD_READ_VERIFY_EXT = 0x42,
    ATA_CMD_EXECUTE_DIAGNOSTIC = 0x90, ATA_CMD_INIT_DEV_PARAMS = 0x91,
    ATA_CMD_STANDBY_IMMEDIATE_OLD = 0x94, ATA_CMD_SLEEP_OLD = 0x99,
    ATA_CMD_READ_MULTIPLE = 0xC4, ATA_CMD_WRITE_MULTIPLE = 0xC5,
    ATA_CMD_SET_MULTIPLE = 0xC6, ATA_CMD_READ_DMA = 0xC8,
    ATA_CMD_READ_DMA_NR = 0xC9, ATA_CMD_WRITE_DMA = 0xCA,
    ATA_CMD_WRITE_DMA_NR = 0xCB,
    ATA_CMD_STANDBY_IMMEDIATE = 0xE0, ATA_CMD_IDLE_IMMEDIATE = 0xE1,
    ATA_CMD_STANDBY = 0xE2, ATA_CMD_IDLE = 0xE3,
    ATA_CMD_CHECK_POWER_MODE = 0xE5, ATA_CMD_SLEEP = 0xE6,
    ATA_CMD_FLUSH_CACHE = 0xE7, ATA_CMD_FLUSH_CACHE_EXT = 0xEA,
    ATA_CMD_IDENTIFY = 0xEC, ATA_CMD_SET_FEATURES = 0xEF,
    ATA_CMD_READ_NATIVE_MAX = 0xF8,
};

#define ATA_CMD_DELAY_NS    5000    /* BSY before a command's first result */
#define ATA_BLOCK_DELAY_NS  2000    /* BSY between DRQ blocks */
#define ATA_LBA28_MAX       0x0FFFFFFFull

/* ---- Completion helpers -------------------------------------------------------------- */
void ata_arm(IdeUnit *u, IdeAction act, uint64_t delay_ns)
{
    u->action = (uint8_t)act;
    u->deadline_ns = ide_now_ns(u->ide) + delay_ns;
    timer_mod(&u->timer, u->deadline_ns);
}

static void complete_ok(IdeUnit *u)
{
    u->xfer = IDE_XFER_NONE;
    u->dma = u->dma_wait = false;
    u->status = ATA_SR_DRDY | ATA_SR_DSC;
    u->intrq = true;
}

static void complete_err(IdeUnit *u, uint8_t err)
{
    u->xfer = IDE_XFER_NONE;
    u->dma = u->dma_wait = false;
    u->sectors_left = 0;
    u->error = err;
    u->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_ERR;
    u->intrq = true;
}

void ata_abort_transfer(IdeUnit *u)
{
    u->xfer = IDE_XFER_NONE;
    u->data_pos = u->data_end = 0;
    u->sectors_left = 0;
    u->dma = u->dma_wait = false;
    u->action = IDE_ACT_NONE;
    timer_del(&u->timer);
    u->status &= ~ATA_SR_DRQ;
}

/* 9.2 / 9.10: the diagnostic code and the ATA signature 01 01 00 00. */
void ata_set_signature(IdeUnit *u)
{
    if (u->kind == IDE_KIND_CDROM) {
        atapi_set_signature(u);
        return;
    }
    ata_abort_transfer(u);
    u->tf->nsector = 1;
    u->tf->sector = 1;
    u->tf->lcyl = 0;
    u->tf->hcyl = 0;
    u->error = 0x01;            /* device 0 passed, device 1 passed or absent */
    u->status = ATA_SR_DRDY | ATA_SR_DSC;
    u->intrq = false;
}

void ata_attach(IdeUnit *u, BlockBackend *blk)
{
    u->kind = IDE_KIND_DISK;
    u->blk = blk;
    u->sectors = blk_size(blk) / ATA_SECTOR_SIZE;
    /* The default translation every BIOS of the LBA era agrees on. */
    uint64_t cyls = u->sectors / (16 * 63);
    u->def_cyls = (uint16_t)(cyls < 1 ? 1 : cyls > 16383 ? 16383 : cyls);
    u->def_heads = 16;
    u->def_spt = 63;
    u->cur_cyls = u->def_cyls;
    u->cur_heads = u->def_heads;
    u->cur_spt = u->def_spt;
    u->mult_sectors = 0;
    ata_set_signature(u);
}

/* ---- Addressing ------------------------------------------------------------------- */
static uint32_t command_count(const IdeUnit *u)
{
    const IdeTaskFile *tf = u->tf;
    if (u->lba48) {
        uint32_t n = (uint32_t)tf->hob_nsector << 8 | tf->nsector;
        return n ? n : 65536;
    }
    return tf->nsector ? tf->nsector : 256;
}

/* The command's starting sector, or false if the CHS address is not on
 * the current translation (IDNF). */
static bool command_lba(const IdeUnit *u, uint64_t *lba)
{
    const IdeTaskFile *tf = u->tf;
    if (u->lba48) {
        *lba = (uint64_t)tf->hob_hcyl << 40 | (uint64_t)tf->hob_lcyl << 32 |
               (uint64_t)tf->hob_sector << 24 | (uint64_t)tf->hcyl << 16 |
               (uint64_t)tf->lcyl << 8 | tf->sector;
    } else if (tf->select & ATA_DEV_LBA) {
        *lba = (uint64_t)(tf->select & 0x0f) << 24 | (uint64_t)tf->hcyl << 16 |
               (uint64_t)tf->lcyl << 8 | tf->sector;
    } else {
        unsigned c = (unsigned)tf->hcyl << 8 | tf->lcyl;
        unsigned h = tf->select & 0x0f, s = tf->sector;
        if (!u->cur_heads || !u->cur_spt || s == 0 || s > u->cur_spt || h >= u->cur_heads)
            return false;
        *lba = ((uint64_t)c * u->cur_heads + h) * u->cur_spt + (s - 1);
    }
    return true;
}

/* Write an address back in the command's own form (error reporting). */
static void set_tf_lba(IdeUnit *u, uint64_t lba)
{
    IdeTaskFile *tf = u->tf;
    if (u->lba48) {
        tf->sector = (uint8_t)lba;
        tf->lcyl = (uint8_t)(lba >> 8);
        tf->hcyl = (uint8_t)(lba >> 16);
        tf->hob_sector = (uint8_t)(lba >> 24);
        tf->hob_lcyl = (uint8_t)(lba >> 32);
        tf->hob_hcyl = (uint8_t)(lba >> 40);
    } else if ((tf->select & ATA_DEV_LBA) || !u->cur_heads || !u->cur_spt) {
        tf->sector = (uint8_t)lba;
        tf->lcyl = (uint8_t)(lba >> 8);
        tf->hcyl = (uint8_t)(lba >> 16);
        tf->select = (uint8_t)((tf->select & 0xf0) | ((lba >> 24) & 0x0f));
    } else {
        uint64_t track = lba / u->cur_spt;
        unsigned cyl = (unsigned)(track / u->cur_heads);
        tf->sector = (uint8_t)(lba % u->cur_spt + 1);
        tf->lcyl = (uint8_t)cyl;
        tf->hcyl = (uint8_t)(cyl >> 8);
        tf->select = (uint8_t)((tf->select & 0xf0) | (track % u->cur_heads));
    }
}

/* Validate and latch a sector transfer; false after completing with IDNF. */
static bool setup_transfer(IdeUnit *u, unsigned block)
{
    uint64_t lba;
    uint32_t count = command_count(u);
    if (!command_lba(u, &lba)) {
        complete_err(u, ATA_ER_IDNF | ATA_ER_ABRT);
        return false;
    }
    if (lba >= u->sectors || count > u->sectors - lba) {
        set_tf_lba(u, lba < u->sectors ? u->sectors : lba);
        complete_err(u, ATA_ER_IDNF);
        return false;
    }
    u->lba = lba;
    u->sectors_left = count;
    u->block_sectors = (uint8_t)block;
    return true;
}

/* ---- PIO data phases ------------------------------------------------------------- */
static void start_block(IdeUnit *u, IdeXfer dir, unsigned bytes)
{
    u->xfer = (uint8_t)dir;
    u->data_pos = 0;
    u->data_end = bytes;
    u->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
}

static void read_block(IdeUnit *u)
{
    unsigned n = u->sectors_left < u->block_sectors ? u->sectors_left : u->block_sectors;
    if (blk_read(u->blk, u->lba * ATA_SECTOR_SIZE, u->buf, (size_t)n * ATA_SECTOR_SIZE) < 0) {
        set_tf_lba(u, u->lba);
        complete_err(u, ATA_ER_UNC);
        return;
    }
    u->lba += n;
    u->sectors_left -= n;
    start_block(u, IDE_XFER_IN, n * ATA_SECTOR_SIZE);
    u->intrq = true;            /* 9.5: INTRQ once the block is ready */
}

static void write_block(IdeUnit *u)
{
    unsigned n = u->data_end / ATA_SECTOR_SIZE;
    if (blk_read_only(u->blk) ||
        blk_write(u->blk, u->lba * ATA_SECTOR_SIZE, u->buf, (size_t)n * ATA_SECTOR_SIZE) < 0) {
        set_tf_lba(u, u->lba);
        complete_err(u, ATA_ER_ABRT);
        return;
    }
    u->lba += n;
    u->sectors_left -= n;
    if (u->sectors_left) {
        unsigned next = u->sectors_left < u->block_sectors ? u->sectors_left : u->block_sectors;
        start_block(u, IDE_XFER_OUT, next * ATA_SECTOR_SIZE);
        u->intrq = true;
    } else {
        complete_ok(u);
    }
}

void ata_pio_block_done(IdeUnit *u)
{
    if (u->kind == IDE_KIND_CDROM) {
        atapi_pio_block_done(u);
    } else if (u->xfer == IDE_XFER_IN) {
        u->xfer = IDE_XFER_NONE;
        if (u->sectors_left) {
            u->status = ATA_SR_BSY;
            ata_arm(u, IDE_ACT_READ_BLOCK, ATA_BLOCK_DELAY_NS);
        } else {
            u->status = ATA_SR_DRDY | ATA_SR_DSC;   /* no INTRQ after the last */
        }
    } else if (u->xfer == IDE_XFER_OUT) {
        u->xfer = IDE_XFER_NONE;
        u->status = ATA_SR_BSY;
        ata_arm(u, IDE_ACT_WRITE_BLOCK, ATA_BLOCK_DELAY_NS);
    }
    ide_update_irq(u->ide);
}

/* ---- IDENTIFY DEVICE (Table 27) ----------------------------------------------------- */
static void put_word(uint8_t *buf, unsigned w, uint16_t v)
{
    buf[2 * w] = (uint8_t)v;
    buf[2 * w + 1] = (uint8_t)(v >> 8);
}

/* ATA strings: the first character of each pair in the word's high byte. */
static void put_string(uint8_t *buf, unsigned w, unsigned nwords, const char *s)
{
    size_t len = strlen(s);
    for (unsigned i = 0; i < 2 * nwords; i++) {
        uint8_t c = i < len ? (uint8_t)s[i] : ' ';
        buf[2 * w + (i ^ 1)] = c;
    }
}

static void identify(IdeUnit *u)
{
    uint8_t *b = u->buf;
    char serial[21];
    uint64_t lba28 = u->sectors < ATA_LBA28_MAX ? u->sectors : ATA_LBA28_MAX;
    uint64_t cur_cap = (uint64_t)u->cur_cyls * u->cur_heads * u->cur_spt;
    memset(b, 0, ATA_SECTOR_SIZE);
    put_word(b, 0, 0x0040);                     /* fixed device */
    put_word(b, 1, u->def_cyls);
    put_word(b, 3, u->def_heads);
    put_word(b, 4, (uint16_t)(ATA_SECTOR_SIZE * u->def_spt));   /* obsolete */
    put_word(b, 5, ATA_SECTOR_SIZE);                            /* obsolete */
    put_word(b, 6, u->def_spt);
    snprintf(serial, sizeof serial, "EMU%017d", u->index + 1);
    put_string(b, 10, 10, serial);
    put_word(b, 20, 3);                         /* obsolete: buffer type */
    put_word(b, 21, 512);                       /* obsolete: buffer size */
    put_string(b, 23, 4, "1.0");
    put_string(b, 27, 20, "EMU HARDDISK");
    put_word(b, 47, 0x8000 | ATA_MAX_MULTIPLE);
    put_word(b, 49, 0x0300);                    /* LBA, DMA supported */
    put_word(b, 50, 0x4000);
    put_word(b, 51, 0x0200);                    /* obsolete: PIO mode 2 */
    put_word(b, 53, 0x0007);                    /* words 54-58, 64-70, 88 valid */
    put_word(b, 54, u->cur_cyls);
    put_word(b, 55, u->cur_heads);
    put_word(b, 56, u->cur_spt);
    put_word(b, 57, (uint16_t)cur_cap);
    put_word(b, 58, (uint16_t)(cur_cap >> 16));
    if (u->mult_sectors)
        put_word(b, 59, 0x0100 | u->mult_sectors);
    put_word(b, 60, (uint16_t)lba28);
    put_word(b, 61, (uint16_t)(lba28 >> 16));
    put_word(b, 63, 0x0407);                    /* MW DMA 0-2, mode 2 selected */
    put_word(b, 64, 0x0003);                    /* PIO modes 3 and 4 */
    put_word(b, 65, 120);
    put_word(b, 66, 120);
    put_word(b, 67, 120);
    put_word(b, 68, 120);
    put_word(b, 80, 0x007E);                    /* ATA-1 .. ATA/ATAPI-6 */
    put_word(b, 82, 0x4000);                    /* NOP */
    put_word(b, 83, 0x7400);                    /* FLUSH EXT, FLUSH, 48-bit */
    put_word(b, 84, 0x4000);
    put_word(b, 85, 0x4000);
    put_word(b, 86, 0x3400);
    put_word(b, 87, 0x4000);
    put_word(b, 88, 0x0000);                    /* no Ultra DMA (yet) */
    put_word(b, 93, u->index ? 0x6B00 : 0x600B);   /* reset result, 80-wire */
    put_word(b, 100, (uint16_t)u->sectors);
    put_word(b, 101, (uint16_t)(u->sectors >> 16));
    put_word(b, 102, (uint16_t)(u->sectors >> 32));
    put_word(b, 103, (uint16_t)(u->sectors >> 48));
    u->sectors_left = 0;
    start_block(u, IDE_XFER_IN, ATA_SECTOR_SIZE);
    u->intrq = true;
}

/* ---- Command execution (after the BSY delay) ------------------------------------------ */
static void rw_command(IdeUnit *u, bool write, bool lba48, bool multiple)
{
    u->lba48 = lba48;
    if (multiple && !u->mult_sectors) {
        complete_err(u, ATA_ER_ABRT);   /* READ/WRITE MULTIPLE without mode */
        return;
    }
    if (!setup_transfer(u, multiple ? u->mult_sectors : 1))
        return;
    if (write) {
        unsigned n = u->sectors_left < u->block_sectors ? u->sectors_left : u->block_sectors;
        start_block(u, IDE_XFER_OUT, n * ATA_SECTOR_SIZE);  /* no INTRQ first */
    } else {
        read_block(u);
    }
}

/* ---- DMA data phases (disk and ATAPI) ------------------------------------------------ */

static void dma_command(IdeUnit *u, bool write, bool lba48)
{
    u->lba48 = lba48;
    if (!ide_dma_capable(u->ide)) {
        complete_err(u, ATA_ER_ABRT);
        return;
    }
    if (!setup_transfer(u, ATA_MAX_MULTIPLE))
        return;
    u->xfer = write ? IDE_XFER_OUT : IDE_XFER_IN;
    u->data_pos = u->data_end = 0;
    ata_dma_begin(u);
}

void ata_dma_begin(IdeUnit *u)
{
    u->dma = true;
    u->dma_wait = true;
    u->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
    if (ide_dma_running(u->ide))
        ata_dma_kick(u);
}

void ata_dma_kick(IdeUnit *u)
{
    if (!u->dma_wait)
        return;
    u->dma_wait = false;
    ata_arm(u, IDE_ACT_DMA, ATA_BLOCK_DELAY_NS);
}

/* Next chunk of a device-to-memory transfer into buf; false when there is
 * nothing left, or after an error completed the command (dma cleared). */
static bool dma_fill(IdeUnit *u)
{
    if (u->kind == IDE_KIND_CDROM)
        return atapi_dma_refill(u);
    if (!u->sectors_left)
        return false;
    unsigned n = u->sectors_left < ATA_MAX_MULTIPLE ? u->sectors_left : ATA_MAX_MULTIPLE;
    if (blk_read(u->blk, u->lba * ATA_SECTOR_SIZE, u->buf, (size_t)n * ATA_SECTOR_SIZE) < 0) {
        set_tf_lba(u, u->lba);
        complete_err(u, ATA_ER_UNC);
        return false;
    }
    u->lba += n;
    u->sectors_left -= n;
    u->data_pos = 0;
    u->data_end = n * ATA_SECTOR_SIZE;
    return true;
}

/* Memory-to-device: write the filled chunk; false after an error. */
static bool dma_flush(IdeUnit *u)
{
    unsigned n = u->data_end / ATA_SECTOR_SIZE;
    if (blk_read_only(u->blk) ||
        blk_write(u->blk, u->lba * ATA_SECTOR_SIZE, u->buf, (size_t)n * ATA_SECTOR_SIZE) < 0) {
        set_tf_lba(u, u->lba);
        complete_err(u, ATA_ER_ABRT);
        return false;
    }
    u->lba += n;
    u->sectors_left -= n;
    u->data_pos = u->data_end = 0;
    return true;
}

static void dma_done(IdeUnit *u)
{
    if (u->kind == IDE_KIND_CDROM) {
        u->dma = false;
        atapi_dma_done(u);
    } else {
        complete_ok(u);
    }
}

/*
 * Move the data of the current DMA command through the bus master, chunk
 * by chunk. If the PRD table runs out (or the guest stops the engine) the
 * device keeps DRQ and waits for the bus master to be started again.
 */
static void dma_run(IdeUnit *u)
{
    bool to_mem = u->xfer == IDE_XFER_IN;
    while (u->dma) {
        if (to_mem && u->data_pos >= u->data_end && !dma_fill(u)) {
            if (u->dma)
                dma_done(u);
            return;
        }
        if (!to_mem && u->data_end == 0) {
            if (!u->sectors_left) {
                dma_done(u);
                return;
            }
            unsigned n = u->sectors_left < ATA_MAX_MULTIPLE ? u->sectors_left : ATA_MAX_MULTIPLE;
            u->data_pos = 0;
            u->data_end = n * ATA_SECTOR_SIZE;
        }
        uint32_t want = u->data_end - u->data_pos;
        uint32_t got = ide_dma_rw(u->ide, u->buf + u->data_pos, want, to_mem);
        u->data_pos += got < want ? got : want;
        if (got < want) {
            u->dma_wait = true;
            return;
        }
        if (!to_mem && !dma_flush(u))
            return;
    }
}

static void verify_or_seek(IdeUnit *u, bool lba48, bool seek)
{
    u->lba48 = lba48;
    if (seek) {
        uint64_t lba;
        if (!command_lba(u, &lba) || lba >= u->sectors)
            complete_err(u, ATA_ER_IDNF);
        else
            complete_ok(u);
        return;
    }
    if (setup_transfer(u, 1)) {
        u->sectors_left = 0;
        complete_ok(u);
    }
}

static void set_features(IdeUnit *u)
{
    switch (u->tf->feature) {
    case 0x02: case 0x82:       /* write cache on/off */
    case 0x03:                  /* transfer mode */
    case 0x55: case 0xAA:       /* read look-ahead off/on */
    case 0x66: case 0xCC:       /* power-on defaults */
        complete_ok(u);
        break;
    default:
        complete_err(u, ATA_ER_ABRT);
        break;
    }
}

static void init_dev_params(IdeUnit *u)
{
    unsigned spt = u->tf->nsector, heads = (u->tf->select & 0x0f) + 1u;
    if (!spt) {
        complete_err(u, ATA_ER_ABRT);
        return;
    }
    uint64_t cyls = u->sectors / (heads * spt);
    u->cur_heads = (uint8_t)heads;
    u->cur_spt = (uint8_t)spt;
    u->cur_cyls = (uint16_t)(cyls > 65535 ? 65535 : cyls);
    complete_ok(u);
}

static void set_multiple(IdeUnit *u)
{
    unsigned n = u->tf->nsector;
    if (n > ATA_MAX_MULTIPLE || (n & (n - 1))) {
        complete_err(u, ATA_ER_ABRT);
        return;
    }
    u->mult_sectors = (uint8_t)n;
    complete_ok(u);
}

static void read_native_max(IdeUnit *u, bool lba48)
{
    uint64_t max = u->sectors ? u->sectors - 1 : 0;
    u->lba48 = lba48;
    if (!lba48 && max > ATA_LBA28_MAX)
        max = ATA_LBA28_MAX;
    u->tf->select |= ATA_DEV_LBA;
    set_tf_lba(u, max);
    complete_ok(u);
}

static void execute(IdeUnit *u)
{
    uint8_t cmd = u->cmd;
    if (u->kind == IDE_KIND_CDROM) {
        atapi_execute(u);
        return;
    }
    if ((cmd & 0xF0) == 0x10) {                 /* RECALIBRATE */
        complete_ok(u);
        return;
    }
    if ((cmd & 0xF0) == 0x70) {                 /* SEEK */
        verify_or_seek(u, false, true);
        return;
    }
    switch (cmd) {
    case ATA_CMD_READ_SECTORS: case ATA_CMD_READ_SECTORS_NR:
        rw_command(u, false, false, false); break;
    case ATA_CMD_READ_SECTORS_EXT:   rw_command(u, false, true, false); break;
    case ATA_CMD_READ_MULTIPLE:      rw_command(u, false, false, true); break;
    case ATA_CMD_READ_MULTIPLE_EXT:  rw_command(u, false, true, true); break;
    case ATA_CMD_WRITE_SECTORS: case ATA_CMD_WRITE_SECTORS_NR:
        rw_command(u, true, false, false); break;
    case ATA_CMD_WRITE_SECTORS_EXT:  rw_command(u, true, true, false); break;
    case ATA_CMD_WRITE_MULTIPLE:     rw_command(u, true, false, true); break;
    case ATA_CMD_WRITE_MULTIPLE_EXT: rw_command(u, true, true, true); break;
    case ATA_CMD_READ_DMA: case ATA_CMD_READ_DMA_NR:
        dma_command(u, false, false); break;
    case ATA_CMD_READ_DMA_EXT:       dma_command(u, false, true); break;
    case ATA_CMD_WRITE_DMA: case ATA_CMD_WRITE_DMA_NR:
        dma_command(u, true, false); break;
    case ATA_CMD_WRITE_DMA_EXT:      dma_command(u, true, true); break;
    case ATA_CMD_READ_VERIFY: case ATA_CMD_READ_VERIFY_NR:
        verify_or_seek(u, false, false); break;
    case ATA_CMD_READ_VERIFY_EXT:    verify_or_seek(u, true, false); break;
    case ATA_CMD_IDENTIFY:           identify(u); break;
    case ATA_CMD_SET_MULTIPLE:       set_multiple(u); break;
    case ATA_CMD_INIT_DEV_PARAMS:    init_dev_params(u); break;
    case ATA_CMD_SET_FEATURES:       set_features(u); break;
    case ATA_CMD_READ_NATIVE_MAX:    read_native_max(u, false); break;
    case ATA_CMD_READ_NATIVE_MAX_EXT: read_native_max(u, true); break;
    case ATA_CMD_FLUSH_CACHE: case ATA_CMD_FLUSH_CACHE_EXT:
        if (blk_flush(u->blk) < 0)
            complete_err(u, ATA_ER_ABRT);
        else
            complete_ok(u);
        break;
    case ATA_CMD_CHECK_POWER_MODE:
        u->tf->nsector = 0xFF;                  /* active or idle */
        complete_ok(u);
        break;
    case ATA_CMD_STANDBY_IMMEDIATE: case ATA_CMD_IDLE_IMMEDIATE:
    case ATA_CMD_STANDBY: case ATA_CMD_IDLE: case ATA_CMD_SLEEP:
    case 0x94: case 0x95: case 0x96: case 0x97: case 0x98: case ATA_CMD_SLEEP_OLD:
        complete_ok(u);
        break;
    case ATA_CMD_EXECUTE_DIAGNOSTIC:
        ata_set_signature(u);
        u->tf->select = 0;
        u->intrq = u->index == 0;               /* device 0 reports */
        break;
    default:
        /* NOP, DEVICE RESET, PACKET, IDENTIFY PACKET DEVICE, DMA... */
        LOG(LOG_UNIMP, "ata: command 0x%02x aborted\n", cmd);
        complete_err(u, ATA_ER_ABRT);
        break;
    }
}

void ata_start_command(IdeUnit *u, uint8_t cmd)
{
    ata_abort_transfer(u);
    u->cmd = cmd;
    u->error = 0;
    u->intrq = false;
    u->status = ATA_SR_BSY;
    ata_arm(u, IDE_ACT_COMMAND, ATA_CMD_DELAY_NS);
}

void ata_timer_fire(void *dev)
{
    IdeUnit *u = dev;
    IdeAction act = (IdeAction)u->action;
    u->action = IDE_ACT_NONE;
    if (u->kind == IDE_KIND_NONE)
        return;
    switch (act) {
    case IDE_ACT_COMMAND:     execute(u); break;
    case IDE_ACT_READ_BLOCK:  read_block(u); break;
    case IDE_ACT_WRITE_BLOCK: write_block(u); break;
    case IDE_ACT_DMA:         dma_run(u); break;
    case IDE_ACT_PACKET: case IDE_ACT_PACKET_BLOCK:
        atapi_timer_action(u, act);
        break;
    default: break;
    }
    ide_update_irq(u->ide);
}
