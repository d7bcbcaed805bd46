/*
 * cpu/ops_mov.c - data movement: MOV (incl. segment registers and moffs),
 * LEA, XCHG, CBW/CWDE, CWD/CDQ, SAHF, LAHF, XLAT, LDS/LES/LSS/LFS/LGS,
 * MOVZX, MOVSX, CMOVcc, SETcc, BSWAP, SALC, NOP.
 *
 * Models:      every form and operand size; MOV to SS inhibits interrupts
 *              for one instruction; MOV to CS and segment register numbers
 *              6-7 raise #UD; MOV r32,Sreg zero-extends (P6 behaviour);
 *              CMOVcc always reads its source (so a bad address faults even
 *              when the condition is false); far-pointer loads read offset
 *              and selector before changing anything.
 * Not modeled: protected-mode selector checks (they live in seg_load).
 * Spec:        SDM Vol. 2 MOV, MOV (segment registers), LEA, XCHG, CBW,
 *              CWD, SAHF, LAHF, XLAT, LDS, MOVZX, MOVSX, CMOVcc, SETcc,
 *              BSWAP; SALC is the undocumented D6 (AL = CF ? FF : 00).
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

void op_mov_Eb_Gb(CpuState *cpu, const Insn *in) { write_E(cpu, in, 1, reg_read(cpu, in->reg, 1)); }
void op_mov_Ev_Gv(CpuState *cpu, const Insn *in) { write_E(cpu, in, in->opsize, reg_read(cpu, in->reg, in->opsize)); }
void op_mov_Gb_Eb(CpuState *cpu, const Insn *in) { reg_write(cpu, in->reg, 1, read_E(cpu, in, 1)); }
void op_mov_Gv_Ev(CpuState *cpu, const Insn *in) { reg_write(cpu, in->reg, in->opsize, read_E(cpu, in, in->opsize)); }
void op_mov_Eb_Ib(CpuState *cpu, const Insn *in) { write_E(cpu, in, 1, in->imm); }
void op_mov_Ev_Iz(CpuState *cpu, const Insn *in) { write_E(cpu, in, in->opsize, in->imm); }
void op_mov_Zb_Ib(CpuState *cpu, const Insn *in) { reg_write(cpu, in->opcode & 7, 1, in->imm); }
void op_mov_Zv_Iz(CpuState *cpu, const Insn *in) { reg_write(cpu, in->opcode & 7, in->opsize, in->imm); }

static uint32_t moffs(const Insn *in)
{
    return in->addrsize == 2 ? ((uint32_t)in->disp & 0xffff) : (uint32_t)in->disp;
}

void op_mov_AL_Ob(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, 1, seg_read(cpu, in->seg, moffs(in), 1)); }
void op_mov_eAX_Ov(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, in->opsize, seg_read(cpu, in->seg, moffs(in), in->opsize)); }
void op_mov_Ob_AL(CpuState *cpu, const Insn *in) { seg_write(cpu, in->seg, moffs(in), reg_read(cpu, R_EAX, 1), 1); }
void op_mov_Ov_eAX(CpuState *cpu, const Insn *in) { seg_write(cpu, in->seg, moffs(in), reg_read(cpu, R_EAX, in->opsize), in->opsize); }

void op_mov_Ev_Sw(CpuState *cpu, const Insn *in)
{
    if (in->reg >= SEG_COUNT)
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    uint16_t sel = cpu->seg[in->reg].sel;
    if (in->mod == 3)
        reg_write(cpu, in->rm, in->opsize, sel);
    else
        write_E(cpu, in, 2, sel);
}

void op_mov_Sw_Ew(CpuState *cpu, const Insn *in)
{
    if (in->reg >= SEG_COUNT || in->reg == SEG_CS)
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    uint16_t sel = (uint16_t)read_E(cpu, in, 2);
    seg_load(cpu, in->reg, sel);
    if (in->reg == SEG_SS)
        cpu->in->shadow_next = true;   /* SDM Vol. 2 MOV: blocks interrupts until after the next insn */
}

void op_lea_Gv_M(CpuState *cpu, const Insn *in)
{
    reg_write(cpu, in->reg, in->opsize, insn_ea(cpu, in));
}

void op_xchg_Eb_Gb(CpuState *cpu, const Insn *in)
{
    Operand d = operand_E(cpu, in);
    uint32_t a = operand_read(cpu, &d, 1);
    uint32_t b = reg_read(cpu, in->reg, 1);
    operand_write(cpu, &d, 1, b);
    reg_write(cpu, in->reg, 1, a);
}

void op_xchg_Ev_Gv(CpuState *cpu, const Insn *in)
{
    Operand d = operand_E(cpu, in);
    uint32_t a = operand_read(cpu, &d, in->opsize);
    uint32_t b = reg_read(cpu, in->reg, in->opsize);
    operand_write(cpu, &d, in->opsize, b);
    reg_write(cpu, in->reg, in->opsize, a);
}

