/*
 * hw/fdc.c: Intel 82077AA floppy disk controller (PC/AT mode) and two drives.
 *
 * Models:      SRA/SRB, DOR (drive select, nRESET, DMA/IRQ gate, motors),
 *              TDR, MSR/DSR, FIFO, DIR (disk change)/CCR; the command, execution
 *              and result phases with RQM/DIO/NDMA/CB; SPECIFY, SENSE DRIVE
 *              STATUS, RECALIBRATE, SEEK and RELATIVE SEEK (background seeks,
 *              drive busy bits, interrupt at seek end), SENSE INTERRUPT STATUS
 *              (the four polling interrupts after a reset), READ DATA, READ
 *              DELETED DATA, WRITE DATA, WRITE DELETED DATA (multi-sector, MT
 *              multi-track, terminal count from the 8237, end of cylinder),
 *              READ TRACK, READ ID, FORMAT TRACK (writes the filler byte),
 *              VERSION (0x90), CONFIGURE, LOCK, DUMPREG, PERPENDICULAR MODE;
 *              invalid opcodes answer ST0 = 0x80. Data moves by DMA or, with
 *              SPECIFY's ND bit, through the FIFO (INT stands in for DRQ).
 *              Every execution phase ends after a short guest-time delay.
 *              Media geometry comes from the image size.
 * Not modeled: data rates and their mismatch errors; rotation and sector
 *              timing (a fixed delay instead); deleted-data marks (deleted
 *              variants act as plain data); SCAN commands; the FIFO threshold
 *              (bytes move a whole sector at a time); drives 2 and 3 (absent:
 *              equipment check); implied seeks (the C of a command is used
 *              as given).
 *              LIMITATION: "no disk" answers ST0 abnormal termination with NR
 *              set, as the PC/AT FDC used to, rather than timing out.
 * Spec:        Intel 82077AA CHMOS Single-Chip Floppy Disk Controller data
 *              sheet: register descriptions, "Command Set Descriptions",
 *              Table 5 (status registers ST0-ST3), "Result Phase" tables.
 */
#include "hw/fdc.h"

/* ---- Registers (82077AA names) ------------------------------------------------ */
enum {
    FDC_SRA = 0, FDC_SRB = 1, FDC_DOR = 2, FDC_TDR = 3,
    FDC_MSR = 4, FDC_DSR = 4, FDC_FIFO = 5, FDC_DIR = 7, FDC_CCR = 7,
};

#define FDC_DOR_NRESET  0x04
#define FDC_DOR_DMAGATE 0x08
#define FDC_DSR_SWRESET 0x80

#define FDC_MSR_RQM     0x80
#define FDC_MSR_DIO     0x40
#define FDC_MSR_NDMA    0x20
#define FDC_MSR_CB      0x10

#define FDC_ST0_AT      0x40    /* abnormal termination */
#define FDC_ST0_IC      0x80    /* invalid command */
#define FDC_ST0_SE      0x20
#define FDC_ST0_EC      0x10
#define FDC_ST0_NR      0x08
#define FDC_ST1_EN      0x80
#define FDC_ST1_OR      0x10
#define FDC_ST1_ND      0x04
#define FDC_ST1_NW      0x02
#define FDC_ST3_WP      0x40
#define FDC_ST3_RDY     0x20
#define FDC_ST3_T0      0x10
#define FDC_ST3_TS      0x08

enum {
    FDC_CMD_READ_TRACK = 0x02, FDC_CMD_SPECIFY = 0x03, FDC_CMD_SENSE_DRIVE = 0x04,
    FDC_CMD_WRITE = 0x05, FDC_CMD_READ = 0x06, FDC_CMD_RECALIBRATE = 0x07,
    FDC_CMD_SENSE_INT = 0x08, FDC_CMD_WRITE_DELETED = 0x09, FDC_CMD_READ_ID = 0x0A,
    FDC_CMD_READ_DELETED = 0x0C, FDC_CMD_FORMAT = 0x0D, FDC_CMD_DUMPREG = 0x0E,
    FDC_CMD_SEEK = 0x0F, FDC_CMD_VERSION = 0x10, FDC_CMD_PERPENDICULAR = 0x12,
    FDC_CMD_CONFIGURE = 0x13, FDC_CMD_LOCK = 0x14,
};

enum { FDC_PHASE_CMD, FDC_PHASE_EXEC, FDC_PHASE_PIO, FDC_PHASE_RESULT, FDC_PHASE_RESET };
enum { FDC_ACT_NONE, FDC_ACT_EXEC, FDC_ACT_RESET_DONE };
enum { FDC_XFER_READ, FDC_XFER_WRITE, FDC_XFER_FORMAT };

