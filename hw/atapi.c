/*
 * hw/atapi.c: ATAPI CD-ROM drive behind an IDE channel (hw/ide.c): the
 * PACKET command protocol and the SCSI/MMC commands of a read-only drive.
 *
 * Models:      the packet device signature (01 01 14 EB) after resets, with
 *              DRDY clear until a command completes; IDENTIFY PACKET DEVICE
 *              (word 0 = 85C0h: ATAPI, CD-ROM, removable, 50 us DRQ, 12-byte
 *              packets; multiword DMA 0-2); IDENTIFY DEVICE aborted with the
 *              signature in place; DEVICE RESET (accepted while BSY); PACKET
 *              with the byte count limit from LBA mid/high, the interrupt
 *              reason register (C/D, I/O in the sector count) for the packet,
 *              data and status phases, and the DMA bit of the features
 *              register (data through the bus master). Commands: TEST UNIT
 *              READY, REQUEST SENSE (fixed format), INQUIRY (type 05h,
 *              removable), START STOP UNIT (eject/load, refused while
 *              locked), PREVENT ALLOW MEDIUM REMOVAL, READ CAPACITY, READ(10),
 *              READ(12), SEEK(10), VERIFY(10), READ TOC/PMA/ATIP formats 0,
 *              1 and 2 in LBA and MSF form, MODE SENSE(6/10) pages 01h, 2Ah
 *              and 3Fh (current, changeable, default), GET CONFIGURATION
 *              (profile CD-ROM 0008h; features profile list, core, morphing,
 *              removable medium, random readable, CD read), GET EVENT
 *              STATUS NOTIFICATION (polled, media class), READ DISC
 *              INFORMATION, MECHANISM STATUS, SET CD SPEED. Sense: 02/3A
 *              medium not present, 06/28 once after a medium change, 05/20
 *              invalid command, 05/21 LBA out of range, 05/24 invalid field,
 *              05/39 saving parameters, 05/53/02 removal prevented, 03/11
 *              unrecovered read error.
 * Not modeled: audio (PLAY, READ SUB-CHANNEL, READ CD), writing, DVD
 *              structures, command queueing (TAG) and overlap, MODE SELECT
 *              and every other command with a data-out phase (05/20),
 *              the power-on unit attention (06/29: a medium present at
 *              start-up is simply ready), spin-up delays, multi-session or
 *              multi-track media (the image is one data track).
 * Spec:        ATA/ATAPI-6 (T13/1410D rev 3b) 8.17 IDENTIFY PACKET DEVICE,
 *              8.21 PACKET, 9.8-9.9 packet protocols; SFF-8020i 2.6 (ATAPI
 *              for CD-ROMs); MMC-3 (T10/1363-D) 5 (features), 6 (commands);
 *              SPC-2 for sense keys and ASC/ASCQ values.
 */
#include "hw/ata.h"

/* ---- Commands and codes (spec names) ------------------------------------------------ */
enum {
    ATA_CMD_DEVICE_RESET = 0x08, ATA_CMD_EXECUTE_DIAGNOSTIC = 0x90,
    ATA_CMD_PACKET = 0xA0, ATA_CMD_IDENTIFY_PACKET = 0xA1,
    ATA_CMD_CHECK_POWER_MODE = 0xE5, ATA_CMD_IDENTIFY = 0xEC,
    ATA_CMD_SET_FEATURES = 0xEF,
};

enum {
    SCSI_TEST_UNIT_READY = 0x00, SCSI_REQUEST_SENSE = 0x03, SCSI_INQUIRY = 0x12,
    SCSI_MODE_SENSE_6 = 0x1A, SCSI_START_STOP_UNIT = 0x1B,
    SCSI_PREVENT_ALLOW = 0x1E, SCSI_READ_CAPACITY = 0x25, SCSI_READ_10 = 0x28,
    SCSI_SEEK_10 = 0x2B, SCSI_VERIFY_10 = 0x2F, SCSI_READ_TOC = 0x43,
    SCSI_GET_CONFIGURATION = 0x46, SCSI_GET_EVENT_STATUS = 0x4A,
    SCSI_READ_DISC_INFO = 0x51, SCSI_MODE_SENSE_10 = 0x5A, SCSI_READ_12 = 0xA8,
    SCSI_SET_CD_SPEED = 0xBB, SCSI_MECHANISM_STATUS = 0xBD,
};

