/*
 * cpu/cpu.c - CPU lifecycle, EFLAGS access and state dumps.
 *
 * Models:      creation, the power-on/RESET state of a family-6 processor,
 *              exact EFLAGS read/write from outside cpu/ (lazy flags folded
 *              in; bit 1 set, bits 3, 5, 15 clear), register dumps.
 * Not modeled: INIT (as opposed to RESET) - the same state is used; BIST.
 * Spec:        SDM Vol. 3A 9.1.1 table 9-1 "IA-32 Processor States Following
 *              Power-up, Reset, or INIT".
 */
#include "cpu/sys.h"

/* Family 6, model 1 (Pentium Pro class), stepping 9. */
#define CPU_SIGNATURE 0x00000619u

CpuState *cpu_create(AddrSpace *mem, AddrSpace *io)
{
    CpuState *cpu = xzalloc(sizeof *cpu);
    cpu->in = xzalloc(sizeof *cpu->in);
    cpu->in->nwtag = -1;
    cpu->mem = mem;
    cpu->io = io;
    if (mem)
        mem_set_a20_listener(mem, cpu_a20_changed, cpu);
    cpu_reset(cpu);
    return cpu;
}

void cpu_free(CpuState *cpu)
{
    if (!cpu)
        return;
    free(cpu->in);
    free(cpu);
}

static void seg_reset(SegCache *s, uint16_t sel, uint32_t base, uint16_t flags)
{
    s->sel = sel;
    s->base = base;
    s->limit = 0xffff;
    s->flags = flags;
}

void cpu_reset(CpuState *cpu)
{
    CpuInternal *in = cpu->in;
    memset(cpu->regs, 0, sizeof cpu->regs);
    cpu->regs[R_EDX] = CPU_SIGNATURE;
    cpu->eip = 0xfff0;
    cpu->eflags = 0x2;
    /* Table 9-1: CS F000 base FFFF0000; others 0 base 0; limit FFFF,
     * present, read/write (code: execute/read), accessed. */
    for (int s = 0; s < SEG_COUNT; s++)
        seg_reset(&cpu->seg[s], 0, 0, 0x93);
    seg_reset(&cpu->seg[SEG_CS], 0xf000, 0xffff0000u, 0x9b);
    seg_reset(&cpu->ldtr, 0, 0, 0x82);
    seg_reset(&cpu->tr, 0, 0, 0x8b);
    cpu->gdtr.base = cpu->idtr.base = 0;
    cpu->gdtr.limit = cpu->idtr.limit = 0xffff;
    memset(cpu->cr, 0, sizeof cpu->cr);
    cpu->cr[0] = 0x60000010u;            /* CD NW ET */
    memset(cpu->dr, 0, sizeof cpu->dr);
    cpu->dr[6] = 0xffff0ff0u;
    cpu->dr[7] = 0x00000400u;
    cpu->cpl = 0;
    cpu->nmi_blocked = false;
    cpu->sysenter_cs = cpu->sysenter_esp = cpu->sysenter_eip = 0;
    cpu->halted = false;
    cpu->intr_shadow = false;
    cpu->nmi_pending = false;
    cpu->tsc = 0 - cpu_tsc_base(cpu);     /* the TSC restarts at 0 */
    cpu->exit_request = false;

    in->lf_op = LF_NONE;
    in->lf_size = 4;
    in->exc_depth = 0;
    in->shutdown = false;
    in->shadow_next = false;
    in->last_vector = -1;
    fpu_reset(cpu);                      /* x87/MMX power-on state, cpu/fpu.c */
    in->deliver_class = -1;
    in->deliver_ext = false;
    in->dr6_hits = 0;
    in->fetching = false;
    cpu_tlb_init(cpu);
    seg_update_all(cpu);
    debug_regs_changed(cpu);
}

uint32_t cpu_get_eflags(CpuState *cpu)
{
    flags_sync(cpu);
    return (cpu->eflags | 0x2) & ~0x8028u;
}

void cpu_set_eflags(CpuState *cpu, uint32_t eflags)
{
    cpu->in->lf_op = LF_NONE;
    cpu->eflags = (eflags | 0x2) & ~0x8028u;
}

void cpu_dump_state(CpuState *cpu, FILE *f)
{
    static const char *const seg_names[SEG_COUNT] = { "ES", "CS", "SS", "DS", "FS", "GS" };
    fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", cpu->regs[R_EAX],
            cpu->regs[R_EBX], cpu->regs[R_ECX], cpu->regs[R_EDX]);
    fprintf(f, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", cpu->regs[R_ESI],
            cpu->regs[R_EDI], cpu->regs[R_EBP], cpu->regs[R_ESP]);
    fprintf(f, "EIP=%08x EFL=%08x CPL=%d%s%s\n", cpu->eip, cpu_get_eflags(cpu), cpu->cpl,
            cpu->halted ? " HLT" : "", cpu->intr_shadow ? " SHADOW" : "");
    for (int s = 0; s < SEG_COUNT; s++)
        fprintf(f, "%s =%04x %08x %08x %04x\n", seg_names[s], cpu->seg[s].sel,
                cpu->seg[s].base, cpu->seg[s].limit, cpu->seg[s].flags);
    fprintf(f, "LDT=%04x %08x %08x %04x  TR =%04x %08x %08x %04x\n", cpu->ldtr.sel,
            cpu->ldtr.base, cpu->ldtr.limit, cpu->ldtr.flags, cpu->tr.sel, cpu->tr.base,
            cpu->tr.limit, cpu->tr.flags);
    fprintf(f, "GDT=     %08x %04x  IDT=     %08x %04x\n", cpu->gdtr.base,
            cpu->gdtr.limit, cpu->idtr.base, cpu->idtr.limit);
    fprintf(f, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", cpu->cr[0], cpu->cr[2],
            cpu->cr[3], cpu->cr[4]);
}