#define FDC_DRIVES        2
#define FDC_SECTOR        512
#define FDC_EXEC_NS       20000     /* command to result, guest time */
#define FDC_RESET_NS      10000
#define FDC_SEEK_NS       20000
#define FDC_STEP_NS       1000
#define FDC_CONFIG_RESET  0x20      /* EFIFO=1 (FIFO off), polling on */

/* ---- State ------------------------------------------------------------------- */
typedef struct FdcDrive {
    uint8_t  pcn;               /* present cylinder number */
    uint8_t  next_r;            /* the sector READ ID finds next */
    bool     changed;           /* disk change line (DIR bit 7) */
    bool     seeking;
    bool     seek_done;         /* seek ended, SENSE INTERRUPT pending */
    uint8_t  seek_st0;
    uint64_t seek_deadline_ns;
} FdcDrive;

struct Fdc {
    uint8_t  dor, tdr, dsr;
    uint8_t  phase;
    uint8_t  cmd[9], cmd_len, cmd_pos;
    uint8_t  res[10], res_len, res_pos;
    bool     int_pending;
    uint8_t  reset_senses;      /* polling interrupts left after a reset */
    uint8_t  specify[2];        /* SRT/HUT, HLT/ND */
    uint8_t  config, pretrk, perp, last_eot;
    bool     lock;
    /* execution phase */
    uint8_t  action;
    uint64_t exec_deadline_ns;
    uint8_t  xfer, xd, xc, xh, xr, xn, xeot;
    bool     xmt;
    uint8_t  fmt_left, fill;
    uint8_t  buf[FDC_SECTOR];
    uint16_t pio_pos, pio_len;
    FdcDrive drive[FDC_DRIVES];
    /* wiring: never saved */
    Machine      *m;
    IrqLine       irq;
    Dma          *dma;
    int           dma_channel;
    BlockBackend *blk[FDC_DRIVES];
    int           cyls[FDC_DRIVES], heads[FDC_DRIVES], spt[FDC_DRIVES], type[FDC_DRIVES];
    Timer         exec_timer;
    Timer         seek_timer[FDC_DRIVES];
    IoRegion      io, io_dir;
};

/* ---- Snapshot ---------------------------------------------------------------- */
static const StateField fdc_drive_fields[] = {
    SF_INT(FdcDrive, pcn), SF_INT(FdcDrive, next_r), SF_INT(FdcDrive, changed),
    SF_INT(FdcDrive, seeking), SF_INT(FdcDrive, seek_done),
    SF_INT(FdcDrive, seek_st0), SF_INT(FdcDrive, seek_deadline_ns),
    SF_END
};
static const StateField fdc_fields[] = {
    SF_INT(Fdc, dor), SF_INT(Fdc, tdr), SF_INT(Fdc, dsr), SF_INT(Fdc, phase),
    SF_BYTES(Fdc, cmd), SF_INT(Fdc, cmd_len), SF_INT(Fdc, cmd_pos),
    SF_BYTES(Fdc, res), SF_INT(Fdc, res_len), SF_INT(Fdc, res_pos),
    SF_INT(Fdc, int_pending), SF_INT(Fdc, reset_senses), SF_BYTES(Fdc, specify),
    SF_INT(Fdc, config), SF_INT(Fdc, pretrk), SF_INT(Fdc, perp),
    SF_INT(Fdc, last_eot), SF_INT(Fdc, lock),
    SF_INT(Fdc, action), SF_INT(Fdc, exec_deadline_ns),
    SF_INT(Fdc, xfer), SF_INT(Fdc, xd), SF_INT(Fdc, xc), SF_INT(Fdc, xh),
    SF_INT(Fdc, xr), SF_INT(Fdc, xn), SF_INT(Fdc, xeot), SF_INT(Fdc, xmt),
    SF_INT(Fdc, fmt_left), SF_INT(Fdc, fill), SF_BYTES(Fdc, buf),
    SF_INT(Fdc, pio_pos), SF_INT(Fdc, pio_len),
    SF_STRUCTS(Fdc, drive, fdc_drive_fields),
    SF_END
};

/* ---- Media geometry ------------------------------------------------------------- */
static const struct { uint32_t size; uint8_t cyls, heads, spt, type; } fdc_formats[] = {
    {  163840, 40, 1,  8, 1 }, {  184320, 40, 1,  9, 1 },
    {  327680, 40, 2,  8, 1 }, {  368640, 40, 2,  9, 1 },
    {  737280, 80, 2,  9, 3 }, { 1228800, 80, 2, 15, 2 },
    { 1474560, 80, 2, 18, 4 }, { 1720320, 80, 2, 21, 4 },   /* DMF 1.68M */
    { 1763328, 82, 2, 21, 4 }, { 2949120, 80, 2, 36, 5 },
};

