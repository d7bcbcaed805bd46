/*
 * translator/emit.c - the x86-64 encoder (see emit.h).
 *
 * One function builds every ModRM form (emit_op_rr/emit_op_rm); the named
 * instructions are thin wrappers that pick opcode bytes. Encoding rules
 * used (SDM Vol. 2 2.1-2.2): 66h selects 16-bit operands; REX.W 64-bit;
 * REX.R/X/B extend ModRM.reg, SIB.index and ModRM.rm/SIB.base; r/m = 100b
 * needs a SIB byte (RSP, R12 bases); mod = 00 with base 101b means
 * disp32 without base, so RBP/R13 bases always carry a displacement; an
 * empty REX (40h) is emitted for byte operands 4-7 only when another field
 * needs REX - which would turn AH..BH into SPL..DIL, so that is refused.
 */
#include "translator/emit.h"

void emit_init(Emit *e, uint8_t *buf, size_t len)
{
    e->start = e->p = buf;
    e->end = buf + len;
    e->full = false;
    e->bad = false;
}

void emit_u8(Emit *e, uint8_t v)
{
    if (e->p >= e->end) {
        e->full = true;
        return;
    }
    *e->p++ = v;
}

void emit_u32(Emit *e, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        emit_u8(e, (uint8_t)(v >> (8 * i)));
}

void emit_u64(Emit *e, uint64_t v)
{
    emit_u32(e, (uint32_t)v);
    emit_u32(e, (uint32_t)(v >> 32));
}

bool emit_byte_ok(int reg, bool rex)
{
    return !(rex && reg >= 4 && reg <= 7);
}

/* Prefixes and REX for an instruction with operand 'size'. byte_regs lists
 * byte-register operands that must not meet a REX prefix (-1: none). */
static void prefixes(Emit *e, unsigned size, int r, int x, int b, int byte_a, int byte_b)
{
    if (size == 2)
        emit_u8(e, 0x66);
    uint8_t rex = (uint8_t)((size == 8 ? 8 : 0) | ((r & 8) ? 4 : 0) | ((x & 8) ? 2 : 0) |
                            ((b & 8) ? 1 : 0));
    if (rex) {
        if ((byte_a >= 4 && byte_a <= 7) || (byte_b >= 4 && byte_b <= 7))
            e->bad = true;
        emit_u8(e, 0x40 | rex);
    }
}

static void opcode(Emit *e, const uint8_t *op, int oplen)
{
    for (int i = 0; i < oplen; i++)
        emit_u8(e, op[i]);
}

