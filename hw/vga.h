/*
 * hw/vga.h - the IBM VGA: registers at ports 0x3B0-0x3DF, 256 KiB of video
 * memory in four planes behind the 0xA0000-0xBFFFF window, and a renderer
 * the UI and the screen dump read.
 */
#ifndef HW_VGA_H
#define HW_VGA_H

#include "hw/machine.h"

typedef struct Vga Vga;

/* Maps the ports and the memory window on m and registers the device. The
 * registers start all zero: the video BIOS programs a mode (and loads the
 * font into plane 2) the way it does on real hardware. */
Vga *vga_create(Machine *m);

#define VGA_TEXT_MAX_COLS 132
#define VGA_TEXT_MAX_ROWS 60

/*
 * The text screen as the CRTC scans it out. cells[row * cols + col] is
 * character | attribute << 8, already following the CRTC start address, the
 * offset register and the odd/even plane layout.
 */
typedef struct VgaText {
    int cols, rows;
    int cursor_x, cursor_y;
    bool cursor_visible;
    int cursor_start, cursor_end, char_height;
    uint16_t cells[VGA_TEXT_MAX_COLS * VGA_TEXT_MAX_ROWS];
} VgaText;

/* Fill *out; false (and *out untouched) when the VGA is in a graphics mode. */
bool vga_get_text(Vga *v, VgaText *out);

/*
 * Draw the current screen into the VGA's own XRGB8888 framebuffer and hand
 * it out (valid until the next call). Text modes come out 720x400 (9-dot)
 * or 640x400 (8-dot); graphics modes at their own resolution (320x200 for
 * mode 13h, 640x480 for mode 12h). Returns true if the picture may differ
 * from the previous call's (a register or memory write, a blink phase).
 */
bool vga_render(Vga *v, const uint32_t **pixels, int *width, int *height, int *stride);

/* The 256 KiB of video memory, plane p at offset p * 64 KiB (tests). */
uint8_t *vga_vram(Vga *v);

#endif
