/*
 * cpu/ops_alu.c - integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR
 * CMP TEST INC DEC NEG NOT MUL IMUL DIV IDIV CMPXCHG XADD CMPXCHG8B.
 *
 * Models:      all operand forms and sizes; flags through the lazy-flags
 *              record (cpu/flags.c), always after the destination is written
 *              so a faulting write leaves flags (and ADC/SBB's carry-in)
 *              untouched; #DE for a zero divisor or a quotient that does not
 *              fit (a fault: the return address is the DIV itself on 386+).
 *              MUL/IMUL set SF ZF PF from the low half of the result, AF=0
 *              (undefined per SDM); DIV/IDIV leave all flags unchanged
 *              (undefined per SDM).
 * Not modeled: bus locking (single CPU: LOCK needs no extra work).
 * Spec:        SDM Vol. 2 ADD ... XADD, "Flags Affected" of each.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* Result of a two-operand ALU operation (a, b already truncated to size). */
static uint32_t alu_result(CpuState *cpu, int op, uint32_t a, uint32_t b)
{
    switch (op) {
    case ALU_ADD: return a + b;
    case ALU_OR:  return a | b;
    case ALU_ADC: return a + b + flags_cf(cpu);
    case ALU_SBB: return a - b - flags_cf(cpu);
    case ALU_AND: return a & b;
    case ALU_XOR: return a ^ b;
    default:      return a - b;          /* SUB, CMP */
    }
}

static void alu_flags(CpuState *cpu, int op, uint32_t a, uint32_t b, uint32_t r, unsigned size)
{
    switch (op) {
    case ALU_ADD: case ALU_ADC:
        flags_lazy(cpu, LF_ADD, a, b, r, size);
        break;
    case ALU_SUB: case ALU_SBB: case ALU_CMP:
        flags_lazy(cpu, LF_SUB, a, b, r, size);
        break;
    default:
        flags_lazy(cpu, LF_LOGIC, a, b, r, size);
        break;
    }
}

/* dst = dst OP src on an r/m destination */
static void alu_rm(CpuState *cpu, const Insn *in, int op, uint32_t b, unsigned size)
{
    Operand d = operand_E(cpu, in);
    uint32_t a = operand_read(cpu, &d, size);
    b &= size_mask(size);
    uint32_t r = alu_result(cpu, op, a, b);
    if (op != ALU_CMP)
        operand_write(cpu, &d, size, r & size_mask(size));
    alu_flags(cpu, op, a, b, r, size);
}

/* dst = dst OP src on a register destination */
static void alu_reg(CpuState *cpu, int reg, int op, uint32_t b, unsigned size)
{
    uint32_t a = reg_read(cpu, reg, size);
    b &= size_mask(size);
    uint32_t r = alu_result(cpu, op, a, b);
    if (op != ALU_CMP)
        reg_write(cpu, reg, size, r & size_mask(size));
    alu_flags(cpu, op, a, b, r, size);
}

static void alu_Eb_Gb(CpuState *cpu, const Insn *in, int op) { alu_rm(cpu, in, op, reg_read(cpu, in->reg, 1), 1); }
static void alu_Ev_Gv(CpuState *cpu, const Insn *in, int op) { alu_rm(cpu, in, op, reg_read(cpu, in->reg, in->opsize), in->opsize); }
static void alu_Gb_Eb(CpuState *cpu, const Insn *in, int op) { alu_reg(cpu, in->reg, op, read_E(cpu, in, 1), 1); }
static void alu_Gv_Ev(CpuState *cpu, const Insn *in, int op) { alu_reg(cpu, in->reg, op, read_E(cpu, in, in->opsize), in->opsize); }
static void alu_AL_Ib(CpuState *cpu, const Insn *in, int op) { alu_reg(cpu, R_EAX, op, in->imm, 1); }
static void alu_eAX_Iz(CpuState *cpu, const Insn *in, int op) { alu_reg(cpu, R_EAX, op, in->imm, in->opsize); }
static void alu_Eb_Ib(CpuState *cpu, const Insn *in, int op) { alu_rm(cpu, in, op, in->imm, 1); }
static void alu_Ev_Iz(CpuState *cpu, const Insn *in, int op) { alu_rm(cpu, in, op, in->imm, in->opsize); }

