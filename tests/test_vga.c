/*
 * tests/test_vga.c - the VGA through its ports and memory window: odd/even
 * text, cursor, font loading into plane 2 and text rendering, the planar
 * write/read modes with latches, DAC and attribute flip-flops, memory map
 * select, retrace timing, graphics rendering, state table, register fuzz.
 */
#include <check.h>

#include "hw/vga.h"
#include "hw/vgafont.h"
#include "tests/bench.h"

#define PLANE 0x10000

/* Standard register sets (IBM VGA BIOS mode tables). */
typedef struct ModeRegs {
    uint8_t misc, seq[5], crtc[25], gc[9], ac[21];
} ModeRegs;

static const ModeRegs mode3 = {
    0x67, { 0x03, 0x00, 0x03, 0x00, 0x02 },
    { 0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00,
      0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D,
      0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00 },
};

static const ModeRegs mode13 = {
    0x63, { 0x03, 0x01, 0x0F, 0x00, 0x0E },
    { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x9C, 0x0E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,
      0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00 },
};

static const ModeRegs mode12 = {
    0xE3, { 0x03, 0x01, 0x0F, 0x00, 0x06 },
    { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0F, 0xFF },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D,
      0x3E, 0x3F, 0x01, 0x00, 0x0F, 0x00, 0x00 },
};

static void set_mode(Bench *b, const ModeRegs *r)
{
    bench_out8(b, 0x3C2, r->misc);
    for (int i = 0; i < 5; i++)
        bench_out(b, 0x3C4, (uint32_t)(i | r->seq[i] << 8), 2);
    bench_out(b, 0x3D4, 0x0011, 2);                 /* unlock CR00-CR07 */
    for (int i = 0; i < 25; i++)
        bench_out(b, 0x3D4, (uint32_t)(i | r->crtc[i] << 8), 2);
    for (int i = 0; i < 9; i++)
        bench_out(b, 0x3CE, (uint32_t)(i | r->gc[i] << 8), 2);
    (void)bench_in8(b, 0x3DA);
    for (int i = 0; i < 21; i++) {
        bench_out8(b, 0x3C0, (uint8_t)i);
        bench_out8(b, 0x3C0, r->ac[i]);
    }
    bench_out8(b, 0x3C0, 0x20);                     /* palette address source: display on */
    bench_out8(b, 0x3C6, 0xFF);
}

static void set_dac(Bench *b, uint8_t index, uint8_t r, uint8_t g, uint8_t bl)
{
    bench_out8(b, 0x3C8, index);
    bench_out8(b, 0x3C9, r);
    bench_out8(b, 0x3C9, g);
    bench_out8(b, 0x3C9, bl);
}

static void mem_w8(Bench *b, uint32_t phys, uint8_t v) { mem_write(machine_mem(bench_machine(b)), phys, v, 1); }
static uint8_t mem_r8(Bench *b, uint32_t phys) { return (uint8_t)mem_read(machine_mem(bench_machine(b)), phys, 1); }

static void put_text(Bench *b, uint32_t cell, const char *s, uint8_t attr)
{
    for (; *s; s++, cell++)
        mem_write(machine_mem(bench_machine(b)), 0xB8000 + cell * 2, (uint32_t)(uint8_t)*s | attr << 8, 2);
}

static void load_font(Bench *b)
{
    /* The BIOS sequence: plane 2 only, sequential, A0000, then restore. */
    bench_out(b, 0x3C4, 0x0402, 2);
    bench_out(b, 0x3C4, 0x0704, 2);
    bench_out(b, 0x3CE, 0x0204, 2);
    bench_out(b, 0x3CE, 0x0005, 2);
    bench_out(b, 0x3CE, 0x0406, 2);
    for (int ch = 0; ch < 256; ch++)
        for (int l = 0; l < 16; l++)
            mem_w8(b, 0xA0000 + (uint32_t)ch * 32 + (uint32_t)l, vgafont_8x16[ch * 16 + l]);
    bench_out(b, 0x3C4, 0x0302, 2);
    bench_out(b, 0x3C4, 0x0304, 2);
    bench_out(b, 0x3CE, 0x0004, 2);
    bench_out(b, 0x3CE, 0x1005, 2);
    bench_out(b, 0x3CE, 0x0E06, 2);
}