/* reg_digit: the ModRM.reg field is an opcode extension, not a register */
static void op_rr(Emit *e, unsigned size, const uint8_t *op, int oplen, int reg, int rm,
                  bool reg_digit)
{
    bool is_byte = size == 1;
    prefixes(e, size, reg_digit ? 0 : reg, 0, rm, is_byte && !reg_digit ? reg : -1,
             is_byte ? rm : -1);
    opcode(e, op, oplen);
    emit_u8(e, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

void emit_op_rr(Emit *e, unsigned size, const uint8_t *op, int oplen, int reg, int rm)
{
    op_rr(e, size, op, oplen, reg, rm, false);
}

/* ModRM + SIB + displacement for a memory operand. */
static void modrm_mem(Emit *e, int reg, Mem m)
{
    int mod;
    if (m.base < 0)
        mod = 0;
    else if (m.disp == 0 && (m.base & 7) != 5)
        mod = 0;
    else if (m.disp >= -128 && m.disp <= 127)
        mod = 1;
    else
        mod = 2;
    bool sib = m.base < 0 || m.index >= 0 || (m.base & 7) == 4;
    if (!sib) {
        emit_u8(e, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (m.base & 7)));
    } else {
        int idx = m.index >= 0 ? (m.index & 7) : 4;
        int base = m.base >= 0 ? (m.base & 7) : 5;
        emit_u8(e, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        emit_u8(e, (uint8_t)((m.scale << 6) | (idx << 3) | base));
    }
    if (m.base < 0 || mod == 2)
        emit_u32(e, (uint32_t)m.disp);
    else if (mod == 1)
        emit_u8(e, (uint8_t)m.disp);
}

static void op_rm(Emit *e, unsigned size, const uint8_t *op, int oplen, int reg, Mem m,
                  bool reg_digit)
{
    if (m.index == H_RSP)
        e->bad = true;
    prefixes(e, size, reg_digit ? 0 : reg, m.index >= 0 ? m.index : 0,
             m.base >= 0 ? m.base : 0, size == 1 && !reg_digit ? reg : -1, -1);
    opcode(e, op, oplen);
    modrm_mem(e, reg, m);
}

void emit_op_rm(Emit *e, unsigned size, const uint8_t *op, int oplen, int reg, Mem m)
{
    op_rm(e, size, op, oplen, reg, m, false);
}

static void imm_sized(Emit *e, unsigned size, uint32_t imm)
{
    if (size == 1)
        emit_u8(e, (uint8_t)imm);
    else if (size == 2) {
        emit_u8(e, (uint8_t)imm);
        emit_u8(e, (uint8_t)(imm >> 8));
    } else {
        emit_u32(e, imm);
    }
}

/* ---- data movement ------------------------------------------------------ */

void emit_mov_rr(Emit *e, unsigned size, int dst, int src)
{
    uint8_t op = size == 1 ? 0x88 : 0x89;
    emit_op_rr(e, size, &op, 1, src, dst);
}

void emit_mov_ri(Emit *e, unsigned size, int dst, uint64_t imm)
{
    if (size == 8 && imm <= 0xffffffffu)
        size = 4;                                /* zero-extends */
    if (size == 8 && (int64_t)imm == (int32_t)imm) {
        uint8_t op = 0xc7;
        op_rr(e, 8, &op, 1, 0, dst, true);
        emit_u32(e, (uint32_t)imm);
        return;
    }
    prefixes(e, size, 0, 0, dst, size == 1 ? dst : -1, -1);
    emit_u8(e, (uint8_t)((size == 1 ? 0xb0 : 0xb8) + (dst & 7)));
    if (size == 8)
        emit_u64(e, imm);
    else
        imm_sized(e, size, (uint32_t)imm);
}

void emit_load(Emit *e, unsigned size, int dst, Mem m)
{
    uint8_t op = size == 1 ? 0x8a : 0x8b;
    emit_op_rm(e, size, &op, 1, dst, m);
}

void emit_store(Emit *e, unsigned size, Mem m, int src)
{
    uint8_t op = size == 1 ? 0x88 : 0x89;
    emit_op_rm(e, size, &op, 1, src, m);
}

void emit_store_imm(Emit *e, unsigned size, Mem m, uint32_t imm)
{
    uint8_t op = size == 1 ? 0xc6 : 0xc7;
    op_rm(e, size, &op, 1, 0, m, true);
    imm_sized(e, size == 8 ? 4 : size, imm);
}

void emit_movzx_rr(Emit *e, unsigned srcsize, int dst, int src)
{
    uint8_t op[2] = { 0x0f, srcsize == 1 ? 0xb6 : 0xb7 };
    /* the source is a byte register when srcsize is 1 */
    prefixes(e, 4, dst, 0, src, srcsize == 1 ? src : -1, -1);
    opcode(e, op, 2);
    emit_u8(e, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src & 7)));
}

void emit_movzx_rm(Emit *e, unsigned srcsize, int dst, Mem m)
{
    uint8_t op[2] = { 0x0f, srcsize == 1 ? 0xb6 : 0xb7 };
    emit_op_rm(e, 4, op, 2, dst, m);
}

