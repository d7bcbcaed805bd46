/*
 * cpu/ctrl_pm.c - far JMP, CALL, RET and IRET in protected mode.
 *
 * Models:      direct transfers to conforming and non-conforming code
 *              segments; call gates (16- and 32-bit) for JMP (same level)
 *              and CALL, including calls to a more privileged level with
 *              the stack taken from the TSS and the gate's parameter count
 *              copied from the caller's stack; task gates and TSS
 *              descriptors (handed to cpu/task.c); RET to the same or an
 *              outer level (SS:ESP popped and checked, data segments the new
 *              CPL may not use nulled); IRET to the same or an outer level,
 *              to virtual-8086 mode (VM set in the popped EFLAGS at CPL 0),
 *              and through the back link when NT is set. Each transfer makes
 *              every check before it changes any register, so a fault
 *              leaves the caller's state intact (the new stack may have been
 *              written).
 * Not modeled: 64-bit call gates, SYSCALL/SYSRET (not on this CPU).
 * Spec:        SDM Vol. 3A 5.8 (privilege level checks when transferring
 *              program control), 5.8.5-5.8.6 (stack switching, returning),
 *              7.3 (task switching); Vol. 2 "JMP", "CALL", "RET", "IRET"
 *              Operation (PROTECTED-MODE sections).
 */
#include "cpu/sys.h"

void cs_load(CpuState *cpu, uint16_t sel, const Desc *d, int cpl)
{
    seg_set_desc(cpu, SEG_CS, (uint16_t)((sel & ~3u) | (unsigned)cpl), d);
    cpu_set_cpl(cpu, cpl);
}

static Desc read_or_gp(CpuState *cpu, uint16_t sel)
{
    Desc d;
    if (sel_null(sel))
        cpu_raise(cpu, EXC_GP, 0);
    if (!desc_read(cpu, sel, &d))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    return d;
}

/* A direct JMP/CALL to a code segment: SDM Vol. 3A 5.8.1. */
static void check_code_direct(CpuState *cpu, uint16_t sel, const Desc *d)
{
    if (!desc_is_code(d))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    int dpl = (int)desc_dpl(d);
    if (d->hi & 0x400) {
        if (dpl > cpu->cpl)
            cpu_raise(cpu, EXC_GP, sel_err(sel));
    } else if ((int)(sel & 3) > cpu->cpl || dpl != cpu->cpl) {
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    }
    if (!desc_present(d))
        cpu_raise(cpu, EXC_NP, sel_err(sel));
}

/* Gate (call or task) or TSS descriptor: DPL >= CPL and >= RPL, present. */
static void check_gate(CpuState *cpu, uint16_t sel, const Desc *d)
{
    int dpl = (int)desc_dpl(d);
    if (dpl < cpu->cpl || dpl < (int)(sel & 3))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    if (!desc_present(d))
        cpu_raise(cpu, EXC_NP, sel_err(sel));
}

/* The code segment a call gate names: SDM Vol. 2 CALL "CALL-GATE". */
static Desc gate_target(CpuState *cpu, uint16_t cs_sel)
{
    Desc cs = read_or_gp(cpu, cs_sel);
    if (!desc_is_code(&cs) || (int)desc_dpl(&cs) > cpu->cpl)
        cpu_raise(cpu, EXC_GP, sel_err(cs_sel));
    if (!desc_present(&cs))
        cpu_raise(cpu, EXC_NP, sel_err(cs_sel));
    return cs;
}

static uint32_t gate_eip(const Desc *gate)
{
    return (desc_type(gate) & 8) ? gate_off(gate) : (gate_off(gate) & 0xffff);
}

static void transfer(CpuState *cpu, uint16_t sel, Desc *d, uint32_t eip, int cpl)
{
    if (eip > desc_limit(d))
        cpu_raise(cpu, EXC_GP, 0);
    desc_set_accessed(cpu, sel, d);
    cs_load(cpu, sel, d, cpl);
    cpu->eip = eip;
}