START_TEST(text_odd_even_and_start_address)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    set_mode(b, &mode3);
    put_text(b, 0, "Hello", 0x1E);
    put_text(b, 80, "World", 0x07);
    uint8_t *vram = vga_vram(v);
    ck_assert_uint_eq(vram[0], 'H');                /* plane 0: characters */
    ck_assert_uint_eq(vram[PLANE], 0x1E);           /* plane 1: attributes */
    ck_assert_uint_eq(vram[2], 'e');
    ck_assert_uint_eq(mem_r8(b, 0xB8002), 'e');
    ck_assert_uint_eq(mem_r8(b, 0xB8003), 0x1E);
    static VgaText t;
    ck_assert(vga_get_text(v, &t));
    ck_assert_int_eq(t.cols, 80);
    ck_assert_int_eq(t.rows, 25);
    ck_assert_int_eq(t.char_height, 16);
    ck_assert_uint_eq(t.cells[0], 'H' | 0x1E << 8);
    ck_assert_uint_eq(t.cells[80 + 4], 'd' | 0x07 << 8);
    /* Start address 80: row 1 scrolls to the top. */
    bench_out(b, 0x3D4, 0x000C, 2);
    bench_out(b, 0x3D4, 0x500D, 2);
    ck_assert(vga_get_text(v, &t));
    ck_assert_uint_eq(t.cells[0], 'W' | 0x07 << 8);
    /* Offset register 0x50: 160 characters per row. */
    bench_out(b, 0x3D4, 0x000D, 2);
    bench_out(b, 0x3D4, 0x5013, 2);
    put_text(b, 160, "Row", 0x07);
    ck_assert(vga_get_text(v, &t));
    ck_assert_uint_eq(t.cells[80], 'R' | 0x07 << 8);
    /* Graphics mode: no text screen. */
    set_mode(b, &mode13);
    ck_assert(!vga_get_text(v, &t));
    bench_free(b);
}
END_TEST

START_TEST(cursor_from_crtc)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    set_mode(b, &mode3);
    uint16_t pos = 3 * 80 + 5;
    bench_out(b, 0x3D4, (uint32_t)(0x0E | (pos >> 8) << 8), 2);
    bench_out(b, 0x3D4, (uint32_t)(0x0F | (pos & 0xFF) << 8), 2);
    static VgaText t;
    ck_assert(vga_get_text(v, &t));
    ck_assert_int_eq(t.cursor_x, 5);
    ck_assert_int_eq(t.cursor_y, 3);
    ck_assert(t.cursor_visible);
    ck_assert_int_eq(t.cursor_start, 13);
    ck_assert_int_eq(t.cursor_end, 14);
    bench_out(b, 0x3D4, 0x2D0A, 2);                 /* CR0A bit 5: cursor off */
    ck_assert(vga_get_text(v, &t));
    ck_assert(!t.cursor_visible);
    ck_assert_uint_eq(bench_in8(b, 0x3D5), 0x2D);
    bench_free(b);
}
END_TEST

