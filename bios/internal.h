/*
 * bios/internal.h - what the BIOS service files share: the Bios struct, the
 * service numbers of the 0F FF nn stubs, the ROM layout, the BIOS data area
 * offsets, and small helpers for registers, flags, guest memory and ports.
 *
 * Models:      nothing by itself; see bios/bios.c for the design essay.
 * Not modeled: -
 * Spec:        BDA offsets: IBM PC/AT Technical Reference and Ralf Brown's
 *              MEMORY.LST ("Format of BIOS Data Segment at segment 40h").
 */
#ifndef BIOS_INTERNAL_H
#define BIOS_INTERNAL_H

#include "bios/bios.h"
#include "memory/bus.h"

/* ---- Service numbers: the nn of "0F FF nn" in the ROM stubs -------------- */
enum {
    SVC_INT08 = 0x08,       /* IRQ0 timer tick */
    SVC_INT09 = 0x09,       /* IRQ1 keyboard byte in AL */
    SVC_INT0E = 0x0e,       /* IRQ6 diskette */
    SVC_INT10 = 0x10, SVC_INT11 = 0x11, SVC_INT12 = 0x12, SVC_INT13 = 0x13,
    SVC_INT14 = 0x14, SVC_INT15 = 0x15, SVC_INT16 = 0x16, SVC_INT17 = 0x17,
    SVC_INT18 = 0x18, SVC_INT19 = 0x19, SVC_INT1A = 0x1a,
    SVC_INT70 = 0x70,       /* IRQ8 RTC */
    SVC_INT74 = 0x74,       /* IRQ12 PS/2 mouse */
    SVC_INT76 = 0x76,       /* IRQ14 hard disk */
    SVC_POST_ENTRY = 0xe0,  /* shutdown-code check at reset */
    SVC_POST = 0xe1,        /* the power-on self test (EDX = CPUID.1 EDX) */
    SVC_WAIT_POLL = 0xf1,   /* INT 15h AH=86h: still waiting? */
    SVC_PAUSE_POLL = 0xf2,  /* INT 09h: still paused? */
    SVC_IRQ_OTHER = 0xf3,   /* unexpected IRQ (AL = IRQ number) */
    SVC_SERIAL_POLL = 0xf4, /* INT 14h AH=01h/02h: UART ready yet? */
    SVC_MOUSE_POLL = 0xf5,  /* INT 15h AH=C2h: collect the mouse's answer */
};

/* ---- ROM layout (offsets in segment F000) --------------------------------
 * Entry points and tables sit at the offsets of the IBM PC/AT BIOS where one
 * exists, because some programs use them directly; the bodies of the stubs
 * live in the free area from ROM_STUBS on. */
enum {
    ROM_SIZE = 0x10000,
    ROM_FONT16 = 0x0100,        /* 8x16 font, 256 chars (offset 0 would read as "null") */
    ROM_FONT14 = 0x1100,        /* 8x14 font, 256 chars */
    ROM_FONT8 = 0x1f00,         /* 8x8 font, 256 chars (upper half = INT 1Fh) */
    ROM_FONT_ALT = 0x2700,      /* empty 9x14/9x16 alternate tables */
    ROM_DPT_360 = 0x2710,       /* diskette parameter tables per media */
    ROM_DPT_1200 = 0x2720,
    ROM_DPT_720 = 0x2730,
    ROM_DPT_1440 = 0x2740,
    ROM_DPT_2880 = 0x2750,
    ROM_VIDEO_STATIC = 0x2760,  /* INT 10h AH=1Bh static functionality table */
    ROM_VIDEO_SAVEPTR = 0x2780, /* 40:A8 video save pointer table */
    ROM_VIDEO_PARMS = 0x27c0,   /* VGA mode parameter records (29 x 64 bytes) */
    ROM_STUBS = 0x3000,         /* stub bodies, allocated upwards */
    ROM_POST = 0xe05b,
    ROM_NMI = 0xe2c3,
    ROM_FDPT = 0xe401,          /* fixed disk parameter tables, 80h and 81h */
    ROM_INT19 = 0xe6f2,
    ROM_CONFIG = 0xe6f5,        /* INT 15h AH=C0h system configuration */
    ROM_INT14 = 0xe739,
    ROM_INT16 = 0xe82e,
    ROM_INT09 = 0xe987,
    ROM_INT13 = 0xec59,
    ROM_INT0E = 0xef57,
    ROM_DPT = 0xefc7,           /* INT 1Eh diskette parameter table */
    ROM_INT17 = 0xefd2,
    ROM_INT10 = 0xf065,
    ROM_VPT = 0xf0a4,           /* INT 1Dh video (6845) parameter table */
    ROM_INT12 = 0xf841,
    ROM_INT11 = 0xf84d,
    ROM_INT15 = 0xf859,
    ROM_FONT8_LOW = 0xfa6e,     /* 8x8 font chars 00h-7Fh */
    ROM_INT1A = 0xfe6e,
    ROM_INT08 = 0xfea5,
    ROM_IRET = 0xff53,          /* dummy interrupt handler */
    ROM_INT05 = 0xff54,         /* print screen */
    ROM_RESET = 0xfff0,
    ROM_DATE = 0xfff5,
    ROM_MODEL = 0xfffe,
};

