/*
 * tests/test_cpu_diff.c - differential test of the interpreter against the
 * host CPU. Random short sequences of integer instructions run twice: on the
 * host (natively, in 32-bit compatibility mode) and in emu's interpreter (real
 * mode, the same instructions encoded for 16-bit code with 66h prefixes), and
 * every general register except ESP and the six status flags must agree.
 *
 * Covered: ADD ADC SUB SBB AND OR XOR CMP TEST INC DEC NEG NOT (register,
 * immediate, accumulator forms), SHL SHR SAR ROL ROR RCL RCR by 1, CL and
 * imm8 (counts above the operand size and above 31 included), SHLD SHRD,
 * MUL IMUL (one, two and three operands), DIV IDIV (operands chosen so the
 * quotient fits: no #DE), BT BTS BTR BTC (register and imm8), BSF BSR,
 * BSWAP, SETcc, CMOVcc, DAA DAS AAA AAS AAM AAD; 8, 16 and 32-bit operands.
 * Operands come from a fixed-seed xorshift, biased towards edge values.
 *
 * Undefined flags (SDM Vol. 2, the "Flags Affected" section of each
 * instruction) are tracked through the sequence: an instruction that leaves a
 * flag undefined masks it from the comparison until an instruction defines it
 * again, and the generator never lets an instruction consume an undefined
 * flag (it puts an ADD before it instead). Registers are never left undefined
 * (BSWAP only on 32-bit registers, SHLD/SHRD 16-bit counts at most 16).
 *
 * Host side: BCD instructions are invalid in 64-bit mode, so everything runs
 * in the 32-bit user code segment Linux gives every process (selector 0x23):
 * a buffer mmap'd with MAP_32BIT holds a 64-bit stub that moves to a stack
 * below 4 GiB and far-calls the 32-bit harness (load registers and EFLAGS
 * from a block, run the sequence, store them, RET far).
 *
 * Not covered here: memory operands, the x87 (tests/test_fpu.c), #DE.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/cpu.h"

#define STATUS_FLAGS (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF)
#define MAX_INSNS 24
#define MAX_CODE 256
#define RAM_SIZE (1u << 20)
#define EMU_CODE_PHYS 0x1000u

/* ---- Random numbers: xorshift64, fixed seed ------------------------------ */
typedef struct Rng {
    uint64_t s;
} Rng;

static uint32_t rnd(Rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 16);
}

static uint32_t rnd_below(Rng *r, uint32_t n)
{
    return rnd(r) % n;
}

/* An operand value: a quarter of the time an edge value of some width. */
static uint32_t rnd_value(Rng *r)
{
    static const uint32_t edge[] = {
        0, 1, 2, 9, 0x0f, 0x10, 0x7f, 0x80, 0x81, 0xff, 0x100, 0x7fff, 0x8000,
        0xffff, 0x10000, 0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffffeu,
        0x99, 0x0909, 0x00ff00ff,
    };
    switch (rnd_below(r, 8)) {
    case 0:
        return edge[rnd_below(r, sizeof edge / sizeof edge[0])];
    case 1:
        return rnd_below(r, 256);
    case 2:
        return (uint32_t)-(int32_t)rnd_below(r, 256);
    default:
        return rnd(r) ^ (rnd(r) << 16);
    }
}

/* ---- Instructions and sequences ------------------------------------------- */

/*
 * One instruction, without its operand-size prefix: 'size' (8, 16, 32, or 0
 * when the instruction has no operand size) decides whether a 66h goes in
 * front for 16-bit code (size 32) or 32-bit code (size 16).
 */
typedef struct DInsn {
    const char *name;
    uint8_t size;
    uint8_t len;
    uint8_t bytes[10];
} DInsn;

typedef struct Seq {
    DInsn insn[MAX_INSNS];
    int n;
    uint32_t undef;            /* status flags undefined at the end */
    uint32_t in_regs[8], in_flags;
} Seq;

typedef struct Result {
    uint32_t regs[8], flags;
    bool faulted;
    uint16_t fault_cs;
    uint32_t fault_eip;
} Result;

static DInsn *add_insn(Seq *s, const char *name, int size)
{
    ck_assert_int_lt(s->n, MAX_INSNS);
    DInsn *d = &s->insn[s->n++];
    memset(d, 0, sizeof *d);
    d->name = name;
    d->size = (uint8_t)size;
    return d;
}

static void put8(DInsn *d, uint32_t b)
{
    d->bytes[d->len++] = (uint8_t)b;
}

static void put_imm(DInsn *d, uint32_t v, int size)
{
    for (int i = 0; i < size / 8; i++)
        put8(d, v >> (8 * i));
}

