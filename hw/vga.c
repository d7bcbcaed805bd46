/*
 * hw/vga.c: IBM VGA (Video Graphics Array) with 256 KiB of display memory.
 *
 * Models:       Misc Output, Feature Control, Input Status 0/1 (display
 *               enable and vertical retrace derived from the CRTC timing
 *               and the virtual clock); the sequencer SR00-SR04; the CRT
 *               controller CR00-CR18 at 0x3B4/0x3D4 as Misc Output bit 0
 *               selects, with the CR11 bit 7 write protect; the graphics
 *               controller GR00-GR08 (set/reset, data rotate, function
 *               select, read map select, write modes 0-3, read modes 0/1
 *               with colour compare, bit mask, memory map select); the
 *               attribute controller with its index/data flip-flop; the DAC
 *               (pixel mask, read/write index, 3-byte cycle). Memory in four
 *               64 KiB planes with odd/even, chain-4 and planar access and
 *               the four latches. Rendering: text (8/9-dot cells, line
 *               graphics, 512-character fonts, blink, cursor, underline),
 *               16-colour planar, CGA 4-colour shift and 256-colour modes,
 *               byte/word/doubleword scan-out, CGA row-scan address
 *               substitution, double scan and line compare.
 * Not modelled: the vertical retrace interrupt (CR11 bits 4-5), horizontal
 *               panning and preset row scan, the monitor sense comparator
 *               (Input Status 0 reads 0), the light pen, SR04 bit 1 (memory
 *               is always 256 KiB), the Misc Output odd/even page bit (the
 *               odd/even plane offset is always the even host address), the
 *               9th dot in graphics modes.
 * Spec:         IBM PS/2 Hardware Interface Technical Reference, "Video
 *               Subsystem" (VGA register descriptions); FreeVGA "VGA/SVGA
 *               Video Programming" register reference.
 */
#include "hw/vga.h"

/* ---- Registers (datasheet names) ---------------------------------------- */
#define VGA_PORT_BASE  0x3B0
#define VGA_PORT_COUNT 0x30
#define VGA_MEM_BASE   0xA0000
#define VGA_MEM_SIZE   0x20000
#define VGA_PLANE_SIZE 0x10000
#define VGA_VRAM_SIZE  (4 * VGA_PLANE_SIZE)

enum { SR_RESET, SR_CLOCKING_MODE, SR_MAP_MASK, SR_CHAR_MAP_SELECT, SR_MEMORY_MODE,
       SR_COUNT };
enum { GR_SET_RESET, GR_ENABLE_SET_RESET, GR_COLOR_COMPARE, GR_DATA_ROTATE,
       GR_READ_MAP_SELECT, GR_MODE, GR_MISC, GR_COLOR_DONT_CARE, GR_BIT_MASK, GR_COUNT };
enum {
    CR_HORIZONTAL_TOTAL = 0x00, CR_HORIZONTAL_DISPLAY_END = 0x01, CR_VERTICAL_TOTAL = 0x06,
    CR_OVERFLOW = 0x07, CR_MAXIMUM_SCAN_LINE = 0x09, CR_CURSOR_START = 0x0A,
    CR_CURSOR_END = 0x0B, CR_START_ADDRESS_HIGH = 0x0C, CR_START_ADDRESS_LOW = 0x0D,
    CR_CURSOR_LOCATION_HIGH = 0x0E, CR_CURSOR_LOCATION_LOW = 0x0F,
    CR_VERTICAL_RETRACE_START = 0x10, CR_VERTICAL_RETRACE_END = 0x11,
    CR_VERTICAL_DISPLAY_END = 0x12, CR_OFFSET = 0x13, CR_UNDERLINE_LOCATION = 0x14,
    CR_MODE_CONTROL = 0x17, CR_LINE_COMPARE = 0x18, CR_COUNT = 0x19,
};
enum { AR_MODE_CONTROL = 0x10, AR_OVERSCAN = 0x11, AR_COLOR_PLANE_ENABLE = 0x12,
       AR_HORIZONTAL_PAN = 0x13, AR_COLOR_SELECT = 0x14, AR_COUNT = 0x15 };

#define MISC_IOAS          0x01   /* 1: CRTC at 0x3D4, status at 0x3DA */
#define MISC_RAM_ENABLE    0x02
#define SR01_8DOT          0x01   /* 1: 8-dot character clocks, 0: 9-dot */
#define SR01_DOT_CLOCK_DIV2 0x08
#define SR01_SCREEN_OFF    0x20
#define SR04_ODD_EVEN_DIS  0x04   /* 1: sequential host writes */
#define SR04_CHAIN4        0x08
#define GR05_READ_MODE1    0x08
#define GR05_HOST_ODD_EVEN 0x10
#define GR05_SHIFT_CGA     0x20
#define GR05_SHIFT_256     0x40
#define AR_INDEX_PAS       0x20   /* palette address source: 1 = display on */
#define AR10_GRAPHICS      0x01
#define AR10_LINE_GRAPHICS 0x04
#define AR10_BLINK         0x08
#define AR10_P54_SELECT    0x80
#define CR17_WORD_BYTE     0x40   /* 1: byte mode */
#define CR14_DOUBLEWORD    0x40