START_TEST(font_load_and_text_render)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    const uint32_t *px;
    int w, h, stride;
    /* Power-on registers and an empty plane 2 must render without trouble. */
    ck_assert(vga_render(v, &px, &w, &h, &stride));
    ck_assert_int_eq(w, 640);
    ck_assert_int_eq(h, 400);
    set_mode(b, &mode3);
    ck_assert(vga_render(v, &px, &w, &h, &stride));
    load_font(b);
    ck_assert_uint_eq(vga_vram(v)[2 * PLANE + 'A' * 32 + 5], vgafont_8x16['A' * 16 + 5]);
    set_dac(b, 0x00, 0, 0, 0);
    set_dac(b, 0x07, 42, 42, 42);
    set_dac(b, 0x3F, 63, 63, 63);
    put_text(b, 0, "A", 0x07);
    put_text(b, 1, "\xC4", 0x0F);                    /* line graphics: 9th dot copies */
    bench_out(b, 0x3D4, 0x200A, 2);                 /* no cursor */
    ck_assert(vga_render(v, &px, &w, &h, &stride));
    ck_assert_int_eq(w, 720);
    ck_assert_int_eq(h, 400);
    ck_assert_int_eq(stride, 720);
    for (int y = 0; y < 16; y++) {
        uint8_t bits = vgafont_8x16['A' * 16 + y];
        for (int x = 0; x < 8; x++) {
            uint32_t want = (bits >> (7 - x)) & 1 ? 0xAAAAAAu : 0;
            ck_assert_uint_eq(px[y * stride + x] & 0xFFFFFF, want);
        }
        ck_assert_uint_eq(px[y * stride + 8], 0);  /* 9th column of 'A': background */
    }
    /* 0xC4: the horizontal line runs through column 9 as well. */
    for (int y = 0; y < 16; y++) {
        uint32_t want = (vgafont_8x16[0xC4 * 16 + y] & 1) ? 0xFFFFFFu : 0;
        ck_assert_uint_eq(px[y * stride + 9 + 8], want);
    }
    ck_assert(!vga_render(v, &px, &w, &h, &stride));   /* nothing changed */
    /* 8-dot clocking: 640 wide. */
    bench_out(b, 0x3C4, 0x0101, 2);
    ck_assert(vga_render(v, &px, &w, &h, &stride));
    ck_assert_int_eq(w, 640);
    bench_free(b);
}
END_TEST

START_TEST(cursor_and_blink_follow_virtual_time)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    set_mode(b, &mode3);
    load_font(b);
    set_dac(b, 0x07, 42, 42, 42);
    put_text(b, 0, " ", 0x07);
    const uint32_t *px;
    int w, h, stride;
    vga_render(v, &px, &w, &h, &stride);
    /* Cursor at 0,0 on lines 13-14. */
    uint32_t on = px[13 * stride + 2];
    bench_run_ns(b, 8 * 14300000ull);               /* about 8 frames later */
    ck_assert(vga_render(v, &px, &w, &h, &stride));
    uint32_t off = px[13 * stride + 2];
    ck_assert_uint_ne(on, off);
    bench_free(b);
}
END_TEST

/* Planar writes: latches preloaded from offset 0x100, then one write at 0. */
typedef struct PlanarCase {
    uint8_t write_mode, rotate_func, set_reset, enable_sr, bit_mask, map_mask;
    uint8_t latch[4], data, expect[4];
} PlanarCase;

