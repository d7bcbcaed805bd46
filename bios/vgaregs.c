/*
 * bios/vgaregs.c - the video BIOS's register side: VGA mode parameter
 * tables, programming a text mode, loading fonts into plane 2, and the
 * INT 10h palette (AH=10h) and character generator (AH=11h) functions.
 *
 * Models:      text modes 0/1 (40x25), 2/3 (80x25) and 7 (80x25 mono) at
 *              400 scan lines with 9x16 characters; the standard VGA
 *              register values; the 64-entry text DAC palettes; fonts
 *              8x16, 8x14 and 8x8 (80x50); AH=10h subfunctions 00-03, 07-
 *              09, 10, 12, 13, 15, 17, 18, 19, 1A, 1B; AH=11h 00-04, 10-14,
 *              20-24, 30.
 * Not modeled: graphics modes, 200/350-line variants of the text modes
 *              (AH=12h BL=30h is remembered but 400 lines are always used).
 * Spec:        IBM VGA Technical Reference, "Video Parameter Table" and the
 *              mode register tables; Ralf Brown's Interrupt List, INT 10h
 *              AH=10h and AH=11h; the plane-2 font load sequence (sequencer
 *              map mask 4, memory mode 7; graphics mode 0, misc 4).
 */
#include "bios/internal.h"

/* VGA ports. */
enum {
    VGA_ATC = 0x3c0, VGA_ATC_R = 0x3c1, VGA_MISC_W = 0x3c2, VGA_SEQ = 0x3c4,
    VGA_PEL_MASK = 0x3c6, VGA_DAC_R = 0x3c7, VGA_DAC_W = 0x3c8,
    VGA_DAC_DATA = 0x3c9, VGA_GC = 0x3ce,
};

/* ---- Mode parameter table ------------------------------------------------
 * One 64-byte record per mode in the IBM layout: columns, rows-1, character
 * height, page size, sequencer 1-4, misc output, CRTC 00-18h, attribute
 * controller 00-13h, graphics controller 00-08h. The records sit in the ROM
 * at the IBM indexes (17h = modes 0+/1+, 18h = 2+/3+, 19h = 7+) so that the
 * 40:A8 save pointer table can point at them. */
enum { PARM_COLS, PARM_ROWS, PARM_HEIGHT, PARM_PAGE, PARM_SEQ = 5,
       PARM_MISC = 9, PARM_CRTC = 10, PARM_ATC = 35, PARM_GC = 55, PARM_SIZE = 64 };

static const uint8_t parm_40x25[PARM_SIZE] = {
    40, 24, 16, 0x00, 0x08,
    0x08, 0x03, 0x00, 0x02,
    0x67,
    0x2d, 0x27, 0x28, 0x90, 0x2b, 0xa0, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e,
    0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x14, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b,
    0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff,
};

static const uint8_t parm_80x25[PARM_SIZE] = {
    80, 24, 16, 0x00, 0x10,
    0x00, 0x03, 0x00, 0x02,
    0x67,
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e,
    0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b,
    0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff,
};

static const uint8_t parm_mono[PARM_SIZE] = {
    80, 24, 16, 0x00, 0x10,
    0x00, 0x03, 0x00, 0x02,
    0x66,
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e,
    0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x0f, 0x96, 0xb9, 0xa3, 0xff,
    0x00, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x10, 0x18, 0x18, 0x18,
    0x18, 0x18, 0x18, 0x18, 0x0e, 0x00, 0x0f, 0x08,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0a, 0x00, 0xff,
};

enum { PARM_INDEX_40 = 0x17, PARM_INDEX_80 = 0x18, PARM_INDEX_MONO = 0x19 };

void vga_put_parm_table(uint8_t *table)
{
    memcpy(table + PARM_INDEX_40 * PARM_SIZE, parm_40x25, PARM_SIZE);
    memcpy(table + PARM_INDEX_80 * PARM_SIZE, parm_80x25, PARM_SIZE);
    memcpy(table + PARM_INDEX_MONO * PARM_SIZE, parm_mono, PARM_SIZE);
}