#define VGA_DOT_CLOCK_25   25175000u
#define VGA_DOT_CLOCK_28   28322000u
#define VGA_FB_MAX_W       2400
#define VGA_FB_MAX_H       1024

/* ---- State --------------------------------------------------------------- */
struct Vga {
    uint8_t misc;                 /* Misc Output */
    uint8_t fcr;                  /* Feature Control */
    uint8_t sr_index, sr[SR_COUNT];
    uint8_t gr_index, gr[GR_COUNT];
    uint8_t cr_index, cr[CR_COUNT];
    uint8_t ar_index;             /* bits 0-4 index, bit 5 palette address source */
    bool    ar_data_next;         /* flip-flop: the next 0x3C0 write is data */
    uint8_t ar[AR_COUNT];
    uint8_t dac_mask;             /* Pixel Mask */
    uint8_t dac_read_index, dac_write_index, dac_read_sub, dac_write_sub;
    uint8_t dac_state;            /* DAC State register: 0 write mode, 3 read mode */
    uint8_t dac_write_rgb[3];     /* colour being written, committed on its 3rd byte */
    uint8_t dac[256 * 3];         /* 6-bit R, G, B */
    uint8_t latch[4];
    uint8_t vram[VGA_VRAM_SIZE];  /* plane p at p * 64 KiB */
    /* wiring: never saved */
    Machine  *m;
    IoRegion  io, mem;
    uint32_t *fb;
    size_t    fb_cap;
    int       fb_w, fb_h;
    bool      dirty;              /* a register or memory write since the last render */
    int       last_phase;         /* blink phase of the last render, -1 = none */
};

/* ---- Snapshot ------------------------------------------------------------ */
static const StateField vga_fields[] = {
    SF_INT(Vga, misc), SF_INT(Vga, fcr),
    SF_INT(Vga, sr_index), SF_ARRAY(Vga, sr),
    SF_INT(Vga, gr_index), SF_ARRAY(Vga, gr),
    SF_INT(Vga, cr_index), SF_ARRAY(Vga, cr),
    SF_INT(Vga, ar_index), SF_INT(Vga, ar_data_next), SF_ARRAY(Vga, ar),
    SF_INT(Vga, dac_mask), SF_INT(Vga, dac_read_index), SF_INT(Vga, dac_write_index),
    SF_INT(Vga, dac_read_sub), SF_INT(Vga, dac_write_sub), SF_INT(Vga, dac_state),
    SF_ARRAY(Vga, dac_write_rgb), SF_BYTES(Vga, dac),
    SF_ARRAY(Vga, latch),
    SF_BYTES(Vga, vram),
    SF_END
};

/* ---- CRTC geometry and timing -------------------------------------------- */
static uint32_t vertical_display_end(const Vga *v)
{
    /* CR12 plus CR07 bit 1 (bit 8) and bit 6 (bit 9); the value is the last line. */
    return (v->cr[CR_VERTICAL_DISPLAY_END] | (v->cr[CR_OVERFLOW] & 0x02u) << 7 |
            (v->cr[CR_OVERFLOW] & 0x40u) << 3) + 1;
}

static uint32_t line_compare(const Vga *v)
{
    return v->cr[CR_LINE_COMPARE] | (v->cr[CR_OVERFLOW] & 0x10u) << 4 |
           (v->cr[CR_MAXIMUM_SCAN_LINE] & 0x40u) << 3;
}

static uint32_t start_address(const Vga *v)
{
    return (uint32_t)v->cr[CR_START_ADDRESS_HIGH] << 8 | v->cr[CR_START_ADDRESS_LOW];
}

typedef struct VgaTiming {
    uint64_t line_ns, frame_ns;
    uint32_t htotal, hde;          /* character clocks */
    uint32_t vde, vrs, vrl;        /* scan lines */
} VgaTiming;

