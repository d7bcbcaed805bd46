/*
 * cpu/fpu_env.c - saving and restoring the x87 environment and state:
 * FLDENV, FNSTENV, FRSTOR, FNSAVE, FXSAVE, FXRSTOR.
 *
 * Models:      the four environment layouts of SDM Vol. 1 8.1.10 (figures
 *              8-9 to 8-12): 14 bytes with a 16-bit operand size, 28 with a
 *              32-bit one, each in a protected-mode form (FIP/FDP offsets
 *              and FCS/FDS selectors) and a real/V86 form (20-bit or 32-bit
 *              linear FIP/FDP, the 11-bit FOP). Reserved words of the 32-bit
 *              forms are stored as FFFFh, as P6 processors do. The tag word
 *              is stored in full (valid/zero/special/empty derived from the
 *              registers); on load only "empty" is taken from it. FNSTENV
 *              then masks all exceptions; FNSAVE then initialises the FPU
 *              (FNINIT). FXSAVE/FXRSTOR use the 512-byte layout (SDM Vol. 2
 *              FXSAVE table 3-53, non-64-bit form) with the abridged tag
 *              byte, MXCSR as plain state (reserved bits against MXCSR_MASK
 *              FFBFh -> #GP(0) on FXRSTOR) and #GP(0) for a linear address
 *              not 16-byte aligned.
 * Not modeled: the XMM register area: there is no SSE, so FXSAVE never
 *              writes bytes 160-511 and FXRSTOR ignores them whatever
 *              CR4.OSFXSR says.
 * Spec:        SDM Vol. 1 8.1.10, 10.5.1; Vol. 2 FLDENV, FSTENV, FRSTOR,
 *              FSAVE, FXSAVE, FXRSTOR.
 */
#include <string.h>

#include "cpu/fpu_core.h"
#include "cpu/internal.h"
#include "cpu/ops.h"

#define MXCSR_MASK 0xffbfu

static void put16(uint8_t *b, uint32_t v) { b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *b, uint32_t v) { put16(b, v); put16(b + 2, v >> 16); }
static uint32_t get16(const uint8_t *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8; }
static uint32_t get32(const uint8_t *b) { return get16(b) | get16(b + 2) << 16; }

static bool real_layout(const CpuState *cpu)
{
    return real_mode(cpu) || (cpu->eflags & EFLAGS_VM);
}

/* Store the environment into b; returns its size (14 or 28). */
static unsigned env_store(CpuState *cpu, const Insn *in, uint8_t *b)
{
    FpuState *f = &cpu->fpu;
    bool real = real_layout(cpu);
    uint32_t fip = real ? (uint32_t)f->fcs * 16 + f->fip : f->fip;
    uint32_t fdp = real ? (uint32_t)f->fds * 16 + f->fdp : f->fdp;
    uint32_t fop = f->fop & 0x7ff;
    uint16_t tags = fpu_full_tags(cpu);
    if (in->opsize == 4) {
        put32(b, 0xffff0000u | f->fcw);
        put32(b + 4, 0xffff0000u | f->fsw);
        put32(b + 8, 0xffff0000u | tags);
        if (real) {
            put32(b + 12, 0xffff0000u | (fip & 0xffff));
            put32(b + 16, (fip >> 16) << 12 | fop);
            put32(b + 20, 0xffff0000u | (fdp & 0xffff));
            put32(b + 24, (fdp >> 16) << 12);
        } else {
            put32(b + 12, fip);
            put32(b + 16, fop << 16 | f->fcs);
            put32(b + 20, fdp);
            put32(b + 24, 0xffff0000u | f->fds);
        }
        return 28;
    }
    put16(b, f->fcw);
    put16(b + 2, f->fsw);
    put16(b + 4, tags);
    if (real) {
        put16(b + 6, fip);
        put16(b + 8, ((fip >> 16) & 0xf) << 12 | fop);
        put16(b + 10, fdp);
        put16(b + 12, ((fdp >> 16) & 0xf) << 12);
    } else {
        put16(b + 6, fip);
        put16(b + 8, f->fcs);
        put16(b + 10, fdp);
        put16(b + 12, f->fds);
    }
    return 14;
}

static void set_tags(CpuState *cpu, uint16_t tags)
{
    for (int p = 0; p < 8; p++)
        fpu_set_tag(cpu, p, ((tags >> (2 * p)) & 3) == 3);
}

static unsigned env_load(CpuState *cpu, const Insn *in, const uint8_t *b)
{
    FpuState *f = &cpu->fpu;
    bool real = real_layout(cpu);
    bool wide = in->opsize == 4;
    unsigned w = wide ? 4 : 2;
    f->fcw = (uint16_t)((get16(b) & 0x1f3f) | 0x40);
    f->fsw = (uint16_t)get16(b + w);
    set_tags(cpu, (uint16_t)get16(b + 2 * w));
    const uint8_t *p = b + 3 * w;
    if (real) {
        uint32_t ip_hi = wide ? get32(p + 4) >> 12 & 0xffff : get16(p + 2) >> 12;
        uint32_t dp_hi = wide ? get32(p + 12) >> 12 & 0xffff : get16(p + 6) >> 12;
        f->fip = get16(p) | ip_hi << 16;
        f->fop = (uint16_t)(get16(p + w) & 0x7ff);
        f->fdp = get16(p + 2 * w) | dp_hi << 16;
        f->fcs = f->fds = 0;
    } else if (wide) {
        f->fip = get32(p);
        f->fcs = (uint16_t)get16(p + 4);
        f->fop = (uint16_t)(get16(p + 6) & 0x7ff);
        f->fdp = get32(p + 8);
        f->fds = (uint16_t)get16(p + 12);
    } else {
        f->fip = get16(p);
        f->fcs = (uint16_t)get16(p + 2);
        f->fdp = get16(p + 4);
        f->fds = (uint16_t)get16(p + 6);
    }
    fpu_update_es(cpu);
    return wide ? 28 : 14;
}

