/*
 * cpu/tlb.c - linear-address memory access: translation hook and soft TLB.
 *
 * Models:      cpu_translate() maps linear -> physical (1:1 until paging is
 *              implemented, then the page walk lives behind it); the A20
 *              gate is applied by memory/bus.c on every physical access. A
 *              direct-mapped TLB caches linear page -> host pointer for RAM
 *              (reads and writes) and ROM (reads only); MMIO and unmapped
 *              pages always take the slow path into memory/bus.c.
 * Not modeled: paging, #PF, A/D bits (next issue: cpu_translate grows a walk
 *              and raises #PF; entries then also carry the U/S and R/W bits).
 * Spec:        SDM Vol. 3A 4.10 (TLBs).
 *
 * Dirty tracking: a write through a cached host pointer still marks the page
 * dirty (lin_write_mark) so VGA redraw and code invalidation see it.
 */
#include "cpu/internal.h"

uint32_t cpu_translate(CpuState *cpu, uint32_t lin, bool write)
{
    /* TODO: paging (CR0.PG) - walk the page tables, raise #PF. */
    return lin;
}

void cpu_tlb_flush(CpuState *cpu)
{
    for (int i = 0; i < TLB_ENTRIES; i++) {
        cpu->in->tlb[i].tag_read = TLB_INVALID_TAG;
        cpu->in->tlb[i].tag_write = TLB_INVALID_TAG;
    }
    STAT(tlb_flushes);
}

void cpu_tlb_init(CpuState *cpu)
{
    cpu_tlb_flush(cpu);
}

void cpu_a20_changed(void *opaque)
{
    cpu_tlb_flush(opaque);
}

/* Try to map the page of 'lin' into the TLB; returns false for MMIO. */
static bool tlb_fill(CpuState *cpu, uint32_t lin, bool write)
{
    uint32_t page = lin & PAGE_MASK;
    uint32_t phys = cpu_translate(cpu, page, write);
    uint8_t *host = mem_host_ptr(cpu->mem, phys, write);
    STAT(tlb_misses);
    if (!host)
        return false;
    TlbEntry *e = &cpu->in->tlb[(lin >> PAGE_SHIFT) % TLB_ENTRIES];
    if (e->tag_read != page || e->phys_page != phys) {
        e->tag_write = TLB_INVALID_TAG;
        e->tag_read = TLB_INVALID_TAG;
    }
    /* addend wraps modulo 2^N: host = lin + addend */
    e->addend = (uintptr_t)host - (uintptr_t)page;
    e->phys_page = phys;
    e->tag_read = page;
    if (write)
        e->tag_write = page;
    return true;
}

uint32_t lin_read_slow(CpuState *cpu, uint32_t lin, unsigned size)
{
    if ((lin & (PAGE_SIZE - 1)) > PAGE_SIZE - size) {
        /* crosses a page: byte by byte, low address first */
        uint32_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= lin_read(cpu, lin + i, 1) << (8 * i);
        return v;
    }
    if (tlb_fill(cpu, lin, false))
        return lin_read(cpu, lin, size);
    return mem_read(cpu->mem, cpu_translate(cpu, lin, false), size);
}

void lin_write_slow(CpuState *cpu, uint32_t lin, uint32_t val, unsigned size)
{
    if ((lin & (PAGE_SIZE - 1)) > PAGE_SIZE - size) {
        /* SDM: a page-crossing write must not be partially done when the
         * second page faults; translate both first (matters with paging). */
        cpu_translate(cpu, lin, true);
        cpu_translate(cpu, lin + size - 1, true);
        for (unsigned i = 0; i < size; i++)
            lin_write(cpu, lin + i, (val >> (8 * i)) & 0xff, 1);
        return;
    }
    if (tlb_fill(cpu, lin, true)) {
        lin_write(cpu, lin, val, size);
        return;
    }
    mem_write(cpu->mem, cpu_translate(cpu, lin, true), val, size);
}

void lin_write_mark(CpuState *cpu, const TlbEntry *e)
{
    /* HACK: bus.h has no cheap "dirty byte" accessor; one call per write. */
    mem_dirty_set(cpu->mem, e->phys_page, 1);
}

int cpu_read_lin(CpuState *cpu, uint32_t lin, void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)mem_read(cpu->mem, cpu_translate(cpu, lin + (uint32_t)i, false), 1);
    return 0;
}

int cpu_write_lin(CpuState *cpu, uint32_t lin, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        mem_write(cpu->mem, cpu_translate(cpu, lin + (uint32_t)i, true), p[i], 1);
    return 0;
}
