/*
 * cpu/flags.c - lazy evaluation of the arithmetic flags (OF SF ZF AF PF CF).
 *
 * Models:      ADD/ADC/SUB/SBB/CMP/NEG/INC/DEC/logic results are recorded as
 *              (op, a, b, result, size) and each flag is computed only when a
 *              Jcc, SETcc, PUSHF, interrupt... asks for it. LF_NONE is the
 *              "flags already concrete" state: cpu->eflags is exact. Any
 *              instruction with unusual flag rules (shifts, MUL, BCD) computes
 *              its flags eagerly through flags_set_arith()/flags_szp().
 * Not modeled: nothing is approximated; undefined flags take the values the
 *              formulas give (Intel P6 behaviour for the common cases).
 * Spec:        SDM Vol. 1 3.4.3.1 (status flags), Vol. 2 per-instruction
 *              "Flags Affected".
 *
 * Carry and overflow use the classic bit tricks, valid for any carry-in, so
 * ADC and SBB share LF_ADD/LF_SUB:
 *   add: carry-out = msb((a & b) | ((a | b) & ~r)), overflow = msb((a ^ r) & (b ^ r))
 *   sub: borrow    = msb((~a & b) | (~(a ^ b) & r)), overflow = msb((a ^ b) & (a ^ r))
 * INC/DEC leave CF alone: it is made concrete in eflags before they record.
 * LF_HOST is the translator's state: the flags are bits of lf_host, the
 * host's own EFLAGS image after the same operation (same ISA, same flags).
 */
#include "cpu/internal.h"

bool parity8(uint32_t v)
{
    v &= 0xff;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);
}

bool flags_cf(CpuState *cpu)
{
    const CpuInternal *in = cpu->in;
    if (in->lf_op == LF_HOST)
        return (in->lf_host & EFLAGS_CF) != 0;
    uint32_t a = in->lf_a, b = in->lf_b, r = in->lf_res, sign = size_sign(in->lf_size);
    switch (in->lf_op) {
    case LF_ADD:
        return (((a & b) | ((a | b) & ~r)) & sign) != 0;
    case LF_SUB:
        return (((~a & b) | (~(a ^ b) & r)) & sign) != 0;
    case LF_LOGIC:
        return false;
    default:
        return (cpu->eflags & EFLAGS_CF) != 0;
    }
}

bool flags_of(CpuState *cpu)
{
    const CpuInternal *in = cpu->in;
    if (in->lf_op == LF_HOST)
        return (in->lf_host & EFLAGS_OF) != 0;
    uint32_t a = in->lf_a, b = in->lf_b, r = in->lf_res, sign = size_sign(in->lf_size);
    switch (in->lf_op) {
    case LF_ADD:
    case LF_INC:
        return (((a ^ r) & (b ^ r)) & sign) != 0;
    case LF_SUB:
    case LF_DEC:
        return (((a ^ b) & (a ^ r)) & sign) != 0;
    case LF_LOGIC:
        return false;
    default:
        return (cpu->eflags & EFLAGS_OF) != 0;
    }
}

bool flags_af(CpuState *cpu)
{
    const CpuInternal *in = cpu->in;
    if (in->lf_op == LF_HOST)
        return (in->lf_host & EFLAGS_AF) != 0;
    switch (in->lf_op) {
    case LF_ADD: case LF_SUB: case LF_INC: case LF_DEC:
        return ((in->lf_a ^ in->lf_b ^ in->lf_res) & 0x10) != 0;
    case LF_LOGIC:
        return false;
    default:
        return (cpu->eflags & EFLAGS_AF) != 0;
    }
}

bool flags_zf(CpuState *cpu)
{
    const CpuInternal *in = cpu->in;
    if (in->lf_op == LF_HOST)
        return (in->lf_host & EFLAGS_ZF) != 0;
    if (in->lf_op == LF_NONE)
        return (cpu->eflags & EFLAGS_ZF) != 0;
    return (in->lf_res & size_mask(in->lf_size)) == 0;
}

