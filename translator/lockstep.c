/*
 * translator/lockstep.c - "-accel lockstep": every block runs translated
 * and interpreted, and the first difference stops the machine.
 *
 * For each block: the CPU state is saved and memory writes are logged
 * (cpu_write_log: write tags are dropped, and a RAM page is copied when it
 * gets one again, so inline stores stay fast and still undoable; other
 * writes log their old bytes); the block runs translated (no chaining, so it
 * is exactly one block); its final state and the values it wrote are
 * kept; the writes are undone and the saved state restored; the
 * interpreter then runs the same number of instructions (an exception
 * ends both at the same instruction, after its delivery). Registers,
 * EFLAGS (less the flags the SDM leaves undefined at that point),
 * segments, descriptor tables, control and debug registers, x87 state and
 * every logged memory location must agree. Blocks that touched ports,
 * MMIO or BIOS services are not replayed (their side effects would happen
 * twice), nor blocks reading the clock (RDTSC, RDMSR); they are counted as
 * "not compared". The interpreter's result is
 * the one that continues.
 */
#include "translator/internal.h"

typedef struct Snap {
    CpuState cpu;
    int64_t executed;
    uint64_t io_r, io_w, mmio, bios;
} Snap;

static void snap_take(CpuState *cpu, Snap *s)
{
    flags_sync(cpu);
    s->cpu = *cpu;
    s->executed = cpu->in->executed;
    s->io_r = emu_stats[STAT_io_reads];
    s->io_w = emu_stats[STAT_io_writes];
    s->mmio = emu_stats[STAT_mmio_accesses];
    s->bios = emu_stats[STAT_bios_calls];
}

/* Instructions that read time: both runs see a different clock. */
static bool reads_time(const Block *b)
{
    for (unsigned i = 0; i < b->ninsn; i++) {
        unsigned op = b->insns[i].opcode;
        if (op == 0x0f31 || op == 0x0f32 || op == 0x0f33)
            return true;                 /* RDTSC, RDMSR (the TSC), RDPMC */
    }
    return false;
}

static bool snap_io(const Snap *s)
{
    return s->io_r != emu_stats[STAT_io_reads] || s->io_w != emu_stats[STAT_io_writes] ||
           s->mmio != emu_stats[STAT_mmio_accesses] || s->bios != emu_stats[STAT_bios_calls];
}

/* Put the saved architectural state back (wiring is the same object). */
static void snap_restore(CpuState *cpu, const Snap *s)
{
    bool paging = cpu->cr[0] != s->cpu.cr[0] || cpu->cr[3] != s->cpu.cr[3] ||
                  cpu->cr[4] != s->cpu.cr[4] || cpu->cpl != s->cpu.cpl;
    *cpu = s->cpu;
    cpu->in->lf_op = LF_NONE;
    seg_update_all(cpu);
    cpu_set_cpl(cpu, cpu->cpl);
    if (paging)
        cpu_tlb_flush(cpu);
    debug_regs_changed(cpu);
}

static void undo_writes(CpuState *cpu, const WriteLog *log)
{
    for (uint32_t k = log->n; k-- > 0;)
        mem_write(cpu->mem, log->e[k].phys, log->e[k].old, log->e[k].size);
    for (uint32_t k = log->npages; k-- > 0;)
        memcpy(mem_host_ptr(cpu->mem, log->page[k], false),
               log->page_old + (size_t)k * PAGE_SIZE, PAGE_SIZE);
}

static void log_reset(WriteLog *log)
{
    log->n = 0;
    log->npages = 0;
    log->io = false;
}

/* First difference in one page between 'want' and memory; -1 if none. */
static int page_diff(CpuState *cpu, uint32_t page, const uint8_t *want)
{
    const uint8_t *now = mem_host_ptr(cpu->mem, page, false);
    if (!memcmp(now, want, PAGE_SIZE))
        return -1;
    for (int i = 0; i < (int)PAGE_SIZE; i++)
        if (now[i] != want[i])
            return i;
    return -1;
}