#define BIOS_SEG 0xf000u
#define BDA_LIN 0x400u
#define EBDA_SEG 0x9fc0u
#define EBDA_KB 1u

/* ---- BIOS data area offsets (segment 40h) -------------------------------- */
enum {
    BDA_COM = 0x00, BDA_LPT = 0x08, BDA_EBDA = 0x0e, BDA_EQUIP = 0x10,
    BDA_MEM_KB = 0x13, BDA_KB_FLAGS0 = 0x17, BDA_KB_FLAGS1 = 0x18,
    BDA_ALT_NUMPAD = 0x19, BDA_KB_HEAD = 0x1a, BDA_KB_TAIL = 0x1c,
    BDA_KB_BUF = 0x1e, BDA_FD_RECAL = 0x3e, BDA_FD_MOTOR = 0x3f,
    BDA_FD_MOTOR_COUNT = 0x40, BDA_FD_STATUS = 0x41,
    BDA_VMODE = 0x49, BDA_VCOLS = 0x4a, BDA_VPAGE_SIZE = 0x4c,
    BDA_VPAGE_START = 0x4e, BDA_VCURSOR = 0x50, BDA_VCURSOR_SHAPE = 0x60,
    BDA_VPAGE = 0x62, BDA_CRTC_BASE = 0x63, BDA_VMODE_SEL = 0x65,
    BDA_VPALETTE = 0x66, BDA_RESET_PTR = 0x67, BDA_LAST_IRQ = 0x6b,
    BDA_TICKS = 0x6c, BDA_MIDNIGHT = 0x70, BDA_BREAK = 0x71,
    BDA_RESET_FLAG = 0x72, BDA_HD_STATUS = 0x74, BDA_HD_COUNT = 0x75,
    BDA_HD_CONTROL = 0x76, BDA_LPT_TIMEOUT = 0x78, BDA_COM_TIMEOUT = 0x7c,
    BDA_KB_START = 0x80, BDA_KB_END = 0x82, BDA_VROWS = 0x84,
    BDA_VCHAR_HEIGHT = 0x85, BDA_VEGA_MISC = 0x87, BDA_VEGA_SWITCH = 0x88,
    BDA_VGA_FLAGS = 0x89, BDA_VDCC = 0x8a, BDA_FD_RATE = 0x8b,
    BDA_HD_INT = 0x8e, BDA_FD_INFO = 0x8f, BDA_FD_MEDIA = 0x90,
    BDA_KB_FLAGS3 = 0x96, BDA_KB_LEDS = 0x97, BDA_WAIT_PTR = 0x98,
    BDA_WAIT_US = 0x9c, BDA_WAIT_ACTIVE = 0xa0, BDA_VSAVE_PTR = 0xa8,
};

/* EBDA offsets (IBM PS/2 layout) used by the mouse services. */
enum {
    EBDA_MOUSE_HANDLER = 0x22,  /* far pointer */
    EBDA_MOUSE_FLAGS1 = 0x26,   /* bits 0-2: bytes received of the packet */
    EBDA_MOUSE_FLAGS2 = 0x27,   /* bit 7 handler set, bit 6 enabled, 0-2 size-1 */
    EBDA_MOUSE_PACKET = 0x28,   /* 8 bytes */
    EBDA_WAIT_DEADLINE = 0x30,  /* INT 15h AH=86h: start tick, ticks to wait */
    EBDA_SERIAL_START = 0x38,   /* INT 14h: tick count when the wait began */
    EBDA_MOUSE_WANT = 0x3c,     /* INT 15h C2h: answer bytes expected */
    EBDA_MOUSE_GOT = 0x3d,      /*   ... received so far */
    EBDA_MOUSE_FN = 0x3e,       /*   ... the AL subfunction */
    EBDA_MOUSE_POLLS = 0x40,    /*   ... polls left before a timeout (dword) */
    EBDA_MOUSE_ANSWER = 0x44,   /*   ... the bytes (up to 8) */
};