static void crtc_timing(const Vga *v, VgaTiming *t)
{
    uint32_t dots = (v->sr[SR_CLOCKING_MODE] & SR01_8DOT) ? 8 : 9;
    if (v->sr[SR_CLOCKING_MODE] & SR01_DOT_CLOCK_DIV2)
        dots *= 2;
    /* Misc Output bits 2-3: 00 = 25.175 MHz, 01 = 28.322 MHz. */
    uint64_t hz = (v->misc & 0x0C) == 0x04 ? VGA_DOT_CLOCK_28 : VGA_DOT_CLOCK_25;
    t->htotal = v->cr[CR_HORIZONTAL_TOTAL] + 5u;
    t->hde = v->cr[CR_HORIZONTAL_DISPLAY_END] + 1u;
    t->line_ns = (uint64_t)t->htotal * dots * NS_PER_SEC / hz;
    uint8_t ov = v->cr[CR_OVERFLOW];
    uint32_t vtotal = (v->cr[CR_VERTICAL_TOTAL] | (ov & 0x01u) << 8 | (ov & 0x20u) << 4) + 2;
    t->vde = vertical_display_end(v);
    t->vrs = v->cr[CR_VERTICAL_RETRACE_START] | (ov & 0x04u) << 6 | (ov & 0x80u) << 2;
    /* CR11 bits 0-3 hold the low 4 bits of the line where retrace ends. */
    t->vrl = (v->cr[CR_VERTICAL_RETRACE_END] - t->vrs) & 0x0F;
    if (t->vrl == 0)
        t->vrl = 16;
    if (t->vde >= vtotal || t->vrs >= vtotal || t->hde > t->htotal || t->line_ns < 1000) {
        /* Not a usable timing (e.g. the power-on zeros): behave like the
         * 70 Hz, 449-line, 400-visible-line frame of the text modes. */
        t->htotal = 100, t->hde = 80, t->line_ns = 31778;
        vtotal = 449, t->vde = 400, t->vrs = 412, t->vrl = 2;
    }
    t->frame_ns = t->line_ns * vtotal;
}

/* Input Status 1: bit 0 display disabled (any blanking), bit 3 vertical retrace. */
static uint8_t input_status1(const Vga *v)
{
    VgaTiming t;
    crtc_timing(v, &t);
    uint64_t in_frame = clock_now_ns(machine_clock(v->m)) % t.frame_ns;
    uint64_t line = in_frame / t.line_ns;
    uint64_t in_line = in_frame % t.line_ns;
    bool retrace = line >= t.vrs && line < (uint64_t)t.vrs + t.vrl;
    bool hblank = in_line * t.htotal >= t.line_ns * t.hde;
    return (uint8_t)((line >= t.vde || hblank ? 0x01 : 0) | (retrace ? 0x08 : 0));
}

/*
 * Memory address the CRTC fetches for address counter 'counter' on row scan
 * line 'rs': CR14 bit 6 doubleword mode rotates left by 2, CR17 bit 6 = 0
 * word mode rotates left by 1 (bit 13 or 15 into bit 0, per CR17 bit 5), and
 * CR17 bits 0/1 = 0 put row scan bits 0/1 on address bits 13/14 (CGA banks).
 */
static uint32_t scan_address(const Vga *v, uint32_t counter, uint32_t rs)
{
    uint8_t mode = v->cr[CR_MODE_CONTROL];
    uint32_t a;
    counter &= 0xFFFF;
    if (v->cr[CR_UNDERLINE_LOCATION] & CR14_DOUBLEWORD)
        a = counter << 2 | counter >> 14;
    else if (!(mode & CR17_WORD_BYTE))
        a = counter << 1 | ((counter >> ((mode & 0x20) ? 15 : 13)) & 1);
    else
        a = counter;
    if (!(mode & 0x01))
        a = (a & ~0x2000u) | (rs & 1) << 13;
    if (!(mode & 0x02))
        a = (a & ~0x4000u) | (rs & 2) << 13;
    return a & 0xFFFF;
}

/* ---- Display memory: the host side ---------------------------------------- */
/* Offset inside the window GR06 bits 2-3 select, or -1 if the window does not
 * decode this address (A0000 128K, A0000 64K, B0000 32K, B8000 32K). */
static int32_t window_offset(const Vga *v, uint32_t off)
{
    if (!(v->misc & MISC_RAM_ENABLE) || off >= VGA_MEM_SIZE)
        return -1;
    switch ((v->gr[GR_MISC] >> 2) & 3) {
    case 0:  return (int32_t)off;
    case 1:  return off < 0x10000 ? (int32_t)off : -1;
    case 2:  return off >= 0x10000 && off < 0x18000 ? (int32_t)(off - 0x10000) : -1;
    default: return off >= 0x18000 ? (int32_t)(off - 0x18000) : -1;
    }
}

