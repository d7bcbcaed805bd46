/*
 * bios/video.c - INT 10h video services for the VGA text modes: mode set,
 * cursor, pages, scrolling, character output, teletype, write string and
 * the status functions; the BIOS data area video fields.
 *
 * Models:      AH=00h-03h, 05h-0Bh, 0Eh, 0Fh, 10h and 11h (bios/vgaregs.c),
 *              12h (BL=10h, 30h-36h), 13h (all AL modes), 1Ah, 1Bh; 4Fh
 *              answers "VBE call failed"; 40:49-40:66, 40:84-40:8A, 40:A8;
 *              CGA-style cursor shapes scaled to the character height
 *              (cursor emulation, 40:87 bit 0 clear).
 * Not modeled: graphics modes and pixel functions (AH=0Ch/0Dh do nothing),
 *              light pen, save/restore state (AH=1Ch), the beep of BEL.
 * Spec:        IBM PC/AT Technical Reference, VIDEO_IO listing (teletype
 *              scrolling with the attribute at the cursor, page handling);
 *              IBM VGA Technical Reference; Ralf Brown's Interrupt List INT
 *              10h and MEMORY.LST 40:49-40:8A.
 */
#include "bios/internal.h"

/* ---- Text geometry and cursor ---------------------------------------------- */

static unsigned text_cols(Bios *b)
{
    unsigned c = bda16(b, BDA_VCOLS);
    return c ? c : 80;
}

static unsigned text_rows(Bios *b)
{
    return bda8(b, BDA_VROWS) + 1u;
}

static uint32_t text_base(Bios *b)
{
    return bda8(b, BDA_VMODE) == 7 ? 0xb0000u : 0xb8000u;
}

static uint32_t cell_lin(Bios *b, unsigned page, unsigned row, unsigned col)
{
    return text_base(b) + page * (uint32_t)bda16(b, BDA_VPAGE_SIZE) +
           (row * text_cols(b) + col) * 2;
}

static void get_cursor(Bios *b, unsigned page, unsigned *row, unsigned *col)
{
    uint16_t pos = bda16(b, BDA_VCURSOR + 2 * (page & 7));
    *row = pos >> 8;
    *col = pos & 0xff;
}

static void set_cursor(Bios *b, unsigned page, unsigned row, unsigned col)
{
    page &= 7;
    set_bda16(b, BDA_VCURSOR + 2 * page, (uint16_t)(row << 8 | col));
    if (page != bda8(b, BDA_VPAGE))
        return;
    uint16_t pos = (uint16_t)(page * bda16(b, BDA_VPAGE_SIZE) / 2 + row * text_cols(b) + col);
    crtc_write(b, 0x0e, (uint8_t)(pos >> 8));
    crtc_write(b, 0x0f, (uint8_t)pos);
}

/*
 * AH=01h. With cursor emulation on and a character taller than 8 lines, a
 * CGA shape (lines 0-7) is moved down the cell: lines 4-7 count from the
 * bottom (line 7 -> height-2), lines 0-3 from the top, so 0607h gives the
 * usual underline at 13-14 of 16 and 0007h a full block.
 */
void video_cursor_shape(Bios *b, uint16_t cx)
{
    set_bda16(b, BDA_VCURSOR_SHAPE, cx);
    uint8_t start = (cx >> 8) & 0x1f, end = cx & 0x1f;
    unsigned h = bda8(b, BDA_VCHAR_HEIGHT);
    if ((cx >> 8 & 0x60) == 0x20) {               /* invisible */
        crtc_write(b, 0x0a, 0x20);
        return;
    }
    if (!(bda8(b, BDA_VEGA_MISC) & 0x01) && h > 8 && start <= 7 && end <= 7) {
        if (start >= 4)
            start = (uint8_t)(start + h - 9);
        if (end >= 4)
            end = (uint8_t)(end + h - 9);
    }
    crtc_write(b, 0x0a, start);
    crtc_write(b, 0x0b, end);
}

/* ---- Mode set ------------------------------------------------------------------ */

static const uint8_t mode_select[8] = { 0x2c, 0x28, 0x2d, 0x29, 0x2a, 0x2e, 0x1e, 0x29 };

