/*
 * hw/vgafont.h - code page 437 fonts for the video BIOS: 256 glyphs each,
 * one byte per scan line, bit 7 = leftmost dot (the layout VGA plane 2
 * expects at 32 bytes per character).
 */
#ifndef HW_VGAFONT_H
#define HW_VGAFONT_H

#include "emu.h"

extern const uint8_t vgafont_8x16[256 * 16];   /* 400-line text modes */
extern const uint8_t vgafont_8x8[256 * 8];     /* 80x50 text, graphics modes */

#endif
