/*
 * hw/pic.c: the PC/AT's two Intel 8259A programmable interrupt controllers
 * (master at 0x20, slave at 0xA0 on the master's IR2) plus the PIIX edge/
 * level control registers at 0x4D0-0x4D1.
 *
 * Models:      the ICW1-ICW4 initialisation sequence (single/cascade, IC4,
 *              LTIM, 8086 vector base from ICW2, AEOI, SFNM); OCW1 (IMR),
 *              OCW2 (non-specific/specific EOI, rotate on EOI, rotate in
 *              AEOI, set priority), OCW3 (IRR/ISR read select, poll command,
 *              special mask mode); fully nested priority with rotation;
 *              edge and level triggered inputs (ICW1 LTIM or the ELCR bit);
 *              spurious IR7/IR15 when a request disappears before INTA; the
 *              INTA sequence through the slave; INT output as a level.
 * Not modeled: MCS-80/85 mode (the 8086 vector is always used); buffered
 *              mode and the M/S bit (no effect in a PC); the slave is always
 *              on master IR2 whatever ICW3/SNGL say; an edge request that
 *              goes away before INTA is still serviced (devices may pulse
 *              their lines, as irq_pulse() does) instead of giving IR7.
 * Spec:        Intel 8259A datasheet ("Interrupt Sequence", "Programming
 *              the 8259A", Figures 6-9, "Special Fully Nested Mode");
 *              Intel 82371AB (PIIX4) datasheet, ELCR1/ELCR2 registers.
 */
#include "hw/pic.h"

/* ---- Registers (datasheet names) ----------------------------------------- */
#define PIC_ICW1        0x10    /* A0=0, D4=1: start of initialisation */
#define PIC_ICW1_IC4    0x01    /* ICW4 will follow */
#define PIC_ICW1_SNGL   0x02    /* single (no ICW3) */
#define PIC_ICW1_LTIM   0x08    /* level triggered mode for all inputs */
#define PIC_OCW3        0x08    /* A0=0, D4=0, D3=1 */
#define PIC_OCW3_RIS    0x01
#define PIC_OCW3_RR     0x02
#define PIC_OCW3_P      0x04
#define PIC_OCW3_SMM    0x20
#define PIC_OCW3_ESMM   0x40
#define PIC_ICW4_AEOI   0x02
#define PIC_ICW4_SFNM   0x10

/* OCW2 R SL EOI (D7-D5). */
enum {
    PIC_OCW2_ROTATE_AEOI_CLEAR = 0, PIC_OCW2_EOI = 1, PIC_OCW2_NOP = 2,
    PIC_OCW2_SPECIFIC_EOI = 3, PIC_OCW2_ROTATE_AEOI_SET = 4,
    PIC_OCW2_ROTATE_EOI = 5, PIC_OCW2_SET_PRIORITY = 6,
    PIC_OCW2_ROTATE_SPECIFIC_EOI = 7,
};

enum { PIC_MASTER, PIC_SLAVE };
#define PIC_CASCADE_IR  2
/* PIIX: IRQ0, 1, 2, 8 and 13 must stay edge triggered. */
static const uint8_t elcr_writable[2] = { 0xf8, 0xde };

/* ---- State ----------------------------------------------------------------- */
typedef struct PicChip {
    uint8_t irr, isr, imr;
    uint8_t elcr;          /* 1 = level triggered (ELCR1/ELCR2) */
    uint8_t pins;          /* current IR input levels (edge detection) */
    uint8_t lowest;        /* IR with the lowest priority; 7 after ICW1 */
    uint8_t vector_base;   /* ICW2 T7-T3 */
    uint8_t icw1, icw3, icw4;
    uint8_t init_step;     /* 0 = operational, else the ICW expected next */
    bool    read_isr;      /* OCW3 RR/RIS: port A0=0 reads ISR, not IRR */
    bool    poll;          /* OCW3 P: the next A0=0 read is the poll word */
    bool    special_mask;  /* OCW3 SMM */
    bool    rotate_aeoi;   /* OCW2 rotate in automatic EOI mode */
} PicChip;

