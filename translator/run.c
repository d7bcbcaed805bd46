/*
 * translator/run.c - the translator's run loop and the helper wrapper.
 *
 * jit_exec() keeps cpu_exec()'s contract (translator/jit.h): between
 * blocks it honours exit requests, takes NMI/INTR, stops on HLT, and hands
 * single instructions to the interpreter (cpu_exec_one) whenever
 * instruction granularity is needed - TF, RF, debug registers, an
 * interrupt shadow, alignment checking, code in MMIO, an instruction
 * crossing a page. Otherwise it finds the block for CS:EIP (jump cache,
 * then hash, then translation) and enters translated code, which runs
 * chained blocks until an exit. Generated code subtracts each block's
 * length from ctx.countdown at entry; the loop turns what was consumed
 * back into in->executed (less ctx.left, the block instructions an early
 * exit did not run).
 *
 * Exceptions raised in helpers longjmp to the setjmp here, as they do to
 * cpu_exec's; cpu_unwound() makes them precise from insn_eip/insn_esp,
 * which the helper wrapper set for the faulting instruction.
 *
 * The block key (jit_key) is every mode bit translated code depends on:
 * CS.D, SS.B, CPL (the TLB set inline accesses use), PE, VM, and which
 * data segments are flat (base 0, 4 GiB reachable: no base add and no
 * limit check inline). The CS base and EIP are part of a block's identity.
 */
#include "translator/internal.h"
#include "cpu/sensitive.h"

const int8_t guest_hreg[8] = { H_RAX, H_RCX, H_RDX, H_RBX, H_R13, H_RBP, H_RSI, H_RDI };

Jit *jit_current;             /* the translator whose code is running (one CPU) */

uint32_t jit_key(const CpuState *cpu)
{
    return (code32(cpu) ? 1u : 0) | (stack32(cpu) ? 2u : 0) | ((uint32_t)cpu->cpl << 2) |
           ((cpu->cr[0] & CR0_PE) ? 16u : 0) | (v86_mode(cpu) ? 32u : 0) |
           ((uint32_t)(cpu->in->seg_flat & 0x3f) << 8) |
           0x40000000u;            /* never 0: an empty jump-cache entry must not match;
                                      bit 31 clear: key | cs_base << 32 is an imm32 when
                                      cs_base = 0 (codegen.c, jc_key_cmp) */
}

/*
 * Execute one instruction for translated code, as cpu_exec_one would after
 * decoding: cpu->eip holds its address. Returns non-zero when translated
 * code must leave (control transfer, mode change, SMC in the current code,
 * halt, interrupt shadow, pending attention, #DB trap) with cpu->eip set.
 */
/* Translated code keeps the arithmetic flags as an image (LF_HOST). */
static void flags_to_host_image(CpuState *cpu)
{
    if (cpu->in->lf_op == LF_HOST)
        return;
    flags_sync(cpu);
    cpu->in->lf_host = cpu->eflags & FLAGS_ARITH;
    cpu->in->lf_op = LF_HOST;
}

/* What cpu_exec_one does before the semantics: the instruction's EIP/ESP
 * for a precise unwind, EIP committed to the next one (returned). */
static uint32_t begin_insn(CpuState *cpu, const Insn *i)
{
    cpu->in->insn_eip = cpu->eip;
    cpu->in->insn_esp = cpu->regs[R_ESP];
    uint32_t next = cpu->eip + i->len;
    cpu->eip = code32(cpu) ? next : (next & 0xffff);
    return cpu->eip;
}

int jit_helper_insn(CpuState *cpu, const Insn *i)
{
    Jit *j = jit_current;
    CpuInternal *in = cpu->in;
    j->ctx.helper_calls++;
    uint32_t next = begin_insn(cpu, i);
    cpu->intr_shadow = false;
    in->shadow_next = false;
    uint32_t if_before = cpu->eflags & EFLAGS_IF;
    if (i->op->flags & OPF_SENSITIVE) {
        cpu->eip = in->insn_eip;
        sens_note(cpu, i);
        cpu->eip = next;
    }
    uint32_t flushes = j->tlb_flushes;
    i->op->exec(cpu, i);
    cpu->intr_shadow = in->shadow_next;
    flags_to_host_image(cpu);
    /* a TLB flush (A20 through port 92h, ...) leaves the block: addends
     * its hoisted probes found may be stale now (translator/hoist.c) */
    if (j->tlb_flushes != flushes)
        return 1;
    if (in->dr6_hits) {
        cpu->dr[6] |= in->dr6_hits;
        in->dr6_hits = 0;
        in->insn_eip = cpu->eip;
        in->insn_esp = cpu->regs[R_ESP];
        deliver_event(cpu, EXC_DB, NO_ERROR_CODE, EVENT_EXC);
        return 1;
    }
    if (j->ctx.smc) {
        j->st.smc_exits++;
        return 1;
    }
    return cpu->eip != next || cpu->halted || cpu->intr_shadow || in->attention ||
           (cpu->eflags & (EFLAGS_TF | EFLAGS_RF)) || in->dr_exec || in->dr_data || in->dr_io ||
           (!if_before && (cpu->eflags & EFLAGS_IF)) || jit_key(cpu) != j->ctx.key;
}