void emit_movsx_rr(Emit *e, unsigned srcsize, int dst, int src)
{
    uint8_t op[2] = { 0x0f, srcsize == 1 ? 0xbe : 0xbf };
    prefixes(e, 4, dst, 0, src, srcsize == 1 ? src : -1, -1);
    opcode(e, op, 2);
    emit_u8(e, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src & 7)));
}

void emit_movsx_rm(Emit *e, unsigned srcsize, int dst, Mem m)
{
    uint8_t op[2] = { 0x0f, srcsize == 1 ? 0xbe : 0xbf };
    emit_op_rm(e, 4, op, 2, dst, m);
}

void emit_lea(Emit *e, unsigned size, int dst, Mem m)
{
    uint8_t op = 0x8d;
    emit_op_rm(e, size, &op, 1, dst, m);
}

void emit_xchg_rr(Emit *e, unsigned size, int a, int b)
{
    uint8_t op = size == 1 ? 0x86 : 0x87;
    emit_op_rr(e, size, &op, 1, a, b);
}

/* ---- arithmetic ----------------------------------------------------------- */

void emit_alu_rr(Emit *e, unsigned size, int op, int dst, int src)
{
    uint8_t o = (uint8_t)((op << 3) | (size == 1 ? 0 : 1));    /* op r/m, r */
    emit_op_rr(e, size, &o, 1, src, dst);
}

void emit_alu_rm(Emit *e, unsigned size, int op, int dst, Mem m)
{
    uint8_t o = (uint8_t)((op << 3) | (size == 1 ? 2 : 3));    /* op r, r/m */
    emit_op_rm(e, size, &o, 1, dst, m);
}

void emit_alu_mr(Emit *e, unsigned size, int op, Mem m, int src)
{
    uint8_t o = (uint8_t)((op << 3) | (size == 1 ? 0 : 1));
    emit_op_rm(e, size, &o, 1, src, m);
}

void emit_alu_ri(Emit *e, unsigned size, int op, int dst, int32_t imm)
{
    if (size == 1) {
        uint8_t o = 0x80;
        op_rr(e, 1, &o, 1, op, dst, true);
        emit_u8(e, (uint8_t)imm);
    } else if (imm >= -128 && imm <= 127) {
        uint8_t o = 0x83;
        op_rr(e, size, &o, 1, op, dst, true);
        emit_u8(e, (uint8_t)imm);
    } else {
        uint8_t o = 0x81;
        op_rr(e, size, &o, 1, op, dst, true);
        imm_sized(e, size == 8 ? 4 : size, (uint32_t)imm);
    }
}

void emit_alu_mi(Emit *e, unsigned size, int op, Mem m, int32_t imm)
{
    if (size == 1) {
        uint8_t o = 0x80;
        op_rm(e, 1, &o, 1, op, m, true);
        emit_u8(e, (uint8_t)imm);
    } else if (imm >= -128 && imm <= 127) {
        uint8_t o = 0x83;
        op_rm(e, size, &o, 1, op, m, true);
        emit_u8(e, (uint8_t)imm);
    } else {
        uint8_t o = 0x81;
        op_rm(e, size, &o, 1, op, m, true);
        imm_sized(e, size == 8 ? 4 : size, (uint32_t)imm);
    }
}

void emit_test_rr(Emit *e, unsigned size, int a, int b)
{
    uint8_t o = size == 1 ? 0x84 : 0x85;
    emit_op_rr(e, size, &o, 1, b, a);
}

void emit_test_ri(Emit *e, unsigned size, int a, uint32_t imm)
{
    uint8_t o = size == 1 ? 0xf6 : 0xf7;
    op_rr(e, size, &o, 1, 0, a, true);
    imm_sized(e, size == 8 ? 4 : size, imm);
}

void emit_test_mi(Emit *e, unsigned size, Mem m, uint32_t imm)
{
    uint8_t o = size == 1 ? 0xf6 : 0xf7;
    op_rm(e, size, &o, 1, 0, m, true);
    imm_sized(e, size == 8 ? 4 : size, imm);
}

