/*
 * hw/isadebug.c: three tiny ISA debug devices used by test guests and BIOSes.
 *
 * Models:      the debug console (Bochs "port E9 hack": every byte written
 *              goes to a host character stream, reads return 0xE9 so a guest
 *              can detect it); QEMU's isa-debug-exit with iosize 4 (a write
 *              of v ends emu with status (v << 1) | 1, so a guest can never
 *              report plain 0 by accident); the POST code port 0x80 (last
 *              value kept, readable back, logged under -d bios).
 * Not modeled: a seven-segment POST card display; the debug console's
 *              read-back of host input.
 * Spec:        Bochs user manual "Port E9 hack"; QEMU docs, isa-debug-exit;
 *              IBM PC AT technical reference (manufacturing test port 0x80).
 */
#include "hw/isadebug.h"

#define DEBUGCON_READBACK 0xE9      /* what Bochs and QEMU return on reads */

/* ---- State --------------------------------------------------------------- */
struct Debugcon {
    /* no guest-visible state */
    /* wiring: never saved */
    Machine    *m;
    CharBackend *out;
    IoRegion    io;
};

struct DebugExit {
    /* no guest-visible state: the write ends the run */
    /* wiring: never saved */
    Machine *m;
    IoRegion io;
};

struct PostPort {
    uint8_t  value;             /* last POST code written */
    /* wiring: never saved */
    Machine *m;
    IoRegion io;
};

/* ---- Snapshot ------------------------------------------------------------ */
static const StateField no_fields[] = { SF_END };
static const StateField post_port_fields[] = {
    SF_INT(PostPort, value),
    SF_END
};

/* ---- Debug console ------------------------------------------------------- */
static uint32_t debugcon_read(void *dev, uint32_t off, unsigned size)
{
    return DEBUGCON_READBACK;
}

static void debugcon_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Debugcon *d = dev;
    uint8_t byte = (uint8_t)val;
    chr_write(d->out, &byte, 1);
}

static const IoOps debugcon_io_ops = { debugcon_read, debugcon_write, 1 };

static const DeviceInfo debugcon_info = {
    .name = "debugcon", .version = 1, .state = no_fields,
};

Debugcon *debugcon_create(Machine *m, uint16_t port, CharBackend *out)
{
    Debugcon *d = xzalloc(sizeof *d);
    d->m = m;
    d->out = out;
    io_region_init(&d->io, "debugcon", &debugcon_io_ops, d);
    io_map(machine_io(m), &d->io, port, 1);
    machine_add(m, &debugcon_info, d);
    return d;
}

/* ---- Exit port ------------------------------------------------------------ */
static uint32_t debug_exit_read(void *dev, uint32_t off, unsigned size)
{
    return 0xffffffffu;     /* write-only, like an unclaimed port */
}

static void debug_exit_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    DebugExit *d = dev;
    uint32_t v = size >= 4 ? val : val & ((1u << (8 * size)) - 1);
    /* (v << 1) | 1 computed unsigned, then handed over as the exit status. */
    uint32_t status = (v << 1) | 1u;
    LOG(LOG_BIOS, "debug-exit: guest wrote 0x%x, exit status %u\n", v, status);
    machine_request_exit(d->m, (int)status);
}

static const IoOps debug_exit_io_ops = { debug_exit_read, debug_exit_write, 4 };

static const DeviceInfo debug_exit_info = {
    .name = "debug-exit", .version = 1, .state = no_fields,
};

DebugExit *debug_exit_create(Machine *m, uint16_t port)
{
    DebugExit *d = xzalloc(sizeof *d);
    d->m = m;
    io_region_init(&d->io, "debug-exit", &debug_exit_io_ops, d);
    io_map(machine_io(m), &d->io, port, 4);
    machine_add(m, &debug_exit_info, d);
    return d;
}

/* ---- POST code port ------------------------------------------------------- */
static uint32_t post_port_read(void *dev, uint32_t off, unsigned size)
{
    PostPort *p = dev;
    return p->value;
}

static void post_port_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    PostPort *p = dev;
    p->value = (uint8_t)val;
    LOG(LOG_BIOS, "POST code 0x%02x\n", p->value);
}

static const IoOps post_port_io_ops = { post_port_read, post_port_write, 1 };

static void post_port_reset(void *dev)
{
    PostPort *p = dev;
    p->value = 0;
}

static const DeviceInfo post_port_info = {
    .name = "post-port", .version = 1, .state = post_port_fields,
    .reset = post_port_reset,
};

PostPort *post_port_create(Machine *m, uint16_t port)
{
    PostPort *p = xzalloc(sizeof *p);
    p->m = m;
    io_region_init(&p->io, "post", &post_port_io_ops, p);
    io_map(machine_io(m), &p->io, port, 1);
    machine_add(m, &post_port_info, p);
    return p;
}

uint8_t post_port_value(PostPort *p)
{
    return p->value;
}