static uint8_t vram_read(Vga *v, uint32_t a)
{
    unsigned plane;
    uint32_t pa;
    if (v->sr[SR_MEMORY_MODE] & SR04_CHAIN4) {
        plane = a & 3, pa = a & ~3u;
    } else if (v->gr[GR_MODE] & GR05_HOST_ODD_EVEN) {
        /* Odd/even: A0 picks the odd or even map of the pair GR04 bit 1 selects. */
        plane = (v->gr[GR_READ_MAP_SELECT] & 2) | (a & 1), pa = a & ~1u;
    } else {
        plane = v->gr[GR_READ_MAP_SELECT] & 3, pa = a;
    }
    pa &= VGA_PLANE_SIZE - 1;
    for (unsigned p = 0; p < 4; p++)
        v->latch[p] = v->vram[p * VGA_PLANE_SIZE + pa];
    if (!(v->gr[GR_MODE] & GR05_READ_MODE1))
        return v->latch[plane];
    /* Read mode 1: a 1 where the pixel's colour matches Color Compare in
     * every plane that Color Don't Care enables. */
    uint8_t match = 0xFF;
    for (unsigned p = 0; p < 4; p++) {
        if (!(v->gr[GR_COLOR_DONT_CARE] >> p & 1))
            continue;
        uint8_t want = (v->gr[GR_COLOR_COMPARE] >> p & 1) ? 0xFF : 0x00;
        match &= (uint8_t)~(v->latch[p] ^ want);
    }
    return match;
}

static uint8_t alu(uint8_t val, uint8_t latch, unsigned function)
{
    switch (function) {
    case 1:  return val & latch;
    case 2:  return val | latch;
    case 3:  return val ^ latch;
    default: return val;
    }
}

static void vram_write(Vga *v, uint32_t a, uint8_t d)
{
    uint8_t planes = v->sr[SR_MAP_MASK] & 0x0F;
    uint32_t pa = a;
    if (v->sr[SR_MEMORY_MODE] & SR04_CHAIN4)
        planes &= (uint8_t)(1u << (a & 3)), pa = a & ~3u;
    else if (!(v->sr[SR_MEMORY_MODE] & SR04_ODD_EVEN_DIS))
        planes &= (a & 1) ? 0x0A : 0x05, pa = a & ~1u;
    pa &= VGA_PLANE_SIZE - 1;

    unsigned mode = v->gr[GR_MODE] & 3;
    unsigned rot = v->gr[GR_DATA_ROTATE] & 7;
    unsigned function = (v->gr[GR_DATA_ROTATE] >> 3) & 3;
    uint8_t sr = v->gr[GR_SET_RESET], esr = v->gr[GR_ENABLE_SET_RESET];
    uint8_t rotated = (uint8_t)(d >> rot | d << ((8 - rot) & 7));
    uint8_t mask = v->gr[GR_BIT_MASK];
    if (mode == 3)
        mask &= rotated;   /* write mode 3: rotated data ANDed into the bit mask */
    for (unsigned p = 0; p < 4; p++) {
        if (!(planes >> p & 1))
            continue;
        uint8_t latch = v->latch[p], val;
        switch (mode) {
        case 0:  val = (esr >> p & 1) ? ((sr >> p & 1) ? 0xFF : 0) : rotated; break;
        case 1:  v->vram[p * VGA_PLANE_SIZE + pa] = latch; continue;
        case 2:  val = (d >> p & 1) ? 0xFF : 0; break;
        default: val = (sr >> p & 1) ? 0xFF : 0; break;
        }
        val = alu(val, latch, function);
        v->vram[p * VGA_PLANE_SIZE + pa] = (uint8_t)((val & mask) | (latch & ~mask));
    }
}

static uint32_t vga_mem_read(void *dev, uint32_t off, unsigned size)
{
    Vga *v = dev;
    int32_t a = window_offset(v, off);
    return a < 0 ? 0xFF : vram_read(v, (uint32_t)a);
}

static void vga_mem_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Vga *v = dev;
    int32_t a = window_offset(v, off);
    if (a < 0)
        return;
    vram_write(v, (uint32_t)a, (uint8_t)val);
    v->dirty = true;
}

static const IoOps vga_mem_ops = { vga_mem_read, vga_mem_write, 1 };

/* ---- Guest-visible registers ---------------------------------------------- */
/* The CRTC index/data and Input Status 1 answer at 0x3Bx or 0x3Dx only. */
static bool port_decoded(const Vga *v, uint32_t port)
{
    switch (port) {
    case 0x3B4: case 0x3B5: case 0x3BA: return !(v->misc & MISC_IOAS);
    case 0x3D4: case 0x3D5: case 0x3DA: return v->misc & MISC_IOAS;
    default: return true;
    }
}

static void crtc_write(Vga *v, uint8_t b)
{
    uint8_t i = v->cr_index;
    if (i >= CR_COUNT)
        return;
    if (i <= CR_OVERFLOW && (v->cr[CR_VERTICAL_RETRACE_END] & 0x80)) {
        /* CR11 bit 7 protects CR00-CR07, except CR07 bit 4 (line compare bit 8). */
        if (i == CR_OVERFLOW)
            v->cr[i] = (uint8_t)((v->cr[i] & ~0x10) | (b & 0x10));
        return;
    }
    v->cr[i] = b;
}