void emit_shift_ri(Emit *e, unsigned size, int op, int dst, uint8_t count)
{
    if (count == 1) {
        uint8_t o = size == 1 ? 0xd0 : 0xd1;
        op_rr(e, size, &o, 1, op, dst, true);
    } else {
        uint8_t o = size == 1 ? 0xc0 : 0xc1;
        op_rr(e, size, &o, 1, op, dst, true);
        emit_u8(e, count);
    }
}

void emit_shift_rcl(Emit *e, unsigned size, int op, int dst)
{
    uint8_t o = size == 1 ? 0xd2 : 0xd3;
    op_rr(e, size, &o, 1, op, dst, true);
}

void emit_unary_r(Emit *e, unsigned size, int digit, int dst)
{
    uint8_t o = size == 1 ? 0xf6 : 0xf7;
    op_rr(e, size, &o, 1, digit, dst, true);
}

void emit_unary_m(Emit *e, unsigned size, int digit, Mem m)
{
    uint8_t o = size == 1 ? 0xf6 : 0xf7;
    op_rm(e, size, &o, 1, digit, m, true);
}

void emit_incdec_r(Emit *e, unsigned size, bool dec, int dst)
{
    uint8_t o = size == 1 ? 0xfe : 0xff;
    op_rr(e, size, &o, 1, dec ? 1 : 0, dst, true);
}

void emit_incdec_m(Emit *e, unsigned size, bool dec, Mem m)
{
    uint8_t o = size == 1 ? 0xfe : 0xff;
    op_rm(e, size, &o, 1, dec ? 1 : 0, m, true);
}

void emit_imul_rr(Emit *e, unsigned size, int dst, int src)
{
    uint8_t o[2] = { 0x0f, 0xaf };
    emit_op_rr(e, size, o, 2, dst, src);
}

void emit_imul_rri(Emit *e, unsigned size, int dst, int src, int32_t imm)
{
    if (imm >= -128 && imm <= 127) {
        uint8_t o = 0x6b;
        emit_op_rr(e, size, &o, 1, dst, src);
        emit_u8(e, (uint8_t)imm);
    } else {
        uint8_t o = 0x69;
        emit_op_rr(e, size, &o, 1, dst, src);
        imm_sized(e, size == 8 ? 4 : size, (uint32_t)imm);
    }
}

void emit_bt_mi(Emit *e, unsigned size, Mem m, uint8_t bit)
{
    uint8_t o[2] = { 0x0f, 0xba };
    op_rm(e, size, o, 2, 4, m, true);
    emit_u8(e, bit);
}

void emit_bswap(Emit *e, int reg)
{
    prefixes(e, 4, 0, 0, reg, -1, -1);
    emit_u8(e, 0x0f);
    emit_u8(e, (uint8_t)(0xc8 + (reg & 7)));
}

void emit_cwde(Emit *e, unsigned size)
{
    if (size == 2)
        emit_u8(e, 0x66);
    emit_u8(e, 0x98);
}

void emit_cdq(Emit *e, unsigned size)
{
    if (size == 2)
        emit_u8(e, 0x66);
    emit_u8(e, 0x99);
}

void emit_setcc(Emit *e, int cc, int dst8)
{
    uint8_t o[2] = { 0x0f, (uint8_t)(0x90 | cc) };
    op_rr(e, 1, o, 2, 0, dst8, true);
}

void emit_cmovcc(Emit *e, unsigned size, int cc, int dst, int src)
{
    uint8_t o[2] = { 0x0f, (uint8_t)(0x40 | cc) };
    emit_op_rr(e, size, o, 2, dst, src);
}

void emit_shl64(Emit *e, int dst, uint8_t count)
{
    emit_shift_ri(e, 8, SH_SHL, dst, count);
}