/* The ROM record for a BIOS mode number, or NULL if unsupported. */
const uint8_t *vga_mode_parms(Bios *b, uint8_t mode)
{
    int idx;
    switch (mode) {
    case 0x00: case 0x01: idx = PARM_INDEX_40; break;
    case 0x02: case 0x03: idx = PARM_INDEX_80; break;
    case 0x07: idx = PARM_INDEX_MONO; break;
    default: return NULL;
    }
    return b->rom + ROM_VIDEO_PARMS + idx * PARM_SIZE;
}

/* ---- Register access ------------------------------------------------------- */

uint16_t crtc_base(Bios *b)
{
    uint16_t base = bda16(b, BDA_CRTC_BASE);
    return base == 0x3b4 ? 0x3b4 : 0x3d4;
}

void crtc_write(Bios *b, uint8_t idx, uint8_t v)
{
    uint16_t base = crtc_base(b);
    outb(b, base, idx);
    outb(b, base + 1, v);
}

uint8_t crtc_read(Bios *b, uint8_t idx)
{
    uint16_t base = crtc_base(b);
    outb(b, base, idx);
    return inb(b, base + 1);
}

static void seq_write(Bios *b, uint8_t idx, uint8_t v)
{
    outb(b, VGA_SEQ, idx);
    outb(b, VGA_SEQ + 1, v);
}

static void gc_write(Bios *b, uint8_t idx, uint8_t v)
{
    outb(b, VGA_GC, idx);
    outb(b, VGA_GC + 1, v);
}

/* The attribute controller: reading the input status register resets its
 * index/data flip-flop; index bit 5 (PAS) must be set again afterwards or
 * the screen stays blank. */
static void atc_write(Bios *b, uint8_t idx, uint8_t v)
{
    inb(b, crtc_base(b) + 6);
    outb(b, VGA_ATC, idx & 0x1f);
    outb(b, VGA_ATC, v);
    outb(b, VGA_ATC, 0x20);
}

static uint8_t atc_read(Bios *b, uint8_t idx)
{
    inb(b, crtc_base(b) + 6);
    outb(b, VGA_ATC, idx & 0x1f);
    uint8_t v = inb(b, VGA_ATC_R);
    inb(b, crtc_base(b) + 6);
    outb(b, VGA_ATC, 0x20);
    return v;
}

static void dac_write(Bios *b, uint8_t idx, uint8_t r, uint8_t g, uint8_t bl)
{
    outb(b, VGA_DAC_W, idx);
    outb(b, VGA_DAC_DATA, r);
    outb(b, VGA_DAC_DATA, g);
    outb(b, VGA_DAC_DATA, bl);
}

static void dac_read(Bios *b, uint8_t idx, uint8_t rgb[3])
{
    outb(b, VGA_DAC_R, idx);
    for (int i = 0; i < 3; i++)
        rgb[i] = inb(b, VGA_DAC_DATA) & 0x3f;
}

/* ---- Mode set --------------------------------------------------------------- */

/* The 64 text-mode DAC entries: EGA rgbRGB bits (bit 0 blue 2/3, bit 3
 * blue 1/3, ...), or for monochrome the intensity bits 3 and 4 only. */
static void load_text_dac(Bios *b, bool mono)
{
    for (int i = 0; i < 256; i++) {
        uint8_t r = 0, g = 0, bl = 0;
        if (i < 64 && mono) {
            r = g = bl = (uint8_t)(42 * (i >> 3 & 1) + 21 * (i >> 4 & 1));
        } else if (i < 64) {
            r = (uint8_t)(42 * (i >> 2 & 1) + 21 * (i >> 5 & 1));
            g = (uint8_t)(42 * (i >> 1 & 1) + 21 * (i >> 4 & 1));
            bl = (uint8_t)(42 * (i & 1) + 21 * (i >> 3 & 1));
        }
        dac_write(b, (uint8_t)i, r, g, bl);
    }
}