/* Task gates and TSS descriptors for JMP and CALL. */
static bool task_target(CpuState *cpu, uint16_t sel, Desc *d, int source)
{
    unsigned type = desc_type(d);
    if (type == SYS_TASK) {
        check_gate(cpu, sel, d);
        task_gate(cpu, d, source, NO_ERROR_CODE);
        return true;
    }
    if (type == SYS_TSS16 || type == SYS_TSS32) {
        check_gate(cpu, sel, d);
        task_switch(cpu, sel, d, source, NO_ERROR_CODE);
        return true;
    }
    return false;
}

void pm_jmp_far(CpuState *cpu, uint16_t sel, uint32_t eip, unsigned opsize)
{
    Desc d = read_or_gp(cpu, sel);
    if (desc_is_seg(&d)) {
        check_code_direct(cpu, sel, &d);
        transfer(cpu, sel, &d, eip, cpu->cpl);
        return;
    }
    unsigned type = desc_type(&d);
    if (type == SYS_CALL16 || type == SYS_CALL32) {
        check_gate(cpu, sel, &d);
        uint16_t cs_sel = gate_sel(&d);
        Desc cs = gate_target(cpu, cs_sel);
        /* JMP through a call gate never changes privilege */
        if (!(cs.hi & 0x400) && (int)desc_dpl(&cs) != cpu->cpl)
            cpu_raise(cpu, EXC_GP, sel_err(cs_sel));
        transfer(cpu, cs_sel, &cs, gate_eip(&d), cpu->cpl);
        return;
    }
    if (!task_target(cpu, sel, &d, TASK_JMP))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
}

static NewStack current_stack(const CpuState *cpu)
{
    NewStack st;
    st.ss = cpu->seg[SEG_SS];
    st.esp = cpu->regs[R_ESP];
    st.cpl = cpu->cpl;
    st.err = 0;
    return st;
}

/* CALL through a call gate to a more privileged non-conforming segment. */
static void call_gate_inner(CpuState *cpu, const Desc *gate, uint16_t cs_sel, Desc *cs)
{
    int dpl = (int)desc_dpl(cs);
    unsigned sz = (desc_type(gate) & 8) ? 4 : 2;
    uint32_t eip = gate_eip(gate);
    uint16_t ss;
    uint32_t esp;
    Desc ssd;
    tss_stack(cpu, dpl, &ss, &esp);
    seg_check_ss(cpu, ss, &ssd, dpl, EXC_TS);
    NewStack st;
    st.ss.sel = (uint16_t)((ss & ~3u) | (unsigned)dpl);
    st.ss.base = desc_base(&ssd);
    st.ss.limit = desc_limit(&ssd);
    st.ss.flags = desc_flags(&ssd);
    st.esp = (st.ss.flags & SEGF_DB) ? esp : (esp & 0xffff);
    st.cpl = dpl;
    st.err = sel_err(ss);
    if (eip > desc_limit(cs))
        cpu_raise(cpu, EXC_GP, 0);
    newstack_push(cpu, &st, cpu->seg[SEG_SS].sel, sz);
    newstack_push(cpu, &st, cpu->regs[R_ESP], sz);
    /* SDM 5.8.5: the parameters keep their order on the new stack */
    for (int i = (int)gate_params(gate) - 1; i >= 0; i--)
        newstack_push(cpu, &st, stack_peek(cpu, (uint32_t)i * sz, sz), sz);
    newstack_push(cpu, &st, cpu->seg[SEG_CS].sel, sz);
    newstack_push(cpu, &st, cpu->eip, sz);
    desc_set_accessed(cpu, ss, &ssd);
    desc_set_accessed(cpu, cs_sel, cs);
    st.ss.flags = desc_flags(&ssd);
    newstack_commit(cpu, &st);
    cs_load(cpu, cs_sel, cs, dpl);
    cpu->eip = eip;
}

