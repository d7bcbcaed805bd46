/*
 * hw/irq.h - interrupt request lines.
 *
 * An IrqLine is a small value: the receiver's handler, its opaque pointer and
 * the input number on the receiver. Devices hold lines and call irq_set()
 * with the new level (1 = asserted); edge-triggered receivers look for the
 * 0->1 change themselves. hw/pc.c wires lines; a default (zero) line is
 * unconnected and ignores everything.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

typedef struct IrqLine {
    void (*handler)(void *opaque, int n, int level);
    void *opaque;
    int n;
} IrqLine;

static inline IrqLine irq_line(void (*handler)(void *, int, int), void *opaque, int n)
{
    IrqLine l = { handler, opaque, n };
    return l;
}

static inline void irq_set(IrqLine line, int level)
{
    if (line.handler)
        line.handler(line.opaque, line.n, level);
}

static inline void irq_raise(IrqLine line) { irq_set(line, 1); }
static inline void irq_lower(IrqLine line) { irq_set(line, 0); }
static inline void irq_pulse(IrqLine line) { irq_set(line, 1); irq_set(line, 0); }

#endif