struct Pic {
    PicChip chip[2];
    /* wiring: never saved */
    Machine *m;
    IrqLine  intr_out;
    int      intr_level;   /* last level driven on intr_out, -1 = unknown */
    IoRegion io[2];
    IoRegion elcr_io;
};

/* ---- Snapshot -------------------------------------------------------------- */
static const StateField pic_chip_fields[] = {
    SF_INT(PicChip, irr), SF_INT(PicChip, isr), SF_INT(PicChip, imr),
    SF_INT(PicChip, elcr), SF_INT(PicChip, pins), SF_INT(PicChip, lowest),
    SF_INT(PicChip, vector_base), SF_INT(PicChip, icw1), SF_INT(PicChip, icw3),
    SF_INT(PicChip, icw4), SF_INT(PicChip, init_step), SF_INT(PicChip, read_isr),
    SF_INT(PicChip, poll), SF_INT(PicChip, special_mask),
    SF_INT(PicChip, rotate_aeoi),
    SF_END
};
static const StateField pic_fields[] = {
    SF_STRUCTS(Pic, chip, pic_chip_fields),
    SF_END
};

/* ---- Chip logic ------------------------------------------------------------ */
/* Priority rank of an IR: 0 is the highest, i.e. the IR after 'lowest'. */
static int rank(const PicChip *c, int ir)
{
    return (ir - c->lowest - 1) & 7;
}

/* The highest-priority IR whose bit is set in 'bits', or -1. */
static int highest(const PicChip *c, uint8_t bits)
{
    for (int i = 0; i < 8; i++) {
        int ir = (c->lowest + 1 + i) & 7;
        if (bits & (1u << ir))
            return ir;
    }
    return -1;
}

static bool is_level(const PicChip *c, int ir)
{
    return (c->icw1 & PIC_ICW1_LTIM) || (c->elcr >> ir & 1);
}

/*
 * The IR this chip would present on INT now, or -1: the highest unmasked
 * request that outranks everything in service (fully nested mode). Special
 * mask mode ignores masked in-service levels; special fully nested mode lets
 * the cascade input interrupt its own in-service level (8259A datasheet).
 */
static int pending_ir(const Pic *p, int which)
{
    const PicChip *c = &p->chip[which];
    int ir = highest(c, c->irr & (uint8_t)~c->imr);
    if (ir < 0)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)
        in_service &= (uint8_t)~c->imr;
    if (which == PIC_MASTER && (c->icw4 & PIC_ICW4_SFNM) && ir == PIC_CASCADE_IR)
        in_service &= (uint8_t)~(1u << PIC_CASCADE_IR);
    int top = highest(c, in_service);
    if (top >= 0 && rank(c, top) <= rank(c, ir))
        return -1;
    return ir;
}

/* Recompute the cascade and the INT output. The slave's INT reaches master
 * IR2 as a level so a slave request cannot be lost between the two chips. */
static void pic_update(Pic *p)
{
    PicChip *master = &p->chip[PIC_MASTER];
    if (pending_ir(p, PIC_SLAVE) >= 0)
        master->irr |= 1u << PIC_CASCADE_IR;
    else
        master->irr &= (uint8_t)~(1u << PIC_CASCADE_IR);
    int level = pending_ir(p, PIC_MASTER) >= 0;
    if (level != p->intr_level) {
        p->intr_level = level;
        irq_set(p->intr_out, level);
    }
}

/* One chip's part of INTA: IRR -> ISR (or straight through under AEOI). */
static void ack_ir(PicChip *c, int ir)
{
    uint8_t bit = (uint8_t)(1u << ir);
    if (!is_level(c, ir))
        c->irr &= (uint8_t)~bit;
    if (c->icw4 & PIC_ICW4_AEOI) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)ir;
    } else {
        c->isr |= bit;
    }
}

static void eoi(PicChip *c, int ir, bool rotate)
{
    if (ir < 0)
        return;
    c->isr &= (uint8_t)~(1u << ir);
    if (rotate)
        c->lowest = (uint8_t)ir;
}

