/*
 * cpu/ops_shift.c - shifts, rotates and bit operations: ROL ROR RCL RCR SHL
 * SHR SAR SHLD SHRD BT BTS BTR BTC BSF BSR.
 *
 * Models:      386+ count masking to 5 bits (a masked count of 0 changes
 *              nothing, flags included); RCL/RCR rotate through CF modulo
 *              width+1; OF computed by the count-1 formula for any count
 *              (undefined for other counts per SDM); AF cleared by shifts
 *              (undefined); BT* with a register bit offset address memory
 *              relative to the operand (signed offset, SDM Vol. 2 BT "bit
 *              base"), with an immediate the offset is taken modulo width;
 *              BSF/BSR leave the destination unchanged for a zero source.
 * Not modeled: the exact undefined-flag values of a particular stepping.
 * Spec:        SDM Vol. 2 RCL/RCR/ROL/ROR, SAL/SAR/SHL/SHR, SHLD, SHRD, BT,
 *              BTC, BTR, BTS, BSF, BSR.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAR };

static unsigned shift_count(CpuState *cpu, const Insn *in)
{
    uint32_t c = in->op->opnd[1] == OPND_CL ? cpu_reg8(cpu, R_ECX) : in->imm;
    return c & 0x1f;
}

static uint32_t msb(uint32_t v, unsigned size)
{
    return (v & size_sign(size)) ? 1 : 0;
}

/* Rotates touch CF and OF only. */
static void rot_flags(CpuState *cpu, uint32_t cf, uint32_t of)
{
    flags_set_arith(cpu, EFLAGS_CF | EFLAGS_OF, (cf ? EFLAGS_CF : 0) | (of ? EFLAGS_OF : 0));
}

static uint32_t do_shift(CpuState *cpu, int kind, uint32_t a, unsigned cnt, unsigned size)
{
    unsigned bits = size * 8;
    uint32_t mask = size_mask(size), r, cf, c;
    uint64_t x;
    switch (kind) {
    case SH_ROL:
        c = cnt % bits;
        r = c ? ((a << c) | (a >> (bits - c))) & mask : a;
        cf = r & 1;
        rot_flags(cpu, cf, msb(r, size) ^ cf);
        return r;
    case SH_ROR:
        c = cnt % bits;
        r = c ? ((a >> c) | (a << (bits - c))) & mask : a;
        rot_flags(cpu, msb(r, size), msb(r, size) ^ ((r >> (bits - 2)) & 1));
        return r;
    case SH_RCL:
        c = cnt % (bits + 1);
        x = ((uint64_t)flags_cf(cpu) << bits) | a;
        if (c)
            x = ((x << c) | (x >> (bits + 1 - c))) & ((2ull << bits) - 1);
        r = (uint32_t)x & mask;
        cf = (uint32_t)(x >> bits) & 1;
        rot_flags(cpu, cf, msb(r, size) ^ cf);
        return r;
    case SH_RCR:
        c = cnt % (bits + 1);
        x = ((uint64_t)flags_cf(cpu) << bits) | a;
        if (c)
            x = ((x >> c) | (x << (bits + 1 - c))) & ((2ull << bits) - 1);
        r = (uint32_t)x & mask;
        cf = (uint32_t)(x >> bits) & 1;
        rot_flags(cpu, cf, msb(r, size) ^ ((r >> (bits - 2)) & 1));
        return r;
    case SH_SHL:
        x = (uint64_t)a << cnt;
        r = (uint32_t)x & mask;
        cf = (uint32_t)(x >> bits) & 1;
        flags_szp(cpu, r, size, (cf ? EFLAGS_CF : 0) | ((msb(r, size) ^ cf) ? EFLAGS_OF : 0));
        return r;
    case SH_SHR:
        r = a >> cnt;
        cf = (a >> (cnt - 1)) & 1;
        flags_szp(cpu, r, size, (cf ? EFLAGS_CF : 0) | (msb(a, size) ? EFLAGS_OF : 0));
        return r;
    default: {                                  /* SAR */
        int32_t s = size == 1 ? (int8_t)a : size == 2 ? (int16_t)a : (int32_t)a;
        r = (uint32_t)(s >> cnt) & mask;
        cf = (uint32_t)(s >> (cnt - 1)) & 1;
        flags_szp(cpu, r, size, cf ? EFLAGS_CF : 0);
        return r;
    }
    }
}