/* ---- Helpers --------------------------------------------------------------------- */
static uint64_t now_ns(Fdc *f) { return clock_now_ns(machine_clock(f->m)); }
static bool pio_mode(const Fdc *f) { return f->specify[1] & 1; }

static void update_irq(Fdc *f)
{
    bool pio_int = f->phase == FDC_PHASE_PIO;   /* INT stands in for DRQ */
    irq_set(f->irq, (f->int_pending || pio_int) && (f->dor & FDC_DOR_DMAGATE));
}

static void result(Fdc *f, const uint8_t *bytes, unsigned n, bool irq)
{
    memcpy(f->res, bytes, n);
    f->res_len = (uint8_t)n;
    f->res_pos = 0;
    f->phase = FDC_PHASE_RESULT;
    if (irq)
        f->int_pending = true;
    update_irq(f);
}

static void to_command_phase(Fdc *f)
{
    f->phase = FDC_PHASE_CMD;
    f->cmd_pos = 0;
    update_irq(f);
}

static bool has_disk(const Fdc *f, int d) { return d < FDC_DRIVES && f->blk[d]; }

/* ---- Reset ------------------------------------------------------------------------- */
/* DOR nRESET or DSR SWRESET: everything but the LOCKed parameters and
 * SPECIFY returns to its default; the drives keep their position. */
static void controller_reset(Fdc *f)
{
    f->phase = FDC_PHASE_RESET;
    f->cmd_pos = f->res_pos = f->res_len = 0;
    f->int_pending = false;
    f->reset_senses = 0;
    f->action = FDC_ACT_NONE;
    timer_del(&f->exec_timer);
    for (int d = 0; d < FDC_DRIVES; d++) {
        f->drive[d].seeking = f->drive[d].seek_done = false;
        timer_del(&f->seek_timer[d]);
    }
    if (!f->lock) {
        f->config = FDC_CONFIG_RESET;
        f->pretrk = 0;
    }
    f->perp &= 0x3C;
    update_irq(f);
}

static void arm_exec(Fdc *f, uint8_t action, uint64_t delay_ns)
{
    f->action = action;
    f->exec_deadline_ns = now_ns(f) + delay_ns;
    timer_mod(&f->exec_timer, f->exec_deadline_ns);
}

static void reset_done(Fdc *f)
{
    to_command_phase(f);
    /* With drive polling enabled, one "ready changed" interrupt stands for
     * four SENSE INTERRUPT STATUS results, one per drive. */
    if (!(f->config & 0x10)) {
        f->reset_senses = 4;
        f->int_pending = true;
    }
    update_irq(f);
}

/* ---- Seeks --------------------------------------------------------------------------- */
static void start_seek(Fdc *f, int d, int head, int ncn)
{
    FdcDrive *dr = &f->drive[d];
    int steps = ncn > dr->pcn ? ncn - dr->pcn : dr->pcn - ncn;
    dr->pcn = (uint8_t)ncn;
    dr->seeking = true;
    dr->seek_done = false;
    dr->seek_st0 = (uint8_t)(FDC_ST0_SE | (head << 2) | d);
    dr->seek_deadline_ns = now_ns(f) + FDC_SEEK_NS + (uint64_t)steps * FDC_STEP_NS;
    timer_mod(&f->seek_timer[d], dr->seek_deadline_ns);
}

static void seek_end(Fdc *f, int d)
{
    FdcDrive *dr = &f->drive[d];
    dr->seeking = false;
    dr->seek_done = true;
    /* A step with a medium in the drive resets the disk change line. */
    if (has_disk(f, d))
        dr->changed = false;
    f->int_pending = true;
    update_irq(f);
}

static void seek_timer0(void *dev) { seek_end(dev, 0); }
static void seek_timer1(void *dev) { seek_end(dev, 1); }

static void sense_interrupt(Fdc *f)
{
    uint8_t r[2];
    if (f->reset_senses) {
        int d = 4 - f->reset_senses--;
        r[0] = (uint8_t)(0xC0 | d);
        r[1] = d < FDC_DRIVES ? f->drive[d].pcn : 0;
    } else {
        int d = 0;
        while (d < FDC_DRIVES && !f->drive[d].seek_done)
            d++;
        if (d == FDC_DRIVES) {
            uint8_t inv = FDC_ST0_IC;
            f->int_pending = false;
            result(f, &inv, 1, false);
            return;
        }
        f->drive[d].seek_done = false;
        r[0] = f->drive[d].seek_st0;
        r[1] = f->drive[d].pcn;
    }
    bool more = f->reset_senses != 0;
    for (int d = 0; d < FDC_DRIVES; d++)
        more = more || f->drive[d].seek_done;
    f->int_pending = more;
    result(f, r, 2, false);
}