enum {
    SENSE_NONE = 0x00, SENSE_NOT_READY = 0x02, SENSE_MEDIUM_ERROR = 0x03,
    SENSE_ILLEGAL_REQUEST = 0x05, SENSE_UNIT_ATTENTION = 0x06,
};
enum {
    ASC_UNRECOVERED_READ = 0x11, ASC_INVALID_OPCODE = 0x20,
    ASC_LBA_OUT_OF_RANGE = 0x21, ASC_INVALID_FIELD = 0x24,
    ASC_MEDIUM_CHANGED = 0x28, ASC_SAVING_NOT_SUPPORTED = 0x39,
    ASC_MEDIUM_NOT_PRESENT = 0x3A, ASC_REMOVAL_PREVENTED = 0x53,
};

/* Interrupt reason (sector count register) bits. */
#define IREASON_CD   0x01
#define IREASON_IO   0x02

/* GET EVENT STATUS NOTIFICATION media event codes. */
enum { MEDIA_EV_NONE = 0, MEDIA_EV_EJECT_REQUEST = 1, MEDIA_EV_NEW = 2,
       MEDIA_EV_REMOVED = 3 };

#define ATAPI_CMD_DELAY_NS    5000
#define ATAPI_BLOCK_DELAY_NS  2000
#define ATAPI_PROFILE_CDROM   0x0008
#define ATAPI_SPEED_KBS       2816    /* 16x */
#define ATAPI_BUF_SECTORS     (sizeof ((IdeUnit *)0)->buf / ATAPI_SECTOR_SIZE)

/* ---- Small helpers ------------------------------------------------------------------ */
static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put_be16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);  p[3] = (uint8_t)v;
}

static bool medium(const IdeUnit *u)
{
    return u->blk && !u->tray_open;
}

/* An address in LBA or MSF form (MSF: 00 M S F, 2 seconds of lead-in). */
static void put_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (!msf) {
        put_be32(p, lba);
        return;
    }
    uint32_t f = lba + 150;
    p[0] = 0;
    p[1] = (uint8_t)(f / (75 * 60));
    p[2] = (uint8_t)(f / 75 % 60);
    p[3] = (uint8_t)(f % 75);
}

/* ---- Phases -------------------------------------------------------------------------- */

/* ATA-level completion (non-packet commands). */
static void ata_done(IdeUnit *u, uint8_t err)
{
    u->xfer = IDE_XFER_NONE;
    u->dma = u->dma_wait = false;
    u->error = err;
    u->status = ATA_SR_DRDY | ATA_SR_DSC | (err ? ATA_SR_ERR : 0);
    u->intrq = true;
}

/* Status phase of a packet command: good, or CHECK CONDITION with sense. */
static void status_phase(IdeUnit *u, uint8_t key, uint8_t asc, uint8_t ascq)
{
    u->xfer = IDE_XFER_NONE;
    u->dma = u->dma_wait = false;
    u->sectors_left = 0;
    u->sense_key = key;
    u->asc = asc;
    u->ascq = ascq;
    u->tf->nsector = IREASON_IO | IREASON_CD;
    u->error = (uint8_t)(key << 4);
    u->status = ATA_SR_DRDY | ATA_SR_DSC | (key ? ATA_SR_ERR : 0);
    u->intrq = true;
}

static void command_ok(IdeUnit *u) { status_phase(u, SENSE_NONE, 0, 0); }