static const PlanarCase planar_cases[] = {
    /* mode 0, plain data */
    { 0, 0x00, 0x0, 0x0, 0xFF, 0xF, { 1, 2, 3, 4 }, 0x5A, { 0x5A, 0x5A, 0x5A, 0x5A } },
    /* mode 0, map mask: planes 1 and 3 keep their old contents (0x11 * p) */
    { 0, 0x00, 0x0, 0x0, 0xFF, 0x5, { 1, 2, 3, 4 }, 0x5A, { 0x5A, 0x11, 0x5A, 0x33 } },
    /* mode 0, set/reset on planes 0 and 2 */
    { 0, 0x00, 0x5, 0x5, 0xFF, 0xF, { 1, 2, 3, 4 }, 0x5A, { 0xFF, 0x5A, 0xFF, 0x5A } },
    /* mode 0, rotate by 4 */
    { 0, 0x04, 0x0, 0x0, 0xFF, 0xF, { 0, 0, 0, 0 }, 0x12, { 0x21, 0x21, 0x21, 0x21 } },
    /* mode 0, bit mask 0x0F keeps latch high nibble */
    { 0, 0x00, 0x0, 0x0, 0x0F, 0xF, { 0xA0, 0xB0, 0xC0, 0xD0 }, 0x05, { 0xA5, 0xB5, 0xC5, 0xD5 } },
    /* mode 0, AND / OR / XOR with latches */
    { 0, 0x08, 0x0, 0x0, 0xFF, 0xF, { 0xF0, 0x0F, 0xFF, 0x00 }, 0x3C, { 0x30, 0x0C, 0x3C, 0x00 } },
    { 0, 0x10, 0x0, 0x0, 0xFF, 0xF, { 0xF0, 0x0F, 0xFF, 0x00 }, 0x3C, { 0xFC, 0x3F, 0xFF, 0x3C } },
    { 0, 0x18, 0x0, 0x0, 0xFF, 0xF, { 0xF0, 0x0F, 0xFF, 0x00 }, 0x3C, { 0xCC, 0x33, 0xC3, 0x3C } },
    /* mode 1: latches copied, data ignored */
    { 1, 0x00, 0x0, 0x0, 0x00, 0xF, { 0x12, 0x34, 0x56, 0x78 }, 0xFF, { 0x12, 0x34, 0x56, 0x78 } },
    /* mode 2: data bits 0-3 fill the planes, bit mask 0xF0 */
    { 2, 0x00, 0x0, 0x0, 0xF0, 0xF, { 0x01, 0x02, 0x03, 0x04 }, 0x09, { 0xF1, 0x02, 0x03, 0xF4 } },
    /* mode 3: set/reset colour, rotated data ANDed with the bit mask */
    { 3, 0x00, 0x6, 0x0, 0xFF, 0xF, { 0x00, 0x00, 0xFF, 0xFF }, 0x0F, { 0x00, 0x0F, 0xFF, 0xF0 } },
    { 3, 0x00, 0xF, 0x0, 0x3C, 0xF, { 0x00, 0x00, 0x00, 0x00 }, 0xF0, { 0x30, 0x30, 0x30, 0x30 } },
};

static void planar_setup(Bench *b)
{
    bench_out8(b, 0x3C2, 0x63);
    bench_out(b, 0x3C4, 0x0604, 2);                 /* sequential, no chain-4 */
    bench_out(b, 0x3CE, 0x0506, 2);                 /* graphics, A0000 64K */
    bench_out(b, 0x3CE, 0x0005, 2);
    bench_out(b, 0x3C4, 0x0F02, 2);                 /* all four planes */
}

START_TEST(planar_write_modes)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    uint8_t *vram = vga_vram(v);
    planar_setup(b);
    for (size_t i = 0; i < ARRAY_SIZE(planar_cases); i++) {
        const PlanarCase *c = &planar_cases[i];
        for (int p = 0; p < 4; p++) {
            vram[p * PLANE + 0x100] = c->latch[p];
            vram[p * PLANE] = (uint8_t)(0x11 * p);
        }
        bench_out(b, 0x3CE, 0x0005, 2);
        (void)mem_r8(b, 0xA0100);                  /* load the latches */
        bench_out(b, 0x3CE, (uint32_t)(0x05 | c->write_mode << 8), 2);
        bench_out(b, 0x3CE, (uint32_t)(0x03 | c->rotate_func << 8), 2);
        bench_out(b, 0x3CE, (uint32_t)(0x00 | c->set_reset << 8), 2);
        bench_out(b, 0x3CE, (uint32_t)(0x01 | c->enable_sr << 8), 2);
        bench_out(b, 0x3CE, (uint32_t)(0x08 | c->bit_mask << 8), 2);
        bench_out(b, 0x3C4, (uint32_t)(0x02 | c->map_mask << 8), 2);
        mem_w8(b, 0xA0000, c->data);
        for (int p = 0; p < 4; p++)
            ck_assert_msg(vram[p * PLANE] == c->expect[p], "case %zu plane %d: %#x != %#x",
                          i, p, vram[p * PLANE], c->expect[p]);
        bench_out(b, 0x3CE, 0x0003, 2);
        bench_out(b, 0x3CE, 0x0001, 2);
        bench_out(b, 0x3CE, 0xFF08, 2);
    }
    bench_free(b);
}
END_TEST