static void set_input(void *dev, int n, int level)
{
    Pic *p = dev;
    if (n == 2)
        n = 9;      /* AT: the ISA IRQ2 pin is wired to slave IR1 */
    if (n < 0 || n > 15)
        return;
    PicChip *c = &p->chip[n >> 3];
    int ir = n & 7;
    uint8_t bit = (uint8_t)(1u << ir);
    if (level) {
        if (!(c->pins & bit) || is_level(c, ir))
            c->irr |= bit;      /* edge: only on the low-to-high change */
        c->pins |= bit;
    } else {
        c->pins &= (uint8_t)~bit;
        if (is_level(c, ir))
            c->irr &= (uint8_t)~bit;
    }
    pic_update(p);
}

/* Poll command: the next read is "I . . . . W2 W1 W0" and acts as INTA. */
static uint8_t poll_word(Pic *p, int which)
{
    PicChip *c = &p->chip[which];
    c->poll = false;
    int ir = pending_ir(p, which);
    if (ir < 0)
        return 0;
    ack_ir(c, ir);
    pic_update(p);
    return (uint8_t)(0x80 | ir);
}

static void write_icw1(Pic *p, PicChip *c, uint8_t val)
{
    c->icw1 = val;
    c->init_step = 2;
    /* Datasheet, "Initialization Command Words": edge sense reset, IMR
     * cleared, IR7 lowest priority, SMM cleared, read IRR selected; without
     * IC4 all ICW4 functions are zero. */
    c->imr = 0;
    c->isr = 0;
    c->irr = 0;
    for (int ir = 0; ir < 8; ir++)
        if (is_level(c, ir) && (c->pins >> ir & 1))
            c->irr |= (uint8_t)(1u << ir);
    c->lowest = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_aeoi = false;
    if (!(val & PIC_ICW1_IC4))
        c->icw4 = 0;
    pic_update(p);
}

static void write_ocw2(PicChip *c, uint8_t val)
{
    int ir = val & 7;
    switch (val >> 5) {
    case PIC_OCW2_ROTATE_AEOI_CLEAR:   c->rotate_aeoi = false; break;
    case PIC_OCW2_ROTATE_AEOI_SET:     c->rotate_aeoi = true; break;
    case PIC_OCW2_EOI:                 eoi(c, highest(c, c->isr), false); break;
    case PIC_OCW2_ROTATE_EOI:          eoi(c, highest(c, c->isr), true); break;
    case PIC_OCW2_SPECIFIC_EOI:        eoi(c, ir, false); break;
    case PIC_OCW2_ROTATE_SPECIFIC_EOI: eoi(c, ir, true); break;
    case PIC_OCW2_SET_PRIORITY:        c->lowest = (uint8_t)ir; break;
    default:                           break;
    }
}

/* ---- Guest-visible registers ------------------------------------------------ */
static uint32_t pic_chip_read(Pic *p, int which, uint32_t off)
{
    PicChip *c = &p->chip[which];
    if (off & 1)
        return c->imr;
    if (c->poll)
        return poll_word(p, which);
    return c->read_isr ? c->isr : c->irr;
}

static void pic_chip_write(Pic *p, int which, uint32_t off, uint8_t val)
{
    PicChip *c = &p->chip[which];
    if (!(off & 1)) {
        if (val & PIC_ICW1) {
            write_icw1(p, c, val);
            return;
        }
        if (val & PIC_OCW3) {
            if (val & PIC_OCW3_P)
                c->poll = true;
            if (val & PIC_OCW3_RR)
                c->read_isr = (val & PIC_OCW3_RIS) != 0;
            if (val & PIC_OCW3_ESMM)
                c->special_mask = (val & PIC_OCW3_SMM) != 0;
        } else {
            write_ocw2(c, val);
        }
        pic_update(p);
        return;
    }
    switch (c->init_step) {
    case 2:
        c->vector_base = val & 0xf8;
        c->init_step = !(c->icw1 & PIC_ICW1_SNGL) ? 3 : (c->icw1 & PIC_ICW1_IC4) ? 4 : 0;
        break;
    case 3:
        c->icw3 = val;
        c->init_step = (c->icw1 & PIC_ICW1_IC4) ? 4 : 0;
        break;
    case 4:
        c->icw4 = val;
        c->init_step = 0;
        break;
    default:
        c->imr = val;       /* OCW1 */
        break;
    }
    pic_update(p);
}

