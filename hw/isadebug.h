/*
 * hw/isadebug.h - tiny ISA debug devices: the Bochs/QEMU debug console
 * (port 0xE9), QEMU's isa-debug-exit port (0xF4) and the POST code port (0x80).
 */
#ifndef HW_ISADEBUG_H
#define HW_ISADEBUG_H

#include "hw/backend.h"
#include "hw/machine.h"

typedef struct Debugcon Debugcon;
typedef struct DebugExit DebugExit;
typedef struct PostPort PostPort;

/* Bytes written to 'port' go to 'out' (may be NULL); reads return 0xE9. */
Debugcon *debugcon_create(Machine *m, uint16_t port, CharBackend *out);

/*
 * A write of v (any size) to port..port+3 requests machine exit with status
 * (v << 1) | 1, v masked to the access size (QEMU isa-debug-exit, iosize 4).
 */
DebugExit *debug_exit_create(Machine *m, uint16_t port);

/* POST diagnostic port: keeps the last byte written, readable back. */
PostPort *post_port_create(Machine *m, uint16_t port);
uint8_t post_port_value(PostPort *p);

#endif