START_TEST(planar_read_modes)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    uint8_t *vram = vga_vram(v);
    planar_setup(b);
    const uint8_t planes[4] = { 0xF0, 0xCC, 0xAA, 0x0F };
    for (int p = 0; p < 4; p++)
        vram[p * PLANE + 0x40] = planes[p];
    for (int p = 0; p < 4; p++) {
        bench_out(b, 0x3CE, (uint32_t)(0x04 | p << 8), 2);
        ck_assert_uint_eq(mem_r8(b, 0xA0040), planes[p]);
    }
    /* Read mode 1: pixel colours per bit are 1,1+4... compute expected. */
    static const struct { uint8_t compare, dont_care; } rm1[] = {
        { 0x0, 0xF }, { 0x5, 0xF }, { 0x3, 0x3 }, { 0x0, 0x0 }, { 0xF, 0x8 },
    };
    bench_out(b, 0x3CE, 0x0805, 2);
    for (size_t i = 0; i < ARRAY_SIZE(rm1); i++) {
        bench_out(b, 0x3CE, (uint32_t)(0x02 | rm1[i].compare << 8), 2);
        bench_out(b, 0x3CE, (uint32_t)(0x07 | rm1[i].dont_care << 8), 2);
        uint8_t want = 0;
        for (int bit = 0; bit < 8; bit++) {
            bool ok = true;
            for (int p = 0; p < 4; p++)
                if ((rm1[i].dont_care >> p & 1) && ((planes[p] >> bit & 1) != (rm1[i].compare >> p & 1)))
                    ok = false;
            want |= (uint8_t)(ok << bit);
        }
        ck_assert_uint_eq(mem_r8(b, 0xA0040), want);
    }
    /* The read loaded the latches: write mode 1 copies all four planes. */
    bench_out(b, 0x3CE, 0x0105, 2);
    mem_w8(b, 0xA0041, 0);
    for (int p = 0; p < 4; p++)
        ck_assert_uint_eq(vram[p * PLANE + 0x41], planes[p]);
    bench_free(b);
}
END_TEST

START_TEST(chain4_and_mode13_render)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    set_mode(b, &mode13);
    set_dac(b, 0x01, 63, 0, 0);
    set_dac(b, 0x02, 0, 63, 0);
    mem_w8(b, 0xA0000 + 5, 1);                      /* pixel (5, 0) */
    mem_w8(b, 0xA0000 + 320 * 10 + 7, 2);           /* pixel (7, 10) */
    ck_assert_uint_eq(vga_vram(v)[1 * PLANE + 4], 1);  /* plane 5&3, offset 5&~3 */
    ck_assert_uint_eq(mem_r8(b, 0xA0005), 1);
    const uint32_t *px;
    int w, h, stride;
    ck_assert(vga_render(v, &px, &w, &h, &stride));
    ck_assert_int_eq(w, 320);
    ck_assert_int_eq(h, 200);
    ck_assert_uint_eq(px[5] & 0xFFFFFF, 0xFF0000);
    ck_assert_uint_eq(px[4] & 0xFFFFFF, 0);
    ck_assert_uint_eq(px[10 * stride + 7] & 0xFFFFFF, 0x00FF00);
    bench_free(b);
}
END_TEST

START_TEST(mode12_planar_render)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    set_mode(b, &mode12);
    set_dac(b, 0x3F, 63, 63, 63);                   /* AR0F -> 0x3F */
    set_dac(b, 0x14, 42, 21, 0);                    /* AR06 -> 0x14 */
    /* Write mode 2: colour 15 at pixel 0, colour 6 at pixel 9 of line 1. */
    bench_out(b, 0x3CE, 0x0205, 2);
    bench_out(b, 0x3CE, 0x8008, 2);
    mem_w8(b, 0xA0000, 15);
    bench_out(b, 0x3CE, 0x4008, 2);
    (void)mem_r8(b, 0xA0000 + 80 + 1);
    mem_w8(b, 0xA0000 + 80 + 1, 6);
    const uint32_t *px;
    int w, h, stride;
    ck_assert(vga_render(v, &px, &w, &h, &stride));
    ck_assert_int_eq(w, 640);
    ck_assert_int_eq(h, 480);
    ck_assert_uint_eq(px[0] & 0xFFFFFF, 0xFFFFFF);
    ck_assert_uint_eq(px[1] & 0xFFFFFF, 0);
    ck_assert_uint_eq(px[stride + 9] & 0xFFFFFF, 0xAA5500);
    bench_free(b);
}
END_TEST