static uint8_t modrm_rr(int reg, int rm)
{
    return (uint8_t)(0xc0 | reg << 3 | rm);
}

static int encode(const Seq *s, bool code32, uint8_t *out)
{
    int len = 0;
    for (int i = 0; i < s->n; i++) {
        const DInsn *d = &s->insn[i];
        if ((d->size == 16 && code32) || (d->size == 32 && !code32))
            out[len++] = 0x66;
        memcpy(out + len, d->bytes, d->len);
        len += d->len;
    }
    return len;
}

/* A register number usable as a 16/32-bit operand (never ESP). */
static int rnd_reg(Rng *r)
{
    static const int regs[] = { R_EAX, R_ECX, R_EDX, R_EBX, R_EBP, R_ESI, R_EDI };
    return regs[rnd_below(r, 7)];
}

static int rnd_size(Rng *r)
{
    static const int sizes[] = { 8, 16, 32 };
    return sizes[rnd_below(r, 3)];
}

static int rnd_reg_for(Rng *r, int size)
{
    return size == 8 ? (int)rnd_below(r, 8) : rnd_reg(r);
}

/* Flags an instruction reads, defines and leaves undefined. */
typedef struct FlagUse {
    uint32_t reads, sets, undefs;
} FlagUse;

static void mov_imm(Seq *s, int size, int reg, uint32_t v)
{
    DInsn *d = add_insn(s, "mov r,imm", size);
    put8(d, (size == 8 ? 0xb0 : 0xb8) + reg);
    put_imm(d, v, size);
}

/* ---- Generators: one per instruction family ------------------------------- */

static const char *const alu_names[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };

static FlagUse alu_use(int k)
{
    FlagUse u = { 0, STATUS_FLAGS, 0 };
    if (k == 2 || k == 3)
        u.reads = EFLAGS_CF;
    if (k == 1 || k == 4 || k == 6) {      /* logic: AF undefined */
        u.sets = STATUS_FLAGS & ~EFLAGS_AF;
        u.undefs = EFLAGS_AF;
    }
    return u;
}

static FlagUse gen_alu(Rng *r, Seq *s)
{
    int k = (int)rnd_below(r, 8), size = rnd_size(r);
    int w = size != 8;
    DInsn *d;
    switch (rnd_below(r, 4)) {
    case 0:                                     /* Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev */
    case 1:
        d = add_insn(s, alu_names[k], size);
        put8(d, k * 8 + w + (rnd_below(r, 2) ? 2 : 0));
        put8(d, modrm_rr(rnd_reg_for(r, size), rnd_reg_for(r, size)));
        break;
    case 2:                                     /* 80 / 81 / 83 group 1 */
        d = add_insn(s, alu_names[k], size);
        if (size == 8) {
            put8(d, 0x80);
            put8(d, modrm_rr(k, rnd_reg_for(r, 8)));
            put_imm(d, rnd_value(r), 8);
        } else if (rnd_below(r, 2)) {
            put8(d, 0x83);
            put8(d, modrm_rr(k, rnd_reg(r)));
            put_imm(d, rnd_value(r), 8);
        } else {
            put8(d, 0x81);
            put8(d, modrm_rr(k, rnd_reg(r)));
            put_imm(d, rnd_value(r), size);
        }
        break;
    default:                                    /* AL/eAX, imm */
        d = add_insn(s, alu_names[k], size);
        put8(d, k * 8 + 4 + w);
        put_imm(d, rnd_value(r), size);
        break;
    }
    return alu_use(k);
}

static FlagUse gen_test(Rng *r, Seq *s)
{
    int size = rnd_size(r), w = size != 8;
    DInsn *d = add_insn(s, "test", size);
    switch (rnd_below(r, 3)) {
    case 0:
        put8(d, 0x84 + w);
        put8(d, modrm_rr(rnd_reg_for(r, size), rnd_reg_for(r, size)));
        break;
    case 1:
        put8(d, 0xf6 + w);
        put8(d, modrm_rr(0, rnd_reg_for(r, size)));
        put_imm(d, rnd_value(r), size);
        break;
    default:
        put8(d, 0xa8 + w);
        put_imm(d, rnd_value(r), size);
        break;
    }
    return (FlagUse){ 0, STATUS_FLAGS & ~EFLAGS_AF, EFLAGS_AF };
}