void op_xchg_Zv_eAX(CpuState *cpu, const Insn *in)
{
    int r = in->opcode & 7;
    uint32_t a = reg_read(cpu, r, in->opsize);
    reg_write(cpu, r, in->opsize, reg_read(cpu, R_EAX, in->opsize));
    reg_write(cpu, R_EAX, in->opsize, a);
}

void op_nop(CpuState *cpu, const Insn *in) { (void)cpu; (void)in; }
void op_nop_Ev(CpuState *cpu, const Insn *in) { (void)cpu; (void)in; }

void op_cbw(CpuState *cpu, const Insn *in)
{
    if (in->opsize == 2)
        cpu_set_reg16(cpu, R_EAX, (uint16_t)(int8_t)cpu->regs[R_EAX]);
    else
        cpu->regs[R_EAX] = (uint32_t)(int32_t)(int16_t)cpu->regs[R_EAX];
}

void op_cwd(CpuState *cpu, const Insn *in)
{
    if (in->opsize == 2)
        cpu_set_reg16(cpu, R_EDX, (cpu->regs[R_EAX] & 0x8000) ? 0xffff : 0);
    else
        cpu->regs[R_EDX] = (cpu->regs[R_EAX] & 0x80000000u) ? 0xffffffffu : 0;
}

void op_sahf(CpuState *cpu, const Insn *in)
{
    flags_write(cpu, cpu_reg8(cpu, 4),
                EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF | EFLAGS_CF);
}

void op_lahf(CpuState *cpu, const Insn *in)
{
    cpu_set_reg8(cpu, 4, (uint8_t)cpu_get_eflags(cpu));
}

void op_xlat(CpuState *cpu, const Insn *in)
{
    uint32_t off = cpu->regs[R_EBX] + cpu_reg8(cpu, R_EAX);
    if (in->addrsize == 2)
        off &= 0xffff;
    cpu_set_reg8(cpu, R_EAX, (uint8_t)seg_read(cpu, in->seg, off, 1));
}

void op_salc(CpuState *cpu, const Insn *in)
{
    cpu_set_reg8(cpu, R_EAX, flags_cf(cpu) ? 0xff : 0);
}

/* ---- far pointer loads -------------------------------------------------------- */

static void load_far_pointer(CpuState *cpu, const Insn *in, int seg)
{
    uint32_t off = insn_ea(cpu, in);
    uint32_t v = seg_read(cpu, in->seg, off, in->opsize);
    uint16_t sel = (uint16_t)seg_read(cpu, in->seg, off + in->opsize, 2);
    seg_load(cpu, seg, sel);
    reg_write(cpu, in->reg, in->opsize, v);
}

void op_les_Gv_Mp(CpuState *cpu, const Insn *in) { load_far_pointer(cpu, in, SEG_ES); }
void op_lds_Gv_Mp(CpuState *cpu, const Insn *in) { load_far_pointer(cpu, in, SEG_DS); }
void op_lss_Gv_Mp(CpuState *cpu, const Insn *in) { load_far_pointer(cpu, in, SEG_SS); }
void op_lfs_Gv_Mp(CpuState *cpu, const Insn *in) { load_far_pointer(cpu, in, SEG_FS); }
void op_lgs_Gv_Mp(CpuState *cpu, const Insn *in) { load_far_pointer(cpu, in, SEG_GS); }

/* ---- 386+ moves ------------------------------------------------------------------ */

void op_movzx_Gv_Eb(CpuState *cpu, const Insn *in) { reg_write(cpu, in->reg, in->opsize, read_E(cpu, in, 1)); }
void op_movzx_Gv_Ew(CpuState *cpu, const Insn *in) { reg_write(cpu, in->reg, in->opsize, read_E(cpu, in, 2)); }

void op_movsx_Gv_Eb(CpuState *cpu, const Insn *in)
{
    reg_write(cpu, in->reg, in->opsize, (uint32_t)(int32_t)(int8_t)read_E(cpu, in, 1));
}

void op_movsx_Gv_Ew(CpuState *cpu, const Insn *in)
{
    reg_write(cpu, in->reg, in->opsize, (uint32_t)(int32_t)(int16_t)read_E(cpu, in, 2));
}

void op_cmovcc_Gv_Ev(CpuState *cpu, const Insn *in)
{
    uint32_t v = read_E(cpu, in, in->opsize);
    if (flags_cond(cpu, in->opcode & 15))
        reg_write(cpu, in->reg, in->opsize, v);
}

void op_setcc_Eb(CpuState *cpu, const Insn *in)
{
    write_E(cpu, in, 1, flags_cond(cpu, in->opcode & 15) ? 1 : 0);
}

void op_bswap_Zd(CpuState *cpu, const Insn *in)
{
    int r = in->opcode & 7;
    if (in->opsize == 2)
        cpu_set_reg16(cpu, r, 0);    /* undefined per SDM; P6 clears the low word */
    else
        cpu->regs[r] = __builtin_bswap32(cpu->regs[r]);
}