static int diff_seg(FILE *f, const char *name, const SegCache *a, const SegCache *b)
{
    if (a->sel == b->sel && a->base == b->base && a->limit == b->limit && a->flags == b->flags)
        return 0;
    if (f)
        fprintf(f, "  %-6s jit %04x base %08x limit %08x flags %04x | "
                "interp %04x base %08x limit %08x flags %04x\n", name, a->sel, a->base, a->limit, a->flags,
                b->sel, b->base, b->limit, b->flags);
    return 1;
}

#define DIFF32(f, name, a, b) \
    ((a) != (b) ? ((f) ? fprintf(f, "  %-6s jit %08x | interp %08x\n", name, (unsigned)(a), \
                                 (unsigned)(b)) : 0, 1) : 0)

/* Compare the JIT's state a with the interpreter's b: the number of
 * differences, each printed to f unless f is NULL. */
static int compare(FILE *f, const CpuState *a, const CpuState *b, uint32_t undef)
{
    static const char *rn[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
    static const char *sn[6] = { "es", "cs", "ss", "ds", "fs", "gs" };
    int d = 0;
    for (int r = 0; r < 8; r++)
        d += DIFF32(f, rn[r], a->regs[r], b->regs[r]);
    d += DIFF32(f, "eip", a->eip, b->eip);
    d += DIFF32(f, "eflags", a->eflags & ~undef & ~EFLAGS_RF, b->eflags & ~undef & ~EFLAGS_RF);
    for (int s = 0; s < SEG_COUNT; s++)
        d += diff_seg(f, sn[s], &a->seg[s], &b->seg[s]);
    d += diff_seg(f, "ldtr", &a->ldtr, &b->ldtr);
    d += diff_seg(f, "tr", &a->tr, &b->tr);
    d += DIFF32(f, "gdtb", a->gdtr.base, b->gdtr.base);
    d += DIFF32(f, "gdtl", a->gdtr.limit, b->gdtr.limit);
    d += DIFF32(f, "idtb", a->idtr.base, b->idtr.base);
    d += DIFF32(f, "idtl", a->idtr.limit, b->idtr.limit);
    for (int c = 0; c < 5; c++)
        d += DIFF32(f, c == 0 ? "cr0" : c == 2 ? "cr2" : c == 3 ? "cr3" : c == 4 ? "cr4" : "cr1",
                    a->cr[c], b->cr[c]);
    for (int r = 0; r < 8; r++)
        d += DIFF32(f, "dr", a->dr[r], b->dr[r]);
    d += DIFF32(f, "cpl", a->cpl, b->cpl);
    d += DIFF32(f, "halted", a->halted, b->halted);
    for (int i = 0; i < 8; i++) {
        d += DIFF32(f, "st.lo", (uint32_t)a->fpu.st[i].sig, (uint32_t)b->fpu.st[i].sig);
        d += DIFF32(f, "st.hi", (uint32_t)(a->fpu.st[i].sig >> 32), (uint32_t)(b->fpu.st[i].sig >> 32));
        d += DIFF32(f, "st.se", a->fpu.st[i].se, b->fpu.st[i].se);
    }
    d += DIFF32(f, "fcw", a->fpu.fcw, b->fpu.fcw);
    d += DIFF32(f, "fsw", a->fpu.fsw, b->fpu.fsw);
    d += DIFF32(f, "ftw", a->fpu.ftw, b->fpu.ftw);
    d += DIFF32(f, "fop", a->fpu.fop, b->fpu.fop);
    d += DIFF32(f, "fip", a->fpu.fip, b->fpu.fip);
    d += DIFF32(f, "fdp", a->fpu.fdp, b->fpu.fdp);
    return d;
}

static void report(Jit *j, const Block *b, const CpuState *s0, const CpuState *sj,
                   const CpuState *si, uint32_t undef)
{
    FILE *f = stderr;
    CpuState *cpu = j->cpu;
    fprintf(f, "emu: lockstep: translated and interpreted execution differ in the block at %04x:%08x\n",
            s0->seg[SEG_CS].sel, b->eip);
    fprintf(f, "guest code:\n");
    for (unsigned i = 0; i < b->ninsn; i++) {
        char text[96];
        if (cpu_disasm(cpu, b->cs_base + b->insns[i].eip, text, sizeof text) <= 0)
            snprintf(text, sizeof text, "(unreadable)");
        fprintf(f, "  %08x  %s\n", b->insns[i].eip, text);
    }
    fprintf(f, "state before the block:\n");
    CpuState tmp = *cpu, interp = *si;
    *cpu = *s0;
    cpu_dump_state(cpu, f);
    *cpu = *sj;
    fprintf(f, "translated:\n");
    cpu_dump_state(cpu, f);
    *cpu = interp;
    fprintf(f, "interpreted:\n");
    cpu_dump_state(cpu, f);
    *cpu = tmp;
    fprintf(f, "differences (undefined flags %03x ignored):\n", undef);
    compare(f, sj, &interp, undef);
}

/*
 * One block in lockstep. Returns instructions done, or -1 (difference,
 * reported), -2 (shutdown).
 */
static int64_t ls_block(Jit *j, Block *b)
{
    CpuState *cpu = j->cpu;
    CpuInternal *in = cpu->in;
    static Snap s0, sj;
    static WriteLog lj, li;
    volatile int64_t done = 0;
    volatile bool dead = false;

    snap_take(cpu, &s0);
    log_reset(&lj);
    cpu_write_log(cpu, &lj);
    if (!setjmp(in->unwind)) {
        done = jit_run_one_block(j, b);
    } else {
        j->running = false;
        done = b->ninsn - j->ctx.left;   /* the faulting instruction included */
        if (!cpu_unwound(cpu))
            dead = true;
    }
    cpu_write_log(cpu, NULL);
    if (dead)
        return -2;
    snap_take(cpu, &sj);
    if (lj.io || snap_io(&s0) || j->ctx.smc || done <= 0 || reads_time(b)) {
        j->st.lockstep_skipped++;
        return done > 0 ? done : 1;
    }
    /* the JIT's values at the locations it wrote, then undo */
    static uint32_t *jv;
    static uint32_t jv_cap;
    if (jv_cap < lj.n) {
        jv_cap = lj.n * 2;
        jv = realloc(jv, jv_cap * sizeof *jv);
        if (!jv)
            emu_fatal(2, "lockstep", "out of memory");
    }
    for (uint32_t k = 0; k < lj.n; k++)
        jv[k] = mem_read(cpu->mem, lj.e[k].phys, lj.e[k].size);
    static uint8_t *jpages;
    static uint32_t jpages_cap;
    if (jpages_cap < lj.npages) {
        jpages_cap = lj.npages * 2;
        jpages = realloc(jpages, (size_t)jpages_cap * PAGE_SIZE);
        if (!jpages)
            emu_fatal(2, "lockstep", "out of memory");
    }
    for (uint32_t k = 0; k < lj.npages; k++)
        memcpy(jpages + (size_t)k * PAGE_SIZE, mem_host_ptr(cpu->mem, lj.page[k], false), PAGE_SIZE);
    undo_writes(cpu, &lj);
    snap_restore(cpu, &s0);

    log_reset(&li);
    cpu_write_log(cpu, &li);
    volatile int64_t k = 0;
    if (!setjmp(in->unwind)) {
        for (; k < done; k++)
            cpu_exec_one(cpu);
    } else {
        if (!cpu_unwound(cpu))
            dead = true;
    }
    cpu_write_log(cpu, NULL);
    if (dead)
        return -2;
    flags_sync(cpu);
    uint32_t undef = (j->undef_running & ~b->flags_written) | b->flags_undef;
    j->undef_running = undef;
    int diffs = compare(NULL, &sj.cpu, cpu, undef);   /* printed by report() */
    /* memory: what the JIT wrote must be what the interpreter wrote */
    uint32_t mem_diffs = 0;
    for (uint32_t n = 0; n < lj.n; n++) {
        uint32_t now = mem_read(cpu->mem, lj.e[n].phys, lj.e[n].size);
        if (now != jv[n]) {
            if (!mem_diffs++)
                fprintf(stderr, "  memory %08x: jit %08x | interp %08x\n", lj.e[n].phys, jv[n], now);
        }
    }
    for (uint32_t n = 0; n < li.n; n++) {
        bool seen = false;
        for (uint32_t m = 0; m < lj.n && !seen; m++)
            seen = lj.e[m].phys == li.e[n].phys;
        if (!seen) {
            if (!mem_diffs++)
                fprintf(stderr, "  memory %08x: written by the interpreter only\n", li.e[n].phys);
        }
    }
    for (uint32_t n = 0; n < lj.npages; n++) {
        int at = page_diff(cpu, lj.page[n], jpages + (size_t)n * PAGE_SIZE);
        if (at >= 0 && !mem_diffs++)
            fprintf(stderr, "  memory %08x: jit %02x | interp %02x\n", lj.page[n] + (uint32_t)at,
                    jpages[(size_t)n * PAGE_SIZE + (size_t)at],
                    mem_host_ptr(cpu->mem, lj.page[n], false)[at]);
    }
    for (uint32_t n = 0; n < li.npages; n++) {
        bool seen = false;
        for (uint32_t m = 0; m < lj.npages && !seen; m++)
            seen = lj.page[m] == li.page[n];
        if (seen)
            continue;
        int at = page_diff(cpu, li.page[n], li.page_old + (size_t)n * PAGE_SIZE);
        if (at >= 0 && !mem_diffs++)
            fprintf(stderr, "  memory %08x: written by the interpreter only\n", li.page[n] + (uint32_t)at);
    }
    if (diffs || mem_diffs) {
        report(j, b, &s0.cpu, &sj.cpu, cpu, undef);
        return -1;
    }
    j->st.lockstep_blocks++;
    return done;
}

CpuExit lockstep_exec(Jit *j, int64_t budget)
{
    CpuState *cpu = j->cpu;
    CpuInternal *in = cpu->in;
    in->executed = 0;
    if (in->shutdown)
        return CPU_EXIT_SHUTDOWN;
    if (j->lockstep_failed)
        return CPU_EXIT_REQUEST;
    jit_current = j;
    in->unwind_valid = true;
    while (in->executed < budget) {
        if (setjmp(in->unwind)) {
            if (!cpu_unwound(cpu))
                return jit_finish(cpu, CPU_EXIT_SHUTDOWN);
            continue;
        }
        if (cpu->exit_request) {
            cpu->exit_request = false;
            return jit_finish(cpu, CPU_EXIT_REQUEST);
        }
        in->attention = 0;
        if ((cpu->nmi_pending || cpu->intr_line) && !cpu->intr_shadow && cpu_take_interrupt(cpu)) {
            in->executed++;
            continue;
        }
        if (cpu->halted)
            return jit_finish(cpu, CPU_EXIT_HALT);
        Block *b = jit_needs_step(cpu) ? NULL : jit_find_block(j);
        if (!b) {
            cpu_exec_one(cpu);
            in->executed++;
            continue;
        }
        int64_t before = in->executed;
        int64_t n = ls_block(j, b);
        in->executed = before;
        if (n == -2)
            return jit_finish(cpu, CPU_EXIT_SHUTDOWN);
        if (n < 0) {
            j->lockstep_failed = true;
            return jit_finish(cpu, CPU_EXIT_REQUEST);
        }
        in->executed += n;
        for (int32_t k = j->ctx.interp; k > 0 && !cpu->halted; k--) {
            j->ctx.interp = 0;          /* the rest of the block, interpreted */
            cpu_exec_one(cpu);
            in->executed++;
        }
        j->ctx.interp = 0;
    }
    return jit_finish(cpu, CPU_EXIT_BUDGET);
}
