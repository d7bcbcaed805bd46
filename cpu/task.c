/*
 * cpu/task.c - hardware task switching, the TSS stack pointers and the I/O
 * permission bitmap.
 *
 * Models:      task switches caused by JMP, CALL, INT (IDT task gate, with
 *              the error code pushed on the new task's stack) and IRET with
 *              NT set, through 16- and 32-bit TSSs: the new TSS descriptor's
 *              limit (#TS), the busy bits (cleared in the old task for JMP
 *              and IRET, set in the new one except for IRET), the back link
 *              and NT for CALL/INT, NT cleared in the saved image for IRET,
 *              CR0.TS set, CR3 loaded from a 32-bit TSS when paging is on
 *              (non-global TLB entries dropped), then the LDT and the
 *              segment registers of the new task checked and loaded with
 *              faults reported in the new task's context (#TS, #NP, #SS),
 *              the new task entering V86 mode when its EFLAGS.VM is set, and
 *              the T bit raising #DB (DR6.BT) after the switch. TSS stack
 *              pointers SS0:ESP0 ... for stack switches. The I/O permission
 *              bitmap of a 32-bit TSS for IN/OUT/INS/OUTS when CPL > IOPL
 *              or in V86 mode: every bit of the access must be 0; a bitmap
 *              byte beyond the TSS limit, or a 16-bit TSS, denies.
 * Not modeled: the VME interrupt redirection bitmap (no CR4.VME); the exact
 *              order in which a real CPU writes the old TSS vs. touches the
 *              new one when both fault (pages are probed before anything is
 *              written here).
 * Spec:        SDM Vol. 3A 7.2 (TSS layout, figures 7-2 and 7-11), 7.3
 *              (task switching), 7.4 (task linking), 6.12.1 (stack switch),
 *              Vol. 1 18.5.2 (I/O permission bit map).
 */
#include "cpu/sys.h"

/* Register order in the TSS: EAX ECX EDX EBX ESP EBP ESI EDI; ES CS SS DS FS GS. */
enum { TSS32_CR3 = 0x1c, TSS32_EIP = 0x20, TSS32_EFLAGS = 0x24, TSS32_REGS = 0x28,
       TSS32_SEGS = 0x48, TSS32_LDT = 0x60, TSS32_T = 0x64, TSS32_IOBASE = 0x66 };
enum { TSS16_IP = 0x0e, TSS16_FLAGS = 0x10, TSS16_REGS = 0x12, TSS16_SEGS = 0x22,
       TSS16_LDT = 0x2a };

void tss_stack(CpuState *cpu, int dpl, uint16_t *ss, uint32_t *esp)
{
    const SegCache *tr = &cpu->tr;
    if ((tr->flags & SEGF_TYPE) == SYS_TSS32_BUSY) {
        uint32_t off = 4 + 8 * (uint32_t)dpl;
        if (off + 5 > tr->limit)
            cpu_raise(cpu, EXC_TS, sel_err(tr->sel));
        *esp = sys_read(cpu, tr->base + off, 4);
        *ss = (uint16_t)sys_read(cpu, tr->base + off + 4, 2);
    } else {
        uint32_t off = 2 + 4 * (uint32_t)dpl;
        if (off + 3 > tr->limit)
            cpu_raise(cpu, EXC_TS, sel_err(tr->sel));
        *esp = sys_read(cpu, tr->base + off, 2);
        *ss = (uint16_t)sys_read(cpu, tr->base + off + 2, 2);
    }
}

void io_check(CpuState *cpu, uint16_t port, unsigned size)
{
    const SegCache *tr = &cpu->tr;
    if ((tr->flags & SEGF_TYPE) != SYS_TSS32_BUSY || !(tr->flags & SEGF_P) || tr->limit < 0x67)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t off = sys_read(cpu, tr->base + TSS32_IOBASE, 2) + (uint32_t)(port >> 3);
    if (off + 1 > tr->limit)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t bits = sys_read(cpu, tr->base + off, 2);
    if (bits & (((1u << size) - 1) << (port & 7)))
        cpu_raise(cpu, EXC_GP, 0);
}

void task_gate(CpuState *cpu, const Desc *gate, int source, int error_code)
{
    uint16_t sel = gate_sel(gate);
    Desc d;
    /* SDM Vol. 2 CALL/JMP/INT "TASK-GATE": the TSS must be in the GDT */
    if ((sel & 4) || !desc_read(cpu, sel, &d))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    unsigned type = desc_type(&d);
    if (desc_is_seg(&d) || (type != SYS_TSS16 && type != SYS_TSS32))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, sel_err(sel));
    task_switch(cpu, sel, &d, source, error_code);
}

/* The state a task switch loads, read before anything is written. */
typedef struct TaskState {
    uint32_t cr3, eip, eflags, regs[8];
    uint16_t sel[SEG_COUNT], ldt;
    bool trap;
} TaskState;