/*
 * The x87 escapes (D8-DF) that touch neither general registers nor EFLAGS
 * nor control flow: fewer exit checks. Faults unwind as usual. Non-zero
 * when translated code must leave: the instruction met a pending unmasked
 * exception with CR0.NE clear, asserted FERR# and asked to be run again
 * after the IRQ 13 it raises (cpu->eip back on it; it counts as not run),
 * or something raised in->attention.
 */
int jit_helper_fpu(CpuState *cpu, const Insn *i)
{
    uint32_t next = begin_insn(cpu, i);
    i->op->exec(cpu, i);
    if (cpu->eip != next) {
        jit_current->ctx.left++;
        return 1;
    }
    return cpu->in->attention;
}

/*
 * The guest x87 state to and from an FXSAVE image (SDM Vol. 2 FXSAVE,
 * table 3-53): translated code loads it into the host's x87 with FXRSTOR
 * for a run of x87 instructions and stores it back with FXSAVE
 * (translator/codegen.c, gen_x87). The abridged tag byte has bit p set for
 * a non-empty physical register p; ST(i) is stored in stack order. FCW
 * does not change while the host holds the state, and FIP/FDP/FOP are
 * written by the generated code itself. MXCSR is the host's own.
 */
void jit_x87_to_fx(CpuState *cpu, uint8_t *fx)
{
    const FpuState *f = &cpu->fpu;
    memset(fx, 0, 32);
    memcpy(fx + 0, &f->fcw, 2);
    memcpy(fx + 2, &f->fsw, 2);
    for (int p = 0; p < 8; p++)
        if (((f->ftw >> (2 * p)) & 3) != 3)
            fx[4] |= (uint8_t)(1u << p);
    uint32_t mxcsr = __builtin_ia32_stmxcsr();
    memcpy(fx + 24, &mxcsr, 4);
    int top = (f->fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        const Fp80 *r = &f->st[(top + i) & 7];
        memcpy(fx + 32 + 16 * i, &r->sig, 8);
        memcpy(fx + 40 + 16 * i, &r->se, 2);
    }
}

void jit_fx_to_x87(CpuState *cpu, const uint8_t *fx)
{
    FpuState *f = &cpu->fpu;
    memcpy(&f->fsw, fx + 2, 2);
    for (int p = 0; p < 8; p++) {
        unsigned old = (f->ftw >> (2 * p)) & 3;
        unsigned tag = (fx[4] >> p) & 1 ? (old == 3 ? 0 : old) : 3;
        f->ftw = (uint16_t)((f->ftw & ~(3u << (2 * p))) | tag << (2 * p));
    }
    int top = (f->fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        Fp80 *r = &f->st[(top + i) & 7];
        memcpy(&r->sig, fx + 32 + 16 * i, 8);
        memcpy(&r->se, fx + 40 + 16 * i, 2);
    }
}

static void tlb_flush_hook(void *opaque, uint32_t lin, bool all)
{
    Jit *j = opaque;
    j->tlb_flushes++;
    if (all)
        jc_flush(j);
    else
        jc_flush_page(j, lin);
    /* a block crossing pages is valid while its second page's mapping is:
     * it goes when that may change (then the run loop retranslates) */
    for (uint32_t k = 0; k < j->nxblocks;) {
        Block *b = j->xblocks[k];
        if (all || ((b->lin & PAGE_MASK) + PAGE_SIZE) == (lin & PAGE_MASK))
            cache_invalidate_block(j, b);
        else
            k++;
    }
}

static void code_write_hook(void *opaque, uint32_t phys, uint32_t len)
{
    cache_invalidate_range(opaque, phys, len);
}

Jit *jit_new(CpuState *cpu, bool lockstep)
{
    Jit *j = xzalloc(sizeof *j);
    j->cpu = cpu;
    j->lockstep = lockstep;
    j->chain = !lockstep;
    j->bmi2 = __builtin_cpu_supports("bmi2");
    cache_init(j);
    cpu->in->tlb_flush_hook = tlb_flush_hook;
    cpu->in->tlb_flush_opaque = j;
    cpu->in->code_map = mem_code_map(cpu->mem);
    mem_set_code_listener(cpu->mem, code_write_hook, j);
    cpu_tlb_flush(cpu);
    return j;
}