void vga_program_mode(Bios *b, const uint8_t *p, bool mono)
{
    uint16_t crtc = mono ? 0x3b4 : 0x3d4;
    seq_write(b, 0, 0x01);                       /* synchronous reset */
    outb(b, VGA_MISC_W, p[PARM_MISC]);
    for (int i = 0; i < 4; i++)
        seq_write(b, (uint8_t)(i + 1), p[PARM_SEQ + i]);
    seq_write(b, 0, 0x03);                       /* run */
    outb(b, crtc, 0x11);                         /* unlock CRTC 0-7 */
    outb(b, crtc + 1, 0x00);
    for (int i = 0; i < 25; i++) {
        outb(b, crtc, (uint8_t)i);
        outb(b, crtc + 1, p[PARM_CRTC + i]);
    }
    for (int i = 0; i < 9; i++)
        gc_write(b, (uint8_t)i, p[PARM_GC + i]);
    inb(b, crtc + 6);
    for (int i = 0; i < 20; i++) {
        outb(b, VGA_ATC, (uint8_t)i);
        outb(b, VGA_ATC, p[PARM_ATC + i]);
    }
    outb(b, VGA_ATC, 0x14);                      /* colour select */
    outb(b, VGA_ATC, 0x00);
    outb(b, VGA_ATC, 0x20);                      /* video on */
    outb(b, VGA_PEL_MASK, 0xff);
    if (!(bda8(b, BDA_VGA_FLAGS) & 0x08))        /* default palette loading */
        load_text_dac(b, mono);
}

/*
 * Load 'count' glyphs of 'height' rows starting at character 'first' into
 * font block 'block' (0-7) of plane 2, 32 bytes per character. Block k
 * sits at 16K * (k & 3) + 8K * (k >> 2), as the sequencer's character map
 * select register addresses it.
 */
void vga_load_font(Bios *b, const uint8_t *glyphs, int height, int first, int count, int block)
{
    bool mono = crtc_base(b) == 0x3b4;
    seq_write(b, 2, 0x04);            /* write plane 2 only */
    seq_write(b, 4, 0x07);            /* sequential addressing */
    gc_write(b, 4, 0x02);             /* read plane 2 */
    gc_write(b, 5, 0x00);             /* write mode 0, no odd/even */
    gc_write(b, 6, 0x04);             /* A0000h, 64 KiB, text */
    uint32_t base = 0xa0000u + 0x4000u * (block & 3) + 0x2000u * (block >> 2 & 1);
    uint8_t cell[32];
    for (int i = 0; i < count && first + i < 256; i++) {
        memset(cell, 0, sizeof cell);
        memcpy(cell, glyphs + i * height, height > 32 ? 32 : height);
        wr_buf(b, base + (uint32_t)(first + i) * 32, cell, sizeof cell);
    }
    seq_write(b, 2, 0x03);            /* planes 0 and 1: text */
    seq_write(b, 4, 0x03);            /* odd/even */
    gc_write(b, 4, 0x00);
    gc_write(b, 5, 0x10);             /* odd/even */
    gc_write(b, 6, mono ? 0x0a : 0x0e);   /* B0000h or B8000h, chained */
}

/*
 * After a font of 'height' lines (AH=11h AL=1xh): character cell height,
 * cursor, underline and the number of rows that fit the 400 scan lines.
 */
void vga_set_char_height(Bios *b, int height)
{
    int rows = 400 / height;
    uint8_t msl = crtc_read(b, 0x09);
    crtc_write(b, 0x09, (uint8_t)((msl & 0xe0) | (height - 1)));
    if (crtc_base(b) == 0x3b4)
        crtc_write(b, 0x14, (uint8_t)(height - 1));
    uint16_t vde = (uint16_t)(rows * height - 1);
    uint8_t ovf = crtc_read(b, 0x07);
    ovf = (uint8_t)((ovf & ~0x42) | (vde >> 7 & 0x02) | (vde >> 3 & 0x40));
    crtc_write(b, 0x12, (uint8_t)vde);
    crtc_write(b, 0x07, ovf);
    uint16_t cols = bda16(b, BDA_VCOLS);
    set_bda8(b, BDA_VROWS, (uint8_t)(rows - 1));
    set_bda16(b, BDA_VCHAR_HEIGHT, (uint16_t)height);
    set_bda16(b, BDA_VPAGE_SIZE, (uint16_t)((rows * cols * 2 + 0xff) & ~0xff));
    video_cursor_shape(b, bda16(b, BDA_VCURSOR_SHAPE));
}

