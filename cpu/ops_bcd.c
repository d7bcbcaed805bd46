/*
 * cpu/ops_bcd.c - decimal adjust: DAA DAS AAA AAS AAM AAD.
 *
 * Models:      the SDM Operation sections (386+ forms: AAA/AAS adjust AX as a
 *              whole), AAM with a zero immediate raises #DE (a fault), AAD/
 *              AAM with any base (the imm8 is honoured, as on all Intel CPUs).
 *              Undefined flags get deterministic values: DAA/DAS set OF as
 *              the overflow of the whole adjustment; AAA/AAS/AAM/AAD set SF ZF
 *              PF from AL and clear the rest they leave undefined.
 * Not modeled: nothing else.
 * Spec:        SDM Vol. 2 DAA, DAS, AAA, AAS, AAM, AAD.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

void op_daa(CpuState *cpu, const Insn *in)
{
    uint32_t al = cpu_reg8(cpu, R_EAX), old_al = al;
    bool old_cf = flags_cf(cpu), af = flags_af(cpu), cf = false;
    if ((al & 0x0f) > 9 || af) {
        cf = old_cf || al + 6 > 0xff;
        al = (al + 6) & 0xff;
        af = true;
    } else {
        af = false;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al + 0x60) & 0xff;
        cf = true;
    } else {
        cf = false;
    }
    cpu_set_reg8(cpu, R_EAX, (uint8_t)al);
    /* OF undefined: P6 sets it as for the final ADD of 0x60/0x06 */
    bool of = ((old_al ^ al) & (al ^ (al - old_al)) & 0x80) != 0;
    flags_szp(cpu, al, 1, (cf ? EFLAGS_CF : 0) | (af ? EFLAGS_AF : 0) | (of ? EFLAGS_OF : 0));
}

void op_das(CpuState *cpu, const Insn *in)
{
    uint32_t al = cpu_reg8(cpu, R_EAX), old_al = al;
    bool old_cf = flags_cf(cpu), af = flags_af(cpu), cf = false;
    if ((al & 0x0f) > 9 || af) {
        cf = old_cf || al < 6;
        al = (al - 6) & 0xff;
        af = true;
    } else {
        af = false;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al - 0x60) & 0xff;
        cf = true;
    }
    cpu_set_reg8(cpu, R_EAX, (uint8_t)al);
    bool of = ((old_al ^ al) & old_al & 0x80) != 0;
    flags_szp(cpu, al, 1, (cf ? EFLAGS_CF : 0) | (af ? EFLAGS_AF : 0) | (of ? EFLAGS_OF : 0));
}

void op_aaa(CpuState *cpu, const Insn *in)
{
    uint32_t ax = cpu_reg16(cpu, R_EAX);
    bool adjust = (ax & 0x0f) > 9 || flags_af(cpu);
    if (adjust)
        ax += 0x106;
    cpu_set_reg16(cpu, R_EAX, (uint16_t)(ax & 0xff0f));
    flags_szp(cpu, ax & 0xff, 1, adjust ? (EFLAGS_AF | EFLAGS_CF) : 0);
}

void op_aas(CpuState *cpu, const Insn *in)
{
    uint32_t ax = cpu_reg16(cpu, R_EAX);
    bool adjust = (ax & 0x0f) > 9 || flags_af(cpu);
    if (adjust) {
        ax -= 6;
        ax -= 0x100;
    }
    cpu_set_reg16(cpu, R_EAX, (uint16_t)(ax & 0xff0f));
    flags_szp(cpu, ax & 0xff, 1, adjust ? (EFLAGS_AF | EFLAGS_CF) : 0);
}

void op_aam_Ib(CpuState *cpu, const Insn *in)
{
    uint32_t base = in->imm & 0xff, al = cpu_reg8(cpu, R_EAX);
    if (base == 0)
        cpu_raise(cpu, EXC_DE, NO_ERROR_CODE);
    uint32_t q = al / base, r = al % base;
    cpu_set_reg16(cpu, R_EAX, (uint16_t)((q << 8) | r));
    flags_szp(cpu, r, 1, 0);
}

void op_aad_Ib(CpuState *cpu, const Insn *in)
{
    uint32_t base = in->imm & 0xff;
    uint32_t al = cpu_reg8(cpu, R_EAX), ah = cpu_reg8(cpu, 4);
    uint32_t r = (al + ah * base) & 0xff;
    cpu_set_reg16(cpu, R_EAX, (uint16_t)r);
    flags_szp(cpu, r, 1, 0);
}