/* 8-bit register numbers for cpu_reg8/cpu_set_reg8 (x86 encoding). */
enum { R8_AL, R8_CL, R8_DL, R8_BL, R8_AH, R8_CH, R8_DH, R8_BH };

/* ---- The BIOS ------------------------------------------------------------- */

typedef struct BiosDisk {
    bool present;             /* the drive exists */
    BlockBackend *blk;        /* NULL: no medium */
    uint32_t cyls, heads, spt;
    uint64_t sectors;         /* real size in 512-byte sectors */
    uint8_t type;             /* diskette: INT 13h AH=08h drive type */
    uint16_t dpt;             /* diskette: ROM offset of its parameter table */
    bool changed;             /* diskette: report "changed" once (AH=16h) */
} BiosDisk;

struct Bios {
    /* Nothing here is guest state: the BIOS keeps all of that in guest
     * memory (IVT, BDA, EBDA), so the device's state table is empty. */
    Machine *m;
    CpuState *cpu;
    AddrSpace *mem, *io;
    uint32_t ram_size;
    BiosDisk fd[2], hd[2];
    int nfd, nhd;
    BiosDisk cd;              /* CD-ROM drive (sectors in 2048-byte units) */
    uint8_t cd_drive;         /* its INT 13h drive number (E0h) */
    char boot_order[8];
    uint8_t *rom;             /* ROM_SIZE bytes, mapped twice */
    uint8_t frame;            /* current call: SP offset of the caller's FLAGS, 0 none */
    uint32_t stub_free;       /* ROM builder: next free stub offset */
    uint16_t vec[256];        /* IVT targets F000:vec[n] (0 = 0000:0000), for POST */
    struct BootImage *boot;   /* -kernel: booted by INT 19h instead of a disk */
};

/* ---- Helpers (bios/bios.c) ------------------------------------------------- */

/* Guest linear memory through the CPU (works from V86 mode with paging).
 * The buffer forms return false if a page is not present. */
uint8_t rd8(Bios *b, uint32_t lin);
uint16_t rd16(Bios *b, uint32_t lin);
uint32_t rd32(Bios *b, uint32_t lin);
void wr8(Bios *b, uint32_t lin, uint8_t v);
void wr16(Bios *b, uint32_t lin, uint16_t v);
void wr32(Bios *b, uint32_t lin, uint32_t v);
bool rd_buf(Bios *b, uint32_t lin, void *buf, size_t len);
bool wr_buf(Bios *b, uint32_t lin, const void *buf, size_t len);

static inline uint8_t bda8(Bios *b, unsigned off) { return rd8(b, BDA_LIN + off); }
static inline uint16_t bda16(Bios *b, unsigned off) { return rd16(b, BDA_LIN + off); }
static inline uint32_t bda32(Bios *b, unsigned off) { return rd32(b, BDA_LIN + off); }
static inline void set_bda8(Bios *b, unsigned off, uint8_t v) { wr8(b, BDA_LIN + off, v); }
static inline void set_bda16(Bios *b, unsigned off, uint16_t v) { wr16(b, BDA_LIN + off, v); }
static inline void set_bda32(Bios *b, unsigned off, uint32_t v) { wr32(b, BDA_LIN + off, v); }
uint32_t ebda_lin(Bios *b);

/* seg:off of the caller's registers, as a linear address. */
static inline uint32_t seg_lin(Bios *b, int seg, uint32_t off)
{
    return b->cpu->seg[seg].base + off;
}

static inline uint8_t reg8(Bios *b, int r) { return cpu_reg8(b->cpu, r); }
static inline void set_reg8(Bios *b, int r, uint8_t v) { cpu_set_reg8(b->cpu, r, v); }
static inline uint16_t reg16(Bios *b, int r) { return cpu_reg16(b->cpu, r); }
static inline void set_reg16(Bios *b, int r, uint16_t v) { cpu_set_reg16(b->cpu, r, v); }

/* Result flags: written to the caller's FLAGS image on the stack (so the
 * stub's IRET returns them) and to the live EFLAGS. */
