/*
 * hw/pit.h - Intel 8254 programmable interval timer (PC: ports 0x40-0x43,
 * counter 0 on IRQ0, counter 2 gate and OUT behind port 0x61).
 */
#ifndef HW_PIT_H
#define HW_PIT_H

#include "hw/irq.h"
#include "hw/machine.h"

typedef struct Pit Pit;

#define PIT_HZ 1193182u     /* CLK input of every counter on a PC */

/* An 8254 at base..base+3; counter 0's OUT drives irq0 as a level. */
Pit *pit_create(Machine *m, uint16_t base, IrqLine irq0);

/* Drive a counter's GATE input (counter 2's comes from port 0x61 bit 0;
 * counters 0 and 1 have theirs tied high on a PC). */
void pit_set_gate(Pit *p, int channel, bool gate);

/* A counter's OUT level now (port 0x61 bit 5, the PC speaker). */
bool pit_out(Pit *p, int channel);

#endif