static void attr_write(Vga *v, uint8_t b)
{
    if (!v->ar_data_next) {
        v->ar_index = b & 0x3F;
    } else {
        uint8_t i = v->ar_index & 0x1F;
        if (i < AR_COUNT)
            v->ar[i] = i < 0x10 ? (b & 0x3F) : b;   /* palette entries are 6 bits */
    }
    v->ar_data_next = !v->ar_data_next;
}

static void dac_data_write(Vga *v, uint8_t b)
{
    v->dac_write_rgb[v->dac_write_sub % 3] = b & 0x3F;
    if (++v->dac_write_sub >= 3) {
        memcpy(&v->dac[v->dac_write_index * 3], v->dac_write_rgb, 3);
        v->dac_write_index++;
        v->dac_write_sub = 0;
    }
}

static uint8_t dac_data_read(Vga *v)
{
    uint8_t b = v->dac[v->dac_read_index * 3 + v->dac_read_sub % 3];
    if (++v->dac_read_sub >= 3) {
        v->dac_read_index++;
        v->dac_read_sub = 0;
    }
    return b;
}

static uint32_t vga_port_read(void *dev, uint32_t off, unsigned size)
{
    Vga *v = dev;
    uint32_t port = VGA_PORT_BASE + off;
    if (!port_decoded(v, port))
        return 0xFF;
    switch (port) {
    case 0x3B4: case 0x3D4: return v->cr_index;
    case 0x3B5: case 0x3D5: return v->cr_index < CR_COUNT ? v->cr[v->cr_index] : 0xFF;
    case 0x3BA: case 0x3DA:
        v->ar_data_next = false;   /* reading Input Status 1 resets the flip-flop */
        return input_status1(v);
    case 0x3C0: return v->ar_index;
    case 0x3C1: return (v->ar_index & 0x1F) < AR_COUNT ? v->ar[v->ar_index & 0x1F] : 0xFF;
    case 0x3C2: return 0x00;       /* Input Status 0: no retrace IRQ, sense 0 */
    case 0x3C4: return v->sr_index;
    case 0x3C5: return v->sr_index < SR_COUNT ? v->sr[v->sr_index] : 0xFF;
    case 0x3C6: return v->dac_mask;
    case 0x3C7: return v->dac_state;
    case 0x3C8: return v->dac_write_index;
    case 0x3C9: return dac_data_read(v);
    case 0x3CA: return v->fcr;
    case 0x3CC: return v->misc;
    case 0x3CE: return v->gr_index;
    case 0x3CF: return v->gr_index < GR_COUNT ? v->gr[v->gr_index] : 0xFF;
    default:
        LOG(LOG_UNIMP, "vga: read from port %#x\n", port);
        return 0xFF;
    }
}

static void vga_port_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Vga *v = dev;
    uint32_t port = VGA_PORT_BASE + off;
    uint8_t b = (uint8_t)val;
    if (!port_decoded(v, port))
        return;
    v->dirty = true;
    switch (port) {
    case 0x3B4: case 0x3D4: v->cr_index = b & 0x1F; break;
    case 0x3B5: case 0x3D5: crtc_write(v, b); break;
    case 0x3BA: case 0x3DA: v->fcr = b; break;
    case 0x3C0: attr_write(v, b); break;
    case 0x3C2: v->misc = b; break;
    case 0x3C4: v->sr_index = b & 0x07; break;
    case 0x3C5: if (v->sr_index < SR_COUNT) v->sr[v->sr_index] = b; break;
    case 0x3C6: v->dac_mask = b; break;
    case 0x3C7: v->dac_read_index = b, v->dac_read_sub = 0, v->dac_state = 3; break;
    case 0x3C8: v->dac_write_index = b, v->dac_write_sub = 0, v->dac_state = 0; break;
    case 0x3C9: dac_data_write(v, b); break;
    case 0x3CE: v->gr_index = b & 0x0F; break;
    case 0x3CF: if (v->gr_index < GR_COUNT) v->gr[v->gr_index] = b; break;
    default:
        LOG(LOG_UNIMP, "vga: write %#x to port %#x\n", b, port);
        break;
    }
}

static const IoOps vga_port_ops = { vga_port_read, vga_port_write, 1 };

/* ---- Text screen ----------------------------------------------------------- */
typedef struct TextGeometry {
    int cols, rows, char_height;
    uint32_t pitch;                /* address counter step per character row */
} TextGeometry;