/* RORX r32, r32, imm8 (BMI2): VEX.LZ.F2.0F3A.W0 F0 /r ib, SDM Vol. 2 RORX
 * and 2.3.5 (three-byte VEX: R X B inverted, map 0F3A = 3; vvvv unused =
 * 1111, L = 0, pp = F2 = 3). Flags untouched. */
void emit_rorx(Emit *e, int dst, int src, uint8_t count)
{
    emit_u8(e, 0xc4);
    emit_u8(e, (uint8_t)((dst & 8 ? 0 : 0x80) | 0x40 | (src & 8 ? 0 : 0x20) | 0x03));
    emit_u8(e, 0x7b);
    emit_u8(e, 0xf0);
    emit_u8(e, (uint8_t)(0xc0 | (dst & 7) << 3 | (src & 7)));
    emit_u8(e, count);
}

/* ---- control flow ------------------------------------------------------------ */

uint8_t *emit_jcc(Emit *e, int cc)
{
    emit_u8(e, 0x0f);
    emit_u8(e, (uint8_t)(0x80 | cc));
    uint8_t *at = e->p;
    emit_u32(e, 0);
    return e->full ? NULL : at;
}

uint8_t *emit_jmp(Emit *e)
{
    emit_u8(e, 0xe9);
    uint8_t *at = e->p;
    emit_u32(e, 0);
    return e->full ? NULL : at;
}

void emit_patch(uint8_t *rel32, const uint8_t *target)
{
    if (!rel32)
        return;
    int32_t d = (int32_t)(target - (rel32 + 4));
    memcpy(rel32, &d, 4);
}

void emit_jcc_to(Emit *e, int cc, const uint8_t *target)
{
    int64_t d8 = target - (e->p + 2);
    if (d8 >= -128 && d8 <= 127) {
        emit_u8(e, (uint8_t)(0x70 | cc));
        emit_u8(e, (uint8_t)d8);
        return;
    }
    uint8_t *at = emit_jcc(e, cc);
    emit_patch(at, target);
}

void emit_jmp_to(Emit *e, const uint8_t *target)
{
    int64_t d8 = target - (e->p + 2);
    if (d8 >= -128 && d8 <= 127) {
        emit_u8(e, 0xeb);
        emit_u8(e, (uint8_t)d8);
        return;
    }
    uint8_t *at = emit_jmp(e);
    emit_patch(at, target);
}

void emit_call_abs(Emit *e, const void *fn)
{
    emit_mov_ri(e, 8, H_R11, (uint64_t)(uintptr_t)fn);
    uint8_t o = 0xff;
    op_rr(e, 4, &o, 1, 2, H_R11, true);              /* call r11 */
}

void emit_jmp_r(Emit *e, int reg)
{
    uint8_t o = 0xff;
    op_rr(e, 4, &o, 1, 4, reg, true);
}

void emit_jmp_m(Emit *e, Mem m)
{
    uint8_t o = 0xff;
    op_rm(e, 4, &o, 1, 4, m, true);
}

void emit_push(Emit *e, int reg)
{
    if (reg & 8)
        emit_u8(e, 0x41);
    emit_u8(e, (uint8_t)(0x50 + (reg & 7)));
}

void emit_pop(Emit *e, int reg)
{
    if (reg & 8)
        emit_u8(e, 0x41);
    emit_u8(e, (uint8_t)(0x58 + (reg & 7)));
}

void emit_push_m(Emit *e, Mem m)
{
    uint8_t o = 0xff;
    op_rm(e, 4, &o, 1, 6, m, true);       /* 64-bit by default in long mode */
}

void emit_pop_m(Emit *e, Mem m)
{
    uint8_t o = 0x8f;
    op_rm(e, 4, &o, 1, 0, m, true);
}

void emit_pushfq(Emit *e) { emit_u8(e, 0x9c); }
void emit_popfq(Emit *e) { emit_u8(e, 0x9d); }
void emit_ret(Emit *e) { emit_u8(e, 0xc3); }
