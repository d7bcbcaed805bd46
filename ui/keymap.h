/*
 * ui/keymap.h - host-side key naming: ASCII characters, QEMU sendkey-style
 * combos and SDL scancodes, all turned into the universal key numbers of
 * hw/backend.h (scan code set 1 make codes, 0xE0nn for extended keys).
 */
#ifndef UI_KEYMAP_H
#define UI_KEYMAP_H

#include "emu.h"

#define KEY_LSHIFT 0x2A
#define KEY_LCTRL  0x1D
#define KEY_LALT   0x38

/*
 * The key that types c on a US layout: *code gets its number and *shift
 * whether Shift must be held. '\n' is Enter, '\t' Tab, 0x1B Esc, '\b'
 * Backspace. Returns 0, or -1 for a character no single key types.
 */
int keymap_char(char c, uint16_t *code, bool *shift);

/*
 * Parse a combo such as "ctrl-alt-delete", "shift-a", "f1", "kp_enter":
 * names separated by '-', QEMU sendkey spelling (plus a few aliases such
 * as "enter", "space", "del"). Fills codes[] in press order (release in
 * reverse) and returns how many, or -1 for an unknown name, an empty
 * combo or more than max keys.
 */
int keymap_combo(const char *combo, uint16_t *codes, int max);

/* Set-1 key number for an SDL_Scancode value (USB HID usage), 0 if none. */
uint16_t keymap_sdl_scancode(int sdl_scancode);

#endif
