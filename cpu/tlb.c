/*
 * cpu/tlb.c - linear-address memory access: the soft TLB and its slow paths.
 *
 * Models:      a direct-mapped TLB caching linear page -> host pointer for
 *              RAM (reads and writes) and ROM (reads only), in two sets: one
 *              for supervisor accesses and one for user (CPL 3) accesses, so
 *              each entry's tags already encode what the page tables allow
 *              at that privilege (a read tag after a successful read walk, a
 *              write tag only after a write walk, which also set the dirty
 *              bit). Implicit supervisor accesses (descriptor tables, TSS,
 *              IDT) and writes to a stack being switched to use the set of
 *              the privilege they need (sys_read, lin_write_as). MMIO pages,
 *              pages holding a data breakpoint and page-crossing accesses
 *              take the slow path into memory/bus.c. CR3 writes drop the
 *              non-global entries; INVLPG one page (everything once a 4 MiB
 *              page was cached, since its 4 KiB pieces sit in many slots).
 * Not modeled: a separate instruction TLB or paging-structure caches (every
 *              miss walks the tables again, which is architecturally fine).
 * Spec:        SDM Vol. 3A 4.10 (caching translation information), 4.10.4
 *              (invalidation), 4.6 (access rights).
 *
 * Dirty tracking: a page is marked dirty when a write tag for it is cached
 * (mem_host_ptr with write set); a dirty client that clears its bit and
 * needs to see later writes must flush the TLB. Pages holding translated
 * code never get a write tag: their writes go through mem_write, which tells
 * the translator (memory/bus.h, code protection).
 */
#include "cpu/sys.h"

static bool tlb_user(const CpuState *cpu)
{
    return cpu->in->tlb == cpu->in->tlb_set[1];
}

void cpu_set_cpl(CpuState *cpu, int cpl)
{
    cpu->cpl = cpl;
    cpu->in->tlb = cpu->in->tlb_set[cpl == 3];
}

uint32_t cpu_translate(CpuState *cpu, uint32_t lin, bool write)
{
    if (!(cpu->cr[0] & CR0_PG))
        return lin;
    PageWalk w;
    unsigned acc = (write ? PF_W : 0) | (tlb_user(cpu) ? PF_U : 0);
    if (!paging_walk(cpu, lin, acc, false, &w))
        page_fault(cpu, lin, w.err);
    return w.phys;
}

static void tlb_invalidate(TlbEntry *e)
{
    e->tag_read = TLB_INVALID_TAG;
    e->tag_write = TLB_INVALID_TAG;
    e->flags = 0;
}

static void flush_hook(CpuState *cpu, uint32_t lin, bool all)
{
    if (cpu->in->tlb_flush_hook)
        cpu->in->tlb_flush_hook(cpu->in->tlb_flush_opaque, lin, all);
}

void cpu_tlb_flush(CpuState *cpu)
{
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < TLB_ENTRIES; i++)
            tlb_invalidate(&cpu->in->tlb_set[s][i]);
    cpu->in->tlb_large = false;
    STAT(tlb_flushes);
    flush_hook(cpu, 0, true);
}

void cpu_tlb_code_protect(CpuState *cpu, uint32_t phys_page)
{
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < TLB_ENTRIES; i++) {
            TlbEntry *e = &cpu->in->tlb_set[s][i];
            if (e->phys_page == phys_page)
                e->tag_write = TLB_INVALID_TAG;
        }
}

void tlb_flush_nonglobal(CpuState *cpu)
{
    if (!(cpu->cr[4] & CR4_PGE)) {
        cpu_tlb_flush(cpu);
        return;
    }
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < TLB_ENTRIES; i++)
            if (!(cpu->in->tlb_set[s][i].flags & TLBF_GLOBAL))
                tlb_invalidate(&cpu->in->tlb_set[s][i]);
    STAT(tlb_flushes);
    flush_hook(cpu, 0, true);
}

void tlb_flush_page(CpuState *cpu, uint32_t lin)
{
    if (cpu->in->tlb_large) {
        cpu_tlb_flush(cpu);
        return;
    }
    uint32_t page = lin & PAGE_MASK;
    for (int s = 0; s < 2; s++) {
        TlbEntry *e = &cpu->in->tlb_set[s][(lin >> PAGE_SHIFT) % TLB_ENTRIES];
        if (e->tag_read == page || e->tag_write == page)
            tlb_invalidate(e);
    }
    flush_hook(cpu, page, false);
}

