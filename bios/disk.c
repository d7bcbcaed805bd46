/*
 * bios/disk.c - INT 13h diskette and fixed-disk services (CHS functions),
 * disk geometry, and the parameter tables behind INT 1Eh, 41h and 46h.
 *
 * Models:      AH=00h-05h, 08h-0Dh, 10h-18h for diskettes and hard disks,
 *              status bytes at 40:41 (diskette) and 40:74 (fixed disk),
 *              change-line reporting after bios_floppy_change(); for hard
 *              disks the extensions 41h-44h, 47h, 48h (v1 0x1A / v2 0x1E
 *              result). Sectors are read from and written to the
 *              BlockBackends directly (see the essay in bios/bios.c).
 * Not modeled: DMA 64 KiB boundary errors (AH=09h), read/write long,
 *              EDD 45h/46h/49h/4Eh and 3.0 device paths, extensions on
 *              diskettes, controller diagnostics (they succeed), formatting
 *              of hard disks (succeeds without touching data), ESDI/XT
 *              functions.
 * Spec:        IBM PC/AT Technical Reference, DISKETTE and FIXED DISK BIOS
 *              listings; Ralf Brown's Interrupt List, INT 13h and its table
 *              of status codes (#00234); Phoenix "BIOS Enhanced Disk Drive
 *              Specification" version 1.1.
 */
#include "bios/internal.h"

/* INT 13h status codes (RBIL #00234). */
enum {
    DISK_OK = 0x00, DISK_BAD_CMD = 0x01, DISK_WRITE_PROT = 0x03,
    DISK_NOT_FOUND = 0x04, DISK_CHANGED = 0x06, DISK_BAD_MEDIA = 0x0c,
    DISK_SEEK_FAIL = 0x40, DISK_TIMEOUT = 0x80, DISK_UNDEFINED = 0xbb,
};

/* ---- Geometry --------------------------------------------------------------- */

typedef struct FloppyFormat {
    uint32_t kb;
    uint8_t cyls, heads, spt;
    uint8_t type;             /* INT 13h AH=08h BL drive type */
    uint16_t dpt;
} FloppyFormat;

static const FloppyFormat floppy_formats[] = {
    { 160, 40, 1, 8, 1, ROM_DPT_360 },
    { 180, 40, 1, 9, 1, ROM_DPT_360 },
    { 320, 40, 2, 8, 1, ROM_DPT_360 },
    { 360, 40, 2, 9, 1, ROM_DPT_360 },
    { 720, 80, 2, 9, 3, ROM_DPT_720 },
    { 1200, 80, 2, 15, 2, ROM_DPT_1200 },
    { 1440, 80, 2, 18, 4, ROM_DPT_1440 },
    { 2880, 80, 2, 36, 6, ROM_DPT_2880 },
};

static const FloppyFormat *floppy_format(uint64_t bytes)
{
    for (size_t i = 0; i < ARRAY_SIZE(floppy_formats); i++)
        if ((uint64_t)floppy_formats[i].kb * 1024 == bytes)
            return &floppy_formats[i];
    return NULL;
}

bool bios_floppy_size_ok(uint64_t bytes)
{
    return floppy_format(bytes) != NULL;
}

bool disk_geometry_floppy(BiosDisk *d, BlockBackend *blk)
{
    const FloppyFormat *f = floppy_format(blk_size(blk));
    if (!f)
        return false;
    d->blk = blk;
    d->cyls = f->cyls;
    d->heads = f->heads;
    d->spt = f->spt;
    d->sectors = (uint64_t)f->kb * 2;
    d->type = f->type;
    d->dpt = f->dpt;
    return true;
}

/*
 * Hard disk CHS geometry: 16 heads x 63 sectors x (sectors / 1008)
 * cylinders, capped at 1024 cylinders. When the MBR holds a partition whose
 * end CHS agrees with its LBA extent under some other heads/sectors pair,
 * that pair wins (images partitioned elsewhere keep working), as QEMU's
 * geometry guess does.
 */