void pm_call_far(CpuState *cpu, uint16_t sel, uint32_t eip, unsigned opsize)
{
    Desc d = read_or_gp(cpu, sel);
    if (desc_is_seg(&d)) {
        check_code_direct(cpu, sel, &d);
        NewStack st = current_stack(cpu);
        newstack_push(cpu, &st, cpu->seg[SEG_CS].sel, opsize);
        newstack_push(cpu, &st, cpu->eip, opsize);
        if (eip > desc_limit(&d))
            cpu_raise(cpu, EXC_GP, 0);
        desc_set_accessed(cpu, sel, &d);
        cpu->regs[R_ESP] = st.esp;
        cs_load(cpu, sel, &d, cpu->cpl);
        cpu->eip = eip;
        return;
    }
    unsigned type = desc_type(&d);
    if (type == SYS_CALL16 || type == SYS_CALL32) {
        check_gate(cpu, sel, &d);
        uint16_t cs_sel = gate_sel(&d);
        Desc cs = gate_target(cpu, cs_sel);
        if (!(cs.hi & 0x400) && (int)desc_dpl(&cs) < cpu->cpl) {
            call_gate_inner(cpu, &d, cs_sel, &cs);
            return;
        }
        unsigned sz = (type & 8) ? 4 : 2;
        NewStack st = current_stack(cpu);
        newstack_push(cpu, &st, cpu->seg[SEG_CS].sel, sz);
        newstack_push(cpu, &st, cpu->eip, sz);
        uint32_t target = gate_eip(&d);
        if (target > desc_limit(&cs))
            cpu_raise(cpu, EXC_GP, 0);
        desc_set_accessed(cpu, cs_sel, &cs);
        cpu->regs[R_ESP] = st.esp;
        cs_load(cpu, cs_sel, &cs, cpu->cpl);
        cpu->eip = target;
        return;
    }
    if (!task_target(cpu, sel, &d, TASK_CALL))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
}

/* The code segment RET/IRET return to: SDM Vol. 2 RET "RETURN-TO-..." */
static Desc return_cs(CpuState *cpu, uint16_t sel)
{
    Desc d = read_or_gp(cpu, sel);
    int rpl = (int)(sel & 3);
    if (rpl < cpu->cpl || !desc_is_code(&d))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    if ((d.hi & 0x400) ? (int)desc_dpl(&d) > rpl : (int)desc_dpl(&d) != rpl)
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, sel_err(sel));
    return d;
}

static void load_outer_stack(CpuState *cpu, uint16_t ss, Desc *ssd, uint32_t esp)
{
    seg_set_desc(cpu, SEG_SS, ss, ssd);
    if (ssd->hi & (1u << 22))
        cpu->regs[R_ESP] = esp;
    else
        cpu_set_reg16(cpu, R_ESP, (uint16_t)esp);
}

void pm_ret_far(CpuState *cpu, unsigned opsize, uint32_t extra)
{
    uint32_t eip = stack_peek(cpu, 0, opsize);
    uint16_t sel = (uint16_t)stack_peek(cpu, opsize, 2);
    Desc cs = return_cs(cpu, sel);
    int rpl = (int)(sel & 3);
    if (rpl == cpu->cpl) {
        transfer(cpu, sel, &cs, eip, rpl);
        stack_adjust(cpu, (int32_t)(2 * opsize + extra));
        return;
    }
    /* return to an outer privilege level: SS:ESP follow the parameters */
    uint32_t esp = stack_peek(cpu, 2 * opsize + extra, opsize);
    uint16_t ss = (uint16_t)stack_peek(cpu, 3 * opsize + extra, 2);
    Desc ssd;
    seg_check_ss(cpu, ss, &ssd, rpl, EXC_GP);
    if (eip > desc_limit(&cs))
        cpu_raise(cpu, EXC_GP, 0);
    desc_set_accessed(cpu, sel, &cs);
    desc_set_accessed(cpu, ss, &ssd);
    cs_load(cpu, sel, &cs, rpl);
    cpu->eip = eip;
    load_outer_stack(cpu, ss, &ssd, esp + extra);
    seg_null_outer(cpu);
}

/* ---- IRET ------------------------------------------------------------------------- */