static uint32_t pic_master_read(void *dev, uint32_t off, unsigned size)
{
    return pic_chip_read(dev, PIC_MASTER, off);
}

static void pic_master_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    pic_chip_write(dev, PIC_MASTER, off, (uint8_t)val);
}

static uint32_t pic_slave_read(void *dev, uint32_t off, unsigned size)
{
    return pic_chip_read(dev, PIC_SLAVE, off);
}

static void pic_slave_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    pic_chip_write(dev, PIC_SLAVE, off, (uint8_t)val);
}

static uint32_t elcr_read(void *dev, uint32_t off, unsigned size)
{
    Pic *p = dev;
    return p->chip[off & 1].elcr;
}

static void elcr_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Pic *p = dev;
    PicChip *c = &p->chip[off & 1];
    c->elcr = (uint8_t)val & elcr_writable[off & 1];
    /* An input that became level triggered requests while it is high. */
    for (int ir = 0; ir < 8; ir++)
        if (is_level(c, ir))
            c->irr = (uint8_t)((c->irr & ~(1u << ir)) | (c->pins & (1u << ir)));
    pic_update(p);
}

static const IoOps pic_master_ops = { pic_master_read, pic_master_write, 1 };
static const IoOps pic_slave_ops = { pic_slave_read, pic_slave_write, 1 };
static const IoOps elcr_ops = { elcr_read, elcr_write, 1 };

/* ---- Public API -------------------------------------------------------------- */
IrqLine pic_irq(Pic *p, int n)
{
    return irq_line(set_input, p, n);
}

int pic_intack(void *pic)
{
    Pic *p = pic;
    PicChip *master = &p->chip[PIC_MASTER];
    PicChip *slave = &p->chip[PIC_SLAVE];
    int vector;
    int ir = pending_ir(p, PIC_MASTER);
    if (ir < 0) {
        /* The request went away before INTA: the 8259A answers IR7
         * without setting its ISR bit (datasheet, "Interrupt Sequence"). */
        vector = master->vector_base | 7;
    } else if (ir == PIC_CASCADE_IR) {
        ack_ir(master, ir);
        int sir = pending_ir(p, PIC_SLAVE);
        if (sir < 0) {
            vector = slave->vector_base | 7;    /* spurious IRQ15 */
        } else {
            ack_ir(slave, sir);
            vector = slave->vector_base | sir;
        }
    } else {
        ack_ir(master, ir);
        vector = master->vector_base | ir;
    }
    pic_update(p);
    return vector;
}

bool pic_intr_pending(Pic *p)
{
    return pending_ir(p, PIC_MASTER) >= 0;
}

/* ---- Lifecycle ------------------------------------------------------------------ */
static void pic_reset(void *dev)
{
    Pic *p = dev;
    for (int i = 0; i < 2; i++) {
        PicChip *c = &p->chip[i];
        uint8_t pins = c->pins;     /* the wires keep their levels */
        memset(c, 0, sizeof *c);
        c->pins = pins;
        c->lowest = 7;
    }
    pic_update(p);
}

static void pic_post_load(void *dev)
{
    Pic *p = dev;
    p->intr_level = -1;
    pic_update(p);
}

static const DeviceInfo pic_info = {
    .name = "pic", .version = 1, .state = pic_fields,
    .reset = pic_reset, .post_load = pic_post_load,
};

Pic *pic_create(Machine *m, IrqLine intr_out)
{
    Pic *p = xzalloc(sizeof *p);
    p->m = m;
    p->intr_out = intr_out;
    p->intr_level = -1;
    io_region_init(&p->io[PIC_MASTER], "pic1", &pic_master_ops, p);
    io_region_init(&p->io[PIC_SLAVE], "pic2", &pic_slave_ops, p);
    io_region_init(&p->elcr_io, "elcr", &elcr_ops, p);
    io_map(machine_io(m), &p->io[PIC_MASTER], 0x20, 2);
    io_map(machine_io(m), &p->io[PIC_SLAVE], 0xa0, 2);
    io_map(machine_io(m), &p->elcr_io, 0x4d0, 2);
    machine_add(m, &pic_info, p);
    pic_reset(p);
    return p;
}
