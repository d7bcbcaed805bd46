/*
 * cpu/ops_string.c - string instructions: MOVS CMPS STOS LODS SCAS INS OUTS,
 * with REP / REPE / REPNE.
 *
 * Models:      source DS:rSI (segment override allowed), destination ES:rDI
 *              (never overridden); SI/DI/CX or ESI/EDI/ECX per address size
 *              (16-bit indexes wrap); DF direction; REPE/REPNE termination
 *              for CMPS/SCAS. Each iteration commits rSI/rDI/rCX, so a fault
 *              in iteration k leaves the registers as after k-1 iterations
 *              and EIP on the instruction (SDM Vol. 2 REP: "the instruction
 *              can be restarted"). A REP instruction executes at most
 *              REP_CHUNK iterations, or stops early when an interrupt or exit
 *              request is pending, and leaves EIP on itself to resume.
 *              INS/OUTS check I/O permission (IOPL, then the TSS bitmap)
 *              before each transfer.
 * Not modeled: fast block paths (a later optimisation for REP MOVS/STOS).
 * Spec:        SDM Vol. 2 MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, REP.
 */
#include "cpu/ops.h"
#include "cpu/sys.h"

enum { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };

static uint32_t index_get(const CpuState *cpu, const Insn *in, int r)
{
    return in->addrsize == 2 ? (cpu->regs[r] & 0xffff) : cpu->regs[r];
}

static void index_step(CpuState *cpu, const Insn *in, int r, int32_t delta)
{
    if (in->addrsize == 2)
        cpu_set_reg16(cpu, r, (uint16_t)(cpu->regs[r] + (uint32_t)delta));
    else
        cpu->regs[r] += (uint32_t)delta;
}

/* One iteration; returns true if a CMPS/SCAS comparison was made. */
static bool string_once(CpuState *cpu, const Insn *in, int kind, unsigned size, int32_t delta)
{
    uint32_t a, b, v;
    switch (kind) {
    case STR_MOVS:
        v = seg_read(cpu, in->seg, index_get(cpu, in, R_ESI), size);
        seg_write(cpu, SEG_ES, index_get(cpu, in, R_EDI), v, size);
        index_step(cpu, in, R_ESI, delta);
        index_step(cpu, in, R_EDI, delta);
        return false;
    case STR_CMPS:
        a = seg_read(cpu, in->seg, index_get(cpu, in, R_ESI), size);
        b = seg_read(cpu, SEG_ES, index_get(cpu, in, R_EDI), size);
        index_step(cpu, in, R_ESI, delta);
        index_step(cpu, in, R_EDI, delta);
        flags_lazy(cpu, LF_SUB, a, b, a - b, size);
        return true;
    case STR_STOS:
        seg_write(cpu, SEG_ES, index_get(cpu, in, R_EDI), reg_read(cpu, R_EAX, size), size);
        index_step(cpu, in, R_EDI, delta);
        return false;
    case STR_LODS:
        v = seg_read(cpu, in->seg, index_get(cpu, in, R_ESI), size);
        reg_write(cpu, R_EAX, size, v);
        index_step(cpu, in, R_ESI, delta);
        return false;
    case STR_SCAS:
        a = reg_read(cpu, R_EAX, size);
        b = seg_read(cpu, SEG_ES, index_get(cpu, in, R_EDI), size);
        index_step(cpu, in, R_EDI, delta);
        flags_lazy(cpu, LF_SUB, a, b, a - b, size);
        return true;
    case STR_INS: {
        /* check the destination before the port read so no data is lost */
        io_allowed(cpu, cpu->regs[R_EDX] & 0xffff, size);
        uint32_t lin = seg_lin_w(cpu, SEG_ES, index_get(cpu, in, R_EDI), size);
        v = io_read(cpu->io, cpu->regs[R_EDX] & 0xffff, size);
        lin_write(cpu, lin, v, size);
        index_step(cpu, in, R_EDI, delta);
        return false;
    }
    default:                                   /* OUTS */
        io_allowed(cpu, cpu->regs[R_EDX] & 0xffff, size);
        v = seg_read(cpu, in->seg, index_get(cpu, in, R_ESI), size);
        io_write(cpu->io, cpu->regs[R_EDX] & 0xffff, v, size);
        index_step(cpu, in, R_ESI, delta);
        return false;
    }
}

static bool should_pause(const CpuState *cpu)
{
    return (cpu->nmi_pending && !cpu->nmi_blocked) || cpu->exit_request ||
           (cpu->intr_line && (cpu->eflags & EFLAGS_IF));
}

static void string_op(CpuState *cpu, const Insn *in, int kind, unsigned size)
{
    int32_t delta = (cpu->eflags & EFLAGS_DF) ? -(int32_t)size : (int32_t)size;
    if (in->rep == REP_NONE) {
        string_once(cpu, in, kind, size, delta);
        return;
    }
    uint32_t count = index_get(cpu, in, R_ECX);
    for (unsigned n = 1; count != 0; n++) {
        bool compared = string_once(cpu, in, kind, size, delta);
        count--;
        if (in->addrsize == 2)
            cpu_set_reg16(cpu, R_ECX, (uint16_t)count);
        else
            cpu->regs[R_ECX] = count;
        if (count == 0)
            break;
        if (compared && flags_zf(cpu) != (in->rep == REP_E))
            break;                         /* REPE: stop on ZF=0; REPNE: stop on ZF=1 */
        if (n >= REP_CHUNK || should_pause(cpu)) {
            cpu->eip = in->eip;            /* resume this instruction next time */
            break;
        }
    }
}

void op_movs_Yb_Xb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_MOVS, 1); }
void op_movs_Yv_Xv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_MOVS, in->opsize); }
void op_cmps_Xb_Yb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_CMPS, 1); }
void op_cmps_Xv_Yv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_CMPS, in->opsize); }
void op_stos_Yb_AL(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_STOS, 1); }
void op_stos_Yv_eAX(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_STOS, in->opsize); }
void op_lods_AL_Xb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_LODS, 1); }
void op_lods_eAX_Xv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_LODS, in->opsize); }
void op_scas_AL_Yb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_SCAS, 1); }
void op_scas_eAX_Yv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_SCAS, in->opsize); }
void op_ins_Yb_DX(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_INS, 1); }
void op_ins_Yv_DX(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_INS, in->opsize); }
void op_outs_DX_Xb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_OUTS, 1); }
void op_outs_DX_Xv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_OUTS, in->opsize); }