static void put_reg(uint8_t *b, Fp80 v)
{
    put32(b, (uint32_t)v.sig);
    put32(b + 4, (uint32_t)(v.sig >> 32));
    put16(b + 8, v.se);
}

static Fp80 get_reg(const uint8_t *b)
{
    Fp80 v = { (uint64_t)get32(b + 4) << 32 | get32(b), (uint16_t)get16(b + 8) };
    return v;
}

void op_fnstenv_M(CpuState *cpu, const Insn *in)
{
    uint8_t b[28];
    unsigned n = env_store(cpu, in, b);
    fpu_write_mem(cpu, in->seg, insn_ea(cpu, in), b, n);
    cpu->fpu.fcw |= FP_EXC;          /* SDM Vol. 2 FSTENV: then mask all exceptions */
    fpu_update_es(cpu);
}

void op_fldenv_M(CpuState *cpu, const Insn *in)
{
    uint8_t b[28];
    fpu_read_mem(cpu, in->seg, insn_ea(cpu, in), b, in->opsize == 4 ? 28 : 14);
    env_load(cpu, in, b);
}

void op_fnsave_M(CpuState *cpu, const Insn *in)
{
    uint8_t b[108];
    unsigned n = env_store(cpu, in, b);
    for (int i = 0; i < 8; i++)
        put_reg(b + n + 10 * i, *fpu_st(cpu, i));
    fpu_write_mem(cpu, in->seg, insn_ea(cpu, in), b, n + 80);
    fpu_init(cpu);
}

void op_frstor_M(CpuState *cpu, const Insn *in)
{
    uint8_t b[108];
    unsigned n = in->opsize == 4 ? 28 : 14;
    fpu_read_mem(cpu, in->seg, insn_ea(cpu, in), b, n + 80);
    env_load(cpu, in, b);
    for (int i = 0; i < 8; i++)
        *fpu_st(cpu, i) = get_reg(b + n + 10 * i);
}

/* ---- FXSAVE / FXRSTOR (0F AE /0, /1) ------------------------------------------------- */

static uint32_t fx_offset(CpuState *cpu, const Insn *in, bool write)
{
    if (cpu->cr[0] & (CR0_EM | CR0_TS))
        cpu_raise(cpu, EXC_NM, NO_ERROR_CODE);
    uint32_t off = insn_ea(cpu, in);
    uint32_t lin = write ? seg_lin_w(cpu, in->seg, off, 512) : seg_lin(cpu, in->seg, off, 512);
    if (lin & 15)
        cpu_raise(cpu, EXC_GP, 0);
    return off;
}

void op_fxsave_M(CpuState *cpu, const Insn *in)
{
    FpuState *f = &cpu->fpu;
    uint32_t off = fx_offset(cpu, in, true);
    uint8_t b[160];
    memset(b, 0, sizeof b);
    put16(b, f->fcw);
    put16(b + 2, f->fsw);
    for (int p = 0; p < 8; p++)
        if (((f->ftw >> (2 * p)) & 3) != 3)
            b[4] |= (uint8_t)(1u << p);
    put16(b + 6, f->fop & 0x7ff);
    put32(b + 8, f->fip);
    put16(b + 12, f->fcs);
    put32(b + 16, f->fdp);
    put16(b + 20, f->fds);
    put32(b + 24, f->mxcsr);
    put32(b + 28, MXCSR_MASK);
    for (int i = 0; i < 8; i++)
        put_reg(b + 32 + 16 * i, *fpu_st(cpu, i));
    fpu_write_mem(cpu, in->seg, off, b, sizeof b);
}

void op_fxrstor_M(CpuState *cpu, const Insn *in)
{
    FpuState *f = &cpu->fpu;
    uint32_t off = fx_offset(cpu, in, false);
    uint8_t b[160];
    fpu_read_mem(cpu, in->seg, off, b, sizeof b);
    uint32_t mxcsr = get32(b + 24);
    if (mxcsr & ~MXCSR_MASK)
        cpu_raise(cpu, EXC_GP, 0);
    f->fcw = (uint16_t)((get16(b) & 0x1f3f) | 0x40);
    f->fsw = (uint16_t)get16(b + 2);
    for (int p = 0; p < 8; p++)
        fpu_set_tag(cpu, p, !(b[4] & (1u << p)));
    f->fop = (uint16_t)(get16(b + 6) & 0x7ff);
    f->fip = get32(b + 8);
    f->fcs = (uint16_t)get16(b + 12);
    f->fdp = get32(b + 16);
    f->fds = (uint16_t)get16(b + 20);
    f->mxcsr = mxcsr;
    for (int i = 0; i < 8; i++)
        *fpu_st(cpu, i) = get_reg(b + 32 + 16 * i);
    fpu_update_es(cpu);
}