/* ---- Data transfers ------------------------------------------------------------- */
static bool sector_exists(const Fdc *f)
{
    int d = f->xd;
    return has_disk(f, d) && f->xc < f->cyls[d] && f->xh < f->heads[d] &&
           f->xr >= 1 && f->xr <= f->spt[d] && f->xn == 2;
}

static uint64_t sector_offset(const Fdc *f, uint8_t c, uint8_t h, uint8_t r)
{
    int d = f->xd;
    return (((uint64_t)c * f->heads[d] + h) * f->spt[d] + (r - 1u)) * FDC_SECTOR;
}

/* Move to the next sector; false at the end of the track (cylinder with MT). */
static bool advance(Fdc *f)
{
    if (f->xr < f->xeot) {
        f->xr++;
        return true;
    }
    if (f->xmt && f->xh == 0) {
        f->xh = 1;
        f->xr = 1;
        return true;
    }
    return false;
}

/* Result phase of a read/write: C/H/R/N "next sector" per the data sheet's
 * result table, after the sector in xc/xh/xr was the last one handled. */
static void finish_xfer(Fdc *f, uint8_t st0, uint8_t st1, uint8_t st2, bool moved)
{
    uint8_t c = f->xc, h = f->xh, r = f->xr;
    if (moved) {
        if (r < f->xeot) {
            r++;
        } else if (f->xmt && h == 0) {
            h = 1;
            r = 1;
        } else {
            r = 1;
            c++;
            if (f->xmt)
                h = 0;
        }
    }
    uint8_t res[7] = { (uint8_t)(st0 | (h << 2) | f->xd), st1, st2, c, h, r, f->xn };
    f->last_eot = f->xeot;
    result(f, res, 7, true);
}

static bool dma_usable(Fdc *f)
{
    return f->dma && !dma_channel_masked(f->dma, f->dma_channel);
}

/* Read or write sectors through the 8237 until TC or the end of track. */
static void run_dma(Fdc *f)
{
    bool write = f->xfer == FDC_XFER_WRITE;
    uint8_t st1 = FDC_ST1_ND;
    for (;;) {
        if (!sector_exists(f))
            break;
        uint64_t off = sector_offset(f, f->xc, f->xh, f->xr);
        size_t n = 0;
        if (!write && blk_read(f->blk[f->xd], off, f->buf, FDC_SECTOR) < 0)
            break;
        if (dma_usable(f))
            n = dma_transfer(f->dma, f->dma_channel, f->buf, FDC_SECTOR, !write);
        if (write && n && blk_write(f->blk[f->xd], off, f->buf, FDC_SECTOR) < 0)
            break;
        if (n && dma_channel_tc(f->dma, f->dma_channel)) {
            finish_xfer(f, 0, 0, 0, true);      /* normal termination */
            return;
        }
        if (n < FDC_SECTOR) {                   /* no DACK: data overrun */
            st1 = FDC_ST1_OR;
            break;
        }
        if (!advance(f)) {                      /* EOT without TC */
            finish_xfer(f, FDC_ST0_AT, FDC_ST1_EN, 0, true);
            return;
        }
    }
    finish_xfer(f, FDC_ST0_AT, st1, 0, false);
}

/* FORMAT TRACK: one C/H/R/N ID per sector, then the sector is filled. */
static bool format_sector(Fdc *f, const uint8_t *id)
{
    int d = f->xd;
    uint8_t c = id[0], h = id[1], r = id[2];
    if (!has_disk(f, d) || c >= f->cyls[d] || h >= f->heads[d] || r < 1 || r > f->spt[d])
        return false;
    memset(f->buf, f->fill, FDC_SECTOR);
    f->xc = c;
    f->xh = h;
    f->xr = r;
    return blk_write(f->blk[d], sector_offset(f, c, h, r), f->buf, FDC_SECTOR) == 0;
}

static void format_done(Fdc *f, bool ok)
{
    uint8_t res[7] = { (uint8_t)((ok ? 0 : FDC_ST0_AT) | (f->xh << 2) | f->xd),
                       ok ? 0 : FDC_ST1_ND, 0, f->xc, f->xh, f->xr, f->xn };
    result(f, res, 7, true);
}

static void run_format_dma(Fdc *f)
{
    uint8_t id[4];
    while (f->fmt_left) {
        if (!dma_usable(f) || dma_transfer(f->dma, f->dma_channel, id, 4, false) < 4 ||
            !format_sector(f, id)) {
            format_done(f, false);
            return;
        }
        f->fmt_left--;
    }
    format_done(f, true);
}

