/*
 * hw/pic.h - the PC/AT pair of Intel 8259A interrupt controllers with the
 * PIIX edge/level control registers (ELCR).
 */
#ifndef HW_PIC_H
#define HW_PIC_H

#include "hw/irq.h"
#include "hw/machine.h"

typedef struct Pic Pic;

/*
 * Master at ports 0x20-0x21, slave at 0xA0-0xA1 cascaded on the master's
 * IR2, ELCR at 0x4D0-0x4D1. 'intr_out' follows the master's INT pin as a
 * level (the CPU's INTR).
 */
Pic *pic_create(Machine *m, IrqLine intr_out);

/* The request input for ISA IRQ n (0..15), to hand to a device. */
IrqLine pic_irq(Pic *p, int n);

/*
 * The CPU's interrupt acknowledge cycle: returns the vector (0..255) of the
 * highest-priority request and moves it to in-service (or completes it at
 * once under AEOI). With no request left it returns the spurious IR7 vector
 * of the master (or of the slave, after a cascade acknowledge).
 */
int pic_intack(void *pic);

/* Level of the master's INT output. */
bool pic_intr_pending(Pic *p);

#endif