void op_add_Eb_Gb(CpuState *cpu, const Insn *in) { alu_Eb_Gb(cpu, in, ALU_ADD); }
void op_add_Ev_Gv(CpuState *cpu, const Insn *in) { alu_Ev_Gv(cpu, in, ALU_ADD); }
void op_add_Gb_Eb(CpuState *cpu, const Insn *in) { alu_Gb_Eb(cpu, in, ALU_ADD); }
void op_add_Gv_Ev(CpuState *cpu, const Insn *in) { alu_Gv_Ev(cpu, in, ALU_ADD); }
void op_add_AL_Ib(CpuState *cpu, const Insn *in) { alu_AL_Ib(cpu, in, ALU_ADD); }
void op_add_eAX_Iz(CpuState *cpu, const Insn *in) { alu_eAX_Iz(cpu, in, ALU_ADD); }
void op_add_Eb_Ib(CpuState *cpu, const Insn *in) { alu_Eb_Ib(cpu, in, ALU_ADD); }
void op_add_Ev_Iz(CpuState *cpu, const Insn *in) { alu_Ev_Iz(cpu, in, ALU_ADD); }

void op_or_Eb_Gb(CpuState *cpu, const Insn *in) { alu_Eb_Gb(cpu, in, ALU_OR); }
void op_or_Ev_Gv(CpuState *cpu, const Insn *in) { alu_Ev_Gv(cpu, in, ALU_OR); }
void op_or_Gb_Eb(CpuState *cpu, const Insn *in) { alu_Gb_Eb(cpu, in, ALU_OR); }
void op_or_Gv_Ev(CpuState *cpu, const Insn *in) { alu_Gv_Ev(cpu, in, ALU_OR); }
void op_or_AL_Ib(CpuState *cpu, const Insn *in) { alu_AL_Ib(cpu, in, ALU_OR); }
void op_or_eAX_Iz(CpuState *cpu, const Insn *in) { alu_eAX_Iz(cpu, in, ALU_OR); }
void op_or_Eb_Ib(CpuState *cpu, const Insn *in) { alu_Eb_Ib(cpu, in, ALU_OR); }
void op_or_Ev_Iz(CpuState *cpu, const Insn *in) { alu_Ev_Iz(cpu, in, ALU_OR); }

void op_adc_Eb_Gb(CpuState *cpu, const Insn *in) { alu_Eb_Gb(cpu, in, ALU_ADC); }
void op_adc_Ev_Gv(CpuState *cpu, const Insn *in) { alu_Ev_Gv(cpu, in, ALU_ADC); }
void op_adc_Gb_Eb(CpuState *cpu, const Insn *in) { alu_Gb_Eb(cpu, in, ALU_ADC); }
void op_adc_Gv_Ev(CpuState *cpu, const Insn *in) { alu_Gv_Ev(cpu, in, ALU_ADC); }
void op_adc_AL_Ib(CpuState *cpu, const Insn *in) { alu_AL_Ib(cpu, in, ALU_ADC); }
void op_adc_eAX_Iz(CpuState *cpu, const Insn *in) { alu_eAX_Iz(cpu, in, ALU_ADC); }
void op_adc_Eb_Ib(CpuState *cpu, const Insn *in) { alu_Eb_Ib(cpu, in, ALU_ADC); }
void op_adc_Ev_Iz(CpuState *cpu, const Insn *in) { alu_Ev_Iz(cpu, in, ALU_ADC); }

void op_sbb_Eb_Gb(CpuState *cpu, const Insn *in) { alu_Eb_Gb(cpu, in, ALU_SBB); }
void op_sbb_Ev_Gv(CpuState *cpu, const Insn *in) { alu_Ev_Gv(cpu, in, ALU_SBB); }
void op_sbb_Gb_Eb(CpuState *cpu, const Insn *in) { alu_Gb_Eb(cpu, in, ALU_SBB); }
void op_sbb_Gv_Ev(CpuState *cpu, const Insn *in) { alu_Gv_Ev(cpu, in, ALU_SBB); }
void op_sbb_AL_Ib(CpuState *cpu, const Insn *in) { alu_AL_Ib(cpu, in, ALU_SBB); }
void op_sbb_eAX_Iz(CpuState *cpu, const Insn *in) { alu_eAX_Iz(cpu, in, ALU_SBB); }
void op_sbb_Eb_Ib(CpuState *cpu, const Insn *in) { alu_Eb_Ib(cpu, in, ALU_SBB); }
void op_sbb_Ev_Iz(CpuState *cpu, const Insn *in) { alu_Ev_Iz(cpu, in, ALU_SBB); }