static void shift_rm(CpuState *cpu, const Insn *in, int kind, unsigned size)
{
    Operand d = operand_E(cpu, in);
    uint32_t a = operand_read(cpu, &d, size);
    unsigned cnt = shift_count(cpu, in);
    if (cnt == 0)
        return;
    /* flags are computed first but committed after the write (precise faults) */
    flags_sync(cpu);
    uint32_t saved = cpu->eflags;
    uint32_t r = do_shift(cpu, kind, a, cnt, size);
    uint32_t result_flags = cpu->eflags;
    cpu->eflags = saved;
    operand_write(cpu, &d, size, r);
    cpu->eflags = result_flags;
}

void op_rol_Eb(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_ROL, 1); }
void op_ror_Eb(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_ROR, 1); }
void op_rcl_Eb(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_RCL, 1); }
void op_rcr_Eb(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_RCR, 1); }
void op_shl_Eb(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_SHL, 1); }
void op_shr_Eb(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_SHR, 1); }
void op_sar_Eb(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_SAR, 1); }
void op_rol_Ev(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_ROL, in->opsize); }
void op_ror_Ev(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_ROR, in->opsize); }
void op_rcl_Ev(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_RCL, in->opsize); }
void op_rcr_Ev(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_RCR, in->opsize); }
void op_shl_Ev(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_SHL, in->opsize); }
void op_shr_Ev(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_SHR, in->opsize); }
void op_sar_Ev(CpuState *cpu, const Insn *in) { shift_rm(cpu, in, SH_SAR, in->opsize); }

/* ---- SHLD SHRD ------------------------------------------------------------- */

static void shxd(CpuState *cpu, const Insn *in, bool left, unsigned cnt)
{
    unsigned size = in->opsize;
    Operand d = operand_E(cpu, in);
    uint32_t a = operand_read(cpu, &d, size);
    uint32_t b = reg_read(cpu, in->reg, size);
    cnt &= 0x1f;
    if (cnt == 0)
        return;
    uint32_t r, cf;
    if (size == 2) {
        /* counts above 16 are undefined: behave as a rotate of dest:src:dest */
        if (left) {
            uint64_t y = ((uint64_t)a << 32) | ((uint64_t)b << 16) | a;
            r = (uint32_t)((y << cnt) >> 32) & 0xffff;
            cf = (uint32_t)(y >> (48 - cnt)) & 1;
        } else {
            uint64_t y = ((uint64_t)a << 32) | ((uint64_t)b << 16) | a;
            r = (uint32_t)(y >> cnt) & 0xffff;
            cf = (uint32_t)(y >> (cnt - 1)) & 1;
        }
    } else if (left) {
        uint64_t x = ((uint64_t)a << 32) | b;
        r = (uint32_t)((x << cnt) >> 32);
        cf = (uint32_t)(x >> (64 - cnt)) & 1;
    } else {
        uint64_t x = ((uint64_t)b << 32) | a;
        r = (uint32_t)(x >> cnt);
        cf = (uint32_t)(x >> (cnt - 1)) & 1;
    }
    operand_write(cpu, &d, size, r);
    flags_szp(cpu, r, size, (cf ? EFLAGS_CF : 0) | ((msb(r, size) ^ msb(a, size)) ? EFLAGS_OF : 0));
}

