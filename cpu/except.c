/*
 * cpu/except.c - raising exceptions and delivering interrupts and
 * exceptions in real, protected and virtual-8086 mode.
 *
 * Models:      cpu_raise() unwinds to cpu_exec() (longjmp); the loop then
 *              resets EIP/ESP to the faulting instruction and calls
 *              except_unwound(), which applies the double-fault table and
 *              delivers. Real mode: through the IVT (push FLAGS, CS, IP;
 *              clear IF, TF, AC; #GP when the entry is beyond IDTR.limit).
 *              Protected and V86 mode: through the IDT - interrupt gates
 *              (IF cleared) and trap gates, 16- and 32-bit, task gates; the
 *              gate DPL check for INT n/INT3/INTO (#GP(vector*8+2)); a
 *              handler at a more privileged level gets the stack from the TSS
 *              (SS:ESP pushed, and from V86 also ES DS FS GS, which are then
 *              nulled); error codes pushed for vectors 8, 10-14 and 17; the
 *              EXT bit in error codes of faults met while delivering an
 *              external event or exception; RF set in the EFLAGS image of
 *              fault-class exceptions (SDM Vol. 3A 17.3.1.1). Nested faults
 *              follow table 6-5: contributory+contributory and page
 *              fault+(contributory or page fault) give #DF (error code 0);
 *              anything else is handled serially; a fault while delivering
 *              #DF is a triple fault (shutdown). NMI blocks further NMIs
 *              until the next IRET.
 * Not modeled: #MC, SMI/SMM, the APIC. INT n in V86 mode (IOPL, VME
 *              redirection) is decided in cpu/vme.c before it gets here.
 * Spec:        SDM Vol. 3A 6.4-6.5 (sources, classes), 6.7.1 (NMI
 *              blocking), 6.11-6.14 (IDT, gates, handler procedures and
 *              tasks, error code), 6.15 table 6-5 (double fault), 20.1.4
 *              (real-mode interrupts), 20.3 (V86 interrupt handling), Vol. 2
 *              "INT n/INTO/INT3/INT1" Operation.
 */
#include "cpu/sys.h"

enum { CLASS_NONE = -1, CLASS_BENIGN, CLASS_CONTRIB, CLASS_PF, CLASS_DF };

static int exc_class(int vector)
{
    switch (vector) {
    case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
        return CLASS_CONTRIB;
    case EXC_PF:
        return CLASS_PF;
    case EXC_DF:
        return CLASS_DF;
    default:
        return CLASS_BENIGN;
    }
}

/* Fault-class exceptions (as opposed to traps and aborts), table 6-1. */
static bool exc_is_fault(int vector)
{
    switch (vector) {
    case EXC_DE: case EXC_BR: case EXC_UD: case EXC_NM: case EXC_TS: case EXC_NP:
    case EXC_SS: case EXC_GP: case EXC_PF: case EXC_MF: case EXC_AC: case 19:
        return true;
    default:
        return false;
    }
}

_Noreturn void cpu_raise(CpuState *cpu, int vector, int error_code)
{
    CpuInternal *in = cpu->in;
    if (in->probing)
        longjmp(in->unwind, 1);         /* decode_probe: not a guest event */
    /* SDM Vol. 3A 6.13: EXT set while delivering an external event or an
     * earlier exception (the #PF error code has no EXT bit) */
    if (in->deliver_ext && error_code >= 0 && vector != EXC_PF)
        error_code |= 1;
    in->exc_vector = vector;
    in->exc_code = error_code;
    STAT(exceptions);
    LOG(LOG_INT, "cpu: exception %d (code %d) at %04x:%08x\n", vector, error_code,
        cpu->seg[SEG_CS].sel, in->insn_eip);
    if (!in->unwind_valid)
        emu_fatal(2, "cpu", "exception %d raised outside cpu_exec", vector);
    longjmp(in->unwind, 1);
}

/* ---- real mode ----------------------------------------------------------------- */

static void deliver_real(CpuState *cpu, int vector)
{
    uint32_t slot = (uint32_t)vector * 4;
    /* SDM Vol. 2 INT n, REAL-ADDRESS-MODE: IVT bounds check, then pushes. */
    if (slot + 3 > cpu->idtr.limit)
        cpu_raise(cpu, EXC_GP, NO_ERROR_CODE);
    uint16_t new_ip = (uint16_t)lin_read(cpu, cpu->idtr.base + slot, 2);
    uint16_t new_cs = (uint16_t)lin_read(cpu, cpu->idtr.base + slot + 2, 2);
    push(cpu, cpu_get_eflags(cpu) & 0xffff, 2);
    push(cpu, cpu->seg[SEG_CS].sel, 2);
    push(cpu, cpu->eip & 0xffff, 2);
    cpu->eflags &= ~(EFLAGS_IF | EFLAGS_TF | EFLAGS_AC | EFLAGS_RF);
    cpu_set_seg_real(cpu, SEG_CS, new_cs);
    cpu->eip = new_ip;
}