void set_cf(Bios *b, bool on);
void set_zf(Bios *b, bool on);
/* Only the live ZF: tells the stub to loop/branch (not seen by the caller). */
void set_live_zf(Bios *b, bool on);
void set_live_cf(Bios *b, bool on);
/* AH = status, CF = (status != 0). */
void ret_status(Bios *b, uint8_t status);

uint8_t inb(Bios *b, uint16_t port);
void outb(Bios *b, uint16_t port, uint8_t v);

uint8_t bcd_to_bin(uint8_t v);
uint8_t bin_to_bcd(unsigned v);

/* ---- Services, one file each ------------------------------------------------ */
/* rom.c */
void rom_build(Bios *b);
/* post.c */
void post_entry(Bios *b);
void post_main(Bios *b);
void irq_other(Bios *b);
void int0e_irq6(Bios *b);
void int76_irq14(Bios *b);
/* video.c, vgaregs.c */
void int10_service(Bios *b);
void video_set_mode(Bios *b, uint8_t mode);
void video_putc(Bios *b, uint8_t ch);
void video_puts(Bios *b, const char *s);
void vga_put_parm_table(uint8_t *table);
const uint8_t *vga_mode_parms(Bios *b, uint8_t mode);
void vga_program_mode(Bios *b, const uint8_t *parms, bool mono);
void vga_load_font(Bios *b, const uint8_t *glyphs, int height, int first, int count, int block);
void vga_set_char_height(Bios *b, int height);
void int10_palette(Bios *b);
void int10_font(Bios *b);
uint16_t crtc_base(Bios *b);
void crtc_write(Bios *b, uint8_t idx, uint8_t v);
uint8_t crtc_read(Bios *b, uint8_t idx);
void video_cursor_shape(Bios *b, uint16_t cx);
/* disk.c */
void disk_init(Bios *b, const BiosConfig *cfg);
bool disk_geometry_floppy(BiosDisk *d, BlockBackend *blk);
void int13_service(Bios *b);
int disk_rw(Bios *b, BiosDisk *d, uint64_t lba, unsigned count, uint32_t lin,
            bool write, unsigned *done);
void disk_fdpt(const BiosDisk *d, uint8_t *out16);
/* cdrom.c: El Torito boot and INT 13h for the CD drive */
typedef struct ElTorito {
    uint32_t catalog;         /* boot catalog sector */
    uint8_t platform;         /* validation entry platform ID (0 = 80x86) */
    uint8_t media;            /* default entry media type (0 = no emulation) */
    uint16_t load_seg;        /* 0 in the catalog means 07C0h */
    uint8_t system_type;
    uint16_t count;           /* 512-byte sectors to load */
    uint32_t rba;             /* first 2048-byte sector of the image */
} ElTorito;
/* Parse the boot record and catalog; NULL, or why the disc cannot boot. */
const char *eltorito_parse(BlockBackend *blk, ElTorito *et);
void cdrom_init(Bios *b, const BiosConfig *cfg);
bool cdrom_boot(Bios *b);
void int13_cdrom(Bios *b);
/* pcibios.c */
void pci_post(Bios *b);
void pcibios_service(Bios *b);
/* keyboard.c */
void int09_service(Bios *b);
void int16_service(Bios *b);
void pause_poll(Bios *b);
bool kbd_store(Bios *b, uint16_t key);
/* time.c */
void int08_service(Bios *b);
void int1a_service(Bios *b);
void int70_service(Bios *b);
uint32_t rtc_ticks_now(Bios *b);
uint8_t cmos_read(Bios *b, uint8_t reg);
void cmos_write(Bios *b, uint8_t reg, uint8_t v);
/* system.c */
typedef struct E820 { uint64_t base, len; uint32_t type; } E820;
enum { E820_MAX = 8 };
int e820_map(uint32_t ram_size, E820 *m);    /* returns the entry count */
void int15_service(Bios *b);
void wait_poll(Bios *b);
void a20_set(Bios *b, bool on);
/* mouse.c */
bool int15_mouse(Bios *b);
void mouse_poll(Bios *b);
void int74_service(Bios *b);
void mouse_post(Bios *b);
/* boot.c */
void int11_service(Bios *b);
void int12_service(Bios *b);
void int14_service(Bios *b);
void serial_poll(Bios *b);
void int17_service(Bios *b);
void int18_service(Bios *b);
void int19_service(Bios *b);

#endif