/* PIO: prepare the FIFO window for the current sector (or format ID). */
static void pio_start_sector(Fdc *f)
{
    f->pio_pos = 0;
    f->pio_len = f->xfer == FDC_XFER_FORMAT ? 4 : FDC_SECTOR;
    if (f->xfer == FDC_XFER_READ &&
        blk_read(f->blk[f->xd], sector_offset(f, f->xc, f->xh, f->xr), f->buf, FDC_SECTOR) < 0) {
        finish_xfer(f, FDC_ST0_AT, FDC_ST1_ND, 0, false);
        return;
    }
    f->phase = FDC_PHASE_PIO;
    update_irq(f);
}

static void pio_sector_done(Fdc *f)
{
    if (f->xfer == FDC_XFER_FORMAT) {
        if (format_sector(f, f->buf) && --f->fmt_left)
            pio_start_sector(f);
        else
            format_done(f, !f->fmt_left);
        return;
    }
    if (f->xfer == FDC_XFER_WRITE &&
        blk_write(f->blk[f->xd], sector_offset(f, f->xc, f->xh, f->xr), f->buf, FDC_SECTOR) < 0) {
        finish_xfer(f, FDC_ST0_AT, FDC_ST1_ND, 0, false);
        return;
    }
    /* Without TC (the 8237 is not involved) a PIO transfer runs to EOT and
     * ends with AT + EN, as the data sheet and Linux's "pseudo-DMA" expect. */
    if (!advance(f)) {
        finish_xfer(f, FDC_ST0_AT, FDC_ST1_EN, 0, true);
        return;
    }
    if (sector_exists(f))
        pio_start_sector(f);
    else
        finish_xfer(f, FDC_ST0_AT, FDC_ST1_ND, 0, false);
}

/* ---- Command execution ------------------------------------------------------------- */
static void exec_done(Fdc *f)
{
    uint8_t op = f->cmd[0] & 0x1F;
    int d = f->xd;
    if (op == FDC_CMD_READ_ID) {
        if (!has_disk(f, d)) {
            uint8_t res[7] = { (uint8_t)(FDC_ST0_AT | FDC_ST0_NR | (f->xh << 2) | d), 0, 0,
                               f->drive[d].pcn, f->xh, 1, 2 };
            result(f, res, 7, true);
            return;
        }
        FdcDrive *dr = &f->drive[d];
        uint8_t r = dr->next_r >= 1 && dr->next_r <= f->spt[d] ? dr->next_r : 1;
        dr->next_r = (uint8_t)(r % f->spt[d] + 1);
        uint8_t res[7] = { (uint8_t)((f->xh << 2) | d), 0, 0, dr->pcn, f->xh, r, 2 };
        result(f, res, 7, true);
        return;
    }
    if (!has_disk(f, d)) {
        finish_xfer(f, FDC_ST0_AT | FDC_ST0_NR, 0, 0, false);
        return;
    }
    if (f->xfer != FDC_XFER_READ && blk_read_only(f->blk[d])) {
        finish_xfer(f, FDC_ST0_AT, FDC_ST1_NW, 0, false);
        return;
    }
    if (f->xfer == FDC_XFER_FORMAT) {
        if (pio_mode(f))
            pio_start_sector(f);
        else
            run_format_dma(f);
        return;
    }
    if (pio_mode(f)) {
        if (!sector_exists(f))
            finish_xfer(f, FDC_ST0_AT, FDC_ST1_ND, 0, false);
        else
            pio_start_sector(f);
        return;
    }
    run_dma(f);
}

static void fdc_exec_timer(void *dev)
{
    Fdc *f = dev;
    uint8_t act = f->action;
    f->action = FDC_ACT_NONE;
    if (act == FDC_ACT_RESET_DONE)
        reset_done(f);
    else if (act == FDC_ACT_EXEC && f->phase == FDC_PHASE_EXEC)
        exec_done(f);
}

/* Bytes in each command (opcode included), by the low five opcode bits. */
static uint8_t command_length(uint8_t op)
{
    switch (op & 0x1F) {
    case FDC_CMD_READ_TRACK: case FDC_CMD_WRITE: case FDC_CMD_READ:
    case FDC_CMD_WRITE_DELETED: case FDC_CMD_READ_DELETED: return 9;
    case FDC_CMD_FORMAT: return 6;
    case FDC_CMD_CONFIGURE: return 4;
    case FDC_CMD_SPECIFY: case FDC_CMD_SEEK: return 3;
    case FDC_CMD_SENSE_DRIVE: case FDC_CMD_RECALIBRATE:
    case FDC_CMD_READ_ID: case FDC_CMD_PERPENDICULAR: return 2;
    default: return 1;
    }
}