void op_and_Eb_Gb(CpuState *cpu, const Insn *in) { alu_Eb_Gb(cpu, in, ALU_AND); }
void op_and_Ev_Gv(CpuState *cpu, const Insn *in) { alu_Ev_Gv(cpu, in, ALU_AND); }
void op_and_Gb_Eb(CpuState *cpu, const Insn *in) { alu_Gb_Eb(cpu, in, ALU_AND); }
void op_and_Gv_Ev(CpuState *cpu, const Insn *in) { alu_Gv_Ev(cpu, in, ALU_AND); }
void op_and_AL_Ib(CpuState *cpu, const Insn *in) { alu_AL_Ib(cpu, in, ALU_AND); }
void op_and_eAX_Iz(CpuState *cpu, const Insn *in) { alu_eAX_Iz(cpu, in, ALU_AND); }
void op_and_Eb_Ib(CpuState *cpu, const Insn *in) { alu_Eb_Ib(cpu, in, ALU_AND); }
void op_and_Ev_Iz(CpuState *cpu, const Insn *in) { alu_Ev_Iz(cpu, in, ALU_AND); }

void op_sub_Eb_Gb(CpuState *cpu, const Insn *in) { alu_Eb_Gb(cpu, in, ALU_SUB); }
void op_sub_Ev_Gv(CpuState *cpu, const Insn *in) { alu_Ev_Gv(cpu, in, ALU_SUB); }
void op_sub_Gb_Eb(CpuState *cpu, const Insn *in) { alu_Gb_Eb(cpu, in, ALU_SUB); }
void op_sub_Gv_Ev(CpuState *cpu, const Insn *in) { alu_Gv_Ev(cpu, in, ALU_SUB); }
void op_sub_AL_Ib(CpuState *cpu, const Insn *in) { alu_AL_Ib(cpu, in, ALU_SUB); }
void op_sub_eAX_Iz(CpuState *cpu, const Insn *in) { alu_eAX_Iz(cpu, in, ALU_SUB); }
void op_sub_Eb_Ib(CpuState *cpu, const Insn *in) { alu_Eb_Ib(cpu, in, ALU_SUB); }
void op_sub_Ev_Iz(CpuState *cpu, const Insn *in) { alu_Ev_Iz(cpu, in, ALU_SUB); }

void op_xor_Eb_Gb(CpuState *cpu, const Insn *in) { alu_Eb_Gb(cpu, in, ALU_XOR); }
void op_xor_Ev_Gv(CpuState *cpu, const Insn *in) { alu_Ev_Gv(cpu, in, ALU_XOR); }
void op_xor_Gb_Eb(CpuState *cpu, const Insn *in) { alu_Gb_Eb(cpu, in, ALU_XOR); }
void op_xor_Gv_Ev(CpuState *cpu, const Insn *in) { alu_Gv_Ev(cpu, in, ALU_XOR); }
void op_xor_AL_Ib(CpuState *cpu, const Insn *in) { alu_AL_Ib(cpu, in, ALU_XOR); }
void op_xor_eAX_Iz(CpuState *cpu, const Insn *in) { alu_eAX_Iz(cpu, in, ALU_XOR); }
void op_xor_Eb_Ib(CpuState *cpu, const Insn *in) { alu_Eb_Ib(cpu, in, ALU_XOR); }
void op_xor_Ev_Iz(CpuState *cpu, const Insn *in) { alu_Ev_Iz(cpu, in, ALU_XOR); }

void op_cmp_Eb_Gb(CpuState *cpu, const Insn *in) { alu_Eb_Gb(cpu, in, ALU_CMP); }
void op_cmp_Ev_Gv(CpuState *cpu, const Insn *in) { alu_Ev_Gv(cpu, in, ALU_CMP); }
void op_cmp_Gb_Eb(CpuState *cpu, const Insn *in) { alu_Gb_Eb(cpu, in, ALU_CMP); }
void op_cmp_Gv_Ev(CpuState *cpu, const Insn *in) { alu_Gv_Ev(cpu, in, ALU_CMP); }
void op_cmp_AL_Ib(CpuState *cpu, const Insn *in) { alu_AL_Ib(cpu, in, ALU_CMP); }
void op_cmp_eAX_Iz(CpuState *cpu, const Insn *in) { alu_eAX_Iz(cpu, in, ALU_CMP); }
void op_cmp_Eb_Ib(CpuState *cpu, const Insn *in) { alu_Eb_Ib(cpu, in, ALU_CMP); }
void op_cmp_Ev_Iz(CpuState *cpu, const Insn *in) { alu_Ev_Iz(cpu, in, ALU_CMP); }