void cpu_tlb_init(CpuState *cpu)
{
    cpu->in->tlb = cpu->in->tlb_set[cpu->cpl == 3];
    cpu_tlb_flush(cpu);
}

void cpu_a20_changed(void *opaque)
{
    cpu_tlb_flush(opaque);
}

void cpu_state_loaded(CpuState *cpu)
{
    seg_update_all(cpu);
    cpu_set_cpl(cpu, cpu->cpl);
    cpu_tlb_flush(cpu);
    debug_regs_changed(cpu);
}

static void write_log_page(WriteLog *log, uint32_t ppage, const uint8_t *host)
{
    if (log->npages == log->page_cap) {
        log->page_cap = log->page_cap ? log->page_cap * 2 : 16;
        log->page = realloc(log->page, log->page_cap * sizeof *log->page);
        log->page_old = realloc(log->page_old, (size_t)log->page_cap * PAGE_SIZE);
        if (!log->page || !log->page_old)
            emu_fatal(2, "lockstep", "out of memory");
    }
    log->page[log->npages] = ppage;
    memcpy(log->page_old + (size_t)log->npages * PAGE_SIZE, host, PAGE_SIZE);
    log->npages++;
}

static void write_log_add(CpuState *cpu, uint32_t phys, unsigned size)
{
    WriteLog *log = cpu->in->wlog;
    if (!mem_host_ptr(cpu->mem, phys, false)) {
        log->io = true;
        return;
    }
    if (log->n == log->cap) {
        log->cap = log->cap ? log->cap * 2 : 256;
        log->e = realloc(log->e, log->cap * sizeof *log->e);
        if (!log->e)
            emu_fatal(2, "lockstep", "out of memory");
    }
    WriteLogEntry *e = &log->e[log->n++];
    e->phys = phys;
    e->size = (uint8_t)size;
    e->old = mem_read(cpu->mem, phys, size);
}

/*
 * Translate the page of 'lin' (raising #PF) and map it into the current set
 * when it is RAM/ROM. *phys gets the physical address of 'lin'. False: the
 * access must go to the bus (MMIO, unmapped, ROM write, watched page).
 */
static bool tlb_fill(CpuState *cpu, uint32_t lin, bool write, uint32_t *phys)
{
    CpuInternal *in = cpu->in;
    uint32_t page = lin & PAGE_MASK;
    uint32_t ppage = page, flags = 0;
    if (cpu->cr[0] & CR0_PG) {
        PageWalk w;
        unsigned acc = (write ? PF_W : 0) | (tlb_user(cpu) ? PF_U : 0);
        if (!paging_walk(cpu, lin, acc, false, &w))
            page_fault(cpu, lin, w.err);
        ppage = w.phys & PAGE_MASK;
        flags = (w.global ? TLBF_GLOBAL : 0) | (w.large ? TLBF_LARGE : 0);
    }
    ppage &= mem_a20_mask(cpu->mem);    /* the page the bus really reaches */
    *phys = ppage | (lin & (PAGE_SIZE - 1));
    STAT(tlb_misses);
    if (in->dr_data && debug_page_watched(cpu, page))
        return false;
    if (write && in->code_map && mem_code_page(in->code_map, ppage))
        return false;            /* translated code lives here: mem_write tells the translator */
    uint8_t *host = mem_host_ptr(cpu->mem, ppage, write);
    if (!host)
        return false;
    if (write && in->wlog)
        write_log_page(in->wlog, ppage, host);
    if (flags & TLBF_LARGE)
        in->tlb_large = true;
    TlbEntry *e = &in->tlb[(lin >> PAGE_SHIFT) % TLB_ENTRIES];
    if (e->tag_read != page || e->phys_page != ppage)
        tlb_invalidate(e);
    /* addend wraps modulo 2^N: host = lin + addend */
    e->addend = (uintptr_t)host - (uintptr_t)page;
    e->phys_page = ppage;
    e->flags = flags;
    e->tag_read = page;
    if (write) {
        e->tag_write = page;
        if (in->nwtag >= 0 && in->nwtag < 64) {
            in->wtag[in->nwtag] = (uint16_t)(e - in->tlb);
            in->wtag_set[in->nwtag++] = in->tlb == in->tlb_set[1];
        } else {
            in->nwtag = -1;
        }
    }
    return true;
}

