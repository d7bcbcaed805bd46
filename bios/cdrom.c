/*
 * bios/cdrom.c - the CD-ROM drive in the BIOS: El Torito boot and the
 * INT 13h services of a no-emulation CD drive.
 *
 * Models:      El Torito no-emulation boot: the Boot Record Volume
 *              Descriptor at sector 17 ("CD001", version 1, "EL TORITO
 *              SPECIFICATION", the boot catalog's sector), the catalog's
 *              validation entry (header ID 01h, words summing to 0, key
 *              55h AAh) and initial/default entry (bootable 88h, media type
 *              0 = no emulation, load segment with 0 meaning 07C0h, sector
 *              count in 512-byte units, load RBA); the image is copied to
 *              load segment:0000 and entered there with DL = the CD drive
 *              (E0h, SeaBIOS's first CD number). INT 13h for drive E0h:
 *              AH=00h/01h/0Dh/10h/11h (success / last status), 08h (invalid
 *              for a drive without CHS), 15h (removable with change line),
 *              41h (EDD 1.1: extended access and removable-media functions),
 *              42h (2048-byte sectors), 43h (write protected), 44h/47h
 *              (range check), 45h (lock/unlock: always "unlocked"), 46h
 *              (eject refused), 48h (2048 bytes per sector, no CHS), 49h
 *              (no media change), 4Bh AL=00h/01h (terminate emulation / get
 *              status: the 13h-byte specification packet).
 * Not modeled: floppy and hard-disk emulation boot (media types 1-4: the
 *              boot fails with a message), section entries beyond the
 *              default one, platform IDs other than 80x86 being refused
 *              (they boot the same), INT 13h AH=4Ch/4Dh (initiate disk
 *              emulation and boot, return boot catalog), more than one CD
 *              drive. Like the disks, sectors come from the image directly,
 *              not through the ATAPI drive.
 * Spec:        "El Torito" Bootable CD-ROM Format Specification 1.0 (Phoenix
 *              and IBM, 1995), sections 2 and 5; Phoenix "BIOS Enhanced Disk
 *              Drive Specification" 1.1; Ralf Brown's Interrupt List INT 13h
 *              AH=41h-4Bh.
 */
#include "bios/internal.h"

#define CD_SECTOR 2048u

/* INT 13h status codes used here (RBIL #00234). */
enum {
    CD_OK = 0x00, CD_BAD_CMD = 0x01, CD_WRITE_PROT = 0x03, CD_NOT_FOUND = 0x04,
    CD_READ_ERROR = 0x0c, CD_TIMEOUT = 0x80, CD_EJECT_FAILED = 0xb5,
};

/* ---- El Torito ------------------------------------------------------------------ */

const char *eltorito_parse(BlockBackend *blk, ElTorito *et)
{
    uint8_t s[CD_SECTOR];
    memset(et, 0, sizeof *et);
    if (!blk || blk_read(blk, 17 * CD_SECTOR, s, CD_SECTOR) < 0)
        return "cannot read the boot record volume descriptor";
    static const char spec[] = "EL TORITO SPECIFICATION";
    if (s[0] != 0 || memcmp(s + 1, "CD001", 5) != 0 || s[6] != 1 ||
        memcmp(s + 7, spec, sizeof spec - 1) != 0)
        return "no El Torito boot record";
    et->catalog = s[0x47] | s[0x48] << 8 | s[0x49] << 16 | (uint32_t)s[0x4a] << 24;
    if (blk_read(blk, (uint64_t)et->catalog * CD_SECTOR, s, CD_SECTOR) < 0)
        return "cannot read the boot catalog";
    uint16_t sum = 0;
    for (int i = 0; i < 32; i += 2)
        sum = (uint16_t)(sum + (s[i] | s[i + 1] << 8));
    if (s[0] != 0x01 || s[0x1e] != 0x55 || s[0x1f] != 0xaa || sum != 0)
        return "bad boot catalog validation entry";
    const uint8_t *e = s + 0x20;
    if (e[0] != 0x88)
        return "the default boot entry is not bootable";
    et->platform = s[1];
    et->media = e[1] & 0x0f;
    et->load_seg = (uint16_t)(e[2] | e[3] << 8);
    if (!et->load_seg)
        et->load_seg = 0x07c0;
    et->system_type = e[4];
    et->count = (uint16_t)(e[6] | e[7] << 8);
    et->rba = e[8] | e[9] << 8 | e[10] << 16 | (uint32_t)e[11] << 24;
    if (et->media != 0)
        return "only no-emulation boot images are supported";
    if (!et->count)
        et->count = 1;
    if ((uint32_t)et->load_seg * 16 + et->count * 512u > 0xa0000u || et->load_seg < 0x50)
        return "the boot image does not fit in conventional memory";
    return NULL;
}