/* ---- protected mode: interrupt and trap gates -------------------------------------- */

static void deliver_gate(CpuState *cpu, const Desc *gate, int code, uint32_t rf)
{
    uint16_t sel = gate_sel(gate);
    bool gate32 = (desc_type(gate) & 8) != 0;
    unsigned sz = gate32 ? 4 : 2;
    bool v86 = v86_mode(cpu);
    Desc cs, ssd;
    if (sel_null(sel))
        cpu_raise(cpu, EXC_GP, 0);
    if (!desc_read(cpu, sel, &cs) || !desc_is_code(&cs) || (int)desc_dpl(&cs) > cpu->cpl)
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    if (!desc_present(&cs))
        cpu_raise(cpu, EXC_NP, sel_err(sel));
    int dpl = (int)desc_dpl(&cs);
    bool conforming = (cs.hi & 0x400) != 0;
    uint32_t eip = gate32 ? gate_off(gate) : (gate_off(gate) & 0xffff);
    uint32_t eflags = cpu_get_eflags(cpu) | rf;
    NewStack st;
    int new_cpl = cpu->cpl;
    bool inner = !conforming && dpl < cpu->cpl;
    if (inner) {
        /* SDM Vol. 3A 6.12.1: stack switch to the handler's level */
        if (v86 && dpl != 0)
            cpu_raise(cpu, EXC_GP, sel_err(sel));
        uint16_t ss;
        uint32_t esp;
        tss_stack(cpu, dpl, &ss, &esp);
        seg_check_ss(cpu, ss, &ssd, dpl, EXC_TS);
        st.ss.sel = ss;
        st.ss.base = desc_base(&ssd);
        st.ss.limit = desc_limit(&ssd);
        st.ss.flags = desc_flags(&ssd);
        st.esp = (st.ss.flags & SEGF_DB) ? esp : (esp & 0xffff);
        st.cpl = dpl;
        st.err = sel_err(ss);
        new_cpl = dpl;
        if (eip > desc_limit(&cs))
            cpu_raise(cpu, EXC_GP, 0);
        if (v86) {
            newstack_push(cpu, &st, cpu->seg[SEG_GS].sel, sz);
            newstack_push(cpu, &st, cpu->seg[SEG_FS].sel, sz);
            newstack_push(cpu, &st, cpu->seg[SEG_DS].sel, sz);
            newstack_push(cpu, &st, cpu->seg[SEG_ES].sel, sz);
        }
        newstack_push(cpu, &st, cpu->seg[SEG_SS].sel, sz);
        newstack_push(cpu, &st, cpu->regs[R_ESP], sz);
    } else if (conforming || dpl == cpu->cpl) {
        if (v86)
            cpu_raise(cpu, EXC_GP, sel_err(sel));
        st.ss = cpu->seg[SEG_SS];
        st.esp = cpu->regs[R_ESP];
        st.cpl = cpu->cpl;
        st.err = 0;
        if (eip > desc_limit(&cs))
            cpu_raise(cpu, EXC_GP, 0);
    } else {
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    }
    newstack_push(cpu, &st, sz == 4 ? eflags : (eflags & 0xffff), sz);
    newstack_push(cpu, &st, cpu->seg[SEG_CS].sel, sz);
    newstack_push(cpu, &st, cpu->eip, sz);
    if (code >= 0)
        newstack_push(cpu, &st, (uint32_t)code, sz);
    if (inner) {
        desc_set_accessed(cpu, st.ss.sel, &ssd);
        st.ss.flags = desc_flags(&ssd);
    }
    desc_set_accessed(cpu, sel, &cs);

    /* commit: nothing below can fault */
    flags_sync(cpu);
    cpu->eflags &= ~(EFLAGS_TF | EFLAGS_VM | EFLAGS_RF | EFLAGS_NT);
    if (!(desc_type(gate) & 1))
        cpu->eflags &= ~EFLAGS_IF;              /* interrupt gate, 6.12.1.3 */
    if (inner)
        st.ss.sel = (uint16_t)((st.ss.sel & ~3u) | (unsigned)dpl);
    newstack_commit(cpu, &st);
    if (v86) {
        seg_set_null(cpu, SEG_ES, 0);
        seg_set_null(cpu, SEG_DS, 0);
        seg_set_null(cpu, SEG_FS, 0);
        seg_set_null(cpu, SEG_GS, 0);
    }
    cs_load(cpu, sel, &cs, new_cpl);
    cpu->eip = eip;
    seg_update_all(cpu);
}