/* ---- TEST ------------------------------------------------------------------- */

static void test(CpuState *cpu, uint32_t a, uint32_t b, unsigned size)
{
    uint32_t r = a & b & size_mask(size);
    flags_lazy(cpu, LF_LOGIC, a, b, r, size);
}

void op_test_Eb_Gb(CpuState *cpu, const Insn *in) { test(cpu, read_E(cpu, in, 1), reg_read(cpu, in->reg, 1), 1); }
void op_test_Ev_Gv(CpuState *cpu, const Insn *in) { test(cpu, read_E(cpu, in, in->opsize), reg_read(cpu, in->reg, in->opsize), in->opsize); }
void op_test_AL_Ib(CpuState *cpu, const Insn *in) { test(cpu, reg_read(cpu, R_EAX, 1), in->imm, 1); }
void op_test_eAX_Iz(CpuState *cpu, const Insn *in) { test(cpu, reg_read(cpu, R_EAX, in->opsize), in->imm, in->opsize); }
void op_test_Eb_Ib(CpuState *cpu, const Insn *in) { test(cpu, read_E(cpu, in, 1), in->imm, 1); }
void op_test_Ev_Iz(CpuState *cpu, const Insn *in) { test(cpu, read_E(cpu, in, in->opsize), in->imm, in->opsize); }

/* ---- INC DEC NEG NOT -------------------------------------------------------- */

/* INC/DEC keep CF: make it concrete, then record the rest lazily. */
static void incdec_flags(CpuState *cpu, int lf, uint32_t a, uint32_t r, unsigned size)
{
    bool cf = flags_cf(cpu);
    cpu->eflags = (cpu->eflags & ~EFLAGS_CF) | (cf ? EFLAGS_CF : 0);
    flags_lazy(cpu, lf, a, 1, r, size);
}

static void incdec_rm(CpuState *cpu, const Insn *in, unsigned size, bool dec)
{
    Operand d = operand_E(cpu, in);
    uint32_t a = operand_read(cpu, &d, size);
    uint32_t r = dec ? a - 1 : a + 1;
    operand_write(cpu, &d, size, r & size_mask(size));
    incdec_flags(cpu, dec ? LF_DEC : LF_INC, a, r, size);
}

void op_inc_Eb(CpuState *cpu, const Insn *in) { incdec_rm(cpu, in, 1, false); }
void op_dec_Eb(CpuState *cpu, const Insn *in) { incdec_rm(cpu, in, 1, true); }
void op_inc_Ev(CpuState *cpu, const Insn *in) { incdec_rm(cpu, in, in->opsize, false); }
void op_dec_Ev(CpuState *cpu, const Insn *in) { incdec_rm(cpu, in, in->opsize, true); }

void op_inc_Zv(CpuState *cpu, const Insn *in)
{
    int reg = in->opcode & 7;
    uint32_t a = reg_read(cpu, reg, in->opsize);
    reg_write(cpu, reg, in->opsize, a + 1);
    incdec_flags(cpu, LF_INC, a, a + 1, in->opsize);
}

void op_dec_Zv(CpuState *cpu, const Insn *in)
{
    int reg = in->opcode & 7;
    uint32_t a = reg_read(cpu, reg, in->opsize);
    reg_write(cpu, reg, in->opsize, a - 1);
    incdec_flags(cpu, LF_DEC, a, a - 1, in->opsize);
}

static void neg_rm(CpuState *cpu, const Insn *in, unsigned size)
{
    Operand d = operand_E(cpu, in);
    uint32_t b = operand_read(cpu, &d, size);
    uint32_t r = 0u - b;
    operand_write(cpu, &d, size, r & size_mask(size));
    flags_lazy(cpu, LF_SUB, 0, b, r, size);
}

static void not_rm(CpuState *cpu, const Insn *in, unsigned size)
{
    Operand d = operand_E(cpu, in);
    operand_write(cpu, &d, size, ~operand_read(cpu, &d, size) & size_mask(size));
}