static bool mbr_geometry(BlockBackend *blk, uint32_t *heads, uint32_t *spt)
{
    uint8_t mbr[512];
    if (blk_size(blk) < 512 || blk_read(blk, 0, mbr, 512) < 0)
        return false;
    if (mbr[510] != 0x55 || mbr[511] != 0xaa)
        return false;
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = mbr + 446 + 16 * i;
        if (e[4] == 0)
            continue;
        uint32_t h = e[5] + 1u, s = e[6] & 63u;
        uint32_t c = e[7] | (uint32_t)(e[6] & 0xc0) << 2;
        uint32_t start = e[8] | e[9] << 8 | e[10] << 16 | (uint32_t)e[11] << 24;
        uint32_t len = e[12] | e[13] << 8 | e[14] << 16 | (uint32_t)e[15] << 24;
        if (s == 0 || len == 0)
            continue;
        if (c >= 1023) {
            if (s != 63)
                continue;
        } else if ((uint64_t)(c * h + e[5]) * s + s - 1 != (uint64_t)start + len - 1) {
            continue;
        }
        *heads = h;
        *spt = s;
        return true;
    }
    return false;
}

static void disk_geometry_hd(BiosDisk *d, BlockBackend *blk)
{
    d->blk = blk;
    d->present = true;
    d->sectors = blk_size(blk) / 512;
    d->heads = 16;
    d->spt = 63;
    mbr_geometry(blk, &d->heads, &d->spt);
    uint64_t cyls = d->sectors / (d->heads * d->spt);
    d->cyls = cyls > 1024 ? 1024 : cyls ? (uint32_t)cyls : 1;
}

void disk_init(Bios *b, const BiosConfig *cfg)
{
    for (int i = 0; i < 2; i++) {
        if (cfg->fd[i]) {
            b->fd[i].present = true;
            disk_geometry_floppy(&b->fd[i], cfg->fd[i]);
            b->nfd = i + 1;
        }
        if (cfg->hd[i]) {
            disk_geometry_hd(&b->hd[i], cfg->hd[i]);
            b->nhd = i + 1;
        }
    }
    cdrom_init(b, cfg);
}

/* IBM AT fixed disk parameter table (16 bytes), INT 41h/46h. */
void disk_fdpt(const BiosDisk *d, uint8_t *t)
{
    memset(t, 0, 16);
    t[0] = (uint8_t)d->cyls;
    t[1] = (uint8_t)(d->cyls >> 8);
    t[2] = (uint8_t)d->heads;
    t[5] = 0xff;                      /* write precompensation: none */
    t[6] = 0xff;
    t[8] = d->heads > 8 ? 0x08 : 0;   /* control byte: more than 8 heads */
    t[12] = (uint8_t)d->cyls;         /* landing zone */
    t[13] = (uint8_t)(d->cyls >> 8);
    t[14] = (uint8_t)d->spt;
}

/* ---- Transfers ------------------------------------------------------------- */

/*
 * Move 'count' sectors between the image (from 'lba') and guest linear
 * memory at 'lin', 512 bytes at a time. *done gets the sectors moved.
 * Returns an INT 13h status.
 */
int disk_rw(Bios *b, BiosDisk *d, uint64_t lba, unsigned count, uint32_t lin,
            bool write, unsigned *done)
{
    uint8_t buf[512];
    *done = 0;
    if (!d->blk)
        return DISK_TIMEOUT;
    if (write && blk_read_only(d->blk))
        return DISK_WRITE_PROT;
    for (unsigned i = 0; i < count; i++, lba++, lin += 512) {
        if (lba >= d->sectors)
            return DISK_NOT_FOUND;
        if (write) {
            if (!rd_buf(b, lin, buf, 512))
                return DISK_UNDEFINED;
            if (blk_write(d->blk, lba * 512, buf, 512) < 0)
                return DISK_UNDEFINED;
        } else {
            if (blk_read(d->blk, lba * 512, buf, 512) < 0)
                return DISK_UNDEFINED;
            if (!wr_buf(b, lin, buf, 512))
                return DISK_UNDEFINED;
        }
        (*done)++;
    }
    return DISK_OK;
}

/* The CHS address in CX/DH, checked against d; returns a status. */
static int chs_lba(Bios *b, const BiosDisk *d, uint64_t *lba)
{
    uint32_t cl = reg8(b, R8_CL);
    uint32_t cyl = reg8(b, R8_CH) | (cl & 0xc0) << 2;
    uint32_t sec = cl & 0x3f, head = reg8(b, R8_DH);
    if (sec == 0 || sec > d->spt || head >= d->heads || cyl >= d->cyls)
        return DISK_NOT_FOUND;
    *lba = ((uint64_t)cyl * d->heads + head) * d->spt + sec - 1;
    return DISK_OK;
}

