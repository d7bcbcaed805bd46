/*
 * hw/port92.h - PS/2-style System Control Port A (port 0x92): fast A20
 * gate and fast reset.
 */
#ifndef HW_PORT92_H
#define HW_PORT92_H

#include "hw/machine.h"

typedef struct Port92 Port92;

/* Port 0x92 acting on machine_mem(m)'s A20 gate and machine_request_reset. */
Port92 *port92_create(Machine *m);

#endif
