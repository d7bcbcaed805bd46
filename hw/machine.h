/*
 * hw/machine.h - a machine: the two address spaces, the clock, the list of
 * devices with their DeviceInfo, and the requests devices make of the main
 * loop (reset, exit). The PC board (hw/pc.c) builds one; unit tests build a
 * bare one through tests/bench.h.
 */
#ifndef HW_MACHINE_H
#define HW_MACHINE_H

#include "emu.h"
#include "hw/clock.h"
#include "memory/bus.h"
#include "snapshot/state.h"

typedef struct Machine Machine;

Machine *machine_new(ClockMode mode);
/* Destroys every device (DeviceInfo.destroy or free) and the machine. */
void machine_free(Machine *m);

AddrSpace *machine_mem(Machine *m);
AddrSpace *machine_io(Machine *m);
Clock *machine_clock(Machine *m);

/* Register a device: its state table, reset and post_load hooks. */
void machine_add(Machine *m, const DeviceInfo *info, void *dev);
/* Call every device's reset hook, in registration order. */
void machine_reset_devices(Machine *m);
int machine_device_count(Machine *m);
void *machine_device(Machine *m, int i, const DeviceInfo **info);
/* The first device registered under 'name', or NULL. */
void *machine_find(Machine *m, const char *name);

/*
 * Requests from the guest side, served by the main loop between CPU slices.
 * 'kick' (set by the board) makes the running CPU slice end early.
 */
void machine_set_kick(Machine *m, void (*kick)(void *opaque), void *opaque);
void machine_request_reset(Machine *m);
bool machine_take_reset_request(Machine *m);
void machine_request_exit(Machine *m, int status);
bool machine_exit_requested(Machine *m, int *status);
/* Wake the main loop / end the CPU slice (e.g. a device raised an IRQ). */
void machine_kick(Machine *m);

#endif