static void read_tss(CpuState *cpu, uint32_t base, bool tss32, TaskState *t)
{
    if (tss32) {
        t->cr3 = sys_read(cpu, base + TSS32_CR3, 4);
        t->eip = sys_read(cpu, base + TSS32_EIP, 4);
        t->eflags = sys_read(cpu, base + TSS32_EFLAGS, 4);
        for (int r = 0; r < 8; r++)
            t->regs[r] = sys_read(cpu, base + TSS32_REGS + 4 * (uint32_t)r, 4);
        for (int s = 0; s < SEG_COUNT; s++)
            t->sel[s] = (uint16_t)sys_read(cpu, base + TSS32_SEGS + 4 * (uint32_t)s, 2);
        t->ldt = (uint16_t)sys_read(cpu, base + TSS32_LDT, 2);
        t->trap = sys_read(cpu, base + TSS32_T, 2) & 1;
        return;
    }
    t->cr3 = cpu->cr[3];
    t->eip = sys_read(cpu, base + TSS16_IP, 2);
    t->eflags = sys_read(cpu, base + TSS16_FLAGS, 2);
    for (int r = 0; r < 8; r++)       /* the upper halves are kept */
        t->regs[r] = (cpu->regs[r] & 0xffff0000u) |
                     sys_read(cpu, base + TSS16_REGS + 2 * (uint32_t)r, 2);
    for (int s = 0; s < 4; s++)
        t->sel[s] = (uint16_t)sys_read(cpu, base + TSS16_SEGS + 2 * (uint32_t)s, 2);
    t->sel[SEG_FS] = t->sel[SEG_GS] = 0;
    t->ldt = (uint16_t)sys_read(cpu, base + TSS16_LDT, 2);
    t->trap = false;
}

static void save_tss(CpuState *cpu, uint32_t base, bool tss32, uint32_t eflags)
{
    if (tss32) {
        sys_write(cpu, base + TSS32_EIP, cpu->eip, 4);
        sys_write(cpu, base + TSS32_EFLAGS, eflags, 4);
        for (int r = 0; r < 8; r++)
            sys_write(cpu, base + TSS32_REGS + 4 * (uint32_t)r, cpu->regs[r], 4);
        for (int s = 0; s < SEG_COUNT; s++)
            sys_write(cpu, base + TSS32_SEGS + 4 * (uint32_t)s, cpu->seg[s].sel, 2);
        return;
    }
    sys_write(cpu, base + TSS16_IP, cpu->eip, 2);
    sys_write(cpu, base + TSS16_FLAGS, eflags, 2);
    for (int r = 0; r < 8; r++)
        sys_write(cpu, base + TSS16_REGS + 2 * (uint32_t)r, cpu->regs[r], 2);
    for (int s = 0; s < 4; s++)
        sys_write(cpu, base + TSS16_SEGS + 2 * (uint32_t)s, cpu->seg[s].sel, 2);
}

static void set_busy(CpuState *cpu, uint16_t sel, bool busy)
{
    Desc d;
    if (!desc_read(cpu, sel, &d))
        return;
    d.hi = busy ? (d.hi | 0x200) : (d.hi & ~0x200u);
    desc_write_hi(cpu, sel, d.hi);
}

/* After the commit point: load LDTR from the new task's selector (#TS). */
static void load_task_ldt(CpuState *cpu, uint16_t sel)
{
    Desc d;
    cpu->ldtr.sel = sel;
    if (sel_null(sel)) {
        cpu->ldtr.flags = 0;
        return;
    }
    cpu->ldtr.flags = 0;
    if ((sel & 4) || !desc_read(cpu, sel, &d) || desc_is_seg(&d) || desc_type(&d) != SYS_LDT)
        cpu_raise(cpu, EXC_TS, sel_err(sel));
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_TS, sel_err(sel));
    cpu->ldtr.base = desc_base(&d);
    cpu->ldtr.limit = desc_limit(&d);
    cpu->ldtr.flags = desc_flags(&d);
}