void jit_free(Jit *j)
{
    if (!j)
        return;
    j->cpu->in->tlb_flush_hook = NULL;
    j->cpu->in->code_map = NULL;
    cache_flush(j);
    mem_set_code_listener(j->cpu->mem, NULL, NULL);
    cache_destroy(j);
    if (jit_current == j)
        jit_current = NULL;
    free(j);
}

void jit_flush(Jit *j)
{
    cache_flush(j);
}

bool jit_lockstep_failed(const Jit *j)
{
    return j->lockstep_failed;
}

/* Instruction granularity needed: the interpreter takes this one. */
bool jit_needs_step(const CpuState *cpu)
{
    const CpuInternal *in = cpu->in;
    return cpu->intr_shadow || (cpu->eflags & (EFLAGS_TF | EFLAGS_RF)) || in->dr_exec ||
           in->dr_data || in->dr_io ||
           ((cpu->cr[0] & CR0_AM) && (cpu->eflags & EFLAGS_AC) && cpu->cpl == 3);
}

/* The block for CS:EIP: jump cache, hash, or a new translation. NULL: the
 * interpreter must run this instruction. May raise (#PF on the fetch). */
Block *jit_find_block(Jit *j)
{
    CpuState *cpu = j->cpu;
    cpu->in->insn_eip = cpu->eip;        /* a fetch fault or #GP here is precise */
    cpu->in->insn_esp = cpu->regs[R_ESP];
    uint32_t key = jit_key(cpu);
    uint32_t cs_base = cpu->seg[SEG_CS].base;
    uint32_t lin = cs_base + cpu->eip;
    uint32_t idx = jc_index(lin);
    Block *b = j->jc_block[idx];
    if (b && b->valid && b->lin == lin && b->key == key && b->cs_base == cs_base &&
        b->eip == cpu->eip)
        return b;
    uint32_t phys = cpu_translate(cpu, lin, false) & mem_a20_mask(cpu->mem);
    if (!mem_host_ptr(cpu->mem, phys, false))
        return NULL;                     /* code in MMIO or unmapped: interpret */
    b = cache_lookup(j, phys, cpu->eip, cs_base, key);
    if (b && b->phys2) {
        /* crosses pages: the second page must still be where it was */
        uint32_t p2 = cpu_translate(cpu, (lin & PAGE_MASK) + PAGE_SIZE, false) &
                      mem_a20_mask(cpu->mem);
        if (p2 != b->phys2) {
            cache_invalidate_block(j, b);
            b = NULL;
        }
    }
    if (!b) {
        b = translate_block(j, phys, key);
        if (!b)
            return NULL;
    }
    if (b->lin != lin)
        b->lin = lin;                    /* same code reached through another alias */
    jc_put(j, b);
    return b;
}

CpuExit jit_finish(CpuState *cpu, CpuExit why)
{
    CpuInternal *in = cpu->in;
    in->unwind_valid = false;
    cpu->icount += (uint64_t)in->executed;
    emu_stats[STAT_insns] += (uint64_t)in->executed;
    return why;
}

/* Run translated code from b until it exits; returns instructions done. */
static int64_t run_code(Jit *j, Block *b, int64_t slice)
{
    CpuState *cpu = j->cpu;
    if (slice > (1 << 30))
        slice = 1 << 30;
    if (slice < b->ninsn)
        slice = b->ninsn;              /* the first block always runs whole */
    j->run_slice = slice;
    j->ctx.countdown = (int32_t)slice;
    j->ctx.left = 0;
    j->ctx.key = b->key;
    j->ctx.smc = 0;
    j->ctx.interp = 0;
    j->ctx.x87_host = 0;
    j->ctx.chain_site = NULL;
    flags_to_host_image(cpu);
    if (emu_log_mask & LOG_EXEC)
        emu_log("exec: %04x:%08x block %u insns\n", cpu->seg[SEG_CS].sel, cpu->eip, b->ninsn);
    j->running = true;
    j->enter(cpu, b->code, &j->ctx, cpu->in);
    j->running = false;
    if (emu_log_mask & LOG_EXEC)
        emu_log("exit: %04x:%08x left %d countdown %d\n", cpu->seg[SEG_CS].sel, cpu->eip,
                j->ctx.left, j->ctx.countdown);
    j->st.dispatches++;
    return slice - j->ctx.countdown - j->ctx.left;
}