static void check_condition(IdeUnit *u, uint8_t key, uint8_t asc, uint8_t ascq)
{
    status_phase(u, key, asc, ascq);
}

static bool need_medium(IdeUnit *u)
{
    if (medium(u))
        return true;
    check_condition(u, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, u->tray_open ? 0x02 : 0x01);
    return false;
}

/* Fill buf with the next sectors of a READ; false after a read error. */
static bool read_sectors(IdeUnit *u)
{
    uint32_t n = u->sectors_left < ATAPI_BUF_SECTORS ? u->sectors_left : (uint32_t)ATAPI_BUF_SECTORS;
    if (blk_read(u->blk, u->lba * ATAPI_SECTOR_SIZE, u->buf, (size_t)n * ATAPI_SECTOR_SIZE) < 0) {
        check_condition(u, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
        return false;
    }
    u->lba += n;
    u->sectors_left -= n;
    u->buf_len = n * ATAPI_SECTOR_SIZE;
    u->data_pos = u->data_end = 0;
    return true;
}

/* PIO data-in: hand the host the next window of buf (at most the byte
 * count limit), refilling buf from the medium when it is used up. */
static void next_block(IdeUnit *u)
{
    if (u->data_end >= u->buf_len) {
        if (!u->sectors_left) {
            command_ok(u);
            return;
        }
        if (!read_sectors(u))
            return;
    }
    uint32_t n = u->buf_len - u->data_end;
    if (n > u->byte_limit)
        n = u->byte_limit;
    u->data_pos = u->data_end;
    u->data_end += n;
    u->tf->lcyl = (uint8_t)n;
    u->tf->hcyl = (uint8_t)(n >> 8);
    u->tf->nsector = IREASON_IO;
    u->xfer = IDE_XFER_IN;
    u->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
    u->intrq = true;
}

/* Start the data-in phase for what the command left in buf[0, buf_len)
 * plus sectors_left sectors from u->lba. */
static void data_in(IdeUnit *u)
{
    u->data_pos = u->data_end = 0;
    if (u->dma) {
        u->xfer = IDE_XFER_IN;
        u->data_end = u->buf_len;
        ata_dma_begin(u);
        return;
    }
    next_block(u);
}

/* Reply with 'len' bytes already in buf, cut to the allocation length. */
static void reply(IdeUnit *u, uint32_t len, uint32_t alloc)
{
    u->buf_len = len < alloc ? len : alloc;
    u->sectors_left = 0;
    if (!u->buf_len) {
        command_ok(u);
        return;
    }
    data_in(u);
}

bool atapi_dma_refill(IdeUnit *u)
{
    if (!u->sectors_left)
        return false;
    if (!read_sectors(u))
        return false;
    u->data_end = u->buf_len;
    return true;
}

void atapi_dma_done(IdeUnit *u)
{
    command_ok(u);
}

/* ---- SCSI/MMC commands ------------------------------------------------------------ */
static void request_sense(IdeUnit *u)
{
    uint8_t *b = u->buf;
    memset(b, 0, 18);
    b[0] = 0x70;                            /* current error, fixed format */
    b[2] = u->sense_key;
    b[7] = 10;                              /* additional sense length */
    b[12] = u->asc;
    b[13] = u->ascq;
    u->sense_key = u->asc = u->ascq = 0;
    reply(u, 18, u->packet[4]);
}

static void inquiry(IdeUnit *u)
{
    uint8_t *b = u->buf;
    if (u->packet[1] & 0x01) {              /* EVPD: no vital product data */
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
        return;
    }
    memset(b, ' ', 36);
    b[0] = 0x05;                            /* CD/DVD device */
    b[1] = 0x80;                            /* removable */
    b[2] = 0x00;                            /* ATAPI: no ANSI version */
    b[3] = 0x21;                            /* ATAPI version 2, format 1 */
    b[4] = 31;                              /* additional length */
    b[5] = b[6] = b[7] = 0;
    memcpy(b + 8, "EMU", 3);
    memcpy(b + 16, "EMU CD-ROM", 10);
    memcpy(b + 32, "1.0", 3);
    reply(u, 36, be16(u->packet + 3));
}

static void read_capacity(IdeUnit *u)
{
    if (!need_medium(u))
        return;
    put_be32(u->buf, (uint32_t)(u->sectors ? u->sectors - 1 : 0));
    put_be32(u->buf + 4, ATAPI_SECTOR_SIZE);
    reply(u, 8, 8);
}

static void read_cmd(IdeUnit *u, uint32_t lba, uint32_t count)
{
    if (!need_medium(u))
        return;
    if (lba > u->sectors || count > u->sectors - lba) {
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    if (!count) {
        command_ok(u);
        return;
    }
    u->lba = lba;
    u->sectors_left = count;
    u->buf_len = 0;
    data_in(u);
}

static void seek_cmd(IdeUnit *u)
{
    if (!need_medium(u))
        return;
    if (be32(u->packet + 2) >= u->sectors)
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
    else
        command_ok(u);
}

/* One track descriptor of READ TOC format 0/1. */
static uint8_t *toc_track(uint8_t *p, uint8_t track, uint32_t lba, bool msf)
{
    p[0] = 0;
    p[1] = 0x14;                            /* ADR 1 (Q position), data track */
    p[2] = track;
    p[3] = 0;
    put_addr(p + 4, lba, msf);
    return p + 8;
}

/* READ TOC format 2 (raw TOC) descriptor: session 1, point, PMIN/PSEC/PFRAME. */
static uint8_t *toc_raw(uint8_t *p, uint8_t point, uint32_t pm, uint32_t ps, uint32_t pf)
{
    memset(p, 0, 11);
    p[0] = 1;
    p[1] = 0x14;
    p[3] = point;
    p[8] = (uint8_t)pm;
    p[9] = (uint8_t)ps;
    p[10] = (uint8_t)pf;
    return p + 11;
}

static void read_toc(IdeUnit *u)
{
    const uint8_t *c = u->packet;
    bool msf = c[1] & 0x02;
    unsigned format = c[2] & 0x0f, track = c[6];
    if (!format && (c[9] >> 6))
        format = c[9] >> 6;                 /* SFF-8020i: format in the control byte */
    if (!need_medium(u))
        return;
    uint8_t *b = u->buf, *p = b + 4;
    uint32_t leadout = (uint32_t)u->sectors;
    switch (format) {
    case 0:
        if (track > 1 && track != 0xAA) {
            check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
            return;
        }
        if (track <= 1)
            p = toc_track(p, 1, 0, msf);
        p = toc_track(p, 0xAA, leadout, msf);
        break;
    case 1:                                 /* session info: first track of last session */
        p = toc_track(p, 1, 0, msf);
        break;
    case 2: {
        uint8_t m[4];
        put_addr(m, leadout, true);
        p = toc_raw(p, 0xA0, 1, 0, 0);      /* first track 1, CD-ROM disc */
        p = toc_raw(p, 0xA1, 1, 0, 0);      /* last track 1 */
        p = toc_raw(p, 0xA2, m[1], m[2], m[3]);
        p = toc_raw(p, 0x01, 0, 2, 0);      /* track 1 at 00:02:00 */
        break;
    }
    default:
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
        return;
    }
    uint32_t len = (uint32_t)(p - b);
    put_be16(b, len - 2);
    b[2] = 1;                               /* first track / session */
    b[3] = 1;                               /* last track / session */
    reply(u, len, be16(c + 7));
}

/* MODE SENSE pages; 'changeable' returns the mask (nothing changes). */
static uint8_t *mode_page(IdeUnit *u, uint8_t *p, unsigned page, bool changeable)
{
    unsigned len = page == 0x01 ? 12 : 22;
    memset(p, 0, len);
    p[0] = (uint8_t)page;
    p[1] = (uint8_t)(len - 2);
    if (changeable)
        return p + len;
    if (page == 0x01) {                     /* read error recovery */
        p[3] = 5;                           /* read retry count */
        return p + len;
    }
    p[2] = 0x03;                            /* reads CD-R and CD-RW media */
    p[4] = 0x70;                            /* mode 2 form 1/2, multi-session */
    p[6] = (uint8_t)(0x29 | (u->locked ? 0x02 : 0));   /* tray, eject, lock */
    put_be16(p + 8, ATAPI_SPEED_KBS);       /* maximum read speed */
    put_be16(p + 12, 512);                  /* buffer size, KiB */
    put_be16(p + 14, ATAPI_SPEED_KBS);      /* current read speed */
    return p + len;
}

static void mode_sense(IdeUnit *u, bool ten)
{
    const uint8_t *c = u->packet;
    unsigned pc = c[2] >> 6, page = c[2] & 0x3f;
    if (pc == 3) {
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
        return;
    }
    uint8_t *b = u->buf, *p = b + (ten ? 8 : 4);
    memset(b, 0, 8);
    if (page == 0x01 || page == 0x3f)
        p = mode_page(u, p, 0x01, pc == 1);
    if (page == 0x2a || page == 0x3f)
        p = mode_page(u, p, 0x2a, pc == 1);
    if (p == b + (ten ? 8 : 4)) {
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
        return;
    }
    uint32_t len = (uint32_t)(p - b);
    uint8_t type = medium(u) ? 0x01 : u->tray_open ? 0x71 : 0x70;  /* 120 mm data CD / no disc */
    if (ten) {
        put_be16(b, len - 2);
        b[2] = type;
        reply(u, len, be16(c + 7));
    } else {
        b[0] = (uint8_t)(len - 1);
        b[1] = type;
        reply(u, len, c[4]);
    }
}

/* One feature descriptor; data[0..n) follows the 4-byte header. */
static uint8_t *feature(uint8_t *p, unsigned code, uint8_t flags, const uint8_t *data, unsigned n)
{
    put_be16(p, code);
    p[2] = flags;                           /* version << 2 | persistent << 1 | current */
    p[3] = (uint8_t)n;
    memcpy(p + 4, data, n);
    return p + 4 + n;
}

static void get_configuration(IdeUnit *u)
{
    const uint8_t *c = u->packet;
    unsigned rt = c[1] & 3, start = be16(c + 2);
    bool cur = medium(u);
    const uint8_t profiles[4] = { 0x00, 0x08, cur ? 1 : 0, 0 };
    const uint8_t core[8] = { 0, 0, 0, 2, 0x01, 0, 0, 0 };     /* ATAPI, DBE */
    const uint8_t morphing[4] = { 0x02, 0, 0, 0 };              /* OCEvent, polled */
    const uint8_t removable[4] = { 0x29, 0, 0, 0 };             /* tray, eject, lock */
    const uint8_t random[8] = { 0, 0, 0x08, 0x00, 0, 1, 0, 0 }; /* 2048, blocking 1 */
    const uint8_t cdread[4] = { 0, 0, 0, 0 };
    const struct { unsigned code; uint8_t flags; const uint8_t *data; unsigned n; } f[] = {
        { 0x0000, 0x03, profiles, 4 },
        { 0x0001, 0x07, core, 8 },
        { 0x0002, 0x07, morphing, 4 },
        { 0x0003, 0x03, removable, 4 },
        { 0x0010, (uint8_t)(cur ? 1 : 0), random, 8 },
        { 0x001e, (uint8_t)(0x08 | (cur ? 1 : 0)), cdread, 4 },
    };
    if (rt == 3) {
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
        return;
    }
    uint8_t *b = u->buf, *p = b + 8;
    memset(b, 0, 8);
    for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
        bool want = rt == 2 ? f[i].code == start
                  : f[i].code >= start && (rt == 0 || (f[i].flags & 1));
        if (want)
            p = feature(p, f[i].code, f[i].flags, f[i].data, f[i].n);
    }
    uint32_t len = (uint32_t)(p - b);
    put_be32(b, len - 4);
    put_be16(b + 6, cur ? ATAPI_PROFILE_CDROM : 0);
    reply(u, len, be16(c + 7));
}

static void get_event_status(IdeUnit *u)
{
    const uint8_t *c = u->packet;
    uint8_t *b = u->buf;
    if (!(c[1] & 0x01)) {                   /* asynchronous operation: not supported */
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
        return;
    }
    memset(b, 0, 8);
    b[3] = 0x10;                            /* supported classes: media */
    uint32_t len = 4;
    if (c[4] & 0x10) {
        b[2] = 0x04;                        /* media class */
        b[4] = u->media_event;
        b[5] = (uint8_t)((medium(u) ? 0x02 : 0) | (u->tray_open ? 0x01 : 0));
        u->media_event = MEDIA_EV_NONE;
        len = 8;
    } else {
        b[2] = 0x80;                        /* no event available */
    }
    put_be16(b, len - 2);
    reply(u, len, be16(c + 7));
}

static void read_disc_info(IdeUnit *u)
{
    uint8_t *b = u->buf;
    if (u->packet[1] & 0x07) {              /* only the standard disc information */
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
        return;
    }
    if (!need_medium(u))
        return;
    memset(b, 0, 34);
    put_be16(b, 32);
    b[2] = 0x0e;                            /* last session complete, disc complete */
    b[3] = 1;                               /* first track */
    b[4] = 1;                               /* sessions */
    b[5] = 1;                               /* first track in last session */
    b[6] = 1;                               /* last track in last session */
    b[8] = 0x00;                            /* CD-DA or CD-ROM */
    memset(b + 16, 0xff, 8);                /* no lead-in / lead-out for a pressed disc */
    reply(u, 34, be16(u->packet + 7));
}

static void mechanism_status(IdeUnit *u)
{
    uint8_t *b = u->buf;
    memset(b, 0, 8);
    b[1] = u->tray_open ? 0x10 : 0;         /* idle, door state */
    reply(u, 8, be16(u->packet + 8));
}

static void start_stop_unit(IdeUnit *u)
{
    uint8_t v = u->packet[4];
    if (v & 0x02) {                         /* LoEj */
        if (!(v & 0x01)) {
            if (u->locked) {
                check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 0x02);
                return;
            }
            if (!u->tray_open && u->blk)
                u->media_event = MEDIA_EV_REMOVED;
            u->tray_open = true;
        } else if (u->tray_open) {
            u->tray_open = false;
            if (u->blk)
                u->media_event = MEDIA_EV_NEW;
        }
    }
    command_ok(u);
}