void op_neg_Eb(CpuState *cpu, const Insn *in) { neg_rm(cpu, in, 1); }
void op_neg_Ev(CpuState *cpu, const Insn *in) { neg_rm(cpu, in, in->opsize); }
void op_not_Eb(CpuState *cpu, const Insn *in) { not_rm(cpu, in, 1); }
void op_not_Ev(CpuState *cpu, const Insn *in) { not_rm(cpu, in, in->opsize); }

/* ---- MUL IMUL ----------------------------------------------------------------- */

/* CF=OF=overflow; SF ZF PF from the low half (undefined per SDM). */
static void mul_flags(CpuState *cpu, uint32_t low, unsigned size, bool overflow)
{
    flags_szp(cpu, low, size, overflow ? (EFLAGS_CF | EFLAGS_OF) : 0);
}

static int32_t sext(uint32_t v, unsigned size)
{
    if (size == 1)
        return (int8_t)v;
    if (size == 2)
        return (int16_t)v;
    return (int32_t)v;
}

void op_mul_Eb(CpuState *cpu, const Insn *in)
{
    uint32_t r = reg_read(cpu, R_EAX, 1) * read_E(cpu, in, 1);
    cpu_set_reg16(cpu, R_EAX, (uint16_t)r);
    mul_flags(cpu, r, 1, (r >> 8) != 0);
}

void op_mul_Ev(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    uint64_t r = (uint64_t)reg_read(cpu, R_EAX, size) * read_E(cpu, in, size);
    uint32_t high = (uint32_t)(r >> (size * 8));
    reg_write(cpu, R_EAX, size, (uint32_t)r);
    reg_write(cpu, R_EDX, size, high);
    mul_flags(cpu, (uint32_t)r, size, high != 0);
}

void op_imul_Eb(CpuState *cpu, const Insn *in)
{
    int32_t r = (int8_t)reg_read(cpu, R_EAX, 1) * (int8_t)read_E(cpu, in, 1);
    cpu_set_reg16(cpu, R_EAX, (uint16_t)r);
    mul_flags(cpu, (uint32_t)r, 1, r != (int8_t)r);
}

void op_imul_Ev(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    int64_t r = (int64_t)sext(reg_read(cpu, R_EAX, size), size) * sext(read_E(cpu, in, size), size);
    uint64_t u = (uint64_t)r;
    reg_write(cpu, R_EAX, size, (uint32_t)u);
    reg_write(cpu, R_EDX, size, (uint32_t)(u >> (size * 8)));
    mul_flags(cpu, (uint32_t)u, size, r != sext((uint32_t)u, size));
}

static void imul_3(CpuState *cpu, const Insn *in, uint32_t b)
{
    unsigned size = in->opsize;
    int64_t r = (int64_t)sext(read_E(cpu, in, size), size) * sext(b & size_mask(size), size);
    uint32_t low = (uint32_t)(uint64_t)r;
    reg_write(cpu, in->reg, size, low);
    mul_flags(cpu, low, size, r != sext(low, size));
}

void op_imul_Gv_Ev_Iz(CpuState *cpu, const Insn *in) { imul_3(cpu, in, in->imm); }
void op_imul_Gv_Ev(CpuState *cpu, const Insn *in) { imul_3(cpu, in, reg_read(cpu, in->reg, in->opsize)); }

/* ---- DIV IDIV ----------------------------------------------------------------- */

void op_div_Eb(CpuState *cpu, const Insn *in)
{
    uint32_t d = read_E(cpu, in, 1);
    uint32_t n = reg_read(cpu, R_EAX, 2);
    if (d == 0 || n / d > 0xff)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    cpu_set_reg16(cpu, R_EAX, (uint16_t)(((n % d) << 8) | (n / d)));
}

void op_div_Ev(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    uint64_t d = read_E(cpu, in, size);
    uint64_t n = ((uint64_t)reg_read(cpu, R_EDX, size) << (size * 8)) | reg_read(cpu, R_EAX, size);
    if (d == 0 || n / d > size_mask(size))
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    reg_write(cpu, R_EAX, size, (uint32_t)(n / d));
    reg_write(cpu, R_EDX, size, (uint32_t)(n % d));
}