void video_set_mode(Bios *b, uint8_t al)
{
    uint8_t mode = al & 0x7f;
    const uint8_t *p = vga_mode_parms(b, mode);
    if (!p) {
        LOG(LOG_UNIMP, "bios: INT 10h mode %02xh not supported\n", mode);
        return;
    }
    bool mono = mode == 7;
    vga_program_mode(b, p, mono);

    set_bda8(b, BDA_VMODE, mode);
    set_bda16(b, BDA_VCOLS, p[0]);
    set_bda16(b, BDA_VPAGE_SIZE, (uint16_t)(p[3] | p[4] << 8));
    set_bda16(b, BDA_VPAGE_START, 0);
    for (int i = 0; i < 8; i++)
        set_bda16(b, BDA_VCURSOR + 2 * i, 0);
    set_bda16(b, BDA_VCURSOR_SHAPE, mono ? 0x0b0c : 0x0607);
    set_bda8(b, BDA_VPAGE, 0);
    set_bda16(b, BDA_CRTC_BASE, mono ? 0x3b4 : 0x3d4);
    set_bda8(b, BDA_VMODE_SEL, mode_select[mode]);
    set_bda8(b, BDA_VPALETTE, 0x30);
    set_bda8(b, BDA_VROWS, p[1]);
    set_bda16(b, BDA_VCHAR_HEIGHT, p[2]);
    set_bda8(b, BDA_VEGA_MISC, (uint8_t)((al & 0x80) | 0x60 | (bda8(b, BDA_VEGA_MISC) & 0x01)));
    set_bda8(b, BDA_VEGA_SWITCH, 0x09);
    /* 40:89: VGA active, 400 lines, display switching; keep the palette
     * loading and grey summing choices. */
    set_bda8(b, BDA_VGA_FLAGS, (uint8_t)((bda8(b, BDA_VGA_FLAGS) & 0x0a) | 0x51 | (mono ? 0x04 : 0)));
    set_bda8(b, BDA_VDCC, 0x0b);
    set_bda32(b, BDA_VSAVE_PTR, BIOS_SEG << 16 | ROM_VIDEO_SAVEPTR);
    uint16_t equip = bda16(b, BDA_EQUIP);
    set_bda16(b, BDA_EQUIP, (uint16_t)((equip & ~0x30) | (mono ? 0x30 : 0x20)));

    vga_load_font(b, b->rom + ROM_FONT16, 16, 0, 256, 0);
    outb(b, 0x3c4, 0x03);                        /* character map select: block 0 */
    outb(b, 0x3c5, 0x00);
    wr16(b, 0x43 * 4, ROM_FONT16);
    wr16(b, 0x43 * 4 + 2, BIOS_SEG);
    wr16(b, 0x1f * 4, ROM_FONT8 + 128 * 8);
    wr16(b, 0x1f * 4 + 2, BIOS_SEG);

    if (!(al & 0x80)) {
        uint8_t blank[512];
        for (size_t i = 0; i < sizeof blank; i += 2) {
            blank[i] = 0x20;
            blank[i + 1] = 0x07;
        }
        for (uint32_t off = 0; off < 0x8000; off += sizeof blank)
            wr_buf(b, text_base(b) + off, blank, sizeof blank);
    }
    crtc_write(b, 0x0c, 0);
    crtc_write(b, 0x0d, 0);
    set_cursor(b, 0, 0, 0);
}

/* ---- Text output ---------------------------------------------------------------- */

/* Scroll the window (r0,c0)-(r1,c1) of 'page' by n lines (0 = clear). */
static void scroll(Bios *b, unsigned page, unsigned n, uint8_t attr, unsigned r0,
                   unsigned c0, unsigned r1, unsigned c1, bool up)
{
    unsigned rows = text_rows(b), cols = text_cols(b);
    if (r1 >= rows)
        r1 = rows - 1;
    if (c1 >= cols)
        c1 = cols - 1;
    if (r0 > r1 || c0 > c1)
        return;
    unsigned height = r1 - r0 + 1, width = c1 - c0 + 1;
    if (n == 0 || n > height)
        n = height;
    uint8_t line[2 * 256];
    for (unsigned i = 0; i < height; i++) {
        unsigned dst = up ? r0 + i : r1 - i;
        if (i + n < height) {
            unsigned src = up ? dst + n : dst - n;
            rd_buf(b, cell_lin(b, page, src, c0), line, width * 2);
        } else {
            for (unsigned k = 0; k < width; k++) {
                line[2 * k] = ' ';
                line[2 * k + 1] = attr;
            }
        }
        wr_buf(b, cell_lin(b, page, dst, c0), line, width * 2);
    }
}

/* CX copies of AL (and attribute BL if with_attr) from the cursor on. */
static void write_chars(Bios *b, unsigned page, uint8_t ch, uint8_t attr, unsigned count,
                        bool with_attr)
{
    unsigned row, col;
    get_cursor(b, page, &row, &col);
    unsigned pos = row * text_cols(b) + col, end = text_rows(b) * text_cols(b);
    for (unsigned i = 0; i < count && pos + i < end; i++) {
        uint32_t lin = cell_lin(b, page, 0, 0) + 2 * (pos + i);
        wr8(b, lin, ch);
        if (with_attr)
            wr8(b, lin + 1, attr);
    }
}