/* AH=02h read, 03h write, 04h verify: AL sectors at CHS to ES:BX. */
static int chs_transfer(Bios *b, BiosDisk *d, bool floppy, uint8_t ah)
{
    unsigned count = reg8(b, R8_AL), done = 0, n;
    uint64_t lba;
    set_reg8(b, R8_AL, 0);
    if (!d->blk)
        return DISK_TIMEOUT;
    if (count == 0)
        return DISK_BAD_CMD;
    int st = chs_lba(b, d, &lba);
    if (st)
        return st;
    /* Diskettes: the controller's multi-track mode runs to the end of the
     * cylinder and no further (PC/AT listing, "DISK_IO ... MT bit"); hard
     * disks run on through the image like a translating BIOS. */
    uint64_t limit = floppy ? (lba / (d->heads * d->spt) + 1) * d->heads * d->spt
                            : d->sectors;
    n = lba + count > limit ? (unsigned)(limit - lba) : count;
    if (ah == 0x04) {
        done = n;
        st = lba + n > d->sectors ? DISK_NOT_FOUND : DISK_OK;
    } else {
        st = disk_rw(b, d, lba, n, seg_lin(b, SEG_ES, reg16(b, R_EBX)), ah == 0x03, &done);
    }
    set_reg8(b, R8_AL, (uint8_t)done);
    if (!st && n < count)
        st = DISK_NOT_FOUND;
    return st;
}

/* AH=05h on a diskette: ES:BX = AL address fields (C, H, R, N). */
static int floppy_format_track(Bios *b, BiosDisk *d)
{
    uint8_t fill[512];
    if (!d->blk)
        return DISK_TIMEOUT;
    if (blk_read_only(d->blk))
        return DISK_WRITE_PROT;
    memset(fill, b->rom[d->dpt + 8], sizeof fill);
    uint32_t lin = seg_lin(b, SEG_ES, reg16(b, R_EBX));
    for (unsigned i = 0; i < reg8(b, R8_AL); i++) {
        uint8_t f[4];
        if (!rd_buf(b, lin + 4 * i, f, 4))
            return DISK_UNDEFINED;
        if (f[0] >= d->cyls || f[1] >= d->heads || f[2] == 0 || f[2] > d->spt)
            return DISK_NOT_FOUND;
        uint64_t lba = ((uint64_t)f[0] * d->heads + f[1]) * d->spt + f[2] - 1;
        if (blk_write(d->blk, lba * 512, fill, 512) < 0)
            return DISK_UNDEFINED;
    }
    return DISK_OK;
}

/* AH=08h: CX = max cylinder (10 bits) / max sector, DH = max head. */
static void report_geometry(Bios *b, const BiosDisk *d, uint8_t count)
{
    uint32_t maxc = d->cyls - 1;
    set_reg8(b, R8_CH, (uint8_t)maxc);
    set_reg8(b, R8_CL, (uint8_t)(d->spt | (maxc >> 8 & 3) << 6));
    set_reg8(b, R8_DH, (uint8_t)(d->heads - 1));
    set_reg8(b, R8_DL, count);
    set_reg8(b, R8_AL, 0);
}

/* ---- Extensions (AH=41h-48h) ------------------------------------------------
 * Phoenix "BIOS Enhanced Disk Drive Specification" 1.1; RBIL #00272 (Disk
 * Address Packet) and #00273 (drive parameters). Version 2.1 = EDD 1.1,
 * subset 1 (extended disk access); a 0x18-byte packet with buffer FFFF:FFFF
 * carries a 64-bit flat address. */

enum { EDD_OK = 0x00, EDD_BAD_CMD = 0x01, EDD_NOT_FOUND = 0x04 };

static void edd_status(Bios *b, uint8_t st)
{
    set_bda8(b, BDA_HD_STATUS, st);
    ret_status(b, st);
}