uint32_t lin_read_slow(CpuState *cpu, uint32_t lin, unsigned size)
{
    if (cpu->in->dr_data && !cpu->in->fetching)
        debug_check_data(cpu, lin, size, false);
    if ((lin & (PAGE_SIZE - 1)) > PAGE_SIZE - size) {
        /* crosses a page: byte by byte, low address first */
        uint32_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= lin_read(cpu, lin + i, 1) << (8 * i);
        return v;
    }
    uint32_t phys;
    if (tlb_fill(cpu, lin, false, &phys))
        return lin_read(cpu, lin, size);
    return mem_read(cpu->mem, phys, size);
}

void lin_write_slow(CpuState *cpu, uint32_t lin, uint32_t val, unsigned size)
{
    if (cpu->in->dr_data)
        debug_check_data(cpu, lin, size, true);
    if ((lin & (PAGE_SIZE - 1)) > PAGE_SIZE - size) {
        /* SDM: a page-crossing write must not be partially done when the
         * second page faults; translate both first. CR2 then names the
         * first byte of the faulting page, as on hardware. */
        cpu_translate(cpu, lin, true);
        cpu_translate(cpu, (lin & PAGE_MASK) + PAGE_SIZE, true);
        for (unsigned i = 0; i < size; i++)
            lin_write(cpu, lin + i, (val >> (8 * i)) & 0xff, 1);
        return;
    }
    uint32_t phys;
    if (tlb_fill(cpu, lin, true, &phys)) {
        lin_write(cpu, lin, val, size);
        return;
    }
    if (cpu->in->wlog)
        write_log_add(cpu, phys, size);
    mem_write(cpu->mem, phys, val, size);
}

void cpu_write_log(CpuState *cpu, WriteLog *log)
{
    CpuInternal *in = cpu->in;
    in->wlog = log;
    if (!log)
        return;
    if (in->nwtag < 0) {
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < TLB_ENTRIES; i++)
                in->tlb_set[s][i].tag_write = TLB_INVALID_TAG;
    } else {
        for (int k = 0; k < in->nwtag; k++)
            in->tlb_set[in->wtag_set[k]][in->wtag[k]].tag_write = TLB_INVALID_TAG;
    }
    in->nwtag = 0;
}

/* ---- accesses with another privilege than the CPL's -------------------------- */

uint32_t lin_read_as(CpuState *cpu, int cpl, uint32_t lin, unsigned size)
{
    CpuInternal *in = cpu->in;
    TlbEntry *save = in->tlb;
    in->tlb = in->tlb_set[cpl == 3];
    uint32_t v = lin_read(cpu, lin, size);
    in->tlb = save;          /* a fault unwinds to cpu_exec, which reselects */
    return v;
}

void lin_write_as(CpuState *cpu, int cpl, uint32_t lin, uint32_t val, unsigned size)
{
    CpuInternal *in = cpu->in;
    TlbEntry *save = in->tlb;
    in->tlb = in->tlb_set[cpl == 3];
    lin_write(cpu, lin, val, size);
    in->tlb = save;
}

uint32_t sys_read(CpuState *cpu, uint32_t lin, unsigned size)
{
    return lin_read_as(cpu, 0, lin, size);
}

void sys_write(CpuState *cpu, uint32_t lin, uint32_t val, unsigned size)
{
    lin_write_as(cpu, 0, lin, val, size);
}

/* ---- firmware and debugger accesses: no guest exceptions ------------------------ */

int cpu_read_lin(CpuState *cpu, uint32_t lin, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        size_t n = PAGE_SIZE - (lin & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        PageWalk w;
        if (!paging_walk(cpu, lin, 0, true, &w))
            return -1;
        mem_read_buf(cpu->mem, w.phys, p, n);
        p += n;
        lin += (uint32_t)n;
        len -= n;
    }
    return 0;
}

int cpu_write_lin(CpuState *cpu, uint32_t lin, const void *buf, size_t len)
{
    PageWalk w;
    for (size_t done = 0; done < len;) {         /* all present, or nothing written */
        uint32_t at = lin + (uint32_t)done;
        if (!paging_walk(cpu, at, 0, true, &w))
            return -1;
        done += PAGE_SIZE - (at & (PAGE_SIZE - 1));
    }
    const uint8_t *p = buf;
    while (len > 0) {
        size_t n = PAGE_SIZE - (lin & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        /* a real write: accessed and dirty bits set, no permission check */
        paging_walk(cpu, lin, PF_W | WALK_NOCHECK, false, &w);
        mem_write_buf(cpu->mem, w.phys, p, n);
        p += n;
        lin += (uint32_t)n;
        len -= n;
    }
    return 0;
}
