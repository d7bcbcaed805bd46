/*
 * hw/port61.c: PC/AT System Control Port B at 0x61 (8042-era glue logic,
 * later part of the PIIX/ISA bridge as "NMI Status and Control").
 *
 * Models:      bit 0 TIM2GATESPK (PIT counter 2 GATE), bit 1 SPKRDATEN
 *              (speaker data enable), bits 2-3 PCIERR/IOCHK check enables
 *              (stored), bit 4 REFRESH toggling every 15.085 us of guest
 *              time (the DRAM refresh request that BIOS and DOS delay loops
 *              count), bit 5 TIM2OUT (PIT counter 2 OUT), bits 6-7 (IOCHK
 *              and parity error status) always 0.
 * Not modeled: NMI sources (no parity or channel check errors ever occur);
 *              the refresh toggle is derived from guest time, not from
 *              PIT counter 1's programming.
 * Spec:        IBM PC AT Technical Reference, "System Control Port B";
 *              Intel 82371AB (PIIX4) datasheet, NMISC register (port 61h).
 */
#include "hw/port61.h"

/* ---- Registers (datasheet names) ----------------------------------------- */
#define PORT61_TIM2GATESPK  0x01
#define PORT61_SPKRDATEN    0x02
#define PORT61_WRITABLE     0x0f    /* bits 4-7 are read-only status */
#define PORT61_REFRESH      0x10
#define PORT61_TIM2OUT      0x20
/* Refresh cycles every 15.085 us: PIT counter 1 at 18 counts (18/1.193182
 * MHz), as the AT BIOS programs it; the bit toggles once per request. */
#define PORT61_REFRESH_NS   15085u

/* ---- State --------------------------------------------------------------- */
struct Port61 {
    uint8_t ctrl;           /* bits 0-3 as written */
    /* wiring: never saved */
    Machine *m;
    Pit     *pit;
    IoRegion io;
};

/* ---- Snapshot ------------------------------------------------------------ */
static const StateField port61_fields[] = {
    SF_INT(Port61, ctrl),
    SF_END
};

/* ---- Guest-visible registers ----------------------------------------------- */
static uint32_t port61_read(void *dev, uint32_t off, unsigned size)
{
    Port61 *p = dev;
    uint64_t now = clock_now_ns(machine_clock(p->m));
    uint8_t v = p->ctrl;
    if ((now / PORT61_REFRESH_NS) & 1)
        v |= PORT61_REFRESH;
    if (pit_out(p->pit, 2))
        v |= PORT61_TIM2OUT;
    return v;
}

static void port61_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Port61 *p = dev;
    p->ctrl = (uint8_t)(val & PORT61_WRITABLE);
    pit_set_gate(p->pit, 2, (p->ctrl & PORT61_TIM2GATESPK) != 0);
}

static const IoOps port61_ops = { port61_read, port61_write, 1 };

/* ---- Board interface --------------------------------------------------------- */
bool port61_speaker_on(Port61 *p)
{
    return (p->ctrl & (PORT61_TIM2GATESPK | PORT61_SPKRDATEN)) ==
               (PORT61_TIM2GATESPK | PORT61_SPKRDATEN) && pit_out(p->pit, 2);
}

/* ---- Lifecycle ------------------------------------------------------------- */
static void port61_reset(void *dev)
{
    Port61 *p = dev;
    p->ctrl = 0;
    pit_set_gate(p->pit, 2, false);
}

/* The PIT restores its own GATE copy; driving it again is a no-op unless
 * the two snapshots disagree, and then port 0x61 is the source of truth. */
static void port61_post_load(void *dev)
{
    Port61 *p = dev;
    pit_set_gate(p->pit, 2, (p->ctrl & PORT61_TIM2GATESPK) != 0);
}

static const DeviceInfo port61_info = {
    .name = "port61", .version = 1, .state = port61_fields,
    .reset = port61_reset, .post_load = port61_post_load,
};

Port61 *port61_create(Machine *m, Pit *pit)
{
    Port61 *p = xzalloc(sizeof *p);
    p->m = m;
    p->pit = pit;
    io_region_init(&p->io, "port61", &port61_ops, p);
    io_map(machine_io(m), &p->io, 0x61, 1);
    machine_add(m, &port61_info, p);
    port61_reset(p);
    return p;
}
