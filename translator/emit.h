/*
 * translator/emit.h - a small x86-64 machine code emitter.
 *
 * Models:      the instruction encodings the code generator needs, written
 *              into a byte buffer: legacy prefixes (66 for 16-bit operand
 *              size), REX (W, R, X, B), opcode, ModRM, SIB, displacement and
 *              immediate, after SDM Vol. 2 chapter 2 (2.1-2.2.1).
 * Not modeled: VEX/EVEX (but for RORX), RIP-relative operands, 16-bit addressing.
 * Spec:        Intel SDM Vol. 2, chapter 2 and the instruction pages.
 *
 * Registers are host numbers 0-15 (RAX=0 ... R15=15). For byte operands
 * 0-3 are AL CL DL BL, 4-7 are AH CH DH BH (encodable only without REX) and
 * 8-15 are R8B-R15B; SPL/BPL/SIL/DIL are never produced. An encoding that
 * cannot exist (AH with a REX prefix) sets Emit.bad instead of emitting
 * something wrong; the code generator checks emit_byte_ok() first.
 * Sizes are 1, 2, 4 or 8 bytes. A full buffer sets Emit.full and further
 * bytes are dropped; the caller discards that translation.
 */
#ifndef TRANSLATOR_EMIT_H
#define TRANSLATOR_EMIT_H

#include "emu.h"

enum { H_RAX, H_RCX, H_RDX, H_RBX, H_RSP, H_RBP, H_RSI, H_RDI,
       H_R8, H_R9, H_R10, H_R11, H_R12, H_R13, H_R14, H_R15 };

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc), SDM Vol. 1 B.1. */
enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
       CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };

/* ALU group 1 operations in their /digit order. */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
/* Shift group 2 in /digit order. */
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

typedef struct Emit {
    uint8_t *start, *p, *end;
    bool full;               /* ran out of room: the output is incomplete */
    bool bad;                /* an impossible encoding was requested */
} Emit;

/* A memory operand: [base + index*2^scale + disp]; base/index -1 = none. */
typedef struct Mem {
    int8_t base, index;
    uint8_t scale;
    int32_t disp;
} Mem;

static inline Mem mem_bd(int base, int32_t disp)
{
    return (Mem){ (int8_t)base, -1, 0, disp };
}
static inline Mem mem_bisd(int base, int index, int scale, int32_t disp)
{
    return (Mem){ (int8_t)base, (int8_t)index, (uint8_t)scale, disp };
}

void emit_init(Emit *e, uint8_t *buf, size_t len);
static inline size_t emit_len(const Emit *e) { return (size_t)(e->p - e->start); }

void emit_u8(Emit *e, uint8_t v);
void emit_u32(Emit *e, uint32_t v);
void emit_u64(Emit *e, uint64_t v);

/* A byte register can be combined with REX-needing operands? */
bool emit_byte_ok(int reg, bool rex);

/* Generic forms: opcode bytes op[0..oplen) with ModRM reg field 'reg'
 * (a register or a /digit) and r/m a register or memory. */
void emit_op_rr(Emit *e, unsigned size, const uint8_t *op, int oplen, int reg, int rm);
void emit_op_rm(Emit *e, unsigned size, const uint8_t *op, int oplen, int reg, Mem m);

/* Data movement. */
void emit_mov_rr(Emit *e, unsigned size, int dst, int src);
void emit_mov_ri(Emit *e, unsigned size, int dst, uint64_t imm);   /* size 8: shortest form */
void emit_load(Emit *e, unsigned size, int dst, Mem m);             /* mov r, [m] */
void emit_store(Emit *e, unsigned size, Mem m, int src);            /* mov [m], r */
void emit_store_imm(Emit *e, unsigned size, Mem m, uint32_t imm);   /* mov [m], imm (8: sign-extended imm32) */
void emit_movzx_rr(Emit *e, unsigned srcsize, int dst, int src);    /* dst32 = zero-extended src8/16 */
void emit_movzx_rm(Emit *e, unsigned srcsize, int dst, Mem m);
void emit_movsx_rr(Emit *e, unsigned srcsize, int dst, int src);    /* dst32 = sign-extended */
void emit_movsx_rm(Emit *e, unsigned srcsize, int dst, Mem m);
void emit_lea(Emit *e, unsigned size, int dst, Mem m);              /* size 4 or 8 */
void emit_xchg_rr(Emit *e, unsigned size, int a, int b);

/* Arithmetic. */
void emit_alu_rr(Emit *e, unsigned size, int op, int dst, int src);
void emit_alu_rm(Emit *e, unsigned size, int op, int dst, Mem m);    /* op r, [m] */
void emit_alu_mr(Emit *e, unsigned size, int op, Mem m, int src);    /* op [m], r */
void emit_alu_ri(Emit *e, unsigned size, int op, int dst, int32_t imm);
void emit_alu_mi(Emit *e, unsigned size, int op, Mem m, int32_t imm);
void emit_test_rr(Emit *e, unsigned size, int a, int b);
void emit_test_ri(Emit *e, unsigned size, int a, uint32_t imm);
void emit_test_mi(Emit *e, unsigned size, Mem m, uint32_t imm);
void emit_shift_ri(Emit *e, unsigned size, int op, int dst, uint8_t count);
void emit_shift_rcl(Emit *e, unsigned size, int op, int dst);        /* by CL */
void emit_unary_r(Emit *e, unsigned size, int digit, int dst);      /* F6/F7 /digit: not neg mul imul div idiv */
void emit_unary_m(Emit *e, unsigned size, int digit, Mem m);
void emit_incdec_r(Emit *e, unsigned size, bool dec, int dst);
void emit_incdec_m(Emit *e, unsigned size, bool dec, Mem m);
void emit_imul_rr(Emit *e, unsigned size, int dst, int src);         /* 0F AF */
void emit_imul_rri(Emit *e, unsigned size, int dst, int src, int32_t imm);
void emit_bt_mi(Emit *e, unsigned size, Mem m, uint8_t bit);
void emit_bswap(Emit *e, int reg);
void emit_cwde(Emit *e, unsigned size);     /* 98: CBW (2) / CWDE (4) */
void emit_cdq(Emit *e, unsigned size);      /* 99: CWD (2) / CDQ (4) */
void emit_setcc(Emit *e, int cc, int dst8);
void emit_cmovcc(Emit *e, unsigned size, int cc, int dst, int src);
void emit_shl64(Emit *e, int dst, uint8_t count);
void emit_rorx(Emit *e, int dst, int src, uint8_t count);          /* BMI2, 32-bit */

/* Control flow. Forward branches return the address of their rel32 for
 * emit_patch(). */
uint8_t *emit_jcc(Emit *e, int cc);
uint8_t *emit_jmp(Emit *e);
void emit_jcc_to(Emit *e, int cc, const uint8_t *target);
void emit_jmp_to(Emit *e, const uint8_t *target);
void emit_patch(uint8_t *rel32, const uint8_t *target);
void emit_call_abs(Emit *e, const void *fn);    /* via R11: mov r11, imm64; call r11 */
void emit_jmp_r(Emit *e, int reg);
void emit_jmp_m(Emit *e, Mem m);
void emit_push(Emit *e, int reg);
void emit_pop(Emit *e, int reg);
void emit_push_m(Emit *e, Mem m);      /* push qword [m] */
void emit_pop_m(Emit *e, Mem m);       /* pop qword [m] */
void emit_pushfq(Emit *e);
void emit_popfq(Emit *e);
void emit_ret(Emit *e);

#endif
