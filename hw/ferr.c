/*
 * hw/ferr.c - PC/AT numeric coprocessor error logic.
 *
 * Models: on an AT the x87's FERR# output is latched onto IRQ13 (slave PIC
 * input 5); any write to port F0h clears the latch and asserts IGNNE# so the
 * interrupted FPU instruction can complete (the CPU model already carries
 * on after its one retry, see cpu/fpu.c). A new FERR# assertion (a rising
 * edge) sets the latch again.
 * Not modelled: port F1h (reset of the 80287), the IGNNE# timing window.
 * Spec: IBM PC/AT Technical Reference, "Math coprocessor" (ports F0-FF);
 *       Intel SDM Vol. 1 D.2 (MS-DOS compatibility sub-mode).
 */
#include "hw/ferr.h"

#include "memory/bus.h"
#include "snapshot/state.h"

struct Ferr {
    bool ferr;          /* the CPU's FERR# level as last seen */
    bool latch;         /* IRQ13 asserted */
    /* wiring: never saved */
    IrqLine irq13;
    IoRegion io;
};

static const StateField ferr_fields[] = {
    SF_INT(Ferr, ferr), SF_INT(Ferr, latch), SF_END
};

void ferr_set(void *dev, bool level)
{
    Ferr *f = dev;
    if (level && !f->ferr) {
        f->latch = true;
        irq_raise(f->irq13);
    }
    f->ferr = level;
}

static uint32_t ferr_read(void *dev, uint32_t off, unsigned size)
{
    return 0xffffffffu;
}

static void ferr_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Ferr *f = dev;
    if (off == 0 && f->latch) {
        f->latch = false;
        irq_lower(f->irq13);
    }
}

static const IoOps ferr_io_ops = { ferr_read, ferr_write, 1 };

static void ferr_reset(void *dev)
{
    Ferr *f = dev;
    f->ferr = false;
    f->latch = false;
    irq_lower(f->irq13);
}

static void ferr_post_load(void *dev)
{
    Ferr *f = dev;
    irq_set(f->irq13, f->latch);
}

static const DeviceInfo ferr_info = {
    .name = "ferr", .version = 1, .state = ferr_fields,
    .reset = ferr_reset, .post_load = ferr_post_load,
};

Ferr *ferr_create(Machine *m, uint16_t port, IrqLine irq13)
{
    Ferr *f = xzalloc(sizeof *f);
    f->irq13 = irq13;
    io_region_init(&f->io, "ferr", &ferr_io_ops, f);
    io_map(machine_io(m), &f->io, port, 1);
    machine_add(m, &ferr_info, f);
    return f;
}