static void deliver_pm(CpuState *cpu, int vector, int code, int kind, uint32_t rf)
{
    int idt_err = vector * 8 + 2 + (kind != EVENT_SOFT);
    if ((uint32_t)vector * 8 + 7 > cpu->idtr.limit)
        cpu_raise(cpu, EXC_GP, idt_err);
    Desc gate;
    gate.lo = sys_read(cpu, cpu->idtr.base + (uint32_t)vector * 8, 4);
    gate.hi = sys_read(cpu, cpu->idtr.base + (uint32_t)vector * 8 + 4, 4);
    unsigned type = desc_type(&gate);
    bool ok = !desc_is_seg(&gate) && (type == SYS_TASK || type == SYS_INT16 || type == SYS_TRAP16 ||
                                      type == SYS_INT32 || type == SYS_TRAP32);
    if (!ok)
        cpu_raise(cpu, EXC_GP, idt_err);
    /* software INT n/INT3/INTO only: the gate's DPL must allow the CPL */
    if (kind == EVENT_SOFT && (int)desc_dpl(&gate) < cpu->cpl)
        cpu_raise(cpu, EXC_GP, idt_err);
    if (!desc_present(&gate))
        cpu_raise(cpu, EXC_NP, idt_err);
    if (type == SYS_TASK) {
        if (rf) {
            flags_sync(cpu);
            cpu->eflags |= EFLAGS_RF;           /* saved into the old TSS */
        }
        task_gate(cpu, &gate, TASK_INT, code);
        return;
    }
    deliver_gate(cpu, &gate, code, rf);
}

/* ---- entry points --------------------------------------------------------------------- */

void deliver_event(CpuState *cpu, int vector, int error_code, int kind)
{
    CpuInternal *in = cpu->in;
    in->deliver_class = kind == EVENT_EXC ? exc_class(vector) : CLASS_BENIGN;
    in->deliver_ext = kind != EVENT_SOFT;
    if (real_mode(cpu)) {
        deliver_real(cpu, vector);
    } else {
        uint32_t rf = (kind == EVENT_EXC && exc_is_fault(vector)) ? EFLAGS_RF : 0;
        deliver_pm(cpu, vector, error_code, kind, rf);
    }
    in->deliver_class = CLASS_NONE;
    in->deliver_ext = false;
    in->last_vector = vector;
    if (vector == EXC_NMI && kind == EVENT_HW)
        cpu->nmi_blocked = true;                /* until the next IRET, 6.7.1 */
}

void cpu_deliver(CpuState *cpu, int vector, int error_code, bool soft)
{
    deliver_event(cpu, vector, error_code, soft ? EVENT_SOFT : EVENT_HW);
}

/*
 * Called by cpu_exec after a longjmp from cpu_raise, with EIP/ESP already
 * back at the faulting instruction. Returns false on shutdown.
 */
bool except_unwound(CpuState *cpu)
{
    CpuInternal *in = cpu->in;
    int vector = in->exc_vector;
    int code = in->exc_code;
    int first = in->deliver_class;
    in->deliver_class = CLASS_NONE;
    in->deliver_ext = false;
    if (first == CLASS_DF) {
        /* SDM Vol. 3A 6.15 interrupt 8: a fault during #DF delivery -> shutdown */
        LOG(LOG_INT, "cpu: triple fault, shutdown\n");
        in->shutdown = true;
        return false;
    }
    int second = exc_class(vector);
    if ((first == CLASS_CONTRIB && second == CLASS_CONTRIB) ||
        (first == CLASS_PF && (second == CLASS_CONTRIB || second == CLASS_PF))) {
        vector = EXC_DF;                        /* table 6-5 */
        code = 0;
    }
    /* error codes exist only for #DF, #TS, #NP, #SS, #GP, #PF, #AC */
    if (real_mode(cpu))
        code = NO_ERROR_CODE;
    cpu->halted = false;
    deliver_event(cpu, vector, code, EVENT_EXC);
    return true;
}
