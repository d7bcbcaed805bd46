/*
 * cpu/ops_ctrl.c - control transfer: Jcc, JMP, CALL, RET, RETF, IRET,
 * LOOP/LOOPE/LOOPNE, JCXZ/JECXZ, INT n, INT3, INTO, INT1, BOUND.
 *
 * Models:      near targets truncated to 16 bits with a 16-bit operand size
 *              and checked against the CS limit before anything is pushed
 *              (#GP(0)); far transfers in real and V86 mode (base = sel<<4),
 *              in protected mode handed to cpu/ctrl_pm.c; IRET in real mode
 *              restores FLAGS with the real-mode POPF mask (IOPL and NT
 *              included), in V86 mode with IOPL 3 without touching IOPL,
 *              with IOPL < 3 only through VME (cpu/vme.c), else #GP(0);
 *              every IRET ends NMI blocking; LOOP/JCXZ count with CX or ECX
 *              per address size; INT n/INT3/INTO/INT1 are traps (return
 *              address after the instruction), INT n in V86 mode goes
 *              through cpu/vme.c (IOPL, redirection bitmap); BOUND raises
 *              #BR as a fault.
 * Not modeled: -
 * Spec:        SDM Vol. 2 Jcc, JMP, CALL, RET, IRET, LOOP, JCXZ, INT n,
 *              BOUND; Vol. 3A 6.7.1 (NMI masking), 20.2.7 (sensitive
 *              instructions in V86 mode).
 */
#include "cpu/ops.h"
#include "cpu/sys.h"