static void start_xfer(Fdc *f, uint8_t kind)
{
    f->xfer = kind;
    f->xd = f->cmd[1] & 3;
    f->xh = (f->cmd[1] >> 2) & 1;
    if (kind == FDC_XFER_FORMAT) {
        f->xn = f->cmd[2];
        f->fmt_left = f->cmd[3];
        f->fill = f->cmd[5];
        f->xc = f->xd < FDC_DRIVES ? f->drive[f->xd].pcn : 0;
        f->xr = 1;
        f->fmt_left = f->fmt_left ? f->fmt_left : 1;
    } else {
        f->xc = f->cmd[2];
        f->xr = (f->cmd[0] & 0x1F) == FDC_CMD_READ_TRACK ? 1 : f->cmd[4];
        f->xn = f->cmd[5];
        f->xeot = f->cmd[6];
        f->xmt = (f->cmd[0] & 0x80) && (f->cmd[0] & 0x1F) != FDC_CMD_READ_TRACK;
    }
    f->phase = FDC_PHASE_EXEC;
    arm_exec(f, FDC_ACT_EXEC, FDC_EXEC_NS);
}

static void execute_command(Fdc *f)
{
    uint8_t op = f->cmd[0];
    uint8_t r[10];
    switch (op & 0x1F) {
    case FDC_CMD_READ: case FDC_CMD_READ_DELETED: case FDC_CMD_READ_TRACK:
        start_xfer(f, FDC_XFER_READ);
        return;
    case FDC_CMD_WRITE: case FDC_CMD_WRITE_DELETED:
        start_xfer(f, FDC_XFER_WRITE);
        return;
    case FDC_CMD_FORMAT:
        start_xfer(f, FDC_XFER_FORMAT);
        return;
    case FDC_CMD_READ_ID:
        f->xd = f->cmd[1] & 1;      /* drives 2-3 absent: alias 0-1 */
        f->xh = (f->cmd[1] >> 2) & 1;
        f->phase = FDC_PHASE_EXEC;
        arm_exec(f, FDC_ACT_EXEC, FDC_EXEC_NS);
        return;
    }
    switch (op) {
    case FDC_CMD_SPECIFY:
        f->specify[0] = f->cmd[1];
        f->specify[1] = f->cmd[2];
        to_command_phase(f);
        break;
    case FDC_CMD_SENSE_DRIVE: {
        int d = f->cmd[1] & 3, h = (f->cmd[1] >> 2) & 1;
        r[0] = (uint8_t)(FDC_ST3_RDY | FDC_ST3_TS | (h << 2) | d);
        if (d < FDC_DRIVES && f->drive[d].pcn == 0)
            r[0] |= FDC_ST3_T0;
        if (!has_disk(f, d) || blk_read_only(f->blk[d]))
            r[0] |= FDC_ST3_WP;
        result(f, r, 1, false);
        break;
    }
    case FDC_CMD_RECALIBRATE:
    case FDC_CMD_SEEK: case 0x8F: case 0xCF: {
        int d = f->cmd[1] & 3, h = (f->cmd[1] >> 2) & 1;
        to_command_phase(f);
        if (d >= FDC_DRIVES)
            break;
        int ncn = op == FDC_CMD_RECALIBRATE ? 0 : f->cmd[2];
        if (op == 0x8F || op == 0xCF) {     /* RELATIVE SEEK, DIR = bit 6 */
            int pcn = f->drive[d].pcn;
            ncn = op == 0xCF ? pcn + f->cmd[2] : pcn - f->cmd[2];
            ncn = ncn < 0 ? 0 : ncn > 255 ? 255 : ncn;
        }
        start_seek(f, d, h, ncn);
        break;
    }
    case FDC_CMD_SENSE_INT:
        sense_interrupt(f);
        break;
    case FDC_CMD_VERSION:
        r[0] = 0x90;            /* 82077AA */
        result(f, r, 1, false);
        break;
    case FDC_CMD_CONFIGURE:
        f->config = f->cmd[2] & 0x7F;
        f->pretrk = f->cmd[3];
        to_command_phase(f);
        break;
    case FDC_CMD_LOCK: case 0x94:
        f->lock = op & 0x80;
        r[0] = (uint8_t)(f->lock << 4);
        result(f, r, 1, false);
        break;
    case FDC_CMD_DUMPREG: {
        const uint8_t dump[10] = { f->drive[0].pcn, f->drive[1].pcn, 0, 0,
            f->specify[0], f->specify[1], f->last_eot,
            (uint8_t)((f->lock << 7) | (f->perp & 0x7F)), f->config, f->pretrk };
        result(f, dump, 10, false);
        break;
    }
    case FDC_CMD_PERPENDICULAR:
        f->perp = f->cmd[1] & 0x3F;
        to_command_phase(f);
        break;
    default:
        r[0] = FDC_ST0_IC;
        LOG(LOG_UNIMP, "fdc: invalid command 0x%02x\n", op);
        result(f, r, 1, false);
        break;
    }
}

