/*
 * hw/port92.c: PS/2 System Control Port A at 0x92 ("fast A20 and reset").
 *
 * Models:      bit 0 ALT_RESET (a 0-to-1 write requests a machine reset;
 *              the bit reads back as written until the reset), bit 1
 *              ALT_A20_GATE (drives the memory space's A20 gate; reads show
 *              the gate's current state), bits 2-7 stored and read back
 *              (bit 3 is the CMOS password lock, bits 6-7 the disk LEDs on
 *              PS/2 machines: no effect here).
 * Not modeled: the A20 gate is a single switch shared with the keyboard
 *              controller's output port (last writer wins, not an OR); the
 *              password lock does not protect any CMOS bytes.
 * Spec:        IBM PS/2 Hardware Interface Technical Reference, "System
 *              Control Port A (Hex 0092)"; Intel 82371AB (PIIX4) datasheet,
 *              Port 92h register.
 */
#include "hw/port92.h"

/* ---- Registers (datasheet names) ----------------------------------------- */
#define PORT92_ALT_RESET     0x01
#define PORT92_ALT_A20_GATE  0x02

/* ---- State --------------------------------------------------------------- */
struct Port92 {
    uint8_t value;          /* as written; bit 1 is shadowed by mem_a20() */
    /* wiring: never saved */
    Machine *m;
    IoRegion io;
};

/* ---- Snapshot ------------------------------------------------------------ */
static const StateField port92_fields[] = {
    SF_INT(Port92, value),
    SF_END
};

/* ---- Guest-visible registers ----------------------------------------------- */
static uint32_t port92_read(void *dev, uint32_t off, unsigned size)
{
    Port92 *p = dev;
    uint8_t v = p->value & (uint8_t)~PORT92_ALT_A20_GATE;
    if (mem_a20(machine_mem(p->m)))
        v |= PORT92_ALT_A20_GATE;
    return v;
}

static void port92_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Port92 *p = dev;
    uint8_t old = p->value;
    p->value = (uint8_t)val;
    bool a20 = (val & PORT92_ALT_A20_GATE) != 0;
    if (a20 != mem_a20(machine_mem(p->m)))
        mem_set_a20(machine_mem(p->m), a20);
    /* The reset pulse comes from the bit's rising edge (PS/2 reference). */
    if ((val & PORT92_ALT_RESET) && !(old & PORT92_ALT_RESET))
        machine_request_reset(p->m);
}

static const IoOps port92_ops = { port92_read, port92_write, 1 };

/* ---- Lifecycle ------------------------------------------------------------- */
/* Reset clears the latch; the A20 gate itself belongs to the memory space
 * and the board's reset sequence, so it is left alone here. */
static void port92_reset(void *dev)
{
    Port92 *p = dev;
    p->value = 0;
}

static void port92_post_load(void *dev)
{
    /* Nothing to rebuild: A20 is restored with the memory space. */
}

static const DeviceInfo port92_info = {
    .name = "port92", .version = 1, .state = port92_fields,
    .reset = port92_reset, .post_load = port92_post_load,
};

Port92 *port92_create(Machine *m)
{
    Port92 *p = xzalloc(sizeof *p);
    p->m = m;
    io_region_init(&p->io, "port92", &port92_ops, p);
    io_map(machine_io(m), &p->io, 0x92, 1);
    machine_add(m, &port92_info, p);
    port92_reset(p);
    return p;
}