/* Teletype on 'page': BEL, BS, CR, LF act; others print with 'attr'
 * (attr < 0 keeps the cell's attribute), wrap, and scroll the page with
 * the attribute found at the cursor (PC/AT WRITE_TTY). */
static void tty(Bios *b, unsigned page, uint8_t ch, int attr)
{
    unsigned row, col, rows = text_rows(b), cols = text_cols(b);
    get_cursor(b, page, &row, &col);
    switch (ch) {
    case 0x07:
        return;
    case 0x08:
        if (col > 0)
            col--;
        break;
    case 0x0d:
        col = 0;
        break;
    case 0x0a:
        row++;
        break;
    default: {
        uint32_t lin = cell_lin(b, page, row, col);
        wr8(b, lin, ch);
        if (attr >= 0)
            wr8(b, lin + 1, (uint8_t)attr);
        if (++col >= cols) {
            col = 0;
            row++;
        }
        break;
    }
    }
    if (row >= rows) {
        row = rows - 1;
        uint8_t a = rd8(b, cell_lin(b, page, row, col) + 1);
        scroll(b, page, 1, a, 0, 0, rows - 1, cols - 1, true);
    }
    set_cursor(b, page, row, col);
}

void video_putc(Bios *b, uint8_t ch)
{
    tty(b, bda8(b, BDA_VPAGE), ch, -1);
}

void video_puts(Bios *b, const char *s)
{
    while (*s)
        video_putc(b, (uint8_t)*s++);
}

/* AH=13h: ES:BP string of CX chars at DH,DL on page BH; AL bit 0 moves the
 * cursor, bit 1 means (char, attribute) pairs, else attribute BL. */
static void write_string(Bios *b)
{
    uint8_t al = reg8(b, R8_AL);
    unsigned page = reg8(b, R8_BH) & 7, count = reg16(b, R_ECX);
    unsigned old_row, old_col;
    get_cursor(b, page, &old_row, &old_col);
    set_cursor(b, page, reg8(b, R8_DH), reg8(b, R8_DL));
    uint32_t s = seg_lin(b, SEG_ES, reg16(b, R_EBP));
    for (unsigned i = 0; i < count; i++) {
        uint8_t ch = rd8(b, s++);
        int attr = reg8(b, R8_BL);
        if (al & 2)
            attr = rd8(b, s++);
        tty(b, page, ch, attr);
    }
    if (!(al & 1))
        set_cursor(b, page, old_row, old_col);
}

/* AH=1Bh: ES:DI gets the 64-byte dynamic state (RBIL #00040). */
static void functional_state(Bios *b)
{
    uint8_t s[64];
    memset(s, 0, sizeof s);
    s[0] = (uint8_t)ROM_VIDEO_STATIC;
    s[1] = (uint8_t)(ROM_VIDEO_STATIC >> 8);
    s[2] = (uint8_t)BIOS_SEG;
    s[3] = (uint8_t)(BIOS_SEG >> 8);
    rd_buf(b, BDA_LIN + BDA_VMODE, s + 4, 0x1e);    /* 40:49-40:66 */
    s[0x22] = (uint8_t)text_rows(b);
    s[0x23] = bda8(b, BDA_VCHAR_HEIGHT);
    s[0x25] = crtc_base(b) == 0x3b4 ? 0x07 : 0x08;  /* VGA mono / colour */
    s[0x27] = 16;                                    /* colours */
    s[0x29] = 8;                                     /* pages */
    s[0x2a] = 2;                                     /* 400 scan lines */
    uint8_t flags = bda8(b, BDA_VGA_FLAGS);
    s[0x2d] = (uint8_t)((flags & 0x0a) | (flags & 0x04) |          /* grey, palette, mono */
                        (bda8(b, BDA_VEGA_MISC) & 0x01 ? 0 : 0x10) | /* cursor emulation */
                        (bda8(b, BDA_VMODE_SEL) & 0x20));           /* blinking */
    s[0x31] = 3;                                     /* 256 KiB */
    wr_buf(b, seg_lin(b, SEG_ES, reg16(b, R_EDI)), s, sizeof s);
    set_reg8(b, R8_AL, 0x1b);
}

