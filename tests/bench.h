/*
 * tests/bench.h - a test bench: a Machine with a manual clock, a port space,
 * a memory space with RAM, and only the devices a test creates. IrqProbe
 * records level changes so tests can assert interrupt behaviour.
 */
#ifndef TESTS_BENCH_H
#define TESTS_BENCH_H

#include "emu.h"
#include "hw/irq.h"
#include "hw/machine.h"
#include "snapshot/state.h"

typedef struct Bench Bench;
typedef struct IrqProbe IrqProbe;

/* A bench with 'ram_kb' KiB of RAM at physical 0 (0 for none). */
Bench *bench_new(unsigned ram_kb);
void bench_free(Bench *b);
Machine *bench_machine(Bench *b);
uint8_t *bench_ram(Bench *b);

uint32_t bench_in(Bench *b, uint16_t port, unsigned size);
void bench_out(Bench *b, uint16_t port, uint32_t val, unsigned size);
static inline uint8_t bench_in8(Bench *b, uint16_t port) { return (uint8_t)bench_in(b, port, 1); }
static inline void bench_out8(Bench *b, uint16_t port, uint8_t v) { bench_out(b, port, v, 1); }

uint64_t bench_now_ns(Bench *b);
/* Advance guest time by ns, firing timers on the way. */
void bench_run_ns(Bench *b, uint64_t ns);

IrqProbe *bench_irq_probe(Bench *b, const char *name);
IrqLine irq_probe_line(IrqProbe *p);
int irq_probe_level(IrqProbe *p);
int irq_probe_rising_edges(IrqProbe *p);
/* Time of the n-th (0-based) rising edge, or UINT64_MAX. */
uint64_t irq_probe_edge_ns(IrqProbe *p, int n);
void irq_probe_clear(IrqProbe *p);

/*
 * State-table round trip for a device: save, reset the copy's fields by
 * loading into a zeroed buffer of 'size' bytes, save again, and compare the
 * two serialised forms. Returns true if identical.
 */
bool bench_state_roundtrip(const StateField *fields, const void *dev, size_t size);

#endif