/*
 * INT 19h for 'd': load the default boot image. On success DL = the CD
 * drive and either the usual INT 19h stub jumps to 0000:7C00 (load segment
 * 07C0h), or CS:IP already points at the image (other segments).
 */
bool cdrom_boot(Bios *b)
{
    ElTorito et;
    if (!b->cd.present) {
        video_puts(b, "Boot failed: no CD-ROM drive\r\n");
        return false;
    }
    const char *why = b->cd.blk ? eltorito_parse(b->cd.blk, &et) : "no disc in the drive";
    if (why) {
        video_puts(b, "Boot failed: ");
        video_puts(b, why);
        video_puts(b, "\r\n");
        return false;
    }
    uint32_t bytes = et.count * 512u, lin = (uint32_t)et.load_seg * 16;
    uint8_t sec[CD_SECTOR];
    for (uint32_t off = 0; off < bytes; off += CD_SECTOR) {
        uint32_t n = bytes - off < CD_SECTOR ? bytes - off : CD_SECTOR;
        if (blk_read(b->cd.blk, (uint64_t)(et.rba + off / CD_SECTOR) * CD_SECTOR, sec, CD_SECTOR) < 0 ||
            !wr_buf(b, lin + off, sec, n)) {
            video_puts(b, "Boot failed: could not read the boot image\r\n");
            return false;
        }
    }
    set_reg8(b, R8_DL, b->cd_drive);
    if (et.load_seg != 0x07c0) {
        CpuState *cpu = b->cpu;
        cpu_set_seg_real(cpu, SEG_DS, 0);
        cpu_set_seg_real(cpu, SEG_ES, 0);
        cpu_set_seg_real(cpu, SEG_SS, 0);
        cpu->regs[R_ESP] = 0x7c00;
        cpu_set_seg_real(cpu, SEG_CS, et.load_seg);
        cpu->eip = 0;
        cpu_set_eflags(cpu, cpu_get_eflags(cpu) | EFLAGS_IF);
    }
    return true;
}

void cdrom_init(Bios *b, const BiosConfig *cfg)
{
    memset(&b->cd, 0, sizeof b->cd);
    b->cd_drive = 0xe0;
    if (!cfg->cd)
        return;
    b->cd.present = true;
    b->cd.blk = cfg->cd;
    b->cd.sectors = blk_size(cfg->cd) / CD_SECTOR;
}

/* ---- INT 13h ------------------------------------------------------------------------ */

static void cd_status(Bios *b, uint8_t st)
{
    set_bda8(b, BDA_HD_STATUS, st);
    ret_status(b, st);
}

/* AH=42h/44h/47h: DS:SI = Disk Address Packet with 2048-byte blocks. */
static uint8_t cd_transfer(Bios *b, uint8_t ah)
{
    uint32_t dap = seg_lin(b, SEG_DS, reg16(b, R_ESI));
    uint8_t p[0x18];
    memset(p, 0, sizeof p);
    if (!rd_buf(b, dap, p, 0x10) || p[0] < 0x10)
        return CD_BAD_CMD;
    if (p[0] >= 0x18)
        rd_buf(b, dap + 0x10, p + 0x10, 8);
    unsigned count = p[2] | p[3] << 8, done = 0;
    uint16_t off = (uint16_t)(p[4] | p[5] << 8), seg = (uint16_t)(p[6] | p[7] << 8);
    uint64_t lba = 0;
    for (int i = 7; i >= 0; i--)
        lba = lba << 8 | p[8 + i];
    uint32_t lin = (uint32_t)seg * 16 + off;
    if (off == 0xffff && seg == 0xffff && p[0] >= 0x18)
        lin = p[0x10] | p[0x11] << 8 | p[0x12] << 16 | (uint32_t)p[0x13] << 24;
    BiosDisk *d = &b->cd;
    uint8_t st = CD_OK;
    if (!d->blk) {
        st = CD_TIMEOUT;
    } else if (ah != 0x42) {
        st = lba + (ah == 0x47 ? 0 : count) > d->sectors ? CD_NOT_FOUND : CD_OK;
        done = st ? 0 : count;
    } else {
        uint8_t buf[CD_SECTOR];
        for (; done < count; done++, lba++, lin += CD_SECTOR) {
            if (lba >= d->sectors) {
                st = CD_NOT_FOUND;
                break;
            }
            if (blk_read(d->blk, lba * CD_SECTOR, buf, CD_SECTOR) < 0 ||
                !wr_buf(b, lin, buf, CD_SECTOR)) {
                st = CD_READ_ERROR;
                break;
            }
        }
    }
    if (ah != 0x47)
        wr16(b, dap + 2, (uint16_t)done);
    return st;
}