static FlagUse gen_unary(Rng *r, Seq *s)
{
    int size = rnd_size(r), w = size != 8, reg = rnd_reg_for(r, size);
    int op = (int)rnd_below(r, 5);
    DInsn *d;
    switch (op) {
    case 0:
    case 1:                                     /* INC/DEC Eb/Ev, or 40+r/48+r */
        d = add_insn(s, op ? "dec" : "inc", size);
        if (size != 8 && rnd_below(r, 2)) {
            put8(d, 0x40 + op * 8 + reg);
        } else {
            put8(d, 0xfe + w);
            put8(d, modrm_rr(op, reg));
        }
        return (FlagUse){ 0, STATUS_FLAGS & ~EFLAGS_CF, 0 };
    case 2:
    case 3:
        d = add_insn(s, "neg", size);
        put8(d, 0xf6 + w);
        put8(d, modrm_rr(3, reg));
        return (FlagUse){ 0, STATUS_FLAGS, 0 };
    default:
        d = add_insn(s, "not", size);
        put8(d, 0xf6 + w);
        put8(d, modrm_rr(2, reg));
        return (FlagUse){ 0, 0, 0 };
    }
}

/* A shift count: mostly within 0-31, sometimes above (the CPU masks it). */
static uint32_t rnd_count(Rng *r)
{
    if (rnd_below(r, 8) == 0)
        return rnd_below(r, 256);
    return rnd_below(r, 4) ? rnd_below(r, 10) : rnd_below(r, 32);
}

static FlagUse gen_shift(Rng *r, Seq *s)
{
    static const int ops[] = { 0, 1, 2, 3, 4, 5, 7 };
    static const char *const names[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };
    int op = ops[rnd_below(r, 7)], size = rnd_size(r), w = size != 8;
    int reg = rnd_reg_for(r, size);
    uint32_t count;
    DInsn *d;
    switch (rnd_below(r, 3)) {
    case 0:
        count = 1;
        d = add_insn(s, names[op], size);
        put8(d, 0xd0 + w);
        put8(d, modrm_rr(op, reg));
        break;
    case 1:
        count = rnd_count(r);
        mov_imm(s, 8, 1, count);                /* MOV CL, count */
        d = add_insn(s, names[op], size);
        put8(d, 0xd2 + w);
        put8(d, modrm_rr(op, reg));
        break;
    default:
        count = rnd_count(r);
        d = add_insn(s, names[op], size);
        put8(d, 0xc0 + w);
        put8(d, modrm_rr(op, reg));
        put8(d, count);
        break;
    }
    unsigned c = count & 31;
    FlagUse u = { 0, 0, 0 };
    if (op == 2 || op == 3)
        u.reads = EFLAGS_CF;
    if (c == 0)                                 /* SDM: count 0 affects no flags */
        return u;
    uint32_t of = c == 1 ? EFLAGS_OF : 0;
    if (op <= 3) {                              /* rotates: CF, and OF for 1-bit */
        u.sets = EFLAGS_CF | of;
        u.undefs = EFLAGS_OF & ~of;
    } else {
        u.sets = EFLAGS_CF | EFLAGS_SF | EFLAGS_ZF | EFLAGS_PF | of;
        u.undefs = EFLAGS_AF | (EFLAGS_OF & ~of);
        if (op != 7 && c >= (unsigned)size) {   /* SHL/SHR: CF undefined */
            u.sets &= ~EFLAGS_CF;
            u.undefs |= EFLAGS_CF;
        }
    }
    return u;
}

static FlagUse gen_shd(Rng *r, Seq *s)
{
    int size = rnd_below(r, 2) ? 16 : 32, right = (int)rnd_below(r, 2);
    int dst = rnd_reg(r), src = rnd_reg(r);
    uint32_t count = rnd_count(r);
    if (size == 16 && (count & 31) > 16)        /* SDM: result undefined */
        count &= 15;
    bool by_cl = rnd_below(r, 2);
    if (by_cl)
        mov_imm(s, 8, 1, count);
    DInsn *d = add_insn(s, right ? "shrd" : "shld", size);
    put8(d, 0x0f);
    put8(d, (right ? 0xac : 0xa4) + by_cl);
    put8(d, modrm_rr(src, dst));
    if (!by_cl)
        put8(d, count);
    unsigned c = count & 31;
    if (c == 0)
        return (FlagUse){ 0, 0, 0 };
    uint32_t of = c == 1 ? EFLAGS_OF : 0;
    return (FlagUse){ 0, EFLAGS_CF | EFLAGS_SF | EFLAGS_ZF | EFLAGS_PF | of,
                      EFLAGS_AF | (EFLAGS_OF & ~of) };
}