static void execute_packet(IdeUnit *u)
{
    const uint8_t *c = u->packet;
    uint8_t op = c[0];
    u->dma = u->packet_features & 0x01;     /* data phase by DMA */
    /* SPC-2 5.6.5: a pending unit attention fails any command but these. */
    if (u->unit_attention && op != SCSI_INQUIRY && op != SCSI_REQUEST_SENSE &&
        op != SCSI_GET_CONFIGURATION && op != SCSI_GET_EVENT_STATUS) {
        u->unit_attention = false;
        check_condition(u, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED, 0);
        return;
    }
    switch (op) {
    case SCSI_TEST_UNIT_READY:
        if (need_medium(u))
            command_ok(u);
        break;
    case SCSI_REQUEST_SENSE:     request_sense(u); break;
    case SCSI_INQUIRY:           inquiry(u); break;
    case SCSI_MODE_SENSE_6:      mode_sense(u, false); break;
    case SCSI_MODE_SENSE_10:     mode_sense(u, true); break;
    case SCSI_START_STOP_UNIT:   start_stop_unit(u); break;
    case SCSI_PREVENT_ALLOW:
        u->locked = c[4] & 0x01;
        command_ok(u);
        break;
    case SCSI_READ_CAPACITY:     read_capacity(u); break;
    case SCSI_READ_10:           read_cmd(u, be32(c + 2), be16(c + 7)); break;
    case SCSI_READ_12:           read_cmd(u, be32(c + 2), be32(c + 6)); break;
    case SCSI_SEEK_10: case SCSI_VERIFY_10:
        seek_cmd(u);
        break;
    case SCSI_READ_TOC:          read_toc(u); break;
    case SCSI_GET_CONFIGURATION: get_configuration(u); break;
    case SCSI_GET_EVENT_STATUS:  get_event_status(u); break;
    case SCSI_READ_DISC_INFO:    read_disc_info(u); break;
    case SCSI_MECHANISM_STATUS:  mechanism_status(u); break;
    case SCSI_SET_CD_SPEED:      command_ok(u); break;
    default:
        LOG(LOG_UNIMP, "atapi: command 0x%02x not supported\n", op);
        check_condition(u, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
        break;
    }
}

/* ---- ATA commands of a packet device ---------------------------------------------------- */
static void put_word(uint8_t *buf, unsigned w, uint16_t v)
{
    buf[2 * w] = (uint8_t)v;
    buf[2 * w + 1] = (uint8_t)(v >> 8);
}

static void put_string(uint8_t *buf, unsigned w, unsigned nwords, const char *s)
{
    size_t len = strlen(s);
    for (unsigned i = 0; i < 2 * nwords; i++)
        buf[2 * w + (i ^ 1)] = i < len ? (uint8_t)s[i] : ' ';
}

/* ATA/ATAPI-6 8.17, Table 30. */
static void identify_packet(IdeUnit *u)
{
    uint8_t *b = u->buf;
    char serial[21];
    memset(b, 0, ATA_SECTOR_SIZE);
    put_word(b, 0, 0x85c0);         /* ATAPI, CD-ROM, removable, 50 us DRQ, 12 bytes */
    snprintf(serial, sizeof serial, "EMUCD%015d", u->index + 1);
    put_string(b, 10, 10, serial);
    put_string(b, 23, 4, "1.0");
    put_string(b, 27, 20, "EMU CD-ROM");
    put_word(b, 49, 0x0300);        /* LBA, DMA */
    put_word(b, 53, 0x0002);        /* words 64-70 valid */
    put_word(b, 63, 0x0407);        /* multiword DMA 0-2, mode 2 selected */
    put_word(b, 64, 0x0003);        /* PIO 3 and 4 */
    put_word(b, 65, 120);
    put_word(b, 66, 120);
    put_word(b, 67, 120);
    put_word(b, 68, 120);
    put_word(b, 80, 0x0070);        /* ATA/ATAPI-4 to -6 */
    put_word(b, 82, 0x4210);        /* NOP, DEVICE RESET, PACKET */
    put_word(b, 83, 0x4000);
    put_word(b, 84, 0x4000);
    put_word(b, 85, 0x4210);
    put_word(b, 87, 0x4000);
    u->sectors_left = 0;
    u->xfer = IDE_XFER_IN;
    u->data_pos = 0;
    u->data_end = ATA_SECTOR_SIZE;
    u->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;
    u->intrq = true;
}

static void packet_command(IdeUnit *u)
{
    u->packet_features = u->tf->feature;
    if ((u->packet_features & 0x01) && !ide_dma_capable(u->ide)) {
        ata_done(u, ATA_ER_ABRT);
        return;
    }
    uint32_t limit = (uint32_t)u->tf->hcyl << 8 | u->tf->lcyl;
    if (limit == 0 || limit == 0xffff)
        limit = 0xfffe;             /* 0 is not valid for PIO: take the maximum */
    u->byte_limit = (uint16_t)(limit & ~1u ? limit & ~1u : 2);
    u->tf->nsector = IREASON_CD;    /* ready for the command packet */
    u->xfer = IDE_XFER_OUT;
    u->data_pos = 0;
    u->data_end = ATAPI_PACKET_SIZE;
    u->status = ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ;   /* no INTRQ: 50 us DRQ */
}

void atapi_set_signature(IdeUnit *u)
{
    ata_abort_transfer(u);
    u->tf->nsector = 1;
    u->tf->sector = 1;
    u->tf->lcyl = 0x14;
    u->tf->hcyl = 0xeb;
    u->error = 0x01;
    u->status = 0;                  /* packet devices clear DRDY after reset */
    u->intrq = false;
}

void atapi_execute(IdeUnit *u)
{
    switch (u->cmd) {
    case ATA_CMD_PACKET:          packet_command(u); break;
    case ATA_CMD_IDENTIFY_PACKET: identify_packet(u); break;
    case ATA_CMD_DEVICE_RESET:
        atapi_set_signature(u);
        break;
    case ATA_CMD_EXECUTE_DIAGNOSTIC:
        atapi_set_signature(u);
        u->tf->select = 0;
        u->intrq = u->index == 0;
        break;
    case ATA_CMD_IDENTIFY:
        /* 8.15: a packet device aborts and leaves its signature. */
        atapi_set_signature(u);
        ata_done(u, ATA_ER_ABRT);
        break;
    case ATA_CMD_CHECK_POWER_MODE:
        u->tf->nsector = 0xff;
        ata_done(u, 0);
        break;
    case ATA_CMD_SET_FEATURES:
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE6:   /* standby/idle/sleep */
        ata_done(u, 0);
        break;
    default:
        LOG(LOG_UNIMP, "atapi: ATA command 0x%02x aborted\n", u->cmd);
        ata_done(u, ATA_ER_ABRT);
        break;
    }
}

void atapi_pio_block_done(IdeUnit *u)
{
    if (u->cmd != ATA_CMD_PACKET) {         /* IDENTIFY PACKET DEVICE's data */
        u->xfer = IDE_XFER_NONE;
        u->status = ATA_SR_DRDY | ATA_SR_DSC;
        return;
    }
    if (u->xfer == IDE_XFER_OUT)
        memcpy(u->packet, u->buf, ATAPI_PACKET_SIZE);
    bool packet = u->xfer == IDE_XFER_OUT;
    u->xfer = IDE_XFER_NONE;
    u->status = ATA_SR_BSY;
    ata_arm(u, packet ? IDE_ACT_PACKET : IDE_ACT_PACKET_BLOCK,
            packet ? ATAPI_CMD_DELAY_NS : ATAPI_BLOCK_DELAY_NS);
}

void atapi_timer_action(IdeUnit *u, IdeAction act)
{
    if (act == IDE_ACT_PACKET)
        execute_packet(u);
    else
        next_block(u);
}

/* ---- Attach and media --------------------------------------------------------------- */
void atapi_attach(IdeUnit *u, BlockBackend *blk)
{
    u->kind = IDE_KIND_CDROM;
    u->blk = blk;
    u->sectors = blk ? blk_size(blk) / ATAPI_SECTOR_SIZE : 0;
    u->tray_open = false;
    u->locked = false;
    u->unit_attention = false;
    u->media_event = MEDIA_EV_NONE;
    u->sense_key = u->asc = u->ascq = 0;
    atapi_set_signature(u);
}

void atapi_change_medium(IdeUnit *u, BlockBackend *blk)
{
    bool had = medium(u);
    u->blk = blk;
    u->sectors = blk ? blk_size(blk) / ATAPI_SECTOR_SIZE : 0;
    u->tray_open = false;
    if (blk) {
        u->unit_attention = true;
        u->media_event = MEDIA_EV_NEW;
    } else if (had) {
        u->media_event = MEDIA_EV_REMOVED;
    }
}