START_TEST(dac_index_cycle)
{
    Bench *b = bench_new(0);
    vga_create(bench_machine(b));
    bench_out8(b, 0x3C8, 5);
    ck_assert_uint_eq(bench_in8(b, 0x3C7) & 3, 0);
    const uint8_t vals[6] = { 1, 2, 3, 0x3F, 0x7F, 0x20 };
    for (int i = 0; i < 6; i++)
        bench_out8(b, 0x3C9, vals[i]);
    ck_assert_uint_eq(bench_in8(b, 0x3C8), 7);
    bench_out8(b, 0x3C7, 5);
    ck_assert_uint_eq(bench_in8(b, 0x3C7) & 3, 3);
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(bench_in8(b, 0x3C9), vals[i] & 0x3F);
    /* A partial write is not committed until the third byte. */
    bench_out8(b, 0x3C8, 9);
    bench_out8(b, 0x3C9, 10);
    bench_out8(b, 0x3C7, 9);
    ck_assert_uint_eq(bench_in8(b, 0x3C9), 0);
    bench_out8(b, 0x3C6, 0xF0);
    ck_assert_uint_eq(bench_in8(b, 0x3C6), 0xF0);
    bench_free(b);
}
END_TEST

START_TEST(attribute_flip_flop)
{
    Bench *b = bench_new(0);
    vga_create(bench_machine(b));
    bench_out8(b, 0x3C2, 0x01);                     /* colour ports */
    (void)bench_in8(b, 0x3DA);
    bench_out8(b, 0x3C0, 0x12);                     /* index */
    bench_out8(b, 0x3C0, 0x0F);                     /* data */
    ck_assert_uint_eq(bench_in8(b, 0x3C1), 0x0F);
    bench_out8(b, 0x3C0, 0x33);                     /* index 0x13 with PAS */
    ck_assert_uint_eq(bench_in8(b, 0x3C0), 0x33);
    (void)bench_in8(b, 0x3DA);                      /* flip-flop back to index */
    bench_out8(b, 0x3C0, 0x14);
    bench_out8(b, 0x3C0, 0x05);
    ck_assert_uint_eq(bench_in8(b, 0x3C1), 0x05);
    bench_out8(b, 0x3C0, 0x12);
    ck_assert_uint_eq(bench_in8(b, 0x3C1), 0x0F);   /* 0x12 untouched by the 0x13 step */
    /* Mono addressing: 0x3DA no longer answers, 0x3BA does. */
    bench_out8(b, 0x3C2, 0x00);
    bench_out8(b, 0x3C0, 0x07);                     /* data for 0x12 */
    ck_assert_uint_eq(bench_in8(b, 0x3D4), 0xFF);
    (void)bench_in8(b, 0x3DA);                      /* not decoded: no reset */
    bench_out8(b, 0x3C0, 0x11);                     /* index (after the data write) */
    bench_out8(b, 0x3C0, 0x2A);
    ck_assert_uint_eq(bench_in8(b, 0x3C1), 0x2A);
    bench_out8(b, 0x3C0, 0x10);                     /* index; the next write would be data */
    (void)bench_in8(b, 0x3BA);
    bench_out8(b, 0x3C0, 0x11);
    ck_assert_uint_eq(bench_in8(b, 0x3C0), 0x11);
    bench_free(b);
}
END_TEST