static FlagUse gen_mul(Rng *r, Seq *s)
{
    int size = rnd_size(r), w = size != 8;
    DInsn *d;
    switch (size == 8 ? 0 : rnd_below(r, 4)) {
    case 0:
    case 1: {                                   /* MUL/IMUL Eb/Ev */
        int is_imul = (int)rnd_below(r, 2);
        d = add_insn(s, is_imul ? "imul" : "mul", size);
        put8(d, 0xf6 + w);
        put8(d, modrm_rr(4 + is_imul, rnd_reg_for(r, size)));
        break;
    }
    case 2:                                     /* IMUL Gv,Ev */
        d = add_insn(s, "imul r,r", size);
        put8(d, 0x0f);
        put8(d, 0xaf);
        put8(d, modrm_rr(rnd_reg(r), rnd_reg(r)));
        break;
    default:                                    /* IMUL Gv,Ev,Iz / Ib */
        d = add_insn(s, "imul r,r,imm", size);
        if (rnd_below(r, 2)) {
            put8(d, 0x69);
            put8(d, modrm_rr(rnd_reg(r), rnd_reg(r)));
            put_imm(d, rnd_value(r), size);
        } else {
            put8(d, 0x6b);
            put8(d, modrm_rr(rnd_reg(r), rnd_reg(r)));
            put_imm(d, rnd_value(r), 8);
        }
        break;
    }
    return (FlagUse){ 0, EFLAGS_CF | EFLAGS_OF,
                      EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF };
}

static int64_t sext(uint64_t v, int size)
{
    uint64_t sign = 1ull << (size - 1);
    v &= (sign << 1) - 1;
    return (int64_t)(v ^ sign) - (int64_t)sign;
}

/*
 * DIV/IDIV with a dividend and divisor loaded by MOVs just before, chosen so
 * the quotient fits (SDM: otherwise #DE).
 */
static FlagUse gen_div(Rng *r, Seq *s)
{
    int size = rnd_size(r), w = size != 8, is_idiv = (int)rnd_below(r, 2);
    uint64_t mask = size == 32 ? 0xffffffffull : (1ull << size) - 1;
    int divreg;
    if (size == 8) {
        static const int regs8[] = { 1, 2, 3, 5, 6, 7 };      /* CL DL BL CH DH BH */
        divreg = regs8[rnd_below(r, 6)];
    } else {
        static const int regs[] = { R_ECX, R_EBX, R_EBP, R_ESI, R_EDI };
        divreg = regs[rnd_below(r, 5)];
    }
    uint64_t d = rnd_value(r) & mask, hi, lo;
    if (d == 0)
        d = 1 + rnd_below(r, 100);
    if (!is_idiv) {
        hi = (rnd(r) & mask) % d;
        lo = rnd_value(r) & mask;
    } else {
        int64_t sd = sext(d, size);
        int64_t qmax = (int64_t)(mask >> 1);
        int64_t q = sext(rnd_value(r), size);
        if (q < -qmax)
            q = -qmax;
        int64_t ad = sd < 0 ? -sd : sd;
        int64_t rem = (int64_t)(rnd(r) % (uint64_t)ad);
        int64_t prod = q * sd;
        if (prod < 0 || (prod == 0 && rnd_below(r, 2)))
            rem = -rem;
        int64_t dividend = prod + rem;
        lo = (uint64_t)dividend & mask;
        hi = ((uint64_t)dividend >> size) & mask;
    }
    if (size == 8) {
        mov_imm(s, 16, R_EAX, (uint32_t)(hi << 8 | lo));
    } else {
        mov_imm(s, size, R_EDX, (uint32_t)hi);
        mov_imm(s, size, R_EAX, (uint32_t)lo);
    }
    mov_imm(s, size, divreg, (uint32_t)d);
    DInsn *di = add_insn(s, is_idiv ? "idiv" : "div", size);
    put8(di, 0xf6 + w);
    put8(di, modrm_rr(6 + is_idiv, divreg));
    return (FlagUse){ 0, 0, STATUS_FLAGS };
}

static FlagUse gen_bits(Rng *r, Seq *s)
{
    static const char *const bt_names[4] = { "bt", "bts", "btr", "btc" };
    int size = rnd_below(r, 2) ? 16 : 32;
    DInsn *d;
    switch (rnd_below(r, 5)) {
    case 0: {                                   /* BTx Ev,Gv */
        int k = (int)rnd_below(r, 4);
        d = add_insn(s, bt_names[k], size);
        put8(d, 0x0f);
        put8(d, 0xa3 + 8 * k);
        put8(d, modrm_rr(rnd_reg(r), rnd_reg(r)));
        return (FlagUse){ 0, EFLAGS_CF, EFLAGS_OF | EFLAGS_SF | EFLAGS_AF | EFLAGS_PF };
    }
    case 1: {                                   /* BTx Ev,Ib (0F BA /4-/7) */
        int k = (int)rnd_below(r, 4);
        d = add_insn(s, bt_names[k], size);
        put8(d, 0x0f);
        put8(d, 0xba);
        put8(d, modrm_rr(4 + k, rnd_reg(r)));
        put8(d, rnd_below(r, 256));
        return (FlagUse){ 0, EFLAGS_CF, EFLAGS_OF | EFLAGS_SF | EFLAGS_AF | EFLAGS_PF };
    }
    case 2: {                                   /* BSF/BSR Gv,Ev */
        int rev = (int)rnd_below(r, 2);
        d = add_insn(s, rev ? "bsr" : "bsf", size);
        put8(d, 0x0f);
        put8(d, 0xbc + rev);
        put8(d, modrm_rr(rnd_reg(r), rnd_reg(r)));
        return (FlagUse){ 0, EFLAGS_ZF, STATUS_FLAGS & ~EFLAGS_ZF };
    }
    default:                                    /* BSWAP r32 (16-bit: undefined) */
        d = add_insn(s, "bswap", 32);
        put8(d, 0x0f);
        put8(d, 0xc8 + rnd_reg(r));
        return (FlagUse){ 0, 0, 0 };
    }
}