/* ---- Guest-visible registers ----------------------------------------------------------- */
static uint8_t msr_read(const Fdc *f)
{
    uint8_t v = 0;
    for (int d = 0; d < FDC_DRIVES; d++)
        if (f->drive[d].seeking)
            v |= (uint8_t)(1 << d);
    switch (f->phase) {
    case FDC_PHASE_CMD:    return v | FDC_MSR_RQM | (f->cmd_pos ? FDC_MSR_CB : 0);
    case FDC_PHASE_EXEC:   return v | FDC_MSR_CB | (pio_mode(f) ? FDC_MSR_NDMA : 0);
    case FDC_PHASE_RESULT: return v | FDC_MSR_RQM | FDC_MSR_DIO | FDC_MSR_CB;
    case FDC_PHASE_PIO:
        return v | FDC_MSR_RQM | FDC_MSR_NDMA | FDC_MSR_CB |
               (f->xfer == FDC_XFER_READ ? FDC_MSR_DIO : 0);
    }
    return v;
}

static uint8_t fifo_read(Fdc *f)
{
    if (f->phase == FDC_PHASE_PIO && f->xfer == FDC_XFER_READ) {
        uint8_t v = f->buf[f->pio_pos % FDC_SECTOR];
        if (++f->pio_pos >= f->pio_len)
            pio_sector_done(f);
        return v;
    }
    if (f->phase != FDC_PHASE_RESULT)
        return 0xff;
    /* Reading the result clears the completion interrupt. */
    f->int_pending = f->int_pending && (f->cmd[0] == FDC_CMD_SENSE_INT);
    uint8_t v = f->res[f->res_pos % sizeof f->res];
    if (++f->res_pos >= f->res_len)
        to_command_phase(f);
    update_irq(f);
    return v;
}

static void fifo_write(Fdc *f, uint8_t v)
{
    if (f->phase == FDC_PHASE_PIO && f->xfer != FDC_XFER_READ) {
        f->buf[f->pio_pos % FDC_SECTOR] = v;
        if (++f->pio_pos >= f->pio_len)
            pio_sector_done(f);
        return;
    }
    if (f->phase != FDC_PHASE_CMD)
        return;
    if (f->cmd_pos == 0) {
        f->cmd_len = command_length(v);
        /* A new command drops the INT line of an unserviced completion;
         * pending seek/reset statuses stay for SENSE INTERRUPT STATUS. */
        if (v != FDC_CMD_SENSE_INT)
            f->int_pending = false;
    }
    f->cmd[f->cmd_pos++] = v;
    if (f->cmd_pos >= f->cmd_len) {
        f->cmd_pos = 0;
        execute_command(f);
    }
    update_irq(f);
}

static void dor_write(Fdc *f, uint8_t v)
{
    uint8_t old = f->dor;
    f->dor = v;
    if ((old & FDC_DOR_NRESET) && !(v & FDC_DOR_NRESET)) {
        controller_reset(f);
    } else if (!(old & FDC_DOR_NRESET) && (v & FDC_DOR_NRESET)) {
        arm_exec(f, FDC_ACT_RESET_DONE, FDC_RESET_NS);
    }
    update_irq(f);
}

static uint32_t fdc_read(void *dev, uint32_t off, unsigned size)
{
    Fdc *f = dev;
    switch (off) {
    case FDC_SRA: return (f->int_pending ? 0x80 : 0) | 0x04;
    case FDC_SRB: return 0xC0 | (f->dor & 0x01 ? 0x20 : 0x40);
    case FDC_DOR: return f->dor;
    case FDC_TDR: return f->tdr;
    case FDC_MSR: return msr_read(f);
    case FDC_FIFO: return fifo_read(f);
    }
    return 0xff;
}

static void fdc_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Fdc *f = dev;
    uint8_t v = (uint8_t)val;
    switch (off) {
    case FDC_DOR: dor_write(f, v); break;
    case FDC_TDR: f->tdr = v & 3; break;
    case FDC_DSR:
        f->dsr = v & 0x7F;
        if (v & FDC_DSR_SWRESET) {          /* self-clearing reset */
            controller_reset(f);
            arm_exec(f, FDC_ACT_RESET_DONE, FDC_RESET_NS);
        }
        break;
    case FDC_FIFO:
        if (f->dor & FDC_DOR_NRESET)
            fifo_write(f, v);
        break;
    }
}