/* ---- INT 10h AH=10h: palette registers and DAC ------------------------------ */

void int10_palette(Bios *b)
{
    uint8_t al = reg8(b, R8_AL), bl = reg8(b, R8_BL);
    uint32_t tab = seg_lin(b, SEG_ES, reg16(b, R_EDX));
    uint8_t rgb[3];
    switch (al) {
    case 0x00: atc_write(b, bl & 0x0f, reg8(b, R8_BH)); break;
    case 0x01: atc_write(b, 0x11, reg8(b, R8_BH)); break;
    case 0x02:                                   /* 16 palette + overscan */
        for (int i = 0; i < 17; i++)
            atc_write(b, (uint8_t)(i < 16 ? i : 0x11), rd8(b, tab + i));
        break;
    case 0x03: {                                 /* blink (1) / intensity (0) */
        uint8_t mc = atc_read(b, 0x10);
        atc_write(b, 0x10, (uint8_t)((mc & ~0x08) | (bl & 1) << 3));
        uint8_t sel = bda8(b, BDA_VMODE_SEL);
        set_bda8(b, BDA_VMODE_SEL, (uint8_t)((sel & ~0x20) | (bl & 1) << 5));
        break;
    }
    case 0x07: set_reg8(b, R8_BH, atc_read(b, bl & 0x1f)); break;
    case 0x08: set_reg8(b, R8_BH, atc_read(b, 0x11)); break;
    case 0x09:
        for (int i = 0; i < 17; i++)
            wr8(b, tab + i, atc_read(b, (uint8_t)(i < 16 ? i : 0x11)));
        break;
    case 0x10:
        dac_write(b, bl, reg8(b, R8_DH), reg8(b, R8_CH), reg8(b, R8_CL));
        break;
    case 0x12: case 0x17: {                      /* block of DAC registers */
        uint16_t first = reg16(b, R_EBX), n = reg16(b, R_ECX);
        for (unsigned i = 0; i < n && first + i < 256; i++) {
            if (al == 0x12) {
                rd_buf(b, tab + 3 * i, rgb, 3);
                dac_write(b, (uint8_t)(first + i), rgb[0], rgb[1], rgb[2]);
            } else {
                dac_read(b, (uint8_t)(first + i), rgb);
                wr_buf(b, tab + 3 * i, rgb, 3);
            }
        }
        break;
    }
    case 0x13: {                                 /* colour page state */
        uint8_t mc = atc_read(b, 0x10);
        if (bl == 0)
            atc_write(b, 0x10, (uint8_t)((mc & 0x7f) | (reg8(b, R8_BH) & 1) << 7));
        else if (bl == 1)
            atc_write(b, 0x14, reg8(b, R8_BH) & 0x0f);
        break;
    }
    case 0x15:
        dac_read(b, bl, rgb);
        set_reg8(b, R8_DH, rgb[0]);
        set_reg8(b, R8_CH, rgb[1]);
        set_reg8(b, R8_CL, rgb[2]);
        break;
    case 0x18: outb(b, VGA_PEL_MASK, bl); break;
    case 0x19: set_reg8(b, R8_BL, inb(b, VGA_PEL_MASK)); break;
    case 0x1a:
        set_reg8(b, R8_BL, atc_read(b, 0x10) >> 7);
        set_reg8(b, R8_BH, atc_read(b, 0x14) & 0x0f);
        break;
    case 0x1b: {                                 /* sum to grey shades */
        uint16_t first = reg16(b, R_EBX), n = reg16(b, R_ECX);
        for (unsigned i = 0; i < n && first + i < 256; i++) {
            dac_read(b, (uint8_t)(first + i), rgb);
            uint8_t y = (uint8_t)((77 * rgb[0] + 151 * rgb[1] + 28 * rgb[2] + 128) >> 8);
            dac_write(b, (uint8_t)(first + i), y, y, y);
        }
        break;
    }
    default:
        break;
    }
}