/* AH=42h/43h/44h/47h: DS:SI = Disk Address Packet. */
static void edd_transfer(Bios *b, BiosDisk *d, uint8_t ah)
{
    uint32_t dap = seg_lin(b, SEG_DS, reg16(b, R_ESI));
    uint8_t p[0x18];
    memset(p, 0, sizeof p);
    if (!rd_buf(b, dap, p, 0x10) || p[0] < 0x10) {
        edd_status(b, EDD_BAD_CMD);
        return;
    }
    if (p[0] >= 0x18)
        rd_buf(b, dap + 0x10, p + 0x10, 8);
    unsigned count = p[2] | p[3] << 8;
    uint16_t off = (uint16_t)(p[4] | p[5] << 8), seg = (uint16_t)(p[6] | p[7] << 8);
    uint64_t lba = 0;
    for (int i = 7; i >= 0; i--)
        lba = lba << 8 | p[8 + i];
    uint32_t lin = (uint32_t)seg * 16 + off;
    if (off == 0xffff && seg == 0xffff && p[0] >= 0x18)
        lin = p[0x10] | p[0x11] << 8 | p[0x12] << 16 | (uint32_t)p[0x13] << 24;

    unsigned done = 0;
    int st = EDD_OK;
    if (lba >= d->sectors || count > d->sectors - lba) {
        st = EDD_NOT_FOUND;
        unsigned avail = lba < d->sectors ? (unsigned)(d->sectors - lba) : 0;
        if (ah == 0x42 || ah == 0x43)
            disk_rw(b, d, lba, avail, lin, ah == 0x43, &done);
    } else if (ah == 0x42 || ah == 0x43) {
        st = disk_rw(b, d, lba, count, lin, ah == 0x43, &done);
    } else {
        done = ah == 0x44 ? count : 0;   /* verify / seek: range check only */
    }
    if (ah != 0x47)
        wr16(b, dap + 2, (uint16_t)done);
    edd_status(b, (uint8_t)st);
}

/* AH=48h: DS:SI = result buffer, its first word the caller's buffer size. */
static void edd_params(Bios *b, BiosDisk *d)
{
    uint32_t lin = seg_lin(b, SEG_DS, reg16(b, R_ESI));
    uint16_t size = rd16(b, lin);
    if (size < 0x1a) {
        edd_status(b, EDD_BAD_CMD);
        return;
    }
    uint8_t r[0x1e];
    memset(r, 0, sizeof r);
    size = size >= 0x1e ? 0x1e : 0x1a;
    r[0] = (uint8_t)size;
    r[2] = 0x02;                      /* flags: CHS information valid */
    uint32_t chs[3] = { d->cyls, d->heads, d->spt };
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 4; k++)
            r[4 + 4 * i + k] = (uint8_t)(chs[i] >> (8 * k));
    for (int k = 0; k < 8; k++)
        r[0x10 + k] = (uint8_t)(d->sectors >> (8 * k));
    r[0x18] = 0x00;                   /* 512 bytes per sector */
    r[0x19] = 0x02;
    if (size >= 0x1e)
        memset(r + 0x1a, 0xff, 4);    /* no device parameter table extension */
    wr_buf(b, lin, r, size);
    edd_status(b, EDD_OK);
}

static void int13_edd(Bios *b, BiosDisk *d)
{
    uint8_t ah = reg8(b, R8_AH);
    switch (ah) {
    case 0x41:
        if (reg16(b, R_EBX) != 0x55aa) {
            edd_status(b, EDD_BAD_CMD);
            return;
        }
        set_reg16(b, R_EBX, 0xaa55);
        set_reg16(b, R_ECX, 0x0001);  /* extended disk access functions */
        set_reg8(b, R8_AH, 0x21);     /* EDD 1.1 */
        set_cf(b, false);
        return;
    case 0x42: case 0x43: case 0x44: case 0x47:
        edd_transfer(b, d, ah);
        return;
    case 0x48:
        edd_params(b, d);
        return;
    default:
        edd_status(b, EDD_BAD_CMD);
    }
}

/* ---- INT 13h -------------------------------------------------------------- */

