/*
 * hw/ps2.h - PS/2 keyboard and mouse devices, as the 8042 (hw/kbc.c) sees
 * them: a byte stream in each direction. Only the 8042 talks to these.
 */
#ifndef HW_PS2_H
#define HW_PS2_H

#include "hw/machine.h"

typedef struct Ps2Kbd Ps2Kbd;
typedef struct Ps2Mouse Ps2Mouse;

/* Both register themselves with the machine ("ps2-kbd", "ps2-mouse"). */
Ps2Kbd *ps2_kbd_create(Machine *m);
Ps2Mouse *ps2_mouse_create(Machine *m);

/* A byte from the controller to the device (a command or its parameter). */
void ps2_kbd_write(Ps2Kbd *k, uint8_t byte);
void ps2_mouse_write(Ps2Mouse *ms, uint8_t byte);

/* Take the next byte the device wants to send; false if none. */
bool ps2_kbd_read(Ps2Kbd *k, uint8_t *byte);
bool ps2_mouse_read(Ps2Mouse *ms, uint8_t *byte);
bool ps2_kbd_empty(Ps2Kbd *k);
bool ps2_mouse_empty(Ps2Mouse *ms);

/* Host input: a key by its set-1 key number (see hw/backend.h). */
void ps2_kbd_key(Ps2Kbd *k, uint16_t keycode, bool down);
/* Host input: relative motion (dy > 0 = down the screen, dz > 0 = wheel
 * towards the user) and the button state (bit 0 left, 1 right, 2 middle). */
void ps2_mouse_event(Ps2Mouse *ms, int dx, int dy, int dz, unsigned buttons);

/* The 8042's translation of one scan code set 2 byte to set 1 (no F0
 * handling: the controller folds F0 xx into xx | 0x80 itself). */
uint8_t ps2_set2_to_set1(uint8_t code);

#endif