START_TEST(memory_map_select)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    set_mode(b, &mode3);                            /* B8000 32K */
    mem_w8(b, 0xB8000, 'x');
    ck_assert_uint_eq(mem_r8(b, 0xB8000), 'x');
    ck_assert_uint_eq(mem_r8(b, 0xA0000), 0xFF);
    ck_assert_uint_eq(mem_r8(b, 0xB0000), 0xFF);
    mem_w8(b, 0xA0000, 'y');
    ck_assert_uint_eq(vga_vram(v)[0], 'x');
    static const struct { uint8_t gr6; uint32_t yes, no; } maps[] = {
        { 0x00, 0xB8000, 0 }, { 0x00, 0xA0000, 0 }, { 0x04, 0xA0000, 0xB8000 },
        { 0x04, 0xAFFFE, 0xB0000 }, { 0x08, 0xB0000, 0xB8000 }, { 0x08, 0xB7FFE, 0xA0000 },
        { 0x0C, 0xB8000, 0xB0000 }, { 0x0C, 0xBFFFE, 0xA0000 },
    };
    bench_out(b, 0x3C4, 0x0604, 2);                 /* sequential */
    bench_out(b, 0x3CE, 0x0005, 2);
    bench_out(b, 0x3C4, 0x0102, 2);                 /* plane 0 */
    for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
        bench_out(b, 0x3CE, (uint32_t)(0x06 | maps[i].gr6 << 8), 2);
        mem_w8(b, maps[i].yes, 0x42);
        ck_assert_uint_eq(mem_r8(b, maps[i].yes), 0x42);
        mem_w8(b, maps[i].yes, 0x00);
        if (maps[i].no) {
            mem_w8(b, maps[i].no, 0x42);
            ck_assert_uint_eq(mem_r8(b, maps[i].no), 0xFF);
        }
    }
    /* Misc Output bit 1 clear: the memory is switched off. */
    bench_out8(b, 0x3C2, 0x65);
    ck_assert_uint_eq(mem_r8(b, 0xB8000), 0xFF);
    bench_free(b);
}
END_TEST

START_TEST(retrace_follows_virtual_time)
{
    Bench *b = bench_new(0);
    vga_create(bench_machine(b));
    set_mode(b, &mode3);
    uint64_t rise[3];
    int n = 0, prev = bench_in8(b, 0x3DA) & 8, enabled = 0, disabled = 0;
    for (int i = 0; i < 50000 && n < 3; i++) {
        bench_run_ns(b, 1000);
        uint8_t s = bench_in8(b, 0x3DA);
        if (s & 1) disabled++; else enabled++;
        if ((s & 8) && !prev)
            rise[n++] = bench_now_ns(b);
        prev = s & 8;
        if (s & 8)
            ck_assert(s & 1);                       /* retrace lies in the blanking */
    }
    ck_assert_int_eq(n, 3);
    uint64_t period = rise[2] - rise[1];
    /* 449 lines of 900 dots at 28.322 MHz: 70.09 Hz. */
    ck_assert_uint_ge(period, 14200000);
    ck_assert_uint_le(period, 14350000);
    ck_assert_int_gt(enabled, 0);
    ck_assert_int_gt(disabled, 0);
    bench_free(b);
}
END_TEST

START_TEST(crtc_write_protect)
{
    Bench *b = bench_new(0);
    vga_create(bench_machine(b));
    set_mode(b, &mode3);                            /* CR11 = 0x8E: protected */
    bench_out(b, 0x3D4, 0x2001, 2);
    bench_out8(b, 0x3D4, 0x01);
    ck_assert_uint_eq(bench_in8(b, 0x3D5), 0x4F);
    bench_out(b, 0x3D4, 0x0007, 2);                 /* only bit 4 may change */
    bench_out8(b, 0x3D4, 0x07);
    ck_assert_uint_eq(bench_in8(b, 0x3D5), 0x0F);
    bench_out(b, 0x3D4, 0x0E11, 2);
    bench_out(b, 0x3D4, 0x2001, 2);
    bench_out8(b, 0x3D4, 0x01);
    ck_assert_uint_eq(bench_in8(b, 0x3D5), 0x20);
    /* Registers that do not exist read 0xFF and keep nothing. */
    bench_out(b, 0x3C4, 0x1206, 2);
    ck_assert_uint_eq(bench_in8(b, 0x3C5), 0xFF);
    bench_free(b);
}
END_TEST