static int floppy_service(Bios *b, BiosDisk *d, uint8_t ah)
{
    switch (ah) {
    case 0x00:                        /* reset */
        set_bda8(b, BDA_FD_RECAL, 0);
        return DISK_OK;
    case 0x02: case 0x03: case 0x04:
        return chs_transfer(b, d, true, ah);
    case 0x05:
        return floppy_format_track(b, d);
    case 0x08: {
        BiosDisk dflt = { .cyls = 80, .heads = 2, .spt = 18, .type = 4, .dpt = ROM_DPT_1440 };
        const BiosDisk *g = d->blk ? d : &dflt;
        report_geometry(b, g, (uint8_t)b->nfd);
        set_reg8(b, R8_BL, g->type);
        set_reg8(b, R8_BH, 0);
        cpu_set_seg_real(b->cpu, SEG_ES, BIOS_SEG);
        set_reg16(b, R_EDI, g->dpt);
        return DISK_OK;
    }
    case 0x16:                        /* change line status */
        if (!d->blk)
            return DISK_TIMEOUT;
        if (d->changed) {
            d->changed = false;
            return DISK_CHANGED;
        }
        return DISK_OK;
    case 0x17:                        /* set DASD type for format */
        return DISK_OK;
    case 0x18: {                      /* set media type for format */
        if (!d->blk)
            return DISK_TIMEOUT;
        uint32_t maxc = reg8(b, R8_CH) | (reg8(b, R8_CL) & 0xc0u) << 2;
        if (maxc != d->cyls - 1 || (reg8(b, R8_CL) & 0x3fu) != d->spt)
            return DISK_BAD_MEDIA;
        cpu_set_seg_real(b->cpu, SEG_ES, BIOS_SEG);
        set_reg16(b, R_EDI, d->dpt);
        return DISK_OK;
    }
    default:
        return DISK_BAD_CMD;
    }
}

static int hd_service(Bios *b, BiosDisk *d, uint8_t ah)
{
    uint64_t lba;
    switch (ah) {
    case 0x00:                        /* reset (diskettes too) */
        set_bda8(b, BDA_FD_RECAL, 0);
        return DISK_OK;
    case 0x02: case 0x03: case 0x04:
        return chs_transfer(b, d, false, ah);
    case 0x08:
        report_geometry(b, d, (uint8_t)b->nhd);
        return DISK_OK;
    case 0x0c:                        /* seek */
        return chs_lba(b, d, &lba) ? DISK_SEEK_FAIL : DISK_OK;
    case 0x05: case 0x09: case 0x0d: case 0x10: case 0x11: case 0x12:
    case 0x13: case 0x14:
        return DISK_OK;               /* format, init, resets, diagnostics */
    case 0x41: case 0x42: case 0x43: case 0x44: case 0x47: case 0x48:
        int13_edd(b, d);
        return -1;                    /* edd.c set AH/CF and the status */
    default:
        return DISK_BAD_CMD;
    }
}

void int13_service(Bios *b)
{
    uint8_t ah = reg8(b, R8_AH), drive = reg8(b, R8_DL);
    if (b->cd.present && drive == b->cd_drive) {
        int13_cdrom(b);               /* bios/cdrom.c */
        return;
    }
    bool floppy = drive < 0x80;
    unsigned status_off = floppy ? BDA_FD_STATUS : BDA_HD_STATUS;
    BiosDisk *d = NULL;
    if (floppy && drive < 2 && b->fd[drive].present)
        d = &b->fd[drive];
    else if (!floppy && drive < 0x82 && b->hd[drive - 0x80].present)
        d = &b->hd[drive - 0x80];

    if (ah == 0x01) {                 /* status of the last operation */
        uint8_t st = bda8(b, status_off);
        ret_status(b, st);
        return;
    }
    if (ah == 0x15) {                 /* drive type */
        set_cf(b, false);
        if (!d) {
            set_reg8(b, R8_AH, 0);    /* no such drive */
        } else if (floppy) {
            set_reg8(b, R8_AH, 2);    /* diskette with change line */
        } else {
            uint32_t n = d->cyls * d->heads * d->spt;
            set_reg8(b, R8_AH, 3);
            set_reg16(b, R_ECX, (uint16_t)(n >> 16));
            set_reg16(b, R_EDX, (uint16_t)n);
        }
        return;
    }
    int st;
    if (!d)
        st = floppy && ah == 0x00 ? DISK_OK : DISK_BAD_CMD;
    else if (floppy)
        st = floppy_service(b, d, ah);
    else
        st = hd_service(b, d, ah);
    if (st < 0)
        return;
    set_bda8(b, status_off, (uint8_t)st);
    ret_status(b, (uint8_t)st);
}