/* Flags a condition code (the low nibble of Jcc/SETcc/CMOVcc) reads. */
static uint32_t cc_reads(int cc)
{
    static const uint32_t f[8] = {
        EFLAGS_OF, EFLAGS_CF, EFLAGS_ZF, EFLAGS_CF | EFLAGS_ZF, EFLAGS_SF, EFLAGS_PF,
        EFLAGS_SF | EFLAGS_OF, EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF,
    };
    return f[cc >> 1];
}

static FlagUse gen_cond(Rng *r, Seq *s)
{
    int cc = (int)rnd_below(r, 16);
    DInsn *d;
    if (rnd_below(r, 2)) {
        d = add_insn(s, "setcc", 8);
        put8(d, 0x0f);
        put8(d, 0x90 + cc);
        put8(d, modrm_rr(0, rnd_reg_for(r, 8)));
    } else {
        d = add_insn(s, "cmovcc", rnd_below(r, 2) ? 16 : 32);
        put8(d, 0x0f);
        put8(d, 0x40 + cc);
        put8(d, modrm_rr(rnd_reg(r), rnd_reg(r)));
    }
    return (FlagUse){ cc_reads(cc), 0, 0 };
}

static FlagUse gen_bcd(Rng *r, Seq *s)
{
    DInsn *d;
    if (rnd_below(r, 2)) {                      /* a BCD-looking AL to work on */
        d = add_insn(s, rnd_below(r, 2) ? "add" : "sub", 8);
        put8(d, rnd_below(r, 2) ? 0x04 : 0x2c);
        put8(d, (rnd_below(r, 10) << 4) | rnd_below(r, 10));
    }
    switch (rnd_below(r, 6)) {
    case 0:
        put8(add_insn(s, "daa", 0), 0x27);
        return (FlagUse){ EFLAGS_CF | EFLAGS_AF, STATUS_FLAGS & ~EFLAGS_OF, EFLAGS_OF };
    case 1:
        put8(add_insn(s, "das", 0), 0x2f);
        return (FlagUse){ EFLAGS_CF | EFLAGS_AF, STATUS_FLAGS & ~EFLAGS_OF, EFLAGS_OF };
    case 2:
        put8(add_insn(s, "aaa", 0), 0x37);
        return (FlagUse){ EFLAGS_AF, EFLAGS_AF | EFLAGS_CF,
                          EFLAGS_OF | EFLAGS_SF | EFLAGS_ZF | EFLAGS_PF };
    case 3:
        put8(add_insn(s, "aas", 0), 0x3f);
        return (FlagUse){ EFLAGS_AF, EFLAGS_AF | EFLAGS_CF,
                          EFLAGS_OF | EFLAGS_SF | EFLAGS_ZF | EFLAGS_PF };
    default: {                                  /* AAM/AAD imm8, base 10 half the time */
        int aad = (int)rnd_below(r, 2);
        uint32_t base = rnd_below(r, 2) ? 10 : 1 + rnd_below(r, 255);
        d = add_insn(s, aad ? "aad" : "aam", 0);
        put8(d, 0xd4 + aad);
        put8(d, base);
        return (FlagUse){ 0, EFLAGS_SF | EFLAGS_ZF | EFLAGS_PF,
                          EFLAGS_OF | EFLAGS_AF | EFLAGS_CF };
    }
    }
}

typedef FlagUse GenFn(Rng *r, Seq *s);

enum { FAM_ALU = 1 << 0, FAM_SHIFT = 1 << 1, FAM_MULDIV = 1 << 2, FAM_BITS = 1 << 3,
       FAM_BCD = 1 << 4, FAM_ALL = 0x1f };