CpuExit jit_exec(Jit *j, int64_t budget)
{
    if (j->lockstep)
        return lockstep_exec(j, budget);
    CpuState *cpu = j->cpu;
    CpuInternal *in = cpu->in;
    in->executed = 0;
    if (in->shutdown)
        return CPU_EXIT_SHUTDOWN;
    jit_current = j;
    in->unwind_valid = true;
    if (setjmp(in->unwind)) {
        if (j->running) {
            /* a helper raised: the faulting instruction counts as run,
             * like the interpreter's unwind */
            j->running = false;
            in->executed += j->run_slice - j->ctx.countdown - j->ctx.left - 1;
        }
        j->pending_chain = NULL;
        if (!cpu_unwound(cpu))
            return jit_finish(cpu, CPU_EXIT_SHUTDOWN);
    }
    while (in->executed < budget) {
        if (cpu->exit_request) {
            cpu->exit_request = false;
            return jit_finish(cpu, CPU_EXIT_REQUEST);
        }
        in->attention = 0;
        if ((cpu->nmi_pending || cpu->intr_line) && !cpu->intr_shadow && cpu_take_interrupt(cpu)) {
            in->executed++;
            j->pending_chain = NULL;
            continue;
        }
        if (cpu->halted)
            return jit_finish(cpu, CPU_EXIT_HALT);
        if (jit_needs_step(cpu)) {
            j->pending_chain = NULL;
            cpu_exec_one(cpu);
            in->executed++;
            j->st.interp_steps++;
            continue;
        }
        Block *b = jit_find_block(j);
        if (!b) {
            j->pending_chain = NULL;
            cpu_exec_one(cpu);
            in->executed++;
            j->st.interp_steps++;
            continue;
        }
        if (j->pending_chain && j->pending_eip == cpu->eip && b->key == j->ctx.key) {
            emit_patch(j->pending_chain, b->code);
            j->st.chains++;
        }
        j->pending_chain = NULL;
        in->executed += run_code(j, b, budget - in->executed);
        /* translated code asked for the rest of its block interpreted (x87
         * instructions while an x87 exception is unmasked, CR0.TS/EM set) */
        for (int32_t k = j->ctx.interp; k > 0 && !cpu->halted; k--) {
            j->ctx.interp = 0;
            cpu_exec_one(cpu);
            in->executed++;
            j->st.interp_steps++;
        }
        j->ctx.interp = 0;
        if (j->ctx.chain_site && j->chain) {
            j->pending_chain = j->ctx.chain_site;
            j->pending_eip = cpu->eip;
        }
    }
    return jit_finish(cpu, CPU_EXIT_BUDGET);
}

/* Lockstep's primitive: one block, no chaining, no jump-cache jumps out. */
int64_t jit_run_one_block(Jit *j, Block *b)
{
    jit_current = j;
    return run_code(j, b, b->ninsn);
}

void jit_stats_print(const Jit *j, FILE *f)
{
    const JitStats *s = &j->st;
    fprintf(f, "translator:\n");
    fprintf(f, "  %-34s %llu\n", "blocks translated", (unsigned long long)s->blocks);
    fprintf(f, "  %-34s %llu (inline %llu, helper %llu)\n", "guest instructions translated",
            (unsigned long long)s->insns, (unsigned long long)s->inline_insns,
            (unsigned long long)s->helper_insns);
    fprintf(f, "  %-34s %llu\n", "guest code bytes", (unsigned long long)s->guest_bytes);
    fprintf(f, "  %-34s %llu\n", "host code bytes", (unsigned long long)s->host_bytes);
    fprintf(f, "  %-34s %llu\n", "chains patched", (unsigned long long)s->chains);
    fprintf(f, "  %-34s %llu\n", "run loop dispatches", (unsigned long long)s->dispatches);
    fprintf(f, "  %-34s %llu\n", "helper calls", (unsigned long long)j->ctx.helper_calls);
    fprintf(f, "  %-34s %llu\n", "interpreted steps", (unsigned long long)s->interp_steps);
    fprintf(f, "  %-34s %llu\n", "code cache flushes", (unsigned long long)s->flushes);
    fprintf(f, "  %-34s %llu\n", "SMC invalidations", (unsigned long long)s->smc_invalidations);
    fprintf(f, "  %-34s %llu\n", "SMC early exits", (unsigned long long)s->smc_exits);
    if (j->lockstep)
        fprintf(f, "  %-34s %llu compared, %llu not (I/O)\n", "lockstep blocks",
                (unsigned long long)s->lockstep_blocks, (unsigned long long)s->lockstep_skipped);
}
