/*
 * hw/ferr.h - the AT's coprocessor error glue: FERR# to IRQ13, cleared by a
 * write to port F0h.
 */
#ifndef HW_FERR_H
#define HW_FERR_H

#include "hw/irq.h"
#include "hw/machine.h"

typedef struct Ferr Ferr;

Ferr *ferr_create(Machine *m, uint16_t port, IrqLine irq13);
/* The CPU's FERR# output (wire as cpu->ferr with cpu->ferr_opaque = Ferr). */
void ferr_set(void *dev, bool level);

#endif