bool flags_sf(CpuState *cpu)
{
    const CpuInternal *in = cpu->in;
    if (in->lf_op == LF_HOST)
        return (in->lf_host & EFLAGS_SF) != 0;
    if (in->lf_op == LF_NONE)
        return (cpu->eflags & EFLAGS_SF) != 0;
    return (in->lf_res & size_sign(in->lf_size)) != 0;
}

bool flags_pf(CpuState *cpu)
{
    const CpuInternal *in = cpu->in;
    if (in->lf_op == LF_HOST)
        return (in->lf_host & EFLAGS_PF) != 0;
    if (in->lf_op == LF_NONE)
        return (cpu->eflags & EFLAGS_PF) != 0;
    return parity8(in->lf_res);
}

void flags_sync(CpuState *cpu)
{
    if (cpu->in->lf_op == LF_NONE)
        return;
    if (cpu->in->lf_op == LF_HOST) {
        cpu->eflags = (cpu->eflags & ~FLAGS_ARITH) | ((uint32_t)cpu->in->lf_host & FLAGS_ARITH);
        cpu->in->lf_op = LF_NONE;
        return;
    }
    uint32_t f = cpu->eflags & ~FLAGS_ARITH;
    if (flags_cf(cpu)) f |= EFLAGS_CF;
    if (flags_pf(cpu)) f |= EFLAGS_PF;
    if (flags_af(cpu)) f |= EFLAGS_AF;
    if (flags_zf(cpu)) f |= EFLAGS_ZF;
    if (flags_sf(cpu)) f |= EFLAGS_SF;
    if (flags_of(cpu)) f |= EFLAGS_OF;
    cpu->eflags = f;
    cpu->in->lf_op = LF_NONE;
}

void flags_set_arith(CpuState *cpu, uint32_t mask, uint32_t set)
{
    flags_sync(cpu);
    cpu->eflags = (cpu->eflags & ~mask) | (set & mask);
}

void flags_szp(CpuState *cpu, uint32_t res, unsigned size, uint32_t cf_of_af)
{
    uint32_t f = cf_of_af & (EFLAGS_CF | EFLAGS_OF | EFLAGS_AF);
    if ((res & size_mask(size)) == 0) f |= EFLAGS_ZF;
    if (res & size_sign(size)) f |= EFLAGS_SF;
    if (parity8(res)) f |= EFLAGS_PF;
    cpu->in->lf_op = LF_NONE;
    cpu->eflags = (cpu->eflags & ~FLAGS_ARITH) | f;
}

/* SDM Vol. 1 Appendix B: condition codes in opcode order. */
bool flags_cond(CpuState *cpu, unsigned cc)
{
    bool r;
    switch (cc >> 1) {
    case 0: r = flags_of(cpu); break;                          /* O */
    case 1: r = flags_cf(cpu); break;                          /* B */
    case 2: r = flags_zf(cpu); break;                          /* Z */
    case 3: r = flags_cf(cpu) || flags_zf(cpu); break;         /* BE */
    case 4: r = flags_sf(cpu); break;                          /* S */
    case 5: r = flags_pf(cpu); break;                          /* P */
    case 6: r = flags_sf(cpu) != flags_of(cpu); break;         /* L */
    default: r = flags_zf(cpu) || flags_sf(cpu) != flags_of(cpu); break;  /* LE */
    }
    return (cc & 1) ? !r : r;
}

/* Write the bits of 'mask' from 'val' (arithmetic flags included). */
void flags_write(CpuState *cpu, uint32_t val, uint32_t mask)
{
    flags_sync(cpu);
    cpu->eflags = (cpu->eflags & ~mask) | (val & mask);
    cpu->eflags = (cpu->eflags | 0x2) & ~0x8028u;   /* bit 1 set; 3, 5, 15 clear */
}