static const struct {
    GenFn *gen;
    unsigned family;
} generators[] = {
    { gen_alu, FAM_ALU }, { gen_test, FAM_ALU }, { gen_unary, FAM_ALU },
    { gen_shift, FAM_SHIFT }, { gen_shd, FAM_SHIFT },
    { gen_mul, FAM_MULDIV }, { gen_div, FAM_MULDIV },
    { gen_bits, FAM_BITS }, { gen_cond, FAM_BITS },
    { gen_bcd, FAM_BCD },
};

/*
 * Build one sequence of 1-6 instructions from the families in 'mask' (plus
 * the MOVs they need). An instruction that would read an undefined flag gets
 * an ADD r,r in front, which defines all six.
 */
static void gen_seq(Rng *r, Seq *s, unsigned mask)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 8; i++)
        s->in_regs[i] = rnd_value(r);
    s->in_flags = (rnd(r) & STATUS_FLAGS) | 2;
    int count = 1 + (int)rnd_below(r, 6);
    const int ngen = (int)(sizeof generators / sizeof generators[0]);
    while (count > 0) {
        int g = (int)rnd_below(r, (uint32_t)ngen);
        if (!(generators[g].family & mask))
            continue;
        count--;
        Seq trial = *s;
        FlagUse u = generators[g].gen(r, &trial);
        if (u.reads & s->undef) {
            int first = s->n, size = rnd_below(r, 2) ? 16 : 32;
            DInsn *d = add_insn(s, "add", size);
            put8(d, 0x01);
            put8(d, modrm_rr(rnd_reg(r), rnd_reg(r)));
            s->undef = 0;
            for (int i = first; i < trial.n; i++)
                *add_insn(s, "", 0) = trial.insn[i];
        } else {
            *s = trial;
        }
        s->undef = (s->undef & ~(u.sets | u.undefs)) | u.undefs;
    }
}

/* ---- Host side ------------------------------------------------------------- */

/* Layout of the MAP_32BIT buffer (offsets). */
enum {
    HB_STUB = 0x000,          /* 64-bit entry stub */
    HB_IN = 0x800,            /* 8 registers, then EFLAGS */
    HB_OUT = 0x840,
    HB_SAVED_RSP = 0x880,
    HB_FARPTR = 0x890,        /* m16:32 -> 0023:HB_CODE */
    HB_CODE = 0x1000,         /* 32-bit harness + sequence */
    HB_STACK_TOP = 0xff00,
    HB_SIZE = 0x10000,
};

typedef struct Host {
    uint8_t *buf;
    uint32_t base;
} Host;

static void put32_at(uint8_t **p, uint32_t v)
{
    memcpy(*p, &v, 4);
    *p += 4;
}