void jump_near(CpuState *cpu, const Insn *in, uint32_t eip)
{
    if (in->opsize == 2)
        eip &= 0xffff;
    if (eip > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->eip = eip;
}

/* Real and V86 mode: the target is checked against the cached CS limit. */
void jump_far(CpuState *cpu, uint16_t sel, uint32_t eip)
{
    if (eip > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    cpu_set_seg_real(cpu, SEG_CS, sel);
    cpu->eip = eip;
}

static void jmp_far(CpuState *cpu, const Insn *in, uint16_t sel, uint32_t eip)
{
    if (prot_mode(cpu))
        pm_jmp_far(cpu, sel, eip, in->opsize);
    else
        jump_far(cpu, sel, eip);
}

void op_jcc_Jb(CpuState *cpu, const Insn *in)
{
    if (flags_cond(cpu, in->opcode & 15))
        jump_near(cpu, in, cpu->eip + in->imm);
}

void op_jcc_Jz(CpuState *cpu, const Insn *in)
{
    if (flags_cond(cpu, in->opcode & 15))
        jump_near(cpu, in, cpu->eip + in->imm);
}

void op_jmp_Jz(CpuState *cpu, const Insn *in) { jump_near(cpu, in, cpu->eip + in->imm); }
void op_jmp_Ev(CpuState *cpu, const Insn *in) { jump_near(cpu, in, read_E(cpu, in, in->opsize)); }

void op_jmp_Ap(CpuState *cpu, const Insn *in)
{
    jmp_far(cpu, in, (uint16_t)in->imm2, in->imm);
}

void op_jmp_Mp(CpuState *cpu, const Insn *in)
{
    uint32_t off = insn_ea(cpu, in);
    uint32_t eip = seg_read(cpu, in->seg, off, in->opsize);
    uint16_t sel = (uint16_t)seg_read(cpu, in->seg, off + in->opsize, 2);
    jmp_far(cpu, in, sel, eip);
}

static void call_near(CpuState *cpu, const Insn *in, uint32_t target)
{
    if (in->opsize == 2)
        target &= 0xffff;
    if (target > cpu->seg[SEG_CS].limit)
        cpu_raise(cpu, EXC_GP, 0);
    push(cpu, cpu->eip, in->opsize);
    cpu->eip = target;
}

void op_call_Jz(CpuState *cpu, const Insn *in) { call_near(cpu, in, cpu->eip + in->imm); }
void op_call_Ev(CpuState *cpu, const Insn *in) { call_near(cpu, in, read_E(cpu, in, in->opsize)); }

static void call_far(CpuState *cpu, const Insn *in, uint16_t sel, uint32_t eip)
{
    if (prot_mode(cpu)) {
        pm_call_far(cpu, sel, eip, in->opsize);
        return;
    }
    push(cpu, cpu->seg[SEG_CS].sel, in->opsize);
    push(cpu, cpu->eip, in->opsize);
    jump_far(cpu, sel, eip);
}

void op_call_Ap(CpuState *cpu, const Insn *in) { call_far(cpu, in, (uint16_t)in->imm2, in->imm); }

void op_call_Mp(CpuState *cpu, const Insn *in)
{
    uint32_t off = insn_ea(cpu, in);
    uint32_t eip = seg_read(cpu, in->seg, off, in->opsize);
    uint16_t sel = (uint16_t)seg_read(cpu, in->seg, off + in->opsize, 2);
    call_far(cpu, in, sel, eip);
}

static void ret_near(CpuState *cpu, const Insn *in, uint32_t extra)
{
    uint32_t eip = pop(cpu, in->opsize);
    jump_near(cpu, in, eip);
    stack_adjust(cpu, (int32_t)extra);
}

void op_ret(CpuState *cpu, const Insn *in) { ret_near(cpu, in, 0); }
void op_ret_Iw(CpuState *cpu, const Insn *in) { ret_near(cpu, in, in->imm & 0xffff); }

static void ret_far(CpuState *cpu, const Insn *in, uint32_t extra)
{
    if (prot_mode(cpu)) {
        pm_ret_far(cpu, in->opsize, extra);
        return;
    }
    uint32_t eip = stack_peek(cpu, 0, in->opsize);
    uint16_t sel = (uint16_t)stack_peek(cpu, in->opsize, 2);
    jump_far(cpu, sel, eip);
    stack_adjust(cpu, (int32_t)(2 * in->opsize + extra));
}

void op_retf(CpuState *cpu, const Insn *in) { ret_far(cpu, in, 0); }
void op_retf_Iw(CpuState *cpu, const Insn *in) { ret_far(cpu, in, in->imm & 0xffff); }

void op_iret(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    if (prot_mode(cpu)) {
        pm_iret(cpu, size);
        cpu->nmi_blocked = false;
        return;
    }
    bool vme = v86_vme(cpu, size);               /* SDM Vol. 3A 20.2.7 */
    uint32_t eip = stack_peek(cpu, 0, size);
    uint16_t sel = (uint16_t)stack_peek(cpu, size, 2);
    uint32_t flags = stack_peek(cpu, 2 * size, size);
    if (vme) {
        vme_flags_check(cpu, (uint16_t)flags);
        jump_far(cpu, sel, eip);
        stack_adjust(cpu, 6);
        vme_flags_load(cpu, (uint16_t)flags, popf_mask(cpu, 2));
        cpu->nmi_blocked = false;
        return;
    }
    jump_far(cpu, sel, eip);
    stack_adjust(cpu, (int32_t)(3 * size));
    /* SDM IRET real-address mode: IOPL/NT load; 32-bit also RF, AC, ID;
     * V86 (IOPL 3): IOPL, VM, VIF, VIP are not modified */
    uint32_t mask = popf_mask(cpu, size) | (size == 4 ? EFLAGS_RF : 0);
    if (v86_mode(cpu))
        mask &= ~(EFLAGS_IOPL | EFLAGS_VM | EFLAGS_VIF | EFLAGS_VIP);
    flags_write(cpu, flags, mask);
    cpu->nmi_blocked = false;
}

/* ---- LOOP JCXZ ---------------------------------------------------------------------- */

static uint32_t count_dec(CpuState *cpu, const Insn *in)
{
    if (in->addrsize == 2) {
        uint16_t c = (uint16_t)(cpu->regs[R_ECX] - 1);
        cpu_set_reg16(cpu, R_ECX, c);
        return c;
    }
    return --cpu->regs[R_ECX];
}

void op_loop_Jb(CpuState *cpu, const Insn *in)
{
    if (count_dec(cpu, in) != 0)
        jump_near(cpu, in, cpu->eip + in->imm);
}

void op_loope_Jb(CpuState *cpu, const Insn *in)
{
    if (count_dec(cpu, in) != 0 && flags_zf(cpu))
        jump_near(cpu, in, cpu->eip + in->imm);
}

void op_loopne_Jb(CpuState *cpu, const Insn *in)
{
    if (count_dec(cpu, in) != 0 && !flags_zf(cpu))
        jump_near(cpu, in, cpu->eip + in->imm);
}

void op_jcxz_Jb(CpuState *cpu, const Insn *in)
{
    uint32_t c = in->addrsize == 2 ? (cpu->regs[R_ECX] & 0xffff) : cpu->regs[R_ECX];
    if (c == 0)
        jump_near(cpu, in, cpu->eip + in->imm);
}

/* ---- software interrupts --------------------------------------------------------------- */

void op_int_Ib(CpuState *cpu, const Insn *in)
{
    if (v86_mode(cpu))
        v86_int(cpu, in->imm & 0xff);            /* IOPL, VME redirection */
    else
        cpu_deliver(cpu, in->imm & 0xff, NO_ERROR_CODE, true);
}

void op_int3(CpuState *cpu, const Insn *in) { cpu_deliver(cpu, EXC_BP, NO_ERROR_CODE, true); }

/* ICEBP: a #DB trap without the gate DPL check (SDM Vol. 2 INT1). */
void op_int1(CpuState *cpu, const Insn *in) { deliver_event(cpu, EXC_DB, NO_ERROR_CODE, EVENT_EXC); }

void op_into(CpuState *cpu, const Insn *in)
{
    if (flags_of(cpu))
        cpu_deliver(cpu, EXC_OF, NO_ERROR_CODE, true);
}

void op_bound_Gv_Ma(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    uint32_t off = insn_ea(cpu, in);
    uint32_t lo = seg_read(cpu, in->seg, off, size);
    uint32_t hi = seg_read(cpu, in->seg, off + size, size);
    uint32_t v = reg_read(cpu, in->reg, size);
    int32_t sv, slo, shi;
    if (size == 2) {
        sv = (int16_t)v; slo = (int16_t)lo; shi = (int16_t)hi;
    } else {
        sv = (int32_t)v; slo = (int32_t)lo; shi = (int32_t)hi;
    }
    if (sv < slo || sv > shi)
        cpu_raise(cpu, EXC_BR, NO_ERROR_CODE);
}