static void text_geometry(const Vga *v, TextGeometry *g)
{
    uint32_t lines = vertical_display_end(v);
    if (v->cr[CR_MAXIMUM_SCAN_LINE] & 0x80)      /* double scan */
        lines /= 2;
    g->char_height = (v->cr[CR_MAXIMUM_SCAN_LINE] & 0x1F) + 1;
    g->cols = v->cr[CR_HORIZONTAL_DISPLAY_END] + 1;
    if (g->cols > VGA_TEXT_MAX_COLS)
        g->cols = VGA_TEXT_MAX_COLS;
    g->rows = (int)(lines / (uint32_t)g->char_height);
    if (g->rows > VGA_TEXT_MAX_ROWS)
        g->rows = VGA_TEXT_MAX_ROWS;
    if (g->rows < 1)
        g->rows = 1;
    g->pitch = 2u * v->cr[CR_OFFSET];
}

bool vga_get_text(Vga *v, VgaText *out)
{
    if (v->ar[AR_MODE_CONTROL] & AR10_GRAPHICS)
        return false;
    TextGeometry g;
    text_geometry(v, &g);
    uint32_t start = start_address(v);
    memset(out, 0, sizeof *out);
    out->cols = g.cols, out->rows = g.rows, out->char_height = g.char_height;
    for (int r = 0; r < g.rows; r++) {
        for (int c = 0; c < g.cols; c++) {
            uint32_t a = scan_address(v, start + (uint32_t)r * g.pitch + (uint32_t)c, 0);
            out->cells[r * g.cols + c] =
                (uint16_t)(v->vram[a] | v->vram[VGA_PLANE_SIZE + a] << 8);
        }
    }
    uint32_t cursor = (uint32_t)v->cr[CR_CURSOR_LOCATION_HIGH] << 8 | v->cr[CR_CURSOR_LOCATION_LOW];
    uint32_t rel = (cursor - start) & 0xFFFF;
    out->cursor_y = g.pitch ? (int)(rel / g.pitch) : 0;
    out->cursor_x = g.pitch ? (int)(rel % g.pitch) : (int)rel;
    out->cursor_start = v->cr[CR_CURSOR_START] & 0x1F;
    out->cursor_end = v->cr[CR_CURSOR_END] & 0x1F;
    /* CR0A bit 5 turns the cursor off; so does a start line below the end. */
    out->cursor_visible = !(v->cr[CR_CURSOR_START] & 0x20) && out->cursor_start <= out->cursor_end &&
                          out->cursor_x < g.cols && out->cursor_y < g.rows;
    return true;
}

/* ---- Rendering ---------------------------------------------------------------- */
static uint32_t dac_colour(const Vga *v, uint8_t index)
{
    const uint8_t *c = &v->dac[(index & v->dac_mask) * 3];
    /* 6-bit DAC levels widened to 8 bits, 63 -> 255. */
    uint32_t r = (uint32_t)(c[0] << 2 | c[0] >> 4), g = (uint32_t)(c[1] << 2 | c[1] >> 4);
    uint32_t b = (uint32_t)(c[2] << 2 | c[2] >> 4);
    return r << 16 | g << 8 | b;
}

/* A 4-bit pixel through Color Plane Enable, the palette and Color Select. */
static uint32_t attr_colour(const Vga *v, unsigned pixel)
{
    uint8_t p = v->ar[pixel & v->ar[AR_COLOR_PLANE_ENABLE] & 0x0F] & 0x3F;
    if (v->ar[AR_MODE_CONTROL] & AR10_P54_SELECT)
        p = (uint8_t)((p & 0x0F) | (v->ar[AR_COLOR_SELECT] & 0x03) << 4);
    p |= (uint8_t)((v->ar[AR_COLOR_SELECT] & 0x0C) << 4);
    return dac_colour(v, p);
}

static uint32_t *fb_resize(Vga *v, int w, int h)
{
    size_t need = (size_t)w * (size_t)h;
    if (need > v->fb_cap) {
        v->fb = xrealloc(v->fb, need * sizeof *v->fb);
        v->fb_cap = need;
    }
    v->fb_w = w, v->fb_h = h;
    return v->fb;
}

/* Font offset in plane 2 for character map value m (SR03): 0,16,32,48 KiB + 8 KiB * bit 2. */
static uint32_t font_base(unsigned m)
{
    return (m & 3) * 0x4000u + (m >> 2) * 0x2000u;
}