static bool host_init(Host *h)
{
    void *m = mmap(NULL, HB_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (m == MAP_FAILED)
        return false;
    h->buf = m;
    h->base = (uint32_t)(uintptr_t)m;
    /* 64-bit stub: save callee-saved registers and RSP, switch to the low
     * stack, far-call 0023:HB_CODE, restore. */
    static const uint8_t push[] = { 0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57 };
    static const uint8_t pop[] = { 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3 };
    uint8_t *p = h->buf + HB_STUB;
    memcpy(p, push, sizeof push);
    p += sizeof push;
    *p++ = 0x48; *p++ = 0x89; *p++ = 0x24; *p++ = 0x25;      /* mov [abs32], rsp */
    put32_at(&p, h->base + HB_SAVED_RSP);
    *p++ = 0xbc;                                            /* mov esp, imm32 */
    put32_at(&p, h->base + HB_STACK_TOP);
    *p++ = 0xff; *p++ = 0x1c; *p++ = 0x25;                  /* call far [abs32] */
    put32_at(&p, h->base + HB_FARPTR);
    *p++ = 0x48; *p++ = 0x8b; *p++ = 0x24; *p++ = 0x25;      /* mov rsp, [abs32] */
    put32_at(&p, h->base + HB_SAVED_RSP);
    memcpy(p, pop, sizeof pop);
    uint8_t *f = h->buf + HB_FARPTR;
    put32_at(&f, h->base + HB_CODE);
    f[0] = 0x23;
    f[1] = 0x00;
    return true;
}

static void host_free(Host *h)
{
    munmap(h->buf, HB_SIZE);
}

static void host_run(Host *h, const Seq *s, Result *res)
{
    uint8_t *p = h->buf + HB_CODE;
    uint32_t in = h->base + HB_IN, out = h->base + HB_OUT;
    static const uint8_t load_ds[] = { 0x66, 0xb8, 0x2b, 0x00, 0x8e, 0xd8, 0x8e, 0xc0 };
    memcpy(p, load_ds, sizeof load_ds);       /* mov ax,0x2b; mov ds,ax; mov es,ax */
    p += sizeof load_ds;
    *p++ = 0xff; *p++ = 0x35;                 /* push dword [in_flags]; popfd */
    put32_at(&p, in + 32);
    *p++ = 0x9d;
    for (int r = 0; r < 8; r++) {
        if (r == R_ESP)
            continue;
        *p++ = 0x8b; *p++ = (uint8_t)(0x05 | r << 3);   /* mov r32, [abs] */
        put32_at(&p, in + 4 * r);
    }
    p += encode(s, true, p);
    *p++ = 0x9c;                              /* pushfd */
    for (int r = 0; r < 8; r++) {
        if (r == R_ESP)
            continue;
        *p++ = 0x89; *p++ = (uint8_t)(0x05 | r << 3);   /* mov [abs], r32 */
        put32_at(&p, out + 4 * r);
    }
    *p++ = 0x8f; *p++ = 0x05;                 /* pop dword [out_flags] */
    put32_at(&p, out + 32);
    *p++ = 0xcb;                              /* retf */
    memcpy(h->buf + HB_IN, s->in_regs, 32);
    memcpy(h->buf + HB_IN + 32, &s->in_flags, 4);
    ((void (*)(void))(uintptr_t)(h->buf + HB_STUB))();
    memcpy(res->regs, h->buf + HB_OUT, 32);
    memcpy(&res->flags, h->buf + HB_OUT + 32, 4);
    res->regs[R_ESP] = s->in_regs[R_ESP];
    res->faulted = false;
}

/* ---- emu side -------------------------------------------------------------- */

typedef struct Interp {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
} Interp;

static void interp_init(Interp *e)
{
    e->mem = addr_space_new(ADDR_SPACE_MEM);
    e->io = addr_space_new(ADDR_SPACE_IO);
    e->ram = xzalloc(RAM_SIZE);
    mem_map_ram(e->mem, 0, RAM_SIZE, e->ram);
    e->cpu = cpu_create(e->mem, e->io);
    /* every vector points at a HLT at 0050:0000, so a fault stops there */
    for (unsigned v = 0; v < 256; v++) {
        e->ram[v * 4 + 2] = 0x50;
    }
    e->ram[0x500] = 0xf4;
}

static void interp_free(Interp *e)
{
    cpu_free(e->cpu);
    addr_space_free(e->mem);
    addr_space_free(e->io);
    free(e->ram);
}

static void interp_run(Interp *e, const Seq *s, Result *res)
{
    CpuState *cpu = e->cpu;
    int len = encode(s, false, e->ram + EMU_CODE_PHYS);
    e->ram[EMU_CODE_PHYS + len] = 0xf4;
    cpu_reset(cpu);
    cpu->idtr.base = 0;
    cpu->idtr.limit = 0x3ff;
    cpu_set_seg_real(cpu, SEG_CS, EMU_CODE_PHYS >> 4);
    cpu_set_seg_real(cpu, SEG_SS, 0x2000);
    cpu_set_seg_real(cpu, SEG_DS, 0x3000);
    cpu->eip = 0;
    memcpy(cpu->regs, s->in_regs, sizeof cpu->regs);
    cpu->regs[R_ESP] = 0xfff0;
    cpu_set_eflags(cpu, s->in_flags);
    cpu_exec(cpu, s->n);
    memcpy(res->regs, cpu->regs, sizeof res->regs);
    res->regs[R_ESP] = s->in_regs[R_ESP];
    res->flags = cpu_get_eflags(cpu);
    res->faulted = cpu->seg[SEG_CS].sel != (EMU_CODE_PHYS >> 4) || cpu->eip != (uint32_t)len;
    res->fault_cs = cpu->seg[SEG_CS].sel;
    res->fault_eip = cpu->eip;
}

/* ---- Comparison ------------------------------------------------------------ */

static void print_flags(const char *label, uint32_t f)
{
    fprintf(stderr, "  %s flags %03x:%s%s%s%s%s%s\n", label, f & STATUS_FLAGS,
            f & EFLAGS_OF ? " OF" : "", f & EFLAGS_SF ? " SF" : "", f & EFLAGS_ZF ? " ZF" : "",
            f & EFLAGS_AF ? " AF" : "", f & EFLAGS_PF ? " PF" : "", f & EFLAGS_CF ? " CF" : "");
}

static void report(const Seq *s, const Result *host, const Result *emu)
{
    static const char *const names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
    fprintf(stderr, "cpu_diff mismatch:\n");
    for (int i = 0; i < s->n; i++) {
        const DInsn *d = &s->insn[i];
        fprintf(stderr, "  %-12s o%-2d ", d->name, d->size);
        if (d->size == 16)
            fprintf(stderr, "66 ");
        for (int b = 0; b < d->len; b++)
            fprintf(stderr, "%02x ", d->bytes[b]);
        fprintf(stderr, "  (32-bit encoding)\n");
    }
    if (emu->faulted)
        fprintf(stderr, "  emu stopped at %04x:%04x (an exception?)\n", emu->fault_cs, emu->fault_eip);
    fprintf(stderr, "  %-4s %-9s %-9s %-9s\n", "reg", "input", "host", "emu");
    for (int r = 0; r < 8; r++) {
        if (r == R_ESP)
            continue;
        fprintf(stderr, "  %-4s %08x  %08x  %08x%s\n", names[r], s->in_regs[r], host->regs[r],
                emu->regs[r], host->regs[r] != emu->regs[r] ? "   <--" : "");
    }
    print_flags("input", s->in_flags);
    print_flags("host ", host->flags);
    print_flags("emu  ", emu->flags);
    fprintf(stderr, "  undefined at the end (not compared): %03x\n", s->undef);
}

static bool results_match(const Seq *s, const Result *host, const Result *emu)
{
    if (emu->faulted)
        return false;
    if (memcmp(host->regs, emu->regs, sizeof host->regs))
        return false;
    uint32_t mask = STATUS_FLAGS & ~s->undef;
    return (host->flags & mask) == (emu->flags & mask);
}

/* Run 'count' sequences from 'mask'; returns the number of mismatches. */
static int run_diff(unsigned mask, int count, uint64_t seed)
{
    Host h;
    Interp e;
    Rng r = { seed };
    ck_assert_msg(host_init(&h), "mmap MAP_32BIT failed");
    interp_init(&e);
    int bad = 0;
    Seq s;
    for (int i = 0; i < count; i++) {
        Result hr, er;
        gen_seq(&r, &s, mask);
        host_run(&h, &s, &hr);
        interp_run(&e, &s, &er);
        if (!results_match(&s, &hr, &er) && ++bad <= 5)
            report(&s, &hr, &er);
    }
    if (bad)
        fprintf(stderr, "cpu_diff: %d of %d sequences differ (families %#x)\n", bad, count, mask);
    interp_free(&e);
    host_free(&h);
    return bad;
}

/* The host harness itself: 09h + 08h, DAA -> 17h in 32-bit code. */
START_TEST(cpu_diff_harness)
{
    Host h;
    Seq s = { .n = 0 };
    Result res;
    ck_assert_msg(host_init(&h), "mmap MAP_32BIT failed");
    DInsn *d = add_insn(&s, "add", 8);
    put8(d, 0x04);
    put8(d, 0x08);
    put8(add_insn(&s, "daa", 0), 0x27);
    s.in_regs[R_EAX] = 0x12345609;
    s.in_regs[R_EDI] = 0xdeadbeef;
    s.in_flags = 2;
    host_run(&h, &s, &res);
    ck_assert_uint_eq(res.regs[R_EAX], 0x12345617);
    ck_assert_uint_eq(res.regs[R_EDI], 0xdeadbeef);
    ck_assert_uint_eq(res.flags & EFLAGS_AF, EFLAGS_AF);
    host_free(&h);
}
END_TEST

START_TEST(cpu_diff_alu)
{
    ck_assert_int_eq(run_diff(FAM_ALU, 4000, 0x0123456789abcdefull), 0);
}
END_TEST

START_TEST(cpu_diff_shift)
{
    ck_assert_int_eq(run_diff(FAM_SHIFT, 4000, 0x5eed0001ull), 0);
}
END_TEST

START_TEST(cpu_diff_muldiv)
{
    ck_assert_int_eq(run_diff(FAM_MULDIV, 4000, 0x5eed0002ull), 0);
}
END_TEST

START_TEST(cpu_diff_bits)
{
    ck_assert_int_eq(run_diff(FAM_BITS, 4000, 0x5eed0003ull), 0);
}
END_TEST

START_TEST(cpu_diff_bcd)
{
    ck_assert_int_eq(run_diff(FAM_BCD, 4000, 0x5eed0004ull), 0);
}
END_TEST

START_TEST(cpu_diff_mixed)
{
    ck_assert_int_eq(run_diff(FAM_ALL, 10000, 0x5eed0005ull), 0);
}
END_TEST

Suite *cpu_diff_suite(void)
{
    Suite *s = suite_create("cpu_diff");
    TCase *tc = tcase_create("host");
    tcase_add_test(tc, cpu_diff_harness);
    tcase_add_test(tc, cpu_diff_alu);
    tcase_add_test(tc, cpu_diff_shift);
    tcase_add_test(tc, cpu_diff_muldiv);
    tcase_add_test(tc, cpu_diff_bits);
    tcase_add_test(tc, cpu_diff_bcd);
    tcase_add_test(tc, cpu_diff_mixed);
    suite_add_tcase(s, tc);
    return s;
}