/* After the commit point: the new task's segment registers (#TS/#NP/#SS). */
static void load_task_segs(CpuState *cpu)
{
    Desc d;
    uint16_t cs = cpu->seg[SEG_CS].sel;
    int cpl = cpu->cpl;
    if (sel_null(cs) || !desc_read(cpu, cs, &d) || !desc_is_code(&d))
        cpu_raise(cpu, EXC_TS, sel_err(cs));
    if ((d.hi & 0x400) ? (int)desc_dpl(&d) > cpl : (int)desc_dpl(&d) != cpl)
        cpu_raise(cpu, EXC_TS, sel_err(cs));
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, sel_err(cs));
    desc_set_accessed(cpu, cs, &d);
    seg_set_desc(cpu, SEG_CS, cs, &d);

    uint16_t ss = cpu->seg[SEG_SS].sel;
    seg_check_ss(cpu, ss, &d, cpl, EXC_TS);
    desc_set_accessed(cpu, ss, &d);
    seg_set_desc(cpu, SEG_SS, ss, &d);

    static const int data[4] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    for (int i = 0; i < 4; i++) {
        uint16_t sel = cpu->seg[data[i]].sel;
        if (sel_null(sel)) {
            seg_set_null(cpu, data[i], sel);
            continue;
        }
        if (!desc_read(cpu, sel, &d) || !seg_data_ok_for(&d, sel, cpl))
            cpu_raise(cpu, EXC_TS, sel_err(sel));
        if (!desc_present(&d))
            cpu_raise(cpu, EXC_NP, sel_err(sel));
        desc_set_accessed(cpu, sel, &d);
        seg_set_desc(cpu, data[i], sel, &d);
    }
}

void task_switch(CpuState *cpu, uint16_t sel, Desc *d, int source, int error_code)
{
    CpuInternal *in = cpu->in;
    bool new32 = (desc_type(d) & 8) != 0;
    uint32_t new_base = desc_base(d);
    if (!desc_present(d))
        cpu_raise(cpu, EXC_NP, sel_err(sel));
    if (desc_limit(d) < (new32 ? 0x67u : 0x2bu))
        cpu_raise(cpu, EXC_TS, sel_err(sel));
    bool old32 = (cpu->tr.flags & SEGF_TYPE) == SYS_TSS32_BUSY;
    uint32_t old_base = cpu->tr.base;
    if (cpu->tr.limit < (old32 ? 0x5fu : 0x29u))
        cpu_raise(cpu, EXC_TS, sel_err(cpu->tr.sel));

    /* probe both TSSs (page faults happen before anything changes) */
    TaskState t;
    read_tss(cpu, new_base, new32, &t);
    sys_write(cpu, new_base, sys_read(cpu, new_base, 2), 2);
    sys_write(cpu, old_base + (old32 ? TSS32_EIP : TSS16_IP),
              sys_read(cpu, old_base + (old32 ? TSS32_EIP : TSS16_IP), 2), 2);
    sys_write(cpu, old_base + (old32 ? TSS32_SEGS + 20 : TSS16_SEGS + 6),
              sys_read(cpu, old_base + (old32 ? TSS32_SEGS + 20 : TSS16_SEGS + 6), 2), 2);

    uint32_t old_flags = cpu_get_eflags(cpu);
    if (source == TASK_IRET)
        old_flags &= ~EFLAGS_NT;
    if (source == TASK_JMP || source == TASK_IRET)
        set_busy(cpu, cpu->tr.sel, false);
    save_tss(cpu, old_base, old32, old_flags);
    if (source == TASK_CALL || source == TASK_INT) {
        sys_write(cpu, new_base, cpu->tr.sel, 2);     /* previous task link */
        t.eflags |= EFLAGS_NT;
    }
    if (source != TASK_IRET)
        set_busy(cpu, sel, true);

    /* commit: the new task from here on; its faults are its own */
    LOG(LOG_INT, "cpu: task switch %04x -> %04x\n", cpu->tr.sel, sel);
    cpu->tr.sel = sel;
    cpu->tr.base = new_base;
    cpu->tr.limit = desc_limit(d);
    cpu->tr.flags = (uint16_t)(desc_flags(d) | 2);
    cpu->cr[0] |= CR0_TS;
    if (new32 && (cpu->cr[0] & CR0_PG)) {
        cpu->cr[3] = t.cr3 & 0xfffff018u;
        tlb_flush_nonglobal(cpu);
    }
    in->lf_op = LF_NONE;
    cpu->eflags = (t.eflags | 0x2) & ~0x8028u;
    memcpy(cpu->regs, t.regs, sizeof t.regs);
    cpu->eip = t.eip;
    for (int s = 0; s < SEG_COUNT; s++) {
        cpu->seg[s].sel = t.sel[s];
        cpu->seg[s].flags = 0;
    }
    cpu_set_cpl(cpu, (cpu->eflags & EFLAGS_VM) ? 3 : (t.sel[SEG_CS] & 3));
    seg_update_all(cpu);
    in->insn_eip = cpu->eip;
    in->insn_esp = cpu->regs[R_ESP];

    load_task_ldt(cpu, t.ldt);
    if (cpu->eflags & EFLAGS_VM) {
        for (int s = 0; s < SEG_COUNT; s++)
            cpu_set_seg_real(cpu, s, t.sel[s]);
    } else {
        load_task_segs(cpu);
    }
    if (error_code >= 0)
        push(cpu, (uint32_t)error_code, new32 ? 4 : 2);
    if (cpu->eip > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    if (t.trap)
        in->dr6_hits |= 1u << 15;                     /* DR6.BT, 17.2.3 */
}
