/*
 * tests/bench.c - the unit-test bench (see bench.h).
 */
#include "tests/bench.h"

#define MAX_PROBES 16
#define MAX_EDGES 4096

struct IrqProbe {
    char name[32];
    Bench *bench;
    int level;
    int edges;
    uint64_t edge_ns[MAX_EDGES];
};

struct Bench {
    Machine *m;
    uint8_t *ram;
    IrqProbe *probes[MAX_PROBES];
    int nprobes;
};

Bench *bench_new(unsigned ram_kb)
{
    Bench *b = xzalloc(sizeof *b);
    b->m = machine_new(CLOCK_MANUAL);
    if (ram_kb) {
        b->ram = xzalloc((size_t)ram_kb * 1024);
        mem_map_ram(machine_mem(b->m), 0, ram_kb * 1024u, b->ram);
    }
    return b;
}

void bench_free(Bench *b)
{
    machine_free(b->m);
    for (int i = 0; i < b->nprobes; i++)
        free(b->probes[i]);
    free(b->ram);
    free(b);
}

Machine *bench_machine(Bench *b) { return b->m; }
uint8_t *bench_ram(Bench *b) { return b->ram; }

uint32_t bench_in(Bench *b, uint16_t port, unsigned size)
{
    return io_read(machine_io(b->m), port, size);
}

void bench_out(Bench *b, uint16_t port, uint32_t val, unsigned size)
{
    io_write(machine_io(b->m), port, val, size);
}

uint64_t bench_now_ns(Bench *b)
{
    return clock_now_ns(machine_clock(b->m));
}

void bench_run_ns(Bench *b, uint64_t ns)
{
    Clock *c = machine_clock(b->m);
    clock_step_to(c, clock_now_ns(c) + ns);
}

static void probe_set(void *opaque, int n, int level)
{
    IrqProbe *p = opaque;
    level = level != 0;
    if (level && !p->level) {
        if (p->edges < MAX_EDGES)
            p->edge_ns[p->edges] = bench_now_ns(p->bench);
        p->edges++;
    }
    p->level = level;
}

IrqProbe *bench_irq_probe(Bench *b, const char *name)
{
    if (b->nprobes == MAX_PROBES)
        return NULL;
    IrqProbe *p = xzalloc(sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->bench = b;
    b->probes[b->nprobes++] = p;
    return p;
}

IrqLine irq_probe_line(IrqProbe *p) { return irq_line(probe_set, p, 0); }
int irq_probe_level(IrqProbe *p) { return p->level; }
int irq_probe_rising_edges(IrqProbe *p) { return p->edges; }

uint64_t irq_probe_edge_ns(IrqProbe *p, int n)
{
    return n >= 0 && n < p->edges && n < MAX_EDGES ? p->edge_ns[n] : UINT64_MAX;
}

void irq_probe_clear(IrqProbe *p)
{
    p->edges = 0;
}

bool bench_state_roundtrip(const StateField *fields, const void *dev, size_t size)
{
    StateBuf a = { 0 }, c = { 0 };
    state_save(fields, dev, &a);
    void *copy = xzalloc(size);
    bool ok = state_load(fields, copy, a.data, a.len) == 0;
    state_save(fields, copy, &c);
    ok = ok && a.len == c.len && memcmp(a.data, c.data, a.len) == 0;
    free(copy);
    statebuf_free(&a);
    statebuf_free(&c);
    return ok;
}