void op_shld_Ev_Gv_Ib(CpuState *cpu, const Insn *in) { shxd(cpu, in, true, in->imm); }
void op_shld_Ev_Gv_CL(CpuState *cpu, const Insn *in) { shxd(cpu, in, true, cpu_reg8(cpu, R_ECX)); }
void op_shrd_Ev_Gv_Ib(CpuState *cpu, const Insn *in) { shxd(cpu, in, false, in->imm); }
void op_shrd_Ev_Gv_CL(CpuState *cpu, const Insn *in) { shxd(cpu, in, false, cpu_reg8(cpu, R_ECX)); }

/* ---- BT BTS BTR BTC ---------------------------------------------------------- */

enum { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static void bit_op(CpuState *cpu, const Insn *in, int kind, uint32_t offset, bool reg_offset)
{
    unsigned size = in->opsize, bits = size * 8;
    uint32_t v, bit, r;
    Operand d = operand_E(cpu, in);
    if (d.reg < 0 && reg_offset) {
        /* SDM BT: the register offset is signed and selects a word/dword
         * relative to the effective address (floor division). */
        int64_t s = size == 2 ? (int16_t)offset : (int32_t)offset;
        int64_t unit = s >= 0 ? s / bits : -((-s + bits - 1) / bits);
        d.off = (uint32_t)(d.off + (int64_t)unit * size);
        if (in->addrsize == 2)
            d.off &= 0xffff;
    }
    bit = offset & (bits - 1);
    v = operand_read(cpu, &d, size);
    switch (kind) {
    case BT_SET: r = v | (1u << bit); break;
    case BT_RESET: r = v & ~(1u << bit); break;
    case BT_COMPLEMENT: r = v ^ (1u << bit); break;
    default: r = v; break;
    }
    if (kind != BT_TEST)
        operand_write(cpu, &d, size, r);
    flags_set_arith(cpu, EFLAGS_CF, ((v >> bit) & 1) ? EFLAGS_CF : 0);
}

void op_bt_Ev_Gv(CpuState *cpu, const Insn *in) { bit_op(cpu, in, BT_TEST, reg_read(cpu, in->reg, in->opsize), true); }
void op_bts_Ev_Gv(CpuState *cpu, const Insn *in) { bit_op(cpu, in, BT_SET, reg_read(cpu, in->reg, in->opsize), true); }
void op_btr_Ev_Gv(CpuState *cpu, const Insn *in) { bit_op(cpu, in, BT_RESET, reg_read(cpu, in->reg, in->opsize), true); }
void op_btc_Ev_Gv(CpuState *cpu, const Insn *in) { bit_op(cpu, in, BT_COMPLEMENT, reg_read(cpu, in->reg, in->opsize), true); }
void op_bt_Ev_Ib(CpuState *cpu, const Insn *in) { bit_op(cpu, in, BT_TEST, in->imm, false); }
void op_bts_Ev_Ib(CpuState *cpu, const Insn *in) { bit_op(cpu, in, BT_SET, in->imm, false); }
void op_btr_Ev_Ib(CpuState *cpu, const Insn *in) { bit_op(cpu, in, BT_RESET, in->imm, false); }
void op_btc_Ev_Ib(CpuState *cpu, const Insn *in) { bit_op(cpu, in, BT_COMPLEMENT, in->imm, false); }

/* ---- BSF BSR -------------------------------------------------------------------- */

static void bit_scan(CpuState *cpu, const Insn *in, bool reverse)
{
    unsigned size = in->opsize;
    uint32_t v = read_E(cpu, in, size);
    if (v == 0) {
        flags_set_arith(cpu, EFLAGS_ZF, EFLAGS_ZF);
        return;
    }
    uint32_t idx = reverse ? 31u - (uint32_t)__builtin_clz(v) : (uint32_t)__builtin_ctz(v);
    reg_write(cpu, in->reg, size, idx);
    flags_set_arith(cpu, EFLAGS_ZF, 0);
}

void op_bsf_Gv_Ev(CpuState *cpu, const Insn *in) { bit_scan(cpu, in, false); }
void op_bsr_Gv_Ev(CpuState *cpu, const Insn *in) { bit_scan(cpu, in, true); }