static void alt_select(Bios *b)
{
    uint8_t al = reg8(b, R8_AL), bl = reg8(b, R8_BL);
    uint8_t flags = bda8(b, BDA_VGA_FLAGS);
    switch (bl) {
    case 0x10:                                       /* EGA information */
        set_reg8(b, R8_BH, crtc_base(b) == 0x3b4);
        set_reg8(b, R8_BL, 3);                       /* 256 KiB */
        set_reg8(b, R8_CH, 0);
        set_reg8(b, R8_CL, bda8(b, BDA_VEGA_SWITCH) & 0x0f);
        return;
    case 0x30:                                       /* scan lines for the next mode set */
        if (al <= 2)
            set_bda8(b, BDA_VGA_FLAGS, (uint8_t)((flags & 0x6f) |
                     (al == 0 ? 0x80 : al == 2 ? 0x10 : 0)));
        break;
    case 0x31:                                       /* default palette loading */
        set_bda8(b, BDA_VGA_FLAGS, (uint8_t)((flags & ~0x08) | (al & 1) << 3));
        break;
    case 0x33:                                       /* grey-scale summing */
        set_bda8(b, BDA_VGA_FLAGS, (uint8_t)((flags & ~0x02) | (al & 1 ? 0 : 0x02)));
        break;
    case 0x34: {                                     /* cursor emulation */
        uint8_t misc = bda8(b, BDA_VEGA_MISC);
        set_bda8(b, BDA_VEGA_MISC, (uint8_t)((misc & ~0x01) | (al & 1)));
        break;
    }
    case 0x32: case 0x35: case 0x36:
        break;
    default:
        return;
    }
    set_reg8(b, R8_AL, 0x12);
}

void int10_service(Bios *b)
{
    uint8_t ah = reg8(b, R8_AH), al = reg8(b, R8_AL);
    unsigned page = reg8(b, R8_BH) & 7, row, col;
    switch (ah) {
    case 0x00: video_set_mode(b, al); break;
    case 0x01: video_cursor_shape(b, reg16(b, R_ECX)); break;
    case 0x02: set_cursor(b, page, reg8(b, R8_DH), reg8(b, R8_DL)); break;
    case 0x03:
        get_cursor(b, page, &row, &col);
        set_reg8(b, R8_DH, (uint8_t)row);
        set_reg8(b, R8_DL, (uint8_t)col);
        set_reg16(b, R_ECX, bda16(b, BDA_VCURSOR_SHAPE));
        break;
    case 0x04: set_reg8(b, R8_AH, 0); break;        /* light pen: not triggered */
    case 0x05: {                                     /* active page */
        unsigned p = al & 7;
        uint16_t start = (uint16_t)(p * bda16(b, BDA_VPAGE_SIZE));
        set_bda8(b, BDA_VPAGE, (uint8_t)p);
        set_bda16(b, BDA_VPAGE_START, start);
        crtc_write(b, 0x0c, (uint8_t)(start >> 9));
        crtc_write(b, 0x0d, (uint8_t)(start >> 1));
        get_cursor(b, p, &row, &col);
        set_cursor(b, p, row, col);
        break;
    }
    case 0x06: case 0x07:
        scroll(b, bda8(b, BDA_VPAGE), al, reg8(b, R8_BH), reg8(b, R8_CH), reg8(b, R8_CL),
               reg8(b, R8_DH), reg8(b, R8_DL), ah == 0x06);
        break;
    case 0x08:
        get_cursor(b, page, &row, &col);
        set_reg16(b, R_EAX, rd16(b, cell_lin(b, page, row, col)));
        break;
    case 0x09: case 0x0a:
        write_chars(b, page, al, reg8(b, R8_BL), reg16(b, R_ECX), ah == 0x09);
        break;
    case 0x0b:                                       /* CGA border colour */
        if (reg8(b, R8_BH) == 0) {
            set_reg8(b, R8_AL, 0x01);
            set_reg8(b, R8_BH, reg8(b, R8_BL) & 0x0f);
            int10_palette(b);
            set_reg8(b, R8_AL, al);
            set_reg8(b, R8_BH, 0);
        }
        break;
    case 0x0e: video_putc(b, al); break;
    case 0x0f:
        set_reg8(b, R8_AL, (uint8_t)(bda8(b, BDA_VMODE) | (bda8(b, BDA_VEGA_MISC) & 0x80)));
        set_reg8(b, R8_AH, (uint8_t)text_cols(b));
        set_reg8(b, R8_BH, bda8(b, BDA_VPAGE));
        break;
    case 0x10: int10_palette(b); break;
    case 0x11: int10_font(b); break;
    case 0x12: alt_select(b); break;
    case 0x13: write_string(b); break;
    case 0x1a:
        if (al <= 1) {
            if (al == 0) {
                set_reg8(b, R8_BL, crtc_base(b) == 0x3b4 ? 0x07 : 0x08);
                set_reg8(b, R8_BH, 0);
            }
            set_reg8(b, R8_AL, 0x1a);
        }
        break;
    case 0x1b:
        if (reg16(b, R_EBX) == 0)
            functional_state(b);
        break;
    case 0x1c: set_reg8(b, R8_AL, 0); break;        /* save/restore: unsupported */
    case 0x4f: set_reg16(b, R_EAX, 0x014f); break;  /* VBE: call failed */
    default:
        LOG(LOG_UNIMP, "bios: INT 10h AH=%02xh not supported\n", ah);
        break;
    }
}