START_TEST(state_round_trip)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    set_mode(b, &mode3);
    load_font(b);
    put_text(b, 0, "state", 0x4F);
    set_dac(b, 3, 1, 2, 3);
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(b), 0, &info);
    ck_assert_ptr_eq(dev, v);
    ck_assert_str_eq(info->name, "vga");
    ck_assert(bench_state_roundtrip(info->state, dev, 512 * 1024));
    StateBuf sb = { 0 };
    state_save(info->state, v, &sb);
    machine_reset_devices(bench_machine(b));
    static VgaText t;
    ck_assert(vga_get_text(v, &t));
    ck_assert_int_eq(t.cols, 1);                    /* registers cleared by reset */
    ck_assert_int_eq(state_load(info->state, v, sb.data, sb.len), 0);
    info->post_load(v);
    ck_assert(vga_get_text(v, &t));
    ck_assert_int_eq(t.cols, 80);
    ck_assert_uint_eq(t.cells[1], 't' | 0x4F << 8);
    const uint32_t *px;
    int w, h, stride;
    ck_assert(vga_render(v, &px, &w, &h, &stride));
    statebuf_free(&sb);
    bench_free(b);
}
END_TEST

START_TEST(register_fuzz)
{
    Bench *b = bench_new(0);
    Vga *v = vga_create(bench_machine(b));
    static VgaText t;
    uint32_t x = 0x1234567;
    for (int i = 0; i < 100000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t r = x >> 8;
        switch (r % 8) {
        case 0: case 1: case 2:
            bench_out(b, (uint16_t)(0x3B0 + (r >> 3) % 0x30), r >> 12, 1u << ((r >> 20) % 3));
            break;
        case 3:
            (void)bench_in(b, (uint16_t)(0x3B0 + (r >> 3) % 0x30), 1u << ((r >> 20) % 3));
            break;
        case 4:
            mem_write(machine_mem(bench_machine(b)), 0xA0000 + (r >> 3) % 0x20000, r, 1);
            break;
        case 5:
            (void)mem_read(machine_mem(bench_machine(b)), 0xA0000 + (r >> 3) % 0x20000, 2);
            break;
        case 6:
            bench_run_ns(b, r % 100000);
            break;
        default:
            if (i % 64 == 7) {
                const uint32_t *px;
                int w, h, stride;
                vga_render(v, &px, &w, &h, &stride);
                ck_assert(w > 0 && h > 0 && stride >= w);
                if (vga_get_text(v, &t)) {
                    ck_assert(t.cols >= 1 && t.cols <= VGA_TEXT_MAX_COLS);
                    ck_assert(t.rows >= 1 && t.rows <= VGA_TEXT_MAX_ROWS);
                }
            }
            break;
        }
    }
    bench_free(b);
}
END_TEST

Suite *vga_suite(void)
{
    Suite *s = suite_create("vga");
    TCase *tc = tcase_create("vga");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, text_odd_even_and_start_address);
    tcase_add_test(tc, cursor_from_crtc);
    tcase_add_test(tc, font_load_and_text_render);
    tcase_add_test(tc, cursor_and_blink_follow_virtual_time);
    tcase_add_test(tc, planar_write_modes);
    tcase_add_test(tc, planar_read_modes);
    tcase_add_test(tc, chain4_and_mode13_render);
    tcase_add_test(tc, mode12_planar_render);
    tcase_add_test(tc, dac_index_cycle);
    tcase_add_test(tc, attribute_flip_flop);
    tcase_add_test(tc, memory_map_select);
    tcase_add_test(tc, retrace_follows_virtual_time);
    tcase_add_test(tc, crtc_write_protect);
    tcase_add_test(tc, state_round_trip);
    tcase_add_test(tc, register_fuzz);
    suite_add_tcase(s, tc);
    return s;
}