static void render_text_line(Vga *v, uint32_t *row, uint32_t counter, uint32_t rs,
                             int cols, int phase)
{
    uint8_t sr3 = v->sr[SR_CHAR_MAP_SELECT], ar10 = v->ar[AR_MODE_CONTROL];
    uint32_t map_a = font_base(((sr3 >> 2) & 3) | ((sr3 >> 3) & 4));
    uint32_t map_b = font_base((sr3 & 3) | ((sr3 >> 2) & 4));
    unsigned dots = (v->sr[SR_CLOCKING_MODE] & SR01_8DOT) ? 8 : 9;
    unsigned wide = (v->sr[SR_CLOCKING_MODE] & SR01_DOT_CLOCK_DIV2) ? 2 : 1;
    uint32_t cursor = (uint32_t)v->cr[CR_CURSOR_LOCATION_HIGH] << 8 | v->cr[CR_CURSOR_LOCATION_LOW];
    unsigned cs = v->cr[CR_CURSOR_START] & 0x1F, ce = v->cr[CR_CURSOR_END] & 0x1F;
    bool cursor_line = !(v->cr[CR_CURSOR_START] & 0x20) && rs >= cs && rs <= ce && (phase & 1);
    bool underline = rs == (v->cr[CR_UNDERLINE_LOCATION] & 0x1Fu);
    const uint8_t *font = v->vram + 2 * VGA_PLANE_SIZE;
    for (int c = 0; c < cols; c++) {
        uint32_t a = scan_address(v, counter + (uint32_t)c, rs);
        uint8_t ch = v->vram[a], at = v->vram[VGA_PLANE_SIZE + a];
        unsigned fg = at & 0x0F, bg = at >> 4;
        if (ar10 & AR10_BLINK) {
            /* AR10 bit 3: attribute bit 7 blinks instead of brightening. */
            bg &= 7;
            if ((at & 0x80) && !(phase & 2))
                fg = bg;
        }
        /* Attribute bit 3 picks map A (1) or map B (0) when SR03 gives two fonts. */
        uint32_t glyph = ((at & 0x08) ? map_a : map_b) + ch * 32u + rs;
        unsigned bits = rs < 32 ? font[glyph & (VGA_PLANE_SIZE - 1)] : 0;
        /* Bits 8-1 are the 8 dots; bit 0 the 9th: a copy of the 8th for the
         * line-graphics codes C0-DF when AR10 bit 2 asks for it. */
        bits <<= 1;
        if ((ar10 & AR10_LINE_GRAPHICS) && ch >= 0xC0 && ch <= 0xDF)
            bits |= (bits >> 1) & 1;
        if ((underline && (at & 0x77) == 0x01) ||
            (cursor_line && ((counter + (uint32_t)c) & 0xFFFF) == cursor))
            bits = 0x1FF;
        uint32_t fgc = attr_colour(v, fg), bgc = attr_colour(v, bg);
        for (unsigned x = 0; x < dots; x++) {
            uint32_t px = (bits >> (8 - x)) & 1 ? fgc : bgc;
            for (unsigned k = 0; k < wide; k++)
                *row++ = px;
        }
    }
}

static void render_graphics_line(Vga *v, uint32_t *row, uint32_t counter, uint32_t rs, int chars)
{
    uint8_t mode = v->gr[GR_MODE];
    for (int c = 0; c < chars; c++) {
        uint32_t a = scan_address(v, counter + (uint32_t)c, rs);
        uint8_t p0 = v->vram[a], p1 = v->vram[VGA_PLANE_SIZE + a];
        uint8_t p2 = v->vram[2 * VGA_PLANE_SIZE + a], p3 = v->vram[3 * VGA_PLANE_SIZE + a];
        if (mode & GR05_SHIFT_256) {
            /* 256-colour shift: one byte per pixel, planes 0-3 in turn, straight to the DAC. */
            *row++ = dac_colour(v, p0), *row++ = dac_colour(v, p1);
            *row++ = dac_colour(v, p2), *row++ = dac_colour(v, p3);
        } else if (mode & GR05_SHIFT_CGA) {
            /* CGA interleave: 2-bit pixels, four from plane 0 then four from plane 1. */
            for (unsigned i = 0; i < 8; i++) {
                uint8_t src = i < 4 ? p0 : p1;
                *row++ = attr_colour(v, (src >> (6 - 2 * (i & 3))) & 3);
            }
        } else {
            for (int bit = 7; bit >= 0; bit--) {
                unsigned px = (p0 >> bit & 1) | (p1 >> bit & 1) << 1 |
                              (p2 >> bit & 1) << 2 | (p3 >> bit & 1) << 3;
                *row++ = attr_colour(v, px);
            }
        }
    }
}

/*
 * Walk the scan lines the way the CRTC does: the row scan counter runs to
 * CR09's maximum scan line, then the row start address advances by the
 * offset; double scan shows each line twice; line compare restarts at 0.
 * Graphics modes emit one line per distinct memory line (320x200 for mode
 * 13h), text modes every scan line.
 */