/* SDM Vol. 2 IRET: which EFLAGS bits the popped image may change. */
static uint32_t iret_mask(const CpuState *cpu, unsigned opsize, int cpl)
{
    uint32_t m = EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_TF |
                 EFLAGS_DF | EFLAGS_OF | EFLAGS_NT;
    if (opsize == 4)
        m |= EFLAGS_RF | EFLAGS_AC | EFLAGS_ID;
    if (cpl <= (int)((cpu->eflags >> 12) & 3))
        m |= EFLAGS_IF;
    if (cpl == 0) {
        m |= EFLAGS_IOPL;
        if (opsize == 4)
            m |= EFLAGS_VIF | EFLAGS_VIP;
    }
    return m;
}

/* SDM Vol. 2 IRET "RETURN-TO-VIRTUAL-8086-MODE" (CPL 0, 32-bit frame). */
static void iret_to_v86(CpuState *cpu, uint32_t eip, uint16_t cs, uint32_t fl)
{
    uint32_t esp = stack_peek(cpu, 12, 4);
    uint16_t sel[6];
    sel[SEG_SS] = (uint16_t)stack_peek(cpu, 16, 4);
    sel[SEG_ES] = (uint16_t)stack_peek(cpu, 20, 4);
    sel[SEG_DS] = (uint16_t)stack_peek(cpu, 24, 4);
    sel[SEG_FS] = (uint16_t)stack_peek(cpu, 28, 4);
    sel[SEG_GS] = (uint16_t)stack_peek(cpu, 32, 4);
    sel[SEG_CS] = cs;
    if (eip > 0xffff)
        cpu_raise(cpu, EXC_GP, 0);
    flags_write(cpu, fl, 0x003f7fd5u);
    cpu->eflags |= EFLAGS_VM;
    cpu_set_cpl(cpu, 3);
    for (int s = 0; s < SEG_COUNT; s++)
        cpu_set_seg_real(cpu, s, sel[s]);
    cpu->regs[R_ESP] = esp;
    cpu->eip = eip;
    seg_update_all(cpu);
}

static void iret_task_return(CpuState *cpu)
{
    uint16_t link = (uint16_t)sys_read(cpu, cpu->tr.base, 2);
    Desc d;
    if ((link & 4) || !desc_read(cpu, link, &d))
        cpu_raise(cpu, EXC_TS, sel_err(link));
    unsigned type = desc_type(&d);
    if (desc_is_seg(&d) || (type != SYS_TSS16_BUSY && type != SYS_TSS32_BUSY))
        cpu_raise(cpu, EXC_TS, sel_err(link));
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, sel_err(link));
    task_switch(cpu, link, &d, TASK_IRET, NO_ERROR_CODE);
}

void pm_iret(CpuState *cpu, unsigned opsize)
{
    if (cpu->eflags & EFLAGS_NT) {
        iret_task_return(cpu);
        return;
    }
    uint32_t eip = stack_peek(cpu, 0, opsize);
    uint16_t sel = (uint16_t)stack_peek(cpu, opsize, 2);
    uint32_t fl = stack_peek(cpu, 2 * opsize, opsize);
    if (opsize == 4 && (fl & EFLAGS_VM) && cpu->cpl == 0) {
        iret_to_v86(cpu, eip, sel, fl);
        return;
    }
    Desc cs = return_cs(cpu, sel);
    int rpl = (int)(sel & 3);
    int old_cpl = cpu->cpl;
    uint32_t mask = iret_mask(cpu, opsize, old_cpl);
    if (rpl == old_cpl) {
        transfer(cpu, sel, &cs, eip, rpl);
        stack_adjust(cpu, (int32_t)(3 * opsize));
        flags_write(cpu, fl, mask);
        return;
    }
    uint32_t esp = stack_peek(cpu, 3 * opsize, opsize);
    uint16_t ss = (uint16_t)stack_peek(cpu, 4 * opsize, 2);
    Desc ssd;
    seg_check_ss(cpu, ss, &ssd, rpl, EXC_GP);
    if (eip > desc_limit(&cs))
        cpu_raise(cpu, EXC_GP, 0);
    desc_set_accessed(cpu, sel, &cs);
    desc_set_accessed(cpu, ss, &ssd);
    flags_write(cpu, fl, mask);
    cs_load(cpu, sel, &cs, rpl);
    cpu->eip = eip;
    load_outer_stack(cpu, ss, &ssd, esp);
    seg_null_outer(cpu);
}
