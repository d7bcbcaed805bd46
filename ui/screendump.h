/*
 * ui/screendump.h - the screen as a file: the text screen as UTF-8 (CP437
 * mapped to Unicode) and pixels as PNG or PPM. Used by --screen-dump, the
 * script's "screendump" and --expect-screen matching.
 */
#ifndef UI_SCREENDUMP_H
#define UI_SCREENDUMP_H

#include "emu.h"
#include "hw/vga.h"

/* Unicode code point for a CP437 byte (0x00 reads as a space). */
uint32_t screendump_cp437(uint8_t ch);

/* One line per row, trailing spaces trimmed, each ending in '\n'.
 * Returns 0, or -1 on a write error. */
int screendump_text(const VgaText *t, FILE *f);

/* The same text into buf (NUL-terminated, truncated to len - 1 bytes),
 * rows joined by '\n' with no newline after the last. */
void screendump_text_string(const VgaText *t, char *buf, size_t len);

/* 8-bit RGB PNG / binary PPM of XRGB8888 pixels (stride in pixels).
 * Return 0, or -1 with errno set. */
int screendump_png(const uint32_t *pixels, int w, int h, int stride, const char *path);
int screendump_ppm(const uint32_t *pixels, int w, int h, int stride, const char *path);

#endif