void op_idiv_Eb(CpuState *cpu, const Insn *in)
{
    int32_t d = (int8_t)read_E(cpu, in, 1);
    int32_t n = (int16_t)reg_read(cpu, R_EAX, 2);
    if (d == 0)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    int32_t q = n / d, r = n % d;
    if (q > 127 || q < -128)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    cpu_set_reg16(cpu, R_EAX, (uint16_t)(((uint32_t)r & 0xff) << 8 | ((uint32_t)q & 0xff)));
}

void op_idiv_Ev(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    int64_t d = sext(read_E(cpu, in, size), size);
    uint64_t un = ((uint64_t)reg_read(cpu, R_EDX, size) << (size * 8)) | reg_read(cpu, R_EAX, size);
    int64_t n = size == 4 ? (int64_t)un : (int64_t)(int32_t)(uint32_t)un;
    if (d == 0 || (n == INT64_MIN && d == -1))
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    int64_t q = n / d, r = n % d;
    int64_t max = size == 4 ? INT32_MAX : INT16_MAX;
    if (q > max || q < -max - 1)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    reg_write(cpu, R_EAX, size, (uint32_t)(uint64_t)q);
    reg_write(cpu, R_EDX, size, (uint32_t)(uint64_t)r);
}

/* ---- CMPXCHG XADD CMPXCHG8B (486+/Pentium) ------------------------------------ */

static void cmpxchg(CpuState *cpu, const Insn *in, unsigned size)
{
    Operand d = operand_E(cpu, in);
    uint32_t dest = operand_read(cpu, &d, size);
    uint32_t acc = reg_read(cpu, R_EAX, size);
    if (acc == dest) {
        operand_write(cpu, &d, size, reg_read(cpu, in->reg, size));
    } else {
        operand_write(cpu, &d, size, dest);   /* SDM: the destination is always written */
        reg_write(cpu, R_EAX, size, dest);
    }
    flags_lazy(cpu, LF_SUB, acc, dest, acc - dest, size);
}

void op_cmpxchg_Eb_Gb(CpuState *cpu, const Insn *in) { cmpxchg(cpu, in, 1); }
void op_cmpxchg_Ev_Gv(CpuState *cpu, const Insn *in) { cmpxchg(cpu, in, in->opsize); }

static void xadd(CpuState *cpu, const Insn *in, unsigned size)
{
    Operand d = operand_E(cpu, in);
    uint32_t dest = operand_read(cpu, &d, size);
    uint32_t src = reg_read(cpu, in->reg, size);
    uint32_t r = dest + src;
    if (d.reg >= 0) {
        reg_write(cpu, in->reg, size, dest);
        reg_write(cpu, d.reg, size, r & size_mask(size));
    } else {
        operand_write(cpu, &d, size, r & size_mask(size));
        reg_write(cpu, in->reg, size, dest);
    }
    flags_lazy(cpu, LF_ADD, dest, src, r, size);
}

void op_xadd_Eb_Gb(CpuState *cpu, const Insn *in) { xadd(cpu, in, 1); }
void op_xadd_Ev_Gv(CpuState *cpu, const Insn *in) { xadd(cpu, in, in->opsize); }

void op_cmpxchg8b_Mq(CpuState *cpu, const Insn *in)
{
    uint32_t off = insn_ea(cpu, in);
    /* one locked 8-byte access: the whole quadword must be writable (segment
     * and pages) before anything is written, since the CPU always writes */
    uint32_t lin = seg_lin_w(cpu, in->seg, off, 8);
    cpu_translate(cpu, lin, true);
    cpu_translate(cpu, lin + 7, true);
    uint32_t lo = seg_read(cpu, in->seg, off, 4);
    uint32_t hi = seg_read(cpu, in->seg, off + 4, 4);
    flags_sync(cpu);
    if (lo == cpu->regs[R_EAX] && hi == cpu->regs[R_EDX]) {
        seg_write(cpu, in->seg, off, cpu->regs[R_EBX], 4);
        seg_write(cpu, in->seg, off + 4, cpu->regs[R_ECX], 4);
        cpu->eflags |= EFLAGS_ZF;
    } else {
        seg_write(cpu, in->seg, off, lo, 4);
        seg_write(cpu, in->seg, off + 4, hi, 4);
        cpu->regs[R_EAX] = lo;
        cpu->regs[R_EDX] = hi;
        cpu->eflags &= ~EFLAGS_ZF;
    }
}