static uint32_t fdc_dir_read(void *dev, uint32_t off, unsigned size)
{
    Fdc *f = dev;
    int d = f->dor & 3;
    return d < FDC_DRIVES && f->drive[d].changed ? 0x80 : 0x00;
}

static void fdc_ccr_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Fdc *f = dev;
    f->dsr = (uint8_t)((f->dsr & ~3) | (val & 3));     /* CCR = data rate */
}

static const IoOps fdc_io_ops = { fdc_read, fdc_write, 1 };
static const IoOps fdc_dir_ops = { fdc_dir_read, fdc_ccr_write, 1 };

/* ---- Lifecycle ---------------------------------------------------------------------- */
static void fdc_reset(void *dev)
{
    Fdc *f = dev;
    f->lock = false;
    controller_reset(f);
    f->dor = 0;             /* power-on: held in reset until the BIOS */
    f->tdr = 0;
    f->dsr = 0;
    f->perp = 0;
    f->last_eot = 0;
    memset(f->specify, 0, sizeof f->specify);
    for (int d = 0; d < FDC_DRIVES; d++) {
        f->drive[d].pcn = 0;
        f->drive[d].next_r = 1;
        f->drive[d].changed = true;
    }
    update_irq(f);
}

static void fdc_post_load(void *dev)
{
    Fdc *f = dev;
    if (f->cmd_pos >= sizeof f->cmd) f->cmd_pos = 0;
    if (f->res_len > sizeof f->res) f->res_len = sizeof f->res;
    if (f->pio_len > FDC_SECTOR) f->pio_len = FDC_SECTOR;
    timer_del(&f->exec_timer);
    if (f->action != FDC_ACT_NONE)
        timer_mod(&f->exec_timer, f->exec_deadline_ns);
    for (int d = 0; d < FDC_DRIVES; d++) {
        timer_del(&f->seek_timer[d]);
        if (f->drive[d].seeking)
            timer_mod(&f->seek_timer[d], f->drive[d].seek_deadline_ns);
    }
    update_irq(f);
}

static const DeviceInfo fdc_info = {
    .name = "fdc", .version = 1, .state = fdc_fields,
    .reset = fdc_reset, .post_load = fdc_post_load,
};

Fdc *fdc_create(Machine *m, uint16_t base, IrqLine irq6, Dma *dma, int dma_channel)
{
    Fdc *f = xzalloc(sizeof *f);
    f->m = m;
    f->irq = irq6;
    f->dma = dma;
    f->dma_channel = dma_channel;
    timer_init(&f->exec_timer, machine_clock(m), "fdc", fdc_exec_timer, f);
    timer_init(&f->seek_timer[0], machine_clock(m), "fdc-seek0", seek_timer0, f);
    timer_init(&f->seek_timer[1], machine_clock(m), "fdc-seek1", seek_timer1, f);
    io_region_init(&f->io, "fdc", &fdc_io_ops, f);
    io_region_init(&f->io_dir, "fdc-dir", &fdc_dir_ops, f);
    io_map(machine_io(m), &f->io, base, 6);
    io_map(machine_io(m), &f->io_dir, base + 7u, 1);
    fdc_reset(f);
    machine_add(m, &fdc_info, f);
    return f;
}

int fdc_attach(Fdc *f, int drive, BlockBackend *blk)
{
    if (drive < 0 || drive >= FDC_DRIVES)
        return -1;
    f->blk[drive] = NULL;
    f->cyls[drive] = f->heads[drive] = f->spt[drive] = f->type[drive] = 0;
    f->drive[drive].changed = true;
    if (!blk)
        return 0;
    uint64_t size = blk_size(blk);
    for (size_t i = 0; i < ARRAY_SIZE(fdc_formats); i++) {
        if (fdc_formats[i].size == size) {
            f->blk[drive] = blk;
            f->cyls[drive] = fdc_formats[i].cyls;
            f->heads[drive] = fdc_formats[i].heads;
            f->spt[drive] = fdc_formats[i].spt;
            f->type[drive] = fdc_formats[i].type;
            return 0;
        }
    }
    return -1;
}

int fdc_drive_type(Fdc *f, int drive)
{
    return drive >= 0 && drive < FDC_DRIVES ? f->type[drive] : 0;
}

bool fdc_geometry(Fdc *f, int drive, int *cyls, int *heads, int *spt)
{
    if (drive < 0 || drive >= FDC_DRIVES || !f->blk[drive])
        return false;
    *cyls = f->cyls[drive];
    *heads = f->heads[drive];
    *spt = f->spt[drive];
    return true;
}