static void render_frame(Vga *v, int phase)
{
    bool text = !(v->ar[AR_MODE_CONTROL] & AR10_GRAPHICS);
    uint8_t sr1 = v->sr[SR_CLOCKING_MODE], cr9 = v->cr[CR_MAXIMUM_SCAN_LINE];
    int chars = v->cr[CR_HORIZONTAL_DISPLAY_END] + 1;
    uint32_t lines = vertical_display_end(v), maxscan = cr9 & 0x1Fu;
    bool dscan = cr9 & 0x80;
    uint32_t step = 1;
    int w;
    if (text) {
        if (chars > VGA_TEXT_MAX_COLS)
            chars = VGA_TEXT_MAX_COLS;
        w = chars * ((sr1 & SR01_8DOT) ? 8 : 9) * ((sr1 & SR01_DOT_CLOCK_DIV2) ? 2 : 1);
    } else {
        w = chars * ((v->gr[GR_MODE] & GR05_SHIFT_256) ? 4 : 8);
        step = dscan ? 2 : 1;
        if ((v->cr[CR_MODE_CONTROL] & 3) == 3)   /* rows repeat identical lines */
            step *= maxscan + 1;
    }
    int h = (int)(lines / step);
    if (w < 64 || h < 64 || w > VGA_FB_MAX_W) {
        /* CRTC not programmed for a picture: a black 640x400 screen. */
        memset(fb_resize(v, 640, 400), 0, 640 * 400 * sizeof(uint32_t));
        return;
    }
    uint32_t *fb = fb_resize(v, w, h);
    if (!(v->ar_index & AR_INDEX_PAS) || (sr1 & SR01_SCREEN_OFF)) {
        /* Palette address source 0 or screen off: the display is blanked. */
        memset(fb, 0, (size_t)w * (size_t)h * sizeof *fb);
        return;
    }
    uint32_t row_start = start_address(v), rs = 0, lc = line_compare(v), pitch = 2u * v->cr[CR_OFFSET];
    bool second = false;
    int y = 0;
    for (uint32_t sl = 0; sl < lines && y < h; sl++) {
        if (sl == lc + 1)
            row_start = 0, rs = 0, second = false;
        if (sl % step == 0) {
            uint32_t *row = fb + (size_t)y * (size_t)w;
            if (text)
                render_text_line(v, row, row_start, rs, chars, phase);
            else
                render_graphics_line(v, row, row_start, rs, chars);
            y++;
        }
        if (dscan && (second = !second))
            continue;
        if (rs >= maxscan)
            rs = 0, row_start += pitch;
        else
            rs++;
    }
    for (; y < h; y++)
        memset(fb + (size_t)y * (size_t)w, 0, (size_t)w * sizeof *fb);
}

bool vga_render(Vga *v, const uint32_t **pixels, int *width, int *height, int *stride)
{
    VgaTiming t;
    crtc_timing(v, &t);
    uint64_t frame = clock_now_ns(machine_clock(v->m)) / t.frame_ns;
    /* Bit 0: cursor, toggling every 8 frames; bit 1: blinking characters,
     * every 16 frames (the VGA divides vertical sync by 16 and 32). */
    int phase = (int)((frame >> 3) & 3) ^ 3;
    bool text = !(v->ar[AR_MODE_CONTROL] & AR10_GRAPHICS);
    bool changed = v->dirty || !v->fb || (text && phase != v->last_phase);
    if (changed) {
        render_frame(v, phase);
        v->dirty = false;
        v->last_phase = phase;
    }
    *pixels = v->fb;
    *width = v->fb_w, *height = v->fb_h, *stride = v->fb_w;
    return changed;
}

uint8_t *vga_vram(Vga *v)
{
    return v->vram;
}

/* ---- Lifecycle ------------------------------------------------------------- */
static void vga_reset(void *dev)
{
    Vga *v = dev;
    /* Registers power up cleared; display memory keeps its contents. */
    size_t regs = offsetof(Vga, vram);
    memset(v, 0, regs);
    /* The pixel mask is the one register left all ones, so a BIOS that
     * never touches it still sees its colours. */
    v->dac_mask = 0xFF;
    v->dirty = true;
    v->last_phase = -1;
}

static void vga_post_load(void *dev)
{
    Vga *v = dev;
    v->dac_read_sub %= 3;
    v->dac_write_sub %= 3;
    v->dirty = true;
    v->last_phase = -1;
}

static void vga_destroy(void *dev)
{
    Vga *v = dev;
    free(v->fb);
    free(v);
}

static const DeviceInfo vga_info = {
    .name = "vga", .version = 1, .state = vga_fields,
    .reset = vga_reset, .post_load = vga_post_load, .destroy = vga_destroy,
};

Vga *vga_create(Machine *m)
{
    Vga *v = xzalloc(sizeof *v);
    v->m = m;
    vga_reset(v);
    io_region_init(&v->io, "vga", &vga_port_ops, v);
    io_map(machine_io(m), &v->io, VGA_PORT_BASE, VGA_PORT_COUNT);
    io_region_init(&v->mem, "vga-mem", &vga_mem_ops, v);
    io_map(machine_mem(m), &v->mem, VGA_MEM_BASE, VGA_MEM_SIZE);
    machine_add(m, &vga_info, v);
    return v;
}
