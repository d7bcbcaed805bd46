/*
 * hw/kbc.h - Intel 8042 keyboard controller (ports 0x60/0x64) with the PS/2
 * keyboard and mouse behind it.
 */
#ifndef HW_KBC_H
#define HW_KBC_H

#include "hw/backend.h"
#include "hw/irq.h"
#include "hw/machine.h"

typedef struct Kbc Kbc;

/*
 * The 8042 at ports 0x60 and 0x64, raising irq1 for keyboard bytes and irq12
 * for mouse bytes. Creates the PS/2 keyboard and mouse too. The output port
 * drives the A20 gate (mem_set_a20) and CPU reset (machine_request_reset).
 */
Kbc *kbc_create(Machine *m, IrqLine irq1, IrqLine irq12);

/* Where the UI sends host key and mouse events. */
InputSink kbc_input(Kbc *k);

/* True when no keyboard byte waits anywhere (keyboard buffer or the 8042's
 * output buffer): the host paces scripted typing with this. */
bool kbc_queue_empty(Kbc *k);

#endif