/* ---- INT 10h AH=11h: character generator ------------------------------------ */

static void set_vector(Bios *b, uint8_t n, uint16_t seg, uint16_t off)
{
    wr16(b, n * 4u, off);
    wr16(b, n * 4u + 2, seg);
}

/* AX=1130h: ES:BP -> font BH, CX = height, DL = rows - 1. */
static void font_info(Bios *b)
{
    uint16_t seg = BIOS_SEG, off;
    switch (reg8(b, R8_BH)) {
    case 0x00: off = rd16(b, 0x1f * 4); seg = rd16(b, 0x1f * 4 + 2); break;
    case 0x01: off = rd16(b, 0x43 * 4); seg = rd16(b, 0x43 * 4 + 2); break;
    case 0x02: off = ROM_FONT14; break;
    case 0x03: off = ROM_FONT8; break;
    case 0x04: off = ROM_FONT8 + 128 * 8; break;
    case 0x06: off = ROM_FONT16; break;
    default: off = ROM_FONT_ALT; break;        /* 9x14 / 9x16 alternates: empty */
    }
    cpu_set_seg_real(b->cpu, SEG_ES, seg);
    set_reg16(b, R_EBP, off);
    set_reg16(b, R_ECX, bda16(b, BDA_VCHAR_HEIGHT));
    set_reg8(b, R8_DL, bda8(b, BDA_VROWS));
}

void int10_font(Bios *b)
{
    uint8_t al = reg8(b, R8_AL), bl = reg8(b, R8_BL);
    const uint8_t *rom = b->rom;
    int height = 0;
    switch (al) {
    case 0x03:                                   /* font block specifier */
        seq_write(b, 3, bl);
        return;
    case 0x20: set_vector(b, 0x1f, b->cpu->seg[SEG_ES].sel, reg16(b, R_EBP)); return;
    case 0x21: set_vector(b, 0x43, b->cpu->seg[SEG_ES].sel, reg16(b, R_EBP)); return;
    case 0x22: set_vector(b, 0x43, BIOS_SEG, ROM_FONT14); return;
    case 0x23: set_vector(b, 0x43, BIOS_SEG, ROM_FONT8); return;
    case 0x24: set_vector(b, 0x43, BIOS_SEG, ROM_FONT16); return;
    case 0x30: font_info(b); return;
    default: break;
    }
    switch (al & ~0x10) {
    case 0x00: {                                 /* user font from ES:BP */
        height = reg8(b, R8_BH);
        unsigned count = reg16(b, R_ECX), first = reg16(b, R_EDX);
        if (height == 0 || height > 32)
            return;
        uint8_t *buf = xzalloc((size_t)count * height + 1);
        rd_buf(b, seg_lin(b, SEG_ES, reg16(b, R_EBP)), buf, (size_t)count * height);
        vga_load_font(b, buf, height, (int)first, (int)count, bl & 7);
        free(buf);
        break;
    }
    case 0x01: height = 14; vga_load_font(b, rom + ROM_FONT14, 14, 0, 256, bl & 7); break;
    case 0x02: height = 8; vga_load_font(b, rom + ROM_FONT8, 8, 0, 256, bl & 7); break;
    case 0x04: height = 16; vga_load_font(b, rom + ROM_FONT16, 16, 0, 256, bl & 7); break;
    default:
        return;
    }
    if (al & 0x10)                               /* 1x: recalculate rows */
        vga_set_char_height(b, height);
}