/* AH=48h: drive parameters; 2048-byte sectors, geometry not valid. */
static uint8_t cd_params(Bios *b)
{
    uint32_t lin = seg_lin(b, SEG_DS, reg16(b, R_ESI));
    uint16_t size = rd16(b, lin);
    if (size < 0x1a)
        return CD_BAD_CMD;
    uint8_t r[0x1e];
    memset(r, 0, sizeof r);
    size = size >= 0x1e ? 0x1e : 0x1a;
    r[0] = (uint8_t)size;
    r[2] = 0x74;                      /* removable, change line, lockable, max CHS */
    for (int k = 0; k < 8; k++)
        r[0x10 + k] = (uint8_t)(b->cd.sectors >> (8 * k));
    r[0x18] = (uint8_t)CD_SECTOR;
    r[0x19] = (uint8_t)(CD_SECTOR >> 8);
    if (size >= 0x1e)
        memset(r + 0x1a, 0xff, 4);    /* no device parameter table extension */
    wr_buf(b, lin, r, size);
    return CD_OK;
}

/* AH=4Bh: the El Torito specification packet (13h bytes) at DS:SI. */
static uint8_t cd_emulation_status(Bios *b)
{
    ElTorito et;
    uint8_t al = reg8(b, R8_AL);
    if (al > 0x01)
        return CD_BAD_CMD;
    if (!b->cd.blk || eltorito_parse(b->cd.blk, &et))
        return CD_BAD_CMD;
    uint8_t p[0x13];
    memset(p, 0, sizeof p);
    p[0] = 0x13;
    p[1] = et.media;                  /* 0: no emulation */
    p[2] = b->cd_drive;
    p[3] = 1;                         /* controller: the secondary IDE channel */
    for (int k = 0; k < 4; k++)
        p[4 + k] = (uint8_t)(et.rba >> (8 * k));
    p[8] = 0;                         /* device: master */
    p[0x0c] = (uint8_t)et.load_seg;
    p[0x0d] = (uint8_t)(et.load_seg >> 8);
    p[0x0e] = (uint8_t)et.count;
    p[0x0f] = (uint8_t)(et.count >> 8);
    wr_buf(b, seg_lin(b, SEG_DS, reg16(b, R_ESI)), p, sizeof p);
    return CD_OK;
}

void int13_cdrom(Bios *b)
{
    uint8_t ah = reg8(b, R8_AH), st;
    switch (ah) {
    case 0x00: case 0x0d: case 0x10: case 0x11:
        st = CD_OK;
        break;
    case 0x01:
        st = bda8(b, BDA_HD_STATUS);
        ret_status(b, st);
        return;
    case 0x03: case 0x05: case 0x43:
        st = CD_WRITE_PROT;
        break;
    case 0x15:
        set_reg8(b, R8_AH, 0x02);     /* removable, change line supported */
        set_cf(b, false);
        return;
    case 0x41:
        if (reg16(b, R_EBX) != 0x55aa) {
            st = CD_BAD_CMD;
            break;
        }
        set_reg16(b, R_EBX, 0xaa55);
        set_reg16(b, R_ECX, 0x0003);  /* extended access, removable media */
        set_reg8(b, R8_AH, 0x21);     /* EDD 1.1 */
        set_cf(b, false);
        return;
    case 0x42: case 0x44: case 0x47:
        st = cd_transfer(b, ah);
        break;
    case 0x45:                        /* lock/unlock/status: never locked */
        set_reg8(b, R8_AL, 0);
        st = CD_OK;
        break;
    case 0x46:
        st = CD_EJECT_FAILED;
        break;
    case 0x48:
        st = cd_params(b);
        break;
    case 0x49:                        /* extended media change: not changed */
        st = CD_OK;
        break;
    case 0x4b:
        st = cd_emulation_status(b);
        break;
    default:                          /* CHS functions (02h, 04h, 08h, ...) */
        st = CD_BAD_CMD;
        break;
    }
    cd_status(b, st);
}
